"""nn.data: data sets, samplers, collation and DataLoader (torch.utils.data's behaviour)."""
import collections
import warnings

import numpy as np
import pytest

import autograd
from nn.data import (BatchedSamples, BatchSampler, ChainDataset, ConcatDataset, DataLoader,
                     Dataset, IterableDataset, RandomSampler, SequentialSampler, StackDataset,
                     Subset, SubsetRandomSampler, TensorDataset, WeightedRandomSampler,
                     default_collate, default_convert, get_worker_info, random_split)


def make_tensor_dataset(n=10, features=3):
    x = autograd.tensor(np.arange(n * features, dtype=np.float32).reshape(n, features))
    y = autograd.tensor(np.arange(n, dtype=np.int64))
    return TensorDataset(x, y)


class CountingTensorDataset(TensorDataset):
    def __init__(self, *tensors):
        super().__init__(*tensors)
        self.getitem_calls = 0

    def __getitem__(self, index):
        self.getitem_calls += 1
        return super().__getitem__(index)


class ListDataset(Dataset):
    """A map-style data set with only __getitem__/__len__ (the slow path)."""

    def __init__(self, samples):
        self.samples = samples
        self.calls = 0

    def __getitem__(self, i):
        self.calls += 1
        return self.samples[i]

    def __len__(self):
        return len(self.samples)


class RangeStream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield {"x": np.full(2, i, dtype=np.float32), "i": i}


class SizedRangeStream(RangeStream):
    def __len__(self):
        return self.n


# ----------------------------------------------------------------------------- datasets
def test_tensor_dataset_indexing_and_len():
    ds = make_tensor_dataset()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [9.0, 10.0, 11.0] and y.item() == 3
    with pytest.raises(ValueError, match=r"\[10, 9\]"):
        TensorDataset(autograd.zeros(10, 2), autograd.zeros(9))
    with pytest.raises(TypeError, match="argument 0"):
        TensorDataset(np.zeros((3, 2)))


def test_tensor_dataset_getitems_gathers_a_batch():
    ds = make_tensor_dataset()
    batch = ds.__getitems__([4, 0, 7])
    assert isinstance(batch, BatchedSamples) and len(batch) == 3
    assert batch[1][0].tolist() == [0.0, 1.0, 2.0] and batch[2][1].item() == 7
    xs, ys = default_collate(batch)
    assert xs.shape == (3, 3) and ys.tolist() == [4, 0, 7]
    with pytest.raises(IndexError, match="index 10"):
        ds.__getitems__([1, 10])


def test_subset_and_concat():
    ds = make_tensor_dataset()
    sub = Subset(ds, [9, 2, 5])
    assert len(sub) == 3 and sub[0][1].item() == 9
    xs, ys = default_collate(sub.__getitems__([2, 0]))
    assert ys.tolist() == [5, 9]
    cat = ds + ListDataset([("a", 1), ("b", 2)])
    assert isinstance(cat, ConcatDataset) and len(cat) == 12
    assert cat[10] == ("a", 1) and cat[-1] == ("b", 2) and cat[0][1].item() == 0
    assert cat.cumulative_sizes == [10, 12]
    with pytest.raises(ValueError, match="should not exceed"):
        cat[-13]
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="IterableDataset"):
        ConcatDataset([SizedRangeStream(3)])


def test_chain_dataset():
    chained = SizedRangeStream(2) + SizedRangeStream(3)
    assert isinstance(chained, ChainDataset)
    assert [s["i"] for s in chained] == [0, 1, 0, 1, 2] and len(chained) == 5


def test_base_dataset_without_getitem_is_a_clear_error():
    with pytest.raises(TypeError, match="must define"):
        Dataset()[0]


