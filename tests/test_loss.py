"""Losses (nn.functional.loss, nn.layers.loss): parity with PyTorch for values and gradients in
float64 (every reduction, weights, ignore_index, label smoothing with both target kinds,
(N, C, d1, d2) inputs, edge values and kinks), module reprs, errors that name the problem,
legacy arguments, and gradcheck / gradgradcheck on drawn inputs."""
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]


def _rng(seed=0):
    return np.random.default_rng(seed)


def _check(ours, theirs, arrays, grads=(0,), rtol=1e-10, **kwargs):
    """Call `ours` on glassgrad tensors and `theirs` on torch tensors made from the same
    arrays (those at `grads` require grad), backward the same upstream gradient through both,
    and compare the values and the gradients."""
    xs = [autograd.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    with np.errstate(over="raise", divide="raise", invalid="raise"), \
            warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ours(*xs, **kwargs)
        upstream = _rng(9).standard_normal(tuple(y.shape))
        y.backward(autograd.tensor(upstream))
    ty = theirs(*ts, **kwargs)
    ty.backward(torch.tensor(upstream))
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol, atol=1e-13,
                               equal_nan=True)
    for i in grads:
        np.testing.assert_allclose(xs[i].grad.data, ts[i].grad.numpy(), rtol=rtol, atol=1e-13)
    return y


# ------------------------------------------------------------------ regression
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs", [("mse_loss", {}), ("l1_loss", {}),
                                         ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
                                         ("smooth_l1_loss", {"beta": 0.0}), ("huber_loss", {}),
                                         ("huber_loss", {"delta": 0.5})])
def test_regression_losses(name, kwargs, reduction):
    x = _rng(1).standard_normal((3, 4)) * 2
    y = _rng(2).standard_normal((3, 4))
    # exact kinks: d = 0, |d| = beta/delta (0.5 and 1.0) on both sides
    x[0, :4] = y[0, :4] + np.array([0.0, 0.5, -0.5, 1.0])
    _check(getattr(F, name), getattr(TF, name), [x, y], grads=(0, 1), reduction=reduction,
           **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_weight(name, reduction):
    x, y, w = _rng(3).standard_normal((3, 4)), _rng(4).standard_normal((3, 4)), _rng(5).random(
        (3, 4))
    _check(lambda a, b, c, **k: getattr(F, name)(a, b, weight=c, **k),
           lambda a, b, c, **k: getattr(TF, name)(a, b, weight=c, **k), [x, y, w], grads=(0, 1),
           reduction=reduction)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        getattr(F, name)(autograd.tensor(x), autograd.tensor(y), weight=autograd.ones(4))


def test_broadcast_target_warns_and_broadcasts():
    x, y = _rng(6).standard_normal((3, 5)), _rng(7).standard_normal(5)
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        with pytest.warns(UserWarning, match=r"target size \(autograd.Size\(\[5\]\)\).*"
                                             r"input size \(autograd.Size\(\[3, 5\]\)\)"):
            loss = getattr(F, name)(autograd.tensor(x), autograd.tensor(y))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = getattr(TF, name)(torch.tensor(x), torch.tensor(y))
        assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="size"):
        F.mse_loss(autograd.zeros(3, 5), autograd.zeros(4))


def test_regression_errors():
    x = autograd.zeros(3)
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.mse_loss(x, x, reduction="avg")
    with pytest.raises(RuntimeError, match="not implemented for autograd.int64"):
        F.mse_loss(autograd.tensor([1, 2]), autograd.tensor([0, 1]))


# ------------------------------------------------------------------ binary classification
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    p = np.array([[0.0, 1.0, 0.3, 1e-50], [0.5, 0.999, 1.0, 0.0]])
    t = np.array([[0.0, 1.0, 0.4, 1.0], [1.0, 0.0, 0.0, 1.0]])
    arrays = [p, t] + ([np.array([0.5, 2.0, 1.0, 3.0])] if weighted else [])
    _check(lambda a, b, *w, **k: F.binary_cross_entropy(a, b, *w, **k),
           lambda a, b, *w, **k: TF.binary_cross_entropy(a, b, *w, **k), arrays, grads=(0,),
           reduction=reduction)


