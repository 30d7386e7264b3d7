"""A broad sweep of ops compared with PyTorch 2.13: values, dtypes, shapes, requires_grad,
gradients (through fixed, element-distinct output weights) and error types, over hand-picked
corner cases (dim tuples, negative dims, keepdim, named tuples, ties, promotion, mixed
indexing, matmul shapes). Complements the registry-driven parity suite, which draws inputs.
Run as a script (`python tests/test_tensor_torch_sweep.py`) to print every discrepancy."""
import numpy as np
import pytest

import autograd as A

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def R(*s, pos=False):
    a = rng.standard_normal(s)
    return np.abs(a) + 0.5 if pos else a


X, Y, P, V, W = R(3, 4), R(3, 4), R(3, 4, pos=True), R(4), R(4)
B3, B4 = R(2, 3, 4), R(2, 4, 5)
U = rng.uniform(-0.9, 0.9, (3, 4))
I = np.array([[0, 2, 1, 0], [1, 1, 0, 2]])  # noqa: E741
Xi = rng.integers(-5, 5, (3, 4))
X0 = np.array(1.5)
cases = []


def case(name, fn, *arrs, grad=True):
    """A case: fn(lib, *tensors) runs on both libraries; grad: compare gradients too."""
    cases.append((name, fn, arrs, grad))


UNARY = ("neg abs sign exp exp2 expm1 sin cos tan tanh sinh cosh atan sigmoid relu erf floor "
         "ceil round trunc square frac")
for op in UNARY.split():
    case(op, lambda M, x, op=op: getattr(M, op)(x), X)
    case(op + ".m", lambda M, x, op=op: getattr(x, op)(), X)
for op in "log log2 log10 log1p sqrt rsqrt reciprocal".split():
    case(op, lambda M, x, op=op: getattr(M, op)(x), P)
for op in "asin acos".split():
    case(op, lambda M, x, op=op: getattr(M, op)(x), U)
case("round_dec", lambda M, x: M.round(x * 100, decimals=1), X)
case("0d exp", lambda M, x: M.exp(x), X0)
for op in "add sub mul div maximum minimum atan2 eq ne lt le gt ge pow".split():
    case(op, lambda M, x, y, op=op: getattr(M, op)(x, y), P if op == "pow" else X, Y)
    case(op + " bc", lambda M, x, y, op=op: getattr(M, op)(x, y),
         P[:1] if op == "pow" else X[:1], R(3, 1))
case("add alpha", lambda M, x, y: M.add(x, y, alpha=2.5), X, Y)
case("sub alpha", lambda M, x, y: M.sub(x, y, alpha=2.5), X, Y)
case("div floor", lambda M, x, y: M.div(x, y, rounding_mode="floor"), X, Y, grad=False)
case("div trunc", lambda M, x, y: M.div(x, y, rounding_mode="trunc"), X, Y, grad=False)
case("pow scalar", lambda M, x: x ** 3, X)
case("pow 2.5", lambda M, x: M.pow(x, 2.5), P)
case("rpow", lambda M, x: 2.0 ** x, X)
case("pow scalar base", lambda M, x: M.pow(2.0, x), X)
case("rsub", lambda M, x: 1 - x, X)
case("rdiv", lambda M, x: 2 / x, P)
case("clamp", lambda M, x: M.clamp(x, -0.5, 0.5), X)
case("clamp min", lambda M, x: M.clamp(x, min=-0.5), X)
case("clamp max", lambda M, x: x.clamp(max=0.3), X)
case("clamp tensor", lambda M, x, y: M.clamp(x, min=y), X, Y)
case("clip", lambda M, x: M.clip(x, -0.5, 0.5), X)
case("where", lambda M, x, y: M.where(x > 0, x, y), X, Y)
case("where scalar", lambda M, x: M.where(x > 0, x, 0.0), X)
case("where1", lambda M, x: M.where(x > 0), X, grad=False)
case("lerp", lambda M, x, y: M.lerp(x, y, 0.3), X, Y)
case("lerp t", lambda M, x, y, z: M.lerp(x, y, z), X, Y, P)
case("isnan", lambda M, x: M.isnan(M.log(x)), X, grad=False)
case("isinf", lambda M, x: M.isinf(1 / (x * 0)), X, grad=False)
case("isfinite", lambda M, x: M.isfinite(1 / (x * 0)), X, grad=False)
case("logical", lambda M, x, y: (M.logical_and(x > 0, y > 0), M.logical_or(x, y),
                                 M.logical_not(x > 0)), X, Y, grad=False)
