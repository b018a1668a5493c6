"""Reviewer mode: rules as data, check kinds in code, reports in several formats."""
