"""ComfyUI's video utilities as Studio's own nodes: an output fed from a Load Video through SAM 3
(Segment by phrase), Depth Anything (Depth), SDPose / DWPose (Detect People + Pose Estimate + Draw
Pose), RIFE or FILM (Interpolate Frames: the same .safetensors, ComfyUI's frame_interpolation/) or
another pack's VFI (Frame Interpolation) or an upscale model (Upscale Video) becomes Load Video ->
those nodes -> Save Video (or a Preview for a mask). Each preprocessor's model is chosen on Studio's
Load Preprocessor (a Hugging Face folder): ComfyUI's single file is named in the note, not set
(another format). An upscaler file is the same file in both (ComfyUI's upscale_models/, read by
spandrel): Upscale Video is given its name.

Plain data: the builder (mapping.convert._Builder) makes the nodes; nothing of ComfyUI is run."""
from __future__ import annotations

import re

from studio.core.shown import cut, listed_whole, number, rounded

from ..reading import loaded_clip
from ..reading.workflow import CNode, Workflow
from . import clip_own_rate, clips_join, clips_transition, made_sound, pose_found, resize, scaled_only, stills_clip
from . import folder_way, sound_effects, split_way, tiled_upscale
from .core import as_mp4
from .declared import BETWEEN, Sockets, factor_setting, not_taken, phrase_setting, rate_pair, utility_by_types
from .save_paths import own_path
from .soundless import writes_none
from .own_upscaler import upscale_node
from .unnamed_model import model_loader

# ComfyUI node type -> (what it does, Studio's kind of preprocessor or None)
UTILITIES = {
    "SAM3_Detect": ("segment by phrase (SAM 3)", "segment"),
    "SAM3_VideoTrack": ("segment by phrase (SAM 3)", "segment"),
    "DA3Inference": ("depth (Depth Anything 3)", "depth"),
    "DepthAnything_V2": ("depth (Depth Anything V2)", "depth"),
    "DepthAnythingV2Preprocessor": ("depth (Depth Anything V2)", "depth"),
    "DepthAnythingPreprocessor": ("depth (Depth Anything)", "depth"),
    "SDPoseKeypointExtractor": ("pose (SDPose)", "pose"),
    "DWPreprocessor": ("pose (DWPose)", "pose"),
    "SDPoseDrawKeypoints": ("draw the pose", None),
    "FrameInterpolate": ("frame interpolation", None),
    "FILM VFI": ("frame interpolation (FILM)", None),
    "RIFE VFI": ("frame interpolation (RIFE)", None),
    "ImageUpscaleWithModel": ("upscale (learned upscaler)", None),
    "Canny": ("edges (Canny)", None),  # ComfyUI's core Canny: Studio's Edges (OpenCV's Canny) at its thresholds
}


def utility(n: CNode | str, wf: Workflow | None = None) -> tuple[str, str | None] | None:
    """What a utility node does: told by what its pack declares (declared.utility_by_types: GIMM-VFI, any pack's
    interpolation, learned upscale, depth, pose, segmentation by phrase), in UTILITIES' words where it lists it; a
    node the catalogue lacks by UTILITIES or a '... VFI' name (ComfyUI-Frame-Interpolation's GMFSS, IFRNet, AMT...:
    Studio's flow-based Frame Interpolation, said); None otherwise. ``n``: the node (a type's name: by name alone)."""
    cls = n if isinstance(n, str) else n.cls
    if cls in UTILITIES:
        return UTILITIES[cls]
    if (found := utility_by_types(CNode("", cls) if isinstance(n, str) else n, wf)) is not None:
        return found
    if not isinstance(n, str) and scaled_only.reads(n, wf):  # an upscale by a method Studio lacks: Scale (scaled_only)
        return f"scale ({n.shown_cls})", None
    return (f"frame interpolation ({cls[:-4].strip() or cls})", None) if is_vfi(cls) else None


def job(what: str, kind: str | None) -> str:
    """What Studio makes for a utility of ``utility``'s words: its preprocessor kind, 'draw', 'upscale' or
    'interpolate'."""
    return kind or ("draw" if what == UTILITIES["SDPoseDrawKeypoints"][0] else "upscale" if what.startswith("upscale")
                    else "scale" if what.startswith("scale (")
                    else "edges" if what.startswith("edges") else "interpolate" if what.startswith("frame interpolation")
                    else "")


