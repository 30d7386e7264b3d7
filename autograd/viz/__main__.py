"""`python -m autograd.viz`: draw a model or a graph to SVG, PNG or DOT.

    python -m autograd.viz path/to/file.py:ModelClass --input-shape 1,784
    python -m autograd.viz path/to/file.py:make_model --input-shape 1,1,28,28 --format png
    python -m autograd.viz --example mlp --view backward --out mlp.svg

`file.py:NAME` names a class (instantiated with no arguments) or a function (called with no
arguments) in the file. It may give an `nn.Module` (drawn on a random input of
`--input-shape`), a `(model, example_input)` pair, or a Tensor or Scalar (its graph is drawn).
"""
import argparse
import importlib.util
import sys
from pathlib import Path

from .api import VIEWS, draw

__all__ = ["main"]


def _parse_shape(text):
    try:
        shape = tuple(int(s) for s in text.replace("x", ",").split(",") if s.strip())
    except ValueError:
        raise SystemExit(f"--input-shape: expected integers separated by commas, like "
                         f"1,784; got {text!r}") from None
    if not shape or any(s <= 0 for s in shape):
        raise SystemExit(f"--input-shape: every size must be positive, got {text!r}")
    return shape


def _load(target):
    """The object named by `path.py:NAME`: the class instantiated or the function called."""
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise SystemExit(f"expected FILE.py:NAME (e.g. model.py:Net), got {target!r}")
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"{path}: no such file")
    spec = importlib.util.spec_from_file_location(f"_viz_target_{file.stem}", file)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(file.resolve().parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    if not hasattr(module, name):
        names = sorted(n for n in vars(module) if not n.startswith("_"))
        raise SystemExit(f"{path} has no {name!r}; it defines: {', '.join(names)}")
    obj = getattr(module, name)
    if not callable(obj):
        raise SystemExit(f"{path}:{name} is a {type(obj).__name__}, not a class or function")
    return obj()


def _is_model(obj):
    return hasattr(obj, "named_modules") and callable(obj)


def build_parser():
    p = argparse.ArgumentParser(prog="python -m autograd.viz",
                                description="Draw a computation graph or a model.")
    p.add_argument("target", nargs="?", help="FILE.py:NAME (a model class or factory)")
    p.add_argument("--example", choices=["mlp", "micrograd", "cnn"],
                   help="draw a built-in example instead of a file")
    p.add_argument("--input-shape", help="shape of the random example input, e.g. 1,784")
    p.add_argument("--out", help="output file (default: graph.FORMAT)")
    p.add_argument("--format", choices=["svg", "png", "dot"], help="picture format "
                   "(default: from --out's suffix, else svg); dot needs no renderer")
    p.add_argument("--view", choices=VIEWS, help="backward, forward or module (default: "
                   "module for a model, backward for a tensor, forward for a Scalar)")
    p.add_argument("--max-nodes", type=int, default=500)
    p.add_argument("--module-depth", type=int, help="fold modules deeper than this")
    p.add_argument("--grad-flow", action="store_true",
                   help="shade by gradient norm (a recording-only backward from the output, "
                   "gradient 1 per output element; nothing written to .grad)")
    p.add_argument("--show-values", action="store_true")
    p.add_argument("--show-grads", action="store_true")
    p.add_argument("--show-saved", action="store_true")
    return p


def main(argv=None):
    """Run the command line; returns the path written."""
    args = build_parser().parse_args(argv)
    if (args.target is None) == (args.example is None):
        raise SystemExit("give either FILE.py:NAME or --example NAME (not both)")
    import autograd
    example_input = None
    if args.example is not None:
        from .examples import EXAMPLES
        obj = EXAMPLES[args.example]()
    else:
        obj = _load(args.target)
    if isinstance(obj, tuple) and len(obj) == 2 and _is_model(obj[0]):
        obj, example_input = obj
    if _is_model(obj):
        if args.input_shape:
            example_input = autograd.randn(*_parse_shape(args.input_shape))
        if example_input is None:
            raise SystemExit("drawing a model needs --input-shape (e.g. --input-shape 1,784)")
    elif args.input_shape:
        raise SystemExit(f"--input-shape is for models; {type(obj).__name__} is drawn as is")
    view = args.view
    if view == "module" and not _is_model(obj):
        raise SystemExit("--view module draws a model; this target gives a "
                         f"{type(obj).__name__}")
    options = dict(view=view, max_nodes=args.max_nodes, module_depth=args.module_depth,
                   grad_flow=args.grad_flow, show_saved=args.show_saved)
    if args.show_values:
        options["show_values"] = True
    if args.show_grads:
        options["show_grads"] = True
    from .renderer import RendererNotFoundError, check_format, write_picture
    fmt = args.format or (Path(args.out).suffix.lstrip(".") if args.out else "") or "svg"
    out = Path(args.out or f"graph.{fmt}")
    try:
        if fmt != "dot":
            check_format(out, fmt)  # before drawing: a bad --out fails at once
        graph = draw(obj, example_input, **options)
        if fmt == "dot":
            out.write_text(graph.source)
        else:
            out = Path(write_picture(graph.source, out, fmt))
    except (ValueError, RendererNotFoundError) as exc:
        raise SystemExit(f"python -m autograd.viz: {exc}") from None
    print(out)
    return str(out)


if __name__ == "__main__":
    main()
