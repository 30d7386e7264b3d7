"""nn's public surface against PyTorch's: every module, nn.functional function, nn.init
function and Module method the nn issue names has PyTorch's parameters (names, kinds and
defaults), plus parity tests for the smaller pieces (distance modules, Softmax2d, RReLU,
MultiLabelMarginLoss, TripletMarginWithDistanceLoss, EmbeddingBag, 0-d inputs, state-dict
hooks)."""
import inspect

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F

torch = pytest.importorskip("torch")
tnn = torch.nn
TF = torch.nn.functional

MODULES = """Module Parameter Sequential ModuleList ModuleDict ParameterList ParameterDict Identity
Flatten Unflatten Linear Bilinear Dropout Dropout1d Dropout2d Dropout3d AlphaDropout
FeatureAlphaDropout BatchNorm1d BatchNorm2d BatchNorm3d LayerNorm GroupNorm RMSNorm
InstanceNorm1d InstanceNorm2d LocalResponseNorm Embedding EmbeddingBag ReLU LeakyReLU ELU
SELU CELU GELU SiLU Mish Sigmoid Tanh Softplus Softsign Hardtanh ReLU6 Hardsigmoid Hardswish
LogSigmoid PReLU Softmax LogSoftmax Softmin Softmax2d Threshold Tanhshrink Softshrink
Hardshrink GLU RReLU MSELoss L1Loss SmoothL1Loss HuberLoss BCELoss BCEWithLogitsLoss
CrossEntropyLoss NLLLoss KLDivLoss CosineEmbeddingLoss MarginRankingLoss HingeEmbeddingLoss
TripletMarginLoss TripletMarginWithDistanceLoss PoissonNLLLoss GaussianNLLLoss
SoftMarginLoss MultiLabelSoftMarginLoss MultiLabelMarginLoss MultiMarginLoss
CosineSimilarity PairwiseDistance""".split()

FUNCTIONS = """linear bilinear relu relu6 leaky_relu elu selu celu gelu silu mish sigmoid tanh
softplus
softsign hardtanh hardsigmoid hardswish logsigmoid prelu softmax log_softmax softmin
threshold tanhshrink softshrink hardshrink glu rrelu gumbel_softmax dropout dropout1d
dropout2d dropout3d alpha_dropout feature_alpha_dropout batch_norm layer_norm group_norm
rms_norm instance_norm local_response_norm embedding embedding_bag one_hot normalize pad
cosine_similarity pairwise_distance pdist cross_entropy nll_loss mse_loss l1_loss
smooth_l1_loss huber_loss binary_cross_entropy binary_cross_entropy_with_logits kl_div
cosine_embedding_loss margin_ranking_loss hinge_embedding_loss triplet_margin_loss
triplet_margin_with_distance_loss poisson_nll_loss gaussian_nll_loss soft_margin_loss
multilabel_soft_margin_loss multilabel_margin_loss multi_margin_loss""".split()

INIT = """uniform_ normal_ constant_ zeros_ ones_ eye_ dirac_ xavier_uniform_ xavier_normal_
kaiming_uniform_ kaiming_normal_ trunc_normal_ orthogonal_ sparse_ calculate_gain""".split()

MODULE_METHODS = """register_parameter register_buffer add_module register_module get_submodule
set_submodule get_parameter get_buffer parameters named_parameters buffers named_buffers
children named_children modules named_modules train eval requires_grad_ zero_grad apply to
float double half type cpu cuda share_memory to_empty compile forward register_forward_hook
register_backward_hook
register_forward_pre_hook register_full_backward_hook register_full_backward_pre_hook
state_dict load_state_dict register_state_dict_pre_hook register_state_dict_post_hook
register_load_state_dict_pre_hook register_load_state_dict_post_hook get_extra_state
set_extra_state extra_repr""".split()


