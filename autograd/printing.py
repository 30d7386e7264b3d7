"""PyTorch-style `repr` for tensors: `tensor([1.5000, 2.0000], requires_grad=True)`."""
import numpy as np

from . import dtypes as _dt

__all__ = ["tensor_repr", "set_printoptions"]

_options = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
            "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """As `torch.set_printoptions`."""
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _options[key] = value
    _options["sci_mode"] = sci_mode


def _float_formatter(arr):
    finite = arr[np.isfinite(arr)] if arr.size else arr
    p = _options["precision"]
    if finite.size == 0:
        return lambda v: _special(v) or f"{v:.{p}f}"
    absvals = np.abs(finite.astype(np.float64))
    nonzero = absvals[absvals > 0]
    ints = bool(np.all(np.equal(np.floor(finite), finite)))
    sci = _options["sci_mode"]
    if sci is None:
        sci = nonzero.size > 0 and (nonzero.max() / nonzero.min() > 1000.0 or
                                    nonzero.max() > 1e8 or nonzero.min() < 1e-4)
    if sci:
        return lambda v: _special(v) or f"{v:.{p}e}"
    if ints:
        width = max(len(f"{v:.0f}") for v in finite.flat) + 1
        return lambda v: (_special(v) or f"{v:.0f}.").rjust(width)
    width = max(len(f"{v:.{p}f}") for v in finite.flat)
    return lambda v: (_special(v) or f"{v:.{p}f}").rjust(width)


def _special(v):
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return None


def tensor_repr(t, prefix="tensor("):
    arr = t._data
    suffixes = []
    default_dtypes = (_dt.get_default_dtype().np, np.dtype(np.int64), np.dtype(np.bool_))
    if arr.size == 0 and arr.shape != (0,):
        suffixes.append(f"size={tuple(arr.shape)}")
    if arr.dtype not in default_dtypes or (arr.size == 0 and arr.dtype != _dt.get_default_dtype().np):
        suffixes.append(f"dtype={_dt.from_numpy_dtype(arr.dtype)!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    if arr.dtype.kind == "f":
        fmt = {"float_kind": _float_formatter(arr)}
    elif arr.dtype.kind == "b":
        width = 5 if arr.size and not arr.all() and arr.any() else 0
        fmt = {"bool": lambda v: ("True" if v else "False").rjust(width)}
    else:
        fmt = None
    if arr.size == 0:
        body = "[]"
    else:
        body = np.array2string(arr, separator=", ", prefix=prefix, formatter=fmt,
                               threshold=_options["threshold"], edgeitems=_options["edgeitems"],
                               max_line_width=_options["linewidth"])
    extra = "".join(", " + s for s in suffixes)
    return f"{prefix}{body}{extra})"
