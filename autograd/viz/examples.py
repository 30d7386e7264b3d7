"""Small graphs to draw, for the command line (`--example`) and the notebook.

* `micrograd`: Karpathy's classic neuron expression on Scalars,
  `o = tanh(x1 w1 + x2 w2 + b)`, after `o.backward()`.
* `mlp`: a 784-256-10 ReLU MLP and an example input (1, 784).
* `cnn`: a small convolutional net for 1x28x28 images and an example input (1, 1, 28, 28).
"""
__all__ = ["micrograd_expression", "make_mlp", "make_cnn", "EXAMPLES"]


def micrograd_expression():
    """The output Scalar `o` of micrograd's neuron example, backpropagated."""
    from ..scalar import Scalar
    x1, x2 = Scalar(2.0, label="x1"), Scalar(0.0, label="x2")
    w1, w2 = Scalar(-3.0, label="w1"), Scalar(1.0, label="w2")
    b = Scalar(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def make_mlp():
    """(model, example input): a 784-256-10 MLP with ReLU."""
    import autograd
    import nn
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    return model, autograd.randn(1, 784)


def make_cnn():
    """(model, example input): two conv/pool stages and a linear classifier."""
    import autograd
    import nn
    autograd.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    return model, autograd.randn(1, 1, 28, 28)


EXAMPLES = {"micrograd": micrograd_expression, "mlp": make_mlp, "cnn": make_cnn}
