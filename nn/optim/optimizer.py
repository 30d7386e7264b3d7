"""`Optimizer`: the base class of glassgrad's optimizers, as `torch.optim.Optimizer`.

An optimizer holds `param_groups` (a list of dicts: the tensors under `'params'` and the
hyperparameters that apply to them) and `state` (a dict from parameter tensor to that
parameter's buffers). Subclasses define `step(closure=None)`, which reads each parameter's
`.grad` and updates the parameter's NumPy array in place. The update touches only arrays, so
nothing is recorded for autograd; `autograd.graph.increment_version` then bumps the tensor's
version (`_add_to_param`), as PyTorch's `param.add_` does, so the engine can tell that a tensor
saved for backward was changed.

`state_dict()` / `load_state_dict()` use PyTorch's layout: state keyed by the parameter's
integer position (counting through the groups in order), and each group's `'params'` a list of
those positions.

Departures from PyTorch (each because glassgrad raises on bad input instead of guessing):
  * a parameter given twice in one group raises ValueError (PyTorch only warns);
  * the hyperparameters of every group, not just the defaults, are checked when the group is
    added, so `{'params': ..., 'lr': -1}` raises ValueError as `lr=-1` does;
  * `differentiable=True`, `fused=True` and `capturable=True` raise ValueError: glassgrad's
    updates are NumPy array operations, never recorded and never on a GPU. `foreach` is
    accepted and ignored (every update already works on whole arrays);
  * a NaN learning rate raises ValueError in every optimizer (PyTorch's SGD lets it through
    and fills the parameters with NaN), and `LBFGS(max_iter=0)` / `history_size=0` raise
    (PyTorch accepts them and then does nothing or fails mid-step).
"""
from collections import OrderedDict, defaultdict

import numpy as np

import autograd

from .optimizer_hooks import (add_hook, register_optimizer_step_post_hook,
                              register_optimizer_step_pre_hook, with_step_hooks)

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


def _state_tensor(arr):
    """A state buffer around the NumPy array `arr` (shared, not copied)."""
    return autograd.from_numpy(np.asarray(arr))


def _array(x):
    """`x` as an ndarray: NumPy's arithmetic on 0-d arrays gives scalars, which `out=` and
    in-place operators cannot write into (a scratch array of a 0-d parameter)."""
    return x if x.__class__ is np.ndarray else np.asarray(x)


def _add_to_param(p, update):
    """`p += update` on p's NumPy array, then `autograd.graph.increment_version(p)`, as
    PyTorch's in-place update bumps the version: a value of p saved for backward before the
    step is reported as modified."""
    param = p.data
    param += update
    autograd.graph.increment_version(p)


def _to_scalar(value):
    """A hyperparameter as a Python number (a 1-element Tensor gives its value)."""
    if isinstance(value, autograd.Tensor):
        return value.item()
    return value


def _scalar_dtype():
    """The dtype of `state['step']`: float64 when that is the default dtype, else float32."""
    return autograd.float64 if autograd.get_default_dtype() == autograd.float64 \
        else autograd.float32


def _new_step():
    """A fresh `state['step']` counter: a 0-d float tensor holding 0, as PyTorch keeps it."""
    return autograd.tensor(0.0, dtype=_scalar_dtype())


def _advance(step_tensor):
    """Add 1 to a `state['step']` tensor in place and return the new count as a float.

    The count is read, incremented as a Python float and stored back (`arr[()] = ...`),
    which is exact for counts below 2**24 even in float32 and costs ~0.1 us, where the
    0-d ufunc `arr += 1` costs ~2 us per parameter per step.
    """
    arr = step_tensor.data
    step = float(arr) + 1.0
    arr[()] = step
    return step


