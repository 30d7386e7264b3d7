"""Training pictures with matplotlib, as PNG files.

Every function draws on a new `matplotlib.figure.Figure` (the object API, rendered by the
Agg canvas: no pyplot, no global backend switch, so it works headless and leaves a
notebook's backend alone), writes it to `path` when one is given (atomically: a temporary
file, then `os.replace`) and returns the figure.

- `plot_loss`, `plot_accuracy`: train / validation curves from the per-epoch rows.
- `plot_decision_boundary`: the predicted class over the plane, for 2-D data.
- `plot_weights`: first-layer weights as images (28x28 or 8x8 for an MLP's Linear, the
  3x3 filters of a Conv2d).
- `plot_misclassified`: a grid of wrongly classified images, true and predicted labels.
- `plot_confusion_matrix`: counts of true class (rows) against predicted class (columns).
- `plot_gradient_norms`: per-layer gradient norms over training, log scale (vanishing
  gradients show as lines far apart: sigmoid's first layers sit orders of magnitude below
  its last).
- `plot_activation_histograms`: the distribution of each layer's outputs.
- `plot_sweep`: the validation accuracy of each run of a sweep.
- `show`: display a figure in Jupyter (as a PNG), since these figures bypass pyplot.
"""
import math
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["plot_loss", "plot_accuracy", "plot_decision_boundary", "plot_weights",
           "plot_misclassified", "plot_confusion_matrix", "plot_gradient_norms",
           "plot_activation_histograms", "plot_sweep", "save_figure", "show"]


def _integer_ticks(axis):
    from matplotlib.ticker import MaxNLocator
    axis.set_major_locator(MaxNLocator(integer=True))   # epochs 1, 2, 3, not 2.5


