"""nn.Module, Parameter, Buffer and the containers: registration, traversal, modes, dtype
conversion, hooks, reprs and state dicts (compared with PyTorch where it exists)."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn

torch = pytest.importorskip("torch")


def _tnn():
    return torch.nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.block = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 1)])
        self.table = nn.ModuleDict({"emb": nn.Embedding(5, 4), "ln": nn.LayerNorm(4)})
        self.scale = nn.Parameter(autograd.ones(1))
        self.register_buffer("step", autograd.zeros(1))
        self.register_buffer("scratch", autograd.zeros(2), persistent=False)

    def forward(self, x):
        h = self.block(self.fc1(x))
        return self.heads[0](h) * self.scale


def torch_net():
    tnn = _tnn()

    class TNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = tnn.Linear(3, 4)
            self.block = tnn.Sequential(tnn.Linear(4, 4), tnn.BatchNorm1d(4))
            self.heads = tnn.ModuleList([tnn.Linear(4, 2), tnn.Linear(4, 1)])
            self.table = tnn.ModuleDict({"emb": tnn.Embedding(5, 4), "ln": tnn.LayerNorm(4)})
            self.scale = tnn.Parameter(torch.ones(1))
            self.register_buffer("step", torch.zeros(1))
            self.register_buffer("scratch", torch.zeros(2), persistent=False)
    return TNet()


# ------------------------------------------------------------------ Parameter and Buffer
def test_parameter_is_a_leaf_tensor_that_requires_grad_and_shares_memory():
    t = autograd.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, nn.Parameter) and isinstance(p, autograd.Tensor)
    assert p.requires_grad and p.is_leaf
    assert p.data is t.data
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)


def test_ops_on_parameters_return_plain_tensors():
    p = nn.Parameter(autograd.tensor([1.0, 2.0]))
    for out in (p * 2, p + p, p.sum(), p.exp(), p[0], p.detach(), p.reshape(2, 1)):
        assert type(out) is autograd.Tensor


def test_parameter_repr_matches_torch():
    p = nn.Parameter(autograd.tensor([1.5, 2.0]))
    tp = torch.nn.Parameter(torch.tensor([1.5, 2.0]))
    assert repr(p) == repr(tp)


def test_parameter_of_integer_tensor_that_requires_grad_raises():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(autograd.tensor([1, 2]))
    assert not nn.Parameter(autograd.tensor([1, 2]), requires_grad=False).requires_grad


def test_parameter_deepcopy_is_an_independent_parameter():
    p = nn.Parameter(autograd.tensor([1.0, 2.0]))
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.requires_grad
    q.data[0] = 5
    assert p.data[0] == 1


def test_buffer_assignment_registers_a_buffer():
    m = nn.Module()
    m.a = nn.Buffer(autograd.zeros(2))
    m.b = nn.Buffer(autograd.ones(1), persistent=False)
    assert [n for n, _ in m.named_buffers()] == ["a", "b"]
    assert list(m.state_dict()) == ["a"]
    assert type(m.a) is autograd.Tensor


# ------------------------------------------------------------------ registration
def test_setattr_registers_parameters_modules_buffers():
    m = Net()
    assert list(m._parameters) == ["scale"]
    assert list(m._modules) == ["fc1", "block", "heads", "table"]
    assert list(m._buffers) == ["step", "scratch"]
    assert "fc1" not in m.__dict__


def test_named_parameters_order_and_names_match_torch():
    m, tm = Net(), torch_net()
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in tm.named_children()]
    assert [n for n, _ in m.named_parameters(prefix="model", recurse=False)] == ["model.scale"]


def test_shared_parameters_and_modules_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.modules())) == 2
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4
    tied = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    tied[1].weight = tied[0].weight
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]


def test_assigning_a_non_parameter_to_a_parameter_name_raises():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        lin.weight = autograd.zeros(2, 2)
    lin.bias = None
    assert lin.bias is None and "bias" in lin._parameters
    assert [n for n, _ in lin.named_parameters()] == ["weight"]


def test_register_errors():
    m = nn.Module()
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", nn.Parameter(autograd.zeros(1)))
    with pytest.raises(KeyError, match="empty string"):
        m.register_buffer("", autograd.zeros(1))
    with pytest.raises(TypeError, match="nn.Parameter or None required"):
        m.register_parameter("w", autograd.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("x", 3)
    m.x = 1
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", autograd.zeros(1))
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("y", _non_leaf_parameter())

    class NoInit(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(autograd.zeros(1))
    with pytest.raises(AttributeError, match="before Module.__init__"):
        NoInit()


def _non_leaf_parameter():
    p = nn.Parameter(autograd.ones(2))
    p.grad_fn = (autograd.ones(2, requires_grad=True) * 2).grad_fn
    return p


def test_getattr_delattr_and_dir():
    m = Net()
    assert m.fc1 is m._modules["fc1"] and m.step is m._buffers["step"]
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        m.nope
    assert {"fc1", "scale", "step", "forward"} <= set(dir(m))
    del m.fc1
    assert "fc1" not in m._modules
    del m.scale, m.step
    assert "scale" not in m._parameters and "step" not in m._buffers


def test_reassigning_a_name_moves_it_between_registries():
    m = nn.Module()
    m.x = nn.Linear(1, 1)
    m.x = nn.Parameter(autograd.zeros(1))
    assert "x" in m._parameters and "x" not in m._modules


def test_get_submodule_parameter_buffer():
    m = Net()
    assert m.get_submodule("block.1") is m.block[1]
    assert m.get_submodule("") is m
    assert m.get_parameter("heads.1.bias") is m.heads[1].bias
    assert m.get_buffer("block.1.running_mean") is m.block[1].running_mean
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        m.get_submodule("block.nope")
    with pytest.raises(AttributeError, match="not an nn.Parameter"):
        m.get_parameter("block.1.running_mean")


def test_modes_zero_grad_requires_grad_and_apply():
    m = Net()
    assert m.training and m.block[1].training
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    with pytest.raises(ValueError, match="boolean"):
        m.train("yes")
    m(autograd.randn(4, 3)).sum().backward()
    assert m.fc1.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert float(m.fc1.weight.grad.abs().sum()) == 0.0
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == "Net" and seen[0] == "Linear"


def test_to_converts_floating_parameters_and_buffers_in_place():
    m = Net()
    w = m.fc1.weight
    m(autograd.randn(4, 3)).sum().backward()
    assert m.double() is m
    assert m.fc1.weight is w and w.dtype == autograd.float64
    assert w.grad.dtype == autograd.float64
    assert m.block[1].running_mean.dtype == autograd.float64
    assert m.block[1].num_batches_tracked.dtype == autograd.int64
    m.to(autograd.float32)
    assert w.dtype == autograd.float32
    m.half()
    assert w.dtype == autograd.float16
    m.float().to("cpu")
    assert m.cpu() is m
    with pytest.raises(RuntimeError, match="not available"):
        m.to("cuda")
    with pytest.raises(RuntimeError, match="not available"):
        m.cuda()
    with pytest.raises(TypeError, match="floating point"):
        m.to(autograd.int64)


def test_module_without_forward_raises_with_torchs_message():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


def test_deepcopy_of_a_module_copies_its_parameters():
    m = Net()
    c = copy.deepcopy(m)
    assert c.fc1.weight is not m.fc1.weight
    assert np.array_equal(c.fc1.weight.data, m.fc1.weight.data)
    assert isinstance(c.fc1.weight, nn.Parameter)


# ------------------------------------------------------------------ hooks
def test_forward_pre_hook_and_forward_hook_modify_args_and_output():
    lin = nn.Linear(2, 2)
    x = autograd.randn(3, 2)
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: out + 1)
    np.testing.assert_allclose(lin(x).data, np.tile(lin.bias.data + 1, (3, 1)), rtol=1e-6)
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(lin(x).data, (x @ lin.weight.T + lin.bias).data, rtol=1e-6)


def test_hooks_with_kwargs_prepend_and_context_manager():
    class KW(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    m = KW()
    calls = []
    m.register_forward_hook(lambda mod, a, out: calls.append("second"))
    m.register_forward_hook(lambda mod, a, out: calls.append("first"), prepend=True)
    with m.register_forward_pre_hook(lambda mod, a, kw: (a, {"scale": 3.0}),
                                     with_kwargs=True):
        seen = []
        with m.register_forward_hook(lambda mod, a, kw, out: seen.append(kw), with_kwargs=True):
            assert float(m(autograd.tensor(2.0))) == 6.0
        assert seen == [{"scale": 3.0}]
    assert float(m(autograd.tensor(2.0))) == 2.0
    assert calls[:2] == ["first", "second"]
    bad = m.register_forward_pre_hook(lambda mod, a, kw: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match="new_args, new_kwargs"):
        m(autograd.tensor(1.0))
    bad.remove()


def test_always_call_forward_hook_runs_when_forward_raises():
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m = Boom()
    seen = []
    m.register_forward_hook(lambda mod, a, out: seen.append(out), always_call=True)
    m.register_forward_hook(lambda mod, a, out: seen.append("never"))
    with pytest.raises(ValueError, match="boom"):
        m(1)
    assert seen == [None]


def test_full_backward_hooks_match_torch():
    lin = nn.Linear(3, 2).double()
    tlin = torch.nn.Linear(3, 2).double()
    tlin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in lin.state_dict().items()})
    x_np = np.random.default_rng(0).standard_normal((4, 3))
    results = []
    for mod, lib, x in ((lin, autograd, autograd.tensor(x_np, requires_grad=True)),
                        (tlin, torch, torch.tensor(x_np, requires_grad=True))):
        log = []
        mod.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
        mod.register_full_backward_hook(lambda m, gi, go, log=log: log.append(
            (np.array(gi[0].detach().numpy()), np.array(go[0].detach().numpy()))))
        (mod(x) ** 2).sum().backward()
        results.append((log, x.grad.numpy().copy(), mod.weight.grad.numpy().copy()))
    (log, xg, wg), (tlog, txg, twg) = results
    assert len(log) == len(tlog) == 1
    np.testing.assert_allclose(log[0][0], tlog[0][0], rtol=1e-12)
    np.testing.assert_allclose(log[0][1], tlog[0][1], rtol=1e-12)
    np.testing.assert_allclose(xg, txg, rtol=1e-12)
    np.testing.assert_allclose(wg, twg, rtol=1e-12)


def test_full_backward_hook_can_replace_grad_input():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    x = autograd.randn(3, 2, requires_grad=True)
    lin(x).sum().backward()
    assert float(x.grad.abs().sum()) == 0.0
    assert float(lin.weight.grad.abs().sum()) > 0


# ------------------------------------------------------------------ repr
def test_repr_matches_torch_for_nested_architecture():
    m, tm = Net(), torch_net()
    assert repr(m).replace("Net(", "") == repr(tm).replace("TNet(", "")


def test_repr_of_layers_matches_torch():
    tnn = _tnn()
    pairs = [
        (nn.Sequential(nn.Linear(3, 4, bias=False), nn.Dropout(0.2), nn.Flatten(),
                       nn.Unflatten(1, (2, 2)), nn.Identity()),
         tnn.Sequential(tnn.Linear(3, 4, bias=False), tnn.Dropout(0.2), tnn.Flatten(),
                        tnn.Unflatten(1, (2, 2)), tnn.Identity())),
        (nn.ModuleList([nn.Linear(2, 2)] * 3 + [nn.LayerNorm(2)]),
         tnn.ModuleList([tnn.Linear(2, 2)] * 3 + [tnn.LayerNorm(2)])),
        (nn.ModuleList(), tnn.ModuleList()),
        (nn.Sequential(OrderedDict(a=nn.GroupNorm(2, 4), b=nn.RMSNorm([2, 3]))),
         tnn.Sequential(OrderedDict(a=tnn.GroupNorm(2, 4), b=tnn.RMSNorm([2, 3])))),
        (nn.Sequential(nn.BatchNorm2d(3, momentum=None), nn.InstanceNorm1d(4, affine=True),
                       nn.Dropout1d(), nn.Dropout2d(0.1, inplace=True), nn.Dropout3d(),
                       nn.AlphaDropout(0.3), nn.Bilinear(2, 3, 4), nn.BatchNorm3d(2),
                       nn.InstanceNorm3d(2), nn.LayerNorm((2, 3), elementwise_affine=False)),
         tnn.Sequential(tnn.BatchNorm2d(3, momentum=None), tnn.InstanceNorm1d(4, affine=True),
                        tnn.Dropout1d(), tnn.Dropout2d(0.1, inplace=True), tnn.Dropout3d(),
                        tnn.AlphaDropout(0.3), tnn.Bilinear(2, 3, 4), tnn.BatchNorm3d(2),
                        tnn.InstanceNorm3d(2), tnn.LayerNorm((2, 3), elementwise_affine=False))),
        (nn.Embedding(10, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0,
                      scale_grad_by_freq=True, sparse=True),
         tnn.Embedding(10, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0,
                       scale_grad_by_freq=True, sparse=True)),
    ]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


def test_parameter_list_and_dict_repr_match_torch():
    pl = nn.ParameterList([nn.Parameter(autograd.zeros(2, 3)), autograd.zeros(4)])
    tpl = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2, 3)), torch.zeros(4)])
    assert repr(pl) == repr(tpl).replace("torch.", "autograd.")
    pd = nn.ParameterDict({"b": nn.Parameter(autograd.zeros(1)), "a": autograd.zeros(2)})
    tpd = torch.nn.ParameterDict({"b": torch.nn.Parameter(torch.zeros(1)),
                                  "a": torch.zeros(2)})
    assert repr(pd) == repr(tpd).replace("torch.", "autograd.")


# ------------------------------------------------------------------ containers
def test_sequential_indexing_slicing_and_editing():
    a, b, c = nn.Linear(1, 2), nn.Linear(2, 3), nn.Linear(3, 4)
    s = nn.Sequential(a, b, c)
    assert s[0] is a and s[-1] is c and len(s) == 3 and list(s) == [a, b, c]
    sl = s[1:]
    assert isinstance(sl, nn.Sequential) and list(sl) == [b, c]
    assert list(sl._modules) == ["1", "2"]  # slicing keeps the names, as torch
    with pytest.raises(IndexError, match="out of range"):
        s[3]
    d = nn.Linear(4, 1)
    s.append(d)
    assert list(s._modules) == ["0", "1", "2", "3"]
    assert s.pop(1) is b
    assert list(s) == [a, c, d] and list(s._modules) == ["0", "1", "2"]
    s.insert(1, b)
    assert list(s) == [a, b, c, d]
    s.insert(-1, nn.Identity())
    assert isinstance(s[3], nn.Identity)
    del s[3]
    s[3] = nn.Linear(4, 5)
    assert s(autograd.zeros(7, 1)).shape == (7, 5)
    s.extend(nn.Sequential(nn.Identity()))
    assert len(s) == 5
    assert len(s + nn.Sequential(nn.Identity())) == 6
    named = nn.Sequential(OrderedDict([("first", a), ("second", b)]))
    assert named.first is a and list(named._modules) == ["first", "second"]


def test_sequential_matches_torch_after_edits():
    tnn = _tnn()
    s = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1), nn.Linear(1, 1))
    ts = tnn.Sequential(tnn.Linear(1, 1), tnn.Linear(1, 1), tnn.Linear(1, 1))
    for seq in (s, ts):
        del seq[0]
        seq.append(type(seq[0])(1, 1))
        seq.insert(0, type(seq[0])(1, 1))
    assert list(s.state_dict()) == list(ts.state_dict())


def test_module_list_operations():
    layers = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
    assert len(layers) == 3 and isinstance(layers[1:], nn.ModuleList)
    assert layers[-1] is layers[2]
    layers += [nn.Identity()]
    assert len(layers) == 4 and isinstance(layers[3], nn.Identity)
    layers.insert(0, nn.Identity())
    assert isinstance(layers[0], nn.Identity) and list(layers._modules) == list("01234")
    popped = layers.pop(0)
    assert isinstance(popped, nn.Identity) and len(layers) == 4
    layers.extend([nn.Linear(2, 2)])
    assert len(layers) == 5 and len(list(layers.parameters())) == 8
    both = layers + nn.ModuleList([nn.Identity()])
    assert len(both) == 6
    with pytest.raises(IndexError):
        layers[10]
    with pytest.raises(NotImplementedError):
        layers(1)


def test_module_dict_operations():
    d = nn.ModuleDict({"b": nn.Linear(1, 1)})
    d["a"] = nn.Identity()
    d.update([("c", nn.Identity())])
    assert list(d) == ["b", "a", "c"] and list(d.keys()) == ["b", "a", "c"]
    assert "a" in d and len(d) == 3
    assert isinstance(d.pop("a"), nn.Identity) and "a" not in d
    assert [k for k, _ in d.items()] == ["b", "c"]
    d.clear()
    assert len(d) == 0
    with pytest.raises(ValueError, match="element #0"):
        d.update([nn.Identity()])


def test_parameter_list_and_dict_register_parameters():
    pl = nn.ParameterList([autograd.zeros(2), nn.Parameter(autograd.ones(1))])
    assert all(isinstance(p, nn.Parameter) for p in pl)
    pl.append(autograd.zeros(3))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert len(pl[1:]) == 2
    pd = nn.ParameterDict({"w": autograd.zeros(2)})
    pd["b"] = autograd.ones(1)
    assert isinstance(pd["b"], nn.Parameter) and list(pd) == ["w", "b"]
    assert [n for n, _ in pd.named_parameters()] == ["w", "b"]
    assert isinstance(pd.pop("w"), nn.Parameter) and list(pd.keys()) == ["b"]
    assert pd.get("zz") is None and "b" in pd


def test_flatten_unflatten_identity():
    x = autograd.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Unflatten(1, (3, 1))(autograd.randn(2, 3)).shape == (2, 3, 1)
    assert nn.Identity(54, unused="x")(x) is x
    with pytest.raises(TypeError, match="tuple or list of ints"):
        nn.Unflatten(1, 3)


# ------------------------------------------------------------------ state dict
def test_state_dict_keys_match_torch_including_buffers():
    m, tm = Net(), torch_net()
    sd = m.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(tm.state_dict())
    assert "scratch" not in sd and "block.1.num_batches_tracked" in sd
    assert all(type(v) is autograd.Tensor and not v.requires_grad for v in sd.values())
    assert sd["fc1.weight"].data is m.fc1.weight.data  # detached, sharing memory
    kept = m.state_dict(keep_vars=True)
    assert kept["fc1.weight"] is m.fc1.weight
    assert list(m.state_dict(prefix="model."))[:2] == ["model.scale", "model.step"]


def test_load_state_dict_from_torch_copies_in_place():
    m, tm = Net(), torch_net()
    weight = m.fc1.weight
    version = weight._version
    result = m.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert m.fc1.weight is weight and weight._version > version
    for k, v in tm.state_dict().items():
        np.testing.assert_array_equal(m.state_dict()[k].numpy(), v.numpy())
    m.load_state_dict({k: autograd.tensor(v.numpy()).double() for k, v in
                       tm.state_dict().items() if v.is_floating_point()}, strict=False)
    assert m.fc1.weight.dtype == autograd.float32  # converted to the model's dtype


def test_load_state_dict_error_message_matches_torch_and_changes_nothing():
    def bad_state(mod, lib):
        sd = {k: v.clone() for k, v in mod.state_dict().items()}
        del sd["bias"]
        sd["weight"] = lib.zeros(3, 3)
        sd["extra"] = lib.zeros(1)
        return sd

    lin = nn.Linear(2, 3)
    tlin = torch.nn.Linear(2, 3)
    before = lin.weight.data.copy()
    with pytest.raises(RuntimeError) as ours:
        lin.load_state_dict(bad_state(lin, autograd))
    with pytest.raises(RuntimeError) as theirs:
        tlin.load_state_dict(bad_state(tlin, torch))
    assert str(ours.value) == str(theirs.value).replace("torch.Size", "autograd.Size")
    assert str(ours.value).startswith("Error(s) in loading state_dict for Linear:\n\t"
                                      "Missing key(s) in state_dict: \"bias\". ")
    np.testing.assert_array_equal(lin.weight.data, before)


def test_load_state_dict_nothing_changes_when_a_later_entry_is_bad():
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    sd = {k: v.clone() * 0 for k, v in m.state_dict().items()}
    sd["1.bias"] = autograd.zeros(5)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    with pytest.raises(RuntimeError, match=r"size mismatch for 1.bias: copying a param with "
                                           r"shape autograd.Size\(\[5\]\) from checkpoint"):
        m.load_state_dict(sd)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k].numpy())


def test_load_state_dict_non_strict_reports_keys_but_shape_mismatch_still_raises():
    m, tm = Net(), torch_net()
    sd = {k: v.clone() for k, v in m.state_dict().items()}
    tsd = {k: v.clone() for k, v in tm.state_dict().items()}
    for d in (sd, tsd):
        del d["block.1.running_var"]
        d["heads.5.weight"] = d["fc1.weight"]
        d["unknown"] = d["scale"]
    ours = m.load_state_dict(sd, strict=False)
    theirs = tm.load_state_dict(tsd, strict=False)
    assert ours.missing_keys == theirs.missing_keys == ["block.1.running_var"]
    assert ours.unexpected_keys == theirs.unexpected_keys
    sd["fc1.weight"] = autograd.zeros(9)
    with pytest.raises(RuntimeError, match="size mismatch for fc1.weight"):
        m.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="dict-like"):
        m.load_state_dict([1, 2])
    sd = m.state_dict()
    sd["scale"] = "not a tensor"
    with pytest.raises(RuntimeError, match='While copying the parameter named "scale"'):
        m.load_state_dict(sd)


def test_load_state_dict_assign_takes_the_tensors():
    lin = nn.Linear(2, 2)
    new = {"weight": autograd.ones(2, 2), "bias": autograd.zeros(2)}
    lin.load_state_dict(new, assign=True)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad
    assert lin.weight.data is new["weight"].data


def test_optimizer_style_references_survive_load():
    lin = nn.Linear(2, 1)
    params = list(lin.parameters())
    lin.load_state_dict({"weight": autograd.ones(1, 2), "bias": autograd.ones(1)})
    assert params[0] is lin.weight and float(params[0].sum()) == 2.0


def test_extra_state_round_trips():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    a, b = WithExtra(), WithExtra()
    a.value = 7
    sd = a.state_dict()
    assert list(sd) == ["_extra_state"]
    b.load_state_dict(sd)
    assert b.value == 7
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "_extra_state"'):
        b.load_state_dict({})



def test_full_backward_hook_grad_input_has_none_for_inputs_without_grad():
    class Mix(nn.Module):
        def forward(self, a, b, scale):
            return a * b * scale

    m = Mix()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(gi))
    a = autograd.ones(2)
    b = autograd.ones(2, requires_grad=True)
    m(a, b, 3.0).sum().backward()
    assert len(seen) == 1 and len(seen[0]) == 3  # one entry per argument, as torch
    assert seen[0][0] is None and seen[0][2] is None
    np.testing.assert_array_equal(seen[0][1].numpy(), [3.0, 3.0])
