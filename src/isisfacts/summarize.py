"""The ``summarize`` subcommand: each metric by place and period over a bulk run's output.

Reads the JSONL that ``isisfacts annotate`` writes, one record a line:
``{"id": ..., "published": ..., "claims": [gold-format claims]}`` or
``{"id": ..., "error": {...}}`` (error records are counted and skipped). Claims
are grouped by (metric, place, period); ``--by month|quarter|year`` buckets
periods by the month, quarter or year they end in. Values reported by several
sources are not added up (that would count one figure once per report): each
group shows how many claims it has and their smallest, median, largest and latest
value. ``--plot chart.png`` draws each metric's median over time, one line per
place (matplotlib, the optional extra ``plot``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .claim import Claim
from .jsonl import json_lines

NO_PLACE = "(no place)"
NO_PERIOD = "(no period)"
GRANULARITIES = ("period", "month", "quarter", "year")
MISSING_MATPLOTLIB = ("isisfacts summarize --plot needs matplotlib, an optional extra: "
                      "pip install 'isisfacts[plot]' (or pip install matplotlib)")


@dataclass
class Group:
    """The claims of one (metric, place, period) cell."""

    metric: str
    place: str
    period: str
    date: Optional[dt.date]  # where the group sits on a time axis
    values: List[float] = field(default_factory=list)
    latest: Tuple[str, float] = ("", 0.0)  # (published, value) of the most recent report

    def add(self, value: float, published: str) -> None:
        self.values.append(value)
        if published >= self.latest[0]:
            self.latest = (published, value)

    def row(self) -> dict:
        return {"metric": self.metric, "place": self.place, "period": self.period, "claims": len(self.values),
                "min": num(min(self.values)), "median": num(statistics.median(self.values)),
                "max": num(max(self.values)), "latest": num(self.latest[1])}


@dataclass
class Summary:
    """Groups of a bulk run, plus what was read."""

    groups: Dict[Tuple[str, str, str], Group] = field(default_factory=dict)
    records: int = 0
    errors: int = 0
    claims: int = 0

    def rows(self) -> List[dict]:
        ordered = sorted(self.groups.values(), key=lambda g: (g.metric, g.place, g.date or dt.date.max, g.period))
        return [g.row() for g in ordered]


def num(value: float) -> float:
    """Whole numbers as ``int`` (the table reads 30, not 30.0)."""
    return int(value) if float(value).is_integer() else round(value, 2)


def bucket(claim: Claim, by: str) -> Tuple[str, Optional[dt.date]]:
    """The period label of a claim at granularity ``by`` and its date on a time axis."""
    if claim.period is None:
        return NO_PERIOD, None
    end = claim.period.end
    if by == "period":
        return str(claim.period), end
    if by == "month":
        return f"{end.year}-{end.month:02d}", dt.date(end.year, end.month, 1)
    if by == "quarter":
        q = (end.month - 1) // 3 + 1
        return f"{end.year}-Q{q}", dt.date(end.year, 3 * q - 2, 1)
    return str(end.year), dt.date(end.year, 1, 1)


def read_records(path: Path) -> Iterable[dict]:
    """Records of an annotate output file; errors name the file and line."""
    for number, record in json_lines(path):
        if not isinstance(record, dict) or not ("claims" in record or "error" in record):
            raise ValueError(f"{path}:{number}: expected a record with 'claims' (or 'error')")
        if "claims" in record and not isinstance(record["claims"], list):
            raise ValueError(f"{path}:{number}: 'claims' must be a list")
        record["_where"] = f"{path}:{number}"
        yield record


def summarize(records: Iterable[dict], by: str = "period", metrics: Sequence[str] = ()) -> Summary:
    """Group the claims of annotate records by metric, place and period.

    >>> s = summarize([{"id": "a", "published": "2024-07-01", "claims": [
    ...     {"metric": "isis_killed", "value": 30, "place": ["Iraq"],
    ...      "period": {"start": "2024-01-01", "end": "2024-06-30"}}]}], by="month")
    >>> s.rows()[0]["period"], s.rows()[0]["median"]
    ('2024-06', 30)
    """
    if by not in GRANULARITIES:
        raise ValueError(f"by: expected one of {GRANULARITIES}, got {by!r}")
    summary = Summary()
    for record in records:
        summary.records += 1
        if "error" in record and "claims" not in record:
            summary.errors += 1
            continue
        published = str(record.get("published") or "")
        for i, data in enumerate(record.get("claims") or []):
            try:
                claim = Claim.from_dict(data)
            except (KeyError, TypeError, ValueError) as err:
                where = record.get("_where") or record.get("id")
                raise ValueError(f"{where}: claims[{i}]: not a claim ({err!r})") from err
            if metrics and claim.metric not in metrics:
                continue
            summary.claims += 1
            place = "; ".join(claim.place) or NO_PLACE
            period, date = bucket(claim, by)
            key = (claim.metric, place, period)
            if key not in summary.groups:
                summary.groups[key] = Group(claim.metric, place, period, date)
            summary.groups[key].add(float(claim.value), published)
    return summary


def format_table(summary: Summary) -> str:
    """The summary as an aligned text table."""
    rows = summary.rows()
    header = ["metric", "place", "period", "claims", "min", "median", "max", "latest"]
    cells = [[str(r[h]) for h in header] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(header)]
    numeric = set(range(3, len(header)))

    def line(values: List[str]) -> str:
        return "  ".join(v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths)))

    out = [line(header), line(["-" * w for w in widths])] + [line(c) for c in cells]
    out.append("")
    out.append(f"{summary.claims} claim(s) in {len(rows)} group(s) from {summary.records} record(s)"
               + (f"; {summary.errors} error record(s) skipped" if summary.errors else ""))
    return "\n".join(out)


def plot(summary: Summary, path: Path, max_places: int = 6, max_metrics: int = 6) -> List[str]:
    """Draw each metric's median value over time, one line per place; return the metrics drawn.

    Only groups with a period are drawn. The ``max_metrics`` metrics with most claims
    get a panel each, and in each panel the ``max_places`` places with most claims.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    except ImportError as err:
        raise ImportError(MISSING_MATPLOTLIB) from err
    dated = [g for g in summary.groups.values() if g.date is not None]
    by_metric: Dict[str, List[Group]] = defaultdict(list)
    for g in dated:
        by_metric[g.metric].append(g)
    weight = Counter({m: sum(len(g.values) for g in gs) for m, gs in by_metric.items()})
    metrics = sorted(m for m, _ in weight.most_common(max_metrics))
    if not metrics:
        raise ValueError("nothing to plot: no claim has a period (or none is left after --metric)")
    cols = 1 if len(metrics) == 1 else 2
    rows = (len(metrics) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(8.5 * cols, 3.6 * rows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        places = Counter()
        for g in by_metric[metric]:
            places[g.place] += len(g.values)
        for place, _ in places.most_common(max_places):
            points = sorted((g.date, statistics.median(g.values)) for g in by_metric[metric] if g.place == place)
            ax.plot([d for d, _ in points], [v for _, v in points], marker="o", markersize=4, label=place)
        ax.set_title(f"{metric} ({weight[metric]} claims)", fontsize=10)
        ax.set_ylabel("median reported value", fontsize=8)
        ax.set_ylim(bottom=0)
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        # outside the axes: a legend inside hid points of the series it names
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle("isisfacts: reported figures over time (x: end of the period)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return metrics


def run(args: argparse.Namespace) -> int:
    try:
        records = [r for path in args.outputs for r in read_records(Path(path))]
        summary = summarize(records, by=args.by, metrics=args.metric or ())
    except (OSError, ValueError) as err:
        print(f"isisfacts summarize: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"rows": summary.rows(), "records": summary.records, "errors": summary.errors,
                          "claims": summary.claims}, indent=1))
    else:
        print(format_table(summary))
    if args.plot:
        try:
            drawn = plot(summary, Path(args.plot))
        except (ImportError, ValueError) as err:  # no matplotlib, or nothing to draw
            print(f"isisfacts summarize: {err}", file=sys.stderr)
            return 1
        print(f"wrote {args.plot}: {', '.join(drawn)}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "summarize", help="table of each metric by place and period over annotate output",
        description="Summarize the JSONL output of 'isisfacts annotate': each metric by place and period "
                    "(claims, min, median, max, latest value); --plot draws the series over time.",
    )
    parser.add_argument("outputs", nargs="+", metavar="OUTPUT.jsonl", help="annotate output file(s)")
    parser.add_argument("--by", choices=GRANULARITIES, default="period",
                        help="group by the exact period (default) or the month/quarter/year it ends in")
    parser.add_argument("--metric", action="append", help="only this metric (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--plot", metavar="CHART.png", help="draw the series over time (needs matplotlib)")
    parser.set_defaults(func=run)
