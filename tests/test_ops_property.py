"""Property tests of every differentiable public op (autograd.testing.op_registry).

Each registry entry is checked with `check_op` in float64 over broadcast, 0-d, empty and
non-contiguous inputs: gradcheck, gradgradcheck, gradient shape and dtype, inputs unchanged.
The completeness test fails when a public op of `autograd.ops.*` is neither in the registry
nor in the explicit list of non-differentiable names below (with the reason).
"""
import functools

import pytest

import autograd
import autograd.tensor_methods as tensor_methods
from autograd.ops import binary, elementwise, indexing, inplace, linalg, reduce, shape
from autograd.testing import check_op, examples
from autograd.testing.op_registry import REGISTRY, registry_params

MODULES = (elementwise, binary, reduce, shape, indexing, linalg, inplace)

_COMPARISON = "a comparison or logical test: a bool result has no gradient"
_INDEX_RESULT = "returns indices (int64): no gradient"
NOT_DIFFERENTIABLE = {
    **{name: _COMPARISON for name in [
        "eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal",
        "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan",
        "isinf", "isfinite", "isclose", "all", "any"]},
    **{name: _INDEX_RESULT for name in [
        "argmax", "argmin", "argsort", "nonzero", "argwhere", "count_nonzero"]},
    "equal": "returns a Python bool",
    "allclose": "returns a Python bool",
    "bitwise_and": "integer/bool bit operation", "bitwise_or": "integer/bool bit operation",
    "bitwise_xor": "integer/bool bit operation", "bitwise_not": "integer/bool bit operation",
    "floor_divide": "PyTorch's floor_divide has no derivative (its backward is not "
                    "implemented); glassgrad returns a constant",
    "promote": "dtype helper of the binary ops, not an op",
    "result_type": "dtype helper of the binary ops, not an op",
    "normalize_dims": "argument helper of the reductions, not an op",
    "normalize_index": "argument helper of indexing, not an op",
    "split_int_index": "argument helper of indexing (PyTorch's int-before-array order), not "
                       "an op",
    "as_view": "internal: marks an op's output as a view of its input",
    "apply_inplace": "internal machinery of the in-place ops (each is covered on a clone)",
    "check_inplace": "internal check of the in-place ops",
}


@pytest.mark.parametrize("name", registry_params(REGISTRY))
def test_op_gradients(name):
    spec = REGISTRY[name]
    check_op(functools.partial(spec.call, autograd), args=spec.args, checks=spec.checks,
             max_examples=examples(15))


def _public_ops():
    """(name, function) for every public name of the op modules."""
    for module in MODULES:
        for name in module.__all__:
            yield name, getattr(module, name)


def test_registry_covers_every_differentiable_public_op():
    covered = {spec.op for spec in REGISTRY.values()}
    functions = {}
    for name, fn in _public_ops():
        functions.setdefault(id(fn), set()).add(name)
    missing = []
    for name, fn in _public_ops():
        aliases = functions[id(fn)]  # an alias (arcsin = asin) is covered through its twin
        if name in NOT_DIFFERENTIABLE or aliases & covered:
            continue
        missing.append(name)
    assert not missing, (f"public ops without a property test: {sorted(missing)}; add an "
                         f"entry to autograd/testing/op_registry.py (or, if the op has no "
                         f"gradient, to NOT_DIFFERENTIABLE here with the reason)")


def test_tensor_methods_are_public_ops():
    """Every method bound by tensor_methods is one of the modules' public names, so the
    completeness test above also covers the methods."""
    public = {name for name, _ in _public_ops()}
    methods = {name for names in tensor_methods._METHODS.values() for name in names}
    assert methods <= public, sorted(methods - public)


def test_exclusions_are_public_and_not_registered():
    public = {name for name, _ in _public_ops()}
    covered = {spec.op for spec in REGISTRY.values()}
    assert set(NOT_DIFFERENTIABLE) <= public, sorted(set(NOT_DIFFERENTIABLE) - public)
    assert not set(NOT_DIFFERENTIABLE) & covered, sorted(set(NOT_DIFFERENTIABLE) & covered)


def test_registry_entries_cover_public_names():
    public = {name for name, _ in _public_ops()}
    stray = sorted(spec.name for spec in REGISTRY.values() if spec.op not in public)
    assert not stray, f"registry entries for names that are not public ops: {stray}"
