"""Tests for nn.optim.lr_scheduler: learning rates identical to torch's over 200 steps."""
import math
import warnings

import numpy as np
import pytest

import autograd
from nn import optim
from nn.optim import lr_scheduler as gsched

torch = pytest.importorskip("torch")
tsched = torch.optim.lr_scheduler

STEPS = 200


def _optimizers(opt_name="SGD", group_lrs=(0.1,), **kwargs):
    """A torch optimizer and a glassgrad one over one parameter per group."""
    tgroups = [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in group_lrs]
    ggroups = [{"params": [autograd.tensor(np.zeros(2), requires_grad=True)], "lr": lr}
               for lr in group_lrs]
    return (getattr(torch.optim, opt_name)(tgroups, **kwargs),
            getattr(optim, opt_name)(ggroups, **kwargs))


def _assert_groups_equal(topt, gopt, keys=("lr",)):
    for tg, gg in zip(topt.param_groups, gopt.param_groups):
        for key in keys:
            tv, gv = tg[key], gg[key]
            if isinstance(tv, tuple):
                tv, gv = tv[0], gv[0]
            assert gv == tv, key                  # identical, not merely close


def _drive(topt, gopt, tsch, gsch, steps=STEPS, metrics=None, keys=("lr",)):
    _assert_groups_equal(topt, gopt, keys)
    assert gsch.get_last_lr() == tsch.get_last_lr()
    for i in range(steps):
        topt.step()
        gopt.step()
        if metrics is None:
            tsch.step()
            gsch.step()
        else:
            tsch.step(metrics[i])
            gsch.step(metrics[i])
        _assert_groups_equal(topt, gopt, keys)
        assert gsch.get_last_lr() == tsch.get_last_lr()
        assert getattr(gsch, "last_epoch", None) == getattr(tsch, "last_epoch", None)


def _lambda_a(epoch):
    return 0.97 ** epoch


def _lambda_b(epoch):
    return 1.0 / (1 + epoch)


SCHEDULERS = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=7),
    "StepLR-gamma": lambda m, o: m.StepLR(o, step_size=3, gamma=0.8),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[10, 30, 30, 90], gamma=0.5),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.98),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=25),
    "CosineAnnealingLR-eta": lambda m, o: m.CosineAnnealingLR(o, T_max=40, eta_min=1e-3),
    "WarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=10),
    "WarmRestarts-mult": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2,
                                                                     eta_min=1e-4),
    "LinearLR": lambda m, o: m.LinearLR(o),
    "LinearLR-down": lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                             total_iters=60),
    "ConstantLR": lambda m, o: m.ConstantLR(o),
    "ConstantLR-long": lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=50),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lr_lambda=_lambda_a),
    "LambdaLR-list": lambda m, o: m.LambdaLR(o, lr_lambda=[
        (_lambda_a, _lambda_b)[i % 2] for i in range(len(o.param_groups))]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lr_lambda=lambda e: 0.99),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=100, power=2.0),
    "PolynomialLR-default": lambda m, o: m.PolynomialLR(o),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=1.0, total_steps=STEPS),
    "OneCycleLR-linear-3phase": lambda m, o: m.OneCycleLR(
        o, max_lr=[0.5 / (i + 1) for i in range(len(o.param_groups))], epochs=10,
        steps_per_epoch=20, anneal_strategy="linear", three_phase=True),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=15),
    "CyclicLR-tri2": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=10,
                                             step_size_down=20, mode="triangular2"),
    "CyclicLR-exp": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=12,
                                            mode="exp_range", gamma=0.99),
    "CyclicLR-custom": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=8,
                                               scale_fn=lambda x: 1 / (1 + x),
                                               scale_mode="iterations"),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=10),
            m.CosineAnnealingLR(o, T_max=50), m.ExponentialLR(o, gamma=0.99)],
        milestones=[10, 60]),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=20), m.ExponentialLR(o, gamma=0.99),
         m.StepLR(o, step_size=30, gamma=0.5)]),
    "Chained-cosine-warmup": lambda m, o: m.ChainedScheduler(
        [m.LinearLR(o, start_factor=0.2, total_iters=15), m.CosineAnnealingLR(o, T_max=30)],
        optimizer=o),
}


@pytest.mark.parametrize("group_lrs", [(0.1,), (0.1, 0.02, 0.5)], ids=["1group", "3groups"])
@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_parity_with_torch(name, group_lrs):
    topt, gopt = _optimizers(group_lrs=group_lrs, momentum=0.9)
    build = SCHEDULERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # torch's own advice warnings
        tsch = build(tsched, topt)
        gsch = build(gsched, gopt)
    keys = ("lr", "momentum") if name.startswith(("Cyclic", "OneCycle")) else ("lr",)
    _drive(topt, gopt, tsch, gsch, keys=keys)
    assert [g["initial_lr"] for g in gopt.param_groups] == \
        [g["initial_lr"] for g in topt.param_groups]


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR"])
def test_momentum_cycling_of_adam_betas(name):
    topt, gopt = _optimizers("Adam", group_lrs=(0.1, 0.01))
    build = SCHEDULERS[name]
    tsch, gsch = build(tsched, topt), build(gsched, gopt)
    _drive(topt, gopt, tsch, gsch, keys=("lr", "betas"))
    assert gopt.param_groups[0]["betas"][1] == 0.999
    assert gopt.param_groups[0]["betas"][0] != 0.9          # beta1 really cycles


