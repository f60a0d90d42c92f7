"""A ComfyUI blueprint file (the frontend's 'blueprints' folder; ComfyUI ships 'Video Stitch', 'Video Upscale (GAN
x4)' and more): its graph is one subgraph node whose picture, clip or sound inputs are wired to nothing and whose
outputs feed nothing, so ComfyUI runs nothing as saved; it is meant to be dropped into a workflow. Read as that
workflow would give it: a loader for each such open input (no file named: set it) and a save of each output, said
in one sentence; their ids ('<node>:<input>', '<node>:out<slot>') are the blueprint's open ends, which the sentence
checks know too (``ends``). Told by shape and declared types alone (heldout22 03, 04). Plain data and stdlib
(reading.workflow calls it before it resolves the subgraphs' links)."""
from __future__ import annotations

from typing import Any, Callable

from .blueprint_guide import guides_frame0

LOADERS = {"VIDEO": ("LoadVideo", "file"), "IMAGE": ("LoadImage", "image"), "AUDIO": ("LoadAudio", "audio")}
MASK_LOADER = ("LoadImage", 1)  # a MASK input: a Load Image's MASK (ComfyUI's 1 - its picture's alpha), its output 1
SAVES = {"VIDEO": ("SaveVideo", "video"), "IMAGE": ("SaveImage", "images"), "AUDIO": ("SaveAudio", "audio")}
NOTES = ("Note", "MarkdownNote", "PrimitiveNode")
# an IMAGE input whose pictures are counted into a take's length is a clip: VideoHelperSuite's Load Video gives its
# frames as IMAGE (heldout39 04: the canny IC-LoRA blueprint's 'canny_images', which GetImageSize counts into
# EmptyLTXVLatentVideo's 'length', was read as a still and made a frame-0 keyframe, not LTX-2's control)
CLIP = ("VHS_LoadVideo", "video")
COUNTS = ("batch_size", "count", "frame_count", "image_count")  # an output counting the pictures it is given
LENGTHS = ("length", "frames_number", "num_frames", "frames", "video_frames")  # an input setting a take's length
WIDGETS = {c: ({w: ""}, [t]) for t, (c, w) in LOADERS.items()} | {CLIP[0]: ({CLIP[1]: "", "format": "None"}, ["IMAGE", "INT", "AUDIO"])}
MEDIA = {"IMAGE", "MASK", "VIDEO", "AUDIO", "LATENT"}
MAX_STEPS = 8  # the nodes followed from an input looking for the count of its pictures


def loader_type(declared: Any) -> str:
    """The type a loader gives that a blueprint input of ``declared`` type takes ('' where none does): the type itself,
    or the first of a list ComfyUI declares for an input that takes any of them ('IMAGE,MASK': a Load Image gives the
    IMAGE it takes; heldout39 03, LTX-2.3 first/last frame)."""
    return next((t for t in str(declared or "").split(",") if t.strip() in LOADERS), "").strip()


def is_mask(declared: Any) -> bool:
    """Whether a blueprint input of ``declared`` type takes a mask alone (no loader of LOADERS gives it): a Load Image
    gives one, its MASK (heldout61 07: Video Inpaint (Wan2.1 VACE)'s 'mask' was left open, the inpainting lost)."""
    return str(declared or "").strip() == "MASK"


