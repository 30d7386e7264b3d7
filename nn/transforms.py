"""Image transforms with torchvision.transforms' names, on NumPy, returning glassgrad tensors.

Conventions (torchvision's): `ToTensor` takes a channels-last image (a PIL image, or an
array/tensor of shape H x W or H x W x C) and returns a channels-first float32 tensor
C x H x W, uint8 scaled to [0, 1]. The other transforms take channels-first tensors
(... x C x H x W or H x W); the geometric ones (`RandomCrop`, `RandomHorizontalFlip`,
`Resize`, `Grayscale`) also take PIL images and return PIL images. NumPy arrays are treated
like tensors and come back as tensors.

Departures from torchvision: these are data-pipeline transforms, so they return constant
tensors (no autograd graph is recorded through them); `ToTensor` also accepts a glassgrad
tensor (glassgrad data sets hand out uint8 tensors where torchvision hands out PIL images);
randomness comes from glassgrad's generator (`generator=` or the default one), so
`autograd.manual_seed(s)` makes augmentation reproducible; `Flatten` is a glassgrad
addition (an image to a 1-D vector, for multilayer perceptrons).
"""
import enum
import numbers

import numpy as np

import autograd

__all__ = ["Compose", "ToTensor", "Normalize", "Flatten", "Lambda", "RandomCrop",
           "RandomHorizontalFlip", "Resize", "Grayscale", "InterpolationMode"]


def _is_pil(img):
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(img, Image.Image)


def _array(img, who):
    """The ndarray behind a tensor or array (no copy)."""
    if isinstance(img, autograd.Tensor):
        return img.data
    if isinstance(img, np.ndarray):
        return img
    raise TypeError(f"{who}: expected a glassgrad tensor, NumPy array or PIL image, got "
                    f"{type(img).__name__}")


def _tensor(arr):
    return autograd.from_numpy(np.ascontiguousarray(arr))


def _pil_apply(img, fn):
    """Run `fn` on the PIL image's pixels (H x W or H x W x C) and rebuild an image of the
    same mode."""
    from PIL import Image
    out = Image.fromarray(np.ascontiguousarray(fn(np.asarray(img))))
    return out if out.mode == img.mode else out.convert(img.mode)


class Compose:
    """Apply `transforms` in order: Compose([ToTensor(), Normalize(...)])(img)."""

    def __init__(self, transforms):
        transforms = list(transforms)
        for k, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(f"Compose: transform {k} ({type(t).__name__}) is not callable")
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        body = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class ToTensor:
    """H x W (x C) image -> float32 C x H x W tensor; uint8 (and PIL 8-bit) scaled by 1/255.

    Other dtypes keep their values and dtype (torchvision's rule); a bool/mode-'1' image
    becomes 0/1 floats.
    """

    def __call__(self, pic):
        if _is_pil(pic):
            arr = np.asarray(pic)
            if pic.mode == "1":
                arr = arr.astype(np.uint8) * 255
        else:
            arr = _array(pic, "ToTensor")
        if arr.ndim == 2:
            arr = arr[:, :, None]
        if arr.ndim != 3:
            raise ValueError(f"ToTensor: expected an image of shape H x W or H x W x C, got "
                             f"shape {tuple(arr.shape)}")
        arr = arr.transpose(2, 0, 1)
        if arr.dtype == np.uint8:
            arr = arr.astype(np.float32) / np.float32(255)
        elif arr.dtype == np.bool_:
            arr = arr.astype(np.float32)
        return _tensor(arr)

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """Per-channel standardisation of a float tensor (..., C, H, W):
    out[c] = (in[c] - mean[c]) / std[c]."""

    def __init__(self, mean, std, inplace=False):
        self.mean = list(mean) if isinstance(mean, (list, tuple)) else [float(mean)]
        self.std = list(std) if isinstance(std, (list, tuple)) else [float(std)]
        self.inplace = inplace

    def __call__(self, tensor):
        arr = _array(tensor, "Normalize")
        if arr.dtype.kind != "f":
            raise TypeError(f"Normalize: input tensor should be a float tensor, got "
                            f"{arr.dtype}; apply ToTensor() first")
        if arr.ndim < 3:
            raise ValueError(f"Normalize: expected a tensor image of size (..., C, H, W), got "
                             f"shape {tuple(arr.shape)}")
        mean = np.asarray(self.mean, dtype=arr.dtype)
        std = np.asarray(self.std, dtype=arr.dtype)
        channels = arr.shape[-3]
        for name, v in (("mean", mean), ("std", std)):
            if v.size not in (1, channels):
                raise ValueError(f"Normalize: {name} has {v.size} values but the image has "
                                 f"{channels} channels")
        if (std == 0).any():
            raise ValueError(f"Normalize: std evaluated to zero after conversion to "
                             f"{arr.dtype}, leading to division by zero (std={self.std})")
        out = (arr - mean[:, None, None]) / std[:, None, None]
        if self.inplace and isinstance(tensor, autograd.Tensor):
            arr[...] = out
            return tensor
        return _tensor(out.astype(arr.dtype, copy=False))

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


