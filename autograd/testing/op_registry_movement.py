"""Registry entries for movement, indexing, linear-algebra and in-place ops (see
`op_registry`, which imports this module to complete `REGISTRY`)."""
import numpy as np
from hypothesis import strategies as st

from .cases import (along_dim, binary, bool_mask, getitem_args, index_tensor, int_tensor,
                    matrices, pad_args, SPACED, unary)
from .op_registry import register
from .strategies import axes, broadcastable_shapes, dims, finite, shapes, tensors

def _x(min_dims=0, max_dims=3, min_side=1, max_side=3, **kw):
    return tensors(shape=shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                max_side=max_side), **kw)


def _then(base, extra):
    """Draw x from `base`, then the rest of the arguments from `extra(x)`."""
    return base.flatmap(lambda x: extra(x).map(lambda rest: (x,) + tuple(rest)))


def _dim(x):
    return dims(x.ndim, allow_none=False, allow_tuple=False)


def _reshape_targets(x):
    s = tuple(x.shape)
    n = int(np.prod(s))
    return st.sampled_from([(n,), (-1,), s[::-1], (1,) + s, s + (1,), ()
                            if n == 1 else (n,)]).map(lambda t: (t,))


# ------------------------------------------------------------------ reshaping
register("reshape", lambda lib, x, s: x.reshape(s), _then(_x(), _reshape_targets))
register("view", lambda lib, x, s: x.contiguous().view(s), _then(_x(), _reshape_targets))
register("view_as", lambda lib, x, y: x.contiguous().view_as(y),
         _then(_x(), lambda x: st.tuples(tensors(shape=tuple(x.shape)[::-1],
                                                 requires_grad=False))))
register("reshape_as", lambda lib, x, y: x.reshape_as(y),
         _then(_x(), lambda x: st.tuples(tensors(shape=(int(np.prod(x.shape)),),
                                                 requires_grad=False))))
register("flatten", lambda lib, x, a, b: x.flatten(min(a, b), max(a, b)),
         _then(_x(min_dims=1), lambda x: st.tuples(st.integers(0, x.ndim - 1),
                                                   st.integers(0, x.ndim - 1))))
register("ravel", lambda lib, x: x.ravel(), unary())
register("unflatten", lambda lib, x, d, sizes: x.unflatten(d, sizes),
         _then(_x(min_dims=1), lambda x: _dim(x).flatmap(lambda d: st.tuples(
             st.just(d), st.sampled_from([(x.shape[d], 1), (1, -1), (-1,)])))))
register("squeeze", lambda lib, x, d: x.squeeze() if d is None else x.squeeze(d),
         _then(tensors(shape=shapes(min_side=1, max_side=2)),
               lambda x: st.tuples(dims(x.ndim, allow_tuple=True))))
register("unsqueeze", lambda lib, x, d: x.unsqueeze(d),
         _then(_x(), lambda x: st.tuples(st.integers(-x.ndim - 1, x.ndim))))
register("transpose", lambda lib, x, a, b: x.transpose(a, b),
         _then(_x(min_dims=1), lambda x: st.tuples(_dim(x), _dim(x))))
register("permute", lambda lib, x, p: x.permute(p),
         _then(_x(), lambda x: st.tuples(st.permutations(range(x.ndim)).map(tuple))))
register("t", lambda lib, x: x.t(), unary(max_dims=2))
register("movedim", lambda lib, x, s, d: lib.movedim(x, s, d),
         _then(_x(min_dims=1), lambda x: st.integers(1, x.ndim).flatmap(lambda n: st.tuples(
             axes(x.ndim, min_size=n, max_size=n), axes(x.ndim, min_size=n, max_size=n)))))
register("atleast_1d", lambda lib, x: lib.atleast_1d(x), unary())
register("atleast_2d", lambda lib, x: lib.atleast_2d(x), unary())


@st.composite
def _expand_args(draw):
    target = draw(shapes(min_dims=0, max_dims=3))
    lead = draw(st.integers(0, len(target)))
    shape = tuple(1 if draw(st.booleans()) else s for s in target[lead:])
    sizes = tuple(-1 if i >= lead and draw(st.booleans()) else s
                  for i, s in enumerate(target))
    return (draw(tensors(shape=shape)), sizes)


register("expand", lambda lib, x, s: x.expand(s), _expand_args())
register("broadcast_to", lambda lib, x, s: lib.broadcast_to(
    x, tuple(x.shape[i - len(s) + x.ndim] if v == -1 else v for i, v in enumerate(s))),
    _expand_args())
