"""The `kennisbank` command: index, reindex, crawl, serve, search, report, export, eval.

It lives with the web app because it composes both sides: `index` runs ingestion,
`serve` starts the app, `search` prints what the API returns.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from indexer.facets import FACETS
from indexer.ingest.build import MAX_SHRINK
from indexer.ingest.corpus import Limits

from .settings import SETTINGS_BY_NAME, SettingsError, settings_help, setting_value


def default(name: str) -> str:
    """A CLI default from the settings table (its environment variable, else its default)."""
    try:
        return setting_value(SETTINGS_BY_NAME[name])
    except SettingsError as exc:
        sys.exit(f"error: {exc}")


def cmd_index(args: argparse.Namespace) -> int:
    """Build the index from scratch and print a summary; a refused build leaves the live index as it was."""
    from indexer.ingest.build import build_index
    from indexer.ingest.corpus import Limits
    from indexer.ingest.generations import BuildRefused
    from indexer.ingest.crawl import CrawlError
    from indexer.ingest.manifest import ManifestError

    from .reindex import disk_full

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"error: corpus directory {corpus} does not exist", file=sys.stderr)
        return 2
    limits = Limits(max_bytes=int(args.max_file_mb * 1024 * 1024), max_seconds=args.max_file_seconds)
    try:
        report = build_index(corpus, Path(args.index), limits=limits, max_shrink=args.max_shrink,
                             allow_shrink=args.allow_shrink)
    except (BuildRefused, ManifestError, CrawlError) as exc:     # CrawlError: a damaged crawl-state.json
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        message = disk_full(exc)
        if message is None:
            raise                                       # any other failure is a bug: its traceback
        print(f"error: {message}", file=sys.stderr)
        return 1
    print(f"documents: {report.documents}")
    print(f"sections:  {report.sections} ({report.duplicates_folded} duplicate sections folded)")
    for doc_id, count in sorted(report.sections_per_document.items()):
        print(f"  {doc_id}: {count}")
    print(f"skipped:   {len(report.skipped)}")
    for name, reason in report.skipped:
        print(f"  {name}: {reason}")
    print(f"seconds:   {report.seconds:.2f}")
    print(f"{report.documents} van {report.files} bestanden geïndexeerd")
    return 0


def say_no_index(index: str, problem: object = "") -> None:
    print(f"error: no usable index at {index}{f' ({problem})' if problem else ''}. Build one:\n"
          f"  kennisbank index --corpus {default('CORPUS_DIR')} --index {index}", file=sys.stderr)


def open_service(index: str):
    """The search service of an index, or None after telling how to build one."""
    from indexer.search import IndexMissing, SearchService

    try:
        return SearchService(index)
    except IndexMissing as problem:
        say_no_index(index, problem)
        return None


def check_servable(index: str) -> None:
    """Raise SettingsError or IndexMissing as create_app would, without opening the index."""
    from whoosh import index as whoosh_index

    from indexer.search import IndexMissing

    from .settings import load_settings

    load_settings({"INDEX_DIR": index})
    if not os.path.exists(index) or not whoosh_index.exists_in(os.path.realpath(index)):
        raise IndexMissing(index)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app and JSON API with waitress (a production WSGI server)."""
    if args.help_settings:
        print(settings_help())
        return 0
    from .server import serve

    from indexer.search import IndexMissing

    from . import create_app
    from .settings import load_settings

    from indexer.search.vocabulary import VocabularyError, check_vocabulary

    try:
        settings = load_settings({"INDEX_DIR": args.index})
        check_vocabulary()
        # with workers, the parent only checks: each worker opens the index itself after the fork
        app = create_app({"INDEX_DIR": args.index}) if args.workers <= 1 else check_servable(args.index)
    except (SettingsError, VocabularyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except IndexMissing as problem:
        say_no_index(args.index, problem)
        return 2
    timeout = settings["CHANNEL_TIMEOUT"]
    options = {"threads": args.threads or settings["THREADS"], "ident": "kennisbank",
               "connection_limit": settings["CONNECTION_LIMIT"], "channel_timeout": timeout,
               "cleanup_interval": max(1, min(30, timeout // 3)),      # idle connections go within ~4/3 timeout
               "max_request_body_size": settings["MAX_REQUEST_BODY"],
               "asyncore_use_poll": True,                               # select() stops at 1024 descriptors
               "clear_untrusted_proxy_headers": True}
    if settings["TRUSTED_PROXY"]:
        options.update(trusted_proxy=settings["TRUSTED_PROXY"], trusted_proxy_count=1,
                       trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"})
    if args.workers > 1:
        from .server import serve_workers

        print(f"serving on http://{args.host}:{args.port} with {args.workers} worker processes", flush=True)
        serve_workers(lambda: create_app({"INDEX_DIR": args.index}), args.host, args.port, args.workers, **options)
        return 0
    print(f"serving on http://{args.host}:{args.port}", flush=True)
    serve(app, host=args.host, port=args.port, **options)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Search from the command line."""
    from indexer.search import SearchError

    from .serialise import search_dict

    service = open_service(args.index)
    if service is None:
        return 2
    filters = {spec.name: values for spec in FACETS if (values := getattr(args, spec.name))}
    try:
        response = search_dict(service.search(args.query, filters, page=args.page, per_page=args.per_page))
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(response, ensure_ascii=False, indent=2))
        return 0
    if response.get("corrected_from"):
        print(f"(gezocht op: {response['query']})")
    elif response["suggestion"]:
        print(f"Bedoelde u: {response['suggestion']}")
    for expansion in response["expansions"]:
        print(f"{expansion['term']} = {expansion['means']}")
    print(f"{response['total']} resultaten")
    for i, result in enumerate(response["results"], 1 + (args.page - 1) * args.per_page):
        print(f"{i:3}. {result['title']} — {result['document']['title']} "
              f"[{result['theme']} | {result['year']} | {result['type']}]  {result['url']}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Print nDCG@10, MRR, Recall@10 and label accuracy as the eval README defines them."""
    from indexer.evaluate import evaluate_queries, label_accuracy, load_json, phrase_finder, section_ranker

    service = open_service(args.index)
    if service is None:
        return 2
    means, scores = evaluate_queries(load_json(args.queries), section_ranker(service))
    if args.verbose:
        for s in scores:
            print(f"  {s.ndcg:.3f} {s.mrr:.3f} {s.recall:.3f}  {s.query}")
    print(f"nDCG@10:   {means['ndcg@10']:.3f}")
    print(f"MRR:       {means['mrr']:.3f}")
    print(f"Recall@10: {means['recall@10']:.3f}")
    if args.labels:
        accuracy, details = label_accuracy(load_json(args.labels), phrase_finder(service))
        if args.verbose:
            for row in details:
                print(f"  {row}")
        print(f"label accuracy: {accuracy:.3f}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Crawl (when asked), then an incremental build: only new, changed and removed documents are processed."""
    from .reindex import run_reindex

    if not Path(args.corpus).is_dir():
        print(f"error: corpus directory {args.corpus} does not exist", file=sys.stderr)
        return 2
    return run_reindex(args)


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl a website into the corpus folder: one line per URL, then a summary."""
    from indexer.ingest.crawl import CrawlError, CrawlPolicy, crawl
    from indexer.ingest.crawl.policy import EVENT_LABELS

    # Options left out keep CrawlPolicy's defaults (imported here: `requests` slows every command).
    given = {"max_pages": args.max_pages, "delay_seconds": args.delay, "timeout_seconds": args.timeout,
             "max_bytes": None if args.max_file_mb is None else int(args.max_file_mb * 1024 * 1024)}
    limits = {name: value for name, value in given.items() if value is not None}
    if any(value < 0 or (value == 0 and name != "delay_seconds") for name, value in limits.items()):
        print("error: --max-pages, --max-file-mb and --timeout must be positive, --delay at least 0", file=sys.stderr)
        return 2

    def show(event: str, url: str, detail: str) -> None:
        print(f"{EVENT_LABELS[event]:<13} {url}  {detail}".rstrip(), flush=True)

    try:
        report = crawl([args.url], Path(args.corpus), sitemaps=args.sitemap or (), policy=CrawlPolicy(**limits),
                       progress=show)
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """What searchers looked for and missed, from the query log."""
    import sqlite3

    from .querylog import QueryLog

    path = args.query_log or default("QUERY_LOG")
    if not path or not Path(path).is_file():
        print(f"error: no query log at '{path}' / geen zoeklogboek op '{path}'. Set KENNISBANK_QUERY_LOG "
              f"(or --query-log) to the file the server logs to.", file=sys.stderr)
        return 2
    if not 1 <= args.days <= 3650 or args.limit < 1:
        print("error: --days must be 1 to 3650 and --limit at least 1 / --days moet 1 tot en met 3650 zijn "
              "en --limit minstens 1", file=sys.stderr)
        return 2
    try:
        report = QueryLog(path, days=int(default("QUERY_LOG_DAYS"))).report(args.days, args.limit)
    except sqlite3.Error as exc:
        print(f"error: '{path}' is not a readable query log / geen leesbaar zoeklogboek: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"{report['searches']} zoekopdrachten in {report['days']} dagen, {report['distinct_queries']} verschillende")
    for key, heading in (("frequent", "Meest gezocht"), ("zero_results", "Zonder resultaten"),
                         ("not_opened", "Resultaten die niemand opende")):
        print(f"\n{heading}:")
        for row in report[key] or [{"query": "(geen)", "count": "", "average_results": ""}]:
            print(f"  {row['count']:>5}  {row['query']}" + (f"  ({row['average_results']} resultaten)"
                                                           if row["average_results"] != "" else ""))
    print("\nGebruikte filters:")
    for facet, values in report["filters"].items():
        print(f"  {facet}: " + ", ".join(f"{value} ({count})" for value, count in values.items()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the index as another engine's index body, bulk file and search template (docs/scaling.md)."""
    from indexer.search import IndexMissing

    from .export import export_opensearch

    try:
        summary = export_opensearch(args.index, Path(args.out), name=args.name)
    except IndexMissing as problem:
        say_no_index(args.index, problem)
        return 2
    print(f"sections:  {summary.sections}")
    print(f"compound parts: {summary.parts} of {summary.parts_total}; stem repairs: {summary.stem_rules}; "
          f"acronyms: {summary.acronyms}")
    for path in summary.files:
        print(f"  {path}")
    return 0


def add_build_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `index` and `reindex`: where, per-file limits, the shrink guard."""
    p.add_argument("--corpus", default=default("CORPUS_DIR"))
    p.add_argument("--index", default=default("INDEX_DIR"))
    p.add_argument("--max-file-mb", type=float, default=Limits().max_bytes / 1024 / 1024,
                   help="skip (and report) files larger than this")
    p.add_argument("--max-file-seconds", type=float, default=Limits().max_seconds,
                   help="skip (and report) files whose reading takes longer than this")
    p.add_argument("--max-shrink", type=float, default=MAX_SHRINK,
                   help="refuse a build that drops more than this share of the live index's documents")
    p.add_argument("--allow-shrink", action="store_true", help="build even if documents would be dropped")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kennisbank", description="Kennisbank search: index, serve, search, eval.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build the index of a corpus from scratch")
    add_build_options(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("reindex", help="fetch what was published (optional), then process only what changed")
    add_build_options(p)
    p.add_argument("--crawl", action="append", metavar="URL", help="crawl this site first (repeatable)")
    p.add_argument("--fetch", action="append", metavar="URL", help="fetch just this page first (repeatable)")
    p.add_argument("--remove", action="append", metavar="URL", help="remove this page's document (repeatable)")
    p.add_argument("--crawl-delay", type=float, default=1.0, metavar="SECONDS",
                   help="pause between two requests to one host while crawling")
    p.add_argument("--block-private-networks", action="store_true",
                   help="refuse URLs that resolve to loopback or private addresses (the publish hook sets this)")
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="wait this long for a running build instead of refusing at once")
    p.add_argument("--job-file", help="write progress and outcome as JSON here (the publish hook reads it)")
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("crawl", help="fetch a website's pages and documents into the corpus folder")
    p.add_argument("url", help="the start page; the crawl stays on its host")
    p.add_argument("--sitemap", action="append", metavar="URL", help="read this sitemap too (repeatable)")
    p.add_argument("--max-pages", type=int, help="fetch at most this many URLs (default 500)")
    p.add_argument("--corpus", default=default("CORPUS_DIR"))
    p.add_argument("--delay", type=float, metavar="SECONDS",
                   help="pause between two requests to the site (default 1; a larger robots.txt Crawl-delay wins)")
    p.add_argument("--max-file-mb", type=float, help="skip (and report) responses larger than this (default 50)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="skip (and report) responses that take longer than this (default 60)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("serve", help="serve the search page and JSON API")
    p.add_argument("--index", default=default("INDEX_DIR"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, help="threads per worker process (default: the THREADS setting, 4)")
    p.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                   help="worker processes sharing the port (searching is CPU work: one core per process)")
    p.add_argument("--help-settings", action="store_true", help="print the settings table with help and exit")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("search", help="search from the command line")
    p.add_argument("query")
    p.add_argument("--index", default=default("INDEX_DIR"))
    for spec in FACETS:
        p.add_argument(f"--{spec.name}", action="append", help=f"filter on {spec.label} (repeatable)")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("report", help="what searchers looked for and missed (the query log)")
    p.add_argument("--query-log", help="the SQLite query log (default: KENNISBANK_QUERY_LOG)")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("eval", help="measure search quality on judged queries")
    p.add_argument("--queries", required=True)
    p.add_argument("--labels")
    p.add_argument("--index", default=default("INDEX_DIR"))
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("export", help="write the index as an OpenSearch index body, bulk NDJSON and search template")
    p.add_argument("--format", required=True, choices=["opensearch"])
    p.add_argument("--index", default=default("INDEX_DIR"))
    p.add_argument("--out", required=True, help="folder for mapping.json, sections.ndjson, search-template.json")
    p.add_argument("--name", default="kennisbank", help="the index name in the bulk file's action lines")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `kennisbank` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
