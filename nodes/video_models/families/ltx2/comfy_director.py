"""WhatDreamsCost's LTX Director (ltx_director.py, ltx_director_guide.py of WhatDreamsCost-ComfyUI, read for meaning:
no code of it here) read as the nodes it stands for, before the workflow is converted. The Director keeps a timeline
in its 'timeline_data' value (JSON: 'segments' each with a start, a length, a prompt and, for an image segment, its
file in ComfyUI's input folder; the timeline's length in frames): it makes an empty LTX-2 latent of that length + 1
frames, an empty audio latent, the prompt conditioning (its global and per-segment prompts, each segment's prompt
over its frames by Prompt Relay's attention masks) and the images as guides at their frames (start + anchorOffset)
that its LTXDirectorGuide adds to the latent, with their strengths. Read here, by the file's own values: the
length, the frame rate, the size where it is fixed, each image segment as a LoadImage and an LTXVAddGuide at its
frame (LTX-2's keyframes), the prompts joined into one (LTX-2 takes one prompt per take: said), its model and
LTXDirectorCropGuides as LTXVCropGuides; what is not read is said (the per-segment prompt masks, the sound clips,
motion segments and the guide's IC-LoRA, a size that depends on the image). Versions of the pack save their values
in different orders: the timeline is found as the value that is its JSON, the frame rate as the number before the
'frames'/'seconds' display value, the size as the two numbers after it. Plain data and stdlib."""
from __future__ import annotations

import json
from typing import Any

from studio.convert.api import CNode, Workflow, in_type, node_type, picture_size

DIRECTOR, GUIDE, CROP = "LTXDirector", "LTXDirectorGuide", "LTXDirectorCropGuides"
UNITS = ("frames", "seconds")  # the Director's display_mode values
EXACT = ("stretch to fit", "pad", "crop")  # resize methods giving the size asked for (snapped), whatever the image


def _timeline(n: CNode) -> dict | None:
    v = n.widgets.get("timeline_data")
    values = [v] if isinstance(v, str) else list(n.raw) if isinstance(n.raw, list) else []
    for x in values:
        if isinstance(x, str) and x.lstrip().startswith("{"):
            try:
                d = json.loads(x)
            except ValueError:
                continue
            if isinstance(d, dict) and isinstance(d.get("segments"), list):
                return d
    return None


def _num(v: Any) -> float | None:
    """A number, or a number an API file saves as text (heldout37 07: duration_frames "144")."""
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _values(wf: Workflow, n: CNode, t: dict) -> dict:
    """The Director's length, frame rate, size and resize method, by name (an API file) or by the file's places."""
    w = n.widgets
    out = {"frames": _num(t.get("normalDurationFrames")) or _num(w.get("duration_frames"))
           or _num(t.get("duration_frames")),  # (the timeline's own length, where the widget's is not saved)
           "fps": _num(w.get("frame_rate")), "width": _num(w.get("custom_width")),
           "height": _num(w.get("custom_height")), "method": w.get("resize_method"), "divisible": _num(w.get("divisible_by"))}
    raw = n.raw if isinstance(n.raw, list) else []
    at = next((i for i, x in enumerate(raw) if x in UNITS), None)
    if at is not None and out["fps"] is None and at >= 1:
        out["fps"] = _num(raw[at - 1])
    if at is not None and out["width"] is None and len(raw) > at + 4:
        out["width"], out["height"] = _num(raw[at + 1]), _num(raw[at + 2])
        out["method"], out["divisible"] = raw[at + 3], _num(raw[at + 4])
    j = next((i for i, x in enumerate(raw) if isinstance(x, str) and x.lstrip().startswith("{")), None)
    if out["frames"] is None and j is not None and j >= 2 and out["fps"]:  # the declared order: duration_frames,
        frames, seconds = _num(raw[j - 2]), _num(raw[j - 1])  # duration_seconds, timeline_data (when they agree)
        if frames and seconds and abs(frames - seconds * out["fps"]) <= 1:
            out["frames"] = frames
            if j >= 3 and isinstance(raw[j - 3], str):
                out["global"] = raw[j - 3]
    out["unknown"] = []  # the settings wired from a node whose value Studio cannot work out
    for key, name in (("fps", "frame_rate"), ("width", "custom_width"), ("height", "custom_height")):
        if name in n.links:  # wired: the value given, where Studio works it out (else not known)
            out[key] = _num(wf.value(n, name))
            if out[key] is None:
                out["unknown"].append(name)
    return out


