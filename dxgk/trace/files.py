"""Trace files on disk: plain or compressed, chosen by the file name's extension.

``run.jsonl`` is plain JSON Lines; ``run.jsonl.gz`` is gzip (the standard library);
``run.jsonl.zst`` is Zstandard (the ``zstandard`` package, ``pip install 'dxgk[zstd]'``).
The recorder writes, and the decoder and :func:`dxgk.trace.iter_lines` read, through
:func:`open_write` / :func:`open_read`, so every tool takes every form.

What it owns: the extension table, :func:`compression_of`, :func:`open_read` (a binary
stream of the decompressed bytes) and :func:`open_write` (a text stream that compresses).

Invariant kept: the name alone decides the form, for reading and writing alike; a name
that asks for a compressor that is not installed is an ``OSError`` naming the package to
install -- never a file written or read in another form than its name says.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from typing import IO, Any, Final

# extension -> compression ("" = none)
_EXTENSIONS: Final[dict[str, str]] = {".gz": "gzip", ".zst": "zstd"}


def compression_of(path: str | os.PathLike[str]) -> str:
    """"gzip", "zstd" or "" (plain) for a trace file name."""
    return _EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower(), "")


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise OSError("a .zst trace needs the zstandard package: pip install 'dxgk[zstd]' "
                      "(or pip install zstandard)") from None
    return zstandard


class _ZstdReader(io.RawIOBase):
    """The decompressed bytes of a .zst file (its frames one after another), closing the
    file with the stream."""

    def __init__(self, path: str) -> None:
        self._raw = open(path, "rb")  # noqa: SIM115 (closed with the stream)
        try:
            self._r = _zstd().ZstdDecompressor().stream_reader(self._raw,
                                                              read_across_frames=True)
        except BaseException:
            self._raw.close()
            raise

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            return int(self._r.readinto(b))
        except _zstd().ZstdError as e:
            raise OSError(f"{self._raw.name}: not a valid .zst file ({e})") from None

    def close(self) -> None:
        if not self.closed:
            self._r.close()
            self._raw.close()
        super().close()


class _GzipReader(gzip.GzipFile):
    """gzip.GzipFile whose format errors are one OSError naming the file (gzip raises
    BadGzipFile for a bad header, EOFError for a cut stream, zlib.error for bad data)."""

    def _fail(self, e: Exception) -> OSError:
        what = ("it is cut short (the compressed stream ends before its end marker)"
                if isinstance(e, EOFError) else f"not a valid .gz file ({e})")
        return OSError(f"{self.name}: {what}")

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (EOFError, OSError, zlib.error) as e:
            raise self._fail(e) from None

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return super().readline(size)
        except (EOFError, OSError, zlib.error) as e:
            raise self._fail(e) from None


def open_read(path: str | os.PathLike[str]) -> IO[bytes]:
    """A buffered binary stream of the trace's bytes, decompressed as its name says."""
    p = os.fspath(path)
    kind = compression_of(p)
    if kind == "gzip":
        return _GzipReader(p, "rb")      # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(p), 1 << 20)
    return open(p, "rb")


def open_write(path: str | os.PathLike[str]) -> IO[str]:
    """A text stream (UTF-8, "\\n" line ends) that writes the trace compressed as its name
    says. Closing it finishes the compressed stream and closes the file."""
    p = os.fspath(path)
    kind = compression_of(p)
    if kind == "gzip":
        # level 6: close to the ratio of level 9 at a fraction of its time
        return gzip.open(p, "wt", compresslevel=6, encoding="utf-8", newline="\n")
    if kind == "zstd":
        zstandard = _zstd()
        stream: IO[str] = zstandard.open(p, "w", cctx=zstandard.ZstdCompressor(level=3),
                                         encoding="utf-8", newline="\n")
        return stream
    return open(p, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
