"""`Tensor.norm(p)` for a general p (not 0, 1, 2 or +-inf) against PyTorch: values and
gradients, including the zero vector and zero entries (where the composite
`sum(|x|^p) ** (1/p)` gave NaN gradients and divide-by-zero warnings; PyTorch gives 0), and
finite-difference checks of first and second derivatives away from the kinks."""
import warnings

import numpy as np
import pytest
import torch

import autograd
import nn.functional as F

P_VALUES = [3.5, 3, 1.5, 0.5, 0.3, -1.0, -2.5]
INPUTS = {
    "zeros": np.zeros((2, 3)),
    "some zeros": np.array([[0.0, 1.0, -2.0], [0.0, 0.0, 0.5]]),
    "a zero row": np.array([[0.0, 0.0, 0.0], [1.5, -0.25, 2.0]]),
    "empty": np.zeros((2, 0)),
}


def _ours_and_torch(values, p, dim, keepdim, dtype):
    weights = np.arange(1.0, 1.0 + np.prod(np.sum(values, axis=dim, keepdims=keepdim).shape))
    x = autograd.tensor(values, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divide-by-zero or invalid-value warning
        y = x.norm(p, dim, keepdim=keepdim)
        (y * autograd.tensor(weights.reshape(y.shape), dtype=dtype)).sum().backward()
    xt = torch.tensor(values, dtype=getattr(torch, dtype.name), requires_grad=True)
    yt = xt.norm(p, dim, keepdim=keepdim)
    (yt * torch.tensor(weights.reshape(yt.shape), dtype=xt.dtype)).sum().backward()
    return (y, x.grad), (yt, xt.grad)


@pytest.mark.parametrize("dtype", [autograd.float64, autograd.float32], ids=str)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (0, True)])
@pytest.mark.parametrize("name", INPUTS)
@pytest.mark.parametrize("p", P_VALUES)
def test_norm_and_its_gradient_match_torch_at_zeros(p, name, dim, keepdim, dtype):
    if p < 0 and INPUTS[name].size == 0 and dim != 0:  # torch: no identity to return
        with pytest.raises(RuntimeError, match=f"cannot compute the {p} norm over"):
            autograd.tensor(INPUTS[name]).norm(p, dim, keepdim=keepdim)
        return
    (y, g), (yt, gt) = _ours_and_torch(INPUTS[name], p, dim, keepdim, dtype)
    tol = 1e-12 if dtype == autograd.float64 else 1e-5
    assert y.shape == tuple(yt.shape) and y.dtype == dtype
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    assert not np.isnan(g.numpy()).any()
    np.testing.assert_allclose(g.numpy(), gt.numpy(), rtol=tol, atol=tol)


def test_zero_vector_gradient_is_zero_and_the_node_is_named_as_torch():
    x = autograd.zeros(4, requires_grad=True)
    y = x.norm(3.5)
    assert y.grad_fn.name() == torch.zeros(4, requires_grad=True).norm(3.5).grad_fn.name()
    y.backward()
    assert x.grad.numpy().tolist() == [0.0] * 4


@pytest.mark.parametrize("p", P_VALUES)
def test_gradcheck_and_gradgradcheck_away_from_zero(p):
    rng = np.random.default_rng(7)
    values = rng.uniform(0.5, 2.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    for dim, keepdim in [(None, False), (1, True), (0, False)]:
        x = autograd.tensor(values, dtype=autograd.float64, requires_grad=True)
        assert autograd.gradcheck(lambda t: t.norm(p, dim, keepdim=keepdim), (x,))
        assert autograd.gradgradcheck(lambda t: t.norm(p, dim, keepdim=keepdim), (x,))


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3.5, float("inf")])
def test_pdist_with_equal_rows_matches_torch(p):
    rows = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0, 3.0, -1.0], [1.0, 1.0, 5.0]])
    x = autograd.tensor(rows, requires_grad=True)
    xt = torch.tensor(rows, requires_grad=True)
    y, yt = F.pdist(x, p), torch.nn.functional.pdist(xt, p)
    (y * autograd.arange(1.0, 7.0, dtype=autograd.float64)).sum().backward()
    (yt * torch.arange(1.0, 7.0, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