case("equal", lambda M, x, y: (M.equal(x, x), M.equal(x, y)), X, Y, grad=False)
case("allclose", lambda M, x, y: (M.allclose(x, x + 1e-9), M.allclose(x, y)), X, Y, grad=False)
case("isclose", lambda M, x, y: M.isclose(x, y, atol=0.5), X, Y, grad=False)
# reductions
for op in "sum mean prod amax amin logsumexp".split():
    if op == "logsumexp":
        case(op + " 01", lambda M, x, op=op: getattr(M, op)(x, (0, 1)), X)
    else:
        case(op + " all", lambda M, x, op=op: getattr(M, op)(x), X)
    case(op + " dim-1", lambda M, x, op=op: getattr(M, op)(x, -1), B3)
    case(op + " kd", lambda M, x, op=op: getattr(M, op)(x, 1, keepdim=True), B3)
    if op != "prod":
        case(op + " tuple", lambda M, x, op=op: getattr(M, op)(x, (0, -1)), B3)
        case(op + " tuple kd", lambda M, x, op=op: getattr(x, op)(dim=(0, 2), keepdim=True), B3)
case("sum dtype", lambda M, x: M.sum(x, dtype=M.float32), X)
case("sum int", lambda M, x: M.sum(x), Xi, grad=False)
case("mean int err", lambda M, x: M.mean(x), Xi, grad=False)
case("sum empty tuple", lambda M, x: M.sum(x, ()), X)
for op in "max min".split():
    case(op + " all", lambda M, x, op=op: getattr(M, op)(x), X)
    case(op + " dim", lambda M, x, op=op: tuple(getattr(M, op)(x, 1)), B3)
    case(op + " dim kd", lambda M, x, op=op: tuple(getattr(x, op)(dim=-1, keepdim=True)), B3)
    case(op + " nt", lambda M, x, op=op: (getattr(M, op)(x, 0).values,
                                          getattr(M, op)(x, 0).indices), X)
    case(op + " binary", lambda M, x, y, op=op: getattr(M, op)(x, y), X, Y)
case("max ties", lambda M, x: M.max(x * 0, 1), X)
case("max ties all", lambda M, x: M.max(M.round(x)), X)
case("amax ties", lambda M, x: M.amax(x * 0 + 1, 1), X)
for op in "argmax argmin".split():
    case(op, lambda M, x, op=op: getattr(M, op)(x), X, grad=False)
    case(op + " dim", lambda M, x, op=op: getattr(M, op)(x, 1, keepdim=True), X, grad=False)
for op in "var std".split():
    case(op, lambda M, x, op=op: getattr(M, op)(x), X)
    case(op + " dim", lambda M, x, op=op: getattr(M, op)(x, 1), X)
    case(op + " unb", lambda M, x, op=op: getattr(M, op)(x, 1, unbiased=False), X)
    case(op + " unb pos", lambda M, x, op=op: getattr(M, op)(x, False), X)
    case(op + " corr", lambda M, x, op=op: getattr(M, op)(x, (0, 1), correction=2,
                                                          keepdim=True), B3)
    case(op + " corr0", lambda M, x, op=op: getattr(x, op)(dim=-1, correction=0), B3)
