"""Reading what the user points at: files, folders and standard input, with clear refusals.

Every refusal is one line that names the file and the problem, never the file's text.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown")
DEFAULT_MAX_MB = 10.0
STDIN = "-"
_SNIFF_BYTES = 8192
_SKIPPED_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"}


@dataclass(frozen=True)
class Source:
    """Something to lint: a file path, or standard input (``path == "-"``)."""

    path: str
    from_folder: bool = False

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


class BinaryFileError(InputError):
    """A file that holds binary data rather than text."""


def collect(arguments: list[str]) -> Iterator[Source]:
    """Expand the command-line arguments: files as given, folders recursively, '-' for stdin."""
    for argument in arguments:
        if argument == STDIN:
            yield Source(STDIN)
            continue
        path = Path(argument)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield Source(argument)
        elif path.exists():
            raise InputError(f"{argument}: not a regular file or folder")
        else:
            raise InputError(f"{argument}: no such file or folder")


def _walk(folder: Path) -> Iterator[Source]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(SUPPORTED_SUFFIXES) and not name.startswith("."):
                yield Source(str(Path(root) / name), from_folder=True)


def read(source: Source, encoding: str | None = None, max_mb: float = DEFAULT_MAX_MB) -> str:
    """The text of a source, decoded; raises InputError with a one-line reason."""
    limit = int(max_mb * 1024 * 1024)
    name = "standard input" if source.is_stdin else source.path
    if source.is_stdin:
        data = _read_limited(sys.stdin.buffer, limit, name, max_mb)
    else:
        try:
            size = os.path.getsize(source.path)
            if size > limit:
                raise InputError(
                    f"{name}: file is {size / 1048576:.1f} MB, over the {max_mb:g} MB limit; "
                    "split it or raise the limit with --max-size"
                )
            with open(source.path, "rb") as handle:
                data = _read_limited(handle, limit, name, max_mb)
        except PermissionError:
            raise InputError(f"{name}: permission denied") from None
        except IsADirectoryError:
            raise InputError(f"{name}: is a folder") from None
        except FileNotFoundError:
            raise InputError(f"{name}: no such file or folder") from None
        except OSError as exc:
            raise InputError(
                f"{name}: cannot read ({exc.strerror or exc.__class__.__name__})"
            ) from None
    return decode(data, name, encoding)


def _read_limited(handle: BinaryIO, limit: int, name: str, max_mb: float) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"{name}: input is over the {max_mb:g} MB limit; "
            "split it or raise the limit with --max-size"
        )
    return data


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode bytes: a byte-order mark wins, then the given encoding, then strict UTF-8."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}' given with --encoding") from None
    for bom, bom_encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            encoding = bom_encoding
            break
    else:
        if b"\x00" in data[:_SNIFF_BYTES]:
            raise BinaryFileError(f"{name}: binary file, not text")
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        used = encoding or "utf-8"
        hint = "" if encoding else "; save it as UTF-8 or pass --encoding (for example cp1252)"
        raise InputError(f"{name}: not valid {used} at byte {exc.start}{hint}") from None
