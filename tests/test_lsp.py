"""The language server over standard input/output, driven by a real LSP client (pytest-lsp):
open, edit, diagnostics, hover, quick fixes applied and re-checked, ignores, configuration,
positions in UTF-16, and malformed input that must not bring the server down."""

from __future__ import annotations

import ast
import asyncio
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from blamecheck.readers.document import Kind
from blamecheck.surfaces import linting
from tests.test_properties import edit_scripts

# the client lives for the whole module (one server start), so the tests share its event loop
pytestmark = pytest.mark.asyncio(loop_scope="module")

_PUBLISHED: dict[int, list[types.PublishDiagnosticsParams]] = {}
_REGISTERED: dict[int, list[types.Registration]] = {}


def _make_client() -> LanguageClient:
    """A pytest-lsp client that also keeps every publishDiagnostics with its version, and
    accepts and keeps the capabilities the server registers (client/registerCapability)."""
    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        _PUBLISHED.setdefault(id(client), []).append(params)
        original(client, params)

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        _REGISTERED.setdefault(id(client), []).extend(params.registrations)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "blamecheck", "lsp"], client_factory=_make_client
)


WORKSPACE = Path(tempfile.mkdtemp(prefix="blamecheck-lsp-workspace-"))


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    capabilities = client_capabilities("visual-studio-code")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            workspace_folders=[types.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="reports")],
        )
    )
    lsp_client.set_configuration({"debounceMs": 20}, section="blamecheck")
    yield
    await lsp_client.shutdown_session()