register("expand_as", lambda lib, x, y: x.expand_as(y), binary().flatmap(
    lambda ab: st.tuples(st.just(ab[0]), tensors(shape=np.broadcast_shapes(ab[0].shape,
                                                                           ab[1].shape),
                                                 requires_grad=False))))
register("broadcast_tensors", lambda lib, a, b: tuple(lib.broadcast_tensors(a, b)), binary())
register("repeat", lambda lib, x, r: x.repeat(r),
         _then(_x(), lambda x: st.lists(st.integers(1, 2), min_size=x.ndim,
                                        max_size=x.ndim + 1).map(lambda r: (tuple(r),))))
register("tile", lambda lib, x, r: x.tile(r),
         _then(_x(), lambda x: st.lists(st.integers(1, 2), min_size=0, max_size=3)
               .map(lambda r: (tuple(r),))))
register("flip", lambda lib, x, d: x.flip(d),
         _then(_x(min_dims=1), lambda x: st.tuples(axes(x.ndim, min_size=0))))
register("fliplr", lambda lib, x: x.fliplr(), unary(min_dims=2))
register("flipud", lambda lib, x: x.flipud(), unary(min_dims=1))
register("roll", lambda lib, x, s, d: x.roll(s, d),
         _then(_x(min_dims=1), lambda x: st.one_of(
             st.tuples(st.integers(-4, 4), st.none()),
             axes(x.ndim, min_size=1).flatmap(lambda ds: st.tuples(
                 st.lists(st.integers(-4, 4), min_size=len(ds), max_size=len(ds))
                 .map(tuple), st.just(ds))))))


@st.composite
def _cat_args(draw, same_size=False):
    shape = draw(shapes(min_dims=1, max_dims=3))
    d = draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        if not same_size:
            s[d] = draw(st.integers(0, 3))
        parts.append(draw(tensors(shape=tuple(s))))
    return tuple(parts) + (d,)


register("cat", lambda lib, *a: lib.cat(list(a[:-1]), a[-1]), _cat_args())
register("stack", lambda lib, *a: lib.stack(list(a[:-1]), a[-1]), _cat_args(same_size=True))
register("hstack", lambda lib, *a: lib.hstack(list(a[:-1])), _cat_args(same_size=True))
register("vstack", lambda lib, *a: lib.vstack(list(a[:-1])), _cat_args(same_size=True))
register("split", lambda lib, x, s, d: tuple(x.split(s, d)),
         _then(_x(min_dims=1), lambda x: _dim(x).flatmap(lambda d: st.tuples(
             st.integers(1, 3) | st.lists(st.integers(0, x.shape[d]), min_size=1,
                                          max_size=2).map(
                 lambda s: [min(s[0], x.shape[d]), x.shape[d] - min(s[0], x.shape[d])]),
             st.just(d)))))
register("chunk", lambda lib, x, c, d: tuple(x.chunk(c, d)),
         _then(_x(min_dims=1), lambda x: st.tuples(st.integers(1, 4), _dim(x))))
register("unbind", lambda lib, x, d: tuple(x.unbind(d)), along_dim())
register("narrow", lambda lib, x, d, start, n: x.narrow(d, start, n),
         _then(_x(min_dims=1), lambda x: _dim(x).flatmap(
             lambda d: st.integers(0, x.shape[d]).flatmap(lambda s: st.tuples(
                 st.just(d), st.just(s), st.integers(0, x.shape[d] - s))))))


register("pad", lambda lib, x, p, m, v: lib.pad(x, p, mode=m, value=v), pad_args(),
         torch_call=lambda torch, x, p, m, v: torch.nn.functional.pad(x, p, mode=m,
                                                                      value=v))
register("tril", lambda lib, x, k: x.tril(k), _then(_x(min_dims=2),
                                                    lambda x: st.tuples(st.integers(-3, 3))))
register("triu", lambda lib, x, k: x.triu(k), _then(_x(min_dims=2),
                                                    lambda x: st.tuples(st.integers(-3, 3))))
register("diagonal", lambda lib, x, o, a, b: x.diagonal(o, a, b),
         _then(_x(min_dims=2), lambda x: st.tuples(st.integers(-3, 3)).flatmap(
             lambda o: st.permutations(range(x.ndim)).map(lambda p: (o[0], p[0], p[1])))))
register("diag", lambda lib, x, k: x.diag(k),
         _then(_x(min_dims=1, max_dims=2), lambda x: st.tuples(st.integers(-2, 2))))

