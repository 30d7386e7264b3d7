"""Registry entries for what `Tensor` adds to the ops of `autograd.ops`: the in-place
variants (`x.exp_()`, each on a clone, from the out-of-place entry's arguments), the Python
operators (`a + b`, `2.0 / a`, `a @ b`, `y += b`, with their fast paths for Python floats),
the methods `where`, `T`/`mT`, and the dtype and layout conversions (`to`, `double`,
`contiguous`, ...). Imported by `op_registry` to complete `REGISTRY`; each entry's `op` is
the method's name, which `tests/test_ops_property.py` checks against Tensor's methods.
"""
import operator

import numpy as np
from hypothesis import strategies as st

from .cases import binary, bool_mask, matrices, unary
from .op_registry import REGISTRY, register
from .strategies import away_from, finite, positive, tensors

__all__ = ["INPLACE_BASES"]

# in-place method -> the out-of-place entry whose arguments it takes (x first, then the rest
# in the same order)
INPLACE_BASES = {
    **{n: n for n in [
        "neg", "abs", "sign", "exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
        "reciprocal", "square", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor",
        "ceil", "round", "trunc", "frac", "add", "sub", "mul", "div", "pow", "clamp",
        "remainder", "fmod", "lerp", "masked_fill", "index_add", "index_fill", "scatter",
        "scatter_add", "atan2", "nan_to_num", "maximum", "minimum", "erf", "tril", "triu",
        "masked_scatter"]},
    "clip": "clamp", "true_divide": "div", "subtract": "sub", "multiply": "mul",
    "divide": "div", "absolute": "abs", "negative": "neg",
    # in-place views: the clone's shape or strides change
    "unsqueeze": "unsqueeze", "transpose": "transpose", "swapaxes": "transpose",
    "swapdims": "transpose", "t": "t",
}
_NOT_IN_TORCH = {"maximum", "minimum"}  # glassgrad's extra maximum_ / minimum_


_BROADCASTING = {"add", "sub", "mul", "div", "pow", "remainder", "fmod", "lerp", "atan2",
                 "maximum", "minimum"}


def _keeps_shape(args):
    """In place, the result must have x's shape: the other operands broadcast into it."""
    shapes = [tuple(a.shape) for a in args if hasattr(a, "shape")]
    return np.broadcast_shapes(*shapes) == shapes[0]


def _inplace_call(method):
    return lambda lib, x, *rest: getattr(x.clone(), method)(*rest)


for _name, _base in INPLACE_BASES.items():
    _args = REGISTRY[_base].args
    register(f"{_name}_", _inplace_call(f"{_name}_"),
             _args.filter(_keeps_shape) if _base in _BROADCASTING else _args,
             parity=_name not in _NOT_IN_TORCH)
register("index_put_", lambda lib, x, i, v, a: x.clone().index_put_(i, v, accumulate=a),
         REGISTRY["index_put"].args)
register("squeeze_", lambda lib, x, d: x.clone().squeeze_() if d is None else
         x.clone().squeeze_(d), REGISTRY["squeeze"].args)

# ------------------------------------------------------------------ Python operators
_BINARY_OPERATORS = {
    "__add__": (operator.add, None), "__sub__": (operator.sub, None),
    "__mul__": (operator.mul, None), "__truediv__": (operator.truediv, away_from(0)),
    "__mod__": (operator.mod, away_from(0, margin=0.5)),
}
for _name, (_fn, _b) in _BINARY_OPERATORS.items():
    register(_name, (lambda f: lambda lib, a, b: f(a, b))(_fn), binary(None, _b))
register("__pow__", lambda lib, a, b: a ** b, binary(positive(), None))
register("__matmul__", lambda lib, a, b: a @ b, matrices("nk", "km"))
register("__neg__", lambda lib, x: -x, unary())
register("__pos__", lambda lib, x: +x, unary())
register("__abs__", lambda lib, x: abs(x), unary(away_from(0)))

