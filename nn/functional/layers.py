"""The functions behind the core layers: linear maps, dropout, normalization, embeddings.

Speed: `linear`, the normalizations and `embedding` are single graph nodes
(`autograd.Function`s) whose forward and backward are a few NumPy passes. Higher-order
gradients still work: under `create_graph=True` their backward re-expresses the forward with
differentiable tensor ops and differentiates that (so `autograd.grad(..., create_graph=True)`
and `gradgradcheck` see exact second derivatives).
"""

import numpy as np

import autograd
from autograd import Tensor

__all__ = ["linear", "bilinear", "dropout", "dropout1d", "dropout2d", "dropout3d",
           "alpha_dropout", "feature_alpha_dropout", "batch_norm", "layer_norm", "group_norm",
           "rms_norm", "instance_norm", "local_response_norm", "normalize", "pad"]

def _wrap(values):
    """A constant tensor around NumPy values (an array or a NumPy scalar), without a copy."""
    return autograd.from_numpy(values if values.__class__ is np.ndarray else np.asarray(values))


def _grads_by_recompute(ctx, composed, inputs, grad_output):
    """Backward under create_graph: rebuild the forward from differentiable ops on the saved
    inputs and differentiate it, so the gradients are themselves differentiable."""
    wanted = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and
              ctx.needs_input_grad[i] and t.requires_grad]
    out = composed(*inputs)
    found = autograd.grad(out, [inputs[i] for i in wanted], grad_output, create_graph=True,
                          allow_unused=True)
    grads = [None] * len(inputs)
    for i, g in zip(wanted, found):
        grads[i] = g
    return grads


# ------------------------------------------------------------------ linear
def _check_linear(input, weight, bias):
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"linear(): input and weight must be Tensors, got "
                        f"{type(input).__name__} and {type(weight).__name__}")
    if weight.ndim not in (1, 2) or input.ndim == 0:
        raise RuntimeError(f"linear(): expected a 1-D or 2-D weight and an input with at least "
                           f"1 dimension, got weight of shape {tuple(weight.shape)} and input "
                           f"of shape {tuple(input.shape)}")
    in_features = weight.shape[-1]
    if input.shape[-1] != in_features:
        rows = int(np.prod(input.shape[:-1])) if input.ndim > 1 else 1
        out_features = weight.shape[0] if weight.ndim == 2 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x"
                           f"{input.shape[-1]} and {in_features}x{out_features}): the input's "
                           f"last dimension ({input.shape[-1]}) must equal in_features "
                           f"({in_features})")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise RuntimeError(f"linear(): expected input, weight and bias of the same dtype, got "
                           f"input {input.dtype}, weight {weight.dtype}"
                           + (f", bias {bias.dtype}" if bias is not None else "") +
                           "; convert the input (x.to(weight.dtype)) or the module "
                           "(model.to(dtype))")


class _Linear(autograd.Function):
    """y = x W^T + b in one node. backward: dx = g W, dW = g^T x, db = sum of g over rows.

    The node is named as PyTorch's for a 2-D input: `AddmmBackward0` (with a bias; PyTorch's
    linear is `addmm(b, x, W.t())`), `MmBackward0` without one (`_LinearNoBias`). For other
    ranks PyTorch flattens the input to 2-D, and its top node is the view back
    (`ViewBackward0`, `UnsafeViewBackward0`, `SqueezeBackward4` for a 1-D input) over the
    same Addmm/Mm node; glassgrad keeps one node for all ranks (no reshape nodes to run in
    backward), named by that matrix product.
    """
    backward_name = "AddmmBackward0"
    op_name = "linear"  # the function the forward view of autograd.viz names

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight, bias)
        out = np.matmul(x.data, weight.data.T)
        if bias is not None:
            out += bias.data
        return _wrap(out)

    @staticmethod
    def backward(ctx, grad):
        x, weight, bias = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        if autograd.is_grad_enabled():  # create_graph: the same formulas as tensor ops
            g2 = grad.reshape(-1, weight.shape[0])
            gx = (grad @ weight) if need_x else None
            gw = g2.t() @ x.reshape(-1, weight.shape[1]) if need_w else None
            return gx, gw, (g2.sum(0) if need_b else None)
        g = grad.data
        g2 = g.reshape(-1, g.shape[-1])
        gx = _wrap(np.matmul(g, weight.data)) if need_x else None
        gw = _wrap(g2.T @ x.data.reshape(-1, x.shape[-1])) if need_w else None
        gb = _wrap(g2.sum(0)) if need_b else None
        return gx, gw, gb