def is_vfi(cls: str) -> bool:
    """A frame-interpolation pack's node: ComfyUI-Frame-Interpolation names each network's node '<NAME> VFI'."""
    return cls.endswith(" VFI")


ENDS = ("SaveVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine", "MaskPreview",
        "PreviewImage", "SaveImage")
FOLLOW = ("video", "images", "image2", "image", "input", "keypoints", "da3_geometry", "mask", "frames")
VIDEO_FILES = ("LoadVideo", "VHS_LoadVideo", "VHS_LoadVideoPath")
THROUGH = ("GetVideoComponents", "Reroute")  # on the way, passing the loaded frames on as they are
RATES = {"VHS_VideoCombine": "frame_rate", "CreateVideo": "fps", "SaveAnimatedWEBP": "fps", "SaveAnimatedPNG": "fps",
         "SaveWEBM": "fps"}  # a rate the frames are written at, where the way sets one (not the clip's own, wired)
CLIPS = ("video", "depth")  # what a way gives that Save Video writes as a clip (a depth clip: the frames' own rate)
RIFE_DEFAULT = "rife_v4.26.safetensors"  # set where a workflow's interpolation file is not a .safetensors
FILM_DEFAULT = "film_net_fp16.safetensors"  # the same, where its name says FILM


def back_along(wf: Workflow, end: CNode, limit: int = 64):
    """The nodes from output ``end`` back along the take's way (each node's first input of FOLLOW, else its one
    picture socket as declared), nearest first;
    ending at a node with none, at one seen again (a loop) or with ``limit`` nodes walked (``end`` counted)."""
    node, seen = end, {end.id}
    while len(seen) < limit:
        name = (next((k for k in FOLLOW if k in node.links and not _selects(node, k)), None)
                or Sockets(node).picture_input(node.links)
                or ((j := clips_transition.joined(wf, node)) and j.parts[0][0]))  # a transition: its first clip
        node = wf.source(node, name) if name else None
        if node is None or node.id in seen:
            return
        seen.add(node.id)
        yield node


def _selects(n: CNode, name: str) -> bool:
    """``name`` is a mask ``n`` chooses its pictures' places with, not what it gives (heldout47 10: Champ's DensePose
    pictures composited where a depth-made mask says, ImageCompositeMasked's 'mask' followed, wrote the depth as that
    preview and its own depth preview 'not made'): a MASK socket of a node declaring a wired picture socket beside it
    and giving pictures first; its way is its pictures' (one of them), else it has none."""
    s = Sockets(n)
    return (s.ins.get(name) == "MASK" and bool(s.outs) and s.outs[0] == "IMAGE"
            and any(v == "IMAGE" and k in n.links for k, v in s.ins.items()))


def utility_path(wf: Workflow, end: CNode) -> list[CNode] | None:
    """The nodes from an output back to its Load Video (output first) when a utility is on the
    way; None otherwise."""
    path = [end]
    for node in back_along(wf, end):
        if samples(wf, node):  # (a generator on the way: the output is its take, not a utility's of the clip)
            return None
        path.append(node)
        if node.cls in VIDEO_FILES or stills_clip.parts(wf, node) or folder_way.starts(node):  # (loaded pictures
            # joined: heldout68 07; a folder of pictures: heldout118 05)
            return path if any(utility(n, wf) or clips_join.joined_files(wf, n) or clips_transition.made(wf, n)
                               or _family_step(n) or tiled_upscale.reads(wf, n) for n in path) \
                or made_sound.maker(wf, end, path) else None
    return None


SAMPLING = ({"MODEL", "CONDITIONING"}, {"SAMPLER", "SIGMAS"}, {"GUIDER"})  # what a sampler is wired (one of them)


