"""Checkpoints: `save(obj, f)` / `load(f)` (PyTorch's `torch.save` / `torch.load`), without pickle.

A checkpoint is one file in the safetensors format, so any safetensors reader can open it.
This module writes and reads the format itself (NumPy and the standard library only), so
glassgrad needs no `safetensors` package at run time; the tests check files both ways
against that package:

    [8 bytes: N, little-endian u64] [N bytes: UTF-8 JSON header, space-padded] [tensor bytes]

The header maps each tensor's name to `{"dtype": "F32", "shape": [...], "data_offsets":
[begin, end]}` (offsets into the bytes after the header; the tensors tile them exactly, in
order, C-contiguous and little-endian), plus `"__metadata__": {str: str}`. glassgrad stores
the object's structure there, as JSON text under the key "glassgrad.structure": nested
dicts (keys of any JSON scalar type, ints included, order kept, OrderedDict kept), lists,
tuples, None, bools, ints, strings and floats (inf and nan included), with tensors replaced
by references to their names. A tensor's name is the path of keys to it joined by "."
(`"fc1.weight"`, `"state.0.exp_avg"`), so a flat state dict saves under its own keys. The
same tensor object reached twice (tied weights) is stored once and loads as one tensor.

Departures from PyTorch, and why:
- Nothing is pickled, ever: `load` can never run code from a file, and it refuses pickle
  files (every protocol, 0 to 5) and torch zip files with an error that says how to convert
  them, before reading anything out of them. So arbitrary Python objects (a Module, a
  function, a set, a NumPy object array) cannot be saved; `save` raises TypeError naming the
  key path before writing anything (save `model.state_dict()`).
- `weights_only` (and torch's pickle options: `pickle_module`, `pickle_protocol`, `mmap`, ...)
  are accepted for compatibility and change nothing: loading is always weights-only.
  Tensors load as leaves with requires_grad False (as torch's state dicts do).
- NumPy arrays and scalars round-trip as NumPy; glassgrad dtypes and `Size` round-trip too.
  Containers reached twice are stored (and loaded) as two copies; only tensors are shared.
  Dict subclasses (defaultdict, ...) load as dict, OrderedDict subclasses as OrderedDict.
- Saving to a path is atomic (temporary file in the same directory, flush, fsync,
  `os.replace`, then fsync of the directory): an error while saving leaves the previous
  checkpoint intact and removes the temporary file; a process killed mid-save also leaves
  the previous checkpoint intact, and may leave its hidden temporary file
  (`.NAME.XXXXXXXX.tmp`) beside it. Saving to an open file object writes straight into it.
"""
import json
import math
import os
import sys
import tempfile
from collections import OrderedDict

import numpy as np

from . import dtypes as _dt
from .device import device as _device
from .tensor import Size, Tensor

__all__ = ["save", "load", "CheckpointError"]

STRUCTURE_KEY = "glassgrad.structure"
FORMAT_VERSION = "1"

_CODE_TO_NUMPY = {"F16": "<f2", "F32": "<f4", "F64": "<f8", "I8": "i1", "I16": "<i2",
                  "I32": "<i4", "I64": "<i8", "U8": "u1", "BOOL": "?"}
_NUMPY_TO_CODE = {np.dtype(v).newbyteorder("="): k for k, v in _CODE_TO_NUMPY.items()}
# Read but never written: bfloat16 (common in PyTorch/Hugging Face files), which NumPy and
# glassgrad lack; its values are the top 16 bits of a float32, so it loads as float32 exactly.
_LOAD_ONLY = {"BF16": "<u2"}
_BF16_BITS = np.dtype("<u2")


class CheckpointError(ValueError, RuntimeError):
    """A checkpoint file that cannot be loaded: truncated, corrupt, not safetensors, or a
    pickle. It is both a ValueError and a RuntimeError, so code catching either (torch.load
    raises RuntimeError on corrupt files) sees it."""


# ----------------------------------------------------------------------------- saving
def _path_text(path):
    return "obj" + "".join(f"[{k!r}]" for k in path)


