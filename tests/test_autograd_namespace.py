"""`autograd.autograd` is `torch.autograd`: a PyTorch program that spells `torch.autograd.X`
runs with `import torch` changed to `import autograd`."""
import numpy as np
import pytest

import autograd

torch = pytest.importorskip("torch")

NAMES = ["backward", "grad", "Function", "gradcheck", "gradgradcheck", "detect_anomaly",
         "set_detect_anomaly", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode"]


@pytest.mark.parametrize("name", NAMES)
def test_torch_autograd_names_resolve_to_glassgrads_objects(name):
    assert hasattr(torch.autograd, name)
    assert getattr(autograd.autograd, name) is getattr(autograd, name)


def test_submodules_as_torch_spells_them():
    assert autograd.autograd.function.once_differentiable is autograd.once_differentiable
    assert callable(autograd.autograd.graph.increment_version)


def _program(torch_like):
    """The same PyTorch-style program, run on either library."""
    class Cube(torch_like.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * g

    x = torch_like.tensor([0.5, -1.0, 2.0], dtype=torch_like.float64, requires_grad=True)
    y = Cube.apply(x).sum()
    (g,) = torch_like.autograd.grad(y, x, create_graph=True)
    (h,) = torch_like.autograd.grad(g.sum(), x)
    return g.detach().numpy(), h.numpy()


def test_a_pytorch_program_runs_with_its_import_changed():
    for ours, theirs in zip(_program(autograd), _program(torch)):
        np.testing.assert_allclose(ours, theirs)
