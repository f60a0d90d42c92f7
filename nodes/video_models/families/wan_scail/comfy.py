"""SCAIL-2's ComfyUI conditioning node (WanSCAILToVideo, comfy_extras/nodes_scail.py at
comfyanonymous/ComfyUI@1320142, read for its inputs' meaning) made into the SCAIL-2 Character node's
settings: 'replacement_mode' as 'mode', 'length' as the segment ('window'), 'previous_frame_count' as
'overlap'. ComfyUI's templates make a first segment (Base) and continue it (Extend, fed the frames made
before): Studio's node makes the whole driving video as one take, segment by segment, so the continued
output takes the whole clip and the first segment's output is its first frames, cut by a Time node (trim):
made once, and the same frames as the take's beginning, as ComfyUI's Extend continues them
(:func:`first_segment_shared`). Its LoRAs (lightx2v,
DPO) stay on the model (Video LoRA nodes: the SCAIL-2 pipeline loads Wan's LoRAs), with the workflow's
6 steps and no guidance. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, ComfyMapping, Generator, Task, first_saves, node_type, task_node, trim_first

from . import comfy_extend, comfy_masks, comfy_previous, comfy_preview as preview, comfy_segments
from .comfy_ranges import RANGES
from .schedule import SHIFT

SCAIL2 = "video_models.scail2"  # SCAIL-2 Character: node.py
# SCAIL-2's painting of SAM 3's tracks (its outputs read the driving video's tracks (0) and the reference's (1)): by
# name, as what it paints (a colour per person) is not in its declaration (comfy_masks.py says it)
PAINTING = {"SCAIL2ColoredMask": ("driving_track_data", "ref_track_data")}

def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _zero_frames(params: dict, wired: set) -> str | None:
    """What SCAIL-2's 'frames' 0 makes (node.py: 'as long as the driving video') where a driving video is wired."""
    return "the generator, its 'frames' 0, makes the whole driving video it is given on 'driving'" if "driving" in wired \
        else None


def _whole_clip_count(wf, node: CNode) -> tuple[CNode, str, CNode] | None:
    """(the info node, its output's name, the loader) where WanSCAILToVideo ``node``'s length is the count of the
    frames the loader gives (a video information node's 'loaded' frame count: its one socket the loader's information,
    by declared types) and its pose_video is that very loader's pictures; else None (heldout62 06, left10)."""
    link, pose = node.links.get("length"), wf.source(node, "pose_video")
    info = wf.nodes.get(link[0]) if link is not None else None
    t = node_type(info.origin or info.cls) if info is not None else None
    if t is None or not t.outputs or not 0 <= link[1] < len(t.outputs) or len(t.sockets) != 1 or pose is None:
        return None
    out = t.outputs[link[1]]
    name = "".join(c for c in out.name if c.isascii()).strip().lower()  # ('loaded_frame_count🟦')
    src = info.links.get(t.sockets[0].name)
    if out.type != "INT" or name != "loaded_frame_count" or src is None or src[0] != pose.id:
        return None
    via, lt = node.links.get("pose_video"), node_type(pose.origin or pose.cls)
    outs = lt.outputs if lt is not None and lt.outputs else ()
    return (info, name, pose) if via is not None and 0 <= via[1] < len(outs) and outs[via[1]].type == "IMAGE" else None


def _given_count(wf, node: CNode) -> CNode | None:
    """The measuring node where WanSCAILToVideo ``node``'s length is the count of the very pictures its pose_video is
    given (its INT output 'batch_size' or 'count', its one picture input wired from pose_video's source: ComfyUI's
    GetImageSize in the SCAIL-2 blueprints), by declared types; else None."""
    link, via = node.links.get("length"), node.links.get("pose_video")
    info = wf.nodes.get(link[0]) if link is not None and via is not None else None
    t = node_type(info.origin or info.cls) if info is not None else None
    if t is None or not t.outputs or not 0 <= link[1] < len(t.outputs) or t.inputs is None:
        return None
    out = t.outputs[link[1]]
    pictures = [i for i in t.inputs if i.type == "IMAGE"]
    if out.type != "INT" or out.name.lower() not in ("batch_size", "count") or len(pictures) != 1 or \
            info.links.get(pictures[0].name) != via:
        return None
    return info


