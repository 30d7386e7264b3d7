"""Convolutions against PyTorch: values and gradients (input, weight, bias) in float64 over
strides, paddings ('same', 'valid', ints, tuples), dilations, groups (depthwise included),
unbatched inputs, transposed convolutions, padding modes; finite-difference gradcheck and
gradgradcheck; layer construction, init and repr; a small CNN that overfits a batch."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
import nn.optim  # noqa: F401  (nn.optim.Adam)

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.fixture(autouse=True, scope="module")
def torch_one_thread():
    """PyTorch's tiny float64 convolutions run 10-100x slower with several threads on a busy
    machine; one thread keeps these tests fast (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def parity(glass_fn, torch_fn, *arrays, grads=None, atol=1e-10, seed=0):
    """Run both functions on the same float64 arrays (None passes through), compare outputs
    and the gradients of every array marked in `grads` (default: all) for a random upstream
    gradient. Returns the glassgrad output."""
    rng = np.random.default_rng(seed)
    grads = [a is not None for a in arrays] if grads is None else grads
    g_in = [None if a is None else autograd.tensor(a, requires_grad=r and True)
            for a, r in zip(arrays, grads)]
    t_in = [None if a is None else torch.tensor(a, requires_grad=r)
            for a, r in zip(arrays, grads)]
    g_out, t_out = glass_fn(*g_in), torch_fn(*t_in)
    if isinstance(t_out, tuple):
        for g, t in zip(g_out[1:], t_out[1:]):
            np.testing.assert_array_equal(g.data, t.numpy())
        g_out, t_out = g_out[0], t_out[0]
    assert tuple(g_out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(g_out.data, t_out.detach().numpy(), atol=atol, rtol=1e-9)
    if any(grads):
        upstream = rng.standard_normal(tuple(t_out.shape))
        g_out.backward(autograd.tensor(upstream))
        t_out.backward(torch.tensor(upstream))
        for i, (g, t) in enumerate(zip(g_in, t_in)):
            if g is not None and grads[i]:
                np.testing.assert_allclose(g.grad.data, t.grad.numpy(), atol=atol, rtol=1e-9,
                                           err_msg=f"gradient of argument {i}")
    return g_out


def _rand(rng, *shape):
    return rng.standard_normal(shape)


CONV2D_CASES = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 3), padding=(2, 1), dilation=(2, 1)),
    dict(padding="same"),
    dict(padding="same", dilation=2),
    dict(padding="valid", stride=(1, 2)),
    dict(padding=3, stride=3, dilation=(1, 2)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("kw", CONV2D_CASES)
@pytest.mark.parametrize("groups,kernel", [(1, (3, 3)), (2, (2, 3)), (4, (4, 2))])
def test_conv2d_matches_torch(kw, groups, kernel):
    rng = np.random.default_rng(1)
    x = _rand(rng, 2, 4, 9, 8)
    w = _rand(rng, 6 if groups != 4 else 8, 4 // groups, *kernel)
    b = _rand(rng, w.shape[0])
    parity(lambda x, w, b: F.conv2d(x, w, b, groups=groups, **kw),
           lambda x, w, b: TF.conv2d(x, w, b, groups=groups, **kw), x, w, b)


def test_conv2d_depthwise_and_no_bias():
    rng = np.random.default_rng(2)
    x, w = _rand(rng, 3, 5, 8, 7), _rand(rng, 10, 1, 3, 3)
    parity(lambda x, w: F.conv2d(x, w, stride=2, padding=1, groups=5),
           lambda x, w: TF.conv2d(x, w, stride=2, padding=1, groups=5), x, w)


def test_conv2d_unbatched_and_input_only_grad():
    rng = np.random.default_rng(3)
    x, w, b = _rand(rng, 3, 6, 5), _rand(rng, 4, 3, 2, 2), _rand(rng, 4)
    out = parity(lambda x, w, b: F.conv2d(x, w, b, padding=1),
                 lambda x, w, b: TF.conv2d(x, w, b, padding=1), x, w, b,
                 grads=[True, False, False])
    assert tuple(out.shape) == (4, 7, 6)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=2, dilation=2),
                                dict(padding="same", groups=3), dict(padding="valid")])
