"""Matrix products: matmul (`@`) and its shapes (mm, bmm, mv, dot, outer), and einsum.

    Y = A @ B:   dA = dY @ B^T,   dB = A^T @ dY

summed back over broadcast batch dimensions by `dual.sum_to`. 1-D operands follow PyTorch's
(= NumPy's) rules: a vector on the left is a row, on the right a column, and the added
dimension is removed from the result; this is done around the 2-D primitive with
unsqueeze/squeeze, so their gradients come for free.

einsum's backward is itself an einsum: the gradient of operand i contracts the output
gradient with all other operands into operand i's subscripts.
"""
import string

import numpy as np

from ..function import Op
from ..tensor import Tensor
from . import dual

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "einsum", "inner",
           "trace", "addmm", "tensordot", "baddbmm"]


class MatMul(Op):
    backward_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        ga = dual.sum_to(dual.matmul(g, dual.swap_last(b)), sa) if na else None
        gb = dual.sum_to(dual.matmul(dual.swap_last(a), g), sb) if nb else None
        return ga, gb


class _BatchedMatMul(MatMul):
    backward_name = "BmmBackward0"


class _UnsafeViewMatMul(MatMul):
    backward_name = "UnsafeViewBackward0"


def _check_dtypes(a, b, op):
    """Matrix products take two operands of one dtype, not bool (as PyTorch's kernels)."""
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected both operands to have the same dtype, but got "
                           f"{a.dtype} and {b.dtype}; convert one with .to(other.dtype)")
    if a._data.dtype.kind == "b":
        kernel = "dot" if op == "dot" else "addmm_impl_cpu_"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\' ({op} of bool '
                                  f"tensors); convert them first, e.g. a.long() @ b.long()")


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands."""
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not "
                        f"{type(other).__name__ if isinstance(input, Tensor) else type(input).__name__}")
    _check_dtypes(input, other, "matmul")
    a, b = input, other
    da, db = a._data.ndim, b._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    ka = a._data.shape[-1]
    kb = b._data.shape[-2] if db >= 2 else b._data.shape[0]
    if ka != kb:
        sa = "x".join(map(str, a._data.shape if da > 1 else (1,) + a._data.shape))
        sb = "x".join(map(str, b._data.shape if db > 1 else b._data.shape + (1,)))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb}) in "
                           f"matmul of shapes {tuple(a.shape)} @ {tuple(b.shape)}: the last "
                           f"dimension of the first ({ka}) must equal the "
                           f"{'first' if db == 1 else 'second-to-last'} of the second ({kb})")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 1:
        return MatMul.apply(a.unsqueeze(0), b).squeeze(-2)
    if db == 1:
        return MatMul.apply(a, b.unsqueeze(-1)).squeeze(-1)
    if da > 2 or db > 2:
        try:
            np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
        except ValueError:
            raise RuntimeError(f"matmul: batch dimensions {tuple(a.shape[:-2])} and "
                               f"{tuple(b.shape[:-2])} of shapes {tuple(a.shape)} @ "
                               f"{tuple(b.shape)} do not broadcast") from None
        result = _UnsafeViewMatMul.apply(a, b)
    else:
        result = MatMul.apply(a, b)
    if out is not None:
        from .inplace import copy_
        return copy_(out, result)
    return result


def mm(input, mat2):
    """Product of two matrices (2-D only)."""
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(f"mm: both arguments must be matrices, got {input._data.ndim}-D and "
                           f"{mat2._data.ndim}-D")
    return matmul(input, mat2)


def bmm(input, mat2):
    """Batched product of (b, n, m) and (b, m, p) (no broadcasting)."""
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {input._data.ndim}-D) and batch2 "
                           f"a 3D tensor (got {mat2._data.ndim}-D)")
    if input._data.shape[0] != mat2._data.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: {tuple(input.shape)} and "
                           f"{tuple(mat2.shape)}")
    _check_dtypes(input, mat2, "bmm")
    if input._data.shape[2] != mat2._data.shape[1]:
        return matmul(input, mat2)
    return _BatchedMatMul.apply(input, mat2)


def mv(input, vec):
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"mv: expected a matrix and a vector, got {input._data.ndim}-D and "
                           f"{vec._data.ndim}-D")
    return matmul(input, vec)


class Dot(Op):
    backward_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.asarray(np.dot(a, b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a


def dot(input, tensor=None, *, other=None):
    """Inner product of two 1-D tensors of the same size (the second is PyTorch's `tensor`
    keyword; `other` is accepted too)."""
    other = tensor if tensor is not None else other
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and "
                           f"{other._data.ndim}D tensors")
    if input._data.shape != other._data.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input._data.shape[0]}] "
                           f"and src [{other._data.shape[0]}] to have the same number of "
                           f"elements, but got {input._data.shape[0]} and "
                           f"{other._data.shape[0]} elements respectively")
    _check_dtypes(input, other, "dot")
    return Dot.apply(input, other)


vdot = dot


def inner(input, other):
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    return tensordot(input, other, dims=([-1], [-1]))


def outer(input, vec2):
    """The outer product of two vectors: out[i, j] = a[i] * b[j]."""
    for name, v in (("self", input), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got "
                               f"{v._data.ndim}-D (shape {tuple(v.shape)})")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2)."""
    prod = mm(mat1, mat2)
    return (input * beta if beta != 1 else input) + (prod * alpha if alpha != 1 else prod)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    prod = bmm(batch1, batch2)
    return (input * beta if beta != 1 else input) + (prod * alpha if alpha != 1 else prod)


