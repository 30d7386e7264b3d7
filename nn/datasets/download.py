"""Checksummed, resumable, atomic downloads (urllib only) into a cache folder.

`download_url(url, folder, md5=...)` fetches `url` into `folder/<filename>`:

* the bytes go to `<filename>.part`; if a `.part` file is already there (an interrupted
  download), the request asks for the rest only (`Range: bytes=<size>-`) and appends; a
  server that ignores Range (answers 200) makes it start over;
* when the transfer is complete the md5 is checked; only then is the part file renamed to
  its final name (`os.replace`, atomic on one file system), so the final file is either
  absent or whole and verified, never partial;
* a wrong checksum deletes the part file and raises `ChecksumError` naming the file and
  both checksums (after a resumed transfer it first starts over once, in case the kept part
  file was stale); an existing final file with the right checksum is not fetched again;
* a connection that closes before Content-Length bytes arrived raises ConnectionError and
  keeps the part file for the next call to resume.

`download_from_mirrors(filename, mirrors, folder, md5)` tries each mirror in turn (network
error, HTTP error or checksum mismatch -> next mirror) and raises one error listing what
went wrong with each when none works.
"""
import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["ChecksumError", "DownloadError", "cache_dir", "md5sum", "download_url",
           "download_from_mirrors", "mirrors_from_env"]

USER_AGENT = "glassgrad"
_CHUNK = 1 << 16


class ChecksumError(RuntimeError):
    """A downloaded file whose md5 is not the published one."""


class DownloadError(RuntimeError):
    """No mirror could deliver a file."""


def cache_dir():
    """glassgrad's cache folder: $GLASSGRAD_CACHE, else ~/.cache/glassgrad (not created)."""
    env = os.environ.get("GLASSGRAD_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "glassgrad"


def md5sum(path, chunk_size=1 << 20):
    """Hex md5 digest of the file at `path`."""
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            h.update(chunk)
    return h.hexdigest()


def mirrors_from_env(var, default):
    """The mirror list from environment variable `var` (comma or space separated base
    URLs), else `default`."""
    value = os.environ.get(var, "").replace(",", " ").split()
    return list(value) if value else list(default)


def _log(quiet, message):
    if not quiet:
        print(message, file=sys.stderr)


def _check_md5(part, final_name, md5):
    if md5 is None:
        return
    got = md5sum(part)
    if got != md5.lower():
        os.remove(part)
        raise ChecksumError(f"checksum mismatch for {final_name}: expected md5 {md5}, got "
                            f"{got}; the partial download was deleted")


def _content_range_start(response):
    value = response.headers.get("Content-Range", "")
    # "bytes 100-199/200"
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def download_url(url, folder, filename=None, md5=None, *, timeout=30.0, quiet=True):
    """Download `url` into `folder/filename` (default: the URL's last path segment) and
    return the final path; see the module docstring for resuming and atomicity.

    Raises `ChecksumError` when `md5` is given and does not match (the part file is
    deleted), `urllib.error.URLError`/`HTTPError`/`OSError` on network failure (the part
    file is kept so a later call resumes; a connection closed early raises ConnectionError).
    """
    folder = Path(folder)
    filename = filename or url.rstrip("/").rsplit("/", 1)[-1]
    if not filename:
        raise ValueError(f"download_url: cannot take a file name from url {url!r}; pass "
                         f"filename=")
    final = folder / filename
    if final.is_file() and (md5 is None or md5sum(final) == md5.lower()):
        return final
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / (filename + ".part")
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if have:
        request.add_header("Range", f"bytes={have}-")
    _log(quiet, f"Downloading {url} to {final}" + (f" (resuming at byte {have})" if have
                                                    else ""))
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code != 416 or not have:
            raise
        # Range not satisfiable: the part file already holds everything (or is bad).
        e.close()
        try:
            _check_md5(part, filename, md5)
        except ChecksumError:
            return download_url(url, folder, filename, md5, timeout=timeout, quiet=quiet)
        os.replace(part, final)
        return final
    with response:
        status = getattr(response, "status", 200)
        if have and status == 206 and _content_range_start(response) != have:
            # A partial answer that does not continue where the part file stops: start over.
            response.close()
            os.remove(part)
            return download_url(url, folder, filename, md5, timeout=timeout, quiet=quiet)
        expected = response.headers.get("Content-Length")
        received = 0
        with open(part, "ab" if status == 206 else "wb") as out:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                received += len(chunk)
    if expected is not None and expected.isdigit() and received < int(expected):
        raise ConnectionError(f"download of {url} stopped after {received} of {expected} "
                              f"bytes; {part.name} is kept and the next call resumes it")
    try:
        _check_md5(part, filename, md5)
    except ChecksumError:
        if not have:
            raise
        # The kept part file may be stale (another file's bytes): start over once.
        return download_url(url, folder, filename, md5, timeout=timeout, quiet=quiet)
    os.replace(part, final)
    return final


def download_from_mirrors(filename, mirrors, folder, md5=None, *, timeout=30.0, quiet=True):
    """Fetch `filename` from the first of `mirrors` (base URLs) that delivers it with the
    right md5, into `folder`; returns the final path. Raises `DownloadError` listing each
    mirror's failure when none works."""
    if not mirrors:
        raise ValueError(f"download_from_mirrors: no mirrors given for {filename}")
    failures = []
    for i, base in enumerate(mirrors):
        url = base.rstrip("/") + "/" + filename
        try:
            return download_url(url, folder, filename, md5, timeout=timeout, quiet=quiet)
        except (ChecksumError, OSError, http.client.HTTPException, ValueError) as e:
            failures.append(f"  {url}: {e}")
            if i + 1 < len(mirrors):
                _log(quiet, f"Failed to download {url} ({e}); trying the next mirror")
    raise DownloadError(f"could not download {filename} into {folder} from any mirror:\n"
                        + "\n".join(failures))
