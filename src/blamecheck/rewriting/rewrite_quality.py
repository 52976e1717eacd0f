"""How good the top rewrites are, measured for `blamecheck eval`: grammar, kept words, names.

Grammar is judged twice, on the sentence with the rewrite in place and each placeholder read
as a neutral phrase of its kind: by Harper, a grammar checker that runs offline (the
`harper-py` package, a development dependency: without it the column reads "-"), and by the
parser (as many sentences, no new fragment). Either may only find *new* errors: a writer's own
slip is not the rewrite's fault.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from blamecheck.findings import Finding
from blamecheck.rewriting.rewrite_check import RewriteChecker, Verdict


@cache
def harper_linter() -> Any | None:
    """Harper's British English checker, or None where harper-py is not installed."""
    try:
        import harper
    except ImportError:
        return None
    return harper.Linter(harper.Dialect.BRITISH)


def harper_errors(text: str) -> Counter[tuple[str, str]]:
    linter = harper_linter()
    if linter is None:
        return Counter()
    found = linter.lint(text, language="plaintext")
    # spelling is about the writer's names and words, not about the rewrite's grammar
    return Counter(
        (lint.lint_kind, lint.problem_text.lower())
        for lint in found
        if lint.lint_kind not in {"Spelling", "Readability", "Style"}
    )


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    harper_new: tuple[str, ...]  # Harper's errors in the rewrite that the original lacks
    names_invented: tuple[str, ...]  # names outside placeholders that the text lacks
    facts_lost: tuple[str, ...]  # names, dates and numbers of the flagged words lost

    @property
    def grammatical(self) -> bool:
        return self.verdict.parses and not self.harper_new


def judge(
    checker: RewriteChecker, text: str, finding: Finding, facts_lost: tuple[str, ...]
) -> Judgement:
    """The top suggestion of ``finding`` in place in ``text``: the flagged words are the
    finding's span, so every content word outside it must survive in its role.
    ``facts_lost``: the names, dates and numbers of the flagged words the top one lost (the
    evaluation reads them once, from the flagged words)."""
    top = finding.suggestions[0]
    span = (finding.start, finding.end)
    # a line of the practice table is quoted whole, and may be two sentences
    verdict = checker.check(text, span, span, top.replacement, top.kind == "statement")
    before = harper_errors(text)
    after = harper_errors(verdict.rewritten)
    new = after - before
    return Judgement(
        verdict=verdict,
        harper_new=tuple(f"{kind}: {words}" for kind, words in new),
        names_invented=verdict.invented,
        facts_lost=facts_lost,
    )
