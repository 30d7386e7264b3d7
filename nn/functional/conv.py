"""Convolutions: conv1d, conv2d, conv_transpose1d, conv_transpose2d (PyTorch's semantics).

How it runs on NumPy (no Python loop over pixels or kernel positions):

* forward, `y = conv(x, W)`: pad x once, take the strided window view
  `(N, C, KH, KW, OH, OW)` of it (`as_strided`, no copy), copy it once into the contiguous
  im2col buffer `cols` of shape `(N, G, C/G*KH*KW, OH*OW)`, and contract it with the weight,
  `W` as `(G, OC/G, C/G*KH*KW)`, in one batched `matmul`; the result is already NCHW.
* input gradient: the adjoint of a convolution is a transposed convolution, and that is a
  convolution of the zero-stuffed (stride - 1 zeros between gradient pixels), padded gradient
  with the spatially flipped kernel whose in/out channels are swapped (per group), at stride 1
  and the same dilation: the same im2col + one matmul, no scatter. Strided convolutions
  without dilation skip the zero-stuffing: one convolution computes every stride phase
  (polyphase form, `_input_grad_polyphase`): up to stride_h * stride_w times less work.
* weight gradient: `dW[o, k] = sum_{n, l} g[n, o, l] cols[n, k, l]`, one matmul of
  `g` as `(G, OC/G, N*L)` with the im2col buffer laid out as `(G, C/G*KH*KW, N*L)`, rebuilt
  from x (not kept from forward: the graph holds only x and W, like PyTorch).

Memory. The im2col buffers and padded copies are temporaries, written into per-thread
scratch buffers (`scratch`) that are kept between calls: allocating them afresh would cost a
page fault per 4 KiB (a third of a small CNN's training step). `release_scratch()` frees them.

Higher-order gradients. With `T(x, W, g) = <conv(x, W), g>` a trilinear form, the three maps
`conv(x, W) = dT/dg`, `input_grad(g, W) = dT/dx` and `weight_grad(x, g) = dT/dW` are each the
others' derivatives, so each is an `autograd.Function` whose backward calls the other two
Functions: `create_graph=True` records them, and gradients of any order follow.

Geometry is normalised to 2-D: 1-D convolutions run as 2-D ones of height 1, padding is a pair
(before, after) per spatial axis so that 'same' with an even kernel pads asymmetrically, as
PyTorch does.
"""
import collections
import math
import threading

import numpy as np
from numpy.lib.stride_tricks import as_strided

import autograd

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


Geometry = collections.namedtuple("Geometry", "stride pads dilation groups")
Geometry.__doc__ = ("2-D convolution geometry: stride (sh, sw), pads ((top, bottom), (left, "
                    "right)), dilation (dh, dw), groups.")


# ------------------------------------------------------------------ scratch buffers
_scratch = threading.local()
SCRATCH_LIMIT = 1 << 26
"""Largest scratch buffer (bytes) kept between calls (64 MiB; four slots, so at most 256 MiB
per thread); bigger ones are allocated each time, where the page faults cost little next to
the matmul that uses them."""


def scratch(slot, shape, dtype):
    """An uninitialised C-contiguous array of `shape` in a per-thread buffer that is kept and
    reused between calls (one buffer per `slot`; two temporaries alive at once need two
    slots). For the im2col buffers and padded copies that die inside a kernel: a fresh
    multi-megabyte NumPy allocation of each of them costs a page fault per 4 KiB page (about a
    third of a CNN training step's CPU time), a reused one costs nothing. Never return it."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > SCRATCH_LIMIT:
        return np.empty(shape, dtype)
    buffers = _scratch.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(max(nbytes, 64), np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def release_scratch():
    """Free this thread's scratch buffers (they are allocated again when next needed)."""
    _scratch.__dict__.pop("buffers", None)


def scratch_bytes():
    """Bytes held by this thread's scratch buffers."""
    return sum(b.nbytes for b in _scratch.__dict__.get("buffers", {}).values())