def samples(wf: Workflow, n: CNode) -> bool:
    """``n`` makes its pictures by sampling a diffusion model, told by its declared sockets: it is wired a MODEL and a
    CONDITIONING, a SAMPLER and SIGMAS, or a GUIDER (a utility Studio makes, SAM 3's segmenting, aside; a plot of
    sigmas, wired SIGMAS alone, is none). Such a node on a clip's way to an output is a generator, not a step of that
    clip (heldout72 04: a pack's one-node SCAIL-2 sampler between a loaded clip and GIMM-VFI was said 'a step ... not
    applied' and the clip itself interpolated as the output, the take lost)."""
    if not n.enabled or utility(n, wf) or tiled_upscale.reads(wf, n):  # (a tiled diffusion upscale: a step of the
        return False  # clip, its model and prompts redrawing it: Tiled Diffusion Upscale)
    s = Sockets(n)
    wired = {t for k, t in s.ins.items() if k in n.links}
    return any(kinds <= wired for kinds in SAMPLING)


def _family_step(n: CNode) -> bool:
    """A step a family makes on a utility's way (the 'way_steps' hook: SeedVR2's upscale), which makes the way one on
    its own (heldout35 05: a VHS clip -> ImageScaleBy -> the pack's SeedVR2 upscale -> VHS_VideoCombine was held,
    "Studio cannot convert 'SeedVR2VideoUpscaler'", with nothing after it to interpolate)."""
    from ..families import registry as families
    return n.enabled and n.cls in families.lookup("way_steps")


def make_utility(b, end: CNode, path: list[CNode]) -> None:
    """Studio's nodes for ``path`` (its Load Video, utilities, output) by ``b``; what differs said in note and Log."""
    wf, said, first = b.wf, [], len(b.g.nodes)
    loader = path[-1]
    (stills, cur), out = stills_clip.start(b, loader, said, _loaded), "video"  # loaded pictures, else a Load Video
    clip, steps, rate = cur, [], None
    for n in reversed(path[:-1]):
        if out == "video" and (joined := _clips_joined(b, n, cur, loader, said, steps)) is not None:
            cur = joined  # loaded clips side by side or joined by a transition
            continue
        found = utility(n, wf)
        if found is None and out == "video" and (made := _way_step(b, n, (cur, out), said)) is not None:
            (cur, out), clip = made, _cut(b, made[0], clip)  # a pack's step a family makes on this way (SeedVR2's)
            spec = b.g.nodes[cur].spec
            steps.append(f"{getattr(spec, 'title', None) or b.g.nodes[cur].type_id} ({n.shown_cls}, #{n.id})")
            continue
        if found is None:
            if n.cls in RATES or n.cls in THROUGH:
                b.used.add(n.id)
                rate = _rate(wf, n) or rate
            else:  # a step on the way Studio makes nothing for here (a pack's upscaler): said, passed over
                b.over[n.id] = _step(wf, n, loader, end)
            continue
        b.used.add(n.id)
        what, kind = found
        does = job(what, kind)
        if (out == "pose") != (does == "draw") or out == "mask":  # not what its Studio node reads
            said.append(f"{what}: not made (it reads a {out}, which Studio's node for it does not take)")
            continue
        steps.append(what)
        model = model_of(wf, n, b.used)
        said += model_lines(wf, n, what, model, kind)  # (its model; a depth estimator's own settings: heldout57 03)
        if kind == "segment":
            cur, out = _segment(b, n, (cur, out), said), "mask"
        elif kind == "depth":
            cur, out = depth_node(b, n, (cur, out)), "depth"
        elif kind == "pose":
            cur, out = pose_nodes(b, n, (cur, out), (clip, "video")), "pose"
            said += [x for x in [pose_found.said(n)] if x]  # (a face-only DWPose: heldout47 06)
        elif does == "draw":
            cur, out = wired_node(b, "preprocess.draw_pose", {}, n, (cur, out, "pose"), (clip, "video", "like")), "video"
        elif does == "upscale":
            cur, out = upscale_node(b, n, what, model, said, (cur, out, "video")), "video"  # (own_upscaler)
        elif does == "scale":  # an upscale by a method Studio lacks, made as Scale (scaled_only)
            cur, out = scaled_only.node(b, n, (cur, out), said) or cur, "video"
        elif does == "edges":  # (a clip's edges: heldout57 03's canny pass, its list round trip read away)
            cur, out = wired_node(b, "control.edges", edge_levels(wf, n), n, (cur, out, "video")), "video"
        else:  # frame interpolation
            cur, out = interpolation_node(b, n, what, model, said, (cur, out, "video")), "video"
    if rate is None and out in CLIPS and _rate(wf, end) is None:  # the loaded clip's own rate (heldout35 05)
        said += _own_rate(b, end, loader, stills, first)
    generator = _saved(b, end, path, (cur, out, clip), rate, said, stills, steps)
    b.used |= {end.id, loader.id}
    b.bands.append(list(b.g.nodes)[first:])
    b.note("\n".join([f"Converted from ComfyUI ({b.name}), output '{end.title or end.shown_cls}' (#{end.id}): "
                      + " -> ".join(steps)] + [f"- {s}" for s in said]), len(b.bands) - 1)
    b.out.tasks.append({"task": " + ".join(steps), "family": "utility", "generator": generator,
                        "inputs": ["images" if stills or folder_way.starts(loader) else "video"]})
    b.out.log.append(f"{b.name}: ComfyUI '{end.title or end.shown_cls}' -> {folder_way.started(stills, loader, stills_clip.started(stills))} -> "
                     + " -> ".join(steps))


