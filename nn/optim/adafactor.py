"""`Adafactor`: Adam-like steps with a factored (row x column) second-moment estimate."""
import math

import numpy as np

from .optimizer import (Optimizer, _add_to_param, _check_unsupported, _decay_factor,
                        _evaluate_closure, _state_tensor, _to_scalar)

__all__ = ["Adafactor"]


def _lerp(start, end, weight):
    """`start + weight * (end - start)` in place in `start`, rounded as torch's `lerp_`
    (which uses `end - (end - start) * (1 - weight)` when |weight| >= 0.5)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def _rms(arr):
    return float(np.sqrt(np.vdot(arr, arr).real)) / math.sqrt(arr.size) if arr.size else 0.0


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer and Stern, 2018), as `torch.optim.Adafactor`.

    For a matrix-shaped gradient only the row and column means of :math:`g^2` are kept
    (memory :math:`O(n + m)` instead of :math:`O(nm)`); vectors keep a full estimate. At step
    :math:`t`, with :math:`\hat\beta_t = t^{c}` (`beta2_decay` :math:`c \le 0`):

    .. math::
        \rho_t &= \min(\gamma, 1/\sqrt t), \qquad
        \alpha_t = \max(\epsilon_2, \operatorname{RMS}(\theta_{t-1}))\,\rho_t \\
        \theta &\leftarrow \theta(1 - \gamma\lambda) \\
        R_t &= \operatorname{lerp}(R_{t-1}, \operatorname{mean}_{-1} g^2, \hat\beta_t), \quad
        C_t = \operatorname{lerp}(C_{t-1}, \operatorname{mean}_{-2} g^2, \hat\beta_t), \quad
        \hat v = \frac{R_t C_t}{\max(\operatorname{mean}_{-2} R_t, \epsilon_1)} \\
        u &= g / \sqrt{\max(\hat v, \epsilon_1^2)}, \qquad
        \theta_t = \theta - \frac{\alpha_t}{\max(1, \operatorname{RMS}(u)/d)}\, u

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-2).
        beta2_decay (float): :math:`c` (default -0.8).
        eps (tuple): :math:`(\epsilon_1, \epsilon_2)`; :math:`\epsilon_1` None means the
            machine epsilon of the parameter's dtype (default (None, 1e-3)).
        d (float): clipping threshold, at least 1 (default 1.0).
        weight_decay (float): :math:`\lambda` (default 0).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach: accepted for PyTorch compatibility.

    State per parameter: `step`, and `row_var` / `col_var` (gradients of 2 or more
    dimensions) or `variance` (vectors).
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        lr = group["lr"]
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        checks = [(0.0 <= _to_scalar(lr), f"Learning rate should be >= 0 but is: {lr}"),
                  (0.0 >= group["beta2_decay"],
                   f"beta2_decay should be <= 0 but is: {group['beta2_decay']}"),
                  (group["eps"][0] is None or 0.0 <= group["eps"][0],
                   f"epsilon1 should be >= 0 but is: {group['eps'][0]}"),
                  (0.0 <= group["eps"][1], f"epsilon2 should be >= 0 but is: {group['eps'][1]}"),
                  (1.0 <= group["d"], f"Clipping threshold d should be >= 1 but is: {group['d']}"),
                  (0.0 <= group["weight_decay"],
                   f"weight_decay should be >= 0 but is: {group['weight_decay']}")]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        if g.ndim > 1:
            state["row_var"] = _state_tensor(np.zeros(g.shape[:-1] + (1,), g.dtype))
            state["col_var"] = _state_tensor(np.zeros(g.shape[:-2] + (1,) + g.shape[-1:],
                                                      g.dtype))
        else:
            state["variance"] = _state_tensor(np.zeros_like(g))

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta2_decay, d = group["beta2_decay"], group["d"]
            eps1, eps2 = group["eps"]
            weight_decay = group["weight_decay"]
            for p, g, state, step in self._params_with_grad(group, self._init_state,
                                                            weight_decay=False):
                param = p.data
                e1 = np.finfo(param.dtype).eps if eps1 is None else eps1
                weight = step ** beta2_decay
                rho = min(lr, 1 / (step ** 0.5))
                alpha = max(eps2, _rms(param)) * rho
                if weight_decay != 0:
                    param *= _decay_factor(group["lr"], weight_decay)
                if g.ndim > 1:
                    row_var, col_var = state["row_var"].data, state["col_var"].data
                    square = g * g
                    _lerp(row_var, np.sqrt(square.sum(-1, keepdims=True)) ** 2 / g.shape[-1],
                          weight)
                    _lerp(col_var, np.sqrt(square.sum(-2, keepdims=True)) ** 2 / g.shape[-2],
                          weight)
                    var_estimate = row_var @ col_var
                    var_estimate /= np.maximum(row_var.mean(axis=-2, keepdims=True), e1)
                else:
                    variance = state["variance"].data
                    _lerp(variance, g * g, weight)
                    var_estimate = variance.copy()
                update = 1 / np.sqrt(np.maximum(var_estimate, e1 * e1))
                update *= g
                denom = max(1.0, _rms(update) / d)
                update *= -alpha / denom
                _add_to_param(p, update)
        return loss
