"""The `glassgrad` command line end to end in a temporary folder, on small slices of the
offline 8x8 digits: train -> evaluate -> predict -> resume -> draw, sweep, bench, and the
error cases (one `glassgrad: error:` line, exit status 2, nothing already written changed).

Runs in-process through `nn.cli.main` (one subprocess checks `python -m nn`)."""
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd
from nn.cli import main
from nn.training import (load_checkpoint, load_data, predict_arrays, read_metrics,
                         rebuild_model)

REPO = Path(__file__).resolve().parents[1]
# a small, quick run: 300 training digits, one hidden layer of 16 units
SMALL = ["--subset", "300", "--hidden", "16", "--batch-size", "32", "--no-progress"]


def run_cli(capsys, *argv):
    """(exit status, stdout, stderr) of `glassgrad argv...`."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fingerprint(folder):
    """{name: sha256} of every file in `folder` (to prove nothing was changed)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).iterdir()) if p.is_file()}


def assert_one_line_error(code, out, err, *needles):
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("glassgrad: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def params_of(path):
    return {k: v.numpy().copy() for k, v in load_checkpoint(path)["model"].items()}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A finished 3-epoch run with its pictures (trained once for the module)."""
    out = tmp_path_factory.mktemp("cli") / "run"
    code = main(["train", "--out", str(out), "--epochs", "3", "--seed", "1", *SMALL,
                 "--quiet"])
    assert code == 0
    return out


# ---------------------------------------------------------------------------- train


def test_train_writes_checkpoints_metrics_and_pictures(run_dir):
    names = {p.name for p in run_dir.iterdir()}
    assert {"best.safetensors", "last.safetensors", "metrics.csv"} <= names
    pictures = {"loss.png", "accuracy.png", "grad_norms.png", "activations.png", "weights.png"}
    assert pictures <= names
    for name in pictures:
        data = (run_dir / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name
    rows = read_metrics(run_dir / "metrics.csv")
    assert [r["epoch"] for r in rows] == [1, 2, 3]
    assert all(0 <= r["train_acc"] <= 1 and r["train_loss"] > 0 for r in rows)
    assert rows[-1]["train_loss"] < rows[0]["train_loss"]
    last, best = load_checkpoint(run_dir / "last.safetensors"), \
        load_checkpoint(run_dir / "best.safetensors")
    assert last["epoch"] == 3
    assert best["epoch"] == max(rows, key=lambda r: (r["val_acc"], r["epoch"]))["epoch"]
    assert last["config"]["arch"]["hidden"] == [16]
    assert last["config"]["dataset_sizes"][0] == 300


def test_train_reports_accuracy(tmp_path, capsys):
    code, out, err = run_cli(capsys, "train", "--out", tmp_path / "r", "--epochs", "2",
                             *SMALL, "--no-plots")
    assert code == 0, err
    assert "epoch 1/2" in out and "epoch 2/2" in out
    summary = out.strip().splitlines()[-2]
    assert "test accuracy (best.safetensors)" in summary and "%" in summary
    assert not (tmp_path / "r" / "loss.png").exists()   # --no-plots


def test_train_model_flags_build_that_model(tmp_path, capsys):
    out = tmp_path / "bn"
    code, _, err = run_cli(capsys, "train", "--out", out, "--epochs", "1", "--subset", "200",
                           "--hidden", "24,12", "--activation", "tanh", "--dropout", "0.2",
                           "--batchnorm", "--optimizer", "sgd", "--lr", "0.1",
                           "--momentum", "0.5", "--scheduler", "step", "--step-size", "1",
                           "--gamma", "0.5", "--batch-size", "50", "--seed", "3",
                           "--no-plots", "--quiet")
    assert code == 0, err
    ckpt = load_checkpoint(out / "last.safetensors")
    cfg = ckpt["config"]
    assert cfg["arch"]["hidden"] == [24, 12] and cfg["arch"]["activation"] == "tanh"
    assert cfg["arch"]["dropout"] == 0.2 and cfg["arch"]["batchnorm"] is True
    assert (cfg["optimizer"], cfg["lr"], cfg["batch_size"], cfg["seed"]) == ("sgd", 0.1, 50, 3)
    model = rebuild_model(ckpt)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Flatten", "Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear",
                     "BatchNorm1d", "Tanh", "Dropout", "Linear"]
    assert ckpt["optimizer"]["param_groups"][0]["lr"] == pytest.approx(0.05)   # StepLR


def test_train_cnn_on_toy_points_is_refused_and_cnn_on_digits_trains(tmp_path, capsys):
    code, out, err = run_cli(capsys, "train", "--out", tmp_path / "p", "--dataset", "moons",
                             "--model", "cnn", "--epochs", "1", "--no-plots")
    assert_one_line_error(code, out, err, "--model cnn", "--model mlp")
    assert not (tmp_path / "p").exists()
    code, _, err = run_cli(capsys, "train", "--out", tmp_path / "c", "--model", "cnn",
                           "--channels", "4,8", "--hidden", "16", "--epochs", "1",
                           "--subset", "128", "--no-plots", "--quiet")
    assert code == 0, err
    model = rebuild_model(load_checkpoint(tmp_path / "c" / "best.safetensors"))
    assert [type(m).__name__ for m in model][:3] == ["Conv2d", "ReLU", "MaxPool2d"]


def test_progress_bar_shows_running_loss_and_accuracy(tmp_path, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    from nn.training import fit
    import tqdm.auto

    class EveryUpdate(tqdm.auto.tqdm):     # draw every update, however quick
        def __init__(self, *args, **kwargs):
            super().__init__(*args, mininterval=0, miniters=1, **kwargs)

    monkeypatch.setattr(tqdm.auto, "tqdm", EveryUpdate)
    lines = []
    fit({"subset": 128, "hidden": [8], "epochs": 2}, tmp_path / "r", progress=True,
        plots=False, log=lines.append)
    err = capsys.readouterr().err
    assert [line.split("  ")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]
    assert "epoch 1/2" in err and "epoch 2/2" in err
    assert "epoch 1/2:" in err and "4/4" in err     # 128 samples, batches of 32
    assert re.search(r"loss=[0-9.]+", err) and re.search(r"acc=[0-9.]+", err)


def test_toy_dataset_run_draws_its_decision_boundary(tmp_path, capsys):
    code, _, err = run_cli(capsys, "train", "--out", tmp_path / "m", "--dataset", "moons",
                           "--hidden", "16", "--epochs", "2", "--quiet", "--no-progress")
    assert code == 0, err
    assert (tmp_path / "m" / "decision_boundary.png").stat().st_size > 5000
    # predict takes raw 2-D points, standardised as in training
    data = load_data("moons")
    model = rebuild_model(load_checkpoint(tmp_path / "m" / "best.safetensors"))
    np.save(tmp_path / "points.npy", data.raw(data.x_test[:4]))
    code, out, err = run_cli(capsys, "predict", tmp_path / "m", tmp_path / "points.npy",
                             "--json")
    assert code == 0, err
    got = [[r["probabilities"][c] for c in ("0", "1")] for r in json.loads(out)]
    np.testing.assert_allclose(got, predict_arrays(model, data.x_test[:4]), atol=1e-5)
    code, out, err = run_cli(capsys, "predict", tmp_path / "m", tmp_path / "m" / "loss.png")
    assert_one_line_error(code, out, err, "2-D points")
    code, out, err = run_cli(capsys, "evaluate", tmp_path / "m", "--out", tmp_path / "e",
                             "--quiet")
    assert code == 0 and (tmp_path / "e" / "decision_boundary.png").is_file()


# ---------------------------------------------------------------------------- evaluate


def test_evaluate_prints_accuracy_and_writes_pictures(run_dir, tmp_path, capsys):
    code, out, err = run_cli(capsys, "evaluate", run_dir / "best.safetensors", "--out",
                             tmp_path)
    assert code == 0, err
    ckpt = load_checkpoint(run_dir / "best.safetensors")
    data = load_data("digits", subset=300)
    probs = predict_arrays(rebuild_model(ckpt), data.x_test)
    expected = float(np.mean(probs.argmax(1) == data.y_test))
    assert f"digits test accuracy: {100 * expected:.2f}%" in out
    assert "per-class accuracy:" in out and out.count("%") >= 11
    report = json.loads((tmp_path / "evaluation.json").read_text())
    assert report["accuracy"] == pytest.approx(expected)
    assert len(report["per_class_accuracy"]) == 10
    assert np.asarray(report["confusion_matrix"]).sum() == len(data.y_test)
    for name in ("confusion_matrix.png", "misclassified.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / name).stat().st_size > 5000


def test_evaluate_accepts_a_run_folder(run_dir, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "evaluate", run_dir, "--out", tmp_path, "--split", "val",
                           "--quiet")
    assert code == 0 and out.startswith("digits val accuracy:")


# ---------------------------------------------------------------------------- predict


def test_predict_png_jpeg_npy_like_training(run_dir, tmp_path, capsys):
    from PIL import Image
    ckpt = load_checkpoint(run_dir / "best.safetensors")
    model = rebuild_model(ckpt)
    data = load_data("digits", subset=300)
    raw = data.raw(data.x_test[:3])[:, 0]               # three 8x8 digits in [0, 1]
    expected = predict_arrays(model, data.x_test[:3])
    png, jpg, npy = tmp_path / "d.png", tmp_path / "d.jpg", tmp_path / "batch.npy"
    Image.fromarray(np.round(raw[0] * 255).astype(np.uint8)).save(png)
    Image.fromarray(np.round(raw[0] * 255).astype(np.uint8)).resize((32, 32)).save(jpg)
    np.save(npy, raw)
    code, out, err = run_cli(capsys, "predict", run_dir / "best.safetensors", png, jpg, npy,
                             "--json", "--top", "10")
    assert code == 0, err
    results = json.loads(out)
    assert [r["input"] for r in results] == [str(png), str(jpg)] + \
        [f"{npy}[{i}]" for i in range(3)]
    for r in results:
        assert sum(r["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert r["prediction"] == max(r["probabilities"], key=r["probabilities"].get)
    for i in range(3):   # the .npy batch: exactly the training preprocessing
        got = [results[2 + i]["probabilities"][c] for c in data.classes]
        np.testing.assert_allclose(got, expected[i], atol=1e-5)
    # the PNG differs from the array only by rounding to 8 bits
    got = [results[0]["probabilities"][c] for c in data.classes]
    np.testing.assert_allclose(got, expected[0], atol=0.05)
    # plain text: one line per input, the top 3 classes
    code, out, _ = run_cli(capsys, "predict", run_dir, png)
    assert code == 0 and out.startswith(f"{png}: ") and out.count(",") == 2


def test_predict_inverts_dark_on_light_pictures(run_dir, tmp_path, capsys):
    from PIL import Image
    data = load_data("digits", subset=300)
    raw = data.raw(data.x_test[:1])[0, 0]
    light = tmp_path / "paper.png"
    Image.fromarray(np.round((1 - raw) * 255).astype(np.uint8)).save(light)
    np.save(tmp_path / "ink.npy", raw)
    _, a, _ = run_cli(capsys, "predict", run_dir, light, "--json", "--top", "10")
    _, b, _ = run_cli(capsys, "predict", run_dir, tmp_path / "ink.npy", "--json", "--top", "10")
    pa, pb = json.loads(a)[0]["probabilities"], json.loads(b)[0]["probabilities"]
    np.testing.assert_allclose([pa[c] for c in data.classes], [pb[c] for c in data.classes],
                               atol=0.05)


# ---------------------------------------------------------------------------- resume


def test_resume_is_exact(tmp_path, capsys):
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    flags = ["--epochs", "3", "--seed", "5", "--dropout", "0.3", "--scheduler", "cosine",
             *SMALL, "--no-plots", "--quiet"]
    assert main(["train", "--out", str(straight), *flags]) == 0
    assert main(["train", "--out", str(resumed), *flags, "--stop-after", "1"]) == 0
    assert load_checkpoint(resumed / "last.safetensors")["epoch"] == 1
    assert len(read_metrics(resumed / "metrics.csv")) == 1
    code, out, err = run_cli(capsys, "train", "--resume", resumed, "--no-progress",
                             "--no-plots")
    assert code == 0, err
    assert "resuming" in out and "from epoch 1 of 3" in out
    a, b = params_of(straight / "last.safetensors"), params_of(resumed / "last.safetensors")
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    ma, mb = read_metrics(straight / "metrics.csv"), read_metrics(resumed / "metrics.csv")
    for ra, rb in zip(ma, mb, strict=True):
        for key in ("train_loss", "train_acc", "val_loss", "val_acc", "lr"):
            assert ra[key] == rb[key], (key, ra, rb)


def test_resume_can_extend_the_epochs(run_dir, tmp_path, capsys):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    code, _, err = run_cli(capsys, "train", "--resume", copy / "last.safetensors",
                           "--epochs", "4", "--quiet", "--no-plots")
    assert code == 0, err
    assert [r["epoch"] for r in read_metrics(copy / "metrics.csv")] == [1, 2, 3, 4]


# ---------------------------------------------------------------------------- draw


@pytest.mark.parametrize("fmt, magic", [("svg", b"<"), ("png", b"\x89PNG")])
def test_draw_checkpoint(run_dir, tmp_path, capsys, fmt, magic):
    viz = pytest.importorskip("autograd.viz")
    try:
        viz.find_renderer()
    except viz.RendererNotFoundError:
        pytest.skip("no Graphviz renderer")
    code, out, err = run_cli(capsys, "draw", run_dir, "--out", tmp_path, "--format", fmt)
    assert code == 0, err
    for name in ("graph", "model"):
        data = (tmp_path / f"{name}.{fmt}").read_bytes()
        assert data.lstrip()[:len(magic)] == magic and len(data) > 1000
    dot = (tmp_path / "graph.dot").read_text()
    assert "1.weight\\n(16, 64)" in dot and "3.weight\\n(10, 16)" in dot   # named leaves
    assert "grad" in dot                                                   # gradient flow
    modules = (tmp_path / "model.dot").read_text()
    assert "Linear(in_features=64, out_features=16" in modules
    assert 'label="(2, 64)"' in modules and 'label="(2, 16)"' in modules   # shapes on edges


def test_draw_from_model_flags(tmp_path, capsys):
    viz = pytest.importorskip("autograd.viz")
    try:
        viz.find_renderer()
    except viz.RendererNotFoundError:
        pytest.skip("no Graphviz renderer")
    code, _, err = run_cli(capsys, "draw", "--model", "cnn", "--channels", "4",
                           "--hidden", "8", "--out", tmp_path)
    assert code == 0, err
    assert "Conv2d" in (tmp_path / "model.dot").read_text()
    assert (tmp_path / "graph.svg").stat().st_size > 1000


# ---------------------------------------------------------------------------- sweep, bench


def test_sweep_writes_one_table_and_one_picture(tmp_path, capsys):
    out = tmp_path / "sweep"
    code, stdout, err = run_cli(capsys, "sweep", "--lr", "0.01,0.001", "--hidden", "8",
                                "--layers", "1,2", "--batch-size", "64", "--epochs", "1",
                                "--subset", "150", "--out", out, "--quiet")
    assert code == 0, err
    rows = (out / "sweep.csv").read_text().strip().splitlines()
    assert rows[0].startswith("name,lr,hidden,layers,batch_size")
    assert len(rows) == 1 + 4
    table = [line for line in stdout.splitlines() if line.startswith("lr=")]
    assert len(table) == 4
    vals = [float(line.split()[-4].rstrip("%")) for line in table]
    assert vals == sorted(vals, reverse=True)   # best first
    assert (out / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in out.iterdir()) == ["sweep.csv", "sweep.png"]
    # a second sweep into the same folder is refused and changes nothing
    before = fingerprint(out)
    code, stdout, err = run_cli(capsys, "sweep", "--out", out, "--epochs", "1")
    assert_one_line_error(code, stdout, err, "already holds a sweep")
    assert fingerprint(out) == before


def test_bench_prints_a_table_beside_torch(tmp_path, capsys):
    (tmp_path / "bench_tiny.py").write_text(
        "def run():\n"
        "    return {'matmul 64x64': {'glassgrad': 2.0, 'torch': 1.0, 'numpy': 0.5},\n"
        "            'ratio': 2.0}\n")
    code, out, err = run_cli(capsys, "bench", "--dir", tmp_path, "--list")
    assert code == 0 and out.split()[0] == "tiny"
    code, out, err = run_cli(capsys, "bench", "tiny", "--dir", tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    lines = lines[lines.index("== tiny"):]
    header = lines[1].split()
    assert header == ["measurement", "glassgrad", "torch", "numpy", "value"]
    assert lines[2].split() == ["matmul", "64x64", "2", "1", "0.5"]
    (tmp_path / "bench_short.py").write_text(
        "def run(quick=False):\n    return {'quick': quick}\n")
    for flags, shown in [([], "False"), (["--quick"], "True")]:
        code, out, err = run_cli(capsys, "bench", "short", "--dir", tmp_path, *flags)
        assert code == 0 and ["quick", shown] in [line.split() for line in out.splitlines()]
    code, out, err = run_cli(capsys, "bench", "nosuch", "--dir", tmp_path)
    assert_one_line_error(code, out, err, "nosuch", "short, tiny")


def test_bench_finds_the_repository_benchmarks(capsys):
    code, out, _ = run_cli(capsys, "bench", "--list")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert {"mlp", "cnn", "ops", "scalar"} <= set(names)


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize("argv, needle", [
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--model", "rnn"], "--model"),
    (["train", "--hidden", "12,x"], "--hidden"),
    (["train", "--hidden", "0"], "positive"),
    (["train", "--epochs", "0"], "--epochs must be > 0"),
    (["train", "--lr", "-1"], "--lr must be > 0"),
    (["train", "--dropout", "1.5"], "--dropout"),
    (["train", "--val-fraction", "1"], "--val-fraction"),
    (["train", "--dataset", "cifar"], "--dataset"),
    (["train", "--resume"], "--resume needs the run"),
    (["sweep", "--lr", "0.1,abc"], "--lr"),
    (["sweep", "--activation", "swishy"], "swishy"),
    (["frobnicate"], "invalid choice"),
    (["train", "--threads", "-1"], "--threads must be >= 0"),
    (["train", "--out", "afile"], "--out afile is a file"),
    (["evaluate", "x.safetensors", "--out", "afile"], "--out afile is a file"),
    (["sweep", "--out", "afile"], "--out afile is a file"),
])
def test_bad_flags_are_one_line(tmp_path, capsys, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("keep me")
    code, out, err = run_cli(capsys, *argv)
    assert_one_line_error(code, out, err, needle)
    assert not (tmp_path / "runs").exists()   # nothing was written
    assert (tmp_path / "afile").read_text() == "keep me"


def test_missing_files_are_one_line(run_dir, tmp_path, capsys):
    missing = tmp_path / "nope.safetensors"
    for argv in (["evaluate", missing], ["predict", missing, tmp_path / "x.npy"],
                 ["draw", missing], ["train", "--resume", tmp_path / "norun"]):
        code, out, err = run_cli(capsys, *argv)
        assert_one_line_error(code, out, err, "nope.safetensors" if argv[1] == missing
                              else "norun")
    code, out, err = run_cli(capsys, "predict", run_dir, tmp_path / "absent.png")
    assert_one_line_error(code, out, err, "absent.png")
    code, out, err = run_cli(capsys, "train", "--dataset", "mnist", "--data-root", tmp_path,
                             "--out", tmp_path / "m")
    assert_one_line_error(code, out, err, "mnist")
    assert not (tmp_path / "m").exists()


def test_bad_inputs_for_predict_are_one_line(run_dir, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "fake.png").write_bytes(b"not a picture")
    np.save(tmp_path / "cube.npy", np.zeros((2, 3, 4, 5, 6)))
    np.save(tmp_path / "nan.npy", np.full((8, 8), np.nan))
    for name, needle in [("notes.txt", "unknown input type"), ("fake.png", "not a readable"),
                         ("cube.npy", "shape"), ("nan.npy", "finite")]:
        before = fingerprint(run_dir)
        code, out, err = run_cli(capsys, "predict", run_dir, tmp_path / name)
        assert_one_line_error(code, out, err, name, needle)
        assert fingerprint(run_dir) == before


def test_existing_run_is_not_overwritten(run_dir, capsys):
    before = fingerprint(run_dir)
    code, out, err = run_cli(capsys, "train", "--out", run_dir, "--epochs", "1", *SMALL)
    assert_one_line_error(code, out, err, "already holds a run", "--resume")
    assert fingerprint(run_dir) == before


def test_checkpoint_of_another_architecture(run_dir, tmp_path, capsys):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    before = fingerprint(copy)
    # resuming with other model flags
    for flags, needle in [(["--hidden", "32"], "--hidden"), (["--model", "cnn"], "--model"),
                          (["--activation", "tanh"], "--activation"),
                          (["--epochs", "2"], "below the 3 epochs")]:
        code, out, err = run_cli(capsys, "train", "--resume", copy, *flags)
        assert_one_line_error(code, out, err, needle)
        assert fingerprint(copy) == before
    # a checkpoint whose weights belong to another network than its config says
    ckpt = autograd.load(copy / "best.safetensors")
    ckpt["config"]["arch"]["hidden"] = [32]
    autograd.save(ckpt, tmp_path / "other.safetensors")
    for cmd in (["evaluate"], ["draw"], ["predict"]):
        extra = [tmp_path / "x.npy"] if cmd == ["predict"] else []
        np.save(tmp_path / "x.npy", np.zeros((8, 8)))
        code, out, err = run_cli(capsys, *cmd, tmp_path / "other.safetensors", *extra)
        assert_one_line_error(code, out, err, "other.safetensors", "do not fit")
    # a bare state_dict is a safetensors file but not a training checkpoint
    model = rebuild_model(load_checkpoint(copy / "best.safetensors"))
    autograd.save(model.state_dict(), tmp_path / "weights.safetensors")
    code, out, err = run_cli(capsys, "evaluate", tmp_path / "weights.safetensors")
    assert_one_line_error(code, out, err, "weights.safetensors", "not a glassgrad training")
    assert fingerprint(copy) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_checkpoint_is_one_line(run_dir, tmp_path, capsys, damage):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    good = (copy / "last.safetensors").read_bytes()
    bad = {"garbage": b"this is not a checkpoint at all", "truncated": good[:len(good) // 2],
           "empty": b""}[damage]
    (copy / "last.safetensors").write_bytes(bad)
    before = fingerprint(copy)
    for argv in (["evaluate", copy / "last.safetensors"], ["train", "--resume", copy],
                 ["draw", copy / "last.safetensors"],
                 ["predict", copy / "last.safetensors", copy / "loss.png"]):
        code, out, err = run_cli(capsys, *argv)
        assert_one_line_error(code, out, err, "last.safetensors")
        assert fingerprint(copy) == before


def test_python_dash_m_nn(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "nn", "train", "--out", str(tmp_path / "r"),
                           "--epochs", "1", *SMALL, "--no-plots"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "test accuracy" in done.stdout
    assert (tmp_path / "r" / "best.safetensors").is_file()
    done = subprocess.run([sys.executable, "-m", "nn", "evaluate", str(tmp_path / "nothing")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("glassgrad: error:")
    assert len(done.stderr.strip().splitlines()) == 1