def _parameters(fn):
    """(name, kind, default) of each parameter: what a caller can rely on (annotations are
    PyTorch's typing detail and are left out)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def _torch_parameters(fn):
    try:
        return _parameters(fn)
    except ValueError:  # a C builtin without a Python signature
        pytest.skip(f"{fn} has no inspectable signature in PyTorch")


@pytest.mark.parametrize("name", MODULES)
def test_module_constructor_and_forward_signatures_match_torch(name):
    ours, theirs = getattr(nn, name), getattr(tnn, name)
    make = "__new__" if name == "Parameter" else "__init__"
    assert _parameters(getattr(ours, make)) == _parameters(getattr(theirs, make))
    if name not in ("Module", "Parameter"):
        assert _parameters(ours.forward) == _parameters(theirs.forward)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functional_signatures_match_torch(name):
    theirs = getattr(TF, name, None) or getattr(torch, name)
    assert _parameters(getattr(F, name)) == _torch_parameters(theirs)


@pytest.mark.parametrize("name", INIT)
def test_init_signatures_match_torch(name):
    assert _parameters(getattr(nn.init, name)) == _parameters(getattr(tnn.init, name))


@pytest.mark.parametrize("name", MODULE_METHODS)
def test_module_method_signatures_match_torch(name):
    assert _parameters(getattr(nn.Module, name)) == _parameters(getattr(tnn.Module, name))


@pytest.mark.parametrize("name", ["parameters_to_vector", "vector_to_parameters"])
def test_utils_signatures_match_torch(name):
    assert _parameters(getattr(nn.utils, name)) == _parameters(getattr(tnn.utils, name))


# ------------------------------------------------------------------ parity of the smaller pieces
def _pair(values, requires_grad=True):
    values = np.asarray(values)
    grad = requires_grad and values.dtype.kind == "f"
    return (torch.tensor(values, requires_grad=grad),
            autograd.tensor(values, requires_grad=grad))


def _check(torch_fn, our_fn, *arrays, seed=0, grad_rtol=1e-9):
    """Outputs and the gradients of a random weighting of them agree with PyTorch's."""
    pairs = [_pair(a) for a in arrays]
    expected = torch_fn(*[t for t, _ in pairs])
    got = our_fn(*[g for _, g in pairs])
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    weights = np.random.default_rng(seed).normal(size=tuple(expected.shape))
    (expected * torch.tensor(weights)).sum().backward()
    (got * autograd.tensor(weights)).sum().backward()
    for t, g in pairs:
        if t.requires_grad:
            np.testing.assert_allclose(g.grad.numpy(), t.grad.numpy(), rtol=grad_rtol,
                                       atol=1e-12)


def _multilabel_targets(rng, shape):
    """Class lists ended by -1 (with duplicates and junk after the -1, which is not read)."""
    classes = shape[-1]
    target = rng.integers(-1, classes, shape).reshape(-1, classes)
    for row in target:
        row[rng.integers(0, classes)] = -1
    target[0, 0] = -1  # a sample without any class
    return target.reshape(shape)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5, 4), (4,)])
def test_multilabel_margin_loss_matches_torch(shape, reduction):
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape)
    target = _multilabel_targets(rng, shape) if len(shape) == 2 else np.array([2, 2, 0, -1])
    _check(lambda a, t: TF.multilabel_margin_loss(a, t, reduction=reduction),
           lambda a, t: F.multilabel_margin_loss(a, t, reduction=reduction), x, target)
    _check(tnn.MultiLabelMarginLoss(reduction=reduction),
           nn.MultiLabelMarginLoss(reduction=reduction), x, target)


def test_multilabel_margin_loss_errors_name_expected_and_given():
    x = autograd.randn(2, 4)
    with pytest.raises(IndexError, match=r"Target 5 is out of bounds.*\[0, 3\]"):
        F.multilabel_margin_loss(x, autograd.tensor([[5, 0, -1, 1], [1, 2, 3, 0]]))
    with pytest.raises(RuntimeError, match=r"target size: \[1, 4\] for input of size: \[2, 4\]"):
        F.multilabel_margin_loss(x, autograd.tensor([[1, 0, -1, 1]]))
    with pytest.raises(RuntimeError, match="Long.*got autograd.float32"):
        F.multilabel_margin_loss(x, autograd.rand(2, 4))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("cosine", [False, True])
