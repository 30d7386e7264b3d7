"""Pooling: max, average, adaptive and unpooling, in 1-D and 2-D (PyTorch's semantics).

* Max pooling finds each window's argmax on the strided window view (one copy of the
  windows, one `argmax` along the window axis), turns it into PyTorch's flat indices into
  each input plane (h * W + w), and reads the maxima with a differentiable gather. The
  gather's backward scatters the gradient to those indices (a single `np.bincount`, or a
  direct fancy assignment when the windows cannot overlap); the scatter's backward is the
  gather again, so max pooling has gradients of every order.
* Average pooling is a convolution of each channel with a kernel of ones (the convolution
  Functions of `nn.functional.conv`, so its backward is the transposed convolution, and it is
  twice differentiable), times a constant map of 1/divisor per output pixel that encodes
  `count_include_pad`, `ceil_mode` and `divisor_override`.
* Adaptive average pooling is separable and linear: out = A_h @ x @ A_w^T with averaging
  matrices A (row i averages input positions floor(i*in/out) .. ceil((i+1)*in/out) - 1),
  two autograd matmuls. Adaptive max pooling gathers each (variable-size) window padded to
  the largest window size by repeating its last element, then argmax as above.

Inputs are (N, C, H, W) or unbatched (C, H, W) for 2-D, (N, C, L) or (C, L) for 1-D.
"""
import numpy as np

import autograd

from .conv import ConvNd, Geometry, im2col, ntuple, pad_array, windows

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "max_unpool1d", "max_unpool2d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices"]



# ------------------------------------------------------------------ gather / scatter by index
def _scatter_array(values, index, plane, accumulate):
    """A (rows, plane) array of zeros with values (rows, L) placed (or added) at index."""
    rows = values.shape[0]
    flat = (index + (np.arange(rows) * plane)[:, None]).reshape(-1)
    if accumulate:
        summed = np.bincount(flat, weights=values.reshape(-1).astype(np.float64, copy=False),
                             minlength=rows * plane)
        return summed.astype(values.dtype, copy=False).reshape(rows, plane)
    out = np.zeros(rows * plane, dtype=values.dtype)
    out[flat] = values.reshape(-1)
    return out.reshape(rows, plane)


