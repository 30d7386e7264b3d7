"""autograd.save / autograd.load: safetensors checkpoints without pickle."""
import collections
import io
import json
import math
import os
import pathlib
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import serialization
from autograd.serialization import CheckpointError, load, save

ALL_DTYPES = [autograd.float16, autograd.float32, autograd.float64, autograd.int8,
              autograd.int16, autograd.int32, autograd.int64, autograd.uint8, autograd.bool]


def read_header(path):
    raw = pathlib.Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    return json.loads(raw[8:8 + n]), n, raw


def write_raw(path, header, data=b"", pad=True):
    text = json.dumps(header).encode()
    if pad:
        text += b" " * (-(8 + len(text)) % 8)
    pathlib.Path(path).write_bytes(struct.pack("<Q", len(text)) + text + data)


def assert_same_tensor(a, b):
    assert isinstance(b, autograd.Tensor)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def training_checkpoint():
    model = collections.OrderedDict([("fc1.weight", autograd.randn(4, 3)),
                                     ("fc1.bias", autograd.zeros(4)),
                                     ("fc2.weight", autograd.randn(2, 4))])
    optim = {"state": {0: {"step": 7, "exp_avg": autograd.ones(4, 3)},
                       2: {"step": 7, "exp_avg": autograd.full((2, 4), 0.5)}},
             "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                               "weight_decay": 0.0, "amsgrad": False, "params": [0, 1, 2]}]}
    return {"model": model, "optimizer": optim, "epoch": 12, "best_loss": float("inf"),
            "last": float("nan"), "neg": float("-inf"), "tag": "run-1", "note": None,
            "converged": False, "history": [0.5, 0.25, -0.0]}


# ----------------------------------------------------------------------------- round trips
def test_training_checkpoint_round_trips(tmp_path):
    ckpt = training_checkpoint()
    save(ckpt, tmp_path / "ckpt.safetensors")
    back = load(tmp_path / "ckpt.safetensors")
    assert list(back) == list(ckpt)
    assert isinstance(back["model"], collections.OrderedDict)
    assert list(back["model"]) == ["fc1.weight", "fc1.bias", "fc2.weight"]
    for k, v in ckpt["model"].items():
        assert_same_tensor(v, back["model"][k])
    state = back["optimizer"]["state"]
    assert list(state) == [0, 2] and all(type(k) is int for k in state)
    assert state[0]["step"] == 7 and type(state[0]["step"]) is int
    assert_same_tensor(ckpt["optimizer"]["state"][2]["exp_avg"], state[2]["exp_avg"])
    group = back["optimizer"]["param_groups"][0]
    assert group["betas"] == (0.9, 0.999) and isinstance(group["betas"], tuple)
    assert group["amsgrad"] is False and group["params"] == [0, 1, 2]
    assert back["epoch"] == 12 and back["best_loss"] == math.inf and back["neg"] == -math.inf
    assert math.isnan(back["last"]) and back["tag"] == "run-1" and back["note"] is None
    assert back["converged"] is False
    assert back["history"] == [0.5, 0.25, 0.0] and math.copysign(1, back["history"][2]) == -1


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_every_dtype_round_trips(tmp_path, dtype):
    values = autograd.tensor(np.arange(-3, 9).reshape(3, 4) % 2 if dtype == autograd.bool
                             else np.arange(-3, 9).reshape(3, 4) % 100, dtype=dtype)
    save({"t": values, "scalar": autograd.tensor(1, dtype=dtype),
          "empty": autograd.zeros(0, 5, dtype=dtype)}, tmp_path / "d.st")
    back = load(tmp_path / "d.st")
    for k in ("t", "scalar", "empty"):
        assert_same_tensor({"t": values, "scalar": autograd.tensor(1, dtype=dtype),
                            "empty": autograd.zeros(0, 5, dtype=dtype)}[k], back[k])


def test_loaded_tensors_are_writable_leaves_and_saved_contiguous(tmp_path):
    w = autograd.randn(3, 5, requires_grad=True)
    transposed = autograd.Tensor._wrap(np.arange(12.0).reshape(3, 4).T, None)
    save({"w": w, "t": transposed}, tmp_path / "a.st")
    back = load(tmp_path / "a.st")
    assert back["w"].is_leaf and not back["w"].requires_grad and back["w"].grad_fn is None
    assert back["t"].data.flags.c_contiguous and back["t"].data.flags.writeable
    np.testing.assert_array_equal(back["t"].numpy(), np.arange(12.0).reshape(3, 4).T)
    back["w"].data[0, 0] = 42.0  # writable, and not the saved tensor's memory
    assert w.data[0, 0] != 42.0


def test_shared_tensor_is_stored_once_and_loads_shared(tmp_path):
    shared = autograd.ones(3)
    save({"enc": shared, "dec": shared, "other": autograd.ones(3)}, tmp_path / "s.st")
    header, _, _ = read_header(tmp_path / "s.st")
    assert sorted(k for k in header if k != "__metadata__") == ["enc", "other"]
    back = load(tmp_path / "s.st")
    assert back["enc"] is back["dec"] and back["enc"] is not back["other"]


def test_colliding_tensor_names_get_unique_names(tmp_path):
    obj = {"a.b": autograd.ones(1), "a": {"b": autograd.zeros(1)}, "__metadata__": autograd.ones(2)}
    save(obj, tmp_path / "c.st")
    header, _, _ = read_header(tmp_path / "c.st")
    assert len([k for k in header if k != "__metadata__"]) == 3
    back = load(tmp_path / "c.st")
    assert back["a.b"].tolist() == [1.0] and back["a"]["b"].tolist() == [0.0]
    assert back["__metadata__"].tolist() == [1.0, 1.0]


def test_numpy_dtype_and_size_values_round_trip(tmp_path):
    obj = {"arr": np.arange(6, dtype=np.int32).reshape(2, 3), "f": np.float32(1.5),
           "i": np.int64(3), "dt": autograd.float16, "shape": autograd.zeros(2, 3).shape,
           (1, "a"): "tuple key", 2.5: "float key", None: "none key", True: "bool key"}
    save(obj, tmp_path / "n.st")
    back = load(tmp_path / "n.st")
    assert isinstance(back["arr"], np.ndarray) and back["arr"].dtype == np.int32
    np.testing.assert_array_equal(back["arr"], obj["arr"])
    assert type(back["f"]) is np.float32 and back["f"] == 1.5 and type(back["i"]) is np.int64
    assert back["dt"] is autograd.float16
    assert back["shape"] == (2, 3) and type(back["shape"]) is type(obj["shape"])
    assert back[(1, "a")] == "tuple key" and back[2.5] == "float key"
    assert back[None] == "none key" and back[True] == "bool key"


def test_file_objects_and_bare_tensor(tmp_path):
    buf = io.BytesIO()
    save(autograd.arange(5), buf)
    buf.seek(0)
    assert load(buf).tolist() == [0, 1, 2, 3, 4]
    with open(tmp_path / "f.st", "wb") as fh:
        save([autograd.ones(2), "x"], fh)
    with open(tmp_path / "f.st", "rb") as fh:
        back = load(fh)
    assert back[1] == "x" and back[0].tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="binary mode"):
        with open(tmp_path / "f.st", encoding="latin-1") as fh:
            load(fh)


