"""Data sets (torchvision.datasets' names where they exist) and the tools under them.

- `MNIST`, `FashionMNIST`: the IDX files, found locally or downloaded (`mnist.py`);
  `find_root(name)` locates them for the command line.
- `Digits`: scikit-learn's 8x8 digits, offline (`digits.py`).
- `toy`: generated teaching sets (`xor`, `and_gate`, `or_gate`, `spirals`, `moons`,
  `circles`, `blobs`).
- `idx`: the IDX format reader/writer; `download`: checksummed, resumable downloads.

The classes are plain map-style data sets (`__len__`, `__getitem__`, `__getitems__`),
usable with `nn.data.DataLoader` without importing it.
"""
from . import download, idx, toy  # noqa: F401
from .digits import Digits
from .idx import IDXError, read_idx, write_idx
from .mnist import MNIST, FashionMNIST, data_search_path, find_root
from .toy import and_gate, blobs, circles, moons, or_gate, spirals, xor
from .vision import ImageClassificationDataset

__all__ = ["MNIST", "FashionMNIST", "Digits", "ImageClassificationDataset", "find_root",
           "data_search_path", "read_idx", "write_idx", "IDXError", "xor", "and_gate",
           "or_gate", "spirals", "moons", "circles", "blobs"]
