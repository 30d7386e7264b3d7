"""In-place operations (`add_`, `mul_`, `x += y`, `x[i] = v`, `copy_`, ...).

An in-place op is its out-of-place twin followed by a write into the tensor's own memory, so
that views see the change. The tensor's version counter goes up, and when the write involves
tensors that require grad, the tensor's history is re-based onto the twin's node: backward
then sees the new value as the result of the op.

An in-place op on a view (`x[0].mul_(2)`, `x.t().add_(y)`, `x.view(-1)[3] = v`) changes
its base too, so the base's history is re-based as well (PyTorch's CopySlices): the base
becomes `index_put(old base, region of the view, new values)` and the view a read of that
region, so gradients flow through the new values and not through the overwritten ones.

Safety rules, as in PyTorch:
* an in-place op on a leaf that requires grad, or on a view of one, raises at once (outside
  `no_grad`); so does a write into an expanded tensor (several elements share memory);
* a tensor saved for backward and then changed in place raises at backward time (each saved
  value remembers the version it was saved at).
"""
import numpy as np

from .. import dtypes as _dt
from .. import grad_mode as _gm
from ..node import OUTPUT as _OUTPUT
from ..tensor import Tensor

__all__ = ["apply_inplace", "copy_", "zero_", "fill_", "setitem", "check_inplace"]


def check_inplace(t, op):
    if not t._data.flags.writeable:
        raise RuntimeError(
            f"{op}: unsupported operation: more than one element of the written-to tensor "
            f"(shape {tuple(t.shape)}, made by expand/broadcast_to) refers to a single memory "
            f"location. Please clone() the tensor before performing the operation.")
    if not _gm.state.grad_enabled:
        return
    if t._rg and t.grad_fn is None:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({op}). Wrap the update in `with autograd.no_grad():`, or work on a clone.")
    base = t._base
    if base is not None and base._rg and base.grad_fn is None:
        raise RuntimeError(
            f"a view of a leaf Variable that requires grad is being used in an in-place "
            f"operation ({op}; the view has shape {tuple(t.shape)}, the leaf "
            f"{tuple(base.shape)}). Wrap the update in `with autograd.no_grad():`, or work "
            f"on a clone of the leaf.")


def _check_castable(t, result, op):
    src, dst = result._data.dtype, t._data.dtype
    if src == dst:
        return
    order = {"b": 0, "u": 1, "i": 1, "f": 2}
    if order[src.kind] > order[dst.kind]:
        raise RuntimeError(f"{op}: result type {_dt.from_numpy_dtype(src)} can't be cast to "
                           f"the desired output type {_dt.from_numpy_dtype(dst)}")


def apply_inplace(t, fn, *args, op="in-place op", **kwargs):
    """Compute `fn(t, *args)` and write it into `t` (same memory), re-basing t's history."""
    check_inplace(t, op)
    result = fn(t, *args, **kwargs)
    _check_castable(t, result, op)
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"{op}: output with shape {tuple(t.shape)} doesn't match the "
                           f"broadcast shape {tuple(result.shape)}")
    node = result.grad_fn
    old_fn, old_nr = t.grad_fn, t._output_nr
    base = t._base
    if node is not None:
        _protect_saved(node, t, old_fn, old_nr)
        if base is not None:
            region = view_region(base._data, t._data)
            new_base = _index_put(base, region, result)  # before the write: base's old values
    np.copyto(t._data, result._data, casting="unsafe")
    t._vc[0] += 1
    if node is not None:
        t.grad_fn = node
        t._output_nr = result._output_nr
        t._rg = True
        if node._saved is not None:  # the node's saved output is now t itself
            node._saved = tuple((t._data, _OUTPUT, t._vc, t._vc[0], e[4]) if e[1] is _OUTPUT
                                else e for e in node._saved)
        if base is not None:
            _rebase_view(t, base, new_base, region)
        _refresh_views(base if base is not None else t, t)
    return t


def _refresh_views(base, changed):
    """The other live views of `base` now read its new values: their histories become reads
    of base's new history too (PyTorch regenerates a view's grad_fn the same way)."""
    views = base.__dict__.get("_views")
    if not views:
        return
    for view in list(views):
        if view is not changed and np.may_share_memory(view._data, base._data):
            _rebase_view(view, base, None, view_region(base._data, view._data))


def _index_put(base, region, values):
    from .indexing import IndexPut
    from .shape import reshape
    if not base._data.ndim:  # a view of a 0-d tensor has one element
        values = reshape(values, ())
    return IndexPut.apply(base, values, idx=region)


def _rebase_view(t, base, new_base, region):
    """After an in-place op on the view `t`: base's history is `new_base`'s (old base with the
    view's region replaced), and t's is a read of that region of the new base."""
    from .indexing import GetItem
    if new_base is not None:
        base.grad_fn, base._output_nr, base._rg = new_base.grad_fn, 0, True
    t._rg = True
    read = GetItem.apply(base, idx=region)
    if read._data.shape != t._data.shape:  # a view of a 0-d tensor
        from .shape import reshape
        read = reshape(read, t._data.shape)
    t.grad_fn = read.grad_fn
    t._output_nr = 0


