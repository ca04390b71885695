"""Collection settings for the doctests under src/ (tests/conftest.py has the rest).

A module compiled with mypyc (hatch_build.py) has no Python functions for doctest to
find, and pytest refuses to collect its ``.py`` beside the extension; its doctests run
from source in tests/test_compiled.py instead.
"""

from isisfacts import compiled

collect_ignore = [f"src/isisfacts/{name}.py" for name, how in compiled.status().items() if how == "compiled"]
