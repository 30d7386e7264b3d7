"""`Scalar`: one Python float that records the operations made on it (micrograd's `Value`).

A Scalar is the teaching face of glassgrad: every number is a node you can print, label and
draw, and `backward()` fills in `.grad` on all of them. It shares the whole backward machinery
with `Tensor`: a Scalar *is* its own graph node (it implements the node protocol of
`autograd.engine`), so `Scalar.backward()` and `autograd.grad` run the same iterative,
topological walk, with the same rules for accumulation, `retain_graph`, hooks, `no_grad`,
higher-order gradients (`create_graph=True`) and anomaly detection.

The node protocol, as a Scalar implements it:

* `next_functions`: `((parent, 0), ...)`, one edge per Scalar operand (a Python number operand
  is a constant and has no edge); `()` for a leaf;
* `_apply(grad, create_graph)`: the gradients for the parents, floats normally, Scalars under
  `create_graph` (each formula is written once with operators, which work on both);
* `_release()`: drops the saved values (after `backward()` without `retain_graph`);
* `_keeps = True` and `_keep(grad)`: every Scalar adds the gradient it receives into `.grad`.

Departures from PyTorch, for teaching (all as micrograd does it):

* Every Scalar keeps its gradient, not only leaves: `.grad` is filled on every node, so a
  drawn graph shows gradients everywhere. (`.grad` starts at 0.0, not None.)
* A second `backward()` with `retain_graph=True` adds into `.grad` again on every node.
  Without it, ops that saved values for backward (mul, div, pow, exp, tanh, ...) raise the
  engine's "backward through the graph a second time" error, as in PyTorch; add, sub and neg
  save nothing and backpropagate again, also as in PyTorch.
* `==` and the other comparisons compare values and return a Python bool (no gradient), while
  hashing is by identity, so Scalars work as graph nodes in sets and dicts.

Speed: Scalars use `__slots__`, hold no closures, and never refer to themselves, so a graph
is freed by reference counting alone and the cycle collector has nothing to do. Each
operation is a subclass of Scalar (in `autograd.scalar_ops`) whose `_apply` is its backward
formula; its parents sit in two slots and `next_functions` is built when the engine asks, so
an op allocates exactly one object that the cycle collector tracks (micrograd's allocates
about eight: the Value, a set, a closure and its cells).

Conversions: `Tensor.item()` gives a Python number; `s.to_tensor()` a 0-d float64 Tensor and
`Scalar.from_tensor(t)` a Scalar, both connected to the other graph, for higher-order
gradients too (under create_graph the gradient crosses over as a Scalar or Tensor with a graph).

This file holds the class, the Tensor bridge, what every op shares (recording a node) and the
autograd entry points; the operations are in `autograd.scalar_ops`, and the IEEE float
arithmetic they use (infinities and NaNs where Python raises) in `autograd.ieee_float`.
"""
import math
import numbers

import numpy as np

from . import anomaly as _anomaly
from . import dtypes as _dtypes
from . import engine as _engine
from . import grad_mode as _gm
from .node import Node, next_seq

__all__ = ["Scalar", "grad", "backward", "maximum", "minimum"]

_new = object.__new__


