"""The scaled benchmark: build, query and serve corpora of 1,000 / 10,000 / 50,000 sections, with peers.

    python scripts/scale_bench.py [--sizes 1000 10000 50000] [--quick] [--seconds 20]

Per size, in one run on this machine: build throughput, index size and the indexer's peak
memory; in-process query latency (facets and snippets included) for a fixed mix of queries;
SQLite FTS5 doing the same work (top 10 with snippet(), the total and four facet counts) and
tantivy (top 10 and the count) as the speed-of-light reference; HTTP latency at concurrency
1 and 8 against `kennisbank serve` with its queries/s and memory; and an incremental reindex of
one changed document next to the full rebuild (the median of three). Writes bench/results.json, bench/results.md
and bench/scaling.png.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scaled_corpus import write_scaled_corpus  # noqa: E402

# A fixed mix: 1-4 words, typos, acronyms, a phrase, an exclusion, an empty query; some with filters.
QUERIES = ["mensenhandel", "woonoverlast", "RCTM", "politie gemeente", "handreiking polarisatie",
           "samenwerking boa's en politie", "woonoverlat", "ondermijnig", "leerhuis explosief geweld",
           "jeugd OF jongeren", '"gezamenlijk veiligheidsbeeld"', "cybercrime -hackshield", "senioren babbeltrucs",
           "zorg en veiligheid in de wijk", "VAR", ""]
FILTERS = [{}, {"year": ["2023"]}, {"type": ["jaarverslag"]}]
BUILDS = 3          # full builds per size: rebuild_s is their median
KEYS = ("sections", "index_sections_per_s", "index_mb", "query_ms_p50", "query_ms_p95", "http_ms_p95_c1",
        "http_ms_p95_c8", "http_qps_c8", "server_rss_mb", "fts5_query_ms_p95", "tantivy_query_ms_p95",
        "reindex_one_s", "rebuild_s")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def cli(*args: str) -> float:
    """Run a `kennisbank` command in a child process; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "search_app.cli", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def in_process(index: Path, repeat: int) -> list[float]:
    """Latency of search + the API's dict (facets, snippets) for every query x filter set."""
    from indexer.search import SearchService
    from search_app.serialise import search_dict

    service = SearchService(index)
    samples = []
    for round_ in range(repeat + 1):
        for q in QUERIES:
            for filters in FILTERS:
                started = time.perf_counter()
                search_dict(service.search(f"{q} {round_}" if round_ and q else q, filters, per_page=10))
                if round_:                         # round 0 warms; later rounds vary the query (no cache hits)
                    samples.append((time.perf_counter() - started) * 1000)
    service.close()
    return samples


def section_rows(index: Path) -> list[tuple]:
    from indexer.search import SearchService

    service = SearchService(index)
    generation = service.generation
    rows = [(f["id"], f["title"], f["text"], f["theme"], f["year"], f["type"], f["organisation"])
            for f in (generation.fields(n) for n in generation.docnums)]
    service.close()
    return rows


def fts5_latency(rows: list[tuple], repeat: int) -> list[float]:
    """FTS5 doing our work: top 10 with snippet(), the total and four facet counts."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE s USING fts5(id UNINDEXED, title, text, theme UNINDEXED, year UNINDEXED, "
               "type UNINDEXED, organisation UNINDEXED, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    samples = []
    for _ in range(repeat):
        for q in QUERIES:
            words = [w for w in q.replace('"', " ").replace("-", " ").split() if w.isalnum()]
            match = " OR ".join(f'"{w}"' for w in words)
            for filters in FILTERS:
                where = "s MATCH ?" if match else "1"
                args = [match] if match else []
                for name, values in filters.items():
                    where += f" AND {name} = ?"
                    args.append(int(values[0]) if name == "year" else values[0])
                started = time.perf_counter()
                db.execute(f"SELECT id, title, snippet(s, 2, '<mark>', '</mark>', '…', 20) FROM s WHERE {where} "
                           f"{'ORDER BY bm25(s)' if match else ''} LIMIT 10", args).fetchall()
                db.execute(f"SELECT count(*) FROM s WHERE {where}", args).fetchone()
                for facet in ("theme", "year", "type", "organisation"):
                    db.execute(f"SELECT {facet}, count(*) FROM s WHERE {where} GROUP BY {facet}", args).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
    return samples


def tantivy_latency(rows: list[tuple], repeat: int) -> list[float]:
    """tantivy: top 10 and the count; the speed of light for a compiled engine."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("title", "text"):
        builder.add_text_field(name, stored=name == "title", tokenizer_name="default")
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer()
    for row in rows:
        writer.add_document(tantivy.Document(title=row[1], text=row[2]))
    writer.commit()
    index.reload()
    searcher = index.searcher()
    samples = []
    for _ in range(repeat):
        for q in QUERIES:
            words = [w for w in q.replace('"', " ").replace("-", " ").split() if w.isalnum()]
            if not words:
                continue
            query = index.parse_query(" OR ".join(words), ["title", "text"])
            for _ in FILTERS:
                started = time.perf_counter()
                result = searcher.search(query, 10, count=True)
                [searcher.doc(address) for _, address in result.hits]
                samples.append((time.perf_counter() - started) * 1000)
    return samples


