"""`autograd.Scalar` against real PyTorch (float64 0-d tensors): values and gradients at the
special points (zeros of both signs, kinks, infinities, NaN, overflow), second derivatives of
every op over hypothesis-drawn inputs, and what a second `backward()` does."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd.scalar import Scalar
from test_scalar import scalar_value_and_grad

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def same(a, b):
    """Equal values, NaN equal to NaN (a zero gradient's sign is not compared: a Scalar's
    `.grad` starts at 0.0, and 0.0 + -0.0 is 0.0)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def same_value(a, b):
    """As `same`, and a zero's sign must match too (values, unlike gradients, keep it)."""
    return same(a, b) and (a != 0 or math.copysign(1, a) == math.copysign(1, b))


def t64(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def _fn(x, name, *args, **kw):
    """`name` applied to x: a Scalar's method, or nn.functional / torch.nn.functional for a
    glassgrad / torch tensor."""
    if isinstance(x, Scalar):
        return getattr(x, name)(*args, **kw)
    lib = TF if isinstance(x, torch.Tensor) else F
    return getattr(lib, name)(x, *args, **kw)


def _minmax(name):
    def f(a, b):
        if isinstance(a, Scalar):
            return getattr(a, name)(b)
        lib = torch if isinstance(a, torch.Tensor) else autograd
        if not isinstance(b, (torch.Tensor, autograd.Tensor)):
            b = lib.tensor(b, dtype=lib.float64)
        return getattr(lib, name)(a, b)
    return f


_max, _min = _minmax("maximum"), _minmax("minimum")


# (name, f): f works on a Scalar, a glassgrad Tensor and a torch tensor alike.
UNARY = [
    ("exp", lambda x: x.exp()), ("log", lambda x: x.log()), ("sqrt", lambda x: x.sqrt()),
    ("tanh", lambda x: x.tanh()), ("sigmoid", lambda x: x.sigmoid()),
    ("relu", lambda x: x.relu()), ("sin", lambda x: x.sin()), ("cos", lambda x: x.cos()),
    ("abs", lambda x: abs(x)), ("erf", lambda x: x.erf()), ("neg", lambda x: -x),
    ("leaky_relu", lambda x: _fn(x, "leaky_relu", 0.2)), ("gelu", lambda x: _fn(x, "gelu")),
    ("gelu_tanh", lambda x: _fn(x, "gelu", approximate="tanh")),
    ("add_c", lambda x: x + 2.5), ("radd", lambda x: 2.5 + x), ("sub_c", lambda x: x - 2.5),
    ("rsub", lambda x: 2.5 - x), ("mul_c", lambda x: x * -3.0), ("rmul", lambda x: -3.0 * x),
    ("div_c", lambda x: x / 4.0), ("div_zero", lambda x: x / 0.0), ("rdiv", lambda x: 3.0 / x),
    ("max_c", lambda x: _max(x, 0.5)), ("min_c", lambda x: _min(x, 0.5)),
] + [(f"pow_{p}", (lambda p: lambda x: x ** p)(p))
     for p in (0, 1, 2, 3, -1, -2, -3, 0.5, -0.5, 1.5, -1.5, 2.5, 0.25)] + [
    (f"rpow_{c}", (lambda c: lambda x: c ** x)(c)) for c in (2.5, 0.5, 0.0, -2.0, 1.0)]
BINARY = [("add", lambda a, b: a + b), ("sub", lambda a, b: a - b),
          ("mul", lambda a, b: a * b), ("div", lambda a, b: a / b),
          ("pow", lambda a, b: a ** b), ("maximum", _max), ("minimum", _min)]

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 1e-300, -1e-300, 40.0, -40.0,
           800.0, -800.0, 1e300, -1e300, math.inf, -math.inf, math.nan]
SPECIAL_PAIRS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 1e300, math.inf, -math.inf,
                 math.nan]


def torch_run(f, *xs):
    leaves = [t64(x) for x in xs]
    y = f(*leaves)
    y.backward()
    return y.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


@pytest.mark.parametrize("name,f", UNARY, ids=[u[0] for u in UNARY])
def test_unary_ops_match_torch_at_special_points(name, f):
    wrong = []
    for x in SPECIAL:
        value, (grad,) = scalar_value_and_grad(f, x)
        t_value, (t_grad,) = torch_run(f, x)
        if not (same_value(value, t_value) and same(grad, t_grad)):
            wrong.append((x, value, t_value, grad, t_grad))
    assert not wrong, f"{name}: (x, value, torch value, grad, torch grad): {wrong}"


@pytest.mark.parametrize("name,f", BINARY, ids=[b[0] for b in BINARY])
def test_binary_ops_match_torch_at_special_points(name, f):
    wrong = []
    for a, b in itertools.product(SPECIAL_PAIRS, repeat=2):
        value, grads = scalar_value_and_grad(f, a, b)
        t_value, t_grads = torch_run(f, a, b)
        if not (same_value(value, t_value) and all(map(same, grads, t_grads))):
            wrong.append((a, b, value, t_value, grads, t_grads))
    assert not wrong, f"{name}: (a, b, value, torch value, grads, torch grads): {wrong}"


def _floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


