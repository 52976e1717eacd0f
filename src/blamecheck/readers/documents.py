"""Reading what the user points at: files, folders and standard input, with clear refusals.

Every refusal is one line that names the file and the problem, never the file's text.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pathspec

from blamecheck.errors import InputError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown")  # what `fix` can rewrite in place
CHECKED_SUFFIXES = (*SUPPORTED_SUFFIXES, ".docx")  # what `check` reads by default
DEFAULT_MAX_MB = 10.0
STDIN = "-"
_SNIFF_BYTES = 8192
# pictures, PDFs and archives whose first bytes may hold no NUL: still not text
_BINARY_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_SETTINGS_FILES = {"blamecheck.toml", "pyproject.toml"}  # not documents, not worth a notice
_SKIPPED_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"}
GITIGNORE = ".gitignore"

Excluded = Callable[[Path, bool], bool]
"""Whether a path met while walking a folder is left out: (path, is it a folder)."""


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


class Patterns:
    """gitignore-style patterns read relative to one folder (a .gitignore's, a configuration
    file's, the current folder for --exclude), matched as git matches them."""

    def __init__(self, base: Path, lines: Iterable[str]):
        self.base = Path(os.path.abspath(base))
        try:
            self.spec = pathspec.GitIgnoreSpec.from_lines(list(lines))
        except (ValueError, TypeError) as exc:  # pathspec's pattern errors are ValueErrors
            raise InputError(f"not a valid gitignore-style pattern ({exc})") from None

    def decides(self, path: Path, is_dir: bool) -> bool | None:
        """True: the patterns leave the path out; False: a "!" pattern takes it back in;
        None: no pattern names it.

        A path outside the base folder (a folder beside the current one given to --exclude,
        a --config kept elsewhere) is matched by its name alone, so that "drafts/" or
        "*.bak.md" still work there; a pattern with a folder in it cannot match it.
        """
        absolute = Path(os.path.abspath(path))
        try:
            relative = absolute.relative_to(self.base)
        except ValueError:
            try:  # the same folder reached through a symbolic link
                relative = absolute.resolve().relative_to(self.base.resolve())
            except ValueError:
                relative = Path(absolute.name)
        if not relative.parts:
            return None
        return self.spec.check_file(relative.as_posix() + ("/" if is_dir else "")).include


def collect(
    arguments: list[str],
    suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES,
    skipped: list[str] | None = None,
    excluded: Excluded | None = None,
    gitignore: bool = False,
) -> Iterator[Source]:
    """Expand the command-line arguments: files as given, folders recursively, '-' for stdin.

    Inside folders only files with ``suffixes`` are taken; the others are added to
    ``skipped`` so that the caller can say so (hidden files and folders are passed over).
    Inside folders, too, what ``excluded`` names is left out, and with ``gitignore`` what
    git's ignore files leave out; a file named on the command line is always read.
    """
    for argument in arguments:
        if argument == STDIN:
            yield Source(STDIN)
            continue
        path = Path(argument)
        if path.is_dir():
            ignores = _GitIgnores(path) if gitignore else None
            yield from _walk(path, suffixes, skipped, excluded, ignores)
        elif path.is_file():
            yield Source(argument)
        elif path.exists():
            raise InputError(f"{argument}: not a regular file or folder")
        else:
            raise InputError(f"{argument}: no such file or folder")


class _GitIgnores:
    """The ignore files git reads for a folder: .git/info/exclude, then each .gitignore from
    the repository's root down, a deeper one overriding a higher one. Outside a repository
    the .gitignore files inside the walked folder still count, none above it."""

    def __init__(self, top: Path):
        self.levels: dict[Path, list[Patterns]] = {}
        top = Path(os.path.abspath(top))
        root = next((d for d in (top, *top.parents) if (d / ".git").exists()), None)
        inherited: list[Patterns] = []
        if root is not None:
            info = root / ".git" / "info" / "exclude"
            inherited.extend(_read_patterns(root, info))
            below_root = [d for d in (top, *top.parents) if d == root or root in d.parents]
            for folder in reversed(below_root[1:]):  # the walked folder reads its own below
                inherited.extend(_read_patterns(folder, folder / GITIGNORE))
        self.levels[top.parent] = inherited

    def enter(self, folder: Path) -> None:
        """Read the folder's own .gitignore (its parent has been entered already)."""
        folder = Path(os.path.abspath(folder))
        above = self.levels.get(folder.parent, [])
        self.levels[folder] = above + _read_patterns(folder, folder / GITIGNORE)

    def ignored(self, path: Path, is_dir: bool) -> bool:
        folder = Path(os.path.abspath(path)).parent
        for patterns in reversed(self.levels.get(folder, [])):
            decision = patterns.decides(path, is_dir)
            if decision is not None:
                return decision
        return False


def _read_patterns(base: Path, path: Path) -> list[Patterns]:
    """One ignore file's patterns; one that cannot be read ignores nothing, as with git."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return [Patterns(base, lines)]
    except (OSError, InputError):
        return []


def _walk(
    folder: Path,
    suffixes: tuple[str, ...],
    skipped: list[str] | None,
    excluded: Excluded | None = None,
    ignores: _GitIgnores | None = None,
) -> Iterator[Source]:
    def kept(path: Path, is_dir: bool) -> bool:
        if ignores is not None and ignores.ignored(path, is_dir):
            return False
        return excluded is None or not excluded(path, is_dir)

    for root, dirs, files in os.walk(folder):
        here = Path(root)
        if ignores is not None:
            ignores.enter(here)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _SKIPPED_DIRS and not d.startswith(".") and kept(here / d, True)
        )
        for name in sorted(files):
            if name.startswith(".") or not kept(here / name, False):
                continue
            if name.lower().endswith(suffixes):
                yield Source(str(here / name), from_folder=True)
            elif skipped is not None and name not in _SETTINGS_FILES:
                skipped.append(str(here / name))


def skipped_notice(skipped: list[str], suffixes: tuple[str, ...]) -> str:
    """One line for the files a folder held that are not checked: how many, and a few names."""
    shown = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
    kinds = ", ".join(suffixes)
    noun = "file that is" if len(skipped) == 1 else "files that are"
    return f"skipped {len(skipped)} {noun} not {kinds}: {shown}"


def read(source: Source, encoding: str | None = None, max_mb: float = DEFAULT_MAX_MB) -> str:
    """The text of a source, decoded; raises InputError with a one-line reason."""
    return read_with_encoding(source, encoding, max_mb)[0]


def read_with_encoding(
    source: Source, encoding: str | None = None, max_mb: float = DEFAULT_MAX_MB
) -> tuple[str, str]:
    """The text and the codec that decoded it, so that a rewrite is saved the same way."""
    limit = int(max_mb * 1024 * 1024)
    name = "standard input" if source.is_stdin else source.path
    if source.is_stdin:
        data = _read_limited(sys.stdin.buffer, limit, name, max_mb)
    else:
        data = read_bytes(source.path, max_mb)
    return decode_with_encoding(data, name, encoding)


def read_bytes(path: str, max_mb: float | None) -> bytes:
    """A file's bytes, refusing with one line a missing, unreadable or oversized file
    (``max_mb`` None: no limit, for a file already read once within it)."""
    limit = int(max_mb * 1024 * 1024) if max_mb is not None else -1
    try:
        size = os.path.getsize(path)
        if max_mb is not None and size > limit:
            raise InputError(
                f"{path}: file is {size / 1048576:.1f} MB, over the {max_mb:g} MB limit; "
                "split it or raise the limit with --max-size"
            )
        with open(path, "rb") as handle:
            if max_mb is None:
                return handle.read()
            return _read_limited(handle, limit, path, max_mb)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or folder") from None
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read ({exc.strerror or exc.__class__.__name__})"
        ) from None


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
    return decode_with_encoding(data, name, encoding)[0]


def decode_with_encoding(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """The decoded text and the codec used (``utf-8-sig`` keeps a byte-order mark on saving)."""
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
        if b"\x00" in data[:_SNIFF_BYTES] or data.startswith(_BINARY_MAGIC):
            raise BinaryFileError(f"{name}: binary file, not text")
    try:
        return data.decode(encoding or "utf-8"), encoding or "utf-8"
    except LookupError:  # a codec that exists but is not a text encoding (rot13, base64)
        raise InputError(f"'{encoding}' given with --encoding is not a text encoding") from None
    except UnicodeDecodeError as exc:
        used = encoding or "utf-8"
        hint = "" if encoding else "; save it as UTF-8 or pass --encoding (for example cp1252)"
        raise InputError(f"{name}: not valid {used} at byte {exc.start}{hint}") from None


def write_atomically(path: str, text: str, encoding: str, new: bool = False) -> None:
    """Replace a file's contents in one step: a crash leaves the old file or the new, never half.

    ``new`` allows creating the file (an output the user named). A read-only file is
    refused (renaming over it would only need the folder's permission).
    The text is written to a temporary file beside the original, with the original's
    permissions, then renamed over it. Line endings are the text's own: nothing is translated.
    """
    target = Path(os.path.realpath(path))  # a symbolic link keeps pointing at the file
    try:
        mode = 0o644 if new and not target.exists() else target.stat().st_mode & 0o7777
        if target.exists() and (not mode & 0o222 or not os.access(target, os.W_OK)):
            raise InputError(f"{path}: file is read-only; nothing was written")
        data = text.encode(encoding)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{path}: the rewrite cannot be saved as {encoding} ({exc.reason})"
        ) from None
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write ({exc.strerror or exc.__class__.__name__})"
        ) from None


def check_not_input(path: Path, sources: list[Source]) -> None:
    """Refuse to write a report over one of the documents being checked."""
    target = Path(os.path.realpath(path))
    for source in sources:
        if not source.is_stdin and Path(os.path.realpath(source.path)) == target:
            raise InputError(
                f"{path}: is one of the files being checked; write the report somewhere else"
            )


def check_writable(path: Path) -> None:
    """Refuse, before any work, an output path that cannot be written."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder")
    if not path.parent.exists():
        raise InputError(f"{path.parent}: no such folder")
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"{path}: file is read-only")
