"""nn.functional registry entries for layers (linear, dropout, norms, embedding, pad),
convolutions, pooling and vision (see `nn_registry`, which imports this module).

Shapes stay small (batch and channels up to 2, spatial sides up to 5): a gradgradcheck costs
one backward per element of every input and output gradient.
"""
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from .cases import SPACED, pad_args, unary
from .nn_registry import const, register_nn, seeded
from .strategies import finite, positive, shapes, tensors

__all__ = []


def _opt(strategy):
    return st.none() | strategy


# ------------------------------------------------------------------ linear
@st.composite
def _linear_args(draw):
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = draw(tensors(shape=draw(shapes(max_dims=2)) + (n_in,)))
    if draw(st.booleans()):
        return (x, draw(tensors(shape=(n_out, n_in))), draw(_opt(tensors(shape=(n_out,)))))
    # a 1-D weight (a dot product): PyTorch takes no bias with it
    return (x, draw(tensors(shape=(n_in,))), None)


register_nn("linear", lambda F, x, w, b: F.linear(x, w, b), _linear_args())


@st.composite
def _bilinear_args(draw):
    n, i1, i2, o = (draw(st.integers(1, 3)) for _ in range(4))
    batch = draw(st.sampled_from([(), (n,)]))
    return (draw(tensors(shape=batch + (i1,))), draw(tensors(shape=batch + (i2,))),
            draw(tensors(shape=(o, i1, i2))), draw(_opt(tensors(shape=(o,)))))


register_nn("bilinear", lambda F, a, b, w, bias: F.bilinear(a, b, w, bias), _bilinear_args())

# ------------------------------------------------------------------ dropout
# Training mode draws a random mask: each call reseeds the library's generator, so every
# call of a gradient check sees the same mask. PyTorch draws different masks from the same
# seed, so parity compares only the deterministic cases (evaluation mode, p = 0, p = 1).
_P = st.sampled_from([0.0, 0.3, 1.0])


def _dropout_entry(name, min_dims, max_dims):
    def call(F, x, p, training, inplace):
        fn = getattr(F, name)
        return fn(seeded(x.clone() if inplace else x), p, training, inplace)

    args = unary(min_dims=min_dims, max_dims=max_dims).flatmap(
        lambda a: st.tuples(st.just(a[0]), _P, st.booleans(), st.booleans()))
    register_nn(name, call, args, parity=False,
                notes="random masks: see dropout[deterministic] for parity")
    register_nn(f"{name}[deterministic]", call, args.filter(
        lambda a: not a[2] or a[1] in (0.0, 1.0)), op=name)


_dropout_entry("dropout", 0, 3)
_dropout_entry("dropout1d", 2, 3)
_dropout_entry("dropout2d", 3, 4)
_dropout_entry("dropout3d", 4, 5)
_dropout_entry("alpha_dropout", 0, 3)
_dropout_entry("feature_alpha_dropout", 2, 4)


# ------------------------------------------------------------------ normalization
@st.composite
def _batch_norm_args(draw):
    shape = draw(shapes(min_dims=2, max_dims=4, max_side=3))
    c = shape[1]
    training = draw(st.booleans())
    if training and shape[0] * int(np.prod(shape[2:])) < 2:
        shape = (2,) + shape[1:]
    x = draw(tensors(shape=shape, unique=True, elements=SPACED))
    stats = () if training else (
        draw(tensors(shape=(c,), requires_grad=False)),
        draw(tensors(shape=(c,), elements=positive(0.2, 2), requires_grad=False)))
    if training and draw(st.booleans()):
        stats = (const(np.zeros(c)), const(np.ones(c)))
    mean, var = stats if stats else (None, None)
    return (x, mean, var, draw(_opt(tensors(shape=(c,)))), draw(_opt(tensors(shape=(c,)))),
            training)


def _batch_norm(F, x, mean, var, w, b, training):
    # running statistics are updated in place in training mode: each call gets fresh copies
    # so the op is a function of its arguments (and the inputs stay unchanged)
    mean, var = (None if s is None else s.clone() for s in (mean, var))
    return F.batch_norm(x, mean, var, w, b, training=training, momentum=0.1, eps=1e-5)


register_nn("batch_norm", _batch_norm, _batch_norm_args())


@st.composite
def _instance_norm_args(draw):
    shape = draw(shapes(min_dims=3, max_dims=4, max_side=3).filter(
        lambda s: int(np.prod(s[2:])) >= 2))
    c = shape[1]
    return (draw(tensors(shape=shape, unique=True, elements=SPACED)), draw(_opt(tensors(shape=(c,)))),
            draw(_opt(tensors(shape=(c,)))))


