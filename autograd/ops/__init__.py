"""The differentiable operations, one file per family:

- `elementwise`: functions of one tensor (exp, log, tanh, relu, ...), casts and clone;
- `binary`: arithmetic of two operands with broadcasting and type promotion (add, sub, mul,
  div, remainder, ...), and the machinery the two-operand ops share;
- `binary_math`: pow, atan2, hypot, xlogy, logaddexp, lerp;
- `select`: maximum/minimum, where, clamp, fmax/fmin;
- `compare`: comparisons, logical and bitwise ops, isnan/isclose/equal (no gradient);
- `reduce`: sums, means, prod, max/min, argmax/argmin, all/any;
- `stats`: var/std, norms, logsumexp;
- `softmax`: softmax and log_softmax;
- `cumulative`: cumsum and cumprod;
- `shape`: movement (reshape, permute, expand, squeeze, flip, roll, tril, diagonal, ...);
- `join`: cat, stack, split, chunk, unbind, narrow;
- `pad`: padding (constant, reflect, replicate, circular);
- `indexing`: `x[idx]`, `x[idx] = v`, gather/scatter, masks, sort/topk;
- `linalg`: matmul and friends, einsum;
- `inplace`: the in-place machinery (`add_`, `x += y`, `copy_`, ...);
- `dual`: array-or-Tensor helpers that backward formulas are written with.
"""
