"""The backward engine: one iterative, topological reverse-mode walk for Tensors and Scalars.

Any object with the node protocol can be walked:

* `next_functions`: a tuple of `(node or None, output_nr)` edges to the nodes that made its
  inputs;
* `_seq`: its sequence number, drawn when it was recorded (so it is larger than those of the
  nodes it points to), or -1 for a sink (a leaf: it feeds nothing);
* `_n_out`: how many outputs it has (the gradient it receives is one value, or a list of that
  length);
* `_backward(grad)`: first-order backward, the gradients for its edges (a tuple, in order,
  None where none flows; a node with one input may return the gradient alone);
  `_apply(grad, create_graph)`: the same as a tuple, differentiable when `create_graph`;
* `_release()`: free what it saved (when `retain_graph` is false); `_saved`: None when there
  is nothing to free;
* `_pre_hooks`: None, or a dict from output_nr (None for all) to hook functions, or (a
  `Scalar`'s) a list of hooks that receive and return the gradient as it flows;
* `_keeps` / `_keep(grad)`: whether the node stores the gradient it receives (leaf
  accumulators, retained non-leaf tensors, and every `Scalar`), and how.

The walk (no recursion, so 100,000-op chains are fine): gradients for a node are summed in a
buffer as its consumers run; the pending node with the highest sequence number runs next.
All of a node's consumers are newer than it, so by its turn they have all run and it gets its
whole gradient, once - a topological order with no pass to count dependencies first. A step
from a node to its only parent, with nothing else pending, skips the buffer. Sinks run last.
With `inputs` (`autograd.grad`), only nodes on a path to an input run, gradients reaching the
inputs are returned instead of stored, and nothing is accumulated.
"""
import gc as _gc
import math
from heapq import heappop as _heappop, heappush as _heappush

import numpy as np

from . import anomaly as _anomaly
from . import grad_mode as _gm
from .node import FREED as _FREED
from .node import POST_HOOKS

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


def _as_tensor(g):
    """A gradient as hooks see it: a Tensor (or None)."""
    from .tensor import Tensor
    return g if g is None or isinstance(g, Tensor) else Tensor._wrap(g, None)


def _run_hooks(node, grad, create_graph):
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
        if nr is POST_HOOKS:
            continue
        for fn in list(fns):
            if nr is None:  # a node hook: sees all outputs
                new = fn(tuple(_as_tensor(g) for g in grads))
                if new is not None:
                    grads = [g if g is None or create_graph else g._data for g in new]
                continue
            g = grads[nr]
            if g is None:
                continue
            new = fn(_as_tensor(g))
            if new is not None:
                grads[nr] = new if create_graph else new._data
    return grads[0] if single else grads


