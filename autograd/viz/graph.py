"""Walk an autograd graph into a neutral model of drawn nodes and edges.

The walk is breadth-first from the roots over `next_functions` (no recursion, so a
100,000-node chain is fine), and numbers the graph objects in the order it meets them: node
ids in a drawing are these numbers, stable from run to run (never `id()`).

Two views are built from one walk:

* backward (as torchviz draws it): one node per `grad_fn` (`MulBackward0`), leaves as their
  tensors (`AccumulateGrad` nodes, named `fc1.weight (256, 784)` where a name is known), the
  roots as output tensors; an edge runs from the node that made an input to the node that
  used it.
* forward (as the user wrote it): operations (`mul`) and values (tensors with their shapes,
  or Scalars with their data and grad) as separate nodes: input value -> op -> output value;
  inputs that do not require grad are drawn where an op saved them for backward.

A `Scalar` is at once a value and the op that made it, so in the forward view it is drawn
micrograd's way: a record `label | data | grad` fed by a small op node (`*`).

Shapes and values of intermediate tensors are not kept by the graph itself; they are taken
where the graph has them: the roots, the values saved for backward, a custom Function's
output metadata, shapes recorded by `trace_modules`, and captured gradients.
"""
import re

from .. import node as _node
from ..node import OUTPUT as _OUTPUT, AccumulateGrad, Node
from ..scalar import Scalar
from ..tensor import Tensor
from .summary import format_shape, grad_info, summarize_values

__all__ = ["VizNode", "VizEdge", "VizGraph", "walk", "build_graph", "resolve_roots"]


class VizNode:
    """One drawn node. kind: 'op', 'leaf', 'tensor', 'output', 'scalar', 'repeat', 'more',
    'module' or 'input'. `lines` are the text under the title; `sig` is what makes two nodes
    "the same" when repeated structure is collapsed; `grad` a GradInfo or None."""
    __slots__ = ("id", "kind", "title", "lines", "module", "grad", "sig", "count")

    def __init__(self, id, kind, title, lines=(), module=None, grad=None, sig=None):
        self.id = id
        self.kind = kind
        self.title = title
        self.lines = list(lines)
        self.module = module
        self.grad = grad
        self.sig = sig if sig is not None else f"{kind}:{title}"
        self.count = 1

    def __repr__(self):
        return f"VizNode({self.id}, {self.kind!r}, {self.title!r})"


class VizEdge:
    """An edge from `src` (the input side) to `dst` (the node that used it)."""
    __slots__ = ("src", "dst", "label", "grad")

    def __init__(self, src, dst, label="", grad=None):
        self.src = src
        self.dst = dst
        self.label = label
        self.grad = grad

    def __repr__(self):
        return f"VizEdge({self.src} -> {self.dst})"


class VizGraph:
    """Nodes (their `id` is their index) and edges of a drawing, and notes for its caption."""

    def __init__(self, view):
        self.view = view
        self.nodes = []
        self.edges = []
        self.notes = []
        self.grad_flow = False
        self.grad_range = None

    def add(self, kind, title, lines=(), module=None, grad=None, sig=None):
        node = VizNode(len(self.nodes), kind, title, lines, module, grad, sig)
        self.nodes.append(node)
        return node

    def connect(self, src, dst, label="", grad=None):
        self.edges.append(VizEdge(src.id, dst.id, label, grad))


# --------------------------------------------------------------------- the walk
def resolve_roots(roots):
    """The graph objects to start from, and the root tensors drawn as outputs:
    (starts, outputs) where outputs are (tensor, node, output_nr) for non-leaf tensors."""
    items = list(roots) if isinstance(roots, (list, tuple)) else [roots]
    if not items:
        raise ValueError("autograd.viz: nothing to draw; pass a Tensor, a Scalar, a grad_fn "
                         "node, or a list of them")
    starts, outputs, constants = [], [], []
    for i, r in enumerate(items):
        if isinstance(r, Tensor):
            if r.grad_fn is not None:
                starts.append(r.grad_fn)
                outputs.append((r, r.grad_fn, r.output_nr))
            elif r.requires_grad:
                from ..function import _edge
                starts.append(_edge(r)[0])
            else:
                constants.append(r)
        elif isinstance(r, (Scalar, Node)):
            starts.append(r)
        else:
            raise TypeError(f"autograd.viz: roots[{i}] is a {type(r).__name__}; expected a "
                            f"Tensor, a Scalar or a grad_fn node (for a model, call "
                            f"draw(model, example_input))")
    return starts, outputs, constants


