"""The registry of nn.functional's differentiable functions: activations and losses here,
layers, convolutions, pooling and vision in `nn_registry_layers` (imported at the end).

An entry's `call(F, *args)` takes the functional module, `nn.functional` or PyTorch's
`torch.nn.functional`, so one entry serves the property test
(`tests/test_property_nn_functional.py`) and the parity test
(`tests/test_parity_nn_functional.py`). autograd does not import nn: the tests pass the module.
Same `OpSpec` as `op_registry`; elements keep away from each function's kinks (for losses:
from where input - target crosses one, by drawing the target as the input minus an offset).
"""
import numpy as np
from hypothesis import strategies as st

from ..tensor import Tensor
from .cases import SPACED, along_dim, unary
from .op_registry import register as _register
from .strategies import away_from, finite, positive, shapes, tensors, within

__all__ = ["NN_REGISTRY", "register_nn"]

NN_REGISTRY = {}


def register_nn(name, call, args, **options):
    """Add an entry to `NN_REGISTRY` (see `op_registry.register`)."""
    _register(name, call, args, registry=NN_REGISTRY, **options)


def seeded(x):
    """Reseed the random generator of the library `x` belongs to (glassgrad or PyTorch), so
    that a random op (dropout) draws the same mask on every call of a gradient check."""
    import importlib
    importlib.import_module(type(x).__module__.split(".")[0]).manual_seed(0)
    return x


def _then(base, extra):
    """Draw a tuple from `base`, then more arguments from `extra(*drawn)`."""
    return base.flatmap(lambda a: extra(*a).map(lambda rest: tuple(a) + tuple(rest)))


def const(values, dtype=np.float64):
    """A constant tensor (requires_grad=False)."""
    return Tensor._wrap(np.asarray(values, dtype=dtype), None)


# ------------------------------------------------------------------ activations
_NONZERO = away_from(0)
_INPLACE = st.booleans()


def _maybe_inplace(F, fn, x, inplace, *args):
    """fn(x, *args, inplace=...) on a clone when in place (a leaf cannot be written)."""
    return fn(x.clone() if inplace else x, *args, inplace=inplace)


for _name, _elements in [("relu", _NONZERO), ("selu", _NONZERO), ("silu", None),
                         ("mish", None), ("relu6", away_from(0, 6, max_value=7)),
                         ("hardsigmoid", away_from(-3, 3, min_value=-4, max_value=4)),
                         ("hardswish", away_from(-3, 3, min_value=-4, max_value=4))]:
    register_nn(_name, (lambda n: lambda F, x, ip: _maybe_inplace(F, getattr(F, n), x, ip))(
        _name), unary(_elements).flatmap(lambda a: st.tuples(st.just(a[0]), _INPLACE)))
for _name, _elements in [("sigmoid", None), ("tanh", None), ("softsign", _NONZERO),
                         ("tanhshrink", None)]:
    register_nn(_name, (lambda n: lambda F, x: getattr(F, n)(x))(_name), unary(_elements))
register_nn("logsigmoid", lambda F, x: F.logsigmoid(x), unary())
register_nn("relu_", lambda F, x: F.relu_(x.clone()), unary(_NONZERO))
register_nn("selu_", lambda F, x: F.selu_(x.clone()), unary(_NONZERO))

_SLOPES = st.sampled_from([0.01, 0.2, 1.5, -0.5])
register_nn("leaky_relu", lambda F, x, s, ip: _maybe_inplace(F, F.leaky_relu, x, ip, s),
            _then(unary(_NONZERO), lambda x: st.tuples(_SLOPES, _INPLACE)))
register_nn("leaky_relu_", lambda F, x, s: F.leaky_relu_(x.clone(), s),
            _then(unary(_NONZERO), lambda x: st.tuples(_SLOPES)))
