"""Reductions over dimensions: sum, mean, prod, max/min, amax/amin, argmax/argmin, all/any...

`dim` is an int or a tuple of ints (negative counts from the end) or None for all; `keepdim`
keeps reduced dimensions as size 1. The backward of a reduction re-inserts the reduced
dimensions and broadcasts the gradient back over them (`_restore`):

    sum:        dx = expand(g)
    mean:       dx = expand(g) / n
    prod:       dx = expand(g) * (product of the other elements)
    max/min:    dx = g at the selected element(s), 0 elsewhere

Statistics and norms (var, std, norm, logsumexp) are in `stats`, softmax and log_softmax in
`softmax`, cumulative sums and products in `cumulative`.
"""
import collections

import numpy as np

from .. import dtypes as _dt
from ..function import Op
from ..tensor import Tensor
from . import dual

__all__ = ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "all", "any",
           "sum_to_size", "count_nonzero", "nansum", "aminmax", "normalize_dims"]


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
    from .select import where
    from .compare import isnan
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
        from .join import cat, narrow
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


def _extreme(input, dims, keepdim, np_fn, op, nan_ties=True):
    """The max/min values and the gradient's weights: split evenly among the elements equal
    to the result. max()/min() count NaNs as equal to a NaN result (their gradient goes to
    the NaNs); amax/amin do not, so a NaN result gives NaN gradients everywhere (0/0), as
    PyTorch's formulas do."""
    x = input._data
    if x.size == 0 and (dims is None or builtin_any(x.shape[d] == 0 for d in dims)):
        raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() "
                         f"== 0, or the reduced dimension has size 0; there is nothing to "
                         f"take the {op} of")
    values = np.asarray(np_fn(x, axis=dims, keepdims=True))
    ties = (x == values) | (np.isnan(values) & np.isnan(x)) if nan_ties else x == values
    with np.errstate(invalid="ignore", divide="ignore"):
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
        from .select import maximum, minimum
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
    values, weights = _extreme(input, dims, keepdim, np.max, "amax", nan_ties=False)
    return _Amax.apply(input, values=values, weights=weights.astype(input._data.dtype),
                       dims=dims, keepdim=keepdim)


def amin(input, dim=(), keepdim=False):
    """Smallest values over `dim` (all when empty); the gradient is split among ties."""
    dims = normalize_dims(dim, input._data.ndim, "amin") if dim != () else None
    values, weights = _extreme(input, dims, keepdim, np.min, "amin", nan_ties=False)
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
