"""The training loop behind `glassgrad train`: epochs, metrics, best/last checkpoints, resume.

    from nn.training import make_config, fit
    summary = fit(make_config(dataset="moons", epochs=5), "runs/moons")

`fit` seeds glassgrad's generator, builds the data and the model, and for each epoch runs
one pass over shuffled mini-batches (cross-entropy loss, `optimizer.step()`), evaluates the
validation part, appends a row to `metrics.csv`, saves `last.safetensors` and, when the
validation accuracy improved, `best.safetensors` (see `checkpoint.py`).

Exact resume: everything that decides the next epoch is in `last.safetensors`: parameters and
buffers, optimizer and scheduler state, and the state of `autograd.default_generator` (which
draws the shuffling and dropout). `fit(..., resume=True)` rebuilds the model, loads all of it
and continues, so 1 epoch + resume to 2 gives bit-for-bit the parameters of 2 straight epochs.
The resumed run keeps its settings; only `epochs` may be raised (a cosine or one-cycle
schedule keeps the length it was built with).
"""
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

import autograd
import nn.functional as F
from nn import optim
from nn.data import DataLoader, TensorDataset
from nn.optim import lr_scheduler

from .checkpoint import load_checkpoint, save_checkpoint
from .data import load_data
from .metrics import read_metrics, write_metrics
from .models import architecture, build_model, weight_layers

__all__ = ["DEFAULTS", "OPTIMIZERS", "SCHEDULERS", "TrainingError", "make_config",
           "make_optimizer", "make_scheduler", "train_epoch", "evaluate", "predict_arrays",
           "fit", "data_for_config"]

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULERS = ("none", "step", "cosine", "onecycle", "plateau")
_DEFAULT_LR = {"sgd": 0.05, "adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3}
DEFAULTS = {"dataset": "digits", "model": "mlp", "hidden": None, "channels": None,
            "activation": "relu", "dropout": 0.0, "batchnorm": False, "optimizer": "adam",
            "lr": None, "momentum": 0.9, "weight_decay": 0.0, "scheduler": "none",
            "step_size": None, "gamma": 0.1, "batch_size": 32, "epochs": 20, "seed": 0,
            "data_seed": 0, "val_fraction": 0.1, "subset": None, "data_root": None}


class TrainingError(ValueError):
    """Settings or files that a training run cannot use."""


def make_config(**settings):
    """The training settings: `DEFAULTS` overridden by `settings` (None keeps the default),
    checked; `lr` defaults per optimizer (SGD 0.05, the others 1e-3)."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise TrainingError(f"unknown training settings {unknown}; known: {sorted(DEFAULTS)}")
    cfg = dict(DEFAULTS)
    cfg.update({k: v for k, v in settings.items() if v is not None})
    if cfg["optimizer"] not in OPTIMIZERS:
        raise TrainingError(f"unknown optimizer {cfg['optimizer']!r}; choose one of "
                            f"{', '.join(OPTIMIZERS)}")
    if cfg["scheduler"] not in SCHEDULERS:
        raise TrainingError(f"unknown scheduler {cfg['scheduler']!r}; choose one of "
                            f"{', '.join(SCHEDULERS)}")
    if cfg["lr"] is None:
        cfg["lr"] = _DEFAULT_LR[cfg["optimizer"]]
    for key in ("lr", "batch_size", "epochs"):
        if not cfg[key] > 0:
            raise TrainingError(f"--{key.replace('_', '-')} must be > 0, got {cfg[key]}")
    for key in ("momentum", "weight_decay"):
        if cfg[key] < 0:
            raise TrainingError(f"--{key.replace('_', '-')} must be >= 0, got {cfg[key]}")
    if cfg["step_size"] is not None and cfg["step_size"] < 1:
        raise TrainingError(f"--step-size must be >= 1 epoch, got {cfg['step_size']}")
    return cfg


def make_optimizer(cfg, params):
    """The optimizer named by cfg['optimizer'] with cfg's lr, momentum, weight decay."""
    name, lr, wd = cfg["optimizer"], cfg["lr"], cfg["weight_decay"]
    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=cfg["momentum"], weight_decay=wd)
    if name == "adam":
        return optim.Adam(params, lr=lr, weight_decay=wd)
    if name == "adamw":
        return optim.AdamW(params, lr=lr, weight_decay=wd if wd else 1e-2)
    return optim.RMSprop(params, lr=lr, momentum=cfg["momentum"], weight_decay=wd)


