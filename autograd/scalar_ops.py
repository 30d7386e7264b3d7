"""The differentiable operations of `Scalar`, one node class per operation.

Each operation is a subclass of `Scalar`: the result of `a * b` is a `_Mul`, whose
`next_functions` are the edges to `a` and `b`, whose `_s0`/`_s1` slots hold the values saved
for backward, and whose `_apply` is the backward formula. A formula receives the output's
gradient `g` and returns one gradient per edge:

    a + b   -> g, g                      a * b   -> g b, g a
    a - b   -> g, -g                     a / b   -> g / b, -g a / b^2
    x ** p  -> g p x^(p-1)               a ** b  -> g b a^(b-1), g a^b ln a
    exp x   -> g e^x                     log x   -> g / x
    sqrt x  -> g / (2 sqrt x)            tanh x  -> g (1 - tanh^2 x)
    sigmoid -> g s (1 - s)               relu x  -> g [x > 0]
    sin x   -> g cos x                   cos x   -> -g sin x
    erf x   -> g 2/sqrt(pi) e^(-x^2)     gelu x  -> g (Phi(x) + x phi(x))

Normally `g` and the saved values are floats. Under `create_graph=True` (higher-order
gradients) the formula runs on Scalars instead - the parents themselves, and the node itself
where the formula uses the output (exp, tanh, sigmoid, sqrt) - so the same operators record
a differentiable backward graph. Masks (relu, abs, max) are constants taken from the saved
floats. Release (`backward()` without `retain_graph`) sets `_s0` to None; ops that need saved
values then raise the engine's usual error.

Arithmetic follows IEEE 754 (as NumPy and PyTorch do) rather than Python: `1/0` is inf,
`log(0)` is -inf, `sqrt(-1)` and `(-8)**(1/3)` are NaN, instead of raising, so that anomaly
detection can name the op that produced them. At the special points the results are
PyTorch's (checked against it in tests/test_scalar_torch.py): relu keeps -0.0 and passes a
NaN's gradient, abs takes sign(NaN) = 0, max/min give both sides the gradient where one is
NaN, `x ** 0.5` and `x ** -0.5` are a square root and its reciprocal, and `a / b` computes
its b-gradient as (a / b) / b, so it does not overflow through b * b.
"""
import math
import operator

from .ieee_float import fcos as _fcos, fdiv as _fdiv, fexp as _fexp, flog as _flog
from .ieee_float import fpow as _fpow, fpow_const as _fpow_const, fsigmoid as _fsigmoid
from .ieee_float import fsin as _fsin, fsqrt as _fsqrt, nan as _nan
from .scalar import Scalar, _Binary, _Unary, _binary, _freed, _number, _unary

__all__ = ["maximum", "minimum"]

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715


# Float-or-Scalar versions, for formulas that also run under create_graph.
def _div(a, b):
    return a / b if (a.__class__ is not float or b.__class__ is not float) else _fdiv(a, b)


def _pow(a, b):
    return a ** b if isinstance(a, Scalar) or isinstance(b, Scalar) else _fpow(a, b)


def _exp(x):
    return x.exp() if isinstance(x, Scalar) else _fexp(x)


def _log(x):
    return x.log() if isinstance(x, Scalar) else _flog(x)


def _sin(x):
    return x.sin() if isinstance(x, Scalar) else _fsin(x)


def _cos(x):
    return x.cos() if isinstance(x, Scalar) else _fcos(x)


def _erf(x):
    return x.erf() if isinstance(x, Scalar) else math.erf(x)


def _tanh(x):
    return x.tanh() if isinstance(x, Scalar) else math.tanh(x)


# --------------------------------------------------------------------- + - neg
class _Add(_Binary):
    __slots__ = ()
    _op = "+"
    _backward_name = "AddBackward0"

    def _apply(self, g, create_graph=False):
        return (g, g)


