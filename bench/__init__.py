"""Measurement harness: quality (Zyte shingle metric, trafilatura snippets) and speed."""
