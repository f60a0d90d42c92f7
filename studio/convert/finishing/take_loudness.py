"""The take's own sound brought to a loudness target on its way to the save (LTX-2's decoded sound through kijai's
NormalizeAudioLoudness before CreateVideo's 'audio': tracing.loudness) as Studio's Audio Loudness between the sound
Studio's Save Video is given (the generator's 'audio') and the save, said naming each step; one Audio Loudness for a
step however many saves write that sound. Functions on a builder ``b`` of mapping.convert; plain data."""
from __future__ import annotations

from ..reading.workflow import CNode
from ..tracing.loudness import lufs, take_sound_steps

PICTURE_INPUTS = ("images", "video", "image", "frames")
MAX_BACK = 64


def _given(b, save: CNode) -> CNode | None:
    """``save``, or the node on its pictures' way given the sound (CreateVideo before SaveVideo)."""
    n = save
    for _ in range(MAX_BACK):
        if n is None or "audio" in n.links:
            return n
        n = next((b.wf.source(n, k) for k in PICTURE_INPUTS if k in n.links), None)
    return None


def even(b, steps: list[CNode], src: tuple[str, str]) -> tuple[tuple[str, str], list[CNode]]:
    """``src`` through Studio's Audio Loudness for each of ``steps`` (nearest the sound first) that brings the sound
    to a loudness; (the output, the steps made). One node per step and sound, wherever it is read again."""
    made_for: dict = b.__dict__.setdefault("loudness_made", {})
    made = []
    for n in steps:
        target = lufs(b.wf, n)
        if target is None:
            continue
        key = (n.id, src)
        if key not in made_for:
            nid = b.add("edit.audio_loudness", {"lufs": round(target, 2), "limit": False}, n)
            b.g.connect(*src, nid, "audio")
            made_for[key] = (nid, "audio")
        src = made_for[key]
        made.append(n)
        b.used.add(n.id)
    return src, made


def words(b, made: list[CNode]) -> str:
    """The steps made, in words: "'NormalizeAudioLoudness' (NormalizeAudioLoudness, #284)'s -23 LUFS"."""
    return " then ".join(f"{n.named()}'s {lufs(b.wf, n):g} LUFS" for n in made)


def evened(b, save: CNode, sv: str, said: list[str]) -> None:
    """The sound Studio's Save Video ``sv`` (made for ``save``) is given, through Audio Loudness for each loudness
    step between the take's decoded sound and ``save`` (or CreateVideo before it), said; nothing where there is none."""
    given = _given(b, save)
    link = b.g.input_link(sv, "audio") if given is not None else None
    steps = take_sound_steps(b.wf, given) if link is not None else []
    if not steps or b.g.nodes[link.src].type_id == "edit.audio_loudness":
        return
    out, made = even(b, steps, (link.src, link.src_port))
    if not made:
        return
    b.g.connect(*out, sv, "audio")
    said.append(f"{given.named()} is given the take's sound brought to a loudness by {words(b, made)}: Studio's Audio "
                "Loudness between the generator's sound and Save Video")
