"""Data sets: PyTorch's `torch.utils.data.dataset` (map-style and iterable).

A map-style data set has `__len__` and `__getitem__(i)` (one sample); it may also define
`__getitems__(indices)`, torch 2.x's batched fetch, which `DataLoader` calls with a whole
batch of indices instead of calling `__getitem__` once per sample. `TensorDataset` defines it
with one NumPy fancy-index per tensor and returns a `BatchedSamples`, which `default_collate`
turns into the batch tensors without touching the samples one by one: loading an epoch of a
large in-memory tensor costs a few array gathers per batch, not a Python loop per sample.
`Subset` and `ConcatDataset` pass batched fetches on to the data sets they wrap.

`random_split` draws its permutation from `generator` (default: glassgrad's default
generator), so `autograd.manual_seed(s)` fixes the split; the split is not the one torch
makes for the same seed, because glassgrad's random streams are NumPy's.
"""
import bisect
import itertools
import math
import warnings
from collections.abc import Sequence

import numpy as np

import autograd

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "ChainDataset", "StackDataset", "BatchedSamples", "random_split"]


class Dataset:
    """A map-style data set: subclasses define `__getitem__(index)` and usually `__len__`.

    They may also define `__getitems__(indices)` returning the samples at `indices` (a list,
    or a `BatchedSamples`) to let `DataLoader` fetch a batch in one call. `ds1 + ds2` is a
    `ConcatDataset`.
    """

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} is a Dataset but does not define "
                        f"__getitem__(index); subclasses of Dataset must define it")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A data set read as a stream: subclasses define `__iter__` yielding samples.

    `DataLoader` groups consecutive samples into batches; it takes no sampler or shuffle for
    these (order is the stream's). `ds1 + ds2` is a `ChainDataset`.
    """

    def __iter__(self):
        raise TypeError(f"{type(self).__name__} is an IterableDataset but does not define "
                        f"__iter__; subclasses of IterableDataset must define it")

    def __add__(self, other):
        return ChainDataset([self, other])


class BatchedSamples(Sequence):
    """The samples of one batch of a `TensorDataset`, kept as the gathered batch tensors.

    It reads as a sequence of samples (`len(b)`, `b[k]` -> the tuple of sample k,
    iteration); `default_collate` takes the batch `columns` as they are instead of stacking
    the samples again. `DataLoader` hands a custom `collate_fn` `list(b)` instead, the list
    of sample tuples torch would pass. The columns are fresh arrays (fancy-indexing copies), constants without a graph.
    """

    __slots__ = ("columns",)

    def __init__(self, columns):
        self.columns = tuple(columns)

    def __len__(self):
        return self.columns[0].shape[0] if self.columns else 0

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        return tuple(_array_to_tensor(c.data[k]) for c in self.columns)

    def __repr__(self):
        shapes = ", ".join(str(tuple(c.shape)) for c in self.columns)
        return f"BatchedSamples({len(self)} samples; columns {shapes})"


def _array_to_tensor(arr):
    """A NumPy array (or a NumPy scalar, made 0-d) as a tensor sharing its memory; a clear
    TypeError for a dtype glassgrad lacks."""
    return autograd.from_numpy(np.asarray(arr))


def _index_array(indices, where, n):
    """`indices` (list, array or tensor of ints) as an int64 NumPy array for a gather from
    `n` samples; IndexError (naming the index) when one is outside [-n, n)."""
    if isinstance(indices, autograd.Tensor):
        indices = indices.data
    arr = np.asarray(indices)
    if arr.size == 0:
        return arr.astype(np.int64).reshape(0)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{where}: indices must be integers, got {arr.dtype} values")
    arr = arr.astype(np.int64, copy=False).reshape(-1)
    if arr.max() >= n or arr.min() < -n:
        bad = int(arr[(arr >= n) | (arr < -n)][0])
        raise IndexError(f"{where.split('.')[0]}: index {bad} is out of range for a dataset "
                         f"of {n} samples")
    return arr


class TensorDataset(Dataset):
    """Samples are the rows of `tensors`: `ds[i] == tuple(t[i] for t in tensors)`.

    All tensors must have the same size along dimension 0. `__getitems__` gathers a whole
    batch with one fancy-index per tensor (the fast path `DataLoader` uses).
    """

    def __init__(self, *tensors):
        for k, t in enumerate(tensors):
            if not isinstance(t, autograd.Tensor):
                raise TypeError(f"TensorDataset: argument {k} is a {type(t).__name__}, "
                                f"expected a Tensor (wrap arrays with autograd.tensor)")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {k} is a 0-d tensor; each tensor "
                                 f"needs a first dimension indexing the samples")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors: sizes along "
                             f"dimension 0 are {sizes}; they must all be equal")
        self.tensors = tuple(tensors)

    def __getitem__(self, index):
        return tuple(t[index] if t.requires_grad else _array_to_tensor(t.data[index])
                     for t in self.tensors)

    def __getitems__(self, indices):
        """The samples at `indices` as one `BatchedSamples`: `t.data[indices]` per tensor.

        Like `__getitem__`'s views of tensors that require grad, torch would record the
        stack; this fast path gives constant batch tensors (inputs, not graph nodes)."""
        idx = _index_array(indices, "TensorDataset.__getitems__", len(self))
        return BatchedSamples(autograd.from_numpy(t.data[idx]) for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0] if self.tensors else 0


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order: `Subset(ds, idx)[k] ==
    ds[idx[k]]`. Batched fetches go through the parent's `__getitems__` when it has one."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        parent_indices = [self.indices[i] for i in indices]
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__(parent_indices)
        return [self.dataset[i] for i in parent_indices]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """The samples of several map-style data sets, one after the other.

    `cumulative_sizes[k]` is the number of samples in datasets 0..k.
    """

    @staticmethod
    def cumsum(sequence):
        sizes, total = [], 0
        for dataset in sequence:
            total += len(dataset)
            sizes.append(total)
        return sizes

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for k, d in enumerate(self.datasets):
            if isinstance(d, IterableDataset):
                raise TypeError(f"ConcatDataset does not support IterableDataset (dataset "
                                f"{k} is a {type(d).__name__}); use ChainDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError(f"ConcatDataset: absolute value of index {idx} should not "
                                 f"exceed dataset length {len(self)}")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        if dataset_idx == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {idx} is out of range for a dataset of "
                             f"{len(self)} samples")
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]

    def __getitems__(self, indices):
        """The samples at `indices`, fetched with one batched call per part (its
        `__getitems__` when it has one). When every part gives a `BatchedSamples` with the
        same columns (e.g. concatenated `TensorDataset`s), the batch is one `BatchedSamples`
        in `indices` order, so `DataLoader` stays off the per-sample path; otherwise it is
        the list of samples, as `[self[i] for i in indices]`."""
        n = len(self)
        idx = _index_array(indices, "ConcatDataset.__getitems__", n)
        idx = np.where(idx < 0, idx + n, idx)
        part_of = np.searchsorted(self.cumulative_sizes, idx, side="right")
        starts = [0] + self.cumulative_sizes[:-1]
        fetched, positions = [], []
        for d in np.unique(part_of).tolist():
            where = np.flatnonzero(part_of == d)
            local = (idx[where] - starts[d]).tolist()
            getitems = getattr(self.datasets[d], "__getitems__", None)
            fetched.append(getitems(local) if callable(getitems)
                           else [self.datasets[d][i] for i in local])
            positions.append(where)
        batched = _merge_batched(fetched, positions)
        if batched is not None:
            return batched
        samples = [None] * idx.size
        for part, where in zip(fetched, positions):
            for k, sample in zip(where.tolist(), part):
                samples[k] = sample
        return samples


def _merge_batched(parts, positions):
    """One `BatchedSamples` from per-part ones (None unless their columns agree in count,
    dtype and per-sample shape), with the rows put back in batch order."""
    if not parts or not all(isinstance(p, BatchedSamples) for p in parts):
        return None
    if len(parts) == 1:
        return parts[0]                   # one part: its rows are already in batch order
    first = parts[0].columns
    for p in parts[1:]:
        if len(p.columns) != len(first) or any(
                c.dtype is not f.dtype or c.shape[1:] != f.shape[1:]
                for c, f in zip(p.columns, first)):
            return None
    order = np.argsort(np.concatenate(positions), kind="stable")
    return BatchedSamples(
        autograd.from_numpy(np.concatenate([p.columns[k].data for p in parts])[order])
        for k in range(len(first)))


class StackDataset(Dataset):
    """Several map-style data sets of one length side by side, as torch's `StackDataset`:
    `StackDataset(a, b)[i] == (a[i], b[i])`, `StackDataset(x=a, y=b)[i] == {"x": a[i],
    "y": b[i]}`. Batched fetches use each part's `__getitems__` when it has one."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("StackDataset: give the data sets either positionally (samples "
                             "are tuples) or by keyword (samples are dicts), not both")
        if not args and not kwargs:
            raise ValueError("StackDataset: at least one dataset should be passed")
        parts = list(args) if args else list(kwargs.values())
        sizes = [len(d) for d in parts]
        if len(set(sizes)) > 1:
            names = [f"argument {k}" for k in range(len(args))] if args else list(kwargs)
            raise ValueError(f"StackDataset: size mismatch between datasets: "
                             f"{dict(zip(names, sizes))}; they must all have the same length")
        self._length = sizes[0]
        self.datasets = tuple(args) if args else dict(kwargs)

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def _fetch(self, dataset, indices):
        getitems = getattr(dataset, "__getitems__", None)
        if not callable(getitems):
            return [dataset[i] for i in indices]
        items = getitems(indices)
        if len(items) != len(indices):
            raise ValueError(f"StackDataset: nested dataset's output size mismatch: expected "
                             f"{len(indices)} samples, got {len(items)}")
        return items

    def __getitems__(self, indices):
        if isinstance(self.datasets, dict):
            columns = {k: self._fetch(d, indices) for k, d in self.datasets.items()}
            return [{k: columns[k][j] for k in columns} for j in range(len(indices))]
        columns = [self._fetch(d, indices) for d in self.datasets]
        return [tuple(c[j] for c in columns) for j in range(len(indices))]

    def __len__(self):
        return self._length