# ------------------------------------------------------------------ NumPy kernels
def out_size(size, kernel, stride, pad_before, pad_after, dilation):
    """floor((size + pads - dilation*(kernel-1) - 1) / stride) + 1."""
    return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1


def pad_array(x, pads, value=0, slot=None):
    """x padded on its last two axes by pads ((t, b), (l, r)); negative widths crop. With a
    `slot`, the padded copy lives in that scratch buffer (for a temporary)."""
    (t, b), (l, r) = pads
    if t == b == l == r == 0:
        return x
    h, w = x.shape[-2:]
    crop = x[..., max(-t, 0):h - max(-b, 0), max(-l, 0):w - max(-r, 0)]
    t, b, l, r = max(t, 0), max(b, 0), max(l, 0), max(r, 0)
    ch, cw = crop.shape[-2:]
    shape = x.shape[:-2] + (ch + t + b, cw + l + r)
    if slot is None:
        out = np.full(shape, value, dtype=x.dtype)
    else:
        out = scratch(slot, shape, x.dtype)
        for edge in (out[..., :t, :], out[..., t + ch:, :], out[..., t:t + ch, :l],
                     out[..., t:t + ch, l + cw:]):
            edge.fill(value)
    out[..., t:t + ch, l:l + cw] = crop
    return out


def im2col(view, slot="cols"):
    """The window view copied into a C-contiguous scratch buffer (the im2col matrix)."""
    cols = scratch(slot, view.shape, view.dtype)
    np.copyto(cols, view)
    return cols


