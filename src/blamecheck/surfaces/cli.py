"""The command line: typer commands that read input, call the analyser and render. Nothing else."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from blamecheck import __version__
from blamecheck.errors import BlamecheckError, InputError
from blamecheck.findings import ExitStatus, Severity

if TYPE_CHECKING:
    from blamecheck.api import Analyzer
    from blamecheck.filters.config import Config
    from blamecheck.readers.documents import Source
    from blamecheck.surfaces.batch import Options

app = typer.Typer(
    name="blamecheck",
    help=(
        "Lint child-protection documentation for victim-blaming, actorless violence and "
        "generic child-impact language, with constructive alternatives (Safe & Together Model)."
    ),
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class _Command(TyperCommand):
    """Help that shows an argument by its name alone ("PATH", "RULE"), not with its Python
    type ("paths... <list[str]>"), which tells a user nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]


class OutputFormat(StrEnum):
    """What `check` writes."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"
    GITLAB = "gitlab"


class ListFormat(StrEnum):
    """What `rules`, `practice` and `eval` write: tables, not findings in files."""

    TEXT = "text"
    JSON = "json"


class AuditFormat(StrEnum):
    """What `audit` writes on standard output."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class SchemaKind(StrEnum):
    CONFIG = "config"
    PACK = "pack"


def _choices(choices: type[StrEnum]) -> str:
    """A choice option's metavar: the values themselves, "text|json"."""
    return "|".join(choice.value for choice in choices)


