"""`Adagrad`: per-coordinate learning rates from the sum of squared gradients."""
import numpy as np

from .optimizer import (Optimizer, _add_to_param, _array, _check_lr, _check_nonneg,
                        _check_unsupported, _evaluate_closure, _new_step, _state_tensor,
                        _to_scalar)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, as `torch.optim.Adagrad`.

    For each parameter with a gradient:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        \tilde\gamma = \frac{\gamma}{1 + (t-1)\eta} \\
        s_t &= s_{t-1} + g_t^2, \qquad
        \theta_t = \theta_{t-1} - \tilde\gamma\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-2).
        lr_decay (float): learning-rate decay :math:`\eta` (default 0).
        weight_decay (float): :math:`\lambda` (default 0).
        initial_accumulator_value (float): starting value of the sums :math:`s_0` (default 0).
        eps (float): :math:`\epsilon` added to the denominator (default 1e-10).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, differentiable, fused: accepted for PyTorch compatibility.

    State per parameter (made at construction, as PyTorch does): `step` and `sum`. Parameters
    added later start from the constructor's `initial_accumulator_value`, as in PyTorch.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        self._check_group(defaults)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _new_step()
                self._init_state(state, p, None, group)

    def _check_group(self, group):
        _check_lr(group["lr"])
        _check_nonneg("lr_decay value", group["lr_decay"])
        _check_nonneg("weight_decay value", group["weight_decay"])
        _check_nonneg("initial_accumulator_value value", group["initial_accumulator_value"])
        _check_nonneg("epsilon value", group["eps"])
        _check_unsupported(group)

    def _init_state(self, state, p, g, group):
        state["sum"] = _state_tensor(np.full_like(p.data,
                                                  self.defaults["initial_accumulator_value"]))

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lr_decay = group["lr_decay"]
            eps = group["eps"]
            for p, g, state, step in self._params_with_grad(group, self._init_state):
                clr = lr / (1 + (step - 1) * lr_decay)
                state_sum = state["sum"].data
                tmp = _array(g * g)
                state_sum += tmp
                np.sqrt(state_sum, out=tmp)
                tmp += eps
                np.divide(g, tmp, out=tmp)
                tmp *= -clr
                _add_to_param(p, tmp)
        return loss
