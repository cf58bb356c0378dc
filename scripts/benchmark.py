"""Benchmarks: search quality against peer engines (with an ablation table) and speed.

    python scripts/benchmark.py eval --queries Q --labels L --corpus corpus/
    python scripts/benchmark.py speed --corpus corpus/
    python scripts/benchmark.py reindex --corpus corpus/ --sections 10000

Peers are built exactly as shared/eval/README.md describes: the blank-line separated
paragraphs (longer than 40 characters, whitespace collapsed) of the corpus text files,
queried with OR of the query's words, top 10, no filters.
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # tests.support: the project's server helper

from indexer.evaluate import Ranker, evaluate_queries, label_accuracy, load_json, phrase_finder, section_ranker
from indexer.search import SearchOptions, SearchService
from search_app.serialise import search_dict


# ---------------------------------------------------------------- peers

PEER_SUFFIXES = (".txt", ".md")


def paragraphs(corpus: Path) -> list[str]:
    """The peers' documents: paragraphs of the corpus's text and Markdown files, at any depth."""
    out = []
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in PEER_SUFFIXES and p.is_file()):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            flat = re.sub(r"\s+", " ", block).strip()
            if len(flat) > 40:
                out.append(flat)
    return out


def query_words(q: str) -> list[str]:
    return re.findall(r"\w+", q, flags=re.UNICODE)


def fts5_ranker(docs: list[str]) -> Ranker:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO p(body) VALUES (?)", [(d,) for d in docs])

    def rank(q: str, filters: dict) -> list[str]:
        words = query_words(q)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        return [row[0] for row in db.execute("SELECT body FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (match,))]
    return rank


def whoosh_ranker(docs: list[str], analyzer) -> Ranker:
    from whoosh.fields import STORED, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.qparser import OrGroup, QueryParser

    ix = RamStorage().create_index(Schema(body=TEXT(analyzer=analyzer), raw=STORED))
    writer = ix.writer()
    for d in docs:
        writer.add_document(body=d, raw=d)
    writer.commit()
    searcher = ix.searcher()
    parser = QueryParser("body", ix.schema, group=OrGroup)

    def rank(q: str, filters: dict) -> list[str]:
        query = parser.parse(" OR ".join(query_words(q)))
        return [hit["raw"] for hit in searcher.search(query, limit=10)]
    return rank


def tantivy_ranker(docs: list[str]) -> Ranker | None:
    try:
        import tantivy
    except ImportError:
        return None
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=True, tokenizer_name="dutch_stem")
    schema = builder.build()
    index = tantivy.Index(schema)
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.ascii_fold()).filter(tantivy.Filter.stopword("dutch"))
                .filter(tantivy.Filter.stemmer("dutch")).build())
    index.register_tokenizer("dutch_stem", analyzer)
    writer = index.writer()
    for d in docs:
        writer.add_document(tantivy.Document(body=d))
    writer.commit()
    index.reload()
    searcher = index.searcher()

    def rank(q: str, filters: dict) -> list[str]:
        words = query_words(q)
        if not words:
            return []
        query, _errors = index.parse_query_lenient(" OR ".join(words), ["body"])
        return [searcher.doc(address)["body"][0] for _score, address in searcher.search(query, 10).hits]
    return rank


def peer_rankers(corpus: Path) -> dict[str, Ranker]:
    from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer

    docs = paragraphs(corpus)
    peers = {
        "SQLite FTS5 (unicode61, bm25)": fts5_ranker(docs),
        "Whoosh StandardAnalyzer": whoosh_ranker(docs, StandardAnalyzer()),
        "Whoosh LanguageAnalyzer('nl')": whoosh_ranker(docs, LanguageAnalyzer("nl")),
    }
    tantivy = tantivy_ranker(docs)
    if tantivy:
        peers["tantivy (dutch stemmer)"] = tantivy
    return peers


# ---------------------------------------------------------------- ours

def mechanisms(*on: str) -> SearchOptions:
    """Search options with only the named mechanisms switched on."""
    names = ("stemming", "compounds", "acronyms", "typos", "questions", "thesaurus", "years")
    return SearchOptions(**{name: name in on for name in names})


FULL = ("stemming", "compounds", "acronyms", "typos")
ABLATION = (       # each row adds one mechanism to the row above it
    ("no stemming", dict(stemming=False, compounds=False), mechanisms()),
    ("+ stemming", dict(stemming=True, compounds=False), mechanisms("stemming")),
    ("+ compounds", dict(stemming=True, compounds=True), mechanisms("stemming", "compounds")),
    ("+ acronyms", dict(stemming=True, compounds=True), mechanisms("stemming", "compounds", "acronyms")),
    ("+ typos", dict(stemming=True, compounds=True), mechanisms(*FULL)),
    ("+ question words", dict(stemming=True, compounds=True), mechanisms(*FULL, "questions")),
    ("+ thesaurus", dict(stemming=True, compounds=True), mechanisms(*FULL, "questions", "thesaurus")),
    ("+ years (full)", dict(stemming=True, compounds=True), mechanisms(*FULL, "questions", "thesaurus", "years")),
)


def run_eval(args: argparse.Namespace) -> int:
    from indexer.ingest.build import build_index

    queries = load_json(args.queries)
    corpus = Path(args.corpus)
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        services: dict[tuple, SearchService] = {}
        for name, index_flags, options in ABLATION:
            key = tuple(sorted(index_flags.items()))
            if key not in services:
                path = Path(tmp) / ("index-" + "-".join(f"{k}{int(v)}" for k, v in key))
                build_index(corpus, path, **index_flags)
                services[key] = SearchService(path)
            means, _ = evaluate_queries(queries, section_ranker(services[key], options))
            rows.append((name, means))
        full = services[(("compounds", True), ("stemming", True))]
        peers = [(name, evaluate_queries(queries, ranker)[0]) for name, ranker in peer_rankers(corpus).items()]
        print(f"Search quality on {Path(args.queries).name} ({len(queries)} queries), one run\n")
        print_table([("kennisbank (this project)", rows[-1][1])] + peers)
        print("\nAblation: what each mechanism adds\n")
        print_table(rows)
        if args.labels:
            accuracy, _ = label_accuracy(load_json(args.labels), phrase_finder(full))
            print(f"\nLabel accuracy ({Path(args.labels).name}): {accuracy:.3f}")
        for service in services.values():
            service.close()
    return 0


def print_table(rows: list[tuple[str, dict]]) -> None:
    print(f"| {'engine':34} | nDCG@10 |   MRR | Recall@10 |")
    print(f"|{'-' * 36}|---------|-------|-----------|")
    for name, m in rows:
        print(f"| {name:34} |  {m['ndcg@10']:.3f}  | {m['mrr']:.3f} |   {m['recall@10']:.3f}   |")


# ---------------------------------------------------------------- speed

SPEED_QUERIES = ("mensenhandelmonitor", "RCTM", "woonoverlat", "handreiking polarisatie", "samenwerking boa's en politie",
                 "gezamenlijk veiligheidsbeeld 2021", "inwonerbijdrage", "senioren babbeltrucs", "leerhuis",
                 '"Koffer Verkeerd"', "cybercrime -hackshield", "jeugd OF jongeren", "")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def describe(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def run_speed(args: argparse.Namespace) -> int:
    from indexer.ingest.build import build_index

    corpus = Path(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        build_ms = []
        for i in range(args.builds):
            started = time.perf_counter()
            build_index(corpus, Path(tmp) / "index")
            build_ms.append((time.perf_counter() - started) * 1000)
        service = SearchService(Path(tmp) / "index")
        docs = paragraphs(corpus)
        engines: dict[str, Callable[[str], object]] = {
            "kennisbank search()": lambda q: search_dict(service.search(q, per_page=10)),
            "SQLite FTS5 (paragraphs)": lambda q, r=fts5_ranker(docs): r(q, {}),
        }
        from whoosh.analysis import LanguageAnalyzer
        engines["Whoosh nl (paragraphs)"] = lambda q, r=whoosh_ranker(docs, LanguageAnalyzer("nl")): r(q, {})
        tantivy = tantivy_ranker(docs)
        if tantivy:
            engines["tantivy (paragraphs)"] = lambda q: tantivy(q, {})
        results = {}
        for name, fn in engines.items():
            for q in SPEED_QUERIES:          # warm up caches once
                fn(q)
            samples = [t for q in SPEED_QUERIES for t in timed(lambda q=q: fn(q), args.repeat)]
            results[name] = describe(samples)
        suggest = [t for p in ("men", "woon", "leerh", "cyb", "pol", "r") for t in
                   timed(lambda p=p: service.lexicon.completions(p), args.repeat)]
        http = http_latency(Path(tmp) / "index", args.repeat)
        service.close()
    ours = results["kennisbank search()"][0]
    print(f"Index build ({args.builds} runs): median {statistics.median(build_ms):.0f} ms\n")
    print(f"Search latency, {len(SPEED_QUERIES)} queries x {args.repeat} runs, same run, in-process.")
    print("Peers only rank paragraphs; kennisbank search() also expands the query, counts facets over all")
    print("hits and builds highlighted snippets, so the ratio is the price of those features.\n")
    print(f"| {'engine':28} | median ms | p95 ms | kennisbank median / this |")
    print(f"|{'-' * 30}|-----------|--------|--------------------------|")
    for name, (median, p95) in results.items():
        print(f"| {name:28} | {median:9.3f} | {p95:6.2f} | {ours / max(median, 1e-6):23.0f}x |")
    med, p95 = describe(suggest)
    print(f"\nAutocomplete (lexicon.completions, 6 prefixes): median {med:.3f} ms, p95 {p95:.3f} ms")
    if http:
        med, p95 = describe(http)
        print(f"HTTP GET /api/search (waitress, loopback): median {med:.2f} ms, p95 {p95:.2f} ms; "
              f"median / in-process = {med / ours:.2f}")
    return 0


def run_reindex(args: argparse.Namespace) -> int:
    """A full rebuild next to an incremental reindex of one changed document, on the seeds and scaled corpora."""
    import shutil

    from indexer.ingest.build import build_index
    from scaled_corpus import write_scaled_corpus

    print("| corpus | sections | full rebuild s | reindex one changed document s | reindex / rebuild |")
    print("|---|---|---|---|---|")
    for size in [0] + [n for n in args.sections if n > 0]:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
            if size:
                write_scaled_corpus(corpus, size, Path(args.corpus))
            else:
                shutil.copytree(args.corpus, corpus)
            started = time.perf_counter()
            report = build_index(corpus, index)
            rebuild = time.perf_counter() - started
            changed = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "manifest.toml")[-1]
            changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEen aanvulling over zwerfkattenopvang.\n",
                               encoding="utf-8")
            started = time.perf_counter()
            again = build_index(corpus, index, incremental=True)
            reindex = time.perf_counter() - started
            assert again.changed, "the changed document was not seen as changed"
            name = f"scaled {size}" if size else "seeds"
            print(f"| {name} | {report.sections} | {rebuild:.2f} | {reindex:.2f} | {reindex / rebuild:.1%} |",
                  flush=True)
    return 0


def http_latency(index: Path, repeat: int) -> list[float]:
    """Time GET /api/search against a real server process on a free loopback port."""
    import http.client
    from urllib.parse import quote

    from tests.support import ServerProcess

    with ServerProcess(index) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        samples = []
        for q in SPEED_QUERIES:
            for _ in range(repeat):
                started = time.perf_counter()
                conn.request("GET", "/api/search?q=" + quote(q))
                conn.getresponse().read()
                samples.append((time.perf_counter() - started) * 1000)
        conn.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/benchmark.py")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("eval")
    p.add_argument("--queries", required=True)
    p.add_argument("--labels")
    p.add_argument("--corpus", default="corpus")
    p.set_defaults(func=run_eval)
    p = sub.add_parser("speed")
    p.add_argument("--corpus", default="corpus")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--builds", type=int, default=3)
    p.set_defaults(func=run_speed)
    p = sub.add_parser("reindex")
    p.add_argument("--corpus", default="corpus")
    p.add_argument("--sections", type=int, nargs="*", default=[10_000], help="scaled corpus sizes (0: none)")
    p.set_defaults(func=run_reindex)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
