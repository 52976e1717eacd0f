"""Language server latency while typing, full re-analysis time, and the server's memory.

    .venv/bin/python bench/bench_lsp.py [--words 10000] [--edits 60] [--debounce-ms 50]

Starts `blamecheck lsp` as a subprocess and drives it over standard input/output with a
minimal JSON-RPC client that timestamps each message as it arrives (so no client library's
object mapping is measured). It opens a report of about --words words (the sample case
note's paragraphs in shuffled order, with varied names so that paragraphs differ), then makes
--edits single-paragraph edits one at a time, each appending a sentence to a random
paragraph, and times each from sending `didChange` to receiving `publishDiagnostics` for that
version. Each edit is sent when the previous one's diagnostics have arrived, so no check is
pending and the server checks it at once (edits that arrive while a check is pending are
gathered into one check after --debounce-ms). Last, the whole text is replaced (full re-analysis),
and the server's resident memory is read from /proc. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "samples" / "case-note.txt"
# typing that does not change who the document names; an edit that does (a new name, a name
# in a new role) re-matches every paragraph, which the full re-analysis figure bounds
EDITS = [
    " He shouted at her in front of the children.",
    " She was pushed against the wall.",
    " Mother failed to protect the children.",
    " The school reports that the younger child is sleeping well.",
    " He attended the meeting.",
]
NAMES = ["Reid", "Okafor", "Nowak", "Hughes", "Khan", "Walsh", "Doyle", "Patel"]


def document(words: int) -> str:
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(7)
    out: list[str] = []
    count = 0
    while count < words:
        paragraph = rng.choice(paragraphs).replace("Reid", rng.choice(NAMES))
        paragraph += f" Entry {len(out) + 1}."
        out.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(out) + "\n"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Client:
    """A minimal JSON-RPC client over the server's stdio: frames in, frames out, timed on
    arrival (a client library's object mapping would be measured otherwise)."""

    def __init__(self, process: asyncio.subprocess.Process, debounce_ms: int):
        self.process = process
        self.debounce_ms = debounce_ms
        self.arrived: dict[int, float] = {}
        self.waiting: dict[int, asyncio.Future[None]] = {}
        self.responses: dict[int, asyncio.Future[Any]] = {}
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.responses[self.next_id] = future
        self.send({"id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout=300)

    async def read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            header = await stream.readuntil(b"\r\n\r\n")
            length = int(
                next(h for h in header.split(b"\r\n") if h.startswith(b"Content-Length")).split(
                    b":"
                )[1]
            )
            body = await stream.readexactly(length)
            now = time.perf_counter()
            message = json.loads(body)
            method = message.get("method")
            if method == "textDocument/publishDiagnostics":
                version = message["params"].get("version")
                if version is not None:
                    self.arrived[version] = now
                    future = self.waiting.pop(version, None)
                    if future is not None and not future.done():
                        future.set_result(None)
            elif method == "workspace/configuration":
                items = message["params"]["items"]
                self.send(
                    {"id": message["id"], "result": [{"debounceMs": self.debounce_ms}] * len(items)}
                )
            elif method == "window/logMessage":
                if os.environ.get("BLAMECHECK_TIMING"):
                    print(message["params"]["message"], file=sys.stderr)
            elif "id" in message and message["id"] in self.responses:
                self.responses.pop(message["id"]).set_result(message.get("result"))
            elif "id" in message:  # a request we do not serve
                self.send({"id": message["id"], "result": None})

    async def published(self, version: int, send: Any) -> float:
        future = asyncio.get_running_loop().create_future()
        self.waiting[version] = future
        start = time.perf_counter()
        send()
        await asyncio.wait_for(future, timeout=300)
        return self.arrived[version] - start


async def run(words: int, edits: int, debounce_ms: int) -> dict[str, float]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "blamecheck",
        "lsp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    client = _Client(process, debounce_ms)
    reader = asyncio.ensure_future(client.read())
    await client.request(
        "initialize",
        {
            "processId": None,
            "rootUri": None,
            "capabilities": {"workspace": {"configuration": True}},
        },
    )
    client.send({"method": "initialized", "params": {}})
    text = document(words)
    uri = "file:///bench/report.txt"
    opened = await client.published(
        1,
        lambda: client.send(
            {
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "plaintext",
                        "version": 1,
                        "text": text,
                    }
                },
            }
        ),
    )
    lines = text.split("\n")
    rng = random.Random(11)
    latencies: list[float] = []

    def change(version: int, changes: list[dict[str, Any]]) -> None:
        client.send(
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": changes,
                },
            }
        )

    for version in range(2, edits + 2):
        line = rng.choice([i for i, line in enumerate(lines) if line.strip()])
        addition = rng.choice(EDITS)
        position = {"line": line, "character": len(lines[line])}
        lines[line] += addition
        edit = [{"range": {"start": position, "end": position}, "text": addition}]
        latencies.append(await client.published(version, lambda v=version, e=edit: change(v, e)))
    # a full re-analysis: the whole text replaced by a new one (nothing cached matches)
    fresh = document(words).replace("Entry", "Note")
    full = await client.published(edits + 2, lambda: change(edits + 2, [{"text": fresh}]))
    memory = rss_mb(process.pid)
    await client.request("shutdown", None)
    client.send({"method": "exit"})
    await asyncio.wait_for(process.wait(), timeout=60)
    reader.cancel()
    latencies.sort()
    return {
        "words": len(text.split()),
        "edits": len(latencies),
        "open": opened,
        "median": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "max": latencies[-1],
        "full": full,
        "rss": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--debounce-ms", type=int, default=50)
    args = parser.parse_args()
    r = asyncio.run(run(args.words, args.edits, args.debounce_ms))
    print(
        f"`blamecheck lsp` on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, debounce {args.debounce_ms} ms\n"
    )
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| document | {r['words']:.0f} words |")
    print(
        f"| didChange to publishDiagnostics, one paragraph edited ({r['edits']:.0f} edits) "
        f"| median {r['median'] * 1000:.0f} ms, 95th percentile {r['p95'] * 1000:.0f} ms, "
        f"max {r['max'] * 1000:.0f} ms |"
    )
    print(f"| full re-analysis (whole text replaced) | {r['full'] * 1000:.0f} ms |")
    print(f"| didOpen to first diagnostics (includes loading the model) | {r['open']:.1f} s |")
    print(f"| server resident memory after the run | {r['rss']:.0f} MB |")


if __name__ == "__main__":
    main()