def view_region(base, view):
    """The index into `base` (a tuple of coordinate arrays, each of the view's shape) of the
    elements of `view`, a NumPy view into base's memory: found from their byte addresses."""
    origin = base.__array_interface__["data"][0]
    start = view.__array_interface__["data"][0] - origin
    grids = np.indices(view.shape, sparse=True) if view.ndim else ()
    addr = np.broadcast_to(start + sum((g * s for g, s in zip(grids, view.strides)),
                                       np.zeros((), np.int64)), view.shape)
    if base.flags.c_contiguous:
        flat = addr // base.itemsize
    else:  # find each address among base's own element addresses
        bgrids = np.indices(base.shape, sparse=True) if base.ndim else ()
        baddr = np.broadcast_to(sum((g * s for g, s in zip(bgrids, base.strides)),
                                    np.zeros((), np.int64)), base.shape).ravel()
        order = np.argsort(baddr, kind="stable")
        flat = order[np.searchsorted(baddr[order], addr)]
    return np.unravel_index(flat, base.shape) if base.ndim else ()


def _protect_saved(node, t, old_fn, old_nr):
    """The node may have saved t's current values, which the write is about to overwrite:
    give it a private copy standing for t's old version."""
    if node._saved is None:
        return
    entries = []
    for e in node._saved:
        if e[1] is t:
            old = Tensor._wrap(e[0].copy(), old_fn, old_nr)
            old._rg = t._rg
            entries.append((old._data, old, old._vc, 0))
        else:
            entries.append(e)
    node._saved = tuple(entries)


def copy_(t, src, non_blocking=False):
    """Copy `src` (broadcast to t's shape, converted to t's dtype) into `t`. In the graph
    (PyTorch's CopyBackwards): src gets the gradient, t's old values get zero."""
    return _copy(t, src, "copy_")


def _copy(t, src, op):
    from .elementwise import cast
    if not isinstance(src, Tensor):
        src = Tensor._wrap(np.asarray(src, dtype=t._data.dtype), None)
    check_inplace(t, op)
    if not _broadcasts(src, t):
        raise RuntimeError(f"{op}: the source of shape {tuple(src.shape)} can't be broadcast "
                           f"to the destination's shape {tuple(t.shape)}")
    if _gm.state.grad_enabled and (t._rg or src._rg):
        from .indexing import IndexPut
        if src._data.dtype != t._data.dtype:
            src = cast(src, t.dtype)
        return apply_inplace(t, lambda s: IndexPut.apply(s, src, idx=(Ellipsis,)), op=op)
    np.copyto(t._data, np.broadcast_to(src._data, t._data.shape), casting="unsafe")
    t._vc[0] += 1
    return t


def _broadcasts(src, t):
    try:
        return np.broadcast_shapes(src._data.shape, t._data.shape) == t._data.shape
    except ValueError:
        return False


def _overwrite(t, value, op):
    """Write the constant `value` into all of t (see copy_)."""
    if t._rg and _gm.state.grad_enabled:
        return _copy(t, Tensor._wrap(np.asarray(value, dtype=t._data.dtype), None), op)
    t._data[...] = value
    t._vc[0] += 1
    return t


def zero_(t):
    return fill_(t, 0)


def fill_(t, value):
    """Set every element to `value` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions")
    if isinstance(value, Tensor) and value._rg and _gm.state.grad_enabled:
        return _copy(t, value, "fill_")
    check_inplace(t, "fill_")
    return _overwrite(t, value._data if isinstance(value, Tensor) else value, "fill_")


def setitem(t, index, value):
    """`t[index] = value`. Without gradients involved this writes straight into the array;
    with them it records an index_put whose backward zeroes the overwritten places for `t`
    and gathers them for `value`."""
    from .indexing import getitem, index_put, normalize_index, split_int_index
    idx = normalize_index(index, t)
    split = split_int_index(idx)
    if split is not None:  # PyTorch's order: the integers select a view first
        return setitem(getitem(t, split[0]), split[1], value)
    recording = _gm.state.grad_enabled and (t._rg or (isinstance(value, Tensor) and value._rg))
    if not recording:
        check_inplace(t, "__setitem__")
        v = value._data if isinstance(value, Tensor) else value
        try:
            t._data[idx] = v
        except (ValueError, IndexError) as e:
            raise (RuntimeError if isinstance(e, ValueError) else IndexError)(
                f"__setitem__: can't assign a value of shape {tuple(np.shape(v))} to an "
                f"index of tensor of shape {tuple(t.shape)}: {e}") from None
        t._vc[0] += 1
        return
    if not isinstance(value, Tensor):
        value = Tensor._wrap(np.asarray(value, dtype=t._data.dtype), None)
    apply_inplace(t, index_put, idx, value, op="__setitem__")
