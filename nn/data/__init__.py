"""Data loading: PyTorch's `torch.utils.data` (`nn.data` in glassgrad).

- `dataset.py`: `Dataset`, `IterableDataset`, `TensorDataset`, `Subset`, `ConcatDataset`,
  `ChainDataset`, `StackDataset`, `random_split`, and `BatchedSamples` (the fast batch of a TensorDataset).
- `sampler.py`: `Sampler`, `SequentialSampler`, `RandomSampler`, `SubsetRandomSampler`,
  `WeightedRandomSampler`, `BatchSampler`.
- `collate.py`: `default_collate`, `default_convert`.
- `dataloader.py`: `DataLoader`, `get_worker_info`.
"""
from .collate import *  # noqa: F401,F403
from .dataloader import *  # noqa: F401,F403
from .dataset import *  # noqa: F401,F403
from .sampler import *  # noqa: F401,F403
from . import collate as _collate, dataloader as _dataloader, dataset as _dataset, \
    sampler as _sampler

__all__ = _dataset.__all__ + _sampler.__all__ + _collate.__all__ + _dataloader.__all__
