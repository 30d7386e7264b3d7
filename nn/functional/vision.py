"""2-D vision ops: interpolate, pixel_shuffle / pixel_unshuffle, unfold / fold.

* `interpolate` is separable and linear along each spatial axis, so it is written with
  autograd's own differentiable ops: 'nearest' selects rows and columns (`index_select`),
  'linear'/'bilinear' multiply by interpolation matrices on each side (out = A_h @ x @ A_w^T,
  each row of A holding the two weights of PyTorch's source coordinate), 'area' is adaptive
  average pooling. Source coordinates follow PyTorch exactly (align_corners, scale_factor
  versus recompute_scale_factor, float32 arithmetic for 'nearest').
* `unfold` (im2col) and `fold` (col2im) are each other's adjoint, two `autograd.Function`s
  whose backward calls the other, so they are differentiable to any order. unfold copies the
  strided window view once; fold sums overlapping blocks with a single `np.bincount` over a
  flat index (no Python loop over pixels or kernel offsets).
* `pixel_shuffle` and `pixel_unshuffle` are reshape + permute + reshape.
"""
import math

import numpy as np

import autograd

from .conv import ntuple, pad_array, windows
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle", "unfold", "fold"]



# ------------------------------------------------------------------ unfold / fold
def _block_params(kernel_size, dilation, padding, stride, op):
    kernel = ntuple(kernel_size, 2, "kernel_size", op)
    dil = ntuple(dilation, 2, "dilation", op)
    pads = ntuple(padding, 2, "padding", op)
    stride = ntuple(stride, 2, "stride", op)
    if min(kernel) < 1 or min(dil) < 1 or min(stride) < 1 or min(pads) < 0:
        raise RuntimeError(f"{op}: kernel_size, dilation and stride must be positive and "
                           f"padding non-negative, got kernel_size={kernel}, dilation={dil}, "
                           f"padding={pads}, stride={stride}")
    return kernel, dil, pads, stride


def _blocks(hw, kernel, dil, pads, stride):
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, d, p, st in zip(hw, kernel, dil, pads, stride))


def _im2col(x, kernel, dil, pads, stride, blocks):
    n, c = x.shape[:2]
    xp = pad_array(x, ((pads[0], pads[0]), (pads[1], pads[1])))
    cols = np.ascontiguousarray(windows(xp, kernel, stride, dil, blocks))
    return cols.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])


def _col2im(cols, channels, out_hw, kernel, dil, pads, stride, blocks):
    n = cols.shape[0]
    (kh, kw), (oh, ow) = kernel, blocks
    hp, wp = out_hw[0] + 2 * pads[0], out_hw[1] + 2 * pads[1]
    r = (np.arange(kh) * dil[0])[:, None, None, None] + (np.arange(oh) * stride[0])[:, None]
    q = (np.arange(kw) * dil[1])[:, None, None] + np.arange(ow) * stride[1]
    offsets = (r * wp)[:, None] + q                       # (KH, KW, OH, OW) in one plane
    planes = (np.arange(n * channels) * (hp * wp)).reshape(n, channels, 1)
    flat = (planes + offsets.reshape(1, 1, -1)).reshape(-1)
    summed = np.bincount(flat, weights=cols.reshape(-1).astype(np.float64, copy=False),
                         minlength=n * channels * hp * wp)
    out = summed.astype(cols.dtype, copy=False).reshape(n, channels, hp, wp)
    return np.ascontiguousarray(out[:, :, pads[0]:pads[0] + out_hw[0],
                                    pads[1]:pads[1] + out_hw[1]])


class Unfold(autograd.Function):
    """(N, C, H, W) -> (N, C*kH*kW, L) blocks; backward is Fold."""

    @staticmethod
    def forward(ctx, x, params):
        kernel, dil, pads, stride, blocks = params
        ctx.meta = (params, tuple(x.shape))
        return autograd.from_numpy(_im2col(x.data, kernel, dil, pads, stride, blocks))

    @staticmethod
    def backward(ctx, g):
        params, shape = ctx.meta
        return Fold.apply(g, params, shape), None


