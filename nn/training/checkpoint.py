"""Training checkpoints: what `best.safetensors` and `last.safetensors` hold, and loading them.

A checkpoint is one `autograd.save` file (safetensors, no pickle, written atomically) of:

    {"format": "glassgrad-train", "version": 1,
     "config": {...},            # every training setting, the architecture ("arch"), the
                                 # data set's classes and preprocessing: enough to rebuild
     "model": state_dict, "optimizer": state_dict, "scheduler": state_dict or None,
     "generator": uint8 tensor,  # autograd.default_generator.get_state() after the epoch
     "epoch": int, "metrics": {...},   # that epoch's row of metrics.csv
     "best": {"epoch": int, "score": float},
     "history": [rows...], "grad_norms": {"layers": [...], "epochs": [[...], ...]}}

`load_checkpoint` checks the layout and raises `CheckpointFormatError` (one line, naming the
file) for anything else; `rebuild_model` makes the network from the config and loads the
weights, turning a state-dict mismatch into the same error.
"""
from pathlib import Path

import autograd

from .models import ArchitectureError, build_model

__all__ = ["FORMAT", "VERSION", "CheckpointFormatError", "save_checkpoint", "load_checkpoint",
           "resolve_checkpoint", "rebuild_model"]

FORMAT = "glassgrad-train"
VERSION = 1
_REQUIRED = ("config", "model", "optimizer", "generator", "epoch")


class CheckpointFormatError(ValueError):
    """A file that is not a usable glassgrad training checkpoint."""


def save_checkpoint(path, state):
    """Save the checkpoint dict `state` (the keys above) to `path` atomically."""
    autograd.save({"format": FORMAT, "version": VERSION, **state}, path)


def resolve_checkpoint(path, default_name="last.safetensors"):
    """A checkpoint file from `path`: the file itself, or `default_name` in a run folder."""
    p = Path(path)
    if p.is_dir():
        p = p / default_name
    if not p.is_file():
        raise FileNotFoundError(f"checkpoint not found: {p}")
    return p


def load_checkpoint(path):
    """Load and check a training checkpoint; returns its dict."""
    path = resolve_checkpoint(path)
    try:
        ckpt = autograd.load(path)
    except autograd.CheckpointError as exc:
        raise CheckpointFormatError(f"cannot read checkpoint {path}: "
                                    f"{' '.join(str(exc).split())}") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointFormatError(f"{path} is a safetensors file but not a glassgrad "
                                    f"training checkpoint (no format {FORMAT!r}); it may be a "
                                    f"bare state_dict, load it with autograd.load")
    if ckpt.get("version") != VERSION:
        raise CheckpointFormatError(f"{path} is a version {ckpt.get('version')} training "
                                    f"checkpoint; this glassgrad reads version {VERSION}")
    missing = [k for k in _REQUIRED if k not in ckpt]
    if missing:
        raise CheckpointFormatError(f"{path} lacks {', '.join(missing)}: not a complete "
                                    f"training checkpoint")
    ckpt["path"] = str(path)
    return ckpt


def rebuild_model(ckpt):
    """The network described by the checkpoint's config, with its trained weights, in eval
    mode."""
    try:
        model = build_model(ckpt["config"]["arch"])
    except (KeyError, TypeError, ArchitectureError) as exc:
        raise CheckpointFormatError(f"{ckpt.get('path')}: its architecture cannot be built "
                                    f"({exc})") from None
    try:
        model.load_state_dict(ckpt["model"])
    except (KeyError, RuntimeError, ValueError) as exc:
        first = " ".join(str(exc).split())[:300]
        raise CheckpointFormatError(f"{ckpt.get('path')}: the weights do not fit the "
                                    f"architecture in its config ({first})") from None
    model.eval()
    return model
