"""A term's postings read from Whoosh's segments a block at a time, scored with numpy.

Whoosh's matchers hand out one posting per Python call and score it with three more, and read
each block header with a dozen small file reads, so decoding a common word of a 50,000-section
index took tens of milliseconds. Here a term's posting list is one read, its blocks are
unpickled into arrays, and every posting's score is the formula of Whoosh's ``BM25FScorer``
applied to arrays, operation for operation, so each score is bit for bit the float Whoosh
computes (``tests/test_postings.py``). Anything this module does not recognise (another
codec or scorer, a posting without a field length) is left to Whoosh's matcher.

Phrases need positions: ``values`` reads them only for the sections whose phrase is checked,
and ``follow`` decides a match exactly as Whoosh's ``SpanNear2`` does for a phrase.
"""
from __future__ import annotations

import bisect
import io
import pickle
import threading
import zlib

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermsReader, _lenfield
from whoosh.query import Term
from whoosh.scoring import BM25FScorer
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

# Whoosh keeps a field's length in a section as one byte; the length each byte stands for
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
NO_POSTINGS = (np.zeros(0, dtype=np.int32), np.zeros(0))


class Unrecognised(Exception):
    """The fast path does not apply here: Whoosh's matcher does it."""


def segments(searcher) -> list[tuple[object, int]]:
    """(searcher of one segment, number of its first section) for each segment, in order."""
    return [(searcher, 0)] if searcher.is_atomic() else list(searcher.subsearchers)