def test_map_location(tmp_path):
    save({"w": autograd.ones(2)}, tmp_path / "m.st")
    assert load(tmp_path / "m.st", map_location="cpu")["w"].tolist() == [1.0, 1.0]
    assert load(tmp_path / "m.st", map_location=autograd.device("cpu"))["w"].shape == (2,)
    doubled = load(tmp_path / "m.st", map_location=lambda t, loc: t * 2)
    assert doubled["w"].tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="cuda"):
        load(tmp_path / "m.st", map_location="cuda:0")


def test_generator_state_round_trip_reproduces_draws(tmp_path):
    g = autograd.Generator().manual_seed(1234)
    autograd.randn(5, generator=g)
    save({"rng": g.get_state(), "step": 3}, tmp_path / "g.st")
    expected = autograd.randn(4, generator=g).tolist()
    other = autograd.Generator().manual_seed(99)
    other.set_state(load(tmp_path / "g.st")["rng"])
    assert autograd.randn(4, generator=other).tolist() == expected


values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (st.lists(children, max_size=4)
                      | st.tuples(children, children)
                      | st.dictionaries(st.text(max_size=5) | st.integers(-5, 5), children,
                                        max_size=4)),
    max_leaves=12)


@settings(max_examples=40, deadline=None)
@given(values)
def test_plain_structures_round_trip(obj):
    buf = io.BytesIO()
    save(obj, buf)
    buf.seek(0)
    assert load(buf) == obj


