"""Losses over class indices: `cross_entropy`, `nll_loss` and `multi_margin_loss`.

`cross_entropy` with class-index targets (the common case) is one fused `autograd.Function`,
for speed: one pass computes log_softmax and picks the target entries; backward is
(softmax - onehot) * weight / D, written with tensor ops when a differentiable backward is
asked for (create_graph=True). With class-probability targets it is a composition of ops.

Weighted mean, as PyTorch: the sum of w[y_i] * loss_i over the non-ignored samples divided by
the sum of w[y_i] over them.
"""
import numpy as np

import autograd

from .activation import check_floating, check_tensor
from .loss import _reduce, _reduction

__all__ = ["cross_entropy", "nll_loss", "multi_margin_loss", "multilabel_margin_loss"]


# ------------------------------------------------------------------ class indices
def _class_weight(weight, classes, input, op):
    """The per-class weights as an array of input's dtype (None when not given)."""
    if weight is None:
        return None
    check_tensor(weight, op, "weight")
    if weight.ndim != 1 or weight.shape[0] != classes:
        raise RuntimeError(f"{op}: weight tensor should be defined either for all {classes} "
                           f"classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")
    return weight.data.astype(input.data.dtype, copy=False)


class _Targets:
    """Checked class-index targets, flat over the M = N * d1 * ... samples.

    safe: the targets, with ignored ones replaced by 0; valid: not ignored; class_weight:
    the weights (None when not given); samples: w[y_i] for kept samples, 0 for ignored ones;
    divisor: the weighted mean's denominator, the sum of `samples`; plain: no weights and
    nothing ignored (every sample weight 1, and `samples` is None)."""
    __slots__ = ("safe", "valid", "class_weight", "samples", "divisor", "plain", "classes")

    def __init__(self, input, target, weight, ignore_index, op):
        check_tensor(input, op)
        check_tensor(target, op, "target")
        values, shape = target.data, input.data.shape
        _check_target_shape(target, shape, op)
        self.classes = classes = shape[0] if len(shape) == 1 else shape[1]
        flat = values.reshape(-1)
        if flat.dtype != np.int64:
            flat = flat.astype(np.int64)
        low, high = (int(flat.min()), int(flat.max())) if flat.size else (0, 0)
        self.class_weight = cw = _class_weight(weight, classes, input, op)
        dtype = input.data.dtype
        if low >= 0 and high < classes and (ignore_index is None or
                                            not low <= ignore_index <= high):
            self.safe, self.valid = flat, None  # every target in range, none ignored
            self.plain = cw is None
            self.samples = None if cw is None else cw[flat]  # None: all ones
            self.divisor = float(flat.size) if cw is None else float(self.samples.sum())
            return
        valid = flat != ignore_index if ignore_index is not None else np.ones(flat.shape, bool)
        bad = valid & ((flat < 0) | (flat >= classes))
        if bad.any():
            raise IndexError(f"Target {int(flat[bad][0])} is out of bounds. ({op}: the input "
                             f"has {classes} classes, so targets must be in "
                             f"[0, {classes - 1}]" + (f" or equal ignore_index={ignore_index})"
                                                      if ignore_index is not None else ")"))
        self.safe, self.valid, self.plain = np.where(valid, flat, 0), valid, False
        self.samples = valid.astype(dtype) if cw is None else cw[self.safe] * valid
        self.divisor = float(self.samples.sum())

    def kept(self):
        """The not-ignored mask as an array (all true when nothing is ignored)."""
        return np.ones(self.safe.shape, bool) if self.valid is None else self.valid

    def weights(self, dtype):
        """The sample weights as an array (ones when plain)."""
        return np.ones(self.safe.shape, dtype) if self.samples is None else self.samples


