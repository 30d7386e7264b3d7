"""Activation functions (PyTorch's activations in torch.nn.functional).

Three kinds of implementation, chosen per function:

* a primitive of autograd (`relu`, `sigmoid`, `tanh`, `softmax`, `log_softmax`);
* a composition of tensor ops when it is stable as written and has no kinks (`gelu`, `silu`,
  `mish`, `softsign`, `glu`, ...): autograd differentiates it, to any order;
* an `autograd.Function` (`_pointwise`) where the obvious composition overflows or gets a kink
  wrong: the value is computed on NumPy arrays in a stable form and the derivative is a formula
  written with tensor ops, so `create_graph=True` gives second derivatives. At a kink the
  derivative is PyTorch's one-sided choice (e.g. hardtanh's is 0 on both boundaries).

Stable forms used (no overflow at +-1000, exact in both tails):

    softplus(x)   = max(x, 0) + log1p(exp(-|x|))          (x * beta > threshold: x)
    logsigmoid(x) = min(x, 0) - log1p(exp(-|x|))          (logsigmoid(-1000) == -1000)
    elu(x)        = x if x > 0 else alpha * expm1(min(x, 0))

In-place variants (`relu_`, `elu(..., inplace=True)`, ...) write the result into the input's
memory and return the input, as PyTorch; when the input needs a gradient, the function runs on
a clone of it, so nothing that backward needs is overwritten.
"""
import warnings

import numpy as np

import autograd

