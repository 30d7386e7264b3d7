"""The module-level graph of a model: one node per module call, tensor shapes on the edges.

`build_module_graph(model, args)` runs the model once on the example arguments under
`trace_modules`. The drawn modules are the leaf modules (those without children), or, with
`depth`, the modules at that depth (and shallower leaves), each call one node. An edge runs
from the module call (or model input) that made a tensor to each call that used it, labelled
with the tensor's shape; functional operations in between (`F.relu`, `x.flatten(1)`) are
found by walking back through the autograd graph from the tensor a module received to the
nearest module output, and are named on the edge ("via relu").
"""
import math
from collections import deque

import numpy as np

from ..node import AccumulateGrad
from ..tensor import Tensor
from .graph import VizGraph, short_op_name
from .summary import GradInfo, format_number, format_shape, grad_info
from .trace import capture_grads, flatten_tensors, trace_modules

__all__ = ["build_module_graph"]

_MAX_VIA = 3


def _key(t):
    return (t.grad_fn, t.output_nr) if t.grad_fn is not None else ("tensor", id(t))


def _is_leaf_module(module):
    if hasattr(module, "children"):
        return next(iter(module.children()), None) is None
    return sum(1 for _ in module.named_modules()) == 1


def _describe(module):
    """`Linear(784 → 256)`-style text: the class name and a short extra_repr."""
    name = type(module).__name__
    extra = module.extra_repr() if hasattr(module, "extra_repr") else ""
    extra = extra.replace("\n", " ")
    if len(extra) > 44:
        extra = extra[:41] + "..."
    return f"{name}({extra})" if extra else name


def _param_grad(module, captured=None):
    """GradInfo over a module's parameters' gradients: those `captured` ({id(param):
    array}) when given, else their `.grad` (None when none has one)."""
    if not hasattr(module, "parameters"):
        return None
    total, nonfinite, seen = 0.0, "", False
    for p in module.parameters():
        g = captured.get(id(p)) if captured is not None else getattr(p, "grad", None)
        if g is None:
            continue
        seen = True
        data = np.asarray(getattr(g, "data", g))
        finite = np.isfinite(data)
        if not finite.all():
            nonfinite = "NaN" if np.isnan(data).any() else "Inf"
        total += float(np.sum(np.where(finite, data, 0.0).astype(np.float64) ** 2))
    if not seen:
        return None
    norm = math.sqrt(total)
    return GradInfo(norm, nonfinite, (), format_number(norm))


def _capture(outputs):
    """A recording-only backward from `outputs` (gradient 1 everywhere, nothing written to
    `.grad`): ({(grad_fn, output_nr) or ('tensor', id): GradInfo} of the tensors, {id(param):
    array} of the leaves)."""
    roots = [t for t in outputs if t.grad_fn is not None]
    if not roots:
        return {}, {}
    with np.errstate(all="ignore"):
        grads = capture_grads(roots).run(roots).grads
    tensors, leaves = {}, {}
    for node, per_output in grads.items():
        if isinstance(node, AccumulateGrad):
            if per_output and per_output[0] is not None:
                leaves[id(node.variable)] = per_output[0]
                tensors[("tensor", id(node.variable))] = grad_info(per_output[0])
            continue
        for nr, g in enumerate(per_output):
            if g is not None:
                tensors[(node, nr)] = grad_info(g)
    return tensors, leaves


def _param_count(module):
    if not hasattr(module, "parameters"):
        return 0
    return sum(int(p.data.size) for p in module.parameters())


def _prepare_inputs(args):
    """The example arguments, float tensors made leaves that require grad (detached, not
    copied), so that the graph leads back to them."""
    prepared = []
    for a in args:
        if isinstance(a, Tensor) and not a.requires_grad and a.is_floating_point():
            a = a.detach().requires_grad_(True)
            a.label = "input"
        prepared.append(a)
    return tuple(prepared)


