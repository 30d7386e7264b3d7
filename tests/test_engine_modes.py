"""Grad modes as PyTorch uses them (bare decorators, generators, inference_mode(False)),
and errors that say why backward has no graph."""
import threading

import pytest

import autograd as A


def test_modes_work_as_bare_decorators():
    @A.no_grad
    def off():
        return A.is_grad_enabled()

    @A.enable_grad
    def on():
        return A.is_grad_enabled()

    @A.inference_mode
    def inference():
        return A.is_inference_mode_enabled(), A.is_grad_enabled()

    assert off() is False and off.__name__ == "off"
    with A.no_grad():
        assert on() is True
    assert inference() == (True, False)
    assert A.is_grad_enabled() and not A.is_inference_mode_enabled()


def test_decorated_generator_runs_each_step_in_the_mode():
    @A.no_grad()
    def steps():
        received = yield A.is_grad_enabled()
        yield received, A.is_grad_enabled()
        return "done"

    it = steps()
    assert next(it) is False
    assert A.is_grad_enabled()  # the mode does not leak between steps
    assert it.send(7) == (7, False)
    with pytest.raises(StopIteration) as stop:
        next(it)
    assert stop.value.value == "done"


def test_inference_mode_false_turns_recording_on_as_torch():
    with A.inference_mode():
        with A.inference_mode(False):
            assert A.is_grad_enabled() and not A.is_inference_mode_enabled()
        assert not A.is_grad_enabled() and A.is_inference_mode_enabled()
    with A.no_grad():
        with A.inference_mode(False):
            assert A.is_grad_enabled()
        assert not A.is_grad_enabled()


def test_set_grad_enabled_as_decorator_does_not_change_mode_now():
    @A.set_grad_enabled(False)
    def off():
        return A.is_grad_enabled()

    assert A.is_grad_enabled()
    assert off() is False and A.is_grad_enabled()


def test_new_thread_starts_with_recording_on():
    seen = []
    with A.no_grad():
        t = threading.Thread(target=lambda: seen.append(A.is_grad_enabled()))
        t.start()
        t.join()
        assert not A.is_grad_enabled()
    assert seen == [True]


def test_backward_on_detached_says_detach():
    x = A.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        (x * 2).sum().detach().backward()


def test_backward_inside_no_grad_says_recording_is_off():
    x = A.randn(3, requires_grad=True)
    with A.no_grad():
        y = (x * 2).sum()
        with pytest.raises(RuntimeError, match=r"recording is off here \(inside no_grad"):
            y.backward()
    with pytest.raises(RuntimeError, match="made under no_grad"):
        y.backward()