def trace(input):
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got a {input._data.ndim}-D tensor")
    return input.diagonal().sum()


def tensordot(a, b, dims=2):
    """Contract `dims` (a count, or two lists of axes) of a and b."""
    if isinstance(dims, int):
        da = list(range(a._data.ndim - dims, a._data.ndim))
        db = list(range(dims))
    else:
        da, db = [list(d) if not isinstance(d, int) else [d] for d in dims]
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a._data.ndim)]
    sb = [next(letters) for _ in range(b._data.ndim)]
    for i, j in zip(da, db):
        sb[j % b._data.ndim] = sa[i % a._data.ndim]
    contracted = {sa[i % a._data.ndim] for i in da}
    out = [c for c in sa if c not in contracted] + [c for c in sb if c not in contracted]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


class Einsum(Op):
    backward_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, *xs, spec=None):
        ins, out = spec
        ctx.spec = spec
        ctx.shapes = [x.shape for x in xs]
        ctx.save_for_backward(*xs)
        return np.asarray(np.einsum(",".join(ins) + "->" + out, *xs, optimize=len(xs) > 2))

    @staticmethod
    def backward(ctx, g):
        ins, out = ctx.spec
        xs = ctx.saved_tensors
        grads = []
        for i, sub in enumerate(ins):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [(s, x) for j, (s, x) in enumerate(zip(ins, xs)) if j != i]
            available = set(out).union(*[set(s) for s, _ in others])
            target = "".join(c for c in sub if c in available)
            operands = [g] + [x for _, x in others]
            spec = ",".join([out] + [s for s, _ in others]) + "->" + target
            if any(dual.is_tensor(o) for o in operands):
                wrapped = [o if dual.is_tensor(o) else Tensor._wrap(np.asarray(o), None)
                           for o in operands]
                gi = einsum(spec, *wrapped)
            else:
                gi = np.asarray(np.einsum(spec, *operands, optimize=len(operands) > 2))
            if target != sub:  # letters only in this operand: broadcast the gradient back
                shape = ctx.shapes[i]
                src = [sub.index(c) for c in target]
                full = [1] * len(sub)
                for pos, k in enumerate(src):
                    full[k] = gi.shape[pos]
                gi = dual.expand(dual.reshape(gi, tuple(full)), shape)
            grads.append(gi)
        return tuple(grads)


def _parse_einsum(equation, shapes):
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs, out = eq, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the "
                           f"equation" if len(shapes) > len(ins) else
                           f"einsum(): fewer operands were provided than specified in the "
                           f"equation")
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in string.ascii_letters if c not in used]
    ell_len = 0
    for sub, shp in zip(ins, shapes):
        if "..." in sub:
            ell_len = max(ell_len, len(shp) - (len(sub) - 3))
    ell = "".join(spare[:ell_len])
    new_ins = []
    for sub, shp in zip(ins, shapes):
        if "..." in sub:
            n = len(shp) - (len(sub) - 3)
            sub = sub.replace("...", ell[ell_len - n:])
        if len(sub) != len(shp):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(sub)}) does not match the number of dimensions "
                               f"({len(shp)}) for operand {len(new_ins)}")
        new_ins.append(sub)
    if out is None:
        counts = {}
        for sub in new_ins:
            for c in sub:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return new_ins, out


def _take_diagonals(sub, x, equation):
    """For 'ii...' within one operand: its diagonal over those dimensions (differentiable,
    via `diagonal`, which puts the diagonal last), with the subscripts to match."""
    from .shape import diagonal
    while len(set(sub)) != len(sub):
        c = next(c for c in sub if sub.count(c) > 1)
        i, j = sub.index(c), sub.index(c, sub.index(c) + 1)
        if x._data.shape[i] != x._data.shape[j]:
            raise RuntimeError(f"einsum(): subscript {c} is repeated for an operand in "
                               f"'{equation}' but the sizes don't match, {x._data.shape[i]} "
                               f"!= {x._data.shape[j]}")
        x = diagonal(x, 0, i, j)
        sub = sub[:i] + sub[i + 1:j] + sub[j + 1:] + c
    return sub, x


def einsum(equation, *operands):
    """Einstein summation, e.g. einsum('bij,bjk->bik', a, b)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ins, out = _parse_einsum(equation, [o._data.shape for o in operands])
    operands = list(operands)
    for k, sub in enumerate(ins):  # a letter repeated within an operand takes its diagonal
        ins[k], operands[k] = _take_diagonals(sub, operands[k], equation)
    dtypes = {o._data.dtype for o in operands}
    if len(dtypes) > 1:  # PyTorch does not promote here
        raise RuntimeError(f"einsum(): expected all operands to have the same dtype, but got "
                           f"{', '.join(str(o.dtype) for o in operands)}; convert them first, "
                           f"e.g. with .to(autograd.float32)")
    try:
        return Einsum.apply(*operands, spec=(ins, out))
    except ValueError as e:
        raise RuntimeError(f"einsum(): operands do not match the equation '{equation}' (shapes "
                           f"{[tuple(o.shape) for o in operands]}): {e}") from None
