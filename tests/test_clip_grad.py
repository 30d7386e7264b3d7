"""Tests for nn.utils.clip_grad: parity with torch.nn.utils' gradient clipping."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from nn.utils.clip_grad import (clip_grad_norm, clip_grad_norm_, clip_grad_value_,
                                clip_grads_with_norm_, get_total_norm)

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,), (2, 2, 2)]


def _pair(seed, scale=1.0, dtype=np.float64, none_at=None):
    rng = np.random.default_rng(seed)
    grads = [(rng.standard_normal(s) * scale).astype(dtype) for s in SHAPES]
    tp, gp = [], []
    for i, g in enumerate(grads):
        t = torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype, requires_grad=True)
        p = autograd.tensor(np.zeros(g.shape, dtype), requires_grad=True)
        if i != none_at:
            t.grad = torch.tensor(g)
            p.grad = autograd.tensor(g)
        tp.append(t)
        gp.append(p)
    return tp, gp


def _assert_grads_equal(tp, gp, rtol=1e-12):
    for t, p in zip(tp, gp):
        if t.grad is None:
            assert p.grad is None
        else:
            np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, math.inf, "inf", 0.0, -math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e3])
def test_clip_grad_norm_parity(norm_type, max_norm):
    tp, gp = _pair(0, none_at=1)
    t_total = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type=norm_type)
    g_total = clip_grad_norm_(gp, max_norm, norm_type=norm_type)
    assert isinstance(g_total, autograd.Tensor) and g_total.ndim == 0
    assert g_total.item() == pytest.approx(t_total.item(), rel=1e-12)
    _assert_grads_equal(tp, gp)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.sampled_from([1e-3, 1.0, 50.0]),
       max_norm=st.floats(1e-3, 1e2), norm_type=st.sampled_from([1.0, 2.0, math.inf]))
def test_clip_grad_norm_parity_property(seed, scale, max_norm, norm_type):
    tp, gp = _pair(seed, scale)
    t_total = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type)
    g_total = clip_grad_norm_(gp, max_norm, norm_type)
    assert g_total.item() == pytest.approx(t_total.item(), rel=1e-12)
    _assert_grads_equal(tp, gp)
    clipped = np.concatenate([p.grad.data.ravel() for p in gp])
    assert np.linalg.norm(clipped, ord=norm_type) <= max_norm * (1 + 1e-9)


def test_norm_is_over_all_gradients_together():
    tp, gp = _pair(4)
    flat = np.concatenate([p.grad.data.ravel() for p in gp])
    total = clip_grad_norm_(gp, 1e9)
    assert total.item() == pytest.approx(np.linalg.norm(flat), rel=1e-12)
    assert total.dtype == autograd.float64


def test_float32_gradients_give_float32_norm_like_torch():
    tp, gp = _pair(1, dtype=np.float32)
    t_total = torch.nn.utils.clip_grad_norm_(tp, 0.5)
    g_total = clip_grad_norm_(gp, 0.5)
    assert g_total.dtype == autograd.float32
    assert g_total.item() == pytest.approx(t_total.item(), rel=1e-6)
    for t, p in zip(tp, gp):
        assert p.grad.data.dtype == np.float32
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-6)


def test_single_tensor_and_generator_and_no_grads():
    tp, gp = _pair(2)
    t_total = torch.nn.utils.clip_grad_norm_(tp[0], 0.3)
    g_total = clip_grad_norm_(gp[0], 0.3)
    assert g_total.item() == pytest.approx(t_total.item(), rel=1e-12)
    _assert_grads_equal(tp[:1], gp[:1])
    g_total = clip_grad_norm_((p for p in gp[1:]), 0.3)
    assert g_total.item() > 0.3
    with pytest.warns(UserWarning, match="empty generator"):
        assert clip_grad_norm_((p for p in []), 1.0).item() == 0.0
    bare = autograd.tensor(np.ones(2), requires_grad=True)
    total = clip_grad_norm_([bare], 1.0)
    assert total.item() == 0.0 and total.dtype == autograd.float32 and bare.grad is None


def test_nonfinite_norm():
    tp, gp = _pair(3)
    gp[0].grad.data[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(gp, 1.0, error_if_nonfinite=True)
    assert not np.isnan(gp[1].grad.data).any()               # nothing was scaled
    total = clip_grad_norm_(gp, 1.0)
    assert math.isnan(total.item())


def test_infinite_gradient_scales_like_torch_without_warning():
    tp, gp = _pair(4)
    tp[0].grad[0, 0] = math.inf
    gp[0].grad.data[0, 0] = math.inf
    expected = torch.nn.utils.clip_grad_norm_(tp, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                       # no NumPy RuntimeWarning
        total = clip_grad_norm_(gp, 1.0)
    assert total.item() == expected.item() == math.inf
    for t, p in zip(tp, gp):                                 # inf * 0 -> nan, the rest -> 0
        np.testing.assert_array_equal(p.grad.data, t.grad.numpy())


def test_version_counter_bumped():
    _, gp = _pair(5)
    versions = [p.grad._version for p in gp]
    clip_grad_norm_(gp, 0.01)
    assert all(p.grad._version > v for p, v in zip(gp, versions))


def test_deprecated_alias_warns_and_clips():
    tp, gp = _pair(6)
    with pytest.warns(FutureWarning, match="deprecated"):
        g_total = clip_grad_norm(gp, 0.2)
    t_total = torch.nn.utils.clip_grad_norm_(tp, 0.2)
    assert g_total.item() == pytest.approx(t_total.item(), rel=1e-12)
    _assert_grads_equal(tp, gp)


def test_get_total_norm_and_clip_grads_with_norm_parity():
    tp, gp = _pair(7)
    t_norm = torch.nn.utils.get_total_norm([t.grad for t in tp], 3.0)
    g_norm = get_total_norm([p.grad for p in gp], 3.0)
    assert g_norm.item() == pytest.approx(t_norm.item(), rel=1e-12)
    torch.nn.utils.clip_grads_with_norm_(tp, 0.4, t_norm)
    clip_grads_with_norm_(gp, 0.4, g_norm)
    _assert_grads_equal(tp, gp)


@pytest.mark.parametrize("clip_value", [0.0, 0.1, 1.0, 10.0])
def test_clip_grad_value_parity(clip_value):
    tp, gp = _pair(8, scale=2.0, none_at=2)
    torch.nn.utils.clip_grad_value_(tp, clip_value)
    assert clip_grad_value_(gp, clip_value) is None
    _assert_grads_equal(tp, gp)
    assert gp[2].grad is None


def test_clip_grad_value_single_tensor():
    p = autograd.tensor(np.zeros(3), requires_grad=True)
    p.grad = autograd.tensor(np.array([-5.0, 0.5, 5.0]))
    clip_grad_value_(p, 1.0)
    np.testing.assert_array_equal(p.grad.data, [-1.0, 0.5, 1.0])
