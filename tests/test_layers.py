"""Core layers against PyTorch: outputs and gradients (input and parameters, float64),
train/eval behaviour, running statistics, initialisation ranges and error messages; and the
nn.utils helpers that work on stacks of layers (parameter vectors, summary)."""
import math

import numpy as np
import pytest

import autograd
import nn

torch = pytest.importorskip("torch")
tnn = torch.nn


def copy_from_torch(ours, theirs):
    """Load the torch module's state into ours (float64 both)."""
    theirs.double()
    ours.double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def run_both(ours, theirs, *shapes, seed=0, int_input=None):
    """Forward and backward (with a random output gradient) through both modules; returns
    (our output, torch output, [(our grad, torch grad) for inputs and parameters])."""
    rng = np.random.default_rng(seed)
    if int_input is not None:
        xs = [autograd.tensor(int_input)]
        txs = [torch.tensor(int_input)]
    else:
        arrays = [rng.standard_normal(s) for s in shapes]
        xs = [autograd.tensor(a, requires_grad=True) for a in arrays]
        txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, tout = ours(*xs), theirs(*txs)
    g = rng.standard_normal(tuple(out.shape))
    out.backward(autograd.tensor(g))
    tout.backward(torch.tensor(g))
    pairs = [(x.grad, tx.grad) for x, tx in zip(xs, txs) if int_input is None]
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        pairs.append((p.grad, tparams[name].grad))
    return out, tout, pairs


def assert_parity(ours, theirs, *shapes, rtol=1e-10, atol=1e-12, **kw):
    out, tout, pairs = run_both(ours, theirs, *shapes, **kw)
    assert tuple(out.shape) == tuple(tout.shape)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=rtol,
                               atol=atol)
    for g, tg in pairs:
        if tg is None:
            assert g is None or not np.any(g.numpy())
            continue
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=rtol, atol=atol)


PARITY = [
    ("linear", lambda m: m.Linear(5, 3), [(4, 5)]),
    ("linear_nobias_3d", lambda m: m.Linear(5, 3, bias=False), [(2, 4, 5)]),
    ("linear_1d_input", lambda m: m.Linear(5, 3), [(5,)]),
    ("bilinear", lambda m: m.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    ("batchnorm1d_2d", lambda m: m.BatchNorm1d(3), [(6, 3)]),
    ("batchnorm1d_3d", lambda m: m.BatchNorm1d(3), [(4, 3, 5)]),
    ("batchnorm2d", lambda m: m.BatchNorm2d(3), [(2, 3, 4, 5)]),
    ("batchnorm3d_noaffine", lambda m: m.BatchNorm3d(2, affine=False), [(2, 2, 3, 2, 2)]),
    ("batchnorm2d_nobias", lambda m: m.BatchNorm2d(3, bias=False), [(2, 3, 2, 2)]),
    ("batchnorm_no_stats", lambda m: m.BatchNorm1d(3, track_running_stats=False), [(5, 3)]),
    ("layernorm", lambda m: m.LayerNorm(6), [(3, 4, 6)]),
    ("layernorm_2d_shape", lambda m: m.LayerNorm((4, 6)), [(3, 4, 6)]),
    ("layernorm_nobias", lambda m: m.LayerNorm(6, bias=False), [(3, 6)]),
    ("layernorm_noaffine", lambda m: m.LayerNorm(6, elementwise_affine=False), [(3, 6)]),
    ("groupnorm", lambda m: m.GroupNorm(2, 6), [(3, 6, 4)]),
    ("groupnorm_2d", lambda m: m.GroupNorm(3, 6), [(2, 6, 3, 3)]),
    ("groupnorm_nc", lambda m: m.GroupNorm(1, 4, affine=False), [(3, 4)]),
    ("rmsnorm", lambda m: m.RMSNorm(6), [(3, 4, 6)]),
    ("rmsnorm_eps", lambda m: m.RMSNorm((4, 6), eps=1e-3), [(3, 4, 6)]),
    ("instancenorm1d", lambda m: m.InstanceNorm1d(3), [(2, 3, 5)]),
    ("instancenorm1d_unbatched", lambda m: m.InstanceNorm1d(3, affine=True), [(3, 5)]),
    ("instancenorm2d_affine", lambda m: m.InstanceNorm2d(3, affine=True), [(2, 3, 4, 4)]),
    ("instancenorm3d", lambda m: m.InstanceNorm3d(2), [(2, 2, 3, 3, 2)]),
    ("flatten", lambda m: m.Flatten(), [(2, 3, 4)]),
    ("unflatten", lambda m: m.Unflatten(1, (2, 3)), [(4, 6)]),
    ("identity", lambda m: m.Identity(), [(2, 3)]),
    ("sequential", lambda m: m.Sequential(m.Linear(4, 8), m.LayerNorm(8), m.Linear(8, 2)),
     [(5, 4)]),
]


@pytest.mark.parametrize("name,make,shapes", PARITY, ids=[p[0] for p in PARITY])
def test_layer_matches_torch_in_train_mode(name, make, shapes):
    ours, theirs = make(nn), make(tnn)
    copy_from_torch(ours, theirs)
    assert_parity(ours, theirs, *shapes)
    for key, value in theirs.state_dict().items():  # running statistics too
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(),
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,make,shapes", PARITY, ids=[p[0] for p in PARITY])
def test_layer_matches_torch_in_eval_mode(name, make, shapes):
    ours, theirs = make(nn), make(tnn)
    copy_from_torch(ours, theirs)
    with torch.no_grad():  # non-trivial running statistics and affine parameters
        for key, value in theirs.state_dict().items():
            if value.is_floating_point():
                value.copy_(torch.rand_like(value) + 0.5)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    ours.eval()
    theirs.eval()
    assert_parity(ours, theirs, *shapes, seed=1)


def test_embedding_matches_torch_with_repeated_ids_and_padding():
    ids = np.array([[1, 2, 1, 0], [3, 3, 3, 1]])
    for kw in ({}, {"padding_idx": 1}, {"padding_idx": -2, "scale_grad_by_freq": True}):
        ours, theirs = nn.Embedding(5, 3, **kw), tnn.Embedding(5, 3, **kw)
        copy_from_torch(ours, theirs)
        assert_parity(ours, theirs, int_input=ids)


def test_embedding_max_norm_renormalizes_rows_like_torch():
    ids = np.array([0, 2, 2])
    ours, theirs = nn.Embedding(4, 3, max_norm=0.5), tnn.Embedding(4, 3, max_norm=0.5)
    copy_from_torch(ours, theirs)
    assert_parity(ours, theirs, int_input=ids)
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(),
                               rtol=1e-7)


