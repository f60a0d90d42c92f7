"""The path of a ComfyUI output's Save Video in the Studio graph: its prefix's (out/<prefix>.mp4), numbered where
another Save Video of the graph already writes that name. ComfyUI numbers the files of one prefix (two previews of
one prefix, a take and its depth clip, each keep their file: heldout56 06); Studio's Save Video writes the path it is
given, so one would overwrite the other. The numbering is said. Plain data; ``b`` is the mapping's builder."""
from __future__ import annotations


def own_path(b, save) -> str:
    """``save``'s Save Video path: ``b.save_path(save)``, else its first free numbered form (said in ``b``'s Log)."""
    path = first = b.save_path(save)
    taken = {n.params.get("path") for n in b.g.nodes.values() if n.type_id == "io.save_video"}
    k = 2
    while path in taken:
        path, k = f"{first.removesuffix('.mp4')}_{k}.mp4", k + 1
    if path != first:
        b.out.log.append(f"{b.name}: '{save.title or save.shown_cls}' (#{save.id}) writes its video as '{path}': another "
                         f"output's Save Video writes '{first}' (ComfyUI numbers the files of one name)")
    return path
