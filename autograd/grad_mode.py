"""Grad modes: whether new operations are recorded for backward.

`no_grad`, `enable_grad`, `set_grad_enabled(mode)` and `inference_mode` work as context
managers and as decorators, and their state is thread-local, as in PyTorch. `inference_mode`
is `no_grad` here: glassgrad has no separate inference tensors, so it only stops recording.
"""
import functools
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _State(threading.local):
    def __init__(self):
        self.grad_enabled = True
        self.inference = False


state = _State()


def is_grad_enabled():
    """True when operations on tensors that require grad are being recorded."""
    return state.grad_enabled


def is_inference_mode_enabled():
    return state.inference


class _GradMode:
    """Base: a context manager that is also a decorator (a fresh one per call)."""
    _enabled = True

    def __enter__(self):
        self._prev = state.grad_enabled
        state.grad_enabled = self._enabled
        return self

    def __exit__(self, *exc):
        state.grad_enabled = self._prev
        return False

    def clone(self):
        return self.__class__()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Disable recording: results of operations do not require grad."""
    _enabled = False


class enable_grad(_GradMode):
    """Enable recording inside a `no_grad` block."""
    _enabled = True


class set_grad_enabled(_GradMode):
    """Set recording on or off. Takes effect at once (as a function call) and, used as a
    context manager, restores the previous mode on exit."""

    def __init__(self, mode):
        self._enabled = bool(mode)
        self._prev = state.grad_enabled
        state.grad_enabled = self._enabled

    def __enter__(self):
        return self

    def clone(self):
        return _Scoped(self._enabled)

    def __call__(self, fn):
        state.grad_enabled = self._prev  # as a decorator it must not change the mode now
        return super().__call__(fn)


class _Scoped(_GradMode):
    def __init__(self, enabled):
        self._enabled = enabled


class inference_mode(_GradMode):
    """Like `no_grad` (glassgrad has no separate inference tensors). `inference_mode(False)`
    leaves the mode unchanged."""

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self._enabled = not self.mode if self.mode else state.grad_enabled

    def __enter__(self):
        self._prev_inf = state.inference
        self._prev = state.grad_enabled
        if self.mode:
            state.grad_enabled = False
            state.inference = True
        return self

    def __exit__(self, *exc):
        state.grad_enabled = self._prev
        state.inference = self._prev_inf
        return False

    def clone(self):
        return inference_mode(self.mode)

    def __call__(self, fn):
        if not callable(fn) or isinstance(fn, bool):
            return inference_mode(fn)
        return super().__call__(fn)
