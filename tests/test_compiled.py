"""The modules compiled with mypyc (hatch_build.py) against their sources.

The ``.py`` files are the reference: compiled, a module must give the same output, and
its doctests (which doctest cannot find in an extension) must still pass from source.
Where the package was built pure Python these tests check the fall-back only.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import isisfacts
from isisfacts import compiled

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [Path(compiled.PACKAGE_DIR) / f"{name}.py" for name in compiled.COMPILED]
IS_COMPILED = all(how == "compiled" for how in compiled.status().values())


def run_pure(code: str) -> str:
    env = dict(os.environ, ISISFACTS_PURE="1")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_status_names_every_compiled_module():
    status = compiled.status()
    assert list(status) == list(compiled.COMPILED)
    assert all(how == "compiled" or how.startswith("source") for how in status.values())


def test_pure_switch_runs_the_sources():
    out = run_pure("import isisfacts.compiled as c, json; print(json.dumps(c.status()))")
    assert all(how.startswith("source") for how in json.loads(out).values())


def test_doctests_of_the_compiled_modules_pass_from_source():
    env = dict(os.environ, ISISFACTS_PURE="1")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules", "--noconftest",
         "-o", "addopts=", *map(str, SOURCES)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout


# Letters whose case-mapping is odd. Compiled, ``str.lower`` is mypyc's own, which (on
# Python 3.11) lower-cases a final capital sigma to "σ" where CPython gives "ς": the
# outputs must not depend on it.
ODD_LETTER_TEXTS = [
    "ΑΣ said 30 ISIS fighters were killed in ΣΥΡΙΑ in March 2024, CENTCOM SAID.",
    "In İraq, 137 joint operatİons led to the killing of 30 ISIS operatives, CENTCOM ΣAID.",
    "THE SDF ΣAID 12 ISIS MEMBERS WERE ARRESTED IN HASAKAH ON MONDAY.",
    "According to the ΚΕΝΤΡΟΣ, 25 ISIS suspects were detained since January, the ΑΡΜΥ ΣAID.",
    "ǅ said 15 ISIS fighters were killed. The \u212a said 20 more were detained in Raqqa in thouſands.",
]


@pytest.mark.skipif(not IS_COMPILED, reason="the package was built pure Python")
def test_compiled_modules_give_what_their_sources_give():
    corpus = sorted((ROOT / "corpora").rglob("*.jsonl"))
    assert corpus, "corpora/ is part of the repository"
    code = f"""
import json, pathlib, isisfacts
out = []
for path in {[str(p) for p in corpus]!r}:
    for line in pathlib.Path(path).read_text(encoding="utf8").splitlines():
        if line.strip():
            r = json.loads(line)
            for published in (r.get("published"), None):
                out.append([c.to_dict() for c in isisfacts.extract(r["text"], published=published)])
for text in {ODD_LETTER_TEXTS!r}:
    out.append([c.to_dict() for c in isisfacts.extract(text, published="2024-07-17")])
print(json.dumps(out))
"""
    pure = json.loads(run_pure(code))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == pure
    assert sum(map(len, pure)) > 100


@pytest.mark.skipif(not IS_COMPILED, reason="the package was built pure Python")
def test_an_edited_source_is_run_with_a_warning(tmp_path):
    # a copy of the installed package whose rules.py differs from what was compiled
    import shutil

    copy = tmp_path / "isisfacts"
    shutil.copytree(compiled.PACKAGE_DIR, copy)
    with open(copy / "rules.py", "a", encoding="utf8") as handle:
        handle.write("\n# edited after the build\n")
    code = "import warnings, json; warnings.simplefilter('error', UserWarning)\n" \
           "try:\n    import isisfacts\nexcept UserWarning as w:\n    print('warned:', w)\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert "rules.py changed since the build" in done.stdout, done.stdout + done.stderr
    code = "import isisfacts.compiled as c, json; print(json.dumps(c.status()))"
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    status = json.loads(done.stdout)
    assert all(how.startswith("source (rules.py changed") for how in status.values()), status


def test_extract_is_unchanged_by_the_switch():
    text = "In Iraq, 137 joint operations led to the killing of 30 ISIS operatives, CENTCOM said."
    here = [c.to_dict() for c in isisfacts.extract(text, published="2024-07-17")]
    there = json.loads(run_pure(
        "import json, isisfacts; print(json.dumps([c.to_dict() for c in isisfacts.extract("
        f"{text!r}, published='2024-07-17')]))"))
    assert here == there and here


def test_the_build_hook_compiles_what_the_fall_back_knows():
    # hatch_build.py imports hatchling, which only the build environment has: read it
    import ast

    tree = ast.parse((ROOT / "hatch_build.py").read_text(encoding="utf8"))
    built = next(ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "COMPILED")
    assert tuple(built) == compiled.COMPILED


def test_the_pipeline_and_each_component_survive_pickling():
    # Compiled classes are not rebuilt by pickle's default way; a pipeline that cannot be
    # pickled breaks spaCy's n_process under the spawn start method (macOS, Windows) and
    # Dask's client.run(isisfacts.load).
    import pickle

    nlp = isisfacts.load()
    for name, component in nlp.pipeline:
        assert type(pickle.loads(pickle.dumps(component))) is type(component), name
    copy = pickle.loads(pickle.dumps(nlp))
    text = "In Iraq, 137 joint operations led to the killing of 30 ISIS operatives, CENTCOM said on Monday."
    assert copy(text)._.claim_dicts == nlp(text)._.claim_dicts != []
