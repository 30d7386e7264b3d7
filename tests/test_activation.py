"""Activations (nn.functional.activation, nn.layers.activation): parity with PyTorch for values
and gradients in float64 (edge values, exact kinks, in-place variants), module reprs, errors,
numerical stability at +-1000, and gradcheck / gradgradcheck on drawn inputs."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# edge values: both tails, every kink of the functions below, and ordinary points
EDGE = np.array([-1000.0, -20.0, -3.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.5, 3.0, 6.0,
                 10.0, 20.0, 1000.0])

CASES = [
    ("relu", {}), ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {}), ("elu", {"alpha": 1.5}), ("selu", {}), ("celu", {}), ("celu", {"alpha": 0.5}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {}),
    ("sigmoid", {}), ("tanh", {}), ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 5.0}),
    ("softplus", {"beta": 0.5}), ("softsign", {}), ("hardtanh", {}),
    ("hardtanh", {"min_val": -2.5, "max_val": 0.25}), ("relu6", {}), ("hardsigmoid", {}),
    ("hardswish", {}), ("logsigmoid", {}), ("threshold", {"threshold": 1.0, "value": -2.0}),
    ("tanhshrink", {}), ("softshrink", {}), ("softshrink", {"lambd": 1.0}), ("hardshrink", {}),
    ("hardshrink", {"lambd": 0.25}),
]

# PyTorch's float64 hardsigmoid backward multiplies by float32(1/6), so it agrees with the exact
# derivative, which glassgrad computes, only to about 1e-7. (celu's backward likewise uses
# float32(1/alpha): the cases above use alphas whose reciprocal float32 holds exactly, and
# test_celu_is_exact checks another alpha against the formula.)
FLOAT32_CONSTANTS = {"hardsigmoid"}
INPLACE = ["relu", "leaky_relu", "elu", "selu", "celu", "silu", "mish", "hardtanh", "relu6",
           "hardsigmoid", "hardswish", "threshold"]


def _strict():
    """Overflow, division by zero and invalid values raise, and so does any warning."""
    return np.errstate(over="raise", divide="raise", invalid="raise")


def _compare(ours, theirs, rtol):
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data if isinstance(ours, autograd.Tensor) else ours,
                               theirs.detach().numpy(), rtol=rtol, atol=1e-14)


def _parity(name, kwargs, values):
    rtol = 1e-7 if name in FLOAT32_CONSTANTS else 1e-12
    upstream = np.random.default_rng(0).standard_normal(values.shape)
    x = autograd.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    with _strict(), warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(F, name)(x, **kwargs)
        y.backward(autograd.tensor(upstream))
    ty = getattr(TF, name)(tx, **kwargs)
    ty.backward(torch.tensor(upstream))
    _compare(y, ty, rtol)
    _compare(x.grad, tx.grad, rtol)
    assert np.isfinite(x.grad.data).all()


@pytest.mark.parametrize("name,kwargs", CASES)
def test_parity_at_edges_and_kinks(name, kwargs):
    _parity(name, kwargs, EDGE)


@pytest.mark.parametrize("name,kwargs", CASES)
def test_parity_on_random_values(name, kwargs):
    _parity(name, kwargs, np.random.default_rng(1).standard_normal((3, 4)) * 4)


@pytest.mark.parametrize("name,kwargs", CASES)
def test_float32_stays_float32(name, kwargs):
    x = autograd.tensor(EDGE.astype(np.float32), requires_grad=True)
    y = getattr(F, name)(x, **kwargs)
    y.sum().backward()
    assert y.dtype == autograd.float32 and x.grad.dtype == autograd.float32
    expected = getattr(TF, name)(torch.tensor(EDGE, dtype=torch.float32), **kwargs)
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-5, atol=1e-6)


def test_exact_tails():
    big = autograd.tensor([-1000.0, 1000.0], dtype=autograd.float64, requires_grad=True)
    with _strict():
        assert F.sigmoid(big).tolist() == [0.0, 1.0]
        assert F.logsigmoid(big).tolist() == [-1000.0, 0.0]
        assert F.softplus(big).tolist() == [0.0, 1000.0]
        assert F.softplus(big, beta=0.5, threshold=1e9).tolist() == [2 * np.exp(-500), 1000.0]
        assert F.elu(big).tolist() == [-1.0, 1000.0]
        for fn in (F.sigmoid, F.logsigmoid, F.softplus, F.elu, F.selu, F.celu, F.silu, F.mish,
                   F.gelu, F.softsign, F.tanh):
            (g,) = autograd.grad(fn(big).sum(), [big])
            assert np.isfinite(g.data).all(), fn.__name__
    assert F.logsigmoid(big).grad_fn.name() == "LogSigmoidBackward0"


def test_celu_is_exact():
    x = autograd.tensor(EDGE, requires_grad=True)
    y = F.celu(x, alpha=0.7)
    y.sum().backward()
    expected = np.where(EDGE > 0, EDGE, 0.7 * np.expm1(np.minimum(EDGE, 0) / 0.7))
    np.testing.assert_allclose(y.data, expected, rtol=1e-15)
    np.testing.assert_allclose(x.grad.data, np.where(EDGE > 0, 1, np.exp(np.minimum(EDGE, 0)
                                                                           / 0.7)), rtol=1e-14)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_matches_torch(name):
    kwargs = {"threshold": 0.5, "value": 7.0} if name == "threshold" else {}
    leaf = autograd.tensor(EDGE[1:-1], requires_grad=True)
    tleaf = torch.tensor(EDGE[1:-1], requires_grad=True)
    x = leaf * 1.5
    tx = tleaf * 1.5
    version = x._version
    y = getattr(F, name)(x, inplace=True, **kwargs)
    ty = getattr(TF, name)(tx, inplace=True, **kwargs)
    assert y is x and x._version > version
    _compare(x, tx, 1e-7 if name in FLOAT32_CONSTANTS else 1e-12)
    upstream = np.linspace(-1, 1, x.shape[0])
    y.backward(autograd.tensor(upstream))
    ty.backward(torch.tensor(upstream))
    _compare(leaf.grad, tleaf.grad, 1e-7 if name in FLOAT32_CONSTANTS else 1e-12)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_on_a_leaf_that_requires_grad_raises(name):
    kwargs = {"threshold": 0.5, "value": 7.0} if name == "threshold" else {}
    leaf = autograd.tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        getattr(F, name)(leaf, inplace=True, **kwargs)
    assert leaf.tolist() == [1.0, -1.0]


@pytest.mark.parametrize("name", ["relu", "elu", "leaky_relu", "hardtanh"])
def test_inplace_over_a_value_saved_for_backward_is_caught(name):
    x = autograd.tensor([1.0, -2.0], requires_grad=True)
    y = x.exp()  # exp saves its output for backward
    getattr(F, name)(y, inplace=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_without_grad_writes_into_memory():
    for fn in (F.relu_, F.elu_, F.leaky_relu_, F.hardtanh_, F.selu_, F.celu_):
        x = autograd.tensor([-2.0, 3.0])
        array = x.data
        assert fn(x) is x and x.data is array
    x = autograd.tensor([-2.0, 3.0])
    F.threshold_(x, 0.0, 5.0)
    assert x.tolist() == [5.0, 3.0]
    m = nn.ReLU(inplace=True)
    x = autograd.tensor([-2.0, 3.0])
    assert m(x) is x and x.tolist() == [0.0, 3.0]


def test_inplace_records_a_usable_history_for_modules():
    leaf = autograd.tensor([-1.0, 2.0], dtype=autograd.float64, requires_grad=True)
    out = nn.LeakyReLU(0.1, inplace=True)(leaf * 2)
    out.sum().backward()
    assert leaf.grad.tolist() == [0.2, 2.0]


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family(name, dim):
    values = np.random.default_rng(2).standard_normal((2, 3, 4)) * 30
    values[0, 0, 0] = 1000.0
    upstream = np.random.default_rng(3).standard_normal(values.shape)
    x = autograd.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    with _strict():
        y = getattr(F, name)(x, dim)
        y.backward(autograd.tensor(upstream))
    ty = getattr(TF, name)(tx, dim)
    ty.backward(torch.tensor(upstream))
    _compare(y, ty, 1e-10)
    _compare(x.grad, tx.grad, 1e-9)


@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4), (2, 3, 2, 2)])
def test_softmax_implicit_dim_warns_and_picks_torch_dim(shape):
    values = np.random.default_rng(4).standard_normal(shape)
    for name in ("softmax", "log_softmax", "softmin"):
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            y = getattr(F, name)(autograd.tensor(values))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = getattr(TF, name)(torch.tensor(values))
        _compare(y, expected, 1e-12)


def test_softmax_dtype_argument():
    x = autograd.tensor([1.0, 2.0, 3.0])
    y = F.softmax(x, 0, dtype=autograd.float64)
    assert y.dtype == autograd.float64
    expected = TF.softmax(torch.tensor([1.0, 2.0, 3.0]), 0, dtype=torch.float64)
    _compare(y, expected, 1e-12)
    assert F.log_softmax(x, 0, dtype=autograd.float64).dtype == autograd.float64


@pytest.mark.parametrize("shape,count", [((5,), 1), ((3, 4), 4), ((2, 3, 2, 2), 3),
                                         ((2, 3, 4), 1), ((), 1)])
def test_prelu(shape, count):
    rng = np.random.default_rng(5)
    values, slopes = rng.standard_normal(shape), rng.standard_normal(count)
    x, w = autograd.tensor(values, requires_grad=True), autograd.tensor(slopes, requires_grad=True)
    tx, tw = torch.tensor(values, requires_grad=True), torch.tensor(slopes, requires_grad=True)
    y, ty = F.prelu(x, w), TF.prelu(tx, tw)
    upstream = rng.standard_normal(ty.shape)
    y.backward(autograd.tensor(upstream))
    ty.backward(torch.tensor(upstream))
    _compare(y, ty, 1e-12)
    _compare(x.grad, tx.grad, 1e-12)
    _compare(w.grad, tw.grad, 1e-12)


def test_prelu_module_and_errors():
    m = nn.PReLU(3, init=0.1)
    assert repr(m) == repr(torch.nn.PReLU(3, init=0.1)) == "PReLU(num_parameters=3)"
    assert m.weight.tolist() == pytest.approx([0.1] * 3) and m.weight.requires_grad
    assert [name for name, _ in m.named_parameters()] == ["weight"]
    y = m(autograd.tensor([[-1.0, 2.0, -3.0]]))
    assert y.tolist()[0] == pytest.approx([-0.1, 2.0, -0.3])
    with pytest.raises(RuntimeError, match="parameter numbers = 2 and channel size = 3"):
        F.prelu(autograd.zeros(4, 3), autograd.ones(2))
    with pytest.raises(RuntimeError, match="scalar or 1D"):
        F.prelu(autograd.zeros(4, 3), autograd.ones(1, 3))


def test_glu():
    values = np.random.default_rng(6).standard_normal((2, 4, 6))
    for dim in (1, 2, -1):
        x, tx = autograd.tensor(values, requires_grad=True), torch.tensor(values,
                                                                          requires_grad=True)
        y, ty = F.glu(x, dim), TF.glu(tx, dim)
        y.sum().backward()
        ty.sum().backward()
        _compare(y, ty, 1e-12)
        _compare(x.grad, tx.grad, 1e-12)
    with pytest.raises(RuntimeError, match="dimension 1 is size 3"):
        F.glu(autograd.zeros(2, 3), 1)
    with pytest.raises(RuntimeError, match="scalars"):
        F.glu(autograd.tensor(1.0), 0)


def test_errors_name_the_problem():
    x = autograd.tensor([1.0, -1.0])
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        F.celu(x, alpha=0.0)
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        F.softshrink(x, -1.0)
    with pytest.raises(ValueError, match="min_val"):
        F.hardtanh(x, 2.0, 1.0)
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        F.relu([1.0, 2.0])
    with pytest.raises(RuntimeError, match="not implemented for autograd.int64.*float"):
        F.elu(autograd.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="approximate"):
        F.gelu(x, approximate="fast")
    with pytest.raises(AssertionError, match="must be greater than min_val"):
        nn.Hardtanh(1.0, 1.0)
    assert F.hardshrink(autograd.tensor([0.25, -2.0]), -1.0).tolist() == [0.25, -2.0]


MODULES = [
    ("ReLU", ()), ("ReLU", (True,)), ("LeakyReLU", ()), ("LeakyReLU", (0.2,)),
    ("LeakyReLU", (0.2, True)), ("ELU", ()), ("ELU", (0.5, True)), ("SELU", ()),
    ("SELU", (True,)), ("CELU", (0.5,)), ("GELU", ()), ("GELU", ("tanh",)), ("SiLU", ()),
    ("SiLU", (True,)), ("Mish", ()), ("Sigmoid", ()), ("Tanh", ()), ("Softplus", ()),
    ("Softplus", (2.0, 10.0)), ("Softsign", ()), ("Hardtanh", ()), ("Hardtanh", (-2.0, 3.0)),
    ("Hardtanh", (-2.0, 3.0, True)), ("ReLU6", ()), ("ReLU6", (True,)), ("Hardsigmoid", ()),
    ("Hardswish", (True,)), ("LogSigmoid", ()), ("PReLU", ()), ("Softmax", ()),
    ("Softmax", (1,)), ("LogSoftmax", (-1,)), ("Softmin", (0,)), ("Threshold", (0.1, 20)),
    ("Threshold", (0.1, 20.0, True)), ("Tanhshrink", ()), ("Softshrink", ()),
    ("Softshrink", (1.5,)), ("Hardshrink", (0.25,)), ("GLU", ()), ("GLU", (1,)),
]


@pytest.mark.parametrize("name,args", MODULES)
def test_module_repr_matches_torch(name, args):
    assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


@pytest.mark.parametrize("name,args", [m for m in MODULES if "True" not in repr(m[1])])
def test_module_forward_matches_torch(name, args):
    values = np.random.default_rng(7).standard_normal((2, 4)) * 3
    ours = getattr(nn, name)(*args)
    theirs = getattr(torch.nn, name)(*args).double()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # implicit softmax dim
        y = ours(autograd.tensor(values))
        ty = theirs(torch.tensor(values))
    rtol = 1e-7 if name.lower() in FLOAT32_CONSTANTS else 1e-12
    _compare(y, ty, rtol)


def test_hardtanh_deprecated_keywords():
    with pytest.warns(FutureWarning, match="min_val"):
        m = nn.Hardtanh(min_value=-3.0)
    assert m.min_val == -3.0 and repr(m) == "Hardtanh(min_val=-3.0, max_val=1.0)"


def test_activation_modules_have_no_parameters():
    for name, args in MODULES:
        if name != "PReLU":
            assert list(getattr(nn, name)(*args).parameters()) == []


# ------------------------------------------------------------------ property tests
def _away_from(kinks, margin=1e-3):
    """Floats in [-8, 8] at least `margin` from every kink (finite differences straddling a
    kink would measure the wrong thing)."""
    return st.floats(-8, 8, allow_nan=False).filter(
        lambda v: all(abs(v - k) > margin for k in kinks))


SMOOTH = {"elu": [0.0], "selu": [0.0], "celu": [0.0], "leaky_relu": [0.0],
          "softplus": [20.0], "logsigmoid": [], "gelu": [], "silu": [], "mish": [],
          "softsign": [], "tanhshrink": [], "hardtanh": [-1.0, 1.0], "relu6": [0.0, 6.0],
          "hardsigmoid": [-3.0, 3.0], "hardswish": [-3.0, 3.0], "softshrink": [-0.5, 0.5],
          "hardshrink": [-0.5, 0.5], "relu": [0.0]}


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_gradcheck_on_drawn_inputs(name):
    @settings(max_examples=8, deadline=None)
    @given(st.lists(_away_from(SMOOTH[name]), min_size=1, max_size=4))
    def check(values):
        x = autograd.tensor(values, dtype=autograd.float64, requires_grad=True)
        assert autograd.gradcheck(getattr(F, name), (x,))
    check()


@pytest.mark.parametrize("name,kinks", [("elu", [0.0]), ("softplus", [20.0]),
                                        ("logsigmoid", []), ("hardswish", [-3.0, 3.0]),
                                        ("celu", [0.0]), ("mish", []), ("gelu", [])])
def test_second_derivatives(name, kinks):
    @settings(max_examples=4, deadline=None)
    @given(st.lists(_away_from(kinks, 1e-2), min_size=1, max_size=3))
    def check(values):
        x = autograd.tensor(values, dtype=autograd.float64, requires_grad=True)
        assert autograd.gradgradcheck(getattr(F, name), (x,))
    check()


def test_second_derivative_matches_torch():
    values = np.array([-2.0, -0.3, 0.4, 1.7])
    for name in ("elu", "softplus", "logsigmoid", "hardswish", "selu"):
        x = autograd.tensor(values, requires_grad=True)
        tx = torch.tensor(values, requires_grad=True)
        (g,) = autograd.grad(getattr(F, name)(x).sum(), [x], create_graph=True)
        (gg,) = autograd.grad(g.sum(), [x])
        (tg,) = torch.autograd.grad(getattr(TF, name)(tx).sum(), [tx], create_graph=True)
        (tgg,) = torch.autograd.grad(tg.sum(), [tx])
        _compare(gg, tgg, 1e-10)
