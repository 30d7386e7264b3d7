"""gradcheck and gradgradcheck: compare analytical Jacobians with central differences.

For a function f of tensors, the analytical Jacobian is built row by row with
`autograd.grad` (one backward per output element), the numerical one column by column with
central differences (f(x + eps e_j) - f(x - eps e_j)) / (2 eps), and the two must agree within
`atol + rtol * |numerical|` everywhere. Use float64 inputs: float32 differences are too coarse.
"""
import warnings

import numpy as np

from .autograd_api import grad as _grad
from .tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(fn, inputs):
    return [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]


def _numerical(fn, inputs, i, eps):
    x = inputs[i]
    outs0 = _outputs(fn, inputs)
    cols = [np.zeros((x._data.size, o._data.size)) for o in outs0]
    if True:  # recording stays on: gradgradcheck's function itself calls autograd.grad
        for j in range(x._data.size):
            idx = np.unravel_index(j, x._data.shape)
            orig = x._data[idx].copy()
            x._data[idx] = orig + eps
            plus = [o._data.astype(np.float64).copy().reshape(-1) for o in _outputs(fn, inputs)]
            x._data[idx] = orig - eps
            minus = [o._data.astype(np.float64).copy().reshape(-1) for o in _outputs(fn, inputs)]
            x._data[idx] = orig
            for k, (p, m) in enumerate(zip(plus, minus)):
                cols[k][j] = (p - m) / (2 * eps)
    return cols


def _analytical(fn, inputs, diff_idx):
    outs = _outputs(fn, inputs)
    jac = {(i, k): np.zeros((inputs[i]._data.size, o._data.size))
           for i in diff_idx for k, o in enumerate(outs)}
    for k, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for r in range(out._data.size):
            g = np.zeros(out._data.shape, dtype=out._data.dtype)
            g.reshape(-1)[r] = 1
            grads = _grad([out], [inputs[i] for i in diff_idx], [Tensor._wrap(g, None)],
                          retain_graph=True, allow_unused=True)
            for i, gi in zip(diff_idx, grads):
                if gi is not None:
                    if gi.shape != inputs[i].shape:
                        raise GradcheckError(f"gradient of input {i} has shape "
                                             f"{tuple(gi.shape)}, expected "
                                             f"{tuple(inputs[i].shape)}")
                    jac[(i, k)][:, r] = gi._data.reshape(-1)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, fast_mode=False, **kwargs):
    """True if the gradients of `func` at `inputs` match finite differences; otherwise raise
    GradcheckError (or return False with raise_exception=False)."""
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in diff_idx:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(f"gradcheck: input {i} is {inputs[i].dtype}, not float64; finite "
                          f"differences in low precision are unreliable", UserWarning)
    analytical = _analytical(func, inputs, diff_idx)
    for i in diff_idx:
        numerical = _numerical(func, inputs, i, eps)
        for k, num in enumerate(numerical):
            ana = analytical[(i, k)]
            bad = np.abs(ana - num) > atol + rtol * np.abs(num)
            if bad.any():
                worst = np.unravel_index(np.argmax(np.abs(ana - num) * bad), bad.shape)
                msg = (f"Jacobian mismatch for output {k} with respect to input {i}:\n"
                       f"numerical:{num}\nanalytical:{ana}\n"
                       f"worst at (input element {worst[0]}, output element {worst[1]}): "
                       f"numerical {num[worst]:.8g} vs analytical {ana[worst]:.8g}")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **kwargs):
    """gradcheck applied to the function that returns the gradients of `func` (computed with
    create_graph=True), so second derivatives are checked."""
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(func, inputs)
    rng = np.random.default_rng(0)
    if grad_outputs is None:
        grad_outputs = [Tensor._wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype),
                                     None).requires_grad_() for o in outs]
    grad_outputs = list(_as_tuple(grad_outputs))
    n = len(inputs)

    def first_order(*args):
        xs, gos = args[:n], args[n:]
        ys = _outputs(func, xs)
        pairs = [(y, g) for y, g in zip(ys, gos) if y.requires_grad]
        gs = _grad([y for y, _ in pairs], [xs[i] for i in diff_idx], [g for _, g in pairs],
                   create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_order, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