class _AddConst(_Unary):
    __slots__ = ()
    _op = "+"
    _backward_name = "AddBackward0"

    def _apply(self, g, create_graph=False):
        return (g,)


class _Sub(_Binary):
    __slots__ = ()
    _op = "-"
    _backward_name = "SubBackward0"

    def _apply(self, g, create_graph=False):
        return (g, -g)


class _RSubConst(_Unary):
    __slots__ = ()
    _op = "-"
    _backward_name = "RsubBackward1"

    def _apply(self, g, create_graph=False):
        return (-g,)


class _Neg(_Unary):
    __slots__ = ()
    _op = "neg"
    _backward_name = "NegBackward0"

    def _apply(self, g, create_graph=False):
        return (-g,)


def _add(self, other):
    if isinstance(other, Scalar):
        return _binary(_Add, self, other, self.data + other.data, None, None)
    c = _number(other, "+")
    if c is None:
        return NotImplemented
    return _unary(_AddConst, self, self.data + c, None)


def _radd(self, other):
    c = _number(other, "+")
    if c is None:
        return NotImplemented
    return _unary(_AddConst, self, c + self.data, None)


def _sub(self, other):
    if isinstance(other, Scalar):
        return _binary(_Sub, self, other, self.data - other.data, None, None)
    c = _number(other, "-")
    if c is None:
        return NotImplemented
    return _unary(_SubConst, self, self.data - c, None)


class _SubConst(_AddConst):
    __slots__ = ()
    _op = "-"
    _backward_name = "SubBackward0"


def _rsub(self, other):
    c = _number(other, "-")
    if c is None:
        return NotImplemented
    return _unary(_RSubConst, self, c - self.data, None)


def _neg(self):
    return _unary(_Neg, self, -self.data, None)


def _pos(self):
    return self


# --------------------------------------------------------------------- * /
class _Mul(_Binary):
    __slots__ = ()
    _op = "*"
    _backward_name = "MulBackward0"

    def _apply(self, g, create_graph=False):
        a = self._s0
        if a is None:
            _freed(self)
        if create_graph:
            a = self._p0
            b = self._p1
            return (g * b, g * a)
        return (g * self._s1, g * a)


class _MulConst(_Unary):
    __slots__ = ()
    _op = "*"
    _backward_name = "MulBackward0"

    def _apply(self, g, create_graph=False):
        c = self._s0
        if c is None:
            _freed(self)
        return (g * c,)


class _Div(_Binary):
    __slots__ = ()
    _op = "/"
    _backward_name = "DivBackward0"

    def _apply(self, g, create_graph=False):
        a = self._s0
        if a is None:
            _freed(self)
        b = self._s1
        if create_graph:
            a = self._p0
            b = self._p1
            return (g / b, -g * ((a / b) / b))
        return (_fdiv(g, b), -g * _fdiv(_fdiv(a, b), b))  # (a / b) / b: no overflow of b * b


class _DivConst(_Unary):
    __slots__ = ()
    _op = "/"
    _backward_name = "DivBackward0"

    def _apply(self, g, create_graph=False):
        c = self._s0
        if c is None:
            _freed(self)
        return (_div(g, c),)


class _RDivConst(_Unary):
    """c / x, with the constant c in `_s1`."""
    __slots__ = ()
    _op = "/"
    _backward_name = "DivBackward0"

    def _apply(self, g, create_graph=False):
        x = self._s0
        if x is None:
            _freed(self)
        if create_graph:
            x = self._p0
        return (_div(-g * self._s1, x * x),)


def _mul(self, other):
    if isinstance(other, Scalar):
        a = self.data
        b = other.data
        return _binary(_Mul, self, other, a * b, a, b)
    c = _number(other, "*")
    if c is None:
        return NotImplemented
    return _unary(_MulConst, self, self.data * c, c)


def _rmul(self, other):
    c = _number(other, "*")
    if c is None:
        return NotImplemented
    return _unary(_MulConst, self, c * self.data, c)