def test_triplet_margin_with_distance_loss_matches_torch(cosine, swap, reduction):
    rng = np.random.default_rng(2)
    arrays = [rng.normal(size=(6, 3)) for _ in range(3)]
    their_d = (lambda a, b: 1 - TF.cosine_similarity(a, b)) if cosine else None
    our_d = (lambda a, b: 1 - F.cosine_similarity(a, b)) if cosine else None
    _check(lambda a, p, n: TF.triplet_margin_with_distance_loss(
        a, p, n, distance_function=their_d, margin=0.7, swap=swap, reduction=reduction),
        lambda a, p, n: F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=our_d, margin=0.7, swap=swap, reduction=reduction), *arrays)
    _check(tnn.TripletMarginWithDistanceLoss(distance_function=their_d, swap=swap,
                                             reduction=reduction),
           nn.TripletMarginWithDistanceLoss(distance_function=our_d, swap=swap,
                                            reduction=reduction), *arrays)
    with pytest.raises(ValueError, match="margin to be greater than 0, got 0"):
        nn.TripletMarginWithDistanceLoss(margin=0)


def test_distance_modules_and_softmax2d_match_torch():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    _check(tnn.CosineSimilarity(0, 1e-3), nn.CosineSimilarity(0, 1e-3), a, b)
    _check(tnn.PairwiseDistance(1.5, 1e-3, True), nn.PairwiseDistance(1.5, 1e-3, True), a, b)
    _check(tnn.Softmax2d(), nn.Softmax2d(), rng.normal(size=(2, 3, 4, 5)))
    _check(tnn.Softmax2d(), nn.Softmax2d(), rng.normal(size=(3, 4, 5)))
    with pytest.raises(ValueError, match="3D or 4D, got 2D"):
        nn.Softmax2d()(autograd.rand(3, 4))


def test_rrelu_evaluation_matches_torch_and_training_draws_slopes_in_range():
    x = np.random.default_rng(4).normal(size=(4, 5))
    _check(lambda t: TF.rrelu(t, 0.1, 0.4), lambda g: F.rrelu(g, 0.1, 0.4), x)
    _check(tnn.RReLU(0.1, 0.3).eval(), nn.RReLU(0.1, 0.3).eval(), x)
    negative = autograd.tensor(-np.ones((200, 100)), requires_grad=True)
    out = F.rrelu(negative, 0.1, 0.3, training=True)
    out.sum().backward()
    slopes = -out.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and abs(slopes.mean() - 0.2) < 0.005
    np.testing.assert_array_equal(negative.grad.numpy(), slopes)  # gradient: the drawn slope
    np.testing.assert_array_equal(F.rrelu(autograd.ones(5), training=True).numpy(), np.ones(5))
    autograd.manual_seed(7)
    first = F.rrelu(-autograd.ones(5), training=True).numpy()
    autograd.manual_seed(7)
    np.testing.assert_array_equal(F.rrelu(-autograd.ones(5), training=True).numpy(), first)
    values = -autograd.ones(5)
    assert nn.RReLU(inplace=True)(values) is values and (values.numpy() > -1).all()


@pytest.mark.parametrize("ours,theirs", [
    (lambda: nn.CosineSimilarity(), lambda: tnn.CosineSimilarity()),
    (lambda: nn.PairwiseDistance(), lambda: tnn.PairwiseDistance()),
    (lambda: nn.Softmax2d(), lambda: tnn.Softmax2d()),
    (lambda: nn.RReLU(), lambda: tnn.RReLU()),
    (lambda: nn.RReLU(0.1, 0.2, True), lambda: tnn.RReLU(0.1, 0.2, True)),
    (lambda: nn.MultiLabelMarginLoss(), lambda: tnn.MultiLabelMarginLoss()),
    (lambda: nn.TripletMarginWithDistanceLoss(), lambda: tnn.TripletMarginWithDistanceLoss()),
    (lambda: nn.EmbeddingBag(5, 3), lambda: tnn.EmbeddingBag(5, 3)),
    (lambda: nn.EmbeddingBag(5, 3, max_norm=1.0, norm_type=1, scale_grad_by_freq=True,
                             mode="sum", padding_idx=-1, sparse=True),
     lambda: tnn.EmbeddingBag(5, 3, max_norm=1.0, norm_type=1, scale_grad_by_freq=True,
                              mode="sum", padding_idx=-1, sparse=True)),
])
def test_new_module_reprs_and_state_dicts_match_torch(ours, theirs):
    assert repr(ours()) == repr(theirs())
    assert list(ours().state_dict()) == list(theirs().state_dict())


