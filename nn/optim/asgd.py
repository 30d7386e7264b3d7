"""`ASGD`: averaged stochastic gradient descent."""
import autograd

from .optimizer import (Optimizer, _add_to_param, _check_lr, _check_nonneg, _check_unsupported,
                        _evaluate_closure, _scalar_dtype, _to_scalar, _zeros_like)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak-Ruppert averaging), as `torch.optim.ASGD`.

    For each parameter with a gradient, at step :math:`t`:

    .. math::
        g_t &= \pm\nabla_\theta f_t(\theta_{t-1}) + \lambda_{wd}\theta_{t-1} \\
        \theta_t &= (1 - \lambda\eta_t)\,\theta_{t-1} - \eta_t g_t \\
        a_t &= a_{t-1} + \mu_t(\theta_t - a_{t-1}) \quad (a_t = \theta_t \text{ while }
            \mu_t = 1) \\
        \eta_{t+1} &= \frac{\gamma}{(1 + \lambda\gamma t)^\alpha}, \qquad
        \mu_{t+1} = \frac{1}{\max(1, t - t_0)}

    The average :math:`a` is in `optimizer.state[p]['ax']`; averaging starts after
    :math:`t_0` steps.

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default 1e-2).
        lambd (float): decay term :math:`\lambda` (default 1e-4).
        alpha (float): power for the :math:`\eta` update (default 0.75).
        t0 (float): step at which averaging starts (default 1e6).
        weight_decay (float): :math:`\lambda_{wd}` (default 0).
        maximize (bool): maximize the objective instead of minimizing it.
        foreach, differentiable, capturable: accepted for PyTorch compatibility.

    State per parameter: `step`, `eta` and `mu` (0-d tensors of the `step` dtype, float32
    unless the default dtype is float64, as PyTorch keeps them, so the rounding matches) and
    `ax`. Loading a state dict keeps `eta` and `mu` in their dtype (PyTorch casts them to the
    parameter's, so its own resumed runs drift from uninterrupted ones); resuming is exact.
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_lr(group["lr"])
        _check_nonneg("weight_decay value", group["weight_decay"])
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["eta"] = autograd.tensor(_to_scalar(group["lr"]), dtype=_scalar_dtype())
        state["mu"] = autograd.tensor(1.0, dtype=_scalar_dtype())
        state["ax"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
            for p, g, state, step in self._params_with_grad(group, self._init_state):
                param = p.data
                eta_arr, mu_arr = state["eta"].data, state["mu"].data
                eta = float(eta_arr)
                param *= 1 - lambd * eta
                _add_to_param(p, -eta * g)
                ax = state["ax"].data
                mu = float(mu_arr)
                if mu != 1:
                    ax += (param - ax) * mu
                else:
                    ax[...] = param
                eta_arr[()] = lr / ((1 + lambd * lr * step) ** alpha)
                mu_arr[()] = 1 / max(1, step - t0)
        return loss
