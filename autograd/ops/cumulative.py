"""Cumulative ops along one dimension: cumsum and cumprod.

    cumsum:  dx = reversed cumulative sum of g
    cumprod: dx_i = sum_{j>=i} g_j y_j / x_i (without dividing where x has zeros)
"""
import numpy as np

from ..function import Op
from . import dual
from .reduce import _sum_dtype, normalize_dims

__all__ = ["cumsum", "cumprod"]


class Cumsum(Op):
    backward_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim=0, dtype=None):
        ctx.dim = dim
        return np.cumsum(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        d = ctx.dim
        if dual.is_tensor(g):
            return g.flip(d).cumsum(d).flip(d)
        return np.flip(np.cumsum(np.flip(g, d), axis=d), d)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along `dim`; its gradient is the reversed cumulative sum."""
    d, = normalize_dims(dim, input._data.ndim, "cumsum") or (None,)
    if d is None:  # a 0-d tensor: its own cumulative sum, still 0-d (as PyTorch)
        return cumsum(input.reshape(1), 0, dtype=dtype).reshape(())
    return Cumsum.apply(input, dim=d, dtype=_sum_dtype(input, dtype))


class Cumprod(Op):
    """Cumulative product: dx_i = sum_{j>=i} g_j y_j / x_i where x has no zeros; with zeros,
    dx_i = sum_{j>=i} g_j prod_{k<=j, k!=i} x_k (`_cumprod_grad_with_zeros`)."""
    backward_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, x, dim=0):
        ctx.dim = dim
        y = np.cumprod(x, axis=dim)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        d = ctx.dim
        if (np.asarray(getattr(x, "_data", x)) == 0).any():
            return _cumprod_grad_with_zeros(x, g, d)
        gy = g * y
        if dual.is_tensor(gy):
            rev = gy.flip(d).cumsum(d).flip(d)
        else:
            rev = np.flip(np.cumsum(np.flip(gy, d), axis=d), d)
        return rev / x


def _cumprod_grad_with_zeros(x, g, d):
    """dx_i = sum_{j>=i} g_j prod_{k<=j, k!=i} x_k without dividing by x: for each i (a new
    leading axis), the cumulative product of x with x_i replaced by 1. O(n^2) along `d`, so
    only used when x has zeros."""
    shape = tuple(x.shape)
    n = shape[d]
    full = (n,) + shape
    pair = (n,) + tuple(n if k == d else 1 for k in range(len(shape)))  # axes i and j (= d+1)
    is_i = np.broadcast_to(np.eye(n, dtype=bool).reshape(pair), full)
    later = np.triu(np.ones((n, n))).reshape(pair)  # j >= i
    xs = dual.where(is_i, 1.0, dual.expand(dual.unsqueeze(x, (0,)), full))
    partial = xs.cumprod(d + 1) if dual.is_tensor(xs) else np.cumprod(xs, axis=d + 1)
    terms = dual.expand(dual.unsqueeze(g, (0,)), full) * partial * later
    summed = dual.sum(terms, d + 1)  # axis 0 is i, the rest is x's shape without d
    return dual.transpose(summed, tuple(range(1, d + 1)) + (0,) +
                          tuple(range(d + 1, len(shape))))


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along `dim`."""
    if dtype is not None:
        input = input.to(dtype)
    d, = normalize_dims(dim, input._data.ndim, "cumprod") or (None,)
    if d is None:  # a 0-d tensor: itself, still 0-d (as PyTorch)
        return cumprod(input.reshape(1), 0).reshape(())
    return Cumprod.apply(input, dim=d)
