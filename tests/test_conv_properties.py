"""Property tests of the convolution, pooling and vision ops with autograd.testing: hypothesis
draws shapes, strides, paddings, dilations and groups, and `tensors()` draws the inputs in
float64, contiguous or not (transposed or strided views). Two kinds of checks:

* `check_op`: gradcheck and gradgradcheck against finite differences, gradient shapes and
  dtypes, inputs left unchanged;
* parity with PyTorch on the same drawn (possibly non-contiguous) tensors: values and the
  gradients of input, weight and bias.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd.testing import check_op, examples, tensors
from test_conv import torch_one_thread  # noqa: F401  (autouse fixture)

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# ------------------------------------------------------------------ drawn geometries
@st.composite
def conv2d_args(draw, max_side=5, transposed=False):
    """(x, weight, bias, stride, padding, dilation, groups) for conv2d, or for
    conv_transpose2d (x, weight, bias, stride, padding, output_padding, groups, dilation)."""
    groups = draw(st.sampled_from([1, 2]))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 3)))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    n = draw(st.integers(1, 2))
    bias = draw(tensors(shape=(cout,))) if draw(st.booleans()) else None
    if transposed:
        pad = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
        out_pad = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dil))
        h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        sizes = [(i - 1) * s - 2 * p + d * (k - 1) + e + 1 for i, s, p, d, k, e in
                 zip((h, w), stride, pad, dil, (kh, kw), out_pad)]
        if min(sizes) < 1:
            pad = (0, 0)
        x = draw(tensors(shape=(n, cin, h, w)))
        wt = draw(tensors(shape=(cin, cout // groups, kh, kw)))
        return x, wt, bias, stride, pad, out_pad, groups, dil
    padding = draw(st.one_of(st.tuples(st.integers(0, 2), st.integers(0, 2)),
                             st.integers(0, 1), st.sampled_from(["valid", "same"])))
    if padding == "same":
        stride = (1, 1)
    h = draw(st.integers(dil[0] * (kh - 1) + 1, max_side + dil[0] * (kh - 1)))
    w = draw(st.integers(dil[1] * (kw - 1) + 1, max_side + dil[1] * (kw - 1)))
    x = draw(tensors(shape=(n, cin, h, w)))
    wt = draw(tensors(shape=(cout, cin // groups, kh, kw)))
    return x, wt, bias, stride, padding, dil, groups


@st.composite
def conv1d_args(draw):
    groups = draw(st.sampled_from([1, 2, 3]))
    cin, cout = groups, groups * draw(st.integers(1, 2))
    k, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    padding = draw(st.one_of(st.integers(0, 2), st.sampled_from(["valid", "same"])))
    if padding == "same":
        s = 1
    length = draw(st.integers(d * (k - 1) + 1, d * (k - 1) + 6))
    shape = (cin, length) if draw(st.booleans()) else (draw(st.integers(1, 2)), cin, length)
    x = draw(tensors(shape=shape))
    w = draw(tensors(shape=(cout, cin // groups, k)))
    b = draw(tensors(shape=(cout,)))
    return x, w, b, s, padding, d, groups


@st.composite
def pool_args(draw, max_pool=True, spatial=2):
    """(x, kernel, stride, padding, [dilation,] ceil_mode, ...) drawn valid for PyTorch."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    dil = tuple(draw(st.integers(1, 2)) for _ in range(spatial)) if max_pool else (1,) * spatial
    pad = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    sides = tuple(draw(st.integers(d * (kk - 1) + 1, d * (kk - 1) + 4)) for d, kk in zip(dil, k))
    lead = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))[:draw(st.integers(1, 2))]
    x = draw(tensors(shape=lead + sides, unique=max_pool))
    ceil = draw(st.booleans())
    if max_pool:
        return x, k, stride, pad, dil, ceil
    return x, k, stride, pad, ceil, draw(st.booleans()), \
        draw(st.sampled_from([None, 2, 5])) if spatial == 2 else None


