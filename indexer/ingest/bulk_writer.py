"""A segment writer for whole builds: Whoosh's own segment files, with the postings sorted in numpy.

Whoosh's ``SegmentWriter`` sends every posting through Python one at a time: a tuple into a
pool with a size estimate, a sort of all tuples, then four calls to write it (about 10 µs a
posting, most of a build). This writer keeps a segment's postings as arrays, sorts them once
in numpy, and hands Whoosh's W3 posting writer a whole block (up to 128 postings) at a time.
What reaches the disk is what ``SegmentWriter`` writes, byte for byte but for the postings
posting_blocks.py pickles with a newer protocol or leaves uncompressed (tests/test_bulk_writer.py
compares the files, and what Whoosh reads back from them). Whoosh's per-document writer does its
own writing; its term table's rows are written a chunk at a time (``add_rows``).
"""
from __future__ import annotations

import operator
import struct
import uuid
from array import array

import numpy as np
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from ..schema import DutchText
from .posting_blocks import BLOCK_PROTOCOL, RAW_BELOW, TermEncoder

CHUNK_POSTINGS = 1 << 16     # postings turned into Python objects at a time (bounds the writer's memory)


class BulkSegmentWriter(SegmentWriter):
    """Writes one new segment of an index from whole documents, for a build that commits it itself.

    Takes no lock (the caller holds the index, as in ``whoosh.multiproc``); documents are added
    with ``add_document`` as in Whoosh; ``finish()`` writes the segment and returns it.
    """

    def __init__(self, ix, raw_below: int = RAW_BELOW, protocol: int = BLOCK_PROTOCOL):
        super().__init__(ix, _lk=False)
        # raw_below=0 (every block compressed) and protocol=2: Whoosh's files byte for byte
        self.raw_below, self.protocol = raw_below, protocol
        # SegmentWriter deletes its temporary directory when it finishes; the per-document writers of
        # the other processes of a build keep their files in the shared one, so this writer uses its own
        self._tempstorage = self.storage.temp_storage(f"{self.indexname}.{uuid.uuid4().hex}.tmp")
        self.pool = None
        unsupported = [name for name, field in self.schema.items() if field.vector or field.separate_spelling()]
        if unsupported:
            raise ValueError(f"fields with vectors or separate spelling are not supported: {unsupported}")
        self.collectors = {name: collector_for(field) for name, field in self.schema.items() if field.indexed}
        self.lengths: dict[str, array] = {name: array("i") for name in self.collectors}

    def add_document(self, **fields) -> None:
        """Add one document: its stored values and columns now, its postings to the collectors."""
        if any(name.startswith("_") for name in fields):
            raise ValueError("per-document boosts and custom stored values are not supported")
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        for name in sorted(fields):              # Whoosh's order: the per-document files depend on it
            value, field = fields[name], self.schema[name]
            if value is None:
                continue
            length = 0
            if field.indexed:
                length = self.collectors[name].add(field, value, docnum)
                lengths = self.lengths[name]
                lengths.extend([0] * (docnum - len(lengths)))
                lengths.append(length)
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self):
        """Write the per-document files and the postings, assemble the segment; return it."""
        self.perdocwriter.close()
        for name in sorted(self.collectors):       # fields in name order, as Whoosh's sorted pool has them
            postings = self.collectors[name].postings(self.schema[name])
            if postings.terms:
                encoder = TermEncoder(self.fieldwriter._codec, self.schema[name].format.fixed_value_size(),
                                      self.approximate_lengths(name), self.raw_below, self.protocol)
                write_field(self.fieldwriter, name, self.schema[name], postings, encoder)
        self.fieldwriter.close()
        self._assemble_segment()
        segment = self.get_segment()
        self._finish()
        return segment

    def approximate_lengths(self, name: str) -> list[int | None]:
        """Per document, the field length as the segment stores it (one byte): what block statistics use."""
        lengths = self.lengths[name].tolist() + [0] * (self.docnum - len(self.lengths[name]))
        return [byte_to_length(code) if (code := length_to_byte(n)) else None for n in lengths]


def collector_for(field):
    """Where a field's postings are collected: per token for Dutch text, per term for the rest."""
    return TokenCollector() if isinstance(field, DutchText) else TermCollector()


class SortedPostings:
    """A field's postings in term-bytes, document order: ``terms[i]`` owns postings ``starts[i]:starts[i + 1]``
    of ``docs``, ``weights`` and ``values`` (the value bytes the field's format encodes)."""

    def __init__(self, terms: list[bytes], starts: np.ndarray, docs: np.ndarray, weights: np.ndarray, values):
        self.terms, self.starts, self.docs, self.weights, self.values = terms, starts, docs, weights, values


