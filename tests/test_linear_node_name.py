"""nn.functional.linear's backward node is named as PyTorch's: AddmmBackward0 with a bias,
MmBackward0 without (2-D inputs; other ranks keep that one node, see `_Linear`), and the
forward view of autograd.viz still calls the op `linear`."""
import pytest
import torch

import autograd
import nn.functional as F
from autograd import viz


@pytest.mark.parametrize("bias", [True, False])
def test_2d_linear_node_is_named_as_torch(bias):
    w, b = autograd.randn(3, 4, requires_grad=True), autograd.randn(3, requires_grad=True)
    wt, bt = torch.randn(3, 4, requires_grad=True), torch.randn(3, requires_grad=True)
    for rows in (2, 1, 0):
        ours = F.linear(autograd.randn(rows, 4), w, b if bias else None).grad_fn.name()
        theirs = torch.nn.functional.linear(torch.randn(rows, 4), wt,
                                            bt if bias else None).grad_fn.name()
        assert ours == theirs == ("AddmmBackward0" if bias else "MmBackward0")


@pytest.mark.parametrize("shape", [(4,), (5, 2, 4)])
def test_other_ranks_keep_one_node_named_by_the_matrix_product(shape):
    w, b = autograd.randn(3, 4, requires_grad=True), autograd.randn(3, requires_grad=True)
    x = autograd.randn(*shape, requires_grad=True)
    assert F.linear(x, w, b).grad_fn.name() == "AddmmBackward0"
    assert F.linear(x, w).grad_fn.name() == "MmBackward0"


def test_forward_view_names_the_op_linear():
    w, b = autograd.randn(3, 4, requires_grad=True), autograd.randn(3, requires_grad=True)
    for y in (F.linear(autograd.randn(2, 4), w, b), F.linear(autograd.randn(2, 4), w)):
        graph = viz.build(y.sum(), view="forward")
        assert "linear" in {n.title for n in graph.nodes if n.kind == "op"}
