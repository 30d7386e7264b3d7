"""scikit-learn's 8x8 handwritten digits as an offline real data set.

`sklearn.datasets.load_digits` ships inside the scikit-learn wheel (no download): 1797
images of 8x8 pixels with integer intensities 0..16, labels 0..9. `Digits` scales them to
[0, 1] (divide by 16) and splits them deterministically into train and test parts.
"""
import numpy as np

import autograd

from .vision import ImageClassificationDataset

__all__ = ["Digits"]


def _load_digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("Digits needs scikit-learn (pip install scikit-learn), whose wheel "
                          "ships the 8x8 digits data") from None
    bunch = load_digits()
    return bunch.images, bunch.target


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
