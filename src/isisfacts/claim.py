"""The claim model: small immutable value objects that mirror the gold format.

Components keep plain dicts on the ``Doc`` (so ``DocBin`` and multiprocessing
work); these classes are what users get back from ``extract`` and ``doc._.claims``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple, Union

METRICS: Tuple[str, ...] = (
    "attacks",
    "operations",
    "strikes",
    "engagements",
    "isis_killed",
    "isis_detained",
    "isis_leaders_killed",
    "isis_leaders_detained",
    "isis_fighters",
    "detainees_held",
    "camp_population",
    "repatriated",
    "troops",
    "civilians_killed",
    "civilians_injured",
    "security_forces_killed",
    "security_forces_injured",
)
QUALIFIERS: Tuple[str, ...] = ("exact", "approx", "at_least", "at_most", "range")

Number = Union[int, float]


def as_number(value: Any) -> Number:
    """Return ``value`` as an ``int`` when it is whole, else as a ``float``."""
    number = float(value)
    return int(number) if number.is_integer() else number


@dataclass(frozen=True)
class Period:
    """The span a count covers; ``start == end`` for a stock that holds on one day.

    >>> Period.from_dict({"start": "2024-01-01", "end": "2024-06-30"}).end.month
    6
    """

    start: _dt.date
    end: _dt.date

    def to_dict(self) -> Dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, str]]) -> Optional["Period"]:
        if not data:
            return None
        return cls(_dt.date.fromisoformat(data["start"]), _dt.date.fromisoformat(data["end"]))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True)
class Evidence:
    """Where a claim comes from: character offsets into the original text."""

    sentence: str
    sentence_start: int
    sentence_end: int
    figure: str
    figure_start: int
    figure_end: int
    trigger: Optional[str] = None
    trigger_start: Optional[int] = None
    trigger_end: Optional[int] = None

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> Optional["Evidence"]:
        return cls(**data) if data else None


@dataclass(frozen=True)
class Claim:
    """One figure an analyst would record.

    >>> c = Claim("isis_killed", 30, "exact", place=("Iraq",), source="CENTCOM")
    >>> c.to_dict()["place"]
    ['Iraq']
    """

    metric: str
    value: Number
    qualifier: str = "exact"
    value_max: Optional[Number] = None
    place: Tuple[str, ...] = ()
    period: Optional[Period] = None
    source: Optional[str] = None
    evidence: Optional[Evidence] = field(default=None, compare=False)

    def to_dict(self, evidence: bool = True) -> Dict[str, Any]:
        """The gold format's JSON object, plus an ``evidence`` key when there is one."""
        out: Dict[str, Any] = {
            "metric": self.metric,
            "value": self.value,
            "qualifier": self.qualifier,
        }
        if self.value_max is not None:
            out["value_max"] = self.value_max
        out["place"] = list(self.place)
        out["period"] = self.period.to_dict() if self.period else None
        out["source"] = self.source
        if evidence and self.evidence is not None:
            out["evidence"] = self.evidence.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Claim":
        """Read a claim in the gold format (``evidence`` optional)."""
        value_max = data.get("value_max")
        return cls(
            metric=data["metric"],
            value=as_number(data["value"]),
            qualifier=data.get("qualifier", "exact"),
            value_max=as_number(value_max) if value_max is not None else None,
            place=tuple(data.get("place") or ()),
            period=Period.from_dict(data.get("period")),
            source=data.get("source"),
            evidence=Evidence.from_dict(data.get("evidence")),
        )