def _check_target_shape(target, shape, op):
    """Class-index targets: int64 or uint8, of shape (), (N) or (N, d1, ...) for input
    (C), (N, C) or (N, C, d1, ...)."""
    values = target.data
    if not shape:
        raise ValueError(f"{op}: input must have a class dimension; got a 0-d tensor")
    if values.dtype != np.int64 and values.dtype != np.uint8:
        hint = (f" (or pass class probabilities of the input's shape {tuple(shape)}; the "
                f"target's shape is {tuple(values.shape)})"
                if op == "cross_entropy" and values.dtype.kind == "f" else "")
        raise RuntimeError(f"{op}: expected target dtype to be Long or Byte (class indices), "
                           f"but got {target.dtype}; convert the targets with "
                           f"target.long(){hint}")
    if len(shape) == 1:
        if values.ndim > 1 or (values.ndim == 1 and values.shape[0] != 1):
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{tuple(values.shape)}")
    elif values.ndim != len(shape) - 1:
        raise RuntimeError(f"{op}: expected a target of shape {(shape[0],) + shape[2:]} (one "
                           f"class index per sample) for input of shape {shape}, but got "
                           f"target of shape {tuple(values.shape)}")
    elif values.shape[0] != shape[0]:
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size "
                         f"({values.shape[0]}).")
    elif values.shape[1:] != shape[2:]:
        raise RuntimeError(f"Expected target size {[shape[0]] + list(shape[2:])}, got "
                           f"{list(values.shape)}")


def _to_rows(x, classes):
    """Array or Tensor laid out (M, C): the class dimension (1, or 0 for 1-D) moved last."""
    if x.ndim == 2:
        return x
    if x.ndim == 1:
        return x.reshape(1, classes)
    moved = x.movedim(1, -1) if isinstance(x, autograd.Tensor) else np.moveaxis(x, 1, -1)
    return moved.reshape(-1, classes)


def _from_rows(rows, shape):
    """The inverse of _to_rows for an input of `shape`."""
    if len(shape) == 2:
        return rows
    if len(shape) == 1:
        return rows.reshape(shape)
    rows = rows.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],))
    return rows.movedim(-1, 1) if isinstance(rows, autograd.Tensor) else np.moveaxis(rows, -1, 1)


def _loss_shape(input, target):
    """The unreduced loss's shape: the target's, or () for a 1-D input (as PyTorch)."""
    return () if input.ndim == 1 else target.shape


def _reduce_indexed(loss, targets, reduction, target_shape):
    if reduction == "none":
        return loss.reshape(target_shape)
    if reduction == "sum":
        return loss.sum()
    if not targets.divisor:  # every sample ignored: NaN, as PyTorch, with a zero gradient
        return loss.sum() * 0.0 + float("nan")
    return loss.sum() / targets.divisor


