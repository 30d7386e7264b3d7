"""The engine's fast paths keep PyTorch's behaviour: what binary ops save, pow at its edges."""
import math

import numpy as np
import pytest

import autograd as A


# ------------------------------------------------------------------ what binary ops save
def test_mul_by_number_saves_only_the_constant():
    """PyTorch: `y = p * 2` does not save p, so changing p in place later is fine."""
    p = A.ones(3, requires_grad=True)
    y = p * 2
    with A.no_grad():
        p.zero_()
    y.sum().backward()
    assert p.grad.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("make", [lambda p: 2.0 * p, lambda p: A.mul(2.0, p),
                                  lambda p: p / 4.0, lambda p: p + 1.0, lambda p: p - 1.0])
def test_ops_with_a_number_do_not_save_the_tensor(make):
    p = A.ones(3, requires_grad=True)
    y = make(p)
    with A.no_grad():
        p.mul_(5.0)
    y.sum().backward()
    fresh = A.ones(3, requires_grad=True)
    make(fresh).sum().backward()
    assert p.grad.tolist() == fresh.grad.tolist()


def test_mul_saves_only_the_operand_the_needed_gradient_uses():
    p = A.tensor([1.0, 2.0, 3.0], requires_grad=True)
    q = A.tensor([4.0, 5.0, 6.0])
    y = p * q  # d/dp needs q; p itself is not needed (q needs no gradient)
    with A.no_grad():
        p.add_(1.0)
    y.sum().backward()
    assert p.grad.tolist() == [4.0, 5.0, 6.0]

    p2 = A.tensor([1.0, 2.0, 3.0], requires_grad=True)
    q2 = A.tensor([4.0, 5.0, 6.0])
    y2 = p2 * q2
    q2.add_(1.0)  # q2 is what backward needs: an error naming the op, as PyTorch
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*MulBackward0"):
        y2.sum().backward()


def test_div_by_tensor_keeps_the_divisor_and_the_dividend_only_when_needed():
    a = A.tensor([1.0, 2.0], requires_grad=True)
    b = A.tensor([4.0, 8.0])
    y = a / b
    with A.no_grad():
        a.mul_(3.0)  # a is needed only for b's gradient, which nobody asked for
    y.sum().backward()
    assert a.grad.tolist() == [0.25, 0.125]

    a2 = A.tensor([1.0, 2.0])
    b2 = A.tensor([4.0, 8.0], requires_grad=True)
    y2 = a2 / b2
    a2.mul_(3.0)  # d/db = -a/b^2 needs a
    with pytest.raises(RuntimeError, match="DivBackward0"):
        y2.sum().backward()


def test_second_order_through_a_number_operand():
    x = A.tensor([0.5, -1.5], dtype=A.float64, requires_grad=True)
    y = (x * 3.0) * x
    (g,) = A.grad(y.sum(), x, create_graph=True)
    (h,) = A.grad(g.sum(), x)
    assert g.tolist() == [3.0, -9.0] and h.tolist() == [6.0, 6.0]


# ------------------------------------------------------------------ pow against torch
torch = pytest.importorskip("torch")
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 1e300, math.inf, -math.inf,
           math.nan]


def _same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=1e-12)


def _same_value(a, b):
    return _same(a, b) and (a != 0 or math.copysign(1, a) == math.copysign(1, b))


def _run(lib, f, xs):
    leaves = [lib.tensor(x, dtype=lib.float64, requires_grad=True) for x in xs]
    with np.errstate(all="ignore"):
        y = f(*leaves)
        y.backward()
    return y.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


def _mismatches(f, points):
    wrong = []
    for xs in points:
        v, gs = _run(A, f, xs)
        tv, tgs = _run(torch, f, xs)
        if not (_same_value(v, tv) and all(map(_same, gs, tgs))):
            wrong.append((xs, v, tv, gs, tgs))
    return wrong


def test_tensor_pow_tensor_matches_torch_at_special_points():
    """0 ** -1 has d/db = inf * ln 0 = -inf (not NaN); x ** 0 has d/dx = 0 even at NaN;
    (-inf) ** 0.5 and (-0) ** 0.5 with a tensor exponent use C's pow (inf, +0)."""
    points = [(a, b) for a in SPECIAL for b in SPECIAL]
    assert _mismatches(lambda a, b: a ** b, points) == []


@pytest.mark.parametrize("p", [0, 0.0, 0.5, -0.5, 1.5, -1.5, -1, -2, 3, 1, 2.5])
def test_tensor_pow_number_matches_torch_at_special_points(p):
    """x ** -0.5 is rsqrt (-inf at -0, NaN at -inf), x ** 0 has gradient 0 at NaN."""
    assert _mismatches(lambda x: x ** p, [(x,) for x in SPECIAL]) == []


@pytest.mark.parametrize("c", [0.0, 2.5, 0.5, -2.0, 1.0])
def test_number_pow_tensor_matches_torch_at_special_points(c):
    """0.0 ** x for x < 0 has gradient inf * ln 0 = -inf, as PyTorch."""
    assert _mismatches(lambda x: c ** x, [(x,) for x in SPECIAL]) == []


def test_pow_edges_on_arrays_and_broadcasting():
    a = A.tensor([[0.0, -0.0, 2.0, math.nan]], dtype=A.float64, requires_grad=True)
    b = A.tensor([[-1.0], [0.0], [0.5]], dtype=A.float64, requires_grad=True)
    ta = torch.tensor(a.tolist(), dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b.tolist(), dtype=torch.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        y = a ** b
        y.sum().backward()
    ty = ta ** tb
    ty.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())