def test_binary_cross_entropy_target_gradient_and_errors():
    p, t = np.array([0.2, 0.7, 0.5]), np.array([0.1, 0.9, 0.5])
    _check(F.binary_cross_entropy, TF.binary_cross_entropy, [p, t], grads=(0, 1))
    loss = F.binary_cross_entropy(autograd.tensor([0.0]), autograd.tensor([1.0]))
    assert loss.item() == 100.0  # log clamped at -100
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(autograd.tensor([0.5, 1.5]), autograd.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        F.binary_cross_entropy(autograd.tensor([0.5, 1.0]), autograd.tensor([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"target size .*\[1\].*input size .*\[2\]"):
        F.binary_cross_entropy(autograd.tensor([0.5, 1.0]), autograd.tensor([0.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [(), ("weight",), ("pos_weight",), ("weight", "pos_weight")])
def test_binary_cross_entropy_with_logits(reduction, options):
    x = np.array([[-1000.0, -20.0, -1.0, 0.0], [0.5, 3.0, 40.0, 1000.0]])
    t = np.array([[1.0, 0.0, 0.3, 1.0], [0.0, 1.0, 0.0, 0.5]])
    arrays = [x, t]
    if "weight" in options:
        arrays.append(np.array([1.0, 0.5, 2.0, 0.25]))
    if "pos_weight" in options:
        arrays.append(np.array([3.0, 0.5, 1.0, 2.0]))

    def call(fn):
        def run(a, b, *extra, **k):
            named = dict(zip(options, extra))
            return fn(a, b, weight=named.get("weight"), pos_weight=named.get("pos_weight"), **k)
        return run
    _check(call(F.binary_cross_entropy_with_logits), call(TF.binary_cross_entropy_with_logits),
           arrays, grads=(0, 1), reduction=reduction)
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(autograd.zeros(2), autograd.zeros(1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_and_multilabel_soft_margin(reduction):
    x = _rng(10).standard_normal((3, 4)) * 3
    y = np.sign(_rng(11).standard_normal((3, 4)))
    _check(F.soft_margin_loss, TF.soft_margin_loss, [x, y], reduction=reduction)
    t = (y > 0).astype(np.float64)
    _check(F.multilabel_soft_margin_loss, TF.multilabel_soft_margin_loss, [x, t], grads=(0, 1),
           reduction=reduction)
    w = np.array([1.0, 2.0, 0.5, 0.0])
    _check(lambda a, b, c, **k: F.multilabel_soft_margin_loss(a, b, c, **k),
           lambda a, b, c, **k: TF.multilabel_soft_margin_loss(a, b, c, **k), [x, t, w],
           reduction=reduction)


def test_soft_margin_is_stable_where_torch_overflows():
    loss = F.soft_margin_loss(autograd.tensor([-1000.0], dtype=autograd.float64),
                              autograd.tensor([1.0], dtype=autograd.float64))
    assert loss.item() == 1000.0


# ------------------------------------------------------------------ class indices
def _class_case(shape, seed):
    rng = _rng(seed)
    x = rng.standard_normal(shape) * 3
    classes = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    return x, rng.integers(0, classes, target_shape), classes


SHAPES = [(5,), (4, 5), (3, 5, 2, 2)]
INDEX_OPTIONS = [{}, {"weight": True}, {"ignore_index": 1}, {"label_smoothing": 0.2},
                 {"weight": True, "ignore_index": 2, "label_smoothing": 0.3},
                 {"weight": True, "ignore_index": 0}]


def _with_weight(options, classes):
    options = dict(options)
    weight = _rng(12).random(classes) + 0.5 if options.pop("weight", False) else None
    return options, weight


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", INDEX_OPTIONS)
@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_with_class_indices(shape, options, reduction):
    x, t, classes = _class_case(shape, 13)
    options, weight = _with_weight(options, classes)
    arrays = [x, t] + ([weight] if weight is not None else [])
    _check(lambda a, b, *w, **k: F.cross_entropy(a, b, *w, **k),
           lambda a, b, *w, **k: TF.cross_entropy(a, b, *w, **k), arrays,
           reduction=reduction, **options)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [o for o in INDEX_OPTIONS if "label_smoothing" not in o])
@pytest.mark.parametrize("shape", SHAPES)
def test_nll_loss(shape, options, reduction):
    x, t, classes = _class_case(shape, 14)
    options, weight = _with_weight(options, classes)
    arrays = [x, t] + ([weight] if weight is not None else [])
    _check(lambda a, b, *w, **k: F.nll_loss(a, b, *w, **k),
           lambda a, b, *w, **k: TF.nll_loss(a, b, *w, **k), arrays, reduction=reduction,
           **options)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"label_smoothing": 0.25},
                                     {"weight": True, "label_smoothing": 0.1}])
@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_with_class_probabilities(shape, options, reduction):
    x, _, classes = _class_case(shape, 15)
    p = _rng(16).random(shape)
    p /= p.sum(axis=0 if len(shape) == 1 else 1, keepdims=True)
    options, weight = _with_weight(options, classes)
    arrays = [x, p] + ([weight] if weight is not None else [])
    _check(lambda a, b, *w, **k: F.cross_entropy(a, b, *w, **k),
           lambda a, b, *w, **k: TF.cross_entropy(a, b, *w, **k), arrays, grads=(0, 1),
           reduction=reduction, **options)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_one_dimensional_input_with_a_one_element_target(reduction):
    x = _rng(40).standard_normal(5)
    for ours, theirs in ((F.cross_entropy, TF.cross_entropy), (F.nll_loss, TF.nll_loss),
                         (F.multi_margin_loss, TF.multi_margin_loss)):
        _check(ours, theirs, [x, np.array(2)], reduction=reduction)
        # a (1,) target: PyTorch computes the loss (its backward then refuses the shape)
        loss = ours(autograd.tensor(x), autograd.tensor([2]), reduction=reduction)
        expected = theirs(torch.tensor(x), torch.tensor([2]), reduction=reduction)
        assert tuple(loss.shape) == tuple(expected.shape)
        assert loss.tolist() == pytest.approx(expected.tolist(), rel=1e-12)


def test_cross_entropy_extreme_logits_and_uint8_targets():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    _check(F.cross_entropy, TF.cross_entropy, [x, np.array([1, 2])])
    _check(F.cross_entropy, TF.cross_entropy, [x, np.array([1, 2], dtype=np.uint8)])


def test_every_target_ignored_gives_nan_and_zero_gradient():
    x, t = _rng(17).standard_normal((4, 3)), np.full(4, -100)
    _check(F.cross_entropy, TF.cross_entropy, [x, t])
    _check(F.nll_loss, TF.nll_loss, [x, t])


def test_class_index_errors_name_expected_and_given():
    x = autograd.zeros(3, 5)
    with pytest.raises(IndexError, match=r"Target 12 is out of bounds\..*5 classes"):
        F.cross_entropy(x, autograd.tensor([0, 1, 12]))
    with pytest.raises(IndexError, match=r"Target -3 is out of bounds\."):
        F.nll_loss(x, autograd.tensor([0, 1, -3]))
    with pytest.raises(RuntimeError, match=r"Long or Byte.*float32.*target\.long\(\)"):
        F.cross_entropy(x, autograd.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(RuntimeError, match=r"Long or Byte.*int32.*target\.long\(\)"):
        F.nll_loss(x, autograd.tensor([0, 1, 2], dtype=autograd.int32))
    with pytest.raises(ValueError, match=r"input batch_size \(3\) to match target batch_size "
                                         r"\(2\)"):
        F.cross_entropy(x, autograd.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=r"target of shape \(3,\).*input of shape \(3, 5\)"
                                           r".*target of shape \(1, 3\)"):
        F.cross_entropy(x, autograd.tensor([[0, 1, 1]]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[3, 2\], got \[3, 3\]"):
        F.cross_entropy(autograd.zeros(3, 5, 2), autograd.zeros(3, 3, dtype=autograd.int64))
    with pytest.raises(RuntimeError, match=r"all 5 classes.*shape: \[4\]"):
        F.cross_entropy(x, autograd.tensor([0, 1, 2]), weight=autograd.ones(4))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(x, autograd.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="1D target must have size 1"):
        F.nll_loss(autograd.zeros(3), autograd.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="floating point type for target"):
        F.cross_entropy(x, autograd.zeros(3, 5, dtype=autograd.int64))


def test_cross_entropy_second_derivatives():
    x = autograd.tensor(_rng(18).standard_normal((4, 5)), requires_grad=True)
    t = autograd.tensor([0, 3, 4, 1])
    w = autograd.tensor(_rng(19).random(5) + 0.5)
    assert autograd.gradgradcheck(lambda a: F.cross_entropy(a, t, w, label_smoothing=0.1), (x,))
    x3 = autograd.tensor(_rng(20).standard_normal((2, 3, 2)), requires_grad=True)
    t3 = autograd.tensor([[0, 1], [2, 1]])
    assert autograd.gradgradcheck(lambda a: F.cross_entropy(a, t3, reduction="none",
                                                            ignore_index=1), (x3,))
    # the Hessian of the summed loss matches PyTorch's
    xv = _rng(21).standard_normal((3, 4))
    tx = torch.tensor(xv, requires_grad=True)
    ours = autograd.tensor(xv, requires_grad=True)
    (g,) = autograd.grad(F.cross_entropy(ours, autograd.tensor([1, 0, 3])), [ours],
                         create_graph=True)
    (gg,) = autograd.grad((g * g).sum(), [ours])
    (tg,) = torch.autograd.grad(TF.cross_entropy(tx, torch.tensor([1, 0, 3])), [tx],
                                create_graph=True)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), [tx])
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,margin,weighted", [(1, 1.0, False), (2, 0.5, False),
                                               (1, 2.0, True)])
def test_multi_margin_loss(p, margin, weighted, reduction):
    x, t = _rng(22).standard_normal((4, 5)), np.array([0, 4, 2, 2])
    x[1, 0] = x[1, 4] - margin  # a hinge exactly at its kink
    arrays = [x, t] + ([_rng(23).random(5)] if weighted else [])
    _check(lambda a, b, *w, **k: F.multi_margin_loss(a, b, p, margin, *w, **k),
           lambda a, b, *w, **k: TF.multi_margin_loss(a, b, p, margin, *w, **k), arrays,
           reduction=reduction)
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        F.multi_margin_loss(autograd.tensor(x), autograd.tensor(t), p=3)


# ------------------------------------------------------------------ distributions
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    x = np.log(_rng(24).dirichlet(np.ones(4), size=3))
    t = _rng(25).dirichlet(np.ones(4), size=3)
    t[0, 1] = 0.0  # a zero target contributes 0
    if log_target:
        t = np.log(t + 0.1)
    grads = (0, 1) if log_target else (0,)
    if reduction == "mean":
        with pytest.warns(UserWarning, match="batchmean"):
            F.kl_div(autograd.tensor(x), autograd.tensor(t), reduction="mean")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xs = [autograd.tensor(x, requires_grad=True), autograd.tensor(t, requires_grad=True)]
        ts = [torch.tensor(x, requires_grad=True), torch.tensor(t, requires_grad=True)]
        y = F.kl_div(*xs, reduction=reduction, log_target=log_target)
        ty = TF.kl_div(*ts, reduction=reduction, log_target=log_target)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    for i in grads:
        np.testing.assert_allclose(xs[i].grad.data, ts[i].grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_poisson_nll_loss(log_input, full, reduction):
    x = _rng(26).random((3, 4)) * 2 + 0.1
    t = np.array([[0.0, 1.0, 2.0, 5.0], [0.5, 1.5, 3.0, 0.0], [7.0, 1.0, 0.0, 2.0]])
    _check(lambda a, b, **k: F.poisson_nll_loss(a, b, log_input, full, **k),
           lambda a, b, **k: TF.poisson_nll_loss(a, b, log_input, full, **k), [x, t],
           grads=(0,), reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1), (1, 4)])
def test_gaussian_nll_loss(var_shape, reduction):
    x, t = _rng(27).standard_normal((3, 4)), _rng(28).standard_normal((3, 4))
    var = _rng(29).random(var_shape) + 0.1
    var.reshape(-1)[0] = 1e-9  # below eps: clamped, the gradient passing straight through
    for full in (False, True):
        _check(lambda a, b, v, **k: F.gaussian_nll_loss(a, b, v, full=full, **k),
               lambda a, b, v, **k: TF.gaussian_nll_loss(a, b, v, full=full, **k),
               [x, t, var], grads=(0, 1, 2), reduction=reduction)


def test_gaussian_nll_loss_errors_and_float_var():
    x = autograd.zeros(3, 4)
    loss = F.gaussian_nll_loss(x, x + 1, 2.0)
    assert loss.item() == pytest.approx(TF.gaussian_nll_loss(torch.zeros(3, 4),
                                                             torch.ones(3, 4), 2.0).item())
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, x, autograd.ones(2))
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(x, x, -autograd.ones(3, 4))
    with pytest.raises(ValueError, match="max is not valid"):
        F.gaussian_nll_loss(x, x, autograd.ones(3, 4), reduction="max")