def _saved(b, end: CNode, path: list[CNode], made: tuple[str, str, str], rate: tuple | None, said: list[str],
           stills: list | None, steps: list[str]) -> str | None:
    """The way's output (_output) of ``made`` (the node, its output, the loaded clip's node), with the clip's sound made
    for it where a sound maker's is written there (made_sound: MMAudio); that generator's Studio type, or None."""
    cur, out, clip = made
    save = _output(b, end, cur, out, rate, said, sound=not stills and not folder_way.starts(path[-1]))
    if save is None or stills or (maker := made_sound.maker(b.wf, end, path)) is None:
        return None
    said += made_sound.make(b, maker, path[-1], (clip, "video"), save)  # the clip's sound made for it (MMAudio)
    sound_effects.said(b, end, maker)  # (a change of that sound before the output: not applied, said)
    steps.append("sound (MMAudio)")
    return made_sound.NODE


def _own_rate(b, end: CNode, loader: CNode, stills: list | None, first: int) -> list[str]:
    """The sentences of the rate a way's frames keep where nothing on it sets one: pictures' (stills_clip), else the
    loaded clip's own (clip_own_rate)."""
    if stills:
        return stills_clip.rate_lines()
    if folder_way.starts(loader):  # (a folder of pictures: Load Image Sequence's own rate, heldout118 05)
        return folder_way.rate_lines()
    return clip_own_rate.kept(b, end, RATES.get(end.cls), loader, list(b.g.nodes)[first:]) or _clips_rate(b.wf, end)


def _clips_joined(b, n: CNode, cur: str, loader: CNode, said: list[str], steps: list[str]) -> str | None:
    """The node giving loaded clips ``n`` joins (side by side: heldout22 03; by a transition inserted between them:
    fx3; one Studio has no like of passed over, said, the way going on with the first clip), or None for another."""
    if (parts := clips_join.joined_files(b.wf, n)) is not None:
        steps.append("side by side")
        return clips_join.make(b, n, parts, (cur, "video"), loader, _loaded, said)
    if (j := clips_transition.joined(b.wf, n)) is None:
        return None
    if j.missing:
        b.over[n.id] = clips_transition.not_made(n, j) + " (the way goes on with the first clip alone)"
        return cur
    steps.append("transition")
    return clips_transition.make(b, n, j, (cur, "video"), loader, _loaded, said)


def _loaded(b, loader: CNode, said: list[str]) -> str:
    """Studio's Load Video of ``loader`` as a generator's input has it (the builder's studio_loader: its frame pick
    kept by a Trim, its other settings said not applied: unsaid on this way before heldout15 11), those sentences
    put in ``said``; the node giving its frames."""
    before = len(b.refused)
    cur, _ = b.studio_loader(loader)
    said.extend(b.refused[before:])
    del b.refused[before:]
    return cur