def windows(xp, kernel, stride, dilation, out_hw, order="nckl"):
    """The strided view of the sliding windows of a padded (N, C, H, W) array, no copy.
    order 'nckl' gives (N, C, KH, KW, OH, OW); 'ckn' gives (C, KH, KW, N, OH, OW)."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    s0, s1, s2, s3 = xp.strides
    if order == "nckl":
        shape, strides = (xp.shape[0], xp.shape[1], kh, kw, oh, ow), \
            (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw)
    else:
        shape, strides = (xp.shape[1], kh, kw, xp.shape[0], oh, ow), \
            (s1, s2 * dh, s3 * dw, s0, s2 * sh, s3 * sw)
    return as_strided(xp, shape, strides, writeable=False)


def _out_hw(h, w, kernel, geom):
    (pt, pb), (pl, pr) = geom.pads
    return (out_size(h, kernel[0], geom.stride[0], pt, pb, geom.dilation[0]),
            out_size(w, kernel[1], geom.stride[1], pl, pr, geom.dilation[1]))


def conv_forward_array(x, w, geom, out_hw=None):
    """y[n, o] = sum_{c, i, j} W[o, c, i, j] xpad[n, g*C/G + c, oh*s + i*d, ow*s + j*d];
    `out_hw` keeps only the first rows and columns of the output (the adjoint of a transposed
    convolution whose output_padding reaches past the last stride)."""
    n, c, h, wd = x.shape
    oc, cg, kh, kw = w.shape
    g = geom.groups
    oh, ow = _out_hw(h, wd, (kh, kw), geom) if out_hw is None else out_hw
    xp = pad_array(x, geom.pads, slot="padded")
    cols = im2col(windows(xp, (kh, kw), geom.stride, geom.dilation, (oh, ow)))
    if g == 1:
        out = np.matmul(w.reshape(oc, cg * kh * kw), cols.reshape(n, cg * kh * kw, oh * ow))
    else:
        out = np.matmul(w.reshape(g, oc // g, cg * kh * kw),
                        cols.reshape(n, g, cg * kh * kw, oh * ow))
    return out.reshape(n, oc, oh, ow)


def conv_input_grad_array(gy, w, geom, x_hw):
    """dL/dx of y = conv(x, W): a stride-1 convolution of the zero-stuffed, padded gradient
    with the flipped, channel-swapped kernel (the transposed convolution); strided
    convolutions without dilation take the polyphase form (`_input_grad_polyphase`)."""
    if geom.stride != (1, 1) and geom.dilation == (1, 1):
        return _input_grad_polyphase(gy, w, geom, x_hw)
    n, oc, oh, ow = gy.shape
    _, cg, kh, kw = w.shape
    g = geom.groups
    h, wd = x_hw
    (sh, sw), (dh, dw) = geom.stride, geom.dilation
    (pt, _), (pl, _) = geom.pads
    ext_h, ext_w = dh * (kh - 1), dw * (kw - 1)
    total_h, total_w = h + ext_h, wd + ext_w
    buf = scratch("stuffed", (n, oc, total_h, total_w), np.result_type(gy, w))
    buf.fill(0)
    rows = _placement(ext_h - pt, sh, oh, total_h)
    cols = _placement(ext_w - pl, sw, ow, total_w)
    if rows is not None and cols is not None:
        buf[:, :, rows[0], cols[0]] = gy[:, :, rows[1], cols[1]]
    flipped = w.reshape(g, oc // g, cg, kh, kw).transpose(0, 2, 1, 3, 4)
    flipped = flipped.reshape(g * cg, oc // g, kh, kw)[:, :, ::-1, ::-1]
    inner = Geometry((1, 1), ((0, 0), (0, 0)), geom.dilation, g)
    return conv_forward_array(buf, flipped, inner)


def _input_grad_polyphase(gy, w, geom, x_hw):
    """The input gradient of a strided, undilated convolution without the zero-stuffing
    (which would multiply mostly zeros, stride_h * stride_w times the work). In padded
    coordinates input row q*s + r receives gy[q - a] through kernel row a*s + r: for each
    phase r a stride-1 convolution of gy with the sub-kernel W[..., a*s + r]. All phases run
    as one convolution whose output channels are (c, r_h, r_w); the kernel is padded with
    zero rows up to A*s (A = ceil(k/s)), flipped and channel-swapped; the phases are then
    interleaved back into rows (q, r) and cropped to the input."""
    n, oc, oh, ow = gy.shape
    _, cg, kh, kw = w.shape
    g = geom.groups
    (sh, sw), h, wd = geom.stride, x_hw[0], x_hw[1]
    (pt, _), (pl, _) = geom.pads
    ah, aw = -(-kh // sh), -(-kw // sw)
    padded = np.zeros((oc, cg, ah * sh, aw * sw), dtype=w.dtype)
    padded[:, :, :kh, :kw] = w
    sub = padded.reshape(g, oc // g, cg, ah, sh, aw, sw)[:, :, :, ::-1, :, ::-1, :]
    sub = sub.transpose(0, 2, 4, 6, 1, 3, 5).reshape(g * cg * sh * sw, oc // g, ah, aw)
    full = Geometry((1, 1), ((ah - 1, ah - 1), (aw - 1, aw - 1)), (1, 1), g)
    phases = conv_forward_array(gy, np.ascontiguousarray(sub), full)  # (N, C*sh*sw, QH, QW)
    qh, qw = phases.shape[2:]
    rows = phases.reshape(n, g * cg, sh, sw, qh, qw).transpose(0, 1, 4, 2, 5, 3)
    rows = rows.reshape(n, g * cg, qh * sh, qw * sw)                # padded input coordinates
    out = np.zeros((n, g * cg, h, wd), dtype=phases.dtype)
    hh, ww = max(min(h, qh * sh - pt), 0), max(min(wd, qw * sw - pl), 0)
    out[:, :, :hh, :ww] = rows[:, :, pt:pt + hh, pl:pl + ww]
    return out


def _placement(offset, stride, count, total):
    """Slices (into the buffer, into the gradient) placing gradient pixel i at
    offset + i*stride, keeping only positions inside [0, total)."""
    first = -(offset // stride) if offset < 0 else 0
    last = min(count - 1, (total - 1 - offset) // stride)
    if last < first:
        return None
    start = offset + first * stride
    return slice(start, start + (last - first) * stride + 1, stride), slice(first, last + 1)


def conv_weight_grad_array(x, gy, geom, w_shape):
    """dW[o, c, i, j] = sum_{n, oh, ow} g[n, o, oh, ow] xpad[n, c, oh*s + i*d, ow*s + j*d]:
    one matmul per group of the im2col buffer laid out (C*KH*KW, N*OH*OW) with the
    gradient laid out (N*OH*OW, OC) (both C-contiguous, so NumPy hands them to BLAS)."""
    n, c, h, wd = x.shape
    oc, cg, kh, kw = w_shape
    g = geom.groups
    oh, ow = gy.shape[2:]
    xp = pad_array(x, geom.pads, slot="padded")
    cols = im2col(windows(xp, (kh, kw), geom.stride, geom.dilation, (oh, ow), order="ckn"))
    cols = cols.reshape(g, cg * kh * kw, n * oh * ow)
    gt = im2col(gy.reshape(n, g, oc // g, oh * ow).transpose(1, 0, 3, 2), slot="gt")
    gw_t = np.matmul(cols, gt.reshape(g, n * oh * ow, oc // g))     # (G, Cg*KH*KW, OC/G)
    return np.ascontiguousarray(gw_t.transpose(0, 2, 1)).reshape(w_shape)


# ------------------------------------------------------------------ differentiable Functions
class ConvNd(autograd.Function):
    """y = conv(x, W) + b on NCHW arrays; backward: input_grad and weight_grad Functions."""

    @staticmethod
    def forward(ctx, x, weight, bias, geom, out_hw=None):
        out = conv_forward_array(x.data, weight.data, geom, out_hw)
        if bias is not None:
            out += bias.data.reshape(1, -1, 1, 1)
        ctx.geom = geom
        ctx.save_for_backward(x, weight)
        return autograd.from_numpy(out)

    @staticmethod
    def backward(ctx, gy):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        gx = ConvInputGrad.apply(gy, weight, ctx.geom, tuple(x.shape)) if need_x else None
        gw = ConvWeightGrad.apply(x, gy, ctx.geom, tuple(weight.shape)) if need_w else None
        gb = gy.sum((0, 2, 3)) if need_b else None
        return gx, gw, gb, None, None


class ConvInputGrad(autograd.Function):
    """dx = input_grad(g, W), the transposed convolution (also conv_transpose2d's forward)."""

    @staticmethod
    def forward(ctx, gy, weight, geom, x_shape):
        ctx.geom = geom
        ctx.w_shape = tuple(weight.shape)
        ctx.save_for_backward(gy, weight)
        return autograd.from_numpy(conv_input_grad_array(gy.data, weight.data, geom, x_shape[2:]))

    @staticmethod
    def backward(ctx, u):
        gy, weight = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad[:2]
        dg = ConvNd.apply(u, weight, None, ctx.geom, tuple(gy.shape[2:])) if need_g else None
        dw = ConvWeightGrad.apply(u, gy, ctx.geom, ctx.w_shape) if need_w else None
        return dg, dw, None, None


class ConvWeightGrad(autograd.Function):
    """dW = weight_grad(x, g)."""

    @staticmethod
    def forward(ctx, x, gy, geom, w_shape):
        ctx.geom = geom
        ctx.x_shape = tuple(x.shape)
        ctx.save_for_backward(x, gy)
        return autograd.from_numpy(conv_weight_grad_array(x.data, gy.data, geom, w_shape))

    @staticmethod
    def backward(ctx, v):
        x, gy = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        dx = ConvInputGrad.apply(gy, v, ctx.geom, ctx.x_shape) if need_x else None
        dg = ConvNd.apply(x, v, None, ctx.geom, tuple(gy.shape[2:])) if need_g else None
        return dx, dg, None, None


# ------------------------------------------------------------------ argument handling
def ntuple(value, n, name, op):
    """An int or a sequence of n ints as a tuple of n ints (PyTorch's _pair/_single)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        if isinstance(value, str):
            raise TypeError
        items = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got "
                        f"{value!r}") from None
    if len(items) == 1:
        return items * n
    if len(items) != n:
        raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of "
                           f"{n} values to match the convolution dimensions, but got "
                           f"{name}={list(items)}")
    return items


def _check_input(input, spatial, op):
    nd = input.ndim
    if nd not in (spatial + 1, spatial + 2):
        names = {1: ("2D", "3D"), 2: ("3D", "4D")}[spatial]
        layout = "(N, C, L) or (C, L)" if spatial == 1 else "(N, C, H, W) or (C, H, W)"
        raise RuntimeError(f"Expected {names[0]} (unbatched) or {names[1]} (batched) input to "
                           f"{op}, but got input of size: {list(input.shape)} (the layout is "
                           f"{layout})")
    return nd == spatial + 1


def _layout(spatial):
    return "(N, C, L)" if spatial == 1 else "(N, C, H, W)"


def _check_weight(input, weight, bias, groups, spatial, op, transposed=False):
    if not isinstance(weight, autograd.Tensor) or weight.ndim != spatial + 2:
        shape = list(weight.shape) if isinstance(weight, autograd.Tensor) else weight
        channels = "in_channels, out_channels/groups" if transposed else \
            "out_channels, in_channels/groups"
        kernel = "kL" if spatial == 1 else "kH, kW"
        raise RuntimeError(f"{op}: expected weight to be a {spatial + 2}-D tensor of shape "
                           f"({channels}, {kernel}), got shape {shape}")
    if groups < 1:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got groups={groups}")
    c = input.shape[-spatial - 1]
    wshape = tuple(weight.shape)
    expected = wshape[0] if transposed else wshape[1] * groups
    if c != expected:
        layout = _layout(spatial) if input.ndim == spatial + 2 else \
            "(C, L)" if spatial == 1 else "(C, H, W)"
        raise RuntimeError(f"{op}: expected input with {expected} channels (weight of shape "
                           f"{wshape}, groups={groups}), got input of shape "
                           f"{tuple(input.shape)} with {c} channel{'s' if c != 1 else ''}; "
                           f"the layout is {layout}")
    divides = wshape[0] % groups == 0
    if not divides:
        raise RuntimeError(f"{op}: {'in' if transposed else 'out'}_channels (weight.shape[0] = "
                           f"{wshape[0]}) must be divisible by groups ({groups})")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"{op}: input ({input.dtype}) and weight ({weight.dtype}) must have "
                           f"the same dtype; convert one with .to(dtype)")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, got {input.dtype}")
    if bias is not None:
        n_out = wshape[1] * groups if transposed else wshape[0]
        if tuple(bias.shape) != (n_out,):
            raise RuntimeError(f"{op}: expected bias of shape ({n_out},) (one value per "
                               f"output channel), got {tuple(bias.shape)}")
        if bias.dtype != input.dtype:
            raise RuntimeError(f"{op}: bias ({bias.dtype}) and input ({input.dtype}) must have "
                               f"the same dtype")


def check_conv_args(input, weight, bias, groups, spatial, op, transposed=False):
    """Validate a convolution's input rank and layout, weight, bias and groups (the errors
    name the layout, the given shapes and the channel counts); True for an unbatched
    input. The modules call it before padding, so errors show the shape the user passed."""
    unbatched = _check_input(input, spatial, op)
    _check_weight(input, weight, bias, groups, spatial, op, transposed)
    return unbatched


def _resolve_padding(padding, kernel, dilation, stride, n, op):
    """Per-axis (before, after) pads from an int, a tuple, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided "
                                 f"convolutions (stride={stride})")
            pads = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise ValueError(f"{op}: invalid padding string {padding!r}, should be one of "
                         f"{{'valid', 'same'}}")
    pads = ntuple(padding, n, "padding", op)
    if any(p < 0 for p in pads):
        raise RuntimeError(f"{op}: negative padding is not supported, got {pads}")
    return tuple((p, p) for p in pads)