def test_cycle_momentum_needs_momentum_or_betas():
    _, gopt = _optimizers("Adagrad")
    with pytest.raises(ValueError, match="momentum or beta1"):
        gsched.CyclicLR(gopt, base_lr=0.01, max_lr=0.1)
    gsched.CyclicLR(gopt, base_lr=0.01, max_lr=0.1, cycle_momentum=False)


@pytest.mark.parametrize("kwargs", [
    {}, {"mode": "max", "factor": 0.5, "patience": 3},
    {"threshold_mode": "abs", "threshold": 0.05, "cooldown": 4, "patience": 2},
    {"mode": "max", "threshold_mode": "abs", "min_lr": [0.05, 0.001, 0.0], "patience": 0},
    {"factor": 0.2, "patience": 1, "min_lr": 0.004, "eps": 1e-3},
])
def test_reduce_lr_on_plateau_parity(kwargs):
    rng = np.random.default_rng(0)
    metrics = list(np.cumsum(rng.standard_normal(STEPS)) * 0.1 + 5.0)
    metrics[50:80] = [metrics[49]] * 30                       # a real plateau
    topt, gopt = _optimizers(group_lrs=(0.1, 0.02, 0.5))
    tsch = tsched.ReduceLROnPlateau(topt, **kwargs)
    gsch = gsched.ReduceLROnPlateau(gopt, **kwargs)
    _drive(topt, gopt, tsch, gsch, metrics=metrics)
    assert gsch.best == tsch.best and gsch.num_bad_epochs == tsch.num_bad_epochs
    assert list(gsch.state_dict()) == list(tsch.state_dict())
    assert gsch.state_dict() == tsch.state_dict()           # every field, PyTorch's layout


def test_reduce_lr_on_plateau_validation():
    _, gopt = _optimizers()
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        gsched.ReduceLROnPlateau(gopt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        gsched.ReduceLROnPlateau(gopt, mode="avg")
    with pytest.raises(ValueError, match="threshold mode x is unknown"):
        gsched.ReduceLROnPlateau(gopt, threshold_mode="x")
    with pytest.raises(ValueError, match="expected 1 min_lrs, got 2"):
        gsched.ReduceLROnPlateau(gopt, min_lr=[0.1, 0.2])


def test_deprecated_epoch_argument_uses_closed_form_like_torch():
    topt, gopt = _optimizers(group_lrs=(0.1, 0.3))
    tsch, gsch = tsched.StepLR(topt, step_size=3, gamma=0.5), gsched.StepLR(gopt, 3, 0.5)
    topt.step()
    gopt.step()
    for epoch in (4, 9, 2, 15):
        with pytest.warns(UserWarning, match="epoch parameter"):
            gsch.step(epoch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tsch.step(epoch)
        _assert_groups_equal(topt, gopt)


def test_warm_restarts_fractional_epochs_like_torch():
    topt, gopt = _optimizers(group_lrs=(0.1, 0.3))
    tsch = tsched.CosineAnnealingWarmRestarts(topt, T_0=4, T_mult=2)
    gsch = gsched.CosineAnnealingWarmRestarts(gopt, T_0=4, T_mult=2)
    for epoch in np.arange(0, 40, 0.37):
        tsch.step(float(epoch))
        gsch.step(float(epoch))
        _assert_groups_equal(topt, gopt)
    with pytest.raises(ValueError, match="non-negative epoch"):
        gsch.step(-1)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR",
                                  "SequentialLR", "ChainedScheduler", "LambdaLR-list",
                                  "WarmRestarts-mult"])
def test_state_dict_round_trip_continues_identically(name):
    build = SCHEDULERS[name]
    _, ref_opt = _optimizers(group_lrs=(0.1, 0.02), momentum=0.9)
    ref = build(gsched, ref_opt)
    lrs_ref = []
    for _ in range(120):
        ref_opt.step()
        ref.step()
        lrs_ref.append(ref.get_last_lr())

    _, opt = _optimizers(group_lrs=(0.1, 0.02), momentum=0.9)
    sch = build(gsched, opt)
    for _ in range(60):
        opt.step()
        sch.step()
    saved_sched, saved_opt = sch.state_dict(), opt.state_dict()
    assert "optimizer" not in saved_sched
    _, opt2 = _optimizers(group_lrs=(0.7, 0.7), momentum=0.9)
    sch2 = build(gsched, opt2)
    opt2.load_state_dict(saved_opt)
    sch2.load_state_dict(saved_sched)
    lrs = lrs_ref[:60]
    for _ in range(60):
        opt2.step()
        sch2.step()
        lrs.append(sch2.get_last_lr())
    assert lrs == lrs_ref


