"""Whoosh's W3 posting lists, encoded a whole term at a time: the writer's half of search/postings.py.

The bytes are those ``whoosh.codec.whoosh3.W3PostingsWriter`` and ``W3TermInfo`` write
(tests/test_bulk_writer.py compares the files), without their per-posting and per-block method
calls: a posting list is the magic ``W3Bl``, then blocks of up to 128 postings, each a signed
length (negative for the last block), a pickled info tuple (postings, last document, highest
weight, compression, shortest and longest field length as bytes) and the compressed pickle of
(document deltas, weights, values). The term table holds each term's statistics and extent.

Two differences, which Whoosh's readers (and ours) read as they read their own:
- a block's data is pickled with protocol 4 (BLOCK_PROTOCOL), not 2: protocol 2 writes every
  posting's value bytes as a call of ``_codecs.encode`` on a latin-1 string (about 30 bytes
  more per posting, and most of the time pickling and unpickling takes); protocol 4 writes
  the bytes as they are;
- a block whose pickle is shorter than RAW_BELOW bytes is not compressed (compression 0 in
  its info), as Whoosh's writer means to do below 20 bytes (a bug there compresses every
  block). Most blocks are that short (one or two postings) and zlib adds bytes to them;
  leaving them out saves a zlib stream set up and torn down per block.
With ``raw_below=0, protocol=2`` the bytes are Whoosh's own (tests/test_bulk_writer.py).
"""
from __future__ import annotations

import struct
import zlib
from array import array
from operator import sub
from pickle import dumps

from whoosh.util.numeric import length_to_byte

MAGIC = b"W3Bl"
RAW_BELOW = 48       # a block's pickle shorter than this is stored as is: zlib makes it longer, not shorter
BLOCK_PROTOCOL = 4   # the pickle protocol of block data (Whoosh's is 2)
TERM_INFO = struct.Struct("!BfIBBfII")       # inlined?, weight, df, min/max length byte, max weight, first/last id
pack_int = struct.Struct("!i").pack
pack_long = struct.Struct("!q").pack
pack_float, unpack_float = struct.Struct("f").pack, struct.Struct("f").unpack


class TermEncoder:
    """Encodes the posting lists of one field; ``lengths`` are the documents' field lengths as stored."""

    def __init__(self, codec, value_size: int | None, lengths: list[int | None], raw_below: int = RAW_BELOW,
                 protocol: int = BLOCK_PROTOCOL):
        if codec._inlinelimit > 1:
            raise ValueError("postings inlined into the term table are not supported")
        self.block_limit, self.level = codec._blocklimit, codec._compression
        self.value_size, self.lengths, self.raw_below, self.protocol = value_size, lengths, raw_below, protocol

    def encode(self, docs: list[int], weights: list[float], values: list[bytes]) -> tuple[bytes, TermStatistics]:
        """A term's posting list as bytes, and its statistics for the term table."""
        if len(docs) == 1:
            return self.single(docs[0], weights[0], values[0])
        parts, statistics = [MAGIC], TermStatistics()
        limit = self.block_limit
        for start in range(0, len(docs), limit):
            end = min(start + limit, len(docs))
            parts.extend(self.block(docs[start:end], weights[start:end], values[start:end], end == len(docs),
                                    statistics))
        return b"".join(parts), statistics

    def single(self, doc: int, weight: float, value: bytes) -> tuple[bytes, TermStatistics]:
        """``encode`` of a term in one document (most terms are): the same bytes and statistics,
        made without the general path's lists and loops."""
        stored = unpack_float(pack_float(weight))[0]             # as a 32-bit float
        heaviest = weight if weight > 0 else 0
        length = self.lengths[doc]
        shortest, longest = (length, length) if length else (None, 0)
        data = dumps(((doc,), None if stored == 1.0 else stored, self.mini_values([value])), self.protocol)
        level = self.level if len(data) >= self.raw_below else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps((1, doc, heaviest, level, length_to_byte(shortest), length_to_byte(longest)), 2)
        return b"".join((MAGIC, pack_int(-len(info) - len(data)), info, data)), \
            TermStatistics.of_one(doc, stored, heaviest, shortest, longest)

    def block(self, docs: list[int], weights: list[float], values: list[bytes], last: bool,
              statistics: TermStatistics) -> tuple[bytes, bytes, bytes]:
        """One block: its length, info and data, counted into the term's statistics."""
        stored = array("f", weights).tolist()           # weights are stored as 32-bit floats
        heaviest = max(weights)
        heaviest = heaviest if heaviest > 0 else 0
        known = [length for length in map(self.lengths.__getitem__, docs) if length]
        shortest, longest = (min(known), max(known)) if known else (None, 0)
        statistics.add(docs, stored, heaviest, shortest, longest)
        data = dumps((tuple(map(sub, docs, [0] + docs[:-1])), mini_weights(stored), self.mini_values(values)),
                     self.protocol)
        level = self.level if len(data) >= self.raw_below else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps((len(docs), docs[-1], heaviest, level, length_to_byte(shortest), length_to_byte(longest)), 2)
        size = len(info) + len(data)
        return pack_int(-size if last else size), info, data

    def mini_values(self, values: list[bytes]):
        """The block's values as Whoosh stores them: none for a format without values, else joined or a tuple."""
        values = [value for value in values if value]
        if self.value_size is None or self.value_size < 0:
            return tuple(values)
        return None if self.value_size == 0 else b"".join(values)


def mini_weights(weights: list[float]):
    """A block's weights as Whoosh stores them: None when all are 1, one number when all are equal."""
    if all(weight == 1.0 for weight in weights):
        return None
    if all(weight == weights[0] for weight in weights):
        return weights[0]
    return tuple(weights)


class TermStatistics:
    """What the term table holds about a term, gathered block by block as ``W3TermInfo.add_block`` does."""

    def __init__(self):
        self.weight, self.df, self.minlength, self.maxlength, self.maxweight = 0, 0, None, 0, 0
        self.minid: int | None = None
        self.maxid = 0

    @classmethod
    def of_one(cls, doc: int, weight: float, heaviest: float, shortest: int | None, longest: int) -> TermStatistics:
        """The statistics of a term in one document: ``add`` of its one block to new statistics."""
        statistics = cls()
        statistics.weight, statistics.df, statistics.minlength, statistics.maxlength = 0 + weight, 1, shortest, longest
        statistics.maxweight, statistics.minid, statistics.maxid = max(0, heaviest), doc, doc
        return statistics

    def add(self, docs: list[int], weights: list[float], heaviest: float, shortest: int | None, longest: int) -> None:
        """Count one block in."""
        self.weight += sum(weights)
        self.df += len(docs)
        self.minlength = shortest if self.minlength is None else min(self.minlength, shortest)
        self.maxlength = max(self.maxlength, longest)
        self.maxweight = max(self.maxweight, heaviest)
        if self.minid is None:
            self.minid = docs[0]
        self.maxid = docs[-1]

    def to_bytes(self, offset: int, length: int) -> bytes:
        """The term table's value for the term, whose posting list is at ``offset`` of the postings file."""
        minlength = 0 if self.minlength is None else length_to_byte(self.minlength)
        return (TERM_INFO.pack(False, self.weight, self.df, minlength, length_to_byte(self.maxlength),
                               self.maxweight, self.minid, self.maxid) + pack_long(offset) + pack_int(length))
