"""Many documents at once: each file's configuration, one stream through the pipeline per
configuration, and, with --jobs N, worker processes that each take a share of the files.

Results come back in the order of the files, whatever the number of workers, so a report of
a folder is the same with one worker or eight.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from blamecheck.analysis.roles import Role
from blamecheck.api import get_analyzer
from blamecheck.errors import BlamecheckError, ConfigError, InputError, PatternError
from blamecheck.filters import config as configuration
from blamecheck.filters.baseline import Baseline
from blamecheck.findings import Severity
from blamecheck.readers.document import Document, Kind, kind_of, load
from blamecheck.readers.documents import BinaryFileError, Excluded, Patterns, Source
from blamecheck.surfaces.linting import Filters, Outcome, analyse, finish

CHUNK_FILES = 8  # files a worker takes at a time: big enough to batch, small enough to share


@dataclass(frozen=True)
class Options:
    """What every file of one run shares; plain values, so workers can be handed them."""

    encoding: str | None = None
    max_mb: float = 10.0
    packs: tuple[Path, ...] = ()
    config_path: Path | None = None  # --config: one file for everything
    ignore: frozenset[str] = frozenset()
    baseline_path: Path | None = None  # --baseline: wins over the configuration's
    use_baseline: bool = True
    redact: bool = False
    stdin_name: str | None = None  # --stdin-filename: the kind and configuration of stdin
    min_severity: Severity = Severity.INFO  # --min-severity


@dataclass(frozen=True)
class Problem:
    """A file that could not be checked: skipped (binary) or failed (unreadable)."""

    path: str
    message: str
    failed: bool  # unreadable: the run exits 2 at the end
    fatal: bool = False  # a file named on the command line: the run stops


Result = Outcome | Problem


def config_for(source: Source, options: Options) -> configuration.Config:
    if options.config_path is not None:
        return _explicit_config(options.config_path)
    if source.is_stdin:
        return configuration.find(Path(options.stdin_name or Path.cwd() / "stdin.txt"))
    return configuration.find(Path(source.path))


@cache
def _explicit_config(path: Path) -> configuration.Config:
    return configuration.load(path)


@cache
def _baseline(path: Path) -> Baseline:
    return Baseline.load(path)


def forget() -> None:
    """Read configuration and baseline files afresh (a new run, or a file that changed)."""
    configuration.forget()
    _explicit_config.cache_clear()
    _baseline.cache_clear()


def filters_for(conf: configuration.Config, options: Options) -> Filters:
    chosen = options.baseline_path or conf.baseline
    baseline = _baseline(chosen) if chosen is not None and options.use_baseline else None
    return Filters(conf, options.ignore, baseline, options.redact, options.min_severity)


def excluder(options: Options, patterns: list[str] | None = None) -> Excluded:
    """What a folder's walk leaves out: the --exclude patterns (from the current folder) and
    the ``exclude`` of the configuration that applies where the walk is (from its file)."""
    try:
        given = Patterns(Path.cwd(), patterns) if patterns else None
    except InputError as exc:
        raise InputError(f"--exclude: {exc}") from None

    def excluded(path: Path, is_dir: bool) -> bool:
        if given is not None and given.decides(path, is_dir):
            return True
        return config_for(Source(str(path.parent)), options).excluded(path, is_dir)

    return excluded


def packs_for(conf: configuration.Config, options: Options) -> tuple[Path, ...]:
    return options.packs + conf.packs


def check_configuration(conf: configuration.Config, options: Options) -> None:
    """Load the packs and check the rule names now: a mistake stops before any file is read."""
    try:
        analyzer = get_analyzer(packs_for(conf, options))
    except PatternError as exc:
        if not conf.packs:
            raise
        raise ConfigError(f"{conf.describe()}: packs: {exc}") from None
    conf.check_rules(set(analyzer.packs.by_id))
    filters_for(conf, options)


def run(sources: list[Source], options: Options, jobs: int = 1) -> Iterator[Result]:
    """Every source's result, in order."""
    if jobs <= 1 or len(sources) < 2 or any(s.is_stdin for s in sources):
        # standard input can only be read here; with it, everything stays in order here
        yield from _run_here(sources, options)
        return
    files = sources
    chunks = [files[i : i + CHUNK_FILES] for i in range(0, len(files), CHUNK_FILES)]
    get_analyzer(options.packs)  # loaded once here: forked workers share it
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(min(jobs, len(chunks)), initializer=_quiet_worker) as pool:
        for results in pool.imap(_run_chunk, ((chunk, options) for chunk in chunks)):
            yield from results


def _quiet_worker() -> None:
    # Ctrl-C is the parent's to handle: workers end with the pool, without tracebacks
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(job: tuple[list[Source], Options]) -> list[Result]:
    sources, options = job
    try:
        return list(_run_here(sources, options))
    except BlamecheckError as exc:  # e.g. a pack that fails to load in a spawned worker
        return [Problem(s.path, str(exc), True, True) for s in sources]


def _run_here(sources: Iterable[Source], options: Options) -> Iterator[Result]:
    """Stream the documents through the pipeline, one stream per run of files that share
    packs (most folders have one configuration, so one stream)."""
    planned = [(source, config_for(source, options)) for source in sources]
    for packs, group in itertools.groupby(planned, key=lambda sc: packs_for(sc[1], options)):
        analyzer = get_analyzer(packs)
        problems: list[Problem] = []
        filters: deque[Filters] = deque()
        loaded = _documents(list(group), options, problems, filters)
        for document, findings in analyse(analyzer, loaded):
            yield from problems
            problems.clear()
            yield finish(analyzer, document, findings, filters.popleft())
        yield from problems


def _documents(
    members: list[tuple[Source, configuration.Config]],
    options: Options,
    problems: list[Problem],
    filters: deque[Filters],
) -> Iterator[tuple[Document, dict[str, Role] | None]]:
    """Read each file as the pipe asks for it; one that cannot be read becomes a Problem."""
    for source, conf in members:
        try:
            document = load(source, _kind(source, options), options.encoding, options.max_mb)
        except InputError as exc:
            skipped = isinstance(exc, BinaryFileError) and source.from_folder
            message = f"skipped {exc}" if skipped else str(exc)
            problems.append(Problem(source.path, message, not skipped, not source.from_folder))
            continue
        if source.is_stdin and options.stdin_name:
            document.path = options.stdin_name  # reported, and matched in a baseline, by it
        filters.append(filters_for(conf, options))
        yield document, conf


def _kind(source: Source, options: Options) -> Kind:
    if source.is_stdin:
        return kind_of(options.stdin_name) if options.stdin_name else Kind.TEXT
    return kind_of(source.path)


class Progress:
    """A one-line progress bar on a terminal's standard error; nothing when it is piped."""

    WIDTH = 30

    def __init__(self, total: int, enabled: bool | None = None):
        self.total = total
        self.done = 0
        if enabled is None:
            enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.enabled = enabled and total > 1

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            filled = self.WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            sys.stderr.write(f"\rchecking [{bar}] {self.done}/{self.total} files")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            sys.stderr.write("\r" + " " * (self.WIDTH + 40) + "\r")
            sys.stderr.flush()
