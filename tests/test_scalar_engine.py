"""`autograd.Scalar` on the shared backward engine: the same walk as Tensor, mixed
Scalar/Tensor graphs (first and higher order), grad modes, hooks, anomaly detection, deep
graphs, freeing without the cycle collector, drawing, and parity with micrograd."""
import gc
import math
import sys

import numpy as np
import pytest

import autograd
from autograd import engine
from autograd.scalar import Scalar
from nn.scalar_nn import MLP


@pytest.fixture
def walks(monkeypatch):
    """The calls made to the engine's one backward walk."""
    calls = []
    real = engine.run_backward

    def spy(roots, *args, **kwargs):
        calls.append([node for node, _ in roots])
        return real(roots, *args, **kwargs)
    monkeypatch.setattr(engine, "run_backward", spy)
    return calls


def test_backward_and_grad_run_the_engine_walk(walks):
    x = Scalar(2.0)
    y = x * x
    y.backward(retain_graph=True)
    autograd.grad(y, x, retain_graph=True)
    autograd.backward([y * 1.0])
    assert len(walks) == 3 and walks[0] == [y]


def test_a_mixed_graph_is_one_walk(walks):
    w = autograd.tensor([0.5, -1.5], dtype=autograd.float64, requires_grad=True)
    a, b = (Scalar.from_tensor(w[i]) for i in range(2))
    s = (a * b).tanh() + a.exp()              # Scalar ops in the middle
    loss = (s.to_tensor() * w).sum()          # back to Tensors
    loss.backward()
    assert len(walks) == 1
    tw = w.detach().clone().requires_grad_()
    ts = (tw[0] * tw[1]).tanh() + tw[0].exp()
    (ts * tw).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
    assert math.isclose(s.grad, float(w.detach().sum().item()))


def test_higher_order_gradients_cross_the_bridge():
    w = autograd.tensor([[1.5]], dtype=autograd.float32, requires_grad=True)
    y = (Scalar.from_tensor(w) ** 3).to_tensor() * 2        # 2 w^3
    (g,) = autograd.grad(y, w, create_graph=True)
    assert g.shape == (1, 1) and g.dtype == autograd.float32 and g.item() == 13.5
    (g2,) = autograd.grad(g.sum(), w)
    assert g2.item() == 18.0                                  # 12 w
    x = Scalar(0.7)
    t = x.to_tensor()
    u = Scalar.from_tensor(t.sin() * t)                      # x sin x through Tensors
    (gx,) = autograd.grad(u, x, create_graph=True)
    assert math.isclose(gx.data, math.sin(0.7) + 0.7 * math.cos(0.7))
    (gxx,) = autograd.grad(gx, x)
    assert math.isclose(gxx.data, 2 * math.cos(0.7) - 0.7 * math.sin(0.7))


def test_accumulation_over_graphs_and_inputs():
    x = Scalar(3.0)
    (x * x).backward()
    (x * 2.0).backward()
    assert x.grad == 8.0                           # 6 + 2: gradients add up, as for tensors
    h = x * 4.0
    y = h * h
    y.backward(inputs=[h])                         # a non-leaf input: only it changes
    assert h.grad == 2 * 12.0 and x.grad == 8.0 and y.grad == 0.0
    y1, y2 = x * 1.0, x * x
    autograd.backward([y1, y2], [2.0, Scalar(0.5)])
    assert x.grad == 8.0 + 2.0 + 0.5 * 6.0


def test_grad_outputs_and_create_graph_through_backward():
    x = Scalar(0.3)
    y = x.sin()
    v = Scalar(2.0)
    (g,) = autograd.grad(y, x, grad_outputs=v, create_graph=True)   # v cos x
    dv, dx = autograd.grad(g, [v, x])
    assert math.isclose(dv.data, math.cos(0.3)) and math.isclose(dx.data, -2 * math.sin(0.3))
    y = x ** 4
    y.backward(create_graph=True)
    assert isinstance(x.grad, Scalar) and math.isclose(x.grad.data, 4 * 0.3 ** 3)
    g = x.grad
    x.zero_grad()
    g.backward()
    assert math.isclose(x.grad, 12 * 0.3 ** 2)