register_nn("instance_norm", lambda F, x, w, b: F.instance_norm(x, weight=w, bias=b),
            _instance_norm_args())


@st.composite
def _layer_norm_args(draw, bias=True):
    shape = draw(shapes(min_dims=1, max_dims=3))
    k = draw(st.integers(1, len(shape)))
    normalized = shape[len(shape) - k:]
    if int(np.prod(normalized)) < 2:
        shape, normalized = shape[:len(shape) - k] + (2,), (2,)
    x = draw(tensors(shape=shape, unique=True, elements=SPACED))
    out = (x, normalized, draw(_opt(tensors(shape=normalized))))
    return out + (draw(_opt(tensors(shape=normalized))),) if bias else out


register_nn("layer_norm", lambda F, x, s, w, b: F.layer_norm(x, s, w, b), _layer_norm_args())
register_nn("rms_norm", lambda F, x, s, w, eps: F.rms_norm(x, s, w, eps),
            _layer_norm_args(bias=False).flatmap(
                lambda a: st.tuples(*map(st.just, a), st.sampled_from([None, 1e-3]))))


@st.composite
def _group_norm_args(draw):
    groups = draw(st.integers(1, 2))
    c = groups * draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), c) + draw(shapes(max_dims=2, max_side=3))
    if (c // groups) * int(np.prod(shape[2:])) < 2:
        shape = shape + (2,)
    return (draw(tensors(shape=shape, unique=True, elements=SPACED)), groups, draw(_opt(tensors(shape=(c,)))),
            draw(_opt(tensors(shape=(c,)))))


register_nn("group_norm", lambda F, x, g, w, b: F.group_norm(x, g, w, b), _group_norm_args())


@st.composite
def _normalize_args(draw):
    x = draw(tensors(shape=shapes(min_dims=1), elements=st.one_of(finite(-3, -0.1),
                                                                   finite(0.1, 3))))
    return (x, draw(st.sampled_from([2.0, 1.0, 3.0])),
            draw(st.integers(-x.ndim, x.ndim - 1)))


register_nn("normalize", lambda F, x, p, d: F.normalize(x, p, d), _normalize_args())


# ------------------------------------------------------------------ embedding
@st.composite
def _embedding_args(draw):
    num, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    idx_shape = draw(shapes(max_dims=2, min_side=0))
    size = int(np.prod(idx_shape))
    idx = const(np.reshape(draw(st.lists(st.integers(0, num - 1), min_size=size,
                                         max_size=size)), idx_shape), np.int64)
    return (idx, draw(tensors(shape=(num, dim))), draw(_opt(st.integers(0, num - 1))))


register_nn("embedding", lambda F, i, w, pad: F.embedding(i, w),
            _embedding_args().map(lambda a: a[:2] + (None,)))
# padding_idx's row gets no gradient on purpose (it is not the derivative), scale_grad_by_freq
# scales the gradient by 1 / count, and max_norm renormalizes the weight rows in place:
# checked against PyTorch's gradients in the parity test, not against differences
register_nn("embedding[padding_idx]", lambda F, i, w, pad: F.embedding(i, w, padding_idx=pad),
            _embedding_args(), checks=("grad_meta", "inputs_unchanged"))
register_nn("embedding[scale_grad_by_freq]", lambda F, i, w, pad: F.embedding(
    i, w, padding_idx=pad, scale_grad_by_freq=True), _embedding_args(), op="embedding",
    checks=("grad_meta", "inputs_unchanged"))
register_nn("embedding[max_norm]", lambda F, i, w, pad: F.embedding(
    i, w.clone(), padding_idx=pad, max_norm=1.0), _embedding_args(), op="embedding",
    checks=("grad_meta", "inputs_unchanged"))


@st.composite
def _embedding_bag_args(draw):
    """(input, weight, offsets, mode, per_sample_weights, include_last_offset, padding_idx):
    a 2-D input (one bag per row) or a 1-D one cut into bags at `offsets` (empty bags too);
    distinct weights, so a bag's maximum is unique."""
    num, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    if draw(st.booleans()):
        shape, offsets, last = (draw(st.integers(1, 3)), draw(st.integers(1, 3))), None, False
    else:
        n = draw(st.integers(0, 5))
        cuts = sorted(draw(st.lists(st.integers(0, n), min_size=1, max_size=3)))
        cuts[0] = 0
        last = draw(st.booleans())
        offsets = const(cuts + ([n] if last else []), np.int64)
        shape = (n,)
    size = int(np.prod(shape))
    ids = const(np.reshape(draw(st.lists(st.integers(0, num - 1), min_size=size,
                                         max_size=size)), shape), np.int64)
    psw = draw(_opt(tensors(shape=shape))) if mode == "sum" else None
    return (ids, draw(tensors(shape=(num, dim), unique=True, elements=SPACED)), offsets, mode, psw, last,
            draw(_opt(st.integers(0, num - 1))))


register_nn("embedding_bag", lambda F, i, w, o, m, psw, last, pad: F.embedding_bag(
    i, w, o, mode=m, per_sample_weights=psw, include_last_offset=last, padding_idx=pad),
    _embedding_bag_args())


@st.composite
def _local_response_norm_args(draw):
    shape = draw(shapes(min_dims=3, max_dims=4, max_side=3))
    return (draw(tensors(shape=shape)), draw(st.integers(1, 3)),
            draw(st.sampled_from([1e-4, 0.5])), draw(st.sampled_from([0.75, 1.5])),
            draw(st.sampled_from([1.0, 2.0])))


register_nn("local_response_norm", lambda F, x, n, a, b, k: F.local_response_norm(x, n, a, b, k),
            _local_response_norm_args())


register_nn("pad", lambda F, x, p, m, v: F.pad(x, p, mode=m, value=v), pad_args())


# ------------------------------------------------------------------ convolution
@st.composite
def _conv_args(draw, spatial, transposed=False):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(spatial))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(spatial))
    padding = tuple(draw(st.integers(0, 1)) for _ in range(spatial))
    span = [d * (kk - 1) + 1 for d, kk in zip(dilation, k)]
    if transposed:
        sizes = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
        out_pad = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        out_sizes = [(n - 1) * s - 2 * p + sp + op for n, s, p, sp, op in
                     zip(sizes, stride, padding, span, out_pad)]
        if min(out_sizes) < 1:
            padding = (0,) * spatial
        w_shape = (c_in, c_out // groups) + k
    else:
        sizes = tuple(max(sp - 2 * p, 1) + draw(st.integers(0, 2))
                      for sp, p in zip(span, padding))
        w_shape = (c_out, c_in // groups) + k
        if draw(st.integers(0, 4)) == 0 and stride == (1,) * spatial:
            padding = draw(st.sampled_from(["same", "valid"]))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    x = draw(tensors(shape=batch + (c_in,) + sizes))
    w = draw(tensors(shape=w_shape))
    b = draw(_opt(tensors(shape=(c_out,))))
    if transposed:
        return (x, w, b, stride, padding, out_pad, groups, dilation)
    return (x, w, b, stride, padding, dilation, groups)


register_nn("conv1d", lambda F, *a: F.conv1d(*a), _conv_args(1))
register_nn("conv2d", lambda F, *a: F.conv2d(*a), _conv_args(2))
register_nn("conv_transpose1d", lambda F, *a: F.conv_transpose1d(*a), _conv_args(1, True))
register_nn("conv_transpose2d", lambda F, *a: F.conv_transpose2d(*a), _conv_args(2, True))


# ------------------------------------------------------------------ pooling
@st.composite
def _pool_args(draw, spatial, dilated=True):
    """(x, kernel, stride, padding, dilation, ceil_mode): x (N, C, *) or (C, *), distinct
    elements (max pooling has no gradient at a tie), every window inside the padded input."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    stride = draw(st.none() | st.tuples(*[st.integers(1, 2)] * spatial))
    padding = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    dilation = tuple(draw(st.integers(1, 2)) if dilated else 1 for _ in range(spatial))
    sizes = tuple(max(d * (kk - 1) + 1 - 2 * p, 1) + draw(st.integers(0, 2))
                  for kk, d, p in zip(k, dilation, padding))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    ceil = draw(st.booleans())
    # a window inside the padding only is the known bug of "max_pool1d[padding_window]"
    assume(all(_windows_touch_input(*a, ceil) for a in zip(sizes, k, stride or k, padding,
                                                            dilation)))
    x = draw(tensors(shape=batch + (draw(st.integers(1, 2)),) + sizes, unique=True, elements=SPACED))
    return (x, k, stride, padding, dilation, ceil)


def _windows_touch_input(size, k, s, p, d, ceil):
    """Whether every pooling window (PyTorch's count, ceil_mode included) holds at least
    one element of the input, not only padding."""
    span = (size + 2 * p - d * (k - 1) - 1) / s
    out = (int(np.ceil(span)) if ceil else int(np.floor(span))) + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return all(any(0 <= o * s - p + j * d < size for j in range(k)) for o in range(out))


for _n in (1, 2):
    register_nn(f"max_pool{_n}d", (lambda n: lambda F, x, k, s, p, d, c: getattr(
        F, f"max_pool{n}d")(x, k, s, p, d, ceil_mode=c))(_n), _pool_args(_n))
    register_nn(f"max_pool{_n}d[return_indices]", (lambda n: lambda F, x, k, s, p, d, c: tuple(
        getattr(F, f"max_pool{n}d")(x, k, s, p, d, ceil_mode=c, return_indices=True)))(_n),
        _pool_args(_n), op=f"max_pool{_n}d")
    register_nn(f"max_pool{_n}d_with_indices", (lambda n: lambda F, x, k, s, p, d, c: tuple(
        getattr(F, f"max_pool{n}d_with_indices")(x, k, s, p, d, ceil_mode=c)))(_n),
        _pool_args(_n), torch_call=(lambda n: lambda F, x, k, s, p, d, c: tuple(
            getattr(F, f"max_pool{n}d")(x, k, s, p, d, ceil_mode=c, return_indices=True)))(_n))
register_nn("max_pool1d[padding_window]", lambda F, x, d: F.max_pool1d(x, 2, 1, 1, d),
            st.tuples(tensors(shape=st.sampled_from([(1, 1), (2, 1, 1)])), st.just(2)),
            op="max_pool1d", parity=False)
register_nn("avg_pool1d", lambda F, x, k, s, p, d, c, inc: F.avg_pool1d(
    x, k, s, p, ceil_mode=c, count_include_pad=inc),
    _pool_args(1, dilated=False).flatmap(lambda a: st.tuples(*map(st.just, a), st.booleans())))
register_nn("avg_pool2d", lambda F, x, k, s, p, d, c, inc, div: F.avg_pool2d(
    x, k, s, p, ceil_mode=c, count_include_pad=inc, divisor_override=div),
    _pool_args(2, dilated=False).flatmap(lambda a: st.tuples(
        *map(st.just, a), st.booleans(), st.sampled_from([None, 3]))))


@st.composite
def _adaptive_args(draw, spatial, allow_none=False):
    sizes = tuple(draw(st.integers(1, 5)) for _ in range(spatial))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    x = draw(tensors(shape=batch + (draw(st.integers(1, 2)),) + sizes, unique=True, elements=SPACED))
    out = tuple(draw(st.integers(1, s + 1)) for s in sizes)
    if allow_none:
        out = tuple(draw(st.sampled_from([o, None])) for o in out)
    return (x, out[0] if spatial == 1 else out)


register_nn("adaptive_avg_pool1d", lambda F, x, o: F.adaptive_avg_pool1d(x, o),
            _adaptive_args(1))
register_nn("adaptive_avg_pool2d", lambda F, x, o: F.adaptive_avg_pool2d(x, o),
            _adaptive_args(2, True))
register_nn("adaptive_max_pool1d", lambda F, x, o: F.adaptive_max_pool1d(x, o),
            _adaptive_args(1))
register_nn("adaptive_max_pool2d", lambda F, x, o: F.adaptive_max_pool2d(x, o),
            _adaptive_args(2, True))
for _n in (1, 2):
    register_nn(f"adaptive_max_pool{_n}d_with_indices", (lambda n: lambda F, x, o: tuple(
        getattr(F, f"adaptive_max_pool{n}d_with_indices")(x, o)))(_n),
        _adaptive_args(_n, _n == 2), torch_call=(lambda n: lambda F, x, o: tuple(
            getattr(F, f"adaptive_max_pool{n}d")(x, o, return_indices=True)))(_n))


@st.composite
def _unpool_args(draw, spatial):
    """(x, y, kernel, stride): indices come from max-pooling the constant x; y, of the
    pooled shape, is what is unpooled (and differentiated)."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    # windows that do not overlap (stride >= kernel): overlapping ones can pick one element
    # twice, and which of two writes to it wins is unspecified (in PyTorch too)
    stride = draw(st.none() | st.tuples(*[st.integers(kk, kk + 1) for kk in k]))
    sizes = tuple(kk + draw(st.integers(0, 2)) for kk in k)
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    x = draw(tensors(shape=batch + (draw(st.integers(1, 2)),) + sizes, unique=True, elements=SPACED,
                     requires_grad=False))
    pooled = [(n - kk) // (s or kk) + 1 for n, kk, s in
              zip(x.shape[-spatial:], k, stride or k)]
    y = draw(tensors(shape=tuple(x.shape[:-spatial]) + tuple(pooled)))
    return (x, y, k, stride)


for _n in (1, 2):
    register_nn(f"max_unpool{_n}d", (lambda n: lambda F, x, y, k, s: getattr(
        F, f"max_unpool{n}d")(y, getattr(F, f"max_pool{n}d")(x, k, s, return_indices=True)[1],
                              k, s, output_size=tuple(x.shape[-n:])))(_n), _unpool_args(_n))


# ------------------------------------------------------------------ vision
@st.composite
def _interpolate_args(draw):
    mode = draw(st.sampled_from(["nearest", "linear", "bilinear", "area"]))
    spatial = {"linear": 1, "bilinear": 2}.get(mode) or draw(st.integers(1, 2))
    sizes = tuple(draw(st.integers(1, 4)) for _ in range(spatial))
    x = draw(tensors(shape=(draw(st.integers(1, 2)), draw(st.integers(1, 2))) + sizes))
    if draw(st.booleans()):
        size, scale = tuple(draw(st.integers(1, 5)) for _ in range(spatial)), None
    else:  # a scale that leaves every side at least 1 long
        size, scale = None, draw(st.sampled_from([s for s in (0.5, 2.0, 1.5, 3.0)
                                                  if min(sizes) * s >= 1]))
    align = draw(st.sampled_from([None, True, False])) if mode in ("linear", "bilinear") \
        else None
    return (x, size, scale, mode, align)


register_nn("interpolate", lambda F, x, size, scale, mode, align: F.interpolate(
    x, size, scale, mode, align), _interpolate_args())
register_nn("upsample", lambda F, x, size, scale, mode, align: F.upsample(
    x, size, scale, mode, align), _interpolate_args().filter(lambda a: a[3] != "area"))
register_nn("upsample_nearest", lambda F, x, size, scale, mode, align: F.upsample_nearest(
    x, size, scale), _interpolate_args().filter(lambda a: a[3] == "nearest"))
register_nn("upsample_bilinear", lambda F, x, size, scale: F.upsample_bilinear(x, size, scale),
            st.tuples(tensors(shape=shapes(min_dims=4, max_dims=4, max_side=3)),
                      st.none(), st.sampled_from([2.0, 1.5])))


@st.composite
def _shuffle_args(draw, unshuffle):
    r = draw(st.integers(1, 2))
    n, c, h, w = (draw(st.integers(1, 2)) for _ in range(4))
    batch = draw(st.sampled_from([(), (n,)]))
    shape = batch + ((c, h * r, w * r) if unshuffle else (c * r * r, h, w))
    return (draw(tensors(shape=shape)), r)


register_nn("pixel_shuffle", lambda F, x, r: F.pixel_shuffle(x, r), _shuffle_args(False))
register_nn("pixel_unshuffle", lambda F, x, r: F.pixel_unshuffle(x, r), _shuffle_args(True))


@st.composite
def _block_args(draw):
    k = tuple(draw(st.integers(1, 2)) for _ in range(2))
    d = tuple(draw(st.integers(1, 2)) for _ in range(2))
    p = tuple(draw(st.integers(0, 1)) for _ in range(2))
    s = tuple(draw(st.integers(1, 2)) for _ in range(2))
    hw = tuple(max(dd * (kk - 1) + 1 - 2 * pp, 1) + draw(st.integers(0, 2))
               for kk, dd, pp in zip(k, d, p))
    return (k, d, p, s, hw)


@st.composite
def _unfold_args(draw):
    k, d, p, s, hw = draw(_block_args())
    batch = draw(st.sampled_from([(), (draw(st.integers(1, 2)),)]))
    return (draw(tensors(shape=batch + (draw(st.integers(1, 2)),) + hw)), k, d, p, s)


@st.composite
def _fold_args(draw):
    k, d, p, s, hw = draw(_block_args())
    blocks = int(np.prod([(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1
                          for n, kk, dd, pp, ss in zip(hw, k, d, p, s)]))
    batch = draw(st.sampled_from([(), (draw(st.integers(1, 2)),)]))
    c = draw(st.integers(1, 2))
    return (draw(tensors(shape=batch + (c * k[0] * k[1], blocks))), hw, k, d, p, s)


register_nn("unfold", lambda F, x, k, d, p, s: F.unfold(x, k, d, p, s), _unfold_args())
register_nn("fold", lambda F, x, o, k, d, p, s: F.fold(x, o, k, d, p, s), _fold_args())
