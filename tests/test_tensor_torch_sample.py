"""A broad sample of calls compared with PyTorch, for the corners the registry-driven parity
suite does not draw: einsum with repeated subscripts, rounded division (values, exact
integers, zero gradients), repr of summarized and wrapped tensors, factory errors."""
import numpy as np
import pytest

import autograd as A

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("equation, shapes", [
    ("ii", [(3, 3)]), ("ii->i", [(3, 3)]), ("iij->j", [(3, 3, 2)]), ("ij,jj->i", [(2, 3), (3, 3)]),
    ("iji", [(3, 2, 3)]), ("bii->b", [(2, 3, 3)]), ("iii->i", [(2, 2, 2)]),
    ("...ii->...i", [(4, 3, 3)])])
def test_einsum_repeated_subscripts_take_diagonals(equation, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = [A.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    r, t = A.einsum(equation, *ours), torch.einsum(equation, *theirs)
    assert tuple(r.shape) == tuple(t.shape)
    np.testing.assert_allclose(r.data, t.detach().numpy())
    (r * r).sum().backward()
    (t * t).sum().backward()
    for o, h in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.data, h.grad.numpy())


def test_einsum_repeated_subscript_of_unequal_sizes_names_them():
    with pytest.raises(RuntimeError, match="subscript i is repeated.*2 != 3"):
        A.einsum("ii", A.ones(2, 3))


@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_rounded_division_matches_torch(mode):
    a, b = [7.0, -7.0, 7.5, -0.5], [2.0, 2.0, -2.0, 3.0]
    x, y = A.tensor(a, requires_grad=True), A.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    q, tq = A.div(x, y, rounding_mode=mode), torch.div(tx, ty, rounding_mode=mode)
    np.testing.assert_array_equal(q.data, tq.detach().numpy())
    assert q.grad_fn.name() == tq.grad_fn.name() == "DivBackward2"
    q.sum().backward()
    tq.sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    np.testing.assert_array_equal(y.grad.data, ty.grad.numpy())
    big, d = [2 ** 62 + 1, -7, 7, -9], [1, 2, -2, 3]
    np.testing.assert_array_equal(A.div(A.tensor(big), A.tensor(d), rounding_mode=mode).data,
                                  torch.div(torch.tensor(big), torch.tensor(d),
                                            rounding_mode=mode).numpy())


def test_integer_division_by_zero_raises():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        A.tensor([1, 2]) // 0


_R = np.random.RandomState(0)


@pytest.mark.parametrize("array", [
    np.arange(2000), np.arange(2000.0) / 7, np.arange(3000).reshape(30, 100),
    _R.randn(4, 30), _R.randn(2, 3, 4), np.array([-0.0, 1.0]), np.array([1e20, -1e-20]),
    np.array([np.nan, 1.0, np.inf]), _R.randn(50) * 1e5, np.zeros((2, 0), dtype=np.int64),
    np.array([True, False]), _R.rand(3, 2).astype(np.float16)], ids=lambda a: str(a.shape))
def test_repr_matches_torch_for_summarized_and_wrapped_tensors(array):
    dtype = torch.float32 if array.dtype == np.float64 else None
    ours = repr(A.tensor(array, dtype=A.float32 if dtype else None))
    theirs = repr(torch.tensor(array, dtype=dtype)).replace("torch.", "autograd.")
    assert ours == theirs


def test_set_printoptions_profile_and_options_match_torch():
    values = [[1.23456, 2.5, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]]
    try:
        for options in ({"profile": "short"}, {"precision": 2, "threshold": 5, "edgeitems": 1},
                        {"linewidth": 30}, {"sci_mode": True}):
            A.set_printoptions(**options)
            torch.set_printoptions(**options)
            assert repr(A.tensor(values)) == repr(torch.tensor(values))
            A.set_printoptions(profile="default")
            torch.set_printoptions(profile="default")
    finally:
        A.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    assert repr(A.tensor([1.23456])) == "tensor([1.2346])"


@pytest.mark.parametrize("call, message", [
    (lambda: A.device("tpu"), "Expected one of cpu"),
    (lambda: A.tensor(1.0).unbind(), "no dimensions"),
    (lambda: A.linspace(0, 1, -1), "non-negative"),
    (lambda: A.rand(2, dtype=A.int64), "floating-point dtype"),
    (lambda: A.rand_like(A.ones(2, dtype=A.int32)), "floating-point dtype")])
def test_factory_and_device_errors(call, message):
    with pytest.raises((RuntimeError, IndexError), match=message):
        call()


_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def test_promote_types_and_can_cast_match_torch():
    for a in _DTYPES:
        for b in _DTYPES:
            assert A.promote_types(getattr(A, a), getattr(A, b)).name == \
                str(torch.promote_types(getattr(torch, a), getattr(torch, b)))[6:], (a, b)
            assert A.can_cast(getattr(A, a), getattr(A, b)) == \
                torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)