async def _diagnostics(
    client: LanguageClient, uri: str, version: int, timeout: float = 60
) -> list[types.Diagnostic]:
    """The diagnostics published for this version of the document."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for params in reversed(_PUBLISHED.get(id(client), [])):
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics for {uri} version {version}")


_counter = iter(range(1, 10_000))


def _open(
    client: LanguageClient, text: str, language: str = "plaintext", uri: str | None = None
) -> str:
    uri = uri or f"file:///tmp/blamecheck-lsp-{next(_counter)}.txt"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def _change(
    client: LanguageClient, uri: str, version: int, text: str, range_: types.Range | None = None
) -> None:
    change: Any = (
        types.TextDocumentContentChangePartial(range=range_, text=text)
        if range_
        else types.TextDocumentContentChangeWholeDocument(text=text)
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change],
        )
    )


async def _fixes(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list[Any]:
    """The code actions the server offers for one diagnostic, asked as an editor asks."""
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return list(actions or [])


_LINE_END = re.compile("\r\n|\r|\n")  # the LSP's line ends, and no others


def _offset(text: str, position: types.Position) -> int:
    """A UTF-16 position as an offset, counting lines as the LSP specification does."""
    starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = _LINE_END.sub("", text[start:end]).encode("utf-16-le", "surrogatepass")
    return start + len(line[: position.character * 2].decode("utf-16-le", "surrogatepass"))


def _position(text: str, offset: int) -> types.Position:
    """The UTF-16 position of an offset, counting lines as the LSP specification does."""
    starts = [0, *(m.end() for m in _LINE_END.finditer(text[:offset]))]
    before = text[starts[-1] : offset].encode("utf-16-le", "surrogatepass")
    return types.Position(line=len(starts) - 1, character=len(before) // 2)


def _in_range(text: str, range_: types.Range) -> str:
    return text[_offset(text, range_.start) : _offset(text, range_.end)]


def _apply(text: str, edit: types.TextEdit) -> str:
    """Apply one edit given in UTF-16 positions, as VS Code would."""
    return (
        text[: _offset(text, edit.range.start)]
        + edit.new_text
        + text[_offset(text, edit.range.end) :]
    )


async def test_open_publishes_diagnostics_with_rule_source_and_link(client: LanguageClient):
    uri = _open(client, "Mother failed to protect the children.\n")
    diagnostics = await _diagnostics(client, uri, 1)
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert d.code == "victim-blaming/failure-to-protect"
    assert d.source == "blamecheck"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.code_description is not None and d.code_description.href.startswith("file:")
    assert d.range == types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=0, character=37)
    )
    assert set(d.data) == {"rule", "key"}  # the server keeps the alternatives for the fixes


async def test_a_clean_edit_publishes_an_empty_list_for_the_new_version(client: LanguageClient):
    uri = _open(client, "She was pushed.\n")
    assert len(await _diagnostics(client, uri, 1)) == 1
    _change(client, uri, 2, "She was pushed by Mr Reid.\n")
    assert await _diagnostics(client, uri, 2) == []


async def test_positions_are_utf16_code_units(client: LanguageClient):
    # an emoji is two UTF-16 units; "’" and "é" one each: the underline must still be exact
    text = "Renée’s note 🙂: Mother failed to protect the children.\n"
    uri = _open(client, text)
    (d,) = await _diagnostics(client, uri, 1)
    prefix = text[: text.index("Mother")]
    start = len(prefix.encode("utf-16-le")) // 2
    assert d.range.start == types.Position(line=0, character=start)
    assert d.range.end.character == start + len("Mother failed to protect the children")


async def test_hover_shows_explanation_principle_and_alternatives(client: LanguageClient):
    uri = _open(client, "Mr Reid punched her.\n\nMs Clarke was assaulted on 3 March.\n")
    await _diagnostics(client, uri, 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=12),
        )
    )
    assert hover is not None
    value = hover.contents.value  # type: ignore[union-attr]
    assert "perpetrator-agency/agentless-violence" in value
    assert "Principle" in value and "Intervene with the perpetrator" in value
    assert "Mr Reid assaulted Ms Clarke on 3 March" in value
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=2),
        )
    )
    assert nothing is None


async def test_quick_fix_applied_by_the_client_removes_the_diagnostic(client: LanguageClient):
    """Issue 6, done when: a quick fix on "Ms Clarke was assaulted on 3 March." clears it."""
    text = "Ms Clarke was assaulted on 3 March.\n"
    uri = _open(client, text)
    (diagnostic,) = await _diagnostics(client, uri, 1)
    actions = await _fixes(client, uri, diagnostic)
    assert actions
    fix = actions[0]
    assert isinstance(fix, types.CodeAction) and fix.edit is not None
    assert fix.title.startswith("Replace with: [who did this] assaulted Ms Clarke on 3 March")
    titles = [a.title for a in actions]
    assert any(t.startswith("Ignore ") for t in titles)
    assert any(t.startswith("Disable ") for t in titles)
    (document_edit,) = fix.edit.document_changes  # type: ignore[misc]
    (edit,) = document_edit.edits  # type: ignore[union-attr]
    new_text = getattr(edit, "new_text", None)
    if new_text is None:  # a snippet edit: placeholders as tab stops, VS Code resolves them
        new_text = edit.snippet.value.replace("${1:", "").replace("}", "")  # type: ignore[union-attr]
        edit = types.TextEdit(range=edit.range, new_text=new_text)
    fixed = _apply(text, edit)
    assert fixed == "[who did this] assaulted Ms Clarke on 3 March.\n"
    _change(client, uri, 2, fixed)
    assert await _diagnostics(client, uri, 2) == []


async def test_the_team_configuration_applies_in_the_editor(client: LanguageClient):
    """blamecheck.toml above the file: ignore, severity and people, as on the command line;
    saving the configuration checks the open documents again."""
    case = WORKSPACE / "walsh"
    case.mkdir()
    config = case / "blamecheck.toml"
    config.write_text(
        'ignore = ["child-impact"]\n[severity]\n"victim-blaming" = "error"\n'
        '[people]\nperpetrator = ["Dean Walsh"]\nsurvivor = ["Sarah"]\nchildren = ["Liam"]\n',
        encoding="utf-8",
    )
    text = "Sarah failed to protect Liam.\n\nThe children were exposed to domestic violence.\n"
    uri = _open(client, text, uri=(case / "visit.txt").as_uri())
    (diagnostic,) = await _diagnostics(client, uri, 1)
    assert diagnostic.code == "victim-blaming/failure-to-protect"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    titles = [a.title for a in await _fixes(client, uri, diagnostic)]
    # the configured people are the writer's choices, never the preferred fix
    assert titles[0].startswith("Replace with: [his name] [what he did that harmed Liam]")
    assert titles[1].startswith("Your decision: Dean Walsh [what he did that harmed Liam]")

    config.write_text('select = ["child-impact"]\n', encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(config.as_uri()))
    )
    _change(client, uri, 2, text)  # a new version to wait for; the save re-checks it anyway
    (diagnostic,) = await _diagnostics(client, uri, 2)
    assert diagnostic.code.startswith("child-impact/")  # type: ignore[union-attr]

    config.write_text('[severity]\n"perpetrator-agency" = 3\n', encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(config.as_uri()))
    )
    _change(client, uri, 3, text)
    assert len(await _diagnostics(client, uri, 3)) == 2  # broken: the defaults, and a log line
    logged = [m.message for m in client.log_messages if "configuration:" in m.message]
    assert any("blamecheck.toml: severity.perpetrator-agency:" in m for m in logged)


async def test_markdown_is_checked_as_the_prose_it_shows(client: LanguageClient):
    text = (
        "---\ntitle: she was pushed\n---\n\n# Visit\n\n"
        "Ms Clarke was **assaulted** on 3 March.\n\n"
        "```\nMother failed to protect the children.\n```\n"
    )
    uri = _open(client, text, language="markdown")
    (diagnostic,) = await _diagnostics(client, uri, 1)
    assert diagnostic.code == "perpetrator-agency/agentless-violence"
    assert diagnostic.range.start == types.Position(line=6, character=0)
    end = diagnostic.range.end
    assert end.line == 6 and text.splitlines()[6][: end.character].endswith("3 March")


async def test_incremental_edits_past_the_end_and_a_flood_of_changes(client: LanguageClient):
    uri = _open(client, "Notes.\n")
    await _diagnostics(client, uri, 1)
    version = 1
    for word in ["She", "was", "pushed", "."]:  # a burst of small incremental edits
        version += 1
        _change(
            client,
            uri,
            version,
            f" {word}",
            types.Range(
                start=types.Position(line=0, character=6), end=types.Position(line=0, character=6)
            ),
        )
    # an edit whose range lies past the end of the document
    version += 1
    _change(
        client,
        uri,
        version,
        " Mother failed to protect the children.",
        types.Range(
            start=types.Position(line=40, character=3), end=types.Position(line=41, character=0)
        ),
    )
    diagnostics = await _diagnostics(client, uri, version)
    assert "victim-blaming/failure-to-protect" in {d.code for d in diagnostics}
    # the server is still alive and answering
    assert (
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=0),
            )
        )
        is None
        or True
    )


async def test_unknown_documents_are_answered_not_crashed_on(client: LanguageClient):
    ghost = "file:///tmp/never-opened.txt"
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=ghost),
            position=types.Position(line=3, character=1),
        )
    )
    assert hover is None
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=ghost),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=1)
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    _change(client, ghost, 7, "She was pushed.")  # a change to a document never opened
    uri = _open(client, "She was pushed.\n")
    assert len(await _diagnostics(client, uri, 1)) == 1


async def test_configuration_change_disables_a_rule_and_sets_severity(client: LanguageClient):
    uri = _open(client, "She was pushed.\n\nMother failed to protect the children.\n")
    assert len(await _diagnostics(client, uri, 1)) == 2
    client.set_configuration(
        {
            "debounceMs": 20,
            "disabledRules": ["perpetrator-agency/agentless-violence"],
            "severity": {"victim-blaming": "error"},
        },
        section="blamecheck",
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.5)
    _change(client, uri, 2, "She was pushed.\n\nMother failed to protect the children.\n")
    (only,) = await _diagnostics(client, uri, 2)
    assert only.code == "victim-blaming/failure-to-protect"
    assert only.severity == types.DiagnosticSeverity.Error
    client.set_configuration({"debounceMs": 20}, section="blamecheck")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.5)


async def _logged(client: LanguageClient, part: str, timeout: float = 60) -> list[str]:
    """The log lines holding ``part``, once there is one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        found = [m.message for m in client.log_messages if part in m.message]
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"nothing logged about {part!r}")