class _LinearNoBias(_Linear):
    """`_Linear` without a bias: PyTorch's `mm(x, W.t())` node."""
    backward_name = "MmBackward0"


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias, for input (*, in_features), weight (out_features,
    in_features) and bias (out_features,)."""
    _check_linear(input, weight, bias)
    if weight.ndim == 1:
        if bias is not None:  # PyTorch's addmm needs a matrix; without a bias it takes matmul
            raise RuntimeError(f"linear: mat2 must be a matrix, got 1-D tensor (weight of shape "
                               f"{tuple(weight.shape)} with a bias); give the weight shape "
                               f"(out_features, in_features)")
        return input @ weight
    return (_Linear if bias is not None else _LinearNoBias).apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T A_k x2 + b_k, for x1 (*, in1), x2 (*, in2), weight A (out, in1, in2)."""
    if weight.ndim != 3 or input1.shape[-1] != weight.shape[1] or \
            input2.shape[-1] != weight.shape[2] or input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): expected input1 (*, {weight.shape[1]}) and input2 "
                           f"(*, {weight.shape[2]}) with the same leading dimensions for a "
                           f"weight of shape {tuple(weight.shape)}, got input1 "
                           f"{tuple(input1.shape)} and input2 {tuple(input2.shape)}")
    out_f, in1, in2 = weight.shape
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    t = (x1 @ weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (t * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(*lead, out_f)


# ------------------------------------------------------------------ dropout
def _check_p(p, name):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: dropout probability has to be between 0 and 1, but got {p}")


def _apply_mask(input, mask, inplace):
    """input * mask (mask an array broadcastable to input)."""
    mask = _wrap(mask.astype(input.data.dtype, copy=False))
    return input.mul_(mask) if inplace else input * mask


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted
    dropout); the identity when not training. Masks come from `autograd.random.rng()`."""
    _check_p(p, "dropout")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _apply_mask(input, np.zeros(input.shape), inplace)
    keep = autograd.random.rng().random(input.shape) >= p
    return _apply_mask(input, keep * (1.0 / (1.0 - p)), inplace)


def _feature_dropout(input, p, training, inplace, spatial, name):
    _check_p(p, name)
    if input.ndim not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{name}: Expected {spatial + 1}D or {spatial + 2}D input, but "
                           f"received a {input.ndim}D input. Note that {name} exists to "
                           f"provide channel-wise dropout on inputs with {spatial} spatial "
                           f"dimension{'s' if spatial > 1 else ''}, a channel dimension, and an "
                           f"optional batch dimension (i.e. {spatial + 1}D or {spatial + 2}D "
                           f"inputs).")
    if not training or p == 0.0:
        return input
    mask_shape = tuple(input.shape[:-spatial]) + (1,) * spatial
    if p == 1.0:
        return _apply_mask(input, np.zeros(mask_shape), inplace)
    keep = autograd.random.rng().random(mask_shape) >= p
    return _apply_mask(input, keep * (1.0 / (1.0 - p)), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) inputs with probability p; scale the rest by
    1/(1-p)."""
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) inputs with probability p.

    Departure: PyTorch treats a 3-D input to dropout2d as (N, C, L) with a warning; glassgrad
    reads it as an unbatched (C, H, W), which is what the documentation describes."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p."""
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


_SELU_ALPHA_PRIME = -1.7580993408473766  # -scale * alpha of SELU


def _alpha_dropout(input, p, training, mask_shape, name):
    _check_p(p, name)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = (autograd.random.rng().random(mask_shape) >= p).astype(input.data.dtype)
    a = ((1 - p) * (1 + p * _SELU_ALPHA_PRIME ** 2)) ** -0.5
    b = -a * _SELU_ALPHA_PRIME * p
    dropped = _wrap(((1 - keep) * (a * _SELU_ALPHA_PRIME) + b).astype(keep.dtype))
    return input * _wrap(keep * a) + dropped


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped values are set to SELU's negative saturation and an
    affine correction keeps the mean and variance. `inplace` is accepted and ignored (the
    result is always a new tensor)."""
    return _alpha_dropout(input, p, training, tuple(input.shape), "alpha_dropout")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout over whole channels (dim 1 of a batched input)."""
    return _alpha_dropout(input, p, training, tuple(input.shape[:2]) + (1,) *
                          (input.ndim - 2), "feature_alpha_dropout")


