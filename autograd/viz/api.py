"""`draw`, `to_dot` and `render`: the public entry points of `autograd.viz`."""
import functools
import gc

import numpy as np

from .collapse import cap_nodes, collapse_repeats, detach_hubs, fold_modules
from .dot import to_digraph
from .graph import build_graph, resolve_roots, saved_entries, walk
from .renderer import check_format, write_picture
from .trace import capture_grads as _CaptureGrads
from .trace import trace_modules

__all__ = ["draw", "to_dot", "render", "VIEWS"]


def _without_cycle_collector(fn):
    """Run `fn` with the cycle collector paused: a drawing allocates a few objects per graph
    node and frees none, so collections would only rescan them (twice as fast for 100,000
    nodes). Re-entrant: it is restored only by the outermost call."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return wrapper

VIEWS = ("backward", "forward", "module")


class DrawOptions:
    """The keyword options of `draw`, checked once."""

    def __init__(self, view, names, show_values, show_grads, show_saved, show_ops):
        self.view = view
        self.names = names
        self.show_values = show_values
        self.show_grads = show_grads
        self.show_saved = show_saved
        self.show_ops = show_ops


def _is_module(obj):
    return hasattr(obj, "named_modules") and hasattr(obj, "named_parameters") and callable(obj)


def parameter_names(params):
    """{id(tensor): name} from a module (its named_parameters), a dict name -> tensor, or
    None."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items = list(params.named_parameters())
        if hasattr(params, "named_buffers"):
            items += list(params.named_buffers())
    elif isinstance(params, dict):
        items = params.items()
    else:
        raise TypeError(f"params must be an nn.Module or a dict name -> tensor (e.g. "
                        f"dict(model.named_parameters())), got {type(params).__name__}")
    names = {}
    for name, t in items:
        if not isinstance(name, str):
            raise TypeError(f"params: names must be strings, got {name!r}")
        names[id(t)] = name
    return names


def module_types(model):
    """{module path: class name} of a model's modules, for cluster captions."""
    if model is None or not hasattr(model, "named_modules"):
        return {}
    return {name: type(m).__name__ for name, m in model.named_modules() if name}


def _as_args(example_input):
    return tuple(example_input) if isinstance(example_input, (tuple, list)) else \
        (example_input,)


@_without_cycle_collector
def draw(root, example_input=None, *, view=None, params=None, show_values=None,
         show_grads=None, show_saved=False, show_ops=True, group_modules=True,
         module_depth=None, grad_flow=False, capture_grads=None, grads=None, grad_range=None,
         max_nodes=500, collapse=True, min_repeats=3, title=None, rankdir=None):
    """Draw a computation graph; returns a `graphviz.Digraph` (shown inline in Jupyter;
    `.source`, `.render(...)`, `.pipe(...)` as usual).

    root: a Tensor, a Scalar, a grad_fn node, or a list of them; or an `nn.Module` with
    `example_input` (a tensor or a tuple of arguments), which is run once under
    `trace_modules`.

    view: 'backward' (grad_fn nodes and leaf tensors, as torchviz; the default for Tensors),
      'forward' (ops and tensors with their shapes, as written; the default for Scalars,
      micrograd-style) or 'module' (one node per module call with tensor shapes on the
      edges; the default for a model).
    params: a module or a dict name -> tensor, to name leaves (`fc1.weight (256, 784)`).
    show_values / show_grads: the values / gradients on each node (full for small tensors,
      min/max/norm for large ones); default on for Scalars, off for Tensors.
    show_saved: list what each op saved for backward. show_ops: draw ops as nodes in the
      forward view (off: each value names the op that made it).
    group_modules: a cluster per module (nodes tagged by `trace_modules`);
      module_depth: fold modules nested deeper than this into one node each.
    grad_flow: shade nodes and edges by gradient norm (log scale), NaN/Inf in red.
      Gradients come from leaves' `.grad`, Scalars' `.grad`, `grads` (from
      `with autograd.viz.capture_grads(root) as grads: root.backward()`), and from a
      recording-only backward run here (gradient 1 per root, as `root.backward()` of a
      scalar loss; nothing written to any `.grad`): capture_grads=None (the default) runs it
      for grad_flow on a Tensor graph when no `grads` are given and the graph is still alive
      (not freed by a backward() without retain_graph=True); True always, False never.
      In the module view, the run goes from the model's output, and edges are shaded by the
      gradient of the tensor they carry. grad_range: (lo, hi) norms for the two ends of the
      scale (default: the graph's own smallest and largest), to compare drawings.
    max_nodes: above this, repeated op chains are folded into "xN" nodes (collapse=True,
      `min_repeats` repetitions at least; the first and last block of a run stay drawn
      when that fits; if identical blocks are not enough, blocks whose side inputs differ
      are folded too, and say so), then whatever is still over is summarised in one node.
    """
    if view is not None and view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    if _is_module(root):
        if example_input is None:
            raise TypeError("draw(model, example_input): drawing a model needs an example "
                            "input to run it on, e.g. draw(model, autograd.randn(1, 784))")
        return _draw_model(root, _as_args(example_input), view or "module", params,
                           show_values, show_grads, show_saved, show_ops, group_modules,
                           module_depth, grad_flow, capture_grads, grads, grad_range,
                           max_nodes, collapse, min_repeats, title, rankdir)
    if example_input is not None:
        raise TypeError(f"draw(root, example_input): example_input is for drawing a model "
                        f"(an nn.Module), but root is a {type(root).__name__}")
    if view == "module":
        raise ValueError("view='module' draws a model: call draw(model, example_input)")
    graph = build(root, view=view, params=params, show_values=show_values,
                  show_grads=show_grads, show_saved=show_saved, show_ops=show_ops,
                  module_depth=module_depth, grad_flow=grad_flow,
                  capture_grads=capture_grads, grads=grads, grad_range=grad_range,
                  max_nodes=max_nodes, collapse=collapse, min_repeats=min_repeats)
    model = params if hasattr(params, "named_modules") else None
    return to_digraph(graph, group_modules, module_types(model), rankdir, title)


