"""Every optimizer's step, and clip_grad / zero_grad, bump the version counter of what they
change in place (as PyTorch's in-place updates do), so a value saved for backward before the
step is reported as modified: nn.optim writes through autograd's public API."""
import pytest

import autograd
import nn
import nn.optim as optim

OPTIMIZERS = [(optim.SGD, {"lr": 0.1}), (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
              (optim.Adam, {}), (optim.AdamW, {}), (optim.Adamax, {}), (optim.NAdam, {}),
              (optim.RAdam, {}), (optim.RMSprop, {}), (optim.Adagrad, {}),
              (optim.Adadelta, {}), (optim.Rprop, {}), (optim.ASGD, {}),
              (optim.Adafactor, {}), (optim.LBFGS, {}),
              (optim.Adam, {"amsgrad": True, "weight_decay": 0.1}),
              (optim.NAdam, {"decoupled_weight_decay": True, "weight_decay": 0.1}),
              (optim.RMSprop, {"centered": True, "momentum": 0.5}),
              (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
              (optim.RAdam, {"decoupled_weight_decay": True, "weight_decay": 0.1})]


@pytest.mark.parametrize("shape", [(3, 2), ()], ids=["2-D", "0-d"])
@pytest.mark.parametrize("cls,options", OPTIMIZERS, ids=lambda v: getattr(v, "__name__", ""))
def test_step_bumps_the_version_and_a_stale_saved_value_is_caught(cls, options, shape):
    """(0-d parameters included: their NumPy scratch values are scalars, which once made
    eight optimizers fail with "return arrays must be of ArrayType".)"""
    autograd.manual_seed(0)
    p = nn.Parameter(autograd.randn(*shape) + 2.0)
    opt = cls([p], **options)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    closure()
    before, version = p.detach().clone(), p._version
    stale = (p * p).sum()          # saves p at its current version
    opt.step(closure) if cls is optim.LBFGS else opt.step()
    assert p._version > version
    assert not autograd.equal(p.detach(), before)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        stale.backward()


def test_zero_grad_in_place_and_clipping_bump_the_gradients_version():
    p = nn.Parameter(autograd.randn(4))
    (p * 3).sum().backward()
    opt = optim.SGD([p], lr=0.1)
    for change in (lambda: nn.utils.clip_grad_norm_([p], 0.1),
                   lambda: nn.utils.clip_grad_value_([p], 0.01),
                   lambda: opt.zero_grad(set_to_none=False)):
        version = p.grad._version
        change()
        assert p.grad._version > version
    assert p.grad.abs().sum().item() == 0


def test_increment_version_takes_a_tensor_or_an_iterable_and_refuses_others():
    a, b = autograd.zeros(2), autograd.zeros(3)
    autograd.graph.increment_version(a)
    autograd.graph.increment_version([a, b])
    assert (a._version, b._version) == (2, 1)
    with pytest.raises(TypeError, match="expected a Tensor or an iterable of Tensors"):
        autograd.graph.increment_version([a, 3])