def ends(doc: Any) -> list[tuple[str, str, str, str, str, int]]:
    """The open ends of a blueprint file ``doc``: (id, type, title, kind 'in' / 'out', input name or '', output slot),
    [] where it is no blueprint (one subgraph node, notes aside, and no link at all)."""
    if not isinstance(doc, dict):
        return []
    subs = {s.get("id"): s for s in (doc.get("definitions") or {}).get("subgraphs") or [] if isinstance(s, dict)}
    top = [n for n in doc.get("nodes") or [] if isinstance(n, dict) and n.get("type") not in NOTES]
    if len(top) != 1 or top[0].get("type") not in subs or doc.get("links"):
        return []
    n, sub = top[0], subs[top[0]["type"]]
    if any(isinstance(i, dict) and i.get("link") is not None for i in n.get("inputs") or []):
        return []
    inst, name = str(n.get("id")), str(sub.get("name") or n.get("title") or "the blueprint")
    out = [(f"{inst}:{i.get('name')}", CLIP[0] if t == "IMAGE" and (counted(sub, k) or guides_frame0(sub, k))
            else LOADERS[t][0],
            f"{name}: {i.get('name')}", "in", str(i.get("name")), 0)
           for k, i in enumerate(sub.get("inputs") or []) if isinstance(i, dict) and (t := loader_type(i.get("type")))]
    out += [(f"{inst}:{i.get('name')}", MASK_LOADER[0], f"{name}: {i.get('name')}", "in", str(i.get("name")),
             MASK_LOADER[1]) for i in sub.get("inputs") or [] if isinstance(i, dict) and is_mask(i.get("type"))]
    out += [(f"{inst}:out{slot}", SAVES[t][0], f"{name}: output", "out", "", slot)
            for slot, o in enumerate(sub.get("outputs") or []) if isinstance(o, dict) and (t := str(o.get("type"))) in SAVES]
    return out


def counted(sub: dict, slot: int) -> bool:
    """Whether subgraph ``sub``'s input ``slot`` feeds a node whose count of the pictures it is given (an output of
    COUNTS) sets a take's length (an input of LENGTHS): its pictures are a clip. The pictures may reach that node
    through steps that give pictures again (an output declared IMAGE: a scale, a crop; heldout55 08, the pose
    blueprint's 'image' halved by ImageScaleBy before GetImageSize counts it)."""
    links = [x for x in sub.get("links") or [] if isinstance(x, dict)]
    nodes = {n.get("id"): n for n in sub.get("nodes") or [] if isinstance(n, dict)}
    todo = [x.get("target_id") for x in links if x.get("origin_id") == -10 and x.get("origin_slot") == slot]
    seen: set = set()
    while todo and len(seen) < MAX_STEPS:
        nid = todo.pop()
        if nid in seen:
            continue
        seen.add(nid)
        for o in (nodes.get(nid) or {}).get("outputs") or []:
            if not isinstance(o, dict):
                continue
            if o.get("name") in COUNTS and _sets_length(links, nodes, o):
                return True
            if o.get("type") == "IMAGE":  # pictures again: follow them to what reads them
                todo += [y.get("target_id") for y in links if y.get("id") in (o.get("links") or [])]
    return False


def _sets_length(links: list, nodes: dict, o: dict) -> bool:
    """Whether output ``o`` feeds an input of LENGTHS."""
    for y in links:
        t = nodes.get(y.get("target_id")) or {}
        ins = t.get("inputs") or []
        k = y.get("target_slot")
        if y.get("id") in (o.get("links") or []) and isinstance(k, int) and 0 <= k < len(ins) \
                and isinstance(ins[k], dict) and ins[k].get("name") in LENGTHS:
            return True
    return False


