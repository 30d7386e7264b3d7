"""Differentiable functions of two operands beyond arithmetic: pow, atan2, hypot, xlogy,
logaddexp and lerp, with broadcasting and PyTorch's type promotion (see `binary`).

    pow:    d(a^b)/da = b a^(b-1)         d(a^b)/db = a^b ln a
    atan2:  d/da = b / (a^2 + b^2)        d/db = -a / (a^2 + b^2)

hypot, xlogy, logaddexp and lerp are composed of other ops.
"""
import numpy as np

from ..tensor import Tensor
from . import dual
from .binary import (_NUMBER, BinaryOp, _as_default_float, _binary, _kind, _reduce_grads,
                     _values, promote)
from .select import where

__all__ = ["pow", "atan2", "arctan2", "lerp", "hypot", "xlogy", "logaddexp"]


def power(a, b):
    """a ** b on arrays (or numbers), as PyTorch computes it.

    A Python-number exponent of -0.5 is 1 / sqrt(a), PyTorch's rsqrt (-inf at -0, NaN at
    -inf, where C's pow gives inf and 0). NumPy takes an exponent that is one number (a 0-d
    array too) of 0.5 as sqrt(a), while PyTorch's tensor exponent uses C's pow: they differ
    at -0 (pow gives +0) and -inf (pow gives inf), patched here."""
    if b.__class__ is not np.ndarray:
        if b == -0.5 and b.__class__ is float:
            return 1 / np.sqrt(a)
        return np.power(a, b)
    y = np.power(a, b)
    if b.size == 1 and b.reshape(-1)[0] == 0.5:
        av = np.asarray(a)
        wrong = (av == 0) | (av == -np.inf)
        if wrong.any():
            y = np.where(wrong, np.power(np.abs(av), b), y)
    return y


class Pow(BinaryOp):
    """a ** b, with PyTorch's gradients at the edges:

    d/da = b a^(b-1), and 0 wherever b == 0 (even at a = 0 or NaN, where the formula is
    0 * inf or NaN); d/db = a^b ln a, and 0 where a == 0 and b >= 0, a^b * -inf where a == 0
    and b < 0 (so 0 ** -1 gives -inf), NaN for negative or NaN a."""
    backward_name = "PowBackward0"
    fn = staticmethod(power)
    saves = {"a": "ab", "b": "aby"}

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        bv = _values(b)
        if na:
            av = _values(a)
            ga = g * (b * dual.pow(a, b - 1))
            # Masked only where the formula is not already 0: elsewhere at b == 0 the graph
            # keeps d/db (b a^(b-1)) = 1/a for second derivatives.
            zero = (bv == 0) & ((av == 0) | np.isnan(av))
            if zero.any():
                ga = dual.where(zero, g * 0, ga)
        if nb:
            av = _values(a)
            gb = g * (y * dual.log(dual.where(av > 0, a, 1.0)))  # ln a, without warnings
            zero_base = (av == 0) & (bv < 0)
            if zero_base.any():
                gb = dual.where(zero_base, g * (y * -np.inf), gb)
            undefined = (av < 0) | np.isnan(av)
            if undefined.any():
                gb = dual.where(undefined, float("nan"), gb)
        return _reduce_grads(ctx, ga, gb)


class Atan2(BinaryOp):
    """atan2(a, b): d/da = b/(a^2+b^2), d/db = -a/(a^2+b^2)."""
    backward_name = "Atan2Backward0"
    fn = staticmethod(np.arctan2)
    saves = {"a": "ab", "b": "ab"}

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        r = a * a + b * b
        return _reduce_grads(ctx, g * b / r if na else None, -g * a / r if nb else None)


def pow(input, exponent, *, out=None):  # noqa: A001
    """input ** exponent, either side a tensor or a number."""
    if isinstance(exponent, _NUMBER) and isinstance(input, Tensor):
        if exponent == 2 and not isinstance(exponent, bool):
            from .elementwise import square
            if input._data.dtype.kind == "f":
                return square(input)
        if input._data.dtype.kind in "iub" and isinstance(exponent, (int, np.integer)) \
                and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _binary(Pow, "pow")(input, exponent, out=out)


def atan2(input, other, *, out=None):
    a, b = promote(input, other)
    if _kind(a) != "f" and _kind(b) != "f":
        a, b = _as_default_float(input, other)
    return Atan2.apply(a, b)


arctan2 = atan2


def lerp(input, end, weight):
    """input + weight * (end - input)."""
    return input + weight * (end - input)


def hypot(input, other):
    from .elementwise import sqrt
    return sqrt(input * input + other * other)


def xlogy(input, other):
    """input * log(other), defined as 0 where input == 0."""
    from .elementwise import log
    zero = Tensor._wrap(_values(input) == 0, None) if isinstance(input, Tensor) else \
        Tensor._wrap(np.asarray(input == 0), None)
    return where(zero, 0.0 * other, input * log(other))


def logaddexp(input, other):
    """log(exp(a) + exp(b)) = m + log(exp(a - m) + exp(b - m)), computed without overflow by
    the shift m = max(a, b) taken as a constant (the value does not depend on it). So the
    gradients, exp(a - r) and exp(b - r) for the result r, are smooth at a == b: the kinks of
    max and |a - b| would make the second derivative there wrong."""
    from .elementwise import exp, log
    a, b = promote(input, other)
    dtype = (a if isinstance(a, Tensor) else b)._data.dtype
    m = np.maximum(_values(a), _values(b))
    m = Tensor._wrap(np.where(np.isfinite(m), m, 0).astype(dtype, copy=False), None)
    return m + log(exp(a - m) + exp(b - m))