def test_finfo_iinfo_match_torch():
    for name in ["float16", "float32", "float64"]:
        ours, theirs = A.finfo(getattr(A, name)), torch.finfo(getattr(torch, name))
        for key in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution",
                    "dtype"]:
            assert getattr(ours, key) == getattr(theirs, key), (name, key)
    for name in ["int8", "int16", "int32", "int64", "uint8"]:
        ours, theirs = A.iinfo(getattr(A, name)), torch.iinfo(getattr(torch, name))
        assert (ours.bits, ours.max, ours.min, ours.dtype) == \
            (theirs.bits, theirs.max, theirs.min, theirs.dtype)
    assert A.finfo().dtype == "float32"


def test_where_of_two_numbers_has_the_default_dtype():
    assert A.where(A.tensor([True, False]), 1.0, 0.0).dtype == A.float32
    assert A.where(A.tensor([True, False]), 1, 0).dtype == A.int64


@pytest.mark.parametrize("call", [
    "x.view(size=(12,))", "x.reshape(shape=(12,))", "lib.reshape(x, shape=(12,))",
    "x.permute(dims=(1, 0))", "lib.permute(x, dims=(1, 0))", "x[:, :1].expand(size=(3, 5))",
    "x.repeat(repeats=(1, 2))", "x.flip(dims=(0,))", "lib.flip(x, dims=(0,))",
    "lib.broadcast_to(x, size=(2, 3, 4))", "x.split(split_size=3)",
    "lib.split(x, split_size_or_sections=[1, 3], dim=1)", "lib.dot(x[0], tensor=x[1])",
    "x.transpose(dim0=0, dim1=1)", "lib.chunk(x, chunks=2, dim=1)",
    "x.movedim(source=0, destination=1)", "x.narrow(dim=1, start=1, length=2)",
    "lib.mm(x, mat2=x.T)", "lib.outer(x[0], vec2=x[1])", "lib.mv(x, vec=x[0])",
    "lib.where(condition=x > 0, input=x, other=x * 2)", "x.unflatten(dim=1, sizes=(2, 2))",
    "lib.cat(tensors=[x, x], dim=0)", "lib.take(x, index=lib.tensor([0, 5]))"])
def test_pytorch_keyword_names_are_accepted(call):
    data = np.arange(12.0).reshape(3, 4)

    def run(lib):
        out = eval(call, {"lib": lib, "x": lib.tensor(data)})  # noqa: S307 - fixed strings
        outs = out if isinstance(out, tuple) else (out,)
        return [np.asarray(o.numpy()) for o in outs]

    for o, t in zip(run(A), run(torch)):
        np.testing.assert_array_equal(o, t)


@pytest.mark.parametrize("index", [
    lambda lib: lib.tensor([1, 0, 1], dtype=lib.uint8),  # a byte tensor is a mask
    lambda lib: lib.tensor([0, 2], dtype=lib.int32), lambda lib: lib.tensor(1),
    lambda lib: [], lambda lib: (None, lib.tensor([True, False, True]))])
def test_index_dtypes_match_torch(index):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch deprecates byte masks
        theirs = torch.arange(12.0).reshape(3, 4)[index(torch)]
    ours = A.arange(12.0).reshape(3, 4)[index(A)]
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_index_and_setitem_errors_match_torch_types():
    x = A.arange(12.0).reshape(3, 4)
    with pytest.raises(IndexError, match="long, int, byte or bool"):
        x[A.tensor([0, 1], dtype=A.int8)]
    with pytest.raises(RuntimeError, match=r"shape \(5,\) to an index of tensor of shape"):
        x[0] = A.ones(5)


