"""Parity of nn.functional with PyTorch 2.13's torch.nn.functional on the same drawn inputs
(every entry of autograd.testing.nn_registry with `parity`): values, output dtypes, shapes,
requires_grad, gradients, and the kind of error raised; plus invalid inputs that both must
refuse with the same kind of error."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd.testing import examples, tensors
from autograd.testing.nn_registry import NN_REGISTRY
from autograd.testing.torch_parity import compare_with_torch, error_kind, run, to_torch

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.mark.parametrize("name", sorted(n for n, spec in NN_REGISTRY.items() if spec.parity))
def test_matches_torch(name):
    spec = NN_REGISTRY[name]

    @settings(max_examples=examples(8), deadline=None)
    @given(spec.args)
    def compare(args):
        compare_with_torch(name, spec.call, spec.torch_call or spec.call, args, libs=(F, TF),
                           torch=torch, rtol=1e-7, atol=1e-10)

    compare()


def _t(*shape):
    return tensors(shape=shape)


# invalid inputs: (strategy of argument tuples, call(F, *args)) that PyTorch refuses
_INVALID = {
    "linear[shapes]": (st.tuples(_t(2, 3), _t(4, 2)), lambda F, x, w: F.linear(x, w)),
    "conv2d[channels]": (st.tuples(_t(1, 3, 4, 4), _t(2, 2, 3, 3)),
                         lambda F, x, w: F.conv2d(x, w)),
    "conv2d[kernel_too_big]": (st.tuples(_t(1, 1, 2, 2), _t(1, 1, 3, 3)),
                               lambda F, x, w: F.conv2d(x, w)),
    "conv1d[rank]": (st.tuples(_t(3, 4, 5, 6), _t(2, 4, 3)), lambda F, x, w: F.conv1d(x, w)),
    "max_pool2d[padding]": (st.tuples(_t(1, 1, 4, 4)),
                            lambda F, x: F.max_pool2d(x, 2, padding=2)),
    "layer_norm[shape]": (st.tuples(_t(2, 3)), lambda F, x: F.layer_norm(x, (2,))),
    "group_norm[groups]": (st.tuples(_t(2, 3, 4)), lambda F, x: F.group_norm(x, 2)),
    "batch_norm[eval_without_stats]": (st.tuples(_t(2, 3)),
                                       lambda F, x: F.batch_norm(x, None, None)),
    "batch_norm[one_value_per_channel]": (st.tuples(_t(1, 3)), lambda F, x: F.batch_norm(
        x, None, None, training=True)),
    "mse_loss[shapes]": (st.tuples(_t(2, 3), _t(3, 2)), lambda F, a, b: F.mse_loss(a, b)),
    "cross_entropy[class_out_of_range]": (st.tuples(_t(2, 3)), lambda F, x: F.cross_entropy(
        x, (x[:, 0] * 0 + 5).long())),
    "nll_loss[target_shape]": (st.tuples(_t(2, 3)), lambda F, x: F.nll_loss(
        x, (x[:1, 0] * 0).long())),
    "binary_cross_entropy[target_range]": (st.tuples(tensors(shape=(3,), elements=st.floats(
        0.1, 0.9))), lambda F, x: F.binary_cross_entropy(x, x * 0 + 2)),
    "softmax[dim]": (st.tuples(_t(2, 3)), lambda F, x: F.softmax(x, 2)),
    "glu[odd]": (st.tuples(_t(2, 3)), lambda F, x: F.glu(x, -1)),
    "pad[reflect_too_wide]": (st.tuples(_t(1, 2, 3)), lambda F, x: F.pad(x, (3, 3),
                                                                          mode="reflect")),
    "interpolate[mode_rank]": (st.tuples(_t(1, 1, 4)), lambda F, x: F.interpolate(
        x, scale_factor=2.0, mode="bilinear")),
    "pixel_shuffle[channels]": (st.tuples(_t(1, 3, 2, 2)),
                                lambda F, x: F.pixel_shuffle(x, 2)),
    "embedding[index_out_of_range]": (st.tuples(_t(3, 2)), lambda F, w: F.embedding(
        (w[:, 0] * 0 + 4).long(), w)),
    "dropout[p]": (st.tuples(_t(3)), lambda F, x: F.dropout(x, 1.5)),
    "prelu[weight_size]": (st.tuples(_t(2, 3), _t(2)), lambda F, x, w: F.prelu(x, w)),
}


_INVALID["pad[crop_beyond_size]"] = (st.tuples(_t(3)), lambda F, x: F.pad(x, (-2, -2)))
_INVALID["linear[1d_weight_with_bias]"] = (st.tuples(_t(2, 3), _t(3), _t()),
                                           lambda F, x, w, b: F.linear(x, w, b))


@pytest.mark.parametrize("name", sorted(_INVALID))
def test_invalid_inputs_raise_like_torch(name):
    strategy, call = _INVALID[name]

    @settings(max_examples=examples(3), deadline=None)
    @given(strategy)
    def compare(args):
        _, error = run(call, F, *args)
        _, terror = run(call, TF, *to_torch(tuple(args), torch))
        assert terror is not None, f"{name}: the drawn input is valid for PyTorch"
        assert error is not None, f"{name}: glassgrad accepted what PyTorch refuses " \
                                  f"({terror!r})"
        assert error_kind(error) == error_kind(terror), (
            f"{name}: glassgrad raised {error!r}, PyTorch raised {terror!r}")
        assert str(error), f"{name}: the error has no message"

    compare()


def test_float32_stays_float32_like_torch():
    """Output dtypes follow the input's dtype in float32 as well (PyTorch's rule)."""
    x = autograd.tensor(np.linspace(-2, 2, 12).reshape(1, 3, 4), dtype=autograd.float32)
    tx = torch.from_numpy(x.numpy().copy())
    for name, call in [("relu", lambda F, t: F.relu(t)), ("gelu", lambda F, t: F.gelu(t)),
                       ("softmax", lambda F, t: F.softmax(t, -1)),
                       ("layer_norm", lambda F, t: F.layer_norm(t, (4,))),
                       ("avg_pool1d", lambda F, t: F.avg_pool1d(t, 2)),
                       ("mse_loss", lambda F, t: F.mse_loss(t, t * 0.5)),
                       ("interpolate", lambda F, t: F.interpolate(t, scale_factor=2.0,
                                                                  mode="linear"))]:
        ours, theirs = call(F, x), call(TF, tx)
        assert ours.dtype.name == str(theirs.dtype).split(".")[-1], name
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=name)
