"""Text the engine can read, one character for one: offsets into it are offsets into the
original.

spaCy hashes every token as UTF-8, so a lone surrogate (valid in JSON as ``\\ud800``, left by
a broken paste) makes it raise and the whole document goes unchecked; a NUL or a combining
mark with no letter under it glues itself to the next word ("́She") and hides it from the
rules. Each is read as a space instead: the rest of the document keeps its findings, and every
finding still points at the writer's own characters.
"""

from __future__ import annotations

import re

# a lone surrogate, NUL, or a run of combining marks (the Unicode blocks of combining
# diacritics) at the start of the text or after white space, where no letter carries them
_UNREADABLE = re.compile(
    "[\ud800-\udfff\x00]"
    "|(?<![^\\s\x00\ud800-\udfff])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def readable(text: str) -> str:
    """``text`` with what the engine cannot read replaced by spaces, one for one."""
    if not _UNREADABLE.search(text):
        return text
    return _UNREADABLE.sub(lambda m: " " * len(m.group(0)), text)