# ----------------------------------------------------------------------------- random_split
def test_random_split_lengths_are_a_partition_and_reproducible():
    ds = make_tensor_dataset(20)
    a, b = random_split(ds, [15, 5], generator=autograd.Generator().manual_seed(3))
    assert (len(a), len(b)) == (15, 5)
    assert sorted(a.indices + b.indices) == list(range(20))
    a2, _ = random_split(ds, [15, 5], generator=autograd.Generator().manual_seed(3))
    assert a.indices == a2.indices
    a3, _ = random_split(ds, [15, 5], generator=autograd.Generator().manual_seed(4))
    assert a.indices != a3.indices


def test_random_split_fractions_follow_torch_remainder_rule():
    splits = random_split(range(10), [0.5, 0.25, 0.25], generator=autograd.Generator())
    assert [len(s) for s in splits] == [6, 2, 2]  # floor -> (5, 2, 2), remainder 1 to split 0
    splits = random_split(range(11), [0.3, 0.3, 0.4], generator=autograd.Generator())
    assert [len(s) for s in splits] == [4, 3, 4]  # floor -> (3, 3, 4), remainder 1 to split 0
    with pytest.warns(UserWarning, match="index 1 is 0"):
        random_split(range(2), [0.9, 0.1])


def test_random_split_matches_torch_lengths():
    torch = pytest.importorskip("torch")
    for n, fracs in [(10, [0.5, 0.25, 0.25]), (7, [0.1, 0.2, 0.7]), (13, [1 / 3] * 3)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = [len(s) for s in random_split(range(n), fracs)]
            theirs = [len(s) for s in torch.utils.data.random_split(range(n), fracs)]
        assert ours == theirs


def test_random_split_default_generator_follows_manual_seed():
    autograd.manual_seed(11)
    first = random_split(range(30), [10, 20])[0].indices
    autograd.manual_seed(11)
    assert random_split(range(30), [10, 20])[0].indices == first


def test_random_split_errors():
    with pytest.raises(ValueError, match="does not equal the length"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="sum to"):
        random_split(range(10), [0.5, 0.6])
    with pytest.raises(ValueError, match="index 1 is -0.5"):
        random_split(range(10), [0.5, -0.5, 1.0])


# ----------------------------------------------------------------------------- samplers
def test_sequential_and_random_sampler():
    assert list(SequentialSampler(range(5))) == [0, 1, 2, 3, 4]
    g = autograd.Generator().manual_seed(0)
    order = list(RandomSampler(range(8), generator=g))
    assert sorted(order) == list(range(8))
    assert order == list(RandomSampler(range(8), generator=autograd.Generator().manual_seed(0)))
    over = list(RandomSampler(range(4), num_samples=10, generator=g))
    assert len(over) == 10 and sorted(over[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]
    with_repl = RandomSampler(range(3), replacement=True, num_samples=50, generator=g)
    drawn = list(with_repl)
    assert len(with_repl) == 50 and set(drawn) <= {0, 1, 2} and len(set(drawn)) == 3
    with pytest.raises(TypeError, match="replacement"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples"):
        RandomSampler(range(3), num_samples=0)


def test_subset_random_and_weighted_samplers():
    g = autograd.Generator().manual_seed(1)
    got = list(SubsetRandomSampler([10, 20, 30], generator=g))
    assert sorted(got) == [10, 20, 30]
    w = WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], num_samples=200, generator=g)
    drawn = np.array(list(w))
    assert len(w) == 200 and set(drawn.tolist()) == {1, 3}
    assert 0.6 < (drawn == 3).mean() < 0.9
    no_repl = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=g))
    assert sorted(no_repl) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="without replacement"):
        WeightedRandomSampler([1.0, 0.0], 2, replacement=False)
    with pytest.raises(ValueError, match="1d"):
        WeightedRandomSampler([[1.0, 2.0]], 2)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1.0, -1.0], 2)