_ALPHAS = st.sampled_from([1.0, 0.5, 2.0])
for _name in ("elu", "celu"):
    register_nn(_name, (lambda n: lambda F, x, a, ip: _maybe_inplace(F, getattr(F, n), x, ip,
                                                                      a))(_name),
                _then(unary(_NONZERO), lambda x: st.tuples(_ALPHAS, _INPLACE)))
    register_nn(_name + "_", (lambda n: lambda F, x, a: getattr(F, n + "_")(x.clone(), a))(
        _name), _then(unary(_NONZERO), lambda x: st.tuples(_ALPHAS)))
register_nn("gelu", lambda F, x, approx: F.gelu(x, approximate=approx),
            _then(unary(), lambda x: st.tuples(st.sampled_from(["none", "tanh"]))))
register_nn("softplus", lambda F, x, beta, th: F.softplus(x, beta, th),
            _then(unary(away_from(0.5, 1.0)), lambda x: st.tuples(
                st.sampled_from([1.0, 2.0, 0.5]), st.sampled_from([20.0]))))
_HARDTANH = away_from(-1, 1, -0.5, 2, min_value=-3, max_value=3)
_TANH_BOUNDS = st.sampled_from([(-1.0, 1.0), (-0.5, 2.0)])
register_nn("hardtanh", lambda F, x, b, ip: _maybe_inplace(F, F.hardtanh, x, ip, *b),
            _then(unary(_HARDTANH), lambda x: st.tuples(_TANH_BOUNDS, _INPLACE)))
register_nn("hardtanh_", lambda F, x, b: F.hardtanh_(x.clone(), *b),
            _then(unary(_HARDTANH), lambda x: st.tuples(_TANH_BOUNDS)))
register_nn("threshold", lambda F, x, v, ip: _maybe_inplace(F, F.threshold, x, ip, 0.5, v),
            _then(unary(away_from(0.5)), lambda x: st.tuples(st.sampled_from([-1.0, 2.0]),
                                                             _INPLACE)))
register_nn("threshold_", lambda F, x, v: F.threshold_(x.clone(), 0.5, v),
            _then(unary(away_from(0.5)), lambda x: st.tuples(st.sampled_from([-1.0, 2.0]))))
register_nn("softshrink", lambda F, x, lam: F.softshrink(x, lam),
            _then(unary(away_from(-0.5, 0.5, -1.0, 1.0)),
                  lambda x: st.tuples(st.sampled_from([0.5, 1.0]))))
register_nn("hardshrink", lambda F, x, lam: F.hardshrink(x, lam),
            _then(unary(away_from(-0.5, 0.5, -1.0, 1.0)),
                  lambda x: st.tuples(st.sampled_from([0.5, 1.0]))))


@st.composite
def _prelu_args(draw):
    x = draw(tensors(shape=shapes(max_dims=4), elements=_NONZERO))
    channels = x.shape[1] if x.ndim >= 2 else 1
    n = draw(st.sampled_from(sorted({1, channels})))
    return (x, draw(tensors(shape=(n,), elements=finite(-1, 1))))


register_nn("prelu", lambda F, x, w: F.prelu(x, w), _prelu_args())
for _name in ("softmax", "log_softmax", "softmin"):
    register_nn(_name, (lambda n: lambda F, x, d, dt: getattr(F, n)(x, d, dtype=dt))(_name),
                _then(along_dim(min_dims=0), lambda x, d: st.tuples(st.none())))


@st.composite
def _glu_args(draw):
    shape = list(draw(shapes(min_dims=1)))
    d = draw(st.integers(-len(shape), len(shape) - 1))
    shape[d] = 2 * draw(st.integers(1, 2))
    return (draw(tensors(shape=tuple(shape))), d)


register_nn("glu", lambda F, x, d: F.glu(x, d), _glu_args())

# ------------------------------------------------------------------ losses
_REDUCTION = st.sampled_from(["mean", "sum", "none"])


@st.composite
def offset_pair(draw, offsets=_NONZERO, *, min_dims=0, shape=None):
    """(input, target) of one shape, with target = input - offset elementwise (both require
    grad), so input - target keeps away from a loss's kinks (|d| at 0, at beta)."""
    shape = draw(shapes(min_dims=min_dims)) if shape is None else shape
    x = draw(tensors(shape=shape))
    d = draw(tensors(shape=shape, elements=offsets, requires_grad=False))
    return (x, Tensor._wrap(x._data - d._data, None).requires_grad_())


