"""Tests for nn.optim's optimizers: parity with torch.optim, state dicts, validation, API."""
import numpy as np
import pytest

import autograd
from nn import optim

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (4,), (2, 3)]


def _loss_torch(params, coeffs):
    """A smooth, coupled, non-quadratic objective of the parameters (torch tensors)."""
    total = 0
    for p, (a, b) in zip(params, coeffs):
        total = total + 0.5 * (a * p ** 2).sum() + (b * torch.sin(3 * p)).sum()
    return total + 0.5 * torch.log1p((params[0].sum() * params[1].sum()) ** 2)


def _problem(seed):
    rng = np.random.default_rng(seed)
    inits = [rng.standard_normal(s) for s in SHAPES]
    coeffs = [(torch.tensor(rng.uniform(0.5, 2.0, s)), torch.tensor(rng.uniform(-1, 1, s)))
              for s in SHAPES]
    return inits, coeffs


def _grads_for(arrays, coeffs):
    """The objective's gradients at `arrays`, computed with torch, as NumPy arrays."""
    tp = [torch.tensor(a, requires_grad=True) for a in arrays]
    _loss_torch(tp, coeffs).backward()
    return [t.grad.numpy().copy() for t in tp]


def _group_spec(params, groups):
    if groups is None:
        return params
    return [{"params": [params[i] for i in idx], **hp} for idx, hp in groups]


def _run_side_by_side(name, kwargs, steps=50, groups=None, skip=None, seed=0):
    """Run torch.optim.<name> and nn.optim.<name> from the same start; return both params."""
    inits, coeffs = _problem(seed)
    tp = [torch.tensor(a, requires_grad=True) for a in inits]
    gp = [autograd.tensor(a, requires_grad=True) for a in inits]
    topt = getattr(torch.optim, name)(_group_spec(tp, groups), **kwargs)
    gopt = getattr(optim, name)(_group_spec(gp, groups), **kwargs)
    for _ in range(steps):
        topt.zero_grad()
        _loss_torch(tp, coeffs).backward()
        for i, g in enumerate(_grads_for([p.data for p in gp], coeffs)):
            gp[i].grad = autograd.tensor(g)
        if skip is not None:
            tp[skip].grad = None
            gp[skip].grad = None
        topt.step()
        gopt.step()
    return tp, gp, topt, gopt


def _assert_same(tp, gp, tol=1e-6):
    for t, g in zip(tp, gp):
        np.testing.assert_allclose(g.data, t.detach().numpy(), rtol=tol, atol=tol)


CONFIGS = [
    ("SGD", {}), ("SGD", {"lr": 0.05}), ("SGD", {"lr": 0.02, "momentum": 0.9}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.02, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True,
             "maximize": True}),
    ("Adam", {}), ("Adam", {"lr": 0.05}), ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True}), ("Adam", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-3}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
              "amsgrad": True}),
    ("AdamW", {}), ("AdamW", {"lr": 0.05, "weight_decay": 0.5}),
    ("AdamW", {"lr": 0.05, "amsgrad": True}), ("AdamW", {"lr": 0.05, "maximize": True}),
    ("RMSprop", {}), ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.5, "maximize": True}),
    ("Adagrad", {}), ("Adagrad", {"lr": 0.1, "lr_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "maximize": True, "eps": 1e-3}),
    ("Adadelta", {}), ("Adadelta", {"lr": 0.5, "rho": 0.5}),
    ("Adadelta", {"weight_decay": 0.1, "maximize": True}),
    ("Adamax", {}), ("Adamax", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.05, "betas": (0.5, 0.9), "maximize": True}),
    ("NAdam", {}), ("NAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "maximize": True}),
    ("RAdam", {}), ("RAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.05, "betas": (0.8, 0.9), "maximize": True}),
]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_parity_with_torch(name, kwargs):
    tp, gp, _, _ = _run_side_by_side(name, kwargs)
    _assert_same(tp, gp)
    assert all(np.isfinite(g.data).all() for g in gp)
    moved = max(np.abs(g.data - a).max() for g, a in zip(gp, _problem(0)[0]))
    assert moved > 1e-4  # the parameters really changed


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "NAdam"])
def test_parity_per_group_hyperparameters_and_skipped_params(name):
    extra = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    groups = [([0], {"lr": 0.03, **extra}), ([1, 2], {"lr": 0.01, "weight_decay": 0.2})]
    tp, gp, topt, gopt = _run_side_by_side(name, {"lr": 0.02}, groups=groups, skip=2)
    _assert_same(tp, gp)
    np.testing.assert_array_equal(gp[2].data, _problem(0)[0][2])   # never had a gradient
    if name != "Adagrad":                                           # Adagrad's state is eager
        assert gp[2] not in gopt.state
    assert [g["lr"] for g in gopt.param_groups] == [g["lr"] for g in topt.param_groups]


