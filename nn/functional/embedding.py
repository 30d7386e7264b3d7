"""Embedding lookups: `embedding` (rows of a table picked by ids), `embedding_bag` (sums,
means or maxima of bags of rows, without materialising the per-id rows' graph twice) and
`one_hot`.

`embedding` is one graph node (an `autograd.Function`) whose backward scatters (adds) the
output gradient into the rows read; under `create_graph=True` it uses `index_add`, so second
derivatives work too.
"""
import numpy as np

import autograd
from autograd import Tensor

from .layers import _wrap

__all__ = ["embedding", "embedding_bag", "one_hot"]


class _Embedding(autograd.Function):
    """out = weight[indices]; backward scatters (adds) the output gradient into the rows that
    were read, nothing into padding_idx, optionally divided by each id's count."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(weight)
        ctx.indices, ctx.padding_idx, ctx.scale = indices, padding_idx, scale_grad_by_freq
        return _wrap(weight.data[indices])

    @staticmethod
    def _row_scale(ctx, num):
        flat = ctx.indices.reshape(-1)
        scale = np.ones(flat.shape[0])
        if ctx.scale:
            scale = scale / np.bincount(flat, minlength=num)[flat]
        if ctx.padding_idx is not None:
            scale = scale * (flat != ctx.padding_idx)
        return flat, scale

    @staticmethod
    def backward(ctx, grad):
        weight, = ctx.saved_tensors
        num, dim = weight.shape
        flat, scale = _Embedding._row_scale(ctx, num)
        if autograd.is_grad_enabled():
            rows = grad.reshape(-1, dim) * _wrap(scale.astype(grad.data.dtype)[:, None])
            gw = autograd.zeros(num, dim, dtype=weight.dtype).index_add(
                0, _wrap(flat), rows)
            return gw, None, None, None
        rows = grad.data.reshape(-1, dim)
        if ctx.scale or ctx.padding_idx is not None:
            rows = rows * scale.astype(rows.dtype)[:, None]
        gw = np.zeros(weight.shape, dtype=weight.data.dtype)
        # scatter-add on the flat view (NumPy's fast 1-D path): element (id, j) of the
        # table is flat index id * dim + j
        targets = (flat[:, None] * dim + np.arange(dim)).reshape(-1)
        np.add.at(gw.reshape(-1), targets, rows.reshape(-1))
        return _wrap(gw), None, None, None



def checked_padding_idx(padding_idx, num_embeddings, name="padding_idx"):
    """padding_idx as a row number in 0..num_embeddings-1 (negative counts from the end), or
    None; a ValueError naming `name` when it lies outside the table."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{name} must be within num_embeddings ({num_embeddings}), "
                         f"got {padding_idx}")
    return padding_idx % num_embeddings

