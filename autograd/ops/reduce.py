"""Reductions over dimensions: sum, mean, prod, max/min, var/std, norm, logsumexp, softmax...

`dim` is an int or a tuple of ints (negative counts from the end) or None for all; `keepdim`
keeps reduced dimensions as size 1. The backward of a reduction re-inserts the reduced
dimensions and broadcasts the gradient back over them:

    sum:        dx = expand(g)
    mean:       dx = expand(g) / n
    prod:       dx = expand(g) * (product of the other elements)
    max/min:    dx = g at the selected element(s), 0 elsewhere
    logsumexp:  dx = expand(g) * exp(x - y)             (softmax of x)
    softmax:    dx = y * (g - sum(g * y))
    log_softmax dx = g - exp(y) * sum(g)
"""
import collections

import numpy as np

from .. import dtypes as _dt
from ..function import Op
from ..tensor import Tensor
from . import dual

__all__ = ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "var",
           "std", "var_mean", "std_mean", "norm", "logsumexp", "cumsum", "cumprod", "softmax",
           "log_softmax", "all", "any", "sum_to_size", "count_nonzero", "nansum", "aminmax",
           "normalize_dims"]

values_indices = {name: collections.namedtuple(name, ["values", "indices"])
                  for name in ("max", "min", "mode", "median", "sort", "topk", "kthvalue",
                               "cummax", "cummin")}


def normalize_dims(dim, ndim, op="reduction"):
    """`dim` (None, int or sequence) as a sorted tuple of non-negative axes (None: all)."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    n = builtin_max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"{op}: dimension out of range (expected to be in range of "
                             f"[{-n}, {n - 1}], but got {d})")
        d = d % n if ndim else 0
        if d in out:
            raise RuntimeError(f"{op}: dim {d} appears multiple times in the list of dims")
        out.append(d)
    if not ndim:
        return None
    return tuple(sorted(out))


builtin_max, builtin_min, builtin_sum, builtin_all, builtin_any = max, min, sum, all, any


def _restore(g, in_shape, dims, keepdim):
    """Broadcast a reduced gradient back to the input's shape."""
    if dims is None:
        dims = tuple(range(len(in_shape)))
    if not keepdim and dims:
        g = dual.unsqueeze(g, dims)
    return dual.expand(g, in_shape)


class Sum(Op):
    backward_name = "SumBackward0"

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False, dtype=None):
        ctx.meta = (x.shape, dims, keepdim)
        return np.asarray(np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, g):
        return _restore(g, *ctx.meta)


def _sum_dtype(x, dtype):
    if dtype is not None:
        return _dt.to_numpy_dtype(dtype)
    return np.dtype(np.int64) if x._data.dtype.kind in "biu" else None


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001
    """Sum over `dim` (all dimensions when None). Integer and bool inputs sum to int64."""
    dims = normalize_dims(dim, input._data.ndim, "sum")
    if dim is not None and not isinstance(dim, int) and len(dim) == 0:
        dims = None  # PyTorch: dim=() or [] reduces all dimensions
    return Sum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input, dtype))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    from .binary import where
    from .binary import isnan
    return sum(where(isnan(input), 0.0, input), dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over `dim` (all when None). Only floating inputs (as PyTorch)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be "
                           f"floating point, but got {input.dtype}; convert it with .float()")
    dims = normalize_dims(dim, input._data.ndim, "mean")
    count = input._data.size if dims is None else int(np.prod([input._data.shape[d]
                                                                 for d in dims]))
    s = sum(input, dims if dims is not None else None, keepdim)
    # Over no elements the mean is NaN; adding it (not multiplying) keeps every derivative
    # of the graph NaN-free (the input is empty, so its gradient is too), as PyTorch's.
    return s / count if count else s + float("nan")


