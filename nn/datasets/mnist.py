"""MNIST and Fashion-MNIST (torchvision.datasets.MNIST / FashionMNIST) from IDX files.

Files are looked for, plain or gzipped, in `root`, in torchvision's layout
`root/<Name>/raw`, and in a few common folder names (`root/mnist`, `root/fashion-mnist`);
Fashion-MNIST is also found in `/usr/share/datasets/fashion-mnist`, where Debian's
`dataset-fashion-mnist` package installs it. `download=True` fetches the missing files
from the published mirrors into `root/<Name>/raw`, checking torchvision's md5s.

Departure from torchvision: glassgrad has no PIL pipeline by default, so without a
transform `dataset[i]` is `(uint8 tensor of shape (28, 28), int label)` instead of
`(PIL.Image, int)`; `transforms.ToTensor()` turns it into float32 (1, 28, 28) in [0, 1]
exactly as torchvision's ToTensor does with the PIL image.
"""
import os
from pathlib import Path

import numpy as np

import autograd

from .download import cache_dir, download_from_mirrors, mirrors_from_env
from .idx import read_idx
from .vision import ImageClassificationDataset

__all__ = ["MNIST", "FashionMNIST", "find_root"]

_REPO = Path(__file__).resolve().parents[2]


def _split_files(train):
    prefix = "train" if train else "t10k"
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def _find_in(folder, stem):
    for name in (stem, stem + ".gz"):
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


