"""glassgrad's autograd: NumPy tensors with PyTorch's names and reverse-mode differentiation."""
from . import dtypes
from .dtypes import (bool, double, dtype, float, float16, float32, float64, get_default_dtype,  # noqa: A004
                     half, int, int8, int16, int32, int64, long, promote_types,
                     set_default_dtype, short, uint8)
from .device import cuda, device
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .function import Function, once_differentiable
from .tensor import Size, Tensor, tensor
from .autograd_api import backward, grad
from .printing import set_printoptions
