"""An IC-LoRA guide whose take is decoded into linear HDR (Lightricks' LTX-2.3 HDR IC-LoRA: a decode's step
declaring an IMAGE output named 'hdr_linear', as ComfyUI-LTXVideo's HDR decode post-process does) as Studio's
LTX-2 HDR (hdr.py: the clip lifted to linear HDR by the pipeline the LoRA is released with), the clip on its
'video'. Told by the step's declared output, not its type's name: what it does to the frames (LogC3 turned back
into linear light) cannot be read from a declaration, so the output's name is the sign, and a save reading the
step's other output (its tonemapped preview) is said. Found by the thirty-eighth held-out set (thinkdiffusion's
HDR example, 02: made as LTX-2's control take, the post-process "not applied"). Plain data: the builder makes the
nodes."""
from __future__ import annotations

from studio.convert.api import CNode, node_type

HDR = "video_models.ltx2_hdr"
LINEAR = "hdr_linear"  # the output a step lifting decoded frames to linear HDR declares
EXR = "hdr_exr_step"  # (in the generator's settings as read: the step whose EXR frames are written)


def _consumers(wf) -> dict[str, list[tuple[CNode, str, int]]]:
    out: dict[str, list[tuple[CNode, str, int]]] = {}
    for m in wf.nodes.values():
        for k, link in m.links.items():
            out.setdefault(link[0], []).append((m, k, link[1]))
    return out


def hdr_step(wf, guide: CNode) -> CNode | None:
    """The enabled node after ``guide`` (through its guider, sampler and decode) declaring an output 'hdr_linear'."""
    cons, seen, front = _consumers(wf), {guide.id}, [guide]
    while front and len(seen) < 512:
        x = front.pop(0)
        for m, _, _ in cons.get(x.id, []):
            if m.id in seen or not m.enabled:
                continue
            seen.add(m.id)
            t = node_type(m.cls)
            if t is not None and any(o.name == LINEAR for o in (t.outputs or ())):
                return m
            front.append(m)
    return None


def hdr_take(b, guide: CNode, step: CNode, inputs: dict, said: list[str]) -> str:
    """LTX-2 HDR for ``guide``'s clip (its 'video'; the guide's strength its 'strength'), the decode's HDR step read
    (counted used) and what it does beside said."""
    wf = b.wf
    b.intent(guide, "image", "video", inputs, said)
    strength = wf.value(guide, "strength")
    if isinstance(strength, (int, float)) and not isinstance(strength, bool):
        b.extra["strength"] = float(strength)
    b.used.add(step.id)
    what = f"'{step.title or step.shown_cls}' ({step.shown_cls}, #{step.id})"
    outs = [o.name for o in (node_type(step.cls).outputs or ())]
    read = {outs[slot] for _, _, slot in _consumers(wf).get(step.id, []) if 0 <= slot < len(outs)}
    said.append(f"{what} turns the decoded frames into linear HDR ('{LINEAR}'): Studio's LTX-2 HDR makes the take "
                f"from the IC-LoRA's clip ('{guide.title or guide.shown_cls}', #{guide.id}), its frames linear HDR "
                "as that output's")
    if read - {LINEAR}:
        said.append(f"{what}'s {', '.join(sorted(read - {LINEAR}))} (a preview tonemapped to white) is read by the "
                    "workflow: Studio gives the linear frames there")
    if wf.value(step, "save_exr"):  # its EXR frames written beside the video (hdr_video; LTX-2 HDR has no such
        b.extra[EXR] = step.id  # setting, so the node never holds it)
    return HDR


def hdr_video(b, gen: str, load: str, model_out: tuple, params: dict) -> tuple[str, str]:
    """What the Save Video is fed: LTX-2 HDR gives its frames at its clip's own rate (it has no rate of its own),
    while the workflow writes them at the rate its save node sets (CreateVideo's 'fps'): Frame Rate (keep frames)
    at that rate between them, the same frames played as ComfyUI writes them (said)."""
    if params.get(EXR) in b.wf.nodes:  # the step's EXR sequence of the linear frames: Save Image Sequence beside it
        step = b.wf.nodes[params[EXR]]
        what = f"'{step.title or step.shown_cls}' ({step.shown_cls}, #{step.id})"
        folder = str(b.wf.value(step, "output_dir") or "hdr_exr").strip("/")
        folder = folder[len("output/"):] if folder.startswith("output/") else folder  # (ComfyUI's output folder)
        prefix = str(b.wf.value(step, "filename_prefix") or "frame")
        depth = "half" if b.wf.value(step, "half_precision") is not False else "float"
        seq = b.add("footage.save_sequence", {"path": f"out/{folder}/{prefix}.####.exr", "depth": depth}, step)
        b.g.connect(gen, "video", seq, "video")
        b.say(f"{what} also writes its linear frames as {depth} EXR: Save Image Sequence writes them into "
              f"out/{folder}/{prefix}.####.exr (the values above 1 kept; the video clips them to white)")
    rate = params.get("fps")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate <= 0:
        return gen, "video"
    fr = b.add("edit.frame_rate", {"fps": float(rate), "keep": "frames"}, None)
    b.g.connect(gen, "video", fr, "video")
    b.say(f"{b.g.nodes[gen].label} gives its frames at the rate of the clip it is given: Frame Rate (keep frames) "
          f"sets {rate:g} fps, the rate the workflow writes them at, every frame kept")
    return fr, "video"
