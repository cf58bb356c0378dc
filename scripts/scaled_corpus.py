"""Scaled corpora for benchmarks: the seed sections recombined and perturbed, with a fixed random seed.

Each generated Markdown document holds ten seed sections under their headings, with a tenth
of the words swapped for invented variants (so the vocabulary grows with the corpus, as a
real one does), a year and an organisation of its own.

    python scripts/scaled_corpus.py --sections 10000 --out /tmp/corpus-10k
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECTIONS_PER_DOCUMENT = 10
SYLLABLES = ("ka", "lo", "mer", "zon", "ve", "dri", "pa", "tel", "bos", "wijk", "hof", "stad", "ring", "de")
ORGANISATIONS = ("VeiligheidsAlliantie regio Rotterdam", "Veiligheidscoalitie Midden-Nederland",
                 "RIEC Rotterdam", "Gemeente Schiedam", "Politie eenheid Rotterdam")


def seed_sections(corpus: Path) -> list[tuple[str, str]]:
    """(title, text) of every section the ingester makes of the seed corpus."""
    from indexer.ingest.pipeline import ingest_corpus

    _, sections, _ = ingest_corpus(corpus)
    return [(s.title, s.text) for s in sections if len(s.text) > 200]


def perturb(text: str, pick: random.Random) -> str:
    """Swap about a tenth of the longer words for an invented variant (a new vocabulary word)."""
    def swap(match: re.Match) -> str:
        word = match.group()
        if pick.random() < 0.1:
            return word + "".join(pick.choices(SYLLABLES, k=2))
        return word
    return re.sub(r"\b[a-z]{6,}\b", swap, text)


def write_scaled_corpus(out: Path, sections: int, seed_corpus: Path = Path("corpus"), seed: int = 7) -> int:
    """Write about ``sections`` sections as Markdown documents into ``out``; returns the number of files."""
    pick = random.Random(seed)
    pool = seed_sections(seed_corpus)
    out.mkdir(parents=True, exist_ok=True)
    files = max(1, sections // SECTIONS_PER_DOCUMENT)
    for number in range(files):
        year = pick.randint(2015, 2026)
        organisation = pick.choice(ORGANISATIONS)
        chosen = pick.sample(pool, SECTIONS_PER_DOCUMENT)
        body = "\n\n".join(f"## {title}\n\n{perturb(text, pick)}" for title, text in chosen)
        (out / f"document-{number:05}.md").write_text(
            f"# Verslag {number} van {organisation} {year}\n\n{body}\n", encoding="utf-8")
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=1000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed-corpus", default="corpus")
    args = parser.parse_args()
    print(write_scaled_corpus(Path(args.out), args.sections, Path(args.seed_corpus)), "files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
