"""Bind the ops of `autograd.ops` to `Tensor` as methods and Python operators.

Every op is written once, as a function taking the tensor first (`autograd.exp(x)`); this
module makes it a method too (`x.exp()`), adds the in-place variants (`x.exp_()`, built by
`ops.inplace.apply_inplace`), and defines the operators (`+ - * / ** @ [] < ...`).
"""
import numpy as np

from . import random as _random
from .ops import (binary, binary_math, compare, cumulative, elementwise, indexing, inplace, join,
                  linalg, reduce, select, shape, softmax, stats)
from .tensor import Tensor

_METHODS = {
    elementwise: ["neg", "abs", "sign", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
                  "sqrt", "rsqrt", "reciprocal", "square", "sin", "cos", "tan", "tanh", "sinh",
                  "cosh", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sigmoid",
                  "relu", "erf", "floor", "ceil", "round", "trunc", "frac", "clone", "negative",
                  "absolute", "positive", "nan_to_num"],
    binary: ["add", "sub", "mul", "div", "true_divide", "remainder", "fmod", "floor_divide",
             "subtract", "multiply", "divide"],
    binary_math: ["pow", "atan2", "arctan2", "lerp", "hypot", "xlogy", "logaddexp"],
    select: ["maximum", "minimum", "clamp", "clip", "fmax", "fmin"],
    compare: ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
              "logical_not", "isnan", "isinf", "isfinite", "equal", "allclose", "isclose",
              "greater", "less", "greater_equal", "less_equal", "not_equal", "bitwise_and",
              "bitwise_or", "bitwise_xor", "bitwise_not"],
    reduce: ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "all",
             "any", "sum_to_size", "count_nonzero", "nansum", "aminmax"],
    stats: ["var", "std", "norm", "logsumexp"],
    softmax: ["softmax", "log_softmax"],
    cumulative: ["cumsum", "cumprod"],
    shape: ["reshape", "view", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose",
            "swapaxes", "swapdims", "permute", "t", "expand", "expand_as", "broadcast_to",
            "repeat", "tile", "flip", "fliplr", "flipud", "roll", "movedim", "moveaxis",
            "view_as", "reshape_as", "tril", "triu", "diagonal", "diag", "ravel"],
    join: ["split", "chunk", "unbind", "narrow"],
    indexing: ["gather", "scatter", "scatter_add", "index_select", "masked_fill",
               "masked_select", "take", "take_along_dim", "nonzero", "argwhere", "sort",
               "argsort", "topk", "kthvalue", "median", "index_put", "index_add", "index_fill",
               "masked_scatter"],
    linalg: ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "inner", "trace",
             "addmm"],
}

_INPLACE = ["neg", "abs", "sign", "exp", "expm1", "log", "log2", "log10", "log1p", "sqrt",
            "rsqrt", "reciprocal", "square", "sin", "cos", "tan", "tanh", "sigmoid", "relu",
            "floor", "ceil", "round", "trunc", "frac", "add", "sub", "mul", "div", "pow",
            "clamp", "clip", "remainder", "fmod", "lerp", "masked_fill", "index_put", "index_add",
            "index_fill", "scatter", "scatter_add", "atan2", "nan_to_num", "maximum", "minimum",
            "floor_divide", "true_divide", "subtract", "multiply", "divide", "erf", "tril", "triu",
            "masked_scatter"]


def _make_inplace(fn, name):
    def method(self, *args, **kwargs):
        return inplace.apply_inplace(self, fn, *args, op=name, **kwargs)
    method.__name__ = name
    method.__doc__ = f"In-place {fn.__name__} (writes into this tensor; returns it)."
    return method


for module, names in _METHODS.items():
    for name in names:
        setattr(Tensor, name, getattr(module, name))
for name in _INPLACE:
    setattr(Tensor, name + "_", _make_inplace(getattr(Tensor, name), name + "_"))

def _make_inplace_view(name):
    """`x.unsqueeze_(0)`, `x.t_()`, ...: x takes the new shape (and, with history, the view
    op's node). Like every in-place op, refused on a leaf that requires grad."""
    def method(self, *args, **kwargs):
        inplace.check_inplace(self, name + "_")
        result = getattr(shape, name)(self, *args, **kwargs)
        self._data = result._data
        if result.grad_fn is not None and self.grad_fn is not None:
            self.grad_fn, self._output_nr = result.grad_fn, result._output_nr
        return self
    method.__name__ = name + "_"
    method.__doc__ = f"In-place {name} (changes this tensor's shape; returns it)."
    return method


for name in ["unsqueeze", "squeeze", "t", "transpose", "swapaxes", "swapdims"]:
    setattr(Tensor, name + "_", _make_inplace_view(name))

Tensor.copy_ = inplace.copy_
Tensor.zero_ = inplace.zero_
Tensor.fill_ = inplace.fill_
Tensor.absolute_ = Tensor.abs_
Tensor.negative_ = Tensor.neg_


