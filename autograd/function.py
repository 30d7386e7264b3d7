"""Differentiable functions: the public `Function` and the internal `Op`.

Two ways to define a differentiable operation, with the same static-method shape:

* `Function` (public, PyTorch's `torch.autograd.Function`): `forward(ctx, *args)` receives
  Tensors and runs with recording off; `backward(ctx, *grads)` receives and returns Tensors.
* `Op` (internal, the primitives in `autograd.ops`): `forward(ctx, *arrays)` receives NumPy
  arrays and returns one; `backward(ctx, grad)` receives the output's gradient as an array and
  returns arrays - or, when the engine runs with `create_graph=True`, receives Tensors and
  returns Tensors, because backward formulas are written with operators and the dual helpers of
  `autograd.ops.dual`, which work on both. One formula thus serves fast first-order backward on
  NumPy and differentiable higher-order backward on Tensors.

The ctx of either is the op's graph node (`autograd.node`). Saved values:
`ctx.save_for_backward(...)` records inputs and outputs together with their version counters;
reading `ctx.saved_tensors` after an in-place change raises an error that names the tensor and
the op, and reading it after the graph was freed says to pass `retain_graph=True`.
"""
import numpy as np

from . import anomaly as _anomaly
from . import grad_mode as _gm
from . import node as _node
from .node import FREED, NEEDS2, NO_EDGE, OUTPUT, TRUE1, AccumulateGrad, Node
from .node import edge, next_seq
from .node import record as _record
from .node import _anomaly_forward, _check_forward

__all__ = ["Node", "AccumulateGrad", "Function", "Op", "once_differentiable"]


def _new_node(node_cls, _new=object.__new__):
    node = _new(node_cls)
    node._saved = None
    return node


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        node_name = ns.get("backward_name") or f"{name}Backward"
        base_node = getattr(cls, "_node_base", Node)
        ns_node = {"__slots__": (), "_fn": cls, "__module__": cls.__module__}
        backward = getattr(cls, "backward", None)
        if base_node._formula_is_backward and backward is not None:
            ns_node["_backward"] = backward  # the engine calls the formula directly
        cls._node_cls = type(node_name, (base_node,), ns_node)
        made = getattr(cls, "_node_class_made", None)
        if made is not None:  # a hook for generated code (binary.BinaryOp's apply)
            made()


class _ContextMixin:
    """Methods shared by both kinds of context (node)."""

    def save_for_backward(self, *values):
        """Keep inputs or outputs (or constants) for backward; read them with saved_tensors."""
        self._saved = values  # raw; Function/Op.apply resolves them once the output exists

    def mark_non_differentiable(self, *tensors):
        self.__dict__.setdefault("_non_diff", set()).update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self._materialize = bool(value)

    def mark_dirty(self, *tensors):
        """Declare that forward changed these input tensors in place and returns them: the
        tensors themselves (not new wrappers) become this op's outputs, as in PyTorch."""
        self.__dict__.setdefault("_dirty", set()).update(id(t) for t in tensors)

    def _resolve_saved(self, inputs, output):
        """Turn the values passed to save_for_backward into entries
        (value, owner, version counter, version): owner is the input tensor, `OUTPUT` for
        the op's own output, or None for a constant."""
        values = self._saved
        self._saved = tuple(_saved_entry(v, inputs, output) for v in values)

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None or saved is FREED:
            if saved is FREED:
                raise RuntimeError(
                    f"Trying to backward through the graph a second time (or to read saved "
                    f"tensors after they were freed): {type(self).__name__} has already "
                    f"released what it saved. Saved values are freed by .backward() and "
                    f"autograd.grad(); pass retain_graph=True to the first call if you need to "
                    f"backward through the graph again.")
            return ()
        tensors = self._as_tensors
        if not tensors:  # the common cases, unrolled: unchanged since saved (or constants)
            n = len(saved)
            if n == 1:
                e0 = saved[0]
                vc = e0[2]
                if vc is None or vc[0] == e0[3]:
                    return (e0[0],)
            elif n == 2:
                e0, e1 = saved
                vc0 = e0[2]
                vc1 = e1[2]
                if (vc0 is None or vc0[0] == e0[3]) and (vc1 is None or vc1[0] == e1[3]):
                    return (e0[0], e1[0])
        out = []
        for entry in saved:
            vc = entry[2]
            if vc is not None and vc[0] != entry[3]:
                value, version = entry[0], entry[3]
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{value.dtype.name} tensor of shape "
                    f"{tuple(value.shape)}], saved by {type(self).__name__}, is at version "
                    f"{vc[0]}; expected version {version} instead. Hint: clone() the tensor "
                    f"before changing it in place, or change it after backward.")
            if not tensors:
                out.append(entry[0])
                continue
            value, owner = entry[0], entry[1]
            if owner is OUTPUT:
                out.append(Tensor._wrap(value, self, entry[4]))
            elif owner is not None:
                out.append(owner)
            else:
                out.append(value if value is None else Tensor._wrap(value, None))
        return tuple(out)

    saved_values = saved_tensors


