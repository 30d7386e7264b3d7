"""`autograd.backward` and `autograd.grad`: the user-facing entry points to the engine.

Both accept Tensors or `Scalar`s (whose graphs the same engine walks); Scalar calls are handed
to `autograd.scalar.backward` / `autograd.scalar.grad`.
"""
import numpy as np

from . import engine as _engine
from . import grad_mode as _gm
from . import scalar as _scalar
from .node import edge as _edge
from .tensor import Tensor

__all__ = ["backward", "grad"]


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _root_grads(outputs, grad_outputs, create_graph, fn_name):
    grads = []
    for i, out in enumerate(outputs):
        g = None if grad_outputs is None else grad_outputs[i]
        if not out._rg:
            raise RuntimeError(_no_graph_message(out, i, fn_name))
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs: {fn_name} was "
                    f"called on a tensor of shape {tuple(out.shape)} without a gradient. Pass "
                    f"gradient=... (the gradient of the loss with respect to this tensor, of "
                    f"the same shape), or reduce it first, e.g. out.sum().backward()")
            g = np.ones_like(out._data)
        elif isinstance(g, Tensor):
            if g.shape != out.shape:
                raise RuntimeError(f"{fn_name}: mismatch in shape: the gradient has shape "
                                   f"{tuple(g.shape)} but the output has shape "
                                   f"{tuple(out.shape)}")
            g = g if create_graph else g._data
        else:
            g = np.asarray(g, dtype=out._data.dtype)
            if g.shape != out._data.shape:
                raise RuntimeError(f"{fn_name}: mismatch in shape: the gradient has shape "
                                   f"{g.shape} but the output has shape {tuple(out.shape)}")
        if create_graph and not isinstance(g, Tensor):
            g = Tensor._wrap(g, None)
        grads.append(g)
    return grads


def _no_graph_message(t, i, fn_name):
    if t._data.dtype.kind != "f":
        why = (f"it has dtype {t.dtype}, and only floating-point tensors take part in "
               f"differentiation")
    elif t.__dict__.get("_detached"):
        why = ("it was made by detach(), which cuts it from the graph; compute the loss "
               "from the tensor itself, not from its detached copy")
    elif not _gm.state.grad_enabled:
        why = ("gradient recording is off here (inside no_grad(), inference_mode() or "
               "set_grad_enabled(False)), so no graph was built; run the forward pass "
               "outside that block")
    elif t.grad_fn is None:
        why = ("it is a leaf that does not require grad: it was made under no_grad() (or "
               "inference_mode()), from tensors none of which requires grad, or created "
               "without requires_grad=True")
    else:
        why = "it does not require grad"
    return (f"element {i} of tensors does not require grad and does not have a grad_fn: "
            f"{fn_name} cannot run on it because {why}")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             inputs=None):
    """Accumulate the gradients of `tensors` into the `.grad` of the graph's leaves."""
    if _scalar.is_scalar_call(tensors):
        return _scalar.backward(tensors, grad_tensors, retain_graph, create_graph, inputs)
    tensors = _as_list(tensors)
    grad_tensors = _as_list(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    grads = _root_grads(tensors, grad_tensors, create_graph, "backward()")
    roots = [_edge(t) for t in tensors]
    if inputs is None:
        _engine.run_backward(roots, grads, retain_graph, create_graph)
        return
    inputs = _as_list(inputs)
    found = _engine.run_backward(roots, grads, retain_graph, create_graph,
                                 inputs=[_edge(t) for t in inputs])
    for t, g in zip(inputs, found):
        if g is not None:
            t._accumulate_grad(g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned as a tuple (the `.grad`
    of leaves is not touched). With `create_graph=True` the results are differentiable, so
    second and higher derivatives follow by calling `grad` again."""
    if _scalar.is_scalar_call(outputs, inputs):
        return _scalar.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                            allow_unused, materialize_grads)
    if is_grads_batched:
        raise NotImplementedError(
            "grad(is_grads_batched=True) needs vmap, which glassgrad does not have; call "
            "grad once per row of grad_outputs (with retain_graph=True) instead")
    outputs = _as_list(outputs)
    single_input = isinstance(inputs, Tensor)
    inputs = _as_list(inputs)
    grad_outputs = _as_list(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs[{i}] is a {type(t).__name__}, not a Tensor")
        if not t._rg:
            raise RuntimeError(f"grad(): inputs[{i}] does not require grad; call "
                               f"requires_grad_() on it before the forward pass")
    grads = _root_grads(outputs, grad_outputs, create_graph, "grad()")
    roots = [_edge(t) for t in outputs]
    found = _engine.run_backward(roots, grads, retain_graph, create_graph,
                                 inputs=[_edge(t) for t in inputs])
    result = []
    for i, (t, g) in enumerate(zip(inputs, found)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad(): inputs[{i}] (shape {tuple(t.shape)}) was not used "
                                   f"in the graph of the outputs; pass allow_unused=True to "
                                   f"get None for it")
            if materialize_grads:
                g = np.zeros_like(t._data)
        if g is not None and not isinstance(g, Tensor):
            g = Tensor._wrap(g, None)
        result.append(g)
    return tuple(result)
