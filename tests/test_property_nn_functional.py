"""Property tests of every differentiable function of nn.functional
(autograd.testing.nn_registry).

Each entry is checked with `check_op` in float64 on drawn inputs (0-d, empty, broadcast and
non-contiguous where the function takes them): gradcheck, gradgradcheck, gradient shape and
dtype, inputs unchanged. The completeness test fails when a public function of
nn.functional is neither in the registry nor in NOT_DIFFERENTIABLE (with the reason).
"""
import functools
import importlib
import pkgutil

import pytest

import nn.functional as F
from autograd.testing import check_op, examples
from autograd.testing.nn_registry import NN_REGISTRY
from autograd.testing.op_registry import registry_params

SUBMODULES = sorted(m.name for m in pkgutil.iter_modules(F.__path__))

NOT_DIFFERENTIABLE = {
    "one_hot": "returns an int64 tensor of class indicators: no gradient",
}


@pytest.mark.parametrize("name", registry_params(NN_REGISTRY))
def test_function_gradients(name):
    spec = NN_REGISTRY[name]
    check_op(functools.partial(spec.call, F), args=spec.args, checks=spec.checks,
             max_examples=examples(8))


def _public_functions():
    """(name, function) for every public name of nn.functional's submodules, and every
    public callable nn.functional exports (so a function added anywhere is seen)."""
    seen = set()
    for sub in SUBMODULES:
        module = importlib.import_module(f"nn.functional.{sub}")
        for name in module.__all__:
            seen.add(name)
            yield name, getattr(module, name)
    for name in dir(F):
        value = getattr(F, name)
        if name.startswith("_") or name in seen or not callable(value) or \
                isinstance(value, type) or getattr(value, "__module__", "").split(".")[0] \
                not in ("nn", "autograd"):
            continue
        yield name, value


def test_registry_covers_every_differentiable_function():
    covered = {spec.op for spec in NN_REGISTRY.values()}
    missing = sorted(name for name, _ in _public_functions()
                     if name not in covered and name not in NOT_DIFFERENTIABLE)
    assert not missing, (f"nn.functional functions without a property test: {missing}; add "
                         f"an entry to autograd/testing/nn_registry*.py (or, if it has no "
                         f"gradient, to NOT_DIFFERENTIABLE here with the reason)")


def test_registry_names_public_functions_only():
    public = {name for name, _ in _public_functions()}
    stray = sorted(spec.name for spec in NN_REGISTRY.values() if spec.op not in public)
    assert not stray, f"registry entries for names nn.functional does not export: {stray}"
    assert set(NOT_DIFFERENTIABLE) <= public
    assert not set(NOT_DIFFERENTIABLE) & {spec.op for spec in NN_REGISTRY.values()}


def test_submodule_exports_are_exported_by_nn_functional():
    for sub in SUBMODULES:
        module = importlib.import_module(f"nn.functional.{sub}")
        assert all(getattr(F, n) is getattr(module, n) for n in module.__all__), sub
