"""A save that writes no sound of a generator making one (found by the seventh held-out set): LTX-2 makes its
sound with the picture, but a workflow whose output muxes none (CreateVideo given no 'audio' before SaveVideo,
Video Combine with no 'audio', an animated WEBP or PNG, core SaveWEBM) writes a silent video; Studio's generator gives its clip
with the sound on it, so Replace Audio with no sound goes before the Save Video, said. Told by the save's wiring
alone; a save of a VIDEO some other node makes is taken to write its sound. Functions on a builder ``b`` of
mapping.convert; plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from .sound import MUXERS

SOUNDLESS = ("SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveImage", "PreviewImage")  # outputs that hold no sound


def writes_no_sound(wf: Any, save: CNode) -> str | None:
    """Why ``save`` writes no sound, in words; None where it writes one (or may: a VIDEO made by another node)."""
    if save.cls in SOUNDLESS:
        return f"'{save.title or save.shown_cls}' ({save.shown_cls}, #{save.id}) holds no sound"
    if save.cls == "SaveWEBM":  # (a WEBM holds one, as Video Combine's; ComfyUI's SaveWEBM takes pictures alone)
        return f"'{save.title or save.shown_cls}' ({save.shown_cls}, #{save.id}) takes no sound"
    if "audio" in save.links:
        return None
    if save.cls == "VHS_VideoCombine":
        return f"'{save.title or save.shown_cls}' ({save.shown_cls}, #{save.id}) is given no 'audio'"
    src = wf.source(save, "video")
    if src is not None and src.cls in MUXERS and "audio" not in src.links:
        return (f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) before "
                f"'{save.title or save.shown_cls}' (#{save.id}) is given no 'audio'")
    return None


def silenced(b: Any, save: CNode, gen: str, sv: str, said: list[str]) -> bool:
    """Replace Audio with no sound put between the take and Studio's Save Video ``sv`` where ComfyUI's ``save``
    writes none (said; True), else False (the generator's sound is the save's)."""
    why = writes_no_sound(b.wf, save)
    link = b.g.input_link(sv, "video")
    if why is None or link is None:
        return False
    mute = b.add("edit.replace_audio", {}, save, title="No sound")
    b.g.disconnect(sv, "video")
    b.g.connect(link.src, link.src_port, mute, "video")
    b.g.connect(mute, "video", sv, "video")
    said.append(f"the workflow writes the video without sound ({why}): Replace Audio with no sound goes before "
                f"Save Video, so the sound {b.g.nodes[gen].label} makes is not written")
    return True
