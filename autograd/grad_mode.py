"""Grad modes: whether new operations are recorded for backward.

`no_grad`, `enable_grad`, `set_grad_enabled(mode)` and `inference_mode` work as context
managers and as decorators, and their state is thread-local, as in PyTorch. `inference_mode`
is `no_grad` here: glassgrad has no separate inference tensors, so it only stops recording.
"""
import functools
import inspect
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
    """Base: a context manager that is also a decorator (a fresh one per call). A decorated
    generator function runs each of its steps in the mode, as in PyTorch."""
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
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def generator(*args, **kwargs):
                with self.clone():
                    gen = fn(*args, **kwargs)
                    sent = None
                while True:
                    try:
                        with self.clone():
                            item = gen.send(sent)
                    except StopIteration as stop:
                        return stop.value
                    try:
                        sent = yield item
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as error:  # thrown in: pass it on inside the mode
                        with self.clone():
                            sent = gen.throw(error)
            return generator

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper


class _NoParamMode(_GradMode):
    """A mode without parameters, usable as `@no_grad()` and as bare `@no_grad` (PyTorch)."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamMode):
    """Disable recording: results of operations do not require grad."""
    _enabled = False


class enable_grad(_NoParamMode):
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
    """Like `no_grad` (glassgrad has no separate inference tensors, so it only stops
    recording). `inference_mode(False)` turns inference mode off and recording on, as
    PyTorch's does. Usable bare (`@inference_mode`), with parentheses, or as a context."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):  # used as a bare decorator
            return cls(True)(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self._enabled = not self.mode

    def __enter__(self):
        self._prev_inf = state.inference
        self._prev = state.grad_enabled
        state.grad_enabled = not self.mode
        state.inference = self.mode
        return self

    def __exit__(self, *exc):
        state.grad_enabled = self._prev
        state.inference = self._prev_inf
        return False

    def clone(self):
        return inference_mode(self.mode)
