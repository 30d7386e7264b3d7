"""`RAdam`: Adam with the variance of the adaptive learning rate rectified."""
import math

import numpy as np

from .optimizer import (Optimizer, _adam_moments, _add_to_param, _array, _check_adam_group,
                        _check_unsupported, _evaluate_closure, _to_scalar, _zeros_like)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam, as `torch.optim.RAdam`.

    For each parameter with a gradient (:math:`g_t` and weight decay as in `Adam`):

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \qquad
        \hat m_t = m_t / (1-\beta_1^t) \\
        \rho_\infty &= \frac{2}{1-\beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\
        \theta_t &= \theta_{t-1} - \gamma \hat m_t\, r_t\,
            \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}
            \quad\text{if } \rho_t > 5, \quad
        r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}
        \\
        \theta_t &= \theta_{t-1} - \gamma \hat m_t \quad\text{otherwise}

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-3).
        betas (tuple): :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps (float): :math:`\epsilon` (default 1e-8).
        weight_decay (float): :math:`\lambda` (default 0).
        decoupled_weight_decay (bool): decay the weights directly (RAdamW).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch compatibility.

    State per parameter: `step`, `exp_avg`, `exp_avg_sq`.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_adam_group(group)
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["exp_avg"] = _zeros_like(p)
        state["exp_avg_sq"] = _zeros_like(p)

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
                exp_avg_sq = state["exp_avg_sq"].data
                tmp = _adam_moments(g, exp_avg, exp_avg_sq, beta1, beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                update = _array(exp_avg / bias_correction1)
                update *= -lr                        # the negated step, added to the parameter
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    np.sqrt(exp_avg_sq, out=tmp)
                    tmp += eps
                    np.divide(bias_correction2 ** 0.5, tmp, out=tmp)
                    update *= tmp
                    update *= rect
                _add_to_param(p, update)
        return loss
