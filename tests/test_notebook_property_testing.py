"""Executes notebooks/property_testing.ipynb (property-testing a custom op) and checks that
every cell runs and that what it teaches shows in its outputs."""
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "property_testing.ipynb"


def _ensure_kernel():
    from jupyter_client.kernelspec import KernelSpecManager
    if "python3" not in KernelSpecManager().find_kernel_specs():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"],
                       check=True, capture_output=True)


def test_property_testing_notebook_runs():
    _ensure_kernel()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError if a cell fails (or one runs over 120 s)
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    assert "True True" in printed  # softplus passes gradcheck and gradgradcheck
    assert "with respect to input 1" in printed  # the bias bug is found in the bias
    assert "2 x numerical everywhere" in printed  # the factor hint
    assert "non-differentiable point (kink)" in printed  # relu at 0
    assert "softplus passes on 40 drawn examples" in printed
    assert "Failing test case" in printed  # check_op's shrunk example
    assert "in fast mode" in printed
