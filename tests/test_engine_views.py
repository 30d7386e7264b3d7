"""Views and in-place ops: a change made through a view re-bases its base's history (as
PyTorch's CopySlices), and PyTorch's indexing order for integers mixed with index arrays."""
import numpy as np
import pytest

import autograd as A

torch = pytest.importorskip("torch")

X = np.random.default_rng(3).standard_normal((3, 4))
Y = np.random.default_rng(4).standard_normal((3, 4))


def _run(lib, body):
    x = lib.tensor(X, requires_grad=True)
    y = lib.tensor(Y, requires_grad=True)
    out = body(lib, x, y)
    weights = lib.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
    (out * weights).sum().backward()
    grads = [None if t.grad is None else np.array(t.grad.data if lib is A else t.grad.numpy())
             for t in (x, y)]
    return np.array(out.detach().numpy()), grads


def _mul_row_view(lib, x, y):
    z = x * 1
    z[1].mul_(y[0])
    return z


def _transposed_view(lib, x, y):
    z = x * 1
    z.t()[1].add_(y[0, :3])
    return z


def _flat_view_setitem(lib, x, y):
    z = x.clone()
    z.view(12)[0] = y[0, 0] * 3
    return z


def _copy_into_row(lib, x, y):
    z = x.clone()
    z[0].copy_(y[2])
    return z.sum(0)


def _constant_write_through_view(lib, x, y):
    z = x.clone()
    z.unsqueeze(0)[0, 1] = 3.0
    z.flatten()[5] = 1.0
    return z * y


def _zero_fill_copy_keep_graph(lib, x, y):
    a = x.clone()
    a.zero_()
    b = x.clone()
    b.fill_(2.0)
    c = x.clone()
    c.copy_(y * 3)
    return a + b * y + c


def _view_of_view(lib, x, y):
    z = x * 1
    z[1:][:, 2:].mul_(y[:2, :2] ** 2)
    return z


@pytest.mark.parametrize("body", [_mul_row_view, _transposed_view, _flat_view_setitem,
                                  _copy_into_row, _constant_write_through_view,
                                  _zero_fill_copy_keep_graph, _view_of_view])
def test_inplace_through_view_matches_torch(body):
    ours, our_grads = _run(A, body)
    theirs, their_grads = _run(torch, body)
    np.testing.assert_allclose(ours, theirs)
    for g, h in zip(our_grads, their_grads):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(g, h)


def test_view_of_zero_dim_tensor_rebases():
    w = A.tensor(2.0, requires_grad=True)
    z = A.zeros(()) * 1
    z.unsqueeze(0).add_(w)
    (z * 3).backward()
    assert z.item() == 2.0 and w.grad.item() == 3.0


