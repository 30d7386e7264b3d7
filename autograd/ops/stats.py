"""Statistics and norms over dimensions: var, std, var_mean, std_mean, norm, logsumexp.

`dim` and `keepdim` as in `reduce`. Gradients, with PyTorch's conventions where the formula
breaks down:

    var:        dx = expand(g) * 2 (x - mean) / (N - correction)   (composed of ops)
    std:        dvar = g / (2 std), taken as 0 where std is 0
    norm (2):   dx = expand(g / ||x||) * x, taken as 0 where the norm is 0
    logsumexp:  dx = expand(g) * exp(x - y)             (softmax of x)
"""
import numpy as np

from .. import dtypes as _dt
from ..function import Op
from . import dual
from .reduce import _reduced_shape, _restore, amax, amin, mean, normalize_dims, sum

__all__ = ["var", "std", "var_mean", "std_mean", "norm", "logsumexp"]


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance: sum((x - mean)^2) / (N - correction); correction=1 (Bessel) by default.
    `unbiased=False` is correction=0. A bool in `dim`'s place is taken as `unbiased`."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    c = _correction(unbiased, correction)
    dims = normalize_dims(dim, input._data.ndim, "var")
    n = input._data.size if dims is None else int(np.prod([input._data.shape[d]
                                                             for d in dims]))
    centered = input - mean(input, dims, keepdim=True)
    ss = sum(centered * centered, dims, keepdim)
    denom = n - c
    return ss / denom if denom > 0 else ss * float("inf") if n else ss * float("nan")


class _StdSqrt(Op):
    """sqrt of a variance, with PyTorch's gradient convention at 0 (all elements equal): the
    gradient 1 / (2 std) is taken as 0 there instead of an infinity times 0 (NaN)."""
    backward_name = "StdBackward0"

    @staticmethod
    def forward(ctx, v):
        y = np.asarray(np.sqrt(v))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        zero = np.asarray(getattr(y, "_data", y)) == 0
        return dual.where(zero, 0.0, g * 0.5 / dual.where(zero, 1.0, y))


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation: sqrt(var), with gradient 0 where it is 0 (as PyTorch)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return _StdSqrt.apply(var(input, dim, unbiased, keepdim, correction=correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


class Norm2(Op):
    """The Euclidean norm; its gradient x / ||x|| is taken as 0 where the norm is 0 (PyTorch's
    subgradient), where the composite sqrt(sum(x^2)) would give NaN."""
    backward_name = "NormBackward1"

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False):
        ctx.meta = (x.shape, dims, keepdim)
        y = np.asarray(np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim)))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        shape, dims, keepdim = ctx.meta
        yv = np.asarray(getattr(y, "_data", y))
        safe = dual.where(yv == 0, 1.0, y)
        scale = dual.where(yv == 0, 0.0, g / safe)
        return _restore(scale, shape, dims, keepdim) * x


class NormP(Op):
    r"""The p-norm :math:`y = (\sum_i |x_i|^p)^{1/p}` for a p other than 0, 1, 2 and +-inf.

    Gradient (PyTorch's `norm_backward`):
    :math:`\partial y/\partial x_i = \mathrm{sign}(x_i)\,|x_i|^{p-1} / y^{p-1}`, taken as 0
    where y = 0 (the zero vector, where the composite `sum(|x|^p) ** (1/p)` gives 0 * inf =
    NaN); for p < 1 it is written :math:`\mathrm{sign}(x_i)\,|x_i|^{p-1}\,y^{1-p}` with the
    :math:`|x_i|^{p-1}` of a zero x_i taken as 0, so no division by zero happens either way.
    """
    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, dims=None, keepdim=False):
        ctx.meta = (x.shape, p, dims, keepdim)
        with np.errstate(divide="ignore"):  # p < 0: |0|^p = inf, whose 1/p-th power is 0
            y = np.asarray(np.sum(np.abs(x) ** p, axis=dims, keepdims=keepdim) ** (1.0 / p))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        shape, p, dims, keepdim = ctx.meta
        xv = np.asarray(getattr(x, "_data", x))
        y = _restore(y, shape, dims, keepdim)
        g = _restore(g, shape, dims, keepdim)
        absx = dual.abs(x)
        if p < 1:  # |x_i|^(p-1) is infinite at x_i = 0, where the sign makes it 0
            absx = dual.where(xv == 0, 1.0, absx)
            return dual.sign(x) * dual.pow(absx, p - 1) * g * dual.pow(y, 1 - p)
        yv = np.asarray(getattr(y, "_data", y))
        scale = dual.where(yv == 0, 0.0, g / dual.pow(dual.where(yv == 0, 1.0, y), p - 1))
        return dual.sign(x) * dual.pow(absx, p - 1) * scale


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm over `dim` (all elements when None): 'fro' and 2 (Euclidean), inf, -inf,
    0 (count of non-zeros), or any other number p: (sum |x|^p)^(1/p)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be floating point, but got "
                           f"{input.dtype}")
    dims = normalize_dims(dim, input._data.ndim, "norm")
    if p in ("fro", 2, 2.0):
        return Norm2.apply(input, dims=dims, keepdim=keepdim)
    if p == "nuc":
        raise RuntimeError("norm(): the nuclear norm is not supported; use p='fro' or a number")
    if p == float("inf"):
        return amax(input.abs(), dims if dims is not None else (), keepdim)
    if p == float("-inf"):
        return amin(input.abs(), dims if dims is not None else (), keepdim)
    if p == 0:  # the count of non-zeros; |sign(x)| carries PyTorch's zero gradient
        return sum(input.sign().abs(), dims, keepdim)
    if p == 1:
        return sum(input.abs(), dims, keepdim)
    shape = input._data.shape
    empty = [d for d in (dims if dims is not None else range(len(shape))) if shape[d] == 0]
    if p < 0 and empty:
        where = f"dimension {empty[0]}, which is empty" if dim is not None else "an empty tensor"
        raise RuntimeError(f"norm(): cannot compute the {p} norm over {where}: a negative p "
                           f"has no identity (the norm of no elements); use p >= 0")
    return NormP.apply(input, p=float(p), dims=dims, keepdim=keepdim)


class LogSumExp(Op):
    backward_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False):
        m = np.max(x, axis=dims, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
        m = np.where(np.isfinite(m), m, 0)
        y = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        ctx.meta = (x.shape, dims, keepdim)
        out = np.asarray(y if keepdim else y.reshape(_reduced_shape(x.shape, dims)))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        shape, dims, keepdim = ctx.meta
        return _restore(g, shape, dims, keepdim) * dual.exp(x - _restore(y, shape, dims,
                                                                         keepdim))


def logsumexp(input, dim=None, keepdim=False):
    """log(sum(exp(x))) over `dim`, computed stably by shifting by the maximum."""
    if input._data.dtype.kind != "f":
        input = input.to(_dt.get_default_dtype())
    dims = normalize_dims(dim, input._data.ndim, "logsumexp")
    return LogSumExp.apply(input, dims=dims, keepdim=keepdim)
