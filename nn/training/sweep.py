"""`glassgrad sweep`: train a grid of short runs and compare them in one table and one picture.

The grid is the product of the lists given for learning rate, hidden width, batch size and
number of hidden layers (each hidden layer `width` units wide), optionally activations and
optimizers. Every run trains in-process with `fit` on the same data (same data seed) and
training seed, writes nothing but its row, and is scored on the validation part (its best
epoch) and on the test part (that best epoch's weights; reported, never used to choose).
The results go to `sweep.csv` (one row per run) and `sweep.png` (`nn.plots.plot_sweep`),
and the table is printed, best first.
"""
import csv
import io
import itertools
import tempfile
import time
from pathlib import Path

from nn import plots

from .metrics import atomic_write_text
from .trainer import fit

__all__ = ["SWEEP_COLUMNS", "sweep_grid", "run_sweep", "format_table"]

SWEEP_COLUMNS = ("name", "lr", "hidden", "layers", "batch_size", "activation", "optimizer",
                 "best_epoch", "val_acc", "test_acc", "train_loss", "seconds")


def sweep_grid(lrs, hiddens, batch_sizes, layers, activations=("relu",), optimizers=("adam",)):
    """The list of settings dicts of the grid (the product of the lists, in that order)."""
    grid = []
    for lr, width, bs, depth, act, opt in itertools.product(lrs, hiddens, batch_sizes, layers,
                                                            activations, optimizers):
        grid.append({"lr": float(lr), "hidden": [int(width)] * int(depth),
                     "batch_size": int(bs), "activation": act, "optimizer": opt,
                     "layers": int(depth), "width": int(width)})
    return grid


def _name(s):
    return (f"lr={s['lr']:g} h={s['width']}x{s['layers']} bs={s['batch_size']} "
            f"{s['activation']} {s['optimizer']}")


def run_sweep(grid, base, out, log=print):
    """Train each settings dict of `grid` merged into `base` (shared settings: dataset,
    model, epochs, seed, ...); write sweep.csv and sweep.png into `out`; returns the rows."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, s in enumerate(grid, 1):
        settings = {**base, **{k: v for k, v in s.items() if k not in ("layers", "width")}}
        with tempfile.TemporaryDirectory(prefix="glassgrad-sweep-") as tmp:
            started = time.perf_counter()
            summary = fit(settings, tmp, log=lambda *a: None, plots=False)
        row = {"name": _name(s), "lr": s["lr"], "hidden": s["width"], "layers": s["layers"],
               "batch_size": s["batch_size"], "activation": s["activation"],
               "optimizer": s["optimizer"], "best_epoch": summary["best_epoch"],
               "val_acc": summary["best_score"], "test_acc": summary["test_acc"],
               "train_loss": summary["last"].get("train_loss"),
               "seconds": time.perf_counter() - started}
        rows.append(row)
        log(f"[{i}/{len(grid)}] {row['name']}: val acc {100 * row['val_acc']:.2f}%  "
            f"({row['seconds']:.1f}s)")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SWEEP_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
    atomic_write_text(out / "sweep.csv", buf.getvalue())
    plots.plot_sweep(rows, out / "sweep.png")
    return rows


def format_table(rows):
    """The sweep rows as an aligned text table, best validation accuracy first."""
    ordered = sorted(rows, key=lambda r: -r["val_acc"])
    width = max(len(r["name"]) for r in ordered)
    lines = [f"{'run':<{width}}  {'val acc':>8}  {'test acc':>8}  {'epoch':>5}  {'time':>6}"]
    for r in ordered:
        test = "" if r["test_acc"] is None else f"{100 * r['test_acc']:.2f}%"
        lines.append(f"{r['name']:<{width}}  {100 * r['val_acc']:>7.2f}%  {test:>8}  "
                     f"{r['best_epoch']:>5}  {r['seconds']:>5.1f}s")
    return "\n".join(lines)
