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
detection can name the op that produced them.
"""
import math
import numbers

import numpy as np

from . import anomaly as _anomaly
from . import grad_mode as _gm
from .scalar import Scalar

__all__ = ["maximum", "minimum"]

_new = object.__new__
_grad_state = _gm.state
_anomaly_state = _anomaly.state
_inf = math.inf
_nan = math.nan
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715


# --------------------------------------------------------------------- IEEE float helpers
def _fdiv(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return _nan
        return math.copysign(_inf, a) * math.copysign(1.0, b)


def _fpow(a, b):
    try:
        r = a ** b
    except ZeroDivisionError:  # 0 ** negative: inf, signed for -0.0 ** odd integer
        odd = b == int(b) and int(b) % 2 == 1
        return math.copysign(_inf, a) if odd else _inf
    except OverflowError:
        odd = b == int(b) and int(b) % 2 == 1
        return -_inf if (a < 0 and odd) else _inf
    if r.__class__ is complex:  # a negative base to a non-integer power
        return _nan
    return r


def _fexp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return _inf


def _flog(x):
    if x > 0:
        return math.log(x)
    if x == 0:
        return -_inf
    return _nan  # negative or NaN


def _fsqrt(x):
    return math.sqrt(x) if x >= 0 else _nan


def _fsin(x):
    return math.sin(x) if math.isfinite(x) else _nan


def _fcos(x):
    return math.cos(x) if math.isfinite(x) else _nan


def _fsigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = _fexp(x)
    return e / (1.0 + e)


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


# --------------------------------------------------------------------- recording
def _unary(cls, x, value, s0, s1=None):
    """The result of op `cls` on Scalar `x` (saving `s0`, `s1` for backward): a recorded
    node, or a leaf under no_grad."""
    if _grad_state.grad_enabled:
        out = _new(cls)
        out.next_functions = ((x, 0),)
        out._s0 = s0
        out._s1 = s1
    else:
        out = _new(Scalar)
        out.next_functions = ()
    out.data = value
    out.grad = 0.0
    if _anomaly_state.enabled:
        _check_forward(out, cls)
    return out


def _binary(cls, a, b, value, s0, s1):
    """The result of op `cls` on Scalars `a` and `b` (saving `s0`, `s1` for backward)."""
    if _grad_state.grad_enabled:
        out = _new(cls)
        out.next_functions = ((a, 0), (b, 0))
        out._s0 = s0
        out._s1 = s1
    else:
        out = _new(Scalar)
        out.next_functions = ()
    out.data = value
    out.grad = 0.0
    if _anomaly_state.enabled:
        _check_forward(out, cls)
    return out


def _check_forward(out, cls):
    if out.next_functions:
        out._trace = _anomaly.user_frame()
    if not math.isfinite(out.data):
        trace = out._trace or _anomaly.user_frame()
        op = out._op if out.next_functions else cls._op
        if not isinstance(op, str):  # _PowConst names its exponent through a property
            op = "**"
        raise RuntimeError(f"anomaly detected in the forward pass: operation '{op}' "
                           f"({cls._backward_name}) produced {out.data} (a NaN or an "
                           f"infinity), called from {trace}")


def _freed(node):
    raise RuntimeError(
        f"Trying to backward through the graph a second time (or to read saved values after "
        f"they were freed): {node.name()} (the Scalar op '{node._op}') has already released "
        f"what it saved. Saved values are freed by .backward() and autograd.grad(); pass "
        f"retain_graph=True to the first call if you need to backward through the graph "
        f"again.")


def _number(x, op):
    """A Python-number operand as a float; None if `x` is not a number (-> NotImplemented)."""
    cls = x.__class__
    if cls is float:
        return x
    if cls is int or isinstance(x, numbers.Real):
        return float(x)
    if hasattr(x, "grad_fn") and hasattr(x, "shape"):
        raise TypeError(f"'{op}' between a Scalar and a Tensor: convert one side first, with "
                        f"s.to_tensor() or autograd.Scalar.from_tensor(t)")
    return None


class _SavesNothing(Scalar):
    """Base of the ops whose backward needs no saved value (add, sub, neg)."""
    __slots__ = ()

    def _release(self):
        pass


class _Saves(Scalar):
    """Base of the ops that save values: release frees them."""
    __slots__ = ()

    def _release(self):
        self._s0 = None


# --------------------------------------------------------------------- + - neg
class _Add(_SavesNothing):
    __slots__ = ()
    _op = "+"
    _backward_name = "AddBackward0"

    def _apply(self, g, create_graph):
        return (g, g)


class _AddConst(_SavesNothing):
    __slots__ = ()
    _op = "+"
    _backward_name = "AddBackward0"

    def _apply(self, g, create_graph):
        return (g,)


class _Sub(_SavesNothing):
    __slots__ = ()
    _op = "-"
    _backward_name = "SubBackward0"

    def _apply(self, g, create_graph):
        return (g, -g)


class _RSubConst(_SavesNothing):
    __slots__ = ()
    _op = "-"
    _backward_name = "RsubBackward1"

    def _apply(self, g, create_graph):
        return (-g,)


class _Neg(_SavesNothing):
    __slots__ = ()
    _op = "neg"
    _backward_name = "NegBackward0"

    def _apply(self, g, create_graph):
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
class _Mul(_Saves):
    __slots__ = ()
    _op = "*"
    _backward_name = "MulBackward0"

    def _apply(self, g, create_graph):
        a = self._s0
        if a is None:
            _freed(self)
        if create_graph:
            (a, _), (b, _) = self.next_functions
            return (g * b, g * a)
        return (g * self._s1, g * a)


class _MulConst(_Saves):
    __slots__ = ()
    _op = "*"
    _backward_name = "MulBackward0"

    def _apply(self, g, create_graph):
        c = self._s0
        if c is None:
            _freed(self)
        return (g * c,)


class _Div(_Saves):
    __slots__ = ()
    _op = "/"
    _backward_name = "DivBackward0"

    def _apply(self, g, create_graph):
        a = self._s0
        if a is None:
            _freed(self)
        b = self._s1
        if create_graph:
            (a, _), (b, _) = self.next_functions
        return (_div(g, b), _div(-g * a, b * b))


class _DivConst(_Saves):
    __slots__ = ()
    _op = "/"
    _backward_name = "DivBackward0"

    def _apply(self, g, create_graph):
        c = self._s0
        if c is None:
            _freed(self)
        return (_div(g, c),)


class _RDivConst(_Saves):
    """c / x, with the constant c in `_s1`."""
    __slots__ = ()
    _op = "/"
    _backward_name = "DivBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        if create_graph:
            x = self.next_functions[0][0]
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
class _PowConst(_Saves):
    """x ** p for a constant p (in `_s1`): d/dx = p x^(p-1), and 0 where p == 0."""
    __slots__ = ()
    _backward_name = "PowBackward0"

    @property
    def _op(self):
        p = self._s1
        return f"**{int(p) if p == int(p) else p}" if math.isfinite(p) else f"**{p}"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        p = self._s1
        if p == 0:
            return (0.0,)
        if create_graph:
            x = self.next_functions[0][0]
        return (g * (p * _pow(x, p - 1.0)),)


class _Pow(_Saves):
    """a ** b for Scalars a, b: d/da = b a^(b-1) (0 where b == 0), d/db = a^b ln a (0 where
    a == 0 and b >= 0), as PyTorch."""
    __slots__ = ()
    _op = "**"
    _backward_name = "PowBackward1"

    def _apply(self, g, create_graph):
        a = self._s0
        if a is None:
            _freed(self)
        b = self._s1
        base_zero = a == 0 and b >= 0
        exponent_zero = b == 0
        if create_graph:
            (a, _), (b, _) = self.next_functions
            out = self
        else:
            out = _fpow(a, b)
        ga = 0.0 if exponent_zero else g * (b * _pow(a, b - 1.0))
        gb = 0.0 if base_zero else g * (out * _log(a))
        return (ga, gb)


class _RPowConst(_Saves):
    """c ** x for a constant c (in `_s1`): d/dx = c^x ln c (0 where c == 0 and x >= 0)."""
    __slots__ = ()
    _op = "**"
    _backward_name = "PowBackward2"

    def _apply(self, g, create_graph):
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
    return _unary(_PowConst, self, _fpow(self.data, p), self.data, p)


def _rpow(self, other):
    c = _number(other, "**")
    if c is None:
        return NotImplemented
    return _unary(_RPowConst, self, _fpow(c, self.data), self.data, c)


# --------------------------------------------------------------------- functions of one Scalar
class _Exp(_Saves):
    __slots__ = ()
    _op = "exp"
    _backward_name = "ExpBackward0"

    def _apply(self, g, create_graph):
        y = self._s0
        if y is None:
            _freed(self)
        return (g * (self if create_graph else y),)


class _Log(_Saves):
    __slots__ = ()
    _op = "log"
    _backward_name = "LogBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        return (_div(g, self.next_functions[0][0] if create_graph else x),)


class _Sqrt(_Saves):
    __slots__ = ()
    _op = "sqrt"
    _backward_name = "SqrtBackward0"

    def _apply(self, g, create_graph):
        y = self._s0
        if y is None:
            _freed(self)
        return (_div(g, 2.0 * (self if create_graph else y)),)


class _Tanh(_Saves):
    __slots__ = ()
    _op = "tanh"
    _backward_name = "TanhBackward0"

    def _apply(self, g, create_graph):
        y = self._s0
        if y is None:
            _freed(self)
        if create_graph:
            y = self
        return (g * (1.0 - y * y),)


class _Sigmoid(_Saves):
    __slots__ = ()
    _op = "sigmoid"
    _backward_name = "SigmoidBackward0"

    def _apply(self, g, create_graph):
        y = self._s0
        if y is None:
            _freed(self)
        if create_graph:
            y = self
        return (g * (y * (1.0 - y)),)


class _Relu(_Saves):
    __slots__ = ()
    _op = "ReLU"
    _backward_name = "ReluBackward0"

    def _apply(self, g, create_graph):
        y = self._s0
        if y is None:
            _freed(self)
        return (g if y > 0 else 0.0,)


class _LeakyRelu(_Saves):
    __slots__ = ()
    _op = "leaky_relu"
    _backward_name = "LeakyReluBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        return (g if x > 0 else g * self._s1,)


class _Abs(_Saves):
    __slots__ = ()
    _op = "abs"
    _backward_name = "AbsBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        return (g * (1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else _nan),)


class _Sin(_Saves):
    __slots__ = ()
    _op = "sin"
    _backward_name = "SinBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        return (g * _cos(self.next_functions[0][0] if create_graph else x),)


class _Cos(_Saves):
    __slots__ = ()
    _op = "cos"
    _backward_name = "CosBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        return (-(g * _sin(self.next_functions[0][0] if create_graph else x)),)


class _Erf(_Saves):
    __slots__ = ()
    _op = "erf"
    _backward_name = "ErfBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        if create_graph:
            x = self.next_functions[0][0]
        return (g * (_TWO_OVER_SQRT_PI * _exp(-(x * x))),)


class _Gelu(_Saves):
    """gelu(x) = x Phi(x) (approximate='none'), or 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715
    x^3))) (approximate='tanh'), with the flag in `_s1`."""
    __slots__ = ()
    _op = "gelu"
    _backward_name = "GeluBackward0"

    def _apply(self, g, create_graph):
        x = self._s0
        if x is None:
            _freed(self)
        if create_graph:
            x = self.next_functions[0][0]
        if self._s1 == "tanh":
            t = _tanh(_SQRT_2_OVER_PI * (x + _GELU_C * (x * x * x)))
            d = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_OVER_PI * (
                1.0 + 3.0 * _GELU_C * (x * x))
        else:
            d = 0.5 * (1.0 + _erf(x * _SQRT1_2)) + x * (_INV_SQRT_2PI * _exp(-0.5 * (x * x)))
        return (g * d,)


def exp(self):
    """e ** self."""
    y = _fexp(self.data)
    return _unary(_Exp, self, y, y)


def log(self):
    """The natural logarithm (-inf at 0, NaN below)."""
    x = self.data
    return _unary(_Log, self, _flog(x), x)


def sqrt(self):
    """The square root (NaN below 0)."""
    y = _fsqrt(self.data)
    return _unary(_Sqrt, self, y, y)


def tanh(self):
    """The hyperbolic tangent."""
    y = math.tanh(self.data)
    return _unary(_Tanh, self, y, y)


def sigmoid(self):
    """1 / (1 + e ** -self)."""
    y = _fsigmoid(self.data)
    return _unary(_Sigmoid, self, y, y)


def relu(self):
    """max(self, 0); the gradient at 0 is 0, as PyTorch."""
    x = self.data
    y = 0.0 if x <= 0 else x
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


def sin(self):
    x = self.data
    return _unary(_Sin, self, _fsin(x), x)


def cos(self):
    x = self.data
    return _unary(_Cos, self, _fcos(x), x)


def erf(self):
    """The error function 2/sqrt(pi) * integral of e^(-t^2) from 0 to self."""
    x = self.data
    return _unary(_Erf, self, math.erf(x), x)


def abs(self):  # noqa: A001
    """|self|; the gradient at 0 is 0, as PyTorch."""
    x = self.data
    return _unary(_Abs, self, x if x >= 0 else -x, x)


# --------------------------------------------------------------------- max / min
class _Maximum(_Saves):
    __slots__ = ()
    _op = "max"
    _backward_name = "MaximumBackward0"
    _better = 1.0

    def _apply(self, g, create_graph):
        a = self._s0
        if a is None:
            _freed(self)
        b = self._s1
        wins = 0.5 if a == b else (1.0 if (a > b) == (self._better > 0) else 0.0)
        return (g * wins, g * (1.0 - wins))


class _Minimum(_Maximum):
    __slots__ = ()
    _op = "min"
    _backward_name = "MinimumBackward0"
    _better = -1.0


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


# --------------------------------------------------------------------- the Tensor bridge
class FromTensor(Scalar):
    """The node of `Scalar.from_tensor(t)`: hands the Scalar's gradient to `t`'s graph as an
    array of `t`'s shape (a constant Tensor under create_graph). Saves (shape, dtype)."""
    __slots__ = ()
    _op = "from_tensor"
    _backward_name = "FromTensorBackward"

    def _release(self):
        pass

    def _apply(self, g, create_graph):
        shape, dtype = self._s0
        arr = np.full(shape, getattr(g, "data", g), dtype=dtype)
        if create_graph:
            from .tensor import Tensor
            return (Tensor._wrap(arr, None),)
        return (arr,)


# --------------------------------------------------------------------- binding
_METHODS = {
    "__add__": _add, "__radd__": _radd, "__sub__": _sub, "__rsub__": _rsub,
    "__mul__": _mul, "__rmul__": _rmul, "__truediv__": _truediv, "__rtruediv__": _rtruediv,
    "__pow__": _power, "__rpow__": _rpow, "__neg__": _neg, "__pos__": _pos, "__abs__": abs,
    "add": _add, "sub": _sub, "mul": _mul, "div": _truediv, "pow": _power, "neg": _neg,
    "exp": exp, "log": log, "sqrt": sqrt, "tanh": tanh, "sigmoid": sigmoid, "relu": relu,
    "leaky_relu": leaky_relu, "gelu": gelu, "sin": sin, "cos": cos, "erf": erf, "abs": abs,
    "maximum": maximum, "minimum": minimum, "max": maximum, "min": minimum,
}
for _name, _fn in _METHODS.items():
    setattr(Scalar, _name, _fn)
