"""nn.utils: gradient clipping, parameter/vector conversion and model summaries."""
from .clip_grad import *  # noqa: F401,F403
from .convert_parameters import *  # noqa: F401,F403
from .summary import *  # noqa: F401,F403
