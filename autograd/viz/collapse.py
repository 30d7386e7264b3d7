"""Making big graphs readable: folding modules, repeated structure, and a hard node cap.

Three rewrites of a `VizGraph`, each of which merges groups of nodes into one node and
re-routes the edges (duplicates and self-loops dropped), then renumbers the nodes in order:

* `fold_modules(graph, depth)`: every node inside a module nested deeper than `depth`
  (`features.0.conv` has depth 3) becomes part of one node for its module at that depth.
* `collapse_repeats(graph)`: runs of identical op chains become one "xN" node. A chain is a
  path of nodes where each has exactly one *main* input, made by a node used only there; a
  node's small private side inputs (a weight leaf, its transpose) travel with it and count in
  its signature; shared leaves stay outside and keep their edges. In each chain, a block of
  1 to 8 signatures repeated at least `min_repeats` times in a row is folded (with
  `keep_ends`, all but its first and last block).
* `cap_nodes(graph, max_nodes)`: the first `max_nodes - 1` nodes in walk order (nearest the
  roots) are kept, the rest become one "... N more nodes" node.
* `detach_hubs(graph)`: a leaf feeding more than `HUB` nodes (one input shared by every term
  of a long sum) loses its edges, which would cross the whole picture (and make Graphviz's
  layout take minutes); each node it fed says so in a line instead.
"""
from .graph import VizGraph

__all__ = ["fold_modules", "collapse_repeats", "cap_nodes", "detach_hubs", "merge"]

_MAX_PERIOD = 8
HUB = 16
_MAX_SIDE = 8  # the most nodes a private side input may hold


def merge(graph, rep, make):
    """A new graph where node i becomes `rep[i]`: the index of a kept node, or a key (any
    hashable other than an int) of a merged group; `make(key, members)` builds the merged
    node on the new graph's add()."""
    new = VizGraph(graph.view)
    new.notes = graph.notes
    new.grad_flow = graph.grad_flow
    new.grad_range = graph.grad_range
    mapped = {}
    groups = {}
    for node in graph.nodes:
        groups.setdefault(rep[node.id], []).append(node)
    for node in graph.nodes:
        key = rep[node.id]
        if key in mapped:
            continue
        if isinstance(key, int):
            old = graph.nodes[key]
            n = new.add(old.kind, old.title, old.lines, old.module, old.grad, old.sig)
            n.count = old.count
        else:
            n = make(new, key, groups[key])
        mapped[key] = n.id
    seen = set()
    for e in graph.edges:
        src, dst = mapped[rep[e.src]], mapped[rep[e.dst]]
        if src == dst or (src, dst) in seen:
            continue
        seen.add((src, dst))
        new.connect(new.nodes[src], new.nodes[dst], e.label, e.grad)
    return new


def _worst_grad(members):
    """The gradient shown for a merged node: a non-finite one if any, else the largest."""
    best = None
    for m in members:
        g = m.grad
        if g is None:
            continue
        if best is None or (g.nonfinite and not best.nonfinite) or \
                (bool(g.nonfinite) == bool(best.nonfinite) and g.norm > best.norm):
            best = g
    return best


