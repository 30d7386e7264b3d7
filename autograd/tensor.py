"""`Tensor`: a NumPy array that records the operations made on it.

A tensor holds its values in `.data` (a NumPy array), its gradient in `.grad`, and, when it was
made by a recorded operation, the graph node that made it in `.grad_fn`. Operations live in
`autograd.ops` (one file per family); this file holds the class itself: construction,
attributes, conversions, `backward`, hooks and the Python operators. The methods named like
the ops (`x.exp()`, `x.sum(1)`, ...) are bound from `autograd.ops` at the bottom of
`autograd/__init__.py`, so each op is written once and reached both ways.
"""
import weakref

import numpy as np

from . import dtypes as _dt
from . import function as _function
from . import grad_mode as _gm

__all__ = ["Tensor", "tensor", "as_array"]

_new = object.__new__
_ndarray = np.ndarray


class Tensor:
    """A multi-dimensional array with reverse-mode automatic differentiation.

    Build tensors with `autograd.tensor(data, dtype=None, requires_grad=False)` or the
    factories (`zeros`, `randn`, ...). `Tensor(data)` also works, as `torch.Tensor(data)`,
    and makes a tensor of the default float dtype.
    """
    __slots__ = ("_data", "grad_fn", "_rg", "_vc", "__weakref__", "__dict__")
    __array_ufunc__ = None  # NumPy defers `ndarray * tensor` to Tensor.__rmul__
    __array_priority__ = 1000
    _grad = None       # the accumulated gradient (a Tensor)
    _output_nr = 0     # which output of grad_fn this tensor is
    _acc = None        # weak reference to this leaf's AccumulateGrad node
    _hooks = None      # this leaf's gradient hooks: {0: [fn, ...]}
    _retains = False   # retain_grad() was called on this non-leaf
    _base = None       # for a view, the tensor whose memory it shares (as PyTorch's _base)

    def __init__(self, *data, dtype=None, requires_grad=False):
        if len(data) == 1 and not isinstance(data[0], int):
            arr = as_array(data[0], dtype or _dt.get_default_dtype())
        elif all(isinstance(d, int) for d in data):  # torch.Tensor(2, 3): uninitialized
            arr = np.zeros(data, dtype=_dt.to_numpy_dtype(dtype or _dt.get_default_dtype()))
        else:
            raise TypeError(f"Tensor(): expected data or sizes, got {data!r}")
        self._data = arr
        self.grad_fn = None
        self._rg = False
        self._vc = [0]
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _wrap(data, grad_fn, nr=0):
        """A new tensor around an array (no copy). grad_fn None makes a constant."""
        t = _new(Tensor)
        t._data = data if data.__class__ is _ndarray else np.asarray(data)
        t.grad_fn = grad_fn
        t._rg = grad_fn is not None
        t._vc = [0]
        if nr:
            t._output_nr = nr
        return t

    # ----------------------------------------------------------------- attributes
    @property
    def data(self):
        """The values, as a NumPy array (shared, not copied)."""
        return self._data

    @data.setter
    def data(self, value):
        arr = value._data if isinstance(value, Tensor) else np.asarray(value)
        self._data = arr

    @property
    def grad(self):
        """The accumulated gradient (a Tensor), or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor or None, got "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has shape {tuple(value.shape)}, but the "
                                   f"tensor has shape {tuple(self.shape)}")
        self._grad = value

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Set whether this leaf records operations for backward (in place; returns self)."""
        requires_grad = bool(requires_grad)
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError("you can only change requires_grad flags of leaf variables; "
                               "use detach() to get a tensor that does not require grad")
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients, "
                               f"but this tensor is {self.dtype}; convert it first, e.g. "
                               f"x.float().requires_grad_()")
        self._rg = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def label(self):
        """An optional name for this tensor, drawn by autograd.viz (None by default)."""
        return self.__dict__.get("label")

    @label.setter
    def label(self, name):
        """Name the tensor. On a non-leaf the name is also recorded on its grad_fn (as
        `_output_labels[output_nr]`), so a drawing still finds it when no op saved the
        tensor itself (`h * 3.0` keeps only the 3.0)."""
        self.__dict__["label"] = name
        node = self.grad_fn
        if node is not None and hasattr(node, "__dict__"):
            node.__dict__.setdefault("_output_labels", {})[self._output_nr] = name

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def shape(self):
        return Size(self._data.shape)

    @property
    def dtype(self):
        return _dt.from_numpy_dtype(self._data.dtype)

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def device(self):
        from .device import CPU
        return CPU

    @property
    def is_cuda(self):
        return False

    @property
    def _version(self):
        return self._vc[0]

    @property
    def retains_grad(self):
        return self._retains

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim, "stride")]

    def is_contiguous(self, memory_format=None):
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        from .ops.join import unbind
        return iter(unbind(self, 0))

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} elements is "
                               f"ambiguous; use .any() or .all()")
        return bool(self._data.reshape(()))

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data.reshape(()))

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self):
        from .printing import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        raise TypeError("glassgrad tensors are not pickled (checkpoints never use pickle); "
                        "save them with autograd.save(obj, path)")

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol")
        t = self.__class__.__new__(self.__class__)
        t._data = self._data.copy()  # its own dtype (not through Tensor(data): no cast)
        t.grad_fn = None
        t._vc = [0]
        t._rg = self._rg
        if self._grad is not None:
            t._grad = Tensor._wrap(self._grad._data.copy(), None)
        t.__dict__.update({k: v for k, v in self.__dict__.items()
                           if k not in ("_acc", "_base", "_views", "_detached")})
        memo[id(self)] = t
        return t

    # ----------------------------------------------------------------- conversions
    def item(self):
        """The single value as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               f"to a Python number; item() needs exactly one element")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        """The values as a NumPy array sharing memory with this tensor."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def detach(self):
        """A new tensor sharing this one's values, cut from the graph."""
        t = Tensor._wrap(self._data, None)
        t._vc = self._vc
        if self._rg:
            t._detached = True  # so backward() on it can say why there is no graph
        return t

    def detach_(self):
        self.grad_fn = None
        self._rg = False
        return self

    def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
        """Convert dtype and/or check the device ('cpu' is the only one)."""
        from .device import device as _device
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device)):
                device = a
            elif a is not None:
                dtype = a
        if device is not None:
            _device(device)._check_available()
        if dtype is None:
            return self.clone() if copy else self
        from .ops.elementwise import cast
        return cast(self, _dt.to_dtype(dtype), copy=copy)

    def type(self, dtype=None):
        if dtype is None:
            return f"autograd.{_TYPE_NAMES[self.dtype.name]}"
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def short(self):
        return self.to(_dt.int16)

    def byte(self):
        return self.to(_dt.uint8)

    def bool(self):
        return self.to(_dt.bool)

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        from .device import device as _device
        _device("cuda")._check_available()

    def contiguous(self, memory_format=None):
        if self._data.flags.c_contiguous:
            return self
        from .ops.elementwise import make_contiguous
        return make_contiguous(self)

    def new_tensor(self, data, dtype=None, requires_grad=False):
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad=False):
        return _new_filled(size, 0, dtype or self.dtype, requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        return _new_filled(size, 1, dtype or self.dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False):
        return _new_filled((size,), fill_value, dtype or self.dtype, requires_grad)

    def new_empty(self, *size, dtype=None, requires_grad=False):
        return _new_filled(size, 0, dtype or self.dtype, requires_grad)

    # ----------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to the graph's leaves, adding it
        into their `.grad`. A non-scalar tensor needs `gradient` (d loss / d self)."""
        from .autograd_api import backward
        backward([self], [gradient] if gradient is not None else None, retain_graph,
                 create_graph, inputs=inputs)

    def register_hook(self, hook):
        """`hook(grad) -> Tensor or None`, called with this tensor's gradient during backward;
        a returned tensor replaces the gradient. Returns a handle with `remove()`."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient; call requires_grad_() first")
        from .node import RemovableHandle
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = {0: []}
                ref = self._acc() if self._acc is not None else None
                if ref is not None:
                    ref._pre_hooks = self._hooks
            self._hooks[0].append(hook)
            return RemovableHandle(self._hooks[0], hook)
        return self.grad_fn.register_prehook(hook, self._output_nr)

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in `.grad` after backward."""
        if self.grad_fn is None:
            if not self._rg:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains:
            return
        self._retains = True
        ref = weakref.ref(self)

        def keep(grad):
            t = ref()
            if t is not None:
                t._accumulate_grad(grad.detach() if grad.grad_fn is None else grad)
        self.grad_fn.register_prehook(keep, self._output_nr)

    def _accumulate_grad(self, grad):
        """Add `grad` (an array, or a Tensor under create_graph) into `.grad`."""
        if isinstance(grad, Tensor):
            if self._grad is None:
                self._grad = grad if grad.grad_fn is not None else Tensor._wrap(
                    np.array(grad._data, dtype=self._data.dtype, copy=True), None)
            else:
                self._grad = self._grad + grad if grad.grad_fn is not None or \
                    self._grad.grad_fn is not None else _add_into(self._grad, grad._data)
            return
        if self._grad is None:
            g = grad
            if g.dtype != self._data.dtype or g.shape != self._data.shape or not \
                    g.flags.writeable or g.base is not None:
                g = np.array(np.broadcast_to(g, self._data.shape), dtype=self._data.dtype)
            self._grad = Tensor._wrap(g, None)
        elif self._grad.grad_fn is None:
            _add_into(self._grad, grad)
        else:
            self._grad = self._grad + Tensor._wrap(grad, None)


def _add_into(acc, grad):
    """acc.grad += grad in place (a new version of acc's values)."""
    np.add(acc._data, grad, out=acc._data, casting="unsafe")
    acc._vc[0] += 1
    return acc


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class Size(tuple):
    """A tensor's shape: a tuple that prints as `autograd.Size([2, 3])`."""

    def __repr__(self):
        return f"autograd.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _wrap_dim(dim, ndim, op):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{op}: dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {dim})")
    return dim % n


