"""Batch speed-up: `blamecheck check` over a folder of generated reports with --jobs 1 and N.

    .venv/bin/python bench/bench_batch.py [--reports 200] [--jobs 2] [--repeat 2]

Prints a Markdown table for the README: wall time per run (best of --repeat), reports per
second and the speed-up over one worker, and checks that every run found the same findings.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reports import write_reports


def run_check(folder: Path, jobs: int) -> tuple[float, str]:
    exe = Path(sys.executable).with_name("blamecheck")
    start = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "check", "--format", "json", "--jobs", str(jobs), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"blamecheck failed: {proc.stderr.strip()}")
    return took, hashlib.sha256(proc.stdout.encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_reports(folder, args.reports)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        rows = []
        digests = set()
        for jobs in [1, *args.jobs]:
            best = float("inf")
            for _ in range(args.repeat):
                took, digest = run_check(folder, jobs)
                best = min(best, took)
                digests.add(digest)
            rows.append((jobs, best))
    base = rows[0][1]
    print(
        f"{args.reports} reports, {words} words; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores; Python {platform.python_version()}"
    )
    print()
    print("| --jobs | wall time | reports/s | speed-up |")
    print("| --- | --- | --- | --- |")
    for jobs, took in rows:
        print(f"| {jobs} | {took:.1f} s | {args.reports / took:.1f} | {base / took:.2f}x |")
    print()
    print("same findings in every run:", "yes" if len(digests) == 1 else "NO")


if __name__ == "__main__":
    main()
