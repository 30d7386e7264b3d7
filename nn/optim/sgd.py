"""`SGD`: stochastic gradient descent with optional momentum and Nesterov momentum."""
import numpy as np

from .optimizer import (Optimizer, _add_to_param, _check_lr, _check_nonneg,
                        _check_unsupported, _evaluate_closure, _state_tensor, _to_scalar)

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), as `torch.optim.SGD`.

    For each parameter with a gradient, at every step:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) + \lambda\,\theta_{t-1}
              \quad(\text{minus when maximize}) \\
        b_t &= \begin{cases} g_t & t = 1 \\ \mu\,b_{t-1} + (1-\tau)\,g_t & t > 1 \end{cases} \\
        g_t &\leftarrow g_t + \mu\,b_t \;(\text{nesterov}) \quad\text{or}\quad b_t
              \;(\text{momentum} \ne 0) \\
        \theta_t &= \theta_{t-1} - \gamma\,g_t

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-3, as PyTorch 2.13).
        momentum (float): momentum factor :math:`\mu` (default 0).
        dampening (float): dampening :math:`\tau` for momentum (default 0).
        weight_decay (float): L2 penalty :math:`\lambda` (default 0).
        nesterov (bool): use Nesterov momentum (needs momentum > 0 and zero dampening).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, differentiable, fused: accepted for PyTorch compatibility; see
            `nn.optim.optimizer` (only their defaults are supported).

    State per parameter: `momentum_buffer` (when momentum != 0).
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_lr(group["lr"])
        _check_nonneg("momentum value", group["momentum"])
        _check_nonneg("weight_decay value", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_unsupported(group)

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned.

        Per parameter: two NumPy passes (`-lr * g` into one work array, then added to the
        parameter in place), and with momentum two more in place (`buf *= momentum`,
        `buf += g`; a third, `(1 - dampening) g`, only when dampening != 0). Nesterov's
        `g + momentum * buf` is formed in the work array.
        """
        loss = _evaluate_closure(closure)
        all_state = self.state
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            momentum = group["momentum"]
            dampening = group["dampening"]
            nesterov = group["nesterov"]
            for p, g, _, _ in self._params_with_grad(group):
                if momentum != 0:
                    state = all_state[p]
                    buf_t = state.get("momentum_buffer")
                    if buf_t is None:
                        buf = np.array(g, copy=True)
                        state["momentum_buffer"] = _state_tensor(buf)
                    else:
                        buf = buf_t.data
                        buf *= momentum
                        if dampening == 0:
                            buf += g
                        else:
                            buf += (1 - dampening) * g
                if momentum != 0 and nesterov:       # g + momentum * buf
                    tmp = buf * momentum
                    tmp += g
                    tmp *= -lr
                else:
                    tmp = (buf if momentum != 0 else g) * -lr
                _add_to_param(p, tmp)
        return loss
