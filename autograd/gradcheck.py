"""gradcheck and gradgradcheck: compare analytical gradients with central differences.

For a function f of tensors, the analytical Jacobian J[j, r] = d out_r / d x_j is built row by
row with `autograd.grad` (one backward per output element), and the numerical one column by
column with central differences

    J_num[j, :] = (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

whose error is O(eps^2 f'''). The two must agree within `atol + rtol * |J_num|` everywhere.

Central differences are only meaningful where f is differentiable. At a kink (|x| at 0, relu
at 0, max at a tie) the one-sided differences (f(x + eps) - f(x)) / eps and
(f(x) - f(x - eps)) / eps disagree, and the central difference is just their average, not a
gradient. When an element fails and its one-sided differences disagree while the analytical
value lies between them (a valid subgradient), gradcheck raises `NonDifferentiablePointError`
instead of reporting a false gradient error.

`fast_mode=True` checks random projections: for unit vectors u (input space) and v (output
space) it compares v^T J u from one backward (v^T J, then dotted with u) with the directional
difference v . (f(x + eps u) - f(x - eps u)) / (2 eps): two forward calls and one backward
per input instead of one per element, so it scales to large inputs (but cannot say which
element is wrong: rerun with fast_mode=False for that).

Use float64 inputs: differences in float32 lose about half of the digits to rounding
(a warning says so, as PyTorch's does).
"""
import warnings

import numpy as np

from .autograd_api import grad as _grad
from .tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "NonDifferentiablePointError"]

