// VS Code client for the blamecheck language server (`blamecheck lsp`).
//
// The server does the work (diagnostics, hovers, quick fixes) and reads its
// settings itself through `workspace/configuration`; this client only starts
// it with the right command, tells it which documents to check, keeps the
// `blamecheck` settings section in sync, and restarts it when the command or
// the languages change. The server registers its own file watchers (the team's
// configuration and baselines) through `client/registerCapability`, as it does
// with any editor that supports it, so the client sets up none.

import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  DocumentSelector,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  Message,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

const SECTION = "blamecheck";
const CLIENT_ID = "blamecheck"; // also makes `blamecheck.trace.server` the trace setting
const CLIENT_NAME = "blamecheck";
const DEFAULT_LANGUAGES = ["plaintext", "markdown"];
const NOT_INSTALLED_MESSAGE =
  "blamecheck is not installed or not on PATH: install it from its source folder " +
  "(`pip install /path/to/blamecheck`) in a Python environment, and set " +
  "`blamecheck.interpreter` to that environment's Python.";
const OPEN_SETTINGS = "Open Settings";
const SHOW_OUTPUT = "Show Output";

// Settings whose change needs a new server process or a new document selector.
// The others (rules, severity, debounce, trace) are read by the server or the
// client library while running and need no restart.
const RESTART_SETTINGS = ["path", "interpreter", "languages"].map((key) => `${SECTION}.${key}`);

/**
 * A LanguageClient that keeps quiet while it is starting. When the server
 * cannot be spawned or exits during initialisation, the library shows several
 * notifications of its own ("couldn't create connection to server", ...).
 * While `quiet`, those messages go to the output channel only, and the
 * extension shows one message of its own instead (the promise `start()`
 * returns says whether it started: see `start` below).
 */
class BlamecheckClient extends LanguageClient {
  quiet = true;

  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    super.error(message, data, this.quiet ? false : showNotification);
  }

  override stop(timeout?: number): Promise<void> {
    // Stopping a client that never got running (its server failed to start,
    // or is still starting) throws "Client is not running and can't be
    // stopped"; the process is still killed by the library, so ignore that.
    return super.stop(timeout).catch((error: unknown) => {
      if (this.isRunning()) {
        throw error;
      }
    });
  }
}

let extensionId = "blamecheck.blamecheck-vscode";
let outputChannel: vscode.LogOutputChannel | undefined;
let client: BlamecheckClient | undefined;
// Start, stop and restart run one after another, never interleaved.
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  extensionId = context.extension.id;
  // A log channel (timestamps and levels by VS Code), as vscode-languageclient 11 requires.
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand(`${SECTION}.restartServer`, () => enqueue(restart)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        enqueue(restart);
      }
    }),
  );

  enqueue(start);
}

