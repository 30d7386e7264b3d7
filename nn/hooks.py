"""Module hooks: removable handles, the forward call with hooks, and full backward hooks.

`Module.__call__` runs `call_with_hooks` when any hook is registered. Full backward hooks
work as PyTorch's: the module's tensor inputs and outputs pass through identity
`autograd.Function`s; the one on the outputs sees the gradients with respect to the outputs
(and runs the backward pre-hooks), the one on the inputs sees the gradients with respect to
the inputs and runs the backward hooks with both.
"""
import itertools

import autograd
from autograd import Tensor

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Returned by the `register_*_hook` methods; `remove()` unregisters the hook (also as a
    context manager: the hook is removed on exit)."""
    _next_id = itertools.count()

    def __init__(self, hooks_dict, *extra_dicts):
        self.id = next(RemovableHandle._next_id)
        self._dicts = (hooks_dict,) + extra_dicts

    def remove(self):
        for d in self._dicts:
            if isinstance(d, set):
                d.discard(self.id)
            else:
                d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def call_with_hooks(module, args, kwargs):
    """`module.forward(*args, **kwargs)` with its forward pre-hooks, forward hooks and
    backward hooks (PyTorch's `Module._call_impl`)."""
    for hook_id, hook in list(module._forward_pre_hooks.items()):
        if hook_id in module._forward_pre_hooks_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"forward pre-hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    backward_hook = None
    if module._backward_hooks or module._backward_pre_hooks:
        backward_hook = _BackwardHookState(module)
        args = backward_hook.wrap_inputs(args)
    called = set()
    try:
        output = module.forward(*args, **kwargs)
        for hook_id, hook in list(module._forward_hooks.items()):
            called.add(hook_id)
            if hook_id in module._forward_hooks_with_kwargs:
                result = hook(module, args, kwargs, output)
            else:
                result = hook(module, args, output)
            if result is not None:
                output = result
    except Exception:
        for hook_id, hook in list(module._forward_hooks.items()):
            if hook_id in module._forward_hooks_always_called and hook_id not in called:
                try:
                    if hook_id in module._forward_hooks_with_kwargs:
                        hook(module, args, kwargs, None)
                    else:
                        hook(module, args, None)
                except Exception:  # the forward's own error is the one to report
                    pass
        raise
    if backward_hook is not None:
        output = backward_hook.wrap_outputs(output)
    return output


def _tensors_needing_grad(values):
    return [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]


class _BackwardHookState:
    """The gradients of one call's outputs, kept until its inputs' gradients arrive."""

    def __init__(self, module):
        self.module = module
        self.grad_outputs = None
        self.n_inputs = 0      # positional arguments (grad_input has one entry for each)
        self.hooked = ()       # the places of those that need grad
        self.inputs_hooked = False

    def wrap_inputs(self, args):
        if not autograd.is_grad_enabled():
            return args
        positions = _tensors_needing_grad(args)
        self.n_inputs = len(args)
        self.hooked = tuple(positions)
        if not positions:
            return args
        self.inputs_hooked = True
        new = _InputsIdentity.apply(self, *[args[i] for i in positions])
        new = new if isinstance(new, tuple) else (new,)
        args = list(args)
        for i, t in zip(positions, new):
            args[i] = t
        return tuple(args)

    def wrap_outputs(self, output):
        if not autograd.is_grad_enabled():
            return output
        single = isinstance(output, Tensor)
        values = (output,) if single else output
        if not isinstance(values, (tuple, list)):
            return output
        positions = _tensors_needing_grad(values)
        if not positions:
            return output
        new = _OutputsIdentity.apply(self, *[values[i] for i in positions])
        new = new if isinstance(new, tuple) else (new,)
        values = list(values)
        for i, t in zip(positions, new):
            values[i] = t
        if single:
            return values[0]
        return type(output)(*values) if hasattr(output, "_fields") else type(output)(values)

    def run_pre_hooks(self, grads):
        for hook in list(self.module._backward_pre_hooks.values()):
            result = hook(self.module, grads)
            if result is not None:
                result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
                if len(result) != len(grads):
                    raise RuntimeError(f"backward pre-hook returned {len(result)} gradients "
                                       f"for {len(grads)} outputs")
                grads = result
        self.grad_outputs = grads
        if not self.inputs_hooked:  # no input needs grad: the hooks run now
            self.run_hooks((None,) * self.n_inputs)
        return grads

    def run_input_hooks(self, grads):
        """The hooks, with grad_input holding None for arguments that get no gradient
        (PyTorch passes zeros for a tensor argument that does not require grad when
        another one does); returns the (possibly replaced) gradients of those that do."""
        full = [None] * self.n_inputs
        for place, g in zip(self.hooked, grads):
            full[place] = g
        full = self.run_hooks(tuple(full))
        return tuple(full[place] for place in self.hooked)

    def run_hooks(self, grad_inputs):
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is not None:
                result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
                if len(result) != len(grad_inputs):
                    raise RuntimeError(f"backward hook returned {len(result)} gradients for "
                                       f"{len(grad_inputs)} inputs")
                grad_inputs = result
        return grad_inputs


class _OutputsIdentity(autograd.Function):
    """Identity on the module's outputs; its backward runs the backward pre-hooks."""

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.state.run_pre_hooks(grads))


class _InputsIdentity(autograd.Function):
    """Identity on the module's inputs; its backward runs the full backward hooks."""

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + ctx.state.run_input_hooks(grads)
