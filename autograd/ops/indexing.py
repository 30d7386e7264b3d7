"""Indexing: `x[idx]`, `x[idx] = v`, gather/scatter, index_select, masked ops, sort/topk.

Two primitives are each other's adjoint:

    GetItem:   y = x[idx]                      dx = index_add(zeros(x.shape), idx, g)
    IndexAdd:  y = index_add(zeros, idx, v)    dv = g[idx]

so gradients of gradients come for free. `index_add` uses `np.add.at`, which accumulates
repeated indices (x[[0, 0]] sends both gradients to x[0]). Everything else here (gather,
scatter, index_select, masked_select, take, sort values) is built on these two and `where`.
"""
import numpy as np

from ..function import Op
from ..tensor import Tensor
from . import dual
from .reduce import normalize_dims, values_indices
from .shape import as_view

__all__ = ["getitem", "index_put", "index_add", "gather", "scatter", "scatter_add",
           "index_select", "masked_fill", "masked_select", "take", "take_along_dim", "nonzero",
           "argwhere", "sort", "argsort", "topk", "normalize_index", "split_int_index", "kthvalue", "median",
           "index_fill", "masked_scatter"]


def _convert(i):
    if isinstance(i, Tensor):
        return i._data
    if isinstance(i, list):
        arr = np.asarray([x._data if isinstance(x, Tensor) else x for x in i])
        if arr.dtype.kind not in "iub" and arr.size:
            raise IndexError(f"tensors used as indices must be long, int, byte or bool "
                             f"tensors, got a list of {arr.dtype}")
        return arr.astype(np.int64) if arr.dtype.kind == "u" or arr.size == 0 else arr
    return i


_INDEX_DTYPES = {np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8),
                 np.dtype(np.bool_), np.dtype(np.intp)}


def normalize_index(index, t):
    """An index for NumPy: tensors and lists become arrays; bounds are checked with
    PyTorch's message. Float index tensors are refused."""
    idx = index if isinstance(index, tuple) else (index,)
    out = []
    for i in idx:
        i = _convert(i)
        if isinstance(i, np.ndarray) and i.dtype not in _INDEX_DTYPES:
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors, "
                             f"got {i.dtype}")
        if isinstance(i, np.ndarray) and i.dtype == np.uint8:  # a byte tensor is a mask
            i = i.astype(np.bool_)
        out.append(i)
    _check_bounds(out, t._data.shape)
    return tuple(out)


def _check_bounds(idx, shape):
    dim = 0
    n_specified = sum(1 for i in idx if i is not None and i is not Ellipsis and
                      not (isinstance(i, np.ndarray) and i.dtype == np.bool_))
    n_specified += sum(i.ndim for i in idx if isinstance(i, np.ndarray) and i.dtype == np.bool_)
    if n_specified > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    for i in idx:
        if i is Ellipsis:
            after = idx[[k for k, j in enumerate(idx) if j is Ellipsis][0] + 1:]
            dim = len(shape) - sum(j.ndim if isinstance(j, np.ndarray) and j.dtype == np.bool_
                                   else 1 for j in after if j is not None)
            continue
        if i is None:
            continue
        if isinstance(i, np.ndarray) and i.dtype == np.bool_:
            want = shape[dim:dim + i.ndim]
            if i.shape != want and i.ndim:
                raise IndexError(f"The shape of the mask {list(i.shape)} at index {dim} does not "
                                 f"match the shape of the indexed tensor {list(shape)}")
            dim += i.ndim
            continue
        if isinstance(i, (int, np.integer)) or (isinstance(i, np.ndarray) and i.size):
            size = shape[dim]
            lo, hi = (int(i), int(i)) if not isinstance(i, np.ndarray) else (int(i.min()),
                                                                              int(i.max()))
            bad = hi if hi >= size else (lo if lo < -size else None)
            if bad is not None:
                raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size "
                                 f"{size}")
        dim += 1


def split_int_index(idx):
    """PyTorch applies the integers of an index before its index arrays (an int is a
    `select`, not an advanced index as in NumPy: for x of shape (2, 3, 4), x[0, :, [1, 2]]
    is (3, 2) in PyTorch but (2, 3) in NumPy). For an index that mixes both, returns
    (ints_first, rest): `x[ints_first][rest]` is PyTorch's `x[idx]`; else None."""
    if _is_basic(idx) or not any(isinstance(i, (int, np.integer)) and not isinstance(i, bool)
                                 for i in idx):
        return None
    first, rest = [], []
    for i in idx:
        if isinstance(i, (int, np.integer)):
            first.append(i)
            continue
        rest.append(i)
        if i is Ellipsis:
            first.append(Ellipsis)
        elif i is not None:
            first.extend([slice(None)] * (i.ndim if isinstance(i, np.ndarray) and
                                          i.dtype == np.bool_ else 1))
    return tuple(first), tuple(rest)


