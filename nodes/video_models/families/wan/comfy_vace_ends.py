"""WanVideoWrapper's WanVideoVACEStartToEndFrame read by what it declares (its inputs start_image, end_image,
control_images, inpaint_mask, num_frames, empty_frame_level, start_index, end_index; its outputs images and masks:
the wrapper's nodes.py, read for meaning): it makes VACE's control clip of num_frames frames, the start picture
first, the end picture last and frames of one grey level (empty_frame_level) between, and its masks (0 on the two
pictures: kept; 1 between: made). Fed to WanVaceToVideo's control_video and control_masks, that is Studio's Wan VACE
with keyframes at frame 0 and at the last frame: read so, never the start still given as both the control clip and
its mask. Given control_images too (the wrapper puts their frames, by index, on the frames no picture takes, masks 1
there), the same keyframes with that clip as Studio's control 'video' (left56: a start frame and a depth clip). Given
runs of a clip's frames (a loop bridge: comfy_vace_runs), Studio's Wan VACE keeping those runs. What
else it is given (an inpaint mask, other indices, another grey) Studio's keyframes do not make: said, naming the node
and its input. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import LOADER_NODES, find_loader, through
from studio.core.shown import number

from .comfy_vace_runs import read_runs

START_TO_END = "WanVideoVACEStartToEndFrame"
WIDGETS = ("num_frames", "empty_frame_level", "start_index", "end_index")  # its settings as a UI file saves them
MAX_STEPS = 16  # nodes passing the clip on, followed at most
GREY = 0.5  # Studio's Wan VACE's grey for the frames to make (vace.GREY)


def _settings(wf, n) -> dict:
    out = dict(n.widgets) if n.widgets else dict(zip(WIDGETS, n.raw)) if isinstance(n.raw, list) else {}
    for k in WIDGETS:
        if k in n.links:
            out[k] = wf.value(n, k)
    return out


def _clip_source(wf, node):
    """The node giving ``node``'s control_video, through nodes that pass the frames on unchanged in kind (one IMAGE
    socket, an IMAGE out, numbers besides: KJNodes' GetImageSizeAndCount measuring the clip on its way, heldout56 06,
    where the start picture was given as both the clip and its mask unsaid); read by declared types."""
    link = node.links.get("control_video")
    for _ in range(MAX_STEPS):  # (a chain of measures: a few at most)
        src = wf.nodes.get(link[0]) if link else None
        if src is None or src.cls == START_TO_END:
            return src
        k = through(src, link[1], "IMAGE")
        if k is None:
            return wf.source(node, "control_video")
        link = src.links.get(k)
    return wf.source(node, "control_video")


def _control_clip(b, src, inputs: dict, said: list[str]):
    """The clip ``src`` (a WanVideoVACEStartToEndFrame) is given on 'control_images', read as the generator's 'video'
    the way every intent input is (its file, the resizes and steps on its way made or said: the builder's intent), in
    place of what was read of the control clip before; (loader, slot, steps), or None where no file is behind it. The
    wrapper puts those frames, by index, on every frame no picture takes, masks 1 there: what Studio's Wan VACE does
    with its control 'video' and keyframes (frame i of the video; a keyframe's frame and mask 0 where one is)."""
    found = find_loader(b.wf, src, "control_images", set())
    if found is None or LOADER_NODES[found[0].cls][0] == "io.load_image":  # (one picture: the wrapper puts it on
        return None  # frame 0 alone, grey after it - not a control clip; said not made, as before)
    for line in [b.wired_without.pop("video", None), *b.way_said.pop("video", ())]:  # the earlier reading's, taken back
        if line in said:
            said.remove(line)
    b.intent(src, "control_images", "video", inputs, said)
    return inputs.get("video")


def read_ends(b, node, inputs: dict, said: list[str]) -> bool:
    """``node`` (a WanVaceToVideo) given its control clip and masks by WanVideoVACEStartToEndFrame: its start and
    end pictures as keyframes at 0 and 'last' (True); False when its control is not that node's."""
    wf = b.wf
    src, masks = _clip_source(wf, node), wf.source(node, "control_masks")
    if src is None or src.cls != START_TO_END:
        return False
    name = f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})"
    ends = [(k, find_loader(wf, src, k, b.used)) for k in ("start_image", "end_image") if k in src.links]
    w = _settings(wf, src)
    extra = [k for k in ("control_images", "inpaint_mask") if k in src.links]
    moved = [f"{k} {number(w[k])}" for k, d in (("start_index", 0), ("end_index", -1))
             if isinstance(w.get(k), (int, float)) and w[k] != d]
    if not extra and not moved and read_runs(b, node, src, name, w, inputs, said):  # runs of a clip's frames
        return True  # (comfy_vace_runs: Studio's Wan VACE keeping them at the take's start and end)
    plain = ends and not any(e is None or e[2] for _, e in ends) and not moved  # (only then read: its used marks)
    control = _control_clip(b, src, inputs, said) if plain and extra == ["control_images"] else None
    if control is not None:  # its control frames between the pictures: Studio's control 'video' (read below)
        extra = []
    if not ends or any(e is None or e[2] for _, e in ends) or extra or moved:  # not two plain pictures: the clip
        # it makes is not Studio's keyframes; what the generator is given said (never the start still as a mask)
        inputs.pop("video", None)
        inputs.pop("mask", None)
        why = ([f"its {' and '.join(extra)} (wired)"] if extra else []) + moved + (
            [f"its {k} not from a picture file Studio loads" for k, e in ends if e is None or e[2]] if ends else
            ["no start or end picture"])
        made = [p for p in ("a start picture" if "start_image" in src.links else "",
                            "its control_images' frames" if "control_images" in src.links else "grey frames",
                            "an end picture" if "end_image" in src.links else "") if p]
        said.append(f"Wan VACE's control clip and masks are made by {name} ({', '.join(made)}, and masks keeping the "
                    f"pictures) with {', '.join(why)}: Studio does not make that clip; "
                    "its Wan VACE is given neither 'video' nor 'mask' from it: load the pictures as its 'keyframe_1' "
                    "and 'keyframe_2' (keyframes '0, last') or wire a control clip and mask of your own")
        return True
    b.used.add(src.id)
    if masks is not None and masks.id == src.id:
        b.used.add(masks.id)
    inputs.pop("mask", None)
    if control is None:
        inputs.pop("video", None)
    for i, (k, e) in enumerate(ends, 1):
        inputs[f"keyframe_{i}"] = (e[0], e[1], ())
        b.keyframes.append("0" if k == "start_image" else "last")
    said[:] = [line for line in said if "'control_" not in line]
    level = w.get("empty_frame_level")
    count = w.get("num_frames")
    take = wf.value(node, "length")
    tail = []
    if isinstance(level, (int, float)) and abs(level - GREY) > 0.005:
        tail.append(f"its empty_frame_level {number(level)} (the grey of the frames between) is not taken: Studio's "
                    f"Wan VACE fills them with grey {number(GREY)}")
    if isinstance(count, (int, float)) and isinstance(take, (int, float)) and int(count) != int(take):
        tail.append(f"its num_frames {number(count)} is not the take's length {number(take)} "
                    f"({node.where('length')}): the end picture is put on the take's last frame")
    said.append(f"{name} makes Wan VACE's control clip and masks from "
                + " and ".join(f"'{b.file_of(e[0])}' ({k})" for k, e in ends)
                + (" with the frames of its control_images ('" + b.file_of(control[0]) + "'"
                   + "".join(f" through {n.shown_cls} (#{n.id})" for n in control[2]) + ") between"
                   if control is not None else " with grey frames between" if len(ends) == 2 else "")
                + ": read as Studio's Wan VACE keyframes ('keyframes' "
                + ", ".join("0" if k == "start_image" else "last" for k, _ in ends) + ")"
                + (" and its control 'video' (made on the frames between, masks 1 there; the node sizes its control "
                   "frames to the start picture and greys the frames past the control clip's end, Studio's take has "
                   "the control clip's size and length: the same where the two agree)" if control is not None else "")
                + ("; " + "; ".join(tail) if tail else ""))
    return True
