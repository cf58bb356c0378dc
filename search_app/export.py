"""`kennisbank export --format opensearch`: one index generation as files an OpenSearch cluster takes as is.

    mapping.json          the index body (settings + mappings): our schema and Dutch analysis
    sections.ndjson       the bulk request of every live section (action line, document line)
    search-template.json  a mustache search template of our query shape (filters, disjunctive facets)

It reads the generation through the search side (``Generation``: its stored fields and lexicon.json),
never through ingestion. docs/scaling.md explains the mapping and what differs from our own search.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import (MIN_COMPOUND, MIN_PART, Decompounder, STOP_WORDS, TOKEN_PATTERN, is_stop_word,
                              snowball_stem, stem)
from indexer.facets import FACETS
from indexer.schema import TEXT_FIELDS
from indexer.search.compile import TITLE_FIELDS, TITLE_PHRASE_BOOST, TITLE_SLOP
from indexer.search.generation import Generation
from indexer.search.highlight import SNIPPET_CHARS
from indexer.search.params import MAX_PAGE, MAX_PER_PAGE

INDEX_NAME = "kennisbank"
MAPPING_FILE, BULK_FILE, TEMPLATE_FILE = "mapping.json", "sections.ndjson", "search-template.json"
ANALYZER, SEARCH_ANALYZER = "kennisbank_dutch", "kennisbank_dutch_search"
BUILT_IN_FILTERS = ("lowercase", "asciifolding", "apostrophe")
# The decompounder's inline word list lives in the index settings, so in the cluster state that every
# node holds; and OpenSearch's dictionary_decompounder emits *every* listed word it finds inside a token
# (ours only accepts splits that rebuild the whole word), so each extra word is another chance of a
# spurious part. The list is therefore bounded: first the parts our own splitter used on this
# generation's vocabulary (they reproduce the splits we index), then the most frequent other parts.
MAX_PARTS = 10_000
MAX_STEM_RULES = 20_000          # stemmer_override rules, most frequent words first (also cluster state)
# Our query shape (indexer/search/compile.py, group_query): Or(any) | And(all)^2 | Phrase(text, slop 4)^1.5
# | Phrase(title fields, slop TITLE_SLOP)^TITLE_PHRASE_BOOST.
ALL_WORDS_BOOST = 2.0
TEXT_SLOP, TEXT_PHRASE_BOOST = 4, 1.5
FACET_BUCKETS = 100              # values counted per facet (our facets hold tens of values)

# The search template's parameters, as docs/scaling.md documents them.
TEMPLATE_PARAMS = {
    "q": "the query as typed; empty (or only stop words) lists every section",
    "from": "first hit, (page - 1) * size",
    "size": f"hits per page, 1 to {MAX_PER_PAGE}",
    "newest": "true: sort by year first (our sort=newest)",
    **{spec.name: f"selected {spec.name} values (a list{' of integers' if spec.numeric else ''})" for spec in FACETS},
    **{f"has_{spec.name}": f"true when {spec.name} has selected values (mustache cannot test a list "
                           f"for emptiness without repeating its block)" for spec in FACETS},
}


@dataclass
class ExportSummary:
    """What an export wrote."""

    sections: int
    parts: int                  # compound parts in the decompounder's word list
    parts_total: int            # compound parts in the generation's lexicon (after our own filtering)
    stem_rules: int
    acronyms: int
    files: tuple[Path, ...]


def export_opensearch(index_dir: str | Path, out_dir: str | Path, name: str = INDEX_NAME) -> ExportSummary:
    """Write mapping.json, sections.ndjson and search-template.json of the index's current generation."""
    generation = Generation(os.path.realpath(index_dir))     # one generation, even if a swap happens meanwhile
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    try:
        body = index_body(generation)
        write_json(out / MAPPING_FILE, body)
        count = write_bulk(generation, out / BULK_FILE, name)
        write_json(out / TEMPLATE_FILE, search_template(field_boosts(generation)))
    finally:
        generation.close()
    filters = body["settings"]["analysis"]["filter"]
    return ExportSummary(count, len(filters["kennisbank_compounds"]["word_list"]),
                         len(generation.lexicon.decompounder.vocabulary),
                         len(filters["kennisbank_stem_repairs"]["rules"]), len(generation.lexicon.acronyms),
                         tuple(out / f for f in (MAPPING_FILE, BULK_FILE, TEMPLATE_FILE)))


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- the index body