# ------------------------------------------------------------------ 0-d inputs and targets
ZERO_D = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish",
          "sigmoid", "tanh", "softplus", "softsign", "hardtanh", "hardsigmoid", "hardswish",
          "logsigmoid", "tanhshrink", "softshrink", "hardshrink"]


@pytest.mark.parametrize("value", [0.3, -4.0, 5.0])
@pytest.mark.parametrize("name", ZERO_D)
def test_activations_of_a_0d_tensor_match_torch(name, value):
    # PyTorch's hardsigmoid backward multiplies by a float32 1/6 even in float64
    _check(getattr(TF, name), getattr(F, name), np.array(value),
           grad_rtol=1e-7 if name == "hardsigmoid" else 1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "soft_margin_loss"])
def test_binary_losses_of_0d_tensors_match_torch(name, reduction):
    _check(lambda a: getattr(TF, name)(a, torch.tensor(1.0, dtype=a.dtype), reduction=reduction),
           lambda a: getattr(F, name)(a, autograd.tensor(1.0, dtype=a.dtype),
                                      reduction=reduction), np.array(0.3))


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
def test_binary_losses_refuse_integer_targets_naming_both_dtypes(name):
    with pytest.raises(RuntimeError, match=r"floating point target.*autograd.float32.*"
                                           r"got autograd.int64"):
        getattr(F, name)(autograd.rand(3), autograd.tensor([1, 0, 1]))
    with pytest.raises(RuntimeError):
        getattr(TF, name)(torch.rand(3), torch.tensor([1, 0, 1]))


