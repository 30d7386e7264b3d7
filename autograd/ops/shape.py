"""Movement ops: they rearrange elements without changing them (reshape, view, squeeze,
permute, transpose, expand, repeat, flip, roll, tril/triu, diagonal, ...).

Each backward moves the gradient back the way the forward moved the values: reshape undoes
reshape, permute applies the inverse permutation, expand sums over the expanded dimensions
(`dual.sum_to`), flip flips, roll rolls back. Ops that NumPy performs as views (reshape,
permute, expand, squeeze, slices) share memory and the version counter with their input, as
PyTorch's views do (`as_view`). Joining and splitting (cat, stack, split, ...) are in
`join`, padding in `pad`.
"""
import functools
import weakref

import numpy as np

from ..function import Op
from ..tensor import Tensor
from . import dual
from .reduce import normalize_dims

__all__ = ["reshape", "view", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose",
           "swapaxes", "swapdims", "permute", "t", "expand", "expand_as", "broadcast_to",
           "broadcast_tensors", "repeat", "tile", "flip", "fliplr", "flipud", "roll", "movedim",
           "moveaxis", "view_as", "reshape_as", "tril", "triu", "diagonal", "diag", "as_view",
           "atleast_1d", "atleast_2d", "ravel"]


def as_view(out, input):
    """Make `out`, which NumPy made as a view of `input`'s memory, a view in PyTorch's sense:
    it shares input's version counter and knows its base (`out._base`, the tensor that owns
    the memory), so in-place changes to it re-base the base's history (see ops.inplace).
    Where NumPy had to copy (reshape of a non-contiguous tensor) `out` is left a new tensor."""
    if not np.may_share_memory(out._data, input._data):
        return out
    out._vc = input._vc
    base = out._base = input._base if input._base is not None else input
    views = base.__dict__.get("_views")
    if views is None:
        views = base._views = weakref.WeakSet()
    views.add(out)  # so an in-place change of the base can re-base the views it has
    return out


def _keyword_varargs(keyword):
    """Let `f(input, *sizes)` also take its sizes as PyTorch's keyword (`x.permute(dims=...)`,
    `x.reshape(shape=...)`, `x.expand(size=...)`)."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(input, *args, **kwargs):
            if keyword in kwargs:
                if args:
                    raise TypeError(f"{fn.__name__}() got multiple values for '{keyword}'")
                args = (kwargs.pop(keyword),)
            return fn(input, *args, **kwargs)
        return wrapper
    return decorate


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


class Reshape(Op):
    backward_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape=None):
        ctx.in_shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size "
                               f"{x.size} (input shape {tuple(x.shape)})") from None

    @staticmethod
    def backward(ctx, g):
        return dual.reshape(g, ctx.in_shape)


class _ReshapeAlias(Reshape):
    backward_name = "ReshapeAliasBackward0"


@_keyword_varargs("shape")
def reshape(input, *shape):
    """The same elements in a new shape (one dimension may be -1); a view when possible."""
    shape = _shape_arg(shape)
    if shape == input._data.shape:
        return input
    return as_view(_ReshapeAlias.apply(input, shape=shape), input)


@_keyword_varargs("size")
def view(input, *shape, dtype=None):
    """The same memory in a new shape (PyTorch's rule: an error where a copy would be
    needed). `view(dtype)` converts the dtype (a copy here, not a reinterpretation)."""
    if dtype is not None:
        shape = (dtype,)
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        return input.to(shape[0])  # view(dtype)
    shape = _shape_arg(shape)
    out = Reshape.apply(input, shape=shape)
    if out._data.size and not np.may_share_memory(out._data, input._data):
        raise RuntimeError(
            f"view size is not compatible with input tensor's size and stride (at least one "
            f"dimension spans across two contiguous subspaces): can't view the tensor of shape "
            f"{tuple(input.shape)} and strides {input.stride()} as {list(shape)}. Use "
            f".reshape(...) instead.")
    return as_view(out, input)


def view_as(input, other):
    return view(input, other.shape)


def reshape_as(input, other):
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions start_dim..end_dim into one."""
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = normalize_dims(start_dim, nd, "flatten")[0], normalize_dims(end_dim, nd, "flatten")[0]
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = input._data.shape
    return reshape(input, shp[:s] + (int(np.prod(shp[s:e + 1])),) + shp[e + 1:])


ravel = lambda input: flatten(input)  # noqa: E731


