"""From the neutral model (`VizGraph`) to Graphviz: a `graphviz.Digraph` and its DOT text.

Node ids are `n0, n1, ...` in walk order, so the DOT of a graph is the same on every run.
Each module seen in the nodes' `module` paths becomes a cluster (`features` holding
`features.0`), nested as the model nests.

Gradient-flow colouring maps the gradient norm of each node on a log scale,
`t = (log10 ||g|| - log10 lo) / (log10 hi - log10 lo)` clipped to [0, 1], to a palette from
near-white (t = 0: vanishing) to dark blue (t = 1: the largest); edges get the
colour of the gradient they carry and a width growing with t. A NaN or infinite gradient is
red, with the word on the node, whatever the scale; an exactly zero gradient is grey; a node
whose gradient is not known (a module without parameters, a Scalar op) is drawn dashed,
unfilled.
"""
import functools
import math

import graphviz
import graphviz.quoting

from .renderer import VizDigraph

__all__ = ["to_digraph", "grad_colour", "GRAD_NONFINITE_COLOUR"]

GRAD_NONFINITE_COLOUR = "#e31a1c"
GRAD_ZERO_COLOUR = "#d9d9d9"
_PALETTE = [(0.0, (0xf7, 0xfb, 0xff)), (0.25, (0xde, 0xeb, 0xf7)), (0.5, (0x9e, 0xca, 0xe1)),
            (0.75, (0x42, 0x92, 0xc6)), (1.0, (0x08, 0x45, 0x94))]
_EDGE_PALETTE = [(0.0, (0xa6, 0xbd, 0xdb)), (0.5, (0x42, 0x92, 0xc6)), (1.0, (0x08, 0x30, 0x6b))]
_DARK = 0.7  # above this position the fill is dark enough for white text