class _CrossEntropyIndices(autograd.Function):
    """log_softmax + nll in one pass, for class-index targets.

    With p = softmax(x) per sample, a one-hot y and class weights w (ones when not given),
    label smoothing e over C classes gives loss_i = (1 - e) w[y_i] (-log p[y_i])
    + e / C * sum_c w_c (-log p_c), whose gradient is
    dloss_i/dx_i = p_i ((1 - e) w[y_i] + e / C * sum(w)) - ((1 - e) w[y_i] onehot + e / C w).
    """
    backward_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, input, targets, smoothing, reduction):
        x = _to_rows(input.data, targets.classes)
        count, classes = x.shape
        shifted = x - x.max(1, keepdims=True) if count else x
        probs = np.exp(shifted)
        total = probs.sum(1)
        log_total = np.log(total)
        rows = np.arange(count)
        safe, samples = targets.safe, targets.samples
        if smoothing:
            logp = shifted - log_total[:, None]
            spread = logp.sum(1) if targets.class_weight is None else logp @ targets.class_weight
            loss = logp[rows, safe] * (targets.weights(x.dtype) * (smoothing - 1)) - \
                spread * targets.kept() * (smoothing / classes)
            if reduction != "none":
                loss = loss.sum()
        else:
            loss = log_total - shifted[rows, safe]
            if samples is not None:
                loss = loss * samples if reduction == "none" else loss @ samples
            elif reduction != "none":
                loss = loss.sum()
        if reduction == "mean":
            loss = loss / targets.divisor if targets.divisor else np.nan
        probs /= total[:, None]
        ctx.probs, ctx.rows, ctx.targets = probs, rows, targets
        ctx.options = (smoothing, reduction)
        ctx.shape = input.data.shape
        ctx.save_for_backward(input)
        return autograd.from_numpy(np.asarray(loss, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        targets, (smoothing, reduction) = ctx.targets, ctx.options
        probs, rows = ctx.probs, ctx.rows
        count, classes = probs.shape
        plain = targets.plain and not smoothing
        picked = 1.0 if plain else targets.weights(probs.dtype) * (1 - smoothing)
        coef = picked
        if smoothing:
            kept = targets.kept()
            weights = targets.class_weight
            total_weight = classes if weights is None else float(weights.sum())
            coef = picked + kept * (smoothing / classes * total_weight)
            spread = (kept[:, None] * (smoothing / classes)) * \
                (1.0 if weights is None else weights)
        if autograd.is_grad_enabled():  # create_graph: differentiate through the softmax
            x, = ctx.saved_tensors
            target_part = np.zeros_like(probs)
            target_part[rows, targets.safe] = picked
            if smoothing:
                target_part += spread
            soft = _to_rows(x, classes).softmax(1)
            scale = _grad_scale(grad, reduction, targets.divisor, count)
            if plain:
                coef = np.ones(count, probs.dtype)
            rows_grad = (soft * autograd.from_numpy(coef[:, None]) -
                         autograd.from_numpy(target_part)) * scale
            return _from_rows(rows_grad, x.shape), None, None, None
        result = probs.copy() if plain else probs * coef[:, None]
        result[rows, targets.safe] -= picked
        if smoothing:
            result -= spread
        result *= _grad_scale(grad.data, reduction, targets.divisor, count)
        return autograd.from_numpy(_from_rows(result, ctx.shape)), None, None, None


def _grad_scale(grad, reduction, divisor, count):
    """d(reduced loss)/d(loss_i) times the incoming gradient (array or Tensor), shaped to
    broadcast over the (M, C) rows."""
    if reduction == "none":
        return grad.reshape(count, 1)
    if reduction == "sum":
        return grad
    return grad / divisor if divisor else grad * 0.0


def _probability_cross_entropy(input, target, weight, reduction, smoothing):
    """Cross entropy against class probabilities of input's shape (no ignore_index)."""
    if not target.is_floating_point():
        raise RuntimeError(f"cross_entropy: expected floating point type for target with "
                           f"class probabilities, got {target.dtype}")
    class_dim = 0 if input.ndim == 1 else 1
    classes = input.shape[class_dim]
    class_weight = _class_weight(weight, classes, input, "cross_entropy")
    logp = input.log_softmax(class_dim)
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    product = logp * target
    if class_weight is not None:
        view = (classes,) + (1,) * (input.ndim - class_dim - 1)
        product = product * autograd.from_numpy(class_weight.reshape(view))
    loss = -product.sum(class_dim)
    if reduction == "mean":
        count = input.numel() // classes
        return loss.sum() / count if count else loss.sum() * 0.0 + float("nan")
    return _reduce(loss, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """-log softmax(input)[target] over class dimension 1 (0 for a 1-D input), reduced.

    Targets are class indices (int64; shape (), (N) or (N, d1, ...)) or class probabilities
    (floating, input's shape). weight rescales each class; samples whose target equals
    ignore_index count for nothing; label_smoothing e mixes the target with the uniform
    distribution: (1 - e) onehot + e / C.
    """
    check_tensor(input, "cross_entropy")
    check_tensor(target, "cross_entropy", "target")
    reduction = _reduction(size_average, reduce, reduction)
    check_floating(input, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if target.data.shape == input.data.shape and target.ndim:
        return _probability_cross_entropy(input, target, weight, reduction, label_smoothing)
    targets = _Targets(input, target, weight, ignore_index, "cross_entropy")
    loss = _CrossEntropyIndices.apply(input, targets, float(label_smoothing), reduction)
    return loss.reshape(_loss_shape(input, target)) if reduction == "none" else loss


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-input[target] over class dimension 1 (0 for a 1-D input), for log-probabilities
    `input` and class-index targets, with class weights and ignore_index as cross_entropy."""
    reduction = _reduction(size_average, reduce, reduction)
    targets = _Targets(input, target, weight, ignore_index, "nll_loss")
    picked = _to_rows(input, targets.classes)[np.arange(targets.safe.shape[0]), targets.safe]
    loss = picked * autograd.from_numpy(-targets.weights(input.data.dtype))
    return _reduce_indexed(loss, targets, reduction, _loss_shape(input, target))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum over j != y of max(0, margin - x[y] + x[j])^p / C per sample (p is 1 or 2),
    times weight[y] when given."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError(f"only p == 1 and p == 2 supported (got p={p})")
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"weight must be one-dimensional (got shape {tuple(weight.shape)})")
    if input.ndim > 2:
        raise RuntimeError(f"multi_margin_loss: expected a vector or a matrix input, but got "
                           f"shape {tuple(input.shape)}")
    targets = _Targets(input, target, weight, None, "multi_margin_loss")
    safe, class_weight = targets.safe, targets.class_weight
    rows = _to_rows(input, input.shape[-1])
    count, classes = rows.shape
    index = np.arange(count)
    gaps = (rows - rows[index, safe].reshape(count, 1) + margin).relu()
    if p == 2:
        gaps = gaps.square()
    mask = np.ones(rows.shape, input.data.dtype)
    mask[index, safe] = 0
    if class_weight is not None:
        mask *= class_weight[safe][:, None]
    loss = (gaps * autograd.from_numpy(mask)).sum(1) / classes
    return _reduce(loss.reshape(target.shape), reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum over the sample's target classes j and its other classes i of
    max(0, 1 - (x[j] - x[i])) / C. `target` has the input's shape (C) or (N, C) and lists each
    sample's classes first, ended by the first -1 (the rest is not read)."""
    op = "multilabel_margin_loss"
    check_floating(input, op)
    check_tensor(target, op, "target")
    reduction = _reduction(size_average, reduce, reduction)
    if input.ndim not in (1, 2) or (input.ndim == 1 and input.shape[0] == 0):
        raise RuntimeError(f"{op}: expected a non-empty vector or a matrix input, but got "
                           f"shape {tuple(input.shape)}")
    if target.shape != input.shape:
        raise RuntimeError(f"{op}: inconsistent target size: {list(target.shape)} for input "
                           f"of size: {list(input.shape)} (the target lists class indices "
                           f"padded with -1 to the input's shape)")
    if target.data.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: expected target dtype to be Long (class indices padded "
                           f"with -1), but got {target.dtype}; convert it with target.long()")
    classes = input.shape[-1]
    labels = target.data.reshape(-1, classes).astype(np.int64)
    listed = np.cumprod(labels != -1, axis=1).astype(bool)  # entries before the first -1
    bad = listed & ((labels < 0) | (labels >= classes))
    if bad.any():
        raise IndexError(f"Target {labels[bad][0]} is out of bounds. ({op}: the input has "
                         f"{classes} classes, so targets must be in [0, {classes - 1}], "
                         f"ended by -1)")
    rows = np.arange(labels.shape[0])[:, None].repeat(classes, 1)
    counts = np.zeros(labels.shape, input.data.dtype)  # how often each class is listed
    np.add.at(counts, (rows[listed], labels[listed]), 1)
    others = (counts == 0).astype(input.data.dtype)
    pair_weight = counts[:, :, None] * others[:, None, :]  # (sample, target j, other i)
    x = input.reshape(-1, classes)
    gaps = (1 - x.unsqueeze(2) + x.unsqueeze(1)).relu()
    loss = (gaps * autograd.from_numpy(pair_weight)).sum((1, 2)) / classes
    return _reduce(loss.reshape(input.shape[:-1]), reduction)
