"""Random numbers: one reproducible generator for everything random in glassgrad.

`manual_seed(s)` reseeds the default `Generator`; factories (`rand`, `randn`, `randint`,
`randperm`), `nn.init`, dropout and data shuffling all draw from it unless given a
`generator=`. A `Generator` wraps NumPy's PCG64 bit generator (`rng(generator)` gives it, for
code that draws NumPy arrays directly, as `nn` does); `get_state()`/`set_state()`
round-trip its whole state as a uint8 tensor, so a checkpoint can resume a run bit for bit.
The streams are NumPy's, not PyTorch's: the same seed gives different numbers than torch.
"""
import json

import numpy as np

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "fork_rng", "rng"]


class Generator:
    """A source of random numbers (PyTorch's `torch.Generator`)."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721
        self.np = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        self.np = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        self.manual_seed(int(np.random.SeedSequence().entropy % (1 << 63)))
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The whole state as a uint8 tensor (JSON text of NumPy's bit-generator state)."""
        from .tensor import Tensor
        text = json.dumps({"seed": self._seed, "state": _jsonable(self.np.bit_generator.state)})
        return Tensor._wrap(np.frombuffer(text.encode(), dtype=np.uint8).copy(), None)

    def set_state(self, state):
        data = state._data if hasattr(state, "_data") else np.asarray(state, dtype=np.uint8)
        try:
            obj = json.loads(bytes(np.asarray(data, dtype=np.uint8)).decode())
            self.np.bit_generator.state = obj["state"]
            self._seed = obj["seed"]
        except (ValueError, KeyError, TypeError) as e:
            raise RuntimeError(f"Generator.set_state: not a state made by get_state() ({e})") \
                from None
        return self


def _jsonable(state):
    if isinstance(state, dict):
        return {k: _jsonable(v) for k, v in state.items()}
    if isinstance(state, np.integer):
        return int(state)
    return state


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator; returns it."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    """The `numpy.random.Generator` to draw from: `generator`'s (a `Generator`), or the
    default generator's when it is None. Public glassgrad API without a PyTorch counterpart
    (torch's kernels reach the generator internally): `nn`'s init, dropout, samplers,
    transforms and toy datasets draw through it, so that `manual_seed` and `generator=`
    govern them as they govern `rand` and `randn`.

    Example: `autograd.random.rng().standard_normal((2, 3))` is a NumPy array drawn from
    the default generator; `manual_seed(0)` beforehand makes it reproducible."""
    return (generator or default_generator).np


class fork_rng:
    """Context manager: restore the default generator's state on exit."""

    def __init__(self, devices=None, enabled=True):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self.state = get_rng_state()

    def __exit__(self, *exc):
        if self.enabled:
            set_rng_state(self.state)
        return False
