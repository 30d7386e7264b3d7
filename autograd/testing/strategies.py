"""Hypothesis strategies for glassgrad tensors, shapes, dimensions and indices.

Element strategies keep away from where a function is not differentiable or not defined:
`away_from(0)` for 1/x or |x|, `positive()` for log and sqrt, `within(-1, 1)` for asin.
Gradient checks at (or within eps of) such points fail for reasons that are not bugs.

>>> from hypothesis import given
>>> import autograd
>>> from autograd.testing import tensors, positive
>>> @given(tensors(elements=positive()))
... def test_log_grad(x):
...     assert autograd.gradcheck(autograd.log, (x,))
>>> test_log_grad()
"""
import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .. import dtypes as _dt
from ..tensor import Tensor

__all__ = ["finite", "away_from", "positive", "negative", "within", "shapes",
           "broadcastable_shapes", "axes", "dims", "indices", "tensors"]

_DEFAULT_BOUND = 3.0


# ------------------------------------------------------------------ elements
def finite(min_value=-_DEFAULT_BOUND, max_value=_DEFAULT_BOUND, *, width=64):
    """Finite floats in [min_value, max_value] (no NaN, no infinity).

    >>> from autograd.testing import finite
    >>> -1.0 <= finite(-1, 1).example() <= 1.0
    True
    """
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False, width=width)


def away_from(*points, margin=0.1, min_value=-_DEFAULT_BOUND, max_value=_DEFAULT_BOUND,
              width=64):
    """Finite floats in [min_value, max_value] at least `margin` away from each of `points`
    (the kinks or poles of a function: `away_from(0)` for abs, relu, 1/x; `away_from(-1, 1)`
    for a hinge at +-1). Built from the intervals between the points, so nothing is filtered.

    >>> from autograd.testing import away_from
    >>> abs(away_from(0, margin=0.5).example()) >= 0.5
    True
    """
    if margin < 0:
        raise ValueError(f"away_from: margin must be >= 0, got {margin}")
    edges = sorted(float(p) for p in points)
    pieces, lo = [], float(min_value)
    for p in edges + [math.inf]:
        hi = min(p - margin, float(max_value))
        if hi >= lo:
            pieces.append(finite(lo, hi, width=width))
        lo = max(lo, p + margin)
    if not pieces:
        raise ValueError(f"away_from: no number in [{min_value}, {max_value}] is {margin} away "
                         f"from all of {list(points)}; widen the range or shrink the margin")
    return st.one_of(*pieces)


def positive(min_value=0.1, max_value=_DEFAULT_BOUND, *, width=64):
    """Floats in [min_value, max_value] with min_value > 0 (the domain of log, sqrt, 1/x
    kept away from its edge at 0).

    >>> from autograd.testing import positive
    >>> positive().example() >= 0.1
    True
    """
    if min_value <= 0:
        raise ValueError(f"positive: min_value must be > 0, got {min_value}")
    return finite(min_value, max_value, width=width)


def negative(max_value=-0.1, min_value=-_DEFAULT_BOUND, *, width=64):
    """Floats in [min_value, max_value] with max_value < 0 (the mirror of `positive`).

    >>> from autograd.testing import negative
    >>> -3.0 <= negative().example() <= -0.1
    True
    """
    if max_value >= 0:
        raise ValueError(f"negative: max_value must be < 0, got {max_value}")
    return finite(min_value, max_value, width=width)


def within(low, high, *, margin=0.05, width=64):
    """Floats strictly inside the open interval (low, high), `margin` from both ends (the
    domain of asin and acos is within(-1, 1)).

    >>> from autograd.testing import within
    >>> -0.95 <= within(-1, 1).example() <= 0.95
    True
    """
    if high - low <= 2 * margin:
        raise ValueError(f"within: the interval ({low}, {high}) is too narrow for margin "
                         f"{margin}")
    return finite(low + margin, high - margin, width=width)


