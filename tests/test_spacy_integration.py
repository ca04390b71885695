"""isisfacts inside other spaCy pipelines: factories, saving, NER places, pipe, DocBin, config."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import spacy
from spacy.tokens import DocBin

import isisfacts

# Sentences written for these tests.
TEXTS = [
    ("Since February, 52 ISIS suspects were arrested in Syria, the SDF said.", {"published": "2024-06-11"}),
    ("Coalition aircraft conducted 9 strikes in Iraq last month.", {"published": "2024-06-11", "outlet": "Wire"}),
    ("Four soldiers were killed near Tikrit on Sunday, officials said.", {"published": "2024-06-11"}),
]
LEXICON = {
    "metrics": {"civilians_kidnapped": {"kind": "flow"}},
    "events": {"kidnapped": ["kidnapped", "abducted", "seized"]},
    "rules": [{"noun": "civilian", "event": "kidnapped", "metric": "civilians_kidnapped"}],
    "places": [{"name": "Wadi al-Tharthar", "kind": "region", "country": "Iraq"}],
}
LEXICON_TEXT = "In Wadi al-Tharthar, gunmen abducted 7 civilians on Monday."


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter (nothing of isisfacts imported) and return stdout."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def claims_of(docs) -> list:
    return [[c.to_dict() for c in doc._.claims] for doc in docs]


def test_factories_work_without_importing_isisfacts():
    out = run_python(
        """
        import json, sys, spacy
        assert "isisfacts" not in sys.modules  # only spaCy's entry points may bring it in
        nlp = spacy.blank("en")
        for name in ["isis_sentences", "isis_actors", "isis_places", "isis_times", "isis_numbers", "isis_claims"]:
            nlp.add_pipe(name)
        doc = nlp("Coalition aircraft conducted 9 strikes in Iraq.")
        print(json.dumps([(c.metric, c.value, list(c.place)) for c in doc._.claims]))
        """
    )
    assert json.loads(out) == [["strikes", 9, ["Iraq"]]]


def test_saved_pipeline_gives_the_same_claims_in_a_fresh_interpreter(tmp_path: Path):
    lexicon = tmp_path / "extra.json"
    lexicon.write_text(json.dumps(LEXICON))
    nlp = isisfacts.add_to(spacy.blank("en"), extra_lexicon=lexicon)
    rows = TEXTS + [(LEXICON_TEXT, {"published": "2024-06-11"})]
    expected = claims_of(d for d, _ in nlp.pipe(rows, as_tuples=True))
    assert expected[-1][0]["metric"] == "civilians_kidnapped"
    assert expected[-1][0]["place"] == ["Wadi al-Tharthar"]
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    out = run_python(
        f"""
        import json, spacy
        rows = json.load(open({str(tmp_path / "rows.json")!r}))
        nlp = spacy.load({str(tmp_path / "model")!r})
        print(json.dumps([[c.to_dict() for c in d._.claims] for d, _ in nlp.pipe(rows, as_tuples=True)]))
        # a config override adds a place to the saved pipeline
        nlp = spacy.load({str(tmp_path / "model")!r}, config={{"components": {{"isis_places": {{
            "extra_places": [{{"name": "Jazeera Desert", "kind": "region", "country": "Iraq"}}]}}}}}})
        doc = nlp("In the Jazeera Desert, 3 ISIS militants were killed.")
        print(json.dumps([list(c.place) for c in doc._.claims]))
        """
    )
    same, overridden = out.splitlines()
    assert json.loads(same) == expected
    assert json.loads(overridden) == [["Jazeera Desert"]]


def ner_pipeline() -> spacy.Language:
    """A small pipeline whose entity_ruler stands in for a trained NER."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "GPE", "pattern": "Umm al-Rimam"},
        {"label": "LOC", "pattern": "Jabal Qarachogh"},
        {"label": "GPE", "pattern": "Iraq"},
        {"label": "PERSON", "pattern": "Karim Jasim"},
    ])
    return nlp


def test_add_to_uses_ner_places_and_leaves_ents_alone():
    text = ("Near Umm al-Rimam, 11 ISIS militants were killed, Karim Jasim said. "
            "Troops detained 6 suspects in Jabal Qarachogh. In Iraq, 2 more surrendered.")
    plain = ner_pipeline()
    before = [(e.start_char, e.end_char, e.label_) for e in plain(text).ents]
    nlp = isisfacts.add_to(ner_pipeline())
    assert nlp.pipe_names[0] == "entity_ruler" and nlp.pipe_names[-1] == "isis_claims"
    doc = nlp(text)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == before
    places = {s.label_: s.kb_id_ for s in doc.spans["isis_places"]}
    assert places["Umm al-Rimam"].startswith("city")
    assert places["Jabal Qarachogh"].startswith("region")
    assert places["Iraq"].startswith("country")  # the gazetteer's own entry wins
    got = {(c.metric, c.value): c.place for c in doc._.claims}
    assert got[("isis_killed", 11)] == ("Umm al-Rimam",)
    assert got[("isis_detained", 6)] == ("Jabal Qarachogh",)


def test_ner_places_can_be_switched_off_in_the_config():
    nlp = ner_pipeline()
    for name in isisfacts.COMPONENTS:
        nlp.add_pipe(name, config={"ent_labels": []} if name == "isis_places" else {})
    doc = nlp("Near Umm al-Rimam, 11 ISIS militants were killed.")
    assert "Umm al-Rimam" not in [s.label_ for s in doc.spans["isis_places"]]


def test_n_process_2_gives_the_same_claims():
    nlp = isisfacts.load()
    rows = TEXTS * 2
    one = claims_of(d for d, _ in nlp.pipe(rows, as_tuples=True, n_process=1))
    two = claims_of(d for d, _ in nlp.pipe(rows, as_tuples=True, n_process=2, batch_size=2))
    assert one == two
    assert all(one)


def test_claims_survive_a_docbin_round_trip():
    nlp = isisfacts.load()
    docs = [nlp(isisfacts.make_doc(nlp, t, **ctx)) for t, ctx in TEXTS]
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert claims_of(back) == claims_of(docs)
    assert back[0]._.claims[0].period is not None


def test_component_settings_live_in_the_config():
    nlp = isisfacts.load()
    cfg = nlp.config
    assert cfg["components"]["isis_places"]["ent_labels"] == ["GPE", "LOC"]
    assert cfg["components"]["isis_claims"]["extension"] == "claims"
    # a config.cfg that renames the claims attribute and the places key
    text = cfg.to_str().replace('extension = "claims"', 'extension = "figures_found"')
    text = text.replace('spans_key = "isis_places"', 'spans_key = "where"').replace(
        'places_key = "isis_places"', 'places_key = "where"')
    config = spacy.util.load_config_from_str(text)
    other = spacy.util.load_model_from_config(config)
    doc = other("In Iraq, 8 ISIS militants were killed.")
    assert [s.label_ for s in doc.spans["where"]] == ["Iraq"]
    assert [(c.metric, c.place) for c in doc._.figures_found] == [("isis_killed", ("Iraq",))]


def test_config_file_on_disk_can_be_loaded_and_overridden(tmp_path: Path):
    path = tmp_path / "config.cfg"
    isisfacts.load().config.to_disk(path)
    config = spacy.util.load_config(path, overrides={"components.isis_sentences.overwrite": True})
    nlp = spacy.util.load_model_from_config(config)
    assert nlp.get_pipe("isis_sentences").overwrite is True
