"""SCAIL-2's ComfyUI conditioning node (WanSCAILToVideo, comfy_extras/nodes_scail.py at
comfyanonymous/ComfyUI@1320142, read for its inputs' meaning) made into the SCAIL-2 Character node's
settings: 'replacement_mode' as 'mode', 'length' as the segment ('window'), 'previous_frame_count' as
'overlap'. ComfyUI's templates make a first segment (Base) and continue it (Extend, fed the frames made
before): Studio's node makes the whole driving video as one take, segment by segment, so the first
segment's output keeps its length and the continued one takes the whole clip. Its LoRAs (lightx2v,
DPO) stay on the model (Video LoRA nodes: the SCAIL-2 pipeline loads Wan's LoRAs), with the workflow's
6 steps and no guidance. Plain data and stdlib."""
from __future__ import annotations

from .comfy_read import CNode

def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def scail2_settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """Fill ``params`` from WanSCAILToVideo ``node`` (``b``: the converter, for its workflow; ``continued``: later
    passes continue the output, ComfyUI's Extend); the LoRAs the Studio graph keeps (all of them)."""
    wf = b.wf
    params["mode"] = "replace" if wf.value(node, "replacement_mode") is True else "animate"
    length, overlap = _int(wf.value(node, "length")), _int(wf.value(node, "previous_frame_count"))
    if length is not None and length >= 5 and (length - 1) % 4 == 0:
        params["window"] = length
    if overlap is not None and 1 <= overlap < params.get("window", 81):
        params["overlap"] = overlap
    sized = [k for k in ("width", "height") if _int(wf.value(node, k)) is None]
    for k in ("width", "height"):
        v = _int(wf.value(node, k))
        if v is not None and v % 32 == 0:
            params[k] = v
    if sized:
        said.append(f"WanSCAILToVideo's {' and '.join(sized)} follow the driving video there (worked out as it runs): "
                    f"Studio's SCAIL-2 node makes {params.get('width', 512)}x{params.get('height', 896)}; set width and "
                    "height (multiples of 32) for your clip")
    continued = continued or "previous_frames" in node.links
    params["frames"] = 0 if continued else (length if length is not None else params.get("window", 81))
    if continued:
        said.append("ComfyUI continues the first segment with the frames it made (Extend); Studio's SCAIL-2 node "
                    f"makes the whole driving video as one take, in segments of {params.get('window', 81)} frames each "
                    f"carrying the last {params.get('overlap', 5)} of the one before")
    else:
        said.append(f"ComfyUI's first segment: its first {params['frames']} frames of the driving video")
    for k, default in (("pose_strength", 1.0), ("pose_start", 0.0), ("pose_end", 1.0)):
        v = wf.value(node, k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != default:
            said.append(f"WanSCAILToVideo's {k} {v:g} is not applied: the release scales no pose latent")
    return loras