def test_grad_is_grads_batched_says_unsupported():
    x = A.ones(2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="vmap"):
        A.grad(x * 2, x, A.ones(3, 2), is_grads_batched=True)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.neg(t), lambda lib, t: -t, lambda lib, t: lib.abs(t),
    lambda lib, t: lib.sign(t), lambda lib, t: lib.floor(t), lambda lib, t: lib.ceil(t),
    lambda lib, t: lib.trunc(t), lambda lib, t: lib.frac(t), lambda lib, t: lib.round(t),
    lambda lib, t: lib.relu(t), lambda lib, t: lib.square(t), lambda lib, t: t - t,
    lambda lib, t: t - True, lambda lib, t: True - t.float(), lambda lib, t: t.float() - True,
    lambda lib, t: lib.sub(t.float(), t), lambda lib, t: t + t, lambda lib, t: t * t])
def test_bool_tensors_follow_torch(call):
    def run(lib):
        try:
            out = call(lib, lib.tensor([True, False]))
            return str(out.dtype).split(".")[-1], out.tolist()
        except Exception as error:  # noqa: BLE001 - the type is what is compared
            return type(error).__name__
    assert run(A) == run(torch)


@pytest.mark.parametrize("expr", ["x1.H", "x3.H", "x1.mT", "x1.mH", "x2.H", "x3.mT", "x3.mH"])
def test_matrix_transposes_follow_torch(expr):
    def run(lib):
        env = {"x1": lib.ones(3), "x2": lib.ones(2, 3), "x3": lib.ones(2, 3, 4)}
        try:
            return tuple(eval(expr, env).shape)  # noqa: S307 - fixed strings
        except RuntimeError:
            return "RuntimeError"
    assert run(A) == run(torch)


@pytest.mark.parametrize("call", [
    lambda lib, a, b: a @ b, lambda lib, a, b: lib.mm(a, b), lambda lib, a, b: lib.matmul(a, b),
    lambda lib, a, b: lib.bmm(a.unsqueeze(0), b.unsqueeze(0)),
    lambda lib, a, b: lib.dot(a[0], b[0])])
def test_matrix_products_of_bool_tensors_are_refused_as_in_torch(call):
    ours = A.ones(2, 2, dtype=A.bool)
    theirs = torch.ones(2, 2, dtype=torch.bool)
    with pytest.raises(NotImplementedError) as expected:
        call(torch, theirs, theirs)
    with pytest.raises(NotImplementedError, match="Bool") as got:
        call(A, ours, ours)
    assert type(got.value) is type(expected.value)


@pytest.mark.parametrize("equation", ["ij,jk->ik", "i,i->"])
def test_einsum_of_mixed_dtypes_is_refused_as_in_torch(equation):
    a64, b32 = np.ones((2, 2)), np.ones((2, 2), np.float32)
    if equation == "i,i->":
        a64, b32 = a64[0], b32[0]
    with pytest.raises(RuntimeError):
        torch.einsum(equation, torch.tensor(a64), torch.tensor(b32))
    with pytest.raises(RuntimeError, match="same dtype.*float64.*float32"):
        A.einsum(equation, A.tensor(a64), A.tensor(b32))
    # one dtype: fine, and the result keeps it
    assert A.einsum(equation, A.tensor(b32), A.tensor(b32)).dtype == A.float32


_EDGES = [[1.0, 1.0, 0.0], [float("nan"), 1.0], [1.0, float("nan"), float("nan")], [0.0, -0.0],
          [2.0, 2.0], [-1.0, float("inf")]]


def _same(a, b):
    np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


@pytest.mark.parametrize("values", _EDGES)
@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_max_min_reductions_at_ties_and_nan_match_torch(name, values):
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    a = A.tensor(values, dtype=A.float64, requires_grad=True)
    getattr(t, name)().backward()
    getattr(a, name)().backward()
    _same(a.grad.tolist(), t.grad.tolist())


@pytest.mark.parametrize("values", _EDGES)
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_at_ties_and_nan_match_torch(name, values):
    t, u = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
            for v in (values, values[::-1]))
    a, b = (A.tensor(v, dtype=A.float64, requires_grad=True) for v in (values, values[::-1]))
    getattr(torch, name)(t, u).sum().backward()
    getattr(A, name)(a, b).sum().backward()
    _same(a.grad.tolist(), t.grad.tolist())
    _same(b.grad.tolist(), u.grad.tolist())


def test_sign_and_abs_at_nan_and_zeros_match_torch():
    values = [0.0, -0.0, float("nan"), 1.0, float("inf"), -2.0]
    for name in ["sign", "abs"]:
        t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        a = A.tensor(values, dtype=A.float64, requires_grad=True)
        r, q = getattr(t, name)(), getattr(a, name)()
        _same(q.tolist(), r.tolist())
        r.sum().backward()
        q.sum().backward()
        _same(a.grad.tolist(), t.grad.tolist())