def test_batch_sampler():
    assert list(BatchSampler(range(10), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(range(10), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4
    assert len(BatchSampler(range(10), 3, True)) == 3
    with pytest.raises(ValueError, match="batch_size"):
        BatchSampler(range(10), 0, False)
    with pytest.raises(ValueError, match="drop_last"):
        BatchSampler(range(10), 2, 1)


# ----------------------------------------------------------------------------- collate
def test_default_collate_numbers_and_arrays():
    f = default_collate([1.5, 2.5])
    assert f.dtype == autograd.float64 and f.tolist() == [1.5, 2.5]
    i = default_collate([1, 2, 3])
    assert i.dtype == autograd.int64
    assert default_collate([True, False]).dtype == autograd.bool
    a = default_collate([np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)])
    assert isinstance(a, autograd.Tensor) and a.shape == (2, 2, 3) and a.dtype == autograd.float32
    s = default_collate([np.float32(1), np.float32(2)])
    assert s.shape == (2,) and s.dtype == autograd.float32
    assert default_collate(["a", "b"]) == ["a", "b"]


def test_default_collate_structures():
    Point = collections.namedtuple("Point", "x y")
    batch = [{"img": autograd.ones(2), "meta": (1, "a"), "pt": Point(1.0, 2)},
             {"img": autograd.zeros(2), "meta": (2, "b"), "pt": Point(3.0, 4)}]
    out = default_collate(batch)
    assert out["img"].shape == (2, 2) and out["img"].tolist() == [[1, 1], [0, 0]]
    assert isinstance(out["meta"], list) and out["meta"][0].tolist() == [1, 2]
    assert out["meta"][1] == ("a", "b")            # the transposed tuple, as torch
    assert isinstance(out["pt"], Point) and out["pt"].x.dtype == autograd.float64
    od = default_collate([collections.OrderedDict(b=1, a=2)] * 2)
    assert isinstance(od, collections.OrderedDict) and list(od) == ["b", "a"]
    lists = default_collate([[1, 2], [3, 4]])
    assert [t.tolist() for t in lists] == [[1, 3], [2, 4]]


def test_default_collate_errors_name_the_problem():
    with pytest.raises(RuntimeError, match=r"\[3\] at entry 0 and \[4\] at entry 1"):
        default_collate([autograd.zeros(3), autograd.zeros(4)])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_default_collate_does_not_record_gradients():
    a = autograd.ones(3, requires_grad=True)
    out = default_collate([a, a])
    assert not out.requires_grad and out.grad_fn is None


def test_default_collate_matches_torch_types():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    samples = [(np.arange(3, dtype=np.float32) + k, float(k), k, {"a": np.int32(k)})
               for k in range(4)]
    ours, theirs = default_collate(samples), torch_collate(samples)
    assert isinstance(ours, list) and isinstance(theirs, list)
    for o, t in [(ours[0], theirs[0]), (ours[1], theirs[1]), (ours[2], theirs[2]),
                 (ours[3]["a"], theirs[3]["a"])]:
        assert o.shape == tuple(t.shape) and str(o.dtype).split(".")[-1] == \
            str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(o.numpy(), t.numpy())


def _describe(x):
    """A comparable summary of a collated batch: containers' types, tensors' shape/dtype/values."""
    if hasattr(x, "shape") and hasattr(x, "tolist") and not isinstance(x, np.ndarray):
        return ("tensor", tuple(x.shape), str(x.dtype).split(".")[-1], x.tolist())
    if isinstance(x, dict):
        return (type(x).__name__, {k: _describe(v) for k, v in x.items()})
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_describe(v) for v in x])
    return (type(x).__name__, x)


@pytest.mark.parametrize("samples", [
    [1, 2], [1.0, 2.5], [True, False], [np.array(1.5), np.array(2.5)], [np.int32(1), np.int32(2)],
    [np.ones(2, np.float16)] * 2, [np.array([True])] * 2, [np.zeros((2, 2), np.uint8)] * 2,
    [(1, 2.0, "a"), (3, 4.0, "b")], [{"x": np.zeros(2), "y": 1}, {"x": np.ones(2), "y": 2}],
    [{"a": [1, (2, 3)]}, {"a": [4, (5, 6)]}], ["a", "b"], [b"a", b"b"], [[1, 2], [3, 4]],
    [collections.OrderedDict(b=(1, "u"), a=2.0), collections.OrderedDict(b=(3, "v"), a=4.0)],
], ids=lambda s: type(s[0]).__name__)
def test_default_collate_structure_matches_torch(samples):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    assert _describe(default_collate(samples)) == _describe(torch_collate(samples))


