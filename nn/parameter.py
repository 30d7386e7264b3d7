"""`Parameter` and `Buffer`: tensors that a `Module` registers when they are assigned to it.

A `Parameter` is a leaf tensor that requires grad (unless told otherwise) and that
`Module.__setattr__` files under `_parameters`, so it shows up in `parameters()`,
`state_dict()` and the optimizers. A `Buffer` is filed under `_buffers` (state that is saved
but not trained, such as BatchNorm's running statistics).

Both share their values with the tensor they are made from, as PyTorch's do. Operations on
them return plain `autograd.Tensor`s (the engine builds every result as a plain tensor).
"""
import autograd
from autograd import Tensor

__all__ = ["Parameter", "Buffer"]


def _as_leaf_tensor(data, what):
    if data is None:
        return autograd.empty(0)
    if isinstance(data, Tensor):
        return data
    raise TypeError(f"{what}(): expected a Tensor (or None), got {type(data).__name__}; "
                    f"wrap the values first, e.g. {what}(autograd.tensor(values))")


def _alias(cls, data, requires_grad):
    """A `cls` instance sharing `data`'s values and version counter, with no history."""
    obj = data.detach()
    obj.__class__ = cls
    if requires_grad:
        obj.requires_grad_(True)
    return obj


class Parameter(Tensor):
    """A tensor that is a module parameter (PyTorch's `torch.nn.Parameter`).

    `Parameter(data=None, requires_grad=True)` shares `data`'s memory. Assigning one as a
    module attribute registers it. Only floating-point data can require grad.
    """

    def __new__(cls, data=None, requires_grad=True):
        return _alias(cls, _as_leaf_tensor(data, "Parameter"), requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass  # all the work is done in __new__

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__


class Buffer(Tensor):
    """A tensor that is a module buffer (PyTorch's `torch.nn.Buffer`).

    `Buffer(data=None, persistent=True)`; a non-persistent buffer is left out of
    `state_dict()`. Assigning one as a module attribute registers it, and the module then
    stores a plain Tensor sharing its values.
    """

    def __new__(cls, data=None, *, persistent=True):
        obj = _alias(cls, _as_leaf_tensor(data, "Buffer"), False)
        obj.persistent = bool(persistent)
        return obj

    def __init__(self, data=None, *, persistent=True):
        pass  # all the work is done in __new__

