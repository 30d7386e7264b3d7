"""Argument strategies for the op registry: whole argument tuples for families of ops.

Each builder returns a strategy of argument tuples (`check_op(fn, args=...)`), drawing tensors
in float64 over 0-d, broadcast and non-contiguous shapes, with the op's extra arguments
(dims, sizes, indices) valid for the drawn shapes.
"""
import numpy as np
from hypothesis import strategies as st

from ..tensor import Tensor
from .strategies import broadcastable_shapes, dims, indices, shapes, tensors

__all__ = ["SPACED", "unary", "binary", "ternary", "reduction", "along_dim", "shaped", "matrices",
           "index_tensor", "bool_mask", "int_tensor", "getitem_args", "pad_args"]


# distinct values at least 0.01 apart once drawn with unique=True: no near-ties for max-like
# ops (a tie closer than gradcheck's eps is a kink the differences cannot see) and no
# near-zero spread for normalizations
SPACED = st.integers(-300, 300).map(lambda k: k / 100)


def _shapes(min_dims=0, max_dims=3, max_side=3, allow_empty=True):
    full = shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)
    if not allow_empty:
        return full
    return st.one_of(full, shapes(min_dims=min_dims, max_dims=max_dims, min_side=0,
                                  max_side=max_side))


def unary(elements=None, *, min_dims=0, max_dims=3, allow_empty=True):
    """(x,): one float64 tensor of any rank (0-d and empty included)."""
    return st.tuples(tensors(shape=_shapes(min_dims, max_dims, allow_empty=allow_empty),
                             elements=elements))


@st.composite
def binary(draw, a=None, b=None, *, min_dims=0, max_dims=3):
    """(a, b): two float64 tensors whose shapes broadcast together."""
    sa, sb = draw(broadcastable_shapes(2, min_dims=min_dims, max_dims=max_dims))
    return (draw(tensors(shape=sa, elements=a)), draw(tensors(shape=sb, elements=b)))


@st.composite
def ternary(draw, a=None, b=None, c=None):
    """(a, b, c): three float64 tensors that broadcast together."""
    sa, sb, sc = draw(broadcastable_shapes(3))
    return (draw(tensors(shape=sa, elements=a)), draw(tensors(shape=sb, elements=b)),
            draw(tensors(shape=sc, elements=c)))


@st.composite
def reduction(draw, elements=None, *, allow_tuple=True, allow_none=True, keepdim=True,
              min_dims=0, allow_empty=False):
    """(x, dim, keepdim) for a reduction (dim an int, a tuple, or None)."""
    x = draw(tensors(shape=_shapes(min_dims, allow_empty=allow_empty), elements=elements))
    d = draw(dims(x.ndim, allow_none=allow_none, allow_tuple=allow_tuple))
    return (x, d, draw(st.booleans()) if keepdim else False)


@st.composite
def along_dim(draw, elements=None, *, min_dims=1, min_side=1, max_dims=3):
    """(x, dim): a tensor and one valid dimension."""
    x = draw(tensors(shape=shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side),
                     elements=elements))
    return (x, draw(dims(x.ndim, allow_none=False, allow_tuple=False)))


def shaped(*shape_strategies, elements=None):
    """Tensors with the given shapes (tuples or strategies)."""
    return st.tuples(*[tensors(shape=s, elements=elements) for s in shape_strategies])


@st.composite
def matrices(draw, *layouts, elements=None):
    """Tensors whose shapes are spelled with letters sharing sizes: matrices('nk', 'km')
    draws (n, k) and (k, m) matrices with consistent k; '' is a 0-d tensor."""
    sizes = {}
    out = []
    for layout in layouts:
        shape = []
        for letter in layout:
            if letter not in sizes:
                sizes[letter] = draw(st.integers(1, 3))
            shape.append(sizes[letter])
        out.append(draw(tensors(shape=tuple(shape), elements=elements)))
    return tuple(out)


def int_tensor(values, shape=None):
    """A constant int64 tensor (for index arguments)."""
    arr = np.asarray(values, dtype=np.int64)
    return Tensor._wrap(arr if shape is None else arr.reshape(shape), None)


@st.composite
def index_tensor(draw, size, length):
    """A 1-D int64 tensor of `length` valid indices into a dimension of `size`."""
    return int_tensor(draw(st.lists(st.integers(0, size - 1), min_size=length,
                                    max_size=length)))


@st.composite
def bool_mask(draw, shape):
    """A constant bool tensor of `shape`."""
    n = int(np.prod(shape))
    values = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return Tensor._wrap(np.asarray(values, dtype=bool).reshape(shape), None)


@st.composite
def getitem_args(draw):
    """(x, index) with an index valid for x's shape."""
    x = draw(tensors(shape=shapes(min_dims=0, max_dims=3, min_side=1)))
    return (x, draw(indices(tuple(x.shape))))



@st.composite
def pad_args(draw):
    """(x, pad, mode, value) for `pad`: 1 or 2 padded dimensions, negative pads (cropping)
    in constant mode, reflect pads smaller than the side, a fill value in constant mode."""
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    n = draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2)) if mode != "constant" else draw(st.integers(0, 2))
    shape = draw(shapes(min_dims=n + batch, max_dims=n + batch, min_side=2, max_side=3))
    pad = []
    for d in range(n):
        size = shape[-1 - d]
        lo = -size + 1 if mode == "constant" else 0
        hi = size - 1 if mode == "reflect" else size
        left = draw(st.integers(lo, hi))  # crops leave at least one element
        pad += [left, draw(st.integers(max(lo, 1 - size - left), hi))]
    value = draw(st.sampled_from([None, 1.5])) if mode == "constant" else None
    return (draw(tensors(shape=shape)), tuple(pad), mode, value)
