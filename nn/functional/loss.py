"""Loss functions (PyTorch's losses in torch.nn.functional), plus `cosine_similarity` and
`pairwise_distance`, which the embedding losses use.

Every loss takes `reduction='mean' | 'sum' | 'none'` (and PyTorch's legacy `size_average` /
`reduce` flags, which warn and map to a reduction). Most losses are compositions of tensor ops,
so their gradients (of any order) come from autograd. `binary_cross_entropy` is a
fused `autograd.Function`,, for PyTorch's numerics: logs are clamped at -100 and the input
  gradient is w * (x - y) / max(x * (1 - x), 1e-12), finite at x = 0 and x = 1.
The losses over class indices (`cross_entropy`, `nll_loss`, `multi_margin_loss`) live in
`classification_loss.py`.
"""
import math
import warnings

import numpy as np

import autograd

from .activation import check_floating, check_tensor, logsigmoid

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss",
           "margin_ranking_loss", "hinge_embedding_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss",
           "poisson_nll_loss", "gaussian_nll_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "cosine_similarity", "pairwise_distance", "pdist"]

_REDUCTIONS = ("none", "mean", "sum")


# ------------------------------------------------------------------ reductions
def legacy_get_string(size_average, reduce, emit_warning=True, stacklevel=3):
    """The reduction named by PyTorch's deprecated flags: both true (or None) -> 'mean',
    only reduce -> 'sum', reduce False -> 'none' (nn.layers.loss uses it too)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else ("sum" if reduce else "none")
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{result}' instead.", UserWarning, stacklevel=stacklevel)
    return result


def _reduction(size_average, reduce, reduction, allowed=_REDUCTIONS):
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce, stacklevel=4)
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction (expected one of "
                         f"{', '.join(repr(r) for r in allowed)})")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_if_broadcast(input, target, op):
    check_tensor(input, op)
    check_tensor(target, op, "target")
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      f"to broadcasting. Please ensure they have the same size.",
                      UserWarning, stacklevel=3)


def _weighted(loss, weight, input, reduction, mean_divisor):
    """loss * weight reduced as PyTorch's weighted regression losses (2.13 `weight=`)."""
    if weight.shape != input.shape:
        raise ValueError(f"Weights and input must have the same size (weight "
                         f"{tuple(weight.shape)}, input {tuple(input.shape)}).")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_divisor == "weight" else loss.mean()
    return _reduce(loss, reduction)


# ------------------------------------------------------------------ regression
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(input - target)^2, reduced. A target of another shape is broadcast, with PyTorch's
    warning; `weight` (same shape as input) weights each element, the mean dividing by its sum."""
    _warn_if_broadcast(input, target, "mse_loss")
    reduction = _reduction(size_average, reduce, reduction)
    check_floating(input, "mse_loss")
    loss = (input - target).square()
    if weight is not None:
        return _weighted(loss, weight, input, reduction, "weight")
    return _reduce(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|input - target|, reduced (gradient 0 where they are equal)."""
    _warn_if_broadcast(input, target, "l1_loss")
    reduction = _reduction(size_average, reduce, reduction)
    check_floating(input, "l1_loss")
    loss = (input - target).abs()
    if weight is not None:
        return _weighted(loss, weight, input, reduction, "weight")
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target); beta = 0
    is l1_loss."""
    _warn_if_broadcast(input, target, "smooth_l1_loss")
    reduction = _reduction(size_average, reduce, reduction)
    check_floating(input, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta "
                           f"(got beta={beta}).")
    diff = input - target
    size = diff.abs()
    if beta == 0:
        return _reduce(size, reduction)
    loss = autograd.where(size < beta, diff.square() * (0.5 / beta), size - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). With `weight`, the mean is
    the plain mean of the weighted losses, as PyTorch 2.13."""
    _warn_if_broadcast(input, target, "huber_loss")
    reduction = _reduction(None, None, reduction)
    check_floating(input, "huber_loss")
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta "
                           f"(got delta={delta}).")
    diff = input - target
    size = diff.abs()
    loss = autograd.where(size < delta, diff.square() * 0.5, (size - 0.5 * delta) * delta)
    if weight is not None:
        return _weighted(loss, weight, input, reduction, "count")
    return _reduce(loss, reduction)