__all__ = ["relu", "relu_", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_",
           "celu", "celu_", "gelu", "silu", "mish", "sigmoid", "tanh", "softplus", "softsign",
           "hardtanh", "hardtanh_", "relu6", "hardsigmoid", "hardswish", "logsigmoid", "prelu",
           "softmax", "log_softmax", "softmin", "threshold", "threshold_", "tanhshrink",
           "softshrink", "hardshrink", "glu", "rrelu", "rrelu_", "gumbel_softmax"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ------------------------------------------------------------------ argument checks
def check_tensor(value, op, name="input"):
    """Raise TypeError unless `value` is a Tensor (shared with nn.functional.loss)."""
    if not isinstance(value, autograd.Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")


def check_floating(input, op):
    """Raise unless `input` is a floating point Tensor (shared with nn.functional.loss)."""
    check_tensor(input, op)
    if not input.is_floating_point():
        raise RuntimeError(f'"{op}" not implemented for {input.dtype}: it needs a floating '
                           f'point input; convert it first, e.g. input.float()')


def _in_place(op, input, fn, *args):
    """Write `fn(input, *args)` into `input` and return it (PyTorch's in-place variants)."""
    check_tensor(input, op)
    if input.requires_grad and autograd.is_grad_enabled():
        if input.is_leaf:
            raise RuntimeError(f"a leaf Variable that requires grad is being used in an "
                               f"in-place operation ({op}). Use the out-of-place form "
                               f"(inplace=False), or apply it to a clone.")
        result = fn(input.clone(), *args)  # backward keeps the clone, not the overwritten input
    else:
        result = fn(input, *args)
    return input.copy_(result)


# ------------------------------------------------------------------ fused pointwise functions
def _array(values, like):
    """A constant tensor of `like`'s dtype around the array `values` (no graph)."""
    return autograd.from_numpy(np.asarray(values, dtype=like.data.dtype))


def _pointwise(name, backward_name, value, slope):
    """An `autograd.Function` computing y = value(x_array, *params) on NumPy arrays, with
    dL/dx = dL/dy * slope(x, *params), where `slope` receives the input as a Tensor and is
    written with tensor ops (so the backward itself is differentiable)."""
    def forward(ctx, x, *params):
        ctx.params = params
        ctx.save_for_backward(x)
        return autograd.from_numpy(np.asarray(value(x.data, *params)))

    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return (grad * slope(x, *ctx.params),) + (None,) * len(ctx.params)

    return type(name, (autograd.Function,), {
        "__doc__": f"Fused {name}: stable forward on arrays, derivative with tensor ops.",
        "backward_name": backward_name, "__module__": __name__,
        "forward": staticmethod(forward), "backward": staticmethod(backward)})


def _leaky_value(x, slope):
    return np.where(x > 0, x, x * slope)


def _leaky_slope(x, slope):
    return _array(np.where(x.data > 0, 1.0, slope), x)


def _elu_value(x, alpha, scale, input_scale):
    negative = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
    return np.where(x > 0, x * scale, negative).astype(x.dtype, copy=False)


def _elu_slope(x, alpha, scale, input_scale):
    negative = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale)
    return autograd.where(x > 0, scale, negative)


def _softplus_value(x, beta, threshold):
    bx = x * beta
    smooth = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    return np.where(bx > threshold, x, smooth).astype(x.dtype, copy=False)


def _softplus_slope(x, beta, threshold):
    bx = x * beta
    return autograd.where(bx > threshold, 1.0, bx.sigmoid())


def _logsigmoid_value(x):
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _logsigmoid_slope(x):
    return (-x).sigmoid()


def _hardtanh_value(x, low, high):
    return np.clip(x, low, high).astype(x.dtype, copy=False)


def _hardtanh_slope(x, low, high):
    return _array((x.data > low) & (x.data < high), x)


def _hardsigmoid_value(x):
    return np.clip(x + 3, 0, 6) / 6


def _hardsigmoid_slope(x):
    return _array(((x.data > -3) & (x.data < 3)) / 6, x)


def _hardswish_value(x):
    return x * np.clip(x + 3, 0, 6) / 6


def _hardswish_slope(x):
    middle = autograd.from_numpy(np.asarray((x.data > -3) & (x.data < 3)))
    return autograd.where(middle, x / 3 + 0.5, _array(x.data >= 3, x))


def _threshold_value(x, threshold, value):
    return np.where(x > threshold, x, value).astype(x.dtype, copy=False)


def _threshold_slope(x, threshold, value):
    return _array(x.data > threshold, x)


def _shrink_inside(x, lambd):
    return (x >= -lambd) & (x <= lambd)


def _softshrink_value(x, lambd):
    return np.where(_shrink_inside(x, lambd), 0, x - np.sign(x) * lambd).astype(x.dtype,
                                                                               copy=False)


def _hardshrink_value(x, lambd):
    return np.where(_shrink_inside(x, lambd), 0, x).astype(x.dtype, copy=False)


def _shrink_slope(x, lambd):
    return _array(~_shrink_inside(x.data, lambd), x)


_LeakyRelu = _pointwise("LeakyRelu", "LeakyReluBackward0", _leaky_value, _leaky_slope)
_Elu = _pointwise("Elu", "EluBackward0", _elu_value, _elu_slope)
_Softplus = _pointwise("Softplus", "SoftplusBackward0", _softplus_value, _softplus_slope)
_LogSigmoid = _pointwise("LogSigmoid", "LogSigmoidBackward0", _logsigmoid_value,
                         _logsigmoid_slope)
_Hardtanh = _pointwise("Hardtanh", "HardtanhBackward0", _hardtanh_value, _hardtanh_slope)
_Hardsigmoid = _pointwise("Hardsigmoid", "HardsigmoidBackward0", _hardsigmoid_value,
                          _hardsigmoid_slope)
_Hardswish = _pointwise("Hardswish", "HardswishBackward0", _hardswish_value, _hardswish_slope)
_Threshold = _pointwise("Threshold", "ThresholdBackward0", _threshold_value, _threshold_slope)
_Softshrink = _pointwise("Softshrink", "SoftshrinkBackward0", _softshrink_value, _shrink_slope)
_Hardshrink = _pointwise("Hardshrink", "HardshrinkBackward0", _hardshrink_value, _shrink_slope)


# ------------------------------------------------------------------ rectifiers
def relu(input, inplace=False):
    """max(input, 0); the gradient at 0 is 0."""
    check_tensor(input, "relu")
    return relu_(input) if inplace else input.relu()


def relu_(input):
    """In-place relu."""
    check_tensor(input, "relu_")
    return input.relu_()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input if input > 0 else negative_slope * input (gradient at 0: negative_slope)."""
    if inplace:
        return leaky_relu_(input, negative_slope)
    check_floating(input, "leaky_relu")
    return _LeakyRelu.apply(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place leaky_relu."""
    return _in_place("leaky_relu_", input, leaky_relu, negative_slope)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: x if x > 0 else a * x. Training draws a ~ U(lower, upper) per
    element (from `autograd.manual_seed`'s generator; the gradient there is a); evaluation
    uses the fixed slope (lower + upper) / 2, i.e. leaky_relu."""
    if inplace:
        return rrelu_(input, lower, upper, training)
    check_floating(input, "rrelu")
    if not 0 <= lower <= upper:
        raise ValueError(f"rrelu: expected 0 <= lower <= upper, got lower={lower}, "
                         f"upper={upper}")
    if not training:
        return _LeakyRelu.apply(input, (lower + upper) / 2)
    values = input.data
    slopes = autograd.random.rng().uniform(lower, upper, values.shape)
    return input * _array(np.where(values > 0, 1.0, slopes), input)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place rrelu."""
    return _in_place("rrelu_", input, rrelu, lower, upper, training)


def elu(input, alpha=1.0, inplace=False):
    """input if input > 0 else alpha * (exp(input) - 1) (gradient at 0: alpha)."""
    if inplace:
        return elu_(input, alpha)
    check_floating(input, "elu")
    return _Elu.apply(input, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    """In-place elu."""
    return _in_place("elu_", input, elu, alpha)


def selu(input, inplace=False):
    """scale * elu(input, alpha) with the self-normalising constants
    alpha = 1.6732632423543772, scale = 1.0507009873554805."""
    if inplace:
        return selu_(input)
    check_floating(input, "selu")
    return _Elu.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    """In-place selu."""
    return _in_place("selu_", input, selu)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); alpha must not be 0."""
    if inplace:
        return celu_(input, alpha)
    check_floating(input, "celu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _Elu.apply(input, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place celu."""
    return _in_place("celu_", input, celu, alpha)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """input clipped to [min_val, max_val]; the gradient is 0 on both boundaries."""
    if inplace:
        return hardtanh_(input, min_val, max_val)
    check_floating(input, "hardtanh")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    return _Hardtanh.apply(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place hardtanh."""
    return _in_place("hardtanh_", input, hardtanh, min_val, max_val)


def relu6(input, inplace=False):
    """min(max(input, 0), 6), which is hardtanh(input, 0, 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def threshold(input, threshold, value, inplace=False):
    """input where input > threshold, else value."""
    if inplace:
        return threshold_(input, threshold, value)
    return _threshold(input, threshold, value)


def threshold_(input, threshold, value):
    """In-place threshold."""
    return _in_place("threshold_", input, _threshold, threshold, value)


def _threshold(input, limit, value):
    check_floating(input, "threshold")
    return _Threshold.apply(input, limit, value)


# ------------------------------------------------------------------ smooth gates
def sigmoid(input):
    """1 / (1 + exp(-input)), stable in both tails."""
    check_tensor(input, "sigmoid")
    return input.sigmoid()


def tanh(input):
    """The hyperbolic tangent."""
    check_tensor(input, "tanh")
    return input.tanh()


def gelu(input, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF: 0.5 * x * (1 + erf(x / sqrt(2))).
    approximate='tanh': 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))."""
    check_floating(input, "gelu")
    if approximate == "none":
        return input * 0.5 * (1 + (input * 0.7071067811865476).erf())
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * 0.7978845608028654
        return input * 0.5 * (1 + inner.tanh())
    raise RuntimeError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish)."""
    if inplace:
        return _in_place("silu_", input, silu)
    check_floating(input, "silu")
    return input * input.sigmoid()


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    if inplace:
        return _in_place("mish_", input, mish)
    check_floating(input, "mish")
    return input * _Softplus.apply(input, 1.0, 20.0).tanh()


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold.
    Stable: softplus(1000) == 1000, softplus(-1000) == 0 (underflow of exp(-1000))."""
    check_floating(input, "softplus")
    return _Softplus.apply(input, beta, threshold)


def logsigmoid(input):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)); logsigmoid(-1000) == -1000."""
    check_floating(input, "logsigmoid")
    return _LogSigmoid.apply(input)


def softsign(input):
    """x / (1 + |x|)."""
    check_tensor(input, "softsign")
    return input / (1 + input.abs())


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6; the gradient is 1/6 strictly inside (-3, 3), else 0."""
    if inplace:
        return _in_place("hardsigmoid_", input, hardsigmoid)
    check_floating(input, "hardsigmoid")
    return _Hardsigmoid.apply(input)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6; gradient 0 for x <= -3, x / 3 + 1/2 inside, 1 for x >= 3."""
    if inplace:
        return _in_place("hardswish_", input, hardswish)
    check_floating(input, "hardswish")
    return _Hardswish.apply(input)


def tanhshrink(input):
    """x - tanh(x)."""
    check_tensor(input, "tanhshrink")
    return input - input.tanh()


def softshrink(input, lambd=0.5):
    """x - lambd if x > lambd, x + lambd if x < -lambd, else 0 (lambd >= 0)."""
    check_floating(input, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be greater or equal to 0, but found to be "
                           f"{lambd}")
    return _Softshrink.apply(input, lambd)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    check_floating(input, "hardshrink")
    return _Hardshrink.apply(input, lambd)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of `input` along `dim`."""
    check_tensor(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension "
                           f"{dim % input.ndim} is size {size}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def prelu(input, weight):
    """x if x > 0 else weight * x, with one learnable slope per channel (dimension 1), or a
    single slope shared by all."""
    check_tensor(input, "prelu")
    check_tensor(weight, "prelu", "weight")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    count = weight.numel()
    if count == 1:
        slope = weight.reshape(())
    elif count == channels:
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    else:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {count} and channel size = {channels}.")
    return autograd.where(input > 0, input, slope * input)


# ------------------------------------------------------------------ normalisers
def _softmax_dim(name, ndim, stacklevel):
    """PyTorch's implicit choice of dimension when `dim` is None (deprecated, so it warns)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  f"to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along `dim` (computed in `dtype` when given)."""
    check_tensor(input, "softmax")
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return input.softmax(dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along `dim`."""
    check_tensor(input, "softmin")
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return (-input).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along `dim` (computed in `dtype` when given)."""
    check_tensor(input, "log_softmax")
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return input.log_softmax(dim, dtype=dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) along `dim`, g = -log(E) with E ~ Exponential(1) drawn per
    element (a Gumbel(0, 1) sample, from `autograd.manual_seed`'s generator). hard: the
    one-hot of the argmax in the forward pass, with the soft sample's gradient
    (straight-through: y_hard - y_soft.detach() + y_soft)."""
    check_floating(logits, "gumbel_softmax")
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -np.log(autograd.random.rng().exponential(size=logits.shape))
    y_soft = ((logits + _array(gumbels, logits)) / tau).softmax(dim)
    if not hard:
        return y_soft
    if logits.ndim == 0:  # one element: its one-hot is 1 (scatter needs a dimension)
        y_hard = autograd.ones_like(logits)
    else:
        index = y_soft.detach().argmax(dim, keepdim=True)
        y_hard = autograd.zeros_like(logits).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
