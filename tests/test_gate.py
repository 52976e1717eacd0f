"""The lexical gate never loses a match: gated and ungated matchers agree on the corpus."""

from __future__ import annotations

from spacy.matcher import Matcher

from blamecheck.analysis.gate import GatedMatcher, required_words
from blamecheck.analysis.packs import CooccurPattern, TokenPattern, expand_lexicons
from blamecheck.analysis.roles import RoleResolver
from blamecheck.surfaces.evaluation import default_corpus_dir, load_corpus


def test_required_words_prefers_selective_content_words():
    pattern = [{"LOWER": {"IN": ["she", "he"]}}, {"LEMMA": {"IN": ["fail"]}}, {"OP": "?"}]
    assert required_words(pattern, {"she", "he"}) == {"fail"}
    assert required_words([{"OP": "*"}], set()) is None


def test_gated_matcher_finds_what_a_plain_matcher_finds(analyzer):
    nlp, packs, engine = analyzer.nlp, analyzer.packs, analyzer.engine
    plain = Matcher(nlp.vocab)
    gated = GatedMatcher(nlp.vocab, nlp.Defaults.stop_words)
    for rule in packs.rules:
        for index, pattern in enumerate(rule.patterns):
            if isinstance(pattern, TokenPattern):
                spec = expand_lexicons(pattern.pattern, packs.lexicons)
                plain.add(f"{rule.id}#{index}", [spec], greedy="LONGEST")
                gated.add(f"{rule.id}#{index}", spec)
            elif isinstance(pattern, CooccurPattern):
                for part, options in enumerate(pattern.options()):
                    for option, tokens in enumerate(options):
                        spec = expand_lexicons(tokens, packs.lexicons)
                        plain.add(f"{rule.id}#{index}/{part}.{option}", [spec], greedy="LONGEST")
                        gated.add(f"{rule.id}#{index}/{part}.{option}", spec)
    examples = load_corpus(default_corpus_dir(), ["dev", "test"], set(packs.by_id))
    texts = [e.example.text for e in examples]
    compared = 0
    for doc in nlp.pipe(texts):
        resolver = RoleResolver(packs.roles)
        resolver.learn([doc])
        engine.annotate_roles(doc, resolver)
        expected = {
            (key, sent.start + s, sent.start + e) for sent in doc.sents for key, s, e in plain(sent)
        }
        found = set(gated(doc, lambda sent: None))
        assert found == expected, doc.text
        compared += len(expected)
    assert compared > 500  # the corpus exercises the patterns


def test_findings_do_not_depend_on_the_hash_seed():
    """Two processes with different hash seeds report the same span: the gate's groups run in
    the order they were made, not in a set's order (a co-occurrence part with two overlapping
    matches once took whichever came first)."""
    import os
    import subprocess
    import sys

    text = (
        "The judge found that the mother could have left the relationship at any time if "
        "matters had been as bad as she claimed.\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        proc = subprocess.run(
            [sys.executable, "-m", "blamecheck", "check", "--format", "json", "-"],
            input=text,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr
        outputs.add(proc.stdout)
    assert len(outputs) == 1
