"""Recording what a drawing needs while the user's code runs: which module made each node
(`trace_modules`), and the gradient that reached each node during a backward
(`capture_grads`).

`trace_modules(model)` registers a forward pre-hook and a forward hook on every module
(`named_modules()`, duck-typed: any object with PyTorch's module hook API works). When a
module's forward returns, the graph nodes made during that call are found by walking back
from its outputs and stopping at nodes that existed before the call: its inputs' nodes,
leaves, and nodes tagged by an earlier, non-nested module call. Each node found gets
`node.metadata['module'] = 'features.0'` (the innermost module that made it: inner calls
finish first and tag first) and `node.metadata['module_call']`, and each output's grad_fn
records its shape and dtype in `metadata['output_shapes']` and
`metadata['output_dtypes']`. A node made inside a module from a tensor
that is neither an input nor a parameter and that was computed before tracing began (state
kept across calls, as an RNN's hidden state) may be tagged too: tag such tensors by running
their producer under the trace as well.
"""
import itertools

from ..node import AccumulateGrad, Node
from ..scalar import Scalar
from ..tensor import Tensor
from .graph import resolve_roots, walk

__all__ = ["trace_modules", "capture_grads", "flatten_tensors"]

_call_ids = itertools.count(1)


def flatten_tensors(value, out=None, depth=0):
    """The Tensors inside a (nested) tuple, list or dict, in order."""
    if out is None:
        out = []
    if isinstance(value, Tensor):
        out.append(value)
    elif depth < 8 and isinstance(value, (list, tuple)):
        for v in value:
            flatten_tensors(v, out, depth + 1)
    elif depth < 8 and isinstance(value, dict):
        for v in value.values():
            flatten_tensors(v, out, depth + 1)
    return out


class ModuleCall:
    """One call of one module during tracing: its name, the module, its call number, the
    tensors it received and returned (kept for the module-level graph)."""
    __slots__ = ("name", "module", "call_id", "inputs", "outputs", "boundary", "depth")

    def __init__(self, name, module, call_id, inputs):
        self.name = name
        self.module = module
        self.call_id = call_id
        self.inputs = inputs
        self.outputs = []
        self.boundary = {t.grad_fn for t in inputs if t.grad_fn is not None}
        self.depth = 0 if name == "" else name.count(".") + 1


class trace_modules:
    """Context manager: tag the graph nodes made inside each module of `model` with the
    module's name (`node.metadata['module']`), so drawings group them into clusters.

        with autograd.viz.trace_modules(model) as trace:
            loss = criterion(model(x), y)
        autograd.viz.draw(loss, params=model)

    `trace.calls` lists the module calls in the order they finished."""

    def __init__(self, model):
        if not hasattr(model, "named_modules") or not hasattr(model, "register_forward_hook"):
            raise TypeError(f"trace_modules expects an nn.Module (with named_modules() and "
                            f"register_forward_hook), got {type(model).__name__}")
        self.model = model
        self.calls = []
        self._open = {}
        self._handles = []

    def __enter__(self):
        for name, module in self.model.named_modules():
            self._handles.append(module.register_forward_pre_hook(self._pre_hook(name)))
            self._handles.append(module.register_forward_hook(self._post_hook(name)))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles = []
        return False

    def _pre_hook(self, name):
        def hook(module, args):
            call = ModuleCall(name, module, next(_call_ids), flatten_tensors(args))
            self._open.setdefault(name, []).append(call)
        return hook

    def _post_hook(self, name):
        def hook(module, args, output):
            stack = self._open.get(name)
            if not stack:
                return None
            call = stack.pop()
            call.outputs = flatten_tensors(output)
            _tag(call)
            self.calls.append(call)
            return None
        return hook


