"""nn.functional layer functions: parity with torch.nn.functional, finite-difference gradient
checks (first and second order) in float64, property tests, and error messages."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

SETTINGS = settings(max_examples=25, deadline=None)


def leaf(rng, *shape):
    return autograd.tensor(rng.standard_normal(shape), requires_grad=True)


def both(rng, *shape):
    a = rng.standard_normal(shape)
    return autograd.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def compare(fn, tfn, ours, theirs, rtol=1e-10, atol=1e-12):
    out, tout = fn(*ours), tfn(*theirs)
    g = np.random.default_rng(9).standard_normal(tuple(out.shape))
    out.backward(autograd.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=rtol,
                               atol=atol)
    for a, b in zip(ours, theirs):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)


# ------------------------------------------------------------------ gradcheck, 1st and 2nd order
CASES = {
    "linear": (lambda x, w, b: F.linear(x, w, b), [(3, 4), (2, 4), (2,)]),
    "linear_3d": (lambda x, w: F.linear(x, w), [(2, 3, 4), (5, 4)]),
    "bilinear": (lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [(3, 2), (3, 4), (2, 2, 4),
                                                                   (2,)]),
    "batch_norm_train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
                         [(4, 3, 2), (3,), (3,)]),
    "batch_norm_eval": (lambda x, w, b: F.batch_norm(
        x, autograd.tensor([0.1, -0.2, 0.3], dtype=autograd.float64),
        autograd.tensor([1.5, 0.5, 2.0], dtype=autograd.float64), w, b, False),
        [(4, 3), (3,), (3,)]),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (2, 3), w, b), [(3, 2, 3), (2, 3), (2, 3)]),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    "rms_norm": (lambda x, w: F.rms_norm(x, (3,), w, 1e-6), [(4, 3), (3,)]),
    "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
                      [(2, 3, 4), (3,), (3,)]),
    "normalize": (lambda x: F.normalize(x, p=2.0, dim=1), [(3, 4)]),
    # (no padding_idx here: its zero gradient is by design, not the numerical derivative)
    "embedding": (lambda w: F.embedding(autograd.tensor([[0, 2], [2, 2]]), w), [(4, 3)]),
    "pad_reflect": (lambda x: F.pad(x, (1, 2), mode="reflect"), [(2, 4)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck(name):
    fn, shapes = CASES[name]
    rng = np.random.default_rng(0)
    inputs = tuple(leaf(rng, *s) for s in shapes)
    assert autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", list(CASES))
def test_gradgradcheck(name):
    fn, shapes = CASES[name]
    rng = np.random.default_rng(1)
    inputs = tuple(leaf(rng, *s) for s in shapes)
    assert autograd.gradgradcheck(fn, inputs)


def test_second_derivative_of_layer_norm_matches_torch():
    rng = np.random.default_rng(2)
    x, tx = both(rng, 3, 5)
    w, tw = both(rng, 5)
    out = F.layer_norm(x, (5,), w)
    tout = TF.layer_norm(tx, (5,), tw)
    gx, = autograd.grad((out ** 3).sum(), [x], create_graph=True)
    tgx, = torch.autograd.grad((tout ** 3).sum(), [tx], create_graph=True)
    (gx * gx).sum().backward()
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-9)


# ------------------------------------------------------------------ hypothesis properties
shapes_2d = st.tuples(st.integers(2, 5), st.integers(1, 5))


@SETTINGS
@given(shape=shapes_2d, out_features=st.integers(1, 4), bias=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_linear_matches_torch_property(shape, out_features, bias, seed):
    rng = np.random.default_rng(seed)
    x, tx = both(rng, *shape)
    w, tw = both(rng, out_features, shape[1])
    b, tb = both(rng, out_features) if bias else (None, None)
    ours = [x, w] + ([b] if bias else [])
    theirs = [tx, tw] + ([tb] if bias else [])
    compare(lambda *a: F.linear(*a), lambda *a: TF.linear(*a), ours, theirs)


@SETTINGS
@given(lead=st.tuples(st.integers(1, 3), st.integers(1, 3)), width=st.integers(2, 6),
       eps=st.sampled_from([1e-5, 1e-2]), seed=st.integers(0, 2 ** 16))
def test_layer_norm_matches_torch_property(lead, width, eps, seed):
    rng = np.random.default_rng(seed)
    x, tx = both(rng, *lead, width)
    w, tw = both(rng, width)
    b, tb = both(rng, width)
    compare(lambda *a: F.layer_norm(a[0], (width,), a[1], a[2], eps),
            lambda *a: TF.layer_norm(a[0], (width,), a[1], a[2], eps), [x, w, b], [tx, tw, tb])


@SETTINGS
@given(n=st.integers(2, 4), groups=st.sampled_from([1, 2, 3]), per_group=st.integers(1, 3),
       length=st.integers(1, 4), seed=st.integers(0, 2 ** 16))
def test_group_norm_matches_torch_property(n, groups, per_group, length, seed):
    rng = np.random.default_rng(seed)
    c = groups * per_group
    if per_group * length < 2:
        length = 2
    x, tx = both(rng, n, c, length)
    w, tw = both(rng, c)
    b, tb = both(rng, c)
    compare(lambda *a: F.group_norm(a[0], groups, a[1], a[2]),
            lambda *a: TF.group_norm(a[0], groups, a[1], a[2]), [x, w, b], [tx, tw, tb])


@SETTINGS
@given(n=st.integers(2, 5), c=st.integers(1, 4), spatial=st.lists(st.integers(1, 3),
                                                                    max_size=2),
       momentum=st.floats(0.01, 1.0), seed=st.integers(0, 2 ** 16))
def test_batch_norm_matches_torch_property(n, c, spatial, momentum, seed):
    rng = np.random.default_rng(seed)
    shape = (n, c, *spatial)
    x, tx = both(rng, *shape)
    w, tw = both(rng, c)
    b, tb = both(rng, c)
    rm, rv = rng.standard_normal(c), rng.random(c) + 0.5
    ours_stats = [autograd.tensor(rm), autograd.tensor(rv)]
    torch_stats = [torch.tensor(rm), torch.tensor(rv)]
    compare(lambda *a: F.batch_norm(a[0], *ours_stats, a[1], a[2], True, momentum),
            lambda *a: TF.batch_norm(a[0], *torch_stats, a[1], a[2], True, momentum),
            [x, w, b], [tx, tw, tb])
    for s, ts in zip(ours_stats, torch_stats):
        np.testing.assert_allclose(s.numpy(), ts.numpy(), rtol=1e-10, atol=1e-12)


@SETTINGS
@given(width=st.integers(1, 6), seed=st.integers(0, 2 ** 16))
def test_rms_norm_output_has_unit_root_mean_square(width, seed):
    x = leaf(np.random.default_rng(seed), 4, width)
    y = F.rms_norm(x, (width,), eps=0.0).detach().numpy()
    np.testing.assert_allclose(np.sqrt((y ** 2).mean(-1)), 1.0, rtol=1e-9)


# ------------------------------------------------------------------ parity of the rest
def test_batch_norm_float32_running_stats_dtype_kept():
    rm, rv = autograd.zeros(3), autograd.ones(3)
    F.batch_norm(autograd.randn(4, 3), rm, rv, training=True)
    assert rm.dtype == autograd.float32 and rv.dtype == autograd.float32


def test_batch_norm_eval_needs_running_stats():
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(autograd.randn(4, 3), None, None, training=False)
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 2"):
        F.batch_norm(autograd.randn(4, 3), autograd.zeros(2), autograd.ones(2), training=True)


def test_rms_norm_default_eps_and_normalize_match_torch():
    rng = np.random.default_rng(3)
    x, tx = both(rng, 4, 6)
    compare(lambda a: F.rms_norm(a, [6]), lambda a: TF.rms_norm(a, [6]), [x], [tx])
    for p, dim in ((2.0, 1), (1.0, 0), (3.0, -1)):
        x, tx = both(rng, 3, 5)
        compare(lambda a: F.normalize(a, p, dim), lambda a: TF.normalize(a, p, dim), [x], [tx])


def test_one_hot_matches_torch():
    idx = np.array([[0, 3], [2, 1]])
    for k in (-1, 6):
        ours = F.one_hot(autograd.tensor(idx), k)
        theirs = TF.one_hot(torch.tensor(idx), k)
        assert ours.dtype == autograd.int64
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_one_hot_errors():
    with pytest.raises(RuntimeError, match="index tensor"):
        F.one_hot(autograd.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(autograd.tensor([-1, 1]))
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(autograd.tensor([0, 3]), 3)


@pytest.mark.parametrize("mode,pad", [("constant", (1, 2)), ("constant", (1, 1, 2, 0)),
                                      ("reflect", (2, 1)), ("replicate", (1, 2, 1, 1)),
                                      ("circular", (1, 2))])
def test_pad_matches_torch(mode, pad):
    rng = np.random.default_rng(4)
    x, tx = both(rng, 2, 3, 4)
    kw = {"value": 1.5} if mode == "constant" else {}
    compare(lambda a: F.pad(a, pad, mode=mode, **kw), lambda a: TF.pad(a, pad, mode=mode, **kw),
            [x], [tx])


def test_embedding_function_matches_torch():
    rng = np.random.default_rng(5)
    w, tw = both(rng, 6, 3)
    ids = np.array([[5, 0, 5], [1, 1, 1]])
    compare(lambda a: F.embedding(autograd.tensor(ids), a, padding_idx=1,
                                  scale_grad_by_freq=True),
            lambda a: TF.embedding(torch.tensor(ids), a, padding_idx=1,
                                   scale_grad_by_freq=True), [w], [tw])


def test_dropout_functions_respect_training_flag():
    x = autograd.randn(4, 3, 5)
    for fn in (F.dropout, F.dropout1d, F.alpha_dropout, F.feature_alpha_dropout):
        assert fn(x, 0.5, training=False) is x
    assert F.dropout2d(autograd.randn(2, 3, 4, 4), 0.5, training=False).shape == (2, 3, 4, 4)
    with pytest.raises(RuntimeError, match="dropout3d: Expected 4D or 5D input"):
        F.dropout3d(x)


def test_linear_error_messages():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(6x3 and 4x5\)"):
        F.linear(autograd.randn(2, 3, 3), autograd.randn(5, 4))
    with pytest.raises(RuntimeError, match="bilinear"):
        F.bilinear(autograd.randn(2, 3), autograd.randn(2, 4), autograd.randn(1, 3, 3))
    with pytest.raises(RuntimeError, match="Expected number of channels in input to be "
                                           "divisible by num_groups"):
        F.group_norm(autograd.randn(2, 6, 4), 4)


@settings(max_examples=15, deadline=None)
@given(rows=st.integers(1, 3), width=st.integers(2, 4), out_features=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_linear_and_layer_norm_gradcheck_property(rows, width, out_features, seed):
    rng = np.random.default_rng(seed)
    x, w, b = leaf(rng, rows, width), leaf(rng, out_features, width), leaf(rng, out_features)
    assert autograd.gradcheck(lambda *a: F.linear(*a), (x, w, b))
    lw, lb = leaf(rng, width), leaf(rng, width)
    assert autograd.gradcheck(lambda *a: F.layer_norm(a[0], (width,), a[1], a[2]), (x, lw, lb))


@pytest.mark.parametrize("fn", [
    lambda x: F.layer_norm(x, (4,)), lambda x: F.rms_norm(x, (4,)),
    lambda x: F.group_norm(x, 1), lambda x: F.batch_norm(x, None, None, training=True),
    lambda x: F.instance_norm(x.reshape(2, 3, 2, 2)), lambda x: F.linear(x, x[0]),
], ids=["layer_norm", "rms_norm", "group_norm", "batch_norm", "instance_norm", "linear"])
def test_functions_leave_their_input_alone_and_outputs_are_independent(fn):
    x = autograd.tensor(np.random.default_rng(6).standard_normal((6, 4)), requires_grad=True)
    before = x.detach().numpy().copy()
    y = fn(x)
    np.testing.assert_array_equal(x.detach().numpy(), before)
    g = np.random.default_rng(7).standard_normal(tuple(y.shape))
    y.backward(autograd.tensor(g), retain_graph=True)
    first = x.grad.numpy().copy()
    with autograd.no_grad():
        y.mul_(0)  # changing the output must not change what backward saved
    x.grad = None
    y.backward(autograd.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), first, rtol=1e-12)