# ------------------------------------------------------------------ normalization kernel
class _NormSpec:
    """How a normalization views its input: `stat_shape` (x reshaped so that the statistics
    run over `axes`), `affine_shape` (weight/bias broadcast against x) and `param_axes` (the
    axes of x summed for the weight and bias gradients). `center` False gives RMS norm."""
    __slots__ = ("stat_shape", "axes", "affine_shape", "param_axes", "eps", "center")

    def __init__(self, stat_shape, axes, affine_shape, param_axes, eps, center=True):
        self.stat_shape, self.axes = tuple(stat_shape), tuple(axes)
        self.affine_shape, self.param_axes = tuple(affine_shape), tuple(param_axes)
        self.eps, self.center = eps, center


def _norm_stats(xs, spec):
    """mean (None for RMS), biased variance (or mean square), and 1/sqrt(var + eps)."""
    if spec.center:
        mean = xs.mean(axis=spec.axes, keepdims=True)
        xc = xs - mean
        var = np.mean(np.square(xc), axis=spec.axes, keepdims=True)
    else:
        mean, xc = None, xs
        var = np.mean(np.square(xs), axis=spec.axes, keepdims=True)
    inv = 1.0 / np.sqrt(var + spec.eps)
    return mean, var, xc, inv


def _composed_norm(x, weight, bias, spec):
    """The normalization as differentiable tensor ops (for higher-order gradients)."""
    xs = x.reshape(spec.stat_shape)
    if spec.center:
        xs = xs - xs.mean(spec.axes, keepdim=True)
    y = (xs * ((xs * xs).mean(spec.axes, keepdim=True) + spec.eps).rsqrt()).reshape(x.shape)
    if weight is not None:
        y = y * weight.reshape(spec.affine_shape)
    if bias is not None:
        y = y + bias.reshape(spec.affine_shape)
    return y


class _Normalize(autograd.Function):
    """y = (x - mean) / sqrt(var + eps) * weight + bias in one node.

    backward, with x^ the normalized input and g^ = g * weight:
    dx = (g^ - mean(g^) - x^ mean(g^ x^)) / sqrt(var + eps) (means over the statistic axes;
    without centering the mean(g^) term drops), dweight = sum(g x^), dbias = sum(g).
    """

    @staticmethod
    def forward(ctx, x, weight, bias, spec, stats=None):
        ctx.save_for_backward(x, weight, bias)
        ctx.spec = spec
        mean, var, xc, inv = _norm_stats(x.data.reshape(spec.stat_shape), spec)
        # xc is a fresh array when centering (normalize it in place), else x's own values
        xhat = (np.multiply(xc, inv, out=xc) if spec.center else xc * inv).reshape(x.shape)
        ctx.xhat, ctx.inv = xhat, inv
        if stats is not None:  # the caller's running-average update reads these
            stats["mean"], stats["var"] = mean, var
        if weight is None and bias is None:
            return _wrap(xhat.copy())
        y = xhat * weight.data.reshape(spec.affine_shape) if weight is not None else \
            xhat.copy()
        if bias is not None:
            y += bias.data.reshape(spec.affine_shape)
        return _wrap(y)

    @staticmethod
    def backward(ctx, grad):
        spec = ctx.spec
        if autograd.is_grad_enabled():
            x, weight, bias = ctx.saved_tensors
            gx, gw, gb = _grads_by_recompute(
                ctx, lambda x_, w_, b_: _composed_norm(x_, w_, b_, spec), [x, weight, bias],
                grad)
            return gx, gw, gb, None, None
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        weight, bias = ctx.saved_tensors[1:3]
        gx, gw, gb = _norm_backward(grad.data, ctx.xhat, ctx.inv,
                                    weight.data if weight is not None else None, spec,
                                    need_x, need_w, need_b)
        return (_wrap(gx) if gx is not None else None,
                _wrap(gw.reshape(weight.shape)) if gw is not None else None,
                _wrap(gb.reshape(bias.shape)) if gb is not None else None, None, None)


