"""isisfacts: figures about the campaign against ISIS, as claim tuples.

>>> import isisfacts
>>> claims = isisfacts.extract("In Iraq, 30 ISIS operatives were killed in June 2024.")
>>> (claims[0].metric, claims[0].value, claims[0].place)
('isis_killed', 30, ('Iraq',))
"""

from . import compiled

compiled.prefer_sources_where_needed()  # before anything imports the compiled modules

from . import (  # noqa: F401 - factories
    actors,
    claims,
    extensions,  # noqa: F401 - registers the Doc attributes at import time
    numbers,
    places,
    sentences,
    times,
)
from .claim import METRICS, QUALIFIERS, Claim, Evidence, Period
from .frames import to_frame
from .lexicon import LexiconError
from .pipeline import COMPONENTS, add_to, extract, load, make_doc, pipe
from .render import render

__version__ = "0.1.0"
__all__ = [
    "COMPONENTS",
    "METRICS",
    "QUALIFIERS",
    "Claim",
    "Evidence",
    "LexiconError",
    "Period",
    "add_to",
    "extract",
    "load",
    "make_doc",
    "pipe",
    "render",
    "to_frame",
]