def sum_to_size(input, *size):
    """Sum `input` down to `size` (to which it must be broadcastable)."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    ishape = input._data.shape
    lead = len(ishape) - len(shape)
    if lead < 0 or builtin_any(s != 1 and s != ishape[i + lead] for i, s in enumerate(shape)):
        raise RuntimeError(f"sum_to_size: size {tuple(shape)} is not expandable to size "
                           f"{tuple(ishape)}")
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and ishape[i + lead] != 1)
    out = Sum.apply(input, dims=dims, keepdim=True) if dims else input
    return out.reshape(shape) if lead else out


class Prod(Op):
    backward_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False):
        ctx.meta = (x.shape, dims, keepdim)
        ctx.save_for_backward(x)
        axis = dims[0] if dims else None
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        shape, dims, keepdim = ctx.meta
        return _restore(g, shape, dims, keepdim) * _prod_of_others(x, dims)


def _prod_of_others(x, dims):
    """For each element, the product of the other elements along the reduced axis, computed
    from exclusive cumulative products (exact where some elements are zero)."""
    if dims is None:
        flat = x.reshape(-1) if not dual.is_tensor(x) else x.reshape(-1)
        return _prod_of_others(flat, (0,)).reshape(x.shape)
    axis = dims[0]
    if dual.is_tensor(x):
        ones = x.new_ones(*[1 if i == axis else s for i, s in enumerate(x.shape)])
        from .shape import cat, narrow
        n = x.shape[axis]
        left = cat([ones, narrow(x, axis, 0, n - 1).cumprod(axis)], axis) if n else x
        right = cat([narrow(x, axis, 1, n - 1).flip(axis).cumprod(axis).flip(axis), ones],
                    axis) if n else x
        return left * right
    ones = np.ones_like(np.take(x, [0], axis=axis)) if x.shape[axis] else x
    n = x.shape[axis]
    if n == 0:
        return x
    head = np.take(x, range(n - 1), axis=axis)
    tail = np.take(x, range(1, n), axis=axis)
    left = np.concatenate([ones, np.cumprod(head, axis=axis)], axis=axis)
    right = np.concatenate([np.flip(np.cumprod(np.flip(tail, axis), axis=axis), axis), ones],
                           axis=axis)
    return left * right


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product over one dimension `dim` (all elements when None)."""
    if dtype is not None:
        input = input.to(dtype)
    elif input._data.dtype.kind in "bu" or input._data.dtype.kind == "i":
        input = input.to(_dt.int64)
    dims = normalize_dims(dim, input._data.ndim, "prod")
    return Prod.apply(input, dims=dims, keepdim=keepdim)


class Select(Op):
    """Pick elements by a boolean/weight mask along reduced dims (max, min, amax, amin): the
    value is computed by NumPy; the gradient is spread over `weights` (1 at the chosen
    element, or split evenly among ties)."""
    backward_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, x, values=None, weights=None, dims=None, keepdim=False):
        ctx.meta = (x.shape, dims, keepdim)
        ctx.weights = weights
        return values

    @staticmethod
    def backward(ctx, g):
        return _restore(g, *ctx.meta) * ctx.weights


def _named(cls_name, backward_name):
    return type(cls_name, (Select,), {"backward_name": backward_name, "__module__": __name__})


_MaxFull = _named("MaxFull", "MaxBackward1")
_MinFull = _named("MinFull", "MinBackward1")
_MaxDim = _named("MaxDim", "MaxBackward0")
_MinDim = _named("MinDim", "MinBackward0")
_Amax = _named("Amax", "AmaxBackward0")
_Amin = _named("Amin", "AminBackward0")


def _extreme(input, dims, keepdim, np_fn, op):
    x = input._data
    if x.size == 0 and (dims is None or builtin_any(x.shape[d] == 0 for d in dims)):
        raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() "
                         f"== 0, or the reduced dimension has size 0; there is nothing to "
                         f"take the {op} of")
    values = np.asarray(np_fn(x, axis=dims, keepdims=True))
    ties = (x == values) | (np.isnan(values) & np.isnan(x))
    weights = ties / ties.sum(axis=dims, keepdims=True)
    return (values if keepdim else values.reshape(_reduced_shape(x.shape, dims))), weights


