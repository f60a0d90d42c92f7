"""A continuation by a noise mask's time window (tracing/mask_window.py: KJNodes' LTXVAudioVideoMask keeping the
encoded clip's first seconds, padded to a later end) made as Studio's own 'continue_from' (LTX-2 Video + Sound, Text
to Video: nodes/video_models/takes/continue_from.py), where the frames encoded are exactly those the window keeps: a
pick of the last frames of a clip a video loader loads (heldout17 09: the last 5 s) or of an earlier take of the same
workflow (heldout17 04: shot 1's last 73 frames, wired by takes/continued_take.py). The node continues a clip from its
LAST frames, so the pick must take them from the end (a negative start) or by values worked out when the workflow runs
(said, and still wired); a pick from a start index, a count other than the frames kept, a whole clip encoded (its
later frames kept too), or a window not padded past the clip stay held with their sentence (continue_by_hand.py).

The generator's settings: 'continue_frames' (the frames kept, a count known) or 'continue_seconds' (the window's
start, at the clip's own rate, where the rate is known only when the workflow runs), and 'frames' (the window's end as
ComfyUI's node pads the latent: ``(round(end·fps) - 1) // 8 + 1`` latent frames). Told by declared types: a frame pick
by its widgets (takes/frame_way.py), the window by its settings. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..catalogue import node_type
from . import continue_whole
from ..reading.workflow import CNode
from ..takes.continued_take import IMAGE_INPUTS, fits, frame_pick, sampler_of, window
from ..takes.extend import pick_of
from ..tracing.latent_ways import frames_of
from ..tracing.mask_window import TEMPORAL, kept_video_frames
from ..tracing.tasks import T2V, Task

NEW_ONLY = "new frames only"  # continue_output's choice (nodes/video_models/takes/continue_from.py)
CONTINUES = "a video continuing"  # the task's words (mapping.intent)
_name = CNode.named


def _g(v: float) -> str:
    return f"{v:g}"


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def take_frames(end: float, fps: float) -> int:
    """The pixel frames of a latent LTXVAudioVideoMask pads to ``end`` s at ``fps`` (its own count, read from KJNodes'
    source: ``(round(end·fps) - 1) // 8 + 1`` latent frames)."""
    latent = (int(round(end * fps)) - 1) // TEMPORAL + 1
    return (latent - 1) * TEMPORAL + 1


def _sound(b: Any, mask: CNode, start: float, said: list[str], source: str = "", own: bool = False) -> None:
    """The sound the window keeps before ``start`` (an encoder of a sound into ``mask``'s 'audio_latent', told by its
    declared AUDIO input): the continued clip's ``own`` sound continued by 'continue_sound', else not continued; said
    either way; the encoder not read as the take's sound input."""
    enc = b.wf.source(mask, "audio_latent")
    t = node_type(enc.origin or enc.cls) if enc is not None else None
    if enc is None or t is None or not t.inputs or "AUDIO" not in {i.type for i in t.inputs}:
        return
    b.continued_sound.add(enc.id)
    b.used.add(enc.id)
    s = _number(b.wf.value(mask, "audio_start_time"))
    kept = f" before {_g(s)} s" if s else ""
    if own:  # the continued clip's own sound: LTX-2 Video + Sound's continue_sound
        b.extra["continue_sound"] = True
        said.append(f"the sound {_name(enc)} encodes for {mask.of('audio_latent')}, which the window keeps{kept}, is "
                    f"{source}'s own: 'continue_sound' makes the clip's sound under the frames continued the take's "
                    "first sound and the rest on from it (the trims on that sound's way not applied)")
        return
    said.append(f"the sound {_name(enc)} encodes for {mask.of('audio_latent')}, which the window keeps{kept}, is not "
                f"continued: 'continue_from' continues the picture, and the generator makes the take's whole sound "
                f"(its first {_g(s if s and s > start else start)} s not that sound)")  # (the window may keep the
    # sound longer than the frames it continues: a loop's pass driven by its slice of a song, heldout40)


def _cut(b: Any, first: CNode, kept: int, up: list[CNode], said: list[str]) -> None:
    """A pick of the take's frames from the ``kept`` ones on (they are the clip continued), between its decoder and
    the output: 'continue_output: new frames only' (the node cuts them, and the sound under them), said."""
    wf = b.wf
    for n in up:
        at_k = (pick_of(n) or ("", ""))[0]
        link = next((n.links[k] for k in IMAGE_INPUTS if k in n.links), None) if at_k else None
        way: list[CNode] = []
        latent = frames_of(wf, link, way) if link is not None and wf.value(n, at_k) == kept else None
        if latent is None or sampler_of(wf, latent) is not first:
            continue
        b.extra["continue_output"] = NEW_ONLY
        b.used.add(n.id)
        said.append(f"{_name(n)} cuts the first {kept} frames of the take, those it continues: 'continue_output' "
                    f"{NEW_ONLY} (the generator cuts them, and the sound under them, {kept} frames long)")
        return


def continued(b: Any, first: CNode, encode: CNode, mask: CNode, source: str, up: list[CNode], said: list[str],
              pick: CNode | None = None, own: bool = False) -> Task | None:
    """The task of a sampler whose latent ``encode`` encodes and ``mask``'s window keeps the first seconds of, made
    with 'continue_from' given ``source`` (words: the clip a loader loads, an earlier take); the generator's settings
    put in ``b.extra``, each said. None where the frames encoded are not exactly those kept (held, said as before)."""
    wf = b.wf
    pick = pick or frame_pick(wf, encode)  # (an earlier take's: its pick read before the frames' way is cut)
    if pick is None:  # the whole clip encoded: its first seconds kept, the rest remade (continue_whole.py)
        return _whole(b, first, encode, mask, source, up, said, own)
    span = window(wf, mask)
    if span is None:
        return None
    start, end = span
    mask_fps = _number(wf.value(mask, "video_fps"))
    rate = mask_fps or b.fps_of(up)
    if rate is None or rate <= 0:
        return None
    kept = kept_video_frames(start, rate)
    found = fits(wf, pick, kept)
    if found is None:
        return None  # frames from a start index, or fewer or more than the window keeps: another clip continued
    at = found[0]
    frames = take_frames(end, rate)
    if at is not None and mask_fps is not None:
        b.extra["continue_frames"] = kept
        how = f"its last {kept} frames"
    else:
        b.extra["continue_seconds"] = round(start, 4)
        how = f"its last {_g(start)} s at the clip's own frame rate"
    b.extra["frames"] = frames
    b.used |= {pick.id, mask.id}
    said.append(f"{_name(mask)} keeps the first {_g(start)} s of the frames {_name(encode)} encodes (the last "
                f"frames of {source}, picked by {_name(pick)}) and makes new ones to {_g(end)} s: Studio's "
                f"'continue_from' is given {source} and continues from {how}, a condition at frame 0, 'frames' "
                f"{frames} ({_g(end)} s at {_g(rate)} fps, as a whole number of latent frames)")
    if at is None:
        said.append(f"{_name(pick)} picks the frames {_name(encode)} encodes by values worked out when the workflow "
                    f"runs: not applied; 'continue_from' takes the last {_g(start)} s, the span {_name(mask)} "
                    "keeps of them")
    if mask_fps is None:
        said.append(f"{mask.of('video_fps')} is worked out when the workflow runs: 'frames' {frames} is counted at "
                    f"{_g(rate)} fps, the take's rate")
    _sound(b, mask, start, said, source, own)
    _cut(b, first, kept, up, said)
    return Task(f"{CONTINUES} {source} (its last frames kept by {_name(mask)})", T2V, (("pixels", "continue_from"),))


def _whole(b: Any, first: CNode, encode: CNode, mask: CNode, source: str, up: list[CNode], said: list[str],
           own: bool) -> Task | None:
    """A whole clip a loader loads, encoded and kept by ``mask``'s window up to its start: continued from its first
    frames (continue_whole.py); None where the window is not read as one (held, said as before)."""
    words: list[str] = []
    span = continue_whole.window(b, mask, words)
    if span is None or not source.startswith("the clip "):
        return None
    start, end, _ = span
    mask_fps = _number(b.wf.value(mask, "video_fps"))
    rate = mask_fps or continue_whole.setting(b, mask, "video_fps", words, "rate", " fps") or b.fps_of(up)
    if rate is None or rate <= 0:
        return None
    frames = take_frames(end, rate)
    said += words
    continue_whole.whole(b, mask, encode, start, end, rate, mask_fps is not None and not span[2], frames, source,
                         said)
    _sound(b, mask, start, said, source, own)
    _cut(b, first, kept_video_frames(start, rate), up, said)
    return Task(f"{CONTINUES} {source} (its first frames kept by {_name(mask)}, the rest made anew)", T2V,
                (("pixels", "continue_from"),))
