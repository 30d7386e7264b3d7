"""Training metrics: the per-epoch CSV log, accuracy, per-class accuracy, confusion matrix.

`metrics.csv` has one row per epoch with the columns `COLUMNS`. It is rewritten whole and
atomically (temporary file in the same folder, then `os.replace`) after every epoch, so a
crash never leaves half a row, and a resumed run first drops the rows after the epoch it
resumes from (they belong to the interrupted run's future that did not happen).
"""
import csv
import io
import math
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["COLUMNS", "write_metrics", "read_metrics", "confusion_matrix",
           "per_class_accuracy", "atomic_write_text"]

COLUMNS = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "time_s")


def atomic_write_text(path, text):
    """Write `text` to `path` through a temporary file and `os.replace` (all or nothing)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def write_metrics(path, rows):
    """Write the epoch rows (dicts with the `COLUMNS` keys; None for missing) to `path`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in COLUMNS])
    atomic_write_text(path, buf.getvalue())


def read_metrics(path):
    """The rows of a metrics CSV as dicts of floats (epoch as int; None for empty cells)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            row = {k: (float(v) if v not in ("", None) else None) for k, v in rec.items()}
            row["epoch"] = int(row["epoch"])
            rows.append(row)
    return rows


def confusion_matrix(y_true, y_pred, num_classes):
    """Counts C[i, j] of samples of true class i predicted as class j (int64)."""
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def per_class_accuracy(cm):
    """Share of each true class predicted correctly, C[i, i] / sum_j C[i, j] (nan for a
    class with no samples)."""
    totals = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(cm) / np.maximum(totals, 1), np.nan)
