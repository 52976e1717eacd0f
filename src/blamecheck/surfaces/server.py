"""`blamecheck lsp`: the language server (pygls 2, standard input/output).

Diagnostics, hovers and quick fixes come from the same engine and rewrite code as the CLI.
Typing stays fast because only edited paragraphs are parsed again (an in-memory cache per
document), bursts of edits are debounced, and an analysis whose document has moved on is
dropped. Analysis runs in a worker thread so that the server keeps answering meanwhile. Logs
go to the client's log channel and never hold document text.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

from lsprotocol import types
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel
from pygls.exceptions import (
    FeatureRequestError,
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcMethodNotFound,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import (
    JsonRPCRequestMessage,
    LanguageServerProtocol,
    default_converter,
    lsp_method,
)

from blamecheck import __version__
from blamecheck.analysis.packs import PLACEHOLDER, RULE_ID
from blamecheck.api import Analyzer, ParagraphCache, get_analyzer, split_blocks
from blamecheck.errors import BlamecheckError
from blamecheck.filters import config as configuration
from blamecheck.filters.ignores import IgnoreStore, context_key
from blamecheck.findings import SHARED_NAME_NOTICE, Finding, Severity
from blamecheck.positions import Encoding, LineIndex, apply_change, encoding_of
from blamecheck.readers.document import Document, Kind, kind_of_language
from blamecheck.surfaces import batch, linting

if TYPE_CHECKING:
    from cattrs import Converter

SOURCE = "blamecheck"
MAX_CHARS = 2_000_000  # larger documents are not analysed while typing (one notice instead)
SMALL_EDIT_PARAGRAPHS = 2  # analysed on the message loop; more go to the worker thread
IGNORE_HERE = "blamecheck.ignoreHere"
DISABLE_RULE = "blamecheck.disableRule"
# VS Code's id for plain text, Neovim's for .txt files, and Markdown's
LANGUAGES = ("plaintext", "text", "markdown")
# the team's configuration and its baselines: a change outside the editor re-checks (the
# server asks the editor to watch them, so every editor that can does, not only VS Code)
WATCHED_FILES = ("**/blamecheck.toml", "**/pyproject.toml", "**/*baseline*.json")
# where a request whose parameters do not fit its method is sent, to be answered with an error
UNFIT_REQUEST = "$/blamecheck/unfitRequest"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


class Settings(BaseModel):
    """The `blamecheck` section of the editor's settings (names as the VS Code extension)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    languages: list[str] = list(LANGUAGES)
    disabled_rules: list[str] = []
    enabled_rules: list[str] = []
    severity: dict[str, Literal["error", "warning", "information", "info", "hint"]] = {}
    debounce_ms: int = Field(default=150, ge=0, le=10_000)

    def reports(self, rule: str) -> bool:
        if rule in self.disabled_rules or rule.split("/", 1)[0] in self.disabled_rules:
            return False
        return not self.enabled_rules or rule in self.enabled_rules

    def severity_of(self, finding: Finding) -> types.DiagnosticSeverity:
        chosen = self.severity.get(finding.rule) or self.severity.get(finding.category.value)
        if chosen is not None:
            return _SEVERITY[chosen]
        return {
            Severity.ERROR: types.DiagnosticSeverity.Error,
            Severity.WARNING: types.DiagnosticSeverity.Warning,
            Severity.INFO: types.DiagnosticSeverity.Information,
        }[finding.severity]