_SHOWN = 5  # how many of the worst elements a failure message lists


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians disagree."""


class NonDifferentiablePointError(GradcheckError):
    """Raised by gradcheck when a mismatch is explained by a kink: the function is not
    differentiable at the checked point (its one-sided differences disagree), so no gradient
    can be checked there. Draw inputs away from such points (see `autograd.testing.away_from`).
    """


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(fn, inputs):
    """The floating-point tensors among fn's outputs (integer outputs carry no gradient)."""
    return [o for o in _as_tuple(fn(*inputs))
            if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def _flat64(outputs):
    return [o._data.astype(np.float64).reshape(-1) for o in outputs]


class _Writable:
    """Input `x`'s array, perturbed in place (so a non-contiguous layout is kept); an array
    that cannot be written (a read-only broadcast view) is swapped for a copy meanwhile."""

    def __init__(self, x):
        self.x = x

    def __enter__(self):
        self.saved = self.x._data
        if not self.saved.flags.writeable:
            self.x._data = np.array(self.saved, copy=True, order="K")
        return self.x._data

    def __exit__(self, *exc):
        self.x._data = self.saved


def _numerical(fn, inputs, i, eps):
    """Central, forward and backward differences of every floating output with respect to
    every element of input i: three lists (one per output) of (n_in, n_out) arrays."""
    x = inputs[i]
    base = _flat64(_float_outputs(fn, inputs))
    central = [np.zeros((x._data.size, b.size)) for b in base]
    forward = [np.zeros_like(c) for c in central]
    backward = [np.zeros_like(c) for c in central]
    with _Writable(x) as data:
        for j in range(data.size):
            idx = np.unravel_index(j, data.shape)
            orig = data[idx].copy()
            data[idx] = orig + eps
            up = float(data[idx]) - float(orig)  # the step actually taken in x's dtype
            plus = _flat64(_float_outputs(fn, inputs))
            data[idx] = orig - eps
            down = float(orig) - float(data[idx])
            minus = _flat64(_float_outputs(fn, inputs))
            data[idx] = orig
            for k, (p, m, b) in enumerate(zip(plus, minus, base)):
                central[k][j] = (p - m) / (up + down)
                forward[k][j] = (p - b) / up
                backward[k][j] = (b - m) / down
    return central, forward, backward


def _analytical(fn, inputs, diff_idx, check_grad_dtypes):
    """J[(i, k)][j, r] = d out_k[r] / d input_i[j], one backward per output element."""
    outs = _float_outputs(fn, inputs)
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
                    _check_grad_meta(gi, inputs[i], i, check_grad_dtypes)
                    jac[(i, k)][:, r] = gi._data.reshape(-1)
    return outs, jac


def _check_grad_meta(g, x, i, check_dtype):
    if g.shape != x.shape:
        raise GradcheckError(f"gradient of input {i} has shape {tuple(g.shape)}, expected "
                             f"{tuple(x.shape)} (the input's shape): a broadcast or a "
                             f"reduction is not undone in backward")
    if check_dtype and g.dtype != x.dtype:
        raise GradcheckError(f"gradient of input {i} has dtype {g.dtype}, expected {x.dtype} "
                             f"(the input's dtype)")


def _multi_index(flat, shape):
    return tuple(int(v) for v in np.unravel_index(flat, shape)) if shape else ()


def _is_kink(ana, fwd, bwd, atol, rtol):
    """One-sided differences disagree and the analytical value is a subgradient between
    them (elementwise over arrays of candidates)."""
    lo, hi = np.minimum(fwd, bwd), np.maximum(fwd, bwd)
    tol = atol + rtol * np.maximum(np.abs(lo), np.abs(hi))
    return (hi - lo > tol) & (ana >= lo - tol) & (ana <= hi + tol)


def _factor_hint(ana, num, atol):
    """'analytical = c x numerical' when every significant entry differs by one factor."""
    sig = np.abs(num) > max(atol, 1e-8)
    if sig.sum() < 1:
        return ""
    ratios = ana[sig] / num[sig]
    c = float(np.median(ratios))
    if abs(c - 1) > 1e-3 and np.allclose(ratios, c, rtol=1e-3, atol=1e-6) and \
            np.allclose(ana[~sig], 0, atol=max(atol, 1e-8)):
        return f"\nhint: analytical = {c:.6g} x numerical everywhere: a constant factor is wrong"
    if np.allclose(ana.sum(), num.sum(), rtol=1e-3, atol=atol * ana.size) and \
            ana.shape[0] == ana.shape[1] and np.allclose(ana, num.T, rtol=1e-3, atol=atol):
        return "\nhint: analytical equals the transposed numerical Jacobian: a transpose is wrong"
    return ""


def _mismatch_message(i, k, x, out, ana, num, bad, atol, rtol):
    diff = np.abs(ana - num) * bad
    order = np.argsort(diff, axis=None)[::-1][:min(_SHOWN, int(bad.sum()))]
    rows = []
    for flat in order:
        j, r = np.unravel_index(flat, ana.shape)
        rows.append(f"  {str(_multi_index(j, x.shape)):<16} {str(_multi_index(r, out.shape)):<16}"
                    f" {num[j, r]:>+16.8g} {ana[j, r]:>+16.8g} {diff[j, r]:>12.4g}")
    header = (f"Jacobian mismatch for output {k} with respect to input {i} (input shape "
              f"{tuple(x.shape)}, output shape {tuple(out.shape)}): {int(bad.sum())} of "
              f"{bad.size} entries differ by more than atol={atol:g} + rtol={rtol:g} * "
              f"|numerical|. The worst:\n"
              f"  {'input ' + str(i) + ' elem':<16} {'output ' + str(k) + ' elem':<16} "
              f"{'numerical':>16} {'analytical':>16} {'|diff|':>12}")
    return header + "\n" + "\n".join(rows) + _factor_hint(ana, num, atol)


def _kink_message(i, k, x, out, j, r, ana, fwd, bwd):
    return (f"input {i} element {_multi_index(j, x.shape)} is at a non-differentiable point "
            f"(kink) of output {k} element {_multi_index(r, out.shape)}: the one-sided "
            f"differences disagree (from the right {fwd:+.8g}, from the left {bwd:+.8g}); the "
            f"analytical value {ana:+.8g} is a valid subgradient there, so this is not a "
            f"gradient error. Check the function away from this point.")


def _jump_message(i, k, x, out, j, r):
    return (f"input {i} element {_multi_index(j, x.shape)} is at a non-differentiable point "
            f"(kink) of output {k} element {_multi_index(r, out.shape)}: the function jumps "
            f"there (its difference quotients grow as eps shrinks), so no derivative exists "
            f"to check. Check the function away from this point.")


def _fail(error, raise_exception):
    if raise_exception:
        raise error
    return False


def _slow_check(func, inputs, diff_idx, eps, atol, rtol, check_grad_dtypes):
    outs, analytical = _analytical(func, inputs, diff_idx, check_grad_dtypes)
    kink = None
    for i in diff_idx:
        central, forward, backward = _numerical(func, inputs, i, eps)
        for k, num in enumerate(central):
            ana = analytical[(i, k)]
            bad = np.abs(ana - num) > atol + rtol * np.abs(num)
            if not bad.any():
                continue
            # confirm with a 10x smaller step: where f is smooth but curved, the gap between
            # the one-sided differences (f'' eps) shrinks 10x too; at a kink it stays (or,
            # for a kink between eps/10 and eps away, it vanishes)
            fine_num, fine_fwd, fine_bwd = (a[k] for a in _numerical(func, inputs, i, eps / 10))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.abs(fine_fwd - fine_bwd) / np.abs(forward[k] - backward[k])
            kinks = bad & _is_kink(ana, forward[k], backward[k], atol, rtol) & \
                ((ratio > 0.3) | (ratio < 0.03))
            jumps = bad & ~kinks & (np.abs(fine_num) > 3 * np.abs(num))
            if (bad & ~kinks).any() and (jumps == (bad & ~kinks)).all():
                j, r = np.argwhere(jumps)[0]
                return NonDifferentiablePointError(_jump_message(i, k, inputs[i], outs[k], j, r))
            if (bad & ~kinks).any():
                return GradcheckError(_mismatch_message(i, k, inputs[i], outs[k], ana, num,
                                                        bad & ~kinks, atol, rtol))
            if kink is None:
                j, r = np.argwhere(kinks)[0]
                kink = NonDifferentiablePointError(_kink_message(
                    i, k, inputs[i], outs[k], j, r, ana[j, r], forward[k][j, r],
                    backward[k][j, r]))
    return kink


def _projected_backward(func, inputs, diff_idx, vs):
    """v^T J for every differentiable input (zeros where an input is unused)."""
    outs = _float_outputs(func, inputs)
    pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if not pairs:
        return [np.zeros(inputs[i]._data.shape) for i in diff_idx]
    grads = _grad([o for o, _ in pairs], [inputs[i] for i in diff_idx],
                  [Tensor._wrap(v.astype(o._data.dtype), None) for o, v in pairs],
                  allow_unused=True)
    return [np.zeros(inputs[i]._data.shape) if g is None else g._data.astype(np.float64)
            for i, g in zip(diff_idx, grads)]


def _unit(rng, shape):
    u = rng.standard_normal(shape)
    n = np.linalg.norm(u)
    return u / n if n else u


def _fast_check(func, inputs, diff_idx, eps, atol, rtol, nondet_tol):
    rng = np.random.default_rng(0)
    outs = _float_outputs(func, inputs)
    vs = [_unit(rng, o._data.shape) for o in outs]
    us = {i: _unit(rng, inputs[i]._data.shape) for i in diff_idx}
    vjp = _projected_backward(func, inputs, diff_idx, vs)
    again = _projected_backward(func, inputs, diff_idx, vs)
    for i, g1, g2 in zip(diff_idx, vjp, again):
        if np.abs(g1 - g2).max(initial=0) > nondet_tol:
            return GradcheckError(f"backward is not reentrant: two backward passes with the "
                                  f"same gradient gave different gradients for input {i} "
                                  f"(max difference {np.abs(g1 - g2).max():.3g} > nondet_tol="
                                  f"{nondet_tol:g})")
    base = _flat64(outs)
    kink = None
    for i, g in zip(diff_idx, vjp):
        x, u = inputs[i], us[i]
        ana = float(np.sum(g * u))
        with _Writable(x) as data:
            orig = data.copy()
            data[...] = orig + eps * u
            plus = _flat64(_float_outputs(func, inputs))
            data[...] = orig - eps * u
            minus = _flat64(_float_outputs(func, inputs))
            data[...] = orig
        flat_vs = [v.reshape(-1) for v in vs]
        num = sum(float(v @ (p - m)) for v, p, m in zip(flat_vs, plus, minus)) / (2 * eps)
        if abs(ana - num) <= atol + rtol * abs(num):
            continue
        fwd = sum(float(v @ (p - b)) for v, p, b in zip(flat_vs, plus, base)) / eps
        bwd = sum(float(v @ (b - m)) for v, m, b in zip(flat_vs, minus, base)) / eps
        if _is_kink(np.float64(ana), fwd, bwd, atol, rtol):
            kink = kink or NonDifferentiablePointError(
                f"input {i} is at a non-differentiable point (kink) along a random direction: "
                f"the one-sided directional differences disagree (from the right {fwd:+.8g}, "
                f"from the left {bwd:+.8g}); the analytical projection {ana:+.8g} lies between "
                f"them. Rerun with fast_mode=False to see which element.")
            continue
        return GradcheckError(
            f"Jacobian mismatch for input {i} (shape {tuple(x.shape)}) in fast mode: the "
            f"random projection v^T J u is {num:+.10g} numerically but {ana:+.10g} "
            f"analytically (|diff| {abs(ana - num):.4g} > atol={atol:g} + rtol={rtol:g} * "
            f"|numerical|). Rerun with fast_mode=False to see which elements are wrong.")
    return kink


def _check_zero_grad_outputs(func, inputs, diff_idx):
    """Backward of zero output gradients must give zero input gradients (PyTorch's check of
    undefined output gradients)."""
    outs = [o for o in _float_outputs(func, inputs) if o.requires_grad]
    if not outs:
        return None
    grads = _grad(outs, [inputs[i] for i in diff_idx],
                  [Tensor._wrap(np.zeros_like(o._data), None) for o in outs], allow_unused=True)
    for i, g in zip(diff_idx, grads):
        if g is not None and np.any(g._data != 0):
            return GradcheckError(f"backward with zero output gradients gave a non-zero "
                                  f"gradient for input {i}: backward must be linear in the "
                                  f"output gradient")
    return None


_UNSUPPORTED = ("check_batched_grad", "check_batched_forward_grad", "check_forward_ad")


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check the gradients of `func` at `inputs` against central differences.

    `func(*inputs)` returns a tensor or a tuple of tensors; every floating input that
    requires grad is checked, with respect to every floating output. Returns True when all
    analytical Jacobians match the numerical ones within `atol + rtol * |numerical|`;
    otherwise raises `GradcheckError` whose message lists the worst entries (input element,
    output element, numerical, analytical), or `NonDifferentiablePointError` when the only
    mismatches are at kinks. With `raise_exception=False` it returns False instead.

    `fast_mode=True` compares random projections v^T J u instead of whole Jacobians (for
    large inputs). The other checks: the gradient's shape (and dtype, with
    `check_grad_dtypes=True`) equals the input's; backward of zero output gradients is zero
    (`check_undefined_grad`); two backward passes agree within `nondet_tol` (fast mode).

    glassgrad has no forward-mode AD and no vmap, so `check_forward_ad`,
    `check_batched_grad` and `check_batched_forward_grad` must stay False (True raises).
    `masked` is accepted for PyTorch's signature (glassgrad has no sparse tensors).

    >>> import autograd
    >>> x = autograd.tensor([0.5, 2.0], dtype=autograd.float64, requires_grad=True)
    >>> autograd.gradcheck(lambda t: (t * t).sin(), (x,))
    True
    """
    for name in _UNSUPPORTED:
        if locals()[name]:
            raise ValueError(f"gradcheck: {name}=True is not supported: glassgrad has no "
                             f"forward-mode AD or batched gradients; leave it False")
    if not check_backward_ad:
        raise ValueError("gradcheck: check_backward_ad=False leaves nothing to check "
                         "(glassgrad has no forward-mode AD)")
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True")
    for i in diff_idx:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision "
                          f"floating point ({inputs[i].dtype}). This check will likely fail "
                          f"if all the inputs are not of double precision: central "
                          f"differences in low precision lose most of their digits.",
                          UserWarning, stacklevel=2)
    if check_undefined_grad:
        error = _check_zero_grad_outputs(func, inputs, diff_idx)
        if error is not None:
            return _fail(error, raise_exception)
    if fast_mode:
        error = _fast_check(func, inputs, diff_idx, eps, atol, rtol, nondet_tol)
    else:
        error = _slow_check(func, inputs, diff_idx, eps, atol, rtol, check_grad_dtypes)
    if error is not None:
        return _fail(error, raise_exception)
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False):
    """Check second derivatives: gradcheck of the function that maps (inputs, grad_outputs)
    to the gradients of `func` (computed with create_graph=True).

    `grad_outputs` default to random tensors (a fixed seed, so the check is reproducible)
    that require grad, one per floating output of `func`; with
    `gen_non_contig_grad_outputs=True` they are non-contiguous views. A failure names the
    inputs of that function: `func`'s inputs first, then the grad_outputs.

    >>> import autograd
    >>> x = autograd.tensor([0.5, 2.0], dtype=autograd.float64, requires_grad=True)
    >>> autograd.gradgradcheck(lambda t: t.exp() * t, (x,))
    True
    """
    if check_fwd_over_rev or check_batched_grad:
        raise ValueError("gradgradcheck: forward-over-reverse and batched checks are not "
                         "supported (glassgrad has no forward-mode AD or vmap)")
    if not check_rev_over_rev:
        raise ValueError("gradgradcheck: check_rev_over_rev=False leaves nothing to check")
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = []
        for o in _float_outputs(func, inputs):
            if not o.requires_grad:
                continue
            shape = o._data.shape
            if gen_non_contig_grad_outputs and o._data.ndim:
                g = rng.standard_normal(shape[::-1]).astype(o._data.dtype).T
            else:
                g = rng.standard_normal(shape).astype(o._data.dtype)
            grad_outputs.append(Tensor._wrap(g, None).requires_grad_())
    grad_outputs = list(_as_tuple(grad_outputs))
    n = len(inputs)

    def first_order(*args):
        xs, gos = args[:n], args[n:]
        ys = [y for y in _float_outputs(func, xs) if y.requires_grad]
        if not ys:
            return ()
        gs = _grad(ys, [xs[i] for i in diff_idx], list(gos), create_graph=True,
                   allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_order, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, fast_mode=fast_mode)