async def test_neovims_language_id_for_text_files_is_checked(client: LanguageClient):
    """Neovim sends `text` for a .txt file, VS Code `plaintext`."""
    uri = _open(client, "Mother failed to protect the children.\n", language="text")
    (diagnostic,) = await _diagnostics(client, uri, 1)
    assert diagnostic.code == "victim-blaming/failure-to-protect"


async def test_a_language_that_is_not_checked_gets_no_diagnostics_and_one_log_line(
    client: LanguageClient,
):
    uri = _open(client, "She was pushed.\n", language="python")
    (told,) = await _logged(client, "language id 'python' is not checked")
    assert "plaintext, text, markdown" in told and "blamecheck.languages" in told
    assert "pushed" not in told
    _change(client, uri, 2, "She was pushed again.\n")
    hover = await client.text_document_hover_async(  # answered after the change is handled
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=2),
        )
    )
    await asyncio.sleep(0.3)
    assert hover is None
    # nothing published, not even an empty list, and the log said it once
    assert not [p for p in _PUBLISHED.get(id(client), []) if p.uri == uri]
    assert len(await _logged(client, "language id 'python' is not checked")) == 1


async def test_a_language_taken_out_of_the_setting_has_its_diagnostics_cleared(
    client: LanguageClient,
):
    uri = _open(client, "She was pushed.\n")
    assert len(await _diagnostics(client, uri, 1)) == 1
    client.set_configuration({"debounceMs": 20, "languages": ["markdown"]}, section="blamecheck")
    _PUBLISHED[id(client)].clear()
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert await _diagnostics(client, uri, 1) == []
    (told, *_) = await _logged(client, "language id 'plaintext' is not checked")
    assert "the checked ids are markdown" in told
    client.set_configuration({"debounceMs": 20}, section="blamecheck")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.5)


