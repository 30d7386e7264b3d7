"""Python's cycle collector while autograd graphs are alive.

A recorded graph has no reference cycles: a node points only to the nodes that made its
inputs, saved outputs are kept as arrays (not as the output tensor), and a leaf reaches its
`AccumulateGrad` node only through a weak reference. So reference counting frees a graph on
its own, the moment its last tensor goes; the cycle collector can never free any part of it,
yet it scans all of it. CPython (3.8-3.13) runs a full collection whenever the objects that
survived since the last one grow by a quarter, so a forward pass of n ops meets O(log n) full
collections, each scanning the whole graph and everything else in the process: at 100,000
ops that was more than half of the forward time.

The policy: while at least one graph is alive, the threshold of the oldest generation is
multiplied by `FACTOR` (CPython's default 10 becomes 1,000). Young generations are collected
exactly as before, so the cyclic garbage a program makes is still found promptly; only full
collections become rarer (at most one per about 7 million net allocations instead of 70,000
with the default thresholds). A graph counts as alive while one of its leaves' `AccumulateGrad`
nodes does (every graph that records starts at such a leaf); when the last one is freed the
threshold is restored - unless the program set another threshold meanwhile, which is then
left as it is.

Process-wide effect, the only one: `gc.get_threshold()[2]` reports the raised value while a
graph is alive. `gc.collect()`, `gc.disable()` and `gc.freeze()` behave as always, and no
object ever escapes the collector.
"""
import gc
import weakref

__all__ = ["FACTOR", "track_leaf", "live_graphs"]

FACTOR = 100
_live = set()    # weak references to the live AccumulateGrad nodes
_raised = None   # (the thresholds we set, the thresholds they replaced), while raised


def track_leaf(acc):
    """A weak reference to a new leaf accumulator; its graph counts as alive until it dies."""
    ref = weakref.ref(acc, _leaf_freed)
    if not _live:
        _raise()
    _live.add(ref)
    return ref


def live_graphs():
    """How many leaf accumulators (so, at least, graphs) are alive now."""
    return len(_live)


def _leaf_freed(ref):
    _live.discard(ref)
    if not _live:
        _restore()


def _raise():
    global _raised
    before = gc.get_threshold()
    raised = (before[0], before[1], before[2] * FACTOR)
    gc.set_threshold(*raised)
    _raised = (raised, before)


def _restore():
    global _raised
    if _raised is None:
        return
    raised, before = _raised
    _raised = None
    try:
        if gc.get_threshold() == raised:  # the program did not set its own meanwhile
            gc.set_threshold(*before)
    except (AttributeError, TypeError):  # interpreter shutdown: gc's functions are gone
        pass