def _count(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def _grad_span(members):
    """A line with the smallest and largest gradient norm among merged nodes (if any)."""
    from .summary import format_number
    norms = [m.grad.norm for m in members if m.grad is not None and not m.grad.nonfinite]
    if len(norms) < 2:
        return []
    return [f"‖grad‖ {format_number(min(norms))} … {format_number(max(norms))}"]


def _common_module(members):
    paths = [m.module.split(".") for m in members if m.module]
    if len(paths) != len(members) or not paths:
        return None
    common = paths[0]
    for p in paths[1:]:
        i = 0
        while i < min(len(common), len(p)) and common[i] == p[i]:
            i += 1
        common = common[:i]
    return ".".join(common) or None


def fold_modules(graph, depth):
    """Fold every module deeper than `depth` into one node (see the module docstring)."""
    if depth is None:
        return graph
    if depth < 1:
        raise ValueError(f"module_depth must be 1 or more (1 folds each top-level module into "
                         f"one node), got {depth}")
    rep = []
    for node in graph.nodes:
        parts = node.module.split(".") if node.module else []
        folded = parts and len(parts) >= depth and node.kind != "output"
        rep.append(("module", ".".join(parts[:depth])) if folded else node.id)

    def make(new, key, members):
        path = key[1]
        ops = sum(1 for m in members if m.kind == "op")
        leaves = sum(1 for m in members if m.kind == "leaf")
        lines = [_count(ops, "op") + (", " + _count(leaves, "parameter") if leaves else "")]
        parent = path.rsplit(".", 1)[0] if "." in path else None
        return new.add("module", path, lines, parent, _worst_grad(members), sig=f"module:{path}")
    return merge(graph, rep, make)


def _structure(graph):
    parents = [[] for _ in graph.nodes]
    consumers = [0] * len(graph.nodes)
    for e in graph.edges:
        parents[e.dst].append(e.src)
        consumers[e.src] += 1
    return parents, consumers


def _side_inputs(graph, parents, consumers):
    """For each node, whether it is a small private side input (used once, all its inputs
    private too or shared leaves), and the nodes such an input holds."""
    n = len(graph.nodes)
    side = [None] * n  # list of member ids, or None
    # ids grow away from the roots, so inputs have larger ids than (most of) their users:
    # deciding from the largest id down sees a node's inputs first.
    for i in range(n - 1, -1, -1):
        if consumers[i] != 1 or graph.nodes[i].kind in ("output", "more"):
            continue
        members = [i]
        for p in parents[i]:
            if side[p] is None:
                if not parents[p] and consumers[p] > 1:
                    continue  # a shared leaf (x in x * c_i for every i): stays outside
                members = None
                break
            members.extend(side[p])
        if members is not None and len(members) <= _MAX_SIDE:
            side[i] = members
    return side


def collapse_repeats(graph, min_repeats=3, keep_ends=False, exact=True):
    """Fold runs of repeated op chains into "xN" nodes (see the module docstring); with
    `keep_ends`, the first and last block of each run stay drawn, so the picture shows what
    is repeated (with its names) and where the run starts and ends. With exact=False, blocks
    whose main ops repeat are folded even when their side inputs differ (each block still
    takes as many side inputs); the folded node says they vary and lists their ops."""
    parents, consumers = _structure(graph)
    side = _side_inputs(graph, parents, consumers)
    nodes = graph.nodes
    main_parent = [None] * len(nodes)
    for i in range(len(nodes)):
        mains = [p for p in parents[i] if side[p] is None and parents[p]]
        if not mains:  # all inputs small and private: the biggest op among them leads
            ops = [p for p in parents[i] if parents[p]]
            mains = [max(ops, key=lambda p: len(side[p]))] if ops else []
        if len(mains) == 1 and consumers[mains[0]] == 1:
            main_parent[i] = mains[0]
    sig, side_sig = {}, {}

    def with_inputs(i, subs):
        shared = sum(1 for p in parents[i] if side[p] is None and not parents[p])
        return nodes[i].sig + ("(" + ",".join(sorted(subs)) + ")" if subs else "") + \
            ("+shared" * shared)

    def whole(p):  # a side input with everything it holds (at most _MAX_SIDE nodes deep)
        if not exact:
            return "side"
        s = side_sig.get(p)
        if s is None:
            s = side_sig[p] = with_inputs(p, [whole(q) for q in parents[p]
                                              if side[q] is not None])
        return s

    def signature(i):  # a chain node: its side inputs, not its main input
        s = sig.get(i)
        if s is None:
            s = sig[i] = with_inputs(i, [whole(p) for p in parents[i]
                                         if side[p] is not None and p != main_parent[i]])
        return s

    has_child = set(p for p in main_parent if p is not None)
    rep = list(range(len(nodes)))
    runs = 0
    for end in range(len(nodes)):
        if end in has_child or nodes[end].kind in ("more",):
            continue
        chain = [end]  # from the output end towards the inputs
        while main_parent[chain[-1]] is not None:
            chain.append(main_parent[chain[-1]])
        if len(chain) < min_repeats:
            continue
        chain.reverse()
        sigs = [signature(i) for i in chain]
        runs += _fold_runs(chain, sigs, nodes, side, parents, main_parent, rep,
                           min_repeats, keep_ends, exact)
    if not runs:
        return graph

    def make(new, key, members):
        reps, period = key[1], key[2]
        names = " → ".join(period)
        lines = [f"{reps} × [{names}]"] + ([key[4]] if key[4] else [])
        lines.append(f"{len(members)} nodes folded")
        lines += _module_span(members)
        lines += _grad_span(members)
        node = new.add("repeat", f"×{reps}", lines, _common_module(members),
                       _worst_grad(members), sig=f"repeat:{names}")
        node.count = len(members)
        return node
    graph = merge(graph, rep, make)
    return graph


def _block_name(node):
    """How a node is named inside a folded block: its title (`TanhBackward0`), or for a
    module call its class (`Linear`), since its title is only its place (`3`)."""
    if node.kind == "module" and node.lines and node.sig.startswith("module:") and \
            node.sig != f"module:{node.title}":
        return node.lines[0].split("(", 1)[0]
    return node.title or node.kind


def _module_span(members):
    """A line naming the first and last module among merged nodes, when they differ."""
    modules = [m.module for m in members if m.module]
    if len(set(modules)) < 2:
        return []
    ordered = sorted(set(modules), key=_natural)
    return [f"modules {ordered[0]} … {ordered[-1]}"]


def _natural(path):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split(".")]


