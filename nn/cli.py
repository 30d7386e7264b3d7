"""The `glassgrad` command line (also `python -m nn`).

    glassgrad train                          # MLP on the offline 8x8 digits, seconds
    glassgrad train --dataset mnist-test-split --hidden 128,64   # MNIST's test set, 8k/2k
    glassgrad train --dataset fashion-mnist --model cnn --epochs 5 --out runs/fashion
    glassgrad train --resume runs/fashion --epochs 8   # continue exactly where it stopped
    glassgrad evaluate runs/fashion/best.safetensors
    glassgrad predict runs/fashion/best.safetensors shoe.png digit.npy
    glassgrad draw runs/fashion/best.safetensors
    glassgrad sweep --lr 0.001,0.01 --hidden 32,128 --layers 1,2 --epochs 5
    glassgrad bench mlp --quick

Every failure the user can fix (a bad flag, a missing or corrupt file, a checkpoint of
another architecture) is one line on stderr, `glassgrad: error: ...`, and exit status 2,
before anything is written; checkpoints and metrics are written atomically, and `train`
refuses an --out folder that already holds a run unless told to --resume it.

BLAS threads: the commands limit NumPy's BLAS to `--threads` threads (default 1, through
threadpoolctl when installed). glassgrad's matrices are small; on a busy or 2-core machine
one BLAS thread was measured 2-7x faster than OpenBLAS's default for 64x784 @ 784x128.
"""
import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser", "CLIError"]


class CLIError(Exception):
    """An error reported as one `glassgrad: error: ...` line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (`glassgrad: error: ...`, exit 2) instead of the
    usage block."""

    def error(self, message):
        raise CLIError(f"{message} (see `{self.prog} --help`)")


