"""Arithmetic of two operands (add, sub, mul, div and its rounding modes, remainder, fmod),
with broadcasting and PyTorch's type promotion; and what every broadcasting binary op shares.

Forward: NumPy broadcasts the operands. Backward: each operand's gradient is the output
gradient times the partial derivative, summed back to the operand's shape by `dual.sum_to`
(the one place broadcasting is undone). A Python number operand stays a Python number (NumPy
treats it as a weak scalar, like PyTorch) and gets no gradient.

    add:  d(a+b)/da = 1            d(a+b)/db = 1
    sub:  d(a-b)/da = 1            d(a-b)/db = -1
    mul:  d(ab)/da  = b            d(ab)/db  = a
    div:  d(a/b)/da = 1/b          d(a/b)/db = -a/b^2

The shared machinery lives here: `result_type` and `promote` (type promotion), `BinaryOp`
(whose forward is generated: it is on the hot path), `_reduce_grads` and `_binary` (the
public function of an op). The other two-operand families build on it: `binary_math` (pow,
atan2, hypot, xlogy, logaddexp, lerp), `select` (maximum/minimum, where, clamp, fmax/fmin)
and `compare` (comparisons, logical and bitwise ops, without gradients).
"""
import numpy as np

from .. import dtypes as _dt
from .. import grad_mode as _grad_mode
from ..function import Op, OpNode
from ..node import CONSTANTS, NEEDS2, NO_EDGE, OUTPUT, SAVED_NONE, constant, edge, record
from ..tensor import Tensor
from . import dual
from .elementwise import cast

__all__ = ["add", "sub", "mul", "div", "true_divide", "remainder", "fmod", "floor_divide",
           "promote", "result_type", "subtract", "multiply", "divide", "rsub"]


_NUMBER = (int, float, bool, np.number, np.bool_)
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _category_of_number(x):
    if isinstance(x, (bool, np.bool_)):
        return 0
    if isinstance(x, (int, np.integer)):
        return 1
    return 2


def result_type(a, b):
    """PyTorch's result dtype for two operands (tensors or Python numbers).

    Categories bool < integer < float. Dimensioned tensors outrank 0-d tensors, which outrank
    Python numbers; within the highest category present, only operands of the highest rank
    decide the width. A category reached only through Python numbers gives the default dtype
    of that category (float32 for floats, int64 for ints).
    """
    ops = []
    for x in (a, b):
        if isinstance(x, Tensor):
            kind = x._data.dtype.kind
            ops.append((_CATEGORY[kind], 2 if x._data.ndim else 1, x._data.dtype))
        else:
            ops.append((_category_of_number(x), 0, None))
    top = max(c for c, _, _ in ops)
    tops = [(rank, dt) for c, rank, dt in ops if c == top]
    best = max(rank for rank, _ in tops)
    if best == 0:
        return _dt.get_default_dtype().np if top == 2 else (np.dtype(np.int64) if top == 1
                                                             else np.dtype(np.bool_))
    dts = [dt for rank, dt in tops if rank == best]
    return np.result_type(*dts)


def promote(a, b):
    """Operands converted to their common dtype (tensors cast differentiably; numbers kept)."""
    a_t = isinstance(a, Tensor)
    b_t = isinstance(b, Tensor)
    if a_t and b_t and a._data.dtype == b._data.dtype:
        return a, b
    if not b_t and not isinstance(b, _NUMBER):
        b = _as_operand(b, a)
        b_t = isinstance(b, Tensor)
    if not a_t and not isinstance(a, _NUMBER):
        a = _as_operand(a, b)
        a_t = isinstance(a, Tensor)
    target = result_type(a, b)
    if a_t and a._data.dtype != target:
        a = cast(a, target)
    if b_t and b._data.dtype != target:
        b = cast(b, target)
    return a, b


def _as_operand(x, other):
    if isinstance(x, np.ndarray):
        return Tensor._wrap(x, None)
    if isinstance(x, (list, tuple)):
        from ..tensor import tensor
        return tensor(x)
    raise TypeError(f"unsupported operand type: {type(x).__name__} (with "
                    f"{type(other).__name__}); use a Tensor or a Python number")