def test_float32_parameters_keep_dtype_and_track_torch():
    inits, coeffs = _problem(3)
    tp = [torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in inits]
    gp = [autograd.tensor(a, dtype=autograd.float32, requires_grad=True) for a in inits]
    topt, gopt = torch.optim.Adam(tp, lr=0.01), optim.Adam(gp, lr=0.01)
    for _ in range(20):
        for t, g in zip(tp, gp):
            t.grad = torch.tensor(2 * t.detach().numpy() + 1)
            g.grad = autograd.tensor(2 * g.data + 1)
        topt.step()
        gopt.step()
    for t, g in zip(tp, gp):
        assert g.data.dtype == np.float32
        assert gopt.state[g]["exp_avg"].data.dtype == np.float32
        np.testing.assert_allclose(g.data, t.detach().numpy(), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- state dicts
ROUND_TRIP = [("SGD", {"lr": 0.02, "momentum": 0.9}), ("Adam", {"lr": 0.05, "amsgrad": True}),
              ("AdamW", {"lr": 0.05}), ("RMSprop", {"momentum": 0.5, "centered": True}),
              ("Adagrad", {"lr_decay": 0.01}), ("Adadelta", {}), ("Adamax", {}),
              ("NAdam", {"lr": 0.05}), ("RAdam", {"lr": 0.05}), ("Rprop", {"lr": 0.05}),
              ("ASGD", {"t0": 5}), ("Adafactor", {"lr": 0.05})]


def _fresh(name, kwargs, seed=1):
    inits, coeffs = _problem(seed)
    params = [autograd.tensor(a, requires_grad=True) for a in inits]
    return params, coeffs, getattr(optim, name)(params, **kwargs)


def _steps(params, coeffs, opt, n):
    for _ in range(n):
        for p, g in zip(params, _grads_for([p.data for p in params], coeffs)):
            p.grad = autograd.tensor(g)
        opt.step()


@pytest.mark.parametrize("name,kwargs", ROUND_TRIP, ids=[n for n, _ in ROUND_TRIP])
def test_state_dict_round_trip_continues_identically(name, kwargs):
    ref_params, coeffs, ref_opt = _fresh(name, kwargs)
    _steps(ref_params, coeffs, ref_opt, 30)

    params, coeffs, opt = _fresh(name, kwargs)
    _steps(params, coeffs, opt, 15)
    saved = opt.state_dict()
    opt2 = getattr(optim, name)(params, lr=123.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for key, value in saved["state"][0].items():       # copied, not shared
        if isinstance(value, autograd.Tensor) and key != "step":
            assert opt2.state[params[0]][key].data is not value.data
    _steps(params, coeffs, opt2, 15)
    for a, b in zip(params, ref_params):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize("name,kwargs", ROUND_TRIP, ids=[n for n, _ in ROUND_TRIP])
def test_state_dict_layout_matches_torch(name, kwargs):
    tp, gp, topt, gopt = _run_side_by_side(name, kwargs, steps=3,
                                           groups=[([0], {}), ([1, 2], {"lr": 0.01})])
    tsd, gsd = topt.state_dict(), gopt.state_dict()
    assert [g["params"] for g in gsd["param_groups"]] == [g["params"] for g in tsd["param_groups"]]
    for tg, gg in zip(tsd["param_groups"], gsd["param_groups"]):
        assert set(gg) == set(tg)
        assert {k: v for k, v in gg.items() if k != "params"} == \
            {k: v for k, v in tg.items() if k != "params"}
    assert set(gsd["state"]) == set(tsd["state"])
    for idx, tstate in tsd["state"].items():
        gstate = gsd["state"][idx]
        assert set(gstate) == set(tstate)
        for key, tval in tstate.items():
            gval = gstate[key]
            assert isinstance(gval, autograd.Tensor)
            assert tuple(gval.shape) == tuple(tval.shape)
            assert str(gval.dtype).split(".")[-1] == str(tval.dtype).split(".")[-1]
            np.testing.assert_allclose(gval.data, tval.numpy(), rtol=1e-9, atol=1e-12)


def test_loading_a_torch_state_dict_continues_like_torch():
    tp, gp, topt, gopt = _run_side_by_side("Adam", {"lr": 0.05, "amsgrad": True}, steps=10)
    tsd = topt.state_dict()
    converted = {"state": {i: {k: autograd.tensor(v.numpy()) for k, v in s.items()}
                           for i, s in tsd["state"].items()},
                 "param_groups": tsd["param_groups"]}
    fresh = optim.Adam(gp, lr=1.0)
    fresh.load_state_dict(converted)
    inits, coeffs = _problem(0)
    for _ in range(10):
        topt.zero_grad()
        _loss_torch(tp, coeffs).backward()
        topt.step()
        for p, g in zip(gp, _grads_for([p.data for p in gp], coeffs)):
            p.grad = autograd.tensor(g)
        fresh.step()
    _assert_same(tp, gp, tol=1e-9)


def test_load_state_dict_rejects_mismatches_and_changes_nothing():
    params, coeffs, opt = _fresh("Adam", {"lr": 0.05})
    _steps(params, coeffs, opt, 2)
    before = {k: v.data.copy() for k, v in opt.state[params[0]].items()}
    good = opt.state_dict()
    other_params, _, other = _fresh("Adam", {"lr": 0.5})
    bad_count = {"state": good["state"], "param_groups": good["param_groups"] * 2}
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(bad_count)
    bad_size = {"state": good["state"],
                "param_groups": [dict(good["param_groups"][0], params=[0, 1])]}
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict(bad_size)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})
    bad_lr = {"state": good["state"], "param_groups": [dict(good["param_groups"][0], lr=-1.0)]}
    with pytest.raises(ValueError, match="Invalid learning rate"):
        opt.load_state_dict(bad_lr)
    assert opt.param_groups[0]["lr"] == 0.05
    for k, v in opt.state[params[0]].items():
        np.testing.assert_array_equal(v.data, before[k])
    del other_params, other