# ------------------------------------------------------------------ torch parity
def _torch(t):
    if not isinstance(t, autograd.Tensor):
        return t
    return torch.tensor(np.array(t.data), requires_grad=t.requires_grad)


def parity_drawn(glass_fn, torch_fn, args, seed=0, atol=1e-10):
    """Run both on the drawn arguments (glassgrad tensors as drawn, non-contiguous ones
    included; their copies for torch), compare values and the gradients of every tensor."""
    t_args = [_torch(a) for a in args]
    out, t_out = glass_fn(*args), torch_fn(*t_args)
    if isinstance(t_out, tuple):
        np.testing.assert_array_equal(out[1].data, t_out[1].numpy())
        out, t_out = out[0], t_out[0]
    assert tuple(out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), atol=atol, rtol=1e-9)
    upstream = np.random.default_rng(seed).standard_normal(tuple(t_out.shape))
    out.backward(autograd.tensor(upstream))
    t_out.backward(torch.tensor(upstream))
    for i, (a, t) in enumerate(zip(args, t_args)):
        if isinstance(a, autograd.Tensor) and a.requires_grad:
            np.testing.assert_allclose(a.grad.data, t.grad.numpy(), atol=atol, rtol=1e-9,
                                       err_msg=f"gradient of argument {i}")


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=examples(30), deadline=None)
@given(conv2d_args(max_side=6))
def test_conv2d_drawn_matches_torch(args):
    parity_drawn(F.conv2d, TF.conv2d, args)


@settings(max_examples=examples(30), deadline=None)
@given(conv2d_args(transposed=True))
def test_conv_transpose2d_drawn_matches_torch(args):
    parity_drawn(F.conv_transpose2d, TF.conv_transpose2d, args)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=examples(30), deadline=None)
@given(conv1d_args())
def test_conv1d_drawn_matches_torch(args):
    parity_drawn(F.conv1d, TF.conv1d, args)


@settings(max_examples=examples(30), deadline=None)
@given(pool_args(True, 2))
def test_max_pool2d_drawn_matches_torch(args):
    parity_drawn(lambda *a: F.max_pool2d(*a, return_indices=True),
                 lambda *a: TF.max_pool2d(*a, return_indices=True), args)


@settings(max_examples=examples(30), deadline=None)
@given(pool_args(True, 1))
def test_max_pool1d_drawn_matches_torch(args):
    parity_drawn(lambda *a: F.max_pool1d(*a, return_indices=True),
                 lambda *a: TF.max_pool1d(*a, return_indices=True), args)


@settings(max_examples=examples(30), deadline=None)
@given(pool_args(False, 2))
def test_avg_pool2d_drawn_matches_torch(args):
    parity_drawn(F.avg_pool2d, TF.avg_pool2d, args)


@settings(max_examples=examples(30), deadline=None)
@given(pool_args(False, 1))
def test_avg_pool1d_drawn_matches_torch(args):
    parity_drawn(F.avg_pool1d, TF.avg_pool1d, args[:-1])


@st.composite
def adaptive_args(draw, spatial):
    sides = tuple(draw(st.integers(1, 7)) for _ in range(spatial))
    x = draw(tensors(shape=(draw(st.integers(1, 2)), 2) + sides, unique=True))
    size = tuple(draw(st.integers(1, 8)) for _ in range(spatial))
    return x, size if spatial == 2 else size[0]


@pytest.mark.parametrize("spatial", [1, 2])
def test_adaptive_pools_drawn_match_torch(spatial):
    name = f"adaptive_{{}}_pool{spatial}d"
    avg, max_ = name.format("avg"), name.format("max")

    @settings(max_examples=examples(25), deadline=None)
    @given(adaptive_args(spatial))
    def check(args):
        x, size = args
        parity_drawn(getattr(F, avg), getattr(TF, avg), (x, size))
        x.grad = None
        parity_drawn(lambda x, s: getattr(F, max_)(x, s, True),
                     lambda x, s: getattr(TF, max_)(x, s, True), (x, size))
    check()