def _clamp_min_keep_grad(t, eps):
    """t clamped below at eps, with the gradient of t itself (PyTorch clamps such values under
    no_grad in place, so the clamp is invisible to backward)."""
    t = t.clone()
    with autograd.no_grad():
        t.clamp_(min=eps)
    return t


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log var + (input - target)^2 / var) [+ 0.5 log 2 pi when full], var clamped
    below at eps. var may have input's shape, lack its last dimension, or have one
    dimension of size 1 (heteroscedastic), as PyTorch."""
    check_tensor(input, "gaussian_nll_loss")
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = autograd.full_like(input, float(var))
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        mismatched = [v for i, v in zip(input.shape, var.shape) if i != v]
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(mismatched) == 1):
            raise ValueError(f"var is of incorrect size: got {tuple(var.shape)} for input "
                             f"{tuple(input.shape)}; var must have input's shape, input's "
                             f"shape without its last dimension, or size 1 in one dimension")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not valid")
    var = _clamp_min_keep_grad(var, eps)
    loss = 0.5 * (var.log() + (input - target).square() / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """exp(input) - target * input (log_input), or input - target * log(input + eps); full
    adds Stirling's term target log target - target + 0.5 log(2 pi target) where target > 1."""
    check_tensor(input, "poisson_nll_loss")
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        above = target > 1
        safe = autograd.where(above, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + autograd.where(above, stirling, 0.0)
    return _reduce(loss, reduction)


# ------------------------------------------------------------------ binary classification
def _clamped_log(x):
    """max(log x, -100) for x in [0, 1] as tensor ops, with no warning at x = 0."""
    positive = x > 0
    logs = autograd.where(positive, x, 1.0).log()
    return autograd.where(positive & (logs > -100), logs, -100.0)


# PyTorch's floor for x (1 - x) in the gradient: 1e-12 as a float32 constant
_BCE_EPSILON = float(np.float32(1e-12))


class _BinaryCrossEntropy(autograd.Function):
    """-w (y log x + (1 - y) log(1 - x)), logs clamped at -100, unreduced."""
    backward_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, y, w):
        ctx.save_for_backward(x, y, w)
        xv = x.data
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(xv), -100)
            log_1mx = np.maximum(np.log(1 - xv), -100)
        loss = -(y.data * log_x + (1 - y.data) * log_1mx)
        if w is not None:
            loss = loss * w.data
        return autograd.from_numpy(np.asarray(loss, dtype=xv.dtype))

    @staticmethod
    def backward(ctx, grad):
        x, y, w = ctx.saved_tensors
        if w is not None:
            grad = grad * w
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad * (x - y) / (x * (1 - x)).clamp(min=_BCE_EPSILON)
        if ctx.needs_input_grad[1]:
            gy = grad * (_clamped_log(1 - x) - _clamped_log(x))
        return gx, gy, None


