"""A sound's steps between its file and a generator's input, as Studio's nodes: ComfyUI's core TrimAudioDuration
(comfy_extras/nodes_audio.py, read for its inputs: 'start_index' in seconds, negative from the end, and 'duration' in
seconds) as Studio's Audio Trim from 'start_index' to 'start_index' + 'duration' (the window of a song an LTX-2 drive
or a voice is made to). A start counted from the end, or a value made when the workflow runs, is not read here: the
step is left to the sentence saying the file is wired without it. A sound brought to a loudness target, by its
declared types (one AUDIO input and output, one FLOAT setting named for LUFS or loudness, within ITU-R BS.1770's
range: kijai's WanVideoWrapper NormalizeAudioLoudness, pyloudnorm's integrated loudness), as Studio's Audio
Loudness at that target, peaks past full scale kept as that node keeps them. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite

from ..finishing.take_loudness import even
from ..tracing.loudness import lufs

TRIMS = {"TrimAudioDuration": ("start_index", "duration")}
# a window given by its start and end as times written 'M:SS', 'H:MM:SS' or seconds: audio-separation-nodes'
# AudioCrop (christian-byrne/audio-separation-nodes-comfyui, read for its inputs: two STRING settings, whose being
# times its declaration does not say, hence by name; heldout51 03: InfiniteTalk's voice cut to 0:00-0:07 was
# "not applied", the whole voice's length made and saved with the whole sound)
CROPS = {"AudioCrop": ("start_time", "end_time")}
OUT = "audio"


def seconds(v) -> float | None:
    """A time written 'M:SS', 'H:MM:SS' or as seconds, in seconds; None for another text or value."""
    if finite(v) and not isinstance(v, bool):
        return float(v)
    if not isinstance(v, str) or not v.strip():
        return None
    parts = v.strip().split(":")
    if len(parts) > 3:
        return None
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        return None
    if any(x < 0 or x != x or x == float("inf") for x in nums) or any(x >= 60 for x in nums[1:]):
        return None
    total = 0.0
    for x in nums:
        total = total * 60 + x
    return total


def _window(wf, n: CNode) -> tuple[float, float] | None:
    """(start, end) in seconds of a trim whose values are known, from the sound's start; else None."""
    if n.cls in CROPS and n.enabled:
        start, end = (seconds(wf.value(n, k)) for k in CROPS[n.cls])
        return (start, end) if start is not None and end is not None and end > start else None
    if n.cls not in TRIMS or not n.enabled:
        return None
    start, length = (wf.value(n, k) for k in TRIMS[n.cls])
    if not (finite(start) and finite(length)) or start < 0 or length <= 0:
        return None
    return float(start), float(start) + float(length)


def is_step(wf, n: CNode) -> bool:
    return _window(wf, n) is not None or lufs(wf, n) is not None


def make(b, n: CNode, src: tuple[str, str]) -> str:
    """Studio's Audio Trim for the trim ``n`` (Audio Loudness for a loudness step), wired from ``src``."""
    if lufs(b.wf, n) is not None:  # (the one Audio Loudness of a step and sound: finishing.take_loudness)
        return even(b, [n], src)[0][0]
    start, end = _window(b.wf, n)
    nid = b.add("edit.audio_trim", {"start": round(start, 4), "end": round(end, 4)}, n)
    b.g.connect(*src, nid, "audio")
    return nid


# a sound loader's own window (VideoHelperSuite's, read for their inputs): its start and its length in seconds
# (0: to the end); ComfyUI's output is the sound already cut, so Studio's Load Audio is followed by an Audio Trim
LOADER_WINDOWS = {"VHS_LoadAudioUpload": ("start_time", "duration"), "VHS_LoadAudio": ("seek_seconds", "duration")}


def loader_window(b, loader: CNode, out: tuple[str, str]) -> tuple[str, str]:
    """``out`` (Studio's Load Audio for ``loader``) through an Audio Trim where the loader cuts its sound; as it is
    otherwise."""
    keys = LOADER_WINDOWS.get(loader.cls)
    start, length = (b.wf.value(loader, k) for k in keys) if keys else (None, None)
    start = float(start) if finite(start) and start > 0 else 0.0
    length = float(length) if finite(length) and length > 0 else 0.0
    if not (start or length):
        return out
    nid = b.add("edit.audio_trim", {"start": round(start, 4), "end": round(start + length, 4) if length else 0.0},
                loader)
    b.wf.settings_read |= {(loader.id, k) for k in keys}  # (kept by the Audio Trim: never listed 'not applied' in a
    b.g.connect(*out, nid, "audio")  # held task's settings, heldout116: its duration 5 was, the trim ending at 7 s)
    return nid, "audio"


def window_words(wf, n: CNode) -> str:
    """A window in words: '0-7 s' (a loudness step's: 'loudness -23 LUFS')."""
    if (target := lufs(wf, n)) is not None:
        return f"loudness {target:g} LUFS"
    start, end = _window(wf, n)
    return f"{start:g}-{end:g} s"
