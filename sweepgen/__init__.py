"""sweepgen: schemas, linter, matrix expander and byte-exact editor for benchmark master configs."""

__version__ = "0.1.0"