def test_state_dict_casts_loaded_buffers_to_param_dtype_but_not_step():
    p64 = autograd.tensor(np.ones(3), requires_grad=True)
    opt = optim.Adam([p64])
    p64.grad = autograd.tensor(np.ones(3))
    opt.step()
    sd = opt.state_dict()
    p32 = autograd.tensor(np.ones(3, np.float32), requires_grad=True)
    opt32 = optim.Adam([p32])
    opt32.load_state_dict(sd)
    assert opt32.state[p32]["exp_avg"].data.dtype == np.float32
    assert opt32.state[p32]["step"].data.dtype == np.float32
    assert float(opt32.state[p32]["step"].data) == 1.0


# ----------------------------------------------------------------------------- validation
INVALID = [
    ("SGD", {"lr": -0.1}, "Invalid learning rate: -0.1"),
    ("SGD", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    ("SGD", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("SGD", {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
     "Nesterov momentum requires a momentum and zero dampening"),
    ("Adam", {"lr": -1e-3}, "Invalid learning rate"),
    ("Adam", {"betas": (1.0, 0.999)}, r"Invalid beta parameter at index 0: 1\.0"),
    ("Adam", {"betas": (0.9, -0.1)}, r"Invalid beta parameter at index 1: -0\.1"),
    ("Adam", {"eps": -1e-8}, "Invalid epsilon value"),
    ("Adam", {"weight_decay": -0.1}, "Invalid weight_decay value"),
    ("AdamW", {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1"),
    ("RMSprop", {"alpha": -0.1}, "Invalid alpha value"),
    ("RMSprop", {"momentum": -0.1}, "Invalid momentum value"),
    ("Adagrad", {"lr_decay": -0.1}, "Invalid lr_decay value"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value"),
    ("Adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
    ("Adamax", {"betas": (-0.1, 0.9)}, "Invalid beta parameter at index 0"),
    ("NAdam", {"momentum_decay": -1.0}, "Invalid momentum_decay value"),
    ("RAdam", {"eps": -1.0}, "Invalid epsilon value"),
    ("LBFGS", {"lr": -1.0}, "Invalid learning rate"),
    ("LBFGS", {"line_search_fn": "armijo"}, "strong_wolfe"),
    ("Adam", {"fused": True}, "fused=True is not supported"),
    ("SGD", {"differentiable": True}, "differentiable=True is not supported"),
]


@pytest.mark.parametrize("name,kwargs,message", INVALID)
def test_invalid_hyperparameters_raise_value_error(name, kwargs, message):
    p = autograd.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match=message):
        getattr(optim, name)([p], **kwargs)
    if name != "LBFGS" and not set(kwargs) & {"fused", "differentiable", "line_search_fn"}:
        with pytest.raises(ValueError):   # torch agrees these are invalid
            getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **kwargs)


def test_invalid_group_hyperparameters_raise_before_adding():
    p, q = (autograd.tensor(np.ones(2), requires_grad=True) for _ in range(2))
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        opt.add_param_group({"params": [q], "lr": -1.0})
    assert len(opt.param_groups) == 1


def test_bad_params_arguments():
    p = autograd.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(p)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([])
    with pytest.raises(ValueError, match="duplicate parameters"):
        optim.SGD([p, p])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([np.ones(2)])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2])
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {p}}])
    with pytest.raises(TypeError, match="param_group must be a dict"):
        optim.SGD([p]).add_param_group([p])


