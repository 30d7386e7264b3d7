"""The backward engine: one iterative, topological reverse-mode walk for Tensors and Scalars.

Any object with the node protocol can be walked:

* `next_functions`: a tuple of `(node or None, output_nr)` edges to the nodes that made its
  inputs;
* `_n_out`: how many outputs it has (the gradient it receives is one value, or a list of that
  length);
* `_apply(grad, create_graph)`: the gradients for its edges, in order (None where none flows);
* `_release()`: free what it saved (when `retain_graph` is false);
* `_pre_hooks`: None, or a dict from output_nr (None for all) to hook functions, or (a
  `Scalar`'s) a list of hooks that receive and return the gradient as it flows;
* `_keeps` / `_keep(grad)`: whether the node stores the gradient it receives (leaf
  accumulators, retained non-leaf tensors, and every `Scalar`), and how.

The walk: an iterative pass counts, for each node reachable from the roots, the edges that
lead into it; a node runs once all of its consumers have run (no recursion, so 100,000-op
chains are fine); gradients for a node are summed in a buffer as its consumers run and handed
to it once, when its turn comes. With `inputs` (`autograd.grad`), only nodes on a path to an input run,
gradients reaching the inputs are returned instead of stored, and nothing is accumulated.
"""
import math

import gc as _gc

import numpy as np

from . import anomaly as _anomaly
from . import grad_mode as _gm

__all__ = ["run_backward", "topological_order"]