def _is_basic(idx):
    return all(not isinstance(i, np.ndarray) for i in idx)


class GetItem(Op):
    backward_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, idx=None):
        ctx.meta = (x.shape, idx)
        return x[idx]

    @staticmethod
    def backward(ctx, g):
        shape, idx = ctx.meta
        return _index_add_zeros(g, idx, shape)


class _Slice(GetItem):
    backward_name = "SliceBackward0"


class _Select(GetItem):
    backward_name = "SelectBackward0"


def _index_add_zeros(g, idx, shape):
    if dual.is_tensor(g):
        return IndexAdd.apply(g, idx=idx, shape=shape)
    z = np.zeros(shape, dtype=g.dtype)
    if _is_basic(idx):
        z[idx] = g
    else:
        np.add.at(z, idx, g)
    return z


class IndexAdd(Op):
    """zeros(shape) with `v` added at `idx` (repeated indices accumulate)."""
    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, v, idx=None, shape=None):
        ctx.idx = idx
        z = np.zeros(shape, dtype=v.dtype)
        if _is_basic(idx):
            z[idx] = v
        else:
            np.add.at(z, idx, v)
        return z

    @staticmethod
    def backward(ctx, g):
        idx = ctx.idx
        if dual.is_tensor(g):
            return GetItem.apply(g, idx=idx)
        return g[idx]


def getitem(input, index):
    """`input[index]` with PyTorch's (= NumPy's) rules: ints, slices with steps, None,
    Ellipsis, integer lists/tensors and boolean masks, and their mixtures."""
    idx = normalize_index(index, input)
    split = split_int_index(idx)
    if split is not None:
        return getitem(getitem(input, split[0]), split[1])
    if _is_basic(idx):
        if any(isinstance(i, slice) and i.step is not None and i.step < 0 for i in idx):
            raise ValueError("step must be greater than zero (negative slice steps are not "
                             "supported, as in PyTorch; use flip())")
        cls = _Select if any(isinstance(i, (int, np.integer)) for i in idx) else _Slice
        if not any(i is Ellipsis for i in idx):
            idx = idx + (Ellipsis,)  # so that NumPy gives a 0-d view, not a scalar copy
        return as_view(cls.apply(input, idx=idx), input)
    return GetItem.apply(input, idx=idx)


class IndexPut(Op):
    """x with v written (or added, when accumulate) at idx."""
    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, v, idx=None, accumulate=False):
        ctx.meta = (idx, np.shape(v), accumulate)
        y = x.copy()
        try:
            if accumulate:
                np.add.at(y, idx, v)
            else:
                y[idx] = v
        except ValueError as e:
            raise RuntimeError(f"index_put: shape mismatch: value tensor of shape "
                               f"{list(np.shape(v))} cannot be broadcast to indexing result of "
                               f"shape {list(np.shape(x[idx]))} ({e})") from None
        return y

    @staticmethod
    def backward(ctx, g):
        idx, vshape, accumulate = ctx.meta
        gx = gv = None
        if ctx.needs_input_grad[0]:
            if accumulate:
                gx = g
            elif dual.is_tensor(g):
                gx = IndexPut.apply(g, Tensor._wrap(np.zeros((), g._data.dtype), None), idx=idx)
            else:
                gx = np.array(g, copy=True)  # g may be a NumPy scalar (a 0-d gradient)
                gx[idx] = 0
        if ctx.needs_input_grad[1]:
            picked = GetItem.apply(g, idx=idx) if dual.is_tensor(g) else g[idx]
            gv = dual.sum_to(picked, vshape)
        return gx, gv


