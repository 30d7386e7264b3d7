"""The layers of a PyTorch tutorial CNN on 4-D inputs, against PyTorch in float64:
BatchNorm2d (batch and running statistics, momentum=None, eval), InstanceNorm2d, GroupNorm,
Dropout2d; a Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d ... AdaptiveAvgPool2d -> Flatten ->
Linear model with the same parameters in both libraries (outputs, every gradient, SGD steps,
running statistics); PyTorch's default initialisation of the convolution layers; empty
batches."""
import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import nn.optim  # noqa: F401  (nn.optim.SGD)
from test_conv import parity, torch_one_thread  # noqa: F401  (autouse fixture)

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _copy_params(module, tmodule, rng=None):
    """Same parameters in both (random ones if rng is given, else glassgrad's)."""
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(module.named_parameters(),
                                          tmodule.named_parameters()):
            assert name == tname and tuple(p.shape) == tuple(tp.shape)
            if rng is not None:
                p.data[...] = rng.standard_normal(tuple(p.shape))
            tp.copy_(torch.tensor(np.array(p.data)))


def _assert_state_equal(module, tmodule):
    state, tstate = module.state_dict(), tmodule.state_dict()
    assert list(state) == list(tstate)
    for key in state:
        np.testing.assert_allclose(np.asarray(state[key].data), tstate[key].numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=key)


NORMS = [
    ("BatchNorm2d", (4,), dict()),
    ("BatchNorm2d", (4,), dict(momentum=None)),
    ("BatchNorm2d", (4,), dict(momentum=0.3, eps=1e-3)),
    ("BatchNorm2d", (4,), dict(affine=False)),
    ("BatchNorm2d", (4,), dict(track_running_stats=False)),
    ("InstanceNorm2d", (4,), dict()),
    ("InstanceNorm2d", (4,), dict(affine=True)),
    ("InstanceNorm2d", (4,), dict(affine=True, track_running_stats=True, momentum=0.2)),
    ("GroupNorm", (2, 4), dict()),
    ("GroupNorm", (4, 4), dict(affine=False)),
    ("GroupNorm", (1, 4), dict(eps=1e-3)),
]


@pytest.mark.parametrize("name,args,kw", NORMS)
def test_2d_normalization_matches_torch(name, args, kw):
    """Three training steps (output, input and parameter gradients, running statistics after
    each), then eval mode, batched and (where PyTorch accepts it) unbatched."""
    rng = np.random.default_rng(0)
    m = getattr(nn, name)(*args, dtype=autograd.float64, **kw)
    tm = getattr(torch.nn, name)(*args, dtype=torch.float64, **kw)
    assert repr(m) == repr(tm)
    _copy_params(m, tm, rng)
    for step in range(3):
        x = rng.standard_normal((3, 4, 5, 6)) * (step + 1) + step
        parity(m, tm, x, atol=1e-9, seed=step)
        for (_, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
            np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-9)
            p.grad, tp.grad = None, None
        _assert_state_equal(m, tm)
    m.eval()
    tm.eval()
    x = rng.standard_normal((2, 4, 3, 3))
    parity(m, tm, x, atol=1e-9)
    if name == "InstanceNorm2d":   # the only one of the three that takes (C, H, W)
        parity(m, tm, x[0], atol=1e-9)
    _assert_state_equal(m, tm)


def test_normalization_shape_errors_name_channels_and_layout():
    with pytest.raises(RuntimeError, match=r"expected input with 4 channels.*got 3.*"
                                           r"\(2, 3, 5, 5\)"):
        nn.BatchNorm2d(4)(autograd.zeros(2, 3, 5, 5))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input"):
        nn.BatchNorm2d(4)(autograd.zeros(4, 5, 5))
    with pytest.raises(ValueError, match="num_features"):
        nn.InstanceNorm2d(4, affine=True)(autograd.zeros(2, 3, 5, 5))
    with pytest.raises(RuntimeError, match="4 channels"):
        nn.GroupNorm(2, 4)(autograd.zeros(2, 6, 5, 5))


def test_dropout2d_zeroes_whole_channels():
    autograd.manual_seed(0)
    d = nn.Dropout2d(0.5)
    assert repr(d) == repr(torch.nn.Dropout2d(0.5))
    x = autograd.ones(16, 32, 3, 4, requires_grad=True)
    y = d(x)
    per = y.data.reshape(16, 32, -1)
    assert ((per == 0).all(-1) | (per == 2).all(-1)).all()   # kept channels scaled by 1/(1-p)
    dropped = (per[..., 0] == 0).mean()
    assert 0.4 < dropped < 0.6
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)      # the same mask, the same scale
    unbatched = d(autograd.ones(32, 3, 4)).data.reshape(32, -1)
    assert ((unbatched == 0).all(-1) | (unbatched == 2).all(-1)).all()
    d.eval()
    np.testing.assert_array_equal(d(x).data, x.data)
    d.train()
    assert (nn.Dropout2d(1.0)(x).data == 0).all()
    np.testing.assert_array_equal(nn.Dropout2d(0.0)(x).data, x.data)


