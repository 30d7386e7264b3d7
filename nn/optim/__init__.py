"""nn.optim: PyTorch's torch.optim on glassgrad — optimizers and learning-rate schedulers.

Optimizers update the NumPy arrays of their parameters in place from `.grad`, following
PyTorch's documented update rules; `nn.optim.lr_scheduler` holds the schedulers.
"""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam, AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .lbfgs import LBFGS
from .rprop import Rprop
from .asgd import ASGD
from .adafactor import Adafactor
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
           "Adagrad", "Adadelta", "LBFGS", "Rprop", "ASGD", "Adafactor",
           "lr_scheduler"]