class ColorMode(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class Split(StrEnum):
    DEV = "dev"
    TEST = "test"
    ALL = "all"


def _notice(message: str) -> None:
    print(f"blamecheck: {message}", file=sys.stderr)


def _use_color(mode: ColorMode) -> bool:
    if mode == ColorMode.ALWAYS:
        return True
    if mode == ColorMode.NEVER or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _version(value: bool) -> None:
    if value:
        print(f"blamecheck {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """blamecheck: constructive language for domestic abuse case notes."""
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())


EncodingOption = Annotated[
    str | None,
    typer.Option(metavar="NAME", help="Text encoding of the inputs (default: UTF-8)."),
]
MaxSizeOption = Annotated[
    float,
    typer.Option(metavar="MB", help="Refuse inputs larger than this many megabytes.", min=0.001),
]
PackOption = Annotated[
    list[Path] | None,
    typer.Option("--pack", metavar="PATH", help="Extra pattern pack file or folder (repeatable)."),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", metavar="RULE", help="A rule id or category not to report (repeatable)."
    ),
]
ListFormatOption = Annotated[
    ListFormat, typer.Option("--format", "-f", metavar=_choices(ListFormat), help="Output format.")
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="PATTERN",
        help="Leave out of folders what this gitignore-style pattern names, besides the "
        "configuration's `exclude` (repeatable).",
    ),
]
GitignoreOption = Annotated[
    bool | None,
    typer.Option(
        "--respect-gitignore/--no-respect-gitignore",
        help="Leave out of folders what git's ignore files leave out (default: on, or the "
        "configuration's `respect-gitignore`).",
        show_default=False,
    ),
]


class _Reader:
    """Reads each source; inside a folder, a binary file is skipped with a notice and an
    unreadable one is reported and remembered (exit 2 at the end), the rest still linted."""

    def __init__(self, encoding: str | None, max_mb: float):
        self.encoding = encoding
        self.max_mb = max_mb
        self.failed = False

    def each(self, sources: list[Source]) -> Iterator[tuple[Source, str, str]]:
        from blamecheck.readers import documents

        for source in sources:
            try:
                text, codec = documents.read_with_encoding(source, self.encoding, self.max_mb)
            except documents.BinaryFileError as exc:
                if not source.from_folder:
                    raise
                _notice(f"skipped {exc}")
                continue
            except InputError as exc:
                if not source.from_folder:
                    raise
                _notice(f"error: {exc}")
                self.failed = True
                continue
            yield source, text, codec


def _silenced(analyzer: Analyzer, ignore: list[str] | None) -> set[str]:
    """The rule ids and categories given with --ignore; an unknown one is a usage error."""
    silenced = set(ignore or ())
    unknown = (
        silenced - set(analyzer.packs.by_id) - {r.category.value for r in analyzer.packs.rules}
    )
    if unknown:
        raise InputError(f"--ignore: unknown rule or category '{sorted(unknown)[0]}'")
    return silenced


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Use this blamecheck.toml (or pyproject.toml) instead of the nearest one.",
    ),
]


def _walk_rules(
    folder_config: Config, options: Options, exclude: list[str] | None, gitignore: bool | None
) -> dict[str, Any]:
    """What a folder's walk leaves out: --exclude and `exclude`, and, unless turned off,
    what git ignores (files named on the command line are always read)."""
    from blamecheck.surfaces import batch

    if gitignore is None:
        gitignore = folder_config.settings.respect_gitignore
    return {"excluded": batch.excluder(options, exclude), "gitignore": gitignore}


@app.command(cls=_Command)
def check(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files or folders to lint (.txt, .md, .docx); '-' reads standard input.",
        ),
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            metavar=_choices(OutputFormat),
            help="Output format (gitlab: a GitLab Code Quality report).",
        ),
    ] = OutputFormat.TEXT,
    encoding: EncodingOption = None,
    max_size: MaxSizeOption = 10.0,
    color: Annotated[
        ColorMode, typer.Option(metavar=_choices(ColorMode), help="Colour in text output.")
    ] = ColorMode.AUTO,
    pack: PackOption = None,
    ignore: IgnoreOption = None,
    min_severity: Annotated[
        Severity,
        typer.Option(
            "--min-severity",
            metavar="|".join(s.value for s in Severity),
            help="Report only findings of this severity or above; the exit code follows.",
        ),
    ] = Severity.INFO,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            help="Exit 0 even when something is found (input that cannot be read still exits 2).",
        ),
    ] = False,
    statistics: Annotated[
        bool,
        typer.Option(
            "--statistics",
            help="Count the findings per rule instead of showing each (text or json).",
        ),
    ] = False,
    exclude: ExcludeOption = None,
    respect_gitignore: GitignoreOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file."),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Leave the document's words out: positions, rule ids and messages only.",
        ),
    ] = False,
    config_file: ConfigOption = None,
    stdin_filename: Annotated[
        str | None,
        typer.Option(
            "--stdin-filename",
            metavar="NAME",
            help="Name standard input: its suffix picks the format (.md, .txt) and its folder "
            "the configuration.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Report only findings that are not in this baseline.",
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            "--write-baseline",
            metavar="FILE",
            help="Record the current findings as a baseline and exit.",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", metavar="N", min=1, help="Worker processes for large batches."
        ),
    ] = 1,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Progress bar on standard error (default: on a terminal only).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Lint files, folders or standard input; exit 1 when something is found."""
    from blamecheck.api import get_analyzer
    from blamecheck.filters.baseline import BaselineWriter
    from blamecheck.readers import documents
    from blamecheck.surfaces import batch
    from blamecheck.surfaces.formats import FileReport, github_format, json_format, text_format

    if statistics and output_format not in (OutputFormat.TEXT, OutputFormat.JSON):
        raise InputError(
            f"--statistics counts findings as text or json, not {output_format.value}; "
            "leave out one of them"
        )
    batch.forget()
    options = batch.Options(
        encoding=encoding,
        max_mb=max_size,
        packs=tuple(pack or ()),
        config_path=config_file,
        ignore=frozenset(ignore or ()),
        baseline_path=baseline,
        use_baseline=write_baseline is None,
        redact=redact,
        stdin_name=stdin_filename,
        min_severity=min_severity,
    )
    # the configuration of the first path says what folders are searched for; a broken one
    # (or a broken --config) stops here, before any file is read
    folder_config = batch.config_for(documents.Source(paths[0]), options)
    suffixes = folder_config.suffixes
    skipped: list[str] = []
    walk = _walk_rules(folder_config, options, exclude, respect_gitignore)
    sources = list(documents.collect(paths, suffixes, skipped, **walk))  # missing paths stop
    if skipped:
        _notice(documents.skipped_notice(skipped, suffixes))
    if not sources:
        _notice(f"no {', '.join(suffixes)} files found in {' '.join(paths)}")
    # every configuration and pack in play is checked before any file is read
    for conf in {id(c): c for c in (batch.config_for(s, options) for s in sources)}.values():
        batch.check_configuration(conf, options)
    analyzer = get_analyzer(batch.packs_for(folder_config, options))
    _silenced(analyzer, ignore)
    if write_baseline is not None and output is not None:
        raise InputError("--write-baseline writes only the baseline; leave out --output")
    for target in (output, write_baseline):
        if target is not None:
            documents.check_writable(target)
            documents.check_not_input(target, sources)
    recorder = BaselineWriter(write_baseline) if write_baseline is not None else None
    reports: list[FileReport] = []
    ignored = baselined = 0
    failed = False
    bar = batch.Progress(len(sources), progress)
    try:
        for result in batch.run(sources, options, jobs):
            bar.step()
            if isinstance(result, batch.Problem):
                if result.fatal:
                    raise InputError(result.message)
                bar.close()
                _notice(result.message if not result.failed else f"error: {result.message}")
                failed = failed or result.failed
                continue
            for line in result.notices:
                bar.close()
                _notice(line)
            ignored += result.ignored
            baselined += result.baselined
            if recorder is not None:
                recorder.add(result.report.path, result.report.text, result.recorded)
            reports.append(result.report)
    finally:
        bar.close()
    if recorder is not None:
        recorder.write()
        _notice(
            f"wrote {write_baseline}: {text_format.plural(recorder.count, 'finding')} in "
            f"{text_format.plural(len(recorder.files), 'file')}"
        )
        raise typer.Exit(ExitStatus.FAILED if failed else ExitStatus.CLEAN)
    if statistics:
        from blamecheck.surfaces.formats import statistics as counts

        render_counts = counts.render_json if output_format == OutputFormat.JSON else None
        rendered = (render_counts or counts.render_text)(reports, ignored, baselined)
    elif output_format == OutputFormat.JSON:
        rendered = json_format.render(
            reports, ignored=ignored, redacted=redact, baselined=baselined
        )
    elif output_format == OutputFormat.GITHUB:
        rendered = github_format.render(reports)
    elif output_format == OutputFormat.GITLAB:
        from blamecheck.surfaces.formats import gitlab_format

        rendered = gitlab_format.render(reports)
    elif output_format == OutputFormat.SARIF:
        from blamecheck.surfaces.formats import sarif_format

        rendered = sarif_format.render(reports, analyzer.packs, redacted=redact)
    else:
        style = text_format.Style(_use_color(color) and output is None)
        rendered = text_format.render(
            reports, style, ignored=ignored, redacted=redact, baselined=baselined
        )
    if output is not None:
        documents.write_atomically(str(output), rendered + "\n", "utf-8", new=True)
    elif rendered:
        print(rendered)
    if output_format == OutputFormat.TEXT and not statistics:
        for report in reports:
            for line in text_format.placeholder_notices(report, redacted=redact):
                _notice(line)
    if failed:
        raise typer.Exit(ExitStatus.FAILED)
    # an unfilled placeholder is unfinished work, like a finding
    found = any(report.findings or report.placeholders for report in reports)
    raise typer.Exit(ExitStatus.FOUND if found and not exit_zero else ExitStatus.CLEAN)


@app.command(cls=_Command)
def fix(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files or folders to rewrite (.txt, .md); '-' reads standard input.",
        ),
    ],
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Apply the rewrites in place (standard input: print the rewritten text).",
        ),
    ] = False,
    with_placeholders: Annotated[
        bool,
        typer.Option(
            "--placeholders",
            help="Also apply rewrites that hold [placeholders] for you to fill in.",
        ),
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help="Go through the findings one at a time: accept, choose another, skip or edit.",
        ),
    ] = False,
    encoding: EncodingOption = None,
    max_size: MaxSizeOption = 10.0,
    pack: PackOption = None,
    ignore: IgnoreOption = None,
    config_file: ConfigOption = None,
    exclude: ExcludeOption = None,
    respect_gitignore: GitignoreOption = None,
) -> None:
    """Rewrite findings with their top constructive alternative: a diff, or in place with --write.

    Only 'complete' alternatives are applied unless --placeholders is given; words inside
    quotation marks are never rewritten. Exits 1 when findings or unfilled placeholders remain.
    """
    from blamecheck.api import get_analyzer
    from blamecheck.readers import documents
    from blamecheck.readers.document import Kind, kind_of
    from blamecheck.rewriting.fixer import fix_text, unified_diff
    from blamecheck.surfaces import batch, linting

    batch.forget()
    from blamecheck.surfaces.formats import FileReport, text_format

    options = batch.Options(
        packs=tuple(pack or ()),
        config_path=config_file,
        stdin_name=None,
        ignore=frozenset(ignore or ()),
    )
    folder_config = batch.config_for(documents.Source(paths[0]), options)
    walk = _walk_rules(folder_config, options, exclude, respect_gitignore)
    skipped: list[str] = []
    sources = list(documents.collect(paths, documents.SUPPORTED_SUFFIXES, skipped, **walk))
    if interactive and any(source.is_stdin for source in sources):
        raise InputError("--interactive reads your answers from standard input; give file paths")
    if any(s.path.lower().endswith(".docx") and not s.from_folder for s in sources):
        raise InputError(
            "fix rewrites text and Markdown files; for Word use `blamecheck review FILE.docx "
            "-o COPY.docx --apply`"
        )
    if skipped:
        _notice(documents.skipped_notice(skipped, documents.SUPPORTED_SUFFIXES))
    if not sources:
        _notice(f"no {', '.join(documents.SUPPORTED_SUFFIXES)} files found in {' '.join(paths)}")
    configs = [batch.config_for(source, options) for source in sources]
    for conf in {id(c): c for c in configs}.values():
        batch.check_configuration(conf, options)
    if ignore:  # a misspelt --ignore would silently rewrite what it meant to keep
        _silenced(get_analyzer(batch.packs_for(folder_config, options)), ignore)
    totals = {
        "fixed": 0,
        "files": 0,
        "left": 0,
        "quoted": 0,
        "input": 0,
        "losing": 0,
        "taken": 0,
        "gaps": 0,
    }
    reading = _Reader(encoding, max_size)
    failed = False
    conf_of = {source: conf for source, conf in zip(sources, configs, strict=True)}
    for source, text, codec in reading.each(sources):
        conf = conf_of[source]
        analyzer = get_analyzer(batch.packs_for(conf, options))
        kind = kind_of(source.path) if not source.is_stdin else Kind.TEXT
        reported = linting.reporter(analyzer, kind, batch.filters_for(conf, options))
        if interactive:
            from blamecheck.surfaces.interactive import review

            result = review(analyzer, source.path, text, with_placeholders, reported)
        else:
            result = fix_text(analyzer, text, placeholders=with_placeholders, reported=reported)
        if result.changed:
            totals["files"] += 1
            if write and source.is_stdin:
                pass
            elif write or interactive:
                try:
                    documents.write_atomically(source.path, result.text, codec)
                except InputError as exc:
                    if len(sources) == 1:
                        raise
                    _notice(f"error: {exc}")
                    failed = True
                    continue
            else:
                sys.stdout.write(unified_diff(source.path, text, result.text))
        if source.is_stdin and write:
            sys.stdout.write(result.text)
        totals["fixed"] += len(result.applied)
        totals["left"] += len(result.remaining)
        totals["quoted"] += result.skipped_quoted
        totals["input"] += result.skipped_needs_input
        totals["losing"] += result.skipped_losing
        totals["taken"] += result.skipped_taken_back
        totals["gaps"] += len(result.placeholders)
        report = FileReport(source.path, result.text, result.remaining, result.placeholders)
        for line in text_format.placeholder_notices(report):
            _notice(line)
        for finding in result.on_rewritten_spans():
            where = f"{source.path}:{finding.line}:{finding.column}"
            if interactive:  # the writer chose or typed these words: hers to keep or change
                _notice(f"{where}: the words you chose are still flagged by {finding.rule}")
            else:
                _notice(
                    f"{where}: rewritten text still flagged by {finding.rule}; please report it"
                )
    _notice(_fix_summary(totals, len(sources), write or interactive))
    if failed or reading.failed:
        raise typer.Exit(ExitStatus.FAILED)
    # like `check`: 1 when there is something to do. Showing a diff, that is any change or
    # anything left; after writing, only what is left (findings, unfilled placeholders).
    pending = totals["left"] or totals["gaps"] or (totals["files"] and not (write or interactive))
    raise typer.Exit(ExitStatus.FOUND if pending else ExitStatus.CLEAN)


