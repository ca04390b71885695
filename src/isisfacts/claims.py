"""ClaimResolver: the last component; turns tagged figures into claims.

Reads what the taggers left on the doc (sentences, ``isis_actors``,
``isis_places``, ``doc._.isis_times``, ``doc._.isis_figures``) and runs the rule
layer (:mod:`isisfacts.rules`) over it. Claims are stored as plain dicts in
``doc._.claim_dicts``; ``doc._.claims`` (or the configured attribute) builds
``Claim`` objects from them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions
from .actors import ActorTagger
from .component import Component
from .extensions import doc_attribute, doc_outlet, doc_published, forget_text, set_doc_attribute
from .lexicon import (
    LexiconError,
    PathLike,
    check_triggers,
    load_default,
    merge_triggers,
    read_json,
    write_json,
)
from .rules import Compiled, compile_triggers, resolve_claims


class ClaimResolver(Component):
    """Resolve each figure of a doc into a claim, or into nothing.

    >>> import isisfacts
    >>> nlp = isisfacts.load()
    >>> doc = nlp("In Iraq, 137 joint operations led to the killing of 30 ISIS operatives.")
    >>> [(c.metric, c.value, c.place) for c in doc._.claims]
    [('operations', 137, ('Iraq',)), ('isis_killed', 30, ('Iraq',))]
    """

    file_name = "triggers.json"

    def __init__(self, nlp: Language, name: str, extension: str, actors_key: str,
                 places_key: str, triggers: dict):
        self.nlp = nlp
        self.name = name
        self.extension = extension
        self.actors_key = actors_key
        self.places_key = places_key
        self.triggers = check_triggers(triggers, f"{name} triggers")
        # what add_triggers put on top of the shipped lexicon, re-applied by from_disk
        # so a config override (extra_triggers) reaches a saved pipeline too
        self.extra_triggers: dict = {}
        extensions.register(extension)

    def add_triggers(self, extra: dict, where: str = "extra triggers") -> None:
        check_triggers(extra, where)
        merged = merge_triggers(self.triggers, extra)
        check_rule_metrics(extra, merged, where)
        self.triggers = check_triggers(merged, where)
        self.extra_triggers = merge_triggers(self.extra_triggers, extra)

    def __call__(self, doc: Doc) -> Doc:
        figures = doc_attribute(doc, "isis_figures")
        if figures is None:
            raise ValueError(
                f"{self.name}: the doc has no figures; add the 'isis_numbers' component "
                "(and 'isis_times') before it, or build the pipeline with isisfacts.load()"
            )
        published = doc_published(doc)  # read (and checked) even when there is nothing to resolve
        if not figures:
            claims: List[dict] = []  # most short texts: no figure, no rules to run
        else:
            outlet = doc_outlet(doc)
            claims = resolve_claims(
                doc,
                self.compiled(),
                published=published,
                outlet=outlet,
                actors_key=self.actors_key,
                places_key=self.places_key,
                # only an outlet is looked up among the actors' names (rules.outlet_name)
                actor_names=self.actor_names() if outlet else None,
            )
        set_doc_attribute(doc, "claim_dicts", claims)
        forget_text(doc)
        return doc

    def compiled(self) -> Compiled:
        """The triggers compiled for the rule layer, once per triggers object."""
        if getattr(self, "_compiled_for", None) is not self.triggers:
            self._compiled = compile_triggers(self.triggers)
            self._compiled_for = self.triggers
        return self._compiled

    def actor_names(self) -> Dict[str, str]:
        """Lower-cased alias -> canonical name, from the pipeline's actor tagger (for outlets)."""
        tagger = next((p for _, p in self.nlp.pipeline if isinstance(p, ActorTagger)), None)
        if tagger is None:
            return {}
        key = id(tagger.entries)
        if getattr(self, "_names_key", None) != key:
            self._names = {alias.lower(): e["name"] for e in tagger.entries
                           for alias in [e["name"], *e.get("aliases", [])]}
            self._names_key = key
        return self._names

    def to_disk(self, path: PathLike, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_json(path / self.file_name, self.triggers)

    def from_disk(self, path: PathLike, exclude: Sequence[str] = ()) -> "ClaimResolver":
        return self._restore(read_json(Path(path) / self.file_name), str(path))

    def to_bytes(self, exclude: Sequence[str] = ()) -> bytes:
        return json.dumps(self.triggers).encode("utf8")

    def from_bytes(self, data: bytes, exclude: Sequence[str] = ()) -> "ClaimResolver":
        return self._restore(json.loads(data.decode("utf8")), f"{self.name} (bytes)")

    def _restore(self, saved: dict, where: str) -> "ClaimResolver":
        triggers = check_triggers(saved, where)
        if self.extra_triggers:
            triggers = merge_triggers(triggers, self.extra_triggers)
            # the saved rules already hold the extras: keep one copy so that
            # save/load cycles do not grow the file
            unique: dict = {}
            for rule in triggers["rules"]:
                unique.setdefault(json.dumps(rule, sort_keys=True), rule)
            triggers["rules"] = list(unique.values())
        self.triggers = triggers
        return self


def check_rule_metrics(extra: dict, merged: dict, where: str) -> None:
    """Every rule of ``extra`` must name a metric declared in ``metrics`` (its own or the shipped ones).

    Without this a misspelt metric would silently produce claims no one asked for.
    """
    declared = merged.get("metrics", {})
    for i, rule in enumerate(extra.get("rules") or []):
        if rule["metric"] not in declared:
            raise LexiconError(
                f"{where}: rules[{i}]: metric {rule['metric']!r} is not declared; add "
                f"\"metrics\": {{\"{rule['metric']}\": {{\"kind\": \"flow\"}}}} (or \"stock\")"
            )


@Language.factory(
    "isis_claims",
    default_config={
        "extension": "claims",
        "actors_key": "isis_actors",
        "places_key": "isis_places",
        "extra_triggers": {},
    },
)
def make_claim_resolver(nlp: Language, name: str, extension: str, actors_key: str,
                        places_key: str, extra_triggers: dict) -> ClaimResolver:
    resolver = ClaimResolver(nlp, name, extension, actors_key, places_key, load_default("triggers"))
    if extra_triggers:
        resolver.add_triggers(extra_triggers)
    return resolver


def claim_dicts(docs: Iterable[Doc]) -> List[List[dict]]:
    return [doc._.claim_dicts or [] for doc in docs]