def _decay_factor(lr, weight_decay):
    """The decoupled weight-decay factor `1 - lr * weight_decay`, rounded as PyTorch rounds
    it: in the tensor's dtype when the group's `lr` is a Tensor (PyTorch keeps a Tensor lr as
    a 0-d tensor in this product, so a float32 lr gives a float32 factor)."""
    if isinstance(lr, autograd.Tensor):
        dt = lr.data.dtype.type
        return float(dt(1) - dt(lr.item()) * dt(weight_decay))
    return 1 - lr * weight_decay


def _zeros_like(p):
    """A state buffer of zeros with the parameter's shape and dtype (a glassgrad Tensor)."""
    return autograd.zeros_like(p)


def _check_nonneg(label, value):
    """Raise ValueError(f"Invalid {label}: {value}") when value < 0 (PyTorch's wording)."""
    if not 0.0 <= _to_scalar(value):
        raise ValueError(f"Invalid {label}: {value}")


def _check_lr(lr):
    """Check a learning rate: a number, or a 1-element Tensor, not negative."""
    if isinstance(lr, autograd.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check_nonneg("learning rate", lr)


def _check_betas(betas):
    """Check Adam-style `betas`: two numbers, each in [0, 1)."""
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
    for i, beta in enumerate((beta1, beta2)):
        if not 0.0 <= _to_scalar(beta) < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _check_adam_group(group):
    """Check the hyperparameters Adam and its variants share: lr, eps, betas, weight_decay."""
    _check_lr(group["lr"])
    _check_nonneg("epsilon value", group["eps"])
    _check_betas(group["betas"])
    _check_nonneg("weight_decay value", group["weight_decay"])


def _adam_moments(g, exp_avg, exp_avg_sq, beta1, beta2):
    r"""Update Adam's moments in place, in PyTorch's order:
    :math:`m \leftarrow m + (1-\beta_1)(g - m)` (lerp) and
    :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`. Returns the work array (it holds
    :math:`(1-\beta_2) g^2`), for the caller to reuse as scratch."""
    tmp = _array(g - exp_avg)
    tmp *= 1 - beta1
    exp_avg += tmp
    exp_avg_sq *= beta2
    np.multiply(g, g, out=tmp)
    tmp *= 1 - beta2
    exp_avg_sq += tmp
    return tmp


def _check_unsupported(group):
    """Reject the PyTorch modes glassgrad's NumPy updates cannot honour (see module doc)."""
    for key in ("differentiable", "fused", "capturable"):
        if group.get(key):
            raise ValueError(f"{key}=True is not supported by glassgrad's optimizers (updates are "
                             f"unrecorded NumPy array operations on the CPU); leave it False")


def _evaluate_closure(closure):
    """Call `closure()` with gradient recording on and return its loss (None without one)."""
    if closure is None:
        return None
    with autograd.enable_grad():
        return closure()


class Optimizer:
    """Base class for all optimizers, as `torch.optim.Optimizer`.

    Args:
        params: an iterable of Tensors, of `(name, Tensor)` pairs, or of dicts (parameter
            groups, each with a `'params'` entry and any hyperparameters that override
            `defaults` for that group).
        defaults: the default hyperparameters, filled into every group that lacks them.

    Subclasses define `step(closure=None)` and may define `_check_group(group)`, which
    raises ValueError for bad hyperparameters; it runs for every group before it is added.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:                 # run the step hooks around every step
            cls.step = with_step_hooks(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, autograd.Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor; wrap it in a list: [tensor]")
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _check_group(self, group):
        """Raise ValueError for bad hyperparameters in `group` (subclasses extend this)."""
        _check_unsupported(group)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a parameter group (a dict with `'params'` and optional hyperparameters).

        Useful when fine-tuning: layers that were frozen can join the optimization later.
        Groups must not share parameters; missing hyperparameters come from `defaults`.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("param_group must have a 'params' entry holding its tensors")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, autograd.Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        tensors, names = [], []
        for param in params:
            if isinstance(param, tuple):
                if len(param) != 2:
                    raise TypeError(f"a named parameter must be a (name, tensor) pair, got a "
                                    f"tuple of length {len(param)}")
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        if names and len(names) != len(tensors):
            raise ValueError("all optimizer params should be with/without names. Some param "
                             "names are missing")
        for param in tensors:
            if not isinstance(param, autograd.Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(param).__module__}.{type(param).__name__}")
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in tensors}) != len(tensors):
            raise ValueError("optimizer contains a parameter group with duplicate parameters; "
                             "pass each tensor once")
        group["params"] = tensors
        if names:
            group["param_names"] = names
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_group(group)
        seen = set()
        for other in self.param_groups:
            seen.update(id(p) for p in other["params"])
            if ("param_names" in group) != ("param_names" in other):
                kind = "with names" if "param_names" in group else "without names"
                raise ValueError(f"all optimizer param groups should be with/without names. "
                                 f"cannot add param group {kind} to the optimizer")
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # ------------------------------------------------------------------ gradients
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors.

        Args:
            set_to_none: set each `.grad` to None (the default; the next backward allocates a
                fresh one and the optimizer skips parameters that got no gradient) instead of
                filling it with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if grad.grad_fn is not None:
                        grad = grad.detach()
                        p.grad = grad
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def _params_with_grad(self, group, init_state=None, weight_decay=True):
        r"""Yield `(p, g, state, step)` for each parameter of `group` with a gradient: the
        skeleton every optimizer's `step` shares, so that each keeps only its update rule.

        * parameters whose `.grad` is None are skipped;
        * `g` is the gradient's NumPy array, negated (a new array) when `group['maximize']`;
        * with `init_state`, `state` is `self.state[p]`; the first time it is empty it gets
          `state['step'] = 0` and then `init_state(state, p, g, group)` adds the buffers.
          `state['step']` is advanced and `step` is the new count (a float). Without
          `init_state` (SGD, whose only buffer is optional) `state` and `step` are None and
          `self.state` is not touched;
        * when `weight_decay` and `group['weight_decay']` :math:`\lambda \ne 0`: with
          `group['decoupled_weight_decay']` the parameter's array is scaled in place by
          :math:`1-\gamma\lambda` (AdamW), else `g` becomes :math:`g + \lambda\theta` (a new
          array; L2). Optimizers that decay in their own place (Adafactor) pass False.
        """
        all_state = self.state
        maximize = group["maximize"]
        decay = _to_scalar(group.get("weight_decay", 0)) if weight_decay else 0
        decoupled = decay != 0 and group.get("decoupled_weight_decay", False)
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            g = grad.data
            if maximize:
                g = -g
            state = step = None
            if init_state is not None:
                state = all_state[p]
                if not state:
                    state["step"] = _new_step()
                    init_state(state, p, g, group)
                step = _advance(state["step"])
            if decay != 0:
                param = p.data
                if decoupled:
                    param *= _decay_factor(group["lr"], decay)
                else:
                    g = g + decay * param
            yield p, g, state, step

    # ------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook):
        """Run `hook(optimizer, args, kwargs)` before each `step`; it may return
        `(new_args, new_kwargs)`. Returns a handle whose `remove()` unregisters it."""
        return add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Run `hook(optimizer, args, kwargs)` after each `step`. Returns a handle."""
        return add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Run `hook(optimizer)` at the start of `state_dict()`. Returns a handle."""
        return add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Run `hook(optimizer, state_dict)` on the result of `state_dict()`; a returned
        dict replaces it. Returns a handle."""
        return add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Run `hook(optimizer, state_dict)` before `load_state_dict` loads (on a shallow
        copy of the given dict); a returned dict is loaded instead. Returns a handle."""
        return add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Run `hook(optimizer)` after `load_state_dict` has loaded. Returns a handle."""
        return add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state dict
    def state_dict(self):
        """The optimizer's state as a dict: `{'state': {...}, 'param_groups': [...]}`.

        `state` maps each parameter's integer position (counted through the groups in order)
        to its buffers (glassgrad Tensors, and numbers such as LBFGS's counters); each entry
        of `param_groups` holds that group's hyperparameters and, under `'params'`, the
        positions of its parameters. The tensors are the optimizer's own (not copies), as in
        PyTorch; `load_state_dict` copies them in. State-dict hooks run around it.
        """
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        state_dict = self._packed_state_dict()
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _packed_state_dict(self):
        index_of = {}
        packed_groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index_of.setdefault(id(p), i)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        packed_state = {}
        for key, value in self.state.items():
            if isinstance(key, autograd.Tensor):
                packed_state[index_of[id(key)]] = dict(value)
            else:
                packed_state[key] = value
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        """Load a state made by `state_dict()` (of this optimizer class, same group layout).

        The saved groups must match this optimizer's groups in number and size; the saved
        hyperparameters replace the current ones, and the state tensors are copied (floating
        buffers cast to their parameter's dtype; the `step` counters keep theirs). Nothing
        changes when the state dict is rejected. Load-state-dict hooks run around it.
        """
        if isinstance(state_dict, dict):
            state_dict = dict(state_dict)          # hooks may edit it; the caller's is kept
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        self._load_packed_state_dict(state_dict)
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)

    def _load_packed_state_dict(self, state_dict):
        if not isinstance(state_dict, dict) or "state" not in state_dict or \
                "param_groups" not in state_dict:
            raise ValueError("optimizer state dict must be a dict with 'state' and "
                             "'param_groups' entries, as returned by Optimizer.state_dict()")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has a different number of parameter groups "
                             f"({len(saved_groups)}) than the optimizer "
                             f"({len(self.param_groups)})")
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"loaded param_groups[{i}] must be a dict with a 'params' list")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"loaded state dict contains a parameter group that doesn't "
                                 f"match the size of optimizer's group: param_groups[{i}] has "
                                 f"{len(saved['params'])} params saved, "
                                 f"{len(group['params'])} in the optimizer")
        id_map = {}
        for group, saved in zip(self.param_groups, saved_groups):
            id_map.update(zip(saved["params"], group["params"]))
        new_state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                if not isinstance(value, dict):
                    raise ValueError(f"loaded state for parameter {key} must be a dict, got "
                                     f"{type(value).__name__}")
                new_state[param] = {k: _copy_state_value(param, k, v) for k, v in value.items()}
            else:
                new_state[key] = value
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new_group = dict(saved)
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                new_group["param_names"] = group["param_names"]
            for name, default in self.defaults.items():
                new_group.setdefault(name, default)
            self._check_group(new_group)
            new_groups.append(new_group)
        self.state = new_state
        self.param_groups = new_groups
        self._after_load()

    def _after_load(self):
        """Hook for subclasses to refresh cached views of `param_groups` after loading."""


_SCALAR_COUNTERS = ("step", "mu_product", "eta", "mu")  # 0-d, kept in the `step` dtype


def _copy_state_value(param, key, value):
    """A copy of one loaded state entry: tensors copied (floats cast to `param`'s dtype,
    except the 0-d counters `step`, NAdam's `mu_product` and ASGD's `eta` and `mu`, which keep
    their dtype so that a resumed run rounds as the uninterrupted one), lists and tuples
    copied element-wise, numbers kept."""
    if isinstance(value, np.ndarray):
        value = _state_tensor(value)
    if isinstance(value, autograd.Tensor):
        arr = value.data
        if key in _SCALAR_COUNTERS:
            return _state_tensor(np.array(arr, copy=True))
        if arr.dtype.kind == "f" and param.data.dtype.kind == "f":
            return _state_tensor(np.array(arr, dtype=param.data.dtype, copy=True))
        return _state_tensor(np.array(arr, copy=True))
    if key == "step" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return autograd.tensor(float(value), dtype=_scalar_dtype())
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_state_value(param, None, v) for v in value)
    return value