def test_embedding_init_padding_and_from_pretrained():
    autograd.manual_seed(0)
    e = nn.Embedding(2000, 8, padding_idx=3)
    w = e.weight.detach().numpy()
    assert not w[3].any()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    table = autograd.tensor([[1.0, 2.0], [3.0, 4.0]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(autograd.tensor([1, 0])).numpy(), [[3, 4], [1, 2]])
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    with pytest.raises(ValueError, match="2-dimensional"):
        nn.Embedding.from_pretrained(autograd.zeros(3))


def test_embedding_errors():
    e = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match="index 4 is out of range for a table of 4 rows"):
        e(autograd.tensor([0, 4]))
    with pytest.raises(RuntimeError, match="integer tensor"):
        e(autograd.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(4, 2, padding_idx=4)


# ------------------------------------------------------------------ BatchNorm specifics
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batchnorm_running_stats_over_several_steps_match_torch(momentum):
    ours, theirs = nn.BatchNorm2d(3, momentum=momentum), tnn.BatchNorm2d(3, momentum=momentum)
    copy_from_torch(ours, theirs)
    rng = np.random.default_rng(2)
    for step in range(4):
        x = rng.standard_normal((4, 3, 2, 2)) * (step + 1) + step
        ours(autograd.tensor(x))
        theirs(torch.tensor(x))
    for key in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(ours, key).numpy(), getattr(theirs, key).numpy(),
                                   rtol=1e-12)
    assert int(ours.num_batches_tracked.item()) == 4
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((2, 3, 2, 2))
    np.testing.assert_allclose(ours(autograd.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_batchnorm_eval_does_not_touch_running_stats():
    bn = nn.BatchNorm1d(2).eval()
    bn(autograd.randn(5, 2) * 10)
    np.testing.assert_array_equal(bn.running_mean.numpy(), [0, 0])
    np.testing.assert_array_equal(bn.running_var.numpy(), [1, 1])
    assert int(bn.num_batches_tracked.item()) == 0


def test_batchnorm_running_var_uses_unbiased_variance():
    bn = nn.BatchNorm1d(1, momentum=1.0).double()
    x = np.array([[1.0], [2.0], [4.0]])
    y = bn(autograd.tensor(x))
    assert bn.running_var.item() == pytest.approx(np.var(x, ddof=1))
    assert bn.running_mean.item() == pytest.approx(np.mean(x))
    expected = (x - x.mean()) / np.sqrt(np.var(x) + 1e-5)  # biased in the normalization
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-10)


def test_batchnorm_errors_and_nothing_changes():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when "
                                         r"training, got input size autograd.Size\(\[1, 3\]\)"):
        bn(autograd.randn(1, 3))
    assert int(bn.num_batches_tracked.item()) == 0
    with pytest.raises(RuntimeError, match="expected input with 3 channels \\(dim 1\\), got 4"):
        bn(autograd.randn(5, 4))
    with pytest.raises(ValueError, match="expected 2D or 3D input \\(got 4D input"):
        bn(autograd.randn(2, 3, 2, 2))
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(autograd.randn(2, 3))
    bn.eval()
    assert bn(autograd.randn(1, 3)).shape == (1, 3)  # one sample is fine in eval