def _weight_for(x, elements=None):
    """None, or a positive weight of x's shape."""
    return st.none() | tensors(shape=tuple(x.shape), elements=elements or positive(0.2, 2),
                               requires_grad=False)


register_nn("mse_loss", lambda F, x, t, r, w: F.mse_loss(x, t, reduction=r, weight=w),
            _then(offset_pair(finite()), lambda x, t: st.tuples(_REDUCTION, _weight_for(x))))
register_nn("l1_loss", lambda F, x, t, r, w: F.l1_loss(x, t, reduction=r, weight=w),
            _then(offset_pair(), lambda x, t: st.tuples(_REDUCTION, _weight_for(x))))
register_nn("smooth_l1_loss", lambda F, x, t, r, b: F.smooth_l1_loss(x, t, reduction=r, beta=b),
            _then(offset_pair(away_from(-1, -0.5, 0, 0.5, 1, margin=0.05)),
                  lambda x, t: st.tuples(_REDUCTION, st.sampled_from([1.0, 0.5, 0.0]))))
register_nn("huber_loss", lambda F, x, t, r, d, w: F.huber_loss(x, t, reduction=r, delta=d,
                                                                weight=w),
            _then(offset_pair(away_from(-1, -0.5, 0.5, 1, margin=0.05)),
                  lambda x, t: st.tuples(_REDUCTION, st.sampled_from([1.0, 0.5]),
                                         _weight_for(x))))


@st.composite
def _bce_args(draw, logits):
    shape = draw(shapes())
    x = draw(tensors(shape=shape, elements=None if logits else within(0, 1, margin=0.05)))
    # strictly inside [0, 1]: gradcheck moves the target by eps, and bce refuses a target
    # outside [0, 1]
    t = draw(tensors(shape=shape, elements=within(0, 1, margin=0.01),
                     requires_grad=draw(st.booleans())))
    w = draw(st.none() | tensors(shape=shape[draw(st.integers(0, len(shape))):],
                                 elements=positive(0.2, 2), requires_grad=False))
    if not logits:
        return (x, t, w, draw(_REDUCTION))
    pw = draw(st.none() | tensors(shape=shape[-1:], elements=positive(0.2, 2),
                                  requires_grad=False))
    return (x, t, w, draw(_REDUCTION), pw)


register_nn("binary_cross_entropy", lambda F, x, t, w, r: F.binary_cross_entropy(
    x, t, w, reduction=r), _bce_args(False))
register_nn("binary_cross_entropy_with_logits", lambda F, x, t, w, r, pw:
                  F.binary_cross_entropy_with_logits(x, t, w, reduction=r, pos_weight=pw),
            _bce_args(True))


@st.composite
def _kl_div_args(draw):
    shape = draw(shapes(min_dims=1))
    log_target = draw(st.booleans())
    x = draw(tensors(shape=shape, elements=finite(-3, 0)))
    t = draw(tensors(shape=shape, elements=finite(-3, 0) if log_target else positive(0.05, 1)))
    return (x, t, draw(st.sampled_from(["mean", "sum", "none", "batchmean"])), log_target)


register_nn("kl_div", lambda F, x, t, r, lt: F.kl_div(x, t, reduction=r, log_target=lt),
            _kl_div_args())


@st.composite
def _signs(draw, shape):
    values = draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=int(np.prod(shape)),
                           max_size=int(np.prod(shape))))
    return const(np.reshape(values, shape))


@st.composite
def _cosine_embedding_args(draw):
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    dim = draw(st.integers(1, 3))
    a = draw(tensors(shape=batch + (dim,), elements=_NONZERO))
    b = draw(tensors(shape=batch + (dim,), elements=_NONZERO))
    return (a, b, draw(_signs(batch)), draw(st.sampled_from([0.0, 0.5, -0.3])),
            draw(_REDUCTION))


