"""kijai's ComfyUI-LivePortraitKJ workflows (a picture animated by a driving clip) as Studio's Live Portrait:
Load Image (its resize steps as Scale) + Load Video -> Live Portrait -> Save Video. The chain is found from the
save back: pictures passed on as they are (measuring nodes), LivePortraitComposite, its LivePortraitProcess; the
process's 'source_image' from one Load Image and its 'driving_images' from one video loader, through picture steps
(an IMAGE in, an IMAGE out) Studio reads as resizes. The pack's node types are named: what its process, cropper and
composite do (a face crop by a detector, the release's motion, a paste-back in a mask) cannot be told from their
declared types. Read: 'stitching', 'relative_motion_mode' (relative: Studio's relative motion over all; off: the
driving pose alone, Studio's absolute motion over the pose), 'expression_friendly', the loader's precision and mode
(animal: the files in liveportrait/animal/). What Studio does otherwise is said naming the node and its input: the
crop (Studio takes the picture whole), the paste-back, lip zero, the retargeting, the pack's second stitching.
A source clip (the pack's video-to-video), a source made by a sampler, or any other shape is left to the other stages.
Facts from github:kijai/ComfyUI-LivePortraitKJ@4d9dc6205b793ffd0fb319816136d9b8c0dbfdff (nodes.py,
liveportrait/live_portrait_pipeline.py), read for names and behaviour only. Plain data: the builder makes the nodes."""
from __future__ import annotations

from studio.convert.api import (LOADER_NODES, CNode, ComfyMapping, Workflow, any_through, in_type, node_type,
                                passes_picture, scale_params)

from . import comfy_crop

PROCESS, COMPOSITE, CROPPER, RETARGET, MODELS = ("LivePortraitProcess", "LivePortraitComposite", "LivePortraitCropper",
                                                 "LivePortraitRetargeting", "DownloadAndLoadLivePortraitModels")
ENDS = ("VHS_VideoCombine",)  # a video of the composite's frames
MOST = 16  # nodes walked along one way


