"""Elementwise functions of one tensor: y = f(x), dL/dx = dL/dy * f'(x).

Each function is one line of the table below: the NumPy forward, the derivative written with
the saved value (the input `x` or the output `y`), and PyTorch's grad_fn name. The derivative
uses operators and `dual` helpers only, so it works on arrays (first-order backward) and on
Tensors (`create_graph=True`, higher order).

Functions that produce floats from integers (`exp`, `sqrt`, `sin`, ...) first convert integer
and bool tensors to the default float dtype, as PyTorch does.
"""
import numpy as np

from .. import dtypes as _dt
from .. import grad_mode as _grad_mode
from ..function import Op
from ..node import OUTPUT, TRUE1, edge, record
from ..tensor import Tensor
from . import dual

__all__ = ["neg", "abs", "sign", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
           "sqrt", "rsqrt", "reciprocal", "square", "sin", "cos", "tan", "tanh", "sinh",
           "cosh", "asin", "acos", "atan", "sigmoid", "relu", "erf", "floor", "ceil",
           "round", "trunc", "frac", "cast", "clone", "make_contiguous", "positive",
           "arcsin", "arccos", "arctan", "absolute", "negative", "nan_to_num"]

_LN2 = 0.6931471805599453
_LN10 = 2.302585092994046


class UnaryOp(Op):
    """y = fn(x); backward multiplies the gradient by derivative(saved), where `saved` is the
    input x or the output y (or nothing, when the derivative is constant). Subclasses are made
    by `_unary` below, each with its own forward and backward closures (the hot path)."""
    floating = True    # integer inputs are converted to the default float dtype first


def _bool_not_implemented(name):
    def refuse(input):
        raise NotImplementedError(f"{name.lower()}: not implemented for bool tensors (as in "
                                  f"PyTorch); convert first, e.g. x.float()")
    return refuse


def _bool_negation(input):
    raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                       "are trying to invert a mask, use the `~` or `logical_not()` operator "
                       "instead.")


# What an op that keeps integer dtypes does with a bool tensor, as PyTorch: refuse it, or
# compute it another way (`sign` is the identity; `square` counts in int64).
_BOOL_RULES = {"Neg": _bool_negation, "Abs": _bool_not_implemented("Abs"),
               "Floor": _bool_not_implemented("Floor"), "Ceil": _bool_not_implemented("Ceil"),
               "Trunc": _bool_not_implemented("Trunc"), "Frac": _bool_not_implemented("Frac"),
               "Sign": lambda input: input.clone(),
               "Square": lambda input: square(cast(input, _dt.int64))}


def _unary(name, backward_name, fn, derivative, saves="x", floating=True, backward=None):
    """The op class and function of y = fn(x) with dL/dx = g * derivative(saved), or with a
    whole `backward(ctx, g)` formula (one call fewer, for the hottest ops)."""
    if backward is None:
        backward = _derivative_backward(derivative, saves)
    cls = type(name, (UnaryOp,), {"backward_name": backward_name,
                                  "backward": staticmethod(backward),
                                  "floating": floating, "__module__": __name__})
    apply = _unary_apply(cls, fn, saves)
    cls.apply = staticmethod(apply)
    return cls, apply


def _derivative_backward(derivative, saves):
    if saves is None:  # a constant derivative: it maps the gradient itself
        def backward(ctx, g):
            return derivative(g)
    else:
        def backward(ctx, g):
            v, = ctx.saved_tensors
            return g * derivative(v)
    return backward


def _unary_apply(cls, fn, saves):
    """The function of one elementwise op (`autograd.tanh`, also `Tanh.apply`): forward and
    recording in one function, the hot path. Saves the input (`saves="x"`), the output ("y")
    or nothing (None). A non-float input is converted first (`cls.floating`) or handled by
    the op's bool rule, as in PyTorch."""
    node_cls, name, floating = cls._node_cls, cls.__name__, cls.floating
    save_x, save_y = saves == "x", saves == "y"
    ndarray, asarray, wrap, new = np.ndarray, np.asarray, Tensor._wrap, object.__new__
    grad_mode = _grad_mode.state

    def apply(input, *, out=None):
        x = input._data
        if out is not None or x.dtype.kind != "f":
            return _unary_slow(apply, fn, name, floating, input, out)
        y = fn(x)
        if y.__class__ is not ndarray:  # 0-d results come back as NumPy scalars
            y = asarray(y)
        if not (input._rg and grad_mode.grad_enabled):
            return wrap(y, None)
        node = new(node_cls)
        node.needs_input_grad = TRUE1
        f = input.grad_fn
        result = record(node, y, (f, input._output_nr) if f is not None else edge(input))
        node._saved = ((x, input, input._vc, input._vc[0]),) if save_x else \
            ((y, OUTPUT, result._vc, 0, 0),) if save_y else None
        return result
    apply.__name__ = apply.__qualname__ = name.lower()
    apply.__doc__ = f"Elementwise {apply.__name__} (PyTorch's torch.{apply.__name__})."
    return apply