def _int_list(text):
    try:
        values = [int(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _float_list(text):
    try:
        values = [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}")
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected positive numbers, got {text!r}")
    return values


def _str_list(text):
    return [v for v in text.replace(" ", "").split(",") if v]


def _add_data_flags(p, with_defaults=False):
    from nn.training import DATASETS
    p.add_argument("--dataset", choices=DATASETS, default="digits" if with_defaults else None,
                   help="data set (default digits: scikit-learn's 8x8 digits, offline)")
    p.add_argument("--data-root", help="folder holding the IDX files of mnist/fashion-mnist")
    p.add_argument("--download", action="store_true", help="download missing MNIST files")
    p.add_argument("--subset", type=int, help="train on the first N training samples only")
    p.add_argument("--val-fraction", type=float,
                   help="share of the training data held out for validation (default 0.1)")
    p.add_argument("--data-seed", type=int, help="seed of the toy data and the val split")


def _add_model_flags(p):
    from nn.training import ACTIVATIONS, MODELS
    p.add_argument("--model", choices=MODELS, help="mlp (default) or cnn")
    p.add_argument("--hidden", type=_int_list,
                   help="hidden widths, e.g. 128,64 (default: mlp 128,64; cnn 128)")
    p.add_argument("--channels", type=_int_list, help="cnn conv channels (default 16,32)")
    p.add_argument("--activation", choices=list(ACTIVATIONS), help="default relu")
    p.add_argument("--dropout", type=float, help="dropout after each hidden layer")
    p.add_argument("--batchnorm", action="store_true", default=None,
                   help="batch norm after each hidden layer")


def _add_run_flags(p):
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS threads (default 1; 0 keeps the library's default)")
    p.add_argument("--quiet", action="store_true", help="print only the result")


def build_parser():
    """The argparse parser of `glassgrad` and its sub-commands."""
    from nn.training import OPTIMIZERS, SCHEDULERS
    parser = _Parser(prog="glassgrad", description="Train, evaluate and inspect glassgrad "
                     "networks (PyTorch's API on NumPy).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    t = sub.add_parser("train", help="train a network (default: MLP on the 8x8 digits)")
    _add_data_flags(t)
    _add_model_flags(t)
    t.add_argument("--optimizer", choices=OPTIMIZERS, help="default adam")
    t.add_argument("--lr", type=float, help="learning rate (default: sgd 0.05, others 1e-3)")
    t.add_argument("--momentum", type=float, help="sgd/rmsprop momentum (default 0.9)")
    t.add_argument("--weight-decay", type=float, help="L2 penalty (adamw: decoupled)")
    t.add_argument("--scheduler", choices=SCHEDULERS, help="learning-rate schedule")
    t.add_argument("--step-size", type=int, help="StepLR period in epochs")
    t.add_argument("--gamma", type=float, help="StepLR / plateau factor (default 0.1)")
    t.add_argument("--batch-size", type=int, help="default 32")
    t.add_argument("--epochs", type=int, help="default 20")
    t.add_argument("--seed", type=int, help="seed of initialisation, shuffling, dropout")
    t.add_argument("--out", help="run folder (default runs/<dataset>-<model>-<time>)")
    t.add_argument("--resume", nargs="?", const=True, metavar="RUN",
                   help="continue the run in RUN (a folder or its last.safetensors; "
                        "default --out) exactly where it stopped")
    t.add_argument("--stop-after", type=int, metavar="N",
                   help="stop after N epochs, as if interrupted (resume later)")
    t.add_argument("--no-progress", action="store_true", help="no progress bars")
    t.add_argument("--no-plots", action="store_true", help="write no pictures")
    _add_run_flags(t)

    e = sub.add_parser("evaluate", help="test accuracy, per-class accuracy, pictures")
    e.add_argument("checkpoint", help="a .safetensors checkpoint or a run folder (best)")
    e.add_argument("--split", choices=("test", "val", "train"), default="test")
    e.add_argument("--out", help="folder for the pictures (default: the checkpoint's)")
    e.add_argument("--data-root", help="folder holding the IDX files")
    _add_run_flags(e)

    p = sub.add_parser("predict", help="class probabilities of pictures or .npy arrays")
    p.add_argument("checkpoint")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="PNG/JPEG pictures or .npy")
    p.add_argument("--top", type=int, default=3, help="classes shown per input")
    p.add_argument("--invert", choices=("auto", "yes", "no"), default="auto",
                   help="invert pictures (auto: when the border is light)")
    p.add_argument("--json", action="store_true", help="print JSON")
    _add_run_flags(p)

    d = sub.add_parser("draw", help="the computation graph and the module graph, as pictures")
    d.add_argument("checkpoint", nargs="?", help="checkpoint (else build from model flags)")
    _add_data_flags(d, with_defaults=True)
    _add_model_flags(d)
    d.add_argument("--format", choices=("svg", "png"), default="svg")
    d.add_argument("--out", default=None, help="folder (default: the checkpoint's, or .)")
    d.add_argument("--batch", type=int, default=2, help="example batch size")
    _add_run_flags(d)

    s = sub.add_parser("sweep", help="train a grid of short runs and compare them")
    _add_data_flags(s, with_defaults=True)
    s.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    s.add_argument("--lr", type=_float_list, default=[1e-3, 1e-2])
    s.add_argument("--hidden", type=_int_list, default=[64])
    s.add_argument("--batch-size", type=_int_list, default=[32])
    s.add_argument("--layers", type=_int_list, default=[1, 2])
    s.add_argument("--activation", type=_str_list, default=["relu"])
    s.add_argument("--optimizer", type=_str_list, default=["adam"])
    s.add_argument("--epochs", type=int, default=5)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", help="folder (default runs/sweep-<dataset>-<time>)")
    _add_run_flags(s)

    b = sub.add_parser("bench", help="run tests/benchmarks/bench_*.py and print the figures")
    b.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    b.add_argument("--dir", help="folder of the bench_*.py files")
    b.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    b.add_argument("--quick", action="store_true",
                   help="the short version of benchmarks that have one (run(quick=True))")
    _add_run_flags(b)
    return parser


@contextlib.contextmanager
def _blas_threads(n):
    if not n:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=int(n), user_api="blas"):
        yield


_TRAIN_KEYS = ("dataset", "data_root", "subset", "val_fraction", "data_seed", "model",
               "hidden", "channels", "activation", "dropout", "batchnorm", "optimizer", "lr",
               "momentum", "weight_decay", "scheduler", "step_size", "gamma", "batch_size",
               "epochs", "seed")


def _resume_folder(args):
    if args.resume is True:
        if not args.out:
            raise CLIError("--resume needs the run: --resume RUN_FOLDER (or --out RUN_FOLDER)")
        return Path(args.out)
    target = Path(args.resume)
    folder = target.parent if target.suffix == ".safetensors" else target
    if target.suffix == ".safetensors" and target.name != "last.safetensors":
        raise CLIError(f"--resume continues from a run's last.safetensors, not {target.name}; "
                       f"pass the run folder {folder}")
    if args.out and Path(args.out).resolve() != folder.resolve():
        raise CLIError(f"--out {args.out} and --resume {args.resume} name different runs")
    if not (folder / "last.safetensors").is_file():
        raise CLIError(f"nothing to resume: {folder / 'last.safetensors'} does not exist")
    return folder


def _default_out(prefix):
    base = Path("runs") / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}"
    out, k = base, 2
    while out.exists():
        out, k = Path(f"{base}-{k}"), k + 1
    return out


def _pct(x):
    return "n/a" if x is None or x != x else f"{100 * x:.2f}%"


def cmd_train(args, say):
    from nn.training import fit
    settings = {k: getattr(args, k) for k in _TRAIN_KEYS}
    if args.stop_after is not None and args.stop_after < 1:
        raise CLIError(f"--stop-after must be >= 1, got {args.stop_after}")
    if args.resume:
        out = _resume_folder(args)
    else:
        out = Path(args.out) if args.out else _default_out(
            f"{args.dataset or 'digits'}-{args.model or 'mlp'}")
    progress = not args.no_progress and not args.quiet and sys.stderr.isatty()
    log = (lambda *a: None) if args.quiet else say
    try:
        summary = fit(settings, out, resume=bool(args.resume), stop_after=args.stop_after,
                      progress=progress, log=log, download=args.download,
                      plots=not args.no_plots)
    except KeyboardInterrupt:
        print(f"glassgrad: interrupted; the last finished epoch is in {out / 'last.safetensors'}"
              f"; continue with: glassgrad train --resume {out}", file=sys.stderr)
        return 130
    cfg = summary["config"]
    last = summary["last"]
    say(f"{cfg['dataset']} {cfg['arch']['model']} {cfg['arch']['hidden']}: "
        f"{summary['epochs']}/{cfg['epochs']} epochs in {summary['seconds']:.1f}s; "
        f"last epoch val acc {_pct(last.get('val_acc'))}; best epoch {summary['best_epoch']}; "
        f"test accuracy (best.safetensors) {_pct(summary['test_acc'])}", force=True)
    say(f"wrote {out}/: " + ", ".join(Path(f).name for f in summary["files"]), force=True)
    return 0


def _load(path):
    from nn.training import load_checkpoint, rebuild_model
    p = Path(path)
    if p.is_dir():
        p = p / "best.safetensors"
    ckpt = load_checkpoint(p)
    return ckpt, rebuild_model(ckpt)


def cmd_evaluate(args, say):
    from nn.training import data_for_config, evaluation_report
    ckpt, model = _load(args.checkpoint)
    cfg = dict(ckpt["config"])
    if args.data_root:
        cfg["data_root"] = args.data_root
    data = data_for_config(cfg)
    if list(data.input_shape) != list(cfg["arch"]["input_shape"]):
        raise CLIError(f"{ckpt['path']} takes inputs {tuple(cfg['arch']['input_shape'])} but "
                       f"{cfg['dataset']} now gives {data.input_shape}")
    out = Path(args.out) if args.out else Path(ckpt["path"]).parent
    report = evaluation_report(model, data, out, args.split, ckpt["path"])
    say(f"{cfg['dataset']} {args.split} accuracy: {_pct(report['accuracy'])} "
        f"({report['samples'] - report['errors']}/{report['samples']}), loss "
        f"{report['loss']:.4f}", force=True)
    say("per-class accuracy:")
    for name, acc in report["per_class_accuracy"].items():
        say(f"  {name:>12}: {_pct(acc)}")
    say(f"wrote {out}/: " + ", ".join(Path(f).name for f in report["files"]))
    return 0


def cmd_predict(args, say):
    from nn.training import predict_arrays
    from nn.training.inputs import load_inputs
    ckpt, model = _load(args.checkpoint)
    cfg = ckpt["config"]
    x, labels = load_inputs(args.inputs, cfg["preprocessing"], args.invert)
    probs = predict_arrays(model, x)
    classes = cfg["classes"]
    top = max(1, min(args.top, len(classes)))
    results = []
    for label, p in zip(labels, probs):
        order = p.argsort()[::-1][:top]
        results.append({"input": label, "prediction": classes[order[0]],
                        "probabilities": {classes[i]: float(p[i]) for i in order}})
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for r in results:
        shown = ", ".join(f"{c} {v:.3f}" for c, v in r["probabilities"].items())
        print(f"{r['input']}: {r['prediction']}   ({shown})")
    return 0


def cmd_draw(args, say):
    from nn.training.drawing import draw_run
    files = draw_run(args)
    say("wrote " + ", ".join(files), force=True)
    return 0


def cmd_sweep(args, say):
    from nn.training import OPTIMIZERS
    from nn.training.models import ACTIVATIONS
    from nn.training.sweep import format_table, run_sweep, sweep_grid
    bad = [a for a in args.activation if a not in ACTIVATIONS] + \
        [o for o in args.optimizer if o not in OPTIMIZERS]
    if bad:
        raise CLIError(f"unknown activation/optimizer {', '.join(bad)}; activations: "
                       f"{', '.join(ACTIVATIONS)}; optimizers: {', '.join(OPTIMIZERS)}")
    grid = sweep_grid(args.lr, args.hidden, args.batch_size, args.layers, args.activation,
                      args.optimizer)
    base = {"dataset": args.dataset, "model": args.model, "epochs": args.epochs,
            "seed": args.seed, "subset": args.subset, "data_root": args.data_root,
            "val_fraction": args.val_fraction, "data_seed": args.data_seed}
    out = Path(args.out) if args.out else _default_out(f"sweep-{args.dataset}")
    if (out / "sweep.csv").exists():
        raise CLIError(f"{out} already holds a sweep (sweep.csv); choose another --out")
    say(f"sweep: {len(grid)} runs of {args.epochs} epochs on {args.dataset}")
    rows = run_sweep(grid, base, out, log=say)
    print(format_table(rows))
    say(f"wrote {out / 'sweep.csv'}, {out / 'sweep.png'}", force=True)
    return 0


def cmd_bench(args, say):
    from nn.training.bench import (BenchmarkError, figures_table, find_benchmark_dir,
                                   list_benchmarks, run_benchmark)
    folder = find_benchmark_dir(args.dir)
    available = list_benchmarks(folder)
    if args.list:
        for name, path in available.items():
            print(f"{name:12} {path}")
        return 0
    unknown = [n for n in args.names if n not in available]
    if unknown:
        raise BenchmarkError(f"no benchmark named {', '.join(unknown)} in {folder}; "
                             f"available: {', '.join(available)}")
    import importlib.util
    has_torch = importlib.util.find_spec("torch") is not None   # no 3 s import to ask
    for name in args.names or list(available):
        say(f"running {available[name].name} ...")
        figures, seconds = run_benchmark(available[name], quick=args.quick)
        print(figures_table(name, figures, has_torch))
        say(f"({seconds:.1f}s)")
    return 0


_COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict,
             "draw": cmd_draw, "sweep": cmd_sweep, "bench": cmd_bench}