def _truediv(self, other):
    if isinstance(other, Scalar):
        a = self.data
        b = other.data
        return _binary(_Div, self, other, _fdiv(a, b), a, b)
    c = _number(other, "/")
    if c is None:
        return NotImplemented
    return _unary(_DivConst, self, _fdiv(self.data, c), c)


def _rtruediv(self, other):
    c = _number(other, "/")
    if c is None:
        return NotImplemented
    return _unary(_RDivConst, self, _fdiv(c, self.data), self.data, c)


# --------------------------------------------------------------------- powers
class _PowConst(_Unary):
    """x ** p for a constant p (in `_s1`): d/dx = p x^(p-1), and 0 where p == 0."""
    __slots__ = ()
    _backward_name = "PowBackward0"

    @property
    def _op(self):
        p = self._s1
        return f"**{int(p) if p == int(p) else p}" if math.isfinite(p) else f"**{p}"

    def _apply(self, g, create_graph=False):
        x = self._s0
        if x is None:
            _freed(self)
        p = self._s1
        if p == 0:
            return (0.0,)
        if create_graph:
            return (g * (p * self._p0 ** (p - 1.0)),)
        return (g * (p * _fpow_const(x, p - 1.0)),)


class _Pow(_Binary):
    """a ** b for Scalars a, b: d/da = b a^(b-1) (0 where b == 0), d/db = a^b ln a (0 where
    a == 0 and b >= 0), as PyTorch."""
    __slots__ = ()
    _op = "**"
    _backward_name = "PowBackward1"

    def _apply(self, g, create_graph=False):
        a = self._s0
        if a is None:
            _freed(self)
        b = self._s1
        base_zero = a == 0 and b >= 0
        exponent_zero = b == 0
        if create_graph:
            a = self._p0
            b = self._p1
            out = self
        else:
            out = _fpow(a, b)
        ga = 0.0 if exponent_zero else g * (b * _pow(a, b - 1.0))
        gb = 0.0 if base_zero else g * (out * _log(a))
        return (ga, gb)


class _RPowConst(_Unary):
    """c ** x for a constant c (in `_s1`): d/dx = c^x ln c (0 where c == 0 and x >= 0)."""
    __slots__ = ()
    _op = "**"
    _backward_name = "PowBackward2"

    def _apply(self, g, create_graph=False):
        x = self._s0
        if x is None:
            _freed(self)
        c = self._s1
        if c == 0 and x >= 0:
            return (0.0,)
        out = self if create_graph else _fpow(c, x)
        return (g * (out * _flog(c)),)


def _power(self, other):
    if isinstance(other, Scalar):
        a = self.data
        b = other.data
        return _binary(_Pow, self, other, _fpow(a, b), a, b)
    p = _number(other, "**")
    if p is None:
        return NotImplemented
    return _unary(_PowConst, self, _fpow_const(self.data, p), self.data, p)


def _rpow(self, other):
    c = _number(other, "**")
    if c is None:
        return NotImplemented
    return _unary(_RPowConst, self, _fpow(c, self.data), self.data, c)


# --------------------------------------------------------------------- functions of one Scalar
class _Smooth(_Unary):
    """Base of the ops whose backward is `g * derivative(v)`: `v` is the saved input (or
    output, for `_of_output` ops), and the parent (or the node itself) under create_graph."""
    __slots__ = ()
    _of_output = False

    def _apply(self, g, create_graph=False):
        v = self._s0
        if v is None:
            _freed(self)
        if create_graph:
            v = self if self._of_output else self._p0
        return (g * self._derivative(v),)


def _smooth(op, backward_name, forward, derivative, of_output, doc):
    """The node class and the method of a smooth function of one Scalar."""
    cls = type(f"_{backward_name[:-9]}", (_Smooth,), {
        "__slots__": (), "_op": op, "_backward_name": backward_name,
        "_derivative": staticmethod(derivative), "_of_output": of_output,
        "__module__": __name__})

    def method(self):
        x = self.data
        y = forward(x)
        return _unary(cls, self, y, y if of_output else x)
    method.__name__ = method.__qualname__ = op
    method.__doc__ = doc
    return cls, method


