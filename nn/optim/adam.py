"""`Adam` and `AdamW`: adaptive moment estimation, with L2 or decoupled weight decay."""
import numpy as np

from .optimizer import (Optimizer, _adam_moments, _add_to_param, _check_adam_group,
                        _check_unsupported, _evaluate_closure, _to_scalar, _zeros_like)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam, as `torch.optim.Adam`.

    For each parameter with a gradient, at step :math:`t`:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) \quad(\text{minus when maximize}) \\
        &\text{decoupled: } \theta_{t-1} \leftarrow \theta_{t-1}(1 - \gamma\lambda)
         \quad\text{else: } g_t \leftarrow g_t + \lambda\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        \hat v_t &= \max(\hat v_{t-1}, v_t) \text{ if amsgrad else } v_t \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-3).
        betas (tuple): :math:`(\beta_1, \beta_2)`, each in [0, 1) (default (0.9, 0.999)).
        eps (float): :math:`\epsilon` added to the denominator (default 1e-8).
        weight_decay (float): :math:`\lambda` (default 0).
        amsgrad (bool): use the running maximum of :math:`v_t` (AMSGrad).
        maximize (bool): maximize the objective instead of minimizing it.
        decoupled_weight_decay (bool): decay the weights directly (AdamW) instead of adding
            :math:`\lambda\theta` to the gradient.
        foreach, capturable, differentiable, fused: accepted for PyTorch compatibility; see
            `nn.optim.optimizer`.

    State per parameter: `step` (0-d tensor), `exp_avg`, `exp_avg_sq`, and
    `max_exp_avg_sq` when amsgrad.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable,
                    "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        self._check_group(defaults)
        defaults["betas"] = tuple(_to_scalar(b) for b in betas)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_adam_group(group)
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["exp_avg"] = _zeros_like(p)
        state["exp_avg_sq"] = _zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned.

        Each parameter's update is 13 NumPy passes in PyTorch's order (lerp of `exp_avg`,
        mul + addcmul of `exp_avg_sq`, sqrt / bias correction + eps, addcdiv of the
        parameter), all in place but the first, which allocates the one work array. (A
        work buffer kept between steps measured no faster: NumPy reuses the freed block.)
        """
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            eps = group["eps"]
            amsgrad = group["amsgrad"]
            for p, g, state, step in self._params_with_grad(group, self._init_state):
                exp_avg = state["exp_avg"].data
                exp_avg_sq = state["exp_avg_sq"].data
                tmp = _adam_moments(g, exp_avg, exp_avg_sq, beta1, beta2)
                if amsgrad:
                    max_sq = state["max_exp_avg_sq"].data
                    np.maximum(max_sq, exp_avg_sq, out=max_sq)
                    np.sqrt(max_sq, out=tmp)
                else:
                    np.sqrt(exp_avg_sq, out=tmp)
                tmp /= (1 - beta2 ** step) ** 0.5      # bias_correction2_sqrt
                tmp += eps
                np.divide(exp_avg, tmp, out=tmp)
                tmp *= -lr / (1 - beta1 ** step)       # -step_size
                _add_to_param(p, tmp)
        return loss


class AdamW(Adam):
    r"""AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay.

    The weights shrink by :math:`\theta \leftarrow \theta(1-\gamma\lambda)` before the Adam
    update instead of :math:`\lambda\theta` being added to the gradient; the default
    `weight_decay` is 1e-2. Arguments and state as `Adam`.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def _after_load(self):
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
