"""`RMSprop`: gradients scaled by a running root-mean-square of their history."""
import numpy as np

from .optimizer import (Optimizer, _add_to_param, _array, _check_lr, _check_nonneg,
                        _check_unsupported, _evaluate_closure, _to_scalar, _zeros_like)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, as `torch.optim.RMSprop`.

    For each parameter with a gradient:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) + \lambda\theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1-\alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1-\alpha) g_t, \quad
            \tilde v_t = v_t - \bar g_t^2 \;(\text{centered}) \text{ else } v_t \\
        b_t &= \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon), \quad
            \theta_t = \theta_{t-1} - \gamma b_t \quad(\mu > 0) \\
        \theta_t &= \theta_{t-1} - \gamma g_t / (\sqrt{\tilde v_t} + \epsilon) \quad(\mu = 0)

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-2).
        alpha (float): smoothing constant :math:`\alpha` (default 0.99).
        eps (float): :math:`\epsilon` added to the denominator (default 1e-8).
        weight_decay (float): :math:`\lambda` (default 0).
        momentum (float): momentum factor :math:`\mu` (default 0).
        centered (bool): normalize by the estimated variance instead of the second moment.
        maximize (bool): maximize the objective instead of minimizing it.
        capturable, foreach, differentiable: accepted for PyTorch compatibility.

    State per parameter: `step`, `square_avg`, `momentum_buffer` (momentum > 0) and
    `grad_avg` (centered).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_lr(group["lr"])
        _check_nonneg("epsilon value", group["eps"])
        _check_nonneg("momentum value", group["momentum"])
        _check_nonneg("weight_decay value", group["weight_decay"])
        _check_nonneg("alpha value", group["alpha"])
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["square_avg"] = _zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            alpha = group["alpha"]
            eps = group["eps"]
            momentum = group["momentum"]
            centered = group["centered"]
            for p, g, state, _ in self._params_with_grad(group, self._init_state):
                square_avg = state["square_avg"].data
                avg = _array(g * g)
                avg *= 1 - alpha
                square_avg *= alpha
                square_avg += avg
                if centered:
                    grad_avg = state["grad_avg"].data
                    np.subtract(g, grad_avg, out=avg)
                    avg *= 1 - alpha
                    grad_avg += avg
                    np.multiply(grad_avg, grad_avg, out=avg)
                    np.subtract(square_avg, avg, out=avg)
                    np.sqrt(avg, out=avg)
                else:
                    np.sqrt(square_avg, out=avg)
                avg += eps
                np.divide(g, avg, out=avg)
                if momentum > 0:
                    buf = state["momentum_buffer"].data
                    buf *= momentum
                    buf += avg
                    np.multiply(buf, -lr, out=avg)
                else:
                    avg *= -lr
                _add_to_param(p, avg)
        return loss