def _broadcast_error(op, a, b):
    sa = tuple(getattr(a, "shape", ()))
    sb = tuple(getattr(b, "shape", ()))
    n = max(len(sa), len(sb))
    pa = (1,) * (n - len(sa)) + sa
    pb = (1,) * (n - len(sb)) + sb
    for d in range(n - 1, -1, -1):
        if pa[d] != pb[d] and pa[d] != 1 and pb[d] != 1:
            return RuntimeError(
                f"{op}: the size of tensor a ({pa[d]}) must match the size of tensor b "
                f"({pb[d]}) at non-singleton dimension {d} (shapes {sa} and {sb} do not "
                f"broadcast)")
    return RuntimeError(f"{op}: shapes {sa} and {sb} do not broadcast")


class BinaryNode(OpNode):
    """The node of a binary op: `shapes` holds the operands' shapes when one was broadcast."""
    __slots__ = ("shapes",)


class BinaryOp(Op):
    """Base for broadcasting binary ops: forward computes fn(a, b); when an operand was
    broadcast, it remembers both shapes (`ctx.shapes`) so backward can sum the gradient back
    (`ctx.shapes` is None when nothing was broadcast). A subclass names its NumPy function
    `fn` and, in `saves`, what each operand's gradient needs from "a", "b" and "y" (the
    output): Mul's `{"a": "b", "b": "a"}` says d(ab)/da needs b and d(ab)/db needs a. Only
    what the gradients asked for (`ctx.needs_input_grad`) is kept, as in PyTorch: `p * 2`
    saves just the 2, so changing p in place afterwards does not break backward.
    `ctx.saved_tensors` is then (a, b) - or (a, b, y) when "y" appears - with None for what
    was not kept. `apply` is generated from these (it is on the hot path).

    `number_as_array = True` (add, sub, mul, div) lets a Python number that is the second
    operand of a float tensor arrive as a cached 0-d array of the tensor's dtype: the same
    result, computed faster (see `node.constant`).

    `apply(a, b)` takes any operands: two tensors of one dtype whose kind is in
    `fast_kinds`, or a tensor and a Python number that leaves its dtype alone, go straight
    to `fn`; anything else goes through `prepare` first (PyTorch's type promotion), so `apply`
    serves as the operator itself (`Tensor.__add__ is Add.apply`)."""
    _node_base = BinaryNode
    fn = None
    saves = None
    fast_kinds = "fiub"
    number_as_array = False

    @staticmethod
    def prepare(a, b):
        """The operands converted to their common dtype (`promote`), or an error."""
        a, b = promote(a, b)
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            raise TypeError("at least one operand must be a Tensor")
        return a, b

    @classmethod
    def _node_class_made(cls):
        if cls.fn is not None:
            cls.apply = staticmethod(_binary_apply(cls))


def _save_plans(saves):
    """For each pair (a needs grad, b needs grad): None when nothing is saved, else which of
    (a, b[, y]) to keep."""
    if saves is None:
        return ((None, None), (None, None))
    names = "aby" if "y" in saves["a"] + saves["b"] else "ab"
    return tuple(tuple(tuple(c in (saves["a"] if na else "") + (saves["b"] if nb else "")
                             for c in names)
                       for nb in (False, True)) for na in (False, True))


