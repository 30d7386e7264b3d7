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