case("var_mean", lambda M, x: M.var_mean(x, 1), X)
case("std_mean", lambda M, x: M.std_mean(x, 1), X)
case("norm", lambda M, x: M.norm(x), X)
case("norm p1", lambda M, x: M.norm(x, p=1, dim=1), X)
case("norm inf", lambda M, x: x.norm(float("inf"), dim=1), X)
case("norm 3 kd", lambda M, x: x.norm(3, dim=(0, 1), keepdim=True), B3)
case("norm fro", lambda M, x: x.norm("fro"), X)
case("norm 0", lambda M, x: x.norm(0), X, grad=False)  # PyTorch: no gradient; ours: zeros
case("cumsum", lambda M, x: M.cumsum(x, 1), X)
case("cumsum -1", lambda M, x: x.cumsum(dim=-1), B3)
case("cumprod", lambda M, x: M.cumprod(x, 1), X)
case("cumprod zero", lambda M, x: M.cumprod(x * (x > 0), 1), X)
case("cumsum int", lambda M, x: M.cumsum(x, 0), Xi, grad=False)
case("softmax", lambda M, x: M.softmax(x, 1), X)
case("softmax -1 m", lambda M, x: x.softmax(-1), B3)
case("log_softmax", lambda M, x: M.log_softmax(x, dim=0), X)
case("softmax dtype", lambda M, x: M.softmax(x, 1, dtype=M.float32), X)
case("all any", lambda M, x: (M.all(x > 0), M.any(x > 0), M.all(x > 0, 1),
                              x.any(dim=0, keepdim=True), M.all(x)), X, grad=False)