# Where each op is smooth enough for a second derivative (away from kinks by the filter below).
DOMAINS = {"log": (0.05, 50), "sqrt": (0.05, 50), "rdiv": (0.1, 5), "pow_-1": (0.1, 5),
           "pow_-2": (0.1, 5), "pow_-3": (0.1, 5), "pow_0.5": (0.05, 20),
           "pow_-0.5": (0.05, 20), "pow_1.5": (0.05, 20), "pow_-1.5": (0.05, 20),
           "pow_2.5": (0.05, 20), "pow_0.25": (0.05, 20), "exp": (-20, 20),
           "rpow_2.5": (-20, 20), "rpow_0.5": (-20, 20)}
KINKS = {"relu": 0.0, "leaky_relu": 0.0, "abs": 0.0, "max_c": 0.5, "min_c": 0.5}
SECOND = [u for u in UNARY if u[0] not in ("div_zero", "rpow_0.0", "rpow_-2.0")]


@pytest.mark.parametrize("name,f", SECOND, ids=[u[0] for u in SECOND])
def test_second_derivatives_match_torch(name, f):
    @settings(max_examples=15, deadline=None)
    @given(_floats(*DOMAINS.get(name, (-6, 6))))
    def check(x):
        if name in KINKS and abs(x - KINKS[name]) < 1e-6:
            return
        s = Scalar(x)
        (g,) = autograd.grad(f(s), s, create_graph=True)
        (g2,) = autograd.grad(g, s, allow_unused=True, materialize_grads=True)
        t = t64(x)
        (tg,) = torch.autograd.grad(f(t), t, create_graph=True)
        t_g2 = (torch.autograd.grad(tg, t, allow_unused=True)[0] if tg.requires_grad
                else None)
        t_g2 = 0.0 if t_g2 is None else t_g2.item()
        assert math.isclose(g.data, tg.item(), rel_tol=1e-10, abs_tol=1e-12), (x, g, tg)
        assert math.isclose(g2.data, t_g2, rel_tol=1e-9, abs_tol=1e-12), (x, g2, t_g2)
    check()


@pytest.mark.parametrize("name,f", BINARY, ids=[b[0] for b in BINARY])
def test_binary_hessians_match_torch(name, f):
    @settings(max_examples=15, deadline=None)
    @given(_floats(0.1, 4) if name == "pow" else _floats(-4, 4),
           _floats(0.1, 4) if name == "div" else _floats(-3, 3))
    def check(a, b):
        if name in ("maximum", "minimum") and abs(a - b) < 1e-6:
            return
        x, y = Scalar(a), Scalar(b)
        grads = autograd.grad(f(x, y), [x, y], create_graph=True)
        tx, ty = t64(a), t64(b)
        t_grads = torch.autograd.grad(f(tx, ty), [tx, ty], create_graph=True)
        for g, tg in zip(grads, t_grads):
            assert math.isclose(g.data, tg.item(), rel_tol=1e-10, abs_tol=1e-12)
            second = autograd.grad(g, [x, y], allow_unused=True, materialize_grads=True)
            t_second = (torch.autograd.grad(tg, [tx, ty], allow_unused=True, retain_graph=True)
                        if tg.requires_grad else (None, None))
            for h, th in zip(second, t_second):
                th = 0.0 if th is None else th.item()
                assert math.isclose(h.data, th, rel_tol=1e-9, abs_tol=1e-12), (a, b, h, th)
    check()


# ----------------------------------------------------------------- a second backward()
SECOND_BACKWARD = [u for u in UNARY if u[0] != "div_zero"] + [
    ("add_self", lambda x: x + x), ("sub_self", lambda x: x - x), ("mul_self", lambda x: x * x),
    ("div_self", lambda x: x / x), ("pow_self", lambda x: x ** x),
    ("max_self", lambda x: _max(x, x * 2.0)), ("chain_add_neg", lambda x: -(x + 1.0) - x)]


def _second_backward(f, x):
    y = f(x)
    y.backward()
    try:
        y.backward()
    except RuntimeError as e:
        assert "backward through the graph a second time" in str(e)
        return "raises"
    return "accumulates"


@pytest.mark.parametrize("name,f", SECOND_BACKWARD, ids=[u[0] for u in SECOND_BACKWARD])
def test_second_backward_behaves_as_in_torch_and_the_tensor_engine(name, f):
    scalar = _second_backward(f, Scalar(1.5))
    with np.errstate(invalid="ignore"):  # (-2.0) ** 1.5 is NaN, silently as in torch
        tensor = _second_backward(f, autograd.tensor(1.5, dtype=autograd.float64,
                                                     requires_grad=True))
    theirs = _second_backward(f, t64(1.5))
    assert scalar == tensor == theirs, (scalar, tensor, theirs)


@pytest.mark.parametrize("name,f", SECOND_BACKWARD, ids=[u[0] for u in SECOND_BACKWARD])
def test_second_backward_with_retain_graph_doubles_the_gradient(name, f):
    s, t = Scalar(1.5), t64(1.5)
    y, ty = f(s), f(t)
    y.backward(retain_graph=True)
    y.backward()
    ty.backward(retain_graph=True)
    ty.backward()
    assert same(s.grad, t.grad.item())