def scail2_settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """Fill ``params`` from WanSCAILToVideo ``node`` (``b``: the converter, for its workflow; ``continued``: later
    passes continue the output, ComfyUI's Extend); the LoRAs the Studio graph keeps (all of them)."""
    wf = b.wf
    params["mode"] = "replace" if wf.value(node, "replacement_mode") is True else "animate"
    for painter in comfy_masks.painters(b, node, tuple(PAINTING)):
        if painter.id not in b.used:
            said += comfy_masks.said(b, node, painter, params["mode"] == "replace")
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
                    f"Studio's SCAIL-2 node makes {params.get('width') or 512}x{params.get('height') or 896}; set "
                    "width and height (multiples of 32) for your clip")  # (its defaults where unset: heldout62 06)
    given = comfy_previous.given(b, node)  # frames made before, given by a file (the Extend blueprint's 'image')
    continued = continued or "previous_frames" in node.links and given is None
    restarts = comfy_segments.restarting(wf, node) if continued else []
    continued = continued and not restarts
    if continued:  # the Extend passes sample windows of this one take (mapping.settings: never "another take")
        b.continued.update(n.id for n in wf.nodes.values() if n.cls == node.cls and n.id != node.id and n.enabled
                           and "previous_frames" in n.links)
    params["frames"] = 0 if continued else (length if length is not None else params.get("window", 81))
    if given is not None:
        said.append(comfy_previous.said(node, given, params.get("overlap", 5)))
    if continued:
        said.append("ComfyUI continues the first segment with the frames it made (Extend); Studio's SCAIL-2 node "
                    f"makes the whole driving video as one take, in segments of {params.get('window', 81)} frames each "
                    f"carrying the last {params.get('overlap', 5)} of the one before")
    elif length is None and (counter := _given_count(wf, node)) is not None:  # (the blueprints: GetImageSize's)
        params["frames"] = 0
        said.append(f"WanSCAILToVideo's length is {counter.named()}'s count of the pictures given as its pose_video: "
                    "Studio's SCAIL-2 node, its 'frames' 0, makes every frame it is given on 'driving'")
    elif length is None and (counted := _whole_clip_count(wf, node)) is not None:  # (left10: heldout62 06)
        params["frames"] = 0
        said.append(f"WanSCAILToVideo's length comes from {counted[0].named()}'s {counted[1]}, the count of the frames "
                    f"{counted[2].named()} loads, the very clip given as its pose_video: Studio's SCAIL-2 node, its "
                    "'frames' 0, makes the whole driving video it is given, as the workflow's one take of the clip")
    elif length is None and "length" in node.links:  # a length worked out as it runs (heldout62 06: VHS_VideoInfo's
        src = wf.source(node, "length")  # frame count, one take in context windows): no segment of ComfyUI's
        said.append(f"WanSCAILToVideo's length comes from {src.named() if src is not None else 'another node'} when "
                    f"the workflow runs: not read; Studio's SCAIL-2 node makes the first {params['frames']} frames of "
                    "the driving video (set its 'frames' to the workflow's; 0: the whole driving video)")
    elif not restarts:  # (an Extend driven from the clip's start again: said by comfy_extend once it is made)
        said.append(f"ComfyUI's first segment: its first {params['frames']} frames of the driving video")
    for k, default in (("pose_strength", 1.0), ("pose_start", 0.0), ("pose_end", 1.0)):
        v = wf.value(node, k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != default:
            said.append(f"WanSCAILToVideo's {k} {v:g} is not applied: the release scales no pose latent")
    return loras


def first_segment_shared(b, key: frozenset) -> None:
    """After the pipeline of samplers ``key`` is made (``b``: the converter): when it and another SCAIL-2 pipeline
    are the first segment and its continuation (one's samplers a part of the other's: ComfyUI's Base pass, which
    its Extend pass continues), the first segment's output becomes the first frames of the whole take through a
    Time node (trim), and the generator made for it, with the nodes made only for it, is removed."""
    if b.made[key][1] != SCAIL2:
        return
    for other, (_g, task, _band, _save) in list(b.made.items()):
        if other == key or task != SCAIL2 or not (other < key or key < other):
            continue
        first, whole = (other, key) if other < key else (key, other)
        heads = _segments(b, first)
        conts = comfy_segments.restarting(b.wf, heads[0]) if len(heads) == 1 else []
        if len(conts) == 1 and comfy_extend.made(b, first, whole, conts[0]):
            return  # (an Extend driven from the clip's start again: its own take, continuing the first's)
        _trim_from_whole(b, first, whole)
        comfy_segments.widen(b, b.made[whole][0], _segments(b, whole))  # (each segment's pick: one take's frames)
        return


def _segments(b, samplers: frozenset) -> list[CNode]:
    """The WanSCAILToVideo nodes the ``samplers`` read, in id order."""
    found = {t.id: t for sid in sorted(samplers) if sid in b.wf.nodes
             and (t := task_node(b.wf, b.wf.nodes[sid], [])[0]) is not None and t.cls == "WanSCAILToVideo"}
    return [found[k] for k in sorted(found)]


def _trim_from_whole(b, first: frozenset, whole: frozenset) -> None:
    g = b.g
    gen0, _task, _band0, save0 = b.made[first]
    frames = int(g.nodes[gen0].params.get("frames") or 0)
    heads = _segments(b, first)
    if not frames and len(heads) == 1 and (picked := comfy_segments.pick(b.wf, heads[0])) is not None:
        frames = picked[2]  # (its 'frames' 0: every frame its pick gives it, at most)
    saves = first_saves(b, first)
    if not frames or not saves:
        return
    trim_first(b, first, whole, frames, saves, "First segment")
    band = b.made[whole][2]
    b.note(f"'{save0.title or save0.cls}': the first {frames} frames of the SCAIL-2 take, cut by a Time node (trim): "
           "ComfyUI's Extend pass continues its first segment, so that segment is the take's beginning; Studio makes "
           "it once", band)
    b.log(f"ComfyUI '{save0.title or save0.cls}' -> the first {frames} frames of the SCAIL-2 "
          "take (Time: trim), made once")


def _words(inputs, params) -> str:
    return f"character {'animation' if params.get('mode') == 'animate' else 'replacement'} (SCAIL-2)"


MAPPING = ComfyMapping(
    key="wan_scail", title="SCAIL-2",
    # Zhipu's SCAIL-2 (zai-org/SCAIL-2): the reference, the driving video ('pose_video') and the identity masks
    # (SCAIL2ColoredMask of SAM 3's tracks: Studio's Segment, painted by the node); replace/animate, window and
    # overlap read above. SCAIL-Preview (no masks: the WanVideoWrapper's SCAIL embeds) is comfy_preview.py's
    tasks={"WanSCAILToVideo": Task("character replacement (SCAIL-2)", SCAIL2,
                                   (("reference_image", "reference"), ("pose_video", "driving"),
                                    ("pose_video_mask", "driving_mask"), ("reference_image_mask", "reference_mask"),
                                    ("previous_frames", "previous")),
                                   "SCAIL-2"), **preview.TASKS},
    generators=(Generator(SCAIL2, settings=scail2_settings, made=first_segment_shared, describe=_words,
                          shift=SHIFT),  # (the scheduler parts.py gives ComfyUI's files)
                *preview.GENERATORS),
    # SCAIL-2's painting of SAM 3's tracks: Studio's SCAIL-2 node paints a mask itself (comfy_masks.py)
    passing=PAINTING,
    widgets={"WanSCAILToVideo": ("width", "height", "length", "batch_size", "pose_strength", "pose_start", "pose_end",
                                 "video_frame_offset", "previous_frame_count", "replacement_mode")},
    hooks={"comfy_ranges": RANGES,  # ComfyUI's declared ranges of WanSCAILToVideo (comfy_ranges.py)
           "zero_frames": _zero_frames})  # 'frames' 0: the whole driving video (left10, heldout62 06)
