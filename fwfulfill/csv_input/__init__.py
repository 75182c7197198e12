"""Tracking CSVs: decoding, which column is which, rows into drafts, the --report file."""
