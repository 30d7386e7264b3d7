"""Tensor construction, attributes, dtypes and promotion, repr, factories and errors, with
PyTorch as the oracle where it can be imported."""
import numpy as np
import pytest

import autograd as A

torch = pytest.importorskip("torch")


def torch_dtype_name(t):
    return str(t.dtype).replace("torch.", "")


@pytest.mark.parametrize("data", [1.5, 3, True, [1.0, 2.0], [[1, 2], [3, 4]], [True, False],
                                  [], [[1.5]], np.arange(6, dtype=np.float64).reshape(2, 3),
                                  np.array([1, 2], dtype=np.int32)])
def test_tensor_infers_dtype_and_shape_like_torch(data):
    a, t = A.tensor(data), torch.tensor(data)
    assert a.dtype.name == torch_dtype_name(t)
    assert tuple(a.shape) == tuple(t.shape)
    np.testing.assert_array_equal(a.numpy(), t.numpy())


@pytest.mark.parametrize("data, kwargs", [
    ([1.0, 2.5, 3.0], {}), ([1.0, 2.0], {}), (3.0, {}), ([1, 2, 3], {}), ([True, False], {}),
    ([[1.0, -2.0], [3.25, 4.0]], {}), ([1.0, 2.0], {"dtype": "float64"}),
    ([1.0, 2.0], {"requires_grad": True}), ([1e-5, 1.0], {}), ([1e9, 1.0], {}),
    ([float("nan"), float("inf"), 1.0], {}), ([1, 2], {"dtype": "int32"}), (2.5, {"dtype": "float64"}),
])
def test_repr_matches_torch(data, kwargs):
    dt = kwargs.get("dtype")
    a = A.tensor(data, dtype=getattr(A, dt) if dt else None,
                 requires_grad=kwargs.get("requires_grad", False))
    t = torch.tensor(data, dtype=getattr(torch, dt) if dt else None,
                     requires_grad=kwargs.get("requires_grad", False))
    assert repr(a).replace("autograd.", "torch.") == repr(t)


def test_repr_with_grad_fn_matches_torch():
    a = A.tensor([1.0, 2.0], requires_grad=True) * 2
    t = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    assert repr(a) == repr(t)


A_ = lambda v, d: A.tensor(v, dtype=getattr(A, d))  # noqa: E731
T_ = lambda v, d: torch.tensor(v, dtype=getattr(torch, d))  # noqa: E731


@pytest.mark.parametrize("da, db", [("float32", "float64"), ("int64", "float32"),
                                    ("int32", "int64"), ("bool", "int64"), ("uint8", "int8"),
                                    ("float16", "float32"), ("bool", "float16"),
                                    ("int16", "float64")])
def test_tensor_tensor_promotion_matches_torch(da, db):
    for sa, sb in (([1, 2], [3, 4]), ([1, 2], 3), (1, [3, 4])):
        a, b = A_(sa, da), A_(sb, db)
        t = T_(sa, da) + T_(sb, db)
        assert (a + b).dtype.name == torch_dtype_name(t), (sa, sb)
        assert (a * b).dtype.name == torch_dtype_name(T_(sa, da) * T_(sb, db))


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_python_scalar_promotion_matches_torch(dt, scalar):
    a, t = A_([1, 0], dt), T_([1, 0], dt)
    assert (a + scalar).dtype.name == torch_dtype_name(t + scalar)
    assert (a * scalar).dtype.name == torch_dtype_name(t * scalar)
    assert (scalar * a).dtype.name == torch_dtype_name(scalar * t)
    assert (a / 2).dtype.name == torch_dtype_name(t / 2)


def test_attributes_and_conversions():
    x = A.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.shape == (2, 3) and x.size() == (2, 3) and x.size(-1) == 3 and x.dim() == 2
    assert x.ndim == 2 and x.numel() == 6 and len(x) == 2
    assert repr(x.shape) == "autograd.Size([2, 3])"
    assert x.T.shape == (3, 2) and x.mT.shape == (3, 2)
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert x[1, 2].item() == 6.0 and isinstance(x.sum().item(), float)
    assert x.double().dtype == A.float64 and x.long().dtype == A.int64
    assert x.int().dtype == A.int32 and x.bool().dtype == A.bool and x.half().dtype == A.float16
    assert x.to(A.float64).dtype == A.float64 and x.type_as(A.tensor([1])).dtype == A.int64
    assert x.to("cpu") is x and x.device == A.device("cpu") and str(x.device) == "cpu"
    assert [r.tolist() for r in x] == x.tolist()
    assert x.is_leaf and not x.requires_grad and x.grad_fn is None
    y = x.t()
    assert not y.is_contiguous() and y.contiguous().is_contiguous()
    c = x.clone()
    c[0, 0] = 100
    assert x[0, 0].item() == 1.0
    d = x.detach()
    d[0, 0] = 7
    assert x[0, 0].item() == 7.0  # detach shares memory