def _unary_slow(apply, fn, name, floating, input, out):
    """An elementwise op on a non-float input, or with `out=`."""
    if input._data.dtype.kind != "f":
        if floating:
            input = cast(input, _dt.get_default_dtype())
        elif input._data.dtype.kind == "b" and name in _BOOL_RULES:
            result = _BOOL_RULES[name](input)
            return result if out is None else _write_out(result, out)
        else:  # integers keep their dtype (neg, abs, sign, ...), and have no gradient
            result = Tensor._wrap(np.asarray(fn(input._data)), None)
            return result if out is None else _write_out(result, out)
    result = apply(input)
    return result if out is None else _write_out(result, out)


def _sigmoid_array(x):
    """1 / (1 + exp(-x)) without overflow: exp is only taken of non-positive numbers."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _zero_grad(g):
    return g * 0


def _tanh_backward(ctx, g):
    y, = ctx.saved_tensors
    return g * dual.one_minus(y * y)


def _sigmoid_backward(ctx, g):
    y, = ctx.saved_tensors
    return g * (y * dual.one_minus(y))


# name, grad_fn name, forward, derivative (of the saved value), saves, floating
Neg, neg = _unary("Neg", "NegBackward0", np.negative, dual.neg, None, floating=False)
Abs, abs = _unary("Abs", "AbsBackward0", np.abs, dual.sign, "x", floating=False)  # noqa: A001
Sign, sign = _unary("Sign", "SignBackward0", dual.sign_array, _zero_grad, None, floating=False)
Exp, exp = _unary("Exp", "ExpBackward0", np.exp, lambda y: y, "y")
Exp2, exp2 = _unary("Exp2", "Exp2Backward0", np.exp2, lambda y: y * _LN2, "y")
Expm1, expm1 = _unary("Expm1", "Expm1Backward0", np.expm1, lambda y: y + 1, "y")
Log, log = _unary("Log", "LogBackward0", np.log, lambda x: 1 / x)
Log2, log2 = _unary("Log2", "Log2Backward0", np.log2, lambda x: 1 / (x * _LN2))
Log10, log10 = _unary("Log10", "Log10Backward0", np.log10, lambda x: 1 / (x * _LN10))
Log1p, log1p = _unary("Log1p", "Log1pBackward0", np.log1p, lambda x: 1 / (x + 1))
Sqrt, sqrt = _unary("Sqrt", "SqrtBackward0", np.sqrt, lambda y: 0.5 / y, "y")
Rsqrt, rsqrt = _unary("Rsqrt", "RsqrtBackward0", lambda x: 1 / np.sqrt(x),
                      lambda y: -0.5 * y * y * y, "y")
Reciprocal, reciprocal = _unary("Reciprocal", "ReciprocalBackward0", np.reciprocal,
                                lambda y: -(y * y), "y")
Square, square = _unary("Square", "PowBackward0", np.square, lambda x: 2 * x, floating=False)
Sin, sin = _unary("Sin", "SinBackward0", np.sin, dual.cos)
Cos, cos = _unary("Cos", "CosBackward0", np.cos, lambda x: -dual.sin(x))
Tan, tan = _unary("Tan", "TanBackward0", np.tan, lambda y: 1 + y * y, "y")
Tanh, tanh = _unary("Tanh", "TanhBackward0", np.tanh, None, "y", backward=_tanh_backward)
Sinh, sinh = _unary("Sinh", "SinhBackward0", np.sinh, lambda x: dual.cosh(x))
Cosh, cosh = _unary("Cosh", "CoshBackward0", np.cosh, lambda x: dual.sinh(x))
Asin, asin = _unary("Asin", "AsinBackward0", np.arcsin, lambda x: 1 / dual.sqrt(1 - x * x))
Acos, acos = _unary("Acos", "AcosBackward0", np.arccos, lambda x: -1 / dual.sqrt(1 - x * x))
Atan, atan = _unary("Atan", "AtanBackward0", np.arctan, lambda x: 1 / (1 + x * x))
Sigmoid, sigmoid = _unary("Sigmoid", "SigmoidBackward0", _sigmoid_array, None, "y",
                          backward=_sigmoid_backward)
Erf, erf = _unary("Erf", "ErfBackward0", lambda x: _erf(x), dual.erf_grad)
Floor, floor = _unary("Floor", "FloorBackward0", np.floor, _zero_grad, None, floating=False)
Ceil, ceil = _unary("Ceil", "CeilBackward0", np.ceil, _zero_grad, None, floating=False)
Trunc, trunc = _unary("Trunc", "TruncBackward0", np.trunc, _zero_grad, None, floating=False)
Frac, frac = _unary("Frac", "FracBackward0", lambda x: x - np.trunc(x), lambda g: g, None,
                    floating=False)


class Relu(Op):
    """relu(x) = max(x, 0); the gradient passes where the output is not <= 0. As PyTorch,
    -0 and NaN pass through unchanged, and so does the gradient at NaN."""
    backward_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        y = np.where(x < 0, 0, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * ~(y <= 0)


def relu(input):
    """max(input, 0) elementwise."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


