"""Executes the toolkit notebooks 01-05 (notebooks/make_toolkit_notebooks.py writes them) with
nbclient in bounded time, and checks the pictures and figures their cells show."""
import re
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 90     # seconds per cell, generous for a busy 2-core machine
BUDGET = 120          # seconds per notebook, kernel start included


@pytest.fixture(autouse=True)
def one_blas_thread(monkeypatch):
    """The kernels inherit the environment: one BLAS thread, as the CLI's default (on a busy
    2-core machine OpenBLAS's threads made notebook 04 four times slower)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")


def execute(name):
    """The executed notebook `name`, its printed text and its PNG pictures."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    assert seconds < BUDGET, f"{name} took {seconds:.0f}s"
    outputs = [out for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    text += "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    pngs = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    return nb, text, pngs, svgs


def numbers_after(text, label):
    return [float(v) for v in re.findall(re.escape(label) + r"\s*([-+0-9.eE]+)", text)]


def test_generator_matches_the_committed_notebooks(tmp_path, monkeypatch):
    """The .ipynb files are what make_toolkit_notebooks.py writes (edit the script)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_toolkit_notebooks",
                                                  NOTEBOOKS / "make_toolkit_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for name in module.NOTEBOOKS:
        fresh = nbformat.read(tmp_path / name, as_version=4)
        committed = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert [c.source for c in fresh.cells] == [c.source for c in committed.cells], name


def test_01_scalar_engine():
    nb, text, pngs, svgs = execute("01_scalar_engine.ipynb")
    assert "by hand" in text and "backward()" in text
    assert len(numbers_after(text, "by hand")) == 5
    assert "numeric" in text
    from autograd.viz import RendererNotFoundError, find_renderer
    try:
        find_renderer()
        assert len(svgs) == 1 and ">tanh<" in svgs[0]      # the expression's graph
    except RendererNotFoundError:
        pass
    assert len(pngs) == 2              # the scalar MLP's loss curve, its boundary on moons
    first, last = map(float, re.search(r"loss ([0-9.]+) -> ([0-9.]+)", text).groups())
    assert last < first / 5
    assert "337 parameters, each a Scalar" in text           # MLP(2, [16, 16, 1])
    steps = [float(v) for v in re.findall(r"step +\d+  minibatch loss ([0-9.]+)", text)]
    assert len(steps) == 5 and min(steps[1:]) < steps[0] / 2
    assert numbers_after(text, "moons: accuracy")[0] > 0.9  # 0.92 reached (seed 0)


def test_02_perceptrons():
    nb, text, pngs, _ = execute("02_perceptrons.ipynb")
    acc = dict(re.findall(r"^(AND|OR|XOR): accuracy ([0-9.]+)", text, re.M))
    assert float(acc["AND"]) > 0.95 and float(acc["OR"]) > 0.95 and float(acc["XOR"]) < 0.9
    assert float(numbers_after(text, "XOR with a hidden layer: accuracy")[0]) > 0.95
    assert len(pngs) == 4                                    # 3 linear boundaries + the MLP's


def test_03_spirals():
    nb, text, pngs, _ = execute("03_spirals.ipynb")
    assert numbers_after(text, "linear: test accuracy")[0] < 0.7
    steps = re.findall(r"after\s+(\d+) epochs: test accuracy ([0-9.]+)", text)
    assert [int(e) for e, _ in steps] == [1, 5, 15, 60]
    assert float(steps[-1][1]) > 0.9 > float(steps[0][1])
    assert len(pngs) == 1 + 4 + 1                            # linear, 4 snapshots, loss


def test_04_digits():
    from nn.datasets import find_root
    nb, text, pngs, _ = execute("04_digits.ipynb")
    assert numbers_after(text, "test accuracy")[0] > 0.9
    assert "best.safetensors" in text and "metrics.csv" in text
    expected = 4                     # accuracy curves, confusion matrix, mistakes, weights
    if find_root("mnist", train=False) is not None:
        assert "Linear(in_features=784, out_features=128" in text
        assert "Linear(in_features=128, out_features=64" in text
        assert numbers_after(text, "last 2,000 MNIST test images:")[0] > 0.85
        expected += 4                # loss, accuracy, 28x28 weights, mistakes
    if find_root("fashion-mnist") is not None:
        accs = dict(re.findall(r"Fashion-MNIST (mlp|cnn) .*test accuracy ([0-9.]+)", text))
        assert float(accs["mlp"]) > 0.7 and float(accs["cnn"]) > 0.6
        assert "Conv2d(1, 8" in text
        expected += 1                # the CNN's filters
    assert len(pngs) == expected


def test_05_activations_init():
    nb, text, pngs, _ = execute("05_activations_init.ipynb")
    ratio = {k: float(v) for k, v in
             re.findall(r"^(Sigmoid|Tanh|ReLU): first-layer / last-layer gradient norm = "
                        r"([0-9.e+-]+)", text, re.M)}
    assert set(ratio) == {"Sigmoid", "Tanh", "ReLU"}
    assert ratio["Sigmoid"] < ratio["ReLU"] / 10
    assert len(pngs) == 1 + 2 + 1     # gradient norms, 2 activation histograms, init losses
    assert "'he'" in text and "'xavier'" in text and "'zeros'" in text
