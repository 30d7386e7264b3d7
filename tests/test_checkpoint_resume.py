"""Resuming training from an autograd.save checkpoint continues bit-for-bit.

A run is trained straight through; a second run stops, saves model + optimizer + scheduler +
random-generator state to a file, every object is thrown away, fresh ones (built from a
different seed, so nothing leaks from the first run) load the file and training continues.
Losses, parameters and optimizer state must equal the uninterrupted run's exactly.
"""
import numpy as np
import pytest

import autograd
import nn
from nn import optim
from nn.data import DataLoader, TensorDataset
from nn.optim import lr_scheduler
from nn.utils import clip_grad_norm_
from test_lr_scheduler import SCHEDULERS, _optimizers, gsched

EPOCHS, BATCH = 4, 8


def _data():
    rng = np.random.default_rng(0)
    x = autograd.tensor(rng.standard_normal((48, 6)), dtype=autograd.float32)
    y = autograd.tensor(rng.integers(0, 3, 48))
    return TensorDataset(x, y)


def _build(seed, opt_name):
    """Model, optimizer, schedulers and shuffling generator, initialised from `seed`."""
    autograd.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.25), nn.Linear(16, 3))
    if opt_name == "AdamW":
        opt = optim.AdamW(model.parameters(), lr=1e-2, amsgrad=True)
    elif opt_name == "SGD":
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                        weight_decay=1e-3)
    else:
        opt = getattr(optim, opt_name)(model.parameters(), lr=1e-2)
    steps = EPOCHS * (48 // BATCH)
    per_batch = lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=steps,
                                        cycle_momentum=opt_name != "RMSprop")
    per_epoch = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
    generator = autograd.Generator().manual_seed(seed + 1)
    loader = DataLoader(_data(), batch_size=BATCH, shuffle=True, generator=generator)
    return model, opt, per_batch, per_epoch, generator, loader


def _train(parts, epochs, resume=None, stop=None):
    """Train to `epochs`; returns (losses, checkpoint). `stop` = (epoch, batch) stops after
    that batch (batch None: after the epoch is closed) and returns a checkpoint dict made the
    way a training script makes one; `resume` is such a dict to continue from."""
    model, opt, per_batch, per_epoch, generator, loader = parts
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    start, skip, total = (0, 0, 0.0) if resume is None else \
        (resume["epoch"], resume["skip"], resume["epoch_total"])
    for epoch in range(start, epochs):
        epoch_rng = generator.get_state()        # the loader draws this epoch's order from it
        for b, (xb, yb) in enumerate(loader):
            if b < skip:                          # done before the checkpoint
                continue
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            per_batch.step()
            losses.append(loss.item())
            total += loss.item()
            if stop == (epoch, b):                # mid-epoch: replay this epoch's order
                return losses, _checkpoint(parts, epoch_rng, epoch, b + 1, total)
        per_epoch.step(total)
        skip, total = 0, 0.0
        if stop == (epoch, None):
            return losses, _checkpoint(parts, generator.get_state(), epoch + 1, 0, 0.0)
    return losses, None


def _checkpoint(parts, loader_rng, epoch, skip, epoch_total):
    model, opt, per_batch, per_epoch, _, _ = parts
    return {"model": model.state_dict(), "optimizer": opt.state_dict(),
            "per_batch": per_batch.state_dict(), "per_epoch": per_epoch.state_dict(),
            "loader_rng": loader_rng, "rng": autograd.get_rng_state(),
            "epoch": epoch, "skip": skip, "epoch_total": epoch_total}


def _restore(parts, ckpt):
    model, opt, per_batch, per_epoch, generator, _ = parts
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    per_batch.load_state_dict(ckpt["per_batch"])
    per_epoch.load_state_dict(ckpt["per_epoch"])
    generator.set_state(ckpt["loader_rng"])
    autograd.set_rng_state(ckpt["rng"])