def _new_filled(size, value, dtype, requires_grad):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tensor(np.full(size, value, dtype=_dt.to_numpy_dtype(dtype)),
                  requires_grad=requires_grad)


def as_array(data, dtype=None):
    """Python data, a NumPy array or a Tensor as a NumPy array of `dtype` (a glassgrad dtype,
    or None for PyTorch's inference: floats -> default dtype, ints -> int64, bools -> bool)."""
    if isinstance(data, Tensor):
        arr = data._data
        return arr if dtype is None else arr.astype(_dt.to_numpy_dtype(dtype), copy=False)
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        arr = np.asarray(data)
        if dtype is None:
            _dt.from_numpy_dtype(arr.dtype)  # a clear error for unsupported dtypes
            return arr
        return arr.astype(_dt.to_numpy_dtype(dtype), copy=False)
    if dtype is not None:
        try:
            return np.array(_unwrap_nested(data), dtype=_dt.to_numpy_dtype(dtype))
        except (TypeError, ValueError) as e:
            raise TypeError(f"tensor(): could not convert {type(data).__name__} to a tensor "
                            f"of {dtype}: {e}") from None
    try:
        arr = np.array(_unwrap_nested(data))
    except (TypeError, ValueError) as e:
        raise TypeError(f"tensor(): could not convert {type(data).__name__} to a tensor: {e}. "
                        f"Nested lists must be rectangular and hold numbers.") from None
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(_dt.get_default_dtype().np, copy=False)
    if kind in "iu":
        return arr.astype(np.int64, copy=False)
    if kind == "b":
        return arr
    raise TypeError(f"tensor(): could not infer the dtype of {type(data).__name__} "
                    f"(NumPy gave {arr.dtype}); pass numbers, bools or nested lists of them")


def _unwrap_nested(data):
    if isinstance(data, (list, tuple)) and data and any(isinstance(d, (Tensor, list, tuple))
                                                        for d in data):
        return [d._data if isinstance(d, Tensor) else _unwrap_nested(d) for d in data]
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new leaf tensor holding a copy of `data` (lists, numbers, arrays or tensors).

    Floats become the default dtype (float32), ints int64 and bools bool, as in PyTorch;
    a NumPy array keeps its dtype.
    """
    if device is not None:
        from .device import device as _device
        _device(device)._check_available()
    arr = as_array(data, dtype)
    if isinstance(data, (Tensor, np.ndarray)) and (arr is getattr(data, "_data", data)):
        arr = arr.copy()
    t = Tensor._wrap(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros_like_array(shape, dtype):
    return Tensor._wrap(np.zeros(shape, dtype=_dt.to_numpy_dtype(dtype)), None)


_function._bind_tensor(Tensor)