def _fix_summary(totals: dict[str, int], files: int, wrote: bool) -> str:
    from blamecheck.surfaces.formats.text_format import plural

    verb = "rewrote" if wrote else "would rewrite"
    parts = [f"{verb} {plural(totals['fixed'], 'span')} in {plural(totals['files'], 'file')}"]
    if totals["left"]:
        why = []
        if totals["quoted"]:
            why.append(f"{totals['quoted']} inside quotation marks, kept as evidence")
        if totals["input"]:
            why.append(f"{totals['input']} need your words: use --placeholders or --interactive")
        if totals["losing"]:
            why.append(
                f"{totals['losing']} would drop facts or markup of the flagged words: "
                "rewrite by hand or with --interactive"
            )
        if totals["taken"]:
            why.append(
                f"{totals['taken']} still flagged once rewritten, so your words were kept: "
                "rewrite by hand or with --interactive"
            )
        reason = f" ({'; '.join(why)})" if why else ""
        parts.append(f"{plural(totals['left'], 'finding')} left{reason}")
    if totals["gaps"]:
        parts.append(f"{plural(totals['gaps'], 'unfilled placeholder')} to complete")
    return "; ".join(parts) + f" (checked {plural(files, 'file')})"


@app.command(cls=_Command)
def rules(
    output_format: ListFormatOption = ListFormat.TEXT,
    pack: PackOption = None,
) -> None:
    """List every rule: id, category, severity and a one-line summary."""
    from blamecheck.analysis.packs import PackSet

    packs = PackSet.load(extra=list(pack or ()))
    if output_format == ListFormat.JSON:
        rows = [
            {
                "id": r.id,
                "category": r.category.value,
                "severity": r.severity.value,
                "summary": r.summary,
            }
            for r in packs.rules
        ]
        print(json.dumps({"rules": rows}, ensure_ascii=False, indent=2))
        return
    width = max(len(r.id) for r in packs.rules)
    for rule in packs.rules:
        print(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.summary}")