class Fold(autograd.Function):
    """(N, C*kH*kW, L) blocks -> (N, C, H, W), summing overlaps; backward is Unfold."""

    @staticmethod
    def forward(ctx, cols, params, out_shape):
        kernel, dil, pads, stride, blocks = params
        ctx.params = params
        arr = _col2im(np.ascontiguousarray(cols.data), out_shape[1], out_shape[2:], kernel,
                      dil, pads, stride, blocks)
        return autograd.from_numpy(arr)

    @staticmethod
    def backward(ctx, g):
        return Unfold.apply(g, ctx.params), None, None


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks (im2col): input (N, C, H, W) -> (N, C*kH*kW, L), where column l
    holds the (zero-padded) block at output position l in row-major order, channels outermost
    then kernel rows then kernel columns, as PyTorch's."""
    op = "unfold"
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{op}: Input Error: Only 3D (C, H, W) or 4D (N, C, H, W) input "
                           f"Tensors are supported (got {input.ndim}D of shape "
                           f"{tuple(input.shape)})")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    kernel, dil, pads, stride = _block_params(kernel_size, dilation, padding, stride, op)
    blocks = _blocks(tuple(x.shape[2:]), kernel, dil, pads, stride)
    if min(blocks) < 1:
        raise RuntimeError(f"{op}: Given input with spatial size {tuple(x.shape[2:])}, "
                           f"kernel_size={kernel}, dilation={dil}, padding={pads}, calculated "
                           f"shape of the array of sliding blocks as {blocks}, but its "
                           f"components must be at least one.")
    out = Unfold.apply(x, (kernel, dil, pads, stride, blocks))
    return out.squeeze(0) if unbatched else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding blocks into an image (col2im), summing where blocks overlap:
    input (N, C*kH*kW, L) -> (N, C, H, W) with (H, W) = output_size. The adjoint of unfold."""
    op = "fold"
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{op}: Input Error: Only unbatched (2D) or batched (3D) input "
                           f"Tensors of shape (N, C*kH*kW, L) are supported (got "
                           f"{input.ndim}D of shape {tuple(input.shape)})")
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    size = ntuple(output_size, 2, "output_size", op)
    kernel, dil, pads, stride = _block_params(kernel_size, dilation, padding, stride, op)
    kk = kernel[0] * kernel[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"{op}: Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size={kernel}")
    blocks = _blocks(size, kernel, dil, pads, stride)
    if min(blocks) < 1 or blocks[0] * blocks[1] != x.shape[2]:
        raise RuntimeError(f"{op}: Given output_size={size}, kernel_size={kernel}, "
                           f"dilation={dil}, padding={pads}, stride={stride}, expected size of "
                           f"input's dimension 2 to match the calculated number of sliding "
                           f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but "
                           f"got input.size(2)={x.shape[2]}.")
    out_shape = (x.shape[0], x.shape[1] // kk) + size
    out = Fold.apply(x, (kernel, dil, pads, stride, blocks), out_shape)
    return out.squeeze(0) if unbatched else out


# ------------------------------------------------------------------ pixel shuffle
def pixel_shuffle(input, upscale_factor):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r):
    out[c, h*r + i, w*r + j] = in[c*r^2 + i*r + j, h, w]."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions (*, C, "
                           f"H, W), but got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    nl = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(nl), nl, nl + 3, nl + 1, nl + 4, nl + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W), the inverse of pixel_shuffle."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions (*, "
                           f"C, H, W), but got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but input.size(-2)={h} and input.size(-1)={w} "
                           f"are not divisible by {r}")
    nl = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(nl), nl, nl + 2, nl + 4, nl + 1, nl + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


# ------------------------------------------------------------------ interpolate
_MODES = {"nearest": (1, 2), "linear": (1,), "bilinear": (2,), "area": (1, 2)}


def _output_sizes(input, size, scale_factor, spatial, recompute):
    """(output sizes, scales for the kernels: the user's scale factors or None)."""
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: either size or scale_factor should be defined, not "
                         "both and not neither")
    in_sizes = tuple(input.shape[2:])
    if size is not None:
        sizes = ntuple(size, spatial, "size", "interpolate")
        if any(s <= 0 for s in sizes):
            raise ValueError(f"interpolate: output sizes must be positive, got {sizes}")
        return sizes, (None,) * spatial
    if isinstance(scale_factor, (tuple, list)):
        if len(scale_factor) != spatial:
            raise ValueError(f"interpolate: scale_factor shape must match input shape: input "
                             f"is {spatial}D, scale_factor has {len(scale_factor)} values")
        factors = tuple(float(f) for f in scale_factor)
    else:
        factors = (float(scale_factor),) * spatial
    sizes = tuple(int(math.floor(float(s) * f)) for s, f in zip(in_sizes, factors))
    if any(s <= 0 for s in sizes):
        raise ValueError(f"interpolate: scale_factor {factors} gives an empty output "
                         f"{sizes} for input size {in_sizes}")
    return sizes, ((None,) * spatial if recompute else factors)