class TermCollector:
    """Postings of a field whose terms come from ``field.index`` (ids, numbers): a few per document."""

    def __init__(self):
        self.terms: list[bytes] = []
        self.docs, self.weights, self.values = array("i"), array("d"), []
        self.known: dict = {}

    def add(self, field, value, docnum: int) -> int:
        """Collect one document's terms; return the field length (0 for an unscored field)."""
        length = 0
        for text, freq, weight, encoded in self.terms_of(field, value):
            self.terms.append(text)
            self.docs.append(docnum)
            self.weights.append(weight * 1.0)    # SegmentWriter multiplies by the (default) field boost
            self.values.append(encoded)
            length += freq
        return length if field.scorable else 0

    def terms_of(self, field, value) -> list[tuple]:
        """``field.index(value)``, remembered per value when it has no value bytes (ids, numbers,
        facets recur; value bytes are left out: each posting needs an object of its own, see PositionValues)."""
        if not isinstance(value, (str, int)):
            return list(field.index(value))
        terms = self.known.get((type(value), value))
        if terms is None:
            terms = list(field.index(value))
            if not any(encoded for _, _, _, encoded in terms):
                self.known[type(value), value] = terms
        return terms

    def postings(self, field) -> SortedPostings:
        """The collected postings in term, document order."""
        numbers: dict[bytes, int] = {}
        term = np.array([numbers.setdefault(text, len(numbers)) for text in self.terms], dtype=np.int64)
        docs = np.frombuffer(self.docs, dtype=np.int32).astype(np.int64)
        order, first, terms, starts = group_postings(term, docs, list(numbers))
        if len(first) != len(order):
            raise ValueError("a field gave one document the same term twice")
        return SortedPostings(terms, starts, docs[order], np.frombuffer(self.weights)[order],
                              [self.values[i] for i in order.tolist()])