_Exp, exp = _smooth("exp", "ExpBackward0", _fexp, lambda y: y, True, "e ** self.")
_Log, log = _smooth("log", "LogBackward0", _flog, lambda x: _div(1.0, x), False,
                    "The natural logarithm (-inf at 0, NaN below).")
_Sqrt, sqrt = _smooth("sqrt", "SqrtBackward0", _fsqrt, lambda y: _div(0.5, y), True,
                      "The square root (NaN below 0).")
_Tanh, tanh = _smooth("tanh", "TanhBackward0", math.tanh, lambda y: 1.0 - y * y, True,
                      "The hyperbolic tangent.")
_Sigmoid, sigmoid = _smooth("sigmoid", "SigmoidBackward0", _fsigmoid,
                            lambda y: y * (1.0 - y), True, "1 / (1 + e ** -self).")
_Sin, sin = _smooth("sin", "SinBackward0", _fsin, lambda x: _cos(x), False, "The sine.")
_Cos, cos = _smooth("cos", "CosBackward0", _fcos, lambda x: -_sin(x), False, "The cosine.")
_Erf, erf = _smooth("erf", "ErfBackward0", math.erf,
                    lambda x: _TWO_OVER_SQRT_PI * _exp(-(x * x)), False,
                    "The error function 2/sqrt(pi) * integral of e^(-t^2) from 0 to self.")


class _Relu(_Unary):
    __slots__ = ()
    _op = "ReLU"
    _backward_name = "ReluBackward0"

    def _apply(self, g, create_graph=False):
        y = self._s0
        if y is None:
            _freed(self)
        return (0.0 if y <= 0 else g,)  # NaN passes the gradient, as in PyTorch


class _LeakyRelu(_Unary):
    __slots__ = ()
    _op = "leaky_relu"
    _backward_name = "LeakyReluBackward0"

    def _apply(self, g, create_graph=False):
        x = self._s0
        if x is None:
            _freed(self)
        return (g if x > 0 else g * self._s1,)


class _Abs(_Unary):
    __slots__ = ()
    _op = "abs"
    _backward_name = "AbsBackward0"

    def _apply(self, g, create_graph=False):
        x = self._s0
        if x is None:
            _freed(self)
        return (g * (1.0 if x > 0 else -1.0 if x < 0 else 0.0),)  # sign(NaN) = 0, as PyTorch


class _Gelu(_Unary):
    """gelu(x) = x Phi(x) (approximate='none'), or 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715
    x^3))) (approximate='tanh'), with the flag in `_s1`."""
    __slots__ = ()
    _op = "gelu"
    _backward_name = "GeluBackward0"

    def _apply(self, g, create_graph=False):
        x = self._s0
        if x is None:
            _freed(self)
        if create_graph:
            x = self._p0
        if self._s1 == "tanh":
            t = _tanh(_SQRT_2_OVER_PI * (x + _GELU_C * (x * x * x)))
            d = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_OVER_PI * (
                1.0 + 3.0 * _GELU_C * (x * x))
        else:
            d = 0.5 * (1.0 + _erf(x * _SQRT1_2)) + x * (_INV_SQRT_2PI * _exp(-0.5 * (x * x)))
        return (g * d,)


def relu(self):
    """max(self, 0); the gradient at 0 is 0, as PyTorch."""
    x = self.data
    y = 0.0 if x < 0 else x  # -0.0 and NaN pass through, as in PyTorch
    return _unary(_Relu, self, y, y)


def leaky_relu(self, negative_slope=0.01):
    """self if self > 0 else negative_slope * self (`nn.functional.leaky_relu`)."""
    slope = _number(negative_slope, "leaky_relu")
    if slope is None:
        raise TypeError(f"leaky_relu: negative_slope must be a real number, got "
                        f"{type(negative_slope).__name__}")
    x = self.data
    return _unary(_LeakyRelu, self, x if x > 0 else x * slope, x, slope)


