"""The shared access protocol of glassgrad's in-memory image classification data sets.

A subclass sets `self.data` (a tensor N x H x W of images, uint8 or float32) and
`self.targets` (an int64 tensor N) and a `classes` list; this base gives it
`len(ds)`, `ds[i]` -> (image, label) with `transform`/`target_transform` applied,
the batched fetch `ds.__getitems__(indices)` of torch 2.x's DataLoader, and `arrays()`,
the whole set as float32 N x 1 x H x W tensors in [0, 1] for a fast `TensorDataset`.
It is a plain class (duck-typed to `nn.data.Dataset`), like torchvision's `VisionDataset`.
"""
import numpy as np

import autograd

__all__ = ["ImageClassificationDataset"]


class ImageClassificationDataset:
    """Base of `MNIST`, `FashionMNIST` and `Digits`: indexing, batching and `arrays()`."""

    classes = []

    def _set_transforms(self, transform, target_transform):
        for what, fn in (("transform", transform), ("target_transform", target_transform)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{type(self).__name__}: {what} must be callable or None, "
                                f"got {type(fn).__name__}")
        self.transform = transform
        self.target_transform = target_transform

    @property
    def class_to_idx(self):
        """{class name: index}, as in torchvision."""
        return {c: i for i, c in enumerate(self.classes)}

    def __len__(self):
        return self.data.numpy().shape[0]

    def _check_index(self, index):
        n = len(self)
        i = int(index)
        if not -n <= i < n:
            raise IndexError(f"{type(self).__name__}: index {i} out of range for a dataset "
                             f"of {n} samples")
        return i % n

    def _sample(self, image, label):
        image = autograd.from_numpy(image)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def __getitem__(self, index):
        """(image, label): the H x W image tensor (a copy, in `data`'s dtype) and an int
        label, each through its transform when one is set."""
        i = self._check_index(index)
        return self._sample(self.data.numpy()[i].copy(), int(self.targets.numpy()[i]))

    def __getitems__(self, indices):
        """The samples at `indices`, as a list of (image, label): one NumPy gather for the
        whole batch instead of one lookup per sample (torch 2.x's DataLoader protocol)."""
        idx = np.asarray([self._check_index(i) for i in indices], dtype=np.int64)
        images = self.data.numpy()[idx]
        labels = self.targets.numpy()[idx].tolist()
        return [self._sample(images[k], labels[k]) for k in range(len(idx))]

    def arrays(self):
        """(images float32 N x 1 x H x W in [0, 1], labels int64 N), ignoring `transform`
        (uint8 pixels are divided by 255, as `ToTensor` does): build
        `TensorDataset(*ds.arrays())` for fast training loops."""
        images = self.data.numpy()
        if images.dtype == np.uint8:
            images = images.astype(np.float32) / np.float32(255)
        else:
            images = images.astype(np.float32, copy=True)
        return (autograd.from_numpy(images[:, None]),
                autograd.from_numpy(self.targets.numpy().copy()))

    def _repr_lines(self):
        return []

    def __repr__(self):
        lines = [f"Dataset {type(self).__name__}",
                 f"    Number of datapoints: {len(self)}"] + self._repr_lines()
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"    Target transform: {self.target_transform!r}")
        return "\n".join(lines)