def _segment(b, n: CNode, video: tuple[str, str], said: list[str]) -> str:
    """Studio's Segment of ``video`` by ``n``'s phrase (its conditioning's text, else its own setting), its model on a
    Load Preprocessor; the phrase missing said."""
    phrase = phrase_of(b.wf, n, b.used) or phrase_setting(n)
    if not phrase:
        said.append("the phrase to segment is not written in the workflow: set Segment's 'phrase'")
    return wired_node(b, "preprocess.segment", {"phrase": phrase}, n, (*video, "video"),
                      (b.add("preprocess.load", {"kind": "segment"}, n), "model"))


def _cut(b, made: str, clip: str) -> str:
    """The clip a sound made for it reads: ``made`` where that step cuts the clip's frames (a Trim: heldout84 12, the
    frames from the second on), else ``clip`` as it was."""
    return made if b.g.nodes[made].type_id == "transform.trim" else clip


def _way_step(b, n: CNode, wire: tuple[str, str], said: list[str]) -> tuple[str, str] | None:
    """Studio's node a family makes for ``n`` on the way (the 'way_steps' hook), or its Scale for a resize, or None."""
    from ..families import registry as families
    if (tiled := tiled_upscale.make(b, n, wire, said, way=True)) is not None:  # a tiled diffusion upscale (by types)
        return tiled
    if (split := split_way.on_way(b, n, wire, said)) is not None:  # a split of the frames (by types: heldout84)
        return split
    step = families.lookup("way_steps").get(n.cls) if n.enabled else None  # else ComfyUI's resize of the frames:
    return step(b, n, wire, said) if step is not None else resize.on_way(b, n, wire, said)  # Studio's Scale (heldout26 06)


def _output(b, end: CNode, cur: str, out: str, rate: tuple | None, said: list[str], sound: bool = True,
            clip: bool = False) -> str | None:
    """The way's output: a Preview of a mask or a pose (or of a picture saved), else a Save Video, the frames written
    at the rate the way sets (Studio's Frame Rate before it, said); the Save Video made, or None. ``clip``: ``out`` is
    a clip whatever its name (a Video output of a node made for a generator's input: Face Crops' 'face')."""
    if end.cls in ("MaskPreview", "PreviewImage", "SaveImage") or out in ("mask", "pose"):
        b.g.connect(cur, out, b.add("io.preview", {}, end), "value")
        return None
    clip = clip or out in CLIPS  # (a depth clip is a video too, the loaded clip's rate and sound carried: heldout47 10)
    odd = b.wf.value(end, RATES[end.cls]) if end.cls in RATES and RATES[end.cls] not in end.links else None
    if clip and odd is not None and _rate(b.wf, end) is None:  # a template's placeholder ('PARAM_INT_FPS'):
        said.append(f"'{end.title or end.cls}' (#{end.id})'s {RATES[end.cls]} {cut(str(odd), 60)!r} is not a rate "
                    "Studio can take: not applied, the frames written at the rate they reach Save Video with (set a "
                    "Frame Rate before it to the workflow's)")  # (dropped unsaid before heldout22 01)
    rate = _rate(b.wf, end) or rate
    if rate is not None and clip:  # the frames written at the way's rate, as ComfyUI writes them
        cur = wired_node(b, "edit.frame_rate", {"fps": rate[0]}, rate[1], (cur, out, "video"))
        out = "video"
        said.append(f"'{rate[1].title or rate[1].cls}' (#{rate[1].id}) writes the frames at {rate[0]:g} fps "
                    "(its own rate, whatever the clip's): Studio's Frame Rate before Save Video does the same")
    if clip and sound and (why := writes_none(b.wf, end)):  # the loaded clip's sound not written (heldout11 11)
        cur = wired_node(b, "edit.replace_audio", {}, end, (cur, out, "video"))
        out = "video"
        said.append(f"the workflow writes the video without sound ({why}): Replace Audio with no sound goes before "
                    "Save Video, so the loaded clip's own sound is not written")
    said += _written(b.wf, end) if clip else []
    save = b.add("io.save_video", {"path": own_path(b, end)}, end)
    b.g.connect(cur, out, save, "video")
    return save


