"""`glassgrad bench`: run the benchmarks of tests/benchmarks and print their figures as a table.

A benchmark is a module `bench_<name>.py` with a function `run()` returning a dict of
figures (nested dicts of numbers). They are looked for in `--dir`, then $GLASSGRAD_BENCHMARKS,
then `tests/benchmarks` of the source tree the package was installed from (an editable
install) and of the working directory. A plain wheel install ships no benchmarks; the error
then says where to get them.

The figures are shown one row per measurement; when a key on the path to a figure names an
engine (`glassgrad`, `torch`, `numpy`, `micrograd`), that key becomes a column, so
glassgrad's figures stand beside PyTorch's (and NumPy's, micrograd's) wherever the
benchmark measured them; PyTorch's column is filled only when torch is installed.
"""
import importlib.util
import inspect
import os
import sys
import time
from pathlib import Path

__all__ = ["ENGINES", "BenchmarkError", "find_benchmark_dir", "list_benchmarks",
           "run_benchmark", "figures_table"]

ENGINES = ("glassgrad", "torch", "numpy", "micrograd")


class BenchmarkError(FileNotFoundError):
    """No benchmark folder, or no benchmark of the requested name."""


def _candidates(explicit=None):
    if explicit:
        return [Path(explicit)]
    found = []
    if os.environ.get("GLASSGRAD_BENCHMARKS"):
        found.append(Path(os.environ["GLASSGRAD_BENCHMARKS"]))
    found.append(Path(__file__).resolve().parents[2] / "tests" / "benchmarks")
    found.append(Path.cwd() / "tests" / "benchmarks")
    return found


def find_benchmark_dir(explicit=None):
    """The first candidate folder holding bench_*.py files (see the module docstring)."""
    tried = _candidates(explicit)
    for folder in tried:
        if folder.is_dir() and any(folder.glob("bench_*.py")):
            return folder
    raise BenchmarkError(f"no benchmarks (bench_*.py) found in {', '.join(map(str, tried))}; "
                         f"they live in the source repository's tests/benchmarks: run from a "
                         f"checkout or pass --dir FOLDER")


def list_benchmarks(folder):
    """{name: path} of the benchmarks in `folder` (name = file stem without 'bench_')."""
    return {p.stem[len("bench_"):]: p for p in sorted(Path(folder).glob("bench_*.py"))}


def run_benchmark(path, quick=False):
    """Import the benchmark file `path` and call its `run()` (`run(quick=True)` when `quick`
    and its run() takes `quick`); returns (figures, seconds)."""
    path = Path(path)
    folder = str(path.parent)
    spec = importlib.util.spec_from_file_location(f"glassgrad_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
        if not callable(getattr(module, "run", None)):
            raise BenchmarkError(f"{path} has no run() function")
        kwargs = {}
        if quick and "quick" in inspect.signature(module.run).parameters:
            kwargs["quick"] = True
        started = time.perf_counter()
        figures = module.run(**kwargs)
        return figures, time.perf_counter() - started
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)


def _flatten(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, path + (str(k),))
    elif isinstance(value, bool):
        yield path, str(value)
    elif isinstance(value, (int, float)) or value is None:
        yield path, value
    elif isinstance(value, (list, tuple)):
        yield path, ", ".join(map(str, value))
    else:
        yield path, str(value)


def _pivot(figures):
    rows, columns = {}, []
    for path, value in _flatten(figures):
        engine = next((p for p in path if p in ENGINES), None)
        metric = ".".join(p for p in path if p != engine) or "value"
        column = engine or "value"
        if column not in columns:
            columns.append(column)
        rows.setdefault(metric, {})[column] = value
    order = [c for c in ENGINES if c in columns] + [c for c in columns if c not in ENGINES]
    return rows, order


def _cell(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def figures_table(name, figures, torch_installed=None):
    """The figures of benchmark `name` as aligned text: rows are measurements, columns the
    engines (and 'value' for figures that belong to no engine)."""
    rows, columns = _pivot(figures if isinstance(figures, dict) else {"value": figures})
    if torch_installed is False and "torch" not in columns:
        note = "  (PyTorch not installed: no torch figures)"
    else:
        note = ""
    width = max([len(m) for m in rows] + [len("measurement")])
    cw = [max(len(c), *(len(_cell(r.get(c))) for r in rows.values())) for c in columns]
    lines = [f"== {name}{note}",
             f"{'measurement':<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(columns, cw))]
    for metric, values in rows.items():
        cells = "  ".join(f"{_cell(values.get(c)) if c in values else '':>{w}}"
                          for c, w in zip(columns, cw))
        lines.append(f"{metric:<{width}}  {cells}")
    return "\n".join(lines)