@app.command(cls=_Command)
def explain(
    rule_id: Annotated[
        str, typer.Argument(metavar="RULE", help="A rule id, as listed by `rules`.")
    ],
    pack: PackOption = None,
) -> None:
    """Why a rule exists (the principle and its source), examples and alternatives."""
    from rapidfuzz import process

    from blamecheck.analysis.packs import PackSet
    from blamecheck.rewriting.rewrite import Facts, fill

    packs = PackSet.load(extra=list(pack or ()))
    rule = packs.by_id.get(rule_id)
    if rule is None:
        guess = process.extractOne(rule_id, list(packs.by_id))
        hint = f"; did you mean {guess[0]}?" if guess and guess[1] >= 60 else ""
        raise InputError(f"unknown rule '{rule_id}'{hint} (run `blamecheck rules` to list them)")
    print(f"{rule.id}  ({rule.category.value}, {rule.severity.value})")
    print()
    print(rule.summary)
    print()
    print(f"Principle: {rule.principle.statement}")
    print()
    print(" ".join(rule.explanation.split()))
    print()
    print("Sources:")
    for source in rule.sources:
        print(f'  - {source.reference}: "{" ".join(source.passage.split())}"')
    print()
    print("Flags, for example:")
    for example in rule.examples.positive:
        print(f"  - {example}")
    print("Leaves alone, for example:")
    for example in rule.examples.negative:
        print(f"  - {example}")
    print()
    print("Constructive alternatives:")
    shown = Facts(subject=None, perpetrator=None, survivor=None, match="[the flagged words]")
    for alternative in rule.alternatives:
        origin = f"  [{alternative.source.reference}]" if alternative.source else ""
        text = fill(alternative.text, shown) or alternative.text
        print(f"  - ({alternative.kind}) {text}{origin}")


