"""`autograd.graph`: PyTorch's `torch.autograd.graph` helpers for code that works on a
tensor's memory directly.

`increment_version(tensor)` marks a tensor as modified in place when the write did not go
through a glassgrad op (NumPy writing into `t.data`, as nn.optim's updates do): a value of
it saved for backward before the write is then reported as modified at backward time, as
after `t.add_(...)`. It costs nothing in proportion to the tensor's size.
"""
from .tensor import Tensor

__all__ = ["increment_version"]


def increment_version(tensor):
    """Bump the version counter of `tensor` (a Tensor, or an iterable of Tensors), as
    `torch.autograd.graph.increment_version`."""
    for t in ((tensor,) if isinstance(tensor, Tensor) else tensor):
        if not isinstance(t, Tensor):
            raise TypeError(f"increment_version: expected a Tensor or an iterable of "
                            f"Tensors, got {type(t).__name__}")
        t._vc[0] += 1
