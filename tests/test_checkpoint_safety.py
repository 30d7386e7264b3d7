"""Checkpoint safety beyond test_serialization: live pickles of every protocol refused
without running them, atomic replace order (write, flush, fsync, rename), truncation at
every byte, hostile nesting, and interoperability with the safetensors package."""
import io
import os
import pickle
import struct

import numpy as np
import pytest

import autograd
from autograd import serialization
from autograd.serialization import CheckpointError, load, save


class MakesMarker:
    """Unpickling this creates the file `marker` (as an attacker's payload would run code)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_live_pickle_of_every_protocol_is_refused_without_running_it(tmp_path, protocol):
    marker = tmp_path / f"marker-{protocol}"
    payload = pickle.dumps({"weights": [1.0, 2.0], "evil": MakesMarker(str(marker))},
                           protocol=protocol)
    path = tmp_path / "evil.pt"
    path.write_bytes(payload)
    for source in (path, io.BytesIO(payload)):
        with pytest.raises(CheckpointError) as info:
            load(source)
        assert "pickle" in str(info.value) and "never unpickles" in str(info.value)
    with pytest.raises(CheckpointError, match="evil.pt"):
        load(path)
    assert not marker.exists()
    pickle.loads(payload)           # the control: this payload really does run when unpickled
    assert marker.exists()


def test_atomic_save_writes_flushes_fsyncs_then_renames(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.st"
    save({"epoch": 1}, path)
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.fstat(fd).st_size))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.dirname(src) == str(tmp_path),
                       os.path.basename(src) != "ckpt.st", load(src)["epoch"]))
        return real_replace(src, dst)

    monkeypatch.setattr(serialization.os, "fsync", fsync)
    monkeypatch.setattr(serialization.os, "replace", replace)
    save({"epoch": 2, "w": autograd.ones(1000)}, path)
    size = os.stat(path).st_size
    # the temporary file is complete and on disk before it replaces the old one, in place
    assert events[0] == ("fsync", size) and events[1] == ("replace", True, True, 2)
    assert load(path)["epoch"] == 2 and os.listdir(tmp_path) == ["ckpt.st"]


def test_failing_rename_keeps_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.st"
    save({"epoch": 1}, path)

    def fail(src, dst):
        raise OSError("rename failed (simulated)")

    monkeypatch.setattr(serialization.os, "replace", fail)
    with pytest.raises(OSError, match="simulated"):
        save({"epoch": 2}, path)
    assert load(path) == {"epoch": 1} and os.listdir(tmp_path) == ["ckpt.st"]


def test_truncation_at_every_byte_is_a_clear_error(tmp_path):
    save({"w": autograd.arange(6).reshape(2, 3), "lr": 0.1, "tag": "x"}, tmp_path / "full.st")
    raw = (tmp_path / "full.st").read_bytes()
    cut = tmp_path / "cut.st"
    for n in range(len(raw)):
        cut.write_bytes(raw[:n])
        with pytest.raises(CheckpointError, match="cut.st"):
            load(cut)


def _raw(header_text):
    data = header_text.encode()
    return struct.pack("<Q", len(data)) + data


@pytest.mark.parametrize("text", [
    '{"a": ' + "[" * 100000 + "]" * 100000 + "}",
    '{"__metadata__": {"glassgrad.structure": "' + "[" * 100000 + "]" * 100000 + '"}}',
    '{"__metadata__": {"glassgrad.structure": "' + '{\\"tuple\\": [' * 3000 + "]}" * 3000
    + '"}}',
], ids=["header", "structure-json", "structure-tree"])
def test_hostile_nesting_is_a_checkpoint_error(tmp_path, text):
    path = tmp_path / "deep.st"
    path.write_bytes(_raw(text))
    with pytest.raises(CheckpointError, match="deep.st.*nested too deeply"):
        load(path)


def test_saving_a_too_deep_object_fails_before_writing(tmp_path):
    deep = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="nested too deeply"):
        save(deep, tmp_path / "d.st")
    assert os.listdir(tmp_path) == []


def test_files_interoperate_with_safetensors_torch_and_safe_open(tmp_path):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    safetensors = pytest.importorskip("safetensors")
    ckpt = {"model": {"w": autograd.randn(3, 4), "b": autograd.zeros(4, dtype=autograd.float16)},
            "step": autograd.tensor(5), "epoch": 2}
    save(ckpt, tmp_path / "ours.safetensors")
    theirs = st_torch.load_file(str(tmp_path / "ours.safetensors"))
    assert set(theirs) == {"model.w", "model.b", "step"}
    np.testing.assert_array_equal(theirs["model.w"].numpy(), ckpt["model"]["w"].numpy())
    assert theirs["model.b"].dtype == torch.float16 and theirs["step"].dtype == torch.int64
    with safetensors.safe_open(str(tmp_path / "ours.safetensors"), "np") as f:
        assert f.metadata()["format"] == "glassgrad"
    st_torch.save_file({"x": torch.arange(6.0).reshape(2, 3), "y": torch.tensor([True])},
                       str(tmp_path / "t.safetensors"), metadata={"note": "from torch"})
    back = load(tmp_path / "t.safetensors")
    assert back["x"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert back["y"].dtype == autograd.bool and back["y"].tolist() == [True]


def test_torch_save_and_load_options_are_accepted_and_never_unpickle(tmp_path):
    path = tmp_path / "c.st"
    save({"w": autograd.ones(2)}, path, pickle_protocol=4, pickle_module=pickle)
    back = load(path, "cpu", pickle, weights_only=False, mmap=True, encoding="latin1")
    assert back["w"].tolist() == [1.0, 1.0]
    marker = tmp_path / "marker"
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(MakesMarker(str(marker))))
    with pytest.raises(CheckpointError, match="never unpickles"):
        load(tmp_path / "evil.pt", pickle_module=pickle, weights_only=False)
    assert not marker.exists()


def test_bfloat16_tensors_from_torch_load_as_exact_float32(tmp_path):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    values = torch.tensor([[1.0, -2.5, 3.140625], [1e-3, 65280.0, -0.0]], dtype=torch.bfloat16)
    st_torch.save_file({"w": values, "b": torch.ones(3)}, str(tmp_path / "bf16.safetensors"))
    back = load(tmp_path / "bf16.safetensors")
    assert back["w"].dtype == autograd.float32 and back["w"].shape == (2, 3)
    np.testing.assert_array_equal(back["w"].numpy(), values.float().numpy())
    assert back["b"].tolist() == [1.0, 1.0, 1.0]


def test_process_killed_mid_save_leaves_the_old_checkpoint(tmp_path):
    """A real crash: a child process is SIGKILLed while it writes a new checkpoint over the
    old one (its write is held open at the second tensor); the old file stays whole."""
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "ckpt.st"
    save({"epoch": 1, "w": autograd.ones(3)}, path)
    before = path.read_bytes()
    started = tmp_path / "started"
    child = subprocess.Popen([sys.executable, "-c", f"""
import pathlib, time
import autograd
from autograd import serialization
real, calls = serialization._tensor_bytes, []
def slow(arr):
    calls.append(1)
    if len(calls) == 2:
        pathlib.Path({str(started)!r}).write_text("x")
        time.sleep(60)
    return real(arr)
serialization._tensor_bytes = slow
autograd.save({{"epoch": 2, "w": autograd.zeros(100000), "v": autograd.zeros(5)}},
              {str(path)!r})
"""], cwd=os.getcwd())
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert child.poll() is None and time.monotonic() < deadline, "child did not start"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    back = load(path)
    assert path.read_bytes() == before and back["epoch"] == 1
    assert back["w"].tolist() == [1.0, 1.0, 1.0]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("ckpt.st", "started")]
    assert all(name.startswith(".ckpt.st.") and name.endswith(".tmp") for name in leftovers)