def _reduced_shape(shape, dims):
    if dims is None:
        return ()
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _max_min(input, dim, keepdim, which):
    np_fn = np.max if which == "max" else np.min
    if dim is None:
        values, weights = _extreme(input, None, False, np_fn, which)
        cls = _MaxFull if which == "max" else _MinFull
        return cls.apply(input, values=values, weights=weights.astype(input._data.dtype))
    if isinstance(dim, Tensor):  # max(input, other): elementwise
        from .binary import maximum, minimum
        return maximum(input, dim) if which == "max" else minimum(input, dim)
    d, = normalize_dims(dim, input._data.ndim, which) or (0,)
    x = input._data
    arg = np.argmax if which == "max" else np.argmin
    if x.ndim == 0:
        return values_indices[which](input.clone(), Tensor._wrap(np.asarray(0), None))
    if x.shape[d] == 0:
        raise IndexError(f"{which}(): Expected reduction dim {d} to have non-zero size.")
    idx = np.expand_dims(arg(_nan_first(x, which), axis=d), d)
    values = np.take_along_axis(x, idx, axis=d)
    if input._data.dtype.kind == "f" and input._rg:
        weights = np.zeros_like(x)
        np.put_along_axis(weights, idx, 1, axis=d)
    else:
        weights = None
    cls = _MaxDim if which == "max" else _MinDim
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    v = cls.apply(input, values=values, weights=weights, dims=(d,), keepdim=keepdim)
    return values_indices[which](v, Tensor._wrap(idx.astype(np.int64), None))


def _nan_first(x, which):
    """argmax/argmin that pick a NaN if there is one, as PyTorch does."""
    if x.dtype.kind != "f" or not np.isnan(x).any():
        return x
    return np.where(np.isnan(x), np.inf if which == "max" else -np.inf, x)


def max(input, dim=None, keepdim=False):  # noqa: A001
    """The largest element; with `dim`, a named tuple (values, indices) along that dim."""
    return _max_min(input, dim, keepdim, "max")


def min(input, dim=None, keepdim=False):  # noqa: A001
    """The smallest element; with `dim`, a named tuple (values, indices) along that dim."""
    return _max_min(input, dim, keepdim, "min")


def amax(input, dim=(), keepdim=False):
    """Largest values over `dim` (all when empty); the gradient is split among ties."""
    dims = normalize_dims(dim, input._data.ndim, "amax") if dim != () else None
    values, weights = _extreme(input, dims, keepdim, np.max, "amax")
    return _Amax.apply(input, values=values, weights=weights.astype(input._data.dtype),
                       dims=dims, keepdim=keepdim)


def amin(input, dim=(), keepdim=False):
    """Smallest values over `dim` (all when empty); the gradient is split among ties."""
    dims = normalize_dims(dim, input._data.ndim, "amin") if dim != () else None
    values, weights = _extreme(input, dims, keepdim, np.min, "amin")
    return _Amin.apply(input, values=values, weights=weights.astype(input._data.dtype),
                       dims=dims, keepdim=keepdim)


def aminmax(input, *, dim=None, keepdim=False):
    r = collections.namedtuple("aminmax", ["min", "max"])
    return r(amin(input, () if dim is None else dim, keepdim),
             amax(input, () if dim is None else dim, keepdim))


def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor when dim is None)."""
    return _arg(input, dim, keepdim, "max")


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "min")


def _arg(input, dim, keepdim, which):
    x = _nan_first(input._data, which)
    fn = np.argmax if which == "max" else np.argmin
    if x.size == 0:
        raise IndexError(f"arg{which}(): Expected reduction dim to be specified for "
                         f"input.numel() == 0.")
    if dim is None:
        out = np.asarray(fn(x))
        if keepdim:
            out = out.reshape((1,) * x.ndim)
        return Tensor._wrap(out.astype(np.int64), None)
    d, = normalize_dims(dim, x.ndim, f"arg{which}") or (0,)
    if x.ndim == 0:
        return Tensor._wrap(np.asarray(0, dtype=np.int64), None)
    return Tensor._wrap(np.asarray(fn(x, axis=d, keepdims=keepdim)).astype(np.int64), None)


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


def all(input, dim=None, keepdim=False):  # noqa: A001
    dims = normalize_dims(dim, input._data.ndim, "all")
    return Tensor._wrap(np.asarray(np.all(input._data, axis=dims, keepdims=keepdim)), None)


def any(input, dim=None, keepdim=False):  # noqa: A001
    dims = normalize_dims(dim, input._data.ndim, "any")
    return Tensor._wrap(np.asarray(np.any(input._data, axis=dims, keepdims=keepdim)), None)


def count_nonzero(input, dim=None):
    dims = normalize_dims(dim, input._data.ndim, "count_nonzero")
    return Tensor._wrap(np.asarray(np.count_nonzero(input._data, axis=dims)).astype(np.int64),
                        None)
