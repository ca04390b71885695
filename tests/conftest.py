"""Test-wide settings.

In CI (``CI`` set), hypothesis draws the same examples on every run, so a red build
always points at a change, never at a new random draw; locally each run explores new
examples, which is where new failures get found (and then pinned as tests).
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