def _kind(obj):
    """A short description of an unsavable object and what to save instead."""
    if hasattr(obj, "state_dict") and hasattr(obj, "parameters"):
        return f"a {type(obj).__name__} module; save its .state_dict() instead"
    if hasattr(obj, "state_dict"):
        return f"a {type(obj).__name__}; save its .state_dict() instead"
    if isinstance(obj, (set, frozenset)):
        return f"a {type(obj).__name__}; convert it to a sorted list"
    if callable(obj):
        return f"a {type(obj).__name__} ({getattr(obj, '__name__', obj)!r}); code is never saved"
    return f"a {type(obj).__name__}"


def _array_code(arr, path):
    code = _NUMPY_TO_CODE.get(arr.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"autograd.save: cannot save the array at {_path_text(path)}: its "
                        f"dtype {arr.dtype} is not one of glassgrad's "
                        f"({', '.join(d.name for d in _dt._ALL)})")
    return code


class _Packer:
    """Walks an object, returning its JSON structure and collecting its tensors."""

    def __init__(self):
        self.arrays = []      # [(name, code, ndarray)] in file order
        self.names = set()
        self.by_id = {}       # id(tensor) -> name, for tensors reached twice
        self.keep = []        # keeps packed tensors alive so ids stay unique
        self.active = set()   # ids of containers being walked (cycle check)

    def _name(self, path):
        base = ".".join(str(k) for k in path) or "tensor"
        name, k = base, 1
        while name in self.names or name == "__metadata__":
            name, k = f"{base}#{k}", k + 1
        self.names.add(name)
        return name

    def _array(self, arr, path):
        if arr.dtype.hasobject or arr.dtype.kind in "SUV":
            raise TypeError(f"autograd.save: cannot save the NumPy {arr.dtype} array at "
                            f"{_path_text(path)}: only numeric and bool arrays can be saved")
        code = _array_code(arr, path)
        name = self._name(path)
        self.arrays.append((name, code, arr))
        return name

    def pack(self, obj, path):
        if isinstance(obj, np.generic):  # before int/float: np.float64 is a float subclass
            return {"npscalar": self._array(np.asarray(obj), path)}
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"float": repr(obj)}
        if isinstance(obj, Tensor):
            key = id(obj)
            if key not in self.by_id:
                self.by_id[key] = self._array(obj._data, path)
                self.keep.append(obj)
            return {"tensor": self.by_id[key]}
        if isinstance(obj, np.ndarray):
            return {"ndarray": self._array(obj, path)}
        if isinstance(obj, _dt.dtype):
            return {"dtype": obj.name}
        if isinstance(obj, (dict, list, tuple)):
            if id(obj) in self.active:
                raise TypeError(f"autograd.save: the container at {_path_text(path)} contains "
                                f"itself; a checkpoint must be a tree")
            self.active.add(id(obj))
            try:
                return self._pack_container(obj, path)
            finally:
                self.active.discard(id(obj))
        raise TypeError(f"autograd.save: cannot save {_kind(obj)} at {_path_text(path)}; a "
                        f"checkpoint holds tensors, arrays, numbers, strings, bools, None and "
                        f"dicts/lists/tuples of them")

    def _pack_container(self, obj, path):
        if isinstance(obj, Size):
            return {"size": [int(s) for s in obj]}
        if isinstance(obj, tuple):
            if hasattr(obj, "_fields"):
                raise TypeError(f"autograd.save: cannot save the namedtuple "
                                f"{type(obj).__name__} at {_path_text(path)}; save "
                                f"obj._asdict() or a plain tuple")
            return {"tuple": [self.pack(v, path + [i]) for i, v in enumerate(obj)]}
        if isinstance(obj, list):
            return [self.pack(v, path + [i]) for i, v in enumerate(obj)]
        items = [[self._pack_key(k, path), self.pack(v, path + [k])] for k, v in obj.items()]
        return {"odict" if isinstance(obj, OrderedDict) else "dict": items}

    def _pack_key(self, key, path):
        if key is None or isinstance(key, (bool, int, str)):
            return key
        if isinstance(key, float):
            return key if math.isfinite(key) else {"float": repr(key)}
        if isinstance(key, tuple) and not hasattr(key, "_fields"):
            return {"tuple": [self._pack_key(k, path) for k in key]}
        raise TypeError(f"autograd.save: cannot save the dict key {key!r} ({type(key).__name__})"
                        f" in {_path_text(path)}; keys must be str, int, float, bool, None or "
                        f"tuples of them")