def test_default_convert():
    out = default_convert((np.arange(3), {"k": np.float64(2.0)}, "s"))
    assert isinstance(out, list) and isinstance(out[0], autograd.Tensor)
    assert out[1]["k"].item() == 2.0 and out[2] == "s"
    t = autograd.ones(2)
    assert default_convert(t) is t


# ----------------------------------------------------------------------------- DataLoader
def test_loader_shapes_len_and_drop_last():
    ds = make_tensor_dataset(10)
    loader = DataLoader(ds, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert batches[0][0].shape == (4, 3) and batches[2][1].tolist() == [8, 9]
    dropped = DataLoader(ds, batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[1].shape[0] for b in dropped] == [4, 4]
    single = DataLoader(ds)
    assert len(single) == 10 and next(iter(single))[0].shape == (1, 3)


def test_loader_shuffle_is_a_reproducible_permutation():
    ds = make_tensor_dataset(20)

    def order(loader):
        return [i for _, y in loader for i in y.tolist()]

    g1 = autograd.Generator().manual_seed(5)
    first = order(DataLoader(ds, batch_size=6, shuffle=True, generator=g1))
    assert sorted(first) == list(range(20)) and first != list(range(20))
    assert first == order(DataLoader(ds, batch_size=6, shuffle=True,
                                     generator=autograd.Generator().manual_seed(5)))
    autograd.manual_seed(9)
    a = order(DataLoader(ds, batch_size=6, shuffle=True))
    autograd.manual_seed(9)
    assert order(DataLoader(ds, batch_size=6, shuffle=True)) == a


def test_loader_resumes_order_from_a_saved_generator_state():
    ds = make_tensor_dataset(12)
    g = autograd.Generator().manual_seed(2)
    loader = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
    list(loader)
    state = g.get_state()
    epoch2 = [y.tolist() for _, y in loader]
    g.set_state(state)
    assert [y.tolist() for _, y in loader] == epoch2


def test_tensor_dataset_uses_the_fast_batch_path():
    x = autograd.tensor(np.random.default_rng(0).random((50, 4), dtype=np.float32))
    ds = CountingTensorDataset(x, autograd.arange(50))
    batches = list(DataLoader(ds, batch_size=8, shuffle=True))
    assert ds.getitem_calls == 0
    xs = np.concatenate([b[0].numpy() for b in batches])
    ys = np.concatenate([b[1].numpy() for b in batches])
    np.testing.assert_array_equal(xs, x.numpy()[ys])


def test_fast_path_fetches_each_batch_in_one_call():
    """A large in-memory data set is batched with one gather per batch, never per sample
    (checked by counting calls, not by timing: the machine is shared)."""
    class Counting(CountingTensorDataset):
        def __getitems__(self, indices):
            self.getitems_calls = getattr(self, "getitems_calls", 0) + 1
            return super().__getitems__(indices)

    x = autograd.Tensor._wrap(np.zeros((20000, 784), dtype=np.float32), None)
    ds = Counting(x, autograd.arange(20000))
    loader = DataLoader(ds, batch_size=128, shuffle=True)
    count = sum(xb.shape[0] for xb, _ in loader)
    assert count == 20000 and ds.getitem_calls == 0 and ds.getitems_calls == len(loader) == 157


def test_loader_custom_collate_and_plain_datasets():
    ds = ListDataset([{"a": k, "b": np.full(2, k)} for k in range(5)])
    batches = list(DataLoader(ds, batch_size=2))
    assert ds.calls == 5 and batches[0]["b"].shape == (2, 2) and batches[2]["a"].tolist() == [4]
    got = list(DataLoader(ds, batch_size=2, collate_fn=lambda b: [s["a"] for s in b]))
    assert got == [[0, 1], [2, 3], [4]]
    tds = make_tensor_dataset(5)
    sums = list(DataLoader(tds, batch_size=5, collate_fn=lambda b: sum(y.item() for _, y in b)))
    assert sums == [10]


def test_loader_without_auto_batching_converts_samples():
    ds = ListDataset([np.arange(2) + k for k in range(3)])
    out = list(DataLoader(ds, batch_size=None))
    assert len(out) == 3 and all(isinstance(t, autograd.Tensor) for t in out)
    assert out[2].tolist() == [2, 3]
    assert len(DataLoader(ds, batch_size=None)) == 3


def test_loader_with_sampler_and_batch_sampler():
    ds = make_tensor_dataset(6)
    by_sampler = [y.tolist() for _, y in DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])]
    assert by_sampler == [[5, 4], [3, 2], [1, 0]]
    batches = [y.tolist() for _, y in DataLoader(ds, batch_sampler=[[0, 5], [2]])]
    assert batches == [[0, 5], [2]]
    assert len(DataLoader(ds, batch_sampler=BatchSampler(range(6), 4, False))) == 2


