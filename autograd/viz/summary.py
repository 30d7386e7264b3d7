"""Short texts for drawn nodes: values, gradients and shapes, and gradient magnitudes.

A value with few elements is shown in full (`[0.5, -1.25, 3]`); a larger one as a summary
(`min -1.2 max 3.4 norm 5.6`), so a 784x256 weight makes a readable label. NaN and infinity
are counted and flagged, because a non-finite gradient is what a drawing is often made to find.

The gradient magnitude of a node is the Euclidean (Frobenius) norm of its gradient,
`||g|| = sqrt(sum_i g_i^2)`, summed over the outputs of a multi-output node.
"""
import math

import numpy as np

__all__ = ["GradInfo", "format_number", "format_shape", "summarize_values", "grad_info"]

SMALL = 6  # values with at most this many elements are shown in full


def format_number(x):
    """A number in at most 4 significant digits: 0.5, -1.235, 1.2e-07, nan, inf."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.4g}"
    return f"{x:.2e}"


def format_shape(shape):
    """`(256, 784)`; `()` for a 0-d value."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"


def summarize_values(values, small=SMALL):
    """The values of an array (or a Python number) in one short line."""
    if not isinstance(values, np.ndarray):
        return format_number(values)
    if values.size == 0:
        return "[]"
    if values.dtype.kind not in "fiub":
        return f"{values.dtype} values"
    if values.size <= small:
        flat = values.reshape(-1)
        if values.ndim == 0:
            return format_number(flat[0])
        return "[" + ", ".join(format_number(v) for v in flat) + "]"
    as_float = values.astype(np.float64, copy=False)
    finite = np.isfinite(as_float)
    parts = []
    if finite.any():
        good = as_float[finite]
        parts.append(f"min {format_number(good.min())} max {format_number(good.max())} "
                     f"norm {format_number(np.sqrt(np.sum(good * good)))}")
    bad = _nonfinite_counts(as_float)
    if bad:
        parts.append(bad)
    return " ".join(parts)


def _nonfinite_counts(as_float):
    n_nan = int(np.isnan(as_float).sum())
    n_inf = int(np.isinf(as_float).sum())
    words = []
    if n_nan:
        words.append(f"{n_nan} NaN")
    if n_inf:
        words.append(f"{n_inf} Inf")
    return ", ".join(words)


class GradInfo:
    """What a drawing shows of one node's gradient: its norm, whether it holds NaN or
    infinity (`nonfinite`: '' or a word such as 'NaN' or 'Inf'), its shape and a text.
    `text` may be given as the arrays it summarises; it is then written when first read
    (most nodes of a big graph are folded before anyone reads it)."""
    __slots__ = ("norm", "nonfinite", "shape", "_text")

    def __init__(self, norm, nonfinite, shape, text):
        self.norm = norm
        self.nonfinite = nonfinite
        self.shape = shape
        self._text = text

    @property
    def text(self):
        if not isinstance(self._text, str):
            self._text = " | ".join(summarize_values(a) for a in self._text)
        return self._text

    def __repr__(self):
        return f"GradInfo(norm={self.norm!r}, nonfinite={self.nonfinite!r}, text={self.text!r})"


def grad_info(grads):
    """A GradInfo for one gradient or several (a multi-output node): arrays, Tensors, Python
    numbers or Scalars; None entries are skipped. None if no gradient is given at all."""
    if not isinstance(grads, (list, tuple)):
        grads = [grads]
    if len(grads) == 1 and grads[0].__class__ in (float, int):  # a Scalar's: the fast path
        g = float(grads[0])
        word = "" if math.isfinite(g) else ("NaN" if g != g else "Inf")
        return GradInfo(abs(g) if not word else 0.0, word, (), format_number(g))
    arrays = []
    for g in grads:
        if g is None:
            continue
        g = getattr(g, "data", g)  # a Tensor's array, or a Scalar's float (create_graph)
        g = getattr(g, "data", g)
        arrays.append(np.asarray(g, dtype=np.float64))
    if not arrays:
        return None
    total = 0.0
    words = []
    for a in arrays:
        finite = np.isfinite(a)
        total += float(np.sum(np.where(finite, a, 0.0) ** 2))
        if not finite.all():
            if np.isnan(a).any():
                words.append("NaN")
            if np.isinf(a).any():
                words.append("Inf")
    nonfinite = "/".join(dict.fromkeys(words))
    norm = math.sqrt(total)
    return GradInfo(norm, nonfinite, tuple(arrays[0].shape), arrays)