@st.composite
def unfold_args(draw):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    pad = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h = draw(st.integers(max(dil[0] * (k[0] - 1) + 1 - 2 * pad[0], 1), 6))
    w = draw(st.integers(max(dil[1] * (k[1] - 1) + 1 - 2 * pad[1], 1), 6))
    x = draw(tensors(shape=(draw(st.integers(1, 2)), 2, h, w)))
    return x, k, dil, pad, stride


@settings(max_examples=examples(25), deadline=None)
@given(unfold_args())
def test_unfold_fold_drawn_match_torch(args):
    x, k, dil, pad, stride = args
    parity_drawn(F.unfold, TF.unfold, args)
    cols = F.unfold(x.detach(), k, dil, pad, stride)
    c = autograd.tensor(np.random.default_rng(1).standard_normal(tuple(cols.shape)),
                        requires_grad=True)
    size = tuple(x.shape[2:])
    parity_drawn(lambda c: F.fold(c, size, k, dil, pad, stride),
                 lambda c: TF.fold(c, size, k, dil, pad, stride), (c,))


@st.composite
def interpolate_args(draw):
    mode = draw(st.sampled_from(["nearest", "bilinear", "area"]))
    align = draw(st.booleans()) if mode == "bilinear" else None
    x = draw(tensors(shape=(1, 2, draw(st.integers(1, 6)), draw(st.integers(1, 6)))))
    if draw(st.booleans()):
        kw = dict(size=(draw(st.integers(1, 9)), draw(st.integers(1, 9))))
    else:
        kw = dict(scale_factor=(draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])),
                                draw(st.sampled_from([0.75, 1.0, 2.0, 2.5]))))
        if min(int(s * f) for s, f in zip(x.shape[2:], kw["scale_factor"])) < 1:
            kw = dict(size=(2, 2))
    return x, mode, align, kw


@settings(max_examples=examples(30), deadline=None)
@given(interpolate_args())
def test_interpolate_drawn_matches_torch(args):
    x, mode, align, kw = args
    parity_drawn(lambda x: F.interpolate(x, mode=mode, align_corners=align, **kw),
                 lambda x: TF.interpolate(x, mode=mode, align_corners=align, **kw), (x,))


# ------------------------------------------------------------------ finite differences
def test_conv2d_check_op():
    check_op(F.conv2d, args=conv2d_args(max_side=3), max_examples=examples(8))


def test_conv1d_check_op():
    check_op(F.conv1d, args=conv1d_args(), max_examples=examples(8))


def test_conv_transpose2d_check_op():
    check_op(F.conv_transpose2d, args=conv2d_args(transposed=True), max_examples=examples(8))


def test_pooling_check_op():
    check_op(F.max_pool2d, args=pool_args(True, 2), max_examples=examples(8))
    check_op(F.max_pool1d, args=pool_args(True, 1), max_examples=examples(6))
    check_op(F.avg_pool2d, args=pool_args(False, 2), max_examples=examples(8))
    check_op(F.adaptive_max_pool2d, args=adaptive_args(2), max_examples=examples(6))
    check_op(F.adaptive_avg_pool2d, args=adaptive_args(2), max_examples=examples(6))


def test_vision_check_op():
    check_op(F.unfold, args=unfold_args(), max_examples=examples(6))
    check_op(lambda x, mode, align, kw: F.interpolate(x, mode=mode, align_corners=align, **kw),
             args=interpolate_args(), max_examples=examples(8))
    check_op(lambda x, r: F.pixel_shuffle(x, r),
             args=st.integers(1, 2).flatmap(lambda r: st.tuples(
                 tensors(shape=(1, 2 * r * r, 2, 3)), st.just(r))),
             max_examples=examples(4))
