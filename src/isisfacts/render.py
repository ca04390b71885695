"""Pictures of what was found: the text with actors, places, periods and figures
highlighted (displaCy's "span" style), colour-keyed, and the claims table under it.

``render(doc_or_text)`` returns a :class:`Rendering`, an HTML string that Jupyter
displays inline; ``isisfacts render FILE -o page.html`` writes a standalone page
(no scripts, no external resources, so it opens anywhere, offline).
"""

from __future__ import annotations

import argparse
import html
import sys
import warnings
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import extensions
from .claim import Claim
from .lexicon import PathLike

# One colour per kind of mention; figures that became claims share one colour
# whatever their metric (the label names the metric).
COLORS = {
    "ACTOR": "#f4c27a",
    "PLACE": "#8fd3c5",
    "PERIOD": "#b7c7f5",
    "FIGURE": "#dcdcdc",
}
CLAIM_COLOR = "#f59a9a"
LEGEND = (
    ("ACTOR", "actor (who says or does)"),
    ("PLACE", "place"),
    ("PERIOD", "time expression"),
    ("CLAIM", "figure that became a claim (label: its metric)"),
    ("FIGURE", "figure with no claim"),
)
SOURCES = (("isis_actors", "ACTOR"), ("isis_places", "PLACE"), ("isis_times", "PERIOD"))
RENDER_KEY = "isisfacts_render"  # a temporary span group, removed after rendering

STYLE = """
.isisfacts-render { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; }
.isisfacts-render .isis-legend span { display: inline-block; padding: 0.1em 0.5em; margin: 0 0.4em 0.3em 0;
  border-radius: 3px; font-size: 0.85em; }
.isisfacts-render table.isis-claims { border-collapse: collapse; margin-top: 1em; font-size: 0.9em; }
.isisfacts-render table.isis-claims th, .isisfacts-render table.isis-claims td {
  border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
.isisfacts-render table.isis-claims th { background: #f3f3f3; }
.isisfacts-render .isis-none { color: #777; font-style: italic; }
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body style="margin: 2rem; max-width: 70rem;">
<h1 style="font-family: Helvetica, Arial, sans-serif;">{title}</h1>
{body}
</body>
</html>
"""


class Rendering(str):
    """HTML of one or more rendered docs: a ``str`` that Jupyter shows as HTML.

    >>> r = Rendering("<p>hi</p>")
    >>> r._repr_html_()
    '<p>hi</p>'
    """

    def _repr_html_(self) -> str:
        return str(self)

    def save(self, path: PathLike) -> Path:
        """Write the HTML to ``path`` (UTF-8) and return the path."""
        path = Path(path)
        path.write_text(str(self), encoding="utf8")
        return path


def claim_figure_labels(doc: Doc) -> dict:
    """``(start_char, end_char) -> metric`` of the figures that became claims."""
    labels: dict = {}
    for claim in claim_list(doc):
        ev = claim.evidence
        if ev is not None:
            labels.setdefault((ev.figure_start, ev.figure_end), claim.metric)
    return labels


def claim_list(doc: Doc) -> List[Claim]:
    return [Claim.from_dict(d) for d in (doc._.claim_dicts or [])]


def highlight_spans(doc: Doc) -> List[Span]:
    """The spans to highlight, labelled ACTOR, PLACE, PERIOD, FIGURE or a claim's metric."""
    spans = []
    for key, label in SOURCES:
        for span in doc.spans[key] if key in doc.spans else []:
            spans.append(Span(doc, span.start, span.end, label=label))
    metrics = claim_figure_labels(doc)
    for fig in doc._.isis_figures or []:
        span = doc.char_span(fig["num_start"], fig["end_char"], alignment_mode="expand")
        if span is None:
            continue
        metric = metrics.get((fig["num_start"], fig["end_char"])) or metrics.get((fig["start_char"], fig["end_char"]))
        spans.append(Span(doc, span.start, span.end, label=metric or "FIGURE"))
    return spans


def highlighted_text(doc: Doc) -> str:
    """displaCy "span" HTML of the doc with every highlight, colour-keyed."""
    spans = highlight_spans(doc)
    colors = dict(COLORS)
    colors.update({s.label_: CLAIM_COLOR for s in spans if s.label_ not in COLORS})
    had = doc.spans[RENDER_KEY] if RENDER_KEY in doc.spans else None
    doc.spans[RENDER_KEY] = spans
    try:
        with warnings.catch_warnings():
            # a text with nothing to highlight is fine: no W117 "no spans" warning
            warnings.filterwarnings("ignore", message=r"\[W117\]")
            return displacy.render(doc, style="span", jupyter=False, page=False,
                                   options={"spans_key": RENDER_KEY, "colors": colors})
    finally:
        # leave the user's doc as it was
        if had is None:
            del doc.spans[RENDER_KEY]
        else:
            doc.spans[RENDER_KEY] = had


def legend() -> str:
    colors = {**COLORS, "CLAIM": CLAIM_COLOR}
    items = "".join(f'<span style="background: {colors[k]}">{k}: {html.escape(v)}</span>' for k, v in LEGEND)
    return f'<div class="isis-legend">{items}</div>'


