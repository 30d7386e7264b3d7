"""Teaching layers built from `autograd.Scalar`s, as in micrograd: `Neuron`, `Layer`, `MLP`.

Every weight is one Scalar and every multiply-add of the forward pass is one graph node, so a
small network can be drawn and stepped through by hand. For real work use the Tensor layers of
`nn` (`nn.Linear`, ...); these are the same ideas at the scale of single numbers.

    model = MLP(2, [16, 16, 1])
    loss = sum((1 + -y * model(x)).relu() for x, y in zip(xs, ys))
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.05 * p.grad

Inputs are a list of Scalars or numbers, or one sample as a 1-D Tensor (a row `X[i]` of a
data set such as `nn.datasets.moons`): its values are read as numbers, or, when it requires
grad, as Scalars connected to it (`Scalar.from_tensor`).

Weights start uniform in [-1, 1] and biases at 0 (micrograd's choice), drawn from glassgrad's
generator, so `autograd.manual_seed(s)` makes a model reproducible.
"""
import autograd
from autograd import Scalar

__all__ = ["Module", "Neuron", "Layer", "MLP"]


def _as_inputs(x, who):
    """The inputs `x` as a sequence of Scalars or numbers (a 1-D Tensor is unpacked, a lone
    Scalar or number - a one-neuron layer's output - is one input)."""
    if isinstance(x, (Scalar, int, float)):
        return [x]
    if isinstance(x, autograd.Tensor):
        if x.dim() != 1:
            raise ValueError(f"{who} takes one sample: a 1-D tensor of inputs, got a tensor of "
                             f"shape {tuple(x.shape)}; pass one row X[i] at a time")
        if x.requires_grad and autograd.is_grad_enabled():
            return [Scalar.from_tensor(x[i]) for i in range(x.shape[0])]
        return x.tolist()
    return x


class Module:
    """Base of the Scalar layers: `parameters()` and `zero_grad()`."""

    def parameters(self):
        """The Scalars this module learns, in a fixed order."""
        return []

    def zero_grad(self):
        """Set `.grad` of every parameter back to 0.0 (call before each backward)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """One neuron: `relu(w . x + b)` (just `w . x + b` when `nonlin=False`).

    nin: the number of inputs; `generator`: an `autograd.Generator` to draw the weights from
    (the default one when None).
    """

    def __init__(self, nin, nonlin=True, generator=None):
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive int (the number of inputs), got "
                             f"{nin!r}")
        draws = autograd.random.rng(generator).uniform(-1.0, 1.0, nin)
        self.w = [Scalar(float(v)) for v in draws]
        self.b = Scalar(0.0)
        self.nonlin = bool(nonlin)

    def __call__(self, x):
        """The neuron's output for the inputs `x` (Scalars or numbers, `nin` of them, or a 1-D
        Tensor)."""
        if not isinstance(x, list):
            x = _as_inputs(x, repr(self))
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} expects {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that see the same `nin` inputs; returns a list of `nout` Scalars (the
    Scalar itself when `nout == 1`, as micrograd)."""

    def __init__(self, nin, nout, nonlin=True, generator=None):
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive int (the number of neurons), got "
                             f"{nout!r}")
        self.neurons = [Neuron(nin, nonlin=nonlin, generator=generator) for _ in range(nout)]

    def __call__(self, x):
        if not isinstance(x, list):
            x = _as_inputs(x, f"Layer of {len(self.neurons)} {self.neurons[0]!r}")
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: `MLP(2, [16, 16, 1])` maps 2 inputs through two ReLU layers
    of 16 neurons to one linear output."""

    def __init__(self, nin, nouts, generator=None):
        nouts = list(nouts)
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size, e.g. [16, 16, 1]")
        sizes = [nin] + nouts
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1,
                             generator=generator) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
