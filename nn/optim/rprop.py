"""`Rprop`: resilient backpropagation, steps from the signs of the gradients only."""
import numpy as np

from .optimizer import (Optimizer, _add_to_param, _check_lr, _check_unsupported, _evaluate_closure,
                        _state_tensor, _to_scalar, _zeros_like)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Resilient backpropagation, as `torch.optim.Rprop`.

    Each element keeps its own step size :math:`\Delta`, grown where the gradient kept its
    sign and shrunk where it flipped; the parameter moves by :math:`\Delta` against the sign
    of the gradient (not at all where the sign just flipped, and that gradient is forgotten):

    .. math::
        s &= \operatorname{sign}(g_t\, g_{t-1}), \qquad
        \eta = \eta_+ \text{ if } s > 0,\ \eta_- \text{ if } s < 0,\ 1 \text{ if } s = 0 \\
        \Delta_t &= \operatorname{clip}(\eta\,\Delta_{t-1}, \Delta_{min}, \Delta_{max}), \qquad
        g_t \leftarrow 0 \text{ where } s < 0 \\
        \theta_t &= \theta_{t-1} - \Delta_t \operatorname{sign}(g_t)

    Args:
        params: tensors or parameter groups to optimize.
        lr (float): the initial step size :math:`\Delta_0` (default 1e-2).
        etas (tuple): :math:`(\eta_-, \eta_+)` with :math:`0 < \eta_- < 1 < \eta_+`
            (default (0.5, 1.2)).
        step_sizes (tuple): :math:`(\Delta_{min}, \Delta_{max})` (default (1e-6, 50)).
        maximize (bool): maximize the objective instead of minimizing it.
        capturable, foreach, differentiable: accepted for PyTorch compatibility.

    State per parameter: `step`, `prev` (the last gradient kept) and `step_size`.
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        self._check_group(defaults)
        super().__init__(params, defaults)

    def _check_group(self, group):
        _check_lr(group["lr"])
        etaminus, etaplus = group["etas"]
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(f"Invalid eta values: {etaminus}, {etaplus}")
        _check_unsupported(group)

    @staticmethod
    def _init_state(state, p, g, group):
        state["prev"] = _zeros_like(p)
        state["step_size"] = _state_tensor(np.full_like(g, _to_scalar(group["lr"])))

    def step(self, closure=None):
        """Perform one optimization step; `closure` re-evaluates the model and returns the
        loss (optional), and its result is returned."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, g, state, _ in self._params_with_grad(group, self._init_state):
                prev, step_size = state["prev"].data, state["step_size"].data
                sign = np.sign(g * prev)
                factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
                step_size *= factor.astype(step_size.dtype, copy=False)
                np.clip(step_size, step_size_min, step_size_max, out=step_size)
                g = np.where(sign < 0, 0, g).astype(g.dtype, copy=False)
                prev[...] = g
                _add_to_param(p, np.sign(g) * -step_size)
        return loss
