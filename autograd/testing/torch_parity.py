"""Compare an op with PyTorch on the same inputs: values, shapes, output dtypes,
requires_grad, gradients and the kind of error raised.

    from autograd.testing.torch_parity import compare_with_torch
    my_op = lambda lib, x: lib.exp(x) * x
    compare_with_torch("my_op", my_op, my_op, (x,), libs=(autograd, torch), torch=torch)

`call(lib, *args)` is called with glassgrad's module and with PyTorch's (the same spelling
serves both when the names agree); the arguments are converted with `to_torch`. PyTorch is
imported by the caller: this module does not need it installed.
"""
import numpy as np

from ..autograd_api import grad as _grad
from ..tensor import Tensor

__all__ = ["ERROR_KINDS", "to_torch", "outputs", "error_kind", "run", "compare_values",
           "compare_grads", "compare_with_torch"]

ERROR_KINDS = (IndexError, ValueError, TypeError, NotImplementedError, RuntimeError)


def to_torch(value, torch):
    """The same argument for PyTorch: tensors and arrays copied (requires_grad kept),
    containers converted element by element, anything else passed as is.

    The copies are C-contiguous whatever glassgrad's layout: glassgrad's own handling of
    non-contiguous inputs is checked by the property tests against finite differences, and
    PyTorch's strided kernels are not always right (2.13's CPU batch_norm backward gives
    wrong input gradients for a float64 (N, C, H, 1) input with channels_last strides:
    torch.autograd.gradcheck fails on it)."""
    if isinstance(value, Tensor):
        t = torch.from_numpy(np.array(value._data, order="C", copy=True))
        return t.requires_grad_() if value.requires_grad else t
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value, order="C", copy=True))
    if isinstance(value, (tuple, list)):
        return type(value)(to_torch(v, torch) for v in value)
    return value


def outputs(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def error_kind(error):
    """The first of ERROR_KINDS that `error` is an instance of (NotImplementedError is a
    RuntimeError, so it is listed first), its own type otherwise, None for no error."""
    if error is None:
        return None
    return next((k for k in ERROR_KINDS if isinstance(error, k)), type(error))


def run(fn, *args):
    """(result, None), or (None, the exception) when fn raises."""
    try:
        return fn(*args), None
    except Exception as error:  # noqa: BLE001 - the type is what is compared
        return None, error


def _weights(shape):
    """Fixed, element-distinct output weights (so a gradient routed to the wrong element
    shows)."""
    n = int(np.prod(shape))
    return np.linspace(0.5, 1.5, n).reshape(shape) if n else np.zeros(shape)


def compare_values(name, ours, theirs, torch, *, rtol=1e-7, atol=1e-12):
    """Same number of outputs; each with PyTorch's shape, dtype, requires_grad and values."""
    assert len(ours) == len(theirs), f"{name}: {len(ours)} outputs, PyTorch {len(theirs)}"
    for k, (o, t) in enumerate(zip(ours, theirs)):
        if not isinstance(t, torch.Tensor):
            assert o == t, f"{name}: output {k} is {o!r}, PyTorch's {t!r}"
            continue
        where = f"{name}: output {k}"
        assert isinstance(o, Tensor), f"{where} is {type(o).__name__}, PyTorch's a tensor"
        assert tuple(o.shape) == tuple(t.shape), \
            f"{where} shape {tuple(o.shape)} vs {tuple(t.shape)}"
        assert o.dtype.name == str(t.dtype).split(".")[-1], \
            f"{where} dtype {o.dtype} vs {t.dtype}"
        assert o.requires_grad == t.requires_grad, \
            f"{where} requires_grad {o.requires_grad} vs {t.requires_grad}"
        np.testing.assert_allclose(o._data, t.detach().numpy(), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=where)


def compare_grads(name, args, targs, ours, theirs, torch, *, rtol=1e-7, atol=1e-12):
    """Gradients of sum(w_k * output_k) (fixed distinct weights w_k) with respect to every
    input that requires grad, glassgrad's against PyTorch's. Skipped when PyTorch's own
    backward raises (then there is nothing to compare with)."""
    inputs = [(a, t) for a, t in zip(args, targs) if isinstance(a, Tensor) and a.requires_grad]
    pairs = [(o, t) for o, t in zip(ours, theirs)
             if isinstance(o, Tensor) and o.requires_grad and o.numel()
             and o._data.dtype.kind == "f"]
    if not inputs or not pairs:
        return
    loss = sum((o * Tensor._wrap(_weights(tuple(o.shape)).astype(o._data.dtype), None)).sum()
               for o, _ in pairs)
    tloss = sum((t * torch.tensor(_weights(tuple(t.shape)), dtype=t.dtype)).sum()
                for _, t in pairs)
    tgrads, terror = run(lambda: torch.autograd.grad(
        tloss, [t for _, t in inputs], allow_unused=True, materialize_grads=True))
    if terror is not None:
        return
    grads = _grad(loss, [a for a, _ in inputs], allow_unused=True, materialize_grads=True)
    for k, (g, tg) in enumerate(zip(grads, tgrads)):
        np.testing.assert_allclose(g._data, tg.numpy(), rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=f"{name}: gradient of differentiable input {k}")


def compare_with_torch(name, call, torch_call, args, *, libs, torch, **tolerances):
    """With `libs` = (glassgrad's module, PyTorch's module), e.g. (autograd, torch) or
    (nn.functional, torch.nn.functional), call `call(libs[0], *args)` and
    `torch_call(libs[1], *to_torch(args))`: both raise the same kind of error, or give the
    same outputs and gradients. `torch` is the torch package."""
    args = tuple(args)
    targs = to_torch(args, torch)
    ours, error = run(call, libs[0], *args)
    theirs, terror = run(torch_call, libs[1], *targs)
    assert error_kind(error) == error_kind(terror), (
        f"{name}: glassgrad raised {error!r}, PyTorch raised {terror!r}")
    if error is not None:
        return
    ours, theirs = outputs(ours), outputs(theirs)
    compare_values(name, ours, theirs, torch, **tolerances)
    compare_grads(name, args, targs, ours, theirs, torch, **tolerances)
