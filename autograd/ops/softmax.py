"""softmax and log_softmax along one dimension, computed stably (shifted by the maximum).

    softmax:     y = exp(x) / sum(exp(x))     dx = y * (g - sum(g * y))
    log_softmax: y = x - logsumexp(x)         dx = g - exp(y) * sum(g)
"""
import numpy as np

from .. import dtypes as _dt
from ..function import Op
from . import dual
from .reduce import normalize_dims

__all__ = ["softmax", "log_softmax"]


class Softmax(Op):
    backward_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim=-1):
        e = np.exp(x - np.max(x, axis=dim, keepdims=True)) if x.size else x.copy()
        y = np.asarray(e / np.sum(e, axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        gy = g * y
        return gy - y * dual.sum(gy, ctx.dim, keepdims=True)


class LogSoftmax(Op):
    backward_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim=-1):
        shifted = x - np.max(x, axis=dim, keepdims=True) if x.size else x.copy()
        y = np.asarray(shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True)))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - dual.exp(y) * dual.sum(g, ctx.dim, keepdims=True)


def _softmax_input(input, dim, dtype, op):
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        input = input.to(_dt.get_default_dtype())
    if dim is None:
        raise TypeError(f"{op}() missing the required argument 'dim': pass the dimension to "
                        f"normalise over, e.g. dim=-1 (PyTorch's implicit choice is "
                        f"deprecated)")
    d, = normalize_dims(dim, input._data.ndim, op) or (None,)
    return input, d


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`, computed stably."""
    input, d = _softmax_input(input, dim, dtype, "softmax")
    return Softmax.apply(input, dim=d)


def log_softmax(input, dim=None, dtype=None):
    """x - logsumexp(x) along `dim`."""
    input, d = _softmax_input(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, dim=d)
