"""Experiments: the paper's table (``reproduce``); later the peer benchmark and records on disk."""

from .reproduce import (
    PAPER_TABLE,
    ReproduceRun,
    default_methods,
    run_reproduce,
    summarize,
    write_outputs,
)

__all__ = [
    "PAPER_TABLE",
    "ReproduceRun",
    "default_methods",
    "run_reproduce",
    "summarize",
    "write_outputs",
]