# ------------------------------------------------------------------ indexing
register("getitem", lambda lib, x, i: x[i], getitem_args())


@st.composite
def _index_put_args(draw, accumulate):
    x = draw(_x(min_dims=1))
    size = x.shape[0]
    k = draw(st.integers(0, size))
    rows = draw(st.permutations(range(size)))[:k] if not accumulate else \
        draw(st.lists(st.integers(0, size - 1), max_size=3))
    v = draw(tensors(shape=(len(rows),) + tuple(x.shape[1:])))
    return (x, (int_tensor(rows),), v, accumulate)


register("index_put", lambda lib, x, i, v, a: x.index_put(i, v, accumulate=a),
         st.booleans().flatmap(_index_put_args))


@st.composite
def _index_add_args(draw):
    x = draw(_x(min_dims=1))
    d = draw(st.integers(0, x.ndim - 1))
    n = draw(st.integers(0, 3))
    src_shape = tuple(n if i == d else s for i, s in enumerate(x.shape))
    return (x, d, draw(index_tensor(x.shape[d], n)), draw(tensors(shape=src_shape)))


register("index_add", lambda lib, x, d, i, s: x.index_add(d, i, s), _index_add_args())


@st.composite
def _gather_index(draw, x, d, unique=False):
    shape = tuple(draw(st.integers(1, s)) if i != d else draw(st.integers(0, s if unique
                                                                          else 3))
                  for i, s in enumerate(x.shape))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    if unique:
        perm = np.argsort(rng.random(x.shape[d:d + 1] + shape[:d] + shape[d + 1:]), axis=0)
        idx = np.moveaxis(perm[:shape[d]], 0, d)
    else:
        idx = rng.integers(0, x.shape[d], size=shape)
    return int_tensor(idx)


def _gather_args(unique=False, src=False):
    @st.composite
    def build(draw):
        x = draw(_x(min_dims=1))
        d = draw(st.integers(-x.ndim, x.ndim - 1))
        idx = draw(_gather_index(x, d % x.ndim, unique))
        return (x, d, idx) + ((draw(tensors(shape=tuple(idx.shape))),) if src else ())
    return build()


register("gather", lambda lib, x, d, i: x.gather(d, i), _gather_args())


@st.composite
def _take_along_dim_args(draw):
    """(x, dim, indices): indices broadcast with x outside `dim` (size 1 or x's size)."""
    x = draw(_x(min_dims=1))
    d = draw(st.integers(-x.ndim, x.ndim - 1))
    shape = tuple(draw(st.integers(0, 3)) if i == d % x.ndim else
                  draw(st.sampled_from([1, s])) for i, s in enumerate(x.shape))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    return (x, d, int_tensor(rng.integers(0, x.shape[d], size=shape)))


register("take_along_dim", lambda lib, x, d, i: lib.take_along_dim(x, i, d),
         _take_along_dim_args())
register("scatter", lambda lib, x, d, i, s: x.scatter(d, i, s), _gather_args(True, True))
register("scatter_add", lambda lib, x, d, i, s: x.scatter_add(d, i, s),
         _gather_args(False, True))
register("index_select", lambda lib, x, d, i: x.index_select(d, i),
         _then(_x(min_dims=1), lambda x: st.integers(0, x.ndim - 1).flatmap(
             lambda d: st.tuples(st.just(d), index_tensor(x.shape[d], 2)))))
register("index_fill", lambda lib, x, d, i, v: x.index_fill(d, i, v),
         _then(_x(min_dims=1), lambda x: st.integers(0, x.ndim - 1).flatmap(
             lambda d: st.tuples(st.just(d), index_tensor(x.shape[d], 2), finite()))))
register("masked_fill", lambda lib, x, m, v: x.masked_fill(m, v),
         _then(_x(), lambda x: st.tuples(bool_mask(tuple(x.shape)), finite())))
register("masked_select", lambda lib, x, m: x.masked_select(m),
         _then(_x(), lambda x: st.tuples(bool_mask(tuple(x.shape)))))
register("masked_scatter", lambda lib, x, m, s: x.masked_scatter(m, s),
         _then(_x(), lambda x: st.tuples(bool_mask(tuple(x.shape)),
                                         tensors(shape=(int(np.prod(x.shape)),)))))
register("take", lambda lib, x, i: x.take(i),
         _then(_x(), lambda x: st.tuples(index_tensor(int(np.prod(x.shape)), 3))))