def _fold_runs(chain, sigs, nodes, side, parents, main_parent, rep, min_repeats,
               keep_ends=False, exact=True):
    """Fold the repeated blocks of one chain into groups of `rep`; returns how many."""
    n = len(chain)
    i = 0
    folded = 0
    while i < n:
        best_period, best_reps = 0, 0
        for period in range(1, _MAX_PERIOD + 1):
            if i + period * min_repeats > n:
                break
            reps = 1
            while i + (reps + 1) * period <= n and \
                    sigs[i + reps * period: i + (reps + 1) * period] == sigs[i: i + period]:
                reps += 1
            if reps >= min_repeats and reps * period > best_reps * best_period:
                best_period, best_reps = period, reps
        if not best_period:
            i += 1
            continue
        names = tuple(_block_name(nodes[chain[i + k]]) for k in range(best_period))
        first, reps = i, best_reps
        if keep_ends and best_reps >= 3:
            first, reps = i + best_period, best_reps - 2
        block = chain[first: first + (best_period if exact else reps * best_period)]
        key = ("repeat", reps, names, chain[first],
               _side_text(block, nodes, side, parents, main_parent, exact))
        for pos in range(first, first + reps * best_period):
            for member in _with_side(chain[pos], side, parents, main_parent):
                rep[member] = key
        folded += 1
        i += best_reps * best_period
    return folded


def _side_text(block, nodes, side, parents, main_parent, exact=True):
    """What each repeated block takes besides its main input: `with exp, mul; 2 leaves`
    (exact), or what the varying side inputs of all blocks hold (not exact)."""
    if not exact:
        ops = []
        for i in block:
            for member in _with_side(i, side, parents, main_parent)[1:]:
                title = nodes[member].title or nodes[member].kind
                if parents[member] and title not in ops:
                    ops.append(title)
        more = ", …" if len(ops) > 6 else ""
        return f"side inputs vary: {', '.join(ops[:6])}{more}" if ops else "side inputs vary"
    ops, leaves = [], 0
    for i in block:
        for member in _with_side(i, side, parents, main_parent)[1:]:
            node = nodes[member]
            if node.kind == "leaf" or not parents[member]:
                leaves += 1
            elif (node.title or node.kind) not in ops:
                ops.append(node.title or node.kind)
    parts = [", ".join(ops)] if ops else []
    if leaves:
        parts.append(_count(leaves, "leaf") if leaves == 1 else f"{leaves} leaves")
    return ("with " + "; ".join(parts)) if parts else ""


def _with_side(i, side, parents, main_parent):
    members = [i]
    for p in parents[i]:
        if side[p] is not None and p != main_parent[i]:
            members.extend(side[p])
    return members


def cap_nodes(graph, max_nodes):
    """Keep the first `max_nodes - 1` nodes, summarise the rest (see the module docstring)."""
    if max_nodes is None or len(graph.nodes) <= max_nodes:
        return graph
    if max_nodes < 2:
        raise ValueError(f"max_nodes must be at least 2 (one node and the summary), got "
                         f"{max_nodes}")
    keep = max_nodes - 1
    rep = [node.id if node.id < keep else ("more",) for node in graph.nodes]
    hidden = len(graph.nodes) - keep

    def make(new, key, members):
        ops = sum(1 for m in members if m.kind == "op")
        kinds = [_count(ops, "op")] if ops else []
        if hidden - ops:
            kinds.append(_count(hidden - ops, "other node"))
        lines = [", ".join(kinds), "raise max_nodes to see them"]
        node = new.add("more", f"… {hidden} more nodes", lines, None, _worst_grad(members),
                       sig="more")
        node.count = hidden
        return node
    return merge(graph, rep, make)


def detach_hubs(graph, limit=HUB):
    """Replace the edges of leaves used by more than `limit` nodes by a line on each user
    (see the module docstring)."""
    users = {}
    has_parent = set()
    for e in graph.edges:
        users.setdefault(e.src, []).append(e.dst)
        has_parent.add(e.dst)
    hubs = {i for i, dst in users.items() if len(dst) > limit and i not in has_parent}
    if not hubs:
        return graph
    for i in hubs:
        hub = graph.nodes[i]
        name = hub.title or (hub.lines[0] if hub.lines else hub.kind)
        hub.lines.append(f"input of {len(users[i])} nodes (edges not drawn)")
        for dst in dict.fromkeys(users[i]):
            graph.nodes[dst].lines.append(f"← {name}")
    graph.edges = [e for e in graph.edges if e.src not in hubs]
    return graph
