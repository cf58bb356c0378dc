"""`kennisbank export --format opensearch`: the shape of mapping.json, sections.ndjson and search-template.json.

No OpenSearch here: the files are checked for what OpenSearch requires of them (filters an analyzer
names are defined, the bulk pairs alternate, the template renders to JSON) and for mirroring our index.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from whoosh import index as whoosh_index

from indexer.analysis import STOP_WORDS, stem
from indexer.search.generation import Generation
from search_app.export import (BUILT_IN_FILTERS, MAX_PARTS, TEMPLATE_PARAMS, compound_parts, export_opensearch)

from .conftest import ROOT

try:                                         # a JSON Schema validator, when one is installed
    import jsonschema
except ImportError:
    jsonschema = None
try:
    import jsonschema_rs
except ImportError:
    jsonschema_rs = None

NAME = "kennisbank-test"
DOCUMENT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "doc_id", "title", "doc_title", "text", "theme", "type", "organisation", "year", "position",
                 "meta"],
    "properties": {
        **{name: {"type": "string"} for name in ("doc_id", "title", "doc_title", "text", "theme", "type",
                                                "organisation")},
        "id": {"type": "string", "minLength": 1},
        "year": {"type": ["integer", "null"]},
        "position": {"type": "integer", "minimum": 0},
        "meta": {"type": "object"},
    },
}
ACTION_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["index"],
    "properties": {"index": {"type": "object", "additionalProperties": False, "required": ["_index", "_id"],
                             "properties": {"_index": {"const": NAME}, "_id": {"type": "string"}}}},
}
JSON_TYPES = {"object": dict, "string": str, "integer": int, "null": type(None)}


def validate(instance, schema) -> None:
    """jsonschema or jsonschema_rs when installed, else the few keywords the schemas above use."""
    if jsonschema is not None:
        jsonschema.validate(instance, schema)
    elif jsonschema_rs is not None:
        jsonschema_rs.validate(schema, instance)
    else:
        types = schema.get("type", "object")
        assert any(isinstance(instance, JSON_TYPES[t]) and not isinstance(instance, bool)
                   for t in ([types] if isinstance(types, str) else types)), (instance, schema)
        if isinstance(instance, dict):
            assert set(schema.get("required", ())) <= set(instance)
            assert schema.get("additionalProperties", True) or set(instance) <= set(schema["properties"])
            for key, value in instance.items():
                validate(value, schema["properties"].get(key, {}))
        if "const" in schema:
            assert instance == schema["const"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "search_app.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def exported(index_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    result = run("export", "--format", "opensearch", "--index", str(index_dir), "--out", str(out), "--name", NAME)
    assert result.returncode == 0, result.stderr
    assert "sections:" in result.stdout
    return out


@pytest.fixture(scope="module")
def live_ids(index_dir):
    with whoosh_index.open_dir(os.path.realpath(index_dir)).searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def read_bulk(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "the bulk body ends with a newline"
    return [json.loads(line) for line in lines[:-1]]


def test_an_unknown_format_or_a_missing_index_is_refused(tmp_path):
    result = run("export", "--format", "solr", "--index", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "invalid choice" in result.stderr
    result = run("export", "--format", "opensearch", "--index", str(tmp_path / "none"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "kennisbank index" in result.stderr and "Traceback" not in result.stderr


def test_mapping_defines_every_analysis_component_it_names(exported):
    body = json.loads((exported / "mapping.json").read_text(encoding="utf-8"))
    analysis = body["settings"]["analysis"]
    filters, analyzers = analysis["filter"], analysis["analyzer"]
    assert {"kennisbank_dutch", "kennisbank_dutch_search"} <= set(analyzers)
    for analyzer in analyzers.values():
        assert analyzer["type"] == "custom" and analyzer["tokenizer"] in analysis["tokenizer"]
        for name in analyzer["filter"]:
            assert name in filters or name in BUILT_IN_FILTERS, name
    kinds = {name: spec["type"] for name, spec in filters.items()}
    for analyzer in analyzers.values():
        chain = [kinds.get(name, name) for name in analyzer["filter"]]
        assert chain.index("stop") < chain.index("lowercase") < chain.index("asciifolding")
        assert chain.index("dictionary_decompounder") < chain.index("stemmer_override") < chain.index("stemmer")
    # synonyms at search time only (a graph filter cannot index), and first, while case still tells OM from om
    assert "synonym_graph" not in [kinds.get(n) for n in analyzers["kennisbank_dutch"]["filter"]]
    assert kinds[analyzers["kennisbank_dutch_search"]["filter"][0]] == "synonym_graph"


def test_mapping_carries_our_vocabulary_stems_stop_words_and_acronyms(exported, index_dir):
    filters = json.loads((exported / "mapping.json").read_text(encoding="utf-8"))["settings"]["analysis"]["filter"]
    by_kind = {spec["type"]: spec for spec in filters.values()}
    words = by_kind["dictionary_decompounder"]["word_list"]
    assert 0 < len(words) <= MAX_PARTS and all(isinstance(w, str) and w.isalpha() for w in words)
    generation = Generation(os.path.realpath(index_dir))
    try:
        splitter = generation.lexicon.decompounder
        used = {p for w in generation.lexicon.words for p in splitter.split(w)}
        assert used and used <= set(words)           # every part our splitter indexes is in the list
        assert set(compound_parts(splitter, generation.lexicon.words, limit=10)) < used   # used parts come first
    finally:
        generation.close()
    assert by_kind["stemmer"]["language"] in ("dutch", "dutch_kp")
    rules = by_kind["stemmer_override"]["rules"]
    assert rules and all(stem(word) == ours for word, ours in (rule.split(" => ") for rule in rules))
    stop = by_kind["stop"]
    assert stop["ignore_case"] is False and set(STOP_WORDS) <= set(stop["stopwords"])
    assert not [w for w in stop["stopwords"] if len(w) > 1 and w.isupper()]     # 'OM' is an acronym, kept
    synonyms = by_kind["synonym_graph"]["synonyms"]
    assert "RCTM, Rctm, rctm => RCTM, Regionaal Controleteam Mensenhandel" in synonyms
    assert any(rule.startswith("OM =>") for rule in synonyms)                   # no lower-case 'om'
    assert all(rule.count("=>") == 1 for rule in synonyms)


def test_mapping_field_types(exported):
    body = json.loads((exported / "mapping.json").read_text(encoding="utf-8"))
    properties = body["mappings"]["properties"]
    for name in ("title", "doc_title", "text"):
        assert properties[name]["type"] == "text"
        assert properties[name]["analyzer"] == "kennisbank_dutch"
        assert properties[name]["search_analyzer"] == "kennisbank_dutch_search"
    for name in ("id", "doc_id", "theme", "type", "organisation"):
        assert properties[name] == {"type": "keyword"}
    assert properties["year"] == properties["position"] == {"type": "integer"}
    assert properties["meta"] == {"type": "object", "enabled": False}
    assert body["mappings"]["dynamic"] == "strict"
    assert body["mappings"]["_meta"]["query_time_boosts"] == {"title": 3.0, "doc_title": 1.5, "text": 1.0}


def test_bulk_file_holds_every_live_section_once(exported, live_ids):
    rows = read_bulk(exported / "sections.ndjson")
    assert len(rows) == 2 * len(live_ids)
    actions, documents = rows[0::2], rows[1::2]
    for action, document in zip(actions, documents):
        validate(action, ACTION_SCHEMA)
        validate(document, DOCUMENT_SCHEMA)
        assert action["index"]["_id"] == document["id"]
        assert "index" not in document
    ids = [d["id"] for d in documents]
    assert len(set(ids)) == len(ids) and set(ids) == live_ids
    assert any(d["year"] for d in documents) and all(d["title"] and d["doc_id"] for d in documents)


def test_deleted_sections_of_an_incremental_generation_are_skipped(index_dir, live_ids, tmp_path):
    copy = tmp_path / "generation"
    shutil.copytree(os.path.realpath(index_dir), copy)
    victim = sorted(live_ids)[0]
    ix = whoosh_index.open_dir(str(copy))
    writer = ix.writer()
    writer.delete_by_term("id", victim)
    writer.commit(merge=False)                    # the deletion stays in the segment, as an incremental build's
    with ix.reader() as reader:
        assert reader.doc_count_all() == reader.doc_count() + 1
    summary = export_opensearch(copy, tmp_path / "out", name=NAME)
    documents = read_bulk(tmp_path / "out" / "sections.ndjson")[1::2]
    assert summary.sections == len(documents) == len(live_ids) - 1
    assert {d["id"] for d in documents} == live_ids - {victim}


def render(source: str, params: dict) -> str:
    """The mustache the template uses: {{#toJson}}x{{/toJson}}, sections, inverted sections, JSON-escaped {{x}}."""
    source = re.sub(r"\{\{#toJson\}\}(\w+)\{\{/toJson\}\}", lambda m: json.dumps(params[m.group(1)]), source)
    source = re.sub(r"\{\{([#^])(\w+)\}\}(.*?)\{\{/\2\}\}",
                    lambda m: m.group(3) if bool(params[m.group(2)]) == (m.group(1) == "#") else "", source, flags=re.S)
    value = lambda name: json.dumps(params[name])[1:-1] if isinstance(params[name], str) else json.dumps(params[name])
    return re.sub(r"\{\{(\w+)\}\}", lambda m: value(m.group(1)), source)


def test_search_template_placeholders_and_rendering(exported):
    template = json.loads((exported / "search-template.json").read_text(encoding="utf-8"))
    source, example = template["source"], template["params"]
    placeholders = set(re.findall(r"\{\{[#^/]?(\w+)\}\}", source)) - {"toJson"}
    placeholders |= set(re.findall(r"\{\{#toJson\}\}(\w+)\{\{/toJson\}\}", source))
    assert placeholders == set(TEMPLATE_PARAMS) == set(example)
    scaling = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in scaling for name in TEMPLATE_PARAMS), "docs/scaling.md documents every parameter"

    body = json.loads(render(source, example))
    should = body["query"]["bool"]["should"]
    assert should[0]["multi_match"]["fields"] == ["title^3", "doc_title^1.5", "text"]
    assert should[1]["multi_match"]["operator"] == "and" and should[1]["multi_match"]["boost"] == 2.0
    slops = {field: spec["slop"] for clause in should if "match_phrase" in clause
             for field, spec in clause["match_phrase"].items()}
    assert slops == {"text": 4, "title": 2, "doc_title": 2}
    selected = [f["terms"] for f in body["post_filter"]["bool"]["filter"] if "terms" in f]
    assert selected == [{"theme": example["theme"]}, {"year": example["year"]}]
    for facet, agg in body["aggs"].items():             # disjunctive: every filter but the facet's own
        others = [f["terms"] for f in agg["filter"]["bool"]["filter"] if "terms" in f]
        assert others == [t for t in selected if facet not in t]
        assert agg["aggs"]["values"]["terms"]["field"] == facet
    assert "text" in body["highlight"]["fields"]

    empty = {name: False if name.startswith("has_") else [] for name in TEMPLATE_PARAMS}
    empty |= {"q": 'een "quote"', "from": 10, "size": 10, "newest": True}
    body = json.loads(render(source, empty))
    assert body["post_filter"]["bool"]["filter"] == [{"match_all": {}}]
    assert body["query"]["bool"]["should"][0]["multi_match"]["query"] == 'een "quote"'
    assert body["sort"][0] == {"year": {"order": "desc"}}