register("sort", lambda lib, x, d, desc: x.sort(d, descending=desc)[0],
         _then(_x(unique=True, elements=SPACED), lambda x: st.tuples(dims(x.ndim, allow_none=False,
                                                         allow_tuple=False), st.booleans())))
register("topk", lambda lib, x, k, d, big: x.topk(k, d, largest=big)[0],
         _then(_x(min_dims=1, unique=True, elements=SPACED), lambda x: _dim(x).flatmap(lambda d: st.tuples(
             st.integers(0, x.shape[d]), st.just(d), st.booleans()))))
register("kthvalue", lambda lib, x, k, d, keep: x.kthvalue(k, d, keep)[0],
         _then(_x(min_dims=1, unique=True, elements=SPACED), lambda x: _dim(x).flatmap(lambda d: st.tuples(
             st.integers(1, x.shape[d]), st.just(d), st.booleans()))))
register("median", lambda lib, x: x.median(), st.tuples(_x(unique=True, elements=SPACED)))
register("median[dim]", lambda lib, x, d, keep: x.median(d, keep)[0],
         _then(_x(min_dims=1, unique=True, elements=SPACED), lambda x: st.tuples(_dim(x), st.booleans())))

# ------------------------------------------------------------------ linear algebra


@st.composite
def _matmul_args(draw):
    """Operands of every rank pairing matmul accepts, batch dimensions broadcasting."""
    ba, bb = draw(broadcastable_shapes(2, max_dims=2))
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    left = draw(st.sampled_from([(k,), ba + (n, k)]))
    right = draw(st.sampled_from([(k,), bb + (k, m)]))
    return (draw(tensors(shape=left)), draw(tensors(shape=right)))


register("matmul", lambda lib, a, b: a @ b, _matmul_args())
register("mm", lambda lib, a, b: a.mm(b), matrices("nk", "km"))
register("bmm", lambda lib, a, b: a.bmm(b), matrices("bnk", "bkm"))
register("mv", lambda lib, a, v: a.mv(v), matrices("nk", "k"))
register("dot", lambda lib, a, b: a.dot(b), matrices("k", "k"))
register("outer", lambda lib, a, b: lib.outer(a, b), matrices("n", "m"))
register("inner", lambda lib, a, b: lib.inner(a, b), st.sampled_from(
    [("k", "k"), ("nk", "mk"), ("", "nk"), ("bnk", "k")]).flatmap(lambda ls: matrices(*ls)))
register("trace", lambda lib, a: a.trace(), matrices("nm"))
register("addmm", lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2.0),
         matrices("nm", "nk", "km"))
register("baddbmm", lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=0.5, alpha=2.0),
         matrices("bnm", "bnk", "bkm"))
register("tensordot", lambda lib, a, b: lib.tensordot(a, b, dims=([1], [0])),
         matrices("nk", "km"))
_EINSUM = ["ij,jk->ik", "ij->ji", "ij->", "i,i->", "bij,bjk->bik", "ij,ij->ij", "i,j->ij",
           "...ij,...jk->...ik", "ijk->kj"]
register("einsum", lambda lib, eq, *xs: lib.einsum(eq, *xs),
         st.sampled_from(_EINSUM).flatmap(lambda eq: matrices(
             *eq.split("->")[0].replace("...", "z").split(",")).map(lambda xs: (eq,) + xs)))

# ------------------------------------------------------------------ in place (on a clone)
register("copy_", lambda lib, x, src: x.clone().copy_(src),
         binary().filter(lambda ab: np.broadcast_shapes(ab[0].shape, ab[1].shape)
                         == tuple(ab[0].shape)))
register("zero_", lambda lib, x: x.clone().zero_() + x, unary())
register("fill_", lambda lib, x: x.clone().fill_(1.5) * x, unary())


def _setitem(lib, x, idx, v):
    y = x.clone()
    y[idx] = v
    return y


def _has_duplicates(idx, shape):
    """Whether `idx` selects some element twice (then which write wins is undefined)."""
    picked = np.arange(int(np.prod(shape))).reshape(shape)[idx]
    return np.unique(picked).size != np.size(picked)


# the value has the shape of x[index] in PyTorch's rules (glassgrad's getitem), which put
# the integers of a mixed index before its arrays, unlike NumPy
register("setitem", _setitem, getitem_args().flatmap(lambda a: st.tuples(
    st.just(a[0]), st.just(a[1]), tensors(shape=tuple(a[0].detach()[a[1]].shape))))
    .filter(lambda a: not _has_duplicates(a[1], tuple(a[0].shape))))