@pytest.mark.parametrize("mode", [autograd.no_grad, autograd.inference_mode,
                                  lambda: autograd.set_grad_enabled(False)])
def test_grad_modes(mode):
    x = Scalar(1.0)
    with mode():
        y = (x * 3.0).exp().maximum(x)
        with autograd.enable_grad():
            z = x * 3.0
    assert y.is_leaf and not z.is_leaf
    assert autograd.is_grad_enabled()


def test_hooks_on_leaves_and_across_the_bridge():
    x = Scalar(2.0)
    x.register_hook(lambda g: g * 100)             # a leaf's hook runs before it keeps it
    t = x.to_tensor()
    t.register_hook(lambda g: g * 10)
    (t * 3.0).backward()
    assert x.grad == 3000.0
    with pytest.raises(TypeError, match="function"):
        x.register_hook(5)


def test_hook_return_value_is_checked():
    x = Scalar(2.0)
    y = x * x
    y.register_hook(lambda g: "no")
    with pytest.raises(TypeError, match="hook"):
        y.backward()


@pytest.mark.parametrize("create_graph", [False, True])
def test_anomaly_detection_in_backward_as_for_tensors(create_graph):
    """sqrt'(0) is infinite: the first-order walk names SqrtBackward0 and the forward line;
    under create_graph the backward formula's own division (a recorded op) is caught first,
    for Scalars as for Tensors."""
    messages = []
    for x in (Scalar(0.0), autograd.tensor(0.0, dtype=autograd.float64, requires_grad=True)):
        with autograd.detect_anomaly(), np.errstate(divide="ignore"):
            y = (x * x).sqrt()
            with pytest.raises(RuntimeError, match="test_scalar_engine.py") as info:
                autograd.grad(y, x, create_graph=create_graph)
        first_words = str(info.value).split(" (")[0].split(" returned")[0]
        messages.append(first_words.replace("'/'", "'Div'"))  # the Scalar op's symbol
    assert messages[0] == messages[1]
    assert ("forward pass: operation 'Div'" if create_graph else
            "backward pass: function 'SqrtBackward0'") in messages[0]


def test_deep_chains_without_recursion():
    x, w = Scalar(1.0), Scalar(1.0)
    y = x
    for i in range(50_000):
        y = y * w if i % 2 else y + x        # binary ops: two edges per node, x and w reused
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)               # nothing in the walk may recurse
    try:
        (gx, gw) = autograd.grad(y, [x, w], retain_graph=True)
        y.backward()
    finally:
        sys.setrecursionlimit(limit)
    assert gx.data == x.grad == 25_001.0                 # y = 1 + 25,000 x at w = 1
    assert gw.data == w.grad == sum(range(2, 25_002))    # the k-th `* w` multiplies k + 1
    del y
    gc.collect()


def test_deep_chain_higher_order():
    x = Scalar(0.5)
    y = x
    for _ in range(10_000):
        y = y * 1.0 + 0.0
    y = y ** 3
    (g,) = autograd.grad(y, x, create_graph=True)
    (g2,) = autograd.grad(g, x)
    assert math.isclose(g.data, 0.75) and math.isclose(g2.data, 3.0)


def test_a_training_step_leaves_nothing_for_the_cycle_collector():
    autograd.manual_seed(0)
    model = MLP(2, [8, 8, 1])
    xs = [[0.5, -1.0], [1.5, 2.0], [-0.3, 0.1]]
    gc.collect()
    gc.disable()
    try:
        for create_graph in (False, True):
            loss = sum((1 + -y * model(x)).relu() for x, y in zip(xs, [1.0, -1.0, 1.0]))
            loss.backward(create_graph=create_graph)
            model.zero_grad()
            del loss
            assert gc.collect() == 0
    finally:
        gc.enable()