case("all tuple", lambda M, x: (M.all(x > 0, dim=(0, 1)), M.any(x > 0, (0,))), B3, grad=False)
# matrix
case("matmul 2d", lambda M, x, y: x @ y.T, X, Y)
case("matmul 1d1d", lambda M, x, y: M.matmul(x, y), V, W)
case("matmul 1d2d", lambda M, x, y: M.matmul(x, y.T), V, X)
case("matmul 2d1d", lambda M, x, y: M.matmul(x, y), X, V)
case("matmul batched bc", lambda M, x, y: M.matmul(x, y), B3, R(4, 5))
case("matmul batched bc2", lambda M, x, y: M.matmul(x, y), R(2, 1, 3, 4), R(5, 4, 2))
case("matmul 1d batched", lambda M, x, y: M.matmul(x, y), V, B4)
case("matmul batched 1d", lambda M, x, y: M.matmul(x, y), B3, V)
case("mm", lambda M, x, y: M.mm(x, y.T), X, Y)
case("bmm", lambda M, x, y: M.bmm(x, y), B3, B4)
case("dot", lambda M, x, y: M.dot(x, y), V, W)
case("outer", lambda M, x, y: M.outer(x, y), V, W[:3])
case("einsum", lambda M, x, y: M.einsum("bij,bjk->bik", x, y), B3, B4)
case("einsum list", lambda M, x, y: M.einsum("ij,j->i", [x, y]), X, V)
case("einsum trace", lambda M, x: M.einsum("ii", x), R(3, 3))
case("einsum ellipsis", lambda M, x: M.einsum("...ij->...ji", x), B3)
case("einsum sum", lambda M, x: M.einsum("ij->", x), X)
case("einsum diag", lambda M, x: M.einsum("ii->i", x), R(3, 3))
case("einsum outer", lambda M, x, y: M.einsum("i,j->ij", x, y), V, W)
case("mv", lambda M, x, y: M.mv(x, y), X, V)
# movement
case("reshape", lambda M, x: x.reshape(4, -1), X)
case("reshape tuple", lambda M, x: M.reshape(x, (2, 6)), X)
case("view", lambda M, x: x.view(-1), X)
case("view tuple", lambda M, x: x.view((6, 2)), X)
case("flatten", lambda M, x: M.flatten(x, 1), B3)
case("flatten se", lambda M, x: x.flatten(0, 1), B3)
case("unflatten", lambda M, x: x.unflatten(1, (2, 2)), X)
case("unflatten -1", lambda M, x: M.unflatten(x, -1, (2, -1)), X)
case("squeeze", lambda M, x: x.squeeze(), R(1, 3, 1))
case("squeeze dim", lambda M, x: x.squeeze(0), R(1, 3, 1))
case("squeeze dim noop", lambda M, x: x.squeeze(1), R(1, 3, 1))
case("squeeze tuple", lambda M, x: x.squeeze((0, 2)), R(1, 3, 1))
case("unsqueeze", lambda M, x: x.unsqueeze(-1), X)
case("transpose", lambda M, x: M.transpose(x, 0, 2), B3)
case("permute", lambda M, x: x.permute(2, 0, 1), B3)
case("permute tuple", lambda M, x: M.permute(x, (2, 0, 1)), B3)
case("permute neg", lambda M, x: x.permute(-1, 0, 1), B3)
case("t", lambda M, x: x.t(), X)
case("t 1d", lambda M, x: x.t(), V)
case("T", lambda M, x: x.T, X)
case("mT", lambda M, x: x.mT, B3)
case("expand", lambda M, x: x.expand(2, 3, -1), R(3, 1))
case("expand tuple", lambda M, x: x.expand((2, 3, 4)), R(3, 1))
case("expand_as", lambda M, x, y: x.expand_as(y), R(3, 1), X)
case("broadcast_to", lambda M, x: M.broadcast_to(x, (2, 3, 4)), R(3, 1))
case("repeat", lambda M, x: x.repeat(2, 1, 3), X)
case("repeat tuple", lambda M, x: x.repeat((2, 2)), X)
case("flip", lambda M, x: M.flip(x, (0, 2)), B3)
case("flip list", lambda M, x: x.flip([0]), X)
case("flip int", lambda M, x: x.flip(0), X)
case("roll", lambda M, x: M.roll(x, 1, 0), X)
case("roll multi", lambda M, x: M.roll(x, (1, -2), (0, 1)), X)
case("roll flat", lambda M, x: M.roll(x, 5), X)
case("cat", lambda M, x, y: M.cat([x, y], 1), X, Y)
case("cat neg", lambda M, x, y: M.cat((x, y), dim=-1), X, Y)
case("cat empty", lambda M, x: M.cat([x, M.tensor([], dtype=M.float64)]), V)
case("concat", lambda M, x, y: M.concat([x, y]), X, Y)
case("stack", lambda M, x, y: M.stack([x, y], 1), X, Y)
case("stack -1", lambda M, x, y: M.stack([x, y], -1), X, Y)
case("split", lambda M, x: M.split(x, 2, 1), X)
case("split list", lambda M, x: x.split([1, 3], dim=1), X)
case("split uneven", lambda M, x: x.split(3, dim=1), X)
case("chunk", lambda M, x: M.chunk(x, 3, 1), X)
case("chunk5", lambda M, x: x.chunk(3, 0), R(5, 2))
case("chunk6in4", lambda M, x: x.chunk(4, 0), R(6, 2))
case("unbind", lambda M, x: M.unbind(x, 1), X)
case("narrow", lambda M, x: x.narrow(1, 1, 2), X)
case("movedim", lambda M, x: x.movedim(0, -1), B3)
# indexing
case("idx int", lambda M, x: x[1], X)
case("idx neg", lambda M, x: x[-1, -2], X)
case("idx slice step", lambda M, x: x[::2, 1::2], X)
case("idx neg slice", lambda M, x: x[-2:, :-1], X)
case("idx None ...", lambda M, x: x[None, ..., 1], B3)
case("idx list", lambda M, x: x[[0, 2, 0]], X)
case("idx list repeated grad", lambda M, x: x[[0, 0, 0, 1]] * 2, X)
case("idx tensor", lambda M, x: x[M.tensor([[0, 1], [2, 2]])], X)
case("idx 2 lists", lambda M, x: x[[0, 1, 1], [2, 3, 2]], X)
case("idx list slice", lambda M, x: x[[0, 2], 1:3], X)
case("idx slice list", lambda M, x: x[:, [0, 0, 3]], X)
case("idx mask", lambda M, x: x[x > 0], X)
case("idx mask row", lambda M, x: x[M.tensor([True, False, True])], X)
case("idx mask row slice", lambda M, x: x[M.tensor([True, False, True]), 1:], X)
case("idx int list sep", lambda M, x: x[[0, 1], :, [1, 2]], B3)
case("idx int list 3d", lambda M, x: x[:, [0, 1], [1, 2]], B3)
case("idx list adv sep", lambda M, x: x[0, :, [1, 2]], B3)
case("idx ellipsis list", lambda M, x: x[..., [0, 3]], B3)
case("idx 0d", lambda M, x: x[()], X0)
case("gather", lambda M, x, i: M.gather(x, 1, i), X[:2], I)
case("gather m", lambda M, x, i: x.gather(0, i[:, :3] % 3), X, I)
case("scatter", lambda M, x, y: M.scatter(x, 0, M.tensor([[0, 1, 2, 0]]), y[:1]), X, Y)
case("scatter val", lambda M, x: M.scatter(x, 1, M.tensor([[0], [1], [2]]), 5.0), X)
case("scatter_add", lambda M, x, y: M.scatter_add(x, 0, M.tensor([[0, 0, 2, 0], [0, 1, 1, 1]]),
                                                 y[:2]), X, Y)