class Scalar:
    """A Python float with reverse-mode differentiation (micrograd's `Value`, PyTorch's names).

    `Scalar(data, label=None)`: `data` is a real number or a one-element Tensor (its value is
    copied; use `Scalar.from_tensor` to stay connected to the tensor's graph). Operators
    `+ - * / **` (Python numbers on either side) and the methods `exp log sqrt tanh sigmoid
    relu leaky_relu gelu sin cos abs erf maximum minimum` record a graph; `backward()` fills
    `.grad` on every Scalar of it.
    """
    __slots__ = ("data", "grad", "_p0", "_p1", "_s0", "_s1", "__dict__")
    __array_ufunc__ = None  # NumPy numbers defer `np.float64(2) * s` to Scalar.__rmul__
    _op = ""  # the operation's symbol, for drawing ('+', '*', 'tanh'); '' for a leaf
    _backward_name = "AccumulateGrad"
    next_functions = ()  # a leaf's; the ops build theirs from the parents `_p0`, `_p1`
    _n_out = 1
    _keeps = True
    _seq = -1          # a leaf is a sink; ops draw theirs (see autograd.node.Node._seq)
    label = None       # an optional name, drawn by autograd.viz
    _pre_hooks = None  # a list of hooks fn(grad) -> grad or None, once one is registered
    _trace = None      # where the op was called, recorded under anomaly detection

    def __init__(self, data, label=None):
        self.data = _to_float(data, "Scalar()")
        self.grad = 0.0
        if label is not None:
            self.label = label

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_apply" in cls.__dict__:  # first-order backward: the same formula
            cls._backward = cls.__dict__["_apply"]

    # ----------------------------------------------------------------- node protocol
    def _apply(self, grad, create_graph=False):
        return ()

    _backward = _apply

    def _release(self):
        pass

    def _keep(self, grad):
        if grad.__class__ is float:
            self.grad += grad
        else:
            self.grad = _accumulate(self.grad, grad)

    def name(self):
        """The PyTorch-style name of the operation that made this Scalar ('MulBackward0');
        'AccumulateGrad' for a leaf."""
        return self._backward_name

    @property
    def is_leaf(self):
        """True for a Scalar made by the user (or under no_grad), not by a recorded op."""
        return not self.next_functions

    @property
    def requires_grad(self):
        """Always True: every Scalar takes part in differentiation."""
        return True

    # ----------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Backpropagate from this Scalar: add d self / d node into `.grad` of every Scalar
        of the graph (`gradient` is d loss / d self, 1.0 by default). With `inputs`, only
        those Scalars' `.grad` is changed.

        A second `backward()` through the same graph behaves as the tensor engine's: it
        raises "backward through the graph a second time" when an op on the way saved values
        for backward (mul, div, pow, exp, log, tanh, relu, ...: they are freed by the first
        call), and adds into `.grad` again when none did (add, sub, neg) or when the first
        call passed `retain_graph=True`. With `create_graph=True`, `.grad` becomes a
        Scalar with its own graph, so it can be differentiated again."""
        backward([self], None if gradient is None else [gradient], retain_graph,
                 create_graph, inputs)

    def register_hook(self, hook):
        """`hook(grad) -> new grad or None`, called with the gradient reaching this Scalar
        during backward (a float, or a Scalar under create_graph), before it is kept in
        `.grad` and passed on; a returned value replaces it. Returns a handle with
        `remove()`."""
        if not callable(hook):
            raise TypeError(f"register_hook expects a function grad -> grad or None, got "
                            f"{type(hook).__name__}")
        from .node import RemovableHandle
        if self._pre_hooks is None:
            self._pre_hooks = []
        wrapped = _HookAdapter(hook)
        self._pre_hooks.append(wrapped)
        return RemovableHandle(self._pre_hooks, wrapped)

    @property
    def retains_grad(self):
        """Always True: every Scalar keeps its gradient (see the module docstring)."""
        return True

    def retain_grad(self):
        """Nothing to do (kept for PyTorch code): every Scalar already keeps its `.grad`."""

    def zero_grad(self):
        """Set `.grad` back to 0.0."""
        self.grad = 0.0

    def detach(self):
        """A new leaf Scalar with the same value, cut from the graph."""
        return Scalar(self.data)

    # ----------------------------------------------------------------- conversions
    def item(self):
        """The value as a Python float."""
        return self.data

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __bool__(self):
        return self.data != 0

    def __round__(self, ndigits=None):
        return round(self.data, ndigits)

    def __format__(self, spec):
        return format(self.data, spec)

    def to_tensor(self):
        """A 0-d float64 Tensor with this value, connected to the Scalar graph: backward
        from the tensor side reaches this Scalar and its graph (under create_graph the
        gradient crosses over as a differentiable Scalar)."""
        from .tensor import Tensor
        arr = np.array(self.data, dtype=np.float64)
        if not _gm.state.grad_enabled:
            return Tensor._wrap(arr, None)
        node = _new(ToTensorBackward)
        node.next_functions = ((self, 0),)
        node._seq = next_seq()
        node._saved = None  # nothing saved
        return Tensor._wrap(arr, node)

    @staticmethod
    def from_tensor(t):
        """A Scalar holding the value of the one-element Tensor `t`. When `t` requires grad
        (and grad mode is on) the Scalar stays connected: backward from it reaches `t`'s
        graph (under create_graph as a differentiable Tensor, as `to_tensor`)."""
        from .node import edge as _edge
        from .tensor import Tensor
        if not isinstance(t, Tensor):
            raise TypeError(f"Scalar.from_tensor expects a Tensor, got {type(t).__name__}")
        value = _to_float(t, "Scalar.from_tensor")
        if not (t.requires_grad and _gm.state.grad_enabled):
            return Scalar(value)
        out = _new(FromTensor)
        out.data = value
        out.grad = 0.0
        out.next_functions = (_edge(t),)
        out._seq = next_seq()
        out._s0 = (t._data.shape, t._data.dtype)
        return out

    # ----------------------------------------------------------------- comparisons
    def __lt__(self, other):
        return self.data < _value_of(other)

    def __le__(self, other):
        return self.data <= _value_of(other)

    def __gt__(self, other):
        return self.data > _value_of(other)

    def __ge__(self, other):
        return self.data >= _value_of(other)

    def __eq__(self, other):
        if isinstance(other, Scalar):
            return self.data == other.data
        if isinstance(other, numbers.Real):
            return self.data == other
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = object.__hash__

    # ----------------------------------------------------------------- printing
    def __repr__(self):
        label = "" if self.label is None else f", label={self.label!r}"
        return f"Scalar(data={self.data}, grad={self.grad}{label})"

    def __reduce_ex__(self, protocol):
        raise TypeError("glassgrad Scalars are not pickled (checkpoints never use pickle); "
                        "save their values, e.g. [p.data for p in model.parameters()]")


class _HookAdapter:
    """Calls a user hook and keeps the gradient's kind: a float stays a float (a returned
    Scalar or number is turned into a float) unless the backward builds a graph."""
    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, grad):
        new = self.fn(grad)
        if new is None:
            return None
        if grad.__class__ is float:
            return _to_float(new, "a Scalar hook's return value")
        return new if isinstance(new, Scalar) else _to_float(new, "a Scalar hook's return value")


class ToTensorBackward(Node):
    """The grad_fn of `Scalar.to_tensor()`: hands the tensor's gradient to the Scalar, as a
    float (as a Scalar still connected to the tensor graph under create_graph)."""
    __slots__ = ()

    def _apply(self, grad, create_graph=False):
        if create_graph and hasattr(grad, "_data"):
            return (Scalar.from_tensor(grad),)
        return (float(getattr(grad, "_data", grad)),)


class FromTensor(Scalar):
    """The node of `Scalar.from_tensor(t)`: hands the Scalar's gradient to `t`'s graph as an
    array of `t`'s shape (under create_graph a Tensor, connected to the Scalar graph when the
    gradient is a Scalar). Saves (shape, dtype)."""
    __slots__ = ("_seq",)
    _op = "from_tensor"
    _backward_name = "FromTensorBackward"

    def _release(self):
        pass

    def _apply(self, g, create_graph=False):
        shape, dtype = self._s0
        if create_graph and isinstance(g, Scalar):
            return (g.to_tensor().to(_dtypes.from_numpy_dtype(dtype)).reshape(shape),)
        arr = np.full(shape, getattr(g, "data", g), dtype=dtype)
        if create_graph:
            from .tensor import Tensor
            return (Tensor._wrap(arr, None),)
        return (arr,)


# ------------------------------------------------ recording ops (used by scalar_ops)
_grad_state = _gm.state
_anomaly_state = _anomaly.state
_next_seq = next_seq


def _unary(cls, x, value, s0, s1=None):
    """The result of op `cls` on Scalar `x` (saving `s0`, `s1` for backward): a recorded
    node, or a leaf under no_grad."""
    if _grad_state.grad_enabled:
        out = _new(cls)
        out._p0 = x
        out._s0 = s0
        out._s1 = s1
        out._seq = _next_seq()
    else:
        out = _new(Scalar)
    out.data = value
    out.grad = 0.0
    if _anomaly_state.enabled:
        _check_forward(out, cls)
    return out


def _binary(cls, a, b, value, s0, s1):
    """The result of op `cls` on Scalars `a` and `b` (saving `s0`, `s1` for backward)."""
    if _grad_state.grad_enabled:
        out = _new(cls)
        out._p0 = a
        out._p1 = b
        out._s0 = s0
        out._s1 = s1
        out._seq = _next_seq()
    else:
        out = _new(Scalar)
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


class _Unary(Scalar):
    """Base of the ops of one Scalar: the parent is in `_p0`. `next_functions` is made on
    demand, so that an op allocates one tracked object (itself), not three: fewer objects for
    the cycle collector to scan while a big graph is being built."""
    __slots__ = ("_seq",)

    @property
    def next_functions(self):
        return ((self._p0, 0),)

    def _release(self):
        self._s0 = None


class _Binary(Scalar):
    """Base of the ops of two Scalars, the parents in `_p0` and `_p1`."""
    __slots__ = ("_seq",)

    @property
    def next_functions(self):
        return ((self._p0, 0), (self._p1, 0))

    def _release(self):
        self._s0 = None


# --------------------------------------------------------------------- helpers
def _accumulate(old, grad):
    """old + grad, without recording `0.0 + grad` (the first gradient under create_graph)."""
    if old.__class__ is float and old == 0.0:
        return grad if isinstance(grad, Scalar) else float(grad)
    return old + grad


def _to_float(x, where):
    """A real number, Scalar or one-element Tensor as a Python float (a clear error else)."""
    if x.__class__ is float:
        return x
    if isinstance(x, Scalar):
        return x.data
    if isinstance(x, (bool, np.bool_)):
        return float(x)
    if isinstance(x, numbers.Real):
        return float(x)
    from .tensor import Tensor
    if isinstance(x, (Tensor, np.ndarray)):
        size = x.numel() if isinstance(x, Tensor) else x.size
        if size != 1:
            raise ValueError(f"{where}: a Scalar holds one number, but the "
                             f"{type(x).__name__} has {size} elements; index one element or "
                             f"reduce it first (e.g. t.sum())")
        value = x.item()
        if isinstance(value, complex):
            raise TypeError(f"{where}: complex values are not supported")
        return float(value)
    raise TypeError(f"{where}: expected a real number, a Scalar or a one-element Tensor, got "
                    f"{type(x).__name__}")


def _value_of(x):
    if isinstance(x, Scalar):
        return x.data
    if isinstance(x, numbers.Real):
        return x
    raise TypeError(f"cannot compare a Scalar with a {type(x).__name__}; compare with a "
                    f"number or another Scalar")


def _as_scalar_list(x, what):
    items = [x] if isinstance(x, Scalar) else list(x)
    for i, s in enumerate(items):
        if not isinstance(s, Scalar):
            raise TypeError(f"{what}[{i}] is a {type(s).__name__}; Scalar graphs need Scalars "
                            f"here (and Tensor graphs Tensors: do not mix them in one call)")
    return items


def _root_grads(outputs, grad_outputs, create_graph, fn_name):
    if grad_outputs is None:
        grads = [1.0] * len(outputs)
    else:
        grad_outputs = [grad_outputs] if isinstance(grad_outputs, (Scalar, numbers.Real)) \
            else list(grad_outputs)
        if len(grad_outputs) != len(outputs):
            raise RuntimeError(f"{fn_name}: got {len(grad_outputs)} gradients for "
                               f"{len(outputs)} outputs")
        grads = []
        for g in grad_outputs:
            if g is None:
                grads.append(1.0)
            elif create_graph and isinstance(g, Scalar):
                grads.append(g)
            else:
                grads.append(_to_float(g, f"{fn_name} gradient"))
    return grads


def backward(outputs, grad_outputs=None, retain_graph=None, create_graph=False, inputs=None):
    """`autograd.backward` for Scalars: add the gradients of `outputs` into `.grad` of every
    Scalar of their graph (only of `inputs`, when given)."""
    outputs = _as_scalar_list(outputs, "outputs")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _root_grads(outputs, grad_outputs, create_graph, "backward()")
    roots = [(s, 0) for s in outputs]
    if inputs is None:
        _engine.run_backward(roots, grads, retain_graph, create_graph)
        return
    inputs = _as_scalar_list(inputs, "inputs")
    found = _engine.run_backward(roots, grads, retain_graph, create_graph,
                                 inputs=[(s, 0) for s in inputs])
    for s, g in zip(inputs, found):
        if g is not None:
            s._keep(g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """`autograd.grad` for Scalars: the gradients of `outputs` with respect to `inputs`, as a
    tuple of Scalars (`.grad` is not touched). With `create_graph=True` they are
    differentiable Scalars, so `grad` can be applied to them again (second derivatives)."""
    outputs = _as_scalar_list(outputs, "outputs")
    inputs = _as_scalar_list(inputs, "inputs")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _root_grads(outputs, grad_outputs, create_graph, "grad()")
    found = _engine.run_backward([(s, 0) for s in outputs], grads, retain_graph, create_graph,
                                 inputs=[(s, 0) for s in inputs])
    result = []
    for i, g in enumerate(found):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad(): inputs[{i}] ({inputs[i]!r}) was not used in the "
                                   f"graph of the outputs; pass allow_unused=True to get None "
                                   f"for it")
            if materialize_grads:
                g = 0.0
        if g is not None and not isinstance(g, Scalar):
            g = Scalar(g)
        result.append(g)
    return tuple(result)


def is_scalar_call(*args):
    """True when an `autograd.backward`/`autograd.grad` argument holds Scalars."""
    for a in args:
        if isinstance(a, Scalar):
            return True
        if isinstance(a, (list, tuple)) and a and isinstance(a[0], Scalar):
            return True
    return False


from . import scalar_ops as _scalar_ops  # noqa: E402,F401  (binds the operators onto Scalar)
from .scalar_ops import maximum, minimum  # noqa: E402,F401