def field_boosts(generation: Generation) -> dict[str, float]:
    """The schema's field_boost per searched field (OpenSearch applies them at query time)."""
    schema = generation.searcher().schema
    return {name: float(getattr(schema[name].format, "field_boost", 1.0)) for name in TEXT_FIELDS}


def index_body(generation: Generation) -> dict:
    """Settings (analysis) and mappings mirroring indexer/schema.py and indexer/analysis.py."""
    return {"settings": {"index": {"number_of_shards": 1, "number_of_replicas": 1,
                                   "max_result_window": MAX_PAGE * MAX_PER_PAGE},
                         "analysis": analysis_settings(generation)},
            "mappings": mappings(field_boosts(generation))}


def analysis_settings(generation: Generation) -> dict:
    lexicon = generation.lexicon
    parts = compound_parts(lexicon.decompounder, lexicon.words)
    chain = ["kennisbank_stop", "lowercase", "asciifolding", "apostrophe", "kennisbank_compounds",
             "kennisbank_stem_repairs", "kennisbank_stemmer"]
    return {
        # our TOKEN_PATTERN in Java syntax: letters (with a possessive 's) or numbers (with . or , inside)
        "tokenizer": {"kennisbank_words": {"type": "pattern", "group": 0,
                                           "pattern": r"\p{L}+(?:'s?)?|\p{Nd}+(?:[.,]\p{Nd}+)*"}},
        "filter": {
            # before lowercasing and case-sensitive, as our StopFilter: 'om' and 'Om' go, 'OM' stays
            "kennisbank_stop": {"type": "stop", "ignore_case": False, "stopwords": stop_word_forms()},
            "kennisbank_compounds": {"type": "dictionary_decompounder", "word_list": parts,
                                     "min_word_size": MIN_COMPOUND, "min_subword_size": MIN_PART,
                                     "max_subword_size": max(map(len, parts), default=MIN_PART),
                                     "only_longest_match": True},
            # analysis.py repairs Snowball by rules, not a table: the table is those rules applied to
            # this generation's words (our stem wherever it differs from plain Snowball's)
            "kennisbank_stem_repairs": {"type": "stemmer_override",
                                        "rules": stem_rules(lexicon.words, parts)},
            # 'dutch' (Snowball), not 'dutch_kp': it is the algorithm analysis.stem repairs (Snowball's
            # original Dutch, analysis.snowball_stem), so the override table above completes it;
            # Kraaij-Pohlmann stems other words differently, and Lucene 10, under OpenSearch 3,
            # removed the KpStemmer behind 'dutch_kp' (apache/lucene#13230).
            "kennisbank_stemmer": {"type": "stemmer", "language": "dutch"},
            # search time only, first in the chain so it is case-sensitive: OM expands, 'om' does not
            "kennisbank_acronyms": {"type": "synonym_graph", "lenient": True,
                                    "synonyms": acronym_rules(lexicon.acronyms)},
        },
        "analyzer": {
            ANALYZER: {"type": "custom", "tokenizer": "kennisbank_words", "filter": chain},
            SEARCH_ANALYZER: {"type": "custom", "tokenizer": "kennisbank_words",
                              "filter": ["kennisbank_acronyms", *chain]},
        },
    }


def stop_word_forms() -> list[str]:
    """Our stop words as a case-sensitive list: as written and capitalised, single letters also in capitals
    (our StopFilter keeps a stop word only when it is written in capitals and has two letters or more)."""
    forms = set()
    for word in STOP_WORDS:
        forms.update((word, word.capitalize()))
        if len(word) == 1:
            forms.add(word.upper())
    return sorted(forms)


