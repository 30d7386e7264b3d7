"""`Adadelta`: step sizes from running averages of squared gradients and squared updates."""
import numpy as np

from .optimizer import (Optimizer, _add_to_param, _array, _check_lr, _check_nonneg,
                        _check_unsupported, _evaluate_closure, _to_scalar, _zeros_like)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta, as `torch.optim.Adadelta`.

    For each parameter with a gradient:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) + \lambda\theta_{t-1} \\
        v_t &= \rho v_{t-1} + (1-\rho) g_t^2, \qquad
        \Delta x_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &= \rho u_{t-1} + (1-\rho) \Delta x_t^2, \qquad
        \theta_t = \theta_{t-1} - \gamma \Delta x_t

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): coefficient :math:`\gamma` that scales the update (default 1.0).
        rho (float): running-average coefficient :math:`\rho` in [0, 1] (default 0.9).
        eps (float): :math:`\epsilon` for numerical stability (default 1e-6).
        weight_decay (float): :math:`\lambda` (default 0).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch compatibility.

    State per parameter: `step`, `square_avg` (:math:`v`) and `acc_delta` (:math:`u`).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_lr(group["lr"])
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")
        _check_nonneg("epsilon value", group["eps"])
        _check_nonneg("weight_decay value", group["weight_decay"])
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["square_avg"] = _zeros_like(p)
        state["acc_delta"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            rho = group["rho"]
            eps = group["eps"]
            for p, g, state, _ in self._params_with_grad(group, self._init_state):
                square_avg = state["square_avg"].data
                acc_delta = state["acc_delta"].data
                tmp = _array(g * g)
                tmp *= 1 - rho
                square_avg *= rho
                square_avg += tmp
                std = _array(square_avg + eps)
                np.sqrt(std, out=std)
                delta = _array(acc_delta + eps)
                np.sqrt(delta, out=delta)
                delta /= std
                delta *= g
                np.multiply(delta, delta, out=tmp)
                tmp *= 1 - rho
                acc_delta *= rho
                acc_delta += tmp
                delta *= -lr
                _add_to_param(p, delta)
        return loss
