"""`NAdam`: Adam with Nesterov momentum and a momentum-decay schedule."""
import numpy as np

import autograd

from .optimizer import (Optimizer, _adam_moments, _add_to_param, _array, _check_adam_group,
                        _check_nonneg, _check_unsupported, _evaluate_closure, _scalar_dtype,
                        _to_scalar, _zeros_like)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam, as `torch.optim.NAdam`.

    For each parameter with a gradient, with :math:`\psi` the momentum decay:

    .. math::
        \mu_t &= \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right), \qquad
        \Pi_t = \prod_{i \le t} \mu_i \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \qquad
        d_t = \sqrt{v_t / (1-\beta_2^t)} + \epsilon \\
        \theta_t &= \theta_{t-1} - \gamma\frac{1-\mu_t}{1-\Pi_t}\frac{g_t}{d_t}
            - \gamma\frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}}\frac{m_t}{d_t}

    where :math:`g_t = \pm\nabla f_t + \lambda\theta_{t-1}`, or, with
    `decoupled_weight_decay`, :math:`\theta_{t-1}` first shrinks by :math:`1-\gamma\lambda`.

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 2e-3).
        betas (tuple): :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps (float): :math:`\epsilon` (default 1e-8).
        weight_decay (float): :math:`\lambda` (default 0).
        momentum_decay (float): :math:`\psi` (default 4e-3).
        decoupled_weight_decay (bool): decay the weights directly (NAdamW).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, capturable, differentiable: accepted for PyTorch compatibility.

    State per parameter: `step`, `mu_product` (a 0-d tensor of the `step` dtype, as PyTorch
    keeps it, so its rounding matches), `exp_avg`, `exp_avg_sq`.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_adam_group(group)
        _check_nonneg("momentum_decay value", group["momentum_decay"])
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["mu_product"] = autograd.tensor(1.0, dtype=_scalar_dtype())
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
            momentum_decay = group["momentum_decay"]
            for p, g, state, step in self._params_with_grad(group, self._init_state):
                param = p.data
                bias_correction2 = 1 - beta2 ** step
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_product_arr = state["mu_product"].data
                mu_product_arr *= mu
                mu_product = float(mu_product_arr)
                mu_product_next = mu_product * mu_next
                exp_avg = state["exp_avg"].data
                exp_avg_sq = state["exp_avg_sq"].data
                tmp = _adam_moments(g, exp_avg, exp_avg_sq, beta1, beta2)
                denom = _array(exp_avg_sq / bias_correction2)
                np.sqrt(denom, out=denom)
                denom += eps
                np.divide(g, denom, out=tmp)
                tmp *= -lr * (1.0 - mu) / (1.0 - mu_product)
                param += tmp
                np.divide(exp_avg, denom, out=tmp)
                tmp *= (-lr * mu_next) / (1.0 - mu_product_next)
                _add_to_param(p, tmp)
        return loss