def _check_probability_target(input, target, op):
    """Binary losses take float targets (PyTorch refuses integer ones too)."""
    if not target.is_floating_point():
        raise RuntimeError(f"{op}: expected a floating point target (probabilities in [0, 1]) "
                           f"like the input ({input.dtype}), got {target.dtype}; convert it "
                           f"with target.to(input.dtype)")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w (y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1]; each log is clamped
    at -100 so that x = 0 or 1 gives a finite loss, as PyTorch."""
    check_tensor(input, "binary_cross_entropy")
    check_tensor(target, "binary_cross_entropy", "target")
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is deprecated. Please ensure they have "
                         f"the same size.")
    check_floating(input, "binary_cross_entropy")
    _check_probability_target(input, target, "binary_cross_entropy")
    for name, t in (("input", input), ("target", target)):
        values = t.data
        if values.size and not ((values >= 0) & (values <= 1)).all():
            raise RuntimeError(f"binary_cross_entropy: all elements of {name} should be "
                               f"between 0 and 1 (found values in [{values.min()}, "
                               f"{values.max()}]); for logits use "
                               f"binary_cross_entropy_with_logits")
    if weight is not None:
        try:
            shape = np.broadcast_shapes(tuple(target.shape), tuple(weight.shape))
        except ValueError:
            raise RuntimeError(f"binary_cross_entropy: weight of shape {tuple(weight.shape)} "
                               f"can't be broadcast to the target's shape "
                               f"{tuple(target.shape)}") from None
        weight = weight.expand(shape)
    loss = _BinaryCrossEntropy.apply(input, target.to(input.dtype), weight)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(x), y) in the stable form
    (1 - y) x + l * log(1 + exp(-x)), l = 1 + (pos_weight - 1) y, with log(1 + exp(-x)) =
    -logsigmoid(x) computed without overflow."""
    check_tensor(input, "binary_cross_entropy_with_logits")
    check_tensor(target, "binary_cross_entropy_with_logits", "target")
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    check_floating(input, "binary_cross_entropy_with_logits")
    _check_probability_target(input, target, "binary_cross_entropy_with_logits")
    softplus_neg = -logsigmoid(input)
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus_neg
    else:
        loss = (1 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-y x)), computed as -logsigmoid(y x). Departure: PyTorch evaluates
    log1p(exp(-y x)) directly and returns inf once exp overflows (y x < -709 in float64);
    this form stays finite and exact (loss(-1000, 1) == 1000)."""
    check_tensor(input, "soft_margin_loss")
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(-logsigmoid(input * target), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-(y logsigmoid(x) + (1 - y) logsigmoid(-x)) averaged over the classes (last dim)."""
    check_tensor(input, "multilabel_soft_margin_loss")
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


# ------------------------------------------------------------------ embeddings and ranking
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(|x1|, eps) * max(|x2|, eps)) along `dim` (inputs broadcast).
    Each input is divided by its norm first, as PyTorch, so the result stays in [-1, 1]."""
    check_tensor(x1, "cosine_similarity", "x1")
    check_tensor(x2, "cosine_similarity", "x2")
    x1, x2 = autograd.broadcast_tensors(x1, x2)
    n1 = _clamp_min_keep_grad(x1.norm(2, dim, keepdim=True), eps)
    n2 = _clamp_min_keep_grad(x2.norm(2, dim, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps over the last dimension (eps keeps the norm away from its
    kink at 0)."""
    check_tensor(x1, "pairwise_distance", "x1")
    check_tensor(x2, "pairwise_distance", "x2")
    dim = max(x1.ndim, x2.ndim) - 1
    return (x1 - x2 + eps).norm(p, max(dim, 0), keepdim=keepdim)


