"""nn.datasets: the IDX format, MNIST/FashionMNIST from files, Digits, generated toy sets."""
import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from nn import transforms as T
from nn.datasets import (MNIST, Digits, FashionMNIST, IDXError, and_gate, blobs, circles,
                         find_root, moons, or_gate, read_idx, spirals, write_idx, xor)
from nn.datasets import mnist as mnist_module
from nn.datasets.idx import idx_bytes, is_gzip

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data"
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


# ---------------------------------------------------------------------------- IDX
@settings(max_examples=30, deadline=None)
@given(dtype=st.sampled_from(["uint8", "int8", "int16", "int32", "float32", "float64"]),
       shape=st.lists(st.integers(0, 4), min_size=0, max_size=4),
       compress=st.booleans())
def test_idx_round_trip(tmp_path_factory, dtype, shape, compress):
    arr = (np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) * 7 - 11)
    arr = arr.astype(dtype)
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if compress else "a.idx")
    write_idx(path, arr)
    assert is_gzip(path) == compress
    back = read_idx(path)
    assert back.dtype == arr.dtype and back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)
    assert back.dtype.isnative


def test_idx_header_layout_and_tensor_input(tmp_path):
    data = idx_bytes(autograd.tensor(np.zeros((2, 3), dtype=np.uint8)))
    assert data[:4] == bytes([0, 0, 0x08, 2])
    assert data[4:12] == bytes([0, 0, 0, 2, 0, 0, 0, 3])
    assert len(data) == 12 + 6


def test_idx_gzip_detected_by_content_not_name(tmp_path):
    arr = np.arange(10, dtype=np.uint8)
    plain_named_gz = tmp_path / "plain.gz"
    plain_named_gz.write_bytes(idx_bytes(arr))
    gz_named_plain = tmp_path / "packed"
    gz_named_plain.write_bytes(gzip.compress(idx_bytes(arr)))
    np.testing.assert_array_equal(read_idx(plain_named_gz), arr)
    np.testing.assert_array_equal(read_idx(gz_named_plain), arr)


@pytest.mark.parametrize("blob, match", [
    (b"\x00\x00", "truncated IDX file: 2 bytes"),
    (b"\x01\x02\x08\x01" + b"\x00" * 8, "not an IDX file: magic number starts with 01 02"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "unknown IDX type code 0x07"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "header declares 3 dimensions"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", r"need 5 data bytes, found 2"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", r"dims mismatch.*1 extra"),
    (b"\x1f\x8b\x08\x00garbage", "corrupt or truncated gzip"),
])
def test_idx_errors(tmp_path, blob, match):
    path = tmp_path / "bad"
    path.write_bytes(blob)
    with pytest.raises(IDXError, match=match) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_idx_expect_ndim_and_unsupported_dtype(tmp_path):
    path = write_idx(tmp_path / "labels", np.zeros(3, np.uint8))
    with pytest.raises(IDXError, match="1 dimension.*expected 3"):
        read_idx(path, expect_ndim=3)
    with pytest.raises(TypeError, match="no type for dtype int64"):
        write_idx(tmp_path / "x", np.zeros(3, np.int64))


def test_write_idx_leaves_no_temporary_file(tmp_path):
    write_idx(tmp_path / "a.gz", np.ones((2, 2), np.uint8))
    assert [p.name for p in tmp_path.iterdir()] == ["a.gz"]


# ---------------------------------------------------------------------------- MNIST
def _write_split(folder, train, n=5, gz=True, seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    g = np.random.default_rng(seed)
    images = g.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) * 3 % 10).astype(np.uint8)
    prefix = "train" if train else "t10k"
    ext = ".gz" if gz else ""
    write_idx(folder / f"{prefix}-images-idx3-ubyte{ext}", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{ext}", labels)
    return images, labels


@pytest.mark.parametrize("sub, gz", [("", True), ("", False), ("MNIST/raw", True),
                                     ("mnist", False), ("MNIST", True)])
def test_mnist_layouts(tmp_path, sub, gz):
    images, labels = _write_split(tmp_path / sub if sub else tmp_path, train=True, gz=gz)
    ds = MNIST(tmp_path, train=True)
    assert ds.data.dtype == autograd.uint8 and tuple(ds.data.shape) == (5, 28, 28)
    assert ds.targets.dtype == autograd.int64
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)