export function deactivate(): Thenable<void> {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step).catch((error: unknown) => {
    log(`Unexpected error: ${describe(error)}`);
  });
  return queue;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function start(): Promise<void> {
  const channel = outputChannel;
  if (channel === undefined || client !== undefined) {
    return;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  const languages = languageIds(config);
  if (languages.length === 0) {
    log("`blamecheck.languages` is empty: no documents to check, the server is not started.");
    return;
  }
  const executable = serverCommand(config);
  log(`Starting ${[executable.command, ...(executable.args ?? [])].join(" ")}`);

  const serverOptions: ServerOptions = { run: executable, debug: executable };
  // While starting, a server that dies is not restarted and the library says
  // nothing (the one message is shown below); once running, the library's
  // usual policy applies: restart up to 4 times in 3 minutes, then say so.
  const errorHandler: ErrorHandler = {
    error: (error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult | Promise<ErrorHandlerResult> =>
      newClient.quiet
        ? { action: ErrorAction.Shutdown, handled: true }
        : fallback.error(error, message, count),
    closed: (): CloseHandlerResult | Promise<CloseHandlerResult> =>
      newClient.quiet ? { action: CloseAction.DoNotRestart, handled: true } : fallback.closed(),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(languages),
    synchronize: { configurationSection: SECTION },
    outputChannel: channel,
    diagnosticCollectionName: CLIENT_NAME,
    errorHandler,
    // A failed initialisation is reported once, below; do not retry it.
    initializationFailedHandler: () => false,
  };

  const newClient = new BlamecheckClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  const fallback = newClient.createDefaultErrorHandler();

  client = newClient;
  // Not awaited: a server that is slow to initialise must not hold up a
  // restart or deactivation queued behind this step. The promise `start()`
  // returns rejects when the server cannot be spawned or fails to initialise;
  // a server that exits right after initialising resolves it but leaves the
  // client in another state than Running.
  newClient.start().then(
    () => {
      if (newClient.state === State.Running) {
        newClient.quiet = false;
      } else {
        startFailed(newClient, "the server exited during start-up (see the lines above)");
      }
    },
    (error: unknown) => startFailed(newClient, describe(error)),
  );
}

function startFailed(failed: BlamecheckClient, reason: string): void {
  if (client !== failed) {
    return; // stopped or restarted on purpose meanwhile
  }
  client = undefined;
  log(`The blamecheck language server could not be started: ${reason}`);
  enqueue(() => disposeQuietly(failed));
  void showNotInstalled();
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current !== undefined) {
    // Stopped on purpose: whatever fails while it goes down (for example the
    // library's own configuration sync racing with a restart) is noise.
    current.quiet = true;
    await disposeQuietly(current);
  }
}

async function disposeQuietly(target: BlamecheckClient): Promise<void> {
  try {
    if (target.needsStop()) {
      await target.dispose();
    }
  } catch (error) {
    log(`Stopping the language server failed: ${describe(error)}`);
  }
}

async function showNotInstalled(): Promise<void> {
  const choice = await vscode.window.showErrorMessage(NOT_INSTALLED_MESSAGE, OPEN_SETTINGS, SHOW_OUTPUT);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand("workbench.action.openSettings", `@ext:${extensionId}`);
  } else if (choice === SHOW_OUTPUT) {
    outputChannel?.show(true);
  }
}

/** `<interpreter> -m blamecheck lsp` when an interpreter is set, else `<path> lsp`. */
function serverCommand(config: vscode.WorkspaceConfiguration): Executable {
  const interpreter = expand(stringSetting(config, "interpreter", ""));
  // No `transport` on purpose: stdio is the default, and naming
  // TransportKind.stdio would make the library append `--stdio` to the
  // arguments, which `blamecheck lsp` does not need.
  if (interpreter !== "") {
    return { command: interpreter, args: ["-m", "blamecheck", "lsp"] };
  }
  const command = expand(stringSetting(config, "path", "blamecheck")) || "blamecheck";
  return { command, args: ["lsp"] };
}

function documentSelector(languages: string[]): DocumentSelector {
  return languages.flatMap((language) => [
    { scheme: "file", language },
    { scheme: "untitled", language },
  ]);
}

function languageIds(config: vscode.WorkspaceConfiguration): string[] {
  const value = config.get<unknown>("languages", DEFAULT_LANGUAGES);
  if (!Array.isArray(value)) {
    return DEFAULT_LANGUAGES;
  }
  const ids = value.filter((item): item is string => typeof item === "string").map((item) => item.trim());
  return [...new Set(ids.filter((item) => item !== ""))];
}

function stringSetting(config: vscode.WorkspaceConfiguration, key: string, fallback: string): string {
  const value = config.get<unknown>(key, fallback);
  return typeof value === "string" ? value.trim() : fallback;
}

/** Expands a leading `~` and `${workspaceFolder}` in a command path. */
function expand(value: string): string {
  let result = value;
  if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
    result = path.join(os.homedir(), result.slice(1));
  }
  if (result.includes("${workspaceFolder}")) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
    result = result.split("${workspaceFolder}").join(folder);
  }
  return result;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

function log(message: string): void {
  outputChannel?.info(`[client] ${message}`);
}
