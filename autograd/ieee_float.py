"""IEEE 754 float arithmetic for the Scalar ops: what PyTorch's float64 math gives where
Python's raises (division by zero, overflow, a domain error) - an infinity or a NaN, with the
right sign - so that a Scalar computes the same values as a 0-d float64 tensor.
"""
import math

__all__ = ["fdiv", "fpow", "fpow_const", "fexp", "flog", "fsqrt", "fsin", "fcos", "fsigmoid"]

inf = math.inf
nan = math.nan


def fdiv(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)


def fpow(a, b):
    try:
        r = a ** b
    except ZeroDivisionError:  # 0 ** negative: inf, signed for -0.0 ** odd integer
        return math.copysign(inf, a) if _odd_integer(b) else inf
    except OverflowError:  # also a negative base to a non-integer power (complex overflow)
        if a < 0 and not _integer(b):
            return nan
        return -inf if (a < 0 and _odd_integer(b)) else inf
    if r.__class__ is complex:  # a negative base to a non-integer power
        return nan
    return r


def fpow_const(a, p):
    """a ** p for a constant exponent p, as PyTorch computes `tensor ** number`: p = 0.5 is a
    square root and p = -0.5 its reciprocal (so (-0.0) ** 0.5 is -0.0 and (-inf) ** 0.5 is
    NaN, where C's pow gives 0.0 and inf)."""
    if p == 0.5:
        return fsqrt(a)
    if p == -0.5:
        return fdiv(1.0, fsqrt(a))
    return fpow(a, p)


def _integer(b):
    return math.isfinite(b) and b == int(b)


def _odd_integer(b):
    return _integer(b) and int(b) % 2 == 1


def fexp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return inf


def flog(x):
    if x > 0:
        return math.log(x)
    if x == 0:
        return -inf
    return nan  # negative or NaN


def fsqrt(x):
    return math.sqrt(x) if x >= 0 else nan


def fsin(x):
    return math.sin(x) if math.isfinite(x) else nan


def fcos(x):
    return math.cos(x) if math.isfinite(x) else nan


def fsigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = fexp(x)
    return e / (1.0 + e)