def unflatten(input, dim, sizes):
    """Split dimension `dim` into `sizes` (one may be -1)."""
    d, = normalize_dims(dim, input._data.ndim, "unflatten")
    shp = input._data.shape
    sizes = tuple(sizes)
    if -1 in sizes:
        known = int(np.prod([s for s in sizes if s != -1]))
        sizes = tuple(shp[d] // known if s == -1 else s for s in sizes)
    if int(np.prod(sizes)) != shp[d]:
        raise RuntimeError(f"unflatten: provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shp[d]}) in the input tensor")
    return reshape(input, shp[:d] + sizes + shp[d + 1:])


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (only those in `dim` when given)."""
    shp = input._data.shape
    if dim is None:
        new = tuple(s for s in shp if s != 1)
    else:
        dims = normalize_dims(dim, input._data.ndim, "squeeze") or ()
        new = tuple(s for i, s in enumerate(shp) if not (i in dims and s == 1))
    return as_view(Reshape.apply(input, shape=new), input) if new != shp else input


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at `dim`."""
    nd = input._data.ndim + 1
    if not -nd <= dim < nd:
        raise IndexError(f"unsqueeze: dimension out of range (expected to be in range of "
                         f"[{-nd}, {nd - 1}], but got {dim})")
    d = dim % nd
    shp = input._data.shape
    return as_view(Reshape.apply(input, shape=shp[:d] + (1,) + shp[d:]), input)


def atleast_1d(input):
    return reshape(input, (1,)) if input._data.ndim == 0 else input


def atleast_2d(input):
    x = atleast_1d(input)
    return unsqueeze(x, 0) if x._data.ndim == 1 else x


class Permute(Op):
    backward_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx, x, dims=None):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return dual.transpose(g, tuple(np.argsort(ctx.dims)))


class _Transpose(Permute):
    backward_name = "TransposeBackward0"


@_keyword_varargs("dims")
def permute(input, *dims):
    """Reorder dimensions: output dim i is input dim dims[i]."""
    dims = _shape_arg(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    norm = tuple(d % nd if nd else 0 for d in dims)
    if sorted(norm) != list(range(nd)):
        raise RuntimeError(f"permute(): dims {list(dims)} must be a permutation of "
                           f"0..{nd - 1}")
    if norm == tuple(range(nd)):
        return input
    return as_view(Permute.apply(input, dims=norm), input)


def transpose(input, dim0, dim1):
    """Swap dimensions dim0 and dim1."""
    nd = input._data.ndim
    if nd == 0:
        normalize_dims((dim0, dim1) if dim0 != dim1 else dim0, 0, "transpose")
        return input
    d0 = normalize_dims(dim0, nd, "transpose")[0]
    d1 = normalize_dims(dim1, nd, "transpose")[0]
    if d0 == d1:
        return input
    order = list(range(nd))
    order[d0], order[d1] = order[d1], order[d0]
    return as_view(_Transpose.apply(input, dims=tuple(order)), input)


swapaxes = swapdims = transpose


def t(input):
    """Transpose a tensor of at most 2 dimensions."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input._data.ndim}D; use transpose(dim0, dim1) or .mT")
    return transpose(input, 0, 1) if input._data.ndim == 2 else input


def movedim(input, source, destination):
    nd = input._data.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    perm = [None] * nd
    src = [s % nd for s in src]
    dst = [d % nd for d in dst]
    rest = [i for i in range(nd) if i not in src]
    free = [i for i in range(nd) if i not in dst]
    for s, d in zip(src, dst):
        perm[d] = s
    for s, d in zip(rest, free):
        perm[d] = s
    return permute(input, *perm)


moveaxis = movedim


class Expand(Op):
    backward_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx, x, shape=None):
        ctx.in_shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return dual.sum_to(g, ctx.in_shape)


@_keyword_varargs("size")
def expand(input, *sizes):
    """Broadcast to `sizes` without copying (-1 keeps a dimension's size)."""
    sizes = _shape_arg(sizes)
    shp = input._data.shape
    if len(sizes) < len(shp):
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({len(shp)})")
    lead = len(sizes) - len(shp)
    target = tuple(shp[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, s in enumerate(shp):
        if s != 1 and s != target[i + lead]:
            raise RuntimeError(f"The expanded size of the tensor ({target[i + lead]}) must match "
                               f"the existing size ({s}) at non-singleton dimension "
                               f"{i + lead}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shp)}")
    if target == shp:
        return input
    return as_view(Expand.apply(input, shape=target), input)


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, size=None, *, shape=None):
    """expand to `size` (PyTorch's keyword; NumPy's `shape` is accepted too)."""
    return expand(input, tuple(size if size is not None else shape))


def broadcast_tensors(*tensors):
    shapes = [t._data.shape for t in tensors]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(f"broadcast_tensors: shapes {shapes} do not broadcast") from None
    return tuple(expand(t, shape) for t in tensors)


class Repeat(Op):
    backward_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, x, repeats=None):
        lead = len(repeats) - x.ndim
        xs = x.reshape((1,) * lead + x.shape)
        ctx.meta = (xs.shape, repeats, x.shape)
        return np.tile(xs, repeats)

    @staticmethod
    def backward(ctx, g):
        xshape, reps, in_shape = ctx.meta
        inter = []
        for r, s in zip(reps, xshape):
            inter += [r, s]
        g = dual.reshape(g, tuple(inter))
        g = dual.sum(g, tuple(range(0, 2 * len(reps), 2)))
        return dual.reshape(g, in_shape)


@_keyword_varargs("repeats")
def repeat(input, *repeats):
    """Tile the tensor `repeats[i]` times along each dimension."""
    repeats = _shape_arg(repeats)
    if len(repeats) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    return Repeat.apply(input, repeats=repeats)


def tile(input, dims):
    dims = tuple(dims)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


class Flip(Op):
    backward_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims=None):
        ctx.dims = dims
        return np.flip(x, dims)

    @staticmethod
    def backward(ctx, g):
        if dual.is_tensor(g):
            return g.flip(ctx.dims)
        return np.flip(g, ctx.dims)


@_keyword_varargs("dims")
def flip(input, *dims):
    """Reverse the order of elements along `dims`."""
    dims = normalize_dims(_shape_arg(dims), input._data.ndim, "flip") or ()
    if not dims:
        return input
    return Flip.apply(input, dims=dims)


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


class Roll(Op):
    backward_name = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts=None, dims=None):
        ctx.meta = (shifts, dims)
        return np.roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, g):
        shifts, dims = ctx.meta
        neg = tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts
        if dual.is_tensor(g):
            return g.roll(neg, dims)
        return np.roll(g, neg, axis=dims)