def _binary_apply(cls):
    """`cls.apply(a, b)`, generated for one binary op: promotion when needed, forward and
    recording in one function, the hot path of `+ - * /`. Only the gradients that will be
    asked for are prepared for: the operand shapes when one was broadcast, and the saved
    values they need."""
    fn, node_cls, name = cls.fn, cls._node_cls, cls.__name__.lower()
    plans = _save_plans(cls.saves)
    as_array = cls.number_as_array
    ndarray, asarray, new, wrap = np.ndarray, np.asarray, object.__new__, Tensor._wrap
    grad_mode = _grad_mode.state
    constants = CONSTANTS
    prepare, fast_kinds = cls.prepare, cls.fast_kinds
    int_kinds = "".join(k for k in "iu" if k in fast_kinds)

    def apply(a, b):
        xb = None
        if isinstance(a, Tensor):
            xa = a._data
            bc = b.__class__
            if bc is float or bc is int:  # a number: no broadcasting, no gradient
                table = constants.get(xa.dtype)  # None unless a floating dtype
                if table is not None:
                    xb = b
                    if as_array:
                        xb = table.get(b)
                        if xb is None:
                            xb = constant(b, xa.dtype)
                elif bc is int and xa.dtype.kind in int_kinds:
                    xb = b
                ga, gb, broadcast = a._rg, False, False
            elif isinstance(b, Tensor):
                if b._data.dtype == xa.dtype and xa.dtype.kind in fast_kinds:
                    xb = b._data
                ga, gb, broadcast = a._rg, b._rg, True
        if xb is None:  # promotion first (or a number on the left): not the hot path
            a, b = prepare(a, b)
            ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
            xa, ga = (a._data, a._rg) if ta else (a, False)
            xb, gb = (b._data, b._rg) if tb else (b, False)
            broadcast = ta and tb
        try:
            y = fn(xa, xb)
        except ValueError:
            raise _broadcast_error(name, xa, xb) from None
        if y.__class__ is not ndarray:  # 0-d results come back as NumPy scalars
            y = asarray(y)
        if not ((ga or gb) and grad_mode.grad_enabled):
            return wrap(y, None)
        node = new(node_cls)
        node.needs_input_grad = NEEDS2[ga][gb]
        node.shapes = None
        if broadcast:  # only the operands that need a gradient are reduced
            shape = y.shape
            if (ga and xa.shape != shape) or (gb and xb.shape != shape):
                node.shapes = (xa.shape if ga else shape, xb.shape if gb else shape)
        if ga:
            fa = a.grad_fn
            ea = (fa, a._output_nr) if fa is not None else edge(a)
        else:
            ea = NO_EDGE
        if gb:
            fb = b.grad_fn
            eb = (fb, b._output_nr) if fb is not None else edge(b)
        else:
            eb = NO_EDGE
        out = record(node, y, ea, eb)
        keep = plans[ga][gb]
        if keep is None:
            node._saved = None
        else:
            saved = (((xa, a, a._vc, a._vc[0]) if isinstance(a, Tensor) else
                      (xa, None, None, 0)) if keep[0] else SAVED_NONE,
                     ((xb, b, b._vc, b._vc[0]) if isinstance(b, Tensor) else
                      (xb, None, None, 0)) if keep[1] else SAVED_NONE)
            if len(keep) == 3:
                saved += ((y, OUTPUT, out._vc, 0, 0) if keep[2] else SAVED_NONE,)
            node._saved = saved
        return out
    apply.__name__ = apply.__qualname__ = f"{cls.__name__}.apply"
    return apply


def _reduce_grads(ctx, ga, gb):
    """The operands' gradients, summed back over broadcast dimensions, None where unneeded.
    (The hottest formulas skip this call when nothing was broadcast: `ctx.shapes` is None.)"""
    na, nb = ctx.needs_input_grad
    shapes = ctx.shapes
    if shapes is None:
        return (ga if na else None, gb if nb else None)
    return (dual.sum_to(ga, shapes[0]) if na else None,
            dual.sum_to(gb, shapes[1]) if nb else None)


class Add(BinaryOp):
    backward_name = "AddBackward0"
    number_as_array = True
    fn = staticmethod(np.add)
    saves = None

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        if ctx.shapes is None:
            return (g if na else None, g if nb else None)
        return _reduce_grads(ctx, g, g)


class Sub(BinaryOp):
    backward_name = "SubBackward0"
    number_as_array = True
    fn = staticmethod(np.subtract)
    saves = None
    fast_kinds = "fiu"  # bool tensors go to `prepare`, which refuses them

    @staticmethod
    def prepare(a, b):
        """A bool operand (tensor or Python bool) is refused, as in PyTorch."""
        for x in (a, b):
            if x.__class__ is bool or (isinstance(x, Tensor) and x._data.dtype.kind == "b"):
                raise RuntimeError(_BOOL_SUB)
        return BinaryOp.prepare(a, b)

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        gb = -g if nb else None
        if ctx.shapes is None:
            return (g if na else None, gb)
        return _reduce_grads(ctx, g, gb)


class Mul(BinaryOp):
    backward_name = "MulBackward0"
    number_as_array = True
    fn = staticmethod(np.multiply)
    saves = {"a": "b", "b": "a"}

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = g * b if na else None
        gb = g * a if nb else None
        return (ga, gb) if ctx.shapes is None else _reduce_grads(ctx, ga, gb)


