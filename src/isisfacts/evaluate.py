"""The evaluator: score ``extract`` on a gold file, per the contract's Scoring section.

A predicted claim matches a gold claim of the same document when metric and value
are equal (one to one). Claim precision/recall/F1 count matches; over matched
pairs we report the accuracy of qualifier, place (as a set), period (both ends)
and source; a tuple is fully right when all of them are, which gives tuple F1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .claim import Claim
from .jsonl import json_lines

FIELDS = ("qualifier", "place", "period", "source")


def read_gold(path: Path) -> List[dict]:
    """Read a gold JSONL file; errors name the file and line."""
    docs = []
    for number, doc in json_lines(path):
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise ValueError(f"{path}:{number}: expected an object with a string 'text'")
        doc.setdefault("id", f"{path.name}:{number}")
        docs.append(doc)
    return docs


def field_ok(name: str, gold: Claim, pred: Claim) -> bool:
    if name == "place":
        return set(gold.place) == set(pred.place)
    return getattr(gold, name) == getattr(pred, name)


def match(gold: Sequence[Claim], pred: Sequence[Claim]) -> Tuple[List[Tuple[Claim, Claim]], List[Claim], List[Claim]]:
    """One-to-one matches on (metric, value), preferring pairs that agree on more fields."""
    pairs, used = [], set()
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g.metric == p.metric and g.value == p.value:
                agree = sum(field_ok(f, g, p) for f in FIELDS)
                candidates.append((-agree, gi, pi))
    matched_g = set()
    for _, gi, pi in sorted(candidates):
        if gi in matched_g or pi in used:
            continue
        matched_g.add(gi)
        used.add(pi)
        pairs.append((gold[gi], pred[pi]))
    missed = [g for i, g in enumerate(gold) if i not in matched_g]
    spurious = [p for i, p in enumerate(pred) if i not in used]
    return pairs, missed, spurious


def prf(tp: int, n_pred: int, n_gold: int) -> Tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Report:
    """Scores of one evaluation run."""

    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    field_right: Counter = field(default_factory=Counter)
    tuples_right: int = 0
    per_metric: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: List[dict] = field(default_factory=list)

    @property
    def claim(self) -> Tuple[float, float, float]:
        return prf(self.matched, self.n_pred, self.n_gold)

    @property
    def tuple(self) -> Tuple[float, float, float]:
        return prf(self.tuples_right, self.n_pred, self.n_gold)

    def accuracy(self, name: str) -> float:
        return self.field_right[name] / self.matched if self.matched else 0.0

    def to_dict(self) -> dict:
        cp, cr, cf = self.claim
        tp, tr, tf = self.tuple
        return {
            "gold": self.n_gold, "predicted": self.n_pred, "matched": self.matched,
            "claim_precision": round(cp, 4), "claim_recall": round(cr, 4), "claim_f1": round(cf, 4),
            "tuple_precision": round(tp, 4), "tuple_recall": round(tr, 4), "tuple_f1": round(tf, 4),
            **{f"{f}_accuracy": round(self.accuracy(f), 4) for f in FIELDS},
            "per_metric": {
                m: dict(zip(("precision", "recall", "f1"), (round(x, 4) for x in prf(c["tp"], c["pred"], c["gold"]))))
                | {"gold": c["gold"], "predicted": c["pred"]}
                for m, c in sorted(self.per_metric.items())
            },
        }

    def format(self) -> str:
        cp, cr, cf = self.claim
        tp, tr, tf = self.tuple
        lines = [
            f"{'metric':<24}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}",
        ]
        for m, c in sorted(self.per_metric.items()):
            p, r, f = prf(c["tp"], c["pred"], c["gold"])
            lines.append(f"{m:<24}{c['gold']:>6}{c['pred']:>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
        lines += [
            "",
            f"claims: gold {self.n_gold}, predicted {self.n_pred}, matched {self.matched}",
            "fields over matched claims: "
            + ", ".join(f"{f} {self.accuracy(f):.3f}" for f in FIELDS),
            f"claim P {cp:.3f} R {cr:.3f} F1 {cf:.3f}",
            f"tuple P {tp:.3f} R {tr:.3f} F1 {tf:.3f}",
        ]
        return "\n".join(lines)


def evaluate(docs: Iterable[dict], nlp=None) -> Report:
    """Run ``extract`` over gold docs and score it.

    >>> r = evaluate([{"id": "d", "text": "In Iraq, 30 ISIS operatives were killed.", "published": None,
    ...                "claims": [{"metric": "isis_killed", "value": 30, "qualifier": "exact",
    ...                            "place": ["Iraq"], "period": None, "source": None}]}])
    >>> r.claim[2], r.tuple[2]
    (1.0, 1.0)
    """
    from .pipeline import extract

    report = Report()
    for doc in docs:
        gold = [Claim.from_dict(c) for c in doc.get("claims", [])]
        pred = extract(doc["text"], published=doc.get("published"), outlet=doc.get("outlet"), nlp=nlp)
        pairs, missed, spurious = match(gold, pred)
        report.n_gold += len(gold)
        report.n_pred += len(pred)
        report.matched += len(pairs)
        for g in gold:
            report.per_metric[g.metric]["gold"] += 1
        for p in pred:
            report.per_metric[p.metric]["pred"] += 1
        for g, p in pairs:
            report.per_metric[g.metric]["tp"] += 1
            wrong = [f for f in FIELDS if not field_ok(f, g, p)]
            for f in FIELDS:
                report.field_right[f] += f not in wrong
            if not wrong:
                report.tuples_right += 1
            else:
                report.errors.append({"doc": doc["id"], "kind": "wrong " + ", ".join(wrong),
                                      "gold": g, "pred": p})
        report.errors += [{"doc": doc["id"], "kind": "missed", "gold": g, "pred": None} for g in missed]
        report.errors += [{"doc": doc["id"], "kind": "spurious", "gold": None, "pred": p} for p in spurious]
    return report


def describe(claim: Optional[Claim]) -> str:
    if claim is None:
        return "-"
    value = f"{claim.value}" + (f"..{claim.value_max}" if claim.value_max is not None else "")
    return f"{claim.metric} {value} {claim.qualifier} {list(claim.place)} {claim.period} {claim.source}"


def format_errors(report: Report) -> str:
    out = []
    for e in report.errors:
        out.append(f"[{e['doc']}] {e['kind']}")
        if e["gold"] is not None:
            out.append(f"    gold: {describe(e['gold'])}")
        if e["pred"] is not None:
            out.append(f"    pred: {describe(e['pred'])}")
            if e["pred"].evidence:
                out.append(f"    sentence: {e['pred'].evidence.sentence.strip()[:300]}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    docs: List[dict] = []
    for path in args.gold:
        try:
            docs += read_gold(Path(path))
        except (OSError, ValueError) as err:
            print(f"isisfacts evaluate: {err}", file=sys.stderr)
            return 2
    nlp = None
    if args.lexicon:
        from .pipeline import load

        nlp = load(args.lexicon)
    report = evaluate(docs, nlp=nlp)
    if args.errors:
        print(format_errors(report))
        print()
    print(json.dumps(report.to_dict(), indent=1) if args.json else report.format())
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="score extraction on gold JSONL files",
        description="Score isisfacts.extract on gold JSONL files (the contract's Scoring section).",
    )
    parser.add_argument("gold", nargs="+", help="gold JSONL file(s)")
    parser.add_argument("--errors", action="store_true", help="list each miss, spurious claim and wrong field")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--lexicon", help="an extra lexicon file (JSON or TOML)")
    parser.set_defaults(func=run)
