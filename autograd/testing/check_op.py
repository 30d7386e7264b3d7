"""`check_op`: property-test an op's gradients in one call.

For every example drawn from the strategies, the op is checked for:

- "gradcheck": first derivatives against central differences (`autograd.gradcheck`);
- "gradgradcheck": second derivatives (`autograd.gradgradcheck`);
- "grad_meta": every input's gradient has the input's shape and dtype;
- "inputs_unchanged": the op (forward and backward) did not write into its inputs.

An example at a non-differentiable point (gradcheck's `NonDifferentiablePointError`) is
rejected, not failed: hypothesis draws another. A failing check raises with hypothesis'
"Falsifying example" note showing the (shrunk) inputs.
"""
import numpy as np
from hypothesis import HealthCheck, given, reject
from hypothesis import settings as _settings
from hypothesis import strategies as st

from ..autograd_api import grad as _grad
from ..gradcheck import NonDifferentiablePointError, gradcheck, gradgradcheck
from ..tensor import Tensor

__all__ = ["check_op", "check_example", "ALL_CHECKS"]

ALL_CHECKS = ("gradcheck", "gradgradcheck", "grad_meta", "inputs_unchanged")


def _tensors_in(args):
    return [a for a in args if isinstance(a, Tensor)]


def _float_outputs(result):
    items = result if isinstance(result, (tuple, list)) else (result,)
    return [o for o in items if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def _check_grad_meta(result, args):
    diff = [a for a in args if isinstance(a, Tensor) and a.requires_grad]
    outs = [o for o in _float_outputs(result) if o.requires_grad]
    if not diff:
        return
    if not outs:
        raise AssertionError("the op returned no output that requires grad although its "
                             "inputs do: it was not recorded in the graph")
    grads = _grad(outs, diff, [Tensor._wrap(np.ones_like(o._data), None) for o in outs],
                  allow_unused=True)
    for k, (x, g) in enumerate(zip(diff, grads)):
        if g is None:
            continue
        if g.shape != x.shape or g.dtype != x.dtype:
            raise AssertionError(f"the gradient of differentiable input {k} has shape "
                                 f"{tuple(g.shape)} and dtype {g.dtype}, but the input has "
                                 f"shape {tuple(x.shape)} and dtype {x.dtype}")


def check_example(fn, args, *, checks=ALL_CHECKS, eps=1e-6, atol=1e-5, rtol=1e-3,
                  fast_mode=False):
    """Run the chosen `checks` of `fn` on one tuple of arguments `args` (tensors that
    require grad are differentiated; anything else is passed through as a constant).
    Raises AssertionError or GradcheckError on failure, NonDifferentiablePointError at a
    kink."""
    unknown = set(checks) - set(ALL_CHECKS)
    if unknown:
        raise ValueError(f"check_op: unknown checks {sorted(unknown)}; choose from "
                         f"{list(ALL_CHECKS)}")
    before = [t._data.copy() for t in _tensors_in(args)]
    result = fn(*args)
    if "grad_meta" in checks:
        _check_grad_meta(result, args)
    options = dict(eps=eps, atol=atol, rtol=rtol, fast_mode=fast_mode)
    has_diff = any(isinstance(a, Tensor) and a.requires_grad for a in args)
    if "gradcheck" in checks and has_diff:
        gradcheck(fn, args, check_grad_dtypes=True, **options)
    if "gradgradcheck" in checks and has_diff:
        gradgradcheck(fn, args, **options)
    if "inputs_unchanged" in checks:
        for k, (t, old) in enumerate(zip(_tensors_in(args), before)):
            if t._data.shape != old.shape or not np.array_equal(t._data, old, equal_nan=True):
                raise AssertionError(f"the op changed its tensor argument {k} in place "
                                     f"(shape {tuple(old.shape)}): an out-of-place op must "
                                     f"not write into its inputs")


def check_op(fn, *strategies, args=None, max_examples=None, checks=ALL_CHECKS, eps=1e-6,
             atol=1e-5, rtol=1e-3, fast_mode=False, settings=None):
    """Property-test `fn`: draw arguments and check gradients, second derivatives, gradient
    shapes and dtypes, and that inputs are not mutated, on every example.

    `strategies` give one argument each (`fn(*drawn)`); when arguments depend on each other
    (a dim valid for the tensor's rank, an index within its shape), pass instead
    `args=`, one strategy that draws the whole tuple. `max_examples` defaults to the active
    hypothesis profile's; `settings` (a `hypothesis.settings`) overrides more. Runs at once,
    inside whatever test calls it (not inside another `@given`), and raises on the first
    failure with the shrunk failing example.

    >>> import autograd
    >>> from autograd.testing import check_op, tensors, away_from, positive
    >>> check_op(lambda x: x.exp() * x, tensors(), max_examples=5)
    >>> check_op(lambda x, y: x / y, tensors(shape=(2,)), tensors(shape=(2,),
    ...          elements=away_from(0, margin=0.5)), max_examples=5)
    """
    if args is None:
        if not strategies:
            raise TypeError("check_op needs a strategy per argument of fn, or args=")
        args = st.tuples(*strategies)
    elif strategies:
        raise TypeError("check_op: pass either one strategy per argument or args=, not both")
    chosen = settings if settings is not None else _settings()
    run_settings = _settings(
        parent=chosen,
        max_examples=max_examples if max_examples is not None else chosen.max_examples,
        deadline=None,
        suppress_health_check=list(chosen.suppress_health_check) + [HealthCheck.too_slow])
    name = getattr(fn, "__name__", "fn")

    @run_settings
    @given(args)
    def check_op_example(drawn):
        drawn = tuple(drawn)
        try:
            check_example(fn, drawn, checks=checks, eps=eps, atol=atol, rtol=rtol,
                          fast_mode=fast_mode)
        except NonDifferentiablePointError:
            reject()

    check_op_example.__name__ = f"check_op[{name}]"
    check_op_example()
