"""Joining and splitting: cat (concat), stack, hstack, vstack; narrow, split, chunk, unbind.

cat's backward splits the gradient back into the inputs' sizes along `dim`; stack is cat of
unsqueezed inputs. narrow, split, chunk and unbind are slices, views of their input (see
`shape.as_view`), whose backward is that of indexing.
"""
import numpy as np

from ..function import Op
from . import dual
from .reduce import normalize_dims
from .shape import atleast_1d, atleast_2d, unsqueeze

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "split", "chunk", "unbind",
           "narrow"]


class Cat(Op):
    backward_name = "CatBackward0"

    @staticmethod
    def forward(ctx, *xs, dim=0):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in xs]
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        bounds = np.cumsum(ctx.sizes)[:-1]
        d = ctx.dim
        if dual.is_tensor(g):
            return tuple(split(g, list(ctx.sizes), d))
        return tuple(np.split(g, bounds, axis=d))


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dimension `dim`."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    from .elementwise import cast
    # PyTorch skips legacy empty 1-D tensors of shape (0,)
    kept = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)] or tensors[:1]
    nd = kept[0]._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d, = normalize_dims(dim, nd, "cat")
    ref = kept[0]._data.shape
    for i, t in enumerate(kept):
        s = t._data.shape
        if len(s) != nd or any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                               f"size {list(ref)} but got size {list(s)} for tensor number {i} "
                               f"in the list.")
    dt = np.result_type(*[t._data.dtype for t in kept])
    kept = [cast(t, dt) if t._data.dtype != dt else t for t in kept]
    result = Cat.apply(*kept, dim=d)
    if out is not None:
        from .inplace import copy_
        return copy_(out, result)
    return result


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """Join tensors of one shape along a new dimension `dim`."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(ref)} at entry 0 and {list(t._data.shape)} at entry {i}")
    nd = len(ref) + 1
    if not -nd <= dim < nd:
        raise IndexError(f"stack: dimension out of range (expected to be in range of "
                         f"[{-nd}, {nd - 1}], but got {dim})")
    d = dim % nd
    return cat([unsqueeze(t, d) for t in tensors], d, out=out)


def hstack(tensors):
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat([atleast_2d(t) for t in tensors], 0)


def narrow(input, dim, start, length):
    """The slice [start, start+length) of dimension `dim` (a view)."""
    d, = normalize_dims(dim, input._data.ndim, "narrow")
    size = input._data.shape[d]
    start = int(start)
    if start < 0:
        start += size
    if not (0 <= start and length >= 0 and start + length <= size):
        raise IndexError(f"narrow(): start ({start}) + length ({length}) exceeds dimension "
                         f"size ({size}).")
    from .indexing import getitem
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def split(input, split_size_or_sections=None, dim=0, *, split_size=None):
    """Split into chunks of `split_size` (the last may be smaller) or of the given sizes.
    (`split_size` is the method's keyword in PyTorch, `split_size_or_sections` the
    function's.)"""
    if split_size is not None:
        split_size_or_sections = split_size
    d, = normalize_dims(dim, input._data.ndim, "split")
    size = input._data.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        sizes = [min(step, size - i) for i in range(0, size, step)] if step else [0]
        if not sizes:
            sizes = [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(narrow(input, d, start, s))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """Split into `chunks` pieces of size ceil(n / chunks) (fewer if n is small)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d, = normalize_dims(dim, input._data.ndim, "chunk")
    size = input._data.shape[d]
    step = max(-(-size // chunks), 1)
    return split(input, step, d)


def unbind(input, dim=0):
    """The slices along `dim`, as a tuple of tensors without that dimension (views)."""
    if not input._data.ndim:
        raise IndexError("unbind: dimension specified as 0 but tensor has no dimensions")
    d, = normalize_dims(dim, input._data.ndim, "unbind")
    from .indexing import getitem
    return tuple(getitem(input, (slice(None),) * d + (i,))
                 for i in range(input._data.shape[d]))
