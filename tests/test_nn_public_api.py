"""`nn` uses only autograd's public API (the developers' guide): every file under nn/ is read
and its syntax tree checked for

* imports of autograd's internal modules (`from autograd.function import ...`,
  `import autograd.ops`), or of names a public module does not export;
* attribute reads of autograd's internals: `autograd._x`, `autograd.tensor.Tensor`,
  `autograd.random._x`, or a name outside a public module's `__all__` (`autograd.random.rng`
  before it joined `__all__` was one);
* the private members of autograd's tensors and backward nodes on any object
  (`t._data`, `Tensor._wrap`, `p._vc`, `ctx._saved`, ...), except names that nn defines for
  its own classes.
"""
import ast
import importlib
import pathlib

import pytest

import autograd
import nn

NN_ROOT = pathlib.Path(nn.__file__).parent
NN_FILES = sorted(str(p.relative_to(NN_ROOT)) for p in NN_ROOT.rglob("*.py"))

# The submodules autograd/__init__.py exposes by name (`from . import dtypes`, `graph`,
# `random`, `scalar`; `viz` and `testing` load on first use). The others (function, engine, ops,
# tensor, tensor_methods, factories, ...) are the implementation.
PUBLIC_MODULES = ("dtypes", "graph", "random", "scalar", "testing", "viz")


def _private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_members(*classes):
    names = set()
    for cls in classes:
        for klass in cls.__mro__:
            names.update(vars(klass))
            names.update(getattr(klass, "__slots__", ()))
    return {n for n in names if _private(n)}


def _names_nn_defines():
    """Underscore members nn gives its own classes (`self._buffers = ...`, a method
    `_get_name`, a class attribute `_version`): an access of one of these is nn's business,
    not autograd's. Module-level helpers (nn.functional's `_wrap`) do not count."""
    names = set()
    for rel in NN_FILES:
        for node in ast.walk(ast.parse((NN_ROOT / rel).read_text())):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        names.add(item.name)
                    elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                        names.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.attr for t in targets if isinstance(t, ast.Attribute)
                             and isinstance(t.value, ast.Name) and t.value.id in ("self", "cls"))
    return names


AUTOGRAD_PRIVATE = (_private_members(autograd.Tensor, autograd.Function._node_base)
                    - _names_nn_defines())


def _exported(module_name, name):
    """Whether `autograd.<module_name>.<name>` is public: not underscored, and in the
    module's `__all__` when it has one."""
    if _private(name):
        return False
    module = importlib.import_module(f"autograd.{module_name}")
    exports = getattr(module, "__all__", None)
    return exports is None or name in exports


def _violations(source):
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "autograd" and len(parts) > 1 and parts[1] not in PUBLIC_MODULES:
                    found.append((line, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.split(".")[0] == "autograd":
            parts = node.module.split(".")
            if len(parts) > 1 and (parts[1] not in PUBLIC_MODULES or len(parts) > 2):
                found.append((line, f"from {node.module} import ..."))
                continue
            for alias in node.names:
                ok = (_exported(parts[1], alias.name) if len(parts) > 1 else
                      not _private(alias.name) and (alias.name in PUBLIC_MODULES or not
                                                   isinstance(getattr(autograd, alias.name,
                                                                      None), type(autograd))))
                if not ok:
                    found.append((line, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id == "autograd":
                value = getattr(autograd, node.attr, None)
                if _private(node.attr) or (isinstance(value, type(autograd))
                                           and node.attr not in PUBLIC_MODULES):
                    found.append((line, f"autograd.{node.attr}"))
            elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) \
                    and base.value.id == "autograd" and base.attr in PUBLIC_MODULES:
                if not _exported(base.attr, node.attr):
                    found.append((line, f"autograd.{base.attr}.{node.attr}"))
            if node.attr in AUTOGRAD_PRIVATE:
                found.append((line, f".{node.attr}"))
    return found


@pytest.mark.parametrize("path", NN_FILES)
def test_nn_uses_only_the_public_autograd_api(path):
    found = _violations((NN_ROOT / path).read_text())
    assert not found, f"nn/{path} uses autograd internals: " + \
        ", ".join(f"line {line}: {what}" for line, what in found)


@pytest.mark.parametrize("source,what", [
    ("from autograd.function import Function", "from autograd.function import ..."),
    ("import autograd.ops.reduce", "import autograd.ops.reduce"),
    ("from autograd.random import _jsonable", "from autograd.random import _jsonable"),
    ("from autograd import _tensor_methods", "from autograd import _tensor_methods"),
    ("from autograd import engine", "from autograd import engine"),
    ("x = autograd.Tensor._wrap(a, None)", "._wrap"),
    ("p._vc[0] += 1", "._vc"),
    ("n = t._data.shape[0]", "._data"),
    ("autograd.engine.backward(t)", "autograd.engine"),
    ("autograd.random.default_generator.np", None),
    ("autograd.dtypes.np.float32", "autograd.dtypes.np"),
    ("autograd.random._jsonable({})", "autograd.random._jsonable"),
    ("autograd.random.rng().random(3)", None),
    ("autograd.from_numpy(a); autograd.no_grad(); t.data; t.numpy()", None),
    ("from autograd.random import rng, fork_rng", None),
    ("import autograd.random", None),
])
def test_the_scan_finds_internal_uses_and_passes_public_ones(source, what):
    found = [w for _, w in _violations(source)]
    assert found == ([what] if what else [])


def test_the_public_modules_exist_and_the_generator_access_is_exported():
    for name in PUBLIC_MODULES:
        assert isinstance(getattr(autograd, name), type(autograd))
    assert "rng" in autograd.random.__all__
    g = autograd.Generator().manual_seed(3)
    assert autograd.random.rng(g) is g.np
    autograd.manual_seed(5)
    first = autograd.random.rng().random(4)
    autograd.manual_seed(5)
    assert (autograd.random.rng().random(4) == first).all()