def walk(starts):
    """Breadth-first walk: (objects in walk order, {object: index}, edges) where an edge is
    (parent index, child index, output_nr of the parent that the child used)."""
    index = {}
    objects = []
    for s in starts:
        if s not in index:
            index[s] = len(objects)
            objects.append(s)
    edges = []
    i = 0
    while i < len(objects):
        node = objects[i]
        for parent, nr in node.next_functions:
            if parent is None:
                continue
            pi = index.get(parent)
            if pi is None:
                pi = index[parent] = len(objects)
                objects.append(parent)
            edges.append((pi, i, nr))
        i += 1
    return objects, index, edges


# --------------------------------------------------------------------- facts about objects
def saved_entries(node):
    """(entries, released): what `node` saved for backward, as a tuple of entries
    (value, owner, version counter, version[, output_nr]), and whether a backward without
    retain_graph has freed them."""
    saved = getattr(node, "_saved", None)
    if saved is None:
        return (), bool(getattr(node, "_released", False))
    if saved is _node.FREED and saved:
        return (), True
    return tuple(e for e in saved if isinstance(e, tuple)), False


def _module_of(obj, names):
    if isinstance(obj, AccumulateGrad):
        name = names.get(id(obj.variable))
        if name and "." in name:
            return name.rsplit(".", 1)[0]
        return None
    meta = getattr(obj, "_meta", None)
    return meta.get("module") if meta else None


class _Facts:
    """What is known of each (node, output_nr) value: shape, dtype, values, label, grad."""

    def __init__(self, objects, outputs, grads, values=True):
        self.shape, self.dtype, self.values, self.label = {}, {}, {}, {}
        self.grads = grads or {}
        for t, node, nr in outputs:
            self._learn((node, nr), t._data, t.label)
        for obj in objects if values else ():
            if isinstance(obj, Scalar) or isinstance(obj, AccumulateGrad):
                continue
            meta = getattr(obj, "_meta", None)
            if meta and "output_shapes" in meta:
                for nr, shape in meta["output_shapes"].items():
                    self.shape.setdefault((obj, nr), tuple(shape))
                for nr, dtype in meta.get("output_dtypes", {}).items():
                    self.dtype.setdefault((obj, nr), dtype)
            for nr, name in obj.__dict__.get("_output_labels", {}).items():
                if name is not None:
                    self.label.setdefault((obj, nr), name)
            out_meta = obj.__dict__.get("_out_meta")
            if out_meta:
                for nr, (shape, dtype) in enumerate(out_meta):
                    self.shape.setdefault((obj, nr), tuple(shape))
                    if dtype is not None:
                        self.dtype.setdefault((obj, nr), getattr(dtype, "name", str(dtype)))
            for entry in saved_entries(obj)[0]:
                owner = entry[1]
                if owner is _OUTPUT:
                    self._learn((obj, entry[4] if len(entry) > 4 else 0), entry[0], None)
                elif isinstance(owner, Tensor) and owner.grad_fn is not None:
                    self._learn((owner.grad_fn, owner.output_nr), entry[0], owner.label)
        for node, per_output in self.grads.items():
            for nr, g in enumerate(per_output):
                if g is not None and hasattr(getattr(g, "data", g), "shape"):
                    self.shape.setdefault((node, nr), tuple(getattr(g, "data", g).shape))

    def _learn(self, key, array, label):
        if hasattr(array, "shape"):
            self.shape.setdefault(key, tuple(array.shape))
            self.dtype.setdefault(key, str(array.dtype))
            self.values.setdefault(key, array)
        if label is not None:
            self.label.setdefault(key, label)

    def grad_of(self, obj, nr=None):
        """GradInfo of a node's output `nr` (all outputs when None)."""
        if isinstance(obj, AccumulateGrad):
            g = obj.variable.grad
            if g is not None:
                return grad_info(g)
        per_output = self.grads.get(obj)
        if per_output is not None:
            return grad_info(per_output if nr is None else per_output[nr])
        if isinstance(obj, Scalar):
            return grad_info(obj.grad)
        return None