def make_scheduler(cfg, optimizer, steps_per_epoch):
    """(scheduler or None, steps per batch?): 'step' = StepLR(step_size or epochs // 3,
    gamma), 'cosine' = CosineAnnealingLR(T_max=epochs), 'onecycle' = OneCycleLR(max_lr=lr,
    stepped every batch), 'plateau' = ReduceLROnPlateau on the validation loss."""
    name, epochs = cfg["scheduler"], cfg["epochs"]
    if name == "none":
        return None, False
    if name == "step":
        size = cfg["step_size"] or max(1, epochs // 3)
        return lr_scheduler.StepLR(optimizer, step_size=size, gamma=cfg["gamma"]), False
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs), False
    if name == "onecycle":
        return lr_scheduler.OneCycleLR(optimizer, max_lr=cfg["lr"],
                                       total_steps=epochs * steps_per_epoch), True
    return lr_scheduler.ReduceLROnPlateau(optimizer, factor=cfg["gamma"], patience=2), False


def data_for_config(cfg, download=False):
    """The `DataSplits` a config trains on (same data set, seed, split and subset)."""
    return load_data(cfg["dataset"], val_fraction=cfg["val_fraction"],
                     data_seed=cfg["data_seed"], subset=cfg["subset"],
                     data_root=cfg["data_root"], download=download)


def _grad_norm(module):
    g = module.weight.grad
    return 0.0 if g is None else float(np.sqrt(np.sum(np.square(g.data, dtype=np.float64))))


def train_epoch(model, loader, optimizer, scheduler=None, per_batch=False, bar=None,
                layers=()):
    """One pass over `loader`: returns {'loss', 'acc', 'grad_norms'} (mean loss over
    samples, accuracy, mean gradient norm of each layer in `layers` over the batches)."""
    model.train()
    total_loss, correct, seen, n_batches = 0.0, 0, 0, 0
    norms = np.zeros(len(layers))
    for xb, yb in loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        norms += [_grad_norm(m) for _, m in layers]
        optimizer.step()
        if per_batch:
            scheduler.step()
        n = len(yb)
        total_loss += loss.item() * n
        correct += int((logits.data.argmax(1) == yb.data).sum())
        seen += n
        n_batches += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}",
                            refresh=False)
    return {"loss": total_loss / max(seen, 1), "acc": correct / max(seen, 1),
            "grad_norms": (norms / max(n_batches, 1)).tolist()}


def predict_arrays(model, x, batch_size=1000):
    """Class probabilities (softmax of the logits) of the float32 inputs `x`, in eval mode
    without a graph; returns an (n, classes) float32 array."""
    model.eval()
    out = []
    with autograd.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(autograd.from_numpy(np.ascontiguousarray(x[i:i + batch_size])))
            out.append(F.softmax(logits, dim=1).data)
    return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def evaluate(model, x, y, batch_size=1000):
    """{'loss', 'acc', 'pred', 'probs'} of `model` on inputs `x` with labels `y` (mean
    cross-entropy, accuracy, predicted classes, probabilities)."""
    if len(y) == 0:
        return {"loss": float("nan"), "acc": float("nan"), "pred": np.zeros(0, np.int64),
                "probs": None}
    probs = predict_arrays(model, x, batch_size)
    picked = probs[np.arange(len(y)), y].astype(np.float64)
    loss = float(-np.mean(np.log(np.maximum(picked, 1e-45))))
    pred = probs.argmax(1)
    return {"loss": loss, "acc": float(np.mean(pred == y)), "pred": pred, "probs": probs}


def _loader(data, cfg):
    ds = TensorDataset(autograd.from_numpy(data.x_train), autograd.from_numpy(data.y_train))
    return DataLoader(ds, batch_size=int(cfg["batch_size"]), shuffle=True)