case("scatter reduce", lambda M, x, y: M.scatter(x, 0, M.tensor([[0, 0, 2, 0]]), y[:1],
                                                 reduce="add"), X, Y, grad=False)
case("index_select", lambda M, x: M.index_select(x, 1, M.tensor([0, 0, 3])), X)
case("masked_fill", lambda M, x: M.masked_fill(x, x > 0, 0.5), X)
case("masked_fill t", lambda M, x: x.masked_fill(M.tensor([True, False, True, False]),
                                                 M.tensor(2.0, dtype=M.float64)), X)
case("masked_select", lambda M, x: M.masked_select(x, x > 0), X)
case("masked_select bc", lambda M, x: M.masked_select(x, M.tensor([True, False, True, False])), X)
case("take", lambda M, x: M.take(x, M.tensor([[0, 5], [11, 5]])), X)
case("take neg", lambda M, x: M.take(x, M.tensor([-1, 5])), X)
case("sort", lambda M, x: tuple(M.sort(x, 1)), X)
case("sort desc", lambda M, x: tuple(x.sort(dim=0, descending=True)), X)
case("topk", lambda M, x: tuple(M.topk(x, 2)), X)
case("median", lambda M, x: M.median(x), X)
case("median dim", lambda M, x: tuple(M.median(x, 1)), X)
# dtypes / promotion
for a, b in [(np.float32, np.float64), (np.int64, np.float32), (np.int32, np.int64),
             (np.uint8, np.int8), (np.bool_, np.int32), (np.float16, np.float32),
             (np.int8, np.float16), (np.bool_, np.float16)]:
    case(f"prom {a.__name__}+{b.__name__}",
         lambda M, x, y: (x + y, x * y, x - y if x.dtype != M.bool else x * y),
         X.astype(a), Y.astype(b), grad=False)
    case(f"prom div {a.__name__}/{b.__name__}",
         lambda M, x, y: x / (y + 7) if y.dtype != M.bool else x / 1,
         X.astype(a), Y.astype(b), grad=False)
for dt in [np.float32, np.float16, np.int64, np.int32, np.uint8, np.bool_]:
    case(f"scalar prom {dt.__name__}", lambda M, x: (x + 1, x * 2.5, x + True, x / 2),
         X.astype(dt), grad=False)
    case(f"0d prom {dt.__name__}",
         lambda M, x: (x + M.tensor(1.5, dtype=M.float64), x + M.tensor(3)),
         X.astype(dt), grad=False)