# ----------------------------------------------------------------------------- format / interop
def test_file_layout_is_safetensors(tmp_path):
    save({"a": autograd.ones(2, 3), "b": autograd.arange(4)}, tmp_path / "x.st")
    header, n, raw = read_header(tmp_path / "x.st")
    assert (8 + n) % 8 == 0
    assert header["a"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}
    assert header["b"] == {"dtype": "I64", "shape": [4], "data_offsets": [24, 56]}
    assert len(raw) == 8 + n + 56
    assert all(isinstance(v, str) for v in header["__metadata__"].values())
    assert np.frombuffer(raw[8 + n + 24:], dtype="<i8").tolist() == [0, 1, 2, 3]


def test_interop_with_the_safetensors_package(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    flat = {"w": autograd.randn(3, 4), "b": autograd.tensor([1, 2, 3]),
            "mask": autograd.tensor([True, False]), "h": autograd.ones(2, dtype=autograd.float16)}
    save(flat, tmp_path / "ours.safetensors")
    theirs = safetensors_numpy.load_file(str(tmp_path / "ours.safetensors"))
    assert set(theirs) == set(flat)
    for k, v in flat.items():
        assert theirs[k].dtype == v.data.dtype
        np.testing.assert_array_equal(theirs[k], v.numpy())
    arrays = {"x": np.arange(6, dtype=np.float64).reshape(2, 3),
              "y": np.array([5, 6], dtype=np.int32), "z": np.zeros((0,), np.uint8)}
    safetensors_numpy.save_file(arrays, str(tmp_path / "theirs.safetensors"))
    back = load(tmp_path / "theirs.safetensors")
    assert set(back) == set(arrays)
    for k, v in arrays.items():
        assert back[k].data.dtype == v.dtype
        np.testing.assert_array_equal(back[k].numpy(), v)


# ----------------------------------------------------------------------------- safety
class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_torch_pickle_checkpoint_is_refused_without_running_code(tmp_path):
    torch = pytest.importorskip("torch")
    marker = tmp_path / "pwned"
    torch.save({"weights": torch.ones(2), "payload": Evil(str(marker))}, tmp_path / "evil.pt")
    assert not marker.exists()
    with pytest.raises(CheckpointError) as info:
        load(tmp_path / "evil.pt")
    message = str(info.value)
    assert "pickle" in message and "never unpickles" in message and "run" in message
    assert "save_file" in message and "evil.pt" in message
    assert not marker.exists()


def test_raw_pickle_is_refused_without_running_code(tmp_path):
    marker = tmp_path / "pwned"
    # Protocol-2 pickle opcodes for `open(marker, "w")`, written by hand (no pickle module).
    payload = (b"\x80\x02cbuiltins\nopen\nq\x00X" + struct.pack("<I", len(str(marker)))
               + str(marker).encode() + b"X\x01\x00\x00\x00w\x86q\x01Rq\x02.")
    (tmp_path / "evil.pkl").write_bytes(payload)
    with pytest.raises(CheckpointError, match="pickle"):
        load(tmp_path / "evil.pkl")
    with pytest.raises(CheckpointError, match="pickle"):
        load(io.BytesIO(payload))
    assert not marker.exists()


def test_weights_only_false_still_never_unpickles(tmp_path):
    (tmp_path / "p.pt").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(CheckpointError, match="never unpickles"):
        load(tmp_path / "p.pt", weights_only=False)


# ----------------------------------------------------------------------------- atomic writes
def test_crash_while_saving_keeps_old_checkpoint_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.st"
    save({"epoch": 1, "w": autograd.ones(3)}, path)
    before = path.read_bytes()
    real, calls = serialization._tensor_bytes, []

    def failing(arr):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real(arr)

    monkeypatch.setattr(serialization, "_tensor_bytes", failing)
    with pytest.raises(OSError, match="simulated"):
        save({"epoch": 2, "w": autograd.zeros(3), "v": autograd.zeros(4)}, path)
    assert len(calls) == 2
    assert path.read_bytes() == before and load(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.st"]


def test_save_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "c.st"
    save({"v": 1}, path)
    os.chmod(path, 0o640)
    save({"v": 2}, path)
    assert load(path) == {"v": 2} and (os.stat(path).st_mode & 0o777) == 0o640
    assert os.listdir(tmp_path) == ["c.st"]


class FakeModule:
    def state_dict(self):
        return {}

    def parameters(self):
        return iter(())


@pytest.mark.parametrize("bad, kind, where", [
    ({"model": FakeModule()}, "state_dict", "obj['model']"),
    ({"fn": [1, lambda x: x]}, "function", "obj['fn'][1]"),
    ({"a": {"b": np.array([object()], dtype=object)}}, "object", "obj['a']['b']"),
    ({"s": {1, 2}}, "set", "obj['s']"),
    ({"k": {object(): 1}}, "key", "obj['k']"),
    ({"nt": collections.namedtuple("P", "x")(1)}, "namedtuple", "obj['nt']"),
    ({"c": np.array([1 + 2j])}, "complex128", "obj['c']"),
])
def test_unsavable_objects_fail_before_writing(tmp_path, bad, kind, where):
    path = tmp_path / "x.st"
    with pytest.raises(TypeError) as info:
        save(bad, path)
    assert kind in str(info.value) and where in str(info.value)
    assert os.listdir(tmp_path) == []


def test_cycle_is_refused():
    loop = []
    loop.append(loop)
    with pytest.raises(TypeError, match="contains itself"):
        save(loop, io.BytesIO())


# ----------------------------------------------------------------------------- corrupt files
def good_entry(**change):
    entry = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    entry.update(change)
    return entry


@pytest.mark.parametrize("header, data, message", [
    ({"a": good_entry(dtype="Q7")}, b"\0" * 8, "dtype 'Q7'"),
    ({"a": good_entry(shape=[3])}, b"\0" * 8, "needs 12 bytes"),
    ({"a": good_entry(data_offsets=[0, 16])}, b"\0" * 8, "out of range"),
    ({"a": good_entry(), "b": good_entry(data_offsets=[4, 12])}, b"\0" * 12, "overlaps"),
    ({"a": good_entry(data_offsets=[4, 12])}, b"\0" * 12, "belong to no tensor"),
    ({"a": good_entry()}, b"\0" * 12, "cover 8"),
    ({"a": good_entry(data_offsets=[8, 0])}, b"\0" * 8, "bad data_offsets"),
    ({"a": good_entry(shape=[-2])}, b"\0" * 8, "bad shape"),
    ({"a": good_entry(dtype="BOOL", shape=[2], data_offsets=[0, 2])}, b"\x01\x07", "BOOL"),
    ({"a": good_entry(), "__metadata__": {"x": 1}}, b"\0" * 8, "strings to strings"),
    ({"a": good_entry(), "__metadata__": {"glassgrad.structure": '{"tensor": "zz"}'}},
     b"\0" * 8, "'zz'"),
    ({"__metadata__": {"glassgrad.structure": "{not json"}}, b"", "not valid JSON"),
    ({"__metadata__": {"glassgrad.structure": '{"weird": 1}'}}, b"", "unknown node"),
])
def test_corrupt_headers_are_clear_errors(tmp_path, header, data, message):
    path = tmp_path / "bad.st"
    write_raw(path, header, data)
    with pytest.raises(CheckpointError, match=message) as info:
        load(path)
    assert "bad.st" in str(info.value)


def test_truncated_and_garbage_files(tmp_path):
    save({"w": autograd.ones(100)}, tmp_path / "good.st")
    raw = (tmp_path / "good.st").read_bytes()
    (tmp_path / "cut.st").write_bytes(raw[:-10])
    with pytest.raises(CheckpointError, match="out of range"):
        load(tmp_path / "cut.st")
    (tmp_path / "head.st").write_bytes(raw[:20])
    with pytest.raises(CheckpointError, match="beyond the file size"):
        load(tmp_path / "head.st")
    (tmp_path / "tiny.st").write_bytes(b"abc")
    with pytest.raises(CheckpointError, match="too short"):
        load(tmp_path / "tiny.st")
    (tmp_path / "json.st").write_bytes(struct.pack("<Q", 4) + b"{{{{")
    with pytest.raises(CheckpointError, match="not valid UTF-8 JSON"):
        load(tmp_path / "json.st")
    (tmp_path / "list.st").write_bytes(struct.pack("<Q", 2) + b"[]")
    with pytest.raises(CheckpointError, match="expected an object"):
        load(tmp_path / "list.st")
    assert issubclass(CheckpointError, ValueError) and issubclass(CheckpointError, RuntimeError)