register_nn("cosine_embedding_loss", lambda F, a, b, y, m, r: F.cosine_embedding_loss(
    a, b, y, margin=m, reduction=r), _cosine_embedding_args())


@st.composite
def _margin_ranking_args(draw):
    shape = draw(shapes(max_dims=2))
    margin = draw(st.sampled_from([0.0, 0.5]))
    y = draw(_signs(shape))
    x1, x2 = draw(offset_pair(away_from(-margin, margin), shape=shape))
    return (x1, x2, y, margin, draw(_REDUCTION))


register_nn("margin_ranking_loss", lambda F, a, b, y, m, r: F.margin_ranking_loss(
    a, b, y, margin=m, reduction=r), _margin_ranking_args())


@st.composite
def _hinge_embedding_args(draw):
    shape = draw(shapes())
    margin = draw(st.sampled_from([1.0, 0.5]))
    return (draw(tensors(shape=shape, elements=away_from(margin))), draw(_signs(shape)),
            margin, draw(_REDUCTION))


register_nn("hinge_embedding_loss", lambda F, x, y, m, r: F.hinge_embedding_loss(
    x, y, margin=m, reduction=r), _hinge_embedding_args())


@st.composite
def _triplet_args(draw):
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    dim = draw(st.integers(1, 3))
    # anchor, positive and negative differ pairwise in every coordinate (p = a - d1,
    # n = p - d2 with d1, d2 > 0): a distance at (or within eps of) 0 is a kink of the norm
    a = draw(tensors(shape=batch + (dim,)))
    d1, d2 = (draw(tensors(shape=batch + (dim,), elements=positive(0.2, 1.5),
                           requires_grad=False))._data for _ in range(2))
    p, n = (Tensor._wrap(v, None).requires_grad_() for v in (a._data - d1, a._data - d1 - d2))
    return (a, p, n, draw(st.sampled_from([1.0, 0.5])), draw(st.sampled_from([2, 1, 3])),
            draw(st.booleans()), draw(_REDUCTION))


register_nn("triplet_margin_loss", lambda F, a, p, n, m, pn, sw, r: F.triplet_margin_loss(
    a, p, n, margin=m, p=pn, swap=sw, reduction=r), _triplet_args())


@st.composite
def _poisson_args(draw):
    shape = draw(shapes())
    log_input = draw(st.booleans())
    x = draw(tensors(shape=shape, elements=finite(-2, 2) if log_input else positive(0.1, 3)))
    t = draw(tensors(shape=shape, elements=finite(0, 4)))
    return (x, t, log_input, draw(st.booleans()), draw(_REDUCTION))


register_nn("poisson_nll_loss", lambda F, x, t, li, full, r: F.poisson_nll_loss(
    x, t, log_input=li, full=full, reduction=r), _poisson_args())


@st.composite
def _gaussian_nll_args(draw):
    shape = draw(shapes(min_dims=1))
    var_shape = draw(st.sampled_from([shape, shape[:-1], shape[:-1] + (1,)]))
    x, t = draw(tensors(shape=shape)), draw(tensors(shape=shape))
    return (x, t, draw(tensors(shape=var_shape, elements=positive(0.1, 3))),
            draw(st.booleans()), draw(_REDUCTION))


register_nn("gaussian_nll_loss", lambda F, x, t, v, full, r: F.gaussian_nll_loss(
    x, t, v, full=full, reduction=r), _gaussian_nll_args())
register_nn("soft_margin_loss", lambda F, x, y, r: F.soft_margin_loss(x, y, reduction=r),
            unary().flatmap(lambda a: st.tuples(st.just(a[0]), _signs(tuple(a[0].shape)),
                                                _REDUCTION)))


@st.composite
def _multilabel_args(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = draw(tensors(shape=(n, c)))
    y = const(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n * c, max_size=n * c)))
    return (x, Tensor._wrap(y._data.reshape(n, c), None),
            draw(st.none() | tensors(shape=(c,), elements=positive(0.2, 2),
                                     requires_grad=False)), draw(_REDUCTION))