async def test_ignore_here_survives_edits_elsewhere(client: LanguageClient):
    text = "Intro line.\n\nThe couple have a volatile relationship.\n"
    uri = _open(client, text)
    (diagnostic,) = await _diagnostics(client, uri, 1)
    actions = await _fixes(client, uri, diagnostic)
    assert actions, "no code actions"
    ignore = next((a for a in actions if a.title.startswith("Ignore")), None)
    assert ignore is not None, [a.title for a in actions]
    # the client library may read a code action that runs a command as a plain Command
    # holding the command as a dict: take the command either way
    command = ignore.command if isinstance(ignore, types.CodeAction) else ignore
    if isinstance(command, types.Command) and command.command.startswith("{"):
        command = types.Command(**ast.literal_eval(command.command))
    assert isinstance(command, types.Command)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )
    # an edit above the finding moves it down two lines: the ignore still holds
    _change(
        client,
        uri,
        2,
        "A new first line.\n\nIntro line.\n\nThe couple have a volatile relationship.\n",
    )
    assert await _diagnostics(client, uri, 2) == []
    # saved in the workspace folder, as a hash of the words only
    store = WORKSPACE / ".blamecheck" / "ignores.json"
    saved = json.loads(store.read_text())
    assert saved["ignored"] == [diagnostic.data["key"]]
    assert "volatile" not in store.read_text() and "couple" not in store.read_text()
    # only a key the server handed out is stored: a client cannot put words into the file
    refused = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="blamecheck.ignoreHere",
            arguments=[uri, "perpetrator-agency/mutualising", "0" * 32],
        )
    )
    assert refused is False and "0" * 32 not in store.read_text()
    with pytest.raises(JsonRpcInvalidParams) as words:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="blamecheck.ignoreHere",
                arguments=[uri, "perpetrator-agency/mutualising", "volatile relationship"],
            )
        )
    assert "key" in words.value.message and "volatile" not in words.value.message
    assert "volatile" not in store.read_text()