def test_loader_iterable_dataset_batching():
    batches = list(DataLoader(SizedRangeStream(5), batch_size=2))
    assert [b["i"].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert batches[0]["x"].shape == (2, 2)
    assert len(DataLoader(SizedRangeStream(5), batch_size=2)) == 3
    dropped = DataLoader(SizedRangeStream(5), batch_size=2, drop_last=True)
    assert len(list(dropped)) == 2 and len(dropped) == 2
    with pytest.raises(TypeError, match="no __len__"):
        len(DataLoader(RangeStream(5), batch_size=2))


@pytest.mark.parametrize("kwargs, message", [
    (dict(shuffle=True, sampler=[0, 1]), "mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], shuffle=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], sampler=[0]), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), "disables auto-batching"),
    (dict(num_workers=-1), "num_workers"),
    (dict(timeout=-1), "timeout"),
    (dict(prefetch_factor=2), "prefetch_factor"),
    (dict(persistent_workers=True), "persistent_workers"),
    (dict(batch_size=0), "batch_size"),
])
def test_loader_argument_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(make_tensor_dataset(4), **kwargs)


def test_loader_iterable_dataset_rejects_order_options():
    for kwargs in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        with pytest.raises(ValueError, match="IterableDataset"):
            DataLoader(SizedRangeStream(3), **kwargs)


def test_loader_attributes_are_frozen_and_workers_run_in_process():
    loader = DataLoader(make_tensor_dataset(4), batch_size=2, num_workers=2,
                        worker_init_fn=lambda i: None, pin_memory=True,
                        persistent_workers=True, prefetch_factor=2, timeout=5)
    assert [y.tolist() for _, y in loader] == [[0, 1], [2, 3]]
    assert get_worker_info() is None
    with pytest.raises(ValueError, match="batch_size attribute"):
        loader.batch_size = 3


def test_subset_of_tensor_dataset_keeps_the_fast_path():
    ds = CountingTensorDataset(autograd.arange(30).reshape(15, 2), autograd.arange(15))
    train, _ = random_split(ds, [10, 5], generator=autograd.Generator().manual_seed(0))
    ys = [i for _, y in DataLoader(train, batch_size=4) for i in y.tolist()]
    assert ys == train.indices and ds.getitem_calls == 0



def test_concat_of_tensor_datasets_keeps_the_fast_path_and_the_order():
    a = CountingTensorDataset(autograd.arange(20).reshape(10, 2), autograd.arange(10))
    b = CountingTensorDataset(autograd.arange(100, 112).reshape(6, 2), autograd.arange(10, 16))
    both = ConcatDataset([a, b])
    g = autograd.Generator().manual_seed(3)
    batches = list(DataLoader(both, batch_size=5, shuffle=True, generator=g))
    assert a.getitem_calls == b.getitem_calls == 0
    order = list(RandomSampler(both, generator=autograd.Generator().manual_seed(3)))
    ys = [i for _, y in batches for i in y.tolist()]
    assert ys == order                                   # the sampler's order, kept
    for x, y in batches:
        for row, label in zip(x.tolist(), y.tolist()):
            assert row == [s.item() for s in both[label][0]]
    assert both.__getitems__([-1, 0])[0][1].item() == 15
    with pytest.raises(IndexError, match="index 16"):
        both.__getitems__([0, 16])


def test_concat_of_mixed_datasets_falls_back_to_samples():
    tensors = make_tensor_dataset(3)
    plain = ListDataset([(autograd.full((3,), 9.0), autograd.tensor(7))])
    mixed = ConcatDataset([tensors, plain])
    samples = mixed.__getitems__([3, 1])
    assert isinstance(samples, list) and samples[0][1].item() == 7
    x, y = default_collate(samples)
    assert y.tolist() == [7, 1] and x.shape == (2, 3)
    doubles = TensorDataset(autograd.zeros(2, 3, dtype=autograd.float64), autograd.arange(2))
    other_dtype = ConcatDataset([tensors, doubles])
    x, _ = default_collate(other_dtype.__getitems__([0, 4]))
    assert x.dtype == autograd.float64 and x.shape == (2, 3)   # promoted as when stacking


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True),
                                                     (8, 4, True), (5, 7, False), (5, 7, True)])
