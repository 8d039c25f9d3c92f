"""Lint: files in, problems out (`engine`); every rule id defined once (`registry`);
the rules written in Python, one module each (`rules/`)."""

from .engine import FileReport, LintResult, display_path, lint_files

__all__ = ["FileReport", "LintResult", "display_path", "lint_files"]