def _norm_backward(g, xhat, inv, weight, spec, need_x, need_w, need_b):
    """The gradients of a normalization as NumPy arrays (see `_Normalize`)."""
    gx = gw = gb = None
    if spec.stat_shape == g.shape and spec.axes == spec.param_axes:
        # batch norm: the statistic and parameter axes coincide, so the two sums serve
        # both the parameter gradients and dx (7 passes over the data)
        n = g.size // inv.size
        sum_g = np.sum(g, axis=spec.axes, keepdims=True)
        sum_gx = np.sum(g * xhat, axis=spec.axes, keepdims=True)
        gw = sum_gx if need_w else None
        gb = sum_g if need_b else None
        if need_x:
            coeff = inv if weight is None else inv * weight.reshape(spec.affine_shape)
            gx = xhat * (sum_gx / n)
            np.subtract(g, gx, out=gx)
            if spec.center:
                gx -= sum_g / n
            gx *= coeff
        return gx, gw, gb
    if need_w:
        gw = np.sum(g * xhat, axis=spec.param_axes)
    if need_b:
        gb = np.sum(g, axis=spec.param_axes)
    if need_x:
        gh = g * weight.reshape(spec.affine_shape) if weight is not None else g
        gh = gh.reshape(spec.stat_shape)
        xh = xhat.reshape(spec.stat_shape)
        gx = xh * np.mean(gh * xh, axis=spec.axes, keepdims=True)
        np.subtract(gh, gx, out=gx)
        if spec.center:
            gx -= np.mean(gh, axis=spec.axes, keepdims=True)
        gx *= inv
        gx = gx.reshape(g.shape)
    return gx, gw, gb


def _check_affine(param, size, what, op):
    if param is not None and tuple(param.shape) != (size,):
        raise RuntimeError(f"{op}: expected {what} of shape ({size},), got "
                           f"{tuple(param.shape)}")


def _update_running(running, batch_value, momentum):
    """running <- (1 - momentum) * running + momentum * batch_value, in place (no grad)."""
    with autograd.no_grad():
        running.mul_(1.0 - momentum).add_(_wrap(np.asarray(
            momentum * batch_value, dtype=running.data.dtype).reshape(running.shape)))