def _layout(state):
    """Keys and value types of a scheduler state dict, nested scheduler states included."""
    out = {}
    for key, value in state.items():
        if key == "_schedulers":
            out[key] = [_layout(v) for v in value]
        elif key in ("lr_lambdas", "_scale_fn_ref", "_scale_fn_custom"):
            out[key] = type(value).__name__      # torch keeps callables' __dict__ or None
        else:
            out[key] = (type(value).__name__, value if isinstance(value, (str, bool)) else None)
    return out


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_state_dict_layout_matches_torch(name):
    topt, gopt = _optimizers(group_lrs=(0.1, 0.02), momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tsch, gsch = SCHEDULERS[name](tsched, topt), SCHEDULERS[name](gsched, gopt)
    for _ in range(7):
        topt.step()
        gopt.step()
        tsch.step()
        gsch.step()
    tstate, gstate = tsch.state_dict(), gsch.state_dict()
    assert list(gstate) == list(tstate)
    assert _layout(gstate) == _layout(tstate)


def test_lambda_state_dict_keeps_callable_objects_not_functions():
    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, epoch):
            return self.rate ** epoch

    _, gopt = _optimizers(group_lrs=(0.1, 0.2))
    sch = gsched.LambdaLR(gopt, [Decay(0.9), _lambda_a])
    state = sch.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.9}, None]
    other = gsched.LambdaLR(gopt, [Decay(0.5), _lambda_a])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].rate == 0.9


def test_initial_lr_and_resuming():
    _, gopt = _optimizers(group_lrs=(0.1, 0.2))
    with pytest.raises(KeyError, match="initial_lr"):
        gsched.StepLR(gopt, step_size=2, last_epoch=5)
    gsched.StepLR(gopt, step_size=2)
    assert [g["initial_lr"] for g in gopt.param_groups] == [0.1, 0.2]
    resumed = gsched.ExponentialLR(gopt, gamma=0.5, last_epoch=3)
    assert resumed.last_epoch == 4


def test_scheduler_validation_errors():
    _, gopt = _optimizers()
    with pytest.raises(TypeError, match="is not an Optimizer"):
        gsched.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        gsched.ConstantLR(gopt, factor=1.5)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        gsched.LinearLR(gopt, start_factor=0)
    with pytest.raises(ValueError, match="positive integer T_0"):
        gsched.CosineAnnealingWarmRestarts(gopt, T_0=0)
    with pytest.raises(ValueError, match="total_steps OR"):
        gsched.OneCycleLR(gopt, max_lr=0.1)
    with pytest.raises(ValueError, match="Tried to step"):
        sch = gsched.OneCycleLR(gopt, max_lr=0.1, total_steps=3)
        for _ in range(4):
            gopt.step()
            sch.step()
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        gsched.LambdaLR(gopt, [_lambda_a, _lambda_b])
    with pytest.raises(ValueError, match="number of milestone points"):
        gsched.SequentialLR(gopt, [gsched.StepLR(gopt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        gsched.ChainedScheduler([gsched.ReduceLROnPlateau(gopt)])
    _, other = _optimizers()
    with pytest.raises(ValueError, match="same optimizer"):
        gsched.ChainedScheduler([gsched.StepLR(gopt, 2), gsched.StepLR(other, 2)])
    with pytest.raises(ValueError, match="mode is invalid"):
        gsched.CyclicLR(gopt, 0.01, 0.1, mode="sawtooth")


def test_step_order_warning_and_get_lr_warning():
    _, gopt = _optimizers()
    sch = gsched.StepLR(gopt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sch.step()
    _, gopt = _optimizers()
    sch = gsched.StepLR(gopt, step_size=2)
    gopt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sch.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sch.get_lr()


def test_exports_and_alias():
    assert gsched._LRScheduler.__mro__[1] is gsched.LRScheduler
    for name in tsched.__all__:
        assert hasattr(gsched, name), name
    assert math.isclose(gsched.StepLR(_optimizers()[1], 3).get_last_lr()[0], 0.1)


def test_tensor_learning_rate_is_filled_in_place():
    p = autograd.tensor(np.ones(2), requires_grad=True)
    lr = autograd.tensor(0.1, dtype=autograd.float64)
    opt = optim.SGD([p], lr=lr)
    sch = gsched.ExponentialLR(opt, gamma=0.5)
    p.grad = autograd.tensor(np.ones(2))
    opt.step()
    sch.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.05)
    last = sch.get_last_lr()[0]
    assert last is not lr and last.item() == pytest.approx(0.05)    # a copy, as torch
    np.testing.assert_allclose(p.data, 0.9)


def test_custom_scheduler_subclass_like_torch():
    class Halving:
        def get_lr(self):
            return [group["lr"] * (0.5 if self.last_epoch > 0 else 1.0)
                    for group in self.optimizer.param_groups]

    topt, gopt = _optimizers(group_lrs=(0.1, 0.3))
    tsch = type("T", (Halving, tsched.LRScheduler), {})(topt)
    gsch = type("G", (Halving, gsched.LRScheduler), {})(gopt)
    _drive(topt, gopt, tsch, gsch, steps=20)

    class Incomplete(gsched.LRScheduler):
        pass

    with pytest.raises(NotImplementedError, match="must define get_lr"):
        Incomplete(gopt)