class PostingList:
    """One segment's posting list of a term as Whoosh's W3 codec writes it, cut into its blocks
    (deleted sections included: Whoosh skips them with a wrapper, callers here mask them).

    On disk: a tag, then per block its byte length (negative for the last one), a pickled
    header (count, last id, top weight, compression, length bytes) and its pickled, maybe
    compressed postings (ids as gaps, weights, encoded values). A posting list of one posting
    is kept inside the term's entry instead. A block is unpickled only when asked for."""

    def __init__(self, reader, field: str, text: str):
        terms = getattr(reader, "_terms", None)
        if type(terms) is not W3TermsReader:
            raise Unrecognised(type(terms).__name__)
        info = reader.term_info(field, text)
        if info.is_inlined():
            ids, weights, values = info.inlined_postings()
            self.inlined = (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64), values)
            self.last_ids = self.inlined[0][-1:]
            return
        self.inlined = None
        offset, length = info.extent()
        (length,) = length if isinstance(length, tuple) else (length,)   # from_bytes leaves it in a 1-tuple
        self.raw = terms._postfile.get(offset, length)
        if self.raw[:len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
            raise Unrecognised("no W3 block tag")
        self.extents, self.last_ids = self.cut(self.raw)

    @staticmethod
    def cut(raw: bytes) -> tuple[list[tuple[int, int, int]], np.ndarray]:
        """Per block (start and end of its postings, compression), and each block's last id."""
        extents, last_ids = [], []
        stream = io.BytesIO(raw)
        at = len(WHOOSH3_HEADER_MAGIC)
        while at < len(raw):
            (length,) = unpack_int(raw[at:at + _INT_SIZE])
            stream.seek(at + _INT_SIZE)
            _, last_id, _, compression, _, _ = pickle.load(stream)
            at += _INT_SIZE + abs(length)
            extents.append((stream.tell(), at, compression))
            last_ids.append(last_id)
            if length < 0:
                break
        if at != len(raw) or length >= 0:
            raise Unrecognised("a posting list that does not end with its last block")
        return extents, np.asarray(last_ids, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.last_ids)

    def block(self, number: int) -> tuple[np.ndarray, np.ndarray, tuple]:
        """(ids, weights, encoded values) of one block, as ``W3LeafMatcher`` reads them."""
        if self.inlined is not None:
            return self.inlined
        start, end, compression = self.extents[number]
        data = self.raw[start:end]
        ids, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
        ids = np.cumsum(np.asarray(ids, dtype=np.int64))      # stored as gaps (the first one whole)
        if weights is None:                                    # every weight 1.0
            weights = np.ones(len(ids))
        elif isinstance(weights, float):                       # one weight for all, kept as a float32
            weights = np.full(len(ids), np.float32(weights), dtype=np.float64)
        else:
            weights = np.asarray(weights, dtype=np.float64)
        return ids, weights, values


class FieldLengths:
    """Each section's length in each field as Whoosh stores it (one byte), read once per generation."""

    def __init__(self):
        self.bytes: dict[tuple[int, str], np.ndarray] = {}
        self.lock = threading.Lock()

    def of(self, number: int, reader, field: str) -> np.ndarray:
        """The length bytes of ``field`` for every section of segment ``number`` (``reader``)."""
        key = (number, field)
        if key not in self.bytes:
            values = read_length_bytes(reader, field)
            with self.lock:
                self.bytes.setdefault(key, values)
        return self.bytes[key]


def read_length_bytes(reader, field: str) -> np.ndarray:
    """W3's length column of a field: one byte per section, read in one piece (zero: no length)."""
    count = reader.doc_count_all()
    try:
        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    except AttributeError as exc:
        raise Unrecognised("no W3 length column") from exc
    values = np.zeros(count, dtype=np.uint8)
    if column is None:
        return values
    if column._fixedlen != 1:
        raise Unrecognised("length column")
    stored = min(column._count, count)
    values[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return values


def decode(searcher, lengths: FieldLengths, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(section numbers, Whoosh's score of the term in each) over all segments, deleted ones included."""
    if (field, text) not in searcher.reader():
        return NO_POSTINGS
    try:
        parts = [decode_segment(searcher, sub, number, offset, lengths, field, text)
                 for number, (sub, offset) in enumerate(segments(searcher)) if (field, text) in sub.reader()]
    except Unrecognised:
        return decode_slowly(searcher, field, text)
    return np.concatenate([p[0] for p in parts]).astype(np.int32), np.concatenate([p[1] for p in parts])


def decode_segment(searcher, sub, number: int, offset: int, lengths: FieldLengths,
                   field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings of a term, each scored as ``BM25FScorer._score`` scores it."""
    scorer = searcher.weighting.scorer(sub, field, text)
    if type(scorer) is not BM25FScorer:
        raise Unrecognised(type(scorer).__name__)
    posting_list = PostingList(sub.reader(), field, text)
    ids, tf, _ = zip(*(posting_list.block(n) for n in range(len(posting_list))))
    ids, tf = np.concatenate(ids), np.concatenate(tf)
    length_bytes = lengths.of(number, sub.reader(), field)[ids]
    if not length_bytes.all():           # Whoosh would score with a length of None: leave it to Whoosh
        raise Unrecognised("a posting without a field length")
    fl = BYTE_LENGTHS[length_bytes]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # whoosh.scoring.bm25(idf, tf, fl, avgfl, B, K1): the same operations in the same order
    scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    return ids + offset, scores


def decode_slowly(searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term with Whoosh's score for each, one matcher call at a time."""
    matcher = Term(field, text).matcher(searcher)
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(scores, dtype=np.float64)


def values(searcher, field: str, word: str, docnums: np.ndarray) -> dict[int, bytes]:
    """The encoded posting of ``word`` in ``field`` (its positions) for each of the (sorted) sections
    ``docnums`` that hold it; only the blocks holding them are unpickled."""
    found: dict[int, bytes] = {}
    for sub, offset in segments(searcher):
        reader = sub.reader()
        local = docnums[(docnums >= offset) & (docnums < offset + reader.doc_count_all())] - offset
        if not len(local) or (field, word) not in reader:
            continue
        try:
            pairs = list(block_values(PostingList(reader, field, word), local))
        except Unrecognised:
            pairs = matcher_values(reader.postings(field, word), local)
        found.update((docnum + offset, value) for docnum, value in pairs)
    return found


def position_decoder(searcher, field: str):
    """The function that turns an encoded posting of ``field`` into its list of positions."""
    return searcher.schema[field].format.decoder("positions")


def block_values(posting_list: PostingList, wanted: np.ndarray):
    """(section, encoded posting value) for the ``wanted`` sections, unpickling only blocks that hold them."""
    blocks = np.searchsorted(posting_list.last_ids, wanted)     # the block each wanted id would be in
    for number in np.unique(blocks[blocks < len(posting_list)]):
        ids, _, values = posting_list.block(int(number))
        inside = wanted[blocks == number]
        where = np.searchsorted(ids, inside)
        for docnum, i in zip(inside.tolist(), where.tolist()):
            if i < len(ids) and ids[i] == docnum:
                yield docnum, values[i]


def matcher_values(matcher, wanted: np.ndarray):
    """(section, encoded posting value) for the ``wanted`` sections, through the matcher's own skipping."""
    for docnum in wanted.tolist():
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                return
        if matcher.id() == docnum:
            yield docnum, matcher.value()


def follow(ends: list[int], positions: list[int], slop: int) -> list[int]:
    """One step of Whoosh's ``SpanNear2`` match (ordered, mindist 1) for a phrase: where the next
    word stands at most ``slop`` positions after a span that ends at one of ``ends`` (sorted).

    Whoosh grows spans word by word; a span ending at ``e`` grows by a position ``q`` of the next
    word exactly when ``e < q <= e + slop``, and its start never matters again, so following the
    positions where a span can end decides the match (the phrase matches where some remain)."""
    reached = []
    for q in positions:
        before = bisect.bisect_left(ends, q)          # ends strictly before q
        if before and q - ends[before - 1] <= slop:
            reached.append(q)
    return reached


def tree_sum(values: list):
    """A sum in the order of Whoosh's intersection of a phrase's words (``make_binary_tree``);
    of floats, or of arrays element by element."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])