class TokenCollector:
    """Postings of a Dutch text field: each document's tokens as numbers, each distinct token analysed once.

    A token's terms (its stem, and a compound's parts at the same position) come from the field's
    TokenTerms memo; ``postings`` groups the occurrences of all documents at once.
    """

    def __init__(self):
        self.token_numbers: dict[str, int] = {}
        self.term_numbers: dict[str, int] = {}
        self.type_terms, self.type_boosts, self.type_sizes = array("i"), array("d"), []
        self.tokens, self.docs, self.counts = array("i"), array("i"), array("i")

    def add(self, field: DutchText, value: str, docnum: int) -> int:
        """Collect one document's tokens; return the field length (its number of term occurrences)."""
        tokens = field.tokens(value)
        numbers = list(map(self.token_numbers.get, tokens))
        if None in numbers:                         # tokens not seen before in this segment
            numbers = [self.new_token(field, token) if number is None else number
                       for token, number in zip(tokens, numbers)]
        self.tokens.extend(numbers)
        self.docs.append(docnum)
        self.counts.append(len(numbers))
        return sum(map(self.type_sizes.__getitem__, numbers))

    def new_token(self, field: DutchText, token: str) -> int:
        """Number a token not seen before (or earlier in the same document) and remember its terms."""
        if token in self.token_numbers:
            return self.token_numbers[token]
        terms = field.token_terms(token)
        for text, boost in terms:
            self.type_terms.append(self.term_numbers.setdefault(text, len(self.term_numbers)))
            self.type_boosts.append(boost)
        self.type_sizes.append(len(terms))
        number = self.token_numbers[token] = len(self.token_numbers)
        return number

    def postings(self, field: DutchText) -> SortedPostings:
        """Term occurrences grouped into postings: weight and encoded positions per term and document."""
        term, doc, position, boost = self.occurrences()
        order, first, terms, starts = group_postings(term, doc, [t.encode("utf-8") for t in self.term_numbers])
        freq = np.diff(np.append(first, len(order)))
        weights = occurrence_sums(boost[order], first, freq) * field.format.field_boost
        return SortedPostings(terms, starts, doc[order][first], weights,
                              PositionValues(field.format, position[order], first, freq))

    def occurrences(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(term, document, position, boost) of every term occurrence, in document and position order."""
        tokens = np.frombuffer(self.tokens, dtype=np.int32)
        counts = np.frombuffer(self.counts, dtype=np.int32)
        token_doc = np.repeat(np.frombuffer(self.docs, dtype=np.int32).astype(np.int64), counts)
        token_position = np.arange(len(tokens)) - np.repeat(np.cumsum(counts) - counts, counts)
        sizes = np.asarray(self.type_sizes, dtype=np.int64)
        per_token = sizes[tokens]
        # slot of each occurrence in the flat (term, boost) table: its token type's first slot, plus its rank among them
        slot = (np.repeat((np.cumsum(sizes) - sizes)[tokens] - (np.cumsum(per_token) - per_token), per_token)
                + np.arange(per_token.sum()))
        of_token = np.repeat(np.arange(len(tokens)), per_token)
        return (np.frombuffer(self.type_terms, dtype=np.int32)[slot].astype(np.int64), token_doc[of_token],
                token_position[of_token], np.frombuffer(self.type_boosts)[slot])


def group_postings(term: np.ndarray, doc: np.ndarray, texts: list[bytes]):
    """Order items (term number, document) by term bytes then document, keeping their order otherwise.

    Returns (order, the first item of each posting in that order, the terms' bytes in order, each
    term's first posting plus the end)."""
    rank = np.empty(len(texts), dtype=np.int64)
    rank[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
    span = int(doc.max(initial=0)) + 1
    key = rank[term] * span + doc
    order = np.argsort(key, kind="stable")       # stable: positions stay in the order they occurred
    key = key[order]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    posting_rank = key[first] // span
    term_first = np.flatnonzero(np.concatenate(([True], posting_rank[1:] != posting_rank[:-1])))
    ordered = sorted(texts)
    terms = [ordered[r] for r in posting_rank[term_first].tolist()] if len(first) else []
    return order, first, terms, np.append(term_first, len(first))


def occurrence_sums(boosts: np.ndarray, first: np.ndarray, freq: np.ndarray) -> np.ndarray:
    """Per posting, the sum of its occurrences' boosts, added one by one as Whoosh's formats do."""
    sums = freq.astype(np.float64)             # all boosts 1.0: the frequency, exactly
    if len(boosts) == 0:
        return sums
    mixed = np.flatnonzero(np.add.reduceat((boosts != 1.0).astype(np.int64), first))
    for posting in mixed.tolist():
        start = int(first[posting])
        values = boosts[start:start + int(freq[posting])].tolist()
        total = values[0]
        for value in values[1:]:
            total += value
        sums[posting] = total
    return sums


class PositionValues:
    """The value bytes of a text field's postings (frequency and position deltas), made a slice at a time."""

    def __init__(self, format_, positions: np.ndarray, first: np.ndarray, freq: np.ndarray):
        self.encode, self.positions, self.first, self.freq = format_.encode, positions, first, freq
        # most postings hold one position: its value is encoded once per position, in two pieces,
        # joined anew for each posting (pickle writes a repeated object as a reference to the first,
        # and the block bytes must be those Whoosh writes, which has one object per posting)
        self.heads: list[bytes] = []
        self.tails: list[bytes] = []

    def __getitem__(self, postings: slice) -> list[bytes]:
        first, freq = self.first[postings], self.freq[postings]
        if not len(first):
            return []
        base = int(first[0])
        positions = self.positions[base:int(first[-1] + freq[-1])].tolist()
        self.encode_single(max(positions))
        heads, tails, encode = self.heads, self.tails, self.encode
        return [heads[positions[start]] + tails[positions[start]] if count == 1
                else encode(positions[start:start + count])
                for start, count in zip((first - base).tolist(), freq.tolist())]

    def encode_single(self, highest: int) -> None:
        """Encode the one-position values up to position ``highest``."""
        for position in range(len(self.heads), highest + 1):
            value = self.encode([position])
            self.heads.append(value[:1])
            self.tails.append(value[1:])


def write_field(fieldwriter, name: str, field, postings: SortedPostings, encoder: TermEncoder) -> None:
    """Write a field's terms into Whoosh's W3 field writer's files: posting lists and term table rows."""
    fieldwriter.start_field(name, field)
    prefix = pack_ushort(fieldwriter._fieldid)
    postfile, table = fieldwriter._postfile, fieldwriter._tindex
    offset = postfile.tell()
    starts = postings.starts.tolist()
    for first, end in chunks(starts):
        base = starts[first]
        docs = postings.docs[base:starts[end]].tolist()
        weights = postings.weights[base:starts[end]].tolist()
        values = postings.values[base:starts[end]]
        written, keys, rows = [], [], []
        for number in range(first, end):
            low, high = starts[number] - base, starts[number + 1] - base
            data, statistics = encoder.encode(docs[low:high], weights[low:high], values[low:high])
            keys.append(prefix + postings.terms[number])
            rows.append(statistics.to_bytes(offset, len(data)))
            written.append(data)
            offset += len(data)
        postfile.write(b"".join(written))
        add_rows(table, keys, rows)
    fieldwriter.finish_field()


def add_rows(table, keys: list[bytes], values: list[bytes]) -> None:
    """``table.add(key, value)`` for each pair, in one write: the records, key positions and hash
    buckets of Whoosh's OrderedHashWriter (the term table) as its ``add`` makes them one by one."""
    if not keys:
        return
    if keys[0] <= table.lastkey or any(map(operator.ge, keys, keys[1:])):
        raise ValueError("term table keys must increase")
    position = table.dbfile.tell()
    records, buckets, hashfn, positions = [], table.buckets, table.hashfn, table.index
    for key, value in zip(keys, values):
        positions.append(position)
        hashed = hashfn(key)
        buckets[hashed & 255].append((hashed, position))
        record = RECORD_LENGTHS.pack(len(key), len(value)) + key + value
        records.append(record)
        position += len(record)
    table.dbfile.write(b"".join(records))
    table.lastkey = keys[-1]


RECORD_LENGTHS = struct.Struct("!ii")       # whoosh.filedb.filetables._lengths: key and value length


def chunks(starts: list[int]):
    """(first term, end term) runs whose postings together are at most CHUNK_POSTINGS (or one term)."""
    first, terms = 0, len(starts) - 1
    while first < terms:
        end = first + 1
        while end < terms and starts[end + 1] - starts[first] <= CHUNK_POSTINGS:
            end += 1
        yield first, end
        first = end