def index_put(input, indices, values, accumulate=False):
    """A copy of `input` with `values` put (or added) at `indices` (a tuple of index tensors
    or any index `x[...]` accepts)."""
    idx = normalize_index(indices, input)
    if not isinstance(values, Tensor):
        values = Tensor._wrap(np.asarray(values, dtype=input._data.dtype), None)
    elif values._data.dtype != input._data.dtype:
        values = values.to(input.dtype)
    return IndexPut.apply(input, values, idx=idx, accumulate=accumulate)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of `input` with `alpha * source` added at `index` along `dim`."""
    d, = normalize_dims(dim, input._data.ndim, "index_add") or (0,)
    idx = (slice(None),) * d + (_convert(index),)
    return index_put(input, idx, source * alpha if alpha != 1 else source, accumulate=True)


def index_select(input, dim, index):
    """The slices of `input` along `dim` at `index` (a 1-D integer tensor)."""
    i = _convert(index)
    if np.ndim(i) > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d, = normalize_dims(dim, input._data.ndim, "index_select") or (0,)
    if input._data.ndim == 0:
        return getitem(input.reshape(1), (np.asarray(i).reshape(-1),)).reshape(())
    return getitem(input, (slice(None),) * d + (np.asarray(i).reshape(-1),))


def index_fill(input, dim, index, value):
    d, = normalize_dims(dim, input._data.ndim, "index_fill")
    idx = (slice(None),) * d + (_convert(index),)
    return index_put(input, idx, value)


def _gather_index(input, dim, index):
    """Full index arrays for gather/scatter: index along `dim`, positions elsewhere."""
    idx = _convert(index)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"gather(): Expected dtype int64 for index, got {idx.dtype}")
    if idx.ndim != input._data.ndim:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as input "
                           f"tensor (index has {idx.ndim}, input has {input._data.ndim})")
    d, = normalize_dims(dim, input._data.ndim, "gather") or (0,)
    for k, (a, b) in enumerate(zip(idx.shape, input._data.shape)):
        if k != d and a > b:
            raise RuntimeError(f"Size does not match at dimension {k} expected index "
                               f"{list(idx.shape)} to be smaller than self "
                               f"{list(input._data.shape)} apart from dimension {d}")
    if idx.size and (idx.max() >= input._data.shape[d] or idx.min() < -input._data.shape[d]):
        raise RuntimeError(f"index {int(idx.max())} is out of bounds for dimension {d} with "
                           f"size {input._data.shape[d]}")
    grids = list(np.ogrid[tuple(slice(0, s) for s in idx.shape)])
    grids[d] = idx
    return tuple(grids)


def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j][k] = input[index[i][j][k]][j][k] (for dim=0), and so on."""
    return GetItem.apply(input, idx=_gather_index(input, dim, index))


def take_along_dim(input, indices, dim=None):
    """Values of `input` at `indices` along `dim`; unlike gather, input and indices broadcast
    over the other dimensions (as PyTorch). With dim None, `take` of the flattened input."""
    if dim is None:
        return take(input, indices)
    idx = _convert(indices)
    nd = input._data.ndim
    if idx.ndim != nd:
        raise RuntimeError(f"take_along_dim(): input and indices should have the same number "
                           f"of dimensions, but got {nd} dimensions for input, and "
                           f"{idx.ndim} dimensions for indices")
    d, = normalize_dims(dim, nd, "take_along_dim") or (0,)
    sx, si = list(input._data.shape), list(idx.shape)
    try:
        common = list(np.broadcast_shapes(tuple(sx[:d] + [1] + sx[d + 1:]),
                                          tuple(si[:d] + [1] + si[d + 1:])))
    except ValueError:
        raise RuntimeError(f"take_along_dim(): input of shape {tuple(sx)} and indices of shape "
                           f"{tuple(si)} do not broadcast outside dimension {d}") from None
    from .shape import expand
    x = expand(input, tuple(common[:d] + [sx[d]] + common[d + 1:]))
    return gather(x, d, np.broadcast_to(idx, tuple(common[:d] + [si[d]] + common[d + 1:])))


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """A copy of `input` with `src` (or `value`) written at `index` along `dim`.
    reduce='add' or 'multiply' combines instead of overwriting ('add' is scatter_add)."""
    if src is None and value is None:
        raise TypeError("scatter() needs src or value")
    idx = _gather_index(input, dim, index)
    shape = idx[0].shape if len(idx) == 1 else np.broadcast_shapes(*[i.shape for i in idx])
    if src is None or not isinstance(src, Tensor):
        src = Tensor._wrap(np.full(shape, src if src is not None else value,
                                   dtype=input._data.dtype), None)
    else:
        src = src[tuple(slice(0, s) for s in shape)] if src.shape != shape else src
    if reduce == "add":
        return index_put(input, idx, src, accumulate=True)
    if reduce == "multiply":
        factor = np.ones_like(input._data)
        np.multiply.at(factor, idx, src._data)
        return input * Tensor._wrap(factor, None)
    if reduce is not None:
        raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got "
                           f"{reduce}")
    return index_put(input, idx, src)


