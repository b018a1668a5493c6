"""Test doubles shared by tests, benchmarks and the eval harness: a scripted OpenAI-compatible server on
127.0.0.1 and a set of hostile input files. Not part of the product: the wheel does not ship it, and the
``assistant`` package never imports it (tests/test_architecture.py)."""
