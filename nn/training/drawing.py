"""`glassgrad draw`: pictures of a network's graphs with `autograd.viz`.

Two pictures, from a checkpoint (its architecture and trained weights) or from model flags
(a freshly initialised network for the chosen data set's input shape):

- `graph.<fmt>`: the backward graph of the cross-entropy loss of an example batch, as
  torchviz draws it, with parameter names, module clusters and gradient-flow shading
  (`autograd.viz.draw(loss, params=model, grad_flow=True, capture_grads=True)`);
- `model.<fmt>`: the module-level graph, one node per module call with the tensor shapes
  on the edges (`autograd.viz.draw(model, example_input)`).

The DOT text is written beside each picture (`.dot`), so a graph can be inspected even
where no renderer is found (then the error names the .dot files).
"""
from pathlib import Path

import numpy as np

import autograd
import nn.functional as F

__all__ = ["draw_run", "model_and_input"]


def model_and_input(args):
    """(model, example batch, labels, folder) from the draw command's arguments."""
    from .checkpoint import load_checkpoint, rebuild_model
    from .models import architecture, build_model
    from .data import load_data
    if args.batch < 1:
        raise ValueError(f"--batch must be >= 1, got {args.batch}")
    if args.checkpoint:
        path = Path(args.checkpoint)
        ckpt = load_checkpoint(path / "best.safetensors" if path.is_dir() else path)
        model = rebuild_model(ckpt)
        arch = ckpt["config"]["arch"]
        folder = Path(args.out) if args.out else Path(ckpt["path"]).parent
    else:
        data = load_data(args.dataset, val_fraction=0.0, subset=args.batch,
                         data_root=args.data_root)
        arch = architecture(args.model or "mlp", args.hidden, args.channels,
                            args.activation or "relu", args.dropout or 0.0,
                            bool(args.batchnorm), data.input_shape, data.num_classes)
        with autograd.random.fork_rng():
            autograd.manual_seed(0)
            model = build_model(arch)
        folder = Path(args.out) if args.out else Path(".")
    gen = autograd.Generator()
    gen.manual_seed(0)
    x = autograd.randn(args.batch, *arch["input_shape"], generator=gen)
    y = autograd.from_numpy(np.arange(args.batch, dtype=np.int64) % arch["num_classes"])
    model.eval()
    return model, x, y, folder


def draw_run(args):
    """Write graph.<fmt> and model.<fmt> (and their .dot) for the draw command; returns
    the paths written."""
    import autograd.viz as viz
    model, x, y, folder = model_and_input(args)
    folder.mkdir(parents=True, exist_ok=True)
    fmt = args.format
    with viz.trace_modules(model):
        loss = F.cross_entropy(model(x), y)
    backward = viz.draw(loss, params=model, grad_flow=True, capture_grads=True,
                        title="backward graph of the loss")
    modules = viz.draw(model, x, title="modules")
    written = []
    for name, graph in (("graph", backward), ("model", modules)):
        dot_path = folder / f"{name}.dot"
        dot_path.write_text(graph.source, encoding="utf-8")
        written.append(str(dot_path))
    for name, graph in (("graph", backward), ("model", modules)):
        written.append(viz.render(graph, folder / f"{name}.{fmt}"))
    return written