def test_numpy_on_requires_grad_tensor_says_detach():
    with pytest.raises(RuntimeError, match="detach"):
        A.tensor([1.0], requires_grad=True).numpy()


def test_item_on_many_elements_explains():
    with pytest.raises(RuntimeError, match="exactly one element"):
        A.tensor([1.0, 2.0]).item()


def test_cuda_is_not_available_and_says_so():
    assert A.cuda.is_available() is False
    with pytest.raises(RuntimeError, match="cpu"):
        A.tensor([1.0]).to("cuda")


def test_default_dtype():
    A.set_default_dtype(A.float64)
    try:
        assert A.tensor([1.0]).dtype == A.float64 and A.zeros(2).dtype == A.float64
        assert (A.tensor([1, 2]) * 0.5).dtype == A.float64
    finally:
        A.set_default_dtype(A.float32)
    with pytest.raises(TypeError):
        A.set_default_dtype(A.int64)


def test_factories_shapes_dtypes():
    assert A.zeros(2, 3).shape == (2, 3) and A.zeros((2, 3)).dtype == A.float32
    assert A.ones(4, dtype=A.int64).tolist() == [1, 1, 1, 1]
    assert A.full((2,), 7).dtype == A.int64 and A.full((2,), 7.0).dtype == A.float32
    assert A.arange(5).tolist() == list(range(5)) and A.arange(5).dtype == A.int64
    assert A.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    np.testing.assert_allclose(A.linspace(0, 1, 5).numpy(), torch.linspace(0, 1, 5).numpy())
    assert A.eye(3).tolist() == torch.eye(3).tolist()
    assert A.zeros_like(A.ones(2, 2, dtype=A.float64)).dtype == A.float64
    assert A.randint(0, 10, (100,)).dtype == A.int64
    assert sorted(A.randperm(10).tolist()) == list(range(10))
    assert A.rand(3, 4).shape == (3, 4) and A.randn_like(A.zeros(2)).shape == (2,)
    arr = np.zeros(3)
    t = A.from_numpy(arr)
    arr[0] = 5
    assert t[0].item() == 5.0
    with pytest.raises(RuntimeError, match="negative dimension"):
        A.zeros(-1)


def test_manual_seed_reproduces_everything_random():
    A.manual_seed(123)
    a = (A.rand(3), A.randn(3), A.randint(0, 100, (3,)), A.randperm(5))
    A.manual_seed(123)
    b = (A.rand(3), A.randn(3), A.randint(0, 100, (3,)), A.randperm(5))
    for x, y in zip(a, b):
        assert x.tolist() == y.tolist()
    g = A.Generator().manual_seed(5)
    state = g.get_state()
    first = A.rand(4, generator=g)
    g.set_state(state)
    assert A.rand(4, generator=g).tolist() == first.tolist()


def test_broadcast_error_names_both_shapes_and_dim():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of "
                                           r"tensor b \(4\) at non-singleton dimension 1"):
        A.zeros(2, 3) + A.zeros(2, 4)


def test_matmul_error_names_shapes():
    with pytest.raises(RuntimeError, match=r"4x3 and 5x2"):
        A.zeros(4, 3) @ A.zeros(5, 2)


def test_index_error_names_index_and_size():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        A.zeros(3)[5]


def test_grad_assignment_checks_shape():
    x = A.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="shape"):
        x.grad = A.zeros(4)


def test_deepcopy_keeps_dtype_grad_and_leafness():
    import copy
    for dt in (A.float64, A.int64, A.float16, A.bool):
        assert copy.deepcopy(A.zeros(2, dtype=dt)).dtype == dt
    x = A.ones(2, dtype=A.float64, requires_grad=True)
    x.grad = A.ones(2, dtype=A.float64)
    y = copy.deepcopy(x)
    assert y.requires_grad and y.is_leaf and y.grad.dtype == A.float64
    y.data[0] = 5
    assert x.data[0] == 1 and y._base is None
