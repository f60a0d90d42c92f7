"""A phase too short to time honestly on this machine, said as a bound ('under 0.1 s') rather than a figure (issue 116
item 5: the tiny models' cached encodes were said 7 ms and took 51 ms, said 121 ms and took 49 ms; a 58 ms step phase
took 107 ms in the next run).

``SHORT``, from the measured swing (benchmarks/phase_estimates.py, walk9, the shared 2-core machine at load average
5.5-8.2): a phase of tens of milliseconds took 0.4-7x what the same phase had taken a minute before (a prompt-cached
encode 7 -> 51 ms, 17 -> 41 ms, 121 -> 49 ms; four steps 58 -> 107 ms; a decode 123 -> 42 ms), while every phase over
0.1 s but the loads came within 0.5-2.3x. Under it the figure says the machine's noise, not the phase: a bound is
true and plans as well. Over it a figure is said, and must still be within 2x (walk10, with full collections kept out
of the phases: the same work swung from one run to the next up to 1.82x under 0.1 s, 1.49x over it; every figure said
within 1.87x)."""
from __future__ import annotations

SHORT = 0.1  # seconds


def said(seconds: float) -> str:
    """A phase's seconds in words: 'under 0.1 s' below SHORT, else its figure ('1.4 s', '230 ms')."""
    from ..base.guard import fmt_duration
    return f"under {SHORT:g} s" if seconds < SHORT else fmt_duration(seconds)
