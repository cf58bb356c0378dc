"""The bulk segment writer writes the files Whoosh's own SegmentWriter writes for the same documents:
byte for byte when it pickles and compresses every block as Whoosh does, and read back the same with
its own choices (a newer pickle protocol, short blocks uncompressed)."""
from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import TEXT, Schema
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer.analysis import Decompounder
from indexer.ingest import bulk_writer
from indexer.ingest.build import section_fields, word_parts
from indexer.ingest.bulk_writer import BulkSegmentWriter
from indexer.ingest.pipeline import ingest_files
from indexer.schema import bind_lexicon, build_schema
from indexer.search.postings import PostingList

from .conftest import CORPUS


def write(root, decompounder, documents, writer_class):
    """Write the documents into one segment of a new index with the given writer; its files by name."""
    root.mkdir()
    whoosh_index.create_in(str(root), build_schema(decompounder))
    writer = writer_class(whoosh_index.open_dir(str(root)))
    bind_lexicon(writer.schema, decompounder)
    for fields in documents:
        writer.add_document(**fields)
    if isinstance(writer, BulkSegmentWriter):
        segment = writer.finish()
    else:
        segment = writer._finalize_segment()
        writer._finish()
    WRITTEN[root] = segment
    return segment_files(root, segment)


WRITTEN: dict = {}      # index folder -> the (uncommitted) segment written there


def segment_files(root, segment) -> dict[str, bytes]:
    """The files inside a compound segment, named without the segment's random id."""
    storage = segment.open_compound_file(whoosh_index.open_dir(str(root)).storage)
    files = {}
    for name in storage.list():
        with storage.open_file(name) as handle:
            files[name.replace(segment.segment_id(), "")] = handle.read()
    return files


def whoosh_writer(ix):
    return SegmentWriter(ix, _lk=False)


def as_whoosh_writes(ix):
    return BulkSegmentWriter(ix, raw_below=0, protocol=2)


@pytest.fixture(scope="module")
def seeds():
    done = ingest_files(CORPUS)
    return [section_fields(s) for s in done.sections], Decompounder(word_parts(done, None)["parts"])


def assert_same_files(ours: dict[str, bytes], whoosh: dict[str, bytes]) -> None:
    assert sorted(ours) == sorted(whoosh)
    assert {".pst", ".trm", "._stored.col", "._text_len.col", ".year.col"} <= set(whoosh)
    for name in whoosh:
        assert ours[name] == whoosh[name], name


def test_the_seed_sections_give_whoosh_s_files_byte_for_byte(tmp_path, seeds):
    documents, decompounder = seeds
    whoosh = write(tmp_path / "whoosh", decompounder, documents, whoosh_writer)
    ours = write(tmp_path / "bulk", decompounder, documents, as_whoosh_writes)
    assert len(whoosh[".pst"]) > 100_000
    assert_same_files(ours, whoosh)


def test_postings_cut_into_small_chunks_give_the_same_files(tmp_path, seeds, monkeypatch):
    documents, decompounder = seeds
    monkeypatch.setattr(bulk_writer, "CHUNK_POSTINGS", 5)      # many chunks, and terms longer than one
    whoosh = write(tmp_path / "whoosh", decompounder, documents[:150], whoosh_writer)
    assert_same_files(write(tmp_path / "bulk", decompounder, documents[:150], as_whoosh_writes), whoosh)


def test_long_posting_lists_compound_parts_and_odd_fields(tmp_path):
    """Terms in more than one block (128 postings), compound parts (weight 0.5), repeats, empty values."""
    decompounder = Decompounder({"woning": 50, "inbraak": 40, "zorg": 30, "mijding": 5})
    documents = []
    for n in range(300):
        text = " ".join(["woninginbraak"] * (n % 4) + ["zorgmijding", "de", "het", "woning", str(n)])
        documents.append(dict(id=f"s{n}", doc_id=f"d{n // 7}", title="" if n % 5 else "Woninginbraak en zorg",
                              doc_title="Een verslag", text=text if n % 9 else "de het een", theme="zorg",
                              type="factsheet", organisation="Politie", year=2000 + n % 3, position=n, meta={}))
    whoosh = write(tmp_path / "whoosh", decompounder, documents, whoosh_writer)
    ours = write(tmp_path / "bulk", decompounder, documents, as_whoosh_writes)
    assert_same_files(ours, whoosh)
    postings = postings_of(tmp_path / "bulk", "text", "woning")
    assert len(postings) > 256 and any(weight % 1 for _, weight in postings)     # three blocks, part weights