class _Run:
    """The state of one training run (model, optimizer, scheduler, history) in `out_dir`."""

    def __init__(self, cfg, out_dir, data, log):
        self.cfg, self.out, self.data, self.log = cfg, Path(out_dir), data, log
        autograd.manual_seed(int(cfg["seed"]))
        self.model = build_model(cfg["arch"])
        self.layers = weight_layers(self.model)
        self.loader = _loader(data, cfg)
        self.optimizer = make_optimizer(cfg, self.model.parameters())
        self.scheduler, self.per_batch = make_scheduler(cfg, self.optimizer, len(self.loader))
        self.epoch, self.history = 0, []
        self.grad_norms = {"layers": [_layer_label(n, m) for n, m in self.layers],
                           "epochs": []}
        self.best = {"epoch": 0, "score": -math.inf}

    def restore(self, ckpt):
        self.model.load_state_dict(ckpt["model"])
        self.optimizer.load_state_dict(ckpt["optimizer"])
        if self.scheduler is not None and ckpt.get("scheduler") is not None:
            self.scheduler.load_state_dict(ckpt["scheduler"])
        autograd.default_generator.set_state(ckpt["generator"])
        self.epoch = int(ckpt["epoch"])
        self.history = [dict(r) for r in ckpt.get("history", [])][:self.epoch]
        self.grad_norms = ckpt.get("grad_norms", self.grad_norms)
        self.grad_norms["epochs"] = list(self.grad_norms["epochs"])[:self.epoch]
        self.best = dict(ckpt.get("best", self.best))

    def state(self, row):
        return {"config": self.cfg, "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
                "generator": autograd.default_generator.get_state(), "epoch": self.epoch,
                "metrics": row, "best": self.best, "history": self.history,
                "grad_norms": self.grad_norms}

    def lr(self):
        return float(self.optimizer.param_groups[0]["lr"])

    def one_epoch(self, progress):
        total = self.cfg["epochs"]
        bar = _bar(len(self.loader), f"epoch {self.epoch + 1}/{total}") if progress else None
        start = time.perf_counter()
        lr = self.lr()
        train = train_epoch(self.model, self.loader, self.optimizer, self.scheduler,
                            self.per_batch, bar, self.layers)
        val = evaluate(self.model, self.data.x_val, self.data.y_val)
        if self.scheduler is not None and not self.per_batch:
            if isinstance(self.scheduler, lr_scheduler.ReduceLROnPlateau):
                self.scheduler.step(val["loss"] if len(self.data.y_val) else train["loss"])
            else:
                self.scheduler.step()
        self.epoch += 1
        row = {"epoch": self.epoch, "train_loss": train["loss"], "train_acc": train["acc"],
               "val_loss": val["loss"], "val_acc": val["acc"], "lr": lr,
               "time_s": time.perf_counter() - start}
        self.history.append(row)
        self.grad_norms["epochs"].append(train["grad_norms"])
        if bar is not None:   # the bar goes; the epoch's line (never cut) replaces it
            bar.close()
        self.log(_epoch_line(row, total))
        return row

    def save(self, row):
        score = row["val_acc"] if len(self.data.y_val) else row["train_acc"]
        improved = score >= self.best["score"]   # ties: the later, longer-trained epoch
        if improved:
            self.best = {"epoch": self.epoch, "score": float(score)}
        state = self.state(row)
        if improved:
            save_checkpoint(self.out / "best.safetensors", state)
        save_checkpoint(self.out / "last.safetensors", state)
        write_metrics(self.out / "metrics.csv", self.history)


def _layer_label(name, module):
    w = module.weight.shape
    return f"{name}: {type(module).__name__} {w[1]}->{w[0]}"


def _bar(total, desc):
    """A tqdm bar on stderr, as wide as the terminal (100 columns where the terminal does
    not say its size: tqdm hides every bar on a pseudo-terminal of size 0 x 0)."""
    from tqdm.auto import tqdm
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        size = os.terminal_size((0, 0))
    known = size.columns > 0 and size.lines > 0
    return tqdm(total=total, desc=desc, unit="batch", leave=False, file=sys.stderr,
                dynamic_ncols=known, ncols=None if known else 120,
                nrows=None if known else 24, bar_format=_BAR_FORMAT)


# tqdm's default without the batches/s, to leave room for the running loss and accuracy
_BAR_FORMAT = ("{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
               "[{elapsed}<{remaining}{postfix}]")


def _epoch_line(row, total):
    val = "" if row["val_acc"] != row["val_acc"] else \
        f"  val loss {row['val_loss']:.4f} acc {100 * row['val_acc']:.2f}%"
    return (f"epoch {row['epoch']}/{total}  train loss {row['train_loss']:.4f} acc "
            f"{100 * row['train_acc']:.2f}%{val}  lr {row['lr']:.3g}  {row['time_s']:.1f}s")


