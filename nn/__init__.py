"""glassgrad's nn: PyTorch's torch.nn on glassgrad's autograd.

Modules live in `nn.layers` (one file per family), the functions behind them in
`nn.functional`, initialisers in `nn.init`, optimizers in `nn.optim`, data loading in
`nn.data`, datasets in `nn.datasets`, and the command line in `nn.cli`.
"""
from .parameter import *  # noqa: F401,F403
from .module import *  # noqa: F401,F403
from .containers import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from . import data, functional, init, optim, utils  # noqa: F401
