"""dedupe: the PDF and the digital edition of one report give one copy of each section."""
import random
from collections import Counter
from itertools import combinations

from indexer.ingest.dedupe import (DOCUMENT_OVERLAP, MAX_HOLDERS, MIN_RELIABLE_SAMPLE, containment, duplicate_pairs,
                                   hashed_containment, pairs_to_compare)
from indexer.ingest.shingles import shingle_hashes, shingles
from indexer.ingest.learn import section_words, word_totals
from indexer.ingest.pipeline import ingest_corpus, ingest_files

from .conftest import CORPUS


def test_duplicate_report_keeps_the_cleaner_copy_and_remembers_the_other():
    docs, sections, report = ingest_corpus(CORPUS)
    by_doc = {}
    for s in sections:
        by_doc.setdefault(s.doc_id, []).append(s)
    assert report.duplicates_folded >= 10
    digital, pdf = by_doc["var-jaarverslag-2024"], by_doc["var-jaarverslag-2024-pdf"]
    assert len(pdf) < 5 < len(digital)
    folded = [i for s in digital for i in s.also_in]
    assert folded and all(i.startswith("var-jaarverslag-2024-pdf--") for i in folded)
    # the cover letter exists only in the PDF copy, so it stays
    assert any("Geachte heer, mevrouw" in s.text for s in pdf)
    # one copy of a passage that both editions contain
    assert sum("Themadiner polarisatie voor bestuurders" in s.text for s in sections) == 1


def test_the_vocabulary_counts_each_kept_section_once_and_folded_ones_not_at_all():
    done = ingest_files(CORPUS)
    assert done.report.duplicates_folded >= 10
    kept = Counter(word for section in done.sections for word in section_words(section))
    assert done.words == kept
    assert word_totals(done.lessons) != kept           # the folded sections would count twice


def reference_pairs(samples: dict[str, frozenset[int]], fresh: set[str]) -> set[tuple[str, str]]:
    """The rule spelled out pair by pair: a pair with a fresh document that shares a sample value held
    by at most MAX_HOLDERS documents, whose samples overlap enough (or are too small to tell)."""
    holders = Counter(value for sample in samples.values() for value in sample)
    found = set()
    for a, b in combinations(sorted(samples), 2):
        if not (a in fresh or b in fresh):
            continue
        common = samples[a] & samples[b]
        if not any(holders[value] <= MAX_HOLDERS for value in common):
            continue
        smaller = min(len(samples[a]), len(samples[b]))
        if smaller < MIN_RELIABLE_SAMPLE or len(common) / smaller >= DOCUMENT_OVERLAP - 0.1:
            found.add((a, b))
    return found


def synthetic_samples(pick: random.Random) -> dict[str, frozenset[int]]:
    """Samples of 160 documents: families of copies, boilerplate values in more than MAX_HOLDERS
    documents (which alone can carry a pair over the line), values held by exactly MAX_HOLDERS and
    MAX_HOLDERS + 1 documents, random overlaps, and samples too small to be reliable."""
    docs = [f"d{n:03}" for n in range(160)]
    samples = {doc: set(pick.sample(range(10_000, 13_000), pick.randint(25, 60))) for doc in docs}
    for family in range(8):                               # copies: most of a base sample, some noise
        base = pick.sample(range(20_000 + 1000 * family, 20_500 + 1000 * family), 40)
        for doc in docs[family * 6:family * 6 + 4]:
            samples[doc] |= set(pick.sample(base, pick.randint(20, 40)))
    for value in range(30):                               # boilerplate
        for doc in pick.sample(docs, pick.randint(MAX_HOLDERS + 1, 150)):
            samples[doc].add(value)
    for value, holders in ((100, MAX_HOLDERS), (101, MAX_HOLDERS + 1)):
        for doc in pick.sample(docs, holders):
            samples[doc].add(value)
    for doc in docs[-10:]:                                # too small to tell
        samples[doc] = set(pick.sample(range(10_000, 10_300), pick.randint(1, MIN_RELIABLE_SAMPLE - 1)))
    return {doc: frozenset(sample) for doc, sample in samples.items()}


def test_pairs_to_compare_follows_the_pairwise_rule_for_every_pair():
    pick = random.Random(7)
    for _ in range(3):
        samples = synthetic_samples(pick)
        for fresh in (set(samples), set(pick.sample(sorted(samples), 40)), {"d001"}, set()):
            expected = reference_pairs(samples, fresh)
            assert {tuple(sorted(pair)) for pair in pairs_to_compare(samples, fresh)} == expected
    # the data exercises what could go wrong: pairs that boilerplate carries over the line, small samples
    expected = reference_pairs(samples, set(samples))
    holders = Counter(value for sample in samples.values() for value in sample)
    smaller = {pair: min(len(samples[pair[0]]), len(samples[pair[1]])) for pair in expected}
    rare = {pair: sum(holders[v] <= MAX_HOLDERS for v in samples[pair[0]] & samples[pair[1]]) for pair in expected}
    assert any(rare[p] / smaller[p] < DOCUMENT_OVERLAP - 0.1 for p in expected if smaller[p] >= MIN_RELIABLE_SAMPLE)
    assert any(smaller[p] < MIN_RELIABLE_SAMPLE for p in expected) and len(expected) > 100