# ----------------------------------------------------------------------------- API
def test_param_groups_defaults_and_named_params():
    p, q = (autograd.tensor(np.ones(2), requires_grad=True) for _ in range(2))
    opt = optim.SGD([("w", p), ("b", q)], lr=0.5, momentum=0.1)
    assert opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.param_groups[0]["params"][0] is p
    assert opt.defaults["lr"] == 0.5
    default = optim.SGD([p])
    assert default.param_groups[0]["lr"] == 1e-3    # PyTorch 2.13's default
    assert optim.AdamW([p]).param_groups[0]["weight_decay"] == 1e-2
    assert "Parameter Group 0" in repr(opt) and "lr: 0.5" in repr(opt)


def test_add_param_group_gets_defaults_and_is_optimized():
    p, q = (autograd.tensor(np.ones(2), requires_grad=True) for _ in range(2))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": q, "lr": 0.5})
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.5
    p.grad = autograd.tensor(np.ones(2))
    q.grad = autograd.tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(p.data, 0.9)
    np.testing.assert_allclose(q.data, 0.5)


def test_zero_grad_both_modes():
    p = autograd.tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = autograd.tensor(np.full(3, 2.0))
    grad = p.grad
    version = grad._version
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(p.grad.data, 0.0)
    assert grad._version > version
    opt.zero_grad()
    assert p.grad is None
    opt.zero_grad()                                    # no gradient: nothing to do
    assert p.grad is None