@_without_cycle_collector
def build(root, *, view=None, params=None, show_values=None, show_grads=None,
          show_saved=False, show_ops=True, module_depth=None, grad_flow=False,
          capture_grads=None, grads=None, grad_range=None, max_nodes=500, collapse=True,
          min_repeats=3):
    """The neutral model (`VizGraph`) that `draw` renders (same options)."""
    from ..scalar import Scalar
    items = root if isinstance(root, (list, tuple)) else [root]
    scalars = any(isinstance(r, Scalar) for r in items)
    if view is None:
        view = "forward" if scalars else "backward"
    if show_values is None:
        show_values = scalars
    if show_grads is None:
        show_grads = scalars
    if max_nodes is not None and max_nodes < 2:
        raise ValueError(f"max_nodes must be at least 2 (or None for no limit), got "
                         f"{max_nodes}")
    if grad_range is not None:
        lo, hi = grad_range
        if not (0 < lo < hi):
            raise ValueError(f"grad_range must be (lo, hi) with 0 < lo < hi, got {grad_range}")
    starts, outputs, constants = resolve_roots(root)
    captured = None
    if grads is not None:
        captured = grads.grads if isinstance(grads, _CaptureGrads) else dict(grads)
    note = None
    walked = walk(starts)
    auto = capture_grads is None
    if auto:  # gradient flow over a live Tensor graph with no grads= given
        capture_grads = bool(grad_flow) and grads is None and _tensor_graph(root)
        if capture_grads and not _graph_alive(walked[0]):
            capture_grads = False
            note = ("only leaf gradients shown: backward() has freed the graph (draw before "
                    "backward(), use retain_graph=True, or pass grads= from capture_grads)")
    if capture_grads:
        try:
            with np.errstate(all="ignore"):  # NaN/Inf are what the drawing is there to show
                recorded = _CaptureGrads(root, _objects=walked[0]).run(root).grads
        except RuntimeError as exc:  # e.g. a saved tensor modified in place since
            if not auto:
                raise
            recorded = {}
            note = f"only leaf gradients shown: the recording backward failed: {exc}"
        captured = dict(captured or {})
        captured.update(recorded)
    options = DrawOptions(view, parameter_names(params), show_values, show_grads, show_saved,
                          show_ops)
    graph, _objects = build_graph(starts, outputs, options, captured, walked)
    _add_constants(graph, constants, options)
    graph.grad_flow = bool(grad_flow)
    graph.grad_range = tuple(grad_range) if grad_range is not None else None
    if note:
        graph.notes.append(note)
    return limit(graph, module_depth, max_nodes, collapse, min_repeats)


def _add_constants(graph, constants, options):
    """Roots that do not require grad have no graph: each is drawn as one tensor node (as
    torchviz does), and the caption says why."""
    from .summary import format_shape, summarize_values
    for t in constants:
        lines = [f"{format_shape(t.shape)} {t.dtype.name}"]
        if options.show_values:
            lines.append("data " + summarize_values(t._data))
        graph.add("tensor", t.label or "tensor", lines, sig="constant")
    if constants:
        graph.notes.append(f"{len(constants)} root(s) with requires_grad=False: no graph "
                           f"behind them")


