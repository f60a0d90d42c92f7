"""Sound through to the save (issue 99, item 4): a ComfyUI save that muxes a file's sound beside the frames it
writes (VideoHelperSuite's Video Combine 'audio' from its Load Video's audio or a Load Audio; core CreateVideo's
'audio' before SaveVideo, a clip's sound taken apart by GetVideoComponents) keeps it: Studio's Load Audio, or
the Load Video's 'audio' output, wired into the Save Video's 'audio'. A sound made otherwise (a generator's own,
decoded by a family's audio VAE) is the family's (api.Generator.sound); a sound Studio cannot wire is said.

Functions on a builder ``b`` of mapping.convert; plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..tracing.walks import find_loader
from ..reading.workflow import LOADER_NODES, CNode
from ..tracing.roles import role

MUXERS = ("CreateVideo",)  # nodes that put a sound beside the frames before a save (ComfyUI's VIDEO)
CARRIERS = MUXERS + ("SaveVideo",)  # nodes a clip's sound passes through as it is (a save gives its video on)


def sound_port(wf, save: CNode) -> tuple[CNode, str] | None:
    """(the node, its input) that gives ``save`` its sound: its own 'audio' (Video Combine), else the 'audio' of the
    CreateVideo feeding it (SaveVideo); None when the save writes no sound of the workflow's."""
    if "audio" in save.links:
        return save, "audio"
    src = wf.source(save, "video")
    if src is not None and src.cls in MUXERS and "audio" in src.links:
        return src, "audio"
    return None


def hears(b: Any, sv: str) -> bool:
    """Studio's save ``sv`` writes sound (a Save Video; not a Save Image Sequence)."""
    return b.g.nodes[sv].type_id == "io.save_video"


def remux(b: Any, save: CNode, sv: str, said: list[str]) -> None:
    """The file's sound ``save`` writes, wired into Studio's Save Video ``sv`` (whose 'audio' is not wired yet);
    said where it is made by nodes Studio does not convert."""
    if not hears(b, sv) or b.g.input_link(sv, "audio") is not None:
        return  # the generator's own sound, or a voice the family hears (Generator.sound, heard)
    port = sound_port(b.wf, save)
    if port is None:
        return
    node, name = port
    found = find_loader(b.wf, node, name, b.used)
    if found is None:  # a sound the workflow makes with nodes Studio does not convert (a family's is wired above)
        maker = b.wf.source(node, name)
        if maker is not None and role(b.wf, maker) != "decoder":  # (a decoder's: the generator's own, its family's)
            said.append(f"the sound '{save.title or save.shown_cls}' (#{save.id}) writes is made by ComfyUI's "
                        f"'{maker.title or maker.shown_cls}' ({maker.shown_cls}, #{maker.id}), which Studio does not "
                        "convert: its Save Video writes the video without it")
        return
    loader, slot, via = found
    kind = LOADER_NODES[loader.cls][1]
    src = b.studio_loader(loader, 3 if kind == "video" else slot)  # a clip's sound: Load Video's 'audio'
    b.g.connect(*src, sv, "audio")
    b.used.add(node.id)
    what = f"{'sound of the video' if kind == 'video' else 'sound'} '{b.file_of(loader)}'"
    steps = [n for n in via if n.cls not in CARRIERS and n.id != node.id]
    said.append(f"the {what} ({loader.shown_cls}, #{loader.id}) is written with the video, as "
                f"'{save.title or save.shown_cls}' (#{save.id}) muxes it: Save Video's 'audio'"
                + (f", without ComfyUI's {', '.join(sorted({n.shown_cls for n in steps}))} on its way" if steps else ""))