def test_step_bumps_version_and_skips_params_without_grad():
    p, q = (autograd.tensor(np.ones(2), requires_grad=True) for _ in range(2))
    opt = optim.Adam([p, q], lr=0.1)
    p.grad = autograd.tensor(np.ones(2))
    v_p, v_q = p._version, q._version
    opt.step()
    assert p._version > v_p and q._version == v_q
    np.testing.assert_array_equal(q.data, 1.0)
    assert q not in opt.state and p in opt.state


def test_step_with_closure_returns_loss_and_enables_grad():
    x = autograd.tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = optim.SGD([x], lr=0.1)
    seen = []

    def closure():
        seen.append(autograd.is_grad_enabled())
        opt.zero_grad()
        x.grad = autograd.tensor(2 * x.data)
        return float((x.data ** 2).sum())

    with autograd.no_grad():
        loss = opt.step(closure)
    assert loss == 5.0 and seen == [True]
    np.testing.assert_allclose(x.data, [0.8, -1.6])


def test_training_with_autograd_backward_reduces_loss():
    rng = np.random.default_rng(0)
    w = autograd.tensor(rng.standard_normal(3), requires_grad=True)
    target = autograd.tensor(np.array([1.0, 2.0, 3.0]))
    opt = optim.Adam([w], lr=0.1)

    def loss_fn():
        return ((w - target) ** 2).sum()

    first = loss_fn().item()
    for _ in range(100):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
    assert loss_fn().item() < first * 1e-2


# ----------------------------------------------------------------------------- LBFGS
def _rosenbrock(x):
    return ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()


def _lbfgs_pair(kwargs, steps):
    start = np.array([-1.5, 2.0, 0.5, -0.5])
    tx = torch.tensor(start, requires_grad=True)
    gx = autograd.tensor(start, requires_grad=True)
    topt = torch.optim.LBFGS([tx], **kwargs)
    gopt = optim.LBFGS([gx], **kwargs)

    def tclosure():
        topt.zero_grad()
        loss = _rosenbrock(tx)
        loss.backward()
        return loss

    def gclosure():
        gopt.zero_grad()
        xc = torch.tensor(gx.data, requires_grad=True)
        loss = _rosenbrock(xc)
        loss.backward()
        gx.grad = autograd.tensor(xc.grad.numpy())
        return loss.item()

    for _ in range(steps):
        tloss = topt.step(tclosure)
        gloss = gopt.step(gclosure)
        assert gloss == pytest.approx(tloss.detach().item(), rel=1e-9, abs=1e-12)
    return tx, gx, topt, gopt


@pytest.mark.parametrize("kwargs", [{}, {"line_search_fn": "strong_wolfe"},
                                    {"history_size": 3, "max_iter": 10, "lr": 0.5},
                                    {"history_size": 2, "line_search_fn": "strong_wolfe"}])
def test_lbfgs_parity_on_rosenbrock(kwargs):
    tx, gx, topt, gopt = _lbfgs_pair(kwargs, steps=4)
    np.testing.assert_allclose(gx.data, tx.detach().numpy(), rtol=1e-6, atol=1e-6)
    tstate, gstate = topt.state[tx], gopt.state[gx]
    assert gstate["func_evals"] == tstate["func_evals"]
    assert gstate["n_iter"] == tstate["n_iter"]


def test_lbfgs_strong_wolfe_converges_and_state_round_trips():
    tx, gx, _, gopt = _lbfgs_pair({"line_search_fn": "strong_wolfe"}, steps=6)
    xc = torch.tensor(gx.data, requires_grad=True)
    _rosenbrock(xc).backward()
    assert np.abs(xc.grad.numpy()).max() < 1e-3          # near a stationary point (from ~1e3)
    np.testing.assert_allclose(gx.data, tx.detach().numpy(), rtol=1e-6, atol=1e-6)
    sd = gopt.state_dict()
    assert set(sd["state"][0]) >= {"d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                                   "prev_flat_grad", "prev_loss", "func_evals", "n_iter"}
    assert isinstance(sd["state"][0]["d"], autograd.Tensor)
    fresh = optim.LBFGS([gx], line_search_fn="strong_wolfe")
    fresh.load_state_dict(sd)
    assert fresh.state[gx]["n_iter"] == gopt.state[gx]["n_iter"]


def test_lbfgs_rejects_groups_and_missing_closure():
    p, q = (autograd.tensor(np.ones(2), requires_grad=True) for _ in range(2))
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [q]}])
    opt = optim.LBFGS([p])
    with pytest.raises(ValueError, match="per-parameter options"):
        opt.add_param_group({"params": [q]})
    with pytest.raises(ValueError, match="needs a closure"):
        opt.step(None)


