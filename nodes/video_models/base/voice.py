"""The one check of a voice the voice-driven nodes share (Speech to Video (S2V), InfiniteTalk, Wan HuMo):
Speech Features says how many of its frames are the voice (``voice_frames``: the frames past it are the
silence it padded the take with) and whether the voice is silent; a node counts only the voice's frames,
at its own frame rate, and refuses a silent voice or one shorter than its take in one wording."""
from __future__ import annotations

from typing import Callable

from studio.core.errors import StudioError


def voice_frames(features, fps: float | None = None) -> int:
    """Frames of voice ``features`` hold (before Speech Features' padded silence), counted at ``fps``
    (default: the features' own rate) as whole frames the voice covers."""
    ex = getattr(features, "extras", None) or {}
    n = len(features)
    have = min(n, int(ex["voice_frames"])) if "voice_frames" in ex else n
    own = float(getattr(features, "fps", 0) or 0)
    if fps is None or not own or abs(own - fps) < 1e-9:
        return have
    return int(have / own * fps + 1e-6)


def too_short(node: str, have: int, take: int, rate: float, error: type[StudioError] = StudioError,
              fit: Callable[[int], int] = lambda n: n) -> None:
    """Refuse a take of ``take`` frames from a voice covering ``have`` (at ``rate`` fps) in the shared
    wording; ``fit``: the longest take the node makes from ``have`` frames, offered when there is one."""
    if take <= have and have >= 1:
        return
    best = fit(have) if have >= 1 else 0
    how = f"set 'frames' to {best} or fewer, or give a longer voice" if 1 <= best <= have else "give a longer voice"
    raise error(f"{node}: the voice covers {have} frames ({have / rate:.2f} s at {rate:g} fps) but the take is "
                f"{take}: {how}")


def check_voice(features, node: str, take: int, fps: float | None = None, error: type[StudioError] = StudioError,
                fit: Callable[[int], int] = lambda n: n) -> int:
    """The voice's frames at ``fps`` (voice_frames); a silent voice, or one covering fewer than ``take``
    frames (0: the voice's length, refused when it covers no frame), refused as ``error`` naming ``node``
    (``fit`` as too_short's)."""
    ex = getattr(features, "extras", None) or {}
    if ex.get("silent"):  # Speech Features: no sample above -80 dBFS
        raise error(f"{node}: the voice is silent (no sample above -80 dBFS): there is no speech to drive the take; "
                    "connect the voice's audio")
    have = voice_frames(features, fps)
    too_short(node, have, take or have, fps or float(getattr(features, "fps", 0) or 0) or 1.0, error, fit)
    return have