@app.command(cls=_Command)
def practice(
    output_format: ListFormatOption = ListFormat.TEXT,
) -> None:
    """The Destructive / Constructive practice table, both columns, with its source."""
    import shutil
    import textwrap

    from blamecheck.analysis.packs import PackSet

    packs = PackSet.load()
    table = packs.table
    if table is None:
        raise InputError("the practice table (patterns/practice-table.yaml) is not installed")
    if output_format == ListFormat.JSON:
        rows = [r.model_dump() for r in table.rows]
        source: dict[str, Any] = {"title": table.title, "seed": table.source.seed}
        document = packs.sources.get(table.source.seed)
        if document is not None:
            source["document"] = document.model_dump()
        source["reference"] = table.source.reference
        print(json.dumps({"source": source, "rows": rows}, ensure_ascii=False, indent=2))
        return
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))
    column = (width - 7) // 2
    print(table.title)
    print(f"Source: {table.source.reference}")
    print()
    print(f"  {'DESTRUCTIVE PRACTICE':<{column}} │ CONSTRUCTIVE PRACTICE")
    print(f"  {'─' * column}─┼─{'─' * column}")
    for number, row in enumerate(table.rows, start=1):
        left = [w for line in row.destructive for w in textwrap.wrap(f"✗ {line}", column)]
        right = [w for line in row.constructive for w in textwrap.wrap(f"✓ {line}", column)]
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            print(f"  {a:<{column}} │ {b}")
        if number < len(table.rows):
            print(f"  {'':<{column}} │")
    if table.pivot_script is not None:
        script = table.pivot_script
        print()
        print(f"Pivot to the perpetrator, from {script.source.reference}:")
        for step, line in enumerate(
            (script.validate_concern, script.redirect, script.return_to_mother), start=1
        ):
            said = line.replace("{children}'s", "the children's")
            said = said.replace("{he}", "he").replace("{she}", "she")
            print(f"  {step}. {said}")


