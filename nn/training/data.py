"""Data sets by name for the command line: arrays split into train / validation / test.

Names (`DATASETS`):
- `digits`: scikit-learn's 8x8 digits (`nn.datasets.Digits`, offline, in the wheel); the
  default. 1437 train + 360 test images.
- `mnist`, `fashion-mnist`: the 28x28 IDX sets (`nn.datasets.MNIST` / `FashionMNIST`),
  found with `nn.datasets.find_root` (or `data_root=`), downloaded only with `download=True`.
- `mnist-test-split`: the official MNIST *test* set split in two, its first 8,000 images to
  train and its last 2,000 to test. It is here because the MNIST training set is not stored
  offline (`shared/data/mnist` holds the test set only): it gives an MNIST check that runs
  without a download.
- toy 2-D sets `moons`, `spirals`, `circles`, `xor` (`nn.datasets.toy`), generated from
  `data_seed` with their own generator (so the data does not depend on the training seed)
  and split 80 / 20 into train / test.

A validation part (`val_fraction` of the training part, a seeded random
choice) is held out for choosing the best epoch, so the test part is only used for the
final figures. Inputs are standardised feature by feature with the training part's
statistics, (x - mean) / std per pixel (scikit-learn's StandardScaler; with the std floored
at `STD_FLOOR` so that border pixels that are almost always 0 are not blown up) or per
coordinate of the 2-D points. Per pixel rather than one `Normalize((m,), (s,))` because it
gives the MLP on the 8x8 digits about one point more test accuracy. The statistics go in the checkpoint (`preprocessing`) so that
`predict` prepares new inputs exactly as training did.
"""
from dataclasses import dataclass, field

import numpy as np

import autograd
from nn.datasets import FashionMNIST, MNIST, Digits, find_root, toy

__all__ = ["DATASETS", "TOY_DATASETS", "DataSplits", "DataError", "load_data",
           "standardize", "MNIST_SPLIT_TRAIN", "MNIST_SPLIT_TEST"]

TOY_DATASETS = ("moons", "spirals", "circles", "xor")
DATASETS = ("digits", "mnist", "fashion-mnist", "mnist-test-split") + TOY_DATASETS
MNIST_SPLIT_TRAIN = 8000
MNIST_SPLIT_TEST = 2000
STD_FLOOR = 0.1   # pixels that (almost) never change are divided by 0.1, not by ~0


class DataError(ValueError):
    """A data set that cannot be loaded (unknown name, files missing, bad sizes)."""


@dataclass
class DataSplits:
    """Standardised float32 arrays (`x_*` of shape (n, *input_shape)) and int64 labels.

    `raw_*` hold the inputs before standardisation (pixels in [0, 1], or the 2-D points),
    for pictures. `preprocessing` is the JSON-able recipe `prepare_inputs` replays."""
    name: str
    kind: str                      # "image" or "points"
    input_shape: tuple
    classes: list
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    preprocessing: dict = field(default_factory=dict)

    @property
    def num_classes(self):
        return len(self.classes)

    def raw(self, x):
        """Undo the standardisation of `x` (for pictures of inputs)."""
        shape = tuple(self.preprocessing["input_shape"])
        mean = np.asarray(self.preprocessing["mean"], dtype=np.float32).reshape(shape)
        std = np.asarray(self.preprocessing["std"], dtype=np.float32).reshape(shape)
        return x * std + mean


def standardize(x, preprocessing):
    """(x - mean) / std with the recipe's statistics (one value for images, one per
    coordinate for points); returns float32."""
    shape = tuple(preprocessing["input_shape"])
    mean = np.asarray(preprocessing["mean"], dtype=np.float32).reshape(shape)
    std = np.asarray(preprocessing["std"], dtype=np.float32).reshape(shape)
    return ((np.asarray(x, dtype=np.float32) - mean) / std).astype(np.float32)


def _idx_set(cls, name, data_root, download):
    root = data_root or find_root(name)
    if root is None and not download:
        raise DataError(f"{name} files not found (searched GLASSGRAD_DATA, shared/data beside "
                        f"the repository, ./data, the cache folder); pass --data-root FOLDER "
                        f"or --download, or use --dataset digits (offline)")
    try:
        train = cls(root=root, train=True, download=download)
        test = cls(root=root, train=False, download=download)
    except (FileNotFoundError, OSError, RuntimeError) as exc:
        raise DataError(f"{name}: {' '.join(str(exc).split())}") from None
    return (train.data.numpy().astype(np.float32) / 255.0, train.targets.numpy(),
            test.data.numpy().astype(np.float32) / 255.0, test.targets.numpy(),
            list(train.classes))