# ------------------------------------------------------------------ the cycle collector
import gc  # noqa: E402
import weakref  # noqa: E402

from autograd import graph_gc  # noqa: E402


def _chain(x, n=30):
    y = x
    for _ in range(n):
        y = (y + 1.0) * 0.5
        y = y.tanh()
    return y


def test_graphs_are_freed_by_reference_counting_alone():
    """No reference cycles: with the collector off, dropping the graph frees every node."""
    was = gc.isenabled()
    gc.disable()
    try:
        x = A.ones(3, requires_grad=True)
        y = _chain(x * x)
        nodes = [weakref.ref(y.grad_fn), weakref.ref(y.grad_fn.next_functions[0][0])]
        acc = weakref.ref(x.grad_fn if x.grad_fn else (x * 1).grad_fn.next_functions[0][0])
        del y
        assert all(r() is None for r in nodes) and acc() is None
        y = _chain(x)
        y.sum().backward()  # backward too leaves nothing behind for the collector
        del y
        assert graph_gc.live_graphs() == 0
    finally:
        if was:
            gc.enable()


def test_full_collections_are_rarer_only_while_a_graph_is_alive():
    base = gc.get_threshold()
    x = A.ones(3, requires_grad=True)
    y = _chain(x)
    assert gc.get_threshold() == (base[0], base[1], base[2] * graph_gc.FACTOR)
    z = _chain(A.ones(2, requires_grad=True))  # a second graph: still raised once
    assert gc.get_threshold()[2] == base[2] * graph_gc.FACTOR
    del y
    assert gc.get_threshold()[2] == base[2] * graph_gc.FACTOR
    z.sum().backward()
    del z
    assert gc.get_threshold() == base and graph_gc.live_graphs() == 0


def test_a_threshold_the_program_sets_meanwhile_is_kept():
    base = gc.get_threshold()
    try:
        y = _chain(A.ones(3, requires_grad=True))
        gc.set_threshold(500, 5, 5)
        del y
        assert gc.get_threshold() == (500, 5, 5)
    finally:
        gc.set_threshold(*base)


def test_memory_returns_to_baseline_after_backward():
    """Nothing of a graph outlives its backward. (The interpreter keeps freed tuples for
    reuse, traced as still allocated; a full collection empties those free lists.)"""
    import tracemalloc
    x0 = np.ones((4, 4), dtype=np.float32)
    tracemalloc.start()
    try:
        for _ in range(2):
            _chain(A.tensor(x0, requires_grad=True), 300).sum().backward()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        x = A.tensor(x0, requires_grad=True)
        _chain(x, 300).sum().backward()
        del x
        gc.collect()  # only to empty the free lists (a full collection does), as before
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 4096


# ------------------------------------------------------------------ number operands as arrays
@pytest.mark.parametrize("dtype", [A.float16, A.float32, A.float64])
@pytest.mark.parametrize("number", [0.5, -3, 2 ** 40, 1e-30, 0.0, -0.0, math.nan, math.inf,
                                    1e39])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv"])
def test_a_number_operand_gives_what_numpy_gives_for_the_number(dtype, number, op):
    import operator
    x0 = np.array([[1.5, -2.0, 0.0], [3.0, -0.0, 7.25]], dtype=dtype.np)
    x = A.tensor(x0, requires_grad=True)
    f = getattr(operator, op)
    with np.errstate(all="ignore"):
        y = f(x, number)
        expected = f(x0, number)
        y.sum().backward()
    assert y.dtype == dtype and y.grad_fn.name() == {"add": "AddBackward0",
                                                      "sub": "SubBackward0",
                                                      "mul": "MulBackward0",
                                                      "truediv": "DivBackward0"}[op]
    np.testing.assert_array_equal(y.detach().numpy(), expected)
    np.testing.assert_array_equal(np.signbit(y.detach().numpy()), np.signbit(expected))
    g = {"add": 1.0, "sub": 1.0}.get(op)
    with np.errstate(all="ignore"):
        grad = np.ones_like(x0) * (g if g is not None else
                                   (np.asarray(number, dtype.np) if op == "mul" else
                                    1 / np.asarray(number, dtype.np)))
    np.testing.assert_array_equal(x.grad.numpy(), grad)


def test_cached_number_arrays_are_read_only():
    from autograd import node
    x = A.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    (g,) = A.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 3.0]
    cached = node.CONSTANTS[np.dtype(np.float32)][3.0]
    with pytest.raises(ValueError):
        cached[...] = 7.0
    assert (A.tensor([1.0, 1.0]) * 3.0).tolist() == [3.0, 3.0]


# ------------------------------------------------------------------ relu, div at their edges
def test_relu_matches_torch_at_minus_zero_and_nan():
    """relu(-0.0) is -0.0 and relu(NaN) passes its gradient, as PyTorch's threshold."""
    assert _mismatches(lambda x: x.relu(), [(x,) for x in SPECIAL]) == []
    assert A.relu(A.tensor([-1, 0, 3], dtype=A.int32)).dtype == A.int32


def test_div_gradient_of_the_divisor_does_not_overflow():
    """d(a/b)/db = -g (a/b)/b: at b = 1e300 it is -1e-300, not -a/inf = -0."""
    points = [(a, b) for a in SPECIAL for b in SPECIAL]
    assert _mismatches(lambda a, b: a / b, points) == []