def _expected_errors():
    import autograd
    from nn.training import (ArchitectureError, CheckpointFormatError, DataError,
                             TrainingError)
    from nn.training.inputs import InputError
    errors = [CLIError, TrainingError, DataError, ArchitectureError, CheckpointFormatError,
              InputError, autograd.CheckpointError, OSError]
    try:
        from autograd.viz import RendererNotFoundError
        errors.append(RendererNotFoundError)
    except ImportError:
        pass
    return tuple(errors)


def _one_line(exc):
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in text:
        text = f"{text}: {exc.filename}"
    return text


def main(argv=None):
    """Run the command line with `argv` (default sys.argv[1:]); returns the exit status."""
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:   # --help, --version
            return exc.code
        if args.command is None:
            parser.print_help()
            return 2
        out = getattr(args, "out", None)
        if out and Path(out).exists() and not Path(out).is_dir():
            raise CLIError(f"--out {out} is a file; --out names a folder")
        if getattr(args, "threads", 0) < 0:
            raise CLIError(f"--threads must be >= 0 (0: the BLAS library's default), got "
                           f"{args.threads}")
        quiet = getattr(args, "quiet", False)

        def say(text, force=False):
            if force or not quiet:
                print(text, flush=True)

        with _blas_threads(getattr(args, "threads", 1)):
            return _COMMANDS[args.command](args, say)
    except _expected_errors() as exc:
        print(f"glassgrad: error: {_one_line(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
