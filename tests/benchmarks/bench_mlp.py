"""MLP training benchmark (issue 6): glassgrad against PyTorch and hand-written NumPy.

The 784-256-128-10 MLP (Linear-ReLU-Linear-ReLU-Linear, cross-entropy) is trained on
Fashion-MNIST (IDX files of Debian's `dataset-fashion-mnist`, read with
`nn.datasets.FashionMNIST`; pixels scaled to [0, 1] and standardised with the training mean
0.2860 and std 0.3530) with Adam(lr=1e-3) at batch 128 for 3 epochs, three times in the same
run:

* glassgrad (`nn.Sequential`, `F.cross_entropy`, `nn.optim.Adam`);
* PyTorch on the CPU with `torch.set_num_threads(1)` (`torch.optim.Adam`, default settings);
* a hand-written NumPy version: forward, backward and Adam written directly on arrays,
  in place where NumPy allows it, with Adam's update in PyTorch's order. It is the floor
  that the engine's overhead is measured against.

All three start from glassgrad's initial weights (copied) and see the same batches in the
same order (one permutation per epoch, drawn from `numpy.random.default_rng(seed)`). Their
steps are interleaved batch by batch, and the order in which they run rotates from one batch
to the next, so that load from other processes on the machine hits all three alike. The batch
gather `X[idx]` is shared and untimed; each framework's timed step wraps the arrays in its own
tensors, zeroes the gradients, runs forward, loss, backward and the optimizer step.

Reported: median and minimum ms per step, samples/s (batch / median step), the ratios of
glassgrad's samples/s to PyTorch's and to NumPy's, the test accuracy (10,000 test images)
after the last epoch, and the tracemalloc peak of one training step (NumPy allocations;
PyTorch's allocator is not traced, so it has none). `profile_step()` times the phases of a
glassgrad step (data, forward, loss, backward, optimizer) beside the same phases in NumPy.

NumPy's BLAS is limited to one thread, as PyTorch is: run as a script, the OMP/OpenBLAS/MKL
thread variables are set to 1 before NumPy is imported; through `run()` threadpoolctl limits
BLAS to one thread for the timed part (when installed).

Run: `python tests/benchmarks/bench_mlp.py` (3 epochs on 60,000 images; a few minutes),
`--quick` (1 epoch on 10,000 images, for `glassgrad bench`), `--profile` (also the phase
breakdown). `run(...)` returns the figures as a dict.
"""
import os

if __name__ == "__main__":  # one BLAS thread, as torch.set_num_threads(1); before numpy loads
    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402
import nn.datasets  # noqa: E402
import nn.functional as F  # noqa: E402
import nn.optim  # noqa: E402, F401  (nn.optim.Adam)

FRAMEWORKS = ("glassgrad", "torch", "numpy")
MEAN, STD = 0.2860, 0.3530


def one_blas_thread():
    """A context limiting NumPy's BLAS to one thread (threadpoolctl), or doing nothing."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def load_fashion(train, limit=None):
    """Fashion-MNIST as (float32 N x 784 standardised images, int64 N labels) arrays."""
    images, labels = nn.datasets.FashionMNIST(train=train).arrays()
    x = images.data.reshape(len(images.data), -1)
    y = labels.data
    if limit is not None:
        x, y = x[:limit], y[:limit]
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return np.ascontiguousarray(x, dtype=np.float32), np.ascontiguousarray(y, dtype=np.int64)


def make_model():
    """The benchmark MLP in glassgrad (PyTorch's default initialisation)."""
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def initial_arrays(model):
    """Copies of the model's parameters as NumPy arrays: W1, b1, W2, b2, W3, b3."""
    return [np.array(p.data, copy=True) for p in model.parameters()]


# ------------------------------------------------------------------ the three trainers
class GlassgradTrainer:
    """glassgrad: nn.Sequential + F.cross_entropy + nn.optim.Adam."""

    def __init__(self, model, lr):
        self.model = model
        self.opt = nn.optim.Adam(model.parameters(), lr=lr)

    def step(self, x, y):
        xt, yt = autograd.from_numpy(x), autograd.from_numpy(y)
        self.opt.zero_grad()
        loss = F.cross_entropy(self.model(xt), yt)
        loss.backward()
        self.opt.step()
        return loss

    def predict(self, x):
        with autograd.no_grad():
            return self.model(autograd.from_numpy(x)).data.argmax(1)


class TorchTrainer:
    """PyTorch with one thread, the same network (sizes read from `arrays`) and initial
    weights."""

    def __init__(self, torch, arrays, lr):
        self.torch = torch
        torch.set_num_threads(1)
        w1, w2, w3 = arrays[0], arrays[2], arrays[4]
        nn_ = torch.nn
        self.model = nn_.Sequential(nn_.Linear(w1.shape[1], w1.shape[0]), nn_.ReLU(),
                                    nn_.Linear(w2.shape[1], w2.shape[0]), nn_.ReLU(),
                                    nn_.Linear(w3.shape[1], w3.shape[0]))
        with torch.no_grad():
            for p, a in zip(self.model.parameters(), arrays):
                p.copy_(torch.from_numpy(a))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)

    def step(self, x, y):
        torch = self.torch
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        self.opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(self.model(xt), yt)
        loss.backward()
        self.opt.step()
        return loss

    def predict(self, x):
        with self.torch.no_grad():
            return self.model(self.torch.from_numpy(x)).numpy().argmax(1)


