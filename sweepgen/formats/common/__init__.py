"""Pieces several formats share: the concurrency ladder, sequence-length naming."""
