"""The pictures and figures a run writes: after training, and for `glassgrad evaluate`.

After training (`write_training_plots`): `loss.png`, `accuracy.png`, `grad_norms.png`
(per-layer gradient norms by epoch), `activations.png` (each activation layer's outputs
on validation inputs), and `weights.png` (first-layer weights as images) for image data or
`decision_boundary.png` for 2-D data. For evaluation (`evaluation_report`): accuracy,
per-class accuracy, `confusion_matrix.png`, `misclassified.png` (images) and
`evaluation.json`.
"""
import json

import numpy as np

import autograd
import nn
from nn import plots

from .data import standardize
from .metrics import atomic_write_text, confusion_matrix, per_class_accuracy
from .models import first_weight_layer
from .trainer import evaluate, predict_arrays

__all__ = ["write_training_plots", "evaluation_report", "collect_activations",
           "ACTIVATION_TYPES"]

ACTIVATION_TYPES = (nn.ReLU, nn.Tanh, nn.Sigmoid, nn.GELU, nn.LeakyReLU, nn.ELU, nn.SiLU)


def collect_activations(model, x, types=ACTIVATION_TYPES):
    """{'name: Type' (e.g. '2: ReLU'): output array} of every module of `types` in `model`
    (the labels of the gradient-norm picture name layers the same way) for inputs `x`
    (an array or tensor), recorded with forward hooks in eval mode without a graph."""
    found = {}
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, types):
            def hook(mod, inputs, output, name=name):
                found[f"{name}: {type(mod).__name__}"] = output.data.copy()
            handles.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        with autograd.no_grad():
            model(x if isinstance(x, autograd.Tensor) else autograd.from_numpy(
                np.ascontiguousarray(x, dtype=np.float32)))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return found


def _predict_raw(model, preprocessing):
    return lambda raw: predict_arrays(model, standardize(raw, preprocessing))


def write_training_plots(model, history, grad_norms, data, out):
    """Write the pictures of a finished (or stopped) run into folder `out`; returns their
    paths."""
    files = []
    if history:
        files.append(plots.save_figure(plots.plot_loss(history), out / "loss.png"))
        files.append(plots.save_figure(plots.plot_accuracy(history), out / "accuracy.png"))
    if grad_norms and grad_norms.get("epochs"):
        fig = plots.plot_gradient_norms(grad_norms["epochs"], grad_norms["layers"])
        files.append(plots.save_figure(fig, out / "grad_norms.png"))
    sample = data.x_val if len(data.x_val) else data.x_train
    acts = collect_activations(model, sample[:512])
    if acts:
        files.append(plots.save_figure(plots.plot_activation_histograms(acts),
                                       out / "activations.png"))
    if data.kind == "points":
        fig = plots.plot_decision_boundary(_predict_raw(model, data.preprocessing),
                                           data.raw(data.x_test), data.y_test)
        files.append(plots.save_figure(fig, out / "decision_boundary.png"))
    else:
        layer = first_weight_layer(model)
        if layer is not None:
            shape = data.input_shape[1:] if isinstance(layer, nn.Linear) else None
            fig = plots.plot_weights(layer.weight, shape)
            files.append(plots.save_figure(fig, out / "weights.png"))
    return files


def evaluation_report(model, data, out, split="test", checkpoint=None):
    """Evaluate `model` on a split of `data` and write the pictures and `evaluation.json`
    into `out`; returns the report dict (accuracy, loss, per-class accuracy, files)."""
    x, y = {"test": (data.x_test, data.y_test), "val": (data.x_val, data.y_val),
            "train": (data.x_train, data.y_train)}[split]
    if len(y) == 0:
        raise ValueError(f"the {split} split of {data.name} is empty")
    result = evaluate(model, x, y)
    cm = confusion_matrix(y, result["pred"], data.num_classes)
    per_class = per_class_accuracy(cm)
    out.mkdir(parents=True, exist_ok=True)
    files = [plots.save_figure(plots.plot_confusion_matrix(
        cm, data.classes, title=f"confusion matrix ({split}, {len(y)} samples)"),
        out / "confusion_matrix.png")]
    wrong = np.flatnonzero(result["pred"] != y)
    if data.kind == "image":
        fig = plots.plot_misclassified(data.raw(x[wrong]), y[wrong], result["pred"][wrong],
                                       data.classes)
        files.append(plots.save_figure(fig, out / "misclassified.png"))
    else:
        fig = plots.plot_decision_boundary(_predict_raw(model, data.preprocessing),
                                           data.raw(x), y)
        files.append(plots.save_figure(fig, out / "decision_boundary.png"))
    report = {"checkpoint": checkpoint, "dataset": data.name, "split": split,
              "samples": int(len(y)), "accuracy": result["acc"], "loss": result["loss"],
              "errors": int(len(wrong)),
              "per_class_accuracy": {str(c): (None if np.isnan(a) else float(a))
                                     for c, a in zip(data.classes, per_class)},
              "confusion_matrix": cm.tolist()}
    atomic_write_text(out / "evaluation.json", json.dumps(report, indent=1) + "\n")
    files.append(str(out / "evaluation.json"))
    report["files"] = files
    return report