class NumpyTrainer:
    """The same network, loss, backward and Adam written by hand in NumPy.

    Forward: h1 = relu(x W1^T + b1), h2 = relu(h1 W2^T + b2), z = h2 W3^T + b3. Loss: mean
    cross-entropy of softmax(z). Backward: dz = (softmax(z) - onehot(y)) / N, dW3 = dz^T h2,
    db3 = sum dz, dh2 = (dz W3) * [h2 > 0], and so on down (no gradient for x). Adam as
    torch.optim.Adam: m += (g - m)(1 - beta1), v = beta2 v + (1 - beta2) g^2,
    p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), every pass in place
    into one scratch buffer per parameter.
    """

    def __init__(self, arrays, lr, betas=(0.9, 0.999), eps=1e-8):
        self.params = [np.array(a, copy=True) for a in arrays]
        self.exp_avg = [np.zeros_like(a) for a in self.params]
        self.exp_avg_sq = [np.zeros_like(a) for a in self.params]
        self.scratch = [np.empty_like(a) for a in self.params]
        self.lr, self.betas, self.eps, self.t = lr, betas, eps, 0

    def logits(self, x):
        w1, b1, w2, b2, w3, b3 = self.params
        h1 = x @ w1.T
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ w2.T
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z = h2 @ w3.T
        z += b3
        return h1, h2, z

    def step(self, x, y):
        w1, b1, w2, b2, w3, b3 = self.params
        h1, h2, z = self.logits(x)
        z -= z.max(1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(1, keepdims=True)                  # softmax probabilities
        rows = np.arange(len(y))
        loss = -np.log(z[rows, y]).mean()
        z[rows, y] -= 1                               # dz = (p - onehot) / N
        z /= len(y)
        grads = [None] * 6
        grads[4], grads[5] = z.T @ h2, z.sum(0)
        dh = z @ w3
        dh *= h2 > 0
        grads[2], grads[3] = dh.T @ h1, dh.sum(0)
        dh = dh @ w2
        dh *= h1 > 0
        grads[0], grads[1] = dh.T @ x, dh.sum(0)
        self.adam(grads)
        return loss

    def adam(self, grads):
        beta1, beta2 = self.betas
        self.t += 1
        step_size = self.lr / (1 - beta1 ** self.t)
        bias_correction2_sqrt = (1 - beta2 ** self.t) ** 0.5
        for p, g, m, v, tmp in zip(self.params, grads, self.exp_avg, self.exp_avg_sq,
                                   self.scratch):
            np.subtract(g, m, out=tmp)
            tmp *= 1 - beta1
            m += tmp
            v *= beta2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - beta2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp /= bias_correction2_sqrt
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= -step_size
            p += tmp

    def predict(self, x):
        return self.logits(x)[2].argmax(1)


def make_trainers(lr=1e-3, seed=0, frameworks=FRAMEWORKS):
    """The trainers named in `frameworks`, all from the same initial weights (glassgrad's,
    drawn after `autograd.manual_seed(seed)`). PyTorch is left out when not installed."""
    autograd.manual_seed(seed)
    model = make_model()
    arrays = initial_arrays(model)
    trainers = {}
    for name in frameworks:
        if name == "glassgrad":
            trainers[name] = GlassgradTrainer(model, lr)
        elif name == "numpy":
            trainers[name] = NumpyTrainer(arrays, lr)
        elif name == "torch":
            try:
                import torch
            except ImportError:
                continue
            trainers[name] = TorchTrainer(torch, arrays, lr)
        else:
            raise ValueError(f"unknown framework {name!r}; choose from {FRAMEWORKS}")
    return trainers


def accuracy(trainer, x, y, batch=1000):
    """Fraction of `x` classified as `y`."""
    correct = 0
    for i in range(0, len(x), batch):
        correct += int((trainer.predict(x[i:i + batch]) == y[i:i + batch]).sum())
    return correct / len(x)


def step_peak_mb(trainer, x, y):
    """tracemalloc peak (MB) of one training step, above what was allocated before it."""
    trainer.step(x, y)  # buffers created on the first step are not counted
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        trainer.step(x, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / 2 ** 20


# ------------------------------------------------------------------ the benchmark
def train(trainers, xtr, ytr, xte, yte, epochs, batch, seed, verbose=False):
    """Train every trainer on the same batches, interleaved; per-step times and accuracies."""
    names = list(trainers)
    times = {k: [] for k in names}
    acc_per_epoch = {k: [] for k in names}
    rng = np.random.default_rng(seed)
    count = 0
    for epoch in range(epochs):
        order = rng.permutation(len(xtr))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            xb, yb = xtr[idx], ytr[idx]
            shift = count % len(names)
            for name in names[shift:] + names[:shift]:
                t0 = time.perf_counter()
                trainers[name].step(xb, yb)
                times[name].append(time.perf_counter() - t0)
            count += 1
        for name in names:
            acc_per_epoch[name].append(accuracy(trainers[name], xte, yte))
        if verbose:
            accs = ", ".join(f"{k} {v[-1]:.4f}" for k, v in acc_per_epoch.items())
            print(f"epoch {epoch + 1}/{epochs}: test accuracy {accs}", flush=True)
    return times, acc_per_epoch


def run(epochs=3, batch=128, lr=1e-3, train_limit=None, seed=0, quick=False,
        frameworks=FRAMEWORKS, memory=True, verbose=False):
    """Train the MLP with each framework and return the figures.

    Args:
        epochs, batch, lr: the training (3 epochs, batch 128, Adam lr 1e-3 by default).
        train_limit: use only the first `train_limit` training images (None: all 60,000).
        seed: seeds the initial weights and the batch order.
        quick: 1 epoch on 10,000 training images (overrides epochs and train_limit).
        frameworks: which of "glassgrad", "torch", "numpy" to run.
        memory: also measure the tracemalloc peak of one step (glassgrad and NumPy).

    Returns a dict: `ms_per_step` and `min_ms_per_step` (median and minimum over all steps),
    `samples_per_s` (batch / median), `train_seconds` (sum of step times), `test_accuracy`
    (after the last epoch) and `accuracy_per_epoch`, `peak_step_MB`, the ratios
    `glassgrad_over_torch` / `glassgrad_over_numpy` (of samples/s, > 1 means glassgrad is
    faster) and the same from the minimum step times (`..._min`, less sensitive to other
    load on the machine), and `accuracy_gap_vs_torch` (glassgrad minus PyTorch, in points).
    """
    if quick:
        epochs, train_limit = 1, 10_000
    xtr, ytr = load_fashion(True, train_limit)
    xte, yte = load_fashion(False)
    trainers = make_trainers(lr, seed, frameworks)
    with one_blas_thread():
        times, accs = train(trainers, xtr, ytr, xte, yte, epochs, batch, seed, verbose)
        peak = {}
        if memory:
            for name in trainers:
                if name != "torch":
                    peak[name] = step_peak_mb(trainers[name], xtr[:batch], ytr[:batch])
    out = {"epochs": epochs, "batch": batch, "train_samples": len(xtr),
           "steps": len(times[next(iter(times))]),
           "ms_per_step": {k: float(np.median(v) * 1e3) for k, v in times.items()},
           "min_ms_per_step": {k: float(np.min(v) * 1e3) for k, v in times.items()},
           "train_seconds": {k: float(np.sum(v)) for k, v in times.items()},
           "test_accuracy": {k: v[-1] for k, v in accs.items()},
           "accuracy_per_epoch": accs, "peak_step_MB": peak}
    out["samples_per_s"] = {k: batch / (v / 1e3) for k, v in out["ms_per_step"].items()}
    sps, best = out["samples_per_s"], out["min_ms_per_step"]
    for other in ("torch", "numpy"):
        if "glassgrad" in sps and other in sps:
            out[f"glassgrad_over_{other}"] = sps["glassgrad"] / sps[other]
            out[f"glassgrad_over_{other}_min"] = best[other] / best["glassgrad"]
    if "glassgrad" in accs and "torch" in accs:
        out["accuracy_gap_vs_torch"] = 100 * (accs["glassgrad"][-1] - accs["torch"][-1])
    return out


# ------------------------------------------------------------------ phase profile
def profile_step(batch=128, repeats=200, seed=0):
    """Microseconds per phase of one training step, the minimum over `repeats` interleaved
    steps on random data: glassgrad (data wrap, forward, loss, zero_grad + backward, Adam
    step) beside the hand-written NumPy step's forward+loss, backward and Adam."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 784), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    trainers = make_trainers(1e-3, seed, ("glassgrad", "numpy"))
    g, ref = trainers["glassgrad"], trainers["numpy"]
    phases = {k: [] for k in ("data", "forward", "loss", "backward", "optimizer", "total")}
    ref_phases = {k: [] for k in ("forward+loss", "backward", "optimizer", "total")}
    with one_blas_thread():
        for i in range(repeats + 5):
            t = [time.perf_counter()]
            xt, yt = autograd.from_numpy(x), autograd.from_numpy(y)
            t.append(time.perf_counter())
            out = g.model(xt)
            t.append(time.perf_counter())
            loss = F.cross_entropy(out, yt)
            t.append(time.perf_counter())
            g.opt.zero_grad()
            loss.backward()
            t.append(time.perf_counter())
            g.opt.step()
            t.append(time.perf_counter())
            r = _numpy_phases(ref, x, y)
            if i >= 5:
                for k, a, b in zip(phases, t, t[1:]):
                    phases[k].append(b - a)
                phases["total"].append(t[-1] - t[0])
                for k, v in r.items():
                    ref_phases[k].append(v)
    mins = {k: float(np.min(v) * 1e6) for k, v in phases.items()}
    ref_mins = {k: float(np.min(v) * 1e6) for k, v in ref_phases.items()}
    return {"glassgrad_us": mins, "numpy_us": ref_mins}


def _numpy_phases(ref, x, y):
    """The NumPy step split into forward+loss, backward and Adam (seconds each)."""
    w1, b1, w2, b2, w3, b3 = ref.params
    t0 = time.perf_counter()
    h1, h2, z = ref.logits(x)
    z -= z.max(1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(1, keepdims=True)
    rows = np.arange(len(y))
    -np.log(z[rows, y]).mean()
    t1 = time.perf_counter()
    z[rows, y] -= 1
    z /= len(y)
    grads = [z.T @ h2, z.sum(0)]
    dh = z @ w3
    dh *= h2 > 0
    grads = [dh.T @ h1, dh.sum(0)] + grads
    dh = dh @ w2
    dh *= h1 > 0
    grads = [dh.T @ x, dh.sum(0)] + grads
    t2 = time.perf_counter()
    ref.adam(grads)
    t3 = time.perf_counter()
    return {"forward+loss": t1 - t0, "backward": t2 - t1, "optimizer": t3 - t2,
            "total": t3 - t0}


# ------------------------------------------------------------------ script
def print_report(r):
    """Print `run()`'s figures as a table."""
    print(f"MLP 784-256-128-10, Adam lr 1e-3, batch {r['batch']}, {r['epochs']} epoch(s) on "
          f"{r['train_samples']} images ({r['steps']} steps each), one thread each")
    print(f"{'':11}{'ms/step':>9}{'min ms':>9}{'samples/s':>11}{'train s':>9}"
          f"{'test acc':>10}{'step peak MB':>14}")
    for k, ms in r["ms_per_step"].items():
        peak = r["peak_step_MB"].get(k)
        peak_text = f"{peak:14.2f}" if peak is not None else f"{'-':>14}"
        print(f"{k:11}{ms:9.3f}{r['min_ms_per_step'][k]:9.3f}{r['samples_per_s'][k]:11.0f}"
              f"{r['train_seconds'][k]:9.1f}{r['test_accuracy'][k]:10.4f}{peak_text}")
    for other in ("torch", "numpy"):
        if f"glassgrad_over_{other}" in r:
            print(f"glassgrad speed / {other}: {r[f'glassgrad_over_{other}']:.2f}x (medians), "
                  f"{r[f'glassgrad_over_{other}_min']:.2f}x (minimum step times)")
    if "accuracy_gap_vs_torch" in r:
        print(f"glassgrad accuracy - torch accuracy: {r['accuracy_gap_vs_torch']:+.2f} points")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1 epoch on 10,000 training images")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="also time the phases of one glassgrad step")
    args = parser.parse_args()
    r = run(epochs=args.epochs, batch=args.batch, seed=args.seed, quick=args.quick,
            verbose=True)
    print_report(r)
    if args.profile:
        p = profile_step(args.batch)
        print("phases of one step, us (min over 200):")
        print("  glassgrad: " + ", ".join(f"{k} {v:.0f}" for k, v in p["glassgrad_us"].items()))
        print("  numpy:     " + ", ".join(f"{k} {v:.0f}" for k, v in p["numpy_us"].items()))


if __name__ == "__main__":
    main()