def test_loader_len_and_batch_sizes_match_torch(n, batch_size, drop_last):
    torch = pytest.importorskip("torch")
    ours = DataLoader(make_tensor_dataset(n), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(n, 3),
                                                                        torch.arange(n)),
                                         batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [x.shape[0] for x, _ in ours] == [x.shape[0] for x, _ in theirs]


def test_stack_dataset_matches_torch():
    torch = pytest.importorskip("torch")
    tds = torch.utils.data
    x, y = np.arange(12, dtype=np.float32).reshape(6, 2), np.arange(6)
    ours_t = StackDataset(TensorDataset(autograd.tensor(x)), ListDataset(list(y)))
    theirs_t = tds.StackDataset(tds.TensorDataset(torch.tensor(x)), list(y))
    ours_d = StackDataset(img=TensorDataset(autograd.tensor(x)), label=ListDataset(list(y)))
    theirs_d = tds.StackDataset(img=tds.TensorDataset(torch.tensor(x)), label=list(y))
    assert len(ours_t) == len(theirs_t) == 6
    for ours, theirs in ((ours_t, theirs_t), (ours_d, theirs_d)):
        assert _describe(ours[4]) == _describe(theirs[4])
        ob = next(iter(DataLoader(ours, batch_size=4)))
        tb = next(iter(tds.DataLoader(theirs, batch_size=4)))
        assert _describe(ob) == _describe(tb)
    with pytest.raises(ValueError, match="size mismatch"):
        StackDataset(make_tensor_dataset(3), make_tensor_dataset(4))
    with pytest.raises(ValueError, match="not both"):
        StackDataset(make_tensor_dataset(3), y=make_tensor_dataset(3))
    with pytest.raises(ValueError, match="at least one"):
        StackDataset()


def test_custom_collate_gets_a_list_of_sample_tuples_like_torch():
    torch = pytest.importorskip("torch")

    def by_label_desc(batch):
        batch.sort(key=lambda s: -int(s[1]))       # a list method, as torch's batch is a list
        return [(type(batch).__name__, type(s).__name__, len(s), int(s[1])) for s in batch]

    ours = list(DataLoader(make_tensor_dataset(5), batch_size=3, collate_fn=by_label_desc))
    tds = torch.utils.data
    theirs = list(tds.DataLoader(tds.TensorDataset(torch.zeros(5, 3), torch.arange(5)),
                                 batch_size=3, collate_fn=by_label_desc))
    assert ours == theirs == [[("list", "tuple", 2, k) for k in (2, 1, 0)],
                              [("list", "tuple", 2, k) for k in (4, 3)]]
