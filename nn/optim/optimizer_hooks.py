"""Optimizer hooks, as `torch.optim.Optimizer`'s: step pre/post hooks (per optimizer and
global), and state-dict / load-state-dict pre/post hooks.

Every `step` defined by an `Optimizer` subclass is wrapped once, when the class is created,
by `with_step_hooks`: with no hook registered it costs one dict check per step. Hooks run in
PyTorch's order: global pre-hooks, then the optimizer's, the step, then the optimizer's
post-hooks, then the global ones. A step that calls another wrapped step (a subclass's
`step` calling `super().step()`) runs the hooks once, around the outer call.

Signatures (PyTorch's):
- step pre-hook `hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`;
- step post-hook `hook(optimizer, args, kwargs) -> None`;
- state-dict pre-hook `hook(optimizer) -> None`; post-hook `hook(optimizer, state_dict) ->
  state_dict or None`;
- load-state-dict pre-hook `hook(optimizer, state_dict) -> state_dict or None`; post-hook
  `hook(optimizer) -> None`.
"""
import functools
from collections import OrderedDict
from itertools import chain

from ..hooks import RemovableHandle

__all__ = ["register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]

_global_step_pre_hooks = OrderedDict()
_global_step_post_hooks = OrderedDict()


def add_hook(hooks, hook, prepend=False):
    """Put `hook` into the ordered dict `hooks` (first when `prepend`); return its handle."""
    if not callable(hook):
        raise TypeError(f"an optimizer hook must be callable, got {type(hook).__name__}")
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook):
    """Register a step pre-hook run before every optimizer's `step` (all optimizers), as
    `torch.optim.optimizer.register_optimizer_step_pre_hook`. Returns a handle."""
    return add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register a step post-hook run after every optimizer's `step` (all optimizers), as
    `torch.optim.optimizer.register_optimizer_step_post_hook`. Returns a handle."""
    return add_hook(_global_step_post_hooks, hook)


def with_step_hooks(step):
    """Wrap an optimizer's `step(self, *args, **kwargs)` so that it runs the step hooks."""
    if getattr(step, "_runs_step_hooks", False):
        return step

    @functools.wraps(step)
    def step_with_hooks(self, *args, **kwargs):
        pre = self.__dict__.get("_optimizer_step_pre_hooks")
        post = self.__dict__.get("_optimizer_step_post_hooks")
        if not (pre or post or _global_step_pre_hooks or _global_step_post_hooks) \
                or self.__dict__.get("_in_hooked_step"):
            return step(self, *args, **kwargs)
        for hook in list(chain(_global_step_pre_hooks.values(), (pre or {}).values())):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
                args, kwargs = result
        self._in_hooked_step = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._in_hooked_step = False
        for hook in list(chain((post or {}).values(), _global_step_post_hooks.values())):
            hook(self, args, kwargs)
        return out

    step_with_hooks._runs_step_hooks = True
    return step_with_hooks
