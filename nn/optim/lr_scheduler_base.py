"""`LRScheduler`: the base class of the learning-rate schedulers, as PyTorch's.

A scheduler owns an optimizer and rewrites `group['lr']` of each of its parameter groups when
`step()` is called (once per epoch or per batch, after `optimizer.step()`). Most schedulers are
*chainable*: `get_lr()` computes the next rate from the current `group['lr']`, so several
schedulers can act on one optimizer; `base_lrs` are the groups' `initial_lr`, which the first
scheduler on an optimizer records in each group.

The schedulers are split over three files (this base, `lr_scheduler_cyclic.py` for the cyclic
ones, `lr_scheduler.py` for the rest); import them all from `nn.optim.lr_scheduler`.
"""
import warnings
import weakref
from functools import wraps

import autograd

from .optimizer import Optimizer, _to_scalar

__all__ = ["LRScheduler", "_LRScheduler"]

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose.")


def _format_param(name, optimizer, param):
    """One value per parameter group: a list/tuple as given (length checked), or `param`
    repeated. Tensors are cloned so the scheduler never aliases the caller's."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. "
                             f"{name} has {len(param)} values, param_groups has "
                             f"{len(optimizer.param_groups)}.")
    else:
        param = [param] * len(optimizer.param_groups)
    return [p.clone() if isinstance(p, autograd.Tensor) else p for p in param]


def _param_groups_val_list(optimizer, key):
    """`[group[key] for each group]`, cloning tensor values."""
    return [group[key].clone() if isinstance(group[key], autograd.Tensor) else group[key]
            for group in optimizer.param_groups]


def _update_param_group_val(param_group, key, val):
    """Set `param_group[key] = val`, filling a tensor value in place (so it stays shared)."""
    if isinstance(param_group[key], autograd.Tensor):
        param_group[key].fill_(_to_scalar(val))
    else:
        param_group[key] = val


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


class _enable_get_lr_call:
    """Marks `get_lr()` calls made by `step()` (others warn: use `get_last_lr()`)."""

    def __init__(self, scheduler):
        self.o = scheduler

    def __enter__(self):
        self.o._get_lr_called_within_step = True
        return self

    def __exit__(self, exc_type, exc, tb):
        self.o._get_lr_called_within_step = False


class _initial_mode:
    """Marks the scheduler's first, constructor-made `step()`."""

    def __init__(self, scheduler):
        self.o = scheduler

    def __enter__(self):
        self.o._is_initial = True

    def __exit__(self, exc_type, exc, tb):
        self.o._is_initial = False


def _warn_get_lr_called_within_step(scheduler):
    if not scheduler._get_lr_called_within_step:
        warnings.warn("To get the last learning rate computed by the scheduler, please use "
                      "`get_last_lr()`.", UserWarning, stacklevel=3)


def _patch_track_step_called(optimizer):
    """Wrap `optimizer.step` (once) so that it records that it ran (`_opt_called`), which
    lets the scheduler warn when it is stepped before the optimizer."""
    if hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        return
    opt_ref = weakref.ref(optimizer)
    func = optimizer.step.__func__

    @wraps(func)
    def wrapper(*args, **kwargs):
        opt = opt_ref()
        opt._opt_called = True
        return func.__get__(opt, opt.__class__)(*args, **kwargs)

    wrapper._wrapped_by_lr_sched = True
    optimizer.step = wrapper


class LRScheduler:
    """Base class of the learning-rate schedulers, as `torch.optim.lr_scheduler.LRScheduler`.

    Subclasses define `get_lr()` (the rates for the new `last_epoch`) and optionally
    `_get_closed_form_lr()` (used by the deprecated `step(epoch)`).

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to schedule.
        last_epoch (int): the index of the last epoch; -1 (default) starts afresh and records
            each group's `initial_lr`. A resumed scheduler (last_epoch >= 0) needs
            `initial_lr` in every group already (load the optimizer state first).

    Construction makes one initial step, so `get_last_lr()` is valid at once; the scheduler's
    `state_dict()` holds every attribute but the optimizer.
    """
    _get_lr_called_within_step = False
    _is_initial = False

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                initial_lr = group["lr"]
                if isinstance(initial_lr, autograd.Tensor):
                    initial_lr = initial_lr.clone()
                group.setdefault("initial_lr", initial_lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   f"when resuming scheduler with last_epoch >= 0; load the "
                                   f"optimizer's state dict (which holds it) first, or start "
                                   f"with last_epoch=-1")
        self.base_lrs = _param_groups_val_list(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _patch_track_step_called(self.optimizer)
        self._initial_step()

    def _initial_step(self):
        """Reset the step count and make the constructor's step."""
        self._step_count = 0
        with _initial_mode(self):
            self.step()

    def state_dict(self):
        """The scheduler's state: every attribute except the optimizer."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Load a state returned by `state_dict()`."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"scheduler state dict must be a dict, got "
                            f"{type(state_dict).__name__}")
        self.__dict__.update(state_dict)

    def get_last_lr(self):
        """The learning rates of the groups as last set by this scheduler."""
        return self._last_lr

    def get_lr(self):
        """The next learning rate of each parameter group; every scheduler defines it (a
        custom scheduler subclasses `LRScheduler` and overrides this, as in PyTorch)."""
        raise NotImplementedError(f"{type(self).__name__} must define get_lr(), returning one "
                                  f"learning rate per parameter group")

    def step(self, epoch=None):
        """Advance one epoch and set the groups' learning rates (call after
        `optimizer.step()`). `epoch` is deprecated: it jumps to that epoch, using the closed
        form where the scheduler has one."""
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn("Seems like `optimizer.step()` has been overridden after learning "
                              "rate scheduler initialization. Please, make sure to call "
                              "`optimizer.step()` before `lr_scheduler.step()`.",
                              UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn("Detected call of `lr_scheduler.step()` before "
                              "`optimizer.step()`. In PyTorch 1.1.0 and later, you should call "
                              "them in the opposite order: `optimizer.step()` before "
                              "`lr_scheduler.step()`.  Failure to do this will result in "
                              "PyTorch skipping the first value of the learning rate schedule.",
                              UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        with _enable_get_lr_call(self):
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                if hasattr(self, "_get_closed_form_lr"):
                    values = self._get_closed_form_lr()
                else:
                    values = self.get_lr()
        for param_group, lr in zip(self.optimizer.param_groups, values):
            _update_param_group_val(param_group, "lr", lr)
        self._last_lr = _param_groups_val_list(self.optimizer, "lr")


class _LRScheduler(LRScheduler):
    """The old name of `LRScheduler`, kept as PyTorch keeps it."""