def _arrays(state):
    return {k: np.asarray(v.numpy() if isinstance(v, autograd.Tensor) else v)
            for k, v in state.items()}


def _assert_identical(a, b):
    (model_a, opt_a, sched_a, plateau_a, _, _), (model_b, opt_b, sched_b, plateau_b, _, _) = a, b
    for (name, pa), (_, pb) in zip(model_a.state_dict().items(), model_b.state_dict().items()):
        np.testing.assert_array_equal(pa.numpy(), pb.numpy(), err_msg=name)
    sa, sb = opt_a.state_dict(), opt_b.state_dict()
    assert sa["param_groups"] == sb["param_groups"] and list(sa["state"]) == list(sb["state"])
    for i in sa["state"]:
        left, right = _arrays(sa["state"][i]), _arrays(sb["state"][i])
        assert list(left) == list(right)
        for key in left:
            np.testing.assert_array_equal(left[key], right[key], err_msg=key)
    assert sched_a.state_dict() == sched_b.state_dict()
    assert sched_a.get_last_lr() == sched_b.get_last_lr()
    assert plateau_a.state_dict() == plateau_b.state_dict()


@pytest.mark.parametrize("opt_name", ["AdamW", "SGD", "RMSprop", "NAdam"])
@pytest.mark.parametrize("stop", [(1, None), (2, 2)], ids=["end-of-epoch", "mid-epoch"])
def test_resume_from_checkpoint_continues_bit_for_bit(tmp_path, opt_name, stop):
    straight = _build(7, opt_name)
    expected, _ = _train(straight, EPOCHS)
    assert len(expected) == EPOCHS * 48 // BATCH and len(set(expected)) > 1

    first = _build(7, opt_name)
    before, ckpt = _train(first, EPOCHS, stop=stop)
    path = tmp_path / "last.safetensors"
    autograd.save(ckpt, path)
    del first, ckpt

    resumed = _build(123, opt_name)                  # different weights, order and state
    assert resumed[0].state_dict()["0.weight"].tolist() != \
        straight[0].state_dict()["0.weight"].tolist()
    ckpt = autograd.load(path)
    _restore(resumed, ckpt)
    rest, _ = _train(resumed, EPOCHS, resume=ckpt)

    assert 0 < len(before) < len(expected)
    assert before + rest == expected                 # every loss, exactly
    _assert_identical(straight, resumed)


def test_resume_without_the_generator_state_does_not_continue(tmp_path):
    """The test can fail: dropping the loader's generator state changes the run."""
    straight = _build(7, "AdamW")
    expected, _ = _train(straight, EPOCHS)
    first = _build(7, "AdamW")
    before, ckpt = _train(first, EPOCHS, stop=(1, None))
    resumed = _build(123, "AdamW")
    ckpt["loader_rng"] = resumed[4].get_state()
    _restore(resumed, ckpt)
    rest, _ = _train(resumed, EPOCHS, resume=ckpt)
    assert before + rest != expected


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_every_scheduler_state_survives_a_checkpoint_file(tmp_path, name):
    """Each scheduler's state_dict saves with autograd.save (no pickle) and, loaded into a
    fresh scheduler and optimizer, continues with the same learning rates."""
    _, opt = _optimizers(group_lrs=(0.1, 0.02), momentum=0.9)
    sched = SCHEDULERS[name](gsched, opt)
    for _ in range(30):
        opt.step()
        sched.step()
    autograd.save({"scheduler": sched.state_dict(), "optimizer": opt.state_dict()},
                  tmp_path / "s.safetensors")
    ckpt = autograd.load(tmp_path / "s.safetensors")
    _, opt2 = _optimizers(group_lrs=(0.5, 0.5), momentum=0.9)
    sched2 = SCHEDULERS[name](gsched, opt2)
    opt2.load_state_dict(ckpt["optimizer"])
    sched2.load_state_dict(ckpt["scheduler"])
    for _ in range(50):
        opt.step()
        sched.step()
        opt2.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]
