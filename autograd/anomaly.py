"""Anomaly detection: find the first operation that produced a NaN or an infinity.

With `detect_anomaly()` (a context manager and decorator) or `set_detect_anomaly(True)`, every
operation checks its result in the forward pass and every backward step checks the gradients it
produced. The first non-finite value raises a `RuntimeError` that names the operation and the
line of user code that called it. PyTorch checks only the backward pass; glassgrad checks both,
because a NaN is cheapest to fix where it is first made.
"""
import os
import traceback

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


class _State:
    enabled = False


state = _State()
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_NN_DIR = os.path.join(os.path.dirname(_PACKAGE_DIR), "nn")


def is_anomaly_enabled():
    return state.enabled


class set_detect_anomaly:
    """Turn anomaly detection on or off; as a context manager, restore the old mode on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = state.enabled
        state.enabled = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False


class detect_anomaly:
    """Context manager and decorator that enables anomaly detection inside it."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = True
        return self

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly():
                return fn(*args, **kwargs)
        return wrapper


def user_frame():
    """The innermost stack frame outside glassgrad's own packages, as 'file:line in func: code'."""
    for frame in reversed(traceback.extract_stack()):
        path = os.path.abspath(frame.filename)
        if not (path.startswith(_PACKAGE_DIR) or path.startswith(_NN_DIR)):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}: {frame.line}'
    return "<unknown>"


def nonfinite(array):
    """True if a floating array holds a NaN or an infinity."""
    kind = getattr(getattr(array, "dtype", None), "kind", None)
    if kind != "f":
        return False
    import numpy as np
    return not np.isfinite(array).all()