def test_a_value_in_more_than_max_holders_documents_does_not_make_a_pair():
    shared_by_all = {f"d{n}": frozenset({1, 2}) for n in range(MAX_HOLDERS + 1)}
    assert pairs_to_compare(shared_by_all, set(shared_by_all)) == []
    shared_by_max = {f"d{n}": frozenset({1}) for n in range(MAX_HOLDERS)}
    assert len(pairs_to_compare(shared_by_max, {"d0"})) == MAX_HOLDERS - 1


def test_hashed_shingles_overlap_exactly_as_the_word_tuples_do():
    _, sections, _ = ingest_corpus(CORPUS)
    texts = [s.text for s in sections[:40]]
    hashed = [shingle_hashes(text) for text in texts]
    grams = [shingles(text) for text in texts]
    for a, b in combinations(range(len(texts)), 2):
        assert len(hashed[a]) == len(grams[a])
        assert hashed_containment(hashed[a], hashed[b]) == containment(grams[a], grams[b])


def test_a_changed_document_is_compared_again_with_the_unchanged_ones():
    docs, _, _ = ingest_corpus(CORPUS)
    pairs, verdicts = duplicate_pairs(docs)
    assert any(verdicts.copies.values())
    changed = "var-jaarverslag-2024-pdf"
    keys = {d.meta.doc_id: d.meta.doc_id + ("@2" if d.meta.doc_id == changed else "") for d in docs}
    again, later = duplicate_pairs(docs, keys=keys, previous=verdicts)
    assert again == pairs
    renamed = {tuple(sorted(keys[doc_id] for doc_id in pair)): copies for pair, copies in verdicts.copies.items()}
    assert later.copies == renamed


def test_folded_words_are_the_runs_of_letters_and_digits_of_the_folded_text():
    """folded_words splits with bytes.translate, not a regex: the same words as the regex finds."""
    import re

    from indexer.ingest.shingles import folded_words
    from indexer.text_utils import fold

    pick = random.Random(8)
    pieces = ["a", "Z", "0", "9", " ", "\n", "é", "ë", "€", "ß", "-", "'", "_", "İ", "ﬁ", "\ud800", "aa1"]
    for _ in range(3000):
        text = "".join(pick.choice(pieces) for _ in range(pick.randint(0, 20)))
        assert folded_words(text) == re.findall(r"[a-z0-9]+", fold(text)), repr(text)


def test_many_texts_are_hashed_on_two_cores_as_on_one(monkeypatch):
    """hash_texts gives the second half to a forked process: the same arrays, in the same order."""
    from indexer.ingest import shingles

    pick = random.Random(5)
    words = [f"woord{n}" for n in range(400)]
    texts = [" ".join(pick.choice(words) for _ in range(pick.randrange(0, 300))) for _ in range(260)]
    forks = []
    real_beside = shingles.worked_out_beside
    monkeypatch.setattr(shingles, "worked_out_beside", lambda *args, **named: forks.append(args) or real_beside(*args, **named))
    assert len(texts) >= shingles.PARALLEL_HASHING_FROM
    both = shingles.hash_texts(texts)
    assert len(forks) == 1 and len(both) == len(texts)
    assert all((a == b).all() and len(a) == len(b) for a, b in zip(both, map(shingle_hashes, texts)))
    few = shingles.hash_texts(texts[:5])
    assert len(forks) == 1 and len(few) == 5                  # few texts: hashed here, no fork


def test_a_copy_with_a_paragraph_of_its_own_keeps_it_searchable_and_a_plain_copy_folds(tmp_path):
    """Copies fold section by section; a section holding a passage the kept copy lacks (a paragraph
    added to a later edition) stays, so its words are still found. A copy without one folds."""
    from indexer.ingest.build import build_index
    from indexer.search import SearchService
    from .support import api_search

    body = ("Buurtbemiddeling helpt buren die ruzie hebben over geluid, parkeren of de tuin. Een getrainde "
            "vrijwilliger praat met beide partijen en zoekt samen met hen naar een oplossing die werkt. "
            "Gemeenten, woningcorporaties en politie verwijzen buren door wanneer een conflict dreigt te "
            "escaleren. In de meeste gevallen lukt het om afspraken te maken die beide buren nakomen. ") * 3
    added = ("In Zwartewaterland begon wethouder Pietersma een proef met bemiddelaars die ook 's avonds "
             "langskomen, omdat veel ruzies pas na het avondeten oplopen en overdag niemand thuis is.")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "handreiking.txt").write_text(f"Handreiking buurtbemiddeling\n\n{body}\n", encoding="utf-8")
    revised = "\u2022 " + body         # an OCR bullet, which normalisation repairs: the less clean copy
    (corpus / "handreiking-herzien.txt").write_text(f"Handreiking buurtbemiddeling\n\n{revised}\n\n{added}\n",
                                                    encoding="utf-8")
    (corpus / "handreiking-kopie.txt").write_text(f"Handreiking buurtbemiddeling\n\n{body}\n", encoding="utf-8")
    report = build_index(corpus, tmp_path / "ix")
    assert report.documents == 3 and report.duplicates_folded == 1      # the plain copy, not the revision
    assert report.sections_per_document.pop("handreiking-herzien-txt") == 1
    assert list(report.sections_per_document.values()) == [1]          # one of the two identical copies
    svc = SearchService(tmp_path / "ix")
    assert api_search(svc, "Pietersma")["total"] == 1
    assert api_search(svc, "Zwartewaterland")["total"] == 1
    svc.close()