@dataclass
class _Open:
    """What the server holds about one open document; dropped when it closes."""

    language: str
    text: str = ""  # the server's own copy, kept by the LSP's line ends (positions.py)
    version: int | None = None
    cache: ParagraphCache = field(default_factory=ParagraphCache)
    filters: linting.Filters = field(default_factory=linting.Filters)
    task: asyncio.Task[None] | None = None
    published: tuple[int | None, str, list[Finding]] = (None, "", [])
    # the diagnostics last published, by all they say: most are the same on the next edit
    diagnostics: dict[tuple[Any, ...], types.Diagnostic] = field(default_factory=dict)
    warned_size: bool = False
    warned_names: bool = False  # told once that two people share a name nothing tells apart
    warned_language: bool = False  # told once that its language id is not checked


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, except that a request whose parameters do not fit its method still
    gets its error response (-32602), so the client's request does not wait forever, and that
    edits go to the server's own copy of each document only.

    pygls reads a message before it dispatches it, and when the parameters do not fit, it
    raises from the reading, which its loop only logs: the request is never answered. So the
    reading hands such a request on as a request for UNFIT_REQUEST, whose handler raises the
    error, and pygls answers it as it answers any handler's error (public API only).

    pygls's own copy splits lines where Python does (form feed, U+2028 ...), not where the LSP
    does, and while applying an edit it writes a clamped column back into the edit's
    parameters, so its copy and the edit itself would be wrong after such a character. The
    server keeps its documents by the LSP's line ends (positions.py); tests/test_positions.py
    fails the day pygls changes either behaviour.
    """

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        _did_change(server, params)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "method" not in data or not isinstance(data.get("id"), (str, int)):
                raise  # a notification or a response: nothing to answer; the loop logs it
            return JsonRPCRequestMessage(
                id=data["id"], method=UNFIT_REQUEST, jsonrpc=str(data["jsonrpc"]), params=exc
            )


_DIAGNOSTIC_FIELDS = {"range", "message", "severity", "code", "code_description", "source", "data"}


def _converter() -> Converter:
    """pygls's converter, with a quicker way to write the diagnostics the server publishes.

    Hundreds of diagnostics go out on every edit, and cattrs' generic code (field by field,
    optional by optional) took two to three times as long to write them as plain JSON takes.
    A diagnostic with any other field set (one a client sent back in a code action, say) is
    written by lsprotocol's own converter; tests/test_lsp.py checks that both write the same
    JSON."""
    converter = default_converter()
    generic = default_converter()
    others = [a.name for a in types.Diagnostic.__attrs_attrs__ if a.name not in _DIAGNOSTIC_FIELDS]

    def diagnostic(d: types.Diagnostic) -> Any:
        if type(d) is not types.Diagnostic or any(getattr(d, n) is not None for n in others):
            return generic.unstructure(d, types.Diagnostic)
        start, end = d.range.start, d.range.end
        out: dict[str, Any] = {
            "range": {
                "start": {"line": start.line, "character": start.character},
                "end": {"line": end.line, "character": end.character},
            },
            "message": d.message,
        }
        if d.severity is not None:
            out["severity"] = int(d.severity)
        if d.code is not None:
            out["code"] = d.code
        if d.code_description is not None:
            out["codeDescription"] = {"href": d.code_description.href}
        if d.source is not None:
            out["source"] = d.source
        if d.data is not None:
            out["data"] = d.data
        return out

    converter.register_unstructure_hook(types.Diagnostic, diagnostic)
    return converter


class BlamecheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "blamecheck",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
            converter_factory=_converter,
        )
        self.settings = Settings()
        self.open: dict[str, _Open] = {}
        self.store = IgnoreStore()
        self.config_errors: set[str] = set()  # logged once each
        self._analyzer: Analyzer | None = None
        self.timing = 0.0  # seconds the last analysis took
        # one worker: analyses run one at a time, in order, off the message loop
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blamecheck")

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A bad message or a bug in a handler: one line in the log (never a pop-up, never the
        message's content), and the server goes on."""
        done = "answered with an error" if source is FeatureRequestError else "ignored"
        self.log(f"{done}: a message the server could not handle ({error.__class__.__name__})")

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = get_analyzer()
            # the model and rules live as long as the server: keep the garbage collector from
            # walking them again and again, which shows as pauses while typing
            gc.collect()
            gc.freeze()
        return self._analyzer

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """To the client's log channel. Callers pass rule ids and counts, never text."""
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    # -- analysis ---------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """(Re)start the document's analysis after ``delay`` seconds; an older one is cancelled."""
        state = self.open.get(uri)
        if state is None:
            return
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = asyncio.ensure_future(self._analyse_later(uri, delay))

    async def _analyse_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await self._analyse(uri)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # a bug must not take the server down
            self.log(f"analysis failed: {exc.__class__.__name__}", types.MessageType.Error)

    async def _analyse(self, uri: str) -> None:
        state = self.open.get(uri)
        if state is None:
            return
        if state.language not in self.settings.languages:
            self.not_checked(uri, state)
            return
        version, text = state.version, state.text
        findings: list[Finding] = []
        untold = False  # two people share a name that nothing in the document tells apart
        if len(text) > MAX_CHARS:
            if not state.warned_size:
                state.warned_size = True
                self.log(f"document over {MAX_CHARS} characters: not checked while editing")
        else:
            began = time.perf_counter()
            analyzer, filters = self.context(uri)
            state.filters = filters
            view = Document(uri, text, kind_of_language(state.language)).prose()
            analysed = view.text if view is not None else text
            names, profile = filters.config.known_names(), filters.config.profile
            if self.small_edit(analysed, state.cache):
                # a paragraph or two to parse: quicker here than handed to the worker thread
                findings = analyzer.analyse_cached(analysed, state.cache, names, profile)
            else:  # opening or a large change: off the message loop, so it keeps answering
                loop = asyncio.get_running_loop()
                findings = await loop.run_in_executor(
                    self.worker, analyzer.analyse_cached, analysed, state.cache, names, profile
                )
            untold = getattr(findings, "untold_apart", False)
            if view is not None:
                findings = view.relocate(findings, text)
            self.timing = time.perf_counter() - began
        current = self.open.get(uri)
        if current is not state or state.version != version:
            return  # the document moved on (or closed) while this ran: a newer run follows
        state.published = (version, text, findings)
        began = time.perf_counter()
        self.publish(uri)
        if untold and not state.warned_names:
            state.warned_names = True  # once per open document, and never its words
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Info,
                    message=f"blamecheck: this document: {SHARED_NAME_NOTICE}",
                )
            )
        if os.environ.get("BLAMECHECK_TIMING"):  # for bench/bench_lsp.py: times, no text
            took = (time.perf_counter() - began) * 1000
            self.log(f"analysis {self.timing * 1000:.0f} ms, publish {took:.0f} ms")

    def not_checked(self, uri: str, state: _Open) -> None:
        """A document whose language id is not in the `languages` setting gets no diagnostics
        (an empty list only to clear those it had before the setting changed), and the log
        says once which ids are checked, so that a writer whose editor names plain text
        otherwise knows which setting to change. The language id is the editor's, never the
        document's words."""
        if state.published[0] is not None:
            state.published, state.diagnostics = (None, "", []), {}
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, version=state.version, diagnostics=[])
            )
        if not state.warned_language:
            state.warned_language = True
            self.log(
                f"a document with language id {state.language[:40]!r} is not checked: the "
                f"checked ids are {', '.join(self.settings.languages) or 'none'} (the "
                "setting blamecheck.languages, `languages` in the `blamecheck` section)",
                types.MessageType.Warning,
            )

    @staticmethod
    def small_edit(text: str, cache: ParagraphCache) -> bool:
        """At most a few paragraphs of ``text`` are not parsed yet."""
        if not cache.docs:
            return False
        fresh = 0
        for block in split_blocks(text):
            if block.text not in cache.docs:
                fresh += 1
                if fresh > SMALL_EDIT_PARAGRAPHS:
                    return False
        return True

    def context(self, uri: str) -> tuple[Analyzer, linting.Filters]:
        """The analyser and filters of the team's configuration for this document (the nearest
        blamecheck.toml or [tool.blamecheck] above its file); a broken one is logged, by file
        and key, and the defaults used until it is fixed."""
        from pygls.uris import to_fs_path

        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return self.analyzer, linting.Filters()
        try:
            conf = configuration.find(Path(path))
            options = batch.Options()
            batch.check_configuration(conf, options)
            return get_analyzer(batch.packs_for(conf, options)), batch.filters_for(conf, options)
        except BlamecheckError as exc:
            if str(exc) not in self.config_errors:
                self.config_errors.add(str(exc))
                self.log(f"configuration: {exc}", types.MessageType.Warning)
            return self.analyzer, linting.Filters()

    def visible(self, uri: str, text: str, findings: list[Finding]) -> list[Finding]:
        """What the command line would report, less what the writer ignored in the editor."""
        state = self.open.get(uri)
        filters = state.filters if state is not None else linting.Filters()
        shown = linting.visible(Document(uri, text, Kind.TEXT), findings, filters)
        if filters.baseline is not None:
            from pygls.uris import to_fs_path

            path = to_fs_path(uri) or uri
            shown = filters.baseline.split(path, text, shown)[0]
        return [
            f
            for f in shown
            if self.settings.reports(f.rule)
            and not self.store.ignores(f.rule, context_key(f.rule, text, f))
        ]

    def publish(self, uri: str) -> None:
        state = self.open.get(uri)
        if state is None:
            return
        version, text, findings = state.published
        positions = LineIndex(text)
        kept, state.diagnostics = state.diagnostics, {}
        diagnostics = []
        for finding in self.visible(uri, text, findings):
            ident, diagnostic = self.diagnostic(positions, text, finding, kept)
            state.diagnostics[ident] = diagnostic
            diagnostics.append(diagnostic)
        # hundreds go out on every edit: built once each (above), written quickly (_converter)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    @functools.cache  # noqa: B019 - one server per process, a handful of rules
    def explanation(self, rule_id: str) -> types.CodeDescription | None:
        """A link to the rule's explanation: its pattern file inside the installed package."""
        rule = self.analyzer.packs.by_id.get(rule_id)
        if rule is None or rule.origin is None:
            return None
        return types.CodeDescription(href=rule.origin.resolve().as_uri())

    @property
    def encoding(self) -> Encoding:
        """The position encoding agreed with the client."""
        return encoding_of(self.workspace.position_encoding)

    def diagnostic(
        self,
        positions: LineIndex,
        text: str,
        finding: Finding,
        kept: dict[tuple[Any, ...], types.Diagnostic],
    ) -> tuple[tuple[Any, ...], types.Diagnostic]:
        """A finding's diagnostic, and all it says as a key; the one in ``kept`` under that
        key if there is one (building lsprotocol objects, each field checked, is the slow
        part of publishing, and an edit leaves most diagnostics as they were)."""
        encoding = self.encoding
        start = positions.lsp_position(finding.start, encoding)
        end = positions.lsp_position(finding.end, encoding)
        severity = self.settings.severity_of(finding)
        # the rule and the words around it: the server keeps the finding's alternatives, so
        # a quick fix is built from this without analysing again
        key = context_key(finding.rule, text, finding)
        where = (start["line"], start["character"], end["line"], end["character"])
        ident = (*where, finding.rule, finding.message, severity, key)
        diagnostic = kept.get(ident)
        if diagnostic is None:
            diagnostic = types.Diagnostic(
                range=types.Range(start=types.Position(**start), end=types.Position(**end)),
                message=finding.message,
                severity=severity,
                code=finding.rule,
                code_description=self.explanation(finding.rule),
                source=SOURCE,
                data={"rule": finding.rule, "key": key},
            )
        return ident, diagnostic


