"""Would a learned second opinion raise recall over the rules, on the held-out test side?

    .venv/bin/python bench/textcat_experiment.py        (from the repository root)

Measures, per category ("victim-blaming", "perpetrator-agency", "child-impact") and at the
sentence level, the precision, recall and share of clean sentences flagged of three systems on
the TEST side of the corpus: the rules alone, a spaCy `textcat_multilabel` classifier alone, and
"rules OR classifier" (a sentence is flagged for a category when the rules give any finding of
that category or the classifier's probability reaches the category's threshold). Figures are
given for the whole test side and for the sentences modelled on public records only
(register other than "in-house").

Protocol (nothing is written to disk, nothing is fetched):
1. Labels: a sentence is positive for a category when any of its expected labels (or any
   alternative of a "|" label) belongs to that category; no labels means clean.
2. Classifier: spacy.blank("en") with `textcat_multilabel` over the three categories, model
   ARCHITECTURE below (spaCy's built-in bag-of-words TextCatBOW.v3, unigrams and bigrams),
   trained in memory on the DEV side only, fixed seeds, EPOCHS epochs.
3. Thresholds, chosen on DEV only: group k-fold (FOLDS folds) over dev, a group being one
   public source document (its "source") or, for in-house examples, one corpus file; the
   classifier trained on the other folds scores the held-out fold. Per category, going down
   the grid from 0.99, the threshold is the lowest one above which the out-of-fold precision of
   "rules OR classifier" stays >= 0.95; if even 0.99 falls short, the classifier is not used for
   that category (rules OR classifier = rules).
4. Test: the classifier retrained on all of dev scores the test side once; the table compares
   the three systems. Only aggregate figures of the test side are printed.
5. Verdict "ship" only if, for some category, rules OR classifier raises recall over the rules
   while its precision stays >= 0.95 and the share of clean sentences it flags for that category
   stays <= 3%, on the whole test side and on the records registers alike; else "do not ship".
   The share of clean sentences flagged for any category is printed too, for information.

Deterministic: fixed seeds, fixed example order, single-pass scoring. The rules are whatever is
in patterns/ at the time of the run.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from blamecheck.api import get_analyzer
from blamecheck.surfaces.evaluation import Counts, profile_of

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
CATEGORIES = ("victim-blaming", "perpetrator-agency", "child-impact")
SHORT = {"victim-blaming": "VB", "perpetrator-agency": "PA", "child-impact": "CI"}
IN_HOUSE = "in-house"
SEED = 0
FOLDS = 5
EPOCHS = 8
BATCH = 16
DROPOUT = 0.2
TARGET_PRECISION = 0.95
MAX_CLEAN_FLAGGED = 0.03
GRID = tuple(round(0.99 - i / 100, 2) for i in range(95))  # 0.99 down to 0.05

BOW: dict[str, Any] = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 262144,
}
TOK2VEC: dict[str, Any] = {
    "@architectures": "spacy.Tok2Vec.v2",
    "embed": {
        "@architectures": "spacy.MultiHashEmbed.v2",
        "width": 64,
        "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
        "rows": [5000, 1000, 2500, 500],
        "include_static_vectors": False,
    },
    "encode": {
        "@architectures": "spacy.MaxoutWindowEncoder.v2",
        "width": 64,
        "window_size": 1,
        "maxout_pieces": 3,
        "depth": 2,
    },
}
ENSEMBLE: dict[str, Any] = {
    "@architectures": "spacy.TextCatEnsemble.v2",
    "tok2vec": TOK2VEC,
    "linear_model": BOW,
}
# the ensemble (bag of words + small CNN) was tried on dev out-of-fold: its top scores were
# less precise (no dev threshold reached 0.95 for any category) and it took 3-4x longer
ARCHITECTURE = BOW


@dataclass(frozen=True)
class Item:
    text: str
    register: str
    group: str
    categories: frozenset[str]

    @property
    def clean(self) -> bool:
        return not self.categories

    @property
    def records(self) -> bool:
        return self.register != IN_HOUSE


def load(split: str) -> list[Item]:
    """Every example of a split, in file then line order."""
    items: list[Item] = []
    for path in sorted((CORPUS / split).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            register = row.get("register", IN_HOUSE)
            group = row.get("source") or f"{IN_HOUSE}:{path.name}"
            categories = frozenset(
                option.split("/", 1)[0] for label in row["expected"] for option in label.split("|")
            )
            items.append(Item(row["text"], register, group, categories))
    return items


def rule_categories(items: Sequence[Item]) -> list[frozenset[str]]:
    """The categories of the rules' findings for each item."""
    analyzer = get_analyzer()
    findings = analyzer.analyse_stream(
        (item.text, None, profile_of(item.register)) for item in items
    )
    return [frozenset(f.category.value for f in found) for found in findings]