def _find_output(v, output):
    data = getattr(v, "_data", v)
    for o in (output if output.__class__ is tuple else (output,)):
        if o is v or getattr(o, "_data", None) is data:
            return o
    return None


class BackwardNode(_ContextMixin, Node):
    """The node (and ctx) of a public `Function`: backward works on Tensors."""
    __slots__ = ()

    @property
    def _n_out(self):
        return self.__dict__.get("_n_outputs", 1)

    def _apply(self, grads, create_graph):
        from .tensor import zeros_like_array
        self._as_tensors = True
        if self._n_out == 1:
            grads = [grads]
        wrapped = []
        for i, g in enumerate(grads):
            if g is None and self.__dict__.get("_materialize", True):
                shape, dt = self.__dict__["_out_meta"][i]
                g = zeros_like_array(shape, dt)
            wrapped.append(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g, None))
        with _gm.set_grad_enabled(create_graph):
            result = self._fn.backward(self, *wrapped)
        if not isinstance(result, tuple):
            result = (result,)
        n_in = len(self.next_functions)
        if len(result) < n_in:
            raise RuntimeError(f"function {type(self).__name__} returned an incorrect number of "
                               f"gradients (expected {n_in}, got {len(result)})")
        out = []
        for (fn, _), r in zip(self.next_functions, result):
            if r is None or fn is None:
                out.append(None)
            elif create_graph:
                out.append(r if isinstance(r, Tensor) else Tensor._wrap(r, None))
            else:
                out.append(r._data if isinstance(r, Tensor) else r)
        return tuple(out)


