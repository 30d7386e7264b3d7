"""Devices: glassgrad computes on the CPU with NumPy. `device("cpu")` works everywhere; asking
for "cuda" (or any other) raises an error that says no GPU backend exists yet."""

__all__ = ["device", "CPU", "cuda"]


_KNOWN_TYPES = ("cpu", "cuda", "mps", "xpu", "meta")  # PyTorch's names; only cpu is available


class device:
    """Where a tensor lives (PyTorch's `torch.device`); only "cpu" is available."""
    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        name = str(type)
        if ":" in name:
            name, idx = name.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}' (the index after ':' must "
                                   f"be a non-negative integer)")
            index = int(idx)
        if name not in _KNOWN_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start "
                               f"of device string: {type}")
        self.type = name
        self.index = index

    def _check_available(self):
        if self.type != "cpu":
            raise RuntimeError(f"device '{self}' is not available: glassgrad runs on the CPU "
                               f"with NumPy (autograd.cuda.is_available() is False); use "
                               f"device='cpu'")
        return self

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type,
                                                                           other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")


class cuda:
    """`autograd.cuda.is_available()` is False: there is no GPU backend."""

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def device_count():
        return 0

    @staticmethod
    def manual_seed(seed):
        pass

    @staticmethod
    def manual_seed_all(seed):
        pass
