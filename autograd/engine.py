"""The backward engine: one iterative, topological reverse-mode walk for Tensors and Scalars.

Any object with the node protocol can be walked:

* `next_functions`: a tuple of `(node or None, output_nr)` edges to the nodes that made its
  inputs;
* `_n_out`: how many outputs it has (the gradient it receives is one value, or a list of that
  length);
* `_apply(grad, create_graph)`: the gradients for its edges, in order (None where none flows);
* `_release()`: free what it saved (when `retain_graph` is false);
* `_pre_hooks`: None, or a dict from output_nr (None for all) to hook functions;
* `_keeps` / `_keep(grad)`: whether the node stores the gradient it receives (leaf
  accumulators, retained non-leaf tensors, and every `Scalar`), and how.

The walk: an iterative depth-first search orders the nodes reachable from the roots so that
each node comes after every node that consumes it (no recursion, so 100,000-op chains are
fine); gradients for a node are summed in a buffer as its consumers run and handed to it once,
when its turn comes. With `inputs` (`autograd.grad`), only nodes on a path to an input run,
gradients reaching the inputs are returned instead of stored, and nothing is accumulated.
"""
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


def _check_backward(node, grads):
    for g in grads:
        if g is not None and _anomaly.nonfinite(getattr(g, "_data", g)):
            raise RuntimeError(
                f"anomaly detected in the backward pass: function '{type(node).__name__}' "
                f"returned a NaN or an infinity in its gradient. The forward operation was "
                f"called from {node._trace or '<unknown: enable anomaly detection before the forward pass>'}")


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None,
                 accumulate=True):
    """Backpropagate `grads` from the `roots` edges.

    roots: list of `(node, output_nr)`; grads: their gradients (arrays, or Tensors when
    `create_graph`). inputs: list of edges whose gradients to return (None: none).
    accumulate: store gradients in leaves (`backward`) or not (`grad`).
    Returns the list of gradients for `inputs` (None for unreached ones).
    """
    buffer = {}
    for (node, nr), g in zip(roots, grads):
        if node is not None:
            _add_to(buffer, node, nr, g)
    order = topological_order([node for node, _ in roots])

    wanted = None
    captured = {}
    if inputs is not None:
        targets = {node for node, _ in inputs if node is not None}
        wanted = set()
        for node in order:  # post-order: a node's inputs are decided before it
            if node in targets or any(p in wanted for p, _ in node.next_functions
                                      if p is not None):
                wanted.add(node)

    anomaly = _anomaly.state.enabled
    with _gm.set_grad_enabled(create_graph):
        for node in reversed(order):
            grad = buffer.pop(node, None)
            if grad is None:
                continue
            if node._pre_hooks:
                grad = _run_hooks(node, grad, create_graph)
            if wanted is not None:
                if node in targets:
                    captured[node] = grad
                if node not in wanted:
                    continue
            elif node._keeps:
                node._keep(grad)
            edges = node.next_functions
            if not edges:
                continue
            results = node._apply(grad, create_graph)
            if not retain_graph:
                node._release()
            if anomaly:
                _check_backward(node, results)
            for (parent, nr), g in zip(edges, results):
                if parent is not None and g is not None:
                    if wanted is not None and parent not in wanted:
                        continue
                    _add_to(buffer, parent, nr, g)
    if inputs is None:
        return None
    out = []
    for node, nr in inputs:
        g = captured.get(node)
        if g is not None and node._n_out != 1:
            g = g[nr]
        out.append(g)
    return out


def as_grad_array(grad, like):
    """The gradient for `like` as an array of its shape and dtype (from a Tensor or number)."""
    data = getattr(grad, "data", grad)
    return np.asarray(data, dtype=like.dtype).reshape(like.shape)
