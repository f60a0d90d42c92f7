"""An earlier take a pass reworks, made as its own pipeline: a Save Video of its own given ``frames`` (the decoded
frames the pass is given), taken away once read; what the pass then reads of it. Served to restyle.py (a pass of the
same model, Video to Video) and refine.py (a pass of another model)."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode


def earlier_take(b: Any, save: CNode, frames: CNode,
                 what: str) -> tuple[int, str, tuple[str, str], tuple[str, str]] | None:
    """The take ``frames`` decodes made as its own pipeline for ``save``'s pass (``what``: its save's title, 'the
    take refined'): (its band, its Save Video, its video's and its sound's node and port as that save takes them);
    None where it could not be made."""
    wf = b.wf
    fake = CNode(f"{save.id}~taken", "SaveVideo", f"{save.title or save.shown_cls}, {what}", save.mode,
                 {"filename_prefix": f"{wf.value(save, 'filename_prefix') or 'ComfyUI'}_take"},
                 {"video": (frames.id, 0)}, frames.pos)
    wf.nodes[fake.id] = fake
    before, nodes = len(b.bands), len(b.g.nodes)
    try:
        ok = b.pipeline(fake)
    finally:
        del wf.nodes[fake.id]
    again = len(b.bands) <= before  # that take made already for another output: one more Save Video on it, its last
    if again:
        made = next((m for k, m in b.made.items() if frames.id in k), None)
        if made is None or len(b.g.nodes) <= nodes:
            return None
        before = made[2]  # (the Save Video made for it is taken away by the pass: its Log line too)
        b.out.log[:] = [x for x in b.out.log if f"ComfyUI '{fake.title}' -> another Save Video" not in x]
    elif not ok:
        return None
    gen = next(m[0] for m in b.made.values() if m[2] == before)
    saves = [n for n in b.bands[before] if b.g.nodes[n].type_id == "io.save_video"]
    sv = (saves[-1] if again else saves[0]) if saves else None
    src = b.g.input_link(sv, "video") if sv is not None else None
    sound = b.g.input_link(sv, "audio") if sv is not None else None
    return before, sv, ((src.src, src.src_port) if src is not None else b.takes.get(gen, (gen, "video"))), \
        ((sound.src, sound.src_port) if sound is not None else (gen, "audio"))
