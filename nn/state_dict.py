"""Loading a `state_dict` into a module: check every entry first, then copy.

`Module.load_state_dict` calls `load_state_dict(module, ...)` here. Keys, messages and the
returned `_IncompatibleKeys` follow PyTorch 2.x; unlike PyTorch, nothing is copied unless the
whole load succeeds, so a raising call leaves the model as it was.
"""
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

import autograd
from autograd import Tensor

from .parameter import Parameter

__all__ = []


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: the keys it did not find and the keys it did not use."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _tensor_like(value):
    return isinstance(value, (Tensor, np.ndarray)) or (hasattr(value, "__array__") and
                                                       hasattr(value, "shape"))


def _local_state(module):
    state = OrderedDict((k, v) for k, v in module._parameters.items() if v is not None)
    state.update((k, v) for k, v in module._buffers.items()
                 if v is not None and k not in module._non_persistent_buffers_set)
    return state


def _plan_module(module, state_dict, prefix, plan, missing, unexpected, errors):
    """Check `module`'s own entries of `state_dict`; record the copies to make."""
    local = _local_state(module)
    for name, target in local.items():
        key = prefix + name
        if key not in state_dict:
            missing.append(key)
            continue
        value = state_dict[key]
        if not _tensor_like(value):
            errors.append(f'While copying the parameter named "{key}", expected '
                          f'autograd.Tensor or Tensor-like object from checkpoint but '
                          f'received {type(value)}')
            continue
        shape = tuple(np.shape(value.data if isinstance(value, Tensor) else value))
        if shape != tuple(target.shape):
            errors.append(f"size mismatch for {key}: copying a param with shape "
                          f"{autograd.Size(shape)} from checkpoint, the shape in current "
                          f"model is {target.shape}.")
            continue
        plan.append((module, name, target, value))
    extra_key = prefix + "_extra_state"
    if module._has_extra_state():
        if extra_key in state_dict:
            plan.append((module, "_extra_state", None, state_dict[extra_key]))
        else:
            missing.append(extra_key)
    for key in state_dict:
        if key.startswith(prefix) and key != extra_key:
            head = key[len(prefix):].split(".", 1)[0]
            if head not in module._modules and head not in local:
                unexpected.append(key)


def _assign(module, name, target, value):
    """load_state_dict(assign=True): the module takes `value` itself."""
    value = value if isinstance(value, Tensor) else autograd.tensor(np.asarray(value))
    if name in module._parameters:
        module._parameters[name] = Parameter(value, requires_grad=target.requires_grad)
    else:
        module._buffers[name] = value


def load_state_dict(root, state_dict, strict=True, assign=False):
    """Check `state_dict` against `root` and, when it fits, copy it in (see
    `Module.load_state_dict`)."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    state_dict = OrderedDict(state_dict)
    plan, missing, unexpected, errors = [], [], [], []

    def visit(module, local_state, prefix):
        _plan_module(module, local_state, prefix, plan, missing, unexpected, errors)
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                visit(child, {k: v for k, v in local_state.items()
                              if k.startswith(child_prefix)}, child_prefix)

    for prefix, module in root.named_modules():
        for hook in module._load_state_dict_pre_hooks.values():
            hook(module, state_dict, prefix + "." if prefix else "", {}, strict, missing,
                 unexpected, errors)
    visit(root, state_dict, "")
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                ", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                ", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
            type(root).__name__, "\n\t".join(errors)))
    with autograd.no_grad():
        for module, name, target, value in plan:
            if name == "_extra_state":
                module.set_extra_state(value)
            elif assign:
                _assign(module, name, target, value)
            else:
                target.copy_(value if isinstance(value, Tensor)
                             else autograd.from_numpy(np.asarray(value)))
    result = _IncompatibleKeys(missing, unexpected)
    for module in root.modules():
        for hook in module._load_state_dict_post_hooks.values():
            hook(module, result)
    return result