def test_kl_div_batchmean_of_an_empty_batch_is_nan_without_warnings():
    import warnings
    x = autograd.zeros(0, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.kl_div(x, x.detach(), reduction="batchmean")
    assert np.isnan(loss.item())
    assert np.isnan(TF.kl_div(torch.zeros(0, 3), torch.zeros(0, 3), reduction="batchmean").item())


# ------------------------------------------------------------------ Module additions
def _tree(N):
    return N.Sequential(N.Linear(2, 2), N.Sequential(N.ReLU(), N.Linear(2, 1)))


def test_modules_remove_duplicate_and_set_submodule_match_torch():
    ours, theirs = _tree(nn), _tree(tnn)
    ours.add_module("again", ours[0])
    theirs.add_module("again", theirs[0])
    for flag in (True, False):
        assert [type(m).__name__ for m in ours.modules(remove_duplicate=flag)] == \
               [type(m).__name__ for m in theirs.modules(remove_duplicate=flag)]
    ours.set_submodule("1.0", nn.Tanh())
    theirs.set_submodule("1.0", tnn.Tanh())
    assert repr(ours) == repr(theirs)
    with pytest.raises(AttributeError, match="has no attribute `missing`"):
        ours.set_submodule("1.missing", nn.Tanh(), strict=True)
    with pytest.raises(AttributeError, match="`weight` is not an nn.Module"):
        ours.set_submodule("0.weight", nn.Tanh())
    with pytest.raises(ValueError, match="without a target name"):
        ours.set_submodule("", nn.Tanh())
    assert ours.share_memory() is ours and ours.to_empty(device="cpu") is ours
    with pytest.raises(RuntimeError, match="not available"):
        ours.to_empty(device="cuda")


def test_state_dict_pre_hook_and_load_pre_hook_run_like_torch():
    calls = {}
    for label, N, T in (("ours", nn, autograd), ("theirs", tnn, torch)):
        model = _tree(N)
        seen = calls.setdefault(label, [])
        model[1].register_state_dict_pre_hook(lambda m, prefix, keep: seen.append(prefix))

        def rename(module, state_dict, prefix, metadata, strict, missing, unexpected, errors):
            # an old checkpoint named the last layer's weight "w"
            if prefix + "w" in state_dict:
                state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")
        handle = model[1][1].register_load_state_dict_pre_hook(rename)
        state = {k: v.clone() for k, v in model.state_dict().items()}
        state["1.1.w"] = state.pop("1.1.weight") * 0 + 3
        result = model.load_state_dict(state)
        seen.append(str(result))
        seen.append(model[1][1].weight.detach().numpy().tolist())
        handle.remove()
        with pytest.raises(RuntimeError, match='Missing key.*"1.1.weight"'):
            model.load_state_dict(state)
    assert calls["ours"] == calls["theirs"]


def test_target_shape_errors_name_the_expected_and_given_shapes():
    with pytest.raises(RuntimeError, match=r"input1 \(2, 3\), input2 \(2, 3\) and target \(3,\)"):
        F.cosine_embedding_loss(autograd.rand(2, 3), autograd.rand(2, 3), autograd.ones(3))
    with pytest.raises(RuntimeError, match=r"input's shape \(2, 3\); the target's shape is "
                                           r"\(2, 4\)"):
        F.cross_entropy(autograd.rand(2, 3), autograd.rand(2, 4))


# ------------------------------------------------------------------ embedding_bag
BAGS = [  # (ids, offsets, options)
    ([1, 2, 4, 5, 4, 3], [0, 2, 2, 5], {}),                       # an empty bag
    ([[1, 2, 2], [5, 0, 5]], None, {}),                           # 2-D: one bag per row
    ([1, 2, 4, 5, 4, 3], [0, 2, 4], {"include_last_offset": True}),
    ([1, 2, 4, 5, 4, 3], [0, 2, 4], {"padding_idx": 4}),
    ([[1, 2], [2, 2]], None, {"padding_idx": 2}),                # a bag of padding only
    ([1, 2, 4, 5, 4, 3], [0, 3], {"max_norm": 0.5}),
    ([1, 1, 3, 0], [0], {}),                                      # repeated ids, ties in max
    (np.zeros(0, dtype=np.int64), [0, 0], {}),                    # no ids at all
]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("ids,offsets,options", BAGS)
def test_embedding_bag_matches_torch(ids, offsets, options, mode):
    table = np.random.default_rng(5).normal(size=(6, 3))
    to_torch = (lambda v: None if v is None else torch.tensor(v))
    to_ours = (lambda v: None if v is None else autograd.tensor(v))
    _check(lambda w: TF.embedding_bag(to_torch(ids), w, to_torch(offsets), mode=mode,
                                      **options),
           lambda w: F.embedding_bag(to_ours(ids), w, to_ours(offsets), mode=mode, **options),
           table)


@pytest.mark.parametrize("ids,offsets", [([1, 2, 4, 5, 4, 3], [0, 2, 2, 5]),
                                         ([[1, 2, 2], [5, 0, 5]], None)])
def test_embedding_bag_per_sample_weights_get_gradients_like_torch(ids, offsets):
    rng = np.random.default_rng(6)
    table, weights = rng.normal(size=(6, 3)), rng.normal(size=np.shape(ids))
    _check(lambda w, s: TF.embedding_bag(torch.tensor(ids), w, None if offsets is None else
                                         torch.tensor(offsets), mode="sum",
                                         per_sample_weights=s, padding_idx=5),
           lambda w, s: F.embedding_bag(autograd.tensor(ids), w, None if offsets is None else
                                        autograd.tensor(offsets), mode="sum",
                                        per_sample_weights=s, padding_idx=5),
           table, weights)


def test_embedding_bag_scale_grad_by_freq_divides_by_each_ids_count():
    table = autograd.zeros(6, 1, dtype=autograd.float64, requires_grad=True)
    F.embedding_bag(autograd.tensor([3, 1, 1, 2]), table, autograd.tensor([0, 2]), mode="sum",
                    scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(table.grad.numpy().ravel(), [0, 1, 1, 1, 0, 0])


def test_embedding_bag_module_forward_and_from_pretrained():
    table = np.random.default_rng(7).normal(size=(5, 3))
    theirs = tnn.EmbeddingBag.from_pretrained(torch.tensor(table), mode="max")
    ours = nn.EmbeddingBag.from_pretrained(autograd.tensor(table), mode="max")
    assert not ours.weight.requires_grad
    ids, offsets = [1, 2, 4, 4, 0], [0, 1, 3]
    np.testing.assert_allclose(ours(autograd.tensor(ids), autograd.tensor(offsets)).numpy(),
                               theirs(torch.tensor(ids), torch.tensor(offsets)).numpy())
    padded = nn.EmbeddingBag(5, 3, padding_idx=2)
    assert not padded.weight[2].detach().numpy().any()


def test_embedding_bag_errors():
    table = autograd.randn(6, 3)
    ids = autograd.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="offsets\\[0\\] has to be 0.*got 1"):
        F.embedding_bag(ids, table, autograd.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="offsets\\[-1\\] can not be greater than input's "
                                           "length 3 but got offsets\\[-1\\] of 9"):
        F.embedding_bag(ids, table, autograd.tensor([0, 9]))
    with pytest.raises(RuntimeError, match="must not decrease.*\\[0, 2, 1\\]"):
        F.embedding_bag(ids, table, autograd.tensor([0, 2, 1]))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(ids, table)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(ids.reshape(1, 3), table, autograd.tensor([0]))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(ids, table, autograd.tensor([0]), per_sample_weights=autograd.ones(3))
    with pytest.raises(ValueError, match="must have the same shape as the input"):
        F.embedding_bag(ids, table, autograd.tensor([0]), mode="sum",
                        per_sample_weights=autograd.ones(2))
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        F.embedding_bag(ids, table, autograd.tensor([0]), mode="median")
    with pytest.raises(ValueError, match="max mode does not support scaling"):
        F.embedding_bag(ids, table, autograd.tensor([0]), mode="max", scale_grad_by_freq=True)
    with pytest.raises(IndexError, match="index 7 is out of range for a table of 6 rows"):
        F.embedding_bag(autograd.tensor([7]), table, autograd.tensor([0]))
    with pytest.raises(RuntimeError, match="integer tensor.*got autograd.float32"):
        F.embedding_bag(autograd.rand(3), table, autograd.tensor([0]))


def test_batchnorm_loads_a_state_dict_without_num_batches_tracked_like_torch():
    ours, theirs = nn.Sequential(nn.BatchNorm1d(3)), tnn.Sequential(tnn.BatchNorm1d(3))
    for model in (ours, theirs):
        model[0].num_batches_tracked += 5
    state = {k: v for k, v in theirs.state_dict().items() if "num_batches" not in k}
    assert str(ours.load_state_dict({k: v.numpy() for k, v in state.items()})) == \
        str(theirs.load_state_dict(state))
    assert int(ours[0].num_batches_tracked) == int(theirs[0].num_batches_tracked) == 5
    assert "num_batches_tracked" not in str(list(state))  # the caller's dict is not changed


@pytest.mark.parametrize("p", [2, 1, 3.5, 0, float("inf"), 0.5])
def test_pdist_matches_torch_including_equal_rows(p):
    x = np.random.default_rng(8).normal(size=(5, 3))
    x[3] = x[1]  # a zero distance: gradient 0 there, as PyTorch
    _check(lambda t: TF.pdist(t, p), lambda t: F.pdist(t, p), x)
    assert tuple(F.pdist(autograd.ones(1, 3)).shape) == (0,)
    with pytest.raises(RuntimeError, match="2D tensors, got: 3D"):
        F.pdist(autograd.ones(2, 2, 2))


def test_gumbel_softmax_samples_the_softmax_and_passes_soft_gradients_when_hard():
    autograd.manual_seed(0)
    x = autograd.randn(1000, 4, requires_grad=True)
    soft = F.gumbel_softmax(x, tau=0.5)
    np.testing.assert_allclose(soft.detach().numpy().sum(1), 1, rtol=1e-6)
    hard = F.gumbel_softmax(x, hard=True)
    assert set(np.unique(hard.detach().numpy())) == {0.0, 1.0}
    np.testing.assert_array_equal(hard.detach().numpy().sum(1), 1)
    (hard * autograd.randn(1000, 4)).sum().backward()
    assert x.grad.abs().sum().item() > 0  # straight-through: the soft sample's gradient
    logits = autograd.tensor([[1.0, 2.0, 0.5]]).expand(20000, 3)
    frequencies = F.gumbel_softmax(logits, hard=True).numpy().mean(0)
    np.testing.assert_allclose(frequencies, torch.softmax(torch.tensor([1.0, 2.0, 0.5]), 0),
                               atol=0.015)
    autograd.manual_seed(3)
    first = F.gumbel_softmax(x).detach().numpy()
    autograd.manual_seed(3)
    np.testing.assert_array_equal(F.gumbel_softmax(x).detach().numpy(), first)


@pytest.mark.parametrize("old", ["uniform", "normal", "constant", "eye", "dirac",
                                 "xavier_uniform", "xavier_normal", "kaiming_uniform",
                                 "kaiming_normal", "orthogonal", "sparse"])
def test_deprecated_init_names_warn_like_torch_and_fill_in_place(old):
    assert hasattr(tnn.init, old)
    args = {"constant": (0.5,), "sparse": (0.5,)}.get(old, ())
    tensor = autograd.empty(4, 4, 3) if old == "dirac" else autograd.empty(4, 4)
    with pytest.warns(FutureWarning, match=f"`nn.init.{old}` is now deprecated in favor of "
                                           f"`nn.init.{old}_`"):
        assert getattr(nn.init, old)(tensor, *args) is tensor


@pytest.mark.parametrize("size", [1, 2, 3, 6])
@pytest.mark.parametrize("shape", [(2, 5, 4), (2, 6, 3, 3), (1, 4, 2, 2, 2)])
def test_local_response_norm_matches_torch(shape, size):
    x = np.random.default_rng(9).normal(size=shape)
    _check(lambda t: TF.local_response_norm(t, size, 1e-2, 0.6, 2.0),
           lambda t: F.local_response_norm(t, size, 1e-2, 0.6, 2.0), x)
    _check(tnn.LocalResponseNorm(size), nn.LocalResponseNorm(size), x)
    assert repr(nn.LocalResponseNorm(size)) == repr(tnn.LocalResponseNorm(size))
    with pytest.raises(ValueError, match="3D or higher dimensionality input \\(got 2"):
        F.local_response_norm(autograd.ones(2, 3), size)


def test_deprecated_backward_hook_runs_as_a_full_backward_hook_and_compile_is_accepted():
    model, seen = nn.Linear(3, 2), []
    handle = model.register_backward_hook(
        lambda module, grad_input, grad_output: seen.append((grad_input[0].shape,
                                                             grad_output[0].shape)))
    x = autograd.randn(4, 3, requires_grad=True)
    model(x).sum().backward()
    assert seen == [((4, 3), (4, 2))]
    handle.remove()
    model(x).sum().backward()
    assert len(seen) == 1
    assert model.compile() is None and model(x).shape == (4, 2)


def test_deepcopy_of_a_module_keeps_every_dtype():
    import copy
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).double()
    dtypes = {k: v.dtype for k, v in model.state_dict().items()}
    assert {k: v.dtype for k, v in copy.deepcopy(model).state_dict().items()} == dtypes