class Flatten:
    """Image tensor -> 1-D tensor (C*H*W,) (a glassgrad addition, for MLP inputs)."""

    def __call__(self, img):
        return _tensor(np.ravel(_array(img, "Flatten")))

    def __repr__(self):
        return "Flatten()"


class Lambda:
    """Wrap a user function as a transform: Lambda(lambda x: x * 2)."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Lambda: argument should be callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return "Lambda()"


def _pair(size, who):
    if isinstance(size, numbers.Integral):
        return int(size), int(size)
    size = tuple(int(s) for s in size)
    if len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(f"{who}: size should be an int or a sequence of 1 or 2 ints, got "
                         f"{size}")
    return size


def _hw_axes(arr, pil):
    """Axes of height and width: PIL pixels are H x W (x C), tensors (...) x H x W."""
    return (0, 1) if pil else (arr.ndim - 2, arr.ndim - 1)


class RandomCrop:
    """Crop a random `size` = (h, w) window, after optional `padding` (an int for all
    sides, (left/right, top/bottom) or (left, top, right, bottom)); `pad_if_needed` pads
    images smaller than the crop; `padding_mode` is constant (with `fill`), edge, reflect
    or symmetric. Offsets are uniform: i in [0, H - h], j in [0, W - w]."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant", *, generator=None):
        self.size = _pair(size, "RandomCrop")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"RandomCrop: padding_mode should be constant, edge, reflect or "
                             f"symmetric, got {padding_mode!r}")
        if padding is not None:
            p = [padding] if isinstance(padding, numbers.Integral) else list(padding)
            if len(p) not in (1, 2, 4):
                raise ValueError(f"RandomCrop: padding must be an int or a sequence of 2 or "
                                 f"4 ints, got {padding}")
            left, top, right, bottom = (p * 4 if len(p) == 1 else
                                        p * 2 if len(p) == 2 else p)
            self._pad = (int(left), int(top), int(right), int(bottom))
        else:
            self._pad = None
        self.padding, self.pad_if_needed, self.fill = padding, pad_if_needed, fill
        self.padding_mode, self.generator = padding_mode, generator

    def _pad_array(self, arr, pil, left, top, right, bottom):
        widths = [(0, 0)] * arr.ndim
        hax, wax = _hw_axes(arr, pil)
        widths[hax], widths[wax] = (top, bottom), (left, right)
        if self.padding_mode == "constant":
            return np.pad(arr, widths, mode="constant", constant_values=self.fill)
        return np.pad(arr, widths, mode=self.padding_mode)

    def _crop(self, arr, pil):
        if self._pad is not None:
            arr = self._pad_array(arr, pil, *self._pad)
        hax, wax = _hw_axes(arr, pil)
        th, tw = self.size
        if self.pad_if_needed:
            dh, dw = max(th - arr.shape[hax], 0), max(tw - arr.shape[wax], 0)
            if dh or dw:
                arr = self._pad_array(arr, pil, dw, dh, dw, dh)
        h, w = arr.shape[hax], arr.shape[wax]
        if h < th or w < tw:
            raise ValueError(f"RandomCrop: required crop size {(th, tw)} is larger than the "
                             f"(padded) image size {(h, w)}")
        g = autograd.random.rng(self.generator)
        i = int(g.integers(0, h - th + 1))
        j = int(g.integers(0, w - tw + 1))
        index = [slice(None)] * arr.ndim
        index[hax], index[wax] = slice(i, i + th), slice(j, j + tw)
        return arr[tuple(index)]

    def __call__(self, img):
        if _is_pil(img):
            return _pil_apply(img, lambda a: self._crop(a, True))
        return _tensor(self._crop(_array(img, "RandomCrop"), False))

    def __repr__(self):
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror the image left-right with probability `p`."""

    def __init__(self, p=0.5, *, generator=None):
        if not 0 <= p <= 1:
            raise ValueError(f"RandomHorizontalFlip: p must be a probability in [0, 1], "
                             f"got {p}")
        self.p, self.generator = p, generator

    def __call__(self, img):
        flip = autograd.random.rng(self.generator).random() < self.p
        if _is_pil(img):
            return _pil_apply(img, lambda a: a[:, ::-1]) if flip else img
        arr = _array(img, "RandomHorizontalFlip")
        return _tensor(arr[..., ::-1]) if flip else img

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"


class InterpolationMode(str, enum.Enum):
    """torchvision's interpolation names (the ones glassgrad implements)."""
    NEAREST = "nearest"
    BILINEAR = "bilinear"


def _resize_axis_weights(n_in, n_out, mode):
    """For each output position along one axis: (lower index, upper index, upper weight)
    under half-pixel centres, src = (dst + 0.5) * n_in / n_out - 0.5 (PyTorch's
    align_corners=False); nearest uses floor(dst * n_in / n_out)."""
    scale = n_in / n_out
    dst = np.arange(n_out)
    if mode == InterpolationMode.NEAREST:
        idx = np.minimum(np.floor(dst * scale).astype(np.int64), n_in - 1)
        return idx, idx, np.zeros(n_out)
    src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    lo = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, src - lo