register_nn("multilabel_soft_margin_loss", lambda F, x, y, w, r: F.multilabel_soft_margin_loss(
    x, y, w, reduction=r), _multilabel_args())


@st.composite
def _cosine_similarity_args(draw):
    from .strategies import broadcastable_shapes
    sa, sb = draw(broadcastable_shapes(2, min_dims=1))
    ndim = max(len(sa), len(sb))
    return (draw(tensors(shape=sa, elements=_NONZERO)), draw(tensors(shape=sb, elements=_NONZERO)),
            draw(st.integers(-ndim, ndim - 1)))


register_nn("cosine_similarity", lambda F, a, b, d: F.cosine_similarity(a, b, d),
            _cosine_similarity_args())


@st.composite
def _pairwise_args(draw):
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    a, b = draw(offset_pair(away_from(0, margin=0.2), shape=batch + (draw(st.integers(1, 3)),)))
    return (a, b, draw(st.sampled_from([2.0, 1.0, 3.0])), draw(st.booleans()))


register_nn("pairwise_distance", lambda F, a, b, p, k: F.pairwise_distance(a, b, p, keepdim=k),
            _pairwise_args())


# ------------------------------------------------------------------ classification losses
@st.composite
def _class_args(draw, probabilities=True):
    """(input, target, weight, ignore_index, reduction[, label_smoothing]) for nll_loss and
    cross_entropy: (C,), (N, C) or (N, C, d) logits; class-index (int64) targets, or - for
    cross_entropy - class probabilities."""
    c = draw(st.integers(1, 3))
    layout = draw(st.sampled_from(["c", "nc", "ncd"]))
    n, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    shape = {"c": (c,), "nc": (n, c), "ncd": (n, c, d)}[layout]
    x = draw(tensors(shape=shape))
    target_shape = shape[:1] + shape[2:] if layout != "c" else ()
    use_probs = probabilities and draw(st.booleans())
    if use_probs:
        raw = draw(tensors(shape=shape, elements=positive(0.1, 1), requires_grad=False))._data
        t = Tensor._wrap(raw / raw.sum(axis=0 if layout == "c" else 1, keepdims=True), None)
        ignore = -100
    else:
        size = int(np.prod(target_shape))
        t = const(np.reshape(draw(st.lists(st.integers(0, c - 1), min_size=size,
                                           max_size=size)), target_shape), np.int64)
        ignore = draw(st.sampled_from([-100, 0]))
    w = draw(st.none() | tensors(shape=(c,), elements=positive(0.2, 2), requires_grad=False))
    rest = (w, ignore, draw(_REDUCTION))
    if probabilities:
        rest += (draw(st.sampled_from([0.0, 0.2])),)
    return (x, t) + rest


register_nn("cross_entropy", lambda F, x, t, w, ig, r, ls: F.cross_entropy(
    x, t, w, ignore_index=ig, reduction=r, label_smoothing=ls), _class_args())
register_nn("nll_loss", lambda F, x, t, w, ig, r: F.nll_loss(x, t, w, ignore_index=ig,
                                                             reduction=r),
            _class_args(probabilities=False))


@st.composite
def _multi_margin_args(draw):
    c = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([(), (draw(st.integers(1, 3)),)]))
    x = draw(tensors(shape=batch + (c,)))
    size = int(np.prod(batch))
    t = const(np.reshape(draw(st.lists(st.integers(0, c - 1), min_size=size, max_size=size)),
                         batch), np.int64)
    return (x, t, draw(st.sampled_from([1, 2])), draw(st.sampled_from([1.0, 0.5])),
            draw(st.none() | tensors(shape=(c,), elements=positive(0.2, 2),
                                     requires_grad=False)), draw(_REDUCTION))


register_nn("multi_margin_loss", lambda F, x, t, p, m, w, r: F.multi_margin_loss(
    x, t, p=p, margin=m, weight=w, reduction=r), _multi_margin_args())