def _nearest_index(in_size, out_size, scale):
    """PyTorch's nearest source index: min(floor(dst * scale), in - 1), in float32."""
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst
    if out_size == 2 * in_size:
        return dst >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else \
        np.float32(in_size) / np.float32(out_size)
    return np.minimum(np.floor(dst.astype(np.float32) * s).astype(np.int64), in_size - 1)


def _linear_matrix(in_size, out_size, scale, align_corners, dtype):
    """(out, in) matrix of PyTorch's linear interpolation weights along one axis."""
    dt = np.dtype(dtype)
    dst = np.arange(out_size, dtype=dt)
    if align_corners:
        s = dt.type((in_size - 1) / (out_size - 1)) if out_size > 1 else dt.type(0)
        src = dst * s
    else:
        s = dt.type(1.0 / scale) if scale is not None and scale > 0 else \
            dt.type(in_size) / dt.type(out_size)
        src = np.maximum(s * (dst + dt.type(0.5)) - dt.type(0.5), 0)
    i0 = np.minimum(src.astype(np.int64), in_size - 1)
    i1 = i0 + (i0 < in_size - 1)
    w1 = np.clip(src - i0, 0, 1).astype(dt)
    mat = np.zeros((out_size, in_size), dtype=dt)
    rows = np.arange(out_size)
    np.add.at(mat, (rows, i0), 1 - w1)
    np.add.at(mat, (rows, i1), w1)
    return mat


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize (N, C, L) or (N, C, H, W) inputs to `size` or by `scale_factor`.

    mode 'nearest': out[i] = in[min(floor(i * scale), in - 1)], scale = in/out (or
    1/scale_factor); 'linear' (3-D) / 'bilinear' (4-D): weights of the two neighbours of the
    source coordinate (i + 0.5) * scale - 0.5 (clamped at 0), or i * (in-1)/(out-1) with
    align_corners=True; 'area': adaptive average pooling. Modes 'bicubic', 'trilinear',
    'nearest-exact' and antialias are not provided (they raise an error that says so).
    """
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode {mode!r} is not supported by glassgrad; use one of "
                         f"{sorted(_MODES)}")
    if antialias:
        raise ValueError("interpolate: antialias=True is not supported by glassgrad")
    spatial = input.ndim - 2
    if spatial not in (1, 2):
        raise ValueError(f"interpolate: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, got "
                         f"input of shape {tuple(input.shape)}")
    if spatial not in _MODES[mode]:
        need = {"linear": "3D", "bilinear": "4D"}[mode]
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {need} input")
    if mode in ("nearest", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    sizes, scales = _output_sizes(input, size, scale_factor, spatial, recompute_scale_factor)
    if mode == "area":
        return adaptive_avg_pool1d(input, sizes) if spatial == 1 else \
            adaptive_avg_pool2d(input, sizes)
    in_sizes = tuple(input.shape[2:])
    out = input
    axes = range(spatial)
    if mode == "nearest":
        for a in axes:
            idx = _nearest_index(in_sizes[a], sizes[a], scales[a])
            if not np.array_equal(idx, np.arange(in_sizes[a])):
                out = out.index_select(2 + a, autograd.from_numpy(idx))
        return out
    dt = input.data.dtype
    last = spatial - 1
    mats = [_linear_matrix(in_sizes[a], sizes[a], scales[a], bool(align_corners), dt)
            for a in axes]
    out = out @ autograd.from_numpy(np.ascontiguousarray(mats[last].T))
    if spatial == 2:
        out = autograd.from_numpy(mats[0]) @ out
    return out


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate (PyTorch's F.upsample)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """interpolate(..., mode='nearest')."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """interpolate(..., mode='bilinear', align_corners=True), as PyTorch's."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
