"""Per-op overhead of the engine: a chain of small elementwise ops, forward plus backward.

The chain repeats (add a constant, multiply by a constant, tanh) on a (4, 4) float32 tensor,
then `sum().backward()`. On arrays this small NumPy's own work is tiny, so the time per op is
almost all framework overhead: glassgrad's against PyTorch's (CPU, one thread) and against a
hand-written NumPy forward and backward (the floor). Also measured: whether the cost per op
stays flat as the graph grows (1,000 -> 100,000 ops), and whether memory returns to where it
was before the forward pass once backward is done.

Run: `python tests/benchmarks/bench_ops.py` (prints a table); `run()` returns the figures.
Timings take the minimum over interleaved repeats, so other load on the machine biases them
less.
"""
import gc
import os
import sys
import time
import tracemalloc

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import autograd as A  # noqa: E402


def chain_glassgrad(n_ops, x0):
    x = A.tensor(x0, requires_grad=True)
    y = x
    for _ in range(n_ops // 3):
        y = y + 1.0
        y = y * 0.5
        y = y.tanh()
    y.sum().backward()
    return x.grad


def chain_numpy(n_ops, x0):
    ys = []
    y = x0
    for _ in range(n_ops // 3):
        y = y + 1.0
        y = y * 0.5
        y = np.tanh(y)
        ys.append(y)
    g = np.ones_like(y)
    for y in reversed(ys):
        g = g * (1 - y * y)
        g = g * 0.5
    return g


def chain_torch(torch, n_ops, x0):
    x = torch.tensor(x0, requires_grad=True)
    y = x
    for _ in range(n_ops // 3):
        y = y + 1.0
        y = y * 0.5
        y = y.tanh()
    y.sum().backward()
    return x.grad


def _best(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(n_ops=1000, repeats=30, scaling=(1_000, 10_000, 100_000)):
    """Figures in microseconds per op, and the memory check."""
    x0 = np.random.default_rng(0).random((4, 4)).astype(np.float32)
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    contenders = {"glassgrad": lambda: chain_glassgrad(n_ops, x0),
                  "numpy (hand-written backward)": lambda: chain_numpy(n_ops, x0)}
    if torch is not None:
        contenders["pytorch"] = lambda: chain_torch(torch, n_ops, x0)
    best = {name: float("inf") for name in contenders}
    for _ in range(repeats):  # interleaved, so load on the machine hits all alike
        for name, fn in contenders.items():
            best[name] = min(best[name], _best(fn, 1))
    per_op = {name: t / n_ops * 1e6 for name, t in best.items()}
    result = {"us_per_op": per_op}
    if torch is not None:
        result["speedup_vs_pytorch"] = per_op["pytorch"] / per_op["glassgrad"]
    result["overhead_over_numpy_us"] = per_op["glassgrad"] - per_op[
        "numpy (hand-written backward)"]
    # Minimum of several runs per size (10 for small graphs, at least 2): one run can meet a
    # full collection of the whole process's objects, which would say nothing about n.
    result["scaling_us_per_op"] = {n: _best(lambda: chain_glassgrad(n, x0),
                                            max(2, min(10, 200_000 // n))) / n * 1e6
                                   for n in scaling}
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    chain_glassgrad(10_000, x0)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    result["memory_after_backward_bytes"] = after - before
    return result


def main():
    r = run()
    print("per-op cost of a chain of (add, mul, tanh) on (4, 4) float32, forward + backward")
    for name, us in r["us_per_op"].items():
        print(f"  {name:32s} {us:7.2f} us/op")
    if "speedup_vs_pytorch" in r:
        print(f"  glassgrad vs pytorch: {r['speedup_vs_pytorch']:.2f}x faster")
    print(f"  engine overhead over hand-written NumPy: {r['overhead_over_numpy_us']:.2f} us/op")
    print("  scaling:", ", ".join(f"{n:,} ops {us:.2f} us/op"
                                  for n, us in r["scaling_us_per_op"].items()))
    print(f"  memory left after backward: {r['memory_after_backward_bytes']} bytes")


if __name__ == "__main__":
    main()
