"""The differentiable operations, one file per family:

- `elementwise`: functions of one tensor (exp, log, tanh, relu, ...), casts and clone;
- `binary`: functions of two operands with broadcasting and type promotion, comparisons;
- `reduce`: sums, means, max/min, var/std, norms, softmax, cumulative ops;
- `shape`: movement (reshape, permute, expand, cat, stack, split, pad, ...);
- `indexing`: `x[idx]`, `x[idx] = v`, gather/scatter, masks, sort/topk;
- `linalg`: matmul and friends, einsum;
- `inplace`: the in-place machinery (`add_`, `x += y`, `copy_`, ...);
- `dual`: array-or-Tensor helpers that backward formulas are written with.
"""