def _tensor_graph(root):
    """Whether `root` is Tensors (or grad_fn nodes) only, with a graph behind them."""
    from ..node import Node
    from ..tensor import Tensor
    items = root if isinstance(root, (list, tuple)) else [root]
    return all(isinstance(r, (Tensor, Node)) for r in items) and \
        any(getattr(r, "grad_fn", None) is not None or isinstance(r, Node) for r in items)


def _graph_alive(objects):
    """Whether no node of the graph has freed its saved values (a backward could run)."""
    from ..node import Node
    return not any(isinstance(o, Node) and saved_entries(o)[1] for o in objects)


def limit(graph, module_depth, max_nodes, collapse, min_repeats):
    """Fold modules below `module_depth`, then repeats and the cap when over `max_nodes`."""
    total = len(graph.nodes)
    graph = fold_modules(graph, module_depth)
    if max_nodes is not None and len(graph.nodes) > max_nodes:
        if collapse:  # the most faithful folding that fits, down to the most compact
            for exact, keep_ends in ((True, True), (True, False), (False, True),
                                     (False, False)):
                folded = collapse_repeats(graph, min_repeats, keep_ends, exact)
                if len(folded.nodes) <= max_nodes:
                    break
            graph = folded
        graph = detach_hubs(cap_nodes(graph, max_nodes))
        graph.notes.append(f"{len(graph.nodes)} nodes drawn for {total} (max_nodes="
                           f"{max_nodes})")
    return graph


def _draw_model(model, args, view, params, show_values, show_grads, show_saved, show_ops,
                group_modules, module_depth, grad_flow, capture_grads, grads, grad_range,
                max_nodes, collapse, min_repeats, title, rankdir):
    types = module_types(model)
    if view == "module":
        from .module_graph import build_module_graph
        graph = build_module_graph(model, args, depth=module_depth, grad_flow=grad_flow,
                                   grad_range=grad_range, capture=capture_grads)
        graph = limit(graph, None, max_nodes, collapse, min_repeats)
        return to_digraph(graph, group_modules, types, rankdir, title)
    from .module_graph import _prepare_inputs
    args = _prepare_inputs(args)
    for a in args:
        if getattr(a, "requires_grad", False) and a.is_leaf and a.label is None:
            a.label = "input"  # a detached view made here: the caller's tensor is untouched
    with trace_modules(model):
        output = model(*args)
    from .trace import flatten_tensors
    roots = flatten_tensors(output)
    if not roots:
        raise TypeError(f"draw(model, example_input): the model returned "
                        f"{type(output).__name__}, with no tensor in it to draw")
    graph = build(roots, view=view, params=model if params is None else params,
                  show_values=show_values, show_grads=show_grads, show_saved=show_saved,
                  show_ops=show_ops, module_depth=module_depth, grad_flow=grad_flow,
                  capture_grads=capture_grads, grads=grads, grad_range=grad_range,
                  max_nodes=max_nodes, collapse=collapse, min_repeats=min_repeats)
    return to_digraph(graph, group_modules, types, rankdir, title)


def to_dot(root, example_input=None, **options):
    """The DOT text of `draw(root, example_input, **options)` (needs no renderer)."""
    return draw(root, example_input, **options).source


def render(root_or_graph, path, format=None, example_input=None, **draw_options):
    """Write a picture of a graph to `path` and return the path.

    root_or_graph: what `draw` accepts (then `draw_options` apply), a `graphviz.Digraph`
    (e.g. from `draw`), or DOT text. format: 'svg' or 'png' (default: from the path's
    suffix, else 'svg'; a suffix naming another format is an error). Uses
    `find_renderer()`: Graphviz's `dot`, else `graphviz-pure`."""
    drawn = isinstance(root_or_graph, str) or (hasattr(root_or_graph, "source") and
                                               not hasattr(root_or_graph, "grad_fn"))
    if drawn and (draw_options or example_input is not None):
        given = sorted(draw_options) + (["example_input"] if example_input is not None else [])
        raise TypeError(f"render: drawing options {given} apply when drawing a graph, not "
                        f"to an already drawn one ({type(root_or_graph).__name__}); pass "
                        f"them to draw(), or pass the tensor, scalar or model to render()")
    check_format(path, format)  # before any drawing work
    if drawn:
        source = root_or_graph if isinstance(root_or_graph, str) else root_or_graph.source
    else:
        source = draw(root_or_graph, example_input, **draw_options).source
    return write_picture(source, path, format)
