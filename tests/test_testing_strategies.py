"""Tests of autograd.testing's strategies: what they draw is what they promise."""
import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import autograd
from autograd.testing import (away_from, axes, broadcastable_shapes, dims, examples, finite,
                              indices, positive, shapes, tensors, within)
from autograd.testing.profiles import PROFILES

_FAST = settings(max_examples=examples(30), deadline=None)


@_FAST
@given(tensors())
def test_tensors_default_to_float64_leaves_that_require_grad(t):
    assert t.dtype == autograd.float64 and t.requires_grad and t.is_leaf
    assert t.ndim <= 3 and np.all(np.abs(t._data) <= 3)


@_FAST
@given(tensors(shape=shapes(min_dims=1), contiguous=False))
def test_non_contiguous_when_the_shape_allows(t):
    if any(s > 1 for s in t.shape):
        assert not t.is_contiguous()
        assert t._data.base is not None  # a view of a bigger (or transposed) array


@_FAST
@given(tensors(dtype=autograd.int64))
def test_integer_tensors_do_not_require_grad(t):
    assert t.dtype == autograd.int64 and not t.requires_grad


def test_zero_dim_empty_and_non_contiguous_tensors_are_drawn():
    assert find(tensors(), lambda t: t.ndim == 0).shape == ()
    assert find(tensors(shape=shapes(min_side=0)), lambda t: t.numel() == 0).numel() == 0
    assert not find(tensors(), lambda t: not t.is_contiguous()).is_contiguous()


@_FAST
@given(away_from(0, 2, margin=0.25), positive(0.5, 2), within(-1, 1, margin=0.1))
def test_element_strategies_respect_their_bounds(a, p, w):
    assert abs(a) >= 0.25 and abs(a - 2) >= 0.25 and -3 <= a <= 3
    assert 0.5 <= p <= 2
    assert -0.9 <= w <= 0.9


def test_element_strategies_refuse_empty_ranges():
    with pytest.raises(ValueError, match="no number"):
        away_from(0, margin=5).example()
    with pytest.raises(ValueError, match="min_value must be > 0"):
        positive(0)
    with pytest.raises(ValueError, match="too narrow"):
        within(0, 0.1, margin=0.1)


@_FAST
@given(broadcastable_shapes(3))
def test_broadcastable_shapes_broadcast(shapes_):
    assert len(shapes_) == 3
    np.broadcast_shapes(*shapes_)


@_FAST
@given(st.integers(0, 4).flatmap(lambda n: st.tuples(st.just(n), axes(n))))
def test_axes_are_distinct_valid_dims(n_axes):
    n, ax = n_axes
    normalized = [a % max(n, 1) for a in ax]
    assert len(set(normalized)) == len(ax) and all(-max(n, 1) <= a < max(n, 1) for a in ax)


@_FAST
@given(st.integers(0, 3).flatmap(lambda n: st.tuples(st.just(n), dims(n))))
def test_dims_are_none_int_or_tuple(n_dim):
    n, d = n_dim
    assert d is None or isinstance(d, (int, tuple))


@_FAST
@given(st.data())
def test_indices_are_valid_and_index_like_numpy(data):
    shape = data.draw(shapes(min_side=0))
    index = data.draw(indices(shape))
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    t = autograd.tensor(values)
    np.testing.assert_array_equal(t[index].numpy(), values[index])


def test_indices_draw_every_kind():
    kinds = {
        "None": lambda i: any(p is None for p in i),
        "Ellipsis": lambda i: any(p is Ellipsis for p in i),
        "stepped slice": lambda i: any(isinstance(p, slice) and (p.step or 1) > 1 for p in i),
        "int array": lambda i: any(isinstance(p, np.ndarray) and p.dtype == np.int64
                                   for p in i),
        "bool mask": lambda i: any(isinstance(p, np.ndarray) and p.dtype == bool for p in i),
        "int": lambda i: any(isinstance(p, int) for p in i),
    }
    for name, has in kinds.items():
        assert has(find(indices((3, 2, 3)), has)), name


def test_profiles_ci_is_deterministic_and_bounded_deep_is_bigger():
    ci, deep = PROFILES["ci"], PROFILES["deep"]
    assert ci["derandomize"] is True and ci["deadline"] is None
    assert ci["max_examples"] <= 50 < deep["max_examples"]
    assert finite(-1, 1).example() is not None