class ChainDataset(IterableDataset):
    """Several iterable data sets read one after the other (`ds1 + ds2` of iterables)."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError(f"ChainDataset only supports IterableDataset, got a "
                                f"{type(d).__name__}")
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping `Subset`s of the given lengths, at random.

    `lengths` are counts summing to `len(dataset)`, or fractions summing to 1: then each
    split gets `floor(n * fraction)` samples and the remaining ones are dealt one at a time
    round-robin from the first split (torch's rule), e.g. 10 samples at (0.5, 0.25, 0.25)
    -> floors (5, 2, 2) + the one left over -> (6, 2, 2). The permutation is drawn from
    `generator` (default: glassgrad's default generator), so it is reproducible after
    `autograd.manual_seed` but differs from torch's.
    """
    lengths = list(lengths)
    n = len(dataset)
    if not (math.isclose(sum(lengths), 1) and sum(lengths) <= 1):
        if any(isinstance(x, float) and not x.is_integer() for x in lengths):
            raise ValueError(f"random_split: fractions {lengths} sum to {sum(lengths)}, not 1")
    else:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"random_split: fraction at index {i} is {frac}, not between "
                                 f"0 and 1")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, length in enumerate(counts):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                              f"empty dataset.", stacklevel=2)
        lengths = counts
    for i, length in enumerate(lengths):
        if int(length) != length or length < 0:
            raise ValueError(f"random_split: length at index {i} is {length}; lengths must "
                             f"be non-negative integers or fractions summing to 1")
    lengths = [int(x) for x in lengths]
    if sum(lengths) != n:
        raise ValueError(f"random_split: sum of input lengths {lengths} is {sum(lengths)}, "
                         f"which does not equal the length of the input dataset ({n})")
    order = autograd.random.rng(generator).permutation(n).tolist()
    ends = list(itertools.accumulate(lengths))
    return [Subset(dataset, order[end - length:end]) for end, length in zip(ends, lengths)]