def test_conv1d_matches_torch(kw):
    rng = np.random.default_rng(4)
    x, w, b = _rand(rng, 2, 6, 11), _rand(rng, 9, 6 // kw.get("groups", 1), 4), _rand(rng, 9)
    parity(lambda x, w, b: F.conv1d(x, w, b, **kw), lambda x, w, b: TF.conv1d(x, w, b, **kw),
           x, w, b)
    parity(lambda x, w, b: F.conv1d(x, w, b, **kw), lambda x, w, b: TF.conv1d(x, w, b, **kw),
           x[0], w, b)


@pytest.mark.parametrize("kw", [
    dict(),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(3, 2), padding=(2, 0), dilation=(2, 1), output_padding=(2, 1)),
    dict(stride=2, groups=2, dilation=3, output_padding=1),
])
def test_conv_transpose2d_matches_torch(kw):
    rng = np.random.default_rng(5)
    g = kw.get("groups", 1)
    x, w, b = _rand(rng, 2, 4, 5, 6), _rand(rng, 4, 6 // g, 3, 2), _rand(rng, 6)
    parity(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
           lambda x, w, b: TF.conv_transpose2d(x, w, b, **kw), x, w, b)
    parity(lambda x, w: F.conv_transpose2d(x, w, **kw),
           lambda x, w: TF.conv_transpose2d(x, w, **kw), x[1], w)


def test_conv_transpose1d_matches_torch():
    rng = np.random.default_rng(6)
    x, w, b = _rand(rng, 2, 4, 7), _rand(rng, 4, 3, 3), _rand(rng, 3)
    kw = dict(stride=3, padding=1, output_padding=2, dilation=2)
    parity(lambda x, w, b: F.conv_transpose1d(x, w, b, **kw),
           lambda x, w, b: TF.conv_transpose1d(x, w, b, **kw), x, w, b)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_conv2d_property(data):
    d = data.draw
    groups = d(st.sampled_from([1, 2, 3]))
    cin, cout = groups * d(st.integers(1, 2)), groups * d(st.integers(1, 2))
    kh, kw = d(st.integers(1, 3)), d(st.integers(1, 3))
    stride = (d(st.integers(1, 3)), d(st.integers(1, 3)))
    dil = (d(st.integers(1, 2)), d(st.integers(1, 2)))
    pad = (d(st.integers(0, 2)), d(st.integers(0, 2)))
    h = d(st.integers(dil[0] * (kh - 1) + 1, 8))
    w = d(st.integers(dil[1] * (kw - 1) + 1, 8))
    rng = np.random.default_rng(d(st.integers(0, 1000)))
    x, wt, b = _rand(rng, 2, cin, h, w), _rand(rng, cout, cin // groups, kh, kw), _rand(rng, cout)
    kw_ = dict(stride=stride, padding=pad, dilation=dil, groups=groups)
    parity(lambda x, w, b: F.conv2d(x, w, b, **kw_), lambda x, w, b: TF.conv2d(x, w, b, **kw_),
           x, wt, b)
    out_pad = tuple(d(st.integers(0, max(s, dl) - 1)) for s, dl in zip(stride, dil))
    y = _rand(rng, 2, cin, max(h // 2, 1), max(w // 2, 1))
    wt2 = _rand(rng, cin, cout // groups, kh, kw)
    kw2 = dict(kw_, padding=(0, 0), output_padding=out_pad)
    parity(lambda x, w: F.conv_transpose2d(x, w, **kw2),
           lambda x, w: TF.conv_transpose2d(x, w, **kw2), y, wt2)


def test_conv_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(7)
    x = autograd.tensor(_rand(rng, 1, 2, 5, 4), requires_grad=True)
    w = autograd.tensor(_rand(rng, 2, 1, 2, 3), requires_grad=True)
    b = autograd.tensor(_rand(rng, 2), requires_grad=True)

    def f(x, w, b):
        return F.conv2d(x, w, b, stride=2, padding=(1, 2), groups=2, dilation=(1, 2))
    assert autograd.gradcheck(f, (x, w, b))
    assert autograd.gradgradcheck(f, (x, w, b))
    wt = autograd.tensor(_rand(rng, 2, 2, 3, 2), requires_grad=True)

    def g(x, w, b):
        return F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    assert autograd.gradcheck(g, (x, wt, b))
    assert autograd.gradgradcheck(g, (x, wt, b))

    def h(x, w):  # output_padding past the stride (allowed as it is below the dilation)
        return F.conv_transpose2d(x, w, stride=1, dilation=2, output_padding=1)
    assert autograd.gradgradcheck(h, (x, wt))


def test_double_backward_matches_torch():
    """d/dx of ||d conv / d w||^2 (a second-order quantity) equals PyTorch's."""
    rng = np.random.default_rng(8)
    xa, wa = _rand(rng, 2, 3, 6, 5), _rand(rng, 4, 3, 3, 3)
    x, w = autograd.tensor(xa, requires_grad=True), autograd.tensor(wa, requires_grad=True)
    tx, tw = torch.tensor(xa, requires_grad=True), torch.tensor(wa, requires_grad=True)
    (gw,) = autograd.grad(F.conv2d(x, w, stride=2, padding=1).square().sum(), [w],
                          create_graph=True)
    (tgw,) = torch.autograd.grad(TF.conv2d(tx, tw, stride=2, padding=1).square().sum(), [tw],
                                 create_graph=True)
    gw.square().sum().backward()
    tgw.square().sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-8)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-9, atol=1e-8)


def test_conv_errors_name_the_layout_and_channels():
    x = autograd.zeros(8, 1, 28, 28)
    w = autograd.zeros(16, 3, 3, 3)
    with pytest.raises(RuntimeError, match=re.escape(
            "conv2d: expected input with 3 channels (weight of shape (16, 3, 3, 3), groups=1), "
            "got input of shape (8, 1, 28, 28) with 1 channel")):
        F.conv2d(x, w)
    with pytest.raises(RuntimeError, match=re.escape(
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            "[28, 28]")):
        F.conv2d(autograd.zeros(28, 28), w)
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.conv2d(autograd.zeros(1, 3, 2, 2), w)
    with pytest.raises(ValueError, match="strided"):
        F.conv2d(autograd.zeros(1, 3, 5, 5), w, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="same dtype"):
        F.conv2d(autograd.zeros(1, 3, 5, 5, dtype=autograd.float64), w)
    with pytest.raises(RuntimeError, match="bias of shape"):
        F.conv2d(autograd.zeros(1, 3, 5, 5), w, autograd.zeros(3))


def _copy_params(module, tmodule):
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(module.named_parameters(),
                                          tmodule.named_parameters()):
            assert name == tname and tuple(p.shape) == tuple(tp.shape)
            tp.copy_(torch.tensor(p.data))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same"])
def test_conv2d_module_padding_modes(mode, padding):
    autograd.manual_seed(0)
    kw = dict(kernel_size=(3, 4), padding=padding, padding_mode=mode, dtype=autograd.float64)
    m = nn.Conv2d(2, 3, **kw)
    tm = torch.nn.Conv2d(2, 3, **dict(kw, dtype=torch.float64))
    _copy_params(m, tm)
    assert repr(m) == repr(tm)
    x = np.random.default_rng(9).standard_normal((2, 2, 6, 7))
    parity(m, tm, x)


def test_conv_module_reprs_match_torch():
    pairs = [
        (nn.Conv2d(1, 16, 3, padding=1), torch.nn.Conv2d(1, 16, 3, padding=1)),
        (nn.Conv2d(4, 8, (3, 5), 2, 1, 2, 2, False), torch.nn.Conv2d(4, 8, (3, 5), 2, 1, 2, 2,
                                                                      False)),
        (nn.Conv1d(2, 4, 3, padding="same"), torch.nn.Conv1d(2, 4, 3, padding="same")),
        (nn.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1, groups=2),
         torch.nn.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1, groups=2)),
        (nn.ConvTranspose1d(3, 5, 2, bias=False), torch.nn.ConvTranspose1d(3, 5, 2, bias=False)),
    ]
    for m, tm in pairs:
        assert repr(m) == repr(tm)
        assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in tm.named_parameters()]