server = BlamecheckServer()


# -- document lifecycle ------------------------------------------------------------------------


@server.feature(types.INITIALIZED)
async def _initialized(ls: BlamecheckServer, params: types.InitializedParams) -> None:
    folders = ls.workspace.folders
    root = next(iter(folders.values()), None) if folders else None
    if root is not None and root.uri.startswith("file:"):
        from pygls.uris import to_fs_path

        path = to_fs_path(root.uri)
        if path:
            ls.store = IgnoreStore(Path(path))
    await asyncio.gather(_watch_files(ls), _pull_settings(ls))


async def _watch_files(ls: BlamecheckServer) -> None:
    """Ask the editor to tell the server when the team's configuration or a baseline changes
    outside it (a pull, another program), if it can watch files for a server (VS Code, and
    Neovim, Helix or Zed where they can): every such editor then re-checks, with no watcher
    of its own to set up."""
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if watched is None or not watched.dynamic_registration:
        return
    registration = types.Registration(
        id="blamecheck-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_FILES]
        ),
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as exc:
        ls.log(
            f"could not ask the editor to watch configuration files: {exc.__class__.__name__}",
            types.MessageType.Warning,
        )


async def _pull_settings(ls: BlamecheckServer) -> None:
    """Ask the client for the `blamecheck` section, if it can answer."""
    capable = ls.client_capabilities.workspace and ls.client_capabilities.workspace.configuration
    if not capable:
        return
    try:
        answer = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="blamecheck")])
        )
    except Exception as exc:
        ls.log(f"could not read the settings: {exc.__class__.__name__}", types.MessageType.Warning)
        return
    _apply_settings(ls, answer[0] if answer else None)