def clip_save(b, end: CNode, cur: str, out: str, clip: bool = False, rate: tuple | None = None) -> list[str]:
    """A Save Video for ``end`` of the clip ``cur`` gives on ``out`` (a depth or picture clip), written as a way's
    output is (_output): at the rate ``end`` sets (Studio's Frame Rate before it) and without a sound it does not write
    (Replace Audio); the sentences saying so. (rejudge11: a preview of the depth step a generator's control is made of,
    made a Save Video of that step, wrote the loaded clip's rate and sound where ComfyUI writes 16 fps and none.)"""
    said: list[str] = []
    _output(b, end, cur, out, rate, said, clip=clip)
    return said


def rate_of(wf: Workflow, n: CNode) -> tuple[float, CNode] | None:
    """(the rate ``n`` writes frames at, ``n``) where it sets a number (_rate), else None."""
    return _rate(wf, n)


def _written(wf: Workflow, end: CNode) -> list[str]:
    """What the way's save writes that Studio's Save Video (an H.264 MP4 into out/) does not, said as a generator's
    save says it (finishing.finish; heldout41 02: a GIF preview of an interpolated clip written as an MP4 unsaid)."""
    who, said = f"'{end.title or end.shown_cls}' (#{end.id})", []
    kind = as_mp4(wf, end)
    if kind:
        said.append(f"{who} is written as an MP4 video, not as {kind}: Studio writes none")
    if end.cls == "VHS_VideoCombine" and wf.value(end, "save_output") is False:
        said.append(f"{who} only previews its video in ComfyUI (its save_output off: a file in ComfyUI's temp folder): "
                    "Studio's Save Video writes it into out/")
    return said


def written_lines(wf: Workflow, end: CNode) -> list[str]:
    """What ``end`` writes that Studio's Save Video does not (a format, a preview only), in words (_written)."""
    return _written(wf, end)


def _clips_rate(wf: Workflow, end: CNode) -> list[str]:
    """The sentence of ``end``'s rate worked out only from a clip read beside the workflow and not the clip's own
    rate as clip_own_rate reads it (a sum of it): not taken (_rate), said; [] else."""
    k = RATES.get(end.cls)
    if k is None or k not in end.links or not loaded_clip.from_clips(wf, lambda: wf.value(end, k)):
        return []
    return [f"'{end.title or end.cls}' (#{end.id})'s '{k}' is worked out from the clip read beside the workflow "
            f"({number(wf.value(end, k))}; another clip of that name would give another): not taken as a rate of its "
            "own, the frames written at the rate they reach Save Video with"]


def _rate(wf: Workflow, n: CNode) -> tuple[float, CNode] | None:
    """(the rate ``n`` writes frames at, ``n``) where it sets a number (RATES; one wired from the clip: None, also
    where only the clip's file read beside the workflow gives it a number: the clip's rate, not the output's own,
    kept as the clip's where clip_own_rate reads it, else not taken as before)."""
    if n.cls in RATES and RATES[n.cls] in n.links and loaded_clip.from_clips(wf, lambda: wf.value(n, RATES[n.cls])):
        return None
    v = wf.value(n, RATES[n.cls]) if n.cls in RATES else None
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 240
    return (float(v), n) if ok else None


def _step(wf: Workflow, n: CNode, loader: CNode, end: CNode) -> str:
    """The sentence of a node on a utility's way that Studio makes nothing for (found by the tenth held-out set: a
    SeedVR2 upscale between a Load Video and RIFE, taken as read without a word); a wired setting said as the value
    wired in where Studio works it out (the sentence checks found a saved 512 said where 480 is wired)."""
    said = {k: (v if k not in n.links else w if (w := wf.value(n, k)) is not None else "(wired)")
            for k, v in n.settings().items()}
    settings = listed_whole([f"{k} {rounded(v)}" for k, v in said.items()])
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}), a step on the way from '{loader.title or loader.cls}'"
            f" (#{loader.id}) to '{end.title or end.shown_cls}' (#{end.id}): not applied, Studio makes no node for it on this "
            "way" + (f" (its settings: {settings})" if settings else ""))


