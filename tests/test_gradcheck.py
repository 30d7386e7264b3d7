"""Tests of the checker itself: gradcheck/gradgradcheck accept correct backwards, catch wrong
ones (a factor, a transpose, a missing broadcast reduction, a wrong second derivative), and
call a kink a kink."""
import warnings

import numpy as np
import pytest

import autograd
from autograd.testing import (GradcheckError, NonDifferentiablePointError, check_op,
                              gradcheck, gradgradcheck, positive, tensors)


def _t(values, requires_grad=True):
    return autograd.tensor(values, dtype=autograd.float64, requires_grad=requires_grad)


class Square(autograd.Function):
    """x^2 with a correct backward (and a differentiable one: 2 g x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * g * x


class SquareWrongFactor(Square):
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 3 * g * x


class MatVecTransposed(autograd.Function):
    """y = A x, with dA = g x^T but dx = A g (instead of A^T g)."""

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return a @ x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        return g.unsqueeze(1) * x.unsqueeze(0), a @ g


class AddNoReduction(autograd.Function):
    """a + b with b broadcast over rows, whose backward forgets to sum b's gradient."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g[0]


class CubeWrongSecondDerivative(autograd.Function):
    """x^3: first derivative right (3 x^2 g), but computed from a detached x, so the second
    derivative through it is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 3 * g * (x * x).detach()


def test_accepts_correct_backward_and_builtin_ops():
    x = _t([[0.3, -1.2], [2.0, 0.7]])
    assert gradcheck(Square.apply, (x,))
    assert gradgradcheck(Square.apply, (x,))
    assert gradcheck(lambda a, b: (a @ b).tanh(), (x, _t([[1.0], [-0.5]])))
    assert gradgradcheck(lambda a: a.softmax(-1), (x,))


def test_catches_a_wrong_factor_and_names_the_worst_elements():
    x = _t([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(SquareWrongFactor.apply, (x,))
    message = str(info.value)
    assert not isinstance(info.value, NonDifferentiablePointError)
    assert "output 0 with respect to input 0" in message
    first_row = message.splitlines()[2]
    assert first_row.split()[:4] == ["(1,", "1)", "(1,", "1)"]  # the worst element first
    assert "+8" in first_row and "+12" in first_row
    assert "1.5 x numerical" in message
    assert gradcheck(SquareWrongFactor.apply, (x,), raise_exception=False) is False


def test_catches_a_transposed_gradient():
    a = _t([[1.0, 2.0, 0.5], [3.0, -1.0, 2.0], [0.0, 1.0, 1.0]])
    x = _t([0.5, -1.0, 2.0])
    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(MatVecTransposed.apply, (a, x))


def test_catches_a_missing_broadcast_reduction():
    a = _t(np.ones((3, 2)))
    b = _t([[0.5, -0.5]])
    with pytest.raises(GradcheckError, match=r"gradient of input 1 has shape \(2,\)"):
        gradcheck(AddNoReduction.apply, (a, b))


def test_catches_a_wrong_second_derivative_only_in_gradgradcheck():
    x = _t([0.5, -1.5, 2.0])
    assert gradcheck(CubeWrongSecondDerivative.apply, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(CubeWrongSecondDerivative.apply, (x,))


@pytest.mark.parametrize("fn", [lambda x: x.relu(), lambda x: autograd.clamp(x, min=0.0),
                                lambda x: x.relu() * 3 + x],
                         ids=["relu", "clamp", "relu_affine"])
def test_flags_a_kink_instead_of_a_gradient_error(fn):
    x = _t([0.0, 1.5, -2.0])
    with pytest.raises(NonDifferentiablePointError, match=r"input 0 element \(0,\) is at a "
                                                          r"non-differentiable point \(kink\)"):
        gradcheck(fn, (x,))


def test_symmetric_kinks_and_smooth_products_pass():
    """|x| at 0 (sign(0) = 0 is the central difference), max at a tie (split evenly) and
    |x| relu(x) (differentiable at 0) are not errors."""
    x = _t([0.0, 1.0])
    assert gradcheck(lambda t: t.abs(), (x,))
    assert gradcheck(lambda t: autograd.maximum(t, t.detach() * 0), (x,))
    assert gradcheck(lambda t: t.abs() * t.relu(), (x,))


def test_a_jump_is_flagged_as_non_differentiable():
    class Step(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sign() + x  # sign(0) = 0: halfway up a jump of 2

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(NonDifferentiablePointError, match="jumps"):
        gradcheck(Step.apply, (_t([0.0, 1.0]),))


def test_a_kink_with_a_wrong_subgradient_is_still_an_error():
    class BadRelu(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.relu()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 5.0

    with pytest.raises(GradcheckError) as info:
        gradcheck(BadRelu.apply, (_t([0.0, 1.0]),))
    assert not isinstance(info.value, NonDifferentiablePointError)


def test_fast_mode_accepts_and_catches():
    x = _t(np.linspace(-1, 1, 40).reshape(5, 8))
    assert gradcheck(lambda t: (t * t).sin().sum(0), (x,), fast_mode=True)
    assert gradgradcheck(lambda t: t.exp() * t, (x,), fast_mode=True)
    with pytest.raises(GradcheckError, match="fast mode"):
        gradcheck(SquareWrongFactor.apply, (x,), fast_mode=True)
    with pytest.raises(NonDifferentiablePointError):
        gradcheck(lambda t: t.relu(), (_t([0.0, 0.0]),), fast_mode=True)


def test_float32_inputs_warn():
    x = autograd.tensor([1.0, 2.0], dtype=autograd.float32, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        gradcheck(lambda t: t * 2, (x,), atol=1e-2, rtol=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradcheck(lambda t: t * 2, (_t([1.0, 2.0]),))


def test_eps_atol_rtol_are_used():
    x = _t([1.0, 2.0])
    # (x + eps)^3 - (x - eps)^3 over 2 eps = 3 x^2 + eps^2: eps=1e-1 is off by 1e-2
    assert gradcheck(lambda t: t * t * t, (x,), eps=1e-1, atol=2e-2, rtol=0)
    with pytest.raises(GradcheckError, match="atol=0.001"):
        gradcheck(lambda t: t * t * t, (x,), eps=1e-1, atol=1e-3, rtol=0)


def test_needs_an_input_that_requires_grad_and_refuses_unsupported_modes():
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda t: t * 2, (_t([1.0], requires_grad=False),))
    with pytest.raises(ValueError, match="check_forward_ad"):
        gradcheck(lambda t: t * 2, (_t([1.0]),), check_forward_ad=True)


def test_non_contiguous_and_read_only_inputs_are_restored():
    base = np.arange(12.0).reshape(3, 4)
    x = autograd.from_numpy(base.T).requires_grad_()
    assert not x.is_contiguous()
    assert gradcheck(lambda t: t.exp().sum(1), (x,))
    np.testing.assert_array_equal(base, np.arange(12.0).reshape(3, 4))


def test_check_op_raises_with_the_failing_example():
    with pytest.raises(GradcheckError) as info:
        check_op(SquareWrongFactor.apply, tensors(), max_examples=5)
    assert "check_op_example" in "".join(getattr(info.value, "__notes__", []))


def test_check_op_rejects_kinks_and_detects_mutation():
    check_op(lambda x: x.relu(), tensors(), max_examples=10)  # kinks drawn at 0 are skipped

    def mutating(x):
        x._data[...] = 0
        return x * 2

    with pytest.raises(AssertionError, match="changed its tensor argument 0"):
        check_op(mutating, tensors(shape=(2,), elements=positive()), max_examples=3,
                 checks=("inputs_unchanged",))


class DoubleToFloatGrad(autograd.Function):
    """2 x with a backward that returns a float32 gradient for a float64 input."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return (g * 2).float()


def test_check_op_catches_a_gradient_of_the_wrong_dtype():
    with pytest.raises((AssertionError, GradcheckError), match="dtype"):
        check_op(DoubleToFloatGrad.apply, tensors(shape=(2,)), max_examples=3,
                 checks=("grad_meta",))
    with pytest.raises(GradcheckError, match="dtype"):
        gradcheck(DoubleToFloatGrad.apply, (_t([1.0, 2.0]),), check_grad_dtypes=True)


def test_check_op_checks_gradgradcheck_by_default():
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        check_op(CubeWrongSecondDerivative.apply, tensors(shape=(2,), elements=positive()),
                 max_examples=3)
