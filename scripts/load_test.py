"""Load with a reindex running: clients against the production server while the index changes under it.

    python scripts/load_test.py [--seconds 60] [--clients 8] [--workers 2] [--corpus corpus] [--out bench]

Copies the corpus and builds its index in a temporary folder, starts `kennisbank serve
--workers N` on 127.0.0.1 (a real process, tests/support.py), and lets ``clients`` threads
send a mixed workload for ``seconds``: searches with and without filters, a typo, an acronym,
the empty query, page 2, /api/suggest, section pages and the HTML search page. Meanwhile
incremental reindexes (`kennisbank reindex` as a child process, as the publish hook runs it)
follow each other against the same index path, each adding or changing one document with a
word of its own. Every response must be 200 (JSON where the API answers), every reindex must
exit 0, and afterwards the server must find the last reindex's word. Prints p50/p95 per kind
and overall; with ``--out`` writes them to load.json and load.md there.

Only 127.0.0.1, only for a bounded time. tests/test_load.py runs it for ~12 s; scripts/bench for 60 s.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support import ServerProcess  # noqa: E402

CHANGING_FILE = "laadproef-herindexering.md"
MAX_ERRORS_KEPT = 20


@dataclass
class Kind:
    """One kind of request in the mix: a name and the paths it picks from (chosen at random)."""

    name: str
    paths: list[str]
    json: bool = True


@dataclass
class Reindex:
    round: int
    word: str
    exit_code: int
    seconds: float
    error: str = ""


@dataclass
class LoadRun:
    """What one load run saw: latencies (ms) per kind, the errors, the reindexes and what was found after."""

    seconds: float
    clients: int
    workers: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    reindexes: list[Reindex] = field(default_factory=list)
    found_after: bool = False

    def figures(self) -> dict:
        """p50/p95 (ms) and counts per kind and overall, the errors and the reindexes."""
        every = [ms for samples in self.samples.values() for ms in samples]
        rows = {name: summary(samples) for name, samples in self.samples.items()}
        rows["alles"] = summary(every)
        return {"seconds": self.seconds, "clients": self.clients, "workers": self.workers,
                "requests": len(every), "requests_per_s": round(len(every) / self.seconds, 1),
                "errors": self.error_count, "error_examples": self.errors[:5],
                "reindexes": len(self.reindexes),
                "reindexes_failed": sum(r.exit_code != 0 for r in self.reindexes),
                "reindex_s_p50": round(statistics.median([r.seconds for r in self.reindexes]), 2)
                if self.reindexes else None,
                "last_reindex_found": self.found_after, "kinds": rows}


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def summary(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"n": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, .95), 1), "max_ms": round(max(samples), 1)}


# ---------------------------------------------------------------- the workload

def fetch(base: str, path: str) -> bytes:
    """One GET on a connection of its own; the body of a 200, else RuntimeError."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return body
    finally:
        connection.close()


def get_json(base: str, path: str) -> dict:
    return json.loads(fetch(base, path))


def workload(base: str) -> list[Kind]:
    """The mix, with facet values and section pages taken from the served index itself."""
    everything = get_json(base, "/api/search?" + urlencode({"q": "", "per_page": 50}))
    facets = everything["facets"]
    sections = [result["url"] for result in everything["results"]][:30]
    if not sections:
        raise RuntimeError("the index has no sections to load")

    def values(facet: str) -> list[str]:
        return [str(option["value"]) for option in facets.get(facet, [])][:5]

    words = ["mensenhandel", "woonoverlast", "politie gemeente", "handreiking polarisatie", "jeugd OF jongeren",
             '"gezamenlijk veiligheidsbeeld"', "cybercrime -hackshield", "zorg en veiligheid in de wijk"]
    filtered = [urlencode([("q", q), (facet, value)]) for q in ("", "veiligheid", "aanpak")
                for facet in ("theme", "year", "type", "organisation") for value in values(facet)]
    search = "/api/search?"
    return [
        Kind("zoeken", [search + urlencode({"q": q}) for q in words]),
        Kind("filters", [search + query for query in filtered] or [search + "q=veiligheid"]),
        Kind("typfout", [search + urlencode({"q": q}) for q in ("woonoverlat", "ondermijnig", "mensenhandl")]),
        Kind("acroniem", [search + urlencode({"q": q}) for q in ("RCTM", "VAR", "RVO")]),
        Kind("leeg", [search + "q=", search + "q=&sort=newest"]),
        Kind("pagina 2", [search + urlencode({"q": q, "page": 2}) for q in ("veiligheid", "aanpak", "")]),
        Kind("suggesties", ["/api/suggest?" + urlencode({"q": q}) for q in ("woo", "mens", "pol", "ondermij")]),
        Kind("sectie", sections, json=False),
        Kind("html", ["/?" + urlencode({"q": q}) for q in ("woonoverlast", "RCTM", "")] + ["/"], json=False),
    ]


