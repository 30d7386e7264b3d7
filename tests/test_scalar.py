"""Tests of `autograd.Scalar` (the scalar engine) and the Scalar layers of `nn.scalar_nn`."""
import gc
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd.scalar import Scalar
from nn.scalar_nn import MLP, Layer, Neuron

SETTINGS = settings(max_examples=30, deadline=None)


def close(a, b, rel=1e-9, abs_=1e-12):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def t64(x):
    return autograd.tensor(x, dtype=autograd.float64, requires_grad=True)


def scalar_value_and_grad(fn, *xs):
    leaves = [Scalar(x) for x in xs]
    y = fn(*leaves)
    y.backward()
    return y.data, [s.grad for s in leaves]


def tensor_value_and_grad(fn, *xs):
    leaves = [t64(x) for x in xs]
    y = fn(*leaves)
    y.backward()
    return y.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


# --------------------------------------------------------------------- micrograd's README
def test_micrograd_readme_example():
    a = Scalar(-4.0)
    b = Scalar(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert round(g.data, 4) == 24.7041
    assert round(a.grad, 4) == 138.8338
    assert round(b.grad, 4) == 645.5773


# --------------------------------------------------------------------- every op vs Tensor
# (name, Scalar function, Tensor function, domain): the same formula on both sides.
UNARY = [
    ("exp", lambda s: s.exp(), lambda t: t.exp(), (-20, 20)),
    ("log", lambda s: s.log(), lambda t: t.log(), (0.01, 100)),
    ("sqrt", lambda s: s.sqrt(), lambda t: t.sqrt(), (0.01, 100)),
    ("tanh", lambda s: s.tanh(), lambda t: t.tanh(), (-10, 10)),
    ("sigmoid", lambda s: s.sigmoid(), lambda t: t.sigmoid(), (-30, 30)),
    ("relu", lambda s: s.relu(), lambda t: t.relu(), (-5, 5)),
    ("leaky_relu", lambda s: s.leaky_relu(0.1), lambda t: F.leaky_relu(t, 0.1), (-5, 5)),
    ("gelu", lambda s: s.gelu(), lambda t: F.gelu(t), (-6, 6)),
    ("gelu_tanh", lambda s: s.gelu("tanh"), lambda t: F.gelu(t, approximate="tanh"), (-6, 6)),
    ("sin", lambda s: s.sin(), lambda t: t.sin(), (-10, 10)),
    ("cos", lambda s: s.cos(), lambda t: t.cos(), (-10, 10)),
    ("abs", lambda s: abs(s), lambda t: t.abs(), (-5, 5)),
    ("erf", lambda s: s.erf(), lambda t: t.erf(), (-4, 4)),
    ("neg", lambda s: -s, lambda t: -t, (-5, 5)),
    ("pow_int", lambda s: s**3, lambda t: t**3, (-5, 5)),
    ("pow_frac", lambda s: s**1.5, lambda t: t**1.5, (0.01, 10)),
    ("pow_neg", lambda s: s**-2, lambda t: t**-2, (0.1, 10)),
    ("rpow", lambda s: 2.5**s, lambda t: 2.5**t, (-5, 5)),
    ("add_number", lambda s: s + 3.5, lambda t: t + 3.5, (-5, 5)),
    ("radd", lambda s: 3.5 + s, lambda t: 3.5 + t, (-5, 5)),
    ("sub_number", lambda s: s - 3.5, lambda t: t - 3.5, (-5, 5)),
    ("rsub", lambda s: 3.5 - s, lambda t: 3.5 - t, (-5, 5)),
    ("mul_number", lambda s: s * -2.5, lambda t: t * -2.5, (-5, 5)),
    ("rmul", lambda s: -2.5 * s, lambda t: -2.5 * t, (-5, 5)),
    ("div_number", lambda s: s / 4.0, lambda t: t / 4.0, (-5, 5)),
    ("rdiv", lambda s: 3.0 / s, lambda t: 3.0 / t, (0.1, 5)),
    ("max_number", lambda s: s.maximum(0.5), lambda t: autograd.maximum(
        t, autograd.tensor(0.5, dtype=autograd.float64)), (-5, 5)),
    ("min_number", lambda s: s.minimum(0.5), lambda t: autograd.minimum(
        t, autograd.tensor(0.5, dtype=autograd.float64)), (-5, 5)),
]
BINARY = [
    ("add", lambda a, b: a + b, (-5, 5), (-5, 5)),
    ("sub", lambda a, b: a - b, (-5, 5), (-5, 5)),
    ("mul", lambda a, b: a * b, (-5, 5), (-5, 5)),
    ("div", lambda a, b: a / b, (-5, 5), (0.1, 5)),
    ("pow", lambda a, b: a**b, (0.1, 5), (-3, 3)),
    ("maximum", lambda a, b: a.maximum(b) if isinstance(a, Scalar) else autograd.maximum(a, b),
     (-5, 5), (-5, 5)),
    ("minimum", lambda a, b: a.minimum(b) if isinstance(a, Scalar) else autograd.minimum(a, b),
     (-5, 5), (-5, 5)),
]


@pytest.mark.parametrize("name,scalar_fn,tensor_fn,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_matches_tensor(name, scalar_fn, tensor_fn, domain):
    @SETTINGS
    @given(floats(*domain))
    def check(x):
        value, (grad,) = scalar_value_and_grad(scalar_fn, x)
        t_value, (t_grad,) = tensor_value_and_grad(tensor_fn, x)
        assert close(value, t_value), (name, x, value, t_value)
        assert close(grad, t_grad), (name, x, grad, t_grad)
    check()


@pytest.mark.parametrize("name,fn,da,db", BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_matches_tensor(name, fn, da, db):
    @SETTINGS
    @given(floats(*da), floats(*db))
    def check(a, b):
        value, grads = scalar_value_and_grad(fn, a, b)
        t_value, t_grads = tensor_value_and_grad(fn, a, b)
        assert close(value, t_value), (name, a, b, value, t_value)
        for g, tg in zip(grads, t_grads):
            assert close(g, tg), (name, a, b, grads, t_grads)
    check()


@pytest.mark.parametrize("name,scalar_fn,tensor_fn,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_gradient_matches_finite_differences(name, scalar_fn, tensor_fn, domain):
    @SETTINGS
    @given(floats(*domain))
    def check(x):
        kinks = {"relu": 0.0, "leaky_relu": 0.0, "abs": 0.0, "max_number": 0.5,
                 "min_number": 0.5}
        if name in kinks and abs(x - kinks[name]) < 1e-3:
            return
        h = 1e-6 * max(1.0, abs(x))
        with autograd.no_grad():
            numeric = (scalar_fn(Scalar(x + h)).data - scalar_fn(Scalar(x - h)).data) / (2 * h)
        _, (grad,) = scalar_value_and_grad(scalar_fn, x)
        assert math.isclose(grad, numeric, rel_tol=1e-5, abs_tol=1e-5), (name, x, grad, numeric)
    check()


@pytest.mark.parametrize("name,fn,da,db", BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_gradient_matches_finite_differences(name, fn, da, db):
    @SETTINGS
    @given(floats(*da), floats(*db))
    def check(a, b):
        if name in ("maximum", "minimum") and abs(a - b) < 1e-3:
            return
        _, grads = scalar_value_and_grad(fn, a, b)
        for i in range(2):
            x = [a, b]
            h = 1e-6 * max(1.0, abs(x[i]))
            up, down = list(x), list(x)
            up[i] += h
            down[i] -= h
            numeric = (fn(*map(Scalar, up)).data - fn(*map(Scalar, down)).data) / (2 * h)
            assert math.isclose(grads[i], numeric, rel_tol=1e-5, abs_tol=1e-5), \
                (name, a, b, i, grads[i], numeric)
    check()


@pytest.mark.parametrize("expr", ["1.0 / x", "x ** -1", "x.log()", "(-x).sqrt()", "0.0 ** x"])
def test_ieee_results_instead_of_python_errors(expr):
    x = Scalar(0.0) if "sqrt" not in expr else Scalar(1.0)
    y = eval(expr, {"x": x if expr != "0.0 ** x" else Scalar(-1.0)})
    with np.errstate(all="ignore"):
        t = eval(expr, {"x": t64(x.data if expr != "0.0 ** x" else -1.0)})
    assert close(y.data, t.item())


# --------------------------------------------------------------------- the graph
def test_node_protocol_names_and_ops():
    x = Scalar(2.0, label="x")
    y = x * 3.0
    z = y + x
    assert z.next_functions == ((y, 0), (x, 0))
    assert y.next_functions == ((x, 0),)
    assert x.next_functions == () and x.is_leaf and not z.is_leaf
    assert (z._op, z.name()) == ("+", "AddBackward0")
    assert (y._op, y.name()) == ("*", "MulBackward0")
    assert x.name() == "AccumulateGrad"
    assert (x**2)._op == "**2" and x.tanh()._op == "tanh" and x.relu()._op == "ReLU"
    assert repr(x) == "Scalar(data=2.0, grad=0.0, label='x')"
    assert repr(y) == "Scalar(data=6.0, grad=0.0)"


def test_node_names_match_pytorch():
    torch = pytest.importorskip("torch")
    x = Scalar(0.7)
    tx = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    y = Scalar(1.3)
    pairs = [(x + y, tx + ty), (x - y, tx - ty), (x * y, tx * ty), (x / y, tx / ty),
             (x**2, tx**2), (x**y, tx**ty), (2**x, 2**tx), (1 - x, 1 - tx), (-x, -tx),
             (x.exp(), tx.exp()), (x.log(), tx.log()), (x.tanh(), tx.tanh()),
             (x.sigmoid(), tx.sigmoid()), (x.relu(), tx.relu()), (x.sin(), tx.sin()),
             (x.cos(), tx.cos()), (x.sqrt(), tx.sqrt()), (abs(x), tx.abs()),
             (x.maximum(y), torch.maximum(tx, ty))]
    for ours, theirs in pairs:
        assert ours.name() == theirs.grad_fn.name()


def test_deep_chain_backpropagates_without_recursion():
    x = Scalar(1.0)
    y = x
    for i in range(50_000):
        y = y * 1.0 if i % 2 else y + 0.5
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1.0 + 0.5 * 25_000
    del y  # freeing the chain must not recurse either
    gc.collect()


def test_reused_nodes_get_the_whole_gradient():
    x = Scalar(1.5)
    a = x * 2.0
    b = a + a          # a used twice
    c = b * a + x.exp() + x * x
    c.backward()
    # c = 8x^2 + e^x + x^2  ->  dc/dx = 18x + e^x
    assert close(x.grad, 18 * 1.5 + math.exp(1.5))
    assert close(a.grad, b.data + 2 * a.data)  # directly b, and through b = a + a: 2a
    assert b.grad == a.data


def test_every_node_keeps_its_gradient():
    x = Scalar(0.3)
    h = x.tanh()
    y = h * h
    y.backward()
    assert y.grad == 1.0
    assert close(h.grad, 2 * h.data)
    assert close(x.grad, h.grad * (1 - h.data**2))


def test_graph_makes_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = Scalar(0.5)
        y = ((x * x + 1.0).tanh() ** 2 / 3.0).exp().log()
        y.backward()
        del x, y
        assert gc.collect() == 0
    finally:
        gc.enable()


# --------------------------------------------------------------------- retain_graph
def test_second_backward_raises_after_release():
    x = Scalar(3.0)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_second_backward_with_retain_graph_accumulates():
    x = Scalar(3.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == 12.0   # 6 + 6
    assert y.grad == 2.0    # every node accumulates


def test_second_backward_through_ops_that_save_nothing_works():
    x = Scalar(3.0)
    y = -(x + x) - 1.0
    y.backward()
    y.backward()
    assert x.grad == -4.0


# --------------------------------------------------------------------- higher order
def test_second_and_third_derivative_of_cube():
    x = Scalar(2.0)
    y = x**3
    (dy,) = autograd.grad(y, x, create_graph=True)
    assert isinstance(dy, Scalar) and dy.data == 12.0
    (d2y,) = autograd.grad(dy, x, create_graph=True)
    assert d2y.data == 12.0
    (d3y,) = autograd.grad(d2y, x)
    assert d3y.data == 6.0


@pytest.mark.parametrize("name,scalar_fn,tensor_fn,domain", UNARY, ids=[u[0] for u in UNARY])
def test_second_derivative_matches_finite_differences(name, scalar_fn, tensor_fn, domain):
    def first(x):
        s = Scalar(x)
        return autograd.grad(scalar_fn(s), s)[0].data

    @settings(max_examples=10, deadline=None)
    @given(floats(*domain))
    def check(x):
        if name in ("relu", "leaky_relu", "abs", "max_number", "min_number") and \
                min(abs(x), abs(x - 0.5)) < 1e-3:
            return
        s = Scalar(x)
        (g,) = autograd.grad(scalar_fn(s), s, create_graph=True)
        assert close(g.data, first(x))
        (g2,) = autograd.grad(g, s, allow_unused=True, materialize_grads=True)
        h = 1e-5 * max(1.0, abs(x))
        numeric = (first(x + h) - first(x - h)) / (2 * h)
        assert math.isclose(g2.data, numeric, rel_tol=1e-4, abs_tol=1e-4), (name, x, g2, numeric)
    check()


@SETTINGS
@given(floats(-2, 2), floats(0.5, 2))
def test_second_derivatives_match_torch(a, b):
    torch = pytest.importorskip("torch")

    def f(x, y, lib):
        tanh = (lambda v: v.tanh())
        return tanh(x * y) + x.sin() * y.exp() + (y**x) / (x * x + 1) + y.sqrt() * x.sigmoid()

    x, y = Scalar(a), Scalar(b)
    gx, gy = autograd.grad(f(x, y, None), [x, y], create_graph=True)
    hxx, hxy = autograd.grad(gx, [x, y])
    tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    tgx, tgy = torch.autograd.grad(f(tx, ty, torch), [tx, ty], create_graph=True)
    thxx, thxy = torch.autograd.grad(tgx, [tx, ty])
    for ours, theirs in [(gx, tgx), (gy, tgy), (hxx, thxx), (hxy, thxy)]:
        assert close(ours.data, theirs.item(), rel=1e-8, abs_=1e-10)


def test_backward_with_create_graph_makes_grad_differentiable():
    x = Scalar(1.5)
    y = x.tanh() * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Scalar)
    (g2,) = autograd.grad(x.grad, x)
    t = 1 - math.tanh(1.5) ** 2
    assert close(g2.data, 2 * t - 2 * 1.5 * math.tanh(1.5) * t)


def test_grad_leaves_grad_untouched_and_checks_inputs():
    x, unused = Scalar(2.0), Scalar(5.0)
    y = x * x
    (g,) = autograd.grad(y, x, retain_graph=True)
    assert g.data == 4.0 and x.grad == 0.0 and y.grad == 0.0
    with pytest.raises(RuntimeError, match="not used in the graph"):
        autograd.grad(y, [x, unused], retain_graph=True)
    assert autograd.grad(y, [x, unused], allow_unused=True)[1] is None
    with pytest.raises(TypeError, match="Scalar"):
        autograd.grad(y, [x, autograd.tensor(1.0)])


def test_autograd_backward_accepts_scalars_and_inputs():
    x, y = Scalar(2.0), Scalar(3.0)
    z = x * y
    autograd.backward(z, inputs=[x])
    assert x.grad == 3.0 and y.grad == 0.0 and z.grad == 0.0
    w = x * y
    w.backward(gradient=2.0)
    assert y.grad == 4.0


# --------------------------------------------------------------------- modes, hooks, anomaly
def test_no_grad_makes_leaves():
    x = Scalar(2.0)
    with autograd.no_grad():
        y = (x * x).exp() + 1.0
    assert y.is_leaf and y.next_functions == () and y.name() == "AccumulateGrad"
    assert close(y.data, math.exp(4.0) + 1.0)
    z = y * x
    z.backward()
    assert x.grad == y.data and y.grad == 2.0


def test_hooks_see_and_replace_the_gradient():
    x = Scalar(2.0)
    h = x * 3.0
    seen = []
    handle = h.register_hook(lambda g: seen.append(g))
    h.register_hook(lambda g: g * 10)
    y = h * h
    y.backward(retain_graph=True)
    assert seen == [12.0]
    assert h.grad == 120.0 and x.grad == 360.0
    handle.remove()
    y.backward()
    assert seen == [12.0]


def test_hook_under_create_graph_receives_a_scalar():
    x = Scalar(2.0)
    h = x * x
    kinds = []
    h.register_hook(lambda g: kinds.append(type(g)))
    y = h.tanh()
    autograd.grad(y, x, create_graph=True)
    assert issubclass(kinds[0], Scalar)


def test_anomaly_detection_names_the_forward_op():
    x = Scalar(0.0)
    assert x.log().data == -math.inf  # no error without anomaly detection
    with autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"forward pass: operation 'log' \(LogBackward0\)"):
            x.log()
        with pytest.raises(RuntimeError, match="test_scalar.py"):
            Scalar(1.0) / 0.0


def test_anomaly_detection_names_the_backward_op():
    with autograd.detect_anomaly():
        x = Scalar(0.0)
        y = (x * x).sqrt()   # finite forward, infinite derivative at 0
        with pytest.raises(RuntimeError, match="backward pass: function 'SqrtBackward0'"):
            y.backward()


# --------------------------------------------------------------------- conversions & helpers
def test_tensor_conversions():
    t = autograd.tensor([2.5])
    s = Scalar(t)
    assert s.data == 2.5 and s.is_leaf and isinstance(t.item(), float)
    with pytest.raises(ValueError, match="one number"):
        Scalar(autograd.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="str"):
        Scalar("3")
    u = (s * s).to_tensor()
    assert u.dtype == autograd.float64 and u.shape == () and u.item() == 6.25
    (u * 2).backward()
    assert s.grad == 10.0


def test_from_tensor_stays_connected():
    w = autograd.tensor([[1.5]], dtype=autograd.float64, requires_grad=True)
    s = Scalar.from_tensor(w * 2)
    (s * s).backward()
    assert s.data == 3.0 and w.grad.shape == (1, 1) and w.grad.item() == 12.0
    assert Scalar.from_tensor(autograd.tensor(1.0)).is_leaf


def test_numbers_mix_in_and_bad_operands_fail_clearly():
    x = Scalar(2.0)
    assert (np.float64(3.0) * x).data == 6.0 and (True + x).data == 3.0
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError, match="Tensor"):
        x * autograd.tensor(1.0)


def test_comparisons_have_no_gradient():
    x, y = Scalar(1.0), Scalar(2.0)
    assert x < y and y >= 2 and x != y and x == 1.0 and not x > 1
    assert isinstance(x < y, bool)
    assert len({x, Scalar(1.0)}) == 2  # hashed by identity: two nodes
    assert max([x, y]) is y


def test_min_max_split_ties():
    x, y = Scalar(1.0), Scalar(1.0)
    x.maximum(y).backward()
    assert x.grad == y.grad == 0.5
    a = Scalar(3.0)
    Scalar.minimum(a, 5.0).backward()
    assert a.grad == 1.0


def test_scalar_pow_scalar_differentiates_the_exponent():
    a, b = Scalar(2.0), Scalar(3.0)
    (a**b).backward()
    assert a.grad == 12.0 and close(b.grad, 8.0 * math.log(2.0))


# --------------------------------------------------------------------- nn.scalar_nn
def test_layers_shapes_parameters_and_zero_grad():
    autograd.manual_seed(1)
    model = MLP(3, [4, 4, 1])
    assert len(model.parameters()) == 4 * 4 + 4 * 5 + 5
    assert isinstance(model([1.0, 2.0, 3.0]), Scalar)
    assert len(Layer(2, 3)([1.0, 2.0])) == 3
    out = model([Scalar(1.0), 2.0, -1.0])
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert repr(Neuron(2)) == "ReLUNeuron(2)" and "LinearNeuron(4)" in repr(model)
    with pytest.raises(ValueError, match="expects 3 inputs"):
        model([1.0])
    with pytest.raises(ValueError, match="nin"):
        Neuron(0)


def test_layers_are_reproducible_with_manual_seed():
    autograd.manual_seed(7)
    a = [p.data for p in MLP(2, [3, 1]).parameters()]
    autograd.manual_seed(7)
    b = [p.data for p in MLP(2, [3, 1]).parameters()]
    assert a == b and all(-1 <= v <= 1 for v in a)


def _moons(n, seed):
    rs = np.random.RandomState(seed)
    t = rs.uniform(0, np.pi, n)
    upper = np.arange(n) % 2 == 0
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], 1) + rs.normal(0, 0.1, (n, 2))
    return points, np.where(upper, 1.0, -1.0)


def test_scalar_mlp_learns_moons():
    autograd.manual_seed(0)
    points, labels = _moons(50, seed=0)
    mean, std = points.mean(0), points.std(0)
    xs = [[Scalar(a), Scalar(b)] for a, b in ((points - mean) / std).tolist()]
    ys = labels.tolist()
    model = MLP(2, [16, 1])
    params = model.parameters()
    velocity = [0.0] * len(params)
    for _ in range(60):  # SGD with momentum on the mean max-margin loss
        scores = [model(x) for x in xs]
        loss = sum((1 + -y * s).relu() for y, s in zip(ys, scores)) * (1.0 / len(xs))
        model.zero_grad()
        loss.backward()
        for i, p in enumerate(params):
            velocity[i] = 0.9 * velocity[i] + p.grad
            p.data -= 0.2 * velocity[i]
    accuracy = np.mean([(model(x).data > 0) == (y > 0) for x, y in zip(xs, ys)])
    assert accuracy > 0.95, accuracy
    test_points, test_labels = _moons(200, seed=1)
    held_out = np.mean([(model([Scalar(a), Scalar(b)]).data > 0) == (y > 0)
                        for (a, b), y in zip(((test_points - mean) / std).tolist(),
                                             test_labels)])
    assert held_out > 0.9, held_out


def test_layers_take_tensor_rows_of_a_toy_data_set():
    from nn.datasets import moons
    autograd.manual_seed(0)
    X, y = moons(40, noise=0.1)
    model = MLP(2, [8, 1])
    targets = (y * 2 - 1).tolist()

    def loss_of(rows):
        return sum((1 + -t * model(row)).relu() for row, t in zip(rows, targets)) * (1 / 40)
    first = loss_of(X)
    for _ in range(15):
        loss = loss_of(X)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.5 * p.grad
    assert loss_of(X).data < 0.7 * first.data
    # a row that requires grad stays connected: the gradient reaches the data tensor
    Xg = X.to(autograd.float64).requires_grad_()
    model(Xg[3]).backward()
    assert Xg.grad.shape == (40, 2) and Xg.grad[3].abs().sum().item() > 0
    assert Xg.grad[0].abs().sum().item() == 0
    assert isinstance(MLP(2, [1, 3, 1])((1.0, 2.0)), Scalar)  # a one-neuron middle layer
    with pytest.raises(ValueError, match="1-D tensor"):
        model(X)
    with pytest.raises(ValueError, match="expects 2 inputs"):
        model(X[0][:1])