def open_ends(doc: dict, nodes: dict, inst_in: dict, inst_out: dict, make: Callable[..., Any],
              said: list[str]) -> set[str]:
    """A blueprint's loaders and saves (``ends``) ``make``d into ``nodes``, its inputs wired from them (``inst_in``),
    said; their ids (read: never listed as passed over or not converted)."""
    found = ends(doc)
    if not found:
        return set()
    inst = str(next(n for n in doc.get("nodes") or [] if isinstance(n, dict) and n.get("type") not in NOTES).get("id"))
    sub = next(s for s in doc["definitions"]["subgraphs"] if s.get("id") == next(
        n for n in doc["nodes"] if isinstance(n, dict) and str(n.get("id")) == inst)["type"])
    made, loaded, saved, clips, guides, masks = set(), [], [], [], [], []
    for nid, cls, title, kind, name, slot in found:
        if kind == "in":
            widgets, outs = WIDGETS[cls]  # (the clip's frames as they are: no format rounding their size)
            nodes[nid] = make(nid, cls, title, dict(widgets), outs + ["MASK"] * (slot == MASK_LOADER[1]))
            inst_in[(inst, name)] = (nid, slot)
            loaded.append(name)
            masks += [f"'{name}'"] if slot == MASK_LOADER[1] else []
            k = next((j for j, i in enumerate(sub.get("inputs") or []) if isinstance(i, dict) and i.get("name") == name), -1)
            counts = cls == CLIP[0] and counted(sub, k)
            clips += [f"'{name}'"] if counts else []
            guides += [f"'{name}'"] if cls == CLIP[0] and not counts else []
        elif (inst, slot) in inst_out:
            port = next(p for c, p in SAVES.values() if c == cls)
            nodes[nid] = make(nid, cls, title, {"filename_prefix": "ComfyUI"}, [], {port: (inst, slot)})
            saved.append((port if port != "images" else "pictures", _out_name(sub, slot)))
        else:
            continue
        made.add(nid)
    left = [f"'{i.get('name')}' ({i.get('type')})" for i in sub.get("inputs") or [] if isinstance(i, dict)
            and not loader_type(i.get("type")) and not is_mask(i.get("type")) and set(str(i.get("type")).split(","))
            & MEDIA]
    what = ", ".join(f"'{k}'" for k in loaded)
    name = sub.get('name') or 'the blueprint'
    feeds = "outputs feed" if len(sub.get("outputs") or []) > 1 else "output feeds"
    if loaded:
        opened = f"inputs {what} are" if len(loaded) > 1 else f"input {what} is"
        head = (f"'{name}' is a blueprint: its one node is a subgraph whose {opened} wired to nothing and whose "
                f"{feeds} nothing, so ComfyUI runs nothing as saved; read as a workflow it is dropped into gives it: a "
                "loader for each of those inputs (no file named: set it) and a save of its ")
    else:  # no picture, clip or sound to load: its inputs are values it holds (heldout55 09, Wan 2.2 text to video)
        head = (f"'{name}' is a blueprint: its one node is a subgraph whose {feeds} nothing, so ComfyUI runs "
                "nothing as saved; read as a workflow it is dropped into gives it: a save of its ")
    said.append(head + f"{_saves(saved) or 'output'}" + (f"; {', '.join(left)} left open (no loader gives that "
                                                                "type)" if left else "")
                + (f"; {', '.join(masks)} loaded as a Load Image's mask (ComfyUI's MASK of a picture: 1 - its alpha, "
                   "white where the picture is transparent)" if masks else "")
                + (f"; {', '.join(clips)} loaded as a clip's frames (the count of its pictures sets the take's length)"
                   if clips else "")
                + (f"; {', '.join(guides)} loaded as a clip's frames (they guide frame 0 of a latent whose frame 0 "
                   "another picture is put in place on: an IC-LoRA's guide frames, as two pictures at frame 0 make no "
                   "keyframe)" if guides else ""))
    return made


def _out_name(sub: dict, slot: int) -> str:
    """The name of the subgraph's output ``slot`` ('' where it has none)."""
    outs = sub.get("outputs") or []
    out = outs[slot] if isinstance(slot, int) and 0 <= slot < len(outs) and isinstance(outs[slot], dict) else {}
    return str(out.get("name") or "")


def _saves(saved: list[tuple[str, str]]) -> str:
    """What the saves made keep: 'video', 'pictures and sound'; two of one kind named by their outputs ('video
    'pass_1_video' and video 'final_pass_2_video', heldout104 05: was 'video and video')."""
    kinds = [k for k, _ in saved]
    return " and ".join(f"{k} '{n}'" if n and kinds.count(k) > 1 else k for k, n in saved)