def test_mnist_item_access_and_batches(tmp_path):
    images, labels = _write_split(tmp_path, train=False, n=7)
    ds = MNIST(str(tmp_path), train=False)
    assert len(ds) == 7
    img, label = ds[2]
    assert isinstance(label, int) and label == labels[2]
    assert img.dtype == autograd.uint8 and tuple(img.shape) == (28, 28)
    np.testing.assert_array_equal(img.numpy(), images[2])
    img.data[...] = 0                                   # a copy: the data set is unchanged
    np.testing.assert_array_equal(ds.data.numpy()[2], images[2])
    np.testing.assert_array_equal(ds[-1][0].numpy(), images[-1])
    with pytest.raises(IndexError, match="index 7 out of range.*7 samples"):
        ds[7]
    batch = ds.__getitems__([4, 0, -1])
    assert [lab for _, lab in batch] == [labels[4], labels[0], labels[6]]
    np.testing.assert_array_equal(batch[0][0].numpy(), images[4])
    x, y = ds.arrays()
    assert x.dtype == autograd.float32 and tuple(x.shape) == (7, 1, 28, 28)
    np.testing.assert_allclose(x.numpy()[:, 0], images / 255.0, rtol=1e-6)
    assert y.dtype == autograd.int64 and y.tolist() == labels.tolist()


def test_mnist_transforms_applied(tmp_path):
    images, labels = _write_split(tmp_path, train=True)
    ds = MNIST(tmp_path, transform=T.ToTensor(), target_transform=lambda t: t + 100)
    img, label = ds[1]
    assert tuple(img.shape) == (1, 28, 28) and img.dtype == autograd.float32
    np.testing.assert_allclose(img.numpy()[0], images[1] / 255.0, rtol=1e-6)
    assert label == labels[1] + 100
    assert [lab for _, lab in ds.__getitems__([0, 1])] == [labels[0] + 100, labels[1] + 100]
    with pytest.raises(TypeError, match="transform must be callable"):
        MNIST(tmp_path, transform="ToTensor")


def test_mnist_missing_files_message(tmp_path):
    _write_split(tmp_path, train=True)
    with pytest.raises(FileNotFoundError) as info:
        MNIST(tmp_path, train=False)
    msg = str(info.value)
    assert "t10k-images-idx3-ubyte[.gz]" in msg and "t10k-labels-idx1-ubyte[.gz]" in msg
    assert str(tmp_path / "MNIST" / "raw") in msg and "download=True" in msg


def test_fashion_missing_message_mentions_debian(tmp_path, monkeypatch):
    monkeypatch.setattr(FashionMNIST, "system_folders", ())
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        FashionMNIST(tmp_path)


