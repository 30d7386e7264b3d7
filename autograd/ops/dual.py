"""Array-or-Tensor helpers for backward formulas.

Backward formulas run on NumPy arrays for ordinary `backward()`, and on Tensors when the engine
builds a differentiable graph (`create_graph=True`). Operators (`+ - * / ** @`, comparisons)
already work on both; the functions here cover the rest, each choosing NumPy or the Tensor op
by the type of its first argument. Keep formulas to these and operators, and every op gets
higher-order gradients for free.

`sum_to(grad, shape)` is the one place where broadcasting is undone: the gradient of an operand
that was broadcast is summed over the broadcast dimensions.
"""
import numpy as np

from ..node import CONSTANTS as _CONSTANTS, constant

__all__ = ["is_tensor", "sum_to", "expand", "reshape", "exp", "log", "sqrt", "sin", "cos",
           "tanh", "sigmoid", "pow", "where", "sign", "abs", "transpose", "swap_last", "matmul",
           "sum", "unsqueeze", "zeros_like", "erf_grad", "cast", "neg", "one_minus"]

_ndarray = np.ndarray


def is_tensor(x):
    return hasattr(x, "grad_fn")


def sum_to(g, shape):
    """Sum `g` down to `shape` (the reverse of broadcasting `shape` to `g.shape`)."""
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and gshape[i + lead] != 1)
    if is_tensor(g):
        return g.sum_to_size(shape) if axes else g.reshape(shape)
    out = g.sum(axis=axes, keepdims=True) if axes else g
    if lead:
        out = out.reshape(shape)
    return np.asarray(out)


def one_minus(x):
    """1 - x. The same values as the expression, faster on float arrays: NumPy takes much
    longer to combine a Python number with a small array than a 0-d array of its dtype
    (the cached constants of `node.constant`)."""
    table = _CONSTANTS.get(x.dtype) if x.__class__ is _ndarray else None
    if table is None:
        return 1 - x
    one = table.get(1)
    return (constant(1, x.dtype) if one is None else one) - x


def expand(g, shape):
    if is_tensor(g):
        return g.expand(shape)
    return np.broadcast_to(g, shape)


def reshape(g, shape):
    return g.reshape(shape)


def sum(g, axis=None, keepdims=False):  # noqa: A001
    if is_tensor(g):
        return g.sum(dim=axis, keepdim=keepdims)
    return np.asarray(g.sum(axis=axis, keepdims=keepdims))


def unsqueeze(g, axes):
    """Re-insert reduced `axes` (sorted, non-negative) as size-1 dimensions."""
    if is_tensor(g):
        for a in sorted(axes):
            g = g.unsqueeze(a)
        return g
    return np.expand_dims(g, tuple(axes))


def sign_array(x):
    """-1, 0 or 1 by the sign of x, and 0 at NaN, as `torch.sign` (NumPy's gives NaN)."""
    s = np.sign(x)
    if s.dtype.kind == "f":
        nan = np.isnan(s)
        if nan.any():
            s = np.where(nan, 0, s)  # the 0 takes s's dtype
    return s


def _unary(np_fn, method):
    def fn(x):
        if is_tensor(x):
            return getattr(x, method)()
        return np_fn(x)
    fn.__name__ = method
    return fn


exp = _unary(np.exp, "exp")
log = _unary(np.log, "log")
sqrt = _unary(np.sqrt, "sqrt")
sin = _unary(np.sin, "sin")
cos = _unary(np.cos, "cos")
tanh = _unary(np.tanh, "tanh")
sign = _unary(sign_array, "sign")
abs = _unary(np.abs, "abs")  # noqa: A001
neg = _unary(np.negative, "neg")
sinh = _unary(np.sinh, "sinh")
cosh = _unary(np.cosh, "cosh")


def sigmoid(x):
    if is_tensor(x):
        return x.sigmoid()
    from .elementwise import _sigmoid_array
    return _sigmoid_array(x)


def pow(x, exponent):  # noqa: A001
    """x ** exponent as the Pow op computes it (PyTorch's special exponents included)."""
    if is_tensor(x) or is_tensor(exponent):
        return x ** exponent
    from .binary_math import power
    return power(x, exponent)


def where(cond, a, b):
    """`cond` is always a (non-differentiable) boolean array; a or b may be tensors."""
    if is_tensor(a) or is_tensor(b):
        from .select import where as t_where
        from ..tensor import Tensor
        return t_where(Tensor._wrap(np.asarray(getattr(cond, "_data", cond)), None), a, b)
    return np.where(cond, a, b)


def transpose(x, axes):
    if is_tensor(x):
        return x.permute(*axes)
    return x.transpose(axes)


def swap_last(x):
    if is_tensor(x):
        return x.transpose(-1, -2)
    return np.swapaxes(x, -1, -2)


def matmul(a, b):
    if is_tensor(a) or is_tensor(b):
        from .linalg import matmul as t_matmul
        from ..tensor import Tensor
        a = a if is_tensor(a) else Tensor._wrap(a, None)
        b = b if is_tensor(b) else Tensor._wrap(b, None)
        return t_matmul(a, b)
    return np.matmul(a, b)


def zeros_like(x):
    if is_tensor(x):
        return x.new_zeros(x.shape)
    return np.zeros_like(x)


def erf_grad(x):
    """d/dx erf(x) = 2/sqrt(pi) * exp(-x^2)."""
    return 1.1283791670955126 * exp(-(x * x))


def cast(g, np_dtype):
    """`g` as `np_dtype` (the dtype of the input a gradient is for)."""
    if is_tensor(g):
        from .. import dtypes as _dt
        return g.to(_dt.from_numpy_dtype(np_dtype))
    return g.astype(np_dtype, copy=False)