@pytest.mark.parametrize(
    ("command", "arguments", "says"),
    [
        ("blamecheck.ignoreHere", None, "takes 3 arguments (uri, rule, key), not 0"),
        ("blamecheck.ignoreHere", ["file:///x.txt", "victim-blaming/x"], "not 2"),
        ("blamecheck.ignoreHere", ["file:///x.txt", 7, "ab12"], "rule: Input should be"),
        ("blamecheck.ignoreHere", [["file:///x.txt"], "victim-blaming/x", "ab"], "uri:"),
        ("blamecheck.disableRule", [], "takes 1 argument (rule), not 0"),
        ("blamecheck.disableRule", ["the couple argued"], "rule: String should match"),
        ("blamecheck.disableRule", [{"rule": "victim-blaming/x"}], "rule: Input should be"),
    ],
)
async def test_a_malformed_command_is_answered_with_an_error_not_a_traceback(
    client: LanguageClient, command: str, arguments: list[Any] | None, says: str
):
    with pytest.raises(JsonRpcInvalidParams) as error:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=arguments)
        )
    assert error.value.code == -32602
    assert says in error.value.message and command in error.value.message
    assert error.value.data is None  # no traceback
    assert "couple" not in error.value.message  # never the value
    store = WORKSPACE / ".blamecheck" / "ignores.json"
    assert not store.exists() or "couple" not in store.read_text()


async def test_the_server_asks_the_editor_to_watch_the_team_files(client: LanguageClient):
    """A client that can register file watchers for a server (VS Code; Neovim, Helix or Zed
    where they can) is asked at start-up to watch the team's configuration and baselines; a
    change it then reports re-checks the open documents with the new settings."""
    (registration,) = [
        r
        for r in _REGISTERED.get(id(client), [])
        if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    ]
    options = registration.register_options
    assert options is not None
    watchers = options["watchers"] if isinstance(options, dict) else options.watchers
    globs = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers]
    assert globs == ["**/blamecheck.toml", "**/pyproject.toml", "**/*baseline*.json"]

    case = WORKSPACE / "registered"
    case.mkdir()
    project = case / "pyproject.toml"
    project.write_text('[tool.blamecheck]\nselect = ["child-impact"]\n', encoding="utf-8")
    text = "She was pushed.\n\nThe children were exposed to domestic violence.\n"
    uri = _open(client, text, uri=(case / "visit.txt").as_uri())
    (only,) = await _diagnostics(client, uri, 1)
    assert only.code.startswith("child-impact/")  # type: ignore[union-attr]
    project.write_text('[tool.blamecheck]\nignore = ["child-impact"]\n', encoding="utf-8")
    _PUBLISHED[id(client)].clear()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=project.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    (now,) = await _diagnostics(client, uri, 1)
    assert now.code == "perpetrator-agency/agentless-violence"


