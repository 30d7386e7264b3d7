"""Tests of autograd.viz: DOT goldens, rendered SVGs, big graphs, modules, gradient colours,
renderer finding, and the command line.

Golden files live in tests/golden/viz; after an intended change of the drawings, rewrite
them with `GLASSGRAD_UPDATE_GOLDEN=1 python -m pytest tests/test_viz.py`.
"""
import importlib
import os
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import autograd
import autograd.viz as viz
from autograd.scalar import Scalar
from autograd.viz.examples import micrograd_expression
from autograd.viz.graph import walk

# the module that finds a renderer and writes pictures
render_mod = importlib.import_module("autograd.viz.renderer")
GOLDEN = Path(__file__).parent / "golden" / "viz"
SVG = "{http://www.w3.org/2000/svg}"


def check_golden(name, text):
    path = GOLDEN / name
    if os.environ.get("GLASSGRAD_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing golden file {path}; create it with GLASSGRAD_UPDATE_GOLDEN=1"
    assert text == path.read_text()


def svg_nodes(svg_bytes):
    """{node id: [text lines]} of a rendered SVG."""
    root = ET.fromstring(svg_bytes)
    nodes = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") == "node":
            title = g.find(SVG + "title").text
            nodes[title] = [t.text for t in g.iter(SVG + "text")]
    return nodes


def small_tensor_graph():
    x = autograd.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    w = autograd.tensor([[2.0], [-1.0]], requires_grad=True)
    y = (x @ w).exp().sum()
    return x, w, y


# --------------------------------------------------------------------- DOT goldens
def test_golden_micrograd_expression():
    check_golden("micrograd.dot", viz.to_dot(micrograd_expression()))


def test_golden_scalar_backward_view():
    check_golden("micrograd_backward.dot", viz.to_dot(micrograd_expression(), view="backward"))


def test_golden_tensor_backward_with_names_and_saved():
    x, w, y = small_tensor_graph()
    y.label = "loss"
    check_golden("tensor_backward.dot",
                 viz.to_dot(y, params={"x": x, "w": w}, show_saved=True))


def test_golden_tensor_forward_with_values():
    x, w, y = small_tensor_graph()
    check_golden("tensor_forward.dot",
                 viz.to_dot(y, view="forward", params={"x": x, "w": w}, show_values=True))


def test_dot_is_the_same_on_every_run():
    assert viz.to_dot(micrograd_expression()) == viz.to_dot(micrograd_expression())


# --------------------------------------------------------------------- labels and options
def test_leaf_names_from_params_and_labels():
    x, w, y = small_tensor_graph()
    dot = viz.to_dot(y, params={"inputs.x": x})
    assert "inputs.x\\n(2, 2) float32" in dot
    w.label = "weight"
    assert "weight\\n(2, 1) float32" in viz.to_dot(y)


def test_values_in_full_for_small_and_summaries_for_large():
    small = autograd.tensor([1.5, -2.0], requires_grad=True)
    big = autograd.arange(100, dtype=autograd.float32).requires_grad_()
    dot = viz.to_dot((small.sum() + big.sum()), show_values=True)
    assert "data [1.5, -2]" in dot
    assert "data min 0 max 99 norm 573" in dot


def test_grads_shown_after_backward():
    x, w, y = small_tensor_graph()
    y.backward()
    dot = viz.to_dot(y, params={"x": x, "w": w}, show_grads=True)
    expected = np.exp(x.data @ w.data) * w.data.T  # d sum(exp(x w)) / dx
    assert f"grad [{', '.join(f'{v:.4g}' for v in expected.reshape(-1))}]" in dot


def test_saved_values_freed_after_backward_are_said_so():
    x, w, y = small_tensor_graph()
    y.backward()
    assert "saved: freed by backward()" in viz.to_dot(y, show_saved=True)


def test_forward_view_has_ops_and_values():
    x, w, y = small_tensor_graph()
    dot = viz.to_dot(y, view="forward", params={"x": x, "w": w})
    for op in ("label=mm", "label=exp", "label=sum"):
        assert op in dot
    folded = viz.to_dot(y, view="forward", show_ops=False)
    assert "label=mm" not in folded and "= exp" in folded


def test_draw_returns_a_digraph_that_displays():
    graph = viz.draw(micrograd_expression())
    import graphviz
    assert isinstance(graph, graphviz.Digraph)
    bundle = graph._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


# --------------------------------------------------------------------- rendered SVG
def test_rendered_svg_has_every_node_and_label(tmp_path):
    path = viz.render(micrograd_expression(), tmp_path / "m.svg")
    nodes = svg_nodes(Path(path).read_bytes())
    assert len(nodes) == 15  # 10 values and 5 ops
    texts = [t for lines in nodes.values() for t in lines]
    for label in ("x1", "w1", "o", "tanh", "*", "+", "data 0.7071", "grad -1.5"):
        assert label in texts


def test_render_png_and_format_from_suffix(tmp_path):
    x, w, y = small_tensor_graph()
    path = viz.render(y, tmp_path / "g.png")
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    path = viz.render(viz.draw(y), tmp_path / "g", format="svg")
    assert path.endswith("g.svg") and len(svg_nodes(Path(path).read_bytes())) == 6
    with pytest.raises(ValueError, match="unknown picture format"):
        viz.render(y, tmp_path / "g.gif")


def test_digraph_render_method_uses_the_renderer(tmp_path):
    out = viz.draw(micrograd_expression()).render(tmp_path / "m", format="svg")
    assert len(svg_nodes(Path(out).read_bytes())) == 15


# --------------------------------------------------------------------- renderer finding
def _fake_program(directory, name):
    prog = directory / name
    prog.write_text("#!/bin/sh\nexit 0\n")
    prog.chmod(0o755)
    return prog


def test_finder_prefers_dot_on_path(tmp_path, monkeypatch):
    monkeypatch.delenv("GLASSGRAD_DOT", raising=False)
    fake = _fake_program(tmp_path, "dot")
    _fake_program(tmp_path, "graphviz-pure")
    assert viz.find_renderer(path=str(tmp_path)) == str(fake)


def test_finder_falls_back_to_graphviz_pure_beside_python(tmp_path, monkeypatch):
    monkeypatch.delenv("GLASSGRAD_DOT", raising=False)
    beside = render_mod._beside_python()
    if beside is None:
        pytest.skip("graphviz-pure is not installed beside this Python")
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot anywhere on PATH
    assert viz.find_renderer() == beside
    out = viz.render(micrograd_expression(), tmp_path / "pure.svg")
    assert len(svg_nodes(Path(out).read_bytes())) == 15


def test_system_dot_renders_the_same_nodes(tmp_path):
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("no Graphviz dot on this machine")
    source = viz.to_dot(micrograd_expression())
    svg = render_mod.render_source(source, "svg", renderer=dot)
    assert len(svg_nodes(svg)) == 15


def test_no_renderer_says_how_to_get_one_and_to_dot_still_works(tmp_path, monkeypatch):
    monkeypatch.delenv("GLASSGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(render_mod, "_beside_python", lambda: None)
    with pytest.raises(viz.RendererNotFoundError, match="pip install graphviz-pure"):
        viz.render(micrograd_expression(), tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()
    assert viz.to_dot(micrograd_expression()).startswith("digraph")


def test_renderer_override_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSGRAD_DOT", str(tmp_path / "missing"))
    with pytest.raises(viz.RendererNotFoundError, match="GLASSGRAD_DOT"):
        viz.find_renderer()


# --------------------------------------------------------------------- big graphs
def test_100k_node_chain_walks_without_recursion_error():
    x = Scalar(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # nothing on the way may recurse deeply
    try:
        start = time.perf_counter()
        objects = walk([y])[0]
        walked = time.perf_counter() - start
        graph = viz.build(y, max_nodes=100, view="backward")
    finally:
        sys.setrecursionlimit(limit)
    assert len(objects) == 100_001
    assert walked < 5
    repeats = [n for n in graph.nodes if n.kind == "repeat"]
    assert repeats and "× [" in repeats[0].lines[0]
    assert len(graph.nodes) <= 100


def test_10k_node_dot_in_a_few_seconds():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    terms = [(x * (i / 3_400)).exp() for i in range(3_400)]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    start = time.perf_counter()
    dot = viz.to_dot(total, max_nodes=None)
    elapsed = time.perf_counter() - start
    n_nodes = dot.count("[label=")
    assert n_nodes > 10_000
    assert elapsed < 5, f"{n_nodes}-node DOT took {elapsed:.1f} s"


def test_repeated_layers_fold_into_one_node_and_cap_summarises():
    h = autograd.ones(2, 3)
    params = {}
    for i in range(40):
        w = autograd.full((3, 3), 0.1, requires_grad=True)
        params[f"layers.{i}.weight"] = w
        h = (h @ w).tanh()
    y = h.sum()
    graph = viz.build(y, params=params, max_nodes=30)
    repeat = [n for n in graph.nodes if n.kind == "repeat"]
    assert len(repeat) == 1 and repeat[0].title.startswith("×")
    assert "MmBackward0" in repeat[0].lines[0] and "TanhBackward0" in repeat[0].lines[0]
    capped = viz.build(y, params=params, max_nodes=10, collapse=False)
    assert len(capped.nodes) == 10
    assert capped.nodes[-1].kind == "more" and "more nodes" in capped.nodes[-1].title


# --------------------------------------------------------------------- modules
nn = pytest.importorskip("nn")


def nested_model():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 4)
            self.fc2 = nn.Linear(4, 4)

        def forward(self, x):
            return self.fc2(nn.functional.relu(self.fc1(x))) + x

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), Block())
            self.head = nn.Linear(4, 2)

        def forward(self, x):
            return self.head(self.features(x))

    autograd.manual_seed(0)
    return Net()


def test_trace_modules_tags_nodes_with_the_innermost_module():
    model = nested_model()
    with viz.trace_modules(model) as trace:
        y = model(autograd.randn(2, 3)).sum()
    tags = {}
    for node in walk([y.grad_fn])[0]:
        if node.next_functions:
            tags[node.name()] = tags.get(node.name(), set()) | {
                node.metadata.get("module")}
    assert tags["ReluBackward0"] == {"features.2"}  # F.relu inside Block, outside fc1/fc2
    assert tags["TanhBackward0"] == {"features.1"}
    assert tags["AddBackward0"] == {"features.2"}
    assert tags["SumBackward0"] == {None}  # made after the model returned
    assert [c.name for c in trace.calls][-1] == ""  # the model itself finishes last
    assert not any(m._forward_hooks for m in model.modules())  # hooks removed


def test_module_clusters_nest_as_the_model():
    model = nested_model()
    with viz.trace_modules(model):
        y = model(autograd.randn(2, 3)).sum()
    dot = viz.to_dot(y, params=model)
    assert 'label="features: Sequential"' in dot
    assert 'label="2: Block"' in dot and 'label="fc1: Linear"' in dot
    lines = dot.splitlines()
    depth = {}
    level = 0
    for line in lines:
        if "subgraph cluster" in line:
            level += 1
        elif line.strip() == "}":
            level -= 1
        elif "features.2.fc1.weight" in line:
            depth["fc1.weight"] = level
    assert depth["fc1.weight"] == 3  # features > 2 > fc1
    folded = viz.build(y, params=model, module_depth=2)
    modules = {n.title for n in folded.nodes if n.kind == "module"}
    assert {"features.0", "features.1", "features.2"} <= modules


def test_draw_model_module_view_has_shapes_on_edges(tmp_path):
    model = nested_model()
    dot = viz.to_dot(model, autograd.randn(5, 3))
    assert 'label="(5, 3)"' in dot and 'label="(5, 4)\\nvia relu"' in dot
    svg = viz.draw(model, autograd.randn(5, 3)).pipe(format="svg")
    nodes = svg_nodes(svg)
    assert len(nodes) == 7  # input, 5 leaf modules, output
    backward = viz.to_dot(model, autograd.randn(5, 3), view="backward")
    assert "head.weight" in backward and "cluster" in backward


def test_draw_model_needs_an_input():
    with pytest.raises(TypeError, match="example input"):
        viz.draw(nested_model())


# --------------------------------------------------------------------- gradient flow
def test_nan_gradients_are_red_and_labelled():
    x = autograd.tensor([1.0, -1.0, 0.0], requires_grad=True)
    w = autograd.tensor([2.0, 3.0, 4.0], requires_grad=True)
    with np.errstate(all="ignore"):
        y = (x.log() * w).sum()
        y.backward(retain_graph=True)
    dot = viz.to_dot(y, params={"x": x, "w": w}, grad_flow=True)
    red = viz.dot.GRAD_NONFINITE_COLOUR
    w_line = next(line for line in dot.splitlines() if 'label="w\\n' in line)
    assert f'fillcolor="{red}"' in w_line and "NaN" in w_line
    x_line = next(line for line in dot.splitlines() if 'label="x\\n' in line)
    assert f'fillcolor="{red}"' in x_line and "Inf" in x_line
    assert f'n2 -> n1 [color="{red}"' not in dot  # the finite edges are not red


def test_grad_flow_shades_vanishing_gradients_paler():
    autograd.manual_seed(0)
    h = autograd.randn(4, 8)
    params = {}
    for i in range(6):
        w = autograd.randn(8, 8, requires_grad=True)
        params[f"l{i}.weight"] = w
        h = (h @ w).sigmoid()
    loss = h.sum()
    loss.backward()
    graph = viz.build(loss, params=params, grad_flow=True)
    first = next(n for n in graph.nodes if n.title == "l0.weight")
    last = next(n for n in graph.nodes if n.title == "l5.weight")
    assert first.grad.norm < last.grad.norm / 10
    dot = viz.to_dot(loss, params=params, grad_flow=True, grad_range=(1e-6, 10.0))
    colour = {}
    for line in dot.splitlines():
        for name in ("l0.weight", "l5.weight"):
            if f'label="{name}' in line:
                colour[name] = line.split('fillcolor="')[1][:7]
    brightness = {k: sum(int(v[i:i + 2], 16) for i in (1, 3, 5)) for k, v in colour.items()}
    assert brightness["l0.weight"] > brightness["l5.weight"]  # vanishing: paler


def test_capture_grads_records_every_node_and_removes_its_hooks():
    x, w, y = small_tensor_graph()
    with viz.capture_grads(y) as captured:
        y.backward()
    names = {node.name() for node in captured.grads}
    assert {"SumBackward0", "ExpBackward0", "MmBackward0", "AccumulateGrad"} <= names
    for node in walk([y.grad_fn])[0]:
        assert not node._pre_hooks
    graph = viz.build(y, grads=captured, view="forward")
    shapes = [n.lines[0] for n in graph.nodes if n.kind == "tensor"]
    assert "(2, 1)" in shapes  # the shape of x @ w, known from its gradient


def test_capture_grads_option_leaves_grad_untouched():
    x, w, y = small_tensor_graph()
    graph = viz.build(y, capture_grads=True, grad_flow=True, show_grads=True)
    assert x.grad is None and w.grad is None
    op = next(n for n in graph.nodes if n.title == "ExpBackward0")
    assert op.grad is not None and op.grad.norm == pytest.approx(np.sqrt(2))
    y.backward()
    with pytest.raises(RuntimeError, match="capture during your own backward"):
        viz.build(y, capture_grads=True)


# --------------------------------------------------------------------- errors
def test_bad_arguments_are_named():
    x, w, y = small_tensor_graph()
    with pytest.raises(TypeError, match="roots\\[0\\] is a int"):
        viz.draw(3)
    with pytest.raises(ValueError, match="view must be one of"):
        viz.draw(y, view="sideways")
    with pytest.raises(ValueError, match="view='module' draws a model"):
        viz.draw(y, view="module")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw(y, max_nodes=1)
    with pytest.raises(TypeError, match="params must be"):
        viz.draw(y, params=[x])
    with pytest.raises(ValueError, match="grad_range"):
        viz.draw(y, grad_range=(1.0, 0.1))


# --------------------------------------------------------------------- command line
def test_cli_example_to_dot_and_svg(tmp_path, capsys):
    from autograd.viz.__main__ import main
    out = main(["--example", "micrograd", "--out", str(tmp_path / "m.dot")])
    assert Path(out).read_text().startswith("digraph")
    out = main(["--example", "mlp", "--out", str(tmp_path / "mlp.svg")])
    nodes = svg_nodes(Path(out).read_bytes())
    texts = [t for lines in nodes.values() for t in lines]
    assert "(1, 784)" in " ".join(texts) and len(nodes) == 6


def test_cli_model_from_a_file(tmp_path):
    from autograd.viz.__main__ import main
    (tmp_path / "mymodel.py").write_text(
        "import nn\n"
        "class Net(nn.Sequential):\n"
        "    def __init__(self):\n"
        "        super().__init__(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 2))\n")
    out = main([f"{tmp_path / 'mymodel.py'}:Net", "--input-shape", "3,6",
                "--view", "backward", "--format", "png", "--out", str(tmp_path / "net.png")])
    assert Path(out).read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(SystemExit, match="--input-shape"):
        main([f"{tmp_path / 'mymodel.py'}:Net"])
    with pytest.raises(SystemExit, match="has no 'Nope'"):
        main([f"{tmp_path / 'mymodel.py'}:Nope", "--input-shape", "1,6"])
