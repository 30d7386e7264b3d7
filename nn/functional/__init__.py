"""nn.functional: the functions behind the modules (PyTorch's torch.nn.functional)."""
from .layers import *  # noqa: F401,F403
from .embedding import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .classification_loss import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403