# ------------------------------------------------------------------ shapes and dims
def shapes(*, min_dims=0, max_dims=3, min_side=1, max_side=3):
    """Tensor shapes (tuples of ints): 0-d `()` included when min_dims is 0, empty tensors
    when min_side is 0.

    >>> from autograd.testing import shapes
    >>> len(shapes(min_dims=2, max_dims=2).example())
    2
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(n, *, min_dims=0, max_dims=3, min_side=1, max_side=3, base_shape=()):
    """Tuples of `n` shapes that broadcast together (with size-1 and missing leading
    dimensions mixed in), e.g. ((2, 1), (3, 1, 4)).

    >>> import numpy as np
    >>> from autograd.testing import broadcastable_shapes
    >>> a, b = broadcastable_shapes(2).example()
    >>> isinstance(np.broadcast_shapes(a, b), tuple)
    True
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, base_shape=base_shape, min_dims=min_dims, max_dims=max_dims,
        min_side=min_side, max_side=max_side).map(lambda b: tuple(b.input_shapes))


def axes(ndim, *, min_size=1, max_size=None, allow_negative=True):
    """Tuples of distinct dimensions of an `ndim`-d tensor (for multi-dim reductions);
    negative ones count from the end. A 0-d tensor accepts dim 0 and -1 (as PyTorch).

    >>> from autograd.testing import axes
    >>> all(-3 <= d < 3 for d in axes(3).example())
    True
    """
    n = max(ndim, 1)
    max_size = n if max_size is None else min(max_size, n)
    if ndim == 0:
        max_size = min(max_size, 1)
    picked = st.lists(st.integers(0, n - 1), min_size=min(min_size, max_size),
                      max_size=max_size, unique=True)
    if not allow_negative:
        return picked.map(tuple)
    return picked.flatmap(lambda ds: st.tuples(*[st.sampled_from([d, d - n]) for d in ds]))


def dims(ndim, *, allow_none=True, allow_tuple=True, allow_negative=True):
    """A `dim` argument for an `ndim`-d tensor: an int, a tuple of ints (when allow_tuple)
    or None (when allow_none).

    >>> from autograd.testing import dims
    >>> d = dims(2, allow_none=False, allow_tuple=False).example()
    >>> -2 <= d < 2
    True
    """
    n = max(ndim, 1)
    single = st.integers(-n if allow_negative else 0, n - 1)
    options = [single]
    if allow_tuple:
        options.append(axes(ndim, allow_negative=allow_negative))
    if allow_none:
        options.append(st.none())
    return st.one_of(*options)


@st.composite
def _index_array(draw, size, index_shape):
    """An int64 array of valid indices (negative ones too) into a dimension of `size`."""
    flat = draw(st.lists(st.integers(-size, size - 1), min_size=int(np.prod(index_shape)),
                         max_size=int(np.prod(index_shape))))
    return np.asarray(flat, dtype=np.int64).reshape(index_shape)


@st.composite
def _basic(draw, size):
    kind = draw(st.sampled_from(["int", "slice", "full"] if size else ["slice", "full"]))
    if kind == "int":
        return draw(st.integers(-size, size - 1))
    if kind == "full":
        return slice(None)
    start = draw(st.none() | st.integers(-size - 1, size + 1))
    stop = draw(st.none() | st.integers(-size - 1, size + 1))
    step = draw(st.none() | st.integers(1, 3))
    return slice(start, stop, step)


@st.composite
def indices(draw, shape, *, allow_none=True, allow_ellipsis=True, allow_advanced=True,
            allow_bool=True, as_tensors=False):
    """An index for a tensor of `shape` (always valid, so `x[index]` works): ints (negative
    too), slices with positive steps (PyTorch has no negative steps), None, Ellipsis, and -
    when `allow_advanced` - integer index arrays (broadcast together) or a boolean mask.
    Arrays are NumPy arrays, or autograd tensors with `as_tensors=True`.

    >>> import numpy as np
    >>> from autograd.testing import indices
    >>> x = np.zeros((2, 3))
    >>> np.asarray(x[indices((2, 3)).example()]).dtype == x.dtype
    True
    """
    shape = tuple(shape)
    ndim = len(shape)
    use_ellipsis = allow_ellipsis and draw(st.booleans())
    n_front = draw(st.integers(0, ndim))
    n_back = draw(st.integers(0, ndim - n_front)) if use_ellipsis else 0
    positions = list(range(n_front)) + list(range(ndim - n_back, ndim))
    parts = [draw(_basic(shape[d])) for d in positions]
    kind = draw(st.sampled_from(["none", "int", "bool"] if allow_bool else ["none", "int"])) \
        if allow_advanced and positions else "none"
    if kind == "int":
        chosen = draw(st.lists(st.sampled_from(range(len(positions))), min_size=1,
                               unique=True))
        index_shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=3))
        for c in chosen:
            if shape[positions[c]]:
                parts[c] = draw(_index_array(shape[positions[c]], index_shape))
    elif kind == "bool":
        c = draw(st.sampled_from(range(len(positions))))
        size = shape[positions[c]]
        parts[c] = np.asarray(draw(st.lists(st.booleans(), min_size=size, max_size=size)),
                              dtype=bool)
    if as_tensors:
        parts = [Tensor._wrap(p, None) if isinstance(p, np.ndarray) else p for p in parts]
    if use_ellipsis:
        parts.insert(n_front, Ellipsis)
    if allow_none:
        for _ in range(draw(st.integers(0, 2))):
            parts.insert(draw(st.integers(0, len(parts))), None)
    return tuple(parts)