def _snap(v: float, d: int) -> int:
    """A side down to a multiple of ``d``, at least ``d`` (the pack's snap)."""
    return max(d, int(v) // d * d)


def _from_image(sw: int, sh: int, w: float, h: float, method: Any, d: int) -> tuple[int, int] | None:
    """The Director's size from its first image's ``sw`` x ``sh`` (its resize as the pack's ltx_director.py does it,
    read for these facts): both sides set: 'maintain aspect ratio' fits the picture inside the snapped box (each side
    int(side x ratio), snapped), the other methods give the box; one side set: the other in the picture's aspect;
    neither: the picture's own size fitted inside itself snapped. Each side then down to a multiple of 32 (at least
    32), as its latent is made. None for a resize method not known."""
    if w > 0 and h > 0:
        tw, th = _snap(w, d), _snap(h, d)
        if method in EXACT:
            out = (tw, th)
        elif method == "maintain aspect ratio":
            r = min(tw / sw, th / sh)
            out = (_snap(int(sw * r), d), _snap(int(sh * r), d))
        else:
            return None
    elif w > 0:
        tw = _snap(w, d)
        out = (tw, _snap(int(sh * tw / sw), d))
    elif h > 0:
        th = _snap(h, d)
        out = (_snap(int(sw * th / sh), d), th)
    else:
        r = min(_snap(sw, d) / sw, _snap(sh, d) / sh)
        out = (_snap(int(sw * r), d), _snap(int(sh * r), d))
    return max(32, out[0] // 32 * 32), max(32, out[1] // 32 * 32)


def _first_image(wf: Workflow, who: str, first: dict, w: float, h: float, method: Any,
                 div: int) -> tuple[tuple[int, int] | None, str]:
    """The Director's size where its first image sets it, and its sentence: worked out where the picture is at hand
    (a file beside the workflow, or given as base64 text: its header read, issue 112 sizes6), else said not read."""
    fitted = "its own" if w <= 0 and h <= 0 else f"fitted to {int(w)}x{int(h)}, {method}"
    got = picture_size(wf.folder, first.get("imageFile"), first.get("imageB64"))
    size = _from_image(*got[0], w, h, method, div) if got else None
    if size is None:
        return None, f"{who}'s size is its first image's ({fitted}): not read; set the generator's width and height"
    name = f"'{first['imageFile']}'" if first.get("imageFile") and got[1].startswith("found") else "the picture"
    return size, (f"{who}'s size is its first image's ({fitted}): {name}, {got[1]}, is {got[0][0]}x{got[0][1]} (read "
                  f"from the file's header), so the take is {size[0]}x{size[1]} (another picture there when the "
                  "workflow runs would give another size)")


def _joined(who: str, given: Any, segs: list[dict]) -> list[str]:
    """The sentence of the segment prompts joined into the take's one prompt, where segments hold prompts (heldout37
    07: three picture segments with no prompt were said "3 segment prompts ... are joined": the take's prompt was the
    global prompt alone)."""
    prompted = [s for s in segs if str(s.get("prompt") or "").strip()]
    whole = isinstance(given, str) and bool(given.strip())
    if prompted and (len(prompted) > 1 or whole):
        some = (f"{len(prompted)} segment prompts (each over its own frames" if len(prompted) > 1 else
                "one segment prompt (over its own frames")
        return [f"{who}'s {some} by Prompt Relay's attention masks)" + (" and its global prompt" if whole else "")
                + " are joined into one prompt: LTX-2 takes one prompt for the whole take"]
    if prompted:
        return [f"{who}'s one segment prompt (over its own frames by Prompt Relay's attention masks) is the prompt of "
                "the whole take: LTX-2 takes one prompt for the whole take"]
    return []


def _kind(n: CNode, slot: int, port: str) -> str:
    """What the Director gives on output ``slot``: by the file's output types, else the reading node's input name."""
    types = n.out_types
    if slot < len(types) and types[slot]:
        t = types[slot]
        if t == "LATENT":
            return "audio" if types[:slot].count("LATENT") else "latent"
        return {"MODEL": "model", "CONDITIONING": "positive", "FLOAT": "fps", "AUDIO": "sound"}.get(t, t.lower())
    p = port.lower()
    return ("audio" if "audio" in p and "latent" in p else "latent" if "latent" in p or p == "samples" else
            "model" if p == "model" else "fps" if "rate" in p or "fps" in p else
            "positive" if p in ("positive", "conditioning", "cond") else p)


class _Reading:
    def __init__(self, wf: Workflow):
        self.wf, self.said = wf, []

    def who(self, n: CNode) -> str:
        return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"

    def add(self, nid: str, cls: str, at: CNode, widgets: dict, links: dict, title: str) -> tuple[str, int]:
        self.wf.nodes[nid] = CNode(nid, cls, title, at.mode, widgets, links, at.pos, origin=at.shown_cls)
        return nid, 0

    def rewire(self, old: str, fn) -> None:
        """Every link from node ``old`` replaced by ``fn(slot, port)`` (None: the input left unwired)."""
        for m in list(self.wf.nodes.values()):
            for port, (src, slot) in list(m.links.items()):
                if src == old:
                    new = fn(slot, port)
                    if new is None:
                        del m.links[port]
                    else:
                        m.links[port] = new

    def _latent_read(self, d: CNode) -> bool:
        """Whether a node reads the Director's video latent (its empty latent the take's, as the pack wires it); a
        workflow may sample another latent, the Director's left unread (proxymine25: yameprogrammer's LatentHeart
        preset, an EmptyLTXVLatentVideo of its own to the guide, the Director's wired size said "not read")."""
        return any(src == d.id and _kind(d, slot, port) == "latent" for m in self.wf.nodes.values()
                   for port, (src, slot) in m.links.items())

    def _wired_size(self, d: CNode, v: dict) -> str | None:
        """The sentence of the Director's size wired from a node Studio cannot work out (heldout31 09: a calculator's
        size was said "the pack's size where no image or size is given", 768x512), else None."""
        wired = [k for k in ("custom_width", "custom_height") if k in v["unknown"]]
        if not wired:
            return None
        src = self.wf.source(d, wired[0])
        return (f"{self.who(d)} is given its {' and '.join(repr(k) for k in wired)} by "
                f"{self.who(src) if src else 'a node'}, whose value Studio cannot work out when converting: the take's "
                "size is not read; set the generator's width and height")

    def director(self, d: CNode) -> dict | None:
        t = _timeline(d)
        if t is None:
            self.said.append(f"{self.who(d)}'s timeline is not saved in a form Studio reads: its length, prompts and "
                             "images are not read")
            return None
        v = _values(self.wf, d, t)
        frames = int(v["frames"]) if v["frames"] and v["frames"] > 0 else None
        segs = [s for s in t["segments"] if isinstance(s, dict) and (frames is None or _num(s.get("start")) is None
                                                                      or s["start"] < frames)]
        segs.sort(key=lambda s: _num(s.get("start")) or 0)
        images = [s for s in segs if s.get("type", "image") == "image" and (s.get("imageFile") or s.get("imageB64"))]
        said, who = [], self.who(d)
        # the prompt: the global prompt and each segment's, joined
        given = self.wf.value(d, "global_prompt") if "global_prompt" in d.links else \
            t.get("global_prompt", d.widgets.get("global_prompt", v.get("global")))
        if "global_prompt" in d.links and not isinstance(given, str):
            src = self.wf.source(d, "global_prompt")
            said.append(f"{who}'s global prompt is written by {self.who(src) if src else 'a node'} when the workflow "
                        "runs: not read")
        texts = [str(given or "").strip() if isinstance(given, str) else ""] + [str(s.get("prompt") or "").strip()
                                                                                for s in segs]
        texts = [x for x in texts if x]
        for name in sorted(set(d.links) - {"model", "clip", "audio_vae", "global_prompt", "frame_rate", "custom_width",
                                           "custom_height"}):
            src = self.wf.source(d, name)
            said.append(f"{who}'s '{name}' (given by {self.who(src) if src else 'a node'}) is not read")
        if not texts:
            said.append(f"{who}'s timeline has no prompt (no global prompt, no segment): write the take's prompt in "
                        "the generator")
        said += _joined(who, given, segs)
        # the size: fixed where both are set and the method gives that size (or no image sets it)
        w, h, div = v["width"] or 0, v["height"] or 0, int(v["divisible"] or 32)
        size, taken = None, self._latent_read(d)  # (no node reading its latent: the take's size is another's)
        if taken and (line := self._wired_size(d, v)) is not None:
            said.append(line)
        elif taken and w > 0 and h > 0 and (v["method"] in EXACT or not images):
            size = (max(div, int(w) // div * div) // 32 * 32, max(div, int(h) // div * div) // 32 * 32)
        elif taken and not images and w <= 0 and h <= 0:
            size = (768, 512)  # the pack's own size when no image and no size is given
        elif taken and images:
            size, line = _first_image(self.wf, who, images[0], w, h, v["method"], div)
            said.append(line)
        if t.get("audioSegments"):
            said.append(f"{who}'s {len(t['audioSegments'])} sound clips on its timeline are not read: LTX-2 makes the "
                        "take's own sound")
        if t.get("motionSegments"):
            said.append(f"{who}'s {len(t['motionSegments'])} motion segments are not read")
        if t.get("retakeMode"):
            said.append(f"{who} is in retake mode (a part of a clip made again): not read, the take is made whole")
        fps = v["fps"]
        base = d.id
        made: dict[str, tuple[str, int] | None] = {"model": d.links.get("model")}
        made["positive"] = self.add(f"{base}.prompt", "CLIPTextEncode", d, {"text": "\n".join(texts)},
                                    {k: d.links[k] for k in ("clip",) if k in d.links}, d.title or DIRECTOR)
        lat = {"length": frames + 1 if frames else None, "batch_size": 1,
               **({"width": size[0], "height": size[1]} if size else {})}
        made["latent"] = self.add(f"{base}.latent", "EmptyLTXVLatentVideo", d, lat, {}, d.title or DIRECTOR)
        made["audio"] = self.add(f"{base}.audio", "LTXVEmptyLatentAudio", d,
                                 {"frames_number": frames + 1 if frames else None, "frame_rate": int(fps or 24),
                                  "batch_size": 1}, {k: d.links[k] for k in ("audio_vae",) if k in d.links},
                                 d.title or DIRECTOR) if "audio_vae" in d.links else None
        made["fps"] = self.add(f"{base}.fps", "PrimitiveFloat", d, {"value": fps}, {}, d.title or DIRECTOR) \
            if fps else None
        shown = "" if not size else f", {size[0]}x{size[1]}" + (" (the pack's size where no image or size is given)"
                                                                 if w <= 0 and h <= 0 and not images else "")
        if not frames and taken:
            said.append(f"{who}'s length is not saved in a form Studio reads: set the generator's frames")
        self.said.append(f"{who}'s timeline is read: " + (f"{frames + 1} frames" if frames else "its length not read")
                         + (f" at {fps:g} fps" if fps else "") + shown
                         + f", {len(segs)} segment(s), {len(images)} image(s) as guides at their frames" if taken else
                         f"{who}'s timeline is read: {len(segs)} segment(s), {len(images)} image(s) as guides at their "
                         "frames" + (f", {fps:g} fps" if fps else "") + "; its own empty latent is read by no node: "
                         "the take's size and length are those of the latent its sampler is given")
        self.said += said
        self.rewire(d.id, lambda slot, port: made.get(_kind(d, slot, port)))
        del self.wf.nodes[d.id]
        return {"images": images, "who": who, "id": d.id}

    def guide(self, g: CNode, timeline: dict | None) -> None:
        """An LTXDirectorGuide: its Director's images as LTXVAddGuide nodes on the latent's way, each from a
        LoadImage of its file; its IC-LoRA (for motion guides) said."""
        wf, images = self.wf, (timeline or {}).get("images", [])
        lora = g.raw[0] if isinstance(g.raw, list) and g.raw and isinstance(g.raw[0], str) else g.widgets.get("lora_name")
        if lora not in (None, "", "None"):
            self.said.append(f"{self.who(g)}'s IC-LoRA '{lora}' (for the timeline's motion guides) is not applied")
        pos, neg, lat = g.links.get("positive"), g.links.get("negative"), g.links.get("latent")
        self._scaled(g, lat, timeline)
        if images and (lat is None or lat[0] != f"{timeline['id']}.latent"):  # a later pass's latent (upsampled)
            self.said.append(f"{self.who(g)} adds {timeline['who']}'s images again to a later pass's latent: LTX-2 "
                             "Latent Upscale's refine starts from the upsampled take only (not applied)")
            images = []
        # the last image first, so that the earliest are nearest the sampler (read first: four keyframes at most)
        for i, s in reversed(list(enumerate(images, 1))):
            if not s.get("imageFile"):
                self.said.append(f"the image of {timeline['who']}'s segment {i} is kept inside the file (base64): not "
                                 "read")
                continue
            at = int(_num(s.get("start")) or 0) + int(_num(s.get("anchorOffset")) or 0)
            img = self.add(f"{g.id}.image{i}", "LoadImage", g, {"image": s["imageFile"]}, {},
                           f"{timeline['who'].split(' (')[0][1:-1]} image {i}")
            add = f"{g.id}.guide{i}"
            links = {k: v for k, v in (("positive", pos), ("negative", neg), ("latent", lat), ("image", img),
                                       ("vae", g.links.get("vae"))) if v is not None}
            self.add(add, "LTXVAddGuide", g, {"frame_idx": at, "strength": 1.0}, links, g.title or GUIDE)
            pos, neg, lat = (add, 0), (add, 1), (add, 2)
        if any(s.get("imageFile") for s in images):
            self.said.append(f"{self.who(g)}'s guides are read at strength 1 (the strengths the Director keeps in its "
                             "values are not read)")
        by_type = {"CONDITIONING": None, "LATENT": lat, "MODEL": g.links.get("model")}
        outs = g.out_types or ["CONDITIONING", "CONDITIONING", "LATENT", "MODEL", "FLOAT"]
        self.rewire(g.id, lambda slot, port: (pos if outs[:slot].count("CONDITIONING") == 0 else neg)
                    if slot < len(outs) and outs[slot] == "CONDITIONING" else by_type.get(outs[slot] if slot < len(outs) else ""))
        del wf.nodes[g.id]

    def _scaled(self, g: CNode, lat: tuple | None, timeline: dict | None) -> None:
        """The guide's 'scale_by' (heldout34 07: 0.5, the first pass at half the Director's size, upsampled x2 after):
        the pack resizes the latent it is given by that factor (each latent side, rounded) before it samples; read
        where that latent is the Director's own empty one of a known size and the guide its only reader (its width
        and height scaled so), said not read otherwise."""
        scale = _num(self.wf.value(g, "scale_by"))
        if scale is None or scale <= 0 or abs(scale - 1.0) < 1e-9:
            return
        node = self.wf.nodes.get(lat[0]) if lat is not None else None
        readers = [m for m in self.wf.nodes.values() for s in m.links.values() if lat is not None and s == lat]
        if (node is None or timeline is None or node.id != f"{timeline['id']}.latent" or len(readers) != 1
                or not isinstance(node.widgets.get("width"), int) or not isinstance(node.widgets.get("height"), int)):
            self.said.append(f"{self.who(g)} resizes the latent it is given by {scale:g} (scale_by) before it samples: "
                             "not read, the pass is made at that latent's own size")
            return
        w, h = node.widgets["width"], node.widgets["height"]  # (LTX-2's latent: 32 pixels a side)
        sw, sh = max(1, round(w // 32 * scale)) * 32, max(1, round(h // 32 * scale)) * 32
        node.widgets["width"], node.widgets["height"] = sw, sh
        self.said.append(f"{self.who(g)} resizes {timeline['who']}'s latent by {scale:g} (scale_by) before it "
                         f"samples: the pass is made at {sw}x{sh}, not {w}x{h}")


def _is_director(wf: Workflow, n: CNode) -> bool:
    """A Director by its name, or by what it declares (heldout41 04: Koolook's 'LTXDirector__koolook_v1_3_2', a fork
    with inputs of its own): a node giving a model and the guides' data (GUIDE_DATA, which the Director's guide node
    reads), nothing the Director does not give (the Motion Brush's tracks, its own kind, are not read so), and
    holding a timeline of segments in its values."""
    if n.cls == DIRECTOR:
        return True
    if _timeline(n) is None:
        return False
    kinds = {x for x in n.out_types if x} or {in_type(m, k) for m in wf.nodes.values() for k, src in m.links.items()
                                             if isinstance(src, tuple) and src and src[0] == n.id} - {""}
    t = node_type(DIRECTOR)  # (the file's output types, else its readers': never a walk cached before it is rewired)
    gives = set(t.output_types) if t is not None and t.output_types else set()
    return {"GUIDE_DATA", "MODEL"} <= kinds <= gives


def _runs(wf: Workflow, d: CNode) -> bool:
    """``d`` reaches a node ComfyUI runs for itself (an output node, or a type the catalogue does not hold: it may be
    one), through enabled nodes. A Director feeding nothing that reaches one is not run (heldout41 04: an older
    Director left feeding only a VRAM_Debug): nothing of it is made, so none of its timeline is read or said (the
    converter says the node ComfyUI does not run)."""
    if not any(m.enabled and (t := node_type(m.origin or m.cls)) is not None and t.output_node
               for m in wf.nodes.values()):
        return True  # no output node a type says is one: nothing told (the converter's unrun reading does the same)
    readers: dict[str, list[CNode]] = {}
    for m in wf.nodes.values():
        if m.enabled:
            for src in m.links.values():
                if isinstance(src, tuple) and src:
                    readers.setdefault(src[0], []).append(m)
    seen, todo = {d.id}, list(readers.get(d.id, ()))
    while todo:
        m = todo.pop()
        if m.id in seen:
            continue
        seen.add(m.id)
        t = node_type(m.origin or m.cls)
        if t is None or t.outputs is None or t.output_node:
            return True
        todo += readers.get(m.id, ())
    return False


def translate(wf: Workflow) -> list[str]:
    """The workflow's LTX Director nodes read as the nodes they stand for (in place); what is said."""
    directors = [n for n in wf.nodes.values() if n.enabled and _is_director(wf, n) and _runs(wf, n)]
    if not directors:
        return []
    r, read = _Reading(wf), {}
    guides = [n for n in wf.nodes.values() if n.cls == GUIDE and n.enabled]
    feeds = {g.id: (g.links.get("guide_data") or (None,))[0] for g in guides}
    for d in directors:
        read[d.id] = r.director(d)
    for g in guides:
        if feeds[g.id] in read:
            r.guide(g, read[feeds[g.id]])
    for n in wf.nodes.values():
        if n.cls == CROP:  # the pack's crop of the guides' frames: ComfyUI's LTXVCropGuides
            n.origin, n.cls = n.cls, "LTXVCropGuides"
    return r.said
