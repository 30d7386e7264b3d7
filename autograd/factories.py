"""Tensor factories: zeros, ones, full, arange, linspace, eye, rand, randn, randint, randperm,
the *_like variants and from_numpy. Random ones draw from `generator` or the default one
(`autograd.manual_seed`)."""
import numpy as np

from . import dtypes as _dt
from .random import rng
from .tensor import Tensor

__all__ = ["zeros", "ones", "full", "empty", "arange", "linspace", "logspace", "eye", "rand",
           "randn", "randint", "randperm", "normal", "zeros_like", "ones_like", "full_like",
           "empty_like", "rand_like", "randn_like", "randint_like", "from_numpy", "as_tensor",
           "scalar_tensor", "bernoulli", "multinomial", "asarray"]


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = tuple(int(s) for s in size)
    if any(s < 0 for s in out):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(out)}")
    return out


def _make(arr, requires_grad):
    t = Tensor._wrap(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype):
    return (_dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()).np


def _check_device(device):
    if device is not None:
        from .device import device as _device
        _device(device)._check_available()


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    _check_device(device)
    return _make(np.zeros(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    _check_device(device)
    return _make(np.ones(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None,
          memory_format=None):
    """Zero-filled (NumPy gives no cheaper uninitialised memory worth the surprise)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of `size` filled with `fill_value`; the dtype is inferred from the value
    (bool, int64 or the default float) unless given."""
    _check_device(device)
    if dtype is None:
        dtype = _infer(fill_value)
    return _make(np.full(_size((size,) if isinstance(size, int) else (tuple(size),)),
                         fill_value, dtype=_dt.to_numpy_dtype(dtype)), requires_grad)


def _infer(value):
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, (bool, np.bool_)):
        return _dt.bool
    if isinstance(value, (int, np.integer)):
        return _dt.int64
    return _dt.get_default_dtype()


def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False,
           out=None):
    """Values from start (inclusive) to end (exclusive) by step; int64 if all are ints."""
    _check_device(device)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if dtype is None:
        dtype = _dt.int64 if all(isinstance(v, (int, np.integer)) for v in vals) else \
            _dt.get_default_dtype()
    arr = np.arange(*vals, dtype=np.float64 if _dt.to_dtype(dtype).is_floating_point else None)
    return _make(arr.astype(_dt.to_numpy_dtype(dtype)), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None):
    _check_device(device)
    if int(steps) < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    return _make(np.linspace(start, end, int(steps)).astype(_float_dtype(dtype)), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, requires_grad=False):
    return _make(np.logspace(start, end, int(steps), base=base).astype(_float_dtype(dtype)),
                 requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None):
    _check_device(device)
    return _make(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def _random_float_dtype(dtype, op):
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        raise RuntimeError(f"{op}: expected a floating-point dtype for random floats, got "
                           f"{_dt.from_numpy_dtype(dt)}; use randint for integers")
    return dt


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Uniform samples in [0, 1)."""
    _check_device(device)
    dt = _random_float_dtype(dtype, "rand")
    return _make(rng(generator).random(_size(size)).astype(dt), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Standard normal samples."""
    _check_device(device)
    dt = _random_float_dtype(dtype, "randn")
    return _make(rng(generator).standard_normal(_size(size)).astype(dt), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers uniform in [low, high); `randint(high, size)` as in PyTorch."""
    _check_device(device)
    if size is None:
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint() needs high and size: randint(high, size) or "
                        "randint(low, high, size)")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    arr = rng(generator).integers(low, high, size=_size((tuple(size),)))
    return _make(arr.astype(_dt.to_numpy_dtype(dtype or _dt.int64)), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1."""
    _check_device(device)
    return _make(rng(generator).permutation(int(n)).astype(_dt.to_numpy_dtype(dtype or
                                                                               _dt.int64)),
                 requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, requires_grad=False):
    """Normal samples; mean/std may be tensors (broadcast) or numbers (then `size` is needed)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = _size((tuple(size),)) if size is not None else np.broadcast_shapes(np.shape(m),
                                                                                 np.shape(s))
    dt = (mean.dtype.np if isinstance(mean, Tensor) else _float_dtype(dtype))
    return _make((rng(generator).standard_normal(shape) * s + m).astype(dt), requires_grad)


def bernoulli(input, p=None, *, generator=None):
    probs = input._data if p is None else np.full(input._data.shape, p)
    return Tensor._wrap((rng(generator).random(input._data.shape) < probs)
                        .astype(input._data.dtype), None)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Sample category indices with probabilities proportional to `input` (rows)."""
    probs = np.atleast_2d(input._data).astype(np.float64)
    if (probs < 0).any() or not np.isfinite(probs).all():
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or "
                           "element < 0")
    g = rng(generator)
    rows = []
    for p in probs:
        total = p.sum()
        if total <= 0:
            raise RuntimeError("multinomial: invalid distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > np.count_nonzero(p):
            raise RuntimeError("multinomial: cannot sample n_sample > prob_dist.size(-1) "
                               "samples without replacement")
        rows.append(g.choice(len(p), size=num_samples, replace=replacement, p=p / total))
    out = np.asarray(rows, dtype=np.int64)
    return Tensor._wrap(out if input._data.ndim == 2 else out[0], None)


def _like(input, dtype):
    return input.dtype if dtype is None else dtype


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return zeros(input.shape, dtype=_like(input, dtype), requires_grad=requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return ones(input.shape, dtype=_like(input, dtype), requires_grad=requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False,
              memory_format=None):
    return full(input.shape, fill_value, dtype=_like(input, dtype), requires_grad=requires_grad)


def rand_like(input, *, dtype=None, generator=None, requires_grad=False, device=None,
              memory_format=None):
    return rand(input.shape, dtype=_like(input, dtype), generator=generator,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, generator=None, requires_grad=False, device=None,
               memory_format=None):
    return randn(input.shape, dtype=_like(input, dtype), generator=generator,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, generator=None):
    return randint(low, high, input.shape, dtype=_like(input, dtype), generator=generator)


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array (changes show through both ways)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(ndarray, None)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or tensor of the right dtype."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == _dt.to_dtype(dtype) else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == _dt.to_numpy_dtype(dtype)):
        return from_numpy(data)
    from .tensor import as_array
    return Tensor._wrap(as_array(data, dtype), None)


asarray = as_tensor


def scalar_tensor(value, *, dtype=None, requires_grad=False):
    return _make(np.asarray(value, dtype=_float_dtype(dtype)), requires_grad)