def _tutorial_cnn(lib, dtype):
    return lib.nn.Sequential(
        lib.nn.Conv2d(3, 8, 3, padding=1, dtype=dtype), lib.nn.BatchNorm2d(8, dtype=dtype),
        lib.nn.ReLU(), lib.nn.MaxPool2d(2),
        lib.nn.Conv2d(8, 16, 3, stride=1, padding="same", padding_mode="reflect",
                      dtype=dtype),
        lib.nn.BatchNorm2d(16, dtype=dtype), lib.nn.ReLU(),
        lib.nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False, dtype=dtype),
        lib.nn.ReLU(), lib.nn.AvgPool2d(2, ceil_mode=True), lib.nn.AdaptiveAvgPool2d(1),
        lib.nn.Flatten(), lib.nn.Linear(16, 5, dtype=dtype))


class _Glass:
    nn = nn


def test_tutorial_cnn_matches_torch_through_training_steps():
    """Outputs, loss, every parameter's gradient and the BatchNorm running statistics agree
    with PyTorch over three SGD steps of a tutorial-style CNN, then in eval mode."""
    autograd.manual_seed(0)
    rng = np.random.default_rng(0)
    model, tmodel = _tutorial_cnn(_Glass, autograd.float64), _tutorial_cnn(torch,
                                                                          torch.float64)
    _copy_params(model, tmodel)
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.9)
    x = rng.standard_normal((6, 3, 10, 9))
    y = rng.integers(0, 5, 6)
    for _ in range(3):
        opt.zero_grad()
        topt.zero_grad()
        loss = F.cross_entropy(model(autograd.tensor(x)), autograd.tensor(y))
        tloss = TF.cross_entropy(tmodel(torch.tensor(x)), torch.tensor(y))
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-10)
        loss.backward()
        tloss.backward()
        for (name, p), (_, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
            np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-8, atol=1e-10,
                                       err_msg=name)
        opt.step()
        topt.step()
    _assert_state_equal(model, tmodel)
    model.eval()
    tmodel.eval()
    with autograd.no_grad(), torch.no_grad():
        np.testing.assert_allclose(model(autograd.tensor(x)).data,
                                   tmodel(torch.tensor(x)).numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("make", [lambda: nn.Conv2d(6, 64, (3, 5), groups=2),
                                  lambda: nn.Conv1d(4, 64, 7),
                                  lambda: nn.ConvTranspose2d(6, 66, 3, groups=3)],
                         ids=["Conv2d", "Conv1d", "ConvTranspose2d"])
def test_conv_default_init_is_torch_distribution(make):
    """weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] *
    prod(kernel) (kaiming_uniform(a=sqrt(5)), PyTorch's reset_parameters)."""
    autograd.manual_seed(0)
    m = make()
    fan_in = m.weight.shape[1] * int(np.prod(m.weight.shape[2:]))
    bound = 1 / np.sqrt(fan_in)
    w = m.weight.data.reshape(-1)
    assert np.abs(w).max() <= bound and np.abs(m.bias.data).max() <= bound
    # uniform on [-bound, bound]: mean 0, std bound/sqrt(3), flat histogram
    assert abs(w.mean()) < 0.05 * bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.05)
    hist = np.histogram(w, bins=4, range=(-bound, bound))[0] / w.size
    np.testing.assert_allclose(hist, 0.25, atol=0.04)
    assert m.weight.dtype == autograd.get_default_dtype()


def test_empty_batch_flows_forward_and_backward():
    """N = 0 works through every layer and its backward, as in PyTorch."""
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4).eval(), nn.ReLU(),
                          nn.MaxPool2d(2), nn.AdaptiveMaxPool2d(2), nn.Upsample(scale_factor=2),
                          nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 3))
    model[1].eval()
    x = autograd.zeros(0, 2, 8, 8, requires_grad=True)
    out = model(x)
    assert tuple(out.shape) == (0, 3)
    out.sum().backward()
    assert tuple(x.grad.shape) == (0, 2, 8, 8)
    values, idx = F.max_pool2d(x, 2, return_indices=True)
    unpooled = F.max_unpool2d(values, idx, 2)
    assert tuple(unpooled.shape) == (0, 2, 8, 8)