async def test_diagnostics_are_written_as_lsprotocol_writes_them():
    """The server writes its diagnostics by a quicker path than lsprotocol's converter
    (server._converter); the JSON must be the same, and a diagnostic with fields the quick
    path does not write (as a client sends back in a code action) goes the generic way."""
    from blamecheck.surfaces.server import _converter

    quick, generic = _converter(), default_converter()
    span = types.Range(
        start=types.Position(line=2, character=0), end=types.Position(line=2, character=14)
    )
    ours = types.Diagnostic(
        range=span,
        message="m",
        severity=types.DiagnosticSeverity.Hint,
        code="victim-blaming/failure-to-protect",
        code_description=types.CodeDescription(href="file:///patterns/victim-blaming.yaml"),
        source="blamecheck",
        data={"rule": "victim-blaming/failure-to-protect", "key": "ab12"},
    )
    bare = types.Diagnostic(range=span, message="m", code=3, data={"a": None, "b": [1, "x"]})
    full = types.Diagnostic(
        range=span,
        message="m",
        code=3,
        tags=[types.DiagnosticTag.Unnecessary],
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(uri="file:///y.txt", range=span), message="there"
            )
        ],
        data=[1, {"a": None}],
    )
    for diagnostic in (ours, bare, full):
        assert quick.unstructure(diagnostic) == generic.unstructure(diagnostic)
    params = types.PublishDiagnosticsParams(uri="file:///x.txt", diagnostics=[ours], version=4)
    assert json.dumps(quick.unstructure(params)) == json.dumps(generic.unstructure(params))


async def test_a_configuration_changed_outside_the_editor_is_read_again(client: LanguageClient):
    case = WORKSPACE / "watched"
    case.mkdir()
    config = case / "blamecheck.toml"
    config.write_text('select = ["child-impact"]\n', encoding="utf-8")
    text = "She was pushed.\n\nThe children were exposed to domestic violence.\n"
    uri = _open(client, text, uri=(case / "visit.txt").as_uri())
    (only,) = await _diagnostics(client, uri, 1)
    assert only.code.startswith("child-impact/")  # type: ignore[union-attr]
    config.unlink()  # deleted in a file manager: the editor sends a watched-file event
    _PUBLISHED[id(client)].clear()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    assert len(await _diagnostics(client, uri, 1)) == 2  # re-published with the defaults


async def test_log_messages_never_hold_document_text(client: LanguageClient):
    secret = "Zephyrine Quartermaine-Okonkwo was pushed."
    uri = _open(client, secret + "\n")
    await _diagnostics(client, uri, 1)
    for message in client.log_messages:
        assert "Zephyrine" not in message.message and "Quartermaine" not in message.message


