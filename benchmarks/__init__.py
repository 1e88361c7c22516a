"""Benchmarks: the generated state manager against the physical floor, its peers, and the CLI.

Run everything with ``python -m benchmarks`` (or ``--quick``); the report goes to
``docs/benchmarks.md`` unless ``--output`` says otherwise.
"""