@st.composite
def _multilabel_margin_args(draw):
    """(input, target, reduction): target rows hold class indices, ended by a -1 (the
    classes after it are ignored)."""
    c = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([(), (draw(st.integers(1, 3)),)]))
    rows = []
    for _ in range(int(np.prod(batch))):
        classes = draw(st.permutations(range(c)))[:draw(st.integers(0, c))]
        rows.append(list(classes) + [-1] * (c - len(classes)))
    t = const(np.reshape(rows, batch + (c,)), np.int64)
    return (draw(tensors(shape=batch + (c,), unique=True, elements=SPACED)), t,
            draw(_REDUCTION))


register_nn("multilabel_margin_loss", lambda F, x, t, r: F.multilabel_margin_loss(
    x, t, reduction=r), _multilabel_margin_args())
# distances between distinct rows: no coordinate of two rows equal (|.| and sqrt kinks)
register_nn("pdist", lambda F, x, p: F.pdist(x, p),
            st.tuples(tensors(shape=st.tuples(st.integers(1, 4), st.integers(1, 3)),
                              unique=True, elements=SPACED), st.sampled_from([2.0, 1.0, 3.0])))


def _l1_distance(a, b):
    return (a - b).abs().sum(-1)


register_nn("triplet_margin_with_distance_loss", lambda F, a, p, n, d, m, sw, r:
            F.triplet_margin_with_distance_loss(a, p, n, distance_function=d, margin=m,
                                                swap=sw, reduction=r),
            _triplet_args().flatmap(lambda a: st.tuples(
                *map(st.just, a[:3]), st.sampled_from([None, _l1_distance]), st.just(a[3]),
                st.just(a[5]), st.just(a[6]))))

# random ops (seeded per call, see `seeded`): training-mode rrelu draws a slope per element,
# gumbel_softmax draws Gumbel noise; PyTorch draws other numbers, so parity compares
# evaluation-mode rrelu only. hard gumbel_softmax passes the soft sample's gradient
# (straight-through), which is not the derivative of its one-hot output
_RRELU = away_from(0)
register_nn("rrelu", lambda F, x, lo, hi, ip: F.rrelu(seeded(x.clone() if ip else x), lo, hi,
                                                      training=True, inplace=ip),
            _then(unary(_RRELU), lambda x: st.tuples(st.just(0.1), st.just(0.4), _INPLACE)),
            parity=False)
register_nn("rrelu[eval]", lambda F, x, lo, hi, ip: _maybe_inplace(F, F.rrelu, x, ip, lo, hi,
                                                                   False),
            _then(unary(_RRELU), lambda x: st.tuples(st.sampled_from([0.125, 0.1]),
                                                     st.sampled_from([0.4, 1 / 3]), _INPLACE)))
register_nn("rrelu_", lambda F, x, tr: F.rrelu_(seeded(x.clone()), 0.1, 0.4, training=tr),
            _then(unary(_RRELU), lambda x: st.tuples(st.booleans())), parity=False)
register_nn("rrelu_[eval]", lambda F, x: F.rrelu_(x.clone(), 0.1, 0.4, training=False),
            unary(_RRELU))
register_nn("gumbel_softmax", lambda F, x, tau, d: F.gumbel_softmax(seeded(x), tau, dim=d),
            _then(along_dim(min_dims=0), lambda x, d: st.tuples(st.sampled_from([1.0, 0.5]),
                                                                st.just(d)))
            .map(lambda a: (a[0], a[2], a[1])), parity=False)
def _hard_gumbel(F, x, d):
    return F.gumbel_softmax(seeded(x), hard=True, dim=d)


register_nn("gumbel_softmax[hard]", _hard_gumbel, along_dim(min_dims=1),
            checks=("grad_meta", "inputs_unchanged"), parity=False)
register_nn("gumbel_softmax[hard,0-d]", _hard_gumbel, along_dim(min_dims=0, max_dims=0),
            checks=("grad_meta", "inputs_unchanged"), parity=False)

from . import nn_registry_layers  # noqa: E402,F401  (registers layers, conv, pooling, vision)
