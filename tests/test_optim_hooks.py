"""Optimizer hooks (step, state_dict, load_state_dict), against torch.optim's behaviour."""
import numpy as np
import pytest

import autograd
from nn import optim
from nn.optim.optimizer import (register_optimizer_step_post_hook,
                                register_optimizer_step_pre_hook)

torch = pytest.importorskip("torch")


def _pair(name="SGD", **kwargs):
    tp = torch.ones(3, requires_grad=True)
    gp = autograd.ones(3, requires_grad=True)
    tp.grad, gp.grad = torch.ones(3), autograd.ones(3)
    return (getattr(torch.optim, name)([tp], lr=0.1, **kwargs),
            getattr(optim, name)([gp], lr=0.1, **kwargs))


def _hook_order(opt, register_pre, register_post):
    """The order in which global and per-optimizer step hooks run, over two steps (the
    optimizer's own hooks removed after the first)."""
    log = []
    g_pre = register_pre(lambda o, a, k: log.append("global pre"))
    g_post = register_post(lambda o, a, k: log.append("global post"))
    own = [opt.register_step_pre_hook(lambda o, a, k: log.append("own pre")),
           opt.register_step_post_hook(lambda o, a, k: log.append("own post"))]
    try:
        opt.step()
        for h in own:
            h.remove()
        opt.step()
    finally:
        g_pre.remove()
        g_post.remove()
    opt.step()
    return log


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "NAdam", "Adagrad"])
def test_step_hooks_run_in_torchs_order_and_can_be_removed(name):
    from torch.optim import optimizer as torch_optimizer
    topt, gopt = _pair(name)
    expected = _hook_order(topt, torch_optimizer.register_optimizer_step_pre_hook,
                           torch_optimizer.register_optimizer_step_post_hook)
    assert expected == ["global pre", "own pre", "own post", "global post",
                        "global pre", "global post"]
    assert _hook_order(gopt, register_optimizer_step_pre_hook,
                       register_optimizer_step_post_hook) == expected


def test_step_pre_hook_can_replace_arguments_and_bad_result_raises():
    p = autograd.tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    calls = []

    def closure():
        calls.append(1)
        p.grad = autograd.tensor(np.ones(2))
        return 3.0

    handle = opt.register_step_pre_hook(lambda o, args, kwargs: ((), {"closure": closure}))
    assert opt.step() == 3.0 and calls == [1]
    handle.remove()
    opt.register_step_pre_hook(lambda o, args, kwargs: 5)
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        opt.step()


def test_subclass_step_calling_super_runs_hooks_once():
    class Logged(optim.SGD):
        def step(self, closure=None):
            self.extra = getattr(self, "extra", 0) + 1
            return super().step(closure)

    p = autograd.ones(2, requires_grad=True)
    p.grad = autograd.ones(2)
    opt, other = Logged([p], lr=0.1), optim.SGD([autograd.ones(1, requires_grad=True)])
    seen = []
    opt.register_step_pre_hook(lambda o, a, k: seen.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: seen.append("post"))
    opt.step()
    assert seen == ["pre", "post"] and opt.extra == 1
    np.testing.assert_allclose(p.data, 0.9)
    other.step()                                   # another optimizer's hooks are its own
    assert seen == ["pre", "post"]


def test_state_dict_hooks_match_torch():
    results = []
    for opt in _pair("Adam"):
        log = []
        opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_state_dict_post_hook(lambda o, sd: log.append(sorted(sd)) or None,
                                          prepend=False)
        opt.register_state_dict_post_hook(lambda o, sd: log.append("first"), prepend=True)
        opt.step()
        sd = opt.state_dict()
        results.append((log, sorted(sd)))
    assert results[1] == results[0] == (["pre", "first", ["extra", "param_groups", "state"]],
                                        ["extra", "param_groups", "state"])


def test_load_state_dict_hooks_match_torch():
    results = []
    for opt in _pair("SGD", momentum=0.9):
        log = []
        opt.step()
        sd = opt.state_dict()

        def pre(o, state_dict):
            log.append(sorted(state_dict))
            state_dict["param_groups"] = [dict(state_dict["param_groups"][0], lr=0.5)]
            return None                            # edits the copy in place

        opt.register_load_state_dict_pre_hook(pre)
        opt.register_load_state_dict_post_hook(lambda o: log.append(o.param_groups[0]["lr"]))
        opt.load_state_dict(sd)
        results.append((log, sd["param_groups"][0]["lr"]))
    assert results[1] == results[0] == ([["param_groups", "state"], 0.5], 0.1)


def test_hooks_must_be_callable():
    _, opt = _pair()
    with pytest.raises(TypeError, match="callable"):
        opt.register_step_pre_hook(None)