def client(base: str, kinds: list[Kind], stop_at: float, seed: int, run: LoadRun, lock: threading.Lock) -> None:
    """One client: a keep-alive connection, requests of random kinds until stop_at."""
    pick = random.Random(seed)
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    samples: dict[str, list[float]] = {kind.name: [] for kind in kinds}
    errors: list[str] = []
    while time.monotonic() < stop_at:
        kind = pick.choice(kinds)
        path = pick.choice(kind.paths)
        started = time.perf_counter()
        problem = ""
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                problem = f"HTTP {response.status}"
            elif kind.json:
                json.loads(body)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        samples[kind.name].append((time.perf_counter() - started) * 1000)
        if problem:
            errors.append(f"{kind.name} {path}: {problem}")
    connection.close()
    with lock:
        for name, values in samples.items():
            run.samples.setdefault(name, []).extend(values)
        run.error_count += len(errors)
        run.errors.extend(errors[:MAX_ERRORS_KEPT - len(run.errors)])


# ---------------------------------------------------------------- reindexes meanwhile

def reindex_once(corpus: Path, index: Path, round_: int) -> Reindex:
    """Add (round 1) or change the changing document, with a word only this round's version holds,
    then `kennisbank reindex` in a child process."""
    word = f"laadkenmerk{round_}"
    (corpus / CHANGING_FILE).write_text(
        f"# Laadproef tijdens herindexering\n\nDeze versie ({round_}) noemt het {word} naast de aanpak van "
        f"woonoverlast in de wijk, met genoeg tekst voor een eigen sectie.\n", encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "search_app.cli", "reindex", "--corpus", str(corpus),
                           "--index", str(index), "--wait", "60"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    return Reindex(round_, word, done.returncode, time.perf_counter() - started,
                   "" if done.returncode == 0 else done.stderr[-2000:])


def reindex_while(corpus: Path, index: Path, start_at: float, stop_at: float, run: LoadRun) -> None:
    """Reindexes one after another from start_at, the last one starting before stop_at."""
    time.sleep(max(0.0, start_at - time.monotonic()))
    round_ = 0
    while True:
        round_ += 1
        run.reindexes.append(reindex_once(corpus, index, round_))
        if time.monotonic() >= stop_at:
            return


def found_everywhere(base: str, word: str, timeout: float = 20) -> bool:
    """Does every worker find the word (six answers in a row; the kernel spreads connections)?"""
    deadline, answers = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        answers.append(get_json(base, "/api/search?" + urlencode({"q": word}))["total"])
        if answers[-6:] == [1] * 6:
            return True
        time.sleep(0.05)
    return False


def load_with_reindex(corpus: Path, index: Path, seconds: float, clients: int = 8, workers: int = 2) -> LoadRun:
    """Serve ``index`` with ``workers`` processes, load it from ``clients`` threads for ``seconds``
    while reindexes of ``corpus`` into ``index`` run (from 15 % of the time to the end)."""
    run = LoadRun(seconds=seconds, clients=clients, workers=workers)
    with ServerProcess(index, workers=workers) as server:
        kinds = workload(server.url)
        for kind in kinds:                                   # warm each kind, outside the figures
            for path in kind.paths[:2]:
                fetch(server.url, path)
        lock = threading.Lock()
        started = time.monotonic()
        stop_at = started + seconds
        threads = [threading.Thread(target=client, args=(server.url, kinds, stop_at, n, run, lock))
                   for n in range(clients)]
        threads.append(threading.Thread(target=reindex_while,
                                        args=(corpus, index, started + 0.15 * seconds, stop_at - 2, run)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done = [r for r in run.reindexes if r.exit_code == 0]
        run.found_after = bool(done) and done[-1] is run.reindexes[-1] and found_everywhere(server.url, done[-1].word)
    return run


def table(figures: dict) -> str:
    """The figures as a Markdown table, with a line on errors and reindexes."""
    lines = [f"{figures['clients']} clients, {figures['workers']} worker processes, {figures['seconds']:g} s: "
             f"{figures['requests']} requests ({figures['requests_per_s']}/s), {figures['errors']} errors; "
             f"{figures['reindexes']} reindexes meanwhile ({figures['reindexes_failed']} failed, "
             f"p50 {figures['reindex_s_p50']} s); last reindex found afterwards: "
             f"{'yes' if figures['last_reindex_found'] else 'NO'}", "",
             "| kind | n | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    for name, row in figures["kinds"].items():
        lines.append(f"| {name} | {row['n']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="copied; the copy is reindexed")
    parser.add_argument("--out", help="folder for load.json and load.md (e.g. bench)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(args.corpus, corpus)
        subprocess.run([sys.executable, "-m", "search_app.cli", "index", "--corpus", str(corpus),
                        "--index", str(index)], cwd=ROOT, check=True, capture_output=True)
        run = load_with_reindex(corpus, index, args.seconds, args.clients, args.workers)
    figures = run.figures()
    print(table(figures))
    for example in figures["error_examples"]:
        print("error:", example, file=sys.stderr)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "load.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / "load.md").write_text("# Load with a reindex running (scripts/load_test.py)\n\n" + table(figures)
                                     + "\n", encoding="utf-8")
    ok = (figures["errors"] == 0 and figures["reindexes"] > 0 and figures["reindexes_failed"] == 0
          and figures["last_reindex_found"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
