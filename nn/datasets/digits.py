"""scikit-learn's 8x8 handwritten digits as an offline real data set.

`sklearn.datasets.load_digits` ships inside the scikit-learn wheel (no download): 1797
images of 8x8 pixels with integer intensities 0..16, labels 0..9. `Digits` scales them to
[0, 1] (divide by 16) and splits them deterministically into train and test parts.
"""
import functools

import numpy as np

import autograd

from .vision import ImageClassificationDataset

__all__ = ["Digits"]


def _digits_file():
    """The path of scikit-learn's `datasets/data/digits.csv.gz`, found without importing
    scikit-learn (its import takes seconds), or None."""
    import importlib.util
    from pathlib import Path
    try:
        spec = importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=1)
def _load_digits_cached():
    path = _digits_file()
    if path is not None:   # what load_digits() reads: 64 pixels and the label per row
        table = np.loadtxt(path, delimiter=",")
        images, target = table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(int)
    else:
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise ImportError("Digits needs scikit-learn (pip install scikit-learn), whose "
                              "wheel ships the 8x8 digits data") from None
        bunch = load_digits()
        images, target = bunch.images, bunch.target
    images.setflags(write=False)
    target.setflags(write=False)
    return images, target


def _load_digits():
    """(images (1797, 8, 8) float64 0..16, labels (1797,)) as `load_digits()` gives them."""
    return _load_digits_cached()


def _stratified_split(labels, test_fraction, seed):
    """Indices (train, test): within each class, a seeded shuffle puts
    round(test_fraction * class_count) samples in the test part; both parts sorted."""
    g = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):
        members = g.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * len(members)))
        test.append(members[:n_test])
        train.append(members[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


class Digits(ImageClassificationDataset):
    """The 8x8 digits (1797 images, 10 classes), split into train/test.

    Args: train (the train part, else the test part), transform (applied to the image),
    target_transform (applied to the int label), test_fraction (share of each class held
    out for test, in (0, 1)), seed (of the split; the same seed gives the same split on
    every machine, independent of glassgrad's generator).

    Attributes: `data` (float32 tensor N x 8 x 8 in [0, 1]), `targets` (int64 tensor),
    `indices` (positions in `load_digits()` order), `classes`. Without a transform
    `dataset[i]` is (float32 (8, 8) tensor, int label), like `MNIST` minus the uint8:
    the pixels are already scaled; `transforms.ToTensor()` makes it (1, 8, 8).
    """

    classes = [str(d) for d in range(10)]

    def __init__(self, train=True, transform=None, target_transform=None,
                 test_fraction=0.2, seed=0):
        self._set_transforms(transform, target_transform)
        if not 0 < test_fraction < 1:
            raise ValueError(f"Digits: test_fraction must be in (0, 1), got {test_fraction}")
        images, labels = _load_digits()
        train_idx, test_idx = _stratified_split(labels, float(test_fraction), int(seed))
        self.indices = train_idx if train else test_idx
        self.train = bool(train)
        self.test_fraction = float(test_fraction)
        self.seed = int(seed)
        self.data = autograd.from_numpy((images[self.indices] / 16.0).astype(np.float32))
        self.targets = autograd.from_numpy(labels[self.indices].astype(np.int64))

    def _repr_lines(self):
        return [f"    Split: {'Train' if self.train else 'Test'} (test_fraction="
                f"{self.test_fraction}, seed={self.seed})"]
