"""Comparisons, logical and bitwise ops, and tests (isnan, isclose, equal, ...): their
results are bool or integer tensors (or Python bools), so none of them has a gradient.
"""
import numpy as np

from ..tensor import Tensor
from .binary import _broadcast_error

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
           "logical_not", "isnan", "isinf", "isfinite", "equal", "allclose", "isclose", "greater",
           "less", "greater_equal", "less_equal", "not_equal", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not"]


def _compare(np_fn, name):
    def apply(input, other, *, out=None):
        a = _values_of(input)
        b = _values_of(other)
        try:
            return Tensor._wrap(np.asarray(np_fn(a, b)), None)
        except ValueError:
            raise _broadcast_error(name, a, b) from None
    apply.__name__ = name
    apply.__doc__ = f"Elementwise {name} (a bool tensor; no gradient)."
    return apply


def _values_of(x):
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x) if isinstance(x, (list, tuple, np.ndarray)) else x


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
logical_and = _compare(np.logical_and, "logical_and")
logical_or = _compare(np.logical_or, "logical_or")
logical_xor = _compare(np.logical_xor, "logical_xor")
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def _bitwise(np_fn, name):
    def apply(input, other):
        return Tensor._wrap(np.asarray(np_fn(_values_of(input), _values_of(other))), None)
    apply.__name__ = name
    return apply


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


def bitwise_not(input):
    return Tensor._wrap(np.invert(input._data), None)


def logical_not(input):
    return Tensor._wrap(np.logical_not(input._data), None)


def isnan(input):
    return Tensor._wrap(np.isnan(input._data), None)


def isinf(input):
    return Tensor._wrap(np.isinf(input._data), None)


def isfinite(input):
    return Tensor._wrap(np.isfinite(input._data), None)


def equal(input, other):
    """True if both have the same shape and elements."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input._data, _values_of(other), rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return Tensor._wrap(np.isclose(input._data, _values_of(other), rtol=rtol, atol=atol,
                                   equal_nan=equal_nan), None)