class MNIST(ImageClassificationDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28, 10 classes.

    Args: root (folder holding the files, or a parent of `<Name>/raw`; None means
    glassgrad's cache folder), train (the 60k training split, else the 10k test split),
    transform (applied to the image), target_transform (applied to the int label),
    download (fetch missing files), mirrors (base URLs overriding `mirrors` and the
    environment variable named by `mirrors_env`).

    Attributes: `data` (uint8 tensor N x 28 x 28), `targets` (int64 tensor N), `classes`,
    `class_to_idx`, `folder` (where the files were found), `raw_folder` (where downloads
    go). Unlike torchvision, `root` may be None, meaning glassgrad's cache folder. `arrays()` gives the whole split as float32 tensors for
    a fast `TensorDataset`; `__getitems__(indices)` is the batched fetch of torch 2.x's
    DataLoader.
    """

    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    mirrors_env = "GLASSGRAD_MNIST_MIRRORS"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    folder_aliases = ("mnist",)
    system_folders = ()
    how_to_get = "pass download=True"

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False, mirrors=None):
        self._set_transforms(transform, target_transform)
        self.root = Path(os.path.expanduser(os.fspath(root))) if root is not None \
            else cache_dir()
        self.train = bool(train)
        if mirrors is not None:
            self.mirrors = [mirrors] if isinstance(mirrors, str) else list(mirrors)
        else:
            self.mirrors = mirrors_from_env(self.mirrors_env, type(self).mirrors)
        folder = self._locate()
        if folder is None and download:
            self.download()
            folder = self._locate()
        if folder is None:
            raise FileNotFoundError(self._missing_message())
        images_stem, labels_stem = _split_files(self.train)
        images_path, labels_path = _find_in(folder, images_stem), _find_in(folder, labels_stem)
        images = read_idx(images_path, expect_ndim=3)
        labels = read_idx(labels_path, expect_ndim=1)
        if images.shape[0] != labels.shape[0]:
            raise ValueError(f"{type(self).__name__}: {images_path.name} holds "
                             f"{images.shape[0]} images but {labels_path.name} holds "
                             f"{labels.shape[0]} labels (in {folder}); the files do not "
                             f"belong together")
        if images.dtype != np.uint8 or labels.dtype != np.uint8:
            raise ValueError(f"{type(self).__name__}: expected uint8 IDX files, got images "
                             f"{images.dtype} and labels {labels.dtype} in {folder}")
        if labels.size and labels.max() >= len(self.classes):
            raise ValueError(f"{type(self).__name__}: {labels_path} has label "
                             f"{int(labels.max())}, but there are only {len(self.classes)} "
                             f"classes")
        self.folder = folder
        self.data = autograd.from_numpy(images)
        self.targets = autograd.from_numpy(labels.astype(np.int64))

    # ------------------------------------------------------------------ files
    @property
    def raw_folder(self):
        """Where `download=True` puts the files: `root/<Name>/raw` (torchvision's layout)."""
        return self.root / type(self).__name__ / "raw"

    def _candidate_folders(self, include_system=True):
        name = type(self).__name__
        folders = [self.root, self.raw_folder, self.root / name]
        folders += [self.root / alias for alias in self.folder_aliases]
        folders += [self.root / alias / "raw" for alias in self.folder_aliases]
        if include_system:
            folders += [Path(f) for f in self.system_folders]
        seen, unique = set(), []
        for f in folders:
            if f not in seen:
                seen.add(f)
                unique.append(f)
        return unique

    def _locate(self, include_system=True):
        stems = _split_files(self.train)
        for folder in self._candidate_folders(include_system):
            if all(_find_in(folder, stem) for stem in stems):
                return folder
        return None

    def _missing_message(self):
        stems = _split_files(self.train)
        names = ", ".join(f"{s}[.gz]" for s in stems)
        where = "\n".join(f"  {f}" for f in self._candidate_folders())
        split = "training" if self.train else "test"
        return (f"{type(self).__name__} {split} files not found: looked for {names} in\n"
                f"{where}\nTo get them, {self.how_to_get}, or point root= at a folder "
                f"holding them.")

    def download(self):
        """Fetch the files this split needs that are not already found, into `raw_folder`
        (md5-checked, resumable, atomic; see `nn.datasets.download`)."""
        if self._locate() is not None:
            return
        md5s = dict(self.resources)
        for stem in _split_files(self.train):
            filename = stem + ".gz"
            if filename not in md5s:
                raise ValueError(f"{type(self).__name__}.resources lists no {filename}")
            download_from_mirrors(filename, self.mirrors, self.raw_folder, md5s[filename],
                                  quiet=False)

    def _repr_lines(self):
        return [f"    Root location: {self.root}",
                f"    Split: {'Train' if self.train else 'Test'}"]


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grayscale clothing images in 10 classes, the same
    layout and files names as MNIST (see `MNIST` for the arguments). Also found without
    download in /usr/share/datasets/fashion-mnist (Debian's `dataset-fashion-mnist`)."""

    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    mirrors_env = "GLASSGRAD_FASHIONMNIST_MIRRORS"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    folder_aliases = ("fashion-mnist", "fashion_mnist", "fashionmnist")
    system_folders = ("/usr/share/datasets/fashion-mnist",)
    how_to_get = ("pass download=True, or install Debian's package "
                  "(apt-get install dataset-fashion-mnist)")


_BY_NAME = {"mnist": MNIST, "fashionmnist": FashionMNIST, "fashion-mnist": FashionMNIST,
            "fashion_mnist": FashionMNIST}


def data_search_path():
    """The folders `find_root` tries, in order: $GLASSGRAD_DATA, `shared/data` beside the
    repository, `data` and `.` in the working directory, and the cache folder."""
    paths = []
    if os.environ.get("GLASSGRAD_DATA"):
        paths.append(Path(os.environ["GLASSGRAD_DATA"]).expanduser())
    paths += [_REPO.parent / "shared" / "data", Path.cwd() / "data", Path.cwd(), cache_dir()]
    return paths


def find_root(name, train=None):
    """A `root` under which dataset `name` ('mnist' or 'fashion-mnist') is found for split
    `train` (None: either split), searching `data_search_path()` and then the system
    folders (Debian's Fashion-MNIST); None when found nowhere."""
    key = name.lower().replace(" ", "")
    if key not in _BY_NAME:
        raise ValueError(f"find_root: unknown dataset {name!r}; known: mnist, fashion-mnist")
    cls = _BY_NAME[key]
    splits = (True, False) if train is None else (bool(train),)
    probe = cls.__new__(cls)
    for root in data_search_path() + [Path(f) for f in cls.system_folders]:
        probe.root = root
        for split in splits:
            probe.train = split
            if probe._locate(include_system=False) is not None:
                return str(root)
    return None
