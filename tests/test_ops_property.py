"""Property tests of every differentiable public op (autograd.testing.op_registry).

Each registry entry is checked with `check_op` in float64 over broadcast, 0-d, empty and
non-contiguous inputs: gradcheck, gradgradcheck, gradient shape and dtype, inputs unchanged.
The completeness test fails when a public op of `autograd.ops.*` is neither in the registry
nor in the explicit list of non-differentiable names below (with the reason).
"""
import functools
import pkgutil

import pytest

import autograd
import autograd.tensor_methods as tensor_methods
from autograd.ops import (binary, binary_math, compare, cumulative, elementwise, indexing,
                          inplace, join, linalg, pad, reduce, select, shape, softmax, stats)
from autograd.testing import check_op, examples
from autograd.testing.op_registry import REGISTRY, registry_params

MODULES = (elementwise, binary, binary_math, select, compare, reduce, stats, softmax,
           cumulative, shape, join, pad, indexing, linalg, inplace)

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


def test_modules_are_every_op_module():
    """MODULES names every file of autograd.ops (but `dual`, whose helpers are the
    array-or-Tensor building blocks of backward formulas, not ops), so an op in a new file
    is not missed by the completeness test."""
    files = {m.name for m in pkgutil.iter_modules(autograd.ops.__path__)} - {"dual"}
    assert files == {module.__name__.rpartition(".")[2] for module in MODULES}


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
    public = {name for name, _ in _public_ops()} | set(_tensor_attributes())
    stray = sorted(spec.name for spec in REGISTRY.values() if spec.op not in public)
    assert not stray, f"registry entries for names that are not public ops: {stray}"


_NO_GRAD_METHOD = "returns a Python value, an integer/bool tensor or metadata: no gradient"
TENSOR_NOT_DIFFERENTIABLE = {
    **{name: _NO_GRAD_METHOD for name in [
        "item", "tolist", "numpy", "size", "stride", "dim", "ndimension", "numel", "nelement",
        "element_size", "is_contiguous", "is_floating_point", "bool", "byte", "int", "long",
        "short", "__bool__", "__float__", "__int__", "__index__", "__complex__", "__len__",
        "__iter__", "__array__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
        "__and__", "__or__", "__xor__", "__invert__", "__rand__", "__ror__", "__rxor__",
        "__repr__", "__str__", "__format__", "__hash__", "__reduce_ex__", "__deepcopy__",
        "__init__", "__new__", "__dlpack__", "__dlpack_device__", "__contains__"]},
    **{name: "fills the tensor with random numbers: no gradient flows to its old values"
       for name in ["uniform_", "normal_", "bernoulli_", "exponential_", "random_"]},
    **{name: "autograd machinery (graph, hooks, grad flags), not an op" for name in [
        "backward", "detach", "detach_", "requires_grad_", "retain_grad", "register_hook",
        "new_tensor", "new_empty", "new_full", "new_ones", "new_zeros"]},
    "floor_divide_": "floor_divide has no derivative (see NOT_DIFFERENTIABLE)",
    "__floordiv__": "floor_divide has no derivative (see NOT_DIFFERENTIABLE)",
    "__rfloordiv__": "floor_divide has no derivative (see NOT_DIFFERENTIABLE)",
    "cuda": "glassgrad has no CUDA device (raises)",
}


def _tensor_attributes():
    """Tensor's public methods, properties and operators (not the data attributes)."""
    names = []
    for cls in autograd.Tensor.__mro__[:-1]:
        for name, value in vars(cls).items():
            if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                continue
            if callable(value) or isinstance(value, property) and name in ("T", "mT", "H",
                                                                             "mH"):
                names.append(name)
    return sorted(set(names))


def test_every_tensor_method_and_operator_is_covered():
    """Every public method, operator and differentiable property of Tensor is either an op
    of the modules above (covered by their test), a registry entry's `op` (in-place
    variants, operators, conversions), or listed as not differentiable with the reason."""
    covered = {spec.op for spec in REGISTRY.values()}
    module_names = {name for name, _ in _public_ops()}
    missing = [name for name in _tensor_attributes() if name not in covered
               and name not in module_names and name not in TENSOR_NOT_DIFFERENTIABLE
               and name not in NOT_DIFFERENTIABLE]
    assert not missing, (f"Tensor methods/operators without a property test: {missing}; add "
                         f"an entry to autograd/testing/op_registry_methods.py (or to "
                         f"TENSOR_NOT_DIFFERENTIABLE here with the reason)")
