"""Parity with PyTorch 2.13 on the same drawn inputs: values, output dtypes, shapes,
requires_grad, gradients, and the type of error raised on invalid inputs.

Each registry entry (autograd/testing/op_registry.py) is called on glassgrad (`call(autograd,
...)`) and on PyTorch (`call(torch, ...)`, or the entry's `torch_call` where PyTorch spells it
differently) with the same arguments converted to torch tensors.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd.testing import broadcastable_shapes, examples, shapes, tensors
from autograd.testing.op_registry import REGISTRY
from autograd.testing.torch_parity import compare_with_torch, error_kind as _kind, run as _run
from autograd.testing.torch_parity import to_torch as _to_torch

torch = pytest.importorskip("torch")


def to_torch(value):
    return _to_torch(value, torch)


@pytest.mark.parametrize("name", sorted(n for n, spec in REGISTRY.items() if spec.parity))
def test_matches_torch(name):
    spec = REGISTRY[name]
    torch_call = spec.torch_call or spec.call

    @settings(max_examples=examples(10), deadline=None)
    @given(spec.args)
    def compare(args):
        compare_with_torch(name, spec.call, torch_call, args, libs=(autograd, torch),
                           torch=torch)

    compare()


# ------------------------------------------------------------------ invalid inputs
def _mismatched_pair():
    """Two shapes that do not broadcast (a clash in the last dimension)."""
    return st.tuples(st.integers(2, 3), st.integers(2, 3)).filter(lambda nm: nm[0] != nm[1]) \
        .flatmap(lambda nm: st.tuples(tensors(shape=(nm[0],)), tensors(shape=(2, nm[1]))))


@st.composite
def _out_of_range_dim(draw):
    x = draw(tensors(shape=shapes(min_dims=1)))
    return (x, draw(st.sampled_from([x.ndim, x.ndim + 1, -x.ndim - 1])))


_INVALID = {
    "add": (_mismatched_pair(), lambda lib, a, b: a + b),
    "mul": (_mismatched_pair(), lambda lib, a, b: a * b),
    "maximum": (_mismatched_pair(), lambda lib, a, b: lib.maximum(a, b)),
    "sum": (_out_of_range_dim(), lambda lib, x, d: x.sum(d)),
    "softmax": (_out_of_range_dim(), lambda lib, x, d: x.softmax(d)),
    "transpose": (_out_of_range_dim(), lambda lib, x, d: x.transpose(0, d)),
    "unsqueeze": (_out_of_range_dim().map(lambda a: (a[0], a[1] + (1 if a[1] > 0 else -1))),
                  lambda lib, x, d: x.unsqueeze(d)),
    "matmul": (st.tuples(tensors(shape=(2, 3)), tensors(shape=(2, 3))),
               lambda lib, a, b: a @ b),
    "cat": (st.tuples(tensors(shape=(2, 3)), tensors(shape=(3, 2))),
            lambda lib, a, b: lib.cat([a, b], 0)),
    "reshape": (tensors(shape=(2, 3)).map(lambda x: (x,)), lambda lib, x: x.reshape(4, 2)),
    "getitem": (_out_of_range_dim().map(lambda a: (a[0], a[0].shape[0])),
                lambda lib, x, i: x[i]),
    "expand": (st.tuples(tensors(shape=(2, 3))), lambda lib, x: x.expand(3, 3)),
    "gather": (st.tuples(tensors(shape=(2, 3))),
               lambda lib, x: x.gather(1, lib.tensor([[0, 5], [1, 2]]))),
}


# Reported differences, each expected to fail (strict) until the op is fixed (none now).
_KNOWN_BUGS = {}
_INVALID.update({
    "H[1-d]": (st.tuples(tensors(shape=(3,))), lambda lib, x: x.H),
    "H[3-d]": (st.tuples(tensors(shape=(2, 2, 3))), lambda lib, x: x.H),
    "mT[1-d]": (st.tuples(tensors(shape=(3,))), lambda lib, x: x.mT),
    "mH[1-d]": (st.tuples(tensors(shape=(3,))), lambda lib, x: x.mH),
})


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(
    strict=True, reason=_KNOWN_BUGS[n])) if n in _KNOWN_BUGS else n for n in sorted(_INVALID)])
def test_invalid_inputs_raise_like_torch(name):
    strategy, call = _INVALID[name]

    @settings(max_examples=examples(5), deadline=None)
    @given(strategy)
    def compare(args):
        _, error = _run(call, autograd, *args)
        _, terror = _run(call, torch, *to_torch(tuple(args)))
        assert terror is not None, f"{name}: the drawn input is valid for PyTorch"
        assert _kind(error) == _kind(terror), (
            f"{name}: glassgrad raised {error!r}, PyTorch raised {terror!r}")
        assert str(error), f"{name}: the error has no message"

    compare()


def test_broadcastable_shapes_agree_with_torch():
    @settings(max_examples=examples(20), deadline=None)
    @given(broadcastable_shapes(3))
    def check(shapes_):
        assert tuple(torch.broadcast_shapes(*shapes_)) == np.broadcast_shapes(*shapes_)

    check()


# ------------------------------------------------------------------ dtypes
_DTYPES = ["uint8", "int32", "int64", "float32", "float64"]
_UNARY_DTYPE_OPS = ["neg", "abs", "sign", "exp", "log1p", "sqrt", "sin", "tanh", "sigmoid",
                    "floor", "round", "square", "reciprocal", "relu"]
_BINARY_DTYPE_OPS = ["add", "sub", "mul", "div", "maximum", "pow", "atan2", "remainder"]


def _typed(dtype, shape=shapes(max_side=2)):
    return tensors(dtype=getattr(autograd, dtype), shape=shape, requires_grad=False,
                   elements=None if dtype != "uint8" else st.integers(0, 5))


def _compare_typed(name, call, args):
    ours, error = _run(call, autograd, *args)
    theirs, terror = _run(call, torch, *to_torch(args))
    assert _kind(error) == _kind(terror), (
        f"{name}: glassgrad raised {error!r}, PyTorch raised {terror!r}")
    if error is not None:
        return
    where = f"{name}{tuple(a.dtype.name for a in args if isinstance(a, autograd.Tensor))}"
    assert ours.dtype.name == str(theirs.dtype).split(".")[-1], \
        f"{where}: dtype {ours.dtype} vs {theirs.dtype}"
    tol = 1e-6 if ours.dtype.name in ("float32", "float16") else 1e-12
    np.testing.assert_allclose(ours._data.astype(np.float64),
                               theirs.numpy().astype(np.float64), rtol=tol, atol=tol,
                               equal_nan=True, err_msg=where)


@pytest.mark.parametrize("name", _UNARY_DTYPE_OPS)
def test_unary_output_dtypes_match_torch(name):
    @settings(max_examples=examples(12), deadline=None)
    @given(st.sampled_from(_DTYPES).flatmap(_typed))
    def compare(x):
        _compare_typed(name, lambda lib, t: getattr(lib, name)(t), (x,))

    compare()


@pytest.mark.parametrize("name", _BINARY_DTYPE_OPS)
def test_binary_promotion_matches_torch(name):
    @settings(max_examples=examples(15), deadline=None)
    @given(st.tuples(st.sampled_from(_DTYPES), st.sampled_from(_DTYPES),
                     broadcastable_shapes(2, max_side=2)).flatmap(
        lambda d: st.tuples(_typed(d[0], d[2][0]), _typed(d[1], d[2][1])
                            .filter(lambda t: name not in ("div", "remainder")
                                    or t._data.dtype.kind == "f" or (t._data != 0).all()))))
    def compare(ab):
        _compare_typed(name, lambda lib, a, b: getattr(lib, name)(a, b), ab)

    compare()


@pytest.mark.parametrize("scalar", [2, 2.5])
@pytest.mark.parametrize("dtype", _DTYPES)
def test_python_scalar_promotion_matches_torch(dtype, scalar):
    x = autograd.tensor(np.array([1, 0, 1]).astype(getattr(autograd, dtype).np))
    for name, call in [("add", lambda lib, t: t + scalar), ("mul", lambda lib, t: t * scalar),
                       ("rsub", lambda lib, t: scalar - t)]:
        _compare_typed(f"{name}[{scalar!r}]", call, (x,))


def _bool_tensor():
    return autograd.tensor([True, False])


# Bool inputs: PyTorch refuses some ops on bool (neg, sub), accepts others with its own
# result dtype (sign, square): glassgrad must do the same.
_BOOL_CASES = {
    "neg": lambda lib, t: lib.neg(t),
    "abs": lambda lib, t: lib.abs(t),
    "sign": lambda lib, t: lib.sign(t),
    "floor": lambda lib, t: lib.floor(t),
    "round": lambda lib, t: lib.round(t),
    "relu": lambda lib, t: lib.relu(t),
    "square": lambda lib, t: lib.square(t),
    "sub": lambda lib, t: t - t,
    "rsub_bool_scalar": lambda lib, t: True - t.float(),
}


@pytest.mark.parametrize("name", sorted(_BOOL_CASES))
def test_bool_inputs_match_torch(name):
    _compare_typed(name, _BOOL_CASES[name], (_bool_tensor(),))
