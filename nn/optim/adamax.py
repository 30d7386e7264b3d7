"""`Adamax`: Adam with the infinity norm in place of the second moment."""
import numpy as np

from .optimizer import (Optimizer, _add_to_param, _array, _check_adam_group, _check_unsupported,
                        _evaluate_closure, _to_scalar, _zeros_like)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax, as `torch.optim.Adamax`.

    For each parameter with a gradient:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) + \lambda\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\, \frac{m_t}{u_t}

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 2e-3).
        betas (tuple): :math:`(\beta_1, \beta_2)`, each in [0, 1) (default (0.9, 0.999)).
        eps (float): :math:`\epsilon` (default 1e-8).
        weight_decay (float): :math:`\lambda` (default 0).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, differentiable, capturable: accepted for PyTorch compatibility.

    State per parameter: `step`, `exp_avg` (:math:`m`) and `exp_inf` (:math:`u`).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_adam_group(group)
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["exp_avg"] = _zeros_like(p)
        state["exp_inf"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            eps = group["eps"]
            for p, g, state, step in self._params_with_grad(group, self._init_state):
                exp_avg = state["exp_avg"].data
                exp_inf = state["exp_inf"].data
                tmp = _array(g - exp_avg)
                tmp *= 1 - beta1
                exp_avg += tmp
                np.abs(g, out=tmp)
                tmp += eps
                exp_inf *= beta2
                np.maximum(exp_inf, tmp, out=exp_inf)
                clr = lr / (1 - beta1 ** step)
                np.divide(exp_avg, exp_inf, out=tmp)
                tmp *= -clr
                _add_to_param(p, tmp)
        return loss