def _check_resume(ckpt, settings):
    cfg = dict(ckpt["config"])
    for key, value in settings.items():
        if key == "epochs" or value is None:
            continue
        if key in ("model", "hidden", "channels", "activation", "dropout", "batchnorm"):
            stored = cfg["arch"].get(key)
            if key == "hidden" and stored is not None:
                value = list(value)
        else:
            stored = cfg.get(key)
        if key in ("hidden", "channels") and value is not None:
            value = [int(v) for v in value]
        if value != stored:
            raise TrainingError(f"--{key.replace('_', '-')} {value} differs from the run being "
                                f"resumed ({stored}); a resumed run keeps its settings (only "
                                f"--epochs may change): drop the flag or start a new run")
    if settings.get("epochs") is not None:
        if settings["epochs"] < int(ckpt["epoch"]):
            raise TrainingError(f"--epochs {settings['epochs']} is below the {ckpt['epoch']} "
                                f"epochs the checkpoint already has")
        cfg["epochs"] = int(settings["epochs"])
    return cfg


def fit(settings, out_dir, *, resume=False, stop_after=None, progress=False, log=print,
        download=False, plots=True):
    """Train (or, with `resume`, continue) a run in `out_dir`; returns a summary dict.

    settings: keyword settings for `make_config` (None values mean "default" or, on resume,
    "as in the checkpoint"). stop_after: stop after this many epochs of this call (as if
    interrupted; the run can be resumed). progress: a tqdm bar during each epoch (running loss
    and accuracy), removed at the epoch's end; one line per epoch goes through `log` either
    way. The summary has the final and best metrics, the test accuracy
    of the best checkpoint, the seconds taken and the files written."""
    out = Path(out_dir)
    if resume:
        ckpt = load_checkpoint(out / "last.safetensors")
        cfg = _check_resume(ckpt, settings)
    else:
        for name in ("last.safetensors", "best.safetensors", "metrics.csv"):
            if (out / name).exists():
                raise TrainingError(f"{out} already holds a run ({name}); continue it with "
                                    f"--resume or choose another --out")
        cfg = make_config(**{k: v for k, v in settings.items() if k in DEFAULTS})
        ckpt = None
    data = data_for_config(cfg, download=download)
    if ckpt is None:
        cfg["arch"] = architecture(cfg["model"], cfg["hidden"], cfg["channels"],
                                   cfg["activation"], cfg["dropout"], cfg["batchnorm"],
                                   data.input_shape, data.num_classes)
        cfg.update(classes=data.classes, preprocessing=data.preprocessing,
                   kind=data.kind, dataset_sizes=[len(data.y_train), len(data.y_val),
                                                  len(data.y_test)])
    elif list(data.input_shape) != list(cfg["arch"]["input_shape"]):
        raise TrainingError(f"the data of {cfg['dataset']} now has input shape "
                            f"{data.input_shape}, the checkpoint was trained on "
                            f"{tuple(cfg['arch']['input_shape'])}")
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(cfg, out, data, log)
    if ckpt is not None:
        run.restore(ckpt)
        log(f"resuming {out} from epoch {run.epoch} of {cfg['epochs']}")
    started = time.perf_counter()
    done = 0
    while run.epoch < cfg["epochs"] and (stop_after is None or done < stop_after):
        row = run.one_epoch(progress)
        run.save(row)
        done += 1
    seconds = time.perf_counter() - started
    summary = _summary(run, seconds, out)
    if plots:
        from .report import write_training_plots
        summary["files"] += write_training_plots(run.model, run.history, run.grad_norms, data,
                                                 out)
    return summary


def _summary(run, seconds, out):
    best_test = None
    files = [str(out / f) for f in ("metrics.csv", "last.safetensors", "best.safetensors")
             if (out / f).exists()]
    best_path = out / "best.safetensors"
    if best_path.exists() and len(run.data.y_test):
        from .checkpoint import rebuild_model
        best_model = rebuild_model(load_checkpoint(best_path))
        best_test = evaluate(best_model, run.data.x_test, run.data.y_test)["acc"]
    last = run.history[-1] if run.history else {}
    return {"out": str(out), "epochs": run.epoch, "seconds": seconds, "last": last,
            "best_epoch": run.best["epoch"], "best_score": run.best["score"],
            "test_acc": best_test, "files": files, "config": run.cfg}