def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` (num_embeddings, embedding_dim) picked by the integer ids in `input`.

    padding_idx: that row gets no gradient. max_norm: rows read whose norm exceeds it are
    rescaled in place to that norm first. `sparse` is accepted, but the gradient is always
    dense (glassgrad has no sparse tensors).
    """
    if not isinstance(input, Tensor) or input.data.dtype.kind not in "iu":
        kind = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"embedding: expected the indices to be an integer tensor (int64 or "
                           f"int32), got {kind}; convert them with .long()")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                           f"got shape {tuple(weight.shape)}")
    num = weight.shape[0]
    idx = input.data
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"embedding: index {int(bad)} is out of range for a table of {num} "
                         f"rows (valid ids are 0..{num - 1})")
    padding_idx = checked_padding_idx(padding_idx, num, "embedding: padding_idx")
    if max_norm is not None:
        _renorm_rows(weight, np.unique(idx), max_norm, norm_type)
    return _Embedding.apply(weight, idx, padding_idx, scale_grad_by_freq)


def _bags(input, offsets, include_last_offset):
    """(flat ids, the bag of each id, number of bags, positions in input) of the ids that are
    in a bag: a 2-D input is one bag per row; a 1-D input is cut at `offsets`."""
    ids = input.data
    if ids.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found "
                             f"offsets of type {type(offsets)}")
        count, length = ids.shape
        return ids.reshape(-1), np.repeat(np.arange(count), length), count, np.arange(ids.size)
    if ids.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{ids.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    starts = np.asarray(offsets.data if isinstance(offsets, Tensor) else offsets)
    if starts.ndim != 1 or starts.dtype.kind not in "iu":
        raise ValueError(f"offsets has to be a 1D integer Tensor, got shape "
                         f"{tuple(starts.shape)} and dtype {starts.dtype}")
    starts = starts.astype(np.int64)
    if starts.size and starts[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                           f"mini-batch has to start from position 0. However, got "
                           f"{starts[0]}")
    if starts.size and starts[-1] > ids.size:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {ids.size} "
                           f"but got offsets[-1] of {starts[-1]}")
    if np.any(np.diff(starts) < 0):
        raise RuntimeError(f"embedding_bag: offsets must not decrease (each bag starts where "
                           f"the previous one ends or later), got {starts.tolist()}")
    if include_last_offset:
        # the last offset stands for the input's end; as PyTorch, the last bag runs to the
        # end of the input whatever its value
        starts = starts[:-1]
    positions = np.arange(ids.size if starts.size else 0)
    bag_of = np.searchsorted(starts, positions, side="right") - 1
    return ids[positions], bag_of, starts.size, positions


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """The sum, mean or max of each bag of embedding rows: out[b] = reduce over the ids i
    of bag b of weight[i] (times per_sample_weights[i] in 'sum' mode).

    Bags: each row of a 2-D input, or, for a 1-D input, the runs starting at `offsets` (with
    include_last_offset, offsets has one more entry, the input's length, as in CSR). Ids
    equal to padding_idx are left out (and not counted by 'mean'); an empty bag gives zeros.
    Gradients reach `weight` (and per_sample_weights) as through `embedding` and the
    reduction; `sparse` is accepted, the gradient is dense. Departure: scale_grad_by_freq
    divides each id's gradient by its count in the input, as `embedding` does; PyTorch
    2.13's CPU embedding_bag scales other rows (ids [1, 1, 2] give row 2 half its gradient).
    """
    if not isinstance(input, Tensor) or input.data.dtype.kind not in "iu":
        kind = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"embedding_bag: expected the indices to be an integer tensor "
                           f"(int64 or int32), got {kind}; convert them with .long()")
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise RuntimeError("embedding_bag: weight must be a 2-D Tensor (num_embeddings, "
                           "embedding_dim)")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max (got {mode!r})")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                      f"per_sample_weights is only supported for mode='sum' "
                                      f"(got mode='{mode}')")
        if per_sample_weights.shape != input.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights "
                             f"({per_sample_weights.shape}) is not None, then it must have "
                             f"the same shape as the input ({input.shape})")
    num, dim = weight.shape
    ids, bag_of, count, positions = _bags(input, offsets, include_last_offset)
    padding_idx = checked_padding_idx(padding_idx, num, "embedding_bag: padding_idx")
    if padding_idx is not None:
        kept = ids != padding_idx
        ids, bag_of, positions = ids[kept], bag_of[kept], positions[kept]
    rows = embedding(_wrap(ids), weight, None, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1).index_select(0, _wrap(positions))[:, None]
    zeros = autograd.zeros(count, dim, dtype=weight.dtype)
    if mode == "max" and ids.size:
        # the first maximum of each (bag, column): take it with gather, put it at its bag
        starts = np.flatnonzero(np.diff(bag_of, prepend=-1))
        values = rows.data
        best = np.maximum.reduceat(values, starts, axis=0)
        rank = np.where(values == best[np.searchsorted(starts, np.arange(ids.size),
                                                       side="right") - 1],
                        np.arange(ids.size)[:, None], ids.size)
        first = np.minimum.reduceat(rank, starts, axis=0)
        return zeros.index_add(0, _wrap(bag_of[starts]), rows.gather(0, _wrap(first)))
    total = zeros.index_add(0, _wrap(bag_of), rows)
    if mode == "mean":
        sizes = np.maximum(np.bincount(bag_of, minlength=count), 1)
        total = total / _wrap(sizes[:, None].astype(weight.data.dtype))
    return total


def _renorm_rows(weight, rows, max_norm, norm_type):
    """Scale the given rows of weight, in place, so that none has a norm above max_norm."""
    values = weight.data[rows]
    norms = np.linalg.norm(values, ord=norm_type, axis=1)
    too_big = norms > max_norm
    if too_big.any():
        scale = max_norm / (norms[too_big] + 1e-7)
        with autograd.no_grad():
            weight[_wrap(rows[too_big])] = _wrap(
                (values[too_big] * scale[:, None]).astype(values.dtype))


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape (*, num_classes) with a 1 at each index of `tensor`
    (num_classes -1: one more than the largest index)."""
    if not isinstance(tensor, Tensor) or tensor.data.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor (an integer tensor); "
                           "convert it with .long()")
    idx = tensor.data
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    elif idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}); "
                           f"the largest is {int(idx.max())}.")
    out = np.zeros(idx.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, idx[..., None].astype(np.int64), 1, axis=-1)
    return _wrap(out)