async def _response(
    stream: asyncio.StreamReader, wanted: int, seen: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Read framed messages until the response with id ``wanted``; the others go to ``seen``."""
    while True:
        header = await stream.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in header.split(b"\r\n")
            if line.startswith(b"Content-Length")
        )
        message = json.loads(await stream.readexactly(length))
        if message.get("id") == wanted and "method" not in message:
            return message
        if seen is not None:
            seen.append(message)


@pytest.mark.parametrize(
    "payload",
    [
        b"Content-Length: 12\r\n\r\n{not json!!}",
        b'Content-Length: 39\r\n\r\n{"jsonrpc": "2.0", "method": "bogus/x"}',
        b"Content-Length: 2\r\n\r\n[]",
    ],
)
async def test_malformed_messages_do_not_kill_the_server(payload):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "blamecheck",
        "lsp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None

    def frame(message: dict[str, Any]) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    process.stdin.write(payload)
    process.stdin.write(
        frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    )
    await process.stdin.drain()
    seen: list[dict[str, Any]] = []
    answer = await asyncio.wait_for(_response(process.stdout, 1, seen), timeout=60)
    assert "capabilities" in answer["result"]
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    # a request whose parameters do not fit still gets its answer: an error, not silence
    hover = {"textDocument": {"uri": "file:///x.txt"}, "position": {"line": -1, "character": 0}}
    process.stdin.write(
        frame({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": hover})
    )
    await process.stdin.drain()
    refused = await asyncio.wait_for(_response(process.stdout, 7, seen), timeout=60)
    assert refused["error"]["code"] == -32602
    assert refused["error"].get("data") is None  # no traceback
    # this client cannot register file watchers: it is not asked to
    assert not [m for m in seen if m.get("method") == "client/registerCapability"]
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    await process.stdin.drain()
    await asyncio.wait_for(process.wait(), timeout=30)
    stderr = (await process.stderr.read()).decode() if process.stderr else ""
    assert "Traceback" not in stderr


async def test_a_huge_document_is_answered_with_a_notice_not_a_hang(client: LanguageClient):
    huge = "She was pushed. " * 140_000  # 2.2 million characters
    uri = _open(client, huge)
    assert await _diagnostics(client, uri, 1) == []
    assert any("not checked while editing" in m.message for m in client.log_messages)
    uri = _open(client, "She was pushed.\n")  # and the server goes on
    assert len(await _diagnostics(client, uri, 1)) == 1


async def test_save_rechecks_and_close_drops_the_document(client: LanguageClient):
    uri = _open(client, "She was pushed.\n")
    assert len(await _diagnostics(client, uri, 1)) == 1
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:  # the last word on a closed document is an empty list
        last = [p for p in _PUBLISHED[id(client)] if p.uri == uri][-1]
        if last.diagnostics == [] or last.diagnostics == ():
            break
        await asyncio.sleep(0.02)
    assert not last.diagnostics
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=3),
        )
    )
    assert hover is None


def _edit_of(action: types.CodeAction) -> types.TextEdit:
    """A quick fix's one edit as a plain TextEdit (a snippet's tab stops resolved as VS Code
    would leave them: the placeholder text)."""
    assert action.edit is not None and action.edit.document_changes
    (document_edit,) = action.edit.document_changes
    (edit,) = document_edit.edits  # type: ignore[union-attr]
    new_text = getattr(edit, "new_text", None)
    if new_text is None:
        new_text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", edit.snippet.value)  # type: ignore[union-attr]
    return types.TextEdit(range=edit.range, new_text=new_text)


@pytest.mark.parametrize(
    "separator", ["\x0c", "\x0b", "\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e"]
)
async def test_line_ends_the_lsp_does_not_count_do_not_shift_positions(
    client: LanguageClient, separator: str
):
    """Issue 20: a form feed (or another separator Python splits lines at) inside line 0 must
    not move the failure-to-protect diagnostic onto "She was pushed.", and its quick fix must
    replace only its own words; an edit typed on line 1 lands where it was typed."""
    text = (
        f"Visit notes{separator}seen at home.\n"
        "Mother failed to protect the children.\nShe was pushed.\n"
    )
    uri = _open(client, text)
    diagnostics = await _diagnostics(client, uri, 1)
    by_rule = {d.code: d for d in diagnostics}
    blame = by_rule["victim-blaming/failure-to-protect"]
    assert blame.range.start.line == 1
    assert _in_range(text, blame.range) == "Mother failed to protect the children"
    pushed = by_rule["perpetrator-agency/agentless-violence"]
    assert pushed.range.start.line == 2 and _in_range(text, pushed.range) == "She was pushed"

    fixed = _apply(text, _edit_of((await _fixes(client, uri, blame))[0]))
    first, second, third, rest = fixed.split("\n")
    assert first == f"Visit notes{separator}seen at home."
    assert third == "She was pushed." and rest == ""
    assert "failed to protect" not in second and second

    # typed on line 1, before "Mother": the server's copy must agree with the editor's
    typed = types.Range(
        start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)
    )
    _change(client, uri, 2, "On Monday ", typed)
    edited = text.replace("Mother failed", "On Monday Mother failed")
    after = await _diagnostics(client, uri, 2)
    fresh_uri = _open(client, edited)
    fresh = await _diagnostics(client, fresh_uri, 1)
    assert [(d.code, d.range) for d in after] == [(d.code, d.range) for d in fresh]
    words = {_in_range(edited, d.range) for d in after}
    assert "Mother failed to protect the children" in words and "She was pushed" in words


async def test_a_lone_surrogate_does_not_silence_the_document(client: LanguageClient):
    """Issue 20: a broken paste (a lone surrogate, valid in JSON as \\ud800) and a NUL: the
    rest of the document still gets its diagnostics, at the right UTF-16 columns."""
    text = (
        "Pasted \ud800 text.\n\ud800 Mother failed to protect the children.\nShe\x00 was pushed.\n"
    )
    uri = _open(client, text)
    diagnostics = await _diagnostics(client, uri, 1)
    by_rule = {d.code: d for d in diagnostics}
    blame = by_rule["victim-blaming/failure-to-protect"]
    assert blame.range.start == types.Position(line=1, character=2)
    assert _in_range(text, blame.range) == "Mother failed to protect the children"
    assert "perpetrator-agency/agentless-violence" in by_rule
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=blame.range.start
        )
    )
    assert hover is not None and "failure-to-protect" in hover.contents.value  # type: ignore[union-attr]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(script=edit_scripts())
async def test_random_edits_give_the_diagnostics_of_the_final_text_opened_fresh(
    client: LanguageClient, analyzer: Any, script: tuple[str, list[tuple[int, int, str]]]
):
    """Issue 20, property: any document (every line end Python knows, astral characters, lone
    surrogates, NUL) and any sequence of incremental edits, sent in UTF-16 positions, leave
    the server with the diagnostics of the final text opened fresh, each range inside the
    document and on the words `check` flags."""
    text, edits = script
    uri = _open(client, text)
    version = 1
    for at, length, new in edits:
        start = min(at, len(text))
        end = min(start + length, len(text))
        range_ = types.Range(start=_position(text, start), end=_position(text, end))
        version += 1
        _change(client, uri, version, new, range_)
        text = text[: _offset(text, range_.start)] + new + text[_offset(text, range_.end) :]
    after = await _diagnostics(client, uri, version)
    fresh = await _diagnostics(client, _open(client, text), 1)
    assert [(d.code, d.range, d.message) for d in after] == [
        (d.code, d.range, d.message) for d in fresh
    ]
    expected = linting.reporter(analyzer, Kind.TEXT, linting.Filters())(text)
    assert sorted(_in_range(text, d.range) for d in after) == sorted(f.text for f in expected)


async def test_people_the_document_names_are_choices_never_the_preferred_fix(
    client: LanguageClient,
):
    """Issue 15: who did an act the writer left without an actor is the writer's to say."""
    text = "On 14 September Mr Hughes slapped Ms Hughes twice. She was pushed over.\n"
    uri = _open(client, text)
    diagnostics = await _diagnostics(client, uri, 1)
    (pushed,) = [d for d in diagnostics if _in_range(text, d.range) == "She was pushed over"]
    actions = [a for a in await _fixes(client, uri, pushed) if isinstance(a, types.CodeAction)]
    preferred = [a for a in actions if a.is_preferred]
    assert [a.title for a in preferred] == ["Replace with: [who did this] pushed her over"]
    choice = next(a for a in actions if a.title.startswith("Your decision: "))
    assert choice.title == "Your decision: Mr Hughes pushed her over"
    assert not choice.is_preferred


async def test_a_name_two_people_share_is_told_once_without_the_documents_words(
    client: LanguageClient,
):
    text = "Dana Price and Lee Price are the parents.\n\nPrice hit her. She was pushed over.\n"
    before = len(client.messages)
    uri = _open(client, text)
    await _diagnostics(client, uri, 1)
    _change(client, uri, 2, text + "\nShe was pushed again.\n")
    await _diagnostics(client, uri, 2)
    told = [m.message for m in client.messages[before:] if "[people]" in m.message]
    assert len(told) == 1
    assert "Price" not in told[0] and "Dana" not in told[0]
