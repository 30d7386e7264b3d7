"""Collation: PyTorch's `default_collate` and `default_convert` (torch.utils.data._utils).

`default_collate(batch)` turns a list of samples into a batch, by the type of the first
sample:

- Tensor -> the samples stacked on a new dimension 0 (`np.stack` of the arrays); shapes must
  match; differing dtypes are promoted with `autograd.promote_types`.
- NumPy array -> converted to tensors, then stacked; a NumPy scalar -> a 1-D tensor.
- float -> float64 tensor; int -> int64 tensor (bools -> bool tensor), as torch does.
- str / bytes -> the batch as it is (a tuple when it is a field of tuple samples, as torch).
- Mapping -> the same mapping type with each key collated; namedtuple -> the namedtuple of
  collated fields; tuple -> a list of collated fields (torch's choice); other sequences -> the
  same type (or a list) of collated positions, which must all have the same length.
- a `BatchedSamples` (from `TensorDataset.__getitems__`) -> its gathered columns as a list,
  with no per-sample work.

Collated tensors are new constants: collation does not record gradients (a batch is an
input to the model, a leaf, as torch's batches are in a training loop).
"""
import collections.abc
import copy

import numpy as np

import autograd

from .dataset import BatchedSamples, _array_to_tensor

__all__ = ["default_collate", "default_convert"]

_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _string_array(arr):
    return arr.dtype.kind in "SaUO"


def _stack_tensors(batch):
    first = batch[0]
    for k, t in enumerate(batch):
        if not isinstance(t, autograd.Tensor):
            raise TypeError(f"default_collate: entry 0 of the batch is a Tensor but entry {k} "
                            f"is a {type(t).__name__}")
        if t.shape != first.shape:
            raise RuntimeError(f"default_collate: stack expects each tensor to be equal size, "
                               f"but got {list(first.shape)} at entry 0 and {list(t.shape)} at "
                               f"entry {k}; pad or resize the samples, or pass a collate_fn")
    dtype = first.dtype
    for t in batch[1:]:
        if t.dtype is not dtype:
            dtype = autograd.promote_types(dtype, t.dtype)
    out = np.stack([t.data for t in batch])
    if out.dtype != dtype.np:
        out = out.astype(dtype.np)
    return autograd.from_numpy(out)


def default_collate(batch):
    """Merge a list of samples into a batch (see the module docstring for the rules).

    E.g. `[(x0, 0), (x1, 1)]` with x of shape (3,) -> `[tensor of shape (2, 3), tensor([0, 1])]`.
    """
    if isinstance(batch, BatchedSamples):
        return list(batch.columns)
    if len(batch) == 0:
        raise ValueError("default_collate: the batch is empty; there is nothing to collate")
    elem = batch[0]
    if isinstance(elem, autograd.Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):
        if _string_array(elem):
            raise TypeError(_ERR.format(elem.dtype))
        return _stack_tensors([_array_to_tensor(np.asarray(b)) for b in batch])
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return _array_to_tensor(np.array(batch))
    if isinstance(elem, bool) and all(isinstance(b, bool) for b in batch):
        return autograd.tensor(list(batch), dtype=autograd.bool)
    if isinstance(elem, float):
        return autograd.tensor(list(batch), dtype=autograd.float64)
    if isinstance(elem, int):
        return autograd.tensor(list(batch), dtype=autograd.int64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        for k, d in enumerate(batch):
            if not isinstance(d, collections.abc.Mapping) or d.keys() != elem.keys():
                raise RuntimeError(f"default_collate: sample {k} has keys "
                                   f"{list(getattr(d, 'keys', lambda: [])())}, but sample 0 "
                                   f"has keys {list(elem.keys())}; all must match")
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        for k, s in enumerate(batch):
            if len(s) != size:
                raise RuntimeError(f"default_collate: each element in list of batch should be "
                                   f"of equal size, but sample 0 has {size} and sample {k} has "
                                   f"{len(s)}")
        transposed = [default_collate(s) for s in zip(*batch)]  # tuples, as torch
        if isinstance(elem, tuple):
            return transposed
        try:
            return type(elem)(transposed)
        except TypeError:
            return transposed
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Convert NumPy arrays and scalars in `data` to tensors, recursing into mappings and
    sequences (tuples become lists, as in torch); everything else is returned as it is.
    Used by `DataLoader` when automatic batching is off (`batch_size=None`)."""
    if isinstance(data, autograd.Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _string_array(data) else _array_to_tensor(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_, np.object_)):
        return _array_to_tensor(np.asarray(data))
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
