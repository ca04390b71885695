"""Lexicons as data: actors, places and metric triggers live in JSON files.

The package ships ``data/actors.json``, ``data/places.json`` and
``data/triggers.json``. Each component loads its own file, writes it back with
``nlp.to_disk`` and accepts extra entries, so users extend the domain without
editing code (see ``docs/lexicon.md``).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Union

PathLike = Union[str, Path]


class LexiconError(ValueError):
    """A lexicon file or entry is malformed; the message names the file and entry."""


def load_default(name: str) -> Dict[str, Any]:
    """Load one of the package's data files (``actors``, ``places``, ``triggers``)."""
    text = resources.files("isisfacts").joinpath("data", f"{name}.json").read_text("utf8")
    return json.loads(text)


def read_json(path: PathLike) -> Dict[str, Any]:
    """Read a JSON (or TOML, by extension) lexicon file with errors that name it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise LexiconError(f"{path}: cannot read lexicon file ({err.strerror or err})") from err
    try:
        if path.suffix.lower() == ".toml":
            try:
                import tomllib  # type: ignore[import-not-found]
            except ImportError:  # Python < 3.11
                import tomli as tomllib  # type: ignore[import-not-found,no-redef]
            data = tomllib.loads(raw.decode("utf8"))
        else:
            data = json.loads(raw.decode("utf8"))
    except Exception as err:  # noqa: BLE001 - re-raised with the file's name
        raise LexiconError(f"{path}: not valid {path.suffix.lstrip('.') or 'JSON'}: {err}") from err
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: the top level must be an object, got {type(data).__name__}")
    return data


def check_entries(entries: Any, section: str, where: str, required: tuple = ("name",)) -> List[dict]:
    """Validate a list of lexicon entries (``{"name": ..., "aliases": [...]}``)."""
    if not isinstance(entries, list):
        raise LexiconError(f"{where}: '{section}' must be a list, got {type(entries).__name__}")
    for i, entry in enumerate(entries):
        label = f"{where}: {section}[{i}]"
        if not isinstance(entry, dict):
            raise LexiconError(f"{label}: each entry must be an object, got {entry!r}")
        for key in required:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise LexiconError(f"{label}: '{key}' must be a non-empty string, got {entry.get(key)!r}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise LexiconError(f"{label} ({entry.get('name')!r}): 'aliases' must be a list of non-empty strings")
    return entries


def merge_entries(base: List[dict], extra: List[dict]) -> List[dict]:
    """Entries of ``extra`` replace or extend those of ``base`` with the same name."""
    merged = {e["name"]: dict(e) for e in base}
    for entry in extra:
        if entry["name"] in merged:
            old = merged[entry["name"]]
            aliases = list(dict.fromkeys(old.get("aliases", []) + entry.get("aliases", [])))
            merged[entry["name"]] = {**old, **entry, "aliases": aliases}
        else:
            merged[entry["name"]] = dict(entry)
    return list(merged.values())


def write_json(path: PathLike, data: Dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf8")


TRIGGER_SECTIONS = ("metrics", "nouns", "events", "rules", "modifiers")


def check_triggers(data: Any, where: str) -> Dict[str, Any]:
    """Validate a triggers lexicon (metric vocabulary, counted nouns, events, rules)."""
    if not isinstance(data, dict):
        raise LexiconError(f"{where}: the triggers must be an object, got {type(data).__name__}")
    unknown = set(data) - set(TRIGGER_SECTIONS) - {"actors", "places"}
    if unknown:
        raise LexiconError(f"{where}: unknown section(s) {sorted(unknown)}; expected {list(TRIGGER_SECTIONS)}")
    for key in ("nouns", "events"):
        if not isinstance(data.get(key) or {}, dict):
            raise LexiconError(f"{where}: '{key}' must be an object of class name -> list of words, "
                               f"got {type(data[key]).__name__}")
        for cls, words in (data.get(key) or {}).items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise LexiconError(f"{where}: {key}[{cls!r}] must be a list of non-empty strings")
    metrics = data.get("metrics") or {}
    if not isinstance(metrics, dict):
        raise LexiconError(f"{where}: 'metrics' must be an object of metric name -> {{'kind': 'flow'|'stock'}}")
    for name, spec in metrics.items():
        if not isinstance(spec, dict) or spec.get("kind") not in ("flow", "stock"):
            raise LexiconError(f"{where}: metrics[{name!r}] needs \"kind\": \"flow\" or \"stock\", got {spec!r}")
    if not isinstance(data.get("rules") or [], list):
        raise LexiconError(f"{where}: 'rules' must be a list of {{'noun', 'event', 'metric'}} objects")
    for i, rule in enumerate(data.get("rules") or []):
        if (not isinstance(rule, dict) or not isinstance(rule.get("noun"), str) or not isinstance(rule.get("metric"), str)
                or not isinstance(rule.get("event", ""), str)):
            raise LexiconError(f"{where}: rules[{i}] needs string 'noun' and 'metric' (and optional 'event'), got {rule!r}")
    modifiers = data.get("modifiers") or []
    if not isinstance(modifiers, list) or not all(isinstance(w, str) and w.strip() for w in modifiers):
        raise LexiconError(f"{where}: 'modifiers' must be a list of non-empty strings")
    return data


def merge_triggers(base: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    """Extra rules come first (they win); extra words extend the classes of ``base``."""
    merged = {
        "metrics": {**base.get("metrics", {}), **extra.get("metrics", {})},
        "nouns": {k: list(v) for k, v in base.get("nouns", {}).items()},
        "events": {k: list(v) for k, v in base.get("events", {}).items()},
        "rules": list(extra.get("rules", [])) + list(base.get("rules", [])),
        "modifiers": list(dict.fromkeys(base.get("modifiers", []) + extra.get("modifiers", []))),
    }
    for key in ("nouns", "events"):
        for cls, words in extra.get(key, {}).items():
            merged[key][cls] = list(dict.fromkeys(merged[key].get(cls, []) + words))
    return merged