def postings_of(root, field: str, text: str) -> list[tuple[int, float]]:
    """(document, weight) of a term's postings in a written, uncommitted segment, read by Whoosh."""
    ix = whoosh_index.open_dir(str(root))
    reader = SegmentReader(ix.storage, ix.schema, WRITTEN[root])
    matcher, found = reader.postings(field, text), []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    reader.close()
    return found


def test_the_writer_s_own_blocks_read_back_as_whoosh_s_own(tmp_path, seeds):
    """Protocol 4 pickles and short blocks left uncompressed: the same terms, postings and statistics."""
    documents, decompounder = seeds
    whoosh = write(tmp_path / "whoosh", decompounder, documents, whoosh_writer)
    ours = write(tmp_path / "bulk", decompounder, documents, BulkSegmentWriter)
    assert len(ours[".pst"]) < 0.7 * len(whoosh[".pst"])       # value bytes as they are (0.625 of the size)
    assert {name: data for name, data in ours.items() if name not in (".pst", ".trm")} == \
           {name: data for name, data in whoosh.items() if name not in (".pst", ".trm")}
    theirs, mine = (read_back(tmp_path / kind) for kind in ("whoosh", "bulk"))
    assert len(mine) > 3000 and mine == theirs
    (raw_theirs, blocks_theirs), (raw_mine, blocks_mine) = (search_side_blocks(tmp_path / kind)
                                                            for kind in ("whoosh", "bulk"))
    assert raw_mine > len(blocks_mine) / 3 and raw_theirs == 0             # 48% of the seeds' blocks
    assert blocks_mine == blocks_theirs


def read_back(root) -> dict:
    """Every term of a written segment as Whoosh reads it: statistics, and each posting's id, weight, value."""
    ix = whoosh_index.open_dir(str(root))
    reader = SegmentReader(ix.storage, ix.schema, WRITTEN[root])
    terms = {}
    for field, text in reader.all_terms():
        info = reader.term_info(field, text)
        matcher, postings = reader.postings(field, text), []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        terms[field, text] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                              info.max_weight(), info.min_id(), info.max_id(), postings)
    reader.close()
    return terms


def search_side_blocks(root) -> tuple[int, list]:
    """How many posting blocks of a written segment are stored uncompressed, and every block as
    the search side's reader (indexer/search/postings.py) decodes it."""
    ix = whoosh_index.open_dir(str(root))
    reader = SegmentReader(ix.storage, ix.schema, WRITTEN[root])
    raw, blocks = 0, []
    for field, text in reader.all_terms():
        posting_list = PostingList(reader, field, text)
        raw += sum(1 for _, _, compression in posting_list.extents if not compression)
        for number in range(len(posting_list)):
            ids, weights, values = posting_list.block(number)
            blocks.append((ids.tolist(), weights.tolist(), values))
    reader.close()
    return raw, blocks


def test_fields_it_cannot_write_are_refused(tmp_path):
    whoosh_index.create_in(str(tmp_path), Schema(body=TEXT(vector=True)))
    with pytest.raises(ValueError):
        BulkSegmentWriter(whoosh_index.open_dir(str(tmp_path)))


class Codec:
    """The W3 codec settings TermEncoder reads: Whoosh's defaults."""
    _inlinelimit, _blocklimit, _compression = 1, 128, 3


@pytest.mark.parametrize("weight", [1.0, 0.5, 3.0, 0.1, 1 / 3, 1e-3, 0.0, 123456.789])
@pytest.mark.parametrize("length", [0, 1, 7, 500])
@pytest.mark.parametrize("value", [b"", b"\x01\x02", bytes(range(60))], ids=["no-value", "short", "compressed"])
def test_a_term_in_one_document_is_encoded_as_the_general_path_encodes_one_block(weight, length, value):
    from indexer.ingest.posting_blocks import MAGIC, TermEncoder, TermStatistics

    for raw_below, protocol in ((0, 2), (48, 4)):
        encoder = TermEncoder(Codec(), None, [5, length, 9], raw_below, protocol)
        general = TermStatistics()
        block = encoder.block([1], [weight], [value], True, general)
        data, statistics = encoder.encode([1], [weight], [value])
        assert data == b"".join((MAGIC, *block))
        assert vars(statistics) == vars(general)