def topological_order(roots):
    """Nodes reachable from `roots`, each after all of its inputs' nodes (post-order)."""
    order = []
    seen = set()
    for root in roots:
        if root is None or root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, edges = stack[-1]
            for parent, _ in edges:
                if parent is not None and parent not in seen:
                    seen.add(parent)
                    stack.append((parent, iter(parent.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _add_to(buffer, node, nr, grad):
    if node._n_out == 1:
        prev = buffer.get(node)
        buffer[node] = grad if prev is None else prev + grad
    else:
        slot = buffer.get(node)
        if slot is None:
            slot = buffer[node] = [None] * node._n_out
        slot[nr] = grad if slot[nr] is None else slot[nr] + grad


def _run_hooks(node, grad, create_graph):
    from .tensor import Tensor
    hooks = node._pre_hooks
    if hooks.__class__ is list:  # a Scalar's hooks: the gradient is passed as it is
        for fn in list(hooks):
            new = fn(grad)
            if new is not None:
                grad = new
        return grad
    single = node._n_out == 1
    grads = [grad] if single else list(grad)
    for nr, fns in list(hooks.items()):
        for fn in list(fns):
            if nr is None:  # a node hook: sees all outputs
                wrapped = tuple(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g, None)
                                for g in grads)
                new = fn(wrapped)
                if new is not None:
                    grads = [g if g is None or create_graph else g._data for g in new]
                continue
            g = grads[nr]
            if g is None:
                continue
            new = fn(g if isinstance(g, Tensor) else Tensor._wrap(g, None))
            if new is not None:
                grads[nr] = new if create_graph else new._data
    return grads[0] if single else grads


def _nonfinite_grad(g):
    value = getattr(g, "_data", g)  # a Tensor's array
    if isinstance(value, (np.ndarray, np.generic)):
        return _anomaly.nonfinite(value)
    value = getattr(value, "data", value)  # a Scalar's float, under create_graph
    return isinstance(value, float) and not math.isfinite(value)


def _check_backward(node, grads):
    for g in grads:
        if g is not None and _nonfinite_grad(g):
            raise RuntimeError(
                f"anomaly detected in the backward pass: function '{node.name()}' "
                f"returned a NaN or an infinity in its gradient. The forward operation was "
                f"called from {node._trace or '<unknown: enable anomaly detection before the forward pass>'}")


def _dependencies(roots):
    """For every node reachable from `roots`: how many edges lead into it from its consumers."""
    deps = {}
    stack = [node for node in roots if node is not None]
    for node in stack:
        deps.setdefault(node, 0)
    while stack:
        for parent, _ in stack.pop().next_functions:
            if parent is not None:
                if parent in deps:
                    deps[parent] += 1
                else:
                    deps[parent] = 1
                    stack.append(parent)
    return deps


def _wanted(roots, targets):
    """Nodes on some path from the roots to a target node (the only ones `grad` must run)."""
    wanted = set()
    for node in topological_order(roots):  # a node's inputs are decided before the node
        if node in targets or any(p in wanted for p, _ in node.next_functions if p is not None):
            wanted.add(node)
    return wanted


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None):
    """Backpropagate `grads` from the `roots` edges.

    roots: list of `(node, output_nr)`; grads: their gradients (arrays, or Tensors when
    `create_graph`). inputs: None to store gradients where nodes keep them (`backward`), or a
    list of edges whose gradients to return instead (`grad`: nothing is stored).
    Returns the list of gradients for `inputs` (None for unreached ones).

    Nodes run in an order where each comes after all of its consumers (Kahn's algorithm on the
    counts of incoming edges), so a node receives its whole gradient, summed, exactly once.
    """
    buffer = {}
    for (node, nr), g in zip(roots, grads):
        if node is not None:
            _add_to(buffer, node, nr, g)
    root_nodes = [node for node, _ in roots if node is not None]
    deps = _dependencies(root_nodes)
    wanted = targets = None
    captured = {}
    if inputs is not None:
        targets = {node for node, _ in inputs if node is not None}
        wanted = _wanted(root_nodes, targets)
    ready = [node for node in dict.fromkeys(root_nodes) if deps[node] == 0]
    anomaly = _anomaly.state.enabled
    # The walk makes many short-lived objects; Python's cycle collector would keep scanning the
    # (acyclic, still alive) graph for them. The graph is freed by reference counting alone.
    collecting = _gc.isenabled()
    if collecting:
        _gc.disable()
    try:
        _walk(ready, buffer, deps, wanted, targets, captured, retain_graph, create_graph, anomaly)
    finally:
        if collecting:
            _gc.enable()
    if inputs is None:
        return None
    out = []
    for node, nr in inputs:
        g = captured.get(node)
        if g is not None and node._n_out != 1:
            g = g[nr]
        out.append(g)
    return out


def _walk(ready, buffer, deps, wanted, targets, captured, retain_graph, create_graph, anomaly):
    """Run the nodes in `ready` and, as their consumers finish, the nodes they feed."""
    pop, push, take = ready.pop, ready.append, buffer.pop
    with _gm.set_grad_enabled(create_graph):
        while ready:
            node = pop()
            grad = take(node, None)
            edges = node.next_functions
            if grad is not None:
                if node._pre_hooks:
                    grad = _run_hooks(node, grad, create_graph)
                if wanted is not None:
                    if node in targets:
                        captured[node] = grad
                    if node not in wanted:
                        grad = None
                elif node._keeps:
                    node._keep(grad)
            if grad is not None and edges:
                results = node._apply(grad, create_graph)
                if not retain_graph:
                    node._release()
                if anomaly:
                    _check_backward(node, results)
                for (parent, nr), g in zip(edges, results):
                    if parent is None:
                        continue
                    if g is not None:
                        if parent._n_out == 1:
                            prev = buffer.get(parent)
                            buffer[parent] = g if prev is None else prev + g
                        else:
                            _add_to(buffer, parent, nr, g)
                    left = deps[parent] - 1
                    deps[parent] = left
                    if not left:
                        push(parent)
            else:
                for parent, _ in edges:
                    if parent is not None:
                        left = deps[parent] - 1
                        deps[parent] = left
                        if not left:
                            push(parent)


def as_grad_array(grad, like):
    """The gradient for `like` as an array of its shape and dtype (from a Tensor or number)."""
    data = getattr(grad, "data", grad)
    return np.asarray(data, dtype=like.dtype).reshape(like.shape)
