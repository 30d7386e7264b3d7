"""glassgrad's autograd: NumPy tensors with PyTorch's names and reverse-mode differentiation."""
from . import dtypes
from .dtypes import (bool, can_cast, double, dtype, finfo, float, float16, float32, float64,  # noqa: A004
                     get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long,
                     promote_types, set_default_dtype, short, uint8)
from .device import cuda, device
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .function import Function, once_differentiable
from .tensor import Size, Tensor, tensor
from .autograd_api import backward, grad
from . import scalar  # noqa: F401
from .scalar import Scalar  # noqa: F401
from .printing import set_printoptions
from .random import (Generator, default_generator, fork_rng, get_rng_state, initial_seed,
                     manual_seed, seed, set_rng_state)
from . import tensor_methods as _tensor_methods  # noqa: F401  (binds ops as Tensor methods)
from .factories import *  # noqa: F401,F403
from .ops.elementwise import *  # noqa: F401,F403
from .ops.binary import *  # noqa: F401,F403
from .ops.binary_math import *  # noqa: F401,F403
from .ops.select import *  # noqa: F401,F403
from .ops.compare import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.stats import *  # noqa: F401,F403
from .ops.softmax import *  # noqa: F401,F403
from .ops.cumulative import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.join import *  # noqa: F401,F403
from .ops.pad import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.inplace import copy_  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401
from .function import Function as _F  # noqa: F401
from . import random  # noqa: F401
from . import graph  # noqa: F401
from . import autograd  # noqa: F401,E402  (torch.autograd's namespace: autograd.autograd.grad, ...)
from .serialization import CheckpointError, load, save  # noqa: F401
from .tensor import tensor  # noqa: F401,E402  (the factory, not the module)

is_tensor = lambda obj: isinstance(obj, Tensor)  # noqa: E731
numel = lambda input: input.numel()  # noqa: E731
is_floating_point = lambda input: input.is_floating_point()  # noqa: E731


def __getattr__(name):
    """`autograd.viz` and `autograd.testing` load on first use: viz needs graphviz, testing
    needs hypothesis (a test dependency), and plain engine users need neither."""
    if name in ("viz", "testing"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'autograd' has no attribute '{name}'")