# ------------------------------------------------------------------ tensors
def _default_elements(np_dtype):
    if np_dtype.kind == "f":
        return finite(width=8 * np_dtype.itemsize)
    if np_dtype.kind == "b":
        return st.booleans()
    info = np.iinfo(np_dtype)
    return st.integers(max(info.min, -10), min(info.max, 10))


def _layout_view(draw, values, layout):
    """`values` laid out in memory as a transposed or strided view of a bigger array."""
    if layout == "transposed":
        order = draw(st.permutations(range(values.ndim)))
        inverse = np.argsort(order)
        view = np.ascontiguousarray(values.transpose(order)).transpose(inverse)
        if not view.flags.c_contiguous:
            return view
    steps = [draw(st.integers(1, 3)) if s > 1 else 1 for s in values.shape]
    if all(step == 1 for step in steps):
        d = next(i for i, s in enumerate(values.shape) if s > 1)
        steps[d] = 2
    holder = np.zeros(tuple(s * k for s, k in zip(values.shape, steps)), values.dtype)
    view = holder[tuple(slice(None, None, k) for k in steps)]
    view[...] = values
    return view


@st.composite
def tensors(draw, dtype=None, shape=None, elements=None, requires_grad=None,
            contiguous=None, unique=False):
    """An autograd tensor.

    - `dtype`: an autograd dtype (default float64, the dtype gradients are checked in);
    - `shape`: a tuple, or a strategy of tuples (default `shapes()`: 0-d to 3-d, no empty
      tensors; ask for those with `shapes(min_side=0)`);
    - `elements`: a strategy for the values (default `finite()` in [-3, 3] for floats);
    - `requires_grad`: default True for floating dtypes (the point is to test gradients);
    - `contiguous`: True for C-contiguous memory, False for a non-contiguous layout (a
      transposed or strided view of a bigger array) where the shape allows one (some
      dimension of size >= 2), None to draw either;
    - `unique`: all elements distinct (no ties, for sort, max along a dim, std).

    >>> import autograd
    >>> from autograd.testing import tensors
    >>> t = tensors(shape=(2, 3), contiguous=False).example()
    >>> (tuple(t.shape), t.dtype == autograd.float64, t.requires_grad, t.is_contiguous())
    ((2, 3), True, True, False)
    >>> from autograd.testing import shapes, away_from
    >>> e = tensors(shape=shapes(min_side=0, min_dims=1), elements=away_from(0)).example()
    >>> e.numel() == 0 or bool((e.abs() >= 0.1).all())
    True
    >>> tensors(dtype=autograd.int64, shape=()).example().requires_grad
    False
    """
    dt = _dt.to_dtype(dtype) if dtype is not None else _dt.float64
    np_dtype = np.dtype(dt.np)
    if shape is None:
        shape = shapes()
    if not isinstance(shape, tuple):
        shape = draw(shape)
    values = draw(hnp.arrays(np_dtype, shape,
                             elements=elements if elements is not None
                             else _default_elements(np_dtype), unique=unique))
    if contiguous is None:
        contiguous = draw(st.booleans())
    if not contiguous and any(s > 1 for s in values.shape):
        layout = draw(st.sampled_from(["transposed", "strided"])) \
            if sum(s > 1 for s in values.shape) >= 2 else "strided"
        values = _layout_view(draw, values, layout)
    t = Tensor._wrap(values, None)
    if requires_grad is None:
        requires_grad = np_dtype.kind == "f"
    if requires_grad:
        t.requires_grad_()
    return t