def _loss_glassgrad(params, coeffs):
    """`_loss_torch` written with glassgrad ops, so a closure can call backward itself."""
    total = 0
    for p, (a, b) in zip(params, coeffs):
        a, b = autograd.tensor(a.numpy()), autograd.tensor(b.numpy())
        total = total + 0.5 * (a * p ** 2).sum() + (b * autograd.sin(3 * p)).sum()
    return total + 0.5 * autograd.log1p((params[0].sum() * params[1].sum()) ** 2)


@pytest.mark.parametrize("kwargs", [{"max_iter": 2, "lr": 0.3},
                                    {"max_iter": 2, "line_search_fn": "strong_wolfe"},
                                    {"max_iter": 1, "history_size": 2,
                                     "line_search_fn": "strong_wolfe"}])
def test_lbfgs_parity_after_50_steps_with_a_backward_closure(kwargs):
    """50 LBFGS steps, each closure running glassgrad's own forward and backward, match
    torch's to 1e-6 (a well-conditioned objective: on Rosenbrock both round differently
    and the ~1e-16 differences grow chaotically, in torch against itself as well)."""
    inits, coeffs = _problem(0)
    tp = [torch.tensor(a, requires_grad=True) for a in inits]
    gp = [autograd.tensor(a, requires_grad=True) for a in inits]
    topt, gopt = torch.optim.LBFGS(tp, **kwargs), optim.LBFGS(gp, **kwargs)

    def tclosure():
        topt.zero_grad()
        loss = _loss_torch(tp, coeffs)
        loss.backward()
        return loss

    def gclosure():
        gopt.zero_grad()
        loss = _loss_glassgrad(gp, coeffs)
        loss.backward()
        return loss

    for _ in range(50):
        tloss, gloss = topt.step(tclosure), gopt.step(gclosure)
        assert isinstance(gloss, autograd.Tensor)             # the closure's own return value
    _assert_same(tp, gp)
    assert gloss.item() == pytest.approx(tloss.item(), rel=1e-9)
    assert gopt.state[gp[0]]["func_evals"] == topt.state[tp[0]]["func_evals"] > 50
    assert max(np.abs(g.data - a).max() for g, a in zip(gp, inits)) > 0.1


@pytest.mark.parametrize("name,kwargs", [
    ("AdamW", {}), ("Adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adafactor", {"weight_decay": 0.1}), ("SGD", {"momentum": 0.9, "weight_decay": 0.1})])
def test_tensor_learning_rate_rounds_like_torch(name, kwargs):
    """A float32 Tensor lr: torch multiplies the decoupled decay in float32; so does glassgrad
    (a Python-float product would differ by ~1e-7 after 50 steps)."""
    start = np.random.default_rng(0).standard_normal((4, 5))
    tp, gp = torch.tensor(start, requires_grad=True), autograd.tensor(start, requires_grad=True)
    topt = getattr(torch.optim, name)([tp], lr=torch.tensor(0.01), **kwargs)
    gopt = getattr(optim, name)([gp], lr=autograd.tensor(0.01), **kwargs)
    for _ in range(50):
        tp.grad, gp.grad = torch.tensor(np.sin(start)), autograd.tensor(np.sin(start))
        topt.step()
        gopt.step()
        start = gp.data.copy()
        np.testing.assert_allclose(tp.detach().numpy(), start, rtol=0, atol=1e-8)