def test_rebased_view_is_twice_differentiable():
    w = A.tensor([1.0, 2.0], requires_grad=True)
    z = A.zeros(2, 2)
    z[0].copy_(w ** 3)
    g, = A.grad(z.sum(), w, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(g.data, [3.0, 12.0])
    np.testing.assert_allclose(w.grad.data, [6.0, 12.0])


def test_views_know_their_base_and_share_memory():
    x = A.ones(3, 4)
    assert x[1]._base is x and x[1][2]._base is x and x.t()._base is x and x._base is None
    x[1][2].add_(1)  # an integer index gives a 0-d view, not a copy
    assert x.data[1, 2] == 2
    assert x[[1]]._base is None  # advanced indexing copies
    assert x.t().reshape(12)._base is None  # reshape had to copy


@pytest.mark.parametrize("write", [lambda v: v[0].mul_(2), lambda v: v.view(12).zero_(),
                                   lambda v: v.t().__setitem__(0, 1.0)])
def test_inplace_on_view_of_leaf_raises_at_once(write):
    x = A.randn(3, 4, requires_grad=True)
    before = x.data.copy()
    with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
        write(x)
    np.testing.assert_array_equal(x.data, before)
    with A.no_grad():
        write(x)  # allowed without recording


def test_inplace_on_expanded_tensor_raises():
    with pytest.raises(RuntimeError, match="single memory location.*clone"):
        A.ones(3, 1).expand(3, 4).add_(1)


def test_view_of_non_contiguous_tensor_raises_like_torch():
    with pytest.raises(RuntimeError, match=r"view size is not compatible.*\(4, 3\).*reshape"):
        A.ones(3, 4).t().view(12)
    assert A.ones(3, 4).t().reshape(12).shape == (12,)


def test_inplace_through_view_then_saved_base_raises():
    x = A.randn(3, requires_grad=True)
    z = x * 1
    s = z.sigmoid() * z  # Mul saves z
    z[0].mul_(2)
    with pytest.raises(RuntimeError, match=r"shape \(3,\)\], saved by MulBackward0"):
        s.sum().backward()


INDICES = [(0, slice(None), [1, 2]), (slice(None), 0, slice(None), [1, 2]), ([0, 1], 0, [1, 2]),
           (0, [1, 2], 0), (Ellipsis, 0, [1, 1]), (None, 0, [1, 2], None, [0, 2]),
           (np.array([True, False]), 0, [1, 2])]


@pytest.mark.parametrize("idx", INDICES)
def test_ints_mixed_with_index_arrays_follow_torch(idx):
    x = np.random.default_rng(0).random((2, 3, 4, 5))
    ti = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in idx)
    ai = tuple(A.tensor(i) if isinstance(i, np.ndarray) else i for i in idx)
    t, a = torch.tensor(x, requires_grad=True), A.tensor(x, requires_grad=True)
    rt, ra = t[ti], a[ai]
    assert tuple(ra.shape) == tuple(rt.shape)
    np.testing.assert_allclose(ra.data, rt.detach().numpy())
    (rt * rt).sum().backward()
    (ra * ra).sum().backward()
    np.testing.assert_allclose(a.grad.data, t.grad.numpy())
    v = np.random.default_rng(1).random(tuple(rt.shape))
    t3, a3 = torch.tensor(x) * 1, A.tensor(x) * 1
    w, wa = torch.tensor(v, requires_grad=True), A.tensor(v, requires_grad=True)
    t3[ti] = w * 2
    a3[ai] = wa * 2
    np.testing.assert_allclose(a3.data, t3.detach().numpy())
    (t3 ** 2).sum().backward()
    (a3 ** 2).sum().backward()
    np.testing.assert_allclose(wa.grad.data, w.grad.numpy())


class _DoubleInPlace(A.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_function_mark_dirty_rebases_the_input_itself():
    a = A.ones(3, requires_grad=True)
    b = a * 3
    c = _DoubleInPlace.apply(b)
    assert c is b and b.grad_fn.name() == "_DoubleInPlaceBackward"
    (b * b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [72.0] * 3)  # d(36 a^2)/da at a = 1
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        _DoubleInPlace.apply(A.ones(3, requires_grad=True))


def _views_made_before_a_change_of_their_base(lib, x, y):
    z = x * 1
    row, column, overlap = z[0], z.t()[:, 1:2], z[1:, :2]
    z.mul_(y)
    z[2, 3] = y[0, 0] * 7
    return lib.cat([row, column.reshape(-1), overlap.reshape(-1), z.reshape(-1)])


def _view_changed_beside_an_overlapping_view(lib, x, y):
    z = x * 1
    left, middle = z[:, :3], z[:, 1:]
    left.mul_(y[:, :3])
    return middle


@pytest.mark.parametrize("body", [_views_made_before_a_change_of_their_base,
                                  _view_changed_beside_an_overlapping_view])
def test_existing_views_follow_an_inplace_change_of_their_base(body):
    test_inplace_through_view_matches_torch(body)


def test_inplace_shape_methods_match_torch():
    for lib in (A, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            x.unsqueeze_(0)
        y = x * 2
        assert y.unsqueeze_(0) is y and tuple(y.shape) == (1, 2)
        y.t_()
        (y * lib.tensor([[1.0], [3.0]])).sum().backward()
        np.testing.assert_allclose(np.asarray(x.grad.tolist()), [2.0, 6.0])
        assert tuple(lib.ones(1, 3).squeeze_().shape) == (3,)
        assert tuple(lib.ones(2, 3).transpose_(0, 1).shape) == (3, 2)
