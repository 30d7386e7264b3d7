"""Pooling against PyTorch (float64 values, indices and input gradients): max/avg 1-D and 2-D
with strides, paddings, dilations, ceil_mode, count_include_pad, divisor_override,
return_indices, unbatched inputs; adaptive pools; max_unpool; gradcheck and gradgradcheck;
module reprs; hypothesis property tests."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from test_conv import parity, torch_one_thread  # noqa: F401  (autouse fixture)

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


MAX_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(2, 3)),
    dict(kernel_size=(3, 2), stride=(2, 3), ceil_mode=True),
    dict(kernel_size=3, stride=1, padding=1),
]


@pytest.mark.parametrize("kw", MAX_CASES)
@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (3, 7, 10)])
def test_max_pool2d_matches_torch(kw, shape):
    parity(lambda x: F.max_pool2d(x, return_indices=True, **kw),
           lambda x: TF.max_pool2d(x, return_indices=True, **kw), _x(*shape))
    parity(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), _x(*shape))


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1,
                                                           ceil_mode=True, dilation=2)])
def test_max_pool1d_matches_torch(kw):
    for shape in [(2, 3, 11), (3, 10)]:
        parity(lambda x: F.max_pool1d(x, return_indices=True, **kw),
               lambda x: TF.max_pool1d(x, return_indices=True, **kw), _x(*shape))


def test_max_pool_ties_nan_and_negative_infinity_follow_torch():
    x = np.array([[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 2.0, 2.0],
                    [np.nan, 5.0, -np.inf, -np.inf], [1.0, np.nan, -np.inf, -np.inf]]]])
    g, gi = F.max_pool2d(autograd.tensor(x), 2, return_indices=True)
    t, ti = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(g.data, t.numpy())
    np.testing.assert_array_equal(gi.data, ti.numpy())


AVG_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), divisor_override=5),
    dict(kernel_size=(2, 4), stride=(3, 1), padding=(1, 2), count_include_pad=False),
]


@pytest.mark.parametrize("kw", AVG_CASES)
@pytest.mark.parametrize("shape", [(2, 3, 7, 8), (3, 8, 9)])
def test_avg_pool2d_matches_torch(kw, shape):
    parity(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), _x(*shape))


def test_avg_pool1d_matches_torch():
    for kw in [dict(kernel_size=3), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True,
                                         count_include_pad=False)]:
        parity(lambda x: F.avg_pool1d(x, **kw), lambda x: TF.avg_pool1d(x, **kw),
               _x(2, 3, 10))


@pytest.mark.parametrize("size", [(3, 5), (None, 3), 1, (7, 8), (4, 11)])
def test_adaptive_pools_2d_match_torch(size):
    x = _x(2, 3, 7, 8)
    parity(lambda x: F.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size),
           x)
    parity(lambda x: F.adaptive_max_pool2d(x, size, return_indices=True),
           lambda x: TF.adaptive_max_pool2d(x, size, return_indices=True), x)
    parity(lambda x: F.adaptive_max_pool2d(x, size), lambda x: TF.adaptive_max_pool2d(x, size),
           x[0])


def test_adaptive_pools_1d_match_torch():
    for size in (3, 4, 9):
        parity(lambda x: F.adaptive_avg_pool1d(x, size),
               lambda x: TF.adaptive_avg_pool1d(x, size), _x(2, 3, 7))
        parity(lambda x: F.adaptive_max_pool1d(x, size, return_indices=True),
               lambda x: TF.adaptive_max_pool1d(x, size, return_indices=True), _x(3, 7))


def test_max_unpool_matches_torch():
    x = _x(2, 3, 8, 7)
    g, gi = F.max_pool2d(autograd.tensor(x), 2, return_indices=True)
    t, ti = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    parity(lambda v: F.max_unpool2d(v, gi, 2, output_size=(8, 7)),
           lambda v: TF.max_unpool2d(v, ti, 2, output_size=(8, 7)), g.data)
    with pytest.raises(RuntimeError, match="invalid max index"):
        F.max_unpool2d(g, gi, 2)  # the default size (8, 6) cannot hold index 7 of a row
    x2 = _x(2, 3, 8, 6)
    g2, gi2 = F.max_pool2d(autograd.tensor(x2), 2, stride=(2, 1), return_indices=True)
    t2, ti2 = TF.max_pool2d(torch.tensor(x2), 2, stride=(2, 1), return_indices=True)
    parity(lambda v: F.max_unpool2d(v, gi2, 2, stride=(2, 1)),
           lambda v: TF.max_unpool2d(v, ti2, 2, stride=(2, 1)), g2.data)
    x1 = _x(2, 3, 9)
    g1, gi1 = F.max_pool1d(autograd.tensor(x1), 3, return_indices=True)
    t1, ti1 = TF.max_pool1d(torch.tensor(x1), 3, return_indices=True)
    parity(lambda v: F.max_unpool1d(v, gi1, 3), lambda v: TF.max_unpool1d(v, ti1, 3), g1.data)
    unpool, tunpool = nn.MaxUnpool2d(2), torch.nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(tunpool)
    np.testing.assert_array_equal(unpool(g, gi, output_size=(8, 7)).data,
                                  tunpool(t, ti, output_size=(8, 7)).numpy())


@pytest.mark.parametrize("fn", [
    lambda x: F.max_pool2d(x, 3, stride=1, padding=1),
    lambda x: F.max_pool2d(x, 2),
    lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    lambda x: F.adaptive_max_pool2d(x, 3),
    lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
    lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2),
])
def test_pooling_gradcheck_and_gradgradcheck(fn):
    x = autograd.tensor(_x(1, 2, 5, 4, seed=3), requires_grad=True)
    assert autograd.gradcheck(fn, (x,))
    assert autograd.gradgradcheck(fn, (x,))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_pooling_property(data):
    d = data.draw
    k = (d(st.integers(1, 3)), d(st.integers(1, 3)))
    stride = (d(st.integers(1, 3)), d(st.integers(1, 3)))
    dil = (d(st.integers(1, 2)), d(st.integers(1, 2)))
    pad = tuple(d(st.integers(0, kk // 2)) for kk in k)
    ceil = d(st.booleans())
    h = d(st.integers(dil[0] * (k[0] - 1) + 1, 9))
    w = d(st.integers(dil[1] * (k[1] - 1) + 1, 9))
    x = _x(2, 2, h, w, seed=d(st.integers(0, 100)))
    kw = dict(kernel_size=k, stride=stride, padding=pad, dilation=dil, ceil_mode=ceil)
    parity(lambda x: F.max_pool2d(x, return_indices=True, **kw),
           lambda x: TF.max_pool2d(x, return_indices=True, **kw), x)
    akw = dict(kernel_size=k, stride=stride, padding=pad, ceil_mode=ceil,
               count_include_pad=d(st.booleans()))
    parity(lambda x: F.avg_pool2d(x, **akw), lambda x: TF.avg_pool2d(x, **akw), x)
    size = (d(st.integers(1, h + 2)), d(st.integers(1, w + 2)))
    parity(lambda x: F.adaptive_max_pool2d(x, size, True),
           lambda x: TF.adaptive_max_pool2d(x, size, True), x)


def test_pooling_module_reprs_and_forward_match_torch():
    pairs = [
        (nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
        (nn.MaxPool2d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 1, ceil_mode=True)),
        (nn.MaxPool1d(3), torch.nn.MaxPool1d(3)),
        (nn.AvgPool2d(2), torch.nn.AvgPool2d(2)),
        (nn.AvgPool2d(3, 2, 1, count_include_pad=False),
         torch.nn.AvgPool2d(3, 2, 1, count_include_pad=False)),
        (nn.AvgPool1d(3, 2), torch.nn.AvgPool1d(3, 2)),
        (nn.AdaptiveAvgPool2d((5, 7)), torch.nn.AdaptiveAvgPool2d((5, 7))),
        (nn.AdaptiveAvgPool1d(3), torch.nn.AdaptiveAvgPool1d(3)),
        (nn.AdaptiveMaxPool2d(3), torch.nn.AdaptiveMaxPool2d(3)),
    ]
    x2, x1 = _x(2, 3, 10, 11), _x(2, 3, 10)
    for m, tm in pairs:
        assert repr(m) == repr(tm)
        x = x1 if "1d" in type(m).__name__ else x2
        parity(m, tm, x)
    out, idx = nn.MaxPool2d(2, return_indices=True)(autograd.tensor(x2))
    assert tuple(idx.shape) == (2, 3, 5, 5) and idx.dtype == autograd.int64


def test_pooling_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(autograd.zeros(1, 1, 5, 5), 2, padding=2)
    with pytest.raises(RuntimeError, match=r"\(N, C, H, W\)"):
        F.max_pool2d(autograd.zeros(5, 5), 2)
    with pytest.raises(RuntimeError, match="too small"):
        F.avg_pool2d(autograd.zeros(1, 1, 2, 2), 3)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_max_unpool2d_property(data):
    """max_pool2d (kernel, stride, padding) then max_unpool2d with the same arguments and an
    output_size drawn in the valid range: values and the gradient of the pooled values."""
    d = data.draw
    k = (d(st.integers(1, 3)), d(st.integers(1, 3)))
    stride = (d(st.integers(1, 3)), d(st.integers(1, 3)))
    pad = tuple(d(st.integers(0, kk // 2)) for kk in k)
    h, w = d(st.integers(k[0], 8)), d(st.integers(k[1], 8))
    x = _x(2, 2, h, w, seed=d(st.integers(0, 100)))
    kw = dict(kernel_size=k, stride=stride, padding=pad)
    values, idx = F.max_pool2d(autograd.tensor(x), return_indices=True, **kw)
    tvalues, tidx = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    oh, ow = values.shape[2:]
    default = [(o - 1) * s - 2 * p + kk for o, s, p, kk in zip((oh, ow), stride, pad, k)]
    size = tuple(max(d(st.integers(dd - s + 1, dd + s - 1)), hw)
                 for dd, s, hw in zip(default, stride, (h, w)))
    if any(not dd - s < sz < dd + s for dd, s, sz in zip(default, stride, size)):
        size = None
    if size is None and (default[0] * default[1] <= int(idx.data.max())):
        return   # the default size cannot hold these indices (both libraries raise)
    parity(lambda v: F.max_unpool2d(v, idx, output_size=size, **kw),
           lambda v: TF.max_unpool2d(v, tidx, output_size=size, **kw), values.data)
