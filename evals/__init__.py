"""Evaluation suites over hand-graded samples; run by ``assistant eval`` and by the test command."""
