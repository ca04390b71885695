"""Build hook: compile the modules that run once per figure with mypyc.

The rule layer, the number and time taggers and their shared pattern helpers are plain,
type-checked Python; mypyc turns them into C extensions that run the same code about
1.6-1.8 times faster (docs/performance.md). The ``.py`` files ship beside them and stay
the reference: ``isisfacts.compiled`` falls back to a module's source when it was edited
after the build, or when ``ISISFACTS_PURE=1`` is set at run time.

Building:

- ``ISISFACTS_PURE=1 pip install ...`` builds a pure-Python package (no compiler needed).
- Where compiling fails (no C compiler, no Python headers), the package is built pure
  Python and a warning says why: it gives the same results, only slower.
- An editable install (``pip install -e .``) compiles in place, next to the sources in
  ``src/isisfacts`` (git ignores the results); run it again after editing one of the
  compiled modules to get their speed back.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sysconfig
import tempfile
from pathlib import Path
from typing import Any, Dict, List

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED = ("patterns", "times", "numbers", "rules")  # keep in step with isisfacts.compiled.COMPILED
PACKAGE = Path("src") / "isisfacts"
MANIFEST = "_compiled.json"


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compile_modules(root: Path, work: Path) -> List[Path]:
    """Compile ``COMPILED`` with mypyc into ``work``; return the extension files built."""
    from mypyc.build import mypycify  # build requirement (pyproject.toml)
    from setuptools import Distribution

    here = os.getcwd()
    os.chdir(root)  # mypycify names modules by their paths from the working directory
    try:
        extensions = mypycify(
            [
                # the same typing in every environment: third-party packages are opaque
                "--no-site-packages",
                "--ignore-missing-imports",
                "--follow-imports=silent",  # the modules they import are checked, not compiled
                *(str(PACKAGE / f"{name}.py") for name in COMPILED),
            ],
            opt_level="3",
            separate=True,  # one extension per module, each inside the package
            target_dir=str(work / "c"),
        )
        dist = Distribution({"ext_modules": extensions, "package_dir": {"": "src"}, "script_name": "hatch_build.py"})
        build_ext: Any = dist.get_command_obj("build_ext")
        build_ext.build_lib = str(work / "lib")
        build_ext.build_temp = str(work / "tmp")
        build_ext.parallel = os.cpu_count() or 1
        dist.run_command("build_ext")
    finally:
        os.chdir(here)
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    built = sorted((work / "lib" / "isisfacts").glob(f"*{suffix}"))
    if not any(p.name == f"rules{suffix}" for p in built):
        raise RuntimeError(f"no extension built in {work / 'lib'}")
    return built


class MypycBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: Dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        package = root / PACKAGE
        if version == "editable":
            self.remove_in_place_builds(package)
        if os.environ.get("ISISFACTS_PURE", "") not in ("", "0"):
            self.app.display_info("isisfacts: ISISFACTS_PURE is set: building pure Python")
            return
        work = Path(tempfile.mkdtemp(prefix="isisfacts-mypyc-"))
        try:
            try:
                built = compile_modules(root, work)
            except BaseException as exc:  # SystemExit from setuptools' compiler errors too
                if isinstance(exc, KeyboardInterrupt):
                    raise
                self.app.display_warning(
                    f"isisfacts: compiling {', '.join(COMPILED)} with mypyc failed ({type(exc).__name__}: {exc}); "
                    "building pure Python instead: the same results, about 1.6 times slower. "
                    "Set ISISFACTS_PURE=1 to skip the attempt."
                )
                return
            manifest = {name: source_digest(package / f"{name}.py") for name in COMPILED}
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
            if version == "editable":
                for path in built:
                    shutil.copy2(path, package / path.name)
                (package / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
            else:
                keep = Path(tempfile.mkdtemp(prefix="isisfacts-ext-"))  # outlives this call, for the wheel
                for path in built:
                    shutil.copy2(path, keep / path.name)
                    build_data["force_include"][str(keep / path.name)] = f"isisfacts/{path.name}"
                (keep / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
                build_data["force_include"][str(keep / MANIFEST)] = f"isisfacts/{MANIFEST}"
        finally:
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def remove_in_place_builds(package: Path) -> None:
        """Forget an earlier editable build (every extension in the package is one of ours), so
        a failed or pure rebuild, or one that compiles fewer modules, leaves none behind."""
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        for stale in package.glob(f"*{suffix}"):
            stale.unlink()
        (package / MANIFEST).unlink(missing_ok=True)