def compound_parts(splitter: Decompounder, words: dict[str, int], limit: int = MAX_PARTS) -> list[str]:
    """The decompounder's word list (see MAX_PARTS): parts our splitter uses on the vocabulary first."""
    used: dict[str, int] = {}
    for word in words:
        for part in splitter.split(word):
            used[part] = used.get(part, 0) + words[word]
    ranked = sorted(used, key=lambda p: (-used[p], p))
    ranked += sorted((p for p in splitter.vocabulary if p not in used and p.isalpha()),
                     key=lambda p: (-splitter.vocabulary[p], p))
    return sorted(ranked[:limit])


def stem_rules(words: dict[str, int], parts: list[str], limit: int = MAX_STEM_RULES) -> list[str]:
    """'word => stem' wherever our repaired stem differs from plain Snowball's (most frequent words first)."""
    frequency = {part: 0 for part in parts} | {w: n for w, n in words.items() if w.isalpha()}
    rules = []
    for word in sorted(frequency, key=lambda w: (-frequency[w], w)):
        ours = stem(word)
        if ours != snowball_stem(word):
            rules.append(f"{word} => {ours}")
            if len(rules) == limit:
                break
    return sorted(rules)


def acronym_rules(acronyms: dict[str, str]) -> list[str]:
    """'RCTM, Rctm, rctm => RCTM, Regionaal Controleteam Mensenhandel': the acronym stays a search term.

    As compile.acronym_query: the long form without its stop words (the words must all occur, not as a
    phrase: the template sets auto_generate_synonyms_phrase_query false); lower-case forms only for
    acronyms of at most 5 letters that are not stop words ('om' stays 'om').
    """
    rules = []
    for acronym, long_form in sorted(acronyms.items()):
        if not re.fullmatch(r"[^\W\d_]+", acronym):
            continue
        words = [w for w in re.findall(TOKEN_PATTERN, long_form) if not is_stop_word(w)]
        if not words:
            continue
        forms = [acronym, acronym.upper()]
        if len(acronym) <= 5 and acronym.lower() not in STOP_WORDS:
            forms += [acronym.capitalize(), acronym.lower()]
        rules.append(f"{', '.join(dict.fromkeys(forms))} => {acronym}, {' '.join(words)}")
    return rules


def mappings(boosts: dict[str, float]) -> dict:
    """Field types as indexer/schema.py; text fields analysed, facets as keywords, meta kept but not indexed."""
    text = {"type": "text", "analyzer": ANALYZER, "search_analyzer": SEARCH_ANALYZER}
    properties: dict = {"id": {"type": "keyword"}, "doc_id": {"type": "keyword"}}
    properties |= {name: dict(text) for name in TEXT_FIELDS}
    properties["text"]["index_options"] = "offsets"          # postings with offsets: fast unified highlighting
    properties |= {spec.name: {"type": "integer" if spec.numeric else "keyword"} for spec in FACETS}
    properties |= {"position": {"type": "integer"}, "meta": {"type": "object", "enabled": False}}
    # index-time field boosts are gone from OpenSearch: the search template applies these per field
    return {"dynamic": "strict", "_meta": {"exported_by": "kennisbank export", "query_time_boosts": boosts},
            "properties": properties}


# ---------------------------------------------------------------- the bulk file

def document(fields: dict) -> dict:
    """One section as an OpenSearch document: the stored fields (year 0, 'unknown', as null)."""
    doc = {name: fields[name] for name in ("id", "doc_id", *TEXT_FIELDS, "theme", "type", "organisation")}
    doc["year"] = int(fields["year"]) or None
    doc["position"] = int(fields["position"])
    doc["meta"] = fields.get("meta") or {}
    return doc


