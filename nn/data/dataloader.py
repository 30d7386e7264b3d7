"""`DataLoader`: PyTorch's `torch.utils.data.DataLoader`, an iterable of batches over a data set.

For a map-style data set, a sampler gives the order (`SequentialSampler`, or `RandomSampler`
when `shuffle=True`), a `BatchSampler` groups it into lists of `batch_size` indices, and each
list is fetched with the data set's `__getitems__(indices)` when it has one (torch 2.x's
batched fetch; `TensorDataset` gathers a batch with one fancy-index per tensor) or with
`__getitem__` per index, then merged by `collate_fn` (default: `default_collate`, which takes
a `TensorDataset`'s gathered batch as it is; a custom `collate_fn` receives a list of sample
tuples, as in torch, so list methods such as `batch.sort(...)` work). For an
`IterableDataset`, consecutive samples of the stream are grouped and collated.

Departures from PyTorch, and why:
- Everything runs in the calling process. `num_workers > 0` is accepted (and validated) but
  loads in-process, so `get_worker_info()` is always None and `worker_init_fn` is not called
  (there are no worker processes to initialise; calling it in the main process could change
  the caller's state). glassgrad is NumPy on the CPU: the batch fetch is one NumPy gather,
  so worker processes would mostly add pickling cost (and glassgrad never pickles).
- `pin_memory`, `timeout`, `prefetch_factor`, `persistent_workers`, `multiprocessing_context`,
  `pin_memory_device` and `in_order` are validated as torch does and otherwise have no
  effect (there is no GPU memory to pin and no worker to wait for).
- Shuffling draws from `generator` or glassgrad's default generator (NumPy streams), so the
  order is reproducible after `autograd.manual_seed` but is not torch's order for that seed.
"""
import autograd

from .collate import default_collate, default_convert
from .dataset import BatchedSamples, IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]


def get_worker_info():
    """Information about the current loader worker: always None, since glassgrad's
    DataLoader loads in the calling process (torch returns None there too)."""
    return None


_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
           "persistent_workers")


class DataLoader:
    """Batches of `dataset`, in an order given by a sampler, merged by `collate_fn`.

    Arguments and their checks are torch's: `shuffle` and `sampler` exclude each other;
    `batch_sampler` excludes `batch_size` (other than 1), `shuffle`, `sampler` and
    `drop_last`; `batch_size=None` turns automatic batching off (each sample goes through
    `default_convert`) and excludes `drop_last`; an `IterableDataset` takes no `shuffle`,
    `sampler` or `batch_sampler`. `len(loader)` is the number of batches.
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers option should be a non-negative "
                             f"integer, got {num_workers!r}; use num_workers=0 to disable "
                             f"multiprocessing")
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout option should be non-negative, got "
                             f"{timeout!r}")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("DataLoader: prefetch_factor option could only be specified in "
                             "multiprocessing; let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("DataLoader: prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
        if worker_init_fn is not None and not callable(worker_init_fn):
            raise TypeError(f"DataLoader: worker_init_fn must be callable or None, got "
                            f"{type(worker_init_fn).__name__}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable or None, got "
                            f"{type(collate_fn).__name__}")
        if generator is not None and not isinstance(generator, autograd.Generator):
            raise TypeError(f"DataLoader: generator must be an autograd.Generator or None, "
                            f"got {type(generator).__name__}")

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle; "
                             "shuffle inside the sampler (e.g. RandomSampler) instead")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and "
                             "is mutually exclusive with drop_last")
        elif batch_size is not None and (isinstance(batch_size, bool)
                                         or not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size should be a positive integer value or "
                             f"None, but got batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"DataLoader: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last!r}")

        if sampler is None and not iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if (batch_size is not None or batch_sampler is not None) \
                else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.drop_last = drop_last
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.pin_memory_device = pin_memory_device
        self.in_order = in_order
        self._initialized = True

    def __setattr__(self, name, value):
        if self._initialized and name in _FROZEN:
            raise ValueError(f"DataLoader: {name} attribute should not be set after "
                             f"DataLoader is initialized; make a new DataLoader")
        super().__setattr__(name, value)

    def __iter__(self):
        if isinstance(self.dataset, IterableDataset):
            return self._iter_stream()
        if self.batch_sampler is not None:
            return self._iter_batches()
        return (self.collate_fn(self.dataset[i]) for i in self.sampler)

    def _iter_batches(self):
        dataset, collate = self.dataset, self.collate_fn
        getitems = getattr(dataset, "__getitems__", None)
        if not callable(getitems):
            getitems = None
        as_list = collate is not default_collate     # a custom collate_fn gets torch's list
        for indices in self.batch_sampler:
            samples = getitems(indices) if getitems else [dataset[i] for i in indices]
            if as_list and isinstance(samples, BatchedSamples):
                samples = list(samples)
            yield collate(samples)

    def _iter_stream(self):
        collate, size = self.collate_fn, self.batch_size
        if size is None:
            for sample in self.dataset:
                yield collate(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            if not hasattr(self.dataset, "__len__"):
                raise TypeError(f"DataLoader: the IterableDataset {type(self.dataset).__name__}"
                                f" has no __len__, so the number of batches is unknown")
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def __repr__(self):
        return (f"DataLoader(dataset={type(self.dataset).__name__}, batch_size="
                f"{self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last}, "
                f"num_workers={self.num_workers})")
