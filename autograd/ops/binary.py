"""Elementwise functions of two operands, with broadcasting and PyTorch's type promotion.

Forward: NumPy broadcasts the operands. Backward: each operand's gradient is the output
gradient times the partial derivative, summed back to the operand's shape by `dual.sum_to`
(the one place broadcasting is undone). A Python number operand stays a Python number (NumPy
treats it as a weak scalar, like PyTorch) and gets no gradient.

    add:  d(a+b)/da = 1            d(a+b)/db = 1
    sub:  d(a-b)/da = 1            d(a-b)/db = -1
    mul:  d(ab)/da  = b            d(ab)/db  = a
    div:  d(a/b)/da = 1/b          d(a/b)/db = -a/b^2
    pow:  d(a^b)/da = b a^(b-1)    d(a^b)/db = a^b ln a
"""
import numpy as np

from .. import dtypes as _dt
from ..function import Op, OpNode
from ..tensor import Tensor
from . import dual
from .elementwise import cast

__all__ = ["add", "sub", "mul", "div", "true_divide", "pow", "maximum", "minimum", "atan2",
           "where", "arctan2", "lerp", "clamp", "clip", "remainder", "fmod", "floor_divide",
           "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
           "logical_not", "isnan", "isinf", "isfinite", "equal", "allclose", "isclose",
           "promote", "result_type", "subtract", "multiply", "divide", "greater", "less",
           "greater_equal", "less_equal", "not_equal", "fmax", "fmin", "rsub",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "hypot", "xlogy",
           "logaddexp"]

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
    was not kept. The forward is generated from these (it is on the hot path).

    `number_as_array = True` (add, sub, mul, div) lets a Python number that is the second
    operand of a float tensor arrive as a cached 0-d array of the tensor's dtype: the same
    result, computed faster (see `function._constant`)."""
    _node_base = BinaryNode
    fn = None
    saves = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("fn") is not None:
            cls.forward = staticmethod(_binary_forward(cls.fn, cls.saves, cls.__name__.lower()))


def _kept(saves):
    """For each `needs_input_grad` pair, which of (a, b[, y]) a forward must keep."""
    names = "aby" if "y" in saves["a"] + saves["b"] else "ab"
    return {(na, nb): tuple(c in (saves["a"] if na else "") + (saves["b"] if nb else "")
                            for c in names)
            for na in (False, True) for nb in (False, True)}


def _binary_forward(fn, saves, name):
    ndarray, asarray = np.ndarray, np.asarray
    kept = _kept(saves) if saves is not None else None
    with_y = saves is not None and len(kept[True, True]) == 3

    def forward(ctx, a, b):
        try:
            y = fn(a, b)
        except ValueError:
            raise _broadcast_error(name, a, b) from None
        except TypeError:  # NumPy refuses the dtypes (bool - bool on the fast path)
            if name == "sub":
                raise RuntimeError(_BOOL_SUB) from None
            raise
        if y.__class__ is not ndarray:  # 0-d results come back as NumPy scalars
            y = asarray(y)
        shape = y.shape
        na, nb = ctx.needs_input_grad
        if (na and a.shape != shape) or (nb and b.shape != shape):  # only these are reduced
            ctx.shapes = (a.shape if na else shape, b.shape if nb else shape)
        else:
            ctx.shapes = None
        if kept is not None:
            keep = kept[na, nb]
            if with_y:
                ctx._saved = (a if keep[0] else None, b if keep[1] else None,
                              y if keep[2] else None)
            else:
                ctx._saved = (a if keep[0] else None, b if keep[1] else None)
        return y
    return forward


def _reduce_grads(ctx, ga, gb):
    """The operands' gradients, summed back over broadcast dimensions, None where unneeded."""
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
        return _reduce_grads(ctx, g, g)


class Sub(BinaryOp):
    backward_name = "SubBackward0"
    number_as_array = True
    fn = staticmethod(np.subtract)
    saves = None

    @staticmethod
    def backward(ctx, g):
        return _reduce_grads(ctx, g, -g if ctx.needs_input_grad[1] else None)


