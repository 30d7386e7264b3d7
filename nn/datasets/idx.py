"""The IDX file format (MNIST's): read and write, gzip-compressed or plain.

An IDX file is a header followed by the raw values, all big-endian:

    bytes 0-1   0x00 0x00                 (the magic prefix)
    byte  2     type code                 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                                          0x0D float32, 0x0E float64
    byte  3     ndim                      number of dimensions
    then ndim   uint32 sizes              (e.g. 10000, 28, 28)
    then        prod(sizes) values        in C order

So the first four bytes `00 00 08 03` mean "uint8, 3 dimensions" (MNIST's images) and
`00 00 08 01` "uint8, 1 dimension" (its labels). Compression is detected from the content
(gzip's magic bytes `1f 8b`), not from the file name, so a `.gz` name holding plain bytes
or a plain name holding gzip both read correctly.

`read_idx` returns a NumPy array (native byte order) rather than a tensor: it is a file
format utility that the dataset classes wrap; `autograd.from_numpy(read_idx(p))` makes a
tensor without copying.
"""
import gzip
import os
import zlib

import numpy as np

__all__ = ["IDXError", "read_idx", "write_idx", "read_idx_bytes", "idx_bytes",
           "is_gzip", "GZIP_MAGIC"]

GZIP_MAGIC = b"\x1f\x8b"

# type code -> big-endian NumPy dtype, and back
_CODE_TO_DTYPE = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
                  0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_KIND_TO_CODE = {(d.kind, d.itemsize): code for code, d in _CODE_TO_DTYPE.items()}


class IDXError(ValueError):
    """A file that is not a valid IDX file (bad magic, truncated, sizes that do not add up)."""


def is_gzip(path):
    """True when the file at `path` starts with gzip's magic bytes `1f 8b`."""
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def _read_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise IDXError(f"{path}: corrupt or truncated gzip data ({e}); delete the file and "
                       f"download it again") from None


def read_idx(path, expect_ndim=None):
    """Read an IDX file (gzip-compressed or plain) into a NumPy array in native byte order.

    `expect_ndim`, when given, is checked against the header (3 for image files, 1 for
    labels), so a labels file passed as images fails with a clear message.
    Raises `IDXError` (a ValueError) naming the file and what is wrong, and
    FileNotFoundError when the file does not exist.
    """
    path = os.fspath(path)
    return read_idx_bytes(_read_bytes(path), name=path, expect_ndim=expect_ndim)


def read_idx_bytes(data, name="<bytes>", expect_ndim=None):
    """Parse the (decompressed) bytes of an IDX file; see `read_idx`."""
    data = bytes(data)
    if len(data) < 4:
        raise IDXError(f"{name}: truncated IDX file: {len(data)} bytes, the header alone "
                       f"needs at least 4")
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{name}: not an IDX file: magic number starts with "
                       f"{data[:4].hex(' ')}, expected '00 00' followed by a type code and "
                       f"ndim (MNIST images start '00 00 08 03', labels '00 00 08 01')")
    code, ndim = data[2], data[3]
    if code not in _CODE_TO_DTYPE:
        known = ", ".join(f"0x{c:02X} {d.name}" for c, d in _CODE_TO_DTYPE.items())
        raise IDXError(f"{name}: unknown IDX type code 0x{code:02X} in magic number "
                       f"{data[:4].hex(' ')} (known: {known})")
    if expect_ndim is not None and ndim != expect_ndim:
        raise IDXError(f"{name}: IDX header says {ndim} dimension(s), expected {expect_ndim} "
                       f"(image files have 3, label files 1; are the file names swapped?)")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise IDXError(f"{name}: truncated IDX file: header declares {ndim} dimensions "
                       f"({header_len} header bytes) but the file has {len(data)} bytes")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _CODE_TO_DTYPE[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    body = len(data) - header_len
    if body < expected:
        raise IDXError(f"{name}: truncated IDX file: dims {shape} of {dtype.name} need "
                       f"{expected} data bytes, found {body}; delete the file and get it "
                       f"again")
    if body > expected:
        raise IDXError(f"{name}: IDX dims mismatch: dims {shape} of {dtype.name} account "
                       f"for {expected} data bytes but the file has {body} "
                       f"({body - expected} extra)")
    arr = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header_len)
    return arr.reshape(shape).astype(dtype.newbyteorder("="), copy=True)


def idx_bytes(array):
    """The IDX encoding (uncompressed) of `array` (a NumPy array or tensor)."""
    arr = np.asarray(getattr(array, "_data", array))
    key = (arr.dtype.kind, arr.dtype.itemsize)
    if key not in _KIND_TO_CODE:
        raise TypeError(f"write_idx: IDX has no type for dtype {arr.dtype} (supported: "
                        f"uint8, int8, int16, int32, float32, float64)")
    if arr.ndim > 255 or any(s >= 2 ** 32 for s in arr.shape):
        raise ValueError(f"write_idx: shape {arr.shape} does not fit an IDX header "
                         f"(at most 255 dims, each < 2**32)")
    code = _KIND_TO_CODE[key]
    header = bytes([0, 0, code, arr.ndim]) + np.asarray(arr.shape, dtype=">u4").tobytes()
    return header + np.ascontiguousarray(arr, dtype=_CODE_TO_DTYPE[code]).tobytes()


def write_idx(path, array, compress=None):
    """Write `array` (NumPy array or tensor) as an IDX file at `path`; returns the path.

    `compress=None` gzips when the name ends in `.gz`; True/False force it. The file is
    written to `path + '.tmp'` and renamed, so a reader never sees half a file.
    """
    path = os.fspath(path)
    data = idx_bytes(array)
    if compress is None:
        compress = path.endswith(".gz")
    if compress:
        data = gzip.compress(data, mtime=0)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path
