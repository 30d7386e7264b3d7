"""In-place operations (`add_`, `mul_`, `x += y`, `x[i] = v`, `copy_`, ...).

An in-place op is its out-of-place twin followed by a write into the tensor's own memory, so
that views see the change. The tensor's version counter goes up, and when the write involves
tensors that require grad, the tensor's history is re-based onto the twin's node: backward
then sees the new value as the result of the op.

Safety rules, as in PyTorch:
* an in-place op on a leaf that requires grad raises at once (outside `no_grad`);
* a tensor saved for backward and then changed in place raises at backward time (each saved
  value remembers the version it was saved at).
"""
import numpy as np

from .. import dtypes as _dt
from .. import grad_mode as _gm
from ..function import _OUTPUT
from ..tensor import Tensor

__all__ = ["apply_inplace", "copy_", "zero_", "fill_", "setitem", "check_inplace"]


def check_inplace(t, op):
    if t._rg and t.grad_fn is None and _gm.state.grad_enabled:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({op}). Wrap the update in `with autograd.no_grad():`, or work on a clone.")


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
    if node is not None:
        _protect_saved(node, t, old_fn, old_nr)
    np.copyto(t._data, result._data, casting="unsafe")
    t._vc[0] += 1
    if node is not None:
        t.grad_fn = node
        t._output_nr = result._output_nr
        t._rg = True
        if node._saved is not None:  # the node's saved output is now t itself
            node._saved = tuple((t._data, _OUTPUT, t._vc, t._vc[0], e[4]) if e[1] is _OUTPUT
                                else e for e in node._saved)
    return t


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
    """Copy `src` (broadcast to t's shape, converted to t's dtype) into `t`."""
    from .shape import expand
    from .elementwise import cast
    if not isinstance(src, Tensor):
        src = Tensor._wrap(np.asarray(src, dtype=t._data.dtype), None)
    if src._rg and _gm.state.grad_enabled:
        def fn(_, s):
            s = expand(s, t.shape) if s.shape != t.shape else s
            return cast(s, t.dtype) if s._data.dtype != t._data.dtype else s.clone()
        return apply_inplace(t, fn, src, op="copy_")
    check_inplace(t, "copy_")
    try:
        np.copyto(t._data, np.broadcast_to(src._data, t._data.shape), casting="unsafe")
    except ValueError:
        raise RuntimeError(f"copy_: the source of shape {tuple(src.shape)} can't be broadcast "
                           f"to the destination's shape {tuple(t.shape)}") from None
    t._vc[0] += 1
    if t.grad_fn is not None:  # the old history no longer describes t's values
        t.grad_fn, t._rg = None, False
    return t


def zero_(t):
    return fill_(t, 0)


def fill_(t, value):
    """Set every element to `value` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor) and value._rg and _gm.state.grad_enabled:
        return copy_(t, value)
    check_inplace(t, "fill_")
    t._data[...] = value._data if isinstance(value, Tensor) else value
    t._vc[0] += 1
    if t.grad_fn is not None:
        t.grad_fn, t._rg = None, False
    return t


def setitem(t, index, value):
    """`t[index] = value`. Without gradients involved this writes straight into the array;
    with them it records an index_put whose backward zeroes the overwritten places for `t`
    and gathers them for `value`."""
    from .indexing import normalize_index, index_put
    idx = normalize_index(index, t)
    recording = _gm.state.grad_enabled and (t._rg or (isinstance(value, Tensor) and value._rg))
    if not recording:
        check_inplace(t, "__setitem__")
        v = value._data if isinstance(value, Tensor) else value
        try:
            t._data[idx] = v
        except (ValueError, IndexError) as e:
            raise type(e)(f"__setitem__: can't assign a value of shape "
                          f"{tuple(np.shape(v))} to an index of tensor of shape "
                          f"{tuple(t.shape)}: {e}") from None
        t._vc[0] += 1
        return
    if not isinstance(value, Tensor):
        value = Tensor._wrap(np.asarray(value, dtype=t._data.dtype), None)
    apply_inplace(t, index_put, idx, value, op="__setitem__")
