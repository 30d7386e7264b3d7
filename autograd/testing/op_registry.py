"""The registry of autograd's differentiable public ops, each with its argument strategy.

An entry (`OpSpec`) says how to call the op on a library (`call(lib, *args)`, where `lib`
is `autograd` or `torch`, so the same call serves the property test and the parity test),
which public name it covers (`op`), the strategy drawing its argument tuples, and which
checks apply. Several entries may cover one name (`max` over all, along a dim, of two
tensors). `tests/test_ops_property.py` runs `check_op` over every entry and fails when a
differentiable public op has none; `tests/test_ops_parity.py` compares with PyTorch.

Elements keep away from kinks and domain edges (`away_from`, `positive`, `within`); the
rest of the op's domain (broadcast shapes, 0-d, empty and non-contiguous tensors) is drawn.
"""
import math
from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import strategies as st

from .cases import SPACED, along_dim, binary, bool_mask, reduction, ternary, unary
from .check_op import ALL_CHECKS
from .strategies import away_from, finite, positive, shapes, tensors, within

__all__ = ["OpSpec", "REGISTRY", "register", "registry_params"]


@dataclass(frozen=True)
class OpSpec:
    """One property-tested use of a public op."""
    name: str                       # unique key, e.g. "max[dim]"
    op: str                         # the public name it covers, e.g. "max"
    call: Callable                  # call(lib, *args) -> tensor or tuple of tensors
    args: Any                       # strategy of argument tuples
    checks: tuple = ALL_CHECKS
    torch_call: Callable = None     # PyTorch's spelling when it differs from `call`
    parity: bool = True             # compare with PyTorch in tests/test_ops_parity.py
    known_bug: str = ""             # a reported bug of the op this entry finds: its property
                                    # test is expected to fail (xfail, strict) until fixed
    notes: str = field(default="", compare=False)


REGISTRY = {}


def register(name, call, args, *, op=None, registry=None, **options):
    """Add an entry to `registry` (default `REGISTRY`); `op` defaults to the part of `name`
    before '['."""
    registry = REGISTRY if registry is None else registry
    if name in registry:
        raise ValueError(f"op registry: duplicate entry {name!r}")
    registry[name] = OpSpec(name=name, op=op or name.split("[")[0], call=call, args=args,
                            **options)


def registry_params(registry):
    """The names of `registry`'s entries as pytest params for its property test, sorted; an
    entry that finds a reported bug of its op (`known_bug`) is expected to fail, strictly:
    once the op is fixed the suite says so, and the entry's known_bug is removed."""
    import pytest
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=spec.known_bug))
            if spec.known_bug else name for name, spec in sorted(registry.items())]


def _method(name, *extra):
    return lambda lib, x: getattr(x, name)(*extra)


# ------------------------------------------------------------------ elementwise
_NONZERO = away_from(0)
_INTEGERS = away_from(*range(-3, 4), margin=0.05)
_HALVES = away_from(*[k + 0.5 for k in range(-4, 4)], margin=0.05)
_ELEMENTWISE = {
    "neg": None, "abs": _NONZERO, "sign": _NONZERO, "exp": None, "exp2": None,
    "expm1": None, "log": positive(), "log2": positive(), "log10": positive(),
    "log1p": finite(-0.9, 3), "sqrt": positive(), "rsqrt": positive(),
    "reciprocal": _NONZERO, "square": None, "sin": None, "cos": None,
    "tan": within(-math.pi / 2, math.pi / 2, margin=0.3), "tanh": None, "sinh": None,
    "cosh": None, "asin": within(-1, 1), "acos": within(-1, 1), "atan": None, "sigmoid": None,
    "relu": _NONZERO, "erf": None, "floor": _INTEGERS, "ceil": _INTEGERS, "round": _HALVES,
    "trunc": _INTEGERS, "frac": _INTEGERS, "clone": None, "positive": None, "nan_to_num": None,
}
for _name, _elements in _ELEMENTWISE.items():
    register(_name, (lambda n: lambda lib, x: getattr(lib, n)(x))(_name), unary(_elements))
register("cast", lambda lib, x: x.to(lib.float64, copy=True), unary())

# ------------------------------------------------------------------ binary
for _name, _a, _b in [("add", None, None), ("sub", None, None), ("mul", None, None),
                      ("div", None, _NONZERO), ("pow", positive(), None),
                      ("maximum", None, None), ("minimum", None, None),
                      ("atan2", None, _NONZERO), ("remainder", None, away_from(0, margin=0.5)),
                      ("fmod", None, away_from(0, margin=0.5)), ("fmax", None, None),
                      ("fmin", None, None), ("rsub", None, None), ("hypot", _NONZERO, None),
                      ("xlogy", _NONZERO, positive()), ("logaddexp", None, None)]:
    register(_name, (lambda n: lambda lib, a, b: getattr(lib, n)(a, b))(_name), binary(_a, _b))
register("add[alpha]", lambda lib, a, b: lib.add(a, b, alpha=2.5), binary())
register("sub[alpha]", lambda lib, a, b: lib.sub(a, b, alpha=-1.5), binary())
register("pow[scalar_exponent]", lambda lib, x, p: x ** p,
         st.tuples(tensors(elements=positive()), st.sampled_from([2, 3, 0.5, -1.5, 0])))