_STYLE = {
    "op": {"shape": "box", "style": "filled", "fillcolor": "lightgrey"},
    "leaf": {"shape": "box", "style": "filled", "fillcolor": "lightblue"},
    "output": {"shape": "box", "style": "filled", "fillcolor": "darkolivegreen1"},
    "tensor": {"shape": "box", "style": "rounded,filled", "fillcolor": "#fffbe6"},
    "scalar": {"shape": "record", "style": "filled", "fillcolor": "white"},
    "repeat": {"shape": "box3d", "style": "filled", "fillcolor": "#e5d8f0"},
    "more": {"shape": "note", "style": "filled", "fillcolor": "#fff2b3"},
    "module": {"shape": "component", "style": "filled", "fillcolor": "#dbe9f6"},
    "input": {"shape": "box", "style": "filled", "fillcolor": "lightblue"},
}
_FORWARD_OP = {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee"}


def _mix(palette, t):
    for (t0, c0), (t1, c1) in zip(palette, palette[1:]):
        if t <= t1:
            w = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            rgb = [round(a + (b - a) * w) for a, b in zip(c0, c1)]
            return "#" + "".join(f"{v:02x}" for v in rgb)
    return "#" + "".join(f"{v:02x}" for v in palette[-1][1])


def _position(norm, grad_range):
    lo, hi = grad_range
    if norm <= 0:
        return 0.0
    a, b = math.log10(lo), math.log10(hi)
    return min(1.0, max(0.0, (math.log10(norm) - a) / (b - a)))


def grad_colour(grad, grad_range, edge=False):
    """The colour for a gradient (a GradInfo) on the scale `grad_range = (lo, hi)`."""
    if grad.nonfinite:
        return GRAD_NONFINITE_COLOUR
    if grad.norm == 0:
        return GRAD_ZERO_COLOUR
    return _mix(_EDGE_PALETTE if edge else _PALETTE, _position(grad.norm, grad_range))


def auto_grad_range(graph):
    """(lo, hi): the smallest and largest finite, non-zero gradient norms of the graph's
    nodes and edges (a decade wide at least)."""
    grads = [n.grad for n in graph.nodes] + [e.grad for e in graph.edges]
    norms = [g.norm for g in grads if g is not None and not g.nonfinite and g.norm > 0]
    if not norms:
        return (1e-3, 1.0)
    lo, hi = min(norms), max(norms)
    if hi < lo * 10:
        mid = math.sqrt(lo * hi)
        lo, hi = mid / math.sqrt(10), mid * math.sqrt(10)
    return (lo, hi)


def _escape(text, record=False):
    text = str(text).replace("\\", "\\\\").replace("\n", "\\n")
    if record:
        for ch in "{}|<>":
            text = text.replace(ch, "\\" + ch)
    return text


def _label(node, grad_flow, module_types):
    lines = list(node.lines)
    title = node.title
    if node.kind == "module" and node.sig == f"module:{title}" and title in module_types:
        title = f"{title}: {module_types[title]}"  # a folded module: say what it is
    if grad_flow and node.grad is not None:
        g = node.grad
        if g.nonfinite:
            lines.append(f"⚠ {g.nonfinite} in grad")
        elif not any(line.startswith(("grad ", "‖grad‖")) for line in lines):
            from .summary import format_number
            lines.append(f"‖grad‖ {format_number(g.norm)}")
    if node.kind == "scalar":
        fields = [_escape(title, True)] if title else []
        fields += [_escape(line, True) for line in lines]
        return "{ " + " | ".join(fields or [" "]) + " }"
    parts = [title] if title else []
    parts += lines
    return "\\n".join(_escape(p) for p in parts) or " "


def _node_attrs(node, graph):
    style = dict(_FORWARD_OP if node.kind == "op" and graph.view == "forward" else
                 _STYLE.get(node.kind, _STYLE["op"]))
    if graph.grad_flow and node.grad is None and node.kind not in ("more",):
        # no gradient known: neither filled (white is "vanishing") nor grey ("zero")
        style["style"] = "dashed" + (",rounded" if "rounded" in style.get("style", "") else "")
        style["color"] = "#7f7f7f"
        style.pop("fillcolor", None)
    elif graph.grad_flow:
        style["fillcolor"] = grad_colour(node.grad, graph.grad_range)
        if "filled" not in style.get("style", ""):
            style["style"] = (style.get("style", "") + ",filled").strip(",")
        if node.grad.nonfinite:
            style["color"] = GRAD_NONFINITE_COLOUR
            style["penwidth"] = "2.5"
            style["fontcolor"] = "white"
        elif node.grad.norm > 0 and _position(node.grad.norm, graph.grad_range) > _DARK:
            style["fontcolor"] = "white"
    return style


_quote_cached = functools.lru_cache(maxsize=1 << 16)(graphviz.quoting.quote)


def _attr_list(label, attrs):
    """` [label=... key=value ...]` exactly as `graphviz.Digraph.node`/`edge` write it
    (sorted keys, the same quoting), without their per-call overhead: a 100,000-node
    drawing spent most of its time there. Attribute names and values repeat, so their
    quoting is cached; labels are quoted each."""
    parts = [f"label={graphviz.quoting.quote(label)}"] if label is not None else []
    parts += [f"{_quote_cached(k)}={_quote_cached(v)}" for k, v in sorted(attrs.items())
              if v is not None]
    return f" [{' '.join(parts)}]" if parts else ""


def _module_tree(nodes):
    """{path: [child paths]} for every module path and its prefixes ('' is the top)."""
    children = {"": []}
    for node in nodes:
        if not node.module:
            continue
        parts = node.module.split(".")
        for i in range(1, len(parts) + 1):
            path = ".".join(parts[:i])
            if path not in children:
                children[path] = []
                children[".".join(parts[:i - 1])].append(path)
    return children


def to_digraph(graph, group_modules=True, module_types=None, rankdir=None, title=None):
    """A `VizDigraph` (a `graphviz.Digraph`) drawing `graph`."""
    if graph.grad_flow and graph.grad_range is None:
        graph.grad_range = auto_grad_range(graph)
    if rankdir is None:
        scalar_graph = any(n.kind == "scalar" for n in graph.nodes)
        rankdir = "LR" if scalar_graph and graph.view == "forward" else "TB"
    dot = VizDigraph(name="autograd", graph_attr={"rankdir": rankdir, "ranksep": "0.35",
                                                  "nodesep": "0.25"},
                     node_attr={"fontname": "Helvetica", "fontsize": "10", "height": "0.2"},
                     edge_attr={"arrowsize": "0.6", "fontname": "Helvetica",
                                "fontsize": "9"})
    by_module = {}
    for node in graph.nodes:
        key = node.module if group_modules and node.module else ""
        by_module.setdefault(key, []).append(node)
    tree = _module_tree(graph.nodes) if group_modules else {"": []}
    module_types = module_types or {}
    counter = [0]

    def emit(target, path):
        for node in by_module.get(path, ()):
            target.body.append(f"\tn{node.id}" + _attr_list(
                _label(node, graph.grad_flow, module_types), _node_attrs(node, graph)) + "\n")
        for child in tree.get(path, ()):
            counter[0] += 1
            with target.subgraph(name=f"cluster_{counter[0]}") as sub:
                name = child.rsplit(".", 1)[-1] if path else child
                kind = module_types.get(child)
                sub.attr(label=_escape(f"{name}: {kind}" if kind else name), style="rounded",
                         color="#7f7f7f", fontname="Helvetica", fontsize="10",
                         labeljust="l", tooltip=_escape(child))
                emit(sub, child)

    emit(dot, "")
    for e in graph.edges:
        attrs = {}
        label = e.label
        if graph.grad_flow and e.grad is not None and graph.view == "module":
            from .summary import format_number  # the module view: numbers on the edges
            g = e.grad
            label += f"\n⚠ {g.nonfinite}" if g.nonfinite else \
                f"\n‖grad‖ {format_number(g.norm)}"
        if label:
            attrs["label"] = _escape(label)
        if graph.grad_flow and e.grad is not None:
            attrs["color"] = grad_colour(e.grad, graph.grad_range, edge=True)
            t = 1.0 if e.grad.nonfinite else (
                0.0 if e.grad.norm == 0 else _position(e.grad.norm, graph.grad_range))
            attrs["penwidth"] = f"{0.6 + 2.4 * t:.2f}"
        dot.body.append(f"\tn{e.src} -> n{e.dst}" + _attr_list(None, attrs) + "\n")
    caption = list(graph.notes)
    if title:
        caption.insert(0, title)
    if graph.grad_flow:
        from .summary import format_number
        lo, hi = graph.grad_range
        caption.append(f"gradient norm (log scale): white {format_number(lo)} … dark blue "
                       f"{format_number(hi)}; red = NaN/Inf; grey = 0; dashed = not known")
    if caption:
        dot.attr(label="\\n".join(_escape(c) for c in caption), labelloc="b", fontsize="10",
                 fontname="Helvetica")
    return dot
