"""Reading inputs for `glassgrad predict`: PNG/JPEG pictures and NumPy `.npy` arrays.

Pictures are opened with Pillow, turned to grayscale, resized to the model's image size
(Lanczos) and scaled to [0, 1]; the training images are light digits on a dark
background, so a picture whose border is mostly light (a dark digit on white paper) is
inverted unless `invert` says otherwise. Arrays: uint8 is divided by 255, floats are taken
as already in [0, 1]; one image (H, W), (1, H, W), (H*W,) or a batch (N, H, W),
(N, 1, H, W), (N, H*W); 2-D arrays of another size are resized like pictures. For models
trained on 2-D points, an array (2,) or (N, 2) of coordinates. Then the checkpoint's
standardisation is applied (`standardize`), as in training.
"""
import math
from pathlib import Path

import numpy as np

from .data import standardize

__all__ = ["InputError", "load_inputs", "IMAGE_SUFFIXES"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


class InputError(ValueError):
    """An input file that cannot be turned into the model's input."""


def _should_invert(img, invert):
    if invert in ("yes", True):
        return True
    if invert in ("no", False):
        return False
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    return float(border.mean()) > 0.5


def _resize(img, hw):
    if img.shape == tuple(hw):
        return img
    from PIL import Image
    pil = Image.fromarray(np.clip(img * 255.0, 0, 255).astype(np.uint8), mode="L")
    pil = pil.resize((hw[1], hw[0]), Image.LANCZOS)
    return np.asarray(pil, dtype=np.float32) / 255.0


def _read_picture(path, hw, invert):
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise InputError("reading pictures needs Pillow (pip install pillow)") from None
    try:
        with Image.open(path) as pil:
            img = np.asarray(pil.convert("L"), dtype=np.float32) / 255.0
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"{path}: not a readable picture ({exc})") from None
    if _should_invert(img, invert):
        img = 1.0 - img
    return _resize(img, hw)[None, None]


def _array_images(arr, path, shape, invert):
    c, h, w = shape
    if arr.dtype == np.uint8:
        arr = arr.astype(np.float32) / 255.0
    arr = arr.astype(np.float32)
    if arr.ndim == 1 and arr.size == h * w:
        arr = arr.reshape(1, h, w)
    elif arr.ndim == 2 and arr.shape != (h, w) and arr.shape[1] == h * w:
        arr = arr.reshape(-1, h, w)            # a batch of flattened images
    elif arr.ndim == 2:
        arr = arr[None]                        # one image (resized below)
    elif arr.ndim == 4 and arr.shape[1] == c:
        arr = arr[:, 0]                        # (N, 1, H, W)
    if arr.ndim != 3:
        raise InputError(f"{path}: array of shape {arr.shape} is not an image or a batch of "
                         f"images for a model of {h}x{w} inputs")
    images = [_resize(img if not _should_invert(img, invert) else 1.0 - img, (h, w))
              for img in arr]
    return np.stack(images)[:, None]


def _array_points(arr, path, dim):
    arr = arr.astype(np.float32)
    if arr.ndim == 1:
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise InputError(f"{path}: the model takes points of {dim} coordinates, shape (N, "
                         f"{dim}) or ({dim},); got an array of shape {arr.shape}")
    return arr


def load_inputs(paths, preprocessing, invert="auto"):
    """Standardised model inputs from files: returns (x, labels) where x is a float32 array
    (n, *input_shape) and labels names each row ('file' or 'file[i]' inside a batch)."""
    shape = tuple(preprocessing["input_shape"])
    rows, labels = [], []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise FileNotFoundError(f"input not found: {path}")
        if path.suffix.lower() == ".npy":
            try:
                arr = np.load(path, allow_pickle=False)
            except ValueError as exc:
                raise InputError(f"{path}: not a plain NumPy array file ({exc})") from None
            if arr.dtype.kind not in "uif" or not np.all(np.isfinite(arr)):
                raise InputError(f"{path}: expected finite numbers, got dtype {arr.dtype}")
            if preprocessing["kind"] == "points":
                x = _array_points(arr, path, math.prod(shape))
            else:
                x = _array_images(arr, path, shape, invert)
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            if preprocessing["kind"] == "points":
                raise InputError(f"{path}: this model takes 2-D points (a .npy of shape (N, "
                                 f"2)), not pictures")
            x = _read_picture(path, shape[1:], invert)
        else:
            raise InputError(f"{path}: unknown input type {path.suffix!r}; give a picture "
                             f"({', '.join(IMAGE_SUFFIXES[:3])}, ...) or a .npy array")
        rows.append(x)
        labels += [str(path)] if len(x) == 1 else [f"{path}[{i}]" for i in range(len(x))]
    x = np.concatenate(rows).reshape(-1, *shape)
    return standardize(x, preprocessing), labels