def resize_array(arr, size, mode="bilinear"):
    """Resize the last two axes of `arr` to `size` = (h, w) (bilinear with half-pixel
    centres, no antialiasing, or nearest). Integer images are rounded back to their
    dtype, as torchvision does."""
    mode = InterpolationMode(mode)
    out_h, out_w = size
    x = arr.astype(np.float64)
    lo, hi, t = _resize_axis_weights(arr.shape[-2], out_h, mode)
    x = x[..., lo, :] * (1 - t)[:, None] + x[..., hi, :] * t[:, None]
    lo, hi, t = _resize_axis_weights(arr.shape[-1], out_w, mode)
    x = x[..., lo] * (1 - t) + x[..., hi] * t
    if arr.dtype.kind in "iu":
        info = np.iinfo(arr.dtype)
        x = np.clip(np.round(x), info.min, info.max)
    return x.astype(arr.dtype)


class Resize:
    """Resize to `size`: (h, w) exactly, or an int for the shorter edge (the longer one
    keeps the aspect ratio: long = int(size * long / short)), capped by `max_size`.

    PIL images go through PIL's own resampling; tensors/arrays through `resize_array`
    (bilinear is `F.interpolate(mode='bilinear', align_corners=False, antialias=False)`;
    torchvision antialiases tensor downscaling by default, glassgrad does not).
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        if isinstance(size, numbers.Integral):
            self.size = int(size)
        else:
            size = tuple(int(s) for s in size)
            if len(size) not in (1, 2):
                raise ValueError(f"Resize: size should be an int or a sequence of 1 or 2 "
                                 f"ints, got {size}")
            self.size = size[0] if len(size) == 1 else size
        if (min(self.size) if isinstance(self.size, tuple) else self.size) <= 0:
            raise ValueError(f"Resize: sizes must be positive, got {size}")
        try:
            self.interpolation = InterpolationMode(interpolation)
        except ValueError:
            raise ValueError(f"Resize: interpolation must be 'nearest' or 'bilinear', got "
                             f"{interpolation!r}") from None
        self.max_size, self.antialias = max_size, antialias

    def _output_size(self, h, w):
        if isinstance(self.size, tuple):
            return self.size
        short, long = (h, w) if h <= w else (w, h)
        new_short, new_long = self.size, int(self.size * long / short)
        if self.max_size is not None and new_long > self.max_size:
            new_short, new_long = int(self.max_size * new_short / new_long), self.max_size
        return (new_short, new_long) if h <= w else (new_long, new_short)

    def __call__(self, img):
        if _is_pil(img):
            from PIL import Image
            h, w = self._output_size(img.height, img.width)
            resample = (Image.NEAREST if self.interpolation == InterpolationMode.NEAREST
                        else Image.BILINEAR)
            return img.resize((w, h), resample)
        arr = _array(img, "Resize")
        if arr.ndim < 2:
            raise ValueError(f"Resize: expected an image (..., H, W), got shape "
                             f"{tuple(arr.shape)}")
        size = self._output_size(arr.shape[-2], arr.shape[-1])
        return _tensor(resize_array(arr, size, self.interpolation))

    def __repr__(self):
        return f"Resize(size={self.size}, interpolation={self.interpolation.value})"


class Grayscale:
    """RGB -> gray: L = 0.2989 R + 0.587 G + 0.114 B (ITU-R 601-2 luma), repeated to
    `num_output_channels` (1 or 3). Tensors are (..., 3, H, W); a 1-channel tensor passes
    through; integer tensors are truncated back to their dtype as in torchvision."""

    def __init__(self, num_output_channels=1):
        if num_output_channels not in (1, 3):
            raise ValueError(f"Grayscale: num_output_channels should be 1 or 3, got "
                             f"{num_output_channels}")
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        if _is_pil(img):
            gray = img.convert("L")
            return gray if self.num_output_channels == 1 else gray.convert("RGB")
        arr = _array(img, "Grayscale")
        if arr.ndim < 3 or arr.shape[-3] not in (1, 3):
            raise ValueError(f"Grayscale: expected a tensor image (..., 1 or 3, H, W), got "
                             f"shape {tuple(arr.shape)}")
        if arr.shape[-3] == 1:
            gray = arr
        else:
            x = arr if arr.dtype.kind == "f" else arr.astype(np.float32)
            r, g, b = x[..., 0, :, :], x[..., 1, :, :], x[..., 2, :, :]
            gray = (0.2989 * r + 0.587 * g + 0.114 * b).astype(arr.dtype)[..., None, :, :]
        reps = [1] * arr.ndim
        reps[-3] = self.num_output_channels
        return _tensor(np.tile(gray, reps))

    def __repr__(self):
        return f"Grayscale(num_output_channels={self.num_output_channels})"
