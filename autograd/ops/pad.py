"""Padding: `pad` with PyTorch's modes constant, reflect, replicate and circular (negative
widths crop). Constant padding is one op whose backward crops the gradient (and pads it
back where the forward cropped); the other modes are an index_select per padded dimension.
"""
import numpy as np

from ..function import Op
from ..tensor import Tensor
from . import dual

__all__ = ["pad"]


class ConstantPad(Op):
    backward_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, widths=None, value=0.0):
        ctx.slices = tuple(slice(b, b + s) for (b, _), s in zip(widths, x.shape))
        crop = tuple(slice(max(-b, 0), s - max(-a, 0)) for (b, a), s in zip(widths, x.shape))
        pos = [(max(b, 0), max(a, 0)) for b, a in widths]
        out = np.pad(x[crop], pos, constant_values=value)
        ctx.in_shape = x.shape
        ctx.crop = crop
        ctx.pos = pos
        return out

    @staticmethod
    def backward(ctx, g):
        inner = tuple(slice(b, g.shape[i] - a) for i, (b, a) in enumerate(ctx.pos))
        gi = g[inner]
        if any(c != slice(0, s) for c, s in zip(ctx.crop, ctx.in_shape)):
            widths = [(c.start, s - c.stop) for c, s in zip(ctx.crop, ctx.in_shape)]
            if dual.is_tensor(gi):
                flat = []
                for b, a in reversed(widths):
                    flat += [b, a]
                return pad(gi, flat)
            return np.pad(gi, widths)
        return gi


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad)//2 dimensions: pad = (left_last, right_last, left_prev, ...).
    Negative widths crop. Modes: constant, reflect, replicate, circular."""
    pad = list(pad)
    if len(pad) % 2:
        raise RuntimeError(f"pad: padding length must be divisible by 2, got {len(pad)}")
    nd = input._data.ndim
    n = len(pad) // 2
    if n > nd:
        raise RuntimeError(f"pad: padding length ({len(pad)}) is too large for a {nd}-D input")
    widths = [(0, 0)] * (nd - n) + [(pad[2 * i], pad[2 * i + 1]) for i in range(n)][::-1]
    for axis, (before, after) in enumerate(widths):
        size = input._data.shape[axis]
        if size + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError(f"pad: the negative padding ({before}, {after}) crops more than "
                               f"the {size} elements of dimension {axis} hold; crop at most "
                               f"{size} in all (narrow(): length must be non-negative)")
    if mode == "constant":
        return ConstantPad.apply(input, widths=widths, value=0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: mode '{mode}' is not one of 'constant', 'reflect', "
                                  f"'replicate', 'circular'")
    from .indexing import index_select
    out = input
    for axis in range(nd - n, nd):
        before, after = widths[axis]
        size = input._data.shape[axis]
        if mode == "reflect" and (before >= size or after >= size):
            raise RuntimeError(f"pad: padding size should be less than the corresponding input "
                               f"dimension for reflect mode, but got padding ({before}, "
                               f"{after}) at dimension {axis} of size {size}")
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError("pad: padding value causes wrapping around more than once")
        idx = np.arange(-before, size + after)
        if mode == "reflect":
            period = 2 * (size - 1) if size > 1 else 1
            idx = np.abs(idx) % period
            idx = np.where(idx >= size, period - idx, idx)
        elif mode == "replicate":
            idx = np.clip(idx, 0, size - 1)
        else:
            idx = idx % size
        out = index_select(out, axis, Tensor._wrap(idx.astype(np.int64), None))
    return out