# --------------------------------------------------------------------- building views
class _Builder:
    def __init__(self, options, facts):
        self.o = options
        self.facts = facts
        self.g = VizGraph(options.view)

    def leaf(self, acc):
        """The node of a leaf tensor (an AccumulateGrad)."""
        var = acc.variable
        o = self.o
        name = o.names.get(id(var)) or var.label
        lines = [f"{format_shape(var.shape)} {var.dtype.name}"]
        if o.show_values:
            lines.append("data " + summarize_values(var._data))
        grad = self.facts.grad_of(acc)
        if o.show_grads and grad is not None:
            lines.append("grad " + grad.text)
        return self.g.add("leaf", name or "", lines, _module_of(acc, o.names), grad,
                          sig=f"leaf:{format_shape(var.shape)}")

    def scalar(self, s, title):
        o = self.o
        lines = []
        if o.show_values:
            lines.append("data " + summarize_values(s.data))
        grad = self.facts.grad_of(s)
        if o.show_grads and grad is not None:
            lines.append("grad " + grad.text)
        return self.g.add("scalar", title, lines, _module_of(s, o.names), grad,
                          sig=f"scalar:{s._op}")

    def saved_lines(self, node):
        if not self.o.show_saved:
            return []
        saved, released = saved_entries(node)
        if released:
            return ["saved: freed by backward()"]
        lines = []
        for i, entry in enumerate(saved):
            value = entry[0]
            if value is None:
                continue
            if hasattr(value, "shape"):
                text = f"{format_shape(value.shape)} {value.dtype}"
                if self.o.show_values:
                    text += " " + summarize_values(value)
            else:
                text = summarize_values(value)
            lines.append(f"saved[{i}]: {text}")
        return lines

    def value_lines(self, key):
        """Text of an intermediate tensor (node, output_nr) in the forward view."""
        f = self.facts
        lines = []
        shape = f.shape.get(key)
        values = f.values.get(key)
        if shape is not None:
            dtype = f.dtype.get(key)
            lines.append(format_shape(shape) + (f" {dtype}" if dtype else ""))
        if self.o.show_values and values is not None:
            lines.append("data " + summarize_values(values))
        grad = f.grad_of(key[0], key[1]) if key[0] in f.grads else None
        if self.o.show_grads and grad is not None:
            lines.append("grad " + grad.text)
        return lines, grad


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[0-9])(?=[A-Z][a-z])")