class Function(metaclass=_FunctionMeta):
    """Base class for custom differentiable operations, as `torch.autograd.Function`.

    Subclass it with static `forward(ctx, *args, **kwargs)` and `backward(ctx, *grad_outputs)`
    (or `forward(*args)` plus `setup_context(ctx, inputs, output)`), then call `MyOp.apply(...)`.
    backward returns one gradient per forward argument (None for non-tensors or where no
    gradient is needed).
    """
    _node_base = BackwardNode

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Function subclasses are used through their static methods: call "
                           "MyFunction.apply(*args), not MyFunction()(...)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a Function subclass must define backward")

    @staticmethod
    def setup_context(ctx, inputs, output):
        return _NOT_OVERRIDDEN

    @classmethod
    def apply(cls, *args, **kwargs):
        record = _gm.state.grad_enabled
        edges, needs = [], []
        for a in args:
            if isinstance(a, _Tensor) and record and a._rg:
                edges.append(edge(a))
                needs.append(True)
            else:
                edges.append(NO_EDGE)
                needs.append(False)
        node = _new_node(cls._node_cls)
        node.needs_input_grad = tuple(needs)
        separate = cls.setup_context is not Function.setup_context
        with _gm.no_grad():
            if separate:
                output = cls.forward(*args, **kwargs)
            else:
                output = cls.forward(node, *args, **kwargs)
        if separate:
            cls.setup_context(node, args, output)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        any_grad = any(needs)
        non_diff = node.__dict__.get("_non_diff", ())
        dirty = node.__dict__.get("_dirty", ())
        wrapped = []
        for i, o in enumerate(outputs):
            if isinstance(o, _Tensor):
                diff = any_grad and id(o) not in non_diff and o.dtype.is_floating_point
                if id(o) in dirty:  # changed in place: o itself takes the new history
                    if record and o._rg and o.grad_fn is None:
                        raise RuntimeError(
                            f"a leaf Variable that requires grad has been used in an in-place "
                            f"operation ({cls.__name__}.forward marked it dirty); pass a "
                            f"clone, or call it under autograd.no_grad()")
                    if diff:
                        o.grad_fn, o._rg, o._output_nr = node, True, i
                    wrapped.append(o)
                    continue
                w = _wrap(o._data, node if diff else None, i)
                w._vc = o._vc
                wrapped.append(w)
            else:
                wrapped.append(o)
        if any_grad:
            node.next_functions = tuple(edges)
            node._seq = next_seq()
            node._n_outputs = len(outputs)
            node._out_meta = [(getattr(o, "shape", ()), getattr(o, "dtype", None))
                              for o in outputs]
            if node._saved is not None:
                node._resolve_saved(args, tuple(w for w in wrapped if isinstance(w, _Tensor)))
            if _anomaly.state.enabled:
                node._trace = _anomaly.user_frame()
                _check_forward(node, [w._data for w in wrapped if isinstance(w, _Tensor)])
        return wrapped[0] if single else tuple(wrapped)


_NOT_OVERRIDDEN = object()