def describe_value(claim: Claim) -> str:
    if claim.value_max is not None:
        return f"{claim.value}–{claim.value_max}"
    return str(claim.value)


def claims_table(claims: Sequence[Claim]) -> str:
    """An HTML table of the claims, one row per claim (class ``isis-claim``)."""
    if not claims:
        return '<p class="isis-none">No claims.</p>'
    head = "".join(f"<th>{h}</th>" for h in ("#", "metric", "value", "qualifier", "place", "period",
                                                 "source", "evidence"))
    rows = []
    for i, c in enumerate(claims, 1):
        evidence = c.evidence.sentence.strip() if c.evidence else ""
        cells = [str(i), c.metric, describe_value(c), c.qualifier, ", ".join(c.place) or "—",
                 str(c.period) if c.period else "—", c.source or "—", evidence]
        tds = "".join(f"<td>{html.escape(x)}</td>" for x in cells)
        rows.append(f'<tr class="isis-claim" id="claim-{i}" data-metric="{html.escape(c.metric)}" '
                    f'data-value="{html.escape(str(c.value))}">{tds}</tr>')
    return f'<table class="isis-claims"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def doc_html(doc: Doc, title: Optional[str] = None) -> str:
    """The highlighted text, the legend and the claims table of one processed doc."""
    if doc._.claim_dicts is None:
        raise ValueError("render: the doc has not been through the isisfacts components; "
                         "process it with isisfacts.load() or isisfacts.add_to(nlp) first")
    heading = f"<h2>{html.escape(title)}</h2>" if title else ""
    return (f'<section class="isisfacts-render"><style>{STYLE}</style>{heading}{legend()}'
            f"{highlighted_text(doc)}{claims_table(claim_list(doc))}</section>")


def render(doc_or_text: Union[Doc, str], *, published: extensions.DateLike = None,
           outlet: Optional[str] = None, nlp: Optional[Language] = None, page: bool = False,
           title: Optional[str] = None) -> Rendering:
    """HTML of a text (or processed doc): highlights colour-keyed, the claims table under it.

    In Jupyter the result displays inline; ``page=True`` gives a standalone HTML page.

    >>> import isisfacts
    >>> html = isisfacts.render("In Iraq, 30 ISIS operatives were killed.", published="2024-07-17")
    >>> "isis_killed" in html and 'class="isis-claim"' in html
    True
    """
    if isinstance(doc_or_text, Doc):
        doc = doc_or_text
    elif isinstance(doc_or_text, str):
        from .pipeline import load, make_doc

        nlp = nlp or load()
        doc = nlp(make_doc(nlp, doc_or_text, published, outlet))
    else:
        raise TypeError(f"render: expected a Doc or a str, got {type(doc_or_text).__name__}")
    if page:
        return render_page([(title, doc)], title=title or "isisfacts")
    return Rendering(doc_html(doc, title))


def render_page(docs: Iterable[Tuple[Optional[str], Doc]], title: str = "isisfacts") -> Rendering:
    """A standalone HTML page of several processed docs, each under its own heading."""
    body = "\n".join(doc_html(doc, name) for name, doc in docs)
    return Rendering(PAGE.format(title=html.escape(title), body=body))


# -- the ``render`` subcommand -------------------------------------------------

def run(args: argparse.Namespace) -> int:
    from .pipeline import load, make_doc
    from .records import check_inputs, iter_records

    problems = check_inputs(args.inputs)
    if problems:
        print("\n".join(f"isisfacts render: {p}" for p in problems), file=sys.stderr)
        return 2
    nlp = load(args.lexicon)
    docs = []
    # the same inputs as ``annotate`` (text, JSONL, CSV files or directories), read the same way
    for record in iter_records(args.inputs):
        where = f"{record.source}:{record.line}" if record.line else record.source
        try:
            if not record.ok:
                raise ValueError(record.error)
            published = record.published or args.published
            outlet = record.outlet or args.outlet
            docs.append((record.id, nlp(make_doc(nlp, record.text or "", published, outlet))))
        except (TypeError, ValueError) as err:
            print(f"isisfacts render: {where}: {err}", file=sys.stderr)
            return 2
    page = render_page(docs, title=args.title or f"isisfacts: {', '.join(Path(i).name for i in args.inputs)}")
    if args.output in (None, "-"):
        sys.stdout.write(page)
    else:
        page.save(args.output)
        print(f"wrote {args.output}: {len(docs)} doc(s), "
              f"{sum(len(d._.claim_dicts or []) for _, d in docs)} claim(s)", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "render", help="write an HTML page highlighting what was found, with the claims table",
        description="Render texts (a .txt file, each record of a JSONL/CSV file) as an HTML page: "
                    "actors, places, periods and figures highlighted, and the claims table.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="text, JSONL or CSV files or directories, as for 'annotate' (- for JSONL on stdin)")
    parser.add_argument("-o", "--output", help="the HTML file to write (default: stdout)")
    parser.add_argument("--published", help="publication date (ISO) of records that have none (e.g. .txt files)")
    parser.add_argument("--outlet", help="the publisher of records that have none")
    parser.add_argument("--title", help="the page title")
    parser.add_argument("--lexicon", help="an extra lexicon file (JSON or TOML)")
    parser.set_defaults(func=run)
