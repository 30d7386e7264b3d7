"""More tests of autograd.viz, one per point of its issue not covered in test_viz.py: lists of
roots, op names, the pure renderer with no system Graphviz, gradient flow on every node and
module-view edge, folding of wide graphs and of long runs (their ends kept), goldens for the
module view and for a NaN graph, the command line as a subprocess.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import autograd
import autograd.viz as viz
from autograd.scalar import Scalar
from autograd.viz.dot import GRAD_NONFINITE_COLOUR
from autograd.viz.graph import short_op_name
from test_viz import check_golden, nested_model, small_tensor_graph, svg_nodes

nn = pytest.importorskip("nn")
renderer = sys.modules["autograd.viz.renderer"]
SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent


def svg_fills(svg_bytes):
    """{node id: fill colour of its shape} of a rendered SVG."""
    fills = {}
    for g in ET.fromstring(svg_bytes).iter(SVG + "g"):
        if g.get("class") == "node":
            shape = next(e for e in g if e.tag in (SVG + "polygon", SVG + "ellipse",
                                                    SVG + "path"))
            fills[g.find(SVG + "title").text] = shape.get("fill")
    return fills


# --------------------------------------------------------------------- roots and names
def test_draw_a_list_of_tensors_sharing_a_graph():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    a, b = h.sum(), (h * 2.0).mean()
    a.label, b.label = "a", "b"
    graph = viz.build([a, b])
    outputs = [n.title for n in graph.nodes if n.kind == "output"]
    assert outputs == ["a", "b"]
    assert sum(1 for n in graph.nodes if n.title == "ExpBackward0") == 1  # drawn once
    assert sum(1 for n in graph.nodes if n.kind == "leaf") == 1
    import graphviz
    assert isinstance(viz.draw([a, b]), graphviz.Digraph)


def test_draw_a_list_of_scalars():
    x = Scalar(3.0, label="x")
    u, v = x * 2.0, x + 1.0
    u.label, v.label = "u", "v"
    dot = viz.to_dot([u, v])
    assert "{ u | data 6 | grad 0 }" in dot and "{ v | data 4 | grad 0 }" in dot
    assert dot.count("{ x |") == 1


class _Named:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name


@pytest.mark.parametrize("node_name, op", [
    ("MulBackward0", "mul"), ("NllLossBackward0", "nll_loss"), ("_LinearBackward", "linear"),
    ("Log10Backward0", "log10"), ("LogSoftmaxBackward0", "log_softmax"),
    ("ConstantPadNdBackward0", "constant_pad_nd"), ("PowBackward2", "pow"),
    ("my_function", "my_function")])
def test_forward_op_names_are_pytorch_function_names(node_name, op):
    assert short_op_name(_Named(node_name)) == op


def test_label_on_tensors_names_leaves_and_intermediates():
    x, w, y = small_tensor_graph()
    x.label = "fc1.weight"
    dot = viz.to_dot(y)
    assert "fc1.weight\\n(2, 2) float32" in dot
    h = x.exp()
    h.label = "hidden"
    z = (h * 3.0).sum()
    assert 'label="hidden\\n(2, 2) float32"' in viz.to_dot(z, view="forward")


def test_forward_view_of_a_traced_model_has_shape_and_dtype_everywhere():
    model = nested_model()
    with viz.trace_modules(model):
        y = model(autograd.randn(5, 3)).sum()
    graph = viz.build(y, view="forward", params=model)
    tensors = [n for n in graph.nodes if n.kind == "tensor"]
    assert tensors and all(n.lines[0].endswith("float32") for n in tensors)
    assert "(5, 4) float32" in [n.lines[0] for n in tensors]
    ops = {n.title for n in graph.nodes if n.kind == "op"}
    assert {"linear", "relu", "tanh", "add"} <= ops


# --------------------------------------------------------------------- goldens
def test_golden_module_view_of_a_nested_model():
    check_golden("module_view.dot", viz.to_dot(nested_model(), autograd.randn(5, 3)))


def test_golden_grad_flow_with_a_nan():
    x = autograd.tensor([1.0, -1.0, 0.0], requires_grad=True)
    w = autograd.tensor([2.0, 3.0, 4.0], requires_grad=True)
    with np.errstate(all="ignore"):
        y = (x.log() * w).sum()
        y.backward(retain_graph=True)
    check_golden("grad_flow_nan.dot",
                 viz.to_dot(y, params={"x": x, "w": w}, grad_flow=True))


# --------------------------------------------------------------------- renderers
def _hide_system_dot(monkeypatch):
    """As on a fresh machine: no `dot` anywhere (shutil.which finds none), only what is
    installed beside this Python."""
    monkeypatch.delenv("GLASSGRAD_DOT", raising=False)
    real_which = renderer.shutil.which

    def which(cmd, mode=os.F_OK | os.X_OK, path=None):
        return None if cmd == "dot" else real_which(cmd, mode, path)
    monkeypatch.setattr(renderer.shutil, "which", which)


def test_pure_renderer_draws_svg_and_png_when_dot_is_absent(tmp_path, monkeypatch):
    _hide_system_dot(monkeypatch)
    try:
        exe = viz.find_renderer()
    except viz.RendererNotFoundError:
        pytest.skip("graphviz-pure is not installed (it is a dependency on x86_64/arm64)")
    assert "graphviz-pure" in Path(exe).name
    from autograd.viz.examples import micrograd_expression
    svg = Path(viz.render(micrograd_expression(), tmp_path / "m.svg")).read_bytes()
    assert b"graphviz-pure" in svg
    nodes = svg_nodes(svg)
    assert len(nodes) == 15
    assert {"x1", "tanh", "data 0.7071", "grad -1.5"} <= {t for ls in nodes.values() for t in ls}
    png = Path(viz.render(micrograd_expression(), tmp_path / "m.png")).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    model = nested_model()
    svg = viz.draw(model, autograd.randn(5, 3)).pipe(format="svg")
    assert len(svg_nodes(svg)) == 7


def test_command_line_renders_with_only_graphviz_pure_on_path(tmp_path):
    beside = renderer._beside_python()
    if beside is None:
        pytest.skip("graphviz-pure is not installed beside this Python")
    bin_dir = tmp_path / "bin"  # a PATH with graphviz-pure and nothing else: no /usr/bin/dot
    bin_dir.mkdir()
    (bin_dir / "graphviz-pure").symlink_to(beside)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = tmp_path / "cnn.svg"
    proc = subprocess.run([sys.executable, "-m", "autograd.viz", "--example", "cnn", "--out",
                           str(out)], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    texts = " ".join(t for ls in svg_nodes(out.read_bytes()).values() for t in ls)
    assert "(1, 1, 28, 28) float32" in texts and "Conv2d" in texts
    env["PATH"] = str(tmp_path / "nothing")
    proc = subprocess.run([sys.executable, "-c",
                           "import autograd.viz.renderer as r; r._beside_python = lambda: None;"
                           "import autograd.viz as v, autograd.viz.examples as e; print(v.to_dot(e."
                           "micrograd_expression())[:7]); v.find_renderer()"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.stdout.startswith("digraph")  # to_dot needs no renderer
    assert proc.returncode != 0 and "pip install graphviz-pure" in proc.stderr


# --------------------------------------------------------------------- gradient flow
def _deep_net(activation, depth=8, width=8):
    autograd.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), activation()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def _brightness(colour):
    return sum(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_grad_flow_colours_every_op_with_a_recording_backward():
    model = _deep_net(nn.Sigmoid)
    with viz.trace_modules(model):
        loss = (model(autograd.randn(4, 8)) ** 2).mean()
    graph = viz.build(loss, params=model, grad_flow=True)
    ops = [n for n in graph.nodes if n.kind == "op"]
    assert ops and all(n.grad is not None for n in ops)
    assert all(p.grad is None for p in model.parameters())  # only recorded
    first = next(n for n in graph.nodes if n.title == "0.weight")
    last = next(n for n in graph.nodes if n.title == "16.weight")
    assert first.grad.norm < last.grad.norm / 100  # vanishing towards the input
    loss.backward(retain_graph=True)
    assert first.grad.norm == pytest.approx(float(model[0].weight.grad.norm().item()),
                                            rel=1e-5)
    dot = viz.to_dot(loss, params=model, grad_flow=True)
    assert "dashed = not known" in dot and "color=" in dot.split("->", 1)[1]


def test_grad_flow_after_backward_freed_the_graph_says_so():
    x, w, y = small_tensor_graph()
    y.backward()
    graph = viz.build(y, params={"x": x, "w": w}, grad_flow=True)
    assert any("freed the graph" in note for note in graph.notes)
    assert next(n for n in graph.nodes if n.title == "x").grad is not None  # from .grad
    dot = viz.to_dot(y, params={"x": x, "w": w}, grad_flow=True)
    op_line = next(line for line in dot.splitlines() if "ExpBackward0" in line)
    assert "dashed" in op_line and "fillcolor" not in op_line


def test_module_view_grad_flow_shades_modules_and_edges(tmp_path):
    sigmoid = _deep_net(nn.Sigmoid)
    dot = viz.to_dot(sigmoid, autograd.randn(4, 8), grad_flow=True, grad_range=(1e-6, 1.0))
    assert all(p.grad is None for p in sigmoid.parameters())
    edges = [line for line in dot.splitlines() if "->" in line]
    assert edges and all("‖grad‖" in e and "color=" in e for e in edges)
    colours = [e.split('color="')[1][:7] for e in edges]
    assert _brightness(colours[0]) > _brightness(colours[-2])  # paler towards the input
    svg = viz.draw(sigmoid, autograd.randn(4, 8), grad_flow=True).pipe(format="svg")
    fills = svg_fills(svg)
    nodes = svg_nodes(svg)
    linear = [k for k, lines in nodes.items() if any(t.startswith("Linear(") for t in lines)]
    assert len(linear) == 9 and all(fills[k] not in (None, "none") for k in linear)
    assert _brightness(fills[linear[0]]) > _brightness(fills[linear[-1]])


def test_module_view_marks_a_nan_gradient_red():
    class Log(nn.Module):
        def forward(self, x):
            return x.log()

    autograd.manual_seed(0)
    model = nn.Sequential(Log(), nn.Linear(3, 2))
    with np.errstate(all="ignore"):
        dot = viz.to_dot(model, autograd.tensor([[0.0, 1.0, 2.0]]), grad_flow=True)
    red = GRAD_NONFINITE_COLOUR
    first_edge = next(line for line in dot.splitlines() if "->" in line)
    assert f'color="{red}"' in first_edge and "⚠ Inf" in first_edge


def test_nan_gradient_is_red_in_the_rendered_svg():
    x = autograd.tensor([1.0, -1.0, 0.0], requires_grad=True)
    w = autograd.tensor([2.0, 3.0, 4.0], requires_grad=True)
    with np.errstate(all="ignore"):
        y = (x.log() * w).sum()
        y.backward(retain_graph=True)
    svg = viz.draw(y, params={"x": x, "w": w}, grad_flow=True).pipe(format="svg")
    nodes, fills = svg_nodes(svg), svg_fills(svg)
    by_title = {lines[0]: fills[k] for k, lines in nodes.items()}
    assert by_title["x"].lower() == GRAD_NONFINITE_COLOUR and \
        by_title["w"].lower() == GRAD_NONFINITE_COLOUR
    assert by_title["LogBackward0"].lower() != GRAD_NONFINITE_COLOUR  # its gradient is w


# --------------------------------------------------------------------- big graphs
def test_a_wide_sum_over_a_shared_input_folds_into_a_readable_picture():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    total = (x * 0.0).exp()
    for i in range(1, 3_400):
        total = total + (x * (i / 3_400)).exp()
    graph = viz.build(total)  # 10,201 nodes, max_nodes=500
    assert len(graph.nodes) < 20
    repeat = next(n for n in graph.nodes if n.kind == "repeat")
    assert repeat.lines[:2] == ["3397 × [AddBackward0]", "with ExpBackward0, MulBackward0"]
    assert sum(1 for n in graph.nodes if n.kind == "leaf") == 1  # x, shared, drawn once
    svg = viz.draw(total).pipe(format="svg")
    assert len(svg_nodes(svg)) == len(graph.nodes)


def test_folded_runs_keep_their_first_and_last_block():
    autograd.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(100) for m in (nn.Linear(4, 4), nn.Tanh())])
    with viz.trace_modules(model):
        y = model(autograd.randn(2, 4)).sum()
    graph = viz.build(y, params=model, max_nodes=60)
    titles = {n.title for n in graph.nodes}
    assert {"0.weight", "0.bias", "198.weight", "198.bias"} <= titles
    repeat = next(n for n in graph.nodes if n.kind == "repeat")
    assert repeat.title == "×98" and "modules 2 … 197" in repeat.lines
    assert len(graph.nodes) <= 60
    tight = viz.build(y, params=model, max_nodes=8)  # no room for the ends: all folded
    assert len(tight.nodes) <= 8 and any(n.title == "×100" for n in tight.nodes)


def test_100k_node_scalar_chain_draws_without_recursion():
    x = Scalar(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)
    try:
        dot = viz.to_dot(y, grad_flow=True)
    finally:
        sys.setrecursionlimit(limit)
    assert dot.count("[label=") < 20 and "× [" in dot


def _irregular_sum(terms=600):
    """A sum of terms over one shared input, each term a different short chain of ops."""
    rng = np.random.default_rng(0)
    x = autograd.tensor([0.1, 0.2], requires_grad=True)
    ops = [lambda t: t.exp(), lambda t: t.sin(), lambda t: t.tanh(), lambda t: t * 2.0]
    total = x.sum()
    for _ in range(terms):
        t = x
        for k in rng.integers(0, len(ops), size=rng.integers(1, 4)):
            t = ops[k](t)
        total = total + t.sum()
    return total


def test_blocks_with_differing_side_inputs_fold_only_when_exact_ones_are_not_enough():
    total = _irregular_sum()
    from autograd.viz.collapse import collapse_repeats
    full = viz.build(total, max_nodes=None)
    exact = collapse_repeats(full, keep_ends=True)
    assert len(exact.nodes) > 500  # no two terms alike enough to fold exactly
    graph = viz.build(total)
    assert len(graph.nodes) < 40
    repeat = next(n for n in graph.nodes if n.kind == "repeat")
    assert repeat.lines[0].endswith("× [AddBackward0]")
    assert repeat.lines[1].startswith("side inputs vary: SumBackward0")
    assert not any(n.kind == "more" for n in graph.nodes)


def test_a_folded_node_states_its_gradient_once():
    h = autograd.ones(2, 3)
    w = autograd.full((3, 3), 0.3, requires_grad=True)
    for _ in range(50):
        h = (h @ w).tanh()
    dot = viz.to_dot(h.sum(), params={"w": w}, grad_flow=True, max_nodes=20)
    line = next(x for x in dot.splitlines() if "nodes folded" in x)
    assert line.count("‖grad‖") == 1 and "…" in line


# --------------------------------------------------------------------- edges of the API
def test_a_tensor_without_a_graph_is_one_node_and_says_why():
    t = autograd.tensor([1.0, 2.0])
    t.label = "data"
    graph = viz.build(t, show_values=True)
    assert [(n.kind, n.title, n.lines) for n in graph.nodes] == \
        [("tensor", "data", ["(2,) float32", "data [1, 2]"])]
    assert "requires_grad=False" in graph.notes[0]


def test_render_refuses_options_it_would_ignore_and_formats_that_disagree(tmp_path):
    import graphviz
    x, w, y = small_tensor_graph()
    plain = graphviz.Digraph()
    plain.node("a")
    for drawn in (plain, viz.draw(y), viz.to_dot(y)):
        with pytest.raises(TypeError, match="already drawn"):
            viz.render(drawn, tmp_path / "a.svg", show_values=True)
    with pytest.raises(ValueError, match="ends in .png"):
        viz.render(y, tmp_path / "a.png", format="svg")
    assert not list(tmp_path.iterdir())  # nothing written
    path = viz.render(y, tmp_path / "picture", format="png")
    assert path.endswith("picture.png") and Path(path).read_bytes()[:4] == b"\x89PNG"
    assert viz.render(plain, tmp_path / "plain.svg").endswith("plain.svg")


def test_a_capped_graph_does_not_draw_the_edges_of_a_hub():
    total = _irregular_sum(400)
    graph = viz.build(total, max_nodes=120, collapse=False)
    x = next(n for n in graph.nodes if n.kind == "leaf")
    assert any("edges not drawn" in line for line in x.lines)
    assert not any(e.src == x.id for e in graph.edges)
    users = [n for n in graph.nodes if any(line.startswith("← ") for line in n.lines)]
    assert len(users) > 16
    more = next(n for n in graph.nodes if n.kind == "more")
    assert more.lines[0].endswith(" ops")  # no "0 other nodes"
    small = viz.build(_irregular_sum(5))  # under max_nodes: drawn as it is
    leaf = next(n for n in small.nodes if n.kind == "leaf")
    assert sum(1 for e in small.edges if e.src == leaf.id) > 3


def test_forward_view_draws_the_data_an_op_saved():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))
    x = autograd.randn(3, 6)
    x.label = "batch"
    with viz.trace_modules(model):
        y = model(x).sum()
    graph = viz.build(y, view="forward", params=model)
    batch = [n for n in graph.nodes if n.title == "batch"]
    assert len(batch) == 1 and batch[0].lines == ["(3, 6) float32"]
    fed = [graph.nodes[e.dst] for e in graph.edges if e.src == batch[0].id]
    assert [(n.kind, n.title, n.module) for n in fed] == [("op", "linear", "0")]
    assert not any(n.title == "batch" for n in viz.build(y, params=model).nodes)  # backward


def test_grad_flow_still_draws_when_the_recording_backward_cannot_run():
    a = autograd.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1.0
    d = b.sin()
    b.add_(1.0)  # what sin saved has changed: a backward would raise
    y = d.sum()
    graph = viz.build(y, grad_flow=True)
    assert "recording backward failed" in graph.notes[-1] and "inplace" in graph.notes[-1]
    with pytest.raises(RuntimeError, match="inplace"):
        viz.build(y, grad_flow=True, capture_grads=True)  # asked for: the error stands


def test_command_line_errors_are_one_line_messages(tmp_path, monkeypatch):
    from autograd.viz.__main__ import main
    with pytest.raises(SystemExit, match="ends in .svg"):
        main(["--example", "mlp", "--format", "png", "--out", str(tmp_path / "x.svg")])
    with pytest.raises(SystemExit, match="unknown picture format 'gv'"):
        main(["--example", "mlp", "--out", str(tmp_path / "x.gv")])
    monkeypatch.delenv("GLASSGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(renderer, "_beside_python", lambda: None)
    with pytest.raises(SystemExit, match="pip install graphviz-pure"):
        main(["--example", "mlp", "--out", str(tmp_path / "x.svg")])
    assert not list(tmp_path.iterdir())
    out = main(["--example", "mlp", "--out", str(tmp_path / "x.dot")])  # needs no renderer
    assert Path(out).read_text().startswith("digraph")


def test_module_view_folds_repeated_layers_by_their_class():
    autograd.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(30) for m in (nn.Linear(4, 4), nn.Tanh())])
    dot = viz.to_dot(model, autograd.randn(2, 4), max_nodes=20)
    assert "× [Tanh → Linear]" in dot or "× [Linear → Tanh]" in dot
    assert dot.count("[label=") <= 20