def once_differentiable(fn):
    """Decorator for a backward that is not itself differentiable (runs with recording off)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with _gm.no_grad():
            return fn(ctx, *args)
    return wrapper


class OpNode(_ContextMixin, Node):
    """The node (and ctx) of an internal `Op`: backward works on arrays, or on Tensors when
    the engine builds a differentiable backward graph."""
    __slots__ = ()
    _formula_is_backward = True

    def _apply(self, grad, create_graph):
        if create_graph:
            self._as_tensors = True
            try:
                result = self._fn.backward(self, grad)
            finally:
                del self._as_tensors
        else:
            result = self._fn.backward(self, grad)
        if result.__class__ is not tuple:
            return (result,)
        return result


class Op(metaclass=_FunctionMeta):
    """An internal primitive: forward on NumPy arrays, backward by a formula that works on
    arrays and Tensors alike (see the module docstring). Subclasses set `backward_name` to
    PyTorch's grad_fn name and define static `forward(ctx, *arrays, **options)` and
    `backward(ctx, grad)` returning one gradient per positional argument. Ops whose result has
    no gradient (comparisons, argmax) set `differentiable = False`.

    `apply` is the hot path of the whole engine: keep it lean and measure any change.
    """
    _node_base = OpNode
    differentiable = True

    @classmethod
    def apply(cls, *args, **kwargs):
        if len(args) == 1:
            return apply1(cls, args[0], kwargs)
        if len(args) == 2:
            return apply2(cls, args[0], args[1], kwargs)
        node = _new_node(cls._node_cls)
        record = _gm.state.grad_enabled and cls.differentiable
        arrays = []
        edges = []
        needs = []
        any_grad = False
        for a in args:
            if isinstance(a, _Tensor):
                arrays.append(a._data)
                if record and a._rg:
                    edges.append(edge(a))
                    needs.append(True)
                    any_grad = True
                    continue
            else:
                arrays.append(a)
            edges.append(NO_EDGE)
            needs.append(False)
        y = cls.forward(node, *arrays, **kwargs)
        if not any_grad:
            return _wrap(y, None)
        node.needs_input_grad = tuple(needs)
        node.next_functions = tuple(edges)
        node._seq = next_seq()
        return _finish(node, y, args)


def apply1(cls, a, kwargs=None):
    """`cls.apply(a)` for a one-tensor op: the hot path, unrolled."""
    node = _new(cls._node_cls)
    node._saved = None
    x = a._data
    y = y0 = cls.forward(node, x, **kwargs) if kwargs else cls.forward(node, x)
    if y.__class__ is not _ndarray:  # a 0-d result comes back as a NumPy scalar
        y = _asarray(y)
    if not (a._rg and _gm.state.grad_enabled and cls.differentiable):
        return _wrap(y, None)
    node.needs_input_grad = TRUE1
    fn = a.grad_fn
    saved = node._saved
    out = _record(node, y, (fn, a._output_nr) if fn is not None else edge(a))
    vc = out._vc
    if saved is not None:
        if len(saved) == 1:  # the common case, unrolled
            v = saved[0]
            node._saved = ((y, OUTPUT, vc, 0, 0) if v is y or v is y0 else
                           (x, a, a._vc, a._vc[0]) if v is x else
                           _saved_entry(v, (a,), out),)
        else:
            node._saved = tuple((x, a, a._vc, a._vc[0]) if v is x else
                                (y, OUTPUT, vc, 0, 0) if v is y or v is y0 else
                                _saved_entry(v, (a,), out) for v in saved)
    return out


def apply2(cls, a, b, kwargs=None):
    """`cls.apply(a, b)` for a binary op (either may be a Python number): unrolled.

    `needs_input_grad` is set before forward runs, so forward can save only what the
    gradients that will be asked for need."""
    ta = isinstance(a, _Tensor)
    tb = isinstance(b, _Tensor)
    record = _gm.state.grad_enabled and cls.differentiable
    ga = record and ta and a._rg
    gb = record and tb and b._rg
    node = _new(cls._node_cls)
    node._saved = None
    node.needs_input_grad = NEEDS2[ga][gb]
    xa = a._data if ta else a
    xb = b._data if tb else b
    y = y0 = cls.forward(node, xa, xb, **kwargs) if kwargs else cls.forward(node, xa, xb)
    if y.__class__ is not _ndarray:  # a 0-d result comes back as a NumPy scalar
        y = _asarray(y)
    if not (ga or gb):
        return _wrap(y, None)
    saved = node._saved
    out = _record(node, y, edge(a) if ga else NO_EDGE, edge(b) if gb else NO_EDGE)
    if saved is not None:
        node._saved = tuple(_saved_entry(v, (a, b), out, y0) for v in saved)
    return out


def _saved_entry(v, inputs, out, y0=None):
    """The saved-value entry for `v`: an input (tensor or number), the output `out` (also as
    `y0`, what forward returned before it became an array) or a constant."""
    if v is None or v.__class__ in _NUMBERS:
        return (v, None, None, 0)
    for t in inputs:
        if isinstance(t, _Tensor) and (t is v or t._data is v):
            return (t._data, t, t._vc, t._vc[0])
    if y0 is not None and v is y0:
        return (out._data, OUTPUT, out._vc, 0, 0)
    o = _find_output(v, out)
    if o is not None:
        return (o._data, OUTPUT, o._vc, o._vc[0], o._output_nr)
    return (getattr(v, "_data", v), None, None, 0)


def _finish(node, y, args):
    """Wrap the output of a recorded op and settle what it saved."""
    out = _wrap(y, node)
    if node._saved is not None:
        node._resolve_saved(args, out)
    if _anomaly.state.enabled:
        _anomaly_forward(node, y)
    return out


_new = object.__new__
_ndarray = np.ndarray
_asarray = np.asarray
_NUMBERS = {float, int, bool}
_TENSOR_TYPES = set()  # filled with Tensor (and subclasses as they are seen) by tensor.py
_Tensor = None
_wrap = None


def _bind_tensor(tensor_cls):
    """Called once by tensor.py: the Tensor class, for the hot path's type checks."""
    global _Tensor, _wrap, Tensor
    Tensor = _Tensor = tensor_cls
    _wrap = tensor_cls._wrap
    _TENSOR_TYPES.add(tensor_cls)
    _node.bind_tensor(tensor_cls)


