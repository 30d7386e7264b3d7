"""Gradient clipping, as `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`.

Both act in place on the `.grad` of the given parameters (a single tensor or an iterable),
skipping parameters without a gradient: the norms are computed on the NumPy arrays, and the
gradients are changed by the public in-place `mul_` / `clamp_` under `no_grad` (nothing is
recorded; each gradient's version goes up, as in PyTorch). `foreach` is accepted for PyTorch compatibility and ignored: every operation
already works on whole arrays.
"""
import types
import warnings

import numpy as np

import autograd

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]

def _as_list(tensors):
    if isinstance(tensors, autograd.Tensor):
        return [tensors]
    return list(tensors)


def _vector_norm(arr, norm_type):
    """The p-norm of a flattened array, in the array's dtype (p may be inf, -inf or 0)."""
    flat = arr.reshape(-1)
    if norm_type == 2.0:
        return np.sqrt(np.dot(flat, flat))
    absval = np.abs(flat)
    if norm_type == np.inf:
        return absval.max() if absval.size else np.zeros((), arr.dtype)[()]
    if norm_type == -np.inf:
        if not absval.size:
            raise RuntimeError("the -inf norm of an empty gradient is undefined")
        return absval.min()
    if norm_type == 0.0:
        return arr.dtype.type(np.count_nonzero(flat))
    if norm_type == 1.0:
        return absval.sum()
    return np.sum(absval ** norm_type) ** (1.0 / norm_type)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""The norm of the norms of `tensors`, as `torch.nn.utils.get_total_norm`: the p-norm of
    all their elements together, :math:`\|(\|t_1\|_p, \dots, \|t_n\|_p)\|_p`, a 0-d Tensor
    (the tensors' dtype; float32 0 for none).

    Args:
        tensors: a Tensor or an iterable of Tensors (usually gradients).
        norm_type (float): p, including `inf` and `-inf` (default 2.0).
        error_if_nonfinite (bool): raise RuntimeError if the norm is nan or inf.
        foreach: ignored (see module doc).
    """
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return autograd.tensor(0.0)
    norms = np.stack([np.asarray(_vector_norm(t.data, norm_type)) for t in tensors])
    total = np.asarray(_vector_norm(norms, norm_type), dtype=norms.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           f"`parameters` is non-finite, so it cannot be clipped. To disable "
                           f"this error and scale the gradients by the non-finite norm anyway, "
                           f"set `error_if_nonfinite=False`")
    return autograd.from_numpy(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    r"""Scale the gradients of `parameters` by
    :math:`\min(1, \text{max\_norm} / (\text{total\_norm} + 10^{-6}))`, in place, as
    `torch.nn.utils.clip_grads_with_norm_` (total_norm from `get_total_norm`)."""
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    total = total_norm.data if isinstance(total_norm, autograd.Tensor) \
        else np.asarray(total_norm)
    clip_coef = max_norm / (total + 1e-6)
    clip_coef_clamped = autograd.from_numpy(
        np.asarray(np.minimum(clip_coef, np.asarray(1.0, dtype=clip_coef.dtype))))
    # inf * 0 -> nan silently, as torch
    with np.errstate(invalid="ignore", over="ignore"), autograd.no_grad():
        for g in grads:
            g.mul_(clip_coef_clamped)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    r"""Clip the gradients of `parameters` so that their total norm is at most `max_norm`,
    as `torch.nn.utils.clip_grad_norm_`.

    The total norm is taken over all gradients together (as if concatenated); every gradient
    is then multiplied in place by :math:`\min(1, \text{max\_norm}/(\text{norm} + 10^{-6}))`.

    Args:
        parameters: a Tensor or an iterable of Tensors whose `.grad` to clip (those with
            `.grad` None are skipped).
        max_norm (float): the largest allowed norm.
        norm_type (float): p of the p-norm; `inf` for the largest absolute value (default 2).
        error_if_nonfinite (bool): raise RuntimeError if the total norm is nan or inf.
        foreach: ignored (see module doc).

    Returns:
        The total norm of the gradients before clipping, a 0-d Tensor.
    """
    if isinstance(parameters, autograd.Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will "
                          "occur.", stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated alias of `clip_grad_norm_` (warns FutureWarning, as PyTorch)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient of `parameters` into [-clip_value, clip_value] in place, as
    `torch.nn.utils.clip_grad_value_`.

    Args:
        parameters: a Tensor or an iterable of Tensors (those with `.grad` None are skipped).
        clip_value (float): the largest allowed absolute value.
        foreach: ignored (see module doc).
    """
    clip_value = float(clip_value)
    with autograd.no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)