def test_mnist_mismatched_files(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((3, 28, 28), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match="3 images but t10k-labels-idx1-ubyte holds 4"):
        MNIST(tmp_path, train=False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([0, 1, 10], np.uint8))
    with pytest.raises(ValueError, match="label 10"):
        MNIST(tmp_path, train=False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros((3, 1, 1), np.uint8))
    with pytest.raises(IDXError, match="expected 1"):
        MNIST(tmp_path, train=False)


@pytest.mark.skipif(not (SHARED_MNIST / "mnist" / "t10k-images-idx3-ubyte.gz").exists(),
                    reason="the shared MNIST test set is not on this machine")
def test_real_mnist_test_set(monkeypatch):
    ds = MNIST(SHARED_MNIST, train=False)
    assert len(ds) == 10_000 and tuple(ds.data.shape) == (10_000, 28, 28)
    assert ds.targets[:8].tolist() == [7, 2, 1, 0, 4, 1, 4, 9]
    counts = np.bincount(ds.targets.numpy(), minlength=10).tolist()
    assert counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert ds.classes[7] == "7 - seven" and ds.class_to_idx["0 - zero"] == 0
    assert int(ds.data.numpy().max()) == 255
    monkeypatch.delenv("GLASSGRAD_DATA", raising=False)
    assert Path(find_root("mnist", train=False)) == SHARED_MNIST


@pytest.mark.skipif(not (DEBIAN_FASHION / "t10k-images-idx3-ubyte.gz").exists(),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_from_debian_folder(tmp_path):
    ds = FashionMNIST(tmp_path, train=False)          # nothing in tmp_path: found in /usr
    assert ds.folder == DEBIAN_FASHION
    assert len(ds) == 10_000 and tuple(ds.data.shape) == (10_000, 28, 28)
    assert np.bincount(ds.targets.numpy()).tolist() == [1000] * 10
    assert ds.classes[9] == "Ankle boot"
    assert find_root("fashion-mnist") is not None


def test_find_root_uses_environment(tmp_path, monkeypatch):
    _write_split(tmp_path / "FashionMNIST" / "raw", train=True)
    monkeypatch.setenv("GLASSGRAD_DATA", str(tmp_path))
    assert find_root("FashionMNIST", train=True) == str(tmp_path)
    monkeypatch.setattr(mnist_module, "data_search_path", lambda: [tmp_path])
    assert find_root("mnist") is None
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        find_root("cifar")


# ---------------------------------------------------------------------------- Digits
def test_digits_split():
    train, test = Digits(train=True), Digits(train=False)
    assert len(train) + len(test) == 1797
    assert set(train.indices.tolist()).isdisjoint(test.indices.tolist())
    assert abs(len(test) - 0.2 * 1797) < 10
    assert train.data.dtype == autograd.float32 and tuple(train.data.shape[1:]) == (8, 8)
    assert float(train.data.numpy().min()) == 0.0 and float(train.data.numpy().max()) == 1.0
    counts = np.bincount(test.targets.numpy(), minlength=10)
    assert counts.min() >= 30                          # stratified: every class in test
    again = Digits(train=False)
    np.testing.assert_array_equal(again.indices, test.indices)
    assert not np.array_equal(Digits(train=False, seed=1).indices, test.indices)
    from sklearn.datasets import load_digits
    ref = load_digits()
    k = int(test.indices[3])
    np.testing.assert_allclose(test[3][0].numpy(), ref.images[k] / 16.0, rtol=1e-6)
    assert test[3][1] == ref.target[k]
    x, y = test.arrays()
    assert tuple(x.shape) == (len(test), 1, 8, 8) and y.dtype == autograd.int64
    with pytest.raises(ValueError, match="test_fraction"):
        Digits(test_fraction=1.0)


def test_digits_read_without_importing_sklearn_match_load_digits(monkeypatch):
    from sklearn.datasets import load_digits
    from nn.datasets import digits as digits_module
    ref = load_digits()
    assert digits_module._digits_file() is not None
    images, target = digits_module._load_digits()
    np.testing.assert_array_equal(images, ref.images)
    np.testing.assert_array_equal(target, ref.target)
    # without the file (another scikit-learn layout) it falls back to load_digits()
    monkeypatch.setattr(digits_module, "_digits_file", lambda: None)
    digits_module._load_digits_cached.cache_clear()
    try:
        images2, target2 = digits_module._load_digits()
    finally:
        digits_module._load_digits_cached.cache_clear()
    np.testing.assert_array_equal(images2, ref.images)
    np.testing.assert_array_equal(target2, ref.target)


def test_digits_with_transform():
    ds = Digits(transform=T.Compose([T.ToTensor(), T.Flatten()]))
    img, _ = ds[0]
    assert tuple(img.shape) == (64,) and img.dtype == autograd.float32


# ---------------------------------------------------------------------------- toy sets
@pytest.mark.parametrize("fn, outputs", [(xor, [0, 1, 1, 0]), (and_gate, [0, 0, 0, 1]),
                                         (or_gate, [0, 1, 1, 1])])
def test_logic_gates(fn, outputs):
    X, y = fn()
    assert X.dtype == autograd.float32 and y.dtype == autograd.int64
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == outputs
    Xn, yn = fn(n=10, noise=0.1, generator=autograd.Generator().manual_seed(0))
    assert tuple(Xn.shape) == (10, 2) and yn.tolist() == (outputs * 3)[:10]
    assert 0 < np.abs(Xn.numpy() - X.numpy()[np.arange(10) % 4]).max() < 1


def test_spirals_shape_balance_and_radius():
    X, y = spirals(301, n_classes=3, noise=0.0)
    assert tuple(X.shape) == (301, 2)
    assert np.bincount(y.numpy()).tolist() == [101, 100, 100]
    r = np.linalg.norm(X.numpy()[:101], axis=1)
    np.testing.assert_allclose(r, np.linspace(0, 1, 101), atol=1e-6)


def test_toy_sets_are_reproducible():
    for fn in (lambda g: spirals(60, generator=g), lambda g: moons(50, 0.1, generator=g),
               lambda g: circles(50, 0.1, generator=g), lambda g: blobs(50, generator=g)):
        a = fn(autograd.Generator().manual_seed(3))
        b = fn(autograd.Generator().manual_seed(3))
        c = fn(autograd.Generator().manual_seed(4))
        np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
        assert not np.array_equal(a[0].numpy(), c[0].numpy())
    autograd.manual_seed(5)
    first = moons(20, 0.2)[0].numpy()
    autograd.manual_seed(5)
    np.testing.assert_array_equal(moons(20, 0.2)[0].numpy(), first)


def test_moons_and_circles_match_sklearn_without_noise():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = moons(11, shuffle=False)
    Xs, ys = datasets.make_moons(11, shuffle=False)
    np.testing.assert_allclose(X.numpy(), Xs, atol=1e-6)
    assert y.tolist() == ys.tolist()
    X, y = circles(11, factor=0.5, shuffle=False)
    Xs, ys = datasets.make_circles(11, factor=0.5, shuffle=False)
    np.testing.assert_allclose(X.numpy(), Xs, atol=1e-6)
    assert y.tolist() == ys.tolist()
    assert np.bincount(moons(11)[1].numpy()).tolist() == [5, 6]


def test_blobs():
    centers = np.array([[0.0, 0.0, 0.0], [50.0, 50.0, 50.0]])
    X, y = blobs(101, centers=centers, cluster_std=[0.5, 2.0], shuffle=False,
                 generator=autograd.Generator().manual_seed(0))
    assert tuple(X.shape) == (101, 3) and np.bincount(y.numpy()).tolist() == [51, 50]
    x = X.numpy()
    np.testing.assert_allclose(x[:51].mean(0), 0, atol=0.3)
    np.testing.assert_allclose(x[51:].mean(0), 50, atol=1.2)
    assert x[:51].std() < x[51:].std()
    X, y = blobs(30, centers=4, n_features=5)
    assert tuple(X.shape) == (30, 5) and set(y.tolist()) == {0, 1, 2, 3}
    with pytest.raises(ValueError, match="cluster_std"):
        blobs(10, centers=centers, cluster_std=[1.0, 2.0, 3.0])


def test_toy_argument_errors():
    with pytest.raises(ValueError, match="n_samples must be an integer >= 1"):
        spirals(0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        xor(4, noise=-1)
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\)"):
        circles(10, factor=1.5)
