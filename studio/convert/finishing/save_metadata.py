"""A save's own metadata switch (heldout84 10: a RunPod template's Video Combine with save_metadata off was written by
Studio's Save Video with its graph in the file, unsaid): a ComfyUI save's declared 'save_metadata' (VideoHelperSuite's
Video Combine: the workflow written into the video file's metadata, or not) set on the Studio Save Video made from it
as 'embed_graph' (Studio's graph written into the file's metadata, or not), the one switch standing for the other.
Told by the save's declared setting alone, after the build. Plain data."""
from __future__ import annotations

METADATA = "save_metadata"  # the ComfyUI save's switch (VideoHelperSuite's formats declare it)
EMBED = "embed_graph"  # Studio's Save Video's


def apply(b) -> None:
    """Each Studio Save Video made from a ComfyUI save whose save_metadata is off: its embed_graph off (a value not
    worked out when converting is left as Studio's default, on)."""
    wf, g = b.wf, b.g
    for nid, node in list(g.nodes.items()):
        n = wf.nodes.get(b.out.origin.get(nid, ""))
        if node.type_id not in ("io.save_video", "io.save_animation") or n is None or (METADATA not in n.widgets and METADATA not in n.links):
            continue
        if wf.value(n, METADATA) is False and node.params.get(EMBED, True) is not False:
            g.set_param(nid, EMBED, False)