case("int pow", lambda M, x: (x ** 2, x.pow(2), x.abs() ** 0.5), Xi, grad=False)
case("int div", lambda M, x: (x / 2, x // 2, x % 3, M.floor_divide(x, 3)), Xi, grad=False)
case("int exp", lambda M, x: (M.exp(x), M.sqrt(x.abs()), M.sigmoid(x), M.sin(x)), Xi, grad=False)
case("int abs neg", lambda M, x: (M.abs(x), -x, M.sign(x), M.clamp(x, -2, 2),
                                  M.clamp(x, -2.5, 2)), Xi, grad=False)
case("int round", lambda M, x: (M.floor(x), M.ceil(x), M.round(x), M.trunc(x)), Xi, grad=False)
case("bool sum", lambda M, x: ((x > 0).sum(), (x > 0).sum(1), (x > 0).float().mean()), X,
     grad=False)
case("int prod", lambda M, x: (M.prod(x), M.prod(x, 0), M.cumprod(x, 0)), Xi, grad=False)
case("int max", lambda M, x: (M.max(x), M.amax(x, 1), M.max(x, 1).values), Xi, grad=False)
case("float16 ops", lambda M, x: (M.exp(x), x.sum(), x @ x.T, x.mean()), X.astype(np.float16),
     grad=False)
case("float32 mean", lambda M, x: (x.mean(), x.var(), x.std(1), M.softmax(x, 0)),
     X.astype(np.float32), grad=False)
case("remainder", lambda M, x, y: (M.remainder(x, y), M.fmod(x, y), x % 0.7), X, Y)
case("floor_div", lambda M, x, y: x // y, X, Y, grad=False)


def _convert(v, M):
    if M is torch:
        return torch.from_numpy(v.copy()).requires_grad_(v.dtype.kind == "f")
    return A.tensor(v, requires_grad=v.dtype.kind == "f")


def _flat(o):
    if isinstance(o, (tuple, list)):
        return [y for x in o for y in _flat(x)]
    return [o]


def _tolerance(dtype):
    return {"float16": (2e-3, 1e-3), "float32": (2e-5, 1e-6)}.get(str(dtype)[6:], (1e-7, 1e-9))


def compare(name, fn, arrs, grad):
    """The discrepancies between PyTorch and glassgrad on one case (an empty list if none)."""
    res = {}
    for M in (torch, A):
        ins = [_convert(a, M) for a in arrs]
        try:
            res[M] = (ins, _flat(fn(M, *ins)), None)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            res[M] = (ins, None, e)
    (ti, to, te), (ai, ao, ae) = res[torch], res[A]
    if te or ae:
        same = te is not None and ae is not None and isinstance(ae, type(te))
        return [] if same else [f"error: PyTorch {te!r}, ours {ae!r}"]
    if len(to) != len(ao):
        return [f"{len(to)} outputs, ours {len(ao)}"]
    bad = []
    for k, (t, a) in enumerate(zip(to, ao)):
        if not isinstance(t, torch.Tensor):
            if t != a:
                bad.append(f"output {k}: PyTorch {t!r}, ours {a!r}")
            continue
        if not isinstance(a, A.Tensor):
            bad.append(f"output {k} is a {type(a).__name__}")
            continue
        if str(t.dtype)[6:] != a.dtype.name:
            bad.append(f"output {k} dtype: PyTorch {t.dtype}, ours {a.dtype}")
        if tuple(t.shape) != tuple(a.shape):
            bad.append(f"output {k} shape: PyTorch {tuple(t.shape)}, ours {tuple(a.shape)}")
            continue
        rtol, atol = _tolerance(t.dtype)
        if not np.allclose(t.detach().numpy().astype(np.float64), a.data.astype(np.float64),
                           rtol=rtol, atol=atol, equal_nan=True):
            bad.append(f"output {k} values:\n{t}\n{a}")
        if t.requires_grad != a.requires_grad:
            bad.append(f"output {k} requires_grad: PyTorch {t.requires_grad}, ours "
                       f"{a.requires_grad}")
    if grad and not bad:
        tl = [t for t in to if isinstance(t, torch.Tensor) and t.requires_grad]
        al = [a for a in ao if isinstance(a, A.Tensor) and a.requires_grad]
        if tl:
            ws = [np.linspace(0.5, 1.5, max(t.numel(), 1)).reshape(t.shape) for t in tl]
            sum((t * torch.from_numpy(w).to(t.dtype)).sum() for t, w in zip(tl, ws)).backward()
            sum((a * A.tensor(w).to(a.dtype)).sum() for a, w in zip(al, ws)).backward()
            for j, (x, y) in enumerate(zip(ti, ai)):
                if (x.grad is None) != (y.grad is None):
                    bad.append(f"grad {j}: PyTorch {x.grad}, ours {y.grad}")
                elif x.grad is not None:  # as precise as the least precise dtype used
                    rtol, atol = max(_tolerance(d) for d in [x.dtype] + [t.dtype for t in tl])
                    if not np.allclose(x.grad.numpy(), y.grad.data, rtol=rtol, atol=atol,
                                       equal_nan=True):
                        bad.append(f"grad {j}:\n{x.grad}\n{y.grad}")
    return bad


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name, fn, arrs, grad", cases, ids=[c[0] for c in cases])
def test_matches_torch(name, fn, arrs, grad):
    bad = compare(name, fn, arrs, grad)
    assert not bad, f"{name}: " + "; ".join(bad)


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    failures = 0
    for case_ in cases:
        problems = compare(*case_)
        failures += bool(problems)
        for p in problems:
            print(f"[{case_[0]}] {p}")
    print(f"{len(cases)} cases, {failures} with discrepancies")
