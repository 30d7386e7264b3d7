"""Ops whose result picks, element by element, one of its operands: maximum/minimum, where,
clamp/clip, fmax/fmin. The gradient goes to the operand that was picked (split evenly on
ties for maximum and minimum, as PyTorch does), summed back over broadcast dimensions.
"""
import numpy as np

from .. import dtypes as _dt
from ..function import Op
from ..tensor import Tensor
from . import dual
from .binary import (BinaryOp, _binary, _broadcast_error, _reduce_grads, _values, promote,
                     result_type)
from .elementwise import cast

__all__ = ["maximum", "minimum", "where", "clamp", "clip", "fmax", "fmin"]


class Maximum(BinaryOp):
    """max(a, b); on ties the gradient is split evenly, as PyTorch does."""
    backward_name = "MaximumBackward0"
    fn = staticmethod(np.maximum)
    saves = {"a": "ab", "b": "ab"}

    @staticmethod
    def backward(ctx, g):
        return _minmax_backward(ctx, g, np.greater)


class Minimum(BinaryOp):
    """min(a, b); on ties the gradient is split evenly, as PyTorch does."""
    backward_name = "MinimumBackward0"
    fn = staticmethod(np.minimum)
    saves = {"a": "ab", "b": "ab"}

    @staticmethod
    def backward(ctx, g):
        return _minmax_backward(ctx, g, np.less)


def _minmax_backward(ctx, g, better):
    """PyTorch's formula: each operand gets the gradient where it is picked, half on ties,
    and all of it where the comparison fails both ways (NaN): where(a == b, g/2, g), zeroed
    where the other operand is `better`."""
    a, b = ctx.saved_tensors
    av, bv = _values(a), _values(b)
    dtype = np.result_type(av.dtype, np.float32)
    share = np.where(av == bv, 0.5, 1.0).astype(dtype)
    na, nb = ctx.needs_input_grad
    return _reduce_grads(ctx, g * np.where(better(bv, av), 0, share).astype(dtype) if na else None,
                         g * np.where(better(av, bv), 0, share).astype(dtype) if nb else None)


class Where(Op):
    """where(cond, a, b): the gradient goes to a where cond holds, to b elsewhere."""
    backward_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        ctx.shapes = (np.shape(a), np.shape(b))
        try:
            return np.where(cond, a, b)
        except ValueError:
            raise _broadcast_error("where", a, b) from None

    @staticmethod
    def backward(ctx, g):
        cond = ctx.cond
        sa, sb = ctx.shapes
        _, na, nb = ctx.needs_input_grad
        zero = g * 0
        return (None, dual.sum_to(dual.where(cond, g, zero), sa) if na else None,
                dual.sum_to(dual.where(cond, zero, g), sb) if nb else None)


maximum = _binary(Maximum, "maximum")
minimum = _binary(Minimum, "minimum")


def where(condition, input=None, other=None):
    """Elements of `input` where `condition` holds, else of `other` (broadcast together).
    With only a condition, the indices where it holds (as `nonzero(as_tuple=True)`)."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {_dt.from_numpy_dtype(cond.dtype)}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two numbers
        dt = result_type(input, other)
        input, other = Tensor._wrap(np.asarray(input, dt), None), \
            Tensor._wrap(np.asarray(other, dt), None)
    a, b = promote(input, other)
    return Where.apply(cond, a, b)


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002
    """Limit values to [min, max]; the gradient passes where the value was inside (on the
    boundary too, as PyTorch). min/max may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    result = input
    if min is not None:
        result = _clamp_side(result, min, np.less)
    if max is not None:
        result = _clamp_side(result, max, np.greater)
    if out is not None:
        from .inplace import copy_
        return copy_(out, result)
    return result


def _clamp_side(x, bound, outside):
    if isinstance(bound, Tensor):
        mask = outside(x._data, bound._data)
        return where(Tensor._wrap(mask, None), bound.to(x.dtype), x)
    if x._data.dtype.kind != "f" and isinstance(bound, float):
        x = cast(x, _dt.get_default_dtype())
    return _ClampScalar.apply(x, bound=bound, outside=outside)


class _ClampScalar(Op):
    backward_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, bound, outside):
        mask = outside(x, bound)
        ctx.keep = ~mask
        return np.where(mask, np.asarray(bound, dtype=x.dtype), x)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.keep


clip = clamp


def fmax(input, other):
    a, b = promote(input, other)
    return where(Tensor._wrap(np.isnan(_values(b)) | (_values(a) >= _values(b)), None), a, b)


def fmin(input, other):
    a, b = promote(input, other)
    return where(Tensor._wrap(np.isnan(_values(b)) | (_values(a) <= _values(b)), None), a, b)
