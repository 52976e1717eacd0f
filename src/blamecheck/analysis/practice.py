"""The practice table as a living resource: which rows a sentence resembles.

Rules point at the rows they were written for (`table_row`); this finds the rows any flagged
sentence resembles, so that a paraphrase of a destructive line ("She is not protecting her
children") still gets that row's constructive lines, verbatim and attributed. Resemblance is
word by word: most of a row's content words must appear in the sentence, each compared with
rapidfuzz so that "choosing" meets "choose" and "kids" meets "children".
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS

from blamecheck.analysis.engine import normalize
from blamecheck.analysis.packs import PracticeTable

SHARE = 0.75  # of a destructive line's content words that the sentence must contain
WORD_SIMILARITY = 85
_SAME = {"kids": "children", "kid": "child", "mum": "mother", "mom": "mother", "dad": "father"}
_NEGATIONS = frozenset(
    [
        "not",
        "never",
        "havent",
        "hasnt",
        "hadnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "dont",
        "doesnt",
        "didnt",
        "wont",
        "wouldnt",
        "cant",
        "cannot",
        "couldnt",
        "shouldnt",
    ]
)
# questions and negation carry the meaning of a row, so they count as content words
_STOP = frozenset(STOP_WORDS - {"why", "not", "never"}) | {"youre", "shes", "hes", "its", "im"}


@lru_cache(maxsize=4096)
def _content(text: str) -> tuple[str, ...]:
    words = normalize(text)[0].split()
    out = []
    for word in words:
        if word in _NEGATIONS:
            out.append("not")
        elif word not in _STOP and len(word) > 1:
            out.append(_SAME.get(word, word))
    return tuple(out)


@lru_cache(maxsize=65536)
def _same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short):
        return True
    if len(short) >= 5 and long[:5] == short[:5]:
        return True
    return fuzz.ratio(a, b) >= WORD_SIMILARITY


def resemblance(line: str, text: str) -> float:
    """The share of ``line``'s content words found in ``text`` (0 when fewer than two match)."""
    wanted = _content(line)
    have = _content(text)
    if not wanted:
        return 0.0
    found = sum(1 for w in wanted if any(_same_word(w, h) for h in have))
    return found / len(wanted) if found >= 2 else 0.0


def similar_rows(table: PracticeTable | None, text: str) -> tuple[int, ...]:
    """1-based numbers of the rows whose destructive lines ``text`` resembles, best first."""
    if table is None or not text.strip():
        return ()
    scored: list[tuple[float, int]] = []
    for number, row in enumerate(table.rows, start=1):
        best = max(resemblance(line, text) for line in row.destructive)
        if best >= SHARE:
            scored.append((best, number))
    return tuple(number for _, number in sorted(scored, key=lambda s: (-s[0], s[1])))