register("pow[scalar_base]", lambda lib, x: 2.5 ** x, unary())
register("pow[integer_exponent]", lambda lib, x, p: lib.pow(x, p),
         st.tuples(tensors(), st.sampled_from([1, 2, 3])))
register("where", lambda lib, c, a, b: lib.where(c, a, b),
         binary().flatmap(lambda ab: st.tuples(bool_mask(ab[0].shape), st.just(ab[0]),
                                               st.just(ab[1]))))
register("lerp", lambda lib, a, b, w: lib.lerp(a, b, w), ternary())
register("lerp[scalar_weight]", lambda lib, a, b: lib.lerp(a, b, 0.3), binary(),
         op="lerp")
register("clamp", lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
         st.tuples(tensors(elements=away_from(-1, 1, margin=0.05)),
                   st.sampled_from([-1.0, None]), st.sampled_from([1.0, None])).filter(
             lambda a: a[1] is not None or a[2] is not None))
register("clamp[tensor_bounds]", lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
         ternary(away_from(-1, 1, margin=0.05), finite(-3, -1.1), finite(1.1, 3)))

# ------------------------------------------------------------------ reductions
register("sum", lambda lib, x, d, k: x.sum(d, keepdim=k), reduction())
register("mean", lambda lib, x, d, k: x.mean(d, keepdim=k), reduction())
register("mean[empty]", lambda lib, x, d, k: x.mean(d, keepdim=k),
         reduction(allow_empty=True).filter(lambda a: a[0].numel() == 0))
register("nansum", lambda lib, x, d, k: lib.nansum(x, d, keepdim=k), reduction())
# exact zeros (the hard case for prod and cumprod) but no tiny numbers: their y / x formula
# loses all digits of the second derivative to cancellation below ~1e-20
_ZERO_OR_NOT_TINY = st.just(0.0) | away_from(0)
register("prod", lambda lib, x: x.prod(), unary(_ZERO_OR_NOT_TINY, allow_empty=False))
register("prod[dim]", lambda lib, x, d, k: x.prod(d, keepdim=k),
         reduction(_ZERO_OR_NOT_TINY, allow_tuple=False, allow_none=False))
register("max", lambda lib, x: x.max(), unary(allow_empty=False))
register("max[dim]", lambda lib, x, d, k: x.max(d, keepdim=k),
         reduction(allow_tuple=False, allow_none=False))
register("max[binary]", lambda lib, a, b: lib.max(a, b), binary())
register("min", lambda lib, x: x.min(), unary(allow_empty=False))
register("min[dim]", lambda lib, x, d, k: x.min(d, keepdim=k),
         reduction(allow_tuple=False, allow_none=False))
register("amax", lambda lib, x, d, k: x.amax(() if d is None else d, keepdim=k),
         reduction())
register("amin", lambda lib, x, d, k: x.amin(() if d is None else d, keepdim=k),
         reduction())
register("aminmax", lambda lib, x, d, k: tuple(lib.aminmax(x, dim=d, keepdim=k)),
         reduction(allow_tuple=False))
for _name in ("var", "std", "var_mean", "std_mean"):
    register(_name, (lambda n: lambda lib, x, d, k, c: getattr(lib, n)(
        x, d, keepdim=k, correction=c))(_name),
        st.tuples(tensors(shape=shapes(min_dims=1, min_side=2), unique=True, elements=SPACED))
        .flatmap(lambda t: st.tuples(st.just(t[0]), st.none() | st.integers(-t[0].ndim,
                                                                             t[0].ndim - 1),
                                     st.booleans(), st.sampled_from([0, 1]))))
register("norm", lambda lib, x, p, d, k: lib.norm(x, p, d, keepdim=k),
         reduction(_NONZERO).flatmap(lambda a: st.tuples(
             st.just(a[0]), st.sampled_from(["fro", 2, 1, 3, 0, math.inf, -math.inf]),
             st.just(a[1]), st.just(a[2]))))
register("logsumexp", lambda lib, x, d, k: x.logsumexp(d, keepdim=k),
         reduction(allow_none=False))
register("cumsum", lambda lib, x, d: x.cumsum(d), along_dim(min_dims=0))
register("cumprod", lambda lib, x, d: x.cumprod(d), along_dim(_ZERO_OR_NOT_TINY, min_dims=0))
register("softmax", lambda lib, x, d: x.softmax(d), along_dim(min_dims=0))
register("log_softmax", lambda lib, x, d: x.log_softmax(d), along_dim(min_dims=0))


@st.composite
def _sum_to_size_args(draw):
    shape = draw(shapes(min_dims=0, max_dims=3))
    lead = draw(st.integers(0, len(shape)))
    size = tuple(1 if draw(st.booleans()) else s for s in shape[lead:])
    return (draw(tensors(shape=shape)), size)


register("sum_to_size", lambda lib, x, s: x.sum_to_size(s), _sum_to_size_args())


# the remaining families: movement, indexing, linear algebra; then Tensor's methods and
# operators (built on the entries above)
from . import op_registry_movement  # noqa: E402,F401
from . import op_registry_methods  # noqa: E402,F401
