"""Executes notebooks/graphs.ipynb (the autograd.viz tour) and checks what its cells show."""
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "graphs.ipynb"


def test_graphs_notebook_runs_and_draws():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    start = time.perf_counter()
    client = nbclient.NotebookClient(nb, timeout=30, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}})
    client.execute()
    assert time.perf_counter() - start < 30  # kernel start-up included
    svgs = [out["data"]["image/svg+xml"] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if "image/svg+xml" in out.get("data", {})]
    assert len(svgs) == 7  # micrograd x2, MLP modules, MLP backward, sigmoid, ReLU, modules
    assert ">tanh<" in svgs[0] and ">o<" in svgs[0]
    assert "fc" not in svgs[2] and "(8, 16)" in svgs[2]
    assert "sigmoid: the gradient fades" in svgs[4]
    assert "gradient norms on the edges" in svgs[6] and svgs[6].count("‖grad‖") >= 24
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    ratios = {}
    for line in printed.splitlines():
        if line.strip().startswith(("sigmoid:", "relu:")):
            name, value = line.split(":")
            ratios[name.strip()] = float(value)
    assert ratios["sigmoid"] < ratios["relu"] / 100  # vanishing in the sigmoid net