def _tag(call):
    """Tag the nodes made during `call` (see the module docstring)."""
    start = call.call_id
    stack = []
    seen = set()
    for t in call.outputs:
        fn = t.grad_fn
        if fn is None:
            continue
        meta = fn.metadata
        meta.setdefault("output_shapes", {})[t.output_nr] = tuple(t.shape)
        meta.setdefault("output_dtypes", {})[t.output_nr] = t.dtype.name
        if fn not in seen:
            seen.add(fn)
            stack.append(fn)
    while stack:
        node = stack.pop()
        if node in call.boundary or not node.next_functions:
            continue
        meta = node.metadata
        tagged_by = meta.get("module_call")
        if tagged_by is not None and tagged_by < start:
            continue  # made before this call began: not ours
        if tagged_by is None:
            meta["module"] = call.name
            meta["module_call"] = start
        for parent, _ in node.next_functions:
            if parent is not None and parent not in seen and not isinstance(parent, Scalar):
                seen.add(parent)
                stack.append(parent)


class capture_grads:
    """Context manager recording the gradient that reaches each node of the graph of `roots`
    during a backward run inside it (hooks on every node, removed on exit):

        with autograd.viz.capture_grads(loss) as grads:
            loss.backward()
        autograd.viz.draw(loss, grads=grads, grad_flow=True)

    `grads.grads` maps each graph node to the list of its output gradients."""

    def __init__(self, roots, *, _objects=None):
        starts, _outputs, _constants = resolve_roots(roots)
        self.objects = _objects if _objects is not None else walk(starts)[0]
        self.grads = {}
        self._undo = []

    def __enter__(self):
        for obj in self.objects:
            if isinstance(obj, Scalar):
                had = obj._pre_hooks is not None
                handle = obj.register_hook(self._scalar_hook(obj))
                self._undo.append((obj, handle, had))
            elif isinstance(obj, Node):
                had = "_pre_hooks" in obj.__dict__
                handle = obj.register_prehook(self._node_hook(obj))
                self._undo.append((obj, handle, had))
        return self

    def __exit__(self, *exc):
        for obj, handle, had in self._undo:
            handle.remove()
            hooks = obj._pre_hooks
            if isinstance(hooks, dict) and not hooks.get(None, True):
                del hooks[None]
            if not had and not hooks:
                del obj._pre_hooks  # back to the class default (no hooks)
        self._undo = []
        return False

    def _scalar_hook(self, obj):
        def hook(grad):
            self.grads[obj] = [grad]
        return hook

    def _node_hook(self, obj):
        def hook(grads):
            self.grads[obj] = [None if g is None else getattr(g, "_data", g) for g in grads]
        return hook

    def run(self, roots):
        """Run a backward from `roots` that only records: gradient 1 for each root, nothing
        stored in any `.grad` (the graph is retained)."""
        import numpy as np
        from .. import engine
        starts, _outputs, _constants = resolve_roots(roots)
        from .graph import saved_entries
        released = [o for o in self.objects
                    if isinstance(o, Node) and saved_entries(o)[1]]
        if released:
            raise RuntimeError(
                f"capture_grads=True runs a backward pass through the graph, but "
                f"{released[0].name()} has already freed its saved values (an earlier "
                f"backward() without retain_graph=True). Draw before calling backward(), or "
                f"capture during your own backward: `with autograd.viz.capture_grads(loss) "
                f"as g: loss.backward()`, then draw(loss, grads=g)")
        leaves = [(o, 0) for o in self.objects
                  if isinstance(o, AccumulateGrad) or (isinstance(o, Scalar) and o.is_leaf)]
        if not leaves:
            return self
        edges, seeds = [], []
        for r in roots if isinstance(roots, (list, tuple)) else [roots]:
            if isinstance(r, Scalar):
                edges.append((r, 0))
                seeds.append(1.0)
            elif isinstance(r, Tensor) and r.grad_fn is not None:
                edges.append((r.grad_fn, r.output_nr))
                seeds.append(np.ones_like(r._data))
        with self:
            engine.run_backward(edges, seeds, retain_graph=True, inputs=leaves)
        return self