def _apply_settings(ls: BlamecheckServer, raw: Any) -> None:
    if not isinstance(raw, dict):
        return
    try:
        ls.settings = Settings.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        ls.log(
            f"settings: blamecheck.{where}: {err['msg']}; keeping the previous settings",
            types.MessageType.Warning,
        )


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def _configuration_changed(
    ls: BlamecheckServer, params: types.DidChangeConfigurationParams
) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("blamecheck"), dict):
        _apply_settings(ls, settings["blamecheck"])
    else:
        await _pull_settings(ls)
    for uri in list(ls.open):
        ls.schedule(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: BlamecheckServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.open[item.uri] = _Open(language=item.language_id, text=item.text, version=item.version)
    ls.schedule(item.uri, 0)


def _did_change(ls: BlamecheckServer, params: types.DidChangeTextDocumentParams) -> None:
    """A change is checked at once when no check is pending; changes that arrive while one
    is pending or running (typing faster than a check takes) are gathered into one check,
    made when they have stopped for the debounce time."""
    state = ls.open.get(params.text_document.uri)
    if state is None:
        return
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            r = change.range
            state.text = apply_change(
                state.text,
                (r.start.line, r.start.character),
                (r.end.line, r.end.character),
                change.text,
                ls.encoding,
            )
        else:
            state.text = change.text
    state.version = params.text_document.version
    idle = state.task is None or state.task.done()
    ls.schedule(params.text_document.uri, 0 if idle else ls.settings.debounce_ms / 1000)


def _team_file(uri: str) -> bool:
    """The team's configuration, or a JSON file (a baseline may have any name)."""
    return uri.endswith(("/" + configuration.CONFIG_NAME, "/" + configuration.PYPROJECT, ".json"))


def _team_files_changed(ls: BlamecheckServer) -> None:
    """The team's settings changed: read them afresh and check every open document again."""
    batch.forget()
    ls.config_errors.clear()
    for uri in list(ls.open):
        ls.schedule(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: BlamecheckServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if _team_file(uri):
        _team_files_changed(ls)
    elif uri in ls.open:
        ls.schedule(uri, 0)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched_files_changed(ls: BlamecheckServer, params: types.DidChangeWatchedFilesParams) -> None:
    """A configuration or baseline file created, changed or deleted outside the editor."""
    if any(_team_file(change.uri) for change in params.changes):
        _team_files_changed(ls)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: BlamecheckServer, params: types.DidCloseTextDocumentParams) -> None:
    state = ls.open.pop(params.text_document.uri, None)
    if state is not None and state.task is not None:
        state.task.cancel()
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


# -- hover and quick fixes -------------------------------------------------------------------


def _at(
    ls: BlamecheckServer, uri: str, start: types.Position, end: types.Position
) -> list[Finding]:
    """The published findings that overlap a range, in the text they were published for."""
    state = ls.open.get(uri)
    if state is None or state.published[0] is None:
        return []
    _, text, findings = state.published
    lines = LineIndex(text)
    lo = lines.offset(start.line, start.character, ls.encoding)
    hi = lines.offset(end.line, end.character, ls.encoding)
    return [f for f in ls.visible(uri, text, findings) if f.start <= hi and lo <= f.end]


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: BlamecheckServer, params: types.HoverParams) -> types.Hover | None:
    found = _at(ls, params.text_document.uri, params.position, params.position)
    if not found:
        return None
    parts = []
    for finding in found:
        rule = ls.analyzer.packs.by_id.get(finding.rule)
        lines = [f"**{finding.rule}**: {finding.message}"]
        if rule is not None:
            lines.append(f"*Principle:* {rule.principle.statement}")
            lines.append(" ".join(rule.explanation.split()))
        if finding.suggestions:
            lines.append("*Instead:*")
            for s in finding.suggestions:
                note = " *(fill in the brackets)*" if s.status == "needs-input" else ""
                mine = "*Your decision, only if it was so:* " if s.kind == "choice" else ""
                lines.append(f"- {mine}{s.replacement}{note}")
        for prompt in finding.prompts[:2]:
            lines.append(f"- *Ask:* {prompt.text}")
        parts.append("\n\n".join(lines))
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
        )
    )


