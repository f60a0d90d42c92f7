"""Headless engine: lazy clips, compile, cache, run. Never imports Qt."""
from .memory import no_hugepage_madvise

no_hugepage_madvise()  # fresh frames without the kernel's huge-page compaction stall (memory.py)