def multiplier(wf: Workflow, n: CNode):
    """How many frames a frame interpolation makes of each: its declared factor setting ('multiplier',
    'interpolation_factor'...; one of frames between two: that plus one), 2 where none is saved."""
    if (rates := rate_pair(Sockets(n))) is not None and not factor_setting(Sockets(n)):
        return rated(wf, n, rates)
    setting = factor_setting(Sockets(n)) or "multiplier"
    v = wf.value(n, setting)
    v = n.widgets.get(setting) if v is None else v
    if setting in BETWEEN and isinstance(v, (int, float)) and not isinstance(v, bool):
        return v + 1
    raw = n.raw if isinstance(n.raw, list) else []
    # a UI file's values by place: ComfyUI-Frame-Interpolation's nodes save ckpt_name, clear_cache_after_n_frames,
    # multiplier first
    placed = raw[2] if len(raw) >= 3 and isinstance(raw[0], str) else (raw[0] if raw else None)
    return v or placed or 2


def rated(wf: Workflow, n: CNode, rates: tuple[str, str]) -> float:
    """The frames an interpolation told by its rates (declared.rate_pair) makes of each: its target rate over its
    source rate, as saved (a wired rate worked out where constant); 2 where either is not a positive number."""
    src, dst = (wf.value(n, k) for k in rates)
    ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in (src, dst))
    return float(dst) / float(src) if ok else 2


def interpolation_node(b, n: CNode, what: str, model: str | None, said: list[str], wire) -> str:
    """ComfyUI's FrameInterpolate (its file from FrameInterpolationModelLoader) -> Interpolate Frames
    with that file and multiplier: a RIFE 4.25 / 4.26 or FILM .safetensors is the same file in both
    (frame_interpolation/; the node tells the network from the file). Another pack's interpolation (its
    .pth files, or a network of its own: GIMM-VFI's .safetensors) -> the flow-based Frame Interpolation, the
    settings it does not take said."""
    wf = b.wf
    raw = n.raw if isinstance(n.raw, list) else []
    factor = multiplier(wf, n)
    name = model or str(n.widgets.get("ckpt_name") or n.widgets.get("model_name")  # (GACLove's RIFE: model_name)
                        or (raw[0] if raw and isinstance(raw[0], str) else ""))
    low = name.lower()
    if n.cls != "FrameInterpolate" and not (low.endswith(".safetensors") and ("rife" in low or "film" in low)):
        src = model_loader(wf, n) if model else None
        by = (f": '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}), which loads it for "
              f"{n.where(next(k for k in n.links if wf.source(n, k) is src))}, is not loaded (Studio's node needs no "
              "model)") if src else ""
        said.append(f"{what}: Studio interpolates by optical flow, not with ComfyUI's network ('{name or '?'}'){by}")
        if (line := not_taken(n, what, ("ckpt_name", "model_name", *(rate_pair(Sockets(n)) or ()),
                                        factor_setting(Sockets(n)) or "multiplier"))) is not None:
            said.append(line)
        return wired_node(b, "motion.interpolate", {"factor": factor}, n, wire)
    mult = max(2, min(16, int(round(float(factor)))))
    if not low.endswith(".safetensors"):
        name = FILM_DEFAULT if "film" in low else RIFE_DEFAULT
        said.append(f"{what}: '{n.widgets.get('ckpt_name') or model or '?'}' is not a .safetensors (Studio never "
                    f"opens a pickle), so Interpolate Frames is set to {name}: put it in a models "
                    "folder's frame_interpolation/, or use Frame Interpolation (optical flow)")
    return wired_node(b, "motion.interpolate_rife", {"model": name, "multiplier": mult}, n, wire)


def pose_nodes(b, at: CNode, video: tuple[str, str], clip: tuple[str, str] | None = None) -> str:
    """Studio's poses of the people in ``video`` (Detect People -> Pose Estimate, reading ``clip``, else ``video``),
    each model on a Load Preprocessor of its own: what ComfyUI's DWPose / OpenPose preprocessors find. The Pose
    Estimate node."""
    people = wired_node(b, "preprocess.detect_people", {}, at, (*video, "video"),
                   (b.add("preprocess.load", {"kind": "people"}, at), "model"))
    return wired_node(b, "preprocess.pose_estimate", {}, at, (*(clip or video), "video"), (people, "people", "people"),
                 (b.add("preprocess.load", {"kind": "pose"}, at), "model"))