def _mnist_test_split(data_root):
    root = data_root or find_root("mnist", train=False)
    if root is None:
        raise DataError("mnist-test-split needs the MNIST test files "
                        "(t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]); pass "
                        "--data-root FOLDER")
    try:
        test = MNIST(root=root, train=False)
    except (FileNotFoundError, OSError) as exc:
        raise DataError(f"mnist-test-split: {' '.join(str(exc).split())}") from None
    images = test.data.numpy().astype(np.float32) / 255.0
    labels = test.targets.numpy()
    if len(labels) < MNIST_SPLIT_TRAIN + MNIST_SPLIT_TEST:
        raise DataError(f"mnist-test-split needs {MNIST_SPLIT_TRAIN + MNIST_SPLIT_TEST} "
                        f"images, the files in {root} hold {len(labels)}")
    return (images[:MNIST_SPLIT_TRAIN], labels[:MNIST_SPLIT_TRAIN],
            images[-MNIST_SPLIT_TEST:], labels[-MNIST_SPLIT_TEST:], list(test.classes))


_TOY_SIZES = {"moons": 1000, "spirals": 900, "circles": 1000, "xor": 800}


def _toy(name, data_seed):
    gen = autograd.Generator()
    gen.manual_seed(int(data_seed))
    n = _TOY_SIZES[name]
    if name == "moons":
        X, y = toy.moons(n, noise=0.15, generator=gen)
    elif name == "spirals":
        X, y = toy.spirals(n, n_classes=3, noise=0.2, shuffle=True, generator=gen)
    elif name == "circles":
        X, y = toy.circles(n, noise=0.08, factor=0.5, generator=gen)
    else:
        X, y = toy.xor(n, noise=0.15, shuffle=True, generator=gen)
    X, y = X.numpy(), y.numpy()
    n_test = n // 5
    k = int(y.max()) + 1
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test], [str(c) for c in range(k)]


def load_data(name="digits", *, val_fraction=0.1, data_seed=0, subset=None, data_root=None,
              download=False):
    """Load data set `name` (one of `DATASETS`) as standardised `DataSplits`.

    val_fraction: share of the training part held out for validation, in [0, 1) (0: no
    validation; the best epoch is then chosen on training accuracy). subset: keep only the
    first `subset` training samples (after the validation split), for quick runs.
    data_seed: seeds the toy sets and the validation split."""
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if not 0 <= val_fraction < 1:
        raise DataError(f"--val-fraction must be in [0, 1), got {val_fraction}")
    if subset is not None and subset < 1:
        raise DataError(f"--subset must be a positive number of samples, got {subset}")
    if name == "digits":
        tr, te = Digits(train=True), Digits(train=False)
        parts = (tr.data.numpy(), tr.targets.numpy(), te.data.numpy(), te.targets.numpy(),
                 list(Digits.classes))
    elif name == "mnist":
        parts = _idx_set(MNIST, "mnist", data_root, download)
    elif name == "fashion-mnist":
        parts = _idx_set(FashionMNIST, "fashion-mnist", data_root, download)
    elif name == "mnist-test-split":
        parts = _mnist_test_split(data_root)
    else:
        parts = _toy(name, data_seed)
    x_train, y_train, x_test, y_test, classes = parts
    kind = "points" if name in TOY_DATASETS else "image"
    if kind == "image":   # (n, H, W) -> (n, 1, H, W), as ToTensor gives
        x_train, x_test = x_train[:, None], x_test[:, None]
    order = np.random.default_rng(int(data_seed)).permutation(len(y_train))
    n_val = int(round(val_fraction * len(y_train)))
    val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
    x_val, y_val = x_train[val_idx], y_train[val_idx]
    x_train, y_train = x_train[train_idx], y_train[train_idx]
    if subset is not None:
        x_train, y_train = x_train[:subset], y_train[:subset]
    mean = x_train.mean(0).astype(np.float64)
    std = np.maximum(x_train.std(0).astype(np.float64), STD_FLOOR if kind == "image" else 1e-6)
    prep = {"kind": kind, "mean": mean.ravel().tolist(), "std": std.ravel().tolist(),
            "input_shape": list(x_train.shape[1:]), "pixel_range": [0.0, 1.0]}
    as_int = lambda a: np.asarray(a, dtype=np.int64)  # noqa: E731
    return DataSplits(name, kind, tuple(x_train.shape[1:]), classes,
                      standardize(x_train, prep), as_int(y_train),
                      standardize(x_val, prep), as_int(y_val),
                      standardize(x_test, prep), as_int(y_test), prep)