def http_load(url: str, clients: int, seconds: float) -> tuple[list[float], int]:
    """(latencies in ms, errors) of ``clients`` threads searching the mix for ``seconds``."""
    samples: list[float] = []
    errors = [0]
    stop = time.time() + seconds

    def client(seed: int) -> None:
        pick = random.Random(seed)
        host, port = url.split("//")[1].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.time() < stop:
            q, filters = pick.choice(QUERIES), pick.choice(FILTERS)
            params = urlencode([("q", f"{q} {pick.randrange(10 ** 6)}" if q and pick.random() < 0.5 else q)]
                               + [(k, v) for k, values in filters.items() for v in values])
            started = time.perf_counter()
            try:
                connection.request("GET", "/api/search?" + params)
                response = connection.getresponse()
                response.read()
                errors[0] += response.status != 200
            except OSError:
                errors[0] += 1
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
            samples.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, errors[0]


def process_tree_rss_mb(pid: int) -> float:
    """Memory of a process and its children (the server's workers), as PSS: pages the forked
    workers share are counted once, not once per worker as a plain sum of RSS would."""
    def rss(p: int) -> int:
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
        return 0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return (rss(pid) + sum(rss(int(c)) for c in children)) / 1024


def full_builds(corpus: Path, folder: Path, builds: int) -> tuple[Path, float]:
    """Build the corpus's index from scratch ``builds`` times (the machine is noisy); the last index
    (the others removed) and the median wall time."""
    seconds = []
    for attempt in range(builds):
        shutil.rmtree(folder / f"build-{attempt - 1}", ignore_errors=True)
        index = folder / f"build-{attempt}" / "index"
        seconds.append(cli("index", "--corpus", str(corpus), "--index", str(index)))
    print(f"  full builds: {', '.join(f'{s:.2f}' for s in seconds)} s", file=sys.stderr, flush=True)
    return index, statistics.median(seconds)


def measure(size: int, seed_corpus: Path, seconds: float, repeat: int, builds: int) -> dict:
    from tests.support import ServerProcess

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_scaled_corpus(corpus, size, seed_corpus)
        index, rebuild = full_builds(corpus, Path(tmp), builds)
        indexer_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = section_rows(index)
        changed = sorted(corpus.glob("*.md"))[size // 20 // 10]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n\nEen aanvulling over zwerfkatten.\n",
                           encoding="utf-8")
        reindex = cli("reindex", "--corpus", str(corpus), "--index", str(index))
        queries = in_process(index, repeat)
        fts5 = fts5_latency(rows, repeat)
        try:
            tantivy = tantivy_latency(rows, repeat)
        except ImportError:
            tantivy = []
        with ServerProcess(index) as server:
            c1, errors1 = http_load(server.url, 1, seconds)
            c8, errors8 = http_load(server.url, 8, seconds)
            server_rss = process_tree_rss_mb(server.proc.pid)
        return {
            "sections": len(rows), "index_sections_per_s": round(len(rows) / rebuild, 1),
            "index_mb": round(folder_mb(Path(tmp)) - folder_mb(corpus), 1),
            "query_ms_p50": round(statistics.median(queries), 2), "query_ms_p95": round(percentile(queries, .95), 2),
            "query_ms_p99": round(percentile(queries, .99), 2),
            "http_ms_p95_c1": round(percentile(c1, .95), 1), "http_ms_p95_c8": round(percentile(c8, .95), 1),
            "http_qps_c8": round(len(c8) / seconds, 1), "http_errors": errors1 + errors8,
            "server_rss_mb": round(server_rss, 1), "indexer_peak_rss_mb": round(indexer_rss, 1),
            "fts5_query_ms_p95": round(percentile(fts5, .95), 2),
            "tantivy_query_ms_p95": round(percentile(tantivy, .95), 3) if tantivy else None,
            "reindex_one_s": round(reindex, 2), "rebuild_s": round(rebuild, 2),
        }


def table(results: dict) -> str:
    head = "| " + " | ".join(("size",) + KEYS) + " |"
    rule = "|" + "---|" * (len(KEYS) + 1)
    rows = ["| " + " | ".join([size] + [str(figures.get(key)) for key in KEYS]) + " |"
            for size, figures in results.items()]
    return "\n".join([head, rule, *rows])


def plot(results: dict, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot (pip install '.[peers]')", file=sys.stderr)
        return False
    sizes = [figures["sections"] for figures in results.values()]
    figure, (latency, build) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("query_ms_p95", "kennisbank p95"), ("fts5_query_ms_p95", "FTS5 p95"),
                       ("http_ms_p95_c8", "HTTP p95, 8 clients")):
        latency.plot(sizes, [f[key] for f in results.values()], marker="o", label=label)
    latency.set(xscale="log", yscale="log", xlabel="sections", ylabel="ms", title="Query latency")
    latency.legend()
    build.plot(sizes, [f["rebuild_s"] for f in results.values()], marker="o", label="full build")
    build.plot(sizes, [f["reindex_one_s"] for f in results.values()], marker="o", label="reindex one document")
    build.set(xscale="log", yscale="log", xlabel="sections", ylabel="s", title="Build time")
    build.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--quick", action="store_true", help="1,000 sections only, short load: under a minute")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of HTTP load per concurrency")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="the seed corpus")
    parser.add_argument("--out", default=str(ROOT / "bench"))
    args = parser.parse_args()
    sizes, seconds, repeat, builds = ([1000], 5.0, 2, 1) if args.quick else (args.sizes, args.seconds, 5, BUILDS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in sizes:
        print(f"measuring {size} sections ...", file=sys.stderr, flush=True)
        results[str(size)] = measure(size, Path(args.corpus), seconds, repeat, builds)
        (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / "results.md").write_text(table(results) + "\n", encoding="utf-8")
    print(table(results))
    if plot(results, out / "scaling.png"):
        print(f"plot: {out / 'scaling.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
