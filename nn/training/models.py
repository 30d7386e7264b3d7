"""Models built from command-line settings: `mlp` and `cnn`.

The architecture is described by a small JSON-able dict (`ARCH_KEYS`), stored in every
checkpoint, so `evaluate`, `predict` and `draw` rebuild exactly the trained network:

- `mlp`: Flatten -> [Linear(d_in, h) -> BatchNorm1d(h)? -> act -> Dropout(p)?] per hidden
  width h -> Linear(d_last, classes).
- `cnn`: per channel count c: [Conv2d(c_in, c, 3, padding=1) -> BatchNorm2d(c)? -> act ->
  MaxPool2d(2)], then Flatten -> [Linear -> act -> Dropout?] per hidden width ->
  Linear(., classes). Needs image inputs (C, H, W) with H and W divisible by
  2 ** len(channels).
"""
import math

import nn

__all__ = ["ACTIVATIONS", "MODELS", "ARCH_KEYS", "DEFAULT_HIDDEN", "DEFAULT_CHANNELS",
           "ArchitectureError", "build_model", "architecture", "first_weight_layer",
           "weight_layers"]

MODELS = ("mlp", "cnn")
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU,
               "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "silu": nn.SiLU}
ARCH_KEYS = ("model", "hidden", "channels", "activation", "dropout", "batchnorm",
             "input_shape", "num_classes")
DEFAULT_HIDDEN = {"mlp": [128, 64], "cnn": [128]}
DEFAULT_CHANNELS = [16, 32]


class ArchitectureError(ValueError):
    """Settings that do not describe a buildable model."""


def architecture(model="mlp", hidden=None, channels=None, activation="relu", dropout=0.0,
                 batchnorm=False, input_shape=(1, 8, 8), num_classes=10):
    """The checked architecture dict (defaults filled in) that `build_model` takes."""
    if model not in MODELS:
        raise ArchitectureError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if activation not in ACTIVATIONS:
        raise ArchitectureError(f"unknown activation {activation!r}; choose one of "
                                f"{', '.join(ACTIVATIONS)}")
    hidden = list(DEFAULT_HIDDEN[model] if hidden is None else hidden)
    channels = list(DEFAULT_CHANNELS if channels is None else channels) if model == "cnn" \
        else []
    if any(int(h) < 1 for h in hidden + channels):
        raise ArchitectureError(f"layer widths must be positive, got hidden={hidden} "
                                f"channels={channels}")
    if not 0 <= float(dropout) < 1:
        raise ArchitectureError(f"--dropout must be in [0, 1), got {dropout}")
    input_shape = [int(s) for s in input_shape]
    if model == "cnn":
        if len(input_shape) != 3:
            raise ArchitectureError(f"--model cnn needs image inputs (C, H, W), this data "
                                    f"set gives {tuple(input_shape)}; use --model mlp")
        factor = 2 ** len(channels)
        if input_shape[1] % factor or input_shape[2] % factor:
            raise ArchitectureError(f"--model cnn with {len(channels)} conv blocks halves the "
                                    f"image {len(channels)} times, so H and W must be "
                                    f"divisible by {factor}; got {tuple(input_shape[1:])}")
    return {"model": model, "hidden": [int(h) for h in hidden],
            "channels": [int(c) for c in channels], "activation": activation,
            "dropout": float(dropout), "batchnorm": bool(batchnorm),
            "input_shape": input_shape, "num_classes": int(num_classes)}


def _dense_block(d_in, width, arch):
    layers = [nn.Linear(d_in, width)]
    if arch["batchnorm"]:
        layers.append(nn.BatchNorm1d(width))
    layers.append(ACTIVATIONS[arch["activation"]]())
    if arch["dropout"] > 0:
        layers.append(nn.Dropout(arch["dropout"]))
    return layers


def build_model(arch):
    """An `nn.Sequential` for the architecture dict `arch` (see `architecture`); its
    parameters are drawn from glassgrad's default generator."""
    arch = architecture(**{k: arch[k] for k in ARCH_KEYS if k in arch})
    layers = []
    if arch["model"] == "cnn":
        c_in, (h, w) = arch["input_shape"][0], arch["input_shape"][1:]
        for c in arch["channels"]:
            layers.append(nn.Conv2d(c_in, c, 3, padding=1))
            if arch["batchnorm"]:
                layers.append(nn.BatchNorm2d(c))
            layers += [ACTIVATIONS[arch["activation"]](), nn.MaxPool2d(2)]
            c_in, h, w = c, h // 2, w // 2
        d = c_in * h * w
    else:
        d = math.prod(arch["input_shape"])
    layers.append(nn.Flatten())
    for width in arch["hidden"]:
        layers += _dense_block(d, width, arch)
        d = width
    layers.append(nn.Linear(d, arch["num_classes"]))
    return nn.Sequential(*layers)


def weight_layers(model):
    """(name, module) of the Linear and Conv2d layers, in order (for per-layer pictures)."""
    return [(name, m) for name, m in model.named_modules()
            if isinstance(m, (nn.Linear, nn.Conv2d))]


def first_weight_layer(model):
    """The first Linear or Conv2d module of `model` (its weights are the input filters)."""
    layers = weight_layers(model)
    return layers[0][1] if layers else None
