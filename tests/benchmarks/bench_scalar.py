"""Benchmark: the Scalar engine against micrograd 0.1.0 on micrograd's moons demo.

Workload (the same for both engines): a 2-16-16-1 ReLU MLP of scalar neurons, the forward
pass over 100 two-dimensional points, the sum of the max-margin losses relu(1 - y * score),
and backward from it. Python's cycle collector stays enabled, as in a normal program, and each
step drops the previous step's graph, as a training loop does.

Nodes are counted the same way for both: the operation nodes of the loss graph (leaves -
parameters, inputs, micrograd's wrapped constants - are not counted); the two counts are
checked to be equal. The engines run in alternating blocks of steps, so both see the same
machine load, with an untimed collection and warm-up step between blocks.
Reported: microseconds per node (forward + backward + freeing the graph; the median of the
timed steps, what a user sees on a busy machine, and the fastest one, the better estimate of
the cost itself) and the ratios micrograd / glassgrad of both. Goal (issue 4): >= 3x.

    python tests/benchmarks/bench_scalar.py          # prints the table
    from bench_scalar import run; run()              # the figures as a dict
"""
import gc
import os
import random
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

N_POINTS = 100
SIZES = [16, 16, 1]


def _moons(n, seed=0):
    """Two interleaved half circles with labels -1/+1 (micrograd's demo data, made here)."""
    rs = np.random.RandomState(seed)
    t = rs.uniform(0, np.pi, n)
    upper = np.arange(n) % 2 == 0
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], 1) + rs.normal(0, 0.1, (n, 2))
    return points.tolist(), np.where(upper, 1.0, -1.0).tolist()


def _step(model, inputs, labels):
    scores = [model(x) for x in inputs]
    loss = sum((1 + -y * s).relu() for y, s in zip(labels, scores))
    loss.backward()
    return loss


def _count_ops(root, parents):
    seen, stack, ops = {id(root)}, [root], 0
    while stack:
        node = stack.pop()
        ps = parents(node)
        if ps:
            ops += 1
        for p in ps:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return ops


class _Engine:
    """One engine's model, inputs and timings."""

    def __init__(self, make_model, make_input, parents):
        points, self.labels = _moons(N_POINTS)
        self.model = make_model()
        self.inputs = [[make_input(v) for v in row] for row in points]
        loss = _step(self.model, self.inputs, self.labels)
        self.nodes = _count_ops(loss, parents)
        self.times = []

    def time_block(self, steps):
        """One untimed warm-up step, then `steps` timed ones: the steady state of a training
        loop, where each step also pays for collecting the garbage of the one before."""
        gc.collect()  # the other engine's leftovers are not charged to this one
        for i in range(steps + 1):
            self.model.zero_grad()
            start = time.perf_counter()
            loss = _step(self.model, self.inputs, self.labels)
            del loss  # the graph is dropped, as in a training loop
            if i:
                self.times.append(time.perf_counter() - start)

    def figures(self):
        seconds = statistics.median(self.times)
        fastest = min(self.times)
        return {"nodes": self.nodes, "seconds": seconds, "us_per_node": seconds / self.nodes * 1e6,
                "min_seconds": fastest, "min_us_per_node": fastest / self.nodes * 1e6}


def run(rounds=3, steps=2):
    """Time both engines in this process, in alternating blocks of `steps` steps (`rounds`
    blocks each), so that both see the same machine load; returns {'glassgrad': {...}, 'micrograd': {...} or None, 'ratio': micrograd time /
    glassgrad time or None}, each with the op-node count, the median seconds per step and
    microseconds per node."""
    import autograd
    from autograd.scalar import Scalar
    from nn.scalar_nn import MLP

    assert gc.isenabled(), "the benchmark measures with the cycle collector enabled"
    autograd.manual_seed(0)
    engines = {"glassgrad": _Engine(lambda: MLP(2, SIZES), Scalar,
                                    lambda s: [p for p, _ in s.next_functions])}
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP as MicroMLP
    except ImportError:
        pass
    else:
        random.seed(0)
        engines["micrograd"] = _Engine(lambda: MicroMLP(2, SIZES), Value,
                                       lambda v: list(v._prev))
        if engines["micrograd"].nodes != engines["glassgrad"].nodes:
            raise RuntimeError(f"the graphs differ: micrograd {engines['micrograd'].nodes} op "
                               f"nodes, glassgrad {engines['glassgrad'].nodes}")
    for _ in range(rounds):
        for engine in engines.values():
            engine.time_block(steps)
    result = {name: engine.figures() for name, engine in engines.items()}
    result.setdefault("micrograd", None)
    mg, gg = result["micrograd"], result["glassgrad"]
    result["ratio"] = None if mg is None else mg["seconds"] / gg["seconds"]
    result["min_ratio"] = None if mg is None else mg["min_seconds"] / gg["min_seconds"]
    return result


def main():
    rounds, steps = 3, 2
    result = run(rounds, steps)
    print(f"scalar MLP 2-{'-'.join(map(str, SIZES))}, {N_POINTS} points, forward + backward, "
          f"gc enabled (median of {rounds * steps} steps)")
    print(f"{'engine':<12}{'op nodes':>10}{'ms/step':>10}{'us/node':>10}"
          f"{'min ms':>10}{'min us/node':>13}")
    for name in ("glassgrad", "micrograd"):
        entry = result[name]
        if entry is None:
            print(f"{name:<12}{'(not installed)':>30}")
            continue
        print(f"{name:<12}{entry['nodes']:>10}{entry['seconds'] * 1e3:>10.1f}"
              f"{entry['us_per_node']:>10.3f}{entry['min_seconds'] * 1e3:>10.1f}"
              f"{entry['min_us_per_node']:>13.3f}")
    if result["ratio"] is not None:
        print(f"speed-up (micrograd / glassgrad): {result['ratio']:.2f}x (medians), "
              f"{result['min_ratio']:.2f}x (fastest steps); goal >= 3x")


if __name__ == "__main__":
    main()
