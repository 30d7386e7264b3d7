"""The backward walk's order: newest node first (sequence numbers), chains followed directly.

Random graphs (hypothesis) of shared, branching and rejoining values are backpropagated by
glassgrad and by PyTorch; every leaf gradient, retained interior gradient and hook call must
agree. These graphs exercise each way a gradient moves: along a chain without the buffer,
summed in the buffer where branches rejoin, queued while a newer node still waits.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as A

torch = pytest.importorskip("torch")

_BINARY = ["add", "sub", "mul", "div"]
_UNARY = ["tanh", "sigmoid", "add_number", "mul_number", "rsub_number", "exp_small"]


def _apply(lib, op, a, b=None):
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / (b * b + 1.0)
    if op == "tanh":
        return a.tanh()
    if op == "sigmoid":
        return a.sigmoid()
    if op == "add_number":
        return a + 0.5
    if op == "mul_number":
        return a * -1.5
    if op == "rsub_number":
        return 2.0 - a
    return (a * 0.1).exp()


@st.composite
def graphs(draw):
    n_leaves = draw(st.integers(1, 3))
    steps = []
    for i in range(draw(st.integers(1, 25))):
        n = n_leaves + i  # values made so far
        if draw(st.booleans()):
            steps.append((draw(st.sampled_from(_BINARY)), draw(st.integers(0, n - 1)),
                          draw(st.integers(0, n - 1))))
        else:
            steps.append((draw(st.sampled_from(_UNARY)), draw(st.integers(0, n - 1)), None))
    total = n_leaves + len(steps)
    roots = draw(st.lists(st.integers(0, total - 1), min_size=1, max_size=3, unique=True))
    retained = draw(st.lists(st.integers(n_leaves, total - 1), max_size=3, unique=True)) \
        if steps else []
    hooked = draw(st.lists(st.integers(n_leaves, total - 1), max_size=2, unique=True)) \
        if steps else []
    seed = draw(st.integers(0, 2 ** 16))
    return n_leaves, steps, roots, retained, hooked, seed


def _run(lib, graph):
    n_leaves, steps, roots, retained, hooked, seed = graph
    rng = np.random.default_rng(seed)
    leaves = [lib.tensor(rng.standard_normal((3, 2)), requires_grad=True)
              for _ in range(n_leaves)]
    values = list(leaves)
    for op, i, j in steps:
        values.append(_apply(lib, op, values[i], None if j is None else values[j]))
    seen = {}
    for k in retained:
        values[k].retain_grad()
    for k in hooked:
        if values[k].requires_grad:
            values[k].register_hook(lambda g, k=k: seen.setdefault(k, []).append(g.tolist()))
    outs = [values[k] for k in roots if values[k].requires_grad and values[k].grad_fn]
    if not outs:
        return None
    loss = outs[0].sum()
    for o in outs[1:]:
        loss = loss + (o * o).sum()
    loss.backward()
    return ([None if t.grad is None else t.grad.numpy() for t in leaves],
            [values[k].grad.numpy() for k in retained if values[k].grad is not None], seen)


@settings(max_examples=120, deadline=None)
@given(graphs())
def test_random_graphs_match_torch(graph):
    torch.set_default_dtype(torch.float64)
    try:
        ours, theirs = _run(A, graph), _run(torch, graph)
    finally:
        torch.set_default_dtype(torch.float32)
    if theirs is None:
        assert ours is None
        return
    for g, h in zip(ours[0], theirs[0]):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-12)
    assert len(ours[1]) == len(theirs[1])
    for g, h in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-12)
    assert ours[2].keys() == theirs[2].keys()
    for k in ours[2]:  # each hook runs once, on the whole (summed) gradient
        assert len(ours[2][k]) == len(theirs[2][k]) == 1
        np.testing.assert_allclose(ours[2][k][0], theirs[2][k][0], rtol=1e-10, atol=1e-12)


def test_a_node_is_newer_than_the_nodes_it_points_to():
    x = A.randn(3, requires_grad=True)
    y = (x * 2).tanh() + x
    order = []
    stack = [y.grad_fn]
    while stack:
        node = stack.pop()
        for parent, _ in node.next_functions:
            if parent is not None:
                order.append((node._seq, parent._seq))
                stack.append(parent)
    assert order and all(child > parent for child, parent in order)


def test_a_value_used_by_an_older_and_a_newer_branch_gets_one_summed_gradient():
    """h feeds a node made right after it and one made much later: it must run once, after
    both, with both contributions summed (a hook on it sees the sum once)."""
    x = A.tensor([0.3, -0.7], requires_grad=True)
    h = x.tanh()
    seen = []
    h.register_hook(lambda g: seen.append(g.tolist()))
    early = h * 3.0
    chain = early
    for _ in range(20):
        chain = chain.sigmoid()
    late = h * h
    (chain.sum() + late.sum()).backward()

    tx = torch.tensor([0.3, -0.7], requires_grad=True)
    th = tx.tanh()
    tseen = []
    th.register_hook(lambda g: tseen.append(g.tolist()))
    tc = th * 3.0
    for _ in range(20):
        tc = tc.sigmoid()
    (tc.sum() + (th * th).sum()).backward()
    assert len(seen) == len(tseen) == 1
    np.testing.assert_allclose(seen[0], tseen[0], rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_long_chains_with_numbers_on_either_side():
    x = A.tensor([0.1, 0.2], dtype=A.float64, requires_grad=True)
    tx = torch.tensor([0.1, 0.2], dtype=torch.float64, requires_grad=True)
    y, ty = x, tx
    for _ in range(2000):
        y = (1.0 - y * 0.5).tanh() + 0.25
        ty = (1.0 - ty * 0.5).tanh() + 0.25
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