def test_conv_init_bounds_and_reproducibility():
    autograd.manual_seed(3)
    a = nn.Conv2d(8, 16, 3, groups=2)
    autograd.manual_seed(3)
    b = nn.Conv2d(8, 16, 3, groups=2)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    bound = 1 / np.sqrt(4 * 9)
    assert np.abs(a.weight.data).max() <= bound and np.abs(a.bias.data).max() <= bound
    assert np.abs(a.weight.data).max() > 0.8 * bound  # spread over the whole interval
    t = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert np.abs(t.weight.data).max() <= 1 / np.sqrt(3 * 9)
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros"'):
        nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")


def test_conv_transpose2d_module_output_size():
    autograd.manual_seed(0)
    m = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, dtype=autograd.float64)
    tm = torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, dtype=torch.float64)
    _copy_params(m, tm)
    x = np.random.default_rng(10).standard_normal((1, 3, 4, 5))
    out = parity(lambda x: m(x, output_size=(8, 10)), lambda x: tm(x, output_size=(8, 10)), x)
    assert tuple(out.shape) == (1, 2, 8, 10)
    with pytest.raises(ValueError, match="valid sizes range"):
        m(autograd.tensor(x), output_size=(12, 10))


def test_small_cnn_overfits_a_batch():
    autograd.manual_seed(0)
    rng = np.random.default_rng(0)
    x = autograd.tensor(rng.standard_normal((16, 1, 8, 8)).astype(np.float32))
    y = autograd.tensor(rng.integers(0, 4, 16))
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
                          nn.Flatten(), nn.Linear(32, 4))
    opt = nn.optim.Adam(model.parameters(), lr=0.02)
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert first > 1.0 and loss.item() < 0.1


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("kw", [dict(kernel_size=3, padding=2, stride=2),
                                dict(kernel_size=4, padding="same", dilation=2),
                                dict(kernel_size=2, padding="valid", groups=2)])