def pdist(input, p=2):
    """The p-norm distances between every pair of rows i < j of an (N, M) input, in the
    order of the upper triangle, row by row (N (N - 1) / 2 values); the gradient at a zero
    distance is 0, as PyTorch."""
    check_floating(input, "pdist")
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D (shape "
                           f"{tuple(input.shape)})")
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got p={p}")
    first, second = np.triu_indices(input.shape[0], 1)
    diff = input[autograd.from_numpy(first)] - input[autograd.from_numpy(second)]
    return diff.norm(p, 1)  # the norm's gradient at a zero distance is 0, as pdist's


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1; cos uses
    |x|^2 + 1e-12 under the square roots, as PyTorch."""
    check_tensor(target, "cosine_embedding_loss", "target")
    check_tensor(input1, "cosine_embedding_loss", "input1")
    check_tensor(input2, "cosine_embedding_loss", "input2")
    reduction = _reduction(size_average, reduce, reduction)
    dim = target.ndim
    if dim not in (0, 1):
        raise RuntimeError(f"cosine_embedding_loss: 0D or 1D target tensor expected, "
                           f"multi-target not supported (got target of shape "
                           f"{tuple(target.shape)})")
    if input1.ndim != dim + 1 or input2.ndim != dim + 1:
        raise RuntimeError(f"cosine_embedding_loss: {dim}D target tensor expects {dim + 1}D "
                           f"input tensors, but found inputs with sizes {tuple(input1.shape)} "
                           f"and {tuple(input2.shape)}.")
    try:
        np.broadcast_shapes(tuple(input1.shape), tuple(input2.shape))
        np.broadcast_shapes(tuple(input1.shape[:dim]), tuple(input2.shape[:dim]),
                            tuple(target.shape))
    except ValueError:
        raise RuntimeError(f"cosine_embedding_loss: expected input1 and input2 of shape (N, D) "
                           f"(or (D)) and a target of shape (N) (or ()), broadcastable to each "
                           f"other, got input1 {tuple(input1.shape)}, input2 "
                           f"{tuple(input2.shape)} and target {tuple(target.shape)}") from None
    products = (input1 * input2).sum(dim)
    square1 = (input1 * input1).sum(dim) + 1e-12
    square2 = (input2 * input2).sum(dim) + 1e-12
    cos = products / (square1 * square2).sqrt()
    loss = autograd.where(target == 1, 1 - cos, 0.0) + \
        autograd.where(target == -1, (cos - margin).clamp(min=0), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -y (x1 - x2) + margin)."""
    for name, value in (("input1", input1), ("input2", input2), ("target", target)):
        check_tensor(value, "margin_ranking_loss", name)
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {input1.shape}, input2: "
                           f"{input2.shape}, target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """x where y = 1, max(0, margin - x) where y = -1."""
    check_tensor(input, "hinge_embedding_loss")
    reduction = _reduction(size_average, reduce, reduction)
    loss = autograd.where(target != 1, (margin - input).clamp(min=0), 0.0) + \
        autograd.where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0), d = pairwise_distance; swap uses
    min(d(a, n), d(p, n)) as the negative distance."""
    for name, value in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_tensor(value, "triplet_margin_loss", name)
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {anchor.ndim}D, "
                           f"positive {positive.ndim}D, and negative {negative.ndim}D inputs")
    distance_positive = pairwise_distance(anchor, positive, p, eps)
    distance_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        distance_negative = autograd.minimum(distance_negative,
                                             pairwise_distance(positive, negative, p, eps))
    loss = (distance_positive - distance_negative + margin).clamp(min=0)
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0) for any `distance_function` d (pairwise_distance
    when None); swap uses min(d(a, n), d(p, n)) as the negative distance."""
    for name, value in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_tensor(value, "triplet_margin_with_distance_loss", name)
    reduction = _reduction(None, None, reduction)
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: margin must be greater than 0, "
                         f"got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {anchor.ndim}D, "
                           f"positive {positive.ndim}D, and negative {negative.ndim}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    distance_positive = distance(anchor, positive)
    distance_negative = distance(anchor, negative)
    if swap:
        distance_negative = autograd.minimum(distance_negative, distance(positive, negative))
    loss = (margin + distance_positive - distance_negative).clamp(min=0)
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """target * (log target - input) pointwise (input holds log-probabilities; with
    log_target, target does too: exp(t) (t - input)), 0 where target is 0. 'batchmean'
    divides the sum by the batch size (the KL divergence); 'mean' divides by every element
    and warns, as PyTorch."""
    check_tensor(input, "kl_div")
    check_tensor(target, "kl_div", "target")
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    else:
        _reduction(None, None, reduction, _REDUCTIONS + ("batchmean",))
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                          "the support size.'batchmean' divides only by the batch size, and "
                          "aligns with the KL div math definition.'mean' will be changed to "
                          "behave the same as 'batchmean' in the next major release.",
                          UserWarning, stacklevel=2)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        positive = target > 0
        safe = autograd.where(positive, target, 1.0)
        loss = target * safe.log() - target * input
    if reduction == "batchmean":
        if input.ndim and input.shape[0] == 0:
            return loss.mean()  # nan, as PyTorch, without NumPy's 0/0 warning
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    return _reduce(loss, reduction)