def _tensor_bytes(arr):
    """The C-contiguous little-endian bytes of an array."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and not
                                      np.little_endian and arr.dtype.itemsize > 1):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return memoryview(arr).cast("B") if arr.size else b""


def _header_bytes(packer, structure):
    header, offset = {}, 0
    for name, code, arr in packer.arrays:
        nbytes = arr.size * arr.dtype.itemsize
        header[name] = {"dtype": code, "shape": [int(s) for s in arr.shape],
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    header["__metadata__"] = {"format": "glassgrad", "glassgrad.version": FORMAT_VERSION,
                              STRUCTURE_KEY: json.dumps(structure, allow_nan=False)}
    text = json.dumps(header, allow_nan=False).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)  # align the tensor bytes to 8, as safetensors does
    return len(text).to_bytes(8, "little") + text


def _write(fh, header, packer):
    fh.write(header)
    for _, _, arr in packer.arrays:
        fh.write(_tensor_bytes(arr))


def _new_file_mode(target):
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save `obj` (tensors, NumPy arrays, numbers, strings, bools, None, and dicts/lists/
    tuples of them, e.g. a state dict or a checkpoint dict) to `f`, a path or a writable
    binary file object, as one safetensors file (see the module docstring).

    `torch.save`'s pickle options are accepted so that calls passing them run unchanged, and
    they change nothing: nothing is ever pickled.

    Everything is checked before anything is written: an unsavable object raises TypeError
    naming its key path (`obj['model']['fc']`). Saving to a path is atomic.
    """
    packer = _Packer()
    try:
        structure = packer.pack(obj, [])
        header = _header_bytes(packer, structure)
    except RecursionError:
        raise ValueError(f"autograd.save: the object is nested too deeply (deeper than "
                         f"Python's recursion limit, {sys.getrecursionlimit()}); flatten "
                         f"it before saving") from None
    if hasattr(f, "write") and not isinstance(f, (str, bytes, os.PathLike)):
        _write(f, header, packer)
        return
    if not isinstance(f, (str, os.PathLike)):
        raise TypeError(f"autograd.save: f must be a path or a binary file object with "
                        f"write(), got {type(f).__name__}")
    target = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(target))
    mode = _new_file_mode(target)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            _write(fh, header, packer)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- loading
def _looks_like_safetensors(data):
    """An 8-byte header length that fits in the file, followed by a JSON object."""
    return (len(data) > 8 and int.from_bytes(bytes(data[:8]), "little") <= len(data) - 8
            and bytes(data[8:9]) == b"{")


# The opcodes a protocol 0 or 1 pickle (no PROTO header) can start with: MARK, GLOBAL, the
# empty containers, and the ints, floats, strings and None of a bare pickled value.
_TEXT_PICKLE_FIRST = frozenset(b"(c]})NIJKLMFGSTUVXBC\x88\x89")


def _looks_like_text_pickle(data):
    """A protocol 0/1 pickle: a known first opcode and the STOP opcode `.` as the last
    byte (protocol 2+ pickles start with PROTO, b'\\x80', and are caught before this)."""
    return len(data) >= 2 and int(data[0]) in _TEXT_PICKLE_FIRST and int(data[-1]) == ord(".")


def _refuse_foreign(data, where):
    """Refuse pickles (raw, from protocol 2, or torch's zip) and .npy files up front."""
    if _looks_like_safetensors(data):
        return
    prefix = bytes(data[:8])
    if prefix[:2] == b"PK" or prefix[:1] == b"\x80" or _looks_like_text_pickle(data):
        raise CheckpointError(
            f"{where}: this looks like a pickle file (torch.save's zip or pickle format), not "
            f"a glassgrad checkpoint. glassgrad never unpickles files, because unpickling can "
            f"run arbitrary code. To convert a PyTorch checkpoint you trust, run in PyTorch: "
            f"`sd = torch.load(path, weights_only=True)` then "
            f"`safetensors.torch.save_file(sd, 'model.safetensors')` (for a flat dict of "
            f"tensors) and load that with autograd.load")
    if prefix[:6] == b"\x93NUMPY":
        raise CheckpointError(f"{where}: this is a NumPy .npy file, not a glassgrad "
                              f"checkpoint; read it with numpy.load(allow_pickle=False)")