def test_drawable_by_viz():
    viz = pytest.importorskip("autograd.viz")
    a, b = Scalar(-4.0, label="a"), Scalar(2.0, label="b")
    c = (a * b + b ** 3).tanh()
    c.label = "c"
    c.backward()
    dot = viz.to_dot(c)
    for text in ('"a"', "tanh", "**3", "grad"):
        assert text in dot or text.strip('"') in dot, text
    graph = viz.draw(c)
    assert graph is not None


def test_scalar_mlp_matches_micrograd():
    mg_engine = pytest.importorskip("micrograd.engine")
    mg_nn = pytest.importorskip("micrograd.nn")
    autograd.manual_seed(3)
    ours = MLP(3, [4, 4, 1])
    theirs = mg_nn.MLP(3, [4, 4, 1])
    for p, q in zip(ours.parameters(), theirs.parameters()):
        q.data = p.data
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0]]
    loss = sum((ours(x) - y) ** 2 for x, y in zip(xs, [1.0, -1.0, -1.0])) / 3.0
    mg_loss = sum((theirs([mg_engine.Value(v) for v in x]) - y) ** 2
                  for x, y in zip(xs, [1.0, -1.0, -1.0])) / 3.0
    loss.backward()
    mg_loss.backward()
    assert math.isclose(loss.data, mg_loss.data, rel_tol=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert math.isclose(p.grad, q.grad, rel_tol=1e-12, abs_tol=1e-15)


# ----------------------------------------------------------------- random graphs with reuse
_OPS = [("add", 2, lambda a, b: a + b), ("sub", 2, lambda a, b: a - b),
        ("mul", 2, lambda a, b: a * b), ("div", 2, lambda a, b: a / (b * b + 1.0)),
        ("tanh", 1, lambda a: a.tanh()), ("sin", 1, lambda a: a.sin()),
        ("sigmoid", 1, lambda a: a.sigmoid()), ("sq", 1, lambda a: a ** 2),
        ("logish", 1, lambda a: (a * a + 1.0).log())]


def _programs():
    from hypothesis import strategies as st
    step = st.tuples(st.integers(0, len(_OPS) - 1), st.integers(0, 10 ** 6),
                     st.integers(0, 10 ** 6))
    return st.tuples(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4),
                     st.lists(step, min_size=1, max_size=25))


def _run_program(leaves, steps):
    """Each step applies an op to earlier values (any of them: values get reused); the
    output is the sum of the last three, so several paths reach each leaf."""
    values = list(leaves)
    for op, i, j in steps:
        _, arity, fn = _OPS[op]
        a = values[i % len(values)]
        values.append(fn(a) if arity == 1 else fn(a, values[j % len(values)]))
    out = values[-1]
    for v in values[-3:-1]:
        out = out + v
    return out


def test_random_graphs_with_reuse_match_the_tensor_engine():
    from hypothesis import given, settings

    @settings(max_examples=60, deadline=None)
    @given(_programs())
    def check(program):
        xs, steps = program
        scalars = [Scalar(x) for x in xs]
        tensors = [autograd.tensor(x, dtype=autograd.float64, requires_grad=True) for x in xs]
        y, ty = _run_program(scalars, steps), _run_program(tensors, steps)
        assert math.isclose(y.data, ty.item(), rel_tol=1e-12, abs_tol=1e-12)
        y.backward()
        ty.backward()
        for s, t in zip(scalars, tensors):
            expected = 0.0 if t.grad is None else t.grad.item()
            assert math.isclose(s.grad, expected, rel_tol=1e-10, abs_tol=1e-10), (xs, steps)
    check()


def test_pytorch_names_for_gradient_keeping():
    x = Scalar(2.0)
    y = x * x
    y.retain_grad()
    assert y.retains_grad and y.requires_grad and not y.is_leaf
    (y * 3.0).backward()
    assert y.grad == 3.0 and x.grad == 12.0