class Div(BinaryOp):
    """True division: integer operands give the default float dtype, as in PyTorch."""
    backward_name = "DivBackward0"
    number_as_array = True
    fn = staticmethod(np.true_divide)
    saves = {"a": "b", "b": "ab"}
    fast_kinds = "f"

    @staticmethod
    def prepare(a, b):
        if _kind(a) != "f" and _kind(b) != "f":
            a, b = _as_default_float(a, b)
        return BinaryOp.prepare(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = g / b if na else None
        # d/db as PyTorch writes it, -g * ((a / b) / b): b * b would overflow for |b| > 1e154
        gb = -g * ((a / b) / b) if nb else None
        return (ga, gb) if ctx.shapes is None else _reduce_grads(ctx, ga, gb)


def _values(x):
    return np.asarray(getattr(x, "_data", x))


def _binary(cls, name):
    def apply(input, other, *, out=None):
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{name}(): at least one operand must be a Tensor")
        result = cls.apply(input, other)
        if out is not None:
            from .inplace import copy_
            return copy_(out, result)
        return result
    apply.__name__ = name
    apply.__doc__ = f"Elementwise {name} with broadcasting (PyTorch's torch.{name})."
    return apply


mul = _binary(Mul, "mul")


_add = _binary(Add, "add")
_BOOL_SUB = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


_sub = _binary(Sub, "sub")  # refuses bool operands (Sub.prepare)


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, with broadcasting."""
    if alpha != 1:
        other = other * alpha
    return _add(input, other, out=out)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other, with broadcasting."""
    if alpha != 1:
        other = other * alpha
    return _sub(input, other, out=out)


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha)


def div(input, other, *, rounding_mode=None, out=None):
    """input / other (true division; integer inputs give floats). rounding_mode 'trunc' or
    'floor' rounds the quotient (no gradient through the rounding, as PyTorch)."""
    if rounding_mode is None:
        result = Div.apply(input, other)
    elif rounding_mode in ("trunc", "floor"):
        result = (TruncDiv if rounding_mode == "trunc" else FloorDiv).apply(input, other)
    else:
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    if out is not None:
        from .inplace import copy_
        return copy_(out, result)
    return result


def _rounded_quotient(a, b, trunc):
    """a / b rounded toward zero (trunc) or down (floor); exact for integers, which refuse
    a zero divisor as PyTorch does."""
    kind = np.result_type(a, b).kind
    if kind in "iub":
        if np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError: integer division by zero in "
                               "div(rounding_mode='trunc' or 'floor')")
        q = np.floor_divide(a, b)
        if trunc:  # floor is one below trunc where the signs differ and b does not divide a
            q = q + ((q < 0) & (q * b != a))
        return q
    return np.trunc(np.true_divide(a, b)) if trunc else np.floor_divide(a, b)


class FloorDiv(BinaryOp):
    """div(a, b, rounding_mode='floor'): a step function, so zero gradients (as PyTorch)."""
    backward_name = "DivBackward2"
    fn = staticmethod(lambda a, b: _rounded_quotient(a, b, False))
    differentiable = True

    @staticmethod
    def backward(ctx, g):
        zero = g * 0
        return _reduce_grads(ctx, zero, zero)


class TruncDiv(FloorDiv):
    """div(a, b, rounding_mode='trunc')."""
    backward_name = "DivBackward2"
    fn = staticmethod(lambda a, b: _rounded_quotient(a, b, True))


def _kind(x):
    return x._data.dtype.kind if isinstance(x, Tensor) else ("f" if isinstance(x, float) else "i")


true_divide = divide = div
subtract, multiply = sub, mul


def _as_default_float(input, other):
    """Integer operands of a float-valued op (div, atan2), each converted to the default
    float dtype before promotion: promoting first could wrap a value into a narrower integer
    type (a 0-d int32 -3 with a uint8 tensor would become 253)."""
    d = _dt.get_default_dtype()
    return promote(*(cast(x, d) if isinstance(x, Tensor) else x for x in (input, other)))


def remainder(input, other):
    """Python-style modulus (sign of the divisor); d/da = 1, d/db = -floor(a/b)."""
    return input - floor_divide(input, other) * other


def fmod(input, other):
    """C-style remainder (sign of the dividend)."""
    q = div(input, other, rounding_mode="trunc")
    return input - q * other


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")
