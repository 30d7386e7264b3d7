"""Finding a Graphviz renderer and turning DOT text into SVG or PNG.

The renderer is, in order: the program named by the environment variable `GLASSGRAD_DOT`;
Graphviz's `dot` on PATH; the `graphviz-pure` command (a self-contained `dot` installed by
the `graphviz-pure` wheel, a dependency of glassgrad) on PATH or beside the running Python.
So a fresh `pip install glassgrad` renders with no system Graphviz. When none is found the
error says how to get one; `autograd.viz.to_dot` needs no renderer at all.

`VizDigraph` is the `graphviz.Digraph` that `draw` returns: the same object (`.source`,
`.save`, `.render`, inline display in Jupyter), except that its `pipe` and `render` use the
renderer found here instead of requiring a `dot` on PATH.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import graphviz

__all__ = ["find_renderer", "RendererNotFoundError", "render_source", "VizDigraph",
           "FORMATS", "check_format", "write_picture"]

FORMATS = ("svg", "png", "jpeg", "jpg", "json", "dot", "plain", "xdot")
_PURE = "graphviz-pure"


class RendererNotFoundError(RuntimeError):
    """No Graphviz program to render with (see `find_renderer`)."""


def _beside_python():
    exe = "graphviz-pure.exe" if os.name == "nt" else _PURE
    dirs = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    for d in dirs:
        if d:
            candidate = Path(d) / exe
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return None


def find_renderer(path=None):
    """The path of the program that renders DOT: $GLASSGRAD_DOT, `dot` on PATH, or
    `graphviz-pure` (on PATH or beside this Python). `path` overrides PATH for the search.
    Raises RendererNotFoundError, saying how to install one, when there is none."""
    override = os.environ.get("GLASSGRAD_DOT")
    if override:
        found = shutil.which(override, path=path)
        if found:
            return found
        raise RendererNotFoundError(f"GLASSGRAD_DOT is set to {override!r}, which is not an "
                                    f"executable program; unset it or point it at Graphviz's "
                                    f"`dot` or at `graphviz-pure`")
    found = shutil.which("dot", path=path) or shutil.which(_PURE, path=path) or _beside_python()
    if found:
        return found
    raise RendererNotFoundError(
        "no Graphviz renderer found: neither `dot` nor `graphviz-pure` is on PATH. Install "
        "the self-contained one with `pip install graphviz-pure` (glassgrad depends on it on "
        "x86_64 and arm64), or your system's Graphviz (e.g. `apt install graphviz`, `brew "
        "install graphviz`). autograd.viz.to_dot(...) gives the DOT text without a renderer.")


def render_source(source, format="svg", engine="dot", renderer=None):
    """The picture of DOT text `source` as bytes, in `format` ('svg', 'png', ...)."""
    if format not in FORMATS:
        raise ValueError(f"unknown picture format {format!r}; use one of {', '.join(FORMATS)}")
    exe = renderer or find_renderer()
    proc = subprocess.run([exe, f"-K{engine}", f"-T{format}"], input=source.encode("utf-8"),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{exe} failed (exit {proc.returncode}) rendering {format}: "
                           f"{proc.stderr.decode('utf-8', 'replace').strip()[:2000]}")
    return proc.stdout


def check_format(path, format=None):
    """The picture format for `path`: `format`, else the path's suffix, else 'svg'. Raises
    ValueError for an unknown format, or a suffix naming another format than `format`."""
    suffix = Path(path).suffix.lstrip(".").lower()
    fmt = (format or suffix or "svg").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; use one of {', '.join(FORMATS)}")
    if format and suffix in FORMATS and suffix != fmt and {suffix, fmt} != {"jpg", "jpeg"}:
        raise ValueError(f"format={format!r} but the path {str(path)!r} ends in .{suffix}; "
                         f"give one of them, or make them agree")
    return fmt


def write_picture(source, path, format=None):
    """Render DOT text into the file `path` (the format from `format` or the suffix, see
    `check_format`); returns the path as a string."""
    path = Path(path)
    fmt = check_format(path, format)
    if not path.suffix:
        path = path.with_suffix("." + fmt)
    data = render_source(source, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


class VizDigraph(graphviz.Digraph):
    """A `graphviz.Digraph` that renders with `find_renderer()` (see the module docstring)."""

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False,
             *, engine=None, encoding=None):
        """The rendered picture as bytes (or text, given `encoding`)."""
        data = render_source(self.source, format or self.format or "svg",
                             engine or self.engine or "dot")
        return data if encoding is None else data.decode(encoding)

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,
               renderer=None, formatter=None, neato_no_op=None, quiet=False, quiet_view=False,
               *, outfile=None, engine=None, raise_if_result_exists=False,
               overwrite_source=False):
        """Save the DOT source and render it next to it (as graphviz.Digraph.render);
        returns the picture's path."""
        fmt = format or (Path(outfile).suffix.lstrip(".") if outfile else None) or \
            self.format or "svg"
        if outfile is not None and filename is None:
            filename = Path(outfile).with_suffix(".gv").name
            directory = directory or str(Path(outfile).parent)
        source_path = self.save(filename, directory=directory)
        out = Path(outfile) if outfile is not None else Path(f"{source_path}.{fmt}")
        if raise_if_result_exists and out.exists():
            raise FileExistsError(f"{out} exists already (raise_if_result_exists=True)")
        out.write_bytes(render_source(self.source, fmt, engine or self.engine or "dot"))
        if cleanup:
            os.remove(source_path)
        if view:
            graphviz.view(str(out), quiet=quiet_view)
        return str(out)