def _snippet(text: str) -> str:
    """Placeholders as snippet tab stops: "[what he did]" -> "${1:[what he did]}"."""
    out, pos = [], 0
    for n, match in enumerate(PLACEHOLDER.finditer(text), start=1):
        escaped = text[pos : match.start()].replace("\\", "\\\\").replace("$", "\\$")
        inner = match.group(0).replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
        out.append(f"{escaped}${{{n}:{inner}}}")
        pos = match.end()
    out.append(text[pos:].replace("\\", "\\\\").replace("$", "\\$"))
    return "".join(out)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def _code_actions(ls: BlamecheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    state = ls.open.get(uri)
    if state is None:
        return []
    workspace_caps = ls.client_capabilities.workspace
    edit_caps = workspace_caps.workspace_edit if workspace_caps else None
    snippets = bool(edit_caps and edit_caps.snippet_edit_support)
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else None
        if diagnostic.source != SOURCE or data is None:
            continue
        finding = _published_finding(state, data)
        for suggestion in finding.suggestions if finding is not None else []:
            replacement = suggestion.replacement
            if snippets and PLACEHOLDER.search(replacement):
                edit: Any = types.SnippetTextEdit(
                    range=diagnostic.range,
                    snippet=types.StringValue(value=_snippet(replacement)),
                )
            else:
                edit = types.TextEdit(range=diagnostic.range, new_text=replacement)
            shown = replacement if len(replacement) <= 70 else replacement[:67] + "..."
            choice = suggestion.kind == "choice"  # the writer's decision: never preferred
            title = f"Your decision: {shown}" if choice else f"Replace with: {shown}"
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=not actions and not choice,
                    edit=types.WorkspaceEdit(
                        document_changes=[
                            types.TextDocumentEdit(
                                text_document=types.OptionalVersionedTextDocumentIdentifier(
                                    uri=uri, version=state.published[0]
                                ),
                                edits=[edit],
                            )
                        ]
                    ),
                )
            )
        rule = str(data.get("rule", ""))
        actions.append(
            types.CodeAction(
                title=f"Ignore {rule} here",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(
                    title="Ignore here", command=IGNORE_HERE, arguments=[uri, rule, data.get("key")]
                ),
            )
        )
        actions.append(
            types.CodeAction(
                title=f"Disable {rule} for this workspace",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title="Disable rule", command=DISABLE_RULE, arguments=[rule]),
            )
        )
    return actions


