"""Text the engine can read, one character for one: offsets into it are offsets into the
original.

spaCy hashes every token as UTF-8, so a lone surrogate (valid in JSON as ``\\ud800``, left by
a broken paste) makes it raise and the whole document goes unchecked; a NUL or a combining
mark with no letter under it glues itself to the next word ("́She") and hides it from the
rules. Each is read as a space instead: the rest of the document keeps its findings, and every
finding still points at the writer's own characters.

Typographer's quotes and apostrophes (’ “ ” from Word, phones and published text) are read as
the keyboard's ' and ": the English model learnt its tokens and parses from keyboard text
("didn’t" is not split into "did" + "n’t", "O’Neill" is split in three), so the same sentence
would be parsed, and flagged, differently in its two spellings. A rewrite goes back into the
writer's own spelling (`in_writers_quotes`).
"""

from __future__ import annotations

import re

# a lone surrogate, NUL, or a run of combining marks (the Unicode blocks of combining
# diacritics) at the start of the text or after white space, where no letter carries them
_UNREADABLE = re.compile(
    "[\ud800-\udfff\x00]"
    "|(?<![^\\s\x00\ud800-\udfff])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


_KEYBOARD = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, the apostrophe of typeset text
        "\u201a": "'",  # single low-9
        "\u201b": "'",  # single high-reversed-9
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2032": "'",  # prime, typed for an apostrophe
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_CURLY = frozenset(map(chr, _KEYBOARD))
_OPENING_SINGLE = re.compile(r"(?:^|(?<=[\s(\[\u2014\u2013-]))'")
_DOUBLE = re.compile('"')


def readable(text: str) -> str:
    """``text`` with what the engine cannot read replaced by spaces and typographer's quotes
    by keyboard ones, one character for one."""
    text = text.translate(_KEYBOARD)
    if not _UNREADABLE.search(text):
        return text
    return _UNREADABLE.sub(lambda m: " " * len(m.group(0)), text)


def typographic(text: str) -> str:
    """Keyboard quotes as a typesetter writes them: “…”, ‘…’ and ’ for an apostrophe."""
    count = 0

    def double(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return "\u201c" if count % 2 else "\u201d"

    text = _OPENING_SINGLE.sub("\u2018", _DOUBLE.sub(double, text))
    return text.replace("'", "\u2019")


def in_writers_quotes(replacement: str, original: str) -> str:
    """A rewrite in the quotes the writer used: typographic if the words it replaces have
    typographer's quotes and no keyboard ones, as they were otherwise."""
    if any(c in _CURLY for c in original) and not any(c in "'\"" for c in original):
        return typographic(replacement)
    return replacement