class Round(Op):
    """Round half to even (as PyTorch), optionally to `decimals`; zero gradient."""
    backward_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x, decimals)

    @staticmethod
    def backward(ctx, g):
        return g * 0


def round(input, *, decimals=0):  # noqa: A001
    if input._data.dtype.kind == "b":
        _bool_not_implemented("Round")(input)
    return Round.apply(input, decimals=decimals)


def _erf(x):
    """The error function, vectorised: math.erf is exact but scalar, so use it through
    np.frompyfunc only for small arrays and a high-accuracy rational form otherwise."""
    import math
    if x.size <= 64:
        return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.ndim else \
            np.asarray(math.erf(float(x)), dtype=x.dtype)
    try:
        from scipy.special import erf as sp_erf
        return sp_erf(x).astype(x.dtype, copy=False)
    except ImportError:
        return np.vectorize(math.erf, otypes=[x.dtype])(x)


class Cast(Op):
    """A dtype conversion; the gradient is converted back to the input's dtype."""
    backward_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype=None, copy=False):
        ctx.in_dtype = x.dtype
        return x.astype(np_dtype, copy=copy)

    @staticmethod
    def backward(ctx, g):
        return dual.cast(g, ctx.in_dtype)


def cast(input, dtype, copy=False):
    """`input` converted to `dtype` (differentiable between floating dtypes)."""
    np_dtype = _dt.to_numpy_dtype(dtype)
    if input._data.dtype == np_dtype and not copy:
        return input
    if np_dtype.kind != "f":  # integer results carry no gradient
        return Tensor._wrap(input._data.astype(np_dtype, copy=copy), None)
    return Cast.apply(input, np_dtype=np_dtype, copy=copy)


class Clone(Op):
    """A copy with its own memory (C-contiguous); the gradient passes through."""
    backward_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.array(x, copy=True, order="C")

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    """A copy of `input` that stays connected to the graph."""
    return Clone.apply(input)


make_contiguous = clone


def positive(input):
    return input


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities (no gradient through the replaced places)."""
    bad = ~np.isfinite(input._data)
    finfo = np.finfo(input._data.dtype) if input._data.dtype.kind == "f" else None
    fill = np.nan_to_num(input._data, nan=nan,
                         posinf=posinf if posinf is not None else (finfo.max if finfo else None),
                         neginf=neginf if neginf is not None else (finfo.min if finfo else None))
    if not bad.any():
        return input
    from .select import where
    return where(Tensor._wrap(bad, None), Tensor._wrap(fill, None), input)


def _write_out(result, out):
    if out is None:
        return result
    from .inplace import copy_
    return copy_(out, result)


arcsin, arccos, arctan = asin, acos, atan
absolute, negative = abs, neg
