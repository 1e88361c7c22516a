"""Reliability evidence: the heavy crash, concurrency, corruption and fuzz runs, as one table.

Run it with ``python -m reliability`` (light sizes) or ``--heavy`` (CI's sizes); the table goes
to ``docs/reliability.md`` unless ``--output`` says otherwise.
"""
