"""`autograd.autograd`: the `torch.autograd` namespace, so that a PyTorch program keeps
working when `import torch` becomes `import autograd`: `torch.autograd.grad(...)` becomes
`autograd.autograd.grad(...)`, `torch.autograd.Function` becomes `autograd.autograd.Function`.

Everything here is the same object as at glassgrad's top level (`autograd.grad is
autograd.autograd.grad`); this module only gives PyTorch's spellings a place to resolve.
"""
from . import function, graph
from .anomaly import detect_anomaly, set_detect_anomaly
from .autograd_api import backward, grad
from .function import Function, once_differentiable
from .gradcheck import gradcheck, gradgradcheck
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled

__all__ = ["backward", "grad", "Function", "once_differentiable", "function", "graph",
           "gradcheck", "gradgradcheck", "detect_anomaly", "set_detect_anomaly", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode"]