def write_bulk(generation: Generation, path: Path, name: str) -> int:
    """Stream every live section (deleted ones of shared segments skipped) as bulk NDJSON; the count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for docnum in generation.docnums:                # live sections only (Generation.docnums)
            doc = document(generation.fields(docnum))    # read from disk one at a time
            out.write(json.dumps({"index": {"_index": name, "_id": doc["id"]}}, ensure_ascii=False) + "\n")
            out.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


# ---------------------------------------------------------------- the search template

def search_template(boosts: dict[str, float]) -> dict:
    """An inline search template (POST /<index>/_search/template takes the file as is) with example params."""
    example = {"q": "RCTM jaarverslag", "from": 0, "size": 10, "newest": False,
               **{spec.name: [] for spec in FACETS}, **{f"has_{spec.name}": False for spec in FACETS}}
    example.update(theme=["Mensenhandel"], has_theme=True, year=[2024, 2023], has_year=True)
    return {"source": template_source(boosts), "params": example}


def template_source(boosts: dict[str, float]) -> str:
    """The mustache source: JSON with markers, then the markers replaced by mustache fragments."""
    fields = [f"{name}^{boost:g}" if boost != 1 else name for name, boost in boosts.items()]
    words = {"query": "{{q}}", "fields": fields, "auto_generate_synonyms_phrase_query": False}
    names = [spec.name for spec in FACETS]
    body = {
        "from": "@raw:from@", "size": "@raw:size@", "track_total_hits": True,
        "_source": {"excludes": ["text"]},
        "query": {"bool": {"minimum_should_match": 1, "should": [
            # Or(any): each word in any field, the fields' scores summed; empty q: everything
            {"multi_match": {**words, "type": "most_fields", "zero_terms_query": "all"}},
            # And(all)^2: every word, each in some field
            {"multi_match": {**words, "type": "cross_fields", "operator": "and", "boost": ALL_WORDS_BOOST}},
            # proximity: the words near each other in the text, closer in a title
            {"match_phrase": {"text": {"query": "{{q}}", "slop": TEXT_SLOP, "boost": TEXT_PHRASE_BOOST}}},
            *({"match_phrase": {f: {"query": "{{q}}", "slop": TITLE_SLOP, "boost": TITLE_PHRASE_BOOST}}}
              for f in TITLE_FIELDS),
        ]}},
        # filters apply to the hits only; each facet's counts apply every filter but its own (disjunctive)
        "post_filter": {"bool": {"filter": f"@filters:{','.join(names)}@"}},
        "aggs": {spec.name: {"filter": {"bool": {"filter": f"@filters:{','.join(n for n in names if n != spec.name)}@"}},
                             "aggs": {"values": {"terms": {"field": spec.name, "size": FACET_BUCKETS,
                                                           **({"order": {"_key": "desc"}} if spec.numeric else {})}}}}
                 for spec in FACETS},
        "sort": "@sort@",
        "highlight": {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"],
                      "fields": {"text": {"type": "unified", "fragment_size": SNIPPET_CHARS,
                                          "number_of_fragments": 1, "no_match_size": SNIPPET_CHARS}}},
    }
    return re.sub(r'"@(\w+)(?::([\w,]*))?@"', lambda m: fragment(m.group(1), m.group(2)),
                  json.dumps(body, ensure_ascii=False, indent=2))


def fragment(kind: str, argument: str | None) -> str:
    """The mustache text that replaces one marker."""
    if kind == "raw":
        return "{{" + argument + "}}"
    if kind == "sort":       # relevance, then newest first: with an empty q (all scores equal) our listing order
        return ('[{{#newest}}{"year": {"order": "desc"}}, {{/newest}}"_score", {"year": {"order": "desc"}}, '
                '{"doc_id": "asc"}, {"position": "asc"}]')
    # a terms filter per selected facet, each followed by a comma; match_all closes the list
    terms = "".join("{{#has_%s}}{\"terms\": {\"%s\": {{#toJson}}%s{{/toJson}} } }, {{/has_%s}}" % (n, n, n, n)
                    for n in argument.split(",") if n)
    return "[" + terms + '{"match_all": {}}]'
