"""dtypes: PyTorch's names for NumPy's element types, and PyTorch's promotion rules.

A `dtype` object wraps a NumPy dtype. `Tensor.dtype` returns one of the module-level
singletons (`float32`, `int64`, ...), so `t.dtype == autograd.float32` and
`t.dtype is autograd.float32` both hold, as in PyTorch.

Promotion follows PyTorch (`torch.result_type`), which differs from NumPy's in one way that
matters: a Python number never widens a tensor of the same kind (`float32 + 1.5 -> float32`,
`int64 * 2 -> int64`), and an integer or bool tensor combined with a Python float becomes the
*default* float dtype (float32), not float64. Tensors of different kinds or sizes promote
the usual way (`int64 + float32 -> float32`, `float32 + float64 -> float64`).
"""
import builtins

import numpy as np

__all__ = ["dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "bool", "half", "float", "double", "short", "int", "long",
           "set_default_dtype", "get_default_dtype", "to_dtype", "to_numpy_dtype", "from_numpy_dtype",
           "promote_types", "can_cast", "finfo", "iinfo"]


class dtype:
    """An element type (PyTorch's `torch.dtype`). Compare with `==` or `is`."""
    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return f"autograd.{self.name}"

    def __reduce__(self):  # dtypes are singletons; never rebuilt from a payload
        return (from_numpy_dtype, (self.np.str,))


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)  # noqa: A001 - PyTorch's name
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool)
_BY_NUMPY = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}

_default_float = float32


def set_default_dtype(d):
    """Set the dtype that floating-point Python data and factories get (float32 at start)."""
    global _default_float
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the "
                        f"default type, got {d}")
    _default_float = d


def get_default_dtype():
    """The dtype that floating-point Python data and factories get (float32 at start)."""
    return _default_float


def from_numpy_dtype(np_dtype):
    """The glassgrad dtype for a NumPy dtype; a clear TypeError for an unsupported one."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert NumPy dtype {np_dtype!r}: glassgrad supports "
                        f"{', '.join(d.name for d in _ALL)}") from None


def to_dtype(d):
    """The glassgrad dtype for `d`: a glassgrad dtype, a NumPy dtype or type, a name like
    "float32", or Python's float/int/bool (float: the default dtype). Public, so that code
    built on autograd (nn among it) can accept every spelling PyTorch users write."""
    if d.__class__ is dtype:
        return d
    if isinstance(d, str) and d in _BY_NAME:
        return _BY_NAME[d]
    if d is builtins.float:
        return _default_float
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    return from_numpy_dtype(d)


def to_numpy_dtype(d):
    """The NumPy dtype behind `d` (None stays None)."""
    return None if d is None else to_dtype(d).np


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def promote_types(a, b):
    """PyTorch's promotion of two tensor dtypes (`torch.promote_types`): a float beats any
    integer without widening (int64 + float16 -> float16); within a category the wider wins
    (uint8 + int8 -> int16)."""
    a, b = to_dtype(a).np, to_dtype(b).np
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb and 2 in (ca, cb):
        return from_numpy_dtype(a if ca > cb else b)
    return from_numpy_dtype(np.promote_types(a, b))


def can_cast(from_, to):
    """Whether PyTorch's casting rules allow `from_` -> `to` in type promotion: no cast to a
    lower category (float -> integer, integer -> bool); any width within a category."""
    return _CATEGORY[to_dtype(from_).np.kind] <= _CATEGORY[to_dtype(to).np.kind]


class finfo:
    """Machine limits of a floating dtype (`torch.finfo`): bits, eps, max, min, tiny,
    smallest_normal, resolution, dtype (its name). `finfo()` is the default dtype's."""

    def __init__(self, type=None):  # noqa: A002 - PyTorch's name
        d = to_dtype(type) if type is not None else _default_float
        if not d.is_floating_point:
            raise TypeError(f"finfo() requires a floating point input type, got {d}; use "
                            f"iinfo for integers")
        info = np.finfo(d.np)
        self.bits, self.dtype = info.bits, d.name
        self.eps, self.max, self.min = builtins.float(info.eps), builtins.float(info.max),             builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer (or bool) dtype (`torch.iinfo`): bits, max, min, dtype."""

    def __init__(self, type):  # noqa: A002
        d = to_dtype(type)
        if d.is_floating_point:
            raise TypeError(f"iinfo() requires an integer input type, got {d}; use finfo for "
                            f"floating types")
        info = np.iinfo(np.uint8 if d is bool else d.np)
        self.bits, self.dtype = info.bits, d.name
        self.max, self.min = (1, 0) if d is bool else (builtins.int(info.max),
                                                      builtins.int(info.min))

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