@app.command(cls=_Command)
def demo(
    path: Annotated[
        str,
        typer.Argument(metavar="FILE", help="A report to demonstrate on (.txt, .md), or '-'."),
    ],
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="Also write one self-contained HTML page to this file."
        ),
    ] = None,
    encoding: EncodingOption = None,
    max_size: MaxSizeOption = 10.0,
    color: Annotated[
        ColorMode, typer.Option(metavar=_choices(ColorMode), help="Colour in the terminal.")
    ] = ColorMode.AUTO,
    pack: PackOption = None,
) -> None:
    """Each flagged sentence beside its constructive rewrite and the principle, for training."""
    import shutil

    from blamecheck.api import get_analyzer
    from blamecheck.readers import documents
    from blamecheck.readers.document import Kind, kind_of
    from blamecheck.surfaces.formats import demo as demo_format
    from blamecheck.surfaces.formats.text_format import Style

    reads = "demo reads text and Markdown files (.txt, .md)"
    word = "for a Word document use `blamecheck review FILE.docx -o COPY.docx`"
    sources = list(documents.collect([path]))
    if len(sources) != 1 or (sources[0].from_folder):
        raise InputError(f"{path}: demo takes one file, not a folder")
    if path != documents.STDIN and kind_of(path) == Kind.DOCX:
        raise InputError(f"{path}: {reads}; {word}")
    if html_out is not None:
        documents.check_writable(html_out)  # before any work, not after
    try:
        text = documents.read(sources[0], encoding=encoding, max_mb=max_size)
    except documents.BinaryFileError:
        name = "standard input" if path == documents.STDIN else path
        raise InputError(f"{name}: not a text file; {reads}; {word}") from None
    analyzer = get_analyzer(tuple(pack or ()))
    findings = analyzer.analyse(text)
    pairs = demo_format.build_pairs(text, findings, analyzer.packs)
    width = shutil.get_terminal_size((100, 24)).columns
    print(demo_format.render_terminal(pairs, width, Style(_use_color(color))))
    if html_out is not None:
        title = "standard input" if path == "-" else Path(path).name
        page = demo_format.render_html(pairs, title)
        documents.write_atomically(str(html_out), page, "utf-8", new=True)
        _notice(f"wrote {html_out}")
    raise typer.Exit(ExitStatus.FOUND if findings else ExitStatus.CLEAN)


@app.command(cls=_Command)
def audit(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="A case (a folder of one family's documents, or one document), or a caseload "
            "(a folder of case folders).",
        ),
    ],
    output_format: Annotated[
        AuditFormat,
        typer.Option("--format", "-f", metavar=_choices(AuditFormat), help="Output format."),
    ] = AuditFormat.TEXT,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="Also write one self-contained HTML audit report."
        ),
    ] = None,
) -> None:
    """Audit case files against Safe & Together criteria i-viii and map his pattern: his
    behaviours, the impact on each child, her protective efforts, complicating factors and
    the plan, from every document of a case read together."""
    from blamecheck.auditing.audit import Auditor, cases_under
    from blamecheck.auditing.caseload import summarise
    from blamecheck.auditing.reading import case_files
    from blamecheck.readers import documents
    from blamecheck.surfaces.formats import audit_csv, audit_html, audit_text

    cases = cases_under(paths)
    if html_out is not None:
        documents.check_writable(html_out)  # before any work, not after
        read = {p.resolve() for case in cases for p in case_files(case)}
        if html_out.resolve() in read | {p.resolve() for p in paths}:
            raise InputError(f"{html_out}: is one of the inputs; the report needs a new file")
    audited = []
    skipped = 0
    for result in Auditor().audit_all(cases):
        if isinstance(result, InputError):
            skipped += 1
            _notice(f"not audited: {result}")
        else:
            audited.append(result)
    if not audited:
        raise InputError("no case could be audited (see above)")
    caseload = summarise(audited)
    if output_format == AuditFormat.JSON:
        print(json.dumps(caseload.model_dump(mode="json"), indent=2, ensure_ascii=False))
    elif output_format == AuditFormat.CSV:
        sys.stdout.write(audit_csv.caseload_csv(caseload))
    elif len(audited) == 1:
        print(audit_text.render_case(audited[0]))
    else:
        print(audit_text.render_caseload(caseload))
    if html_out is not None:
        documents.write_atomically(
            str(html_out), audit_html.caseload_html(caseload), "utf-8", new=True
        )
        _notice(f"wrote {html_out}")
    if skipped:
        _notice(f"{skipped} of {len(cases)} cases not audited")
    short = any(c.level != "met" for case in audited for c in case.criteria)
    raise typer.Exit(ExitStatus.FOUND if short else ExitStatus.CLEAN)