# ------------------------------------------------------------------ embeddings and ranking
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_embedding_and_ranking_losses(reduction):
    a, b = _rng(30).standard_normal((4, 3)), _rng(31).standard_normal((4, 3))
    y = np.array([1.0, -1.0, 1.0, -1.0])
    for margin in (0.0, 0.3):
        _check(F.cosine_embedding_loss, TF.cosine_embedding_loss, [a, b, y], grads=(0, 1),
               margin=margin, reduction=reduction)
    _check(F.cosine_embedding_loss, TF.cosine_embedding_loss, [a[0], b[0], np.array(-1.0)],
           grads=(0, 1), reduction=reduction)
    s1, s2 = _rng(32).standard_normal(4), _rng(33).standard_normal(4)
    s2[0] = s1[0]  # the ranking hinge at its kink
    _check(F.margin_ranking_loss, TF.margin_ranking_loss, [s1, s2, y], grads=(0, 1),
           margin=0.0, reduction=reduction)
    _check(F.margin_ranking_loss, TF.margin_ranking_loss, [s1, s2, y], grads=(0, 1),
           margin=0.5, reduction=reduction)
    h = np.array([[0.5, 2.0, -1.0], [1.0, 0.0, 3.0]])
    hy = np.array([[1.0, -1.0, -1.0], [-1.0, 1.0, -1.0]])
    _check(F.hinge_embedding_loss, TF.hinge_embedding_loss, [h, hy], margin=1.0,
           reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,swap", [(2.0, False), (1.0, False), (2.0, True), (3.0, True)])
def test_triplet_margin_loss(p, swap, reduction):
    a, pos, neg = (_rng(s).standard_normal((5, 3)) for s in (34, 35, 36))
    _check(F.triplet_margin_loss, TF.triplet_margin_loss, [a, pos, neg], grads=(0, 1, 2),
           margin=1.5, p=p, swap=swap, reduction=reduction)
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_loss(autograd.zeros(2, 3), autograd.zeros(2, 3), autograd.zeros(2, 3),
                              margin=0.0)
    with pytest.raises(RuntimeError, match="anchor 2D, positive 2D, and negative 1D"):
        F.triplet_margin_loss(autograd.zeros(2, 3), autograd.zeros(2, 3), autograd.zeros(3))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cosine_similarity_and_pairwise_distance(dim):
    a, b = _rng(37).standard_normal((3, 4)), _rng(38).standard_normal((3, 4))
    a[1] = 0.0  # a zero vector: its norm is clamped at eps
    _check(F.cosine_similarity, TF.cosine_similarity, [a, b], grads=(0, 1), dim=dim)
    _check(F.cosine_similarity, TF.cosine_similarity, [a, b[:1]], grads=(0, 1), dim=dim)
    for p, keepdim in ((2.0, False), (1.0, True), (3.0, False), (float("inf"), False)):
        _check(F.pairwise_distance, TF.pairwise_distance, [a, b], grads=(0, 1), p=p,
               keepdim=keepdim)
    _check(F.pairwise_distance, TF.pairwise_distance, [a[0], b[0]], grads=(0, 1))


# ------------------------------------------------------------------ modules
LOSS_MODULES = [
    ("L1Loss", (), {}), ("MSELoss", (), {"reduction": "sum"}), ("SmoothL1Loss", (), {"beta": 2.0}),
    ("HuberLoss", (), {"delta": 0.5}), ("BCELoss", (), {}), ("BCEWithLogitsLoss", (), {}),
    ("CrossEntropyLoss", (), {"label_smoothing": 0.1}), ("NLLLoss", (), {"ignore_index": 0}),
    ("KLDivLoss", (), {"reduction": "batchmean"}), ("CosineEmbeddingLoss", (0.5,), {}),
    ("MarginRankingLoss", (), {}), ("HingeEmbeddingLoss", (), {}), ("TripletMarginLoss", (), {}),
    ("PoissonNLLLoss", (), {}), ("GaussianNLLLoss", (), {}), ("SoftMarginLoss", (), {}),
    ("MultiLabelSoftMarginLoss", (), {}), ("MultiMarginLoss", (2,), {}),
]


@pytest.mark.parametrize("name,args,kwargs", LOSS_MODULES)
def test_loss_module_repr_and_attributes_match_torch(name, args, kwargs):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    for attribute in ("reduction", "margin", "beta", "delta", "ignore_index", "label_smoothing",
                      "log_target", "log_input", "full", "eps", "p", "swap"):
        if hasattr(theirs, attribute):
            assert getattr(ours, attribute) == getattr(theirs, attribute), attribute


def test_legacy_size_average_and_reduce():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.MSELoss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.CrossEntropyLoss(reduce=False).reduction == "none"
    x, y = autograd.tensor([1.0, 2.0]), autograd.tensor([0.0, 0.0])
    with pytest.warns(UserWarning, match="deprecated"):
        assert F.mse_loss(x, y, size_average=False).item() == 5.0


def test_loss_modules_compute_their_functions():
    x = autograd.tensor(_rng(39).standard_normal((4, 3)), requires_grad=True)
    t = autograd.tensor([0, 2, 1, 2])
    w = autograd.tensor([1.0, 2.0, 0.5], dtype=autograd.float64)
    module = nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.2)
    assert list(module.state_dict()) == ["weight"]
    assert module(x, t).item() == F.cross_entropy(x, t, w, ignore_index=1,
                                                  label_smoothing=0.2).item()
    logits = autograd.tensor([[0.3, -2.0]], dtype=autograd.float64)
    labels = autograd.tensor([[1.0, 0.0]], dtype=autograd.float64)
    pos = autograd.tensor([2.0, 1.0], dtype=autograd.float64)
    bce = nn.BCEWithLogitsLoss(pos_weight=pos)
    assert sorted(bce.state_dict()) == ["pos_weight"]
    assert bce(logits, labels).item() == pytest.approx(
        TF.binary_cross_entropy_with_logits(torch.tensor(logits.data), torch.tensor(labels.data),
                                            pos_weight=torch.tensor(pos.data)).item(), rel=1e-12)
    var = autograd.ones(4, 3, dtype=autograd.float64)
    assert nn.GaussianNLLLoss()(x, x, var).item() == 0.0
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="greater than 0"):
        nn.TripletMarginLoss(margin=0.0)


