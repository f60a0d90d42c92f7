"""SMPTE timecode (Qt-free), the one the timeline shows and the Burn-In node writes."""
from __future__ import annotations


def timecode(frame: int, fps: float, start: int = 0) -> str:
    """Non-drop-frame SMPTE timecode HH:MM:SS:FF of frame ``frame`` (+ ``start``); the frame field
    counts to the rate rounded to a whole number (29.97 counts 30 a second, as non-drop timecode
    does)."""
    base = max(1, int(round(fps)))
    f = int(frame) + int(start)
    return f"{f // (3600 * base):02d}:{f // (60 * base) % 60:02d}:{f // base % 60:02d}:{f % base:02d}"