def _run_post_hooks(node, grad_inputs, grad, create_graph):
    """PyTorch's `Node.register_hook` hooks, after `node` ran: each is called with
    `(grad_inputs, grad_outputs)` (tuples of Tensors or None) and may return new
    grad_inputs. Returns the gradients to hand on, in the engine's form."""
    grad_outputs = tuple(_as_tensor(g) for g in ((grad,) if node._n_out == 1 else grad))
    grad_inputs = tuple(_as_tensor(g) for g in grad_inputs)
    for fn in list(node._pre_hooks[POST_HOOKS]):
        new = fn(grad_inputs, grad_outputs)
        if new is None:
            continue
        new = tuple(new) if isinstance(new, (tuple, list)) else (new,)
        if len(new) != len(grad_inputs):
            raise RuntimeError(f"hook registered on {node.name()} returned {len(new)} "
                               f"gradients, but the node has {len(grad_inputs)} inputs: return "
                               f"one gradient (or None) per input, or None to keep them")
        grad_inputs = tuple(_as_tensor(g) for g in new)
    return tuple(g if g is None or create_graph else g._data for g in grad_inputs)


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
    """
    buffer = {}
    pending = []
    sinks = []
    for (node, nr), g in zip(roots, grads):
        if node is not None:
            if node not in buffer:
                _queue(pending, sinks, node)
            _add_to(buffer, node, nr, g)
    wanted = targets = None
    captured = {}
    if inputs is not None:
        targets = {node for node, _ in inputs if node is not None}
        wanted = _wanted([node for node, _ in roots if node is not None], targets)
    anomaly = _anomaly.state.enabled
    # The walk makes many short-lived objects; Python's cycle collector would keep scanning the
    # (acyclic, still alive) graph for them. The graph is freed by reference counting alone.
    collecting = _gc.isenabled()
    if collecting:
        _gc.disable()
    try:
        _walk(pending, sinks, buffer, wanted, targets, captured, retain_graph, create_graph,
              anomaly)
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


def _queue(pending, sinks, node):
    """Queue `node` (its gradient waits in the buffer). Nodes that feed others go on the heap
    `pending`, newest-made first: the pending node with the highest sequence number runs
    next. Sinks (leaf accumulators and leaf Scalars: sequence number -1) feed nothing, so
    they wait in `sinks` and run after all the others."""
    if node._seq < 0:
        sinks.append(node)
    else:
        _heappush(pending, (-node._seq, node))


def _walk(pending, sinks, buffer, wanted, targets, captured, retain_graph, create_graph,
          anomaly):
    """Run the queued nodes and, as they hand gradients on, the nodes they feed.

    `pending` is a heap of the nodes that hold a gradient in `buffer`, the newest-made first.
    After a node runs, the one parent it fed that is newer than everything pending (in a
    chain: the only one) runs at once, its gradient passed along without the buffer.

    Most nodes of a plain `backward()` have no hooks and keep nothing, and most steps go from
    one node to its only parent with nothing else pending: that case is tried first, in a
    few lines (it is most of the time the engine spends; measure any change)."""
    pop = _heappop
    release = not retain_graph
    plain = wanted is None and not create_graph and not anomaly
    with _gm.set_grad_enabled(create_graph):
        while pending or sinks:
            node = pop(pending)[1] if pending else sinks.pop()
            grad = buffer.pop(node)
            while True:  # runs `node`, then follows the chain while it can
                if plain and not node._pre_hooks and not node._keeps:
                    edges = node.next_functions
                    results = node._backward(grad)
                    if release and node._saved is not None:
                        node._saved = _FREED  # Node._release, inlined
                    if results.__class__ is not tuple:  # one input, one gradient
                        g, results = results, (results,)
                    elif len(results) == 2 and results[1] is None:  # (a, number) ops
                        g = results[0]
                    else:
                        g = None
                    if g is not None and not pending:  # the chain: on to the only parent
                        parent = edges[0][0]
                        if parent is not None and parent._n_out == 1 and parent._seq >= 0:
                            node, grad = parent, g
                            continue
                else:
                    hooks = node._pre_hooks
                    if hooks:
                        grad = _run_hooks(node, grad, create_graph)
                    if wanted is not None:
                        if node in targets:
                            captured[node] = grad
                        if node not in wanted:
                            break
                    elif node._keeps:
                        node._keep(grad)
                    edges = node.next_functions
                    if not edges or grad is None:
                        if hooks and grad is not None and POST_HOOKS in hooks:
                            _run_post_hooks(node, (), grad, create_graph)
                        break
                    if create_graph:
                        results = node._apply(grad, True)
                    else:
                        results = node._backward(grad)
                        if results.__class__ is not tuple:
                            results = (results,)
                    if release:
                        node._release()
                    if anomaly:
                        _check_backward(node, results)
                    if hooks and POST_HOOKS in hooks:
                        results = _run_post_hooks(node, results, grad, create_graph)
                nxt = None
                for (parent, nr), g in zip(edges, results):
                    if g is None or parent is None:
                        continue
                    if parent is nxt:
                        grad = grad + g
                    elif parent._n_out != 1:
                        if parent not in buffer:
                            _queue(pending, sinks, parent)
                        _add_to(buffer, parent, nr, g)
                    elif parent in buffer:
                        buffer[parent] = buffer[parent] + g
                    elif parent._seq < 0:  # a sink: runs last
                        buffer[parent] = g
                        sinks.append(parent)
                    elif nxt is None:
                        nxt, grad = parent, g
                    elif parent._seq > nxt._seq:  # the newer parent goes on, the other waits
                        buffer[nxt] = grad
                        _heappush(pending, (-nxt._seq, nxt))
                        nxt, grad = parent, g
                    else:
                        buffer[parent] = g
                        _heappush(pending, (-parent._seq, parent))
                if nxt is None:
                    break
                if pending and pending[0][0] < -nxt._seq:  # something newer waits
                    buffer[nxt] = grad
                    _heappush(pending, (-nxt._seq, nxt))
                    break
                node = nxt


def as_grad_array(grad, like):
    """The gradient for `like` as an array of its shape and dtype (from a Tensor or number)."""
    data = getattr(grad, "data", grad)
    return np.asarray(data, dtype=like.dtype).reshape(like.shape)