@app.command(name="eval", cls=_Command)
def evaluate(
    corpus: Annotated[
        Path | None,
        typer.Argument(
            metavar="CORPUS",
            help="Corpus folder with dev/ and test/ (default: corpus/ of a source checkout).",
        ),
    ] = None,
    split: Annotated[
        Split, typer.Option(metavar=_choices(Split), help="Which split to score.")
    ] = Split.TEST,
    errors: Annotated[
        bool, typer.Option("--errors", help="List every miss and false positive.")
    ] = False,
    output_format: ListFormatOption = ListFormat.TEXT,
    register: Annotated[
        list[str] | None,
        typer.Option(
            "--register",
            metavar="NAME",
            help="Score only examples of this register (repeatable): judgment, police, ..., "
            "in-house.",
        ),
    ] = None,
    pack: PackOption = None,
    audit_set: Annotated[
        bool,
        typer.Option(
            "--audit",
            help="Score `blamecheck audit` on the case folders of corpus/cases/ instead: "
            "agreement per criterion, precision and recall of the extracted items.",
        ),
    ] = False,
) -> None:
    """Precision, recall and F1 per rule, per category and per register on the labelled
    corpus; with --audit, the case-file audit against its hand-labelled cases."""
    if audit_set:
        _evaluate_audit(corpus, split, errors, output_format)
        return
    from blamecheck.api import get_analyzer
    from blamecheck.surfaces.evaluation import (
        SPLITS,
        default_corpus_dir,
        load_corpus,
        render_text,
    )
    from blamecheck.surfaces.evaluation import (
        evaluate as run_evaluation,
    )

    directory = corpus or default_corpus_dir()  # no corpus: say so before spaCy loads
    analyzer = get_analyzer(tuple(pack or ()))
    splits = list(SPLITS) if split == Split.ALL else [split.value]
    examples = load_corpus(
        directory, splits, set(analyzer.packs.by_id), set(register) if register else None
    )
    report = run_evaluation(analyzer, examples, splits)
    if output_format == ListFormat.JSON:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(render_text(report, errors), end="")


def _evaluate_audit(
    corpus: Path | None, split: Split, errors: bool, output_format: ListFormat
) -> None:
    from blamecheck.auditing.audit import Auditor
    from blamecheck.surfaces import audit_eval
    from blamecheck.surfaces.audit_set import load_split
    from blamecheck.surfaces.evaluation import default_corpus_dir

    directory = corpus or default_corpus_dir() / "cases"
    splits = ["dev", "test"] if split == Split.ALL else [split.value]
    cases = [case for name in splits for case in load_split(directory, name)]
    auditor = Auditor()
    result = audit_eval.score(
        [(case, audit_eval.answer_of_audit(auditor.audit(case.folder))) for case in cases]
    )
    second = audit_eval.second_auditor(cases)
    if output_format == ListFormat.JSON:
        print(json.dumps(audit_eval.as_dict(result, split.value, second), indent=2))
    else:
        print(audit_eval.report(result, split.value, directory, errors, second))