class GatherPlanes(autograd.Function):
    """out[r, l] = x[r, index[r, l]] for x viewed as (rows, plane); backward scatter-adds
    (or writes, faster, when the caller knows the indices of a row are distinct)."""

    @staticmethod
    def forward(ctx, x, index, out_shape, values=None, unique=False):
        rows = index.shape[0]
        ctx.meta = (index, tuple(x.shape), unique)
        if values is None:
            values = np.take_along_axis(x.data.reshape(rows, x.data.size // max(rows, 1)),
                                        index, axis=1)
        return autograd.from_numpy(values.reshape(out_shape))

    @staticmethod
    def backward(ctx, g):
        index, in_shape, unique = ctx.meta
        return ScatterPlanes.apply(g, index, in_shape, not unique), None, None, None, None


class ScatterPlanes(autograd.Function):
    """out (rows, plane) zeros with g[r, l] added (accumulate) or written at index[r, l];
    backward gathers."""

    @staticmethod
    def forward(ctx, g, index, out_shape, accumulate):
        rows = index.shape[0]
        plane = int(np.prod(out_shape)) // rows if rows else 0   # rows = 0: an empty batch
        ctx.meta = (index, tuple(g.shape))
        values = np.ascontiguousarray(g.data).reshape(rows, index.shape[1])
        scattered = _scatter_array(values, index, plane, accumulate)
        return autograd.from_numpy(scattered.reshape(out_shape))

    @staticmethod
    def backward(ctx, u):
        index, g_shape = ctx.meta
        return GatherPlanes.apply(u, index, g_shape), None, None, None


# ------------------------------------------------------------------ shared argument handling
def _prepare(input, spatial, op):
    """(input as 4-D (N, C, H, W), was_unbatched)."""
    if input.ndim not in (spatial + 1, spatial + 2):
        names = {1: ("2D", "3D"), 2: ("3D", "4D")}[spatial]
        raise RuntimeError(f"{op}: Expected {names[0]} (unbatched) or {names[1]} (batched) "
                           f"input with layout {'(N, C, L)' if spatial == 1 else '(N, C, H, W)'}"
                           f", but got input of size: {list(input.shape)}")
    if any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(f"{op}: expected non-empty channel and spatial dimensions, got "
                           f"input of size {list(input.shape)}")
    unbatched = input.ndim == spatial + 1
    x = input.unsqueeze(0) if unbatched else input
    if spatial == 1:
        x = x.unsqueeze(2)
    return x, unbatched


def _finish(out, spatial, unbatched):
    if spatial == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def _pool_params(kernel_size, stride, padding, dilation, spatial, op):
    kernel = ntuple(kernel_size, spatial, "kernel_size", op)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else ntuple(stride, spatial, "stride", op)
    pads = ntuple(padding, spatial, "padding", op)
    dil = ntuple(dilation, spatial, "dilation", op)
    if any(k < 1 for k in kernel) or any(s < 1 for s in stride) or any(d < 1 for d in dil):
        raise RuntimeError(f"{op}: kernel_size, stride and dilation must be positive, got "
                           f"kernel_size={kernel}, stride={stride}, dilation={dil}")
    for p, k, d in zip(pads, kernel, dil):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"{op}: pad should be at most half of kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if spatial == 1:
        kernel, stride, pads, dil = (1,) + kernel, (1,) + stride, (0,) + pads, (1,) + dil
    return kernel, stride, pads, dil


def pool_out_size(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size; with ceil_mode the last window must start inside the
    input or its left padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _geometry(shape, kernel, stride, pads, dil, ceil_mode, op):
    """Output size and the (before, after) pads per axis that make the window view exact."""
    outs, pairs = [], []
    for size, k, s, p, d in zip(shape, kernel, stride, pads, dil):
        o = pool_out_size(size, k, s, p, d, ceil_mode)
        if o < 1:
            raise RuntimeError(f"{op}: given input size {tuple(shape)}, the calculated output "
                               f"size is too small (kernel_size={kernel}, stride={stride}, "
                               f"padding={pads}, dilation={dil})")
        outs.append(o)
        pairs.append((p, max((o - 1) * s + d * (k - 1) + 1 - size - p, 0)))
    return tuple(outs), tuple(pairs)


# ------------------------------------------------------------------ max pooling
def _fill_value(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_index(flat, values):
    """Per column of flat (K, M), the row of the column's maximum `values`, as PyTorch picks
    it: the first maximum, or the last NaN where there is one (its scan replaces the running
    maximum by any NaN). Reductions along rows only: with eq = (flat == max),
    first = K - max_k(eq[k] * (K - k))."""
    k = flat.shape[0]
    weights = np.arange(k, 0, -1, dtype=np.uint8 if k < 256 else np.int64)[:, None]
    index = k - ((flat == values) * weights).max(axis=0)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        if nan.any():
            last = (np.isnan(flat[::-1]) * weights).max(axis=0)
            index = np.where(nan, last - 1, index)
    return index


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, spatial, op):
    x, unbatched = _prepare(input, spatial, op)
    kernel, stride, pads, dil = _pool_params(kernel_size, stride, padding, dilation, spatial,
                                             op)
    n, c, h, w = x.shape
    (oh, ow), pairs = _geometry((h, w), kernel, stride, pads, dil, ceil_mode, op)
    arr = x.data
    xp = pad_array(arr, pairs, _fill_value(arr.dtype), slot="padded")
    view = windows(xp, kernel, stride, dil, (oh, ow))            # (N, C, KH, KW, OH, OW)
    kk = kernel[0] * kernel[1]
    flat = im2col(view.transpose(2, 3, 0, 1, 4, 5)).reshape(kk, -1)
    values = flat.max(axis=0)
    first = _max_index(flat, values)
    offsets = ((np.arange(kernel[0]) * dil[0] * w)[:, None] +
               np.arange(kernel[1]) * dil[1]).reshape(-1)
    base = ((np.arange(oh) * stride[0] - pads[0]) * w)[:, None] + \
        (np.arange(ow) * stride[1] - pads[1])
    index = base.reshape(1, -1) + offsets[first.reshape(n * c, oh * ow)]
    values = values.reshape(n * c, oh * ow)
    disjoint = all(s >= d * (k - 1) + 1 for s, d, k in zip(stride, dil, kernel))
    padding_only = _padding_only_windows(first.reshape(n * c, oh, ow), (h, w), kernel, stride,
                                         pads, dil) if any(d > 1 for d in dil) else None
    if padding_only is None:
        out = GatherPlanes.apply(x, index, (n, c, oh, ow), values, disjoint)
    else:  # no input element to take the gradient: gather a stand-in, then mask it off
        keep = ~padding_only.reshape(n * c, oh * ow)
        out = GatherPlanes.apply(x, np.where(keep, index, 0), (n, c, oh, ow), values, False)
        out = autograd.where(autograd.from_numpy(keep.reshape(n, c, oh, ow)), out,
                             float(_fill_value(arr.dtype)))
        index = np.where(keep, index, _first_position_index((h, w), (oh, ow), stride, pads,
                                                            dil).reshape(1, -1))
    indices = autograd.from_numpy(index.reshape(n, c, oh, ow))
    return _finish(out, spatial, unbatched), _finish(indices, spatial, unbatched)


def _padding_only_windows(first, size, kernel, stride, pads, dil):
    """Where the chosen window position `first` (N*C, OH, OW) lies in the padding, which
    happens only when a dilated window holds no input element at all (its value is then
    -inf): a boolean (N*C, OH, OW) array, or None when every window took an input element.
    (Without dilation PyTorch's limit padding <= kernel_size / 2 keeps one in every window.)"""
    oh, ow = first.shape[1:]
    row = (np.arange(oh) * stride[0] - pads[0])[:, None] + (first // kernel[1]) * dil[0]
    col = (np.arange(ow) * stride[1] - pads[1]) + (first % kernel[1]) * dil[1]
    outside = (row < 0) | (row >= size[0]) | (col < 0) | (col >= size[1])
    return outside if outside.any() else None


def _first_position_index(size, out_size, stride, pads, dil):
    """The index PyTorch reports for a window of padding only: its first position moved by
    whole dilation steps to a non-negative row and column, flattened as row * W + column
    (it may lie past the input, as PyTorch's does). (OH, OW) integers."""
    starts = []
    for o, s, p, d in zip(out_size, stride, pads, dil):
        start = np.arange(o) * s - p
        starts.append(np.where(start < 0, start + (-start + d - 1) // d * d, start))
    return starts[0][:, None] * size[1] + starts[1]


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool2d returning (values, indices); indices are flat positions h*W + w in each
    input plane, as PyTorch's."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2,
                     "max_pool2d")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling over (N, C, H, W) or (C, H, W): each output is the maximum of a
    kH x kW window (dilated by `dilation`) moved by `stride` (default: kernel_size) over
    the input padded with -inf; ceil_mode rounds the output size up. NaN wins, as in PyTorch;
    ties go to the first maximum in row-major window order."""
    out, idx = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2,
                         "max_pool2d")
    return (out, idx) if return_indices else out


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1,
                     "max_pool1d")


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L); see max_pool2d."""
    out, idx = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1,
                         "max_pool1d")
    return (out, idx) if return_indices else out


# ------------------------------------------------------------------ unpooling
def _max_unpool(input, indices, kernel_size, stride, padding, output_size, spatial, op):
    x, unbatched = _prepare(input, spatial, op)
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{op}: expected indices of the same shape as the input "
                           f"{tuple(input.shape)}, got {tuple(indices.shape)}")
    kernel, stride, pads, _ = _pool_params(kernel_size, stride, padding, 1, spatial, op)
    n, c, h, w = x.shape
    default = tuple((i - 1) * s - 2 * p + k for i, s, p, k in
                    zip((h, w), stride, pads, kernel))
    size = default
    if output_size is not None:
        size = default[:2 - spatial] + tuple(int(s) for s in output_size)[-spatial:]
        low = tuple(d - s + 1 for d, s in zip(default, stride))
        high = tuple(d + s - 1 for d, s in zip(default, stride))
        if any(not lo <= s <= hi for s, lo, hi in zip(size, low, high)):
            raise ValueError(f"{op}: invalid output_size {tuple(output_size)}: each spatial "
                             f"size must be between {low[2 - spatial:]} and "
                             f"{high[2 - spatial:]}")
    oh, ow = size
    index = np.asarray(indices.data, dtype=np.int64).reshape(n * c, h * w)
    if index.size and (index.min() < 0 or index.max() >= oh * ow):
        bad = index.max() if index.max() >= oh * ow else index.min()
        raise RuntimeError(f"{op}: found an invalid max index {bad} (output volumes are of "
                           f"size {oh}x{ow})")
    out = ScatterPlanes.apply(x, index, (n, c, oh, ow), False)
    return _finish(out, spatial, unbatched)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: an output of zeros with each input value written at
    its index (from max_pool2d(..., return_indices=True)). Output size per axis:
    (in - 1)*stride - 2*padding + kernel_size, unless output_size is given."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """1-D max_unpool (see max_unpool2d)."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


# ------------------------------------------------------------------ average pooling
def _divisors(size, k, s, p, out, count_include_pad):
    """Per output position along one axis: the padded window length and the length inside the
    input (PyTorch: the window is clipped to the padded bounds, then to the input)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    padded = end - start
    inside = np.minimum(end, size) - np.maximum(start, 0)
    return padded if count_include_pad else inside


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override, spatial, op):
    x, unbatched = _prepare(input, spatial, op)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, got {x.dtype}")
    kernel, stride, pads, _ = _pool_params(kernel_size, stride, padding, 1, spatial, op)
    n, c, h, w = x.shape
    (oh, ow), pairs = _geometry((h, w), kernel, stride, pads, (1, 1), ceil_mode, op)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError(f"{op}: divisor must be not zero")
        inv = np.full((oh, ow), 1.0 / divisor_override)
    else:
        dh = _divisors(h, kernel[0], stride[0], pads[0], oh, count_include_pad)
        dw = _divisors(w, kernel[1], stride[1], pads[1], ow, count_include_pad)
        inv = 1.0 / (dh[:, None] * dw[None, :])
    dt = x.data.dtype
    ones = autograd.from_numpy(np.ones((1, 1) + kernel, dtype=dt))
    geom = Geometry(stride, pairs, (1, 1), 1)
    sums = ConvNd.apply(x.reshape(n * c, 1, h, w), ones, None, geom)
    out = (sums * autograd.from_numpy(inv.astype(dt))).reshape(n, c, oh, ow)
    return _finish(out, spatial, unbatched)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-D average pooling: the mean of each kH x kW window. The divisor is the window's size
    including zero padding (count_include_pad=True) or only the input elements it covers, or
    `divisor_override`."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d")


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-D average pooling over (N, C, L) or (C, L); see avg_pool2d."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                     1, "avg_pool1d")


# ------------------------------------------------------------------ adaptive pooling
def _adaptive_sizes(output_size, shape, spatial, op):
    sizes = ntuple(output_size, spatial, "output_size", op) if not (
        isinstance(output_size, (tuple, list)) and None in output_size) else \
        tuple(s if o is None else int(o) for o, s in zip(output_size, shape))
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"{op}: output_size must be non-negative, got {sizes}")
    return sizes


def _bounds(size, out):
    """Window [start, end) per output position: floor(i*size/out), ceil((i+1)*size/out)."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _averaging_matrix(size, out, dtype):
    start, end = _bounds(size, out)
    j = np.arange(size)
    inside = (j[None, :] >= start[:, None]) & (j[None, :] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _adaptive_avg(input, output_size, spatial, op):
    x, unbatched = _prepare(input, spatial, op)
    h, w = x.shape[2:]
    oh, ow = (1,) + _adaptive_sizes(output_size, (w,), 1, op) if spatial == 1 else \
        _adaptive_sizes(output_size, (h, w), 2, op)
    dt = x.data.dtype
    out = x
    if ow != w:
        out = out @ autograd.from_numpy(np.ascontiguousarray(_averaging_matrix(w, ow, dt).T))
    if oh != h:
        out = autograd.from_numpy(_averaging_matrix(h, oh, dt)) @ out
    return _finish(out, spatial, unbatched)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (oH, oW) (None keeps an input size): output
    (i, j) averages rows floor(i*H/oH) .. ceil((i+1)*H/oH)-1 and the matching columns."""
    return _adaptive_avg(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling over (N, C, L) or (C, L)."""
    return _adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


def _window_index(size, out):
    """(out, kmax) input positions of each adaptive window, the last one repeated to pad."""
    start, end = _bounds(size, out)
    kmax = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(kmax)[None, :], end[:, None] - 1)


def _adaptive_max(input, output_size, spatial, op):
    x, unbatched = _prepare(input, spatial, op)
    n, c, h, w = x.shape
    oh, ow = (1,) + _adaptive_sizes(output_size, (w,), 1, op) if spatial == 1 else \
        _adaptive_sizes(output_size, (h, w), 2, op)
    if oh == 0 or ow == 0:
        raise RuntimeError(f"{op}: output_size must be positive, got {(oh, ow)[2 - spatial:]}")
    rows, cols = _window_index(h, oh), _window_index(w, ow)
    kh, kw = rows.shape[1], cols.shape[1]
    patches = x.data[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # N C OH OW KH KW
    flat = np.ascontiguousarray(patches.transpose(4, 5, 0, 1, 2, 3)).reshape(kh * kw, -1)
    values = flat.max(axis=0)
    arg = _max_index(flat, values).reshape(n * c, oh * ow)
    values = values.reshape(n * c, oh * ow)
    r_i, c_i = np.divmod(arg, kw)
    pos = np.arange(oh * ow)
    index = rows[pos // ow][np.arange(oh * ow)[None, :], r_i] * w + \
        cols[pos % ow][np.arange(oh * ow)[None, :], c_i]
    out = GatherPlanes.apply(x, index, (n, c, oh, ow), values)
    indices = autograd.from_numpy(index.reshape(n, c, oh, ow))
    return _finish(out, spatial, unbatched), _finish(indices, spatial, unbatched)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(input, output_size, 2, "adaptive_max_pool2d")


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size (oH, oW) over the same windows as
    adaptive_avg_pool2d; return_indices gives flat positions h*W + w as max_pool2d."""
    out, idx = _adaptive_max(input, output_size, 2, "adaptive_max_pool2d")
    return (out, idx) if return_indices else out


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(input, output_size, 1, "adaptive_max_pool1d")


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling over (N, C, L) or (C, L)."""
    out, idx = _adaptive_max(input, output_size, 1, "adaptive_max_pool1d")
    return (out, idx) if return_indices else out