def _who(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _from(wf: Workflow, n: CNode | None, name: str) -> tuple[CNode | None, int]:
    s = n.links.get(name) if n is not None else None
    m = wf.nodes.get(s[0]) if s else None
    return (m, s[1]) if m is not None and m.enabled else (None, 0)


def _out_type(n: CNode, slot: int) -> str | None:
    t = node_type(n.shown_cls)
    outs = (t.outputs or ()) if t is not None else ()
    return outs[slot].type if 0 <= slot < len(outs) else None


def _picture_in(n: CNode) -> str | None:
    """The one IMAGE input ``n`` is given, else None."""
    ins = [k for k in n.links if in_type(n, k) == "IMAGE"]
    return ins[0] if len(ins) == 1 else None


def _passed_on(wf: Workflow, n: CNode, slot: int) -> str | None:
    """The input ``n`` gives on as it is at output ``slot`` (a measuring node's picture, a node passing anything)."""
    if passes_picture(n) and _out_type(n, slot) == "IMAGE":
        return _picture_in(n)
    return any_through(wf, n, slot)


def _composite(wf: Workflow, end: CNode) -> tuple[CNode, list[CNode]] | None:
    """The composite whose pictures ``end`` saves, with the nodes passing them on between."""
    m, slot = _from(wf, end, "images")
    passed: list[CNode] = []
    for _ in range(MOST):
        if m is None:
            return None
        if m.cls == COMPOSITE:
            return (m, passed) if slot == 0 else None
        k = _passed_on(wf, m, slot)
        if k is None:
            return None
        passed.append(m)
        m, slot = _from(wf, m, k)
    return None


def _loader(wf: Workflow, n: CNode, name: str, kind: str) -> tuple[CNode, int, list[CNode]] | None:
    """(the loader of ``kind`` input ``name`` of ``n`` comes from, its slot, the picture steps between, nearest the
    loader first): each step one IMAGE in and an IMAGE out (passing it on as it is, a resize Studio's Scale makes, or
    another step, said not applied)."""
    m, slot = _from(wf, n, name)
    steps: list[CNode] = []
    for _ in range(MOST):
        if m is None:
            return None
        if m.cls in LOADER_NODES:
            return (m, slot, steps[::-1]) if LOADER_NODES[m.cls][0] == kind and _out_type(m, slot) == "IMAGE" \
                else None
        k = "source_image" if m.cls == CROPPER and slot == 0 else _picture_in(m)  # (a cropper's crop: said)
        if k is None or _out_type(m, slot) != "IMAGE" or m.cls in (PROCESS, COMPOSITE):
            return None
        steps.append(m)
        m, slot = _from(wf, m, k)
    return None


def chain(wf: Workflow, end: CNode) -> dict | None:
    """The pack's animation ``end`` saves: {'end', 'passed', 'composite', 'process', 'source', 'driving'}, else None."""
    if end.cls not in ENDS or not end.enabled:
        return None
    found = _composite(wf, end)
    if found is None:
        return None
    comp, passed = found
    proc, slot = _from(wf, comp, "liveportrait_out")
    if proc is None or proc.cls != PROCESS or slot != 1:
        return None
    kind = "io.load_image"
    source = _loader(wf, proc, "source_image", kind)
    if source is None:  # a source clip: the pack's video to video
        kind = "io.load_video"
        source = _loader(wf, proc, "source_image", kind)
    driving = _loader(wf, proc, "driving_images", "io.load_video")
    back = _loader(wf, comp, "source_image", kind)  # the pictures pasted into: the same file's
    if source is None or driving is None or back is None or back[0] is not source[0]:
        return None
    return {"end": end, "passed": passed, "composite": comp, "process": proc, "source": source, "driving": driving,
            "clip": kind == "io.load_video"}


def _crops_source(wf: Workflow, c: dict, crop: CNode | None, animal: bool) -> bool:
    """Whether the process's cropper crops the process's own source (the same loader, the same steps), so Live
    Portrait makes its crop: a human face (Studio finds faces through people's whole-body poses)."""
    if crop is None or crop.cls != CROPPER or animal:
        return False
    mine = _loader(wf, crop, "source_image", "io.load_video" if c["clip"] else "io.load_image")
    theirs = [m.id for m in c["source"][2] if m is not crop]  # (the process given the cropper's own crop: the same)
    return mine is not None and mine[0] is c["source"][0] and [m.id for m in mine[2]] == theirs


def _upstream(wf: Workflow, n: CNode | None, name: str) -> list[CNode]:
    """Every enabled node input ``name`` of ``n`` is made from (bounded)."""
    first, _ = _from(wf, n, name)
    out, todo = [], [first] if first is not None else []
    while todo and len(out) < MOST:
        m = todo.pop(0)
        if m in out:
            continue
        out.append(m)
        todo += [x for k in m.links if (x := _from(wf, m, k)[0]) is not None]
    return out


def _read_elsewhere(wf: Workflow, n: CNode, readers: set[str]) -> bool:
    """Whether an enabled node besides ``readers`` reads an output of ``n`` (another output shows it)."""
    return any(m.enabled and m.id not in readers and any(src == n.id for src, _ in m.links.values())
               for m in wf.nodes.values())


def _settings(wf: Workflow, n: CNode, skip: tuple[str, ...] = ()) -> str:
    vals = [f"{k} {wf.value(n, k)}" for k in n.widgets if k not in skip and wf.value(n, k) is not None]
    if not vals and isinstance(n.raw, list) and n.raw:  # a UI node's values its type does not name
        return f" (its saved values: {', '.join(map(str, n.raw))})"
    return f" (its settings: {', '.join(vals)})" if vals else ""


def _crop(wf: Workflow, c: dict, p: dict, read: set[str], said: list[str], animal: bool) -> None:
    """The process's cropper: made as Live Portrait's crop (its settings into ``p``) where it crops the process's own
    source, else said not made; its face finder read."""
    proc = c["process"]
    crop, _ = _from(wf, proc, "crop_info")
    c["crop"] = _crops_source(wf, c, crop, animal)
    if crop is not None:
        detectors = [m for m in _upstream(wf, crop, "cropper") if m.cls not in LOADER_NODES]  # its face finder
        read |= {m.id for m in detectors} | ({crop.id} if not _read_elsewhere(wf, crop, {proc.id}) else set())
        c["said_crop"] = crop.id  # (said once: the same cropper on the picture's way is not said again)
        by = f" (with {', '.join(_who(m) + _settings(wf, m) for m in detectors)})" if detectors else ""
    if c["crop"]:
        more, lines = comfy_crop.settings(wf, crop)
        p.update(more, paste_back=True)
        said.append(comfy_crop.crop_sentence(wf, crop, detectors, _settings))
        said.extend(lines)
    elif crop is not None:
        why = (" in animal mode (Studio finds faces through people's whole-body poses)" if animal else
               " (its pictures are not the process's source as Studio reads it)")
        said.append(f"{_who(crop)}'s face crop{by} is not made{_settings(wf, crop)}{why}: Live Portrait takes the "
                    "whole picture as the face crop, so give it a picture cropped about the face")


def params_of(wf: Workflow, c: dict, said: list[str]) -> tuple[dict, set[str]]:
    """Live Portrait's settings read from the pack's nodes, what differs said; the ids of the nodes read."""
    proc, comp = c["process"], c["composite"]
    at = _who(proc)
    p: dict = {"size": "source"}  # the composite's frames are the source picture's size
    if c["clip"]:  # each source frame animated by the driving frame at its place (the pack's 'constant')
        p["source_clip"] = "each frame"
    read: set[str] = set()
    mode = str(wf.value(proc, "relative_motion_mode") or "relative")
    if mode == "off":  # the pack's 'off': the driving pose (rotation, translation), the source's expression and scale
        p.update(relative_motion=False, animation_region="pose")
    elif mode != "relative":
        said.append(f"{at}'s relative_motion_mode '{mode}' is the pack's own: Live Portrait's relative motion "
                    "(the release's default) is used")
    stitch = wf.value(proc, "stitching")
    p["stitching"] = stitch is not False
    if p["stitching"]:
        said.append(f"{at} runs the stitching network twice on each frame's keypoints (the pack's code); Live "
                    "Portrait runs it once, as the release does")
    if wf.value(proc, "expression_friendly") is True and p.get("relative_motion", True):
        p["driving_option"] = "expression-friendly"
    elif wf.value(proc, "expression_friendly") is True:
        said.append(f"{at}'s expression_friendly is not applied with relative_motion_mode 'off': Live Portrait's "
                    "expression-friendly option scales the relative motion (the release's)")
    mult = wf.value(proc, "expression_friendly_multiplier")
    if p.get("driving_option") and isinstance(mult, (int, float)) and mult != 1:
        said.append(f"{at}'s expression_friendly_multiplier {mult} is not applied: Live Portrait's expression-"
                    "friendly motion is the release's (its multiplier 1)")
    delta = wf.value(proc, "delta_multiplier")
    if isinstance(delta, (int, float)) and delta != 1:
        said.append(f"{at}'s delta_multiplier {delta} (the expression deltas scaled) is not applied: Live Portrait "
                    "has no such setting")
    if wf.value(proc, "lip_zero") is True:
        said.append(f"{at}'s lip_zero is not applied: the release's lip normalisation needs its face landmarks "
                    "(its landmark model, which Studio does not run)")
    if wf.value(proc, "mismatch_method") == "cut":
        said.append(f"{at}'s mismatch_method 'cut' (as many frames as source pictures) is not applied: Live "
                    "Portrait makes a frame for each driving frame")
    models, _ = _from(wf, proc, "pipeline")
    animal = False
    if models is not None and models.cls == MODELS:
        read.add(models.id)
        prec = wf.value(models, "precision")
        if prec in ("auto", "fp16", "fp32"):
            p["precision"] = prec
        animal = wf.value(models, "mode") == "animal"
        if animal:
            for part, name in (("appearance", "appearance_feature_extractor"), ("motion", "motion_extractor"),
                               ("warping", "warping_module"), ("generator", "spade_generator"),
                               ("stitching", "stitching_retargeting_module")):
                p[f"{part}_model"] = f"animal/{name}.safetensors"
        said.append(f"{_who(models)} downloads Kijai/LivePortrait_safetensors; Live Portrait reads its five files "
                    f"from a models folder's liveportrait/{'animal/' if animal else ''} (Studio never downloads)")
    _crop(wf, c, p, read, said, animal)
    retarget, _ = _from(wf, proc, "opt_retargeting_info")
    if retarget is not None:
        read |= {retarget.id} | {m.id for m in _upstream(wf, retarget, "driving_crop_info")
                                 if m.cls not in LOADER_NODES and not _read_elsewhere(wf, m, read | {retarget.id})}
        said.append(f"{_who(retarget)}'s eye and lip retargeting is not applied{_settings(wf, retarget)}: it needs "
                    "the release's face landmarks (its landmark model, which Studio does not run)")
    mask = _upstream(wf, comp, "mask")
    ids = {comp.id} | {m.id for m in mask}
    if not any(_read_elsewhere(wf, m, ids) for m in mask):  # (a mask another output shows: left to the others)
        read |= {m.id for m in mask}
    if c["crop"]:
        said.append(comfy_crop.composite_sentence(wf, comp, c["source"][0], c["clip"], mask, _settings))
    else:
        said.append(f"{_who(comp)} pastes the animated face back into {_who(c['source'][0])}'s picture"
                    + (" inside a mask" if mask else "") + ": not made, as Live Portrait makes no face crop here; "
                    "its frames are the whole picture animated, at its size")
    return p, read


def _rate(b, c: dict, node: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """The save's frame rate: a number set as Frame Rate (the frames kept); one wired from the driving clip's
    loader's info is that clip's own (kept); else said."""
    wf, end = b.wf, c["end"]
    v = wf.value(end, "frame_rate")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
        nid = b.add("edit.frame_rate", {"fps": float(v), "keep": "frames"}, end)
        b.g.connect(*node, nid, "video")
        return nid, "video"
    info, _ = _from(wf, end, "frame_rate")
    forced = wf.value(c["driving"][0], "force_rate")
    if info is not None and _from(wf, info, "video_info")[0] is c["driving"][0] and not forced:
        b.used.add(info.id)
        return node
    if info is not None:
        said.append(f"{_who(end)}'s frame_rate is wired from {_who(info)}: the clip keeps the driving clip's rate")
    return node


def make(b, c: dict) -> None:
    """Studio's nodes for one chain, made by the builder ``b``, said in the note and the Log."""
    wf, end, proc = b.wf, c["end"], c["process"]
    said: list[str] = []
    made = len(b.g.nodes)
    params, read = params_of(wf, c, said)
    ways, cropped = {}, {}
    for key, (loader, slot, steps) in (("source", c["source"]), ("driving", c["driving"])):
        wire = b.studio_loader(loader, slot)
        for s in steps:
            if _passed_on(wf, s, 0) is not None:  # passed on as it is
                continue
            if s.cls == CROPPER and key == "driving" and c["crop"] and s is steps[-1]:  # the release's driving crop
                cropped[key] = (s, wire)
                read.add(s.id)
                said.append(comfy_crop.driving_sentence(wf, s, proc, _settings))
                continue
            if s.cls == CROPPER:  # the pack's face crop of these pictures
                if s.id != c.get("said_crop") and s.id not in read:
                    read.add(s.id)
                    said.append(f"{_who(s)}'s face crop of {_who(proc)}'s '{key}_image"
                                f"{'s' if key == 'driving' else ''}' is not made{_settings(wf, s)}: Live Portrait "
                                "takes each picture whole as the face crop")
                continue
            if scale_params(wf, s) is not None:  # a resize of fixed size: Studio's Scale
                wire = b.step(s, wire)
                continue
            said.append(f"{_who(s)}, a step on the way to {_who(proc)}'s '{key}_image{'s' if key == 'driving' else ''}', "
                        f"is not applied{_settings(wf, s)}: Live Portrait is given the pictures before it")
        ways[key] = wire
    node = b.add("portrait.live_portrait", params, proc)
    b.g.connect(*ways["source"], node, "source")
    b.g.connect(*ways["driving"], node, "driving")
    models: dict = {}  # (one Load Preprocessor of each kind for both)
    if c["crop"]:  # the faces Live Portrait crops about, found on the same pictures
        b.g.connect(comfy_crop.wire_faces(b, ways["source"], wf.nodes[c["said_crop"]], models), "pose", node,
                    "source_pose")
    if "driving" in cropped:
        b.g.connect(comfy_crop.wire_faces(b, cropped["driving"][1], cropped["driving"][0], models), "pose", node,
                    "driving_pose")
    last = _rate(b, c, (node, "video"), said)
    save = b.add("io.save_video", {"path": b.save_path(end)}, end)
    sound, slot = _from(wf, end, "audio")
    if sound is None:  # the save writes no sound (rejudge15: 48/12's driving clip's sound was written)
        mute = b.add("edit.replace_audio", {}, end, title="No sound")
        b.g.connect(*last, mute, "video")
        last = (mute, "video")
    b.g.connect(*last, save, "video")
    if wf.value(end, "pingpong") is True:
        said.append(f"{_who(end)}'s pingpong (the frames played forward then back) is not made: Save Video writes "
                    "them once, forward")
    fmt = wf.value(end, "format")
    if isinstance(fmt, str) and fmt != "video/h264-mp4":
        said.append(f"{_who(end)} saves '{fmt}': Save Video writes an H.264 MP4")
    if sound is not None and sound.cls in LOADER_NODES and LOADER_NODES[sound.cls][0] == "io.load_audio":
        b.g.connect(*b.studio_loader(sound, slot), save, "audio")  # a sound file of its own: muxed as there
        b.used.add(sound.id)
    elif sound is not None and sound is not c["driving"][0]:
        said.append(f"{_who(end)}'s 'audio' from {_who(sound)} is not carried: Studio's Save Video carries the "
                    "driving clip's own sound, if it has any")
    elif sound is None:
        said.append(f"the workflow writes the video without sound ({_who(end)} is given no 'audio'): Replace Audio "
                    "with no sound goes before Save Video, so the driving clip's own sound is not written")
    b.used |= {end.id, proc.id, c["composite"].id, c["source"][0].id, c["driving"][0].id} | read \
        | {n.id for n in c["passed"] + c["source"][2] + c["driving"][2]}
    b.bands.append(list(b.g.nodes)[made:])
    b.note("\n".join([f"Converted from ComfyUI ({b.name}), output {_who(end)}: {_who(proc)} as Live Portrait"]
                     + [f"- {s}" for s in said]), len(b.bands) - 1)
    b.task_made("portrait animation (LivePortrait)", "LivePortrait", "portrait.live_portrait", ["image", "video"])
    b.log(f"ComfyUI {_who(end)} -> Load {'Video' if c['clip'] else 'Image'} + Load Video -> Live Portrait"
          f"{' (with Detect People + Pose Estimate)' if c['crop'] else ''} -> Save Video")
    for s in said:
        b.log(s)


def _whole(b, n: CNode) -> bool:
    c = chain(b.wf, n)
    if c is None:
        return False
    make(b, c)
    return True


MAPPING = ComfyMapping(key="liveportrait", title="LivePortrait", hooks={"whole": _whole})