OWN_FILE = re.compile(r"\.(onnx|pt|pth|safetensors|bin|ckpt|gguf)$", re.I)  # a model file named on the node


def model_lines(wf: Workflow, n: CNode, what: str, model: str | None, kind: str | None) -> list[str]:
    """The sentences of a preprocessor's ComfyUI model and, for a depth estimator, of its settings Studio's Depth does
    not take (heldout57 03: DepthCrafter's steps, window and overlap had gone unsaid); none for another kind."""
    if kind is None:
        return []
    line = not_taken(n, what, (), "Depth") if kind == "depth" else None
    return [own_model_line(wf, n, what, model, kind), *([line] if line else [])]


def own_model_line(wf: Workflow, n: CNode, what: str, model: str | None, kind: str) -> str:
    """The sentence of a preprocessor's ComfyUI model Studio does not read: its file, or the loader that names none
    (heldout57 03: "ComfyUI's model file '?'" for DepthCrafter's loader, which fetches its model itself)."""
    choose = f"choose Studio's model (a Hugging Face folder) on Load Preprocessor (kind '{kind}')"
    if model:
        return f"{what}: ComfyUI's model file '{model}' is its own format; {choose}"
    own = [v for v in n.settings().values() if isinstance(v, str) and OWN_FILE.search(v)]  # (DWPose names its two)
    if own:
        files, many = ", ".join(f"'{v}'" for v in own), len(own) > 1
        return (f"{what}: ComfyUI's model file{'s' if many else ''} {files} (set on the node) {'are' if many else 'is'}"
                f" its own format; {choose}")
    src = model_loader(wf, n)
    by = (f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) names no file (the pack fetches its model "
          "itself)" if src is not None else "no model file is named")
    return f"{what}: ComfyUI's model is the pack's own: {by}; {choose}"


def edge_levels(wf: Workflow, n: CNode) -> dict:
    """Edges' thresholds (0..255 grey levels) of a Canny's low_threshold / high_threshold: scaled by 255 where the
    catalogue declares them at most 1 (ComfyUI's core Canny: 0.01..0.99), as given else; one not a number: Edges' own."""
    from .. import catalogue
    t, got = catalogue.node_type(n.origin or n.cls), {}
    for k, into in (("low_threshold", "low"), ("high_threshold", "high")):
        v, i = wf.value(n, k), t.input(k) if t is not None else None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
            got[into] = int(round(v * 255)) if i is not None and isinstance(i.max, (int, float)) and i.max <= 1 else int(v)
    return got


def depth_node(b, at: CNode, video: tuple[str, str]) -> str:
    """Studio's Depth of ``video``, its model on a Load Preprocessor (kind 'depth'). The Depth node."""
    return wired_node(b, "preprocess.depth", {}, at, (*video, "video"), (b.add("preprocess.load", {"kind": "depth"}, at), "model"))


def wired_node(b, type_id: str, params: dict, at: CNode, *wires) -> str:
    nid = b.add(type_id, params, at)
    for w in wires:
        src, port, into = w if len(w) == 3 else (w[0], w[1], w[1])
        b.g.connect(src, port, nid, into)
    return nid


def model_of(wf: Workflow, n: CNode, used: set) -> str | None:
    """The file of the model a utility reads (its loader's first text setting; the loader is
    then converted: the file named in the note)."""
    src = model_loader(wf, n)
    if src is None:
        return None
    used.add(src.id)
    values = list(src.settings().values())
    return next((v for v in values if isinstance(v, str) and "." in v), None)


def phrase_of(wf: Workflow, n: CNode, used: set) -> str:
    """SAM 3's phrase: the text of the CLIPTextEncode on its conditioning."""
    src = wf.source(n, "conditioning")
    if src is not None and src.cls == "CLIPTextEncode":
        used.add(src.id)
    text = wf.value(src, "text") if src is not None and src.cls == "CLIPTextEncode" else None
    return str(text or "")