@app.command(cls=_Command)
def review(
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="The Word document (.docx) to review.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Where to write the reviewed copy (.docx)."
        ),
    ],
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="Also write the top complete alternatives as tracked changes."
        ),
    ] = False,
    max_size: MaxSizeOption = 50.0,
    pack: PackOption = None,
    ignore: IgnoreOption = None,
    config_file: ConfigOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Comment only on findings that are not in this baseline.",
        ),
    ] = None,
) -> None:
    """Write a copy of a Word document with one comment per finding, authored "blamecheck".

    The original is never modified. Exits 1 when something was found.
    """
    from blamecheck.api import get_analyzer
    from blamecheck.readers import documents
    from blamecheck.readers.document import Kind, load
    from blamecheck.surfaces import batch, docx_review, linting

    batch.forget()
    if output.resolve() == path.resolve():
        raise InputError(f"{output}: the reviewed copy must not overwrite the original")
    if output.suffix.lower() != ".docx":
        raise InputError(f"{output}: the reviewed copy must be a .docx file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    documents.check_writable(output)
    options = batch.Options(
        max_mb=max_size,
        packs=tuple(pack or ()),
        config_path=config_file,
        ignore=frozenset(ignore or ()),
        baseline_path=baseline,
    )
    source = documents.Source(str(path))
    conf = batch.config_for(source, options)
    batch.check_configuration(conf, options)
    analyzer = get_analyzer(batch.packs_for(conf, options))
    _silenced(analyzer, ignore)
    document = load(source, Kind.DOCX, None, max_size)
    ((_, found),) = linting.analyse(analyzer, [(document, conf)])
    outcome = linting.finish(analyzer, document, found, batch.filters_for(conf, options))
    findings = outcome.report.findings
    if document.docx is None:  # load() reads a .docx as Word whatever its name
        raise InputError(f"{path}: not a Word .docx document")
    result = docx_review.write_review(path, output, document.docx, findings, apply=apply)
    for line in [*outcome.notices, *result.notices]:
        _notice(line)
    _notice(result.summary())
    raise typer.Exit(ExitStatus.FOUND if findings else ExitStatus.CLEAN)


@app.command(cls=_Command)
def lsp() -> None:
    """Start the language server on standard input/output (for editors)."""
    from blamecheck.analysis.pipeline import model_package

    model_package()  # a missing model is one clear line here, not a silent server
    from blamecheck.surfaces.server import run

    run()


@app.command(cls=_Command)
def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            metavar=_choices(SchemaKind),
            help="config: blamecheck.toml or [tool.blamecheck]; pack: a pattern pack (YAML).",
        ),
    ],
) -> None:
    """Print the JSON Schema of the configuration or of a pattern pack, for editors."""
    from blamecheck.surfaces.formats import schemas

    sys.stdout.write(schemas.render(kind.value))


def main(argv: list[str] | None = None) -> None:
    """Entry point: every failure becomes one line on stderr and exit code 2."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="blamecheck", standalone_mode=False)
    except BlamecheckError as exc:
        print(f"blamecheck: error: {exc}", file=sys.stderr)
        sys.exit(ExitStatus.FAILED)
    except KeyboardInterrupt:
        print("blamecheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        if _is_usage_error(exc):  # typer's vendored click or click itself
            ctx = getattr(exc, "ctx", None)
            hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            message = " ".join(str(exc.format_message()).split())  # type: ignore[attr-defined]
            message = message.replace("Value error, ", "")  # pydantic's prefix, via typer
            print(f"blamecheck: error: {message}{hint}", file=sys.stderr)
            sys.exit(ExitStatus.FAILED)
        if exc.__class__.__name__ == "Abort":
            print("blamecheck: interrupted", file=sys.stderr)
            sys.exit(130)
        if isinstance(exc, BrokenPipeError):
            sys.stderr.close()
            sys.exit(ExitStatus.CLEAN)
        _internal_error(exc)
    sys.exit(code if isinstance(code, int) else ExitStatus.CLEAN)


def _is_usage_error(exc: Exception) -> bool:
    return hasattr(exc, "format_message") and getattr(exc, "exit_code", None) in (1, 2)


def _internal_error(exc: Exception) -> None:
    """A bug: one line, no traceback, no document text."""
    if os.environ.get("BLAMECHECK_DEBUG"):
        raise exc
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}" if tb else ""
    print(
        f"blamecheck: internal error: {exc.__class__.__name__}{where} "
        "(set BLAMECHECK_DEBUG=1 for a traceback; please report it)",
        file=sys.stderr,
    )
    sys.exit(ExitStatus.FAILED)
