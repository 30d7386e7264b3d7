"""Generated data sets for teaching: logic gates, spirals, moons, circles, blobs.

Each function returns `(X, y)`: X a float32 tensor of shape (n, 2) (blobs: (n, n_features))
and y an int64 tensor of class indices 0..k-1. Randomness comes from `generator=` or the
default glassgrad generator (`autograd.manual_seed(s)` makes a call reproducible). The
moons/circles/blobs geometry is scikit-learn's (`make_moons`, `make_circles`,
`make_blobs`), so with noise off and `shuffle=False` they give the same points; the random
streams are NumPy's, so noisy sets differ from scikit-learn's for the same seed.
"""
import math

import numpy as np

import autograd

__all__ = ["xor", "and_gate", "or_gate", "spirals", "moons", "circles", "blobs"]

_TRUTH_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def _check_count(fn, name, n, minimum=1):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{fn}: {name} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(fn, noise):
    noise = 0.0 if noise is None else float(noise)
    if not noise >= 0:
        raise ValueError(f"{fn}: noise must be >= 0 (a standard deviation), got {noise}")
    return noise


def _finish(X, y, shuffle, gen):
    if shuffle:
        order = autograd.random.rng(gen).permutation(len(y))
        X, y = X[order], y[order]
    return (autograd.from_numpy(np.ascontiguousarray(X, dtype=np.float32)),
            autograd.from_numpy(np.ascontiguousarray(y, dtype=np.int64)))


def _gate(fn, outputs, n, noise, shuffle, generator):
    n = _check_count(fn, "n", n)
    noise = _check_noise(fn, noise)
    reps = np.arange(n) % 4
    X = _TRUTH_INPUTS[reps]
    if noise:
        X = X + noise * autograd.random.rng(generator).standard_normal(X.shape)
    return _finish(X, np.asarray(outputs)[reps], shuffle, generator)


def xor(n=4, noise=0.0, *, shuffle=False, generator=None):
    """The XOR truth table: inputs (a, b) in {0, 1}^2, label a XOR b.

    The 4 rows (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0 are repeated in that order up to `n`
    points, each input moved by Gaussian noise N(0, noise^2); not linearly separable.
    """
    return _gate("xor", [0, 1, 1, 0], n, noise, shuffle, generator)


def and_gate(n=4, noise=0.0, *, shuffle=False, generator=None):
    """The AND truth table (label a AND b), repeated to `n` points with Gaussian noise;
    see `xor`."""
    return _gate("and_gate", [0, 0, 0, 1], n, noise, shuffle, generator)


def or_gate(n=4, noise=0.0, *, shuffle=False, generator=None):
    """The OR truth table (label a OR b), repeated to `n` points with Gaussian noise;
    see `xor`."""
    return _gate("or_gate", [0, 1, 1, 1], n, noise, shuffle, generator)


def _per_class(n_samples, k):
    """n_samples split over k classes as evenly as possible (the first ones get one more)."""
    return [n_samples // k + (1 if c < n_samples % k else 0) for c in range(k)]


def spirals(n_samples=300, n_classes=3, noise=0.2, *, shuffle=False, generator=None):
    """CS231n's spiral: `n_classes` interleaved arms, one per class.

    For class j with m points, radius r_i = i / (m - 1) runs from 0 to 1 and the angle
    t_i = 4j + 4 i / (m - 1) + N(0, noise^2) sweeps 4 radians; the point is
    (r sin t, r cos t). Needs a non-linear model to separate.
    """
    n_samples = _check_count("spirals", "n_samples", n_samples)
    n_classes = _check_count("spirals", "n_classes", n_classes)
    noise = _check_noise("spirals", noise)
    g = autograd.random.rng(generator)
    xs, ys = [], []
    for j, m in enumerate(_per_class(n_samples, n_classes)):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(4.0 * j, 4.0 * (j + 1), m)
        if noise:
            t = t + noise * g.standard_normal(m)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(m, j))
    return _finish(np.concatenate(xs), np.concatenate(ys), shuffle, generator)


