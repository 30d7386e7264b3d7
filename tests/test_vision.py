"""Vision ops against PyTorch (float64 values and gradients): interpolate (nearest, linear,
bilinear with and without align_corners, area; size, scale_factor, recompute_scale_factor),
pixel_shuffle / pixel_unshuffle, unfold / fold, the padding layers, module reprs; gradcheck
and gradgradcheck; Unfold+matmul+Fold equals a convolution; a CNN with the nn-core layers
(BatchNorm2d, Dropout2d, ...)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
import nn.optim  # noqa: F401  (nn.optim.Adam)
from test_conv import parity, torch_one_thread  # noqa: F401  (autouse fixture)

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


SIZES = [dict(size=(5, 11)), dict(scale_factor=2), dict(scale_factor=(1.7, 0.6)),
         dict(scale_factor=1.3, recompute_scale_factor=True), dict(size=(3, 2)),
         dict(scale_factor=0.5)]


@pytest.mark.parametrize("mode,align", [("nearest", None), ("bilinear", False),
                                        ("bilinear", True), ("area", None)])
@pytest.mark.parametrize("kw", SIZES)
def test_interpolate_2d_matches_torch(mode, align, kw):
    if mode == "area" and "recompute_scale_factor" in kw:
        return
    parity(lambda x: F.interpolate(x, mode=mode, align_corners=align, **kw),
           lambda x: TF.interpolate(x, mode=mode, align_corners=align, **kw), _x(2, 3, 6, 7))


@pytest.mark.parametrize("mode,align", [("nearest", None), ("linear", False),
                                        ("linear", True)])
def test_interpolate_1d_matches_torch(mode, align):
    for kw in (dict(size=13), dict(scale_factor=2.5), dict(scale_factor=0.4)):
        parity(lambda x: F.interpolate(x, mode=mode, align_corners=align, **kw),
               lambda x: TF.interpolate(x, mode=mode, align_corners=align, **kw), _x(2, 3, 6))


def test_interpolate_nearest_float32_indices_match_torch():
    x = np.arange(2 * 37 * 41, dtype=np.float32).reshape(1, 2, 37, 41)
    for kw in (dict(scale_factor=1.9), dict(size=(100, 17)), dict(scale_factor=(0.31, 2.7))):
        g = F.interpolate(autograd.tensor(x), **kw)
        t = TF.interpolate(torch.tensor(x), **kw)
        np.testing.assert_array_equal(g.data, t.numpy())


def test_interpolate_errors():
    x = autograd.zeros(1, 1, 4, 4)
    with pytest.raises(ValueError, match="align_corners option"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(NotImplementedError, match="linear mode needs 3D"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(ValueError, match="not supported"):
        F.interpolate(x, scale_factor=2, mode="bicubic")


def test_upsample_modules_match_torch():
    pairs = [(nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
             (nn.Upsample(size=(5, 9), mode="bilinear", align_corners=False),
              torch.nn.Upsample(size=(5, 9), mode="bilinear", align_corners=False)),
             (nn.UpsamplingBilinear2d(scale_factor=1.5), torch.nn.UpsamplingBilinear2d(
                 scale_factor=1.5)),
             (nn.UpsamplingNearest2d(size=7), torch.nn.UpsamplingNearest2d(size=7))]
    for m, tm in pairs:
        assert repr(m) == repr(tm)
        parity(m, tm, _x(2, 3, 4, 5))


@pytest.mark.parametrize("shape,r", [((2, 8, 3, 4), 2), ((5, 9, 3, 4), 3), ((2, 3, 4, 4, 2), 2)])
def test_pixel_shuffle_roundtrip_matches_torch(shape, r):
    parity(lambda x: F.pixel_shuffle(x, r), lambda x: TF.pixel_shuffle(x, r), _x(*shape))
    parity(lambda x: F.pixel_unshuffle(x, r), lambda x: TF.pixel_unshuffle(x, r),
           _x(*shape[:-2], shape[-2] * r, shape[-1] * r))
    x = autograd.tensor(_x(2, 4 * r * r, 3, 2))
    back = F.pixel_unshuffle(F.pixel_shuffle(x, r), r)
    np.testing.assert_array_equal(back.data, x.data)
    assert repr(nn.PixelShuffle(r)) == repr(torch.nn.PixelShuffle(r))
    assert repr(nn.PixelUnshuffle(r)) == repr(torch.nn.PixelUnshuffle(r))
    with pytest.raises(RuntimeError, match="divisible by the square"):
        F.pixel_shuffle(autograd.zeros(1, 5, 2, 2), 2)


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=(2, 3), dilation=(2, 1),
                                                          padding=1, stride=(2, 1)),
                                dict(kernel_size=2, stride=2)])
def test_unfold_fold_match_torch(kw):
    x = _x(2, 3, 7, 8)
    cols = parity(lambda x: F.unfold(x, **kw), lambda x: TF.unfold(x, **kw), x)
    parity(lambda c: F.fold(c, (7, 8), **kw), lambda c: TF.fold(c, (7, 8), **kw),
           _x(*cols.shape, seed=1))
    parity(lambda x: F.unfold(x, **kw), lambda x: TF.unfold(x, **kw), x[0])
    parity(lambda c: F.fold(c, (7, 8), **kw), lambda c: TF.fold(c, (7, 8), **kw),
           _x(*cols.shape[1:], seed=2))
    assert repr(nn.Unfold(**kw)) == repr(torch.nn.Unfold(**kw))
    assert repr(nn.Fold((7, 8), **kw)) == repr(torch.nn.Fold((7, 8), **kw))


def test_unfold_matmul_fold_is_a_convolution():
    x = autograd.tensor(_x(2, 3, 6, 7))
    w = autograd.tensor(_x(4, 3, 3, 2, seed=1))
    cols = F.unfold(x, (3, 2), padding=1, stride=2)
    out = (w.reshape(4, -1) @ cols).reshape(2, 4, 3, 4)
    np.testing.assert_allclose(out.data, F.conv2d(x, w, padding=1, stride=2).data, atol=1e-12)


def test_fold_errors():
    with pytest.raises(RuntimeError, match="calculated number of sliding blocks"):
        F.fold(autograd.zeros(1, 12, 10), (4, 5), 2)
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        F.fold(autograd.zeros(1, 10, 12), (4, 5), 2)


@pytest.mark.parametrize("fn", [
    lambda x: F.unfold(x, (2, 3), padding=1, stride=2),
    lambda x: F.fold(F.unfold(x, 2), (4, 5), 2),
    lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear"),
    lambda x: F.interpolate(x, size=(3, 7), mode="nearest"),
    lambda x: F.pixel_shuffle(x.reshape(1, 4, 2, 5), 2),
])
def test_vision_gradcheck_and_gradgradcheck(fn):
    x = autograd.tensor(_x(1, 2, 4, 5, seed=4), requires_grad=True)
    assert autograd.gradcheck(fn, (x,))
    assert autograd.gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name,args", [
    ("ZeroPad2d", ((1, 2, 0, 3),)), ("ZeroPad2d", (2,)), ("ConstantPad2d", ((1, 0, 2, 1), 3.5)),
    ("ReflectionPad2d", ((1, 2, 2, 1),)), ("ReplicationPad2d", (2,)),
    ("CircularPad2d", ((1, 1, 2, 0),)), ("ZeroPad1d", (2,)), ("ConstantPad1d", ((1, 3), -1.0)),
    ("ReflectionPad1d", ((2, 1),)), ("ReplicationPad1d", (3,)), ("CircularPad1d", (1,)),
])
def test_padding_layers_match_torch(name, args):
    m, tm = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(m) == repr(tm)
    shape = (2, 3, 5, 6) if name.endswith("2d") else (2, 3, 6)
    parity(m, tm, _x(*shape))
    parity(m, tm, _x(*shape[1:]))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 12), st.integers(1, 12),
       st.booleans())
def test_bilinear_property(h, w, oh, ow, align):
    kw = dict(size=(oh, ow), mode="bilinear", align_corners=align)
    parity(lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), _x(1, 2, h, w))


def test_cnn_with_normalization_and_dropout_layers_trains():
    needed = ("BatchNorm2d", "Dropout2d", "GroupNorm", "InstanceNorm2d")
    if not all(hasattr(nn, n) for n in needed):
        pytest.skip("normalization / dropout layers not available")
    autograd.manual_seed(0)
    rng = np.random.default_rng(0)
    x = autograd.tensor(rng.standard_normal((16, 3, 8, 8)).astype(np.float32))
    y = autograd.tensor(rng.integers(0, 3, 16))
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.Dropout2d(0.1),
        nn.Conv2d(8, 8, 3, padding=1, groups=2), nn.GroupNorm(2, 8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1), nn.InstanceNorm2d(8, affine=True), nn.ReLU(),
        nn.MaxPool2d(2), nn.Upsample(scale_factor=0.5, mode="bilinear"),
        nn.Flatten(), nn.Linear(32, 3))
    opt = nn.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]
    model.eval()
    with autograd.no_grad():
        assert tuple(model(x).shape) == (16, 3)