def roll(input, shifts, dims=None):
    """Shift elements cyclically along `dims` (the flattened tensor when None)."""
    if isinstance(shifts, (list, tuple)):
        shifts = tuple(shifts)
    if isinstance(dims, list):
        dims = tuple(dims)
    if dims is None:
        return reshape(Roll.apply(flatten(input), shifts=shifts, dims=0), input.shape)
    return Roll.apply(input, shifts=shifts, dims=dims)


class _Mask(Op):
    backward_name = "TrilBackward0"

    @staticmethod
    def forward(ctx, x, keep=None):
        ctx.keep = keep
        return np.where(keep, x, 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.keep


_Triu = type("Triu", (_Mask,), {"backward_name": "TriuBackward0", "__module__": __name__})


def tril(input, diagonal=0):
    """The lower triangle (elements above `diagonal` set to 0) of the last two dims."""
    r, c = input._data.shape[-2:]
    return _Mask.apply(input, keep=np.tri(r, c, diagonal, dtype=bool))


def triu(input, diagonal=0):
    r, c = input._data.shape[-2:]
    return _Triu.apply(input, keep=~np.tri(r, c, diagonal - 1, dtype=bool))


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as the last dimension."""
    x = movedim(input, (dim1, dim2), (-2, -1))
    r, c = x._data.shape[-2:]
    rows = np.arange(max(0, -offset), min(r, c - offset))
    from .indexing import getitem
    return getitem(x, (Ellipsis, Tensor._wrap(rows, None), Tensor._wrap(rows + offset, None)))


def diag(input, diagonal=0):
    """A 1-D input becomes a diagonal matrix; a 2-D input gives its diagonal."""
    if input._data.ndim == 2:
        return globals()["diagonal"](input, diagonal)
    n = input._data.shape[0] + abs(diagonal)
    out = input.new_zeros(n, n)
    idx = np.arange(input._data.shape[0])
    r, c = (idx, idx + diagonal) if diagonal >= 0 else (idx - diagonal, idx)
    from .indexing import index_put
    return index_put(out, (r, c), input)