def short_op_name(node):
    """The forward operation's name, PyTorch's function name where there is one:
    `MulBackward0` -> `mul`, `NllLossBackward0` -> `nll_loss`, linear's `AddmmBackward0` ->
    `linear` (a Function's `op_name` when it sets one),
    `Log10Backward0` -> `log10`; a name that is not CamelCase is kept as it is."""
    fn_name = getattr(getattr(node, "_fn", None), "op_name", None)
    if fn_name:  # a Function that names its forward (nn.functional.linear's AddmmBackward0)
        return fn_name
    name = node.name()
    for suffix in ("Backward0", "Backward1", "Backward2", "Backward"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    bare = name.lstrip("_")
    if bare[:1].isupper() and bare.isalnum():
        return _CAMEL.sub("_", bare).lower()
    return name


def build_backward(objects, edges, outputs, options, facts):
    """The backward view (see the module docstring)."""
    b = _Builder(options, facts)
    g = b.g
    out_nodes = []
    for t, node, nr in outputs:
        name = t.label or "output"
        lines = [f"{format_shape(t.shape)} {t.dtype.name}"]
        if options.show_values:
            lines.append("data " + summarize_values(t._data))
        grad = grad_info(t.grad) if t.grad is not None else facts.grad_of(node, nr) \
            if node in facts.grads else None
        if options.show_grads and grad is not None:
            lines.append("grad " + grad.text)
        out_nodes.append((g.add("output", name, lines, grad=grad, sig="output"), node))
    first = len(g.nodes)
    for obj in objects:
        if isinstance(obj, AccumulateGrad):
            b.leaf(obj)
        elif isinstance(obj, Scalar):
            title = obj.name() if obj.label is None else f"{obj.label}: {obj.name()}"
            b.scalar(obj, title).sig = f"scalar:{obj.name()}"
        else:
            meta = getattr(obj, "_meta", None)
            grad = facts.grad_of(obj)
            lines = b.saved_lines(obj)
            if options.show_grads and grad is not None:
                lines.append("grad " + grad.text)
            g.add("op", obj.name(), lines, meta.get("module") if meta else None, grad,
                  sig=f"op:{obj.name()}")
    index = {obj: first + i for i, obj in enumerate(objects)}
    for out, node in out_nodes:
        g.connect(g.nodes[index[node]], out, grad=out.grad)
    for pi, ci, _nr in edges:
        src = g.nodes[first + pi]
        g.connect(src, g.nodes[first + ci], grad=src.grad)
    return g


def build_forward(objects, edges, outputs, options, facts):
    """The forward view (see the module docstring)."""
    b = _Builder(options, facts)
    g = b.g
    value_of = {}  # (object, output_nr) -> drawn value node
    op_of = {}     # object -> drawn op node
    used = {}      # object -> output numbers consumed or drawn as roots
    for pi, _ci, nr in edges:
        used.setdefault(objects[pi], set()).add(nr)
    for _t, node, nr in outputs:
        used.setdefault(node, set()).add(nr)
    roots = {(node, nr): t for t, node, nr in outputs}
    show_ops = options.show_ops
    for obj in objects:
        if isinstance(obj, AccumulateGrad):
            value_of[obj, 0] = b.leaf(obj)
            continue
        if isinstance(obj, Scalar):
            label = obj.label or ""
            op = obj._op if isinstance(obj._op, str) else "**"
            if obj.next_functions and not show_ops:
                label = f"{label} = {op}" if label else f"= {op}"
            value = value_of[obj, 0] = b.scalar(obj, label)
            if obj.next_functions and show_ops:
                op_node = op_of[obj] = g.add("op", op, module=value.module, grad=value.grad,
                                             sig=f"op:{op}")
                g.connect(op_node, value, grad=value.grad)
            continue
        meta = getattr(obj, "_meta", None)
        module = meta.get("module") if meta else None
        op_name = short_op_name(obj)
        if show_ops:  # shaded by the gradient of what it made, as in the backward view
            op_node = op_of[obj] = g.add("op", op_name, b.saved_lines(obj), module,
                                         facts.grad_of(obj) if obj in facts.grads else None,
                                         sig=f"op:{op_name}")
        for nr in sorted(used.get(obj, {0})):
            key = (obj, nr)
            lines, grad = b.value_lines(key)
            root = roots.get(key)
            title = (root.label or "output") if root is not None else \
                facts.label.get(key) or ("" if lines else "tensor")
            if not show_ops:
                lines.insert(0, f"= {op_name}" + (f" [{nr}]" if obj._n_out > 1 else ""))
            kind = "output" if root is not None else "tensor"
            value = value_of[key] = g.add(kind, title, lines, module, grad,
                                          sig=f"{kind}:{lines[0] if lines else ''}")
            if show_ops:
                g.connect(op_node, value, label=f"[{nr}]" if obj._n_out > 1 else "",
                          grad=grad)
    values_by_obj = {}
    for (obj, _nr), value in value_of.items():
        values_by_obj.setdefault(obj, []).append(value)
    for pi, ci, nr in edges:
        parent, child = objects[pi], objects[ci]
        src = value_of[parent, nr if not isinstance(parent, Scalar) else 0]
        if child in op_of:
            g.connect(src, op_of[child], grad=src.grad)
        else:  # ops folded into their values: the edge goes to each output of the child
            for dst in values_by_obj[child]:
                g.connect(src, dst, grad=src.grad)
    _draw_constants(b, objects, op_of, values_by_obj)
    return g


def _draw_constants(b, objects, op_of, values_by_obj):
    """Tensors that do not require grad (a batch of data) are not in the graph, but an op
    that saved one for backward keeps it: draw each once, feeding the ops that saved it.
    (After a backward() has freed the saved values they are no longer known.)"""
    drawn, edges = {}, set()
    for obj in objects:
        if isinstance(obj, (Scalar, AccumulateGrad)):
            continue
        for entry in saved_entries(obj)[0]:
            owner = entry[1]
            if not isinstance(owner, Tensor) or owner.grad_fn is not None or \
                    owner.requires_grad:
                continue
            node = drawn.get(id(owner))
            if node is None:
                lines = [f"{format_shape(owner.shape)} {owner.dtype.name}"]
                if b.o.show_values:
                    lines.append("data " + summarize_values(owner._data))
                node = drawn[id(owner)] = b.g.add("tensor", owner.label or "", lines,
                                                  sig=f"constant:{lines[0]}")
            for dst in [op_of[obj]] if obj in op_of else values_by_obj.get(obj, []):
                if (node.id, dst.id) not in edges:
                    edges.add((node.id, dst.id))
                    b.g.connect(node, dst)


def build_graph(starts, outputs, options, grads=None, walked=None):
    """Walk from `starts` (or take `walked`, what `walk(starts)` gave) and build the view
    `options.view` ('backward' or 'forward')."""
    objects, _index, edges = walked or walk(starts)
    facts = _Facts(objects, outputs, grads, values=options.view == "forward")
    build = build_forward if options.view == "forward" else build_backward
    return build(objects, edges, outputs, options, facts), objects