def _parse_header(data, where):
    if len(data) < 8:
        raise CheckpointError(f"{where}: the file is {len(data)} bytes, too short for a "
                              f"safetensors header (truncated or not a checkpoint)")
    n = int.from_bytes(bytes(data[:8]), "little")
    if n > len(data) - 8:
        raise CheckpointError(f"{where}: the header length {n} goes beyond the file size "
                              f"{len(data)} (truncated or not a checkpoint)")
    try:
        header = json.loads(bytes(data[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(f"{where}: the header is not valid UTF-8 JSON ({e})") from None
    except RecursionError:
        raise CheckpointError(f"{where}: the header's JSON is nested too deeply to be a "
                              f"checkpoint; the file is corrupt or malicious") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{where}: the header is a JSON {type(header).__name__}, "
                              f"expected an object")
    return header, 8 + n


def _check_entries(header, buffer_size, where):
    """Validate each tensor entry; return {name: (numpy dtype, shape, begin, end)}."""
    entries = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise CheckpointError(f"{where}: tensor {name!r} must have exactly dtype, shape "
                                  f"and data_offsets, got {info!r}")
        code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if code not in _CODE_TO_NUMPY and code not in _LOAD_ONLY:
            raise CheckpointError(f"{where}: tensor {name!r} has dtype {code!r}, which "
                                  f"glassgrad cannot load (known: "
                                  f"{', '.join(list(_CODE_TO_NUMPY) + list(_LOAD_ONLY))})")
        if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
            raise CheckpointError(f"{where}: tensor {name!r} has a bad shape {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(type(o) is int for o in offsets)
                or not 0 <= offsets[0] <= offsets[1]):
            raise CheckpointError(f"{where}: tensor {name!r} has bad data_offsets {offsets!r}")
        begin, end = offsets
        if end > buffer_size:
            raise CheckpointError(f"{where}: tensor {name!r} ends at byte {end} but the data "
                                  f"holds {buffer_size} bytes (offsets out of range; truncated "
                                  f"file?)")
        dtype = np.dtype(_CODE_TO_NUMPY.get(code) or _LOAD_ONLY[code])
        expected = math.prod(shape) * dtype.itemsize
        if end - begin != expected:
            raise CheckpointError(f"{where}: tensor {name!r} of dtype {code} and shape {shape} "
                                  f"needs {expected} bytes but its data_offsets {offsets} span "
                                  f"{end - begin}")
        entries[name] = (dtype, tuple(shape), begin, end)
    position = 0
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda e: e[1][2:]):
        if begin < position:
            raise CheckpointError(f"{where}: tensor {name!r} at bytes [{begin}, {end}) overlaps "
                                  f"the tensor before it, which ends at {position}")
        if begin > position:
            raise CheckpointError(f"{where}: bytes [{position}, {begin}) before tensor {name!r} "
                                  f"belong to no tensor")
        position = end
    if position != buffer_size:
        raise CheckpointError(f"{where}: the data holds {buffer_size} bytes but the tensors "
                              f"cover {position}; the file is corrupt")
    return entries


def _check_map_location(map_location):
    if map_location is None or callable(map_location):
        return
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    for target in targets:
        _device(target)._check_available()


def _relocate(t, map_location):
    if callable(map_location) and not isinstance(map_location, (dict, str, _device)):
        moved = map_location(t, "cpu")
        return moved if isinstance(moved, Tensor) else t
    return t


class _Unpacker:
    def __init__(self, tensors, where):
        self.tensors = tensors
        self.where = where

    def _fail(self, what):
        raise CheckpointError(f"{self.where}: the stored structure is corrupt: {what}")

    def tensor(self, name):
        if not isinstance(name, str) or name not in self.tensors:
            self._fail(f"it refers to a tensor {name!r} that is not in the file")
        return self.tensors[name]

    def unpack(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.unpack(v) for v in node]
        if not isinstance(node, dict) or len(node) != 1:
            self._fail(f"unexpected node {node!r}")
        (tag, value), = node.items()
        if tag == "tensor":
            return self.tensor(value)
        if tag == "ndarray":
            return self.tensor(value)._data
        if tag == "npscalar":
            return self.tensor(value)._data[()]
        if tag == "float" and value in ("inf", "-inf", "nan"):
            return float(value)
        if tag == "tuple" and isinstance(value, list):
            return tuple(self.unpack(v) for v in value)
        if tag == "size" and isinstance(value, list):
            return Size(int(v) for v in value)
        if tag == "dtype" and isinstance(value, str):
            try:
                return _dt.to_dtype(value)
            except TypeError:
                self._fail(f"unknown dtype {value!r}")
        if tag in ("dict", "odict") and isinstance(value, list):
            out = OrderedDict() if tag == "odict" else {}
            for item in value:
                if not isinstance(item, list) or len(item) != 2:
                    self._fail(f"a dict item {item!r} is not a [key, value] pair")
                key = self.unpack(item[0])
                try:
                    out[key] = self.unpack(item[1])
                except TypeError:
                    self._fail(f"the dict key {item[0]!r} is not hashable")
            return out
        self._fail(f"unknown node {{{tag!r}: ...}}")


def _read_whole(fh):
    """The file's bytes as one writable uint8 array (read once, no further copy: aligned
    native tensors load as views of it, as a memory map would give them)."""
    buf = np.empty(os.fstat(fh.fileno()).st_size, dtype=np.uint8)
    view, filled = memoryview(buf), 0
    while filled < len(buf):
        got = fh.readinto(view[filled:])
        if not got:
            break
        filled += got
    return buf[:filled]


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Load what `save` wrote (or any safetensors file) from `f`, a path or a readable binary
    file object. Returns the saved structure with glassgrad Tensors (leaves, requires_grad
    False); a safetensors file written elsewhere loads as a dict {name: Tensor}.

    `map_location` may be None, "cpu", a device, a dict of locations, or a callable
    `fn(tensor, "cpu")` returning a tensor; glassgrad has only the CPU, so any other target
    device is an error. `weights_only`, `pickle_module`, `mmap` and `**pickle_load_args` are
    accepted so that `torch.load` calls run unchanged, and change nothing: glassgrad always
    loads weights only, never unpickles and never runs code from a file (pickle and torch zip
    files are refused), and reads the file into memory once (aligned tensors are views of
    that buffer, so there is no second copy to save with a memory map).
    A corrupt or truncated file raises `CheckpointError` naming the file and the problem.
    bfloat16 tensors (dtype BF16, which glassgrad lacks) load as the float32 tensors of the
    same values.
    """
    _check_map_location(map_location)
    if hasattr(f, "read") and not isinstance(f, (str, bytes, os.PathLike)):
        where = f"autograd.load({getattr(f, 'name', type(f).__name__)!r})"
        raw = f.read()
        if not isinstance(raw, (bytes, bytearray)):
            raise TypeError(f"{where}: the file object must be opened in binary mode")
        data = np.frombuffer(raw, dtype=np.uint8)
    elif isinstance(f, (str, os.PathLike)):
        where = f"autograd.load({os.fspath(f)!r})"
        with open(f, "rb") as fh:
            data = _read_whole(fh)
    else:
        raise TypeError(f"autograd.load: f must be a path or a binary file object with read(),"
                        f" got {type(f).__name__}")
    _refuse_foreign(data, where)
    header, start = _parse_header(data, where)
    metadata = header.get("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in metadata.items()):
        raise CheckpointError(f"{where}: __metadata__ must map strings to strings")
    entries = _check_entries(header, len(data) - start, where)
    tensors = {}
    for name, (dtype, shape, begin, end) in entries.items():
        arr = data[start + begin:start + end].view(dtype).reshape(shape)
        if dtype.kind == "b" and arr.view(np.uint8).max(initial=0) > 1:
            raise CheckpointError(f"{where}: tensor {name!r} is BOOL but holds bytes other "
                                  f"than 0 and 1; the file is corrupt")
        if dtype == _BF16_BITS:                   # bfloat16 -> the float32 it stands for
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        elif not (arr.flags.aligned and arr.flags.writeable and dtype.isnative):
            arr = arr.astype(dtype.newbyteorder("="), copy=True)
        tensors[name] = _relocate(Tensor._wrap(arr, None), map_location)
    if STRUCTURE_KEY not in metadata:
        return dict(tensors)
    try:
        structure = json.loads(metadata[STRUCTURE_KEY])
        return _Unpacker(tensors, where).unpack(structure)
    except ValueError as e:
        if isinstance(e, CheckpointError):
            raise
        raise CheckpointError(f"{where}: the stored structure is not valid JSON ({e})") from None
    except RecursionError:
        raise CheckpointError(f"{where}: the stored structure is nested too deeply (deeper "
                              f"than Python's recursion limit, {sys.getrecursionlimit()}); "
                              f"the file is corrupt or was not written by autograd.save") \
            from None