def _conv(input, weight, bias, stride, padding, dilation, groups, spatial, op):
    unbatched = check_conv_args(input, weight, bias, groups, spatial, op)
    if unbatched:
        input = input.unsqueeze(0)
    kernel = tuple(weight.shape[2:])
    stride = ntuple(stride, spatial, "stride", op)
    dilation = ntuple(dilation, spatial, "dilation", op)
    if any(s < 1 for s in stride):
        raise RuntimeError(f"{op}: non-positive stride is not supported, got {stride}")
    if any(d < 1 for d in dilation):
        raise RuntimeError(f"{op}: dilation should be greater than zero, got {dilation}")
    pads = _resolve_padding(padding, kernel, dilation, stride, spatial, op)
    sizes = tuple(input.shape[2:])
    padded = tuple(s + a + b for s, (a, b) in zip(sizes, pads))
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < e for p, e in zip(padded, effective)):
        raise RuntimeError(f"{op}: Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, effective))}). Kernel size can't be greater "
                           f"than actual input size")
    if spatial == 1:
        input, weight = input.unsqueeze(2), weight.unsqueeze(2)
        stride, dilation, pads = (1,) + stride, (1,) + dilation, ((0, 0),) + pads
    out = ConvNd.apply(input, weight, bias, Geometry(stride, pads, dilation, groups))
    if spatial == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as PyTorch) of input (N, C, H, W) or (C, H, W) with
    weight (out_channels, C/groups, kH, kW):

        out[n, o, i, j] = bias[o] + sum_{c, p, q} weight[o, c, p, q]
                          * input_padded[n, g(o)*C/groups + c, i*sH + p*dH, j*sW + q*dW]

    padding: int, (pH, pW), 'valid' (none) or 'same' (output size = input size; stride 1).
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of input (N, C, L) or (C, L) with weight (out_channels, C/groups, k);
    runs as a 2-D convolution of height 1."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                    spatial, op):
    unbatched = check_conv_args(input, weight, bias, groups, spatial, op, transposed=True)
    if unbatched:
        input = input.unsqueeze(0)
    kernel = tuple(weight.shape[2:])
    stride = ntuple(stride, spatial, "stride", op)
    dilation = ntuple(dilation, spatial, "dilation", op)
    pads = ntuple(padding, spatial, "padding", op)
    extra = ntuple(output_padding, spatial, "output_padding", op)
    if any(s < 1 for s in stride) or any(d < 1 for d in dilation) or any(p < 0 for p in pads):
        raise RuntimeError(f"{op}: stride and dilation must be positive and padding "
                           f"non-negative, got stride={stride}, dilation={dilation}, "
                           f"padding={pads}")
    for e, s, d in zip(extra, stride, dilation):
        if not (e < s or e < d) or e < 0:
            raise RuntimeError(f"{op}: output padding must be smaller than either stride or "
                               f"dilation, but got output_padding={extra}, stride={stride}, "
                               f"dilation={dilation}")
    sizes = tuple(input.shape[2:])
    out_sizes = tuple((i - 1) * s - 2 * p + d * (k - 1) + e + 1
                      for i, s, p, d, k, e in zip(sizes, stride, pads, dilation, kernel, extra))
    if any(o <= 0 for o in out_sizes):
        raise RuntimeError(f"{op}: given input of shape {tuple(input.shape)} and these "
                           f"parameters, the output size {out_sizes} would be non-positive")
    n = input.shape[0]
    if spatial == 1:
        input, weight = input.unsqueeze(2), weight.unsqueeze(2)
        stride, dilation, pads, out_sizes = (1,) + stride, (1,) + dilation, (0,) + pads, \
            (1,) + out_sizes
    geom = Geometry(stride, tuple((p, p) for p in pads), dilation, groups)
    out_shape = (n, weight.shape[1] * groups) + out_sizes
    out = ConvInputGrad.apply(input, weight, geom, out_shape)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    if spatial == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """2-D transposed convolution ("deconvolution"): the gradient of conv2d with respect to
    its input, for weight (in_channels, out_channels/groups, kH, kW). Output size per axis:
    (in - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 2, "conv_transpose2d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """1-D transposed convolution of input (N, C, L) with weight (C, out/groups, k)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 1, "conv_transpose1d")
