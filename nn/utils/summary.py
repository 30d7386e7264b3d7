"""`summary(model, input_size)`: a torchinfo-like table of a model's layers, output shapes
and parameter counts, found by running one forward pass with hooks."""
import autograd
from autograd import Tensor

__all__ = ["summary", "ModelSummary"]

_WIDTHS = (40, 26, 15)


class ModelSummary:
    """What `summary` found: `rows` of (name, depth, output_shape, params), `total_params`,
    `trainable_params`; `str()` is the table."""

    def __init__(self, model_name, rows, total, trainable, param_bytes):
        self.model_name = model_name
        self.rows = rows
        self.total_params = total
        self.trainable_params = trainable
        self.param_bytes = param_bytes

    def __str__(self):
        rule = "=" * sum(_WIDTHS)
        head = ["Layer (type:depth-idx)", "Output Shape", "Param #"]
        lines = [rule, _row(head), rule]
        for name, _, shape, params in self.rows:
            lines.append(_row([name, shape, f"{params:,}" if params else "--"]))
        lines += [rule, f"Total params: {self.total_params:,}",
                  f"Trainable params: {self.trainable_params:,}",
                  f"Non-trainable params: {self.total_params - self.trainable_params:,}",
                  f"Params size (MB): {self.param_bytes / 1e6:.2f}", rule]
        return "\n".join(lines)

    __repr__ = __str__


def _row(cells):
    return "".join(str(c).ljust(w) for c, w in zip(cells, _WIDTHS)).rstrip()


def _shape_of(output):
    if isinstance(output, Tensor):
        return list(output.shape)
    if isinstance(output, (tuple, list)):
        shapes = [_shape_of(o) for o in output]
        return shapes[0] if len(shapes) == 1 else shapes
    return "--"


def _make_inputs(input_size, dtypes):
    sizes = [input_size] if input_size and isinstance(input_size[0], int) else list(input_size)
    dtypes = list(dtypes) if dtypes is not None else [None] * len(sizes)
    if len(dtypes) != len(sizes):
        raise ValueError(f"summary: {len(sizes)} input sizes but {len(dtypes)} dtypes")
    generator = autograd.Generator().manual_seed(0)  # leaves the global stream alone
    inputs = []
    for size, dtype in zip(sizes, dtypes):
        dtype = autograd.dtypes.to_dtype(dtype) if dtype is not None else \
            autograd.get_default_dtype()
        if dtype.is_floating_point:
            inputs.append(autograd.randn(*size, generator=generator, dtype=dtype))
        else:
            inputs.append(autograd.zeros(*size, dtype=dtype))
    return inputs


def summary(model, input_size=None, dtypes=None, input_data=None, verbose=1):
    """Run `model` once (in eval mode, without gradients; its mode is restored afterwards)
    on random inputs of `input_size` (one shape, or a list of shapes for several inputs;
    `dtypes` one per input, default float) or on `input_data`, and tabulate every module
    called: its type, depth and index, output shape and own parameter count. Prints the
    table when verbose, and returns a `ModelSummary`."""
    if input_data is None:
        if input_size is None:
            raise ValueError("summary: give input_size (e.g. (1, 784)) or input_data")
        inputs = _make_inputs(input_size, dtypes)
    else:
        inputs = list(input_data) if isinstance(input_data, (list, tuple)) else [input_data]
    depth_of = {id(m): name.count(".") + 1 if name else 0
                for name, m in model.named_modules()}
    rows, handles, counters, entries = [], [], {}, {}

    def pre_hook(module, args):
        depth = depth_of.get(id(module), 0)
        counters[depth] = counters.get(depth, 0) + 1
        for deeper in [d for d in counters if d > depth]:
            counters[deeper] = 0
        label = module._get_name() if depth == 0 else \
            f"{'│    ' * (depth - 1)}├─{module._get_name()}: {depth}-{counters[depth]}"
        own = sum(p.numel() for p in module.parameters(recurse=False))
        entries.setdefault(id(module), []).append(len(rows))
        rows.append([label, depth, "--", own])

    def post_hook(module, args, output):
        rows[entries[id(module)].pop()][2] = _shape_of(output)

    modes = {id(m): m.training for m in model.modules()}
    for m in model.modules():
        handles.append(m.register_forward_pre_hook(pre_hook))
        handles.append(m.register_forward_hook(post_hook))
    try:
        model.eval()
        with autograd.no_grad():
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
        for m in model.modules():
            m.training = modes[id(m)]
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    result = ModelSummary(model._get_name(), [tuple(r) for r in rows], total, trainable,
                          sum(p.numel() * p.element_size() for p in params))
    if verbose:
        print(result)
    return result
