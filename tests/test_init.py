"""nn.init: statistics and bounds of every initialiser, fans and gains as PyTorch's,
in-place behaviour without gradient recording, and reproducibility with manual_seed."""
import math

import numpy as np
import pytest

import autograd
import nn
from nn import init

torch = pytest.importorskip("torch")


def big(*shape):
    return nn.Parameter(autograd.empty(*shape))


@pytest.mark.parametrize("nonlinearity,param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain_equals_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-15)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(3, 4), (8, 3, 5), (16, 4, 3, 3), (2, 3, 2, 2, 2)])
def test_fans_equal_torch(shape):
    ours = init._calculate_fan_in_and_fan_out(autograd.empty(*shape))
    theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    assert ours == theirs


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(autograd.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(big(3, 3), mode="fan_avg")


def test_uniform_and_normal_statistics():
    autograd.manual_seed(0)
    u = init.uniform_(big(300, 300), -2.0, 3.0).detach().numpy()
    assert u.min() >= -2.0 and u.max() <= 3.0
    assert abs(u.mean() - 0.5) < 0.02 and abs(u.std() - 5 / math.sqrt(12)) < 0.02
    n = init.normal_(big(300, 300), 1.5, 0.5).detach().numpy()
    assert abs(n.mean() - 1.5) < 0.01 and abs(n.std() - 0.5) < 0.01


def test_trunc_normal_bounds_and_statistics():
    autograd.manual_seed(0)
    t = init.trunc_normal_(big(300, 300), mean=0.0, std=1.0, a=-1.0, b=2.0).detach().numpy()
    assert t.min() >= -1.0 and t.max() <= 2.0
    reference = torch.nn.init.trunc_normal_(torch.empty(300, 300), 0.0, 1.0, -1.0, 2.0)
    assert abs(t.mean() - reference.mean().item()) < 0.01
    assert abs(t.std() - reference.std().item()) < 0.01
    with pytest.raises(ValueError, match="a < b"):
        init.trunc_normal_(big(2, 2), a=1.0, b=0.0)


def test_constant_ones_zeros_eye():
    w = big(3, 4)
    assert init.constant_(w, 2.5) is w and np.all(w.detach().numpy() == 2.5)
    assert np.all(init.ones_(w).detach().numpy() == 1)
    assert not init.zeros_(w).detach().numpy().any()
    np.testing.assert_array_equal(init.eye_(w).detach().numpy(), np.eye(3, 4))
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(big(2, 2, 2))


def test_dirac_equals_torch():
    for shape, groups in (((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 1, 3, 3), 1)):
        ours = init.dirac_(big(*shape), groups).detach().numpy()
        theirs = torch.nn.init.dirac_(torch.empty(*shape), groups).numpy()
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("shape", [(200, 300), (64, 32, 3, 3)])
def test_xavier_statistics(shape):
    autograd.manual_seed(1)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(autograd.empty(*shape))
    std = 0.7 * math.sqrt(2.0 / (fan_in + fan_out))
    u = init.xavier_uniform_(big(*shape), gain=0.7).detach().numpy()
    assert np.abs(u).max() <= math.sqrt(3) * std
    assert abs(u.std() - std) / std < 0.02
    n = init.xavier_normal_(big(*shape), gain=0.7).detach().numpy()
    assert abs(n.std() - std) / std < 0.02 and abs(n.mean()) < 0.1 * std


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity,a", [("relu", 0), ("leaky_relu", 0.1),
                                            ("leaky_relu", math.sqrt(5)), ("tanh", 0)])
def test_kaiming_statistics(mode, nonlinearity, a):
    autograd.manual_seed(2)
    shape = (96, 48, 3, 3)
    fan = 48 * 9 if mode == "fan_in" else 96 * 9
    std = init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    u = init.kaiming_uniform_(big(*shape), a=a, mode=mode,
                              nonlinearity=nonlinearity).detach().numpy()
    assert np.abs(u).max() <= math.sqrt(3) * std
    assert abs(u.std() - std) / std < 0.02
    n = init.kaiming_normal_(big(*shape), a=a, mode=mode,
                             nonlinearity=nonlinearity).detach().numpy()
    assert abs(n.std() - std) / std < 0.02


def test_kaiming_on_empty_tensor_warns_and_returns():
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(big(0, 3))


@pytest.mark.parametrize("shape", [(5, 8), (8, 5), (4, 2, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    autograd.manual_seed(3)
    w = init.orthogonal_(big(*shape), gain=2.0).detach().numpy().reshape(shape[0], -1)
    small = min(w.shape)
    gram = w @ w.T if w.shape[0] == small else w.T @ w
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-5)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(big(4))


def test_sparse_zeroes_the_fraction_of_each_column():
    autograd.manual_seed(4)
    w = init.sparse_(big(10, 20), sparsity=0.3, std=0.5).detach().numpy()
    assert np.all((w == 0).sum(0) >= 3)
    assert w[w != 0].std() > 0.2


def test_init_runs_without_recording_gradients_and_bumps_the_version():
    w = big(3, 3)
    version = w._version
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_normal_,
               init.orthogonal_, init.ones_, init.trunc_normal_):
        out = fn(w)
        assert out is w and w.grad_fn is None and w.is_leaf and w.requires_grad
    assert w._version > version


@pytest.mark.parametrize("fn", [init.uniform_, init.normal_, init.xavier_normal_,
                                init.kaiming_uniform_, init.trunc_normal_, init.orthogonal_])
def test_reproducible_with_manual_seed_and_generators(fn):
    autograd.manual_seed(11)
    a = fn(big(6, 5)).detach().numpy().copy()
    autograd.manual_seed(11)
    b = fn(big(6, 5)).detach().numpy().copy()
    np.testing.assert_array_equal(a, b)
    c = fn(big(6, 5), generator=autograd.Generator().manual_seed(5)).detach().numpy().copy()
    d = fn(big(6, 5), generator=autograd.Generator().manual_seed(5)).detach().numpy().copy()
    np.testing.assert_array_equal(c, d)
    assert not np.array_equal(a, c)


def test_init_keeps_the_dtype():
    w = nn.Parameter(autograd.empty(4, 4, dtype=autograd.float64))
    for fn in (init.xavier_uniform_, init.trunc_normal_, init.orthogonal_, init.eye_,
               lambda t: init.sparse_(t, 0.5)):
        assert fn(w).dtype == autograd.float64