def train(items: Sequence[Item], architecture: dict[str, Any] = ARCHITECTURE) -> Language:
    """A blank English pipeline with a multilabel text classifier trained on ``items``."""
    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": architecture})
    for category in CATEGORIES:
        textcat.add_label(category)
    examples = [
        Example.from_dict(
            nlp.make_doc(item.text),
            {"cats": {c: float(c in item.categories) for c in CATEGORIES}},
        )
        for item in items
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(SEED)
    order = list(examples)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for batch in minibatch(order, size=BATCH):
            nlp.update(batch, sgd=optimizer, drop=DROPOUT)
    return nlp


def predict(nlp: Language, items: Iterable[Item]) -> list[dict[str, float]]:
    return [dict(doc.cats) for doc in nlp.pipe((item.text for item in items), batch_size=256)]


def group_folds(items: Sequence[Item], folds: int = FOLDS) -> list[int]:
    """Fold of each item: whole groups, largest first, each to the fold with fewest items."""
    sizes: dict[str, int] = {}
    for item in items:
        sizes[item.group] = sizes.get(item.group, 0) + 1
    load_of = [0] * folds
    fold_of: dict[str, int] = {}
    for group, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        fold = min(range(folds), key=lambda f: (load_of[f], f))
        fold_of[group] = fold
        load_of[fold] += size
    return [fold_of[item.group] for item in items]


def out_of_fold(items: Sequence[Item], folds: int = FOLDS) -> list[dict[str, float]]:
    """Each dev item scored by a classifier trained on the folds not holding its group."""
    fold_of = group_folds(items, folds)
    scores: list[dict[str, float]] = [{} for _ in items]
    for fold in range(folds):
        held = [i for i, f in enumerate(fold_of) if f == fold]
        nlp = train([items[i] for i, f in enumerate(fold_of) if f != fold])
        for i, cats in zip(held, predict(nlp, (items[i] for i in held)), strict=True):
            scores[i] = cats
    return scores


@dataclass
class Score(Counts):
    """The evaluation's counts, and how many clean sentences were flagged."""

    clean: int = 0
    clean_flagged: int = 0

    @property
    def clean_share(self) -> float | None:
        return self.clean_flagged / self.clean if self.clean else None


def score(items: Sequence[Item], flagged: Sequence[bool], category: str) -> Score:
    tp = fp = fn = clean = clean_flagged = 0
    for item, flag in zip(items, flagged, strict=True):
        positive = category in item.categories
        tp += flag and positive
        fp += flag and not positive
        fn += positive and not flag
        clean += item.clean
        clean_flagged += item.clean and flag
    return Score(tp, fp, fn, clean, clean_flagged)


def flags(
    rules: Sequence[frozenset[str]],
    probs: Sequence[dict[str, float]],
    category: str,
    threshold: float | None,
    use_rules: bool = True,
) -> list[bool]:
    """Whether each sentence is flagged for ``category``; no threshold means no classifier."""
    return [
        (use_rules and category in found) or (threshold is not None and p[category] >= threshold)
        for found, p in zip(rules, probs, strict=True)
    ]


def choose_threshold(
    items: Sequence[Item],
    rules: Sequence[frozenset[str]],
    probs: Sequence[dict[str, float]],
    category: str,
) -> float | None:
    """Lowest grid threshold above which out-of-fold precision of rules OR classifier stays at
    or above the target; None when even the highest falls short."""
    chosen = None
    for threshold in GRID:
        precision = score(items, flags(rules, probs, category, threshold), category).precision
        if precision is None or precision < TARGET_PRECISION:
            break
        chosen = threshold
    return chosen


def _cell(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "    -"
    return f"{100 * value:4.1f}%" if percent else f"{value:.3f}"


def main() -> None:
    started = time.perf_counter()
    dev, test = load("dev"), load("test")
    dev_rules = rule_categories(dev)
    test_rules = rule_categories(test)

    oof = out_of_fold(dev)
    thresholds = {c: choose_threshold(dev, dev_rules, oof, c) for c in CATEGORIES}
    probs = predict(train(dev), test)

    print(
        f"dev {len(dev)} sentences in {len({i.group for i in dev})} groups, {FOLDS} folds; "
        f"test {len(test)} ({sum(i.records for i in test)} records); "
        f"{ARCHITECTURE['@architectures']}, {EPOCHS} epochs"
    )
    for c in CATEGORIES:
        t = thresholds[c]
        before = score(dev, flags(dev_rules, oof, c, None), c)
        after = score(dev, flags(dev_rules, oof, c, t), c)
        print(
            f"  {SHORT[c]} threshold {'not used' if t is None else f'{t:.2f}'}; dev out-of-fold "
            f"P/R rules {_cell(before.precision)}/{_cell(before.recall)} -> rules|clf "
            f"{_cell(after.precision)}/{_cell(after.recall)}"
        )
    print()
    print(
        f"{'scope':<8} {'cat':<3} {'pos':>4}  {'rules P/R/cleanF':>20}  "
        f"{'classifier P/R/cleanF':>21}  {'rules|clf P/R/cleanF':>20}  gain"
    )
    scopes = {
        "all test": list(range(len(test))),
        "records": [i for i, item in enumerate(test) if item.records],
    }
    passes: dict[str, list[bool]] = {c: [] for c in CATEGORIES}
    combined: dict[tuple[str, str], list[bool]] = {}
    for scope, index in scopes.items():
        items = [test[i] for i in index]
        rules = [test_rules[i] for i in index]
        p = [probs[i] for i in index]
        for c in CATEGORIES:
            t = thresholds[c]
            combined[scope, c] = flags(rules, p, c, t)
            base = score(items, flags(rules, p, c, None), c)
            alone = score(items, flags(rules, p, c, 0.5 if t is None else t, use_rules=False), c)
            both = score(items, combined[scope, c], c)
            passed = (
                t is not None
                and (both.recall or 0.0) > (base.recall or 0.0)
                and (both.precision or 0.0) >= TARGET_PRECISION
                and (both.clean_share or 0.0) <= MAX_CLEAN_FLAGGED
            )
            passes[c].append(passed)
            cells = [
                f"{_cell(s.precision)}/{_cell(s.recall)}/{_cell(s.clean_share, True)}"
                for s in (base, alone, both)
            ]
            print(
                f"{scope:<8} {SHORT[c]:<3} {base.tp + base.fn:>4}  {cells[0]:>20}  "
                f"{cells[1]:>21}  {cells[2]:>20}  {'yes' if passed else 'no'}"
            )
    wins = [c for c in CATEGORIES if all(passes[c])]
    for scope, index in scopes.items():
        clean = [k for k, i in enumerate(index) if test[i].clean]
        by_rules = sum(bool(test_rules[index[k]]) for k in clean)
        with_clf = sum(any(combined[scope, c][k] for c in CATEGORIES) for k in clean)
        share_rules = by_rules / len(clean) if clean else 0.0
        share_both = with_clf / len(clean) if clean else 0.0
        print(
            f"{scope:<8} clean flagged, any category: rules {100 * share_rules:.1f}%, "
            f"rules|clf {100 * share_both:.1f}% (of {len(clean)} clean)"
        )
    print("(P/R/cleanF: precision, recall, clean sentences flagged for the category;")
    print(" classifier alone at the category's threshold, or 0.50 where it is not used;")
    print(" gain: recall up, precision >= 0.95, clean flagged <= 3%)")
    if wins:
        names = ", ".join(SHORT[c] for c in wins)
        print(f"verdict: ship (rules|clf raises recall at precision >= 0.95 for {names})")
    else:
        print(
            "verdict: do not ship (no category where rules|clf raises recall with precision "
            ">= 0.95 and clean flagged <= 3%, on all test and records alike)"
        )
    print(f"run time {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