# ------------------------------------------------------------------ property tests
def _vectors(low=-4.0, high=4.0, size=3):
    return st.lists(st.floats(low, high, allow_nan=False), min_size=size, max_size=size)


@settings(max_examples=15, deadline=None)
@given(_vectors(size=6), st.lists(st.integers(0, 2), min_size=2, max_size=2),
       st.floats(0.0, 0.9), st.sampled_from(REDUCTIONS))
def test_cross_entropy_gradcheck(values, labels, smoothing, reduction):
    x = autograd.tensor(np.array(values).reshape(2, 3), requires_grad=True)
    t = autograd.tensor(labels)
    assert autograd.gradcheck(lambda a: F.cross_entropy(a, t, label_smoothing=smoothing,
                                                        reduction=reduction), (x,))


@settings(max_examples=15, deadline=None)
@given(_vectors(), _vectors(), st.sampled_from(["mse_loss", "huber_loss", "smooth_l1_loss",
                                                "l1_loss"]))
def test_regression_gradcheck_away_from_kinks(a, b, name):
    diff = np.array(a) - np.array(b)
    if name != "mse_loss" and np.min(np.abs(np.abs(diff) - 1.0)) < 1e-3 or \
            name == "l1_loss" and np.min(np.abs(diff)) < 1e-3:
        return  # finite differences across a kink measure nothing useful
    x = autograd.tensor(a, dtype=autograd.float64, requires_grad=True)
    y = autograd.tensor(b, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(getattr(F, name), (x, y))


@settings(max_examples=15, deadline=None)
@given(_vectors(0.02, 0.98), _vectors(0.01, 0.99), _vectors(-30, 30))
def test_binary_losses_gradcheck(probs, targets, logits):
    # targets stay inside (0, 1): finite differences must not step out of BCE's domain
    p = autograd.tensor(probs, dtype=autograd.float64, requires_grad=True)
    t = autograd.tensor(targets, dtype=autograd.float64, requires_grad=True)
    z = autograd.tensor(logits, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(F.binary_cross_entropy, (p, t))
    assert autograd.gradgradcheck(F.binary_cross_entropy, (p, t))
    assert autograd.gradcheck(F.binary_cross_entropy_with_logits, (z, t))


@settings(max_examples=10, deadline=None)
@given(_vectors(size=4), _vectors(size=4), _vectors(0.1, 3.0, size=4))
def test_distribution_losses_gradcheck(a, b, v):
    assume(np.linalg.norm(np.reshape(a, (2, 2)), axis=1).min() > 0.1)  # cosine's norm clamp
    x = autograd.tensor(np.array(a).reshape(2, 2), dtype=autograd.float64, requires_grad=True)
    y = autograd.tensor(np.array(b).reshape(2, 2), dtype=autograd.float64, requires_grad=True)
    var = autograd.tensor(np.array(v).reshape(2, 2), dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda i, j, k: F.gaussian_nll_loss(i, j, k, full=True),
                              (x, y, var))
    assert autograd.gradcheck(lambda i, j: F.kl_div(i, j, reduction="batchmean",
                                                    log_target=True), (x, y))
    assert autograd.gradcheck(lambda i: F.cosine_similarity(i, y), (x,))