def build_module_graph(model, args, depth=None, grad_flow=False, grad_range=None,
                       capture=None):
    """The module-level VizGraph (see the module docstring).

    With grad_flow, a recording-only backward from the output (as `output.sum().backward()`,
    nothing written to `.grad`) shades each module by its parameters' gradient norm and
    each edge by the gradient of the tensor it carries; capture=False uses the parameters'
    own `.grad` instead (from the caller's backward of a real loss), for the modules only."""
    if depth is not None and depth < 1:
        raise ValueError(f"module_depth must be 1 or more, got {depth}")
    args = _prepare_inputs(args)
    with trace_modules(model) as trace:
        output = model(*args)
    calls = sorted(trace.calls, key=lambda c: c.call_id)
    chosen = []
    for call in calls:
        if depth is not None and call.depth > depth:
            continue
        if (depth is not None and call.depth == depth) or _is_leaf_module(call.module):
            chosen.append(call)
    if not chosen:  # the model is one module with no children: draw it as one node
        chosen = [c for c in calls if c.name == ""]
    tensor_grads, param_grads = {}, None
    if grad_flow and capture is not False:
        tensor_grads, param_grads = _capture(flatten_tensors(output))
    graph = VizGraph("module")
    graph.grad_flow = bool(grad_flow)
    graph.grad_range = tuple(grad_range) if grad_range is not None else None
    producers = {}
    input_nodes = []
    for i, a in enumerate(a for a in args if isinstance(a, Tensor)):
        node = graph.add("input", "input" if len(args) == 1 else f"input {i}",
                         [f"{format_shape(a.shape)} {a.dtype.name}"], sig="input",
                         grad=tensor_grads.get(("tensor", id(a))))
        input_nodes.append((a, node))
        producers[("tensor", id(a))] = node
    times_called = {}
    for call in chosen:
        n = times_called[call.name] = times_called.get(call.name, 0) + 1
        short = call.name.rsplit(".", 1)[-1]  # the cluster around it names the rest
        title = (short or type(call.module).__name__) + (f" (call {n})" if n > 1 else "")
        lines = [_describe(call.module)]
        count = _param_count(call.module)
        if count:
            lines.append(f"{count:,} params")
        parent = call.name.rsplit(".", 1)[0] if "." in call.name else None
        node = graph.add("module", title, lines, parent,
                         _param_grad(call.module, param_grads) if grad_flow else None,
                         sig=f"module:{lines[0]}")
        call_node = node
        for t in call.inputs:
            _connect(graph, t, call_node, producers, input_nodes, tensor_grads)
        for t in call.outputs:
            producers.setdefault(_key(t), call_node)
    for i, t in enumerate(flatten_tensors(output)):
        out = graph.add("output", "output" if i == 0 else f"output {i}",
                        [f"{format_shape(t.shape)} {t.dtype.name}"], sig="output",
                        grad=tensor_grads.get(_key(t)))
        _connect(graph, t, out, producers, input_nodes, tensor_grads)
    return graph


def _connect(graph, t, dst, producers, input_nodes, grads):
    """Edges into `dst` from whatever made tensor `t` (see the module docstring), carrying
    the gradient of `t` where `grads` has it."""
    label = format_shape(t.shape)
    grad = grads.get(_key(t))
    direct = producers.get(_key(t)) or producers.get(("tensor", id(t)))
    if direct is not None:
        graph.connect(direct, dst, label, grad)
        return
    if t.grad_fn is None:
        return  # a constant: nothing drew it
    found = []
    via = []
    seen = {t.grad_fn}
    queue = deque([(t.grad_fn, t.output_nr)])
    while queue:
        node, nr = queue.popleft()
        src = producers.get((node, nr))
        if src is not None:
            if src not in found:
                found.append(src)
            continue
        if isinstance(node, AccumulateGrad):
            for a, in_node in input_nodes:
                if a is node.variable and in_node not in found:
                    found.append(in_node)
            continue
        name = short_op_name(node)
        if name not in via:
            via.append(name)
        for parent, pnr in node.next_functions:
            if parent is not None and parent not in seen:
                seen.add(parent)
                queue.append((parent, pnr))
    if len(via) > _MAX_VIA:
        via = via[:_MAX_VIA] + ["…"]
    text = label + ("\nvia " + ", ".join(via) if via else "")
    for src in found:
        graph.connect(src, dst, text, grad)
