"""Rprop, ASGD and Adafactor: parity with torch.optim over 50 steps, state dict layout,
validation."""
import numpy as np
import pytest

import autograd
from nn import optim
from test_optim import _assert_same, _run_side_by_side

torch = pytest.importorskip("torch")

RPROP = [{}, {"lr": 0.05}, {"lr": 0.05, "etas": (0.3, 1.5)},
         {"lr": 0.05, "step_sizes": (1e-3, 0.02)}, {"lr": 0.01, "maximize": True},
         {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.02), "maximize": True}]
ASGD = [{}, {"lr": 0.05}, {"lr": 0.05, "lambd": 0.1}, {"lr": 0.05, "t0": 10},
        {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.01, "maximize": True},
        {"lr": 0.05, "alpha": 0.5, "t0": 5},
        {"lr": 0.05, "lambd": 0.1, "t0": 10, "weight_decay": 0.1, "maximize": True}]
ADAFACTOR = [{}, {"lr": 0.05}, {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.05, "maximize": True},
             {"lr": 0.05, "beta2_decay": -0.5, "eps": (1e-30, 1e-3), "d": 2.0}]
CONFIGS = [("Rprop", kw) for kw in RPROP] + [("ASGD", kw) for kw in ASGD] + \
    [("Adafactor", kw) for kw in ADAFACTOR]


def _layout(sd):
    return {i: {k: (tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in s.items()}
            for i, s in sd["state"].items()}


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_parity_with_torch_and_state_dict_layout(name, kwargs):
    tp, gp, topt, gopt = _run_side_by_side(name, kwargs, seed=2)
    _assert_same(tp, gp)
    tsd, gsd = topt.state_dict(), gopt.state_dict()
    assert _layout(gsd) == _layout(tsd) and gsd["param_groups"] == tsd["param_groups"]
    for i, state in tsd["state"].items():
        for key, value in state.items():
            np.testing.assert_allclose(gsd["state"][i][key].numpy(), value.numpy(),
                                       rtol=1e-6, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("name", ["Rprop", "ASGD", "Adafactor"])
def test_groups_and_skipped_params(name):
    groups = [([0], {"lr": 0.03}), ([1, 2], {"lr": 0.01})]
    tp, gp, topt, gopt = _run_side_by_side(name, {"lr": 0.02}, groups=groups, skip=2)
    _assert_same(tp, gp)
    assert gp[2] not in gopt.state


@pytest.mark.parametrize("name,kwargs,message", [
    ("Rprop", {"lr": -1.0}, "Invalid learning rate"),
    ("Rprop", {"etas": (1.0, 1.2)}, "Invalid eta values"),
    ("Rprop", {"etas": (0.5, 0.9)}, "Invalid eta values"),
    ("ASGD", {"lr": -1.0}, "Invalid learning rate"),
    ("ASGD", {"weight_decay": -0.1}, "Invalid weight_decay value"),
    ("Adafactor", {"lr": -1.0}, "Learning rate should be >= 0"),
    ("Adafactor", {"beta2_decay": 0.5}, "beta2_decay should be <= 0"),
    ("Adafactor", {"eps": (-1.0, 1e-3)}, "epsilon1 should be >= 0"),
    ("Adafactor", {"eps": (None, -1.0)}, "epsilon2 should be >= 0"),
    ("Adafactor", {"d": 0.5}, "Clipping threshold d should be >= 1"),
    ("Adafactor", {"weight_decay": -0.1}, "weight_decay should be >= 0"),
])
def test_invalid_hyperparameters_raise_like_torch(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(optim, name)([autograd.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=message):
        getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **kwargs)


def test_adafactor_float32_and_3d_parameters_track_torch():
    rng = np.random.default_rng(0)
    inits = [rng.standard_normal(s).astype(np.float32) for s in [(2, 3, 4), (5,), (4, 6)]]
    tp = [torch.tensor(a, requires_grad=True) for a in inits]
    gp = [autograd.tensor(a, requires_grad=True) for a in inits]
    topt, gopt = torch.optim.Adafactor(tp), optim.Adafactor(gp)
    for _ in range(50):
        for t, g in zip(tp, gp):
            grad = np.sin(3 * g.data) + g.data
            t.grad, g.grad = torch.tensor(grad), autograd.tensor(grad)
        topt.step()
        gopt.step()
    for t, g in zip(tp, gp):
        assert g.data.dtype == np.float32
        np.testing.assert_allclose(g.data, t.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert gopt.state[gp[0]]["row_var"].shape == (2, 3, 1)
    assert gopt.state[gp[0]]["col_var"].shape == (2, 1, 4)