def test_batchnorm_float32_close_to_torch():
    ours, theirs = nn.BatchNorm2d(4), tnn.BatchNorm2d(4)
    x = np.random.default_rng(3).standard_normal((8, 4, 5, 5)).astype(np.float32) * 3 + 2
    out = ours(autograd.tensor(x)).detach().numpy()
    tout = theirs(torch.tensor(x)).detach().numpy()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, tout, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-5)


def test_instancenorm_with_running_stats_matches_torch():
    ours = nn.InstanceNorm1d(3, track_running_stats=True, affine=True)
    theirs = tnn.InstanceNorm1d(3, track_running_stats=True, affine=True)
    copy_from_torch(ours, theirs)
    assert_parity(ours, theirs, (4, 3, 6))
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(),
                               rtol=1e-12)
    ours.eval()
    theirs.eval()
    assert_parity(ours, theirs, (4, 3, 6), seed=5)


def test_normalization_error_messages():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input "
                                           r"with shape \[\*, 4\], but got input of size"):
        nn.LayerNorm(4)(autograd.randn(2, 3))
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match="expected input with 6 channels"):
        nn.GroupNorm(3, 6)(autograd.randn(2, 4, 3))
    with pytest.raises(ValueError, match="expected 3D or 4D input"):
        nn.InstanceNorm2d(3)(autograd.randn(2, 3))


# ------------------------------------------------------------------ Linear specifics
def test_linear_init_ranges_match_torch_formula():
    autograd.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.002
    assert lin.weight.dtype == autograd.float32
    assert nn.Linear(2, 2, dtype=autograd.float64).weight.dtype == autograd.float64


def test_linear_init_is_reproducible_with_manual_seed():
    autograd.manual_seed(7)
    a = nn.Linear(5, 4)
    autograd.manual_seed(7)
    b = nn.Linear(5, 4)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    np.testing.assert_array_equal(a.bias.detach().numpy(), b.bias.detach().numpy())


def test_linear_shape_and_dtype_errors_name_the_layer_and_shapes():
    lin = nn.Linear(5, 2)
    with pytest.raises(RuntimeError, match=r"Linear\(in_features=5, out_features=2, "
                                           r"bias=True\): mat1 and mat2 shapes cannot be "
                                           r"multiplied \(4x3 and 5x2\)"):
        lin(autograd.randn(4, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        lin(autograd.randn(4, 5, dtype=autograd.float64))
    with pytest.raises(RuntimeError, match="not available"):
        nn.Linear(2, 2, device="cuda")


def test_linear_gradients_accumulate_and_grad_only_where_needed():
    lin = nn.Linear(3, 2)
    x = autograd.randn(4, 3)
    lin(x).sum().backward()
    first = lin.weight.grad.numpy().copy()
    lin(x).sum().backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), 2 * first, rtol=1e-6)
    assert x.grad is None
    lin.weight.requires_grad_(False)
    lin.bias.grad = None
    lin(x).sum().backward()
    np.testing.assert_allclose(lin.bias.grad.numpy(), [4, 4])


# ------------------------------------------------------------------ dropout
@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                                 "AlphaDropout"])
def test_dropout_is_identity_in_eval(cls):
    m = getattr(nn, cls)(0.5).eval()
    x = autograd.randn(2, 3, 4, 4, 4) if cls == "Dropout3d" else autograd.randn(2, 3, 4)
    assert m(x) is x


def test_dropout_train_scales_and_drops_the_right_fraction():
    autograd.manual_seed(0)
    x = autograd.ones(200, 500, requires_grad=True)
    y = nn.Dropout(0.3)(x)
    values = y.detach().numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.7, rtol=1e-6)


def test_dropout_edge_probabilities_and_errors():
    x = autograd.randn(3, 4)
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).detach().numpy().any()
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.functional.dropout(x, -0.1)


def test_dropout_inplace_writes_into_the_input():
    x = autograd.ones(50, 50)
    y = nn.Dropout(0.5, inplace=True)(x)
    assert y is x and (x.numpy() == 0).any()


