"""The command line: typer commands that read input, call the analyser and render. Nothing else."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import BlamecheckError, InputError
from .findings import ExitStatus

app = typer.Typer(
    name="blamecheck",
    help=(
        "Lint child-protection documentation for victim-blaming, actorless violence and "
        "generic child-impact language, with constructive alternatives (Safe & Together Model)."
    ),
    add_completion=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


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


PackOption = Annotated[
    list[Path] | None,
    typer.Option("--pack", help="Extra pattern pack file or folder (repeatable)."),
]


@app.command()
def check(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files or folders to lint (.txt, .md); '-' reads standard input."),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding of the inputs (default: UTF-8).")
    ] = None,
    max_size: Annotated[
        float, typer.Option(help="Refuse inputs larger than this many megabytes.", min=0.001)
    ] = 10.0,
    color: Annotated[ColorMode, typer.Option(help="Colour in text output.")] = ColorMode.AUTO,
    pack: PackOption = None,
) -> None:
    """Lint files, folders or standard input; exit 1 when something is found."""
    from . import documents
    from .api import get_analyzer
    from .formats import FileReport, json_format, text_format

    sources = list(documents.collect(paths))  # a missing path stops before any work
    if not sources:
        _notice(f"no {', '.join(documents.SUPPORTED_SUFFIXES)} files found in {' '.join(paths)}")
    analyzer = get_analyzer(tuple(pack or ()))
    reports: list[FileReport] = []
    failed = False
    for source in sources:
        try:
            text = documents.read(source, encoding=encoding, max_mb=max_size)
        except documents.BinaryFileError as exc:
            if source.from_folder:
                _notice(f"skipped {exc}")
                continue
            raise
        except InputError as exc:
            if not source.from_folder:
                raise
            _notice(f"error: {exc}")
            failed = True
            continue
        reports.append(FileReport(source.path, text, analyzer.analyse(text)))
    if output_format == OutputFormat.JSON:
        print(json_format.render(reports))
    else:
        print(text_format.render(reports, text_format.Style(_use_color(color))))
    if failed:
        raise typer.Exit(ExitStatus.FAILED)
    found = any(report.findings for report in reports)
    raise typer.Exit(ExitStatus.FOUND if found else ExitStatus.CLEAN)


@app.command()
def rules(
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    pack: PackOption = None,
) -> None:
    """List every rule: id, category, severity and a one-line summary."""
    from .patterns import PackSet

    packs = PackSet.load(extra=list(pack or ()))
    if output_format == OutputFormat.JSON:
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


@app.command()
def explain(
    rule_id: Annotated[
        str, typer.Argument(metavar="RULE", help="A rule id, as listed by `rules`.")
    ],
    pack: PackOption = None,
) -> None:
    """Why a rule exists (the principle and its source), examples and alternatives."""
    from rapidfuzz import process

    from .patterns import PackSet
    from .rewrite import Facts, fill

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
        print(f'  - {source.seed}: "{" ".join(source.passage.split())}"')
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
        origin = f"  [{alternative.source.seed}]" if alternative.source else ""
        text = fill(alternative.text, shown) or alternative.text
        print(f"  - ({alternative.kind}) {text}{origin}")


@app.command(name="eval")
def evaluate(
    corpus: Annotated[
        Path | None, typer.Argument(help="Corpus folder with dev/ and test/ (default: bundled).")
    ] = None,
    split: Annotated[Split, typer.Option(help="Which split to score.")] = Split.TEST,
    errors: Annotated[
        bool, typer.Option("--errors", help="List every miss and false positive.")
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    pack: PackOption = None,
) -> None:
    """Precision, recall and F1 per rule and per category on the labelled corpus."""
    from .api import get_analyzer
    from .evaluation import (
        SPLITS,
        default_corpus_dir,
        load_corpus,
        render_text,
    )
    from .evaluation import (
        evaluate as run_evaluation,
    )

    analyzer = get_analyzer(tuple(pack or ()))
    splits = list(SPLITS) if split == Split.ALL else [split.value]
    directory = corpus or default_corpus_dir()
    examples = load_corpus(directory, splits, set(analyzer.packs.by_id))
    report = run_evaluation(analyzer, examples, splits)
    if output_format == OutputFormat.JSON:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(render_text(report, errors), end="")


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
