"""Benchmarks (`make bench`). Each module here measures one thing in a child process of
its own (so peak memory is its own) against a throw-away database, and prints one JSON
object of figures: {"name": {"value": ..., "unit": "...", "goal": "..."}}."""
