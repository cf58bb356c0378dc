"""Ingestion, analysis, indexing and search for the kennisbank.

Stages, one module each: extract -> normalise -> segment -> classify -> dedupe -> index.
Plain records (see :mod:`indexer.records`) flow between them.
"""
