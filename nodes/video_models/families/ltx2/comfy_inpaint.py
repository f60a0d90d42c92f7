"""LTX-2.3's in/outpainting IC-LoRA as ComfyUI-LTXVideo's example workflows run it (LTX-2.3_ICLoRA_Inpaint/Outpaint_
Two_Stage_Distilled; vanish_nodes.py, read for meaning): LTXVInpaintPreprocess composites green (#66FF00) onto the
clip where a mask is (a mask video, or the border ImagePadForOutpaintTargetSize adds), and that clip is the IC-LoRA's
guide: the LoRA fills the green. LTX-2's control input takes a clip, and the converter has no reading of that
painting in general, so such a pipeline is held with one sentence (the claimed task's ``read``: mapping.intent),
never made from the unpainted clip (which would remake the clip, not fill the mask), its by-hand words told from the
graph (comfy_inpaint_hand); a pad by fixed pixels straight into the painting is made (comfy_outpaint_pad). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Task, upstream

from .comfy_inpaint_hand import by_hand
from .comfy_outpaint_pad import read_pad
from .comfy_painted_band import read_band

PAINTS = "LTXVInpaintPreprocess"
OUTPAINT = ("ImagePadForOutpaintTargetSize", "ImagePadForOutpaint")  # their mask: the border they add


def painted_guide(b, node: CNode | None, up: list[CNode], claim: Task, inputs: dict, said: list[str]) -> Task | None:
    """A held Task where an enabled LTXVInpaintPreprocess gives a node of ``up`` its 'image' (the IC-LoRA's guide
    clip); None otherwise (the pipeline read as LTX-2's; a pad Studio's Pad makes exactly: that Pad to make)."""
    wf = b.wf
    for n in up:
        src = wf.source(n, "image") if n.enabled else None
        if src is None or src.cls != PAINTS or not src.enabled:
            continue
        mask = wf.source(src, "mask")
        way = upstream(wf, mask) + [mask] if mask is not None else []
        pad = next((x for x in way if x.cls in OUTPAINT), None)
        out = pad is not None
        if read_pad(b, n, src, said):  # a pad by fixed pixels straight into the painting: made (Studio's Pad)
            return None
        miss: list[CNode] = []
        if read_band(b, n, src, said, miss):  # its clip and mask made by Studio's operations (comfy_painted_band)
            return None
        why = (f", Studio making that painting from the workflow's own steps but not '{miss[0].title or miss[0].shown_cls}'"
               f" ({miss[0].shown_cls}, #{miss[0].id}) as this workflow sets it") if miss else ""
        what = "outpainted (the clip padded to a larger frame)" if out else "inpainted (a mask video marks the area)"
        return Task(f"a video {what} by an in/outpainting IC-LoRA", None, family=claim.family,
                    cannot=f"read '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}), which paints the "
                           f"mask green (#66FF00) into the clip '{n.title or n.shown_cls}' (#{n.id}) gives the IC-LoRA "
                           "for it to fill: LTX-2's 'control' would get the clip unpainted, and the take would not "
                           f"fill the masked area{why} ({by_hand(wf, way, pad)}; the IC-LoRA through Video LoRA and "
                           "that clip on the generator's 'control')")
    return None