def scatter_add(input, dim, index, src):
    """A copy of `input` with `src` added at `index` along `dim` (repeats accumulate)."""
    return scatter(input, dim, index, src, reduce="add")


def masked_fill(input, mask, value):
    """`value` where `mask` (broadcast to input) holds, else `input`."""
    from .select import where
    m = _convert(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{m.dtype}")
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    if isinstance(value, Tensor):
        value = value.to(input.dtype)
    elif input._data.dtype.kind != "f" and isinstance(value, float):
        value = int(value)
    out = where(Tensor._wrap(m, None), value, input)
    if out._data.shape != input._data.shape:
        raise RuntimeError(f"masked_fill: the mask of shape {list(m.shape)} can't broadcast to "
                           f"the input's shape {list(input._data.shape)}")
    return out.to(input.dtype) if out._data.dtype != input._data.dtype else out


def masked_select(input, mask):
    """The elements where `mask` holds, as a 1-D tensor (input and mask broadcast)."""
    from .shape import broadcast_tensors
    m = mask if isinstance(mask, Tensor) else Tensor._wrap(np.asarray(mask), None)
    x, m = broadcast_tensors(input, m)
    return getitem(x, m._data)


def masked_scatter(input, mask, source):
    m = np.broadcast_to(_convert(mask), input._data.shape)
    n = int(m.sum())
    return index_put(input, (m,), source.reshape(-1)[:n])


def take(input, index):
    """Elements of the flattened input at `index` (result has index's shape)."""
    idx = _convert(index)
    n = input._data.size
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError(f"take(): index {int(idx.max())} out of range for tensor of size "
                         f"{n}")
    return getitem(input.reshape(-1), (idx,))


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or a tuple of 1-D ones."""
    x = input._data
    if as_tuple:
        if x.ndim == 0:
            return (Tensor._wrap(np.nonzero(x.reshape(1))[0].astype(np.int64), None),)
        return tuple(Tensor._wrap(i.astype(np.int64), None) for i in np.nonzero(x))
    return Tensor._wrap(np.argwhere(x).astype(np.int64), None)


argwhere = nonzero


def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) sorted along `dim`; values are differentiable (a gather)."""
    if input._data.ndim == 0:
        return values_indices["sort"](input, Tensor._wrap(np.asarray(0), None))
    d, = normalize_dims(dim, input._data.ndim, "sort")
    x = input._data
    key = -x if descending and x.dtype.kind != "b" else x
    idx = np.argsort(key, axis=d, kind="stable")
    if descending and x.dtype.kind == "b":
        idx = np.flip(np.argsort(x, axis=d, kind="stable"), d)
    idx_t = Tensor._wrap(idx.astype(np.int64), None)
    return values_indices["sort"](gather(input, d, idx_t), idx_t)


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable)[1]


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The k largest (or smallest) elements along `dim`, as (values, indices)."""
    d, = normalize_dims(dim, input._data.ndim, "topk") or (0,)
    size = input._data.shape[d] if input._data.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk(): selected index k ({k}) out of range for dimension {d} of "
                           f"size {size}")
    values, idx = sort(input, d, descending=largest, stable=True)
    sl = (slice(None),) * d + (slice(0, k),)
    idx = idx[sl]
    return values_indices["topk"](gather(input, d, idx), idx)


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest element (1-based) along `dim`, as (values, indices)."""
    d, = normalize_dims(dim, input._data.ndim, "kthvalue") or (0,)
    _, idx = sort(input, d, stable=True)
    pick = idx[(slice(None),) * d + (slice(k - 1, k),)]
    vals = gather(input, d, pick)
    if not keepdim:
        vals, pick = vals.squeeze(d), pick.squeeze(d)
    return values_indices["kthvalue"](vals, pick)


def median(input, dim=None, keepdim=False):
    """The lower median (as PyTorch); with `dim`, (values, indices)."""
    if dim is None:
        flat = input.reshape(-1)
        n = flat.shape[0]
        return kthvalue(flat, (n + 1) // 2, 0).values
    d, = normalize_dims(dim, input._data.ndim, "median") or (0,)
    n = input._data.shape[d]
    r = kthvalue(input, (n + 1) // 2, d, keepdim)
    return values_indices["median"](r.values, r.indices)

