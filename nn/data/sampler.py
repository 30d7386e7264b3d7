"""Samplers: PyTorch's `torch.utils.data.sampler`, which say in what order to read a data set.

A sampler is an iterable of indices (or, for `BatchSampler`, of lists of indices). The random
ones draw from their `generator` (an `autograd.Generator`) or, when it is None, from
glassgrad's default generator at the start of each pass, so `autograd.manual_seed(s)` makes
the order reproducible and a saved generator state (`get_state()`) resumes the same order.
Departure from PyTorch: the orders are NumPy's PCG64 draws, not torch's for the same seed;
and torch's RandomSampler without a generator seeds a private generator from the default one
each epoch, where glassgrad draws from the default generator directly (both are reproducible
after manual_seed).
"""
import numpy as np

import autograd

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


def _rng(generator):
    return autograd.random.rng(generator)


def _check_positive_int(name, value, owner, error=ValueError):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise error(f"{owner}: {name} should be a positive integer value, but got "
                    f"{name}={value!r}")


def _check_bool(name, value, owner, error=ValueError):
    if not isinstance(value, bool):
        raise error(f"{owner}: {name} should be a boolean value, but got {name}={value!r}")


class Sampler:
    """Base of all samplers: subclasses define `__iter__` (and usually `__len__`).

    `data_source` is accepted and ignored, as in torch 2.x.
    """

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise TypeError(f"{type(self).__name__} is a Sampler but does not define __iter__; "
                        f"subclasses of Sampler must define it")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices of `data_source`.

    Without replacement each pass is a permutation; `num_samples` larger than the data set
    gives whole permutations followed by part of one (torch's rule). With replacement,
    `num_samples` indices are drawn uniformly and independently.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        _check_bool("replacement", replacement, "RandomSampler", TypeError)
        if num_samples is not None:
            _check_positive_int("num_samples", num_samples, "RandomSampler")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def __iter__(self):
        n = len(self.data_source)
        rng = _rng(self.generator)
        if self.replacement:
            if n == 0:
                raise ValueError("RandomSampler: cannot draw with replacement from an empty "
                                 "data set")
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        whole, part = divmod(self.num_samples, n) if n else (0, 0)
        chunks = [rng.permutation(n) for _ in range(whole)]
        if part:
            chunks.append(rng.permutation(n)[:part])
        return iter(np.concatenate(chunks).tolist() if chunks else [])

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given `indices`, in a random order each pass."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _rng(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices in 0..len(weights)-1, index i drawn with probability
    proportional to `weights[i]` (weights need not sum to one), with or without replacement.
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        _check_positive_int("num_samples", num_samples, "WeightedRandomSampler")
        _check_bool("replacement", replacement, "WeightedRandomSampler")
        w = weights.data if isinstance(weights, autograd.Tensor) else weights
        w = np.asarray(w, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights should be a 1d sequence but "
                             f"given weights have shape {tuple(w.shape)}")
        if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights must be finite, non-negative and "
                             "not all zero")
        if not replacement and num_samples > np.count_nonzero(w):
            raise ValueError(f"WeightedRandomSampler: cannot draw num_samples={num_samples} "
                             f"without replacement from {np.count_nonzero(w)} non-zero "
                             f"weights")
        self.weights = autograd.tensor(w, dtype=autograd.float64)
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        w = self.weights.data
        drawn = _rng(self.generator).choice(w.size, size=self.num_samples,
                                            replace=self.replacement, p=w / w.sum())
        return iter(drawn.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of `batch_size`; the last, shorter list is
    dropped when `drop_last`. E.g. 10 indices at batch_size 3 -> 4 batches, or 3 with
    drop_last=True."""

    def __init__(self, sampler, batch_size, drop_last):
        _check_positive_int("batch_size", batch_size, "BatchSampler")
        _check_bool("drop_last", drop_last, "BatchSampler")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        size = self.batch_size
        for index in self.sampler:
            batch.append(index)
            if len(batch) == size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
