"""Flatten parameters into one vector and back (PyTorch's `torch.nn.utils`
`parameters_to_vector` / `vector_to_parameters`)."""
import autograd
from autograd import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """One 1-D tensor: the parameters flattened and concatenated, in order (differentiable
    with respect to them)."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return autograd.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Set each parameter's values to its slice of the 1-D tensor `vec` (the inverse of
    `parameters_to_vector`). As in PyTorch the parameters' `.data` become views of `vec`."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected autograd.Tensor, but got: {type(vec).__name__}")
    if vec.ndim != 1:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector, got shape "
                         f"{tuple(vec.shape)}")
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    total = sum(p.numel() for p in parameters)
    if total != vec.numel():
        raise ValueError(f"vector_to_parameters: the vector has {vec.numel()} elements but "
                         f"the parameters hold {total}")
    pointer = 0
    for p in parameters:
        n = p.numel()
        p.data = vec.data[pointer:pointer + n].reshape(tuple(p.shape)).astype(
            p.data.dtype, copy=False)
        pointer += n