def moons(n_samples=100, noise=None, *, shuffle=True, generator=None):
    """Two interleaving half circles (scikit-learn's make_moons).

    Class 0 (n // 2 points): (cos s, sin s) for s evenly in [0, pi]; class 1 (the rest):
    (1 - cos s, 1 - sin s - 0.5). Gaussian noise N(0, noise^2) is added to each coordinate.
    """
    n_samples = _check_count("moons", "n_samples", n_samples, 2)
    noise = _check_noise("moons", noise)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    s_out, s_in = np.linspace(0, math.pi, n_out), np.linspace(0, math.pi, n_in)
    X = np.concatenate([np.stack([np.cos(s_out), np.sin(s_out)], 1),
                        np.stack([1 - np.cos(s_in), 1 - np.sin(s_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    if shuffle:
        order = autograd.random.rng(generator).permutation(n_samples)
        X, y = X[order], y[order]
    if noise:
        X = X + noise * autograd.random.rng(generator).standard_normal(X.shape)
    return _finish(X, y, False, generator)


def circles(n_samples=100, noise=None, factor=0.8, *, shuffle=True, generator=None):
    """A small circle inside a large one (scikit-learn's make_circles).

    Class 0 (n // 2 points): the unit circle at angles 2 pi k / n_out; class 1 (the rest):
    the circle of radius `factor` (0 <= factor < 1). Gaussian noise N(0, noise^2) is added.
    """
    n_samples = _check_count("circles", "n_samples", n_samples, 2)
    noise = _check_noise("circles", noise)
    if not 0 <= factor < 1:
        raise ValueError(f"circles: factor must be in [0, 1) (inner radius / outer radius), "
                         f"got {factor}")
    n_out = n_samples // 2
    n_in = n_samples - n_out
    a_out = np.linspace(0, 2 * math.pi, n_out, endpoint=False)
    a_in = np.linspace(0, 2 * math.pi, n_in, endpoint=False)
    X = np.concatenate([np.stack([np.cos(a_out), np.sin(a_out)], 1),
                        factor * np.stack([np.cos(a_in), np.sin(a_in)], 1)])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    if shuffle:
        order = autograd.random.rng(generator).permutation(n_samples)
        X, y = X[order], y[order]
    if noise:
        X = X + noise * autograd.random.rng(generator).standard_normal(X.shape)
    return _finish(X, y, False, generator)


def blobs(n_samples=100, centers=None, cluster_std=1.0, n_features=2,
          center_box=(-10.0, 10.0), *, shuffle=True, generator=None):
    """Isotropic Gaussian clusters (scikit-learn's make_blobs).

    `centers`: an int k (k centers drawn uniformly in `center_box`; None means 3) or a
    (k, n_features) array of centers. Cluster c gets n // k points (the first n % k
    clusters one more), drawn from N(center_c, cluster_std_c^2 I); `cluster_std` is a
    number or one per cluster. Returns X of shape (n_samples, n_features).
    """
    n_samples = _check_count("blobs", "n_samples", n_samples)
    g = autograd.random.rng(generator)
    if centers is None or isinstance(centers, (int, np.integer)):
        k = _check_count("blobs", "centers", 3 if centers is None else centers)
        n_features = _check_count("blobs", "n_features", n_features)
        lo, hi = center_box
        centers_arr = g.uniform(lo, hi, size=(k, n_features))
    else:
        centers_arr = np.asarray(getattr(centers, "_data", centers), dtype=np.float64)
        if centers_arr.ndim != 2 or centers_arr.shape[0] < 1:
            raise ValueError(f"blobs: centers must be an int or a (k, n_features) array, got "
                             f"shape {centers_arr.shape}")
        k, n_features = centers_arr.shape
    std = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (k,)) \
        if np.ndim(cluster_std) in (0, 1) and np.size(cluster_std) in (1, k) else None
    if std is None:
        raise ValueError(f"blobs: cluster_std must be a number or one value per center "
                         f"({k}), got {cluster_std!r}")
    if (std < 0).any():
        raise ValueError(f"blobs: cluster_std must be >= 0, got {cluster_std!r}")
    xs, ys = [], []
    for c, m in enumerate(_per_class(n_samples, k)):
        xs.append(centers_arr[c] + std[c] * g.standard_normal((m, n_features)))
        ys.append(np.full(m, c))
    return _finish(np.concatenate(xs), np.concatenate(ys), shuffle, generator)