def _normalize_with_stats(input, running_mean, running_var, weight, bias, eps, op):
    """Per-channel normalization with fixed statistics: (x - mean) / sqrt(var + eps) * w + b,
    as differentiable tensor ops (all are cheap elementwise passes)."""
    C = input.shape[1]
    view = (1, C) + (1,) * (input.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is None:
            raise RuntimeError(f"{op}: {name} must be defined in evaluation mode (or pass "
                               f"training=True to use the batch statistics)")
        if t.numel() != C:
            raise RuntimeError(f"{op}: {name} should contain {C} elements not {t.numel()}")
    scale = (running_var.detach() + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -running_mean.detach() * scale
    if bias is not None:
        shift = shift + bias
    return input * scale.reshape(view) + shift.reshape(view)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalize each channel (dim 1) of an (N, C, *) input.

    Training: with the batch's mean and biased variance over every dimension but 1, and the
    running statistics (when given) are updated in place with
    running = (1 - momentum) * running + momentum * batch statistic, the variance being the
    unbiased one (as PyTorch). Otherwise: with the running statistics.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of at least 2 dimensions (N, C, *), "
                         f"got shape {tuple(input.shape)}")
    C = input.shape[1]
    _check_affine(weight, C, "weight", "batch_norm")
    _check_affine(bias, C, "bias", "batch_norm")
    if not training:
        return _normalize_with_stats(input, running_mean, running_var, weight, bias, eps,
                                     "batch_norm")
    count = input.numel() // C
    if count <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {input.shape}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"batch_norm: {name} should contain {C} elements not "
                               f"{t.numel()}")
    axes = (0,) + tuple(range(2, input.ndim))
    view = (1, C) + (1,) * (input.ndim - 2)
    spec = _NormSpec(input.shape, axes, view, axes, eps)
    stats = {} if running_mean is not None or running_var is not None else None
    out = _Normalize.apply(input, weight, bias, spec, stats)
    if running_mean is not None:
        _update_running(running_mean, stats["mean"], momentum)
    if running_var is not None:
        _update_running(running_var, stats["var"] * (count / (count - 1)), momentum)
    return out


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalize each channel of each sample of an (N, C, *) input over its spatial
    dimensions. With running statistics, they are updated with the batch average of the
    per-instance mean and unbiased variance."""
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input of at least 3 dimensions (N, C, "
                         f"*), got shape {tuple(input.shape)}")
    N, C = input.shape[:2]
    _check_affine(weight, C, "weight", "instance_norm")
    _check_affine(bias, C, "bias", "instance_norm")
    if not use_input_stats:
        return _normalize_with_stats(input, running_mean, running_var, weight, bias, eps,
                                     "instance_norm")
    count = input.numel() // (N * C)
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input "
                         f"size {input.shape}")
    spatial = tuple(range(2, input.ndim))
    spec = _NormSpec((N, C, count), (2,), (1, C) + (1,) * len(spatial), (0,) + spatial, eps)
    stats = {} if running_mean is not None or running_var is not None else None
    out = _Normalize.apply(input, weight, bias, spec, stats)
    if running_mean is not None:
        _update_running(running_mean, stats["mean"].reshape(N, C).mean(0), momentum)
    if running_var is not None:
        unbiased = stats["var"].reshape(N, C) * (count / (count - 1))
        _update_running(running_var, unbiased.mean(0), momentum)
    return out


def _check_normalized_shape(input, normalized_shape, op):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else \
        tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[-k:]) != shape:
        raise RuntimeError(f"{op}: Given normalized_shape={list(shape)}, expected input with "
                           f"shape [*, {', '.join(str(s) for s in shape)}], but got input of "
                           f"size {list(input.shape)}")
    return shape


def _check_param_shape(param, shape, what, op):
    if param is not None and tuple(param.shape) != shape:
        raise RuntimeError(f"{op}: expected {what} of shape {shape} (the normalized_shape), "
                           f"got {tuple(param.shape)}")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalize over the trailing `normalized_shape` dimensions with the mean and biased
    variance of each sample, then scale by weight and shift by bias (both of that shape)."""
    shape = _check_normalized_shape(input, normalized_shape, "layer_norm")
    _check_param_shape(weight, shape, "weight", "layer_norm")
    _check_param_shape(bias, shape, "bias", "layer_norm")
    k = int(np.prod(shape))
    lead = tuple(range(input.ndim - len(shape)))
    spec = _NormSpec((input.numel() // k, k), (1,), shape, lead, eps)
    return _Normalize.apply(input, weight, bias, spec)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """y = x / sqrt(mean(x^2) + eps) * weight over the trailing `normalized_shape`
    dimensions; eps None is the machine epsilon of the input's dtype (as PyTorch)."""
    shape = _check_normalized_shape(input, normalized_shape, "rms_norm")
    _check_param_shape(weight, shape, "weight", "rms_norm")
    if eps is None:
        eps = float(np.finfo(input.data.dtype).eps)
    k = int(np.prod(shape))
    lead = tuple(range(input.ndim - len(shape)))
    spec = _NormSpec((input.numel() // k, k), (1,), shape, lead, eps, center=False)
    return _Normalize.apply(input, weight, None, spec)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Split the C channels of an (N, C, *) input into num_groups groups and normalize each
    group of each sample with its own mean and biased variance; weight and bias are per
    channel."""
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: expected an input of at least 2 dimensions (N, C, "
                           f"*), got shape {tuple(input.shape)}")
    N, C = input.shape[:2]
    if num_groups <= 0 or C % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    _check_affine(weight, C, "weight", "group_norm")
    _check_affine(bias, C, "bias", "group_norm")
    spatial = tuple(range(2, input.ndim))
    spec = _NormSpec((N, num_groups, input.numel() // (N * num_groups)), (2,),
                     (1, C) + (1,) * len(spatial), (0,) + spatial, eps)
    return _Normalize.apply(input, weight, bias, spec)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta, the window
    centred on each channel (size // 2 before, (size - 1) // 2 after, zeros past the ends,
    always divided by `size`, as PyTorch's average pooling with padding)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"local_response_norm(): input must be a Tensor, got "
                        f"{type(input).__name__}")
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    square = input * input
    before, after = size // 2, (size - 1) // 2
    pad_width = [0, 0] * (input.ndim - 2) + [before, after]
    padded = autograd.pad(square, pad_width)
    window = padded[:, 0:channels]
    for offset in range(1, size):
        window = window + padded[:, offset:offset + channels]
    return input / (window * (alpha / size) + k) ** beta


# ------------------------------------------------------------------ others
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p over dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps)
    result = input / denom
    if out is not None:
        with autograd.no_grad():
            out.copy_(result)
        return out
    return result


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) // 2 dimensions: pad = (left, right, top, bottom, ...), from the
    last dimension backwards. Modes: 'constant' (with value, default 0), 'reflect',
    'replicate', 'circular'."""
    return autograd.pad(input, pad, mode=mode, value=value)