def test_dropout_is_reproducible_with_manual_seed():
    autograd.manual_seed(3)
    a = nn.Dropout()(autograd.ones(10, 10)).numpy()
    autograd.manual_seed(3)
    b = nn.Dropout()(autograd.ones(10, 10)).numpy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls,shape", [("Dropout1d", (40, 30, 6)), ("Dropout2d", (40, 30, 3, 3)),
                                       ("Dropout3d", (40, 30, 2, 2, 2)),
                                       ("Dropout2d", (30, 3, 3))])
def test_channel_dropout_drops_whole_channels(cls, shape):
    autograd.manual_seed(1)
    y = getattr(nn, cls)(0.4)(autograd.ones(*shape)).numpy()
    spatial = {"Dropout1d": 1, "Dropout2d": 2, "Dropout3d": 3}[cls]
    flat = y.reshape(y.shape[:-spatial] + (-1,))
    per_channel = flat.max(-1)
    assert np.all((flat == per_channel[..., None]))  # a channel is all kept or all dropped
    assert abs((per_channel != 0).mean() - 0.6) < 0.06
    np.testing.assert_allclose(per_channel[per_channel != 0], 1 / 0.6, rtol=1e-6)


def test_channel_dropout_rejects_wrong_dimensions():
    with pytest.raises(RuntimeError, match="dropout2d: Expected 3D or 4D input, but received "
                                           "a 2D input"):
        nn.Dropout2d()(autograd.randn(3, 4))


def test_alpha_dropout_keeps_mean_and_variance():
    autograd.manual_seed(0)
    x = autograd.randn(400, 500)
    y = nn.AlphaDropout(0.2)(x).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    assert not np.allclose(y, x.numpy())


# ------------------------------------------------------------------ nn.utils on layer stacks
def test_parameters_to_vector_and_back_match_torch():
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1, bias=False))
    tm = tnn.Sequential(tnn.Linear(3, 4), tnn.BatchNorm1d(4), tnn.Linear(4, 1, bias=False))
    m.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    vec = nn.utils.parameters_to_vector(m.parameters())
    tvec = torch.nn.utils.parameters_to_vector(tm.parameters())
    np.testing.assert_array_equal(vec.detach().numpy(), tvec.detach().numpy())
    new = autograd.arange(vec.numel(), dtype=autograd.float32)
    nn.utils.vector_to_parameters(new, m.parameters())
    np.testing.assert_array_equal(nn.utils.parameters_to_vector(m.parameters()).detach()
                                  .numpy(), new.numpy())
    assert float(m[0].weight[0, 0]) == 0.0 and isinstance(m[0].weight, nn.Parameter)
    with pytest.raises(TypeError, match="expected autograd.Tensor"):
        nn.utils.vector_to_parameters([1.0], m.parameters())
    with pytest.raises(ValueError, match="has 3 elements but the parameters hold"):
        nn.utils.vector_to_parameters(autograd.zeros(3), m.parameters())


def test_parameters_to_vector_is_differentiable():
    lin = nn.Linear(2, 2)
    (nn.utils.parameters_to_vector(lin.parameters()) * 3).sum().backward()
    np.testing.assert_array_equal(lin.weight.grad.numpy(), np.full((2, 2), 3.0))


def test_summary_table_counts_and_restores_mode(capsys):
    model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16),
                          nn.Sequential(nn.Linear(16, 4), nn.Dropout()), nn.Embedding(3, 2))
    model[3].weight.requires_grad_(False)

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(*list(model)[:3])

        def forward(self, x):
            return self.body(x)

    head = Head()
    result = nn.utils.summary(head, (5, 8))
    printed = capsys.readouterr().out
    assert printed.strip() == str(result)
    assert result.total_params == 8 * 16 + 16 + 32 + 16 * 4 + 4
    assert result.trainable_params == result.total_params
    names = [r[0] for r in result.rows]
    assert names[0] == "Head" and names[1] == "├─Sequential: 1-1"
    assert names[2] == "│    ├─Linear: 2-1" and names[-1] == "│    │    ├─Dropout: 3-2"
    assert result.rows[2][2] == [5, 16] and result.rows[0][2] == [5, 4]
    assert "Total params: 244" in str(result) and "Trainable params: 244" in str(result)
    assert head.training and model[1].training
    assert int(model[1].num_batches_tracked.item()) == 0  # run in eval mode
    frozen = nn.utils.summary(nn.Sequential(model[3]), (2, 3), dtypes=[autograd.int64],
                              verbose=0)
    assert frozen.total_params == 6 and frozen.trainable_params == 0
    assert frozen.rows[-1][2] == [2, 3, 2]