class Mul(BinaryOp):
    backward_name = "MulBackward0"
    number_as_array = True
    fn = staticmethod(np.multiply)
    saves = {"a": "b", "b": "a"}

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return _reduce_grads(ctx, g * b if na else None, g * a if nb else None)


class Div(BinaryOp):
    backward_name = "DivBackward0"
    number_as_array = True
    fn = staticmethod(np.true_divide)
    saves = {"a": "b", "b": "ab"}

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        # d/db as PyTorch writes it, -g * ((a / b) / b): b * b would overflow for |b| > 1e154
        return _reduce_grads(ctx, g / b if na else None, -g * ((a / b) / b) if nb else None)


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


def _values(x):
    return np.asarray(getattr(x, "_data", x))


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
    a, b = ctx.saved_tensors
    av, bv = _values(a), _values(b)
    wins_a = better(av, bv) + 0.5 * (av == bv)
    na, nb = ctx.needs_input_grad
    wa = wins_a.astype(np.result_type(av.dtype, np.float32))
    return _reduce_grads(ctx, g * wa if na else None, g * (1 - wa) if nb else None)


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


def _binary(cls, name):
    def apply(input, other, *, out=None):
        a, b = promote(input, other)
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            raise TypeError(f"{name}(): at least one operand must be a Tensor")
        result = cls.apply(a, b)
        if out is not None:
            from .inplace import copy_
            return copy_(out, result)
        return result
    apply.__name__ = name
    apply.__doc__ = f"Elementwise {name} with broadcasting (PyTorch's torch.{name})."
    return apply


mul = _binary(Mul, "mul")
maximum = _binary(Maximum, "maximum")
minimum = _binary(Minimum, "minimum")
_add = _binary(Add, "add")
_sub_any = _binary(Sub, "sub")
_BOOL_SUB = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _sub(input, other, *, out=None):
    """input - other; a bool operand (tensor or Python bool) is refused, as in PyTorch."""
    for x in (input, other):
        if x.__class__ is bool or (isinstance(x, Tensor) and x._data.dtype.kind == "b"):
            raise RuntimeError(_BOOL_SUB)
    return _sub_any(input, other, out=out)


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
    a, b = promote(input, other)
    if rounding_mode is None:
        if _kind(a) != "f" and _kind(b) != "f":
            a, b = _as_default_float(input, other)
        result = Div.apply(a, b)
    elif rounding_mode in ("trunc", "floor"):
        result = (TruncDiv if rounding_mode == "trunc" else FloorDiv).apply(a, b)
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


def _as_default_float(input, other):
    """Integer operands of a float-valued op (div, atan2), each converted to the default
    float dtype before promotion: promoting first could wrap a value into a narrower integer
    type (a 0-d int32 -3 with a uint8 tensor would become 253)."""
    d = _dt.get_default_dtype()
    return promote(*(cast(x, d) if isinstance(x, Tensor) else x for x in (input, other)))


def atan2(input, other, *, out=None):
    a, b = promote(input, other)
    if _kind(a) != "f" and _kind(b) != "f":
        a, b = _as_default_float(input, other)
    return Atan2.apply(a, b)


arctan2 = atan2


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


def lerp(input, end, weight):
    """input + weight * (end - input)."""
    return input + weight * (end - input)


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


def remainder(input, other):
    """Python-style modulus (sign of the divisor); d/da = 1, d/db = -floor(a/b)."""
    return input - floor_divide(input, other) * other


def fmod(input, other):
    """C-style remainder (sign of the dividend)."""
    q = div(input, other, rounding_mode="trunc")
    return input - q * other


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def fmax(input, other):
    a, b = promote(input, other)
    return where(Tensor._wrap(np.isnan(_values(b)) | (_values(a) >= _values(b)), None), a, b)


def fmin(input, other):
    a, b = promote(input, other)
    return where(Tensor._wrap(np.isnan(_values(b)) | (_values(a) <= _values(b)), None), a, b)


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


# ---------------------------------------------------------------- no gradient
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

