"""nn.transforms against hand-computed arrays, PIL and (where installed) PyTorch."""
import numpy as np
import pytest
from PIL import Image

import autograd
from nn import transforms as T


def _img(h=4, w=5, c=None, seed=0):
    shape = (h, w) if c is None else (h, w, c)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


# ---------------------------------------------------------------------------- ToTensor
@pytest.mark.parametrize("kind", ["array", "tensor", "pil"])
def test_to_tensor_gray(kind):
    a = _img()
    pic = {"array": a, "tensor": autograd.tensor(a), "pil": Image.fromarray(a)}[kind]
    out = T.ToTensor()(pic)
    assert isinstance(out, autograd.Tensor)
    assert out.dtype == autograd.float32 and tuple(out.shape) == (1, 4, 5)
    np.testing.assert_array_equal(out.numpy()[0], a.astype(np.float32) / np.float32(255))


def test_to_tensor_channels_last_to_first():
    a = _img(3, 2, 3)
    out = T.ToTensor()(Image.fromarray(a, "RGB")).numpy()
    assert out.shape == (3, 3, 2)
    np.testing.assert_allclose(out[1], a[:, :, 1] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(T.ToTensor()(a).numpy(), out)


def test_to_tensor_non_uint8_keeps_values_and_bool_image():
    f = np.linspace(-1, 3, 6, dtype=np.float64).reshape(2, 3)
    out = T.ToTensor()(f)
    assert out.dtype == autograd.float64
    np.testing.assert_array_equal(out.numpy()[0], f)
    mask = Image.fromarray(np.array([[True, False]]))
    assert T.ToTensor()(mask).tolist() == [[[1.0, 0.0]]]
    with pytest.raises(ValueError, match=r"H x W or H x W x C, got shape \(2, 2, 2, 2\)"):
        T.ToTensor()(np.zeros((2, 2, 2, 2), np.uint8))
    with pytest.raises(TypeError, match="got list"):
        T.ToTensor()([[1, 2]])


def test_to_tensor_matches_torchvision_rule():
    torch = pytest.importorskip("torch")
    a = _img(5, 6, 3)
    expected = torch.from_numpy(a).permute(2, 0, 1).float().div(255).numpy()
    np.testing.assert_array_equal(T.ToTensor()(a).numpy(), expected)


# ---------------------------------------------------------------------------- Normalize
def test_normalize_per_channel():
    x = autograd.tensor(np.arange(2 * 2 * 3, dtype=np.float32).reshape(2, 2, 3))
    out = T.Normalize((1.0, 2.0), (2.0, 4.0))(x).numpy()
    ref = (x.numpy() - np.array([1, 2], np.float32)[:, None, None]) / \
        np.array([2, 4], np.float32)[:, None, None]
    np.testing.assert_array_equal(out, ref)
    assert out.dtype == np.float32
    one = T.Normalize(0.5, 0.25)(x).numpy()
    np.testing.assert_array_equal(one, (x.numpy() - 0.5) / 0.25)


def test_normalize_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).random((2, 3, 4, 4), dtype=np.float32)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    m = torch.tensor(mean)[:, None, None]
    s = torch.tensor(std)[:, None, None]
    ref = ((torch.from_numpy(x) - m) / s).numpy()
    np.testing.assert_allclose(T.Normalize(mean, std)(autograd.tensor(x)).numpy(), ref,
                               rtol=1e-6, atol=1e-7)


def test_normalize_inplace_and_errors():
    x = autograd.tensor(np.ones((1, 2, 2), np.float32))
    y = T.Normalize([1.0], [1.0], inplace=True)(x)
    assert y is x and x.tolist() == [[[0.0, 0.0], [0.0, 0.0]]]
    with pytest.raises(TypeError, match="float tensor, got uint8"):
        T.Normalize([0.5], [0.5])(autograd.tensor(np.zeros((1, 2, 2), np.uint8)))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize([0.5], [0.0])(x)
    with pytest.raises(ValueError, match="mean has 2 values but the image has 1 channels"):
        T.Normalize([0.5, 0.5], [1.0, 1.0])(x)
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        T.Normalize([0.5], [1.0])(autograd.tensor(np.ones((2, 2), np.float32)))


# ---------------------------------------------------------------------------- Compose etc.
def test_compose_flatten_lambda():
    pipeline = T.Compose([T.ToTensor(), T.Normalize([0.5], [0.5]), T.Flatten(),
                          T.Lambda(lambda t: t.numpy() * 2)])
    a = _img(3, 3)
    out = pipeline(a)
    np.testing.assert_allclose(out, ((a.reshape(-1) / 255.0 - 0.5) / 0.5) * 2, rtol=1e-5)
    assert "Normalize(mean=[0.5], std=[0.5])" in repr(pipeline)
    with pytest.raises(TypeError, match="transform 1 .*not callable"):
        T.Compose([T.ToTensor(), 3])
    with pytest.raises(TypeError, match="should be callable"):
        T.Lambda(None)