def _figure(width=6.0, height=4.0):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def save_figure(fig, path):
    """Write `fig` as a PNG to `path` through a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format="png")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return str(path)


def show(fig):
    """Display `fig` in Jupyter/IPython as a PNG image (figures made here are not pyplot's,
    so the notebook's inline backend does not show them by itself); returns None."""
    import io

    from IPython.display import Image, display
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    display(Image(data=buf.getvalue(), format="png"))


def _finish(fig, path):
    if path is not None:
        save_figure(fig, path)
    return fig


def _column(history, key):
    return np.array([np.nan if r.get(key) is None else r[key] for r in history], float)


def _curves(history, keys, ylabel, title, path, percent=False):
    if not history:
        raise ValueError(f"{title}: no epochs to plot (the history is empty)")
    fig = _figure()
    ax = fig.add_subplot()
    epochs = _column(history, "epoch")
    for key, label in keys:
        values = _column(history, key) * (100 if percent else 1)
        if not np.all(np.isnan(values)):
            ax.plot(epochs, values, marker="o" if len(epochs) < 30 else None, label=label)
    ax.set_xlabel("epoch")
    _integer_ticks(ax.xaxis)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return _finish(fig, path)


def plot_loss(history, path=None, title="loss"):
    """Train and validation loss per epoch; `history` is a list of dicts with 'epoch',
    'train_loss', 'val_loss' (as in metrics.csv)."""
    return _curves(history, [("train_loss", "train"), ("val_loss", "validation")],
                   "cross-entropy loss", title, path)


def plot_accuracy(history, path=None, title="accuracy"):
    """Train and validation accuracy (%) per epoch, from rows with 'train_acc', 'val_acc'."""
    return _curves(history, [("train_acc", "train"), ("val_acc", "validation")],
                   "accuracy (%)", title, path, percent=True)


def plot_decision_boundary(predict, X, y, path=None, resolution=200, title="decision boundary",
                           margin=0.5):
    """Colour the plane by the class `predict` gives, with the points (X: (n, 2), labels y).

    predict: a function from an (m, 2) float32 array of raw coordinates to class
    probabilities or scores (m, k) (e.g. a model plus its input standardisation)."""
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have shape (n, 2), got {X.shape}")
    lo, hi = X.min(0) - margin, X.max(0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    scores = np.asarray(predict(grid))
    k = max(int(y.max()) + 1 if len(y) else 1, scores.shape[1])
    fig = _figure(5.5, 5.0)
    ax = fig.add_subplot()
    ax.contourf(gx, gy, scores.argmax(1).reshape(gx.shape), levels=np.arange(k + 1) - 0.5,
                cmap="coolwarm" if k == 2 else "viridis", alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=12, cmap="coolwarm" if k == 2 else "viridis",
               vmin=0, vmax=k - 1, edgecolors="k", linewidths=0.3)
    ax.set_title(title)
    ax.set_aspect("equal")
    return _finish(fig, path)


def _grid_shape(n, max_cols=10):
    cols = min(max_cols, max(1, math.ceil(math.sqrt(n))))
    return math.ceil(n / cols), cols


def plot_weights(weight, image_shape=None, path=None, max_images=64, title=None):
    """Show each output unit's incoming weights as a small image.

    weight: a Linear weight (out, in) with in = prod(image_shape) (e.g. 784 = 28x28, 64 =
    8x8), or a Conv2d weight (out, in_channels, kh, kw) (the first input channel is shown).
    Each image has its own symmetric colour range (blue negative, red positive)."""
    w = np.asarray(getattr(weight, "data", weight), dtype=np.float32)
    if w.ndim == 4:
        images = w[:, 0]
    elif w.ndim == 2:
        if image_shape is None:
            side = int(round(math.sqrt(w.shape[1])))
            image_shape = (side, side)
        image_shape = tuple(image_shape)[-2:]
        if math.prod(image_shape) != w.shape[1]:
            raise ValueError(f"plot_weights: {w.shape[1]} inputs per unit cannot be shown as "
                             f"{image_shape} images")
        images = w.reshape(-1, *image_shape)
    else:
        raise ValueError(f"plot_weights: expected a Linear (out, in) or Conv2d (out, in, kh, "
                         f"kw) weight, got shape {w.shape}")
    images = images[:max_images]
    rows, cols = _grid_shape(len(images))
    h, w = images.shape[1:]
    mosaic = np.full((rows * (h + 1) + 1, cols * (w + 1) + 1), np.nan, dtype=np.float32)
    for i, img in enumerate(images):   # one image, each tile scaled to [-1, 1] on its own
        r, c = divmod(i, cols)
        lim = float(np.abs(img).max()) or 1.0
        mosaic[1 + r * (h + 1):1 + r * (h + 1) + h, 1 + c * (w + 1):1 + c * (w + 1) + w] = \
            img / lim
    fig = _figure(min(0.6 * cols + 1.0, 9.0), min(0.6 * rows + 1.0, 9.0))
    ax = fig.add_subplot()
    ax.imshow(np.ma.masked_invalid(mosaic), cmap="bwr", vmin=-1, vmax=1,
              interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title or f"first-layer weights ({len(images)} units; blue < 0 < red)")
    return _finish(fig, path)


def plot_misclassified(images, y_true, y_pred, classes=None, path=None, max_images=36,
                       title=None):
    """A grid of the images (n, H, W) or (n, 1, H, W) with 'true -> predicted' captions;
    pass only the misclassified ones (or all: the first `max_images` are shown).

    All tiles share one grey scale, pixel 0 white and 1 black (ink on paper), so none is
    shown inverted. The grid is one mosaic image with the captions as text (one Axes: an
    Axes per image takes several times longer to lay out and draw)."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4:
        images = images[:, 0]
    if images.ndim != 3:
        raise ValueError(f"plot_misclassified: images must be (n, H, W) or (n, 1, H, W), got "
                         f"shape {images.shape}")
    n = min(len(images), max_images)
    name = (lambda c: str(classes[c]).split(" - ")[-1]) if classes else str
    rows, cols = _grid_shape(max(n, 1), 6)
    fig = _figure(1.5 * cols + 0.3, 1.7 * rows + 0.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if n == 0:
        ax.text(0.5, 0.5, "no misclassified examples", ha="center", transform=ax.transAxes)
    else:
        from matplotlib import colormaps
        h, w = images.shape[1:]
        gap, caption = max(1, round(w / 14)), max(2, round(0.3 * h))
        mosaic = np.full((rows * (h + caption + gap), cols * (w + gap) + gap), np.nan,
                         dtype=np.float32)
        for i in range(n):
            r, c = divmod(i, cols)
            top, left = r * (h + caption + gap) + caption, gap + c * (w + gap)
            mosaic[top:top + h, left:left + w] = images[i]
            ax.text(left + w / 2, top - 0.5, f"{name(int(y_true[i]))} -> "
                    f"{name(int(y_pred[i]))}", ha="center", va="bottom", fontsize=8,
                    color="firebrick")
        cmap = colormaps["gray_r"].with_extremes(bad="#e4e4e4")
        ax.imshow(np.ma.masked_invalid(mosaic), cmap=cmap, vmin=0.0, vmax=1.0,
                  interpolation="nearest")
    fig.suptitle(title or f"misclassified (true -> predicted), {n} shown")
    return _finish(fig, path)


def plot_confusion_matrix(cm, classes=None, path=None, title="confusion matrix"):
    """The confusion matrix (rows: true class, columns: predicted), counts in the cells."""
    cm = np.asarray(cm)
    k = cm.shape[0]
    labels = [str(c).split(" - ")[-1] for c in (classes or range(k))]
    fig = _figure(0.5 * k + 2.5, 0.5 * k + 2.0)
    ax = fig.add_subplot()
    im = ax.imshow(cm, cmap="Blues")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xticks(range(k), labels, rotation=45 if max(map(len, labels)) > 2 else 0,
                  ha="right" if max(map(len, labels)) > 2 else "center")
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = cm.max() / 2 if cm.size else 0
    if k <= 20:
        for i in range(k):
            for j in range(k):
                ax.text(j, i, str(int(cm[i, j])), ha="center", va="center", fontsize=7,
                        color="white" if cm[i, j] > threshold else "black")
    ax.set_title(title)
    return _finish(fig, path)


def plot_gradient_norms(norms, layer_names=None, path=None, title="gradient norm per layer",
                        xlabel="epoch", ax=None):
    """Per-layer gradient norms over training on a log scale.

    norms: (steps, layers) array (row t: the norm of each layer's weight gradient at epoch
    or step t). Given `ax` (a matplotlib Axes), draws there and returns its figure."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 2 or norms.shape[0] == 0:
        raise ValueError(f"plot_gradient_norms: norms must be (steps, layers) with at least "
                         f"one step, got shape {norms.shape}")
    names = layer_names or [f"layer {i}" for i in range(norms.shape[1])]
    fig = ax.figure if ax is not None else _figure()
    ax = ax if ax is not None else fig.add_subplot()
    steps = np.arange(1, norms.shape[0] + 1)
    for i, name in enumerate(names):
        ax.plot(steps, np.maximum(norms[:, i], 1e-30), label=name,
                marker="o" if len(steps) < 30 else None)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    _integer_ticks(ax.xaxis)
    ax.set_ylabel("||dL/dW||")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    return _finish(fig, path)


def plot_activation_histograms(activations, path=None, bins=50, title="activations per layer"):
    """One histogram per layer of its output values; `activations` maps a layer name to an
    array (e.g. from `nn.training.collect_activations`)."""
    if not activations:
        raise ValueError("plot_activation_histograms: no activations given")
    n = len(activations)
    rows, cols = _grid_shape(n, 4)
    fig = _figure(3.0 * cols, 2.3 * rows + 0.4)
    for i, (name, values) in enumerate(activations.items()):
        ax = fig.add_subplot(rows, cols, i + 1)
        v = np.asarray(getattr(values, "data", values), dtype=np.float64).ravel()
        ax.hist(v, bins=bins, color="steelblue")
        ax.set_title(f"{name}\nmean {v.mean():.2f} std {v.std():.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(title)
    return _finish(fig, path)


def plot_sweep(rows, path=None, key="val_acc", title="sweep: validation accuracy"):
    """A horizontal bar per run of a sweep (rows: dicts with 'name' and `key`), best first."""
    if not rows:
        raise ValueError("plot_sweep: no runs to plot")
    rows = sorted(rows, key=lambda r: -np.nan_to_num(r[key], nan=-1))
    fig = _figure(7.0, 0.28 * len(rows) + 1.2)
    ax = fig.add_subplot()
    values = [100 * r[key] for r in rows]
    ax.barh(range(len(rows)), values, color="seagreen")
    ax.set_yticks(range(len(rows)), [r["name"] for r in rows], fontsize=7)
    ax.invert_yaxis()
    lo = min(values)
    ax.set_xlim(max(0.0, lo - 5), 100)
    ax.set_xlabel("accuracy (%)")
    ax.set_title(title)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.1f}", va="center", fontsize=7)
    return _finish(fig, path)