def _where_method(self, condition, y):
    """`x.where(condition, y)` is `autograd.where(condition, x, y)`."""
    return select.where(condition, self, y)


Tensor.where = _where_method
Tensor.T = property(lambda self: shape.permute(self, *reversed(range(self._data.ndim))),
                    doc="All dimensions reversed (the transpose of a matrix).")
def _matrix_transpose(name):
    def get(self):
        nd = self._data.ndim
        if nd == 0:
            return self  # PyTorch: the identity (deprecated) on 0-d tensors
        if nd == 1:
            raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of "
                               f"matrices. Got 1-D tensor.")
        return shape.transpose(self, -2, -1)
    return property(get, doc="The transpose of the last two dimensions (batched matrices).")


def _conjugate_transpose(self):
    nd = self._data.ndim
    if nd == 0:
        return self
    if nd != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{nd}-D tensor." + (" For batches of matrices, consider using "
                                                "tensor.mH" if nd > 2 else ""))
    return shape.transpose(self, 0, 1)


Tensor.mT = _matrix_transpose("mT")
Tensor.mH = _matrix_transpose("mH")  # real tensors: the conjugate is the tensor itself
Tensor.H = property(_conjugate_transpose, doc="The conjugate transpose of a matrix.")


# ------------------------------------------------------------------ random fills (in place)
def _random_fill(name, draw):
    def method(self, *args, generator=None, **kwargs):
        inplace.check_inplace(self, name)
        self._data[...] = draw(_random.rng(generator), self._data.shape, *args, **kwargs)
        self._vc[0] += 1
        return self
    method.__name__ = name
    return method


Tensor.uniform_ = _random_fill("uniform_", lambda g, s, a=0.0, b=1.0: g.uniform(a, b, s))
Tensor.normal_ = _random_fill("normal_", lambda g, s, mean=0.0, std=1.0:
                              g.standard_normal(s) * std + mean)
Tensor.bernoulli_ = _random_fill("bernoulli_", lambda g, s, p=0.5: g.random(s) < p)
Tensor.exponential_ = _random_fill("exponential_", lambda g, s, lambd=1.0:
                                   g.exponential(1.0 / lambd, s))
Tensor.random_ = _random_fill("random_", lambda g, s, low=0, high=None:
                              g.integers(low, high if high is not None else 2 ** 24, s)
                              if high is not None or low else g.integers(0, 2 ** 24, s))


# ------------------------------------------------------------------ operators
def _reflected(fn):
    def op(self, other):
        return fn(other, self)
    return op


def _iop(fn, name):
    def op(self, other):
        return inplace.apply_inplace(self, fn, other, op=name)
    return op


# `+ - * /` are the ops' own `apply`: it takes the common cases straight to NumPy and
# promotes the rest (see binary.BinaryOp). Add and Mul commute, so they serve reflected too.
_add, _sub, _mul, _div = binary._add, binary._sub, binary.mul, binary.div
Tensor.__add__ = Tensor.__radd__ = binary.Add.apply
Tensor.__sub__ = binary.Sub.apply
Tensor.__rsub__ = _reflected(_sub)
Tensor.__mul__ = Tensor.__rmul__ = binary.Mul.apply
Tensor.__truediv__ = binary.Div.apply
Tensor.__rtruediv__ = _reflected(_div)
Tensor.__floordiv__ = binary.floor_divide
Tensor.__rfloordiv__ = _reflected(binary.floor_divide)
Tensor.__mod__ = binary.remainder
Tensor.__rmod__ = _reflected(binary.remainder)
Tensor.__pow__ = binary_math.pow
Tensor.__rpow__ = _reflected(binary_math.pow)
Tensor.__matmul__ = linalg.matmul
Tensor.__rmatmul__ = _reflected(linalg.matmul)
Tensor.__neg__ = elementwise.neg
Tensor.__pos__ = elementwise.positive
Tensor.__abs__ = elementwise.abs
Tensor.__iadd__ = _iop(_add, "__iadd__")
Tensor.__isub__ = _iop(_sub, "__isub__")
Tensor.__imul__ = _iop(_mul, "__imul__")
Tensor.__itruediv__ = _iop(_div, "__itruediv__")
Tensor.__ipow__ = _iop(binary_math.pow, "__ipow__")
Tensor.__eq__ = compare.eq
Tensor.__ne__ = compare.ne
Tensor.__lt__ = compare.lt
Tensor.__le__ = compare.le
Tensor.__gt__ = compare.gt
Tensor.__ge__ = compare.ge
Tensor.__and__ = compare.bitwise_and
Tensor.__or__ = compare.bitwise_or
Tensor.__xor__ = compare.bitwise_xor
Tensor.__rand__ = compare.bitwise_and
Tensor.__ror__ = compare.bitwise_or
Tensor.__invert__ = lambda self: compare.logical_not(self) if self._data.dtype == np.bool_ \
    else compare.bitwise_not(self)
Tensor.__getitem__ = indexing.getitem
Tensor.__setitem__ = inplace.setitem
