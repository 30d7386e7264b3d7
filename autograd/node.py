"""Graph nodes, and the recording of an operation's output.

A recorded operation is a `Node`: it knows the nodes that made its inputs (`next_functions`,
pairs of `(node, output_nr)` as in PyTorch), what it saved for backward, and how to map the
gradient of its output(s) to gradients of its inputs (the node protocol the engine walks is
in `autograd.engine`). A leaf tensor that requires grad is reached through an
`AccumulateGrad` node that adds into its `.grad`.

Every node draws a sequence number (`next_seq`) once its edges are set, so a node is always
newer than the nodes it points to; backward runs the newest pending node first, which is a
topological order without a counting pass (PyTorch's `sequence_nr`).

`record` and `edge` are the hot path shared by every op (`autograd.function` and the
generated ops of `autograd.ops`): keep them lean and measure any change.
"""
import itertools

import numpy as np

from . import anomaly as _anomaly
from . import graph_gc as _graph_gc

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "edge", "record", "constant",
           "next_seq", "POST_HOOKS", "NO_EDGE", "FREED", "OUTPUT", "SAVED_NONE", "TRUE1", "NEEDS2"]

NO_EDGE = (None, 0)  # the edge of an operand without gradient
FREED = ("freed",)  # what `_saved` becomes once backward has released the saved values
OUTPUT = object()  # marks a saved value that is the op's own output
SAVED_NONE = (None, None, None, 0)  # a saved slot left empty (a value no gradient needs)
TRUE1 = (True,)  # needs_input_grad of a one-input op that records
NEEDS2 = (((False, False), (False, True)), ((True, False), (True, True)))  # [ga][gb]
next_seq = itertools.count().__next__  # the sequence numbers of nodes (see Node._seq)
POST_HOOKS = "post"  # the key of Node.register_hook's hooks among a node's `_pre_hooks`


class Node:
    """One step of the backward graph (PyTorch's `grad_fn` objects)."""
    __slots__ = ("next_functions", "needs_input_grad", "_saved", "_seq", "__weakref__",
                 "__dict__")
    _n_out = 1
    _keeps = False
    # `_saved` is None (nothing saved), a tuple of entries (value, owner, version counter,
    # version[, output_nr]) made by save_for_backward, or FREED after a backward without
    # retain_graph. `_seq` is drawn from `next_seq()` once the node's edges are set (see the
    # module docstring). Rarely set attributes are class-level defaults (an instance stores
    # its own only when it sets one):
    _pre_hooks = None    # {output_nr or None: [hook, ...], POST_HOOKS: [post hook, ...]}
    _trace = None        # where the forward call came from (anomaly mode)
    _meta = None         # user metadata (`node.metadata`)
    _as_tensors = False  # saved_tensors returns Tensors (backward under create_graph)
    _formula_is_backward = False  # the op's backward(ctx, grad) is the node's `_backward`

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def register_hook(self, fn):
        """`fn(grad_inputs, grad_outputs) -> new grad_inputs or None`, called after this node
        ran, as PyTorch's `Node.register_hook`: grad_inputs are the gradients it computed for
        its inputs (one per `next_functions` entry; `()` for a leaf accumulator), grad_outputs
        those it received."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(POST_HOOKS, [])
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def register_prehook(self, fn, nr=None):
        """`fn(grad_outputs) -> new grad_outputs or None` before this node runs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(nr, [])
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    @property
    def metadata(self):
        if self._meta is None:
            self._meta = {}
        return self._meta

    def _backward(self, grad):
        """First-order backward (`_apply` without create_graph): a tuple, or one gradient."""
        return self._apply(grad, False)

    def _release(self):
        """Free what was saved for backward (the engine inlines this for plain nodes)."""
        if self._saved is not None:
            self._saved = FREED


class RemovableHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    def __init__(self, hooks, fn):
        self._hooks = hooks
        self._fn = fn

    def remove(self):
        try:
            self._hooks.remove(self._fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds the gradient into `variable.grad`."""
    __slots__ = ("variable",)
    _keeps = True
    _seq = -1  # a sink: it feeds nothing, so it may run after everything else

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._saved = None
        if variable._hooks is not None:
            self._pre_hooks = variable._hooks

    def _apply(self, grad, create_graph):
        return ()

    def _keep(self, grad):
        self.variable._accumulate_grad(grad)


def edge(t):
    """The graph edge for a tensor that requires grad: its grad_fn, or its leaf accumulator."""
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    ref = t._acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._acc = _graph_gc.track_leaf(acc)  # also tells the cycle collector a graph is alive
    return (acc, 0)


def record(node, y, *edges):
    """The output tensor of a recorded op: array `y`, made by `node` from `edges` (one per
    operand, `NO_EDGE` for those without gradient). Draws the node's sequence number."""
    node.next_functions = edges
    node._seq = next_seq()
    out = _new(_Tensor)
    out._data = y
    out.grad_fn = node
    out._rg = True
    out._vc = [0]
    if _anomaly.state.enabled:
        _anomaly_forward(node, y)
    return out


# per floating dtype: {number: read-only 0-d array}, filled by `constant`. A dtype is a key
# exactly when it is floating, so one lookup also answers "is this a float tensor?"
CONSTANTS = {np.dtype(t): {} for t in (np.float16, np.float32, np.float64)}


def constant(v, dtype):
    """The Python number `v` as a read-only 0-d array of the floating `dtype` (cached).

    For `+ - * /` with a float tensor this computes exactly what the number itself gives
    (NumPy casts it to the tensor's dtype either way), but NumPy's handling of a Python
    number costs about as much as the arithmetic on a small array. Zeros (0.0 and -0.0 are
    equal keys), NaN (never equal to itself) and values the dtype cannot hold stay numbers."""
    table = CONSTANTS[dtype]
    c = table.get(v)
    if c is None:
        if not v or v != v:
            return v
        with np.errstate(over="ignore"):
            c = np.array(v, dtype=dtype)
        if not np.isfinite(c):
            return v
        c.flags.writeable = False
        if len(table) >= 256:
            table.clear()
        table[v] = c
    return c


def _anomaly_forward(node, y):
    node._trace = _anomaly.user_frame()
    _check_forward(node, [y])


_new = object.__new__
_Tensor = None


def bind_tensor(tensor_cls):
    """Called once by tensor.py: the Tensor class that `record` makes."""
    global _Tensor
    _Tensor = tensor_cls


def _check_forward(node, arrays):
    for a in arrays:
        if _anomaly.nonfinite(a):
            name = type(node).__name__.replace("Backward0", "").replace("Backward", "")
            raise RuntimeError(f"anomaly detected in the forward pass: operation '{name}' "
                               f"({type(node).__name__}) produced a NaN or an infinity, called "
                               f"from {node._trace}")