# ---------------------------------------------------------------------------- RandomCrop
def test_random_crop_offsets_from_generator():
    x = np.arange(2 * 6 * 7, dtype=np.float32).reshape(2, 6, 7)
    crop = T.RandomCrop((3, 4), generator=autograd.Generator().manual_seed(7))
    g = np.random.Generator(np.random.PCG64(7))
    for _ in range(5):
        i, j = int(g.integers(0, 4)), int(g.integers(0, 4))
        out = crop(autograd.tensor(x)).numpy()
        np.testing.assert_array_equal(out, x[:, i:i + 3, j:j + 4])


def test_random_crop_padding_and_modes():
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3)
    full = T.RandomCrop(5, padding=1, fill=-1)(x).numpy()          # only one position
    expected = np.full((1, 5, 5), -1, np.float32)
    expected[:, 1:4, 1:4] = x
    np.testing.assert_array_equal(full, expected)
    edge = T.RandomCrop((3, 5), padding=(1, 0), padding_mode="edge")(x).numpy()
    np.testing.assert_array_equal(edge[0, 0], [1, 1, 2, 3, 3])
    grown = T.RandomCrop(4, pad_if_needed=True)(x).numpy()
    assert grown.shape == (1, 4, 4)
    with pytest.raises(ValueError, match=r"crop size \(4, 4\) is larger.*\(3, 3\)"):
        T.RandomCrop(4)(x)
    with pytest.raises(ValueError, match="padding_mode"):
        T.RandomCrop(2, padding_mode="wrap")


def test_random_crop_pil_keeps_mode():
    img = Image.fromarray(_img(6, 6, 3), "RGB")
    out = T.RandomCrop(4, padding=2)(img)
    assert isinstance(out, Image.Image) and out.mode == "RGB" and out.size == (4, 4)


# ---------------------------------------------------------------------------- flips
def test_random_horizontal_flip():
    x = autograd.tensor(np.arange(6, dtype=np.float32).reshape(1, 2, 3))
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x).numpy(),
                                  x.numpy()[..., ::-1])
    assert T.RandomHorizontalFlip(p=0.0)(x) is x
    autograd.manual_seed(0)
    flips = sum(T.RandomHorizontalFlip()(x).numpy()[0, 0, 0] == 2 for _ in range(400))
    assert 150 < flips < 250
    pil = Image.fromarray(_img(2, 3))
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(1.0)(pil)),
                                  np.asarray(pil)[:, ::-1])
    with pytest.raises(ValueError, match="probability"):
        T.RandomHorizontalFlip(p=1.5)


# ---------------------------------------------------------------------------- Resize
def test_resize_bilinear_by_hand():
    x = np.array([[[0.0, 10.0], [20.0, 30.0]]], np.float32)
    out = T.Resize((4, 4))(x).numpy()[0]
    # src = (dst + 0.5) / 2 - 0.5 -> 0 (clamped), 0.25, 0.75, 1 (clamped upper)
    row = np.array([0.0, 2.5, 7.5, 10.0])
    np.testing.assert_allclose(out[0], row, atol=1e-6)
    np.testing.assert_allclose(out[1], row + 5.0, atol=1e-6)
    near = T.Resize((4, 4), interpolation="nearest")(x).numpy()[0]
    np.testing.assert_array_equal(near, np.repeat(np.repeat(x[0], 2, 0), 2, 1))


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(7, 9), (3, 2), (5, 5)])
def test_resize_matches_torch_interpolate(mode, size):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).random((2, 3, 5, 6), dtype=np.float32)
    kwargs = {"align_corners": False, "antialias": False} if mode == "bilinear" else {}
    ref = torch.nn.functional.interpolate(torch.from_numpy(x), size=size, mode=mode,
                                          **kwargs).numpy()
    out = T.Resize(size, interpolation=mode)(autograd.tensor(x)).numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_resize_int_size_keeps_aspect_and_uint8():
    x = _img(10, 20)[None]
    out = T.Resize(5)(x)
    assert tuple(out.shape) == (1, 5, 10) and out.dtype == autograd.uint8
    assert tuple(T.Resize(5, max_size=8)(x).shape) == (1, 4, 8)
    pil = T.Resize(5)(Image.fromarray(_img(20, 10)))
    assert pil.size == (5, 10)
    np.testing.assert_array_equal(
        np.asarray(T.Resize((3, 4))(Image.fromarray(_img(6, 8)))),
        np.asarray(Image.fromarray(_img(6, 8)).resize((4, 3), Image.BILINEAR)))
    with pytest.raises(ValueError, match="interpolation"):
        T.Resize(4, interpolation="bicubic")


# ---------------------------------------------------------------------------- Grayscale
def test_grayscale():
    rgb = np.random.default_rng(3).random((3, 2, 2), dtype=np.float32)
    out = T.Grayscale()(autograd.tensor(rgb)).numpy()
    expected = (0.2989 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])[None]
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    three = T.Grayscale(3)(autograd.tensor(rgb)).numpy()
    assert three.shape == (3, 2, 2) and (three == three[:1]).all()
    u8 = np.full((3, 1, 1), 200, np.uint8)
    assert T.Grayscale()(u8).tolist() == [[[int(0.2989 * 200 + 0.587 * 200 + 0.114 * 200)]]]
    pil = T.Grayscale()(Image.fromarray(_img(2, 2, 3), "RGB"))
    assert pil.mode == "L"
    with pytest.raises(ValueError, match="1 or 3, H, W"):
        T.Grayscale()(np.zeros((2, 4, 4), np.float32))