# a Python number on either side (the operators' fast paths), and the reflected operators:
# (name, operator, elements of x for `x op s`, of x for `s op x`); x % s jumps where x / s is
# an integer, s % x where s / x is
_SCALARS = st.sampled_from([2.5, -1.5, 3])
_MULTIPLES = away_from(-3, -2.5, -1.5, 0, 1.5, 2.5, 3, margin=0.05)
for _name, _fn, _left, _right in [
        ("__add__", operator.add, None, None), ("__sub__", operator.sub, None, None),
        ("__mul__", operator.mul, None, None),
        ("__truediv__", operator.truediv, None, away_from(0, margin=0.3)),
        ("__pow__", operator.pow, positive(), None),
        ("__mod__", operator.mod, _MULTIPLES, finite(1.6, 2.4) | finite(-2.4, -1.6))]:
    register(f"{_name}[scalar]", (lambda f: lambda lib, x, s: f(x, s))(_fn),
             st.tuples(tensors(elements=_left), _SCALARS), op=_name)
    register("__r" + _name[2:], (lambda f: lambda lib, x, s: f(abs(s) if f is operator.pow
                                                               else s, x))(_fn),
             st.tuples(tensors(elements=_right), _SCALARS))
register("__rmatmul__", lambda lib, a, b: b.__rmatmul__(a), matrices("nk", "km"))

# in place on a clone: y = x.clone(); y op= b
for _name, _fn, _b in [("__iadd__", operator.iadd, None), ("__isub__", operator.isub, None),
                       ("__imul__", operator.imul, None),
                       ("__itruediv__", operator.itruediv, away_from(0))]:
    register(_name, (lambda f: lambda lib, a, b: f(a.clone(), b))(_fn),
             binary(None, _b).filter(_keeps_shape))
register("__ipow__", lambda lib, a, b: operator.ipow(a.clone(), b),
         binary(positive(), None).filter(_keeps_shape))
register("__setitem__", REGISTRY["setitem"].call, REGISTRY["setitem"].args)
register("__getitem__", REGISTRY["getitem"].call, REGISTRY["getitem"].args)

# ------------------------------------------------------------------ methods and properties
register("Tensor.where", lambda lib, c, a, b: a.where(c, b),
         binary().flatmap(lambda ab: st.tuples(bool_mask(ab[0].shape), st.just(ab[0]),
                                               st.just(ab[1]))), op="where")
register("T", lambda lib, x: x.T, unary(max_dims=2))
register("mT", lambda lib, x: x.mT, unary(min_dims=2))
register("H", lambda lib, x: x.H, unary(max_dims=2).filter(lambda a: a[0].ndim != 1))
register("mH", lambda lib, x: x.mH, unary(min_dims=2))

# ------------------------------------------------------------------ conversions
register("to", lambda lib, x: x.to(lib.float64), unary())
register("to[copy]", lambda lib, x: x.to(dtype=lib.float64, copy=True), unary(), op="to")
register("type", lambda lib, x: x.type(lib.float64), unary())
register("type_as", lambda lib, x, y: x.type_as(y),
         st.tuples(tensors(), tensors(shape=(1,), requires_grad=False)))
register("double", lambda lib, x: x.double(), unary())
register("contiguous", lambda lib, x: x.contiguous(), unary())
register("cpu", lambda lib, x: x.cpu(), unary())
# to float32 / float16: differences in the low precision output lose most digits, so only
# the gradient's shape and dtype (float64, the input's) are checked here; the values of the
# gradient are compared with PyTorch's in the parity test
_LOW_PRECISION = ("grad_meta", "inputs_unchanged")
register("float", lambda lib, x: x.float(), unary(finite(-2, 2)), checks=_LOW_PRECISION)
register("half", lambda lib, x: x.half(), unary(finite(-2, 2)), checks=_LOW_PRECISION)
register("to[float32]", lambda lib, x: x.to(lib.float32), unary(), op="to",
         checks=_LOW_PRECISION)