def gelu(self, approximate="none"):
    """The Gaussian error linear unit x Phi(x) (`nn.functional.gelu`, with its
    `approximate='none' | 'tanh'`)."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    x = self.data
    if approximate == "tanh":
        y = 0.5 * x * (1.0 + math.tanh(_SQRT_2_OVER_PI * (x + _GELU_C * x * x * x)))
    else:
        y = 0.5 * x * (1.0 + math.erf(x * _SQRT1_2))
    return _unary(_Gelu, self, y, x, approximate)


def absolute(self):
    """|self| (also `abs(s)`); the gradient at 0 is 0, as PyTorch."""
    x = self.data
    return _unary(_Abs, self, abs(x), x)  # a float's abs: abs(-0.0) is 0.0


# --------------------------------------------------------------------- max / min
class _Maximum(_Binary):
    """max(a, b): the gradient goes to the larger one, half to each on a tie; a side gets none
    only where it lost, so with a NaN both get all of it (PyTorch's formula)."""
    __slots__ = ()
    _op = "max"
    _backward_name = "MaximumBackward0"
    _loses = staticmethod(operator.lt)  # a loses to b

    def _apply(self, g, create_graph=False):
        a = self._s0
        if a is None:
            _freed(self)
        b = self._s1
        if a == b:
            half = g * 0.5
            return (half, half)
        loses = self._loses
        return (0.0 if loses(a, b) else g, 0.0 if loses(b, a) else g)


class _Minimum(_Maximum):
    """min(a, b): as `_Maximum`, to the smaller one."""
    __slots__ = ()
    _op = "min"
    _backward_name = "MinimumBackward0"
    _loses = staticmethod(operator.gt)


def maximum(a, b):
    """max(a, b) with a gradient: to the larger one, split evenly on ties (as PyTorch's
    `maximum`). Either may be a Python number (a constant)."""
    return _minmax(_Maximum, a, b)


def minimum(a, b):
    """min(a, b) with a gradient: to the smaller one, split evenly on ties (as PyTorch's
    `minimum`). Either may be a Python number (a constant)."""
    return _minmax(_Minimum, a, b)


def _minmax(cls, a, b):
    a, b = (x if isinstance(x, Scalar) else Scalar(_operand(x, cls._op)) for x in (a, b))
    x, y = a.data, b.data
    if x != x or y != y:
        value = _nan
    elif cls is _Maximum:
        value = x if x >= y else y
    else:
        value = x if x <= y else y
    return _binary(cls, a, b, value, x, y)


def _operand(x, op):
    c = _number(x, op)
    if c is None:
        raise TypeError(f"{op}: expected a Scalar or a real number, got {type(x).__name__}")
    return c


# --------------------------------------------------------------------- binding
_METHODS = {
    "__add__": _add, "__radd__": _radd, "__sub__": _sub, "__rsub__": _rsub,
    "__mul__": _mul, "__rmul__": _rmul, "__truediv__": _truediv, "__rtruediv__": _rtruediv,
    "__pow__": _power, "__rpow__": _rpow, "__neg__": _neg, "__pos__": _pos, "__abs__": absolute,
    "add": _add, "sub": _sub, "mul": _mul, "div": _truediv, "pow": _power, "neg": _neg,
    "exp": exp, "log": log, "sqrt": sqrt, "tanh": tanh, "sigmoid": sigmoid, "relu": relu,
    "leaky_relu": leaky_relu, "gelu": gelu, "sin": sin, "cos": cos, "erf": erf, "abs": absolute,
    "maximum": maximum, "minimum": minimum, "max": maximum, "min": minimum,
}
for _name, _fn in _METHODS.items():
    setattr(Scalar, _name, _fn)
