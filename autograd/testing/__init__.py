"""Property testing for gradients: hypothesis strategies, `check_op`, gradcheck and profiles.

    import autograd
    from autograd.testing import check_op, tensors, broadcastable_shapes, away_from

    def test_my_op():
        check_op(my_op, tensors(elements=away_from(0)))

- strategies: `tensors`, `shapes`, `broadcastable_shapes`, `axes`, `dims`, `indices`, and
  element strategies `finite`, `away_from`, `positive`, `negative`, `within`;
- `check_op(fn, *strategies)`: gradcheck, gradgradcheck, gradient shape/dtype and
  no-mutation checks on every drawn example;
- `gradcheck`, `gradgradcheck`, `GradcheckError`, `NonDifferentiablePointError`;
- `load_profile()`: the "ci" (deterministic, bounded) or "deep" hypothesis profile, chosen
  by $HYPOTHESIS_PROFILE;
- `torch_parity`: `compare_with_torch` and its helpers (values, dtypes, gradients and error
  kinds against PyTorch on the same inputs; PyTorch imported by the caller).

glassgrad's own registries of property-tested ops (one `OpSpec` per use of an op, with its
argument strategy): `op_registry.REGISTRY` (autograd's ops, Tensor's methods and operators)
and `nn_registry.NN_REGISTRY` (nn.functional, called with the functional module, so
autograd does not import nn).
"""
from ..gradcheck import GradcheckError, NonDifferentiablePointError, gradcheck, gradgradcheck
from .check_op import ALL_CHECKS, check_example, check_op
from .profiles import PROFILES, examples, load_profile, register_profiles
from .strategies import (away_from, axes, broadcastable_shapes, dims, finite, indices,
                         negative, positive, shapes, tensors, within)

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "NonDifferentiablePointError",
           "check_op", "check_example", "ALL_CHECKS", "PROFILES", "examples", "load_profile",
           "register_profiles", "away_from", "axes", "broadcastable_shapes", "dims", "finite",
           "indices", "negative", "positive", "shapes", "tensors", "within"]