def _published_finding(state: _Open, data: dict[str, Any]) -> Finding | None:
    """The published finding a diagnostic's data points at (rule and surrounding words)."""
    _, text, findings = state.published
    rule = data.get("rule")
    for finding in findings:
        if finding.rule == rule and context_key(finding.rule, text, finding) == data.get("key"):
            return finding
    return None


class _Arguments(BaseModel):
    """A command's arguments, in the order its code action lists them. Strict, so that a
    malformed call is answered with an error (-32602) that names the argument, never with a
    traceback and never with the value (it could hold a document's words)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    @classmethod
    def of(cls, command: str, values: tuple[Any, ...]) -> Self:
        names = list(cls.model_fields)
        if len(values) != len(names):
            expected = f"{len(names)} argument{'s' if len(names) > 1 else ''}"
            raise JsonRpcInvalidParams(
                f"{command} takes {expected} ({', '.join(names)}), not {len(values)}"
            )
        try:
            return cls.model_validate(dict(zip(names, values, strict=True)))
        except ValidationError as exc:
            error = exc.errors()[0]  # its place and message only: never the input
            where = ".".join(str(part) for part in error["loc"])
            raise JsonRpcInvalidParams(f"{command}: {where}: {error['msg']}") from None


class IgnoreHereArguments(_Arguments):
    uri: str = Field(min_length=1)
    rule: str = Field(pattern=RULE_ID.pattern)
    key: str = Field(pattern=r"^[0-9a-f]{1,64}$")  # a hash the server handed out (ignores.py)


class DisableRuleArguments(_Arguments):
    rule: str = Field(pattern=RULE_ID.pattern)


_A = TypeVar("_A", bound=_Arguments)


def _command(
    name: str, arguments: type[_A]
) -> Callable[[Callable[[BlamecheckServer, _A], bool]], Callable[[BlamecheckServer, _A], bool]]:
    """Register a workspace/executeCommand handler that takes its arguments validated."""

    def register(
        handler: Callable[[BlamecheckServer, _A], bool],
    ) -> Callable[[BlamecheckServer, _A], bool]:
        @server.command(name)
        def call(ls: BlamecheckServer, *values: Any) -> bool:
            return handler(ls, arguments.of(name, values))

        return handler

    return register


@_command(IGNORE_HERE, IgnoreHereArguments)
def _ignore_here(ls: BlamecheckServer, args: IgnoreHereArguments) -> bool:
    state = ls.open.get(args.uri)
    published = state.published if state is not None else (None, "", [])
    _, text, findings = published
    keys = {context_key(f.rule, text, f) for f in findings if f.rule == args.rule}
    if args.key not in keys:  # only a key this server handed out: never words into the store
        ls.log("ignoreHere: not a finding of this document", types.MessageType.Warning)
        return False
    ls.store.keys.add(args.key)
    _save(ls)
    ls.log(f"ignoring {args.rule} at one place")
    ls.publish(args.uri)
    return True


@_command(DISABLE_RULE, DisableRuleArguments)
def _disable_rule(ls: BlamecheckServer, args: DisableRuleArguments) -> bool:
    ls.store.disabled.add(args.rule)
    _save(ls)
    ls.log(f"disabled {args.rule} for this workspace")
    for uri in ls.open:
        ls.publish(uri)
    return True


@server.feature(UNFIT_REQUEST)
def _unfit_request(ls: BlamecheckServer, error: Any) -> None:
    """Raise the error of a request whose parameters did not fit (see _Protocol): pygls
    answers it, and reports it in the log through report_server_error."""
    if isinstance(error, JsonRpcException):
        raise error
    raise JsonRpcMethodNotFound.of(UNFIT_REQUEST)  # called by its name from outside


def _save(ls: BlamecheckServer) -> None:
    try:
        ls.store.save()
    except OSError as exc:
        ls.log(f"could not save ignores: {exc.strerror or exc.__class__.__name__}")


def run() -> None:
    """Serve on standard input/output until the client exits."""
    # pygls logs a bad message with a traceback on standard error; the server reports it in
    # the client's log channel instead (report_server_error), without the message's content
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    server.start_io()