def test_conv1d_module_padding_modes_batched_and_unbatched(mode, kw):
    autograd.manual_seed(1)
    m = nn.Conv1d(2, 4, padding_mode=mode, dtype=autograd.float64, **kw)
    tm = torch.nn.Conv1d(2, 4, padding_mode=mode, dtype=torch.float64, **kw)
    _copy_params(m, tm)
    assert repr(m) == repr(tm)
    x = np.random.default_rng(11).standard_normal((3, 2, 9))
    parity(m, tm, x)
    for (_, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-10)
    parity(m, tm, x[0])


@pytest.mark.parametrize("mode", ["reflect", "circular"])
def test_conv2d_module_padding_modes_strided_unbatched_with_parameter_grads(mode):
    autograd.manual_seed(2)
    kw = dict(kernel_size=3, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2,
              padding_mode=mode)
    m = nn.Conv2d(4, 6, dtype=autograd.float64, **kw)
    tm = torch.nn.Conv2d(4, 6, dtype=torch.float64, **kw)
    _copy_params(m, tm)
    x = np.random.default_rng(12).standard_normal((4, 7, 6))
    parity(m, tm, x)
    for (_, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("kw", [dict(stride=2, padding=1, output_padding=1, groups=2,
                                     dilation=2),
                                dict(stride=(1, 3), padding=(0, 1), bias=False)])
def test_conv_transpose2d_module_matches_torch_with_parameter_grads(kw):
    autograd.manual_seed(3)
    m = nn.ConvTranspose2d(4, 6, (3, 2), dtype=autograd.float64, **kw)
    tm = torch.nn.ConvTranspose2d(4, 6, (3, 2), dtype=torch.float64, **kw)
    _copy_params(m, tm)
    assert repr(m) == repr(tm)
    x = np.random.default_rng(13).standard_normal((2, 4, 5, 4))
    parity(m, tm, x)
    for (_, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-10)
    parity(m, tm, x[1])


def test_scratch_buffers_never_leak_into_results_and_are_per_thread():
    """im2col and padded copies live in reused per-thread scratch buffers: results computed
    earlier stay intact when later calls reuse the buffers, and threads do not share them."""
    import threading

    from nn.functional.conv import release_scratch, scratch_bytes
    rng = np.random.default_rng(14)
    xs = [rng.standard_normal((2, 3, 9, 8)) for _ in range(3)]
    w = autograd.tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
    expected = [TF.conv2d(torch.tensor(x), torch.tensor(w.data), padding=1).numpy()
                for x in xs]
    outs, grads = [], []
    for x in xs:
        xt = autograd.tensor(x, requires_grad=True)
        y = F.conv2d(xt, w, padding=1)
        pooled = F.max_pool2d(y, 3, stride=2, padding=1)
        pooled.sum().backward()
        outs.append(y)
        grads.append(xt.grad)
    for y, e in zip(outs, expected):
        np.testing.assert_allclose(y.data, e, atol=1e-12)
    assert scratch_bytes() > 0
    release_scratch()
    assert scratch_bytes() == 0
    results, errors = {}, []

    def work(i):
        try:
            for _ in range(20):
                results[i] = F.conv2d(autograd.tensor(xs[i]), w.detach(), padding=1).data
                np.testing.assert_allclose(results[i], expected[i], atol=1e-12)
        except Exception as e:  # noqa: BLE001 (re-raised below in the main thread)
            errors.append(e)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_conv_errors_show_the_shape_given_unbatched_and_before_padding_modes():
    with pytest.raises(RuntimeError, match=re.escape(
            "got input of shape (8, 28, 28) with 8 channels; the layout is (C, H, W)")):
        nn.Conv2d(3, 16, 3)(autograd.zeros(8, 28, 28))
    reflect = nn.Conv2d(3, 16, 3, padding=1, padding_mode="reflect")
    with pytest.raises(RuntimeError, match=re.escape(
            "got input of shape (8, 1, 28, 28) with 1 channel; the layout is (N, C, H, W)")):
        reflect(autograd.zeros(8, 1, 28, 28))
    with pytest.raises(RuntimeError, match=re.escape("but got input of size: [28, 28]")):
        reflect(autograd.zeros(28, 28))
    with pytest.raises(RuntimeError, match=re.escape(
            "conv1d: expected input with 3 channels (weight of shape (16, 3, 3), groups=1), got "
            "input of shape (5, 28) with 5 channels; the layout is (C, L)")):
        nn.Conv1d(3, 16, 3, padding=1, padding_mode="circular")(autograd.zeros(5, 28))
    with pytest.raises(RuntimeError, match=re.escape(
            "conv_transpose2d: expected input with 3 channels (weight of shape (3, 2, 3, 3), "
            "groups=1), got input of shape (4, 5, 5) with 4 channels")):
        F.conv_transpose2d(autograd.zeros(4, 5, 5), autograd.zeros(3, 2, 3, 3))


def test_geometry_arguments_of_the_wrong_type_are_named():
    with pytest.raises(TypeError, match="conv_transpose2d: padding must be an int or a tuple"):
        F.conv_transpose2d(autograd.zeros(1, 3, 8, 8), autograd.zeros(3, 2, 3, 3),
                           padding="same")
    with pytest.raises(TypeError, match="Conv2d: kernel_size must be an int or a tuple of 2"):
        nn.Conv2d(3, 2, "3")
    with pytest.raises(TypeError, match="max_pool2d: kernel_size"):
        F.max_pool2d(autograd.zeros(1, 1, 4, 4), 2.5)


def test_buffers_over_the_scratch_limit_are_allocated_per_call(monkeypatch):
    import nn.functional.conv as conv
    monkeypatch.setattr(conv, "SCRATCH_LIMIT", 0)
    conv.release_scratch()
    rng = np.random.default_rng(15)
    x, w, b = _rand(rng, 2, 4, 7, 6), _rand(rng, 4, 2, 3, 3), _rand(rng, 4)
    parity(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
           lambda x, w, b: TF.conv2d(x, w, b, stride=2, padding=1, groups=2), x, w, b)
    parity(lambda x: F.max_pool2d(x, 3, 2, 1), lambda x: TF.max_pool2d(x, 3, 2, 1), x)
    assert conv.scratch_bytes() == 0
