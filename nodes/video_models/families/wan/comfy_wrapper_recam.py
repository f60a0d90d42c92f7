"""The WanVideoWrapper's ReCamMaster (kijai's ComfyUI-WanVideoWrapper recammaster/nodes.py, Apache-2.0, read for
meaning: WanVideoReCamMasterCameraEmbed, WanVideoReCamMasterDefaultCamera, WanVideoReCamMasterGenerateOrbitCamera;
the wrapper's example wanvideo_1_3B_ReCamMaster_example_01): an embeds node given camera poses and a source clip's
latents is read as one node, ``RECAM``, which the ReCamMaster family's mapping (families/wan_recam/comfy.py) reads as
its ReCamMaster node: the clip encoded (WanVideoEncode, read as VAEEncode by then) its source, the poses' path its
camera path; the take's frames and size those of the source clip (the wrapper's embeds take them from its latents).

Told by declared types, not by names: the sampler's image embeds come from a node with an input declared camera
poses (``CAMERAPOSES``) and one declared a ``LATENT``, each wired; the poses from a node declaring a choice (a COMBO)
among the paths it offers, whose chosen value is handed on as the path (the mapping checks it is one of the
release's ten and says so where not). A path made another way (the wrapper's orbit of chosen degrees, poses from a
file) cannot be known from its declaration: the task is held, said in one sentence. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, in_type, node_type, widget_names
from studio.core.shown import number

POSES = "CAMERAPOSES"
# the node the reading makes in the embeds node's place: no ComfyUI node; ReCamMaster's mapping reads it
RECAM = "WanVideoWrapperReCamMaster"
_name = CNode.named


def _port(n: CNode, kind: str) -> str | None:
    """``n``'s wired input declared (or saved) as ``kind``."""
    return next((k for k in n.links if in_type(n, k) == kind), None)


def is_recam(n: CNode) -> bool:
    """Whether the embeds node ``n`` re-shoots a clip along camera poses: given poses and latents, each wired."""
    return _port(n, POSES) is not None and _port(n, "LATENT") is not None


def _path(t, src: CNode | None) -> tuple[str, str] | str:
    """(the path's name, the setting that chose it) of the poses node ``src``; else why not (a sentence's end)."""
    decl = node_type(src.origin or src.cls) if src is not None else None
    if src is None or decl is None or decl.inputs is None:
        what = _name(src) if src is not None else "a node"
        return f"its camera poses come from {what}, whose path Studio cannot know from its declaration"
    combos = [i for i in decl.inputs if i.type == "COMBO" and i.options]
    values = dict(src.widgets) or widget_names(src.origin or src.cls, src.raw)  # (a UI file's saved by place)
    if len(combos) != 1 or values.get(combos[0].name) not in combos[0].options:
        return (f"its camera poses come from {_name(src)}, which makes them other than by choosing one of its paths "
                "(Studio's ReCamMaster takes one of the release's ten paths, or a Camera Path)")
    return values[combos[0].name], combos[0].name


def recam(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (the camera embeds) as ``RECAM``: (latent, positive, negative); None (kept, the task held with its
    sentence) where its source clip or path is not given as the wrapper's examples give them."""
    lat = t.link(n, _port(n, "LATENT"))
    enc = t.wf.nodes.get(lat[0]) if lat else None
    clip = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    poses = t.link(n, _port(n, POSES))
    src = t.wf.nodes.get(poses[0]) if poses else None
    path = _path(t, src)
    if clip is None or isinstance(path, str):
        why = path if isinstance(path, str) else "its latents are not traced to a clip encoded there"
        t.say(n, f"{_name(n)} is read as ReCamMaster where it is given a clip encoded on its latents and poses chosen "
                 f"among a node's paths: {why}, so held")
        return None
    name, setting = path
    t.wf.taken.update(x.id for x in (enc, src) if x is not None)  # the node encodes the clip and makes the path
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(enc, "vae")),
                               ("source_video", clip)) if v is not None}
    c = t.core(n, RECAM, {"camera_type": name}, links)
    c.ports.update(source_video=(enc, "pixels"))
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    strengths = getattr(t, "encoded", {}).get(enc.id, {})  # the wrapper's encode's own settings (comfy_wrappers)
    noise, scale = strengths.get("noise_aug_strength"), strengths.get("latent_strength")
    differs = ([f"its noise_aug_strength {number(noise)} (noise added to the clip before it is encoded) is not taken"]
               if finite(noise) and noise != 0 else []) + (
        [f"its latent_strength {number(scale)} (the clip's latents scaled) is not taken"]
        if finite(scale) and scale != 1 else [])
    t.say(n, f"{_name(n)} is read as Studio's ReCamMaster node: the clip '{enc.title or enc.shown_cls}' (#{enc.id}) "
             f"encodes as its source clip, the path {_name(src)} chooses ({setting} '{name}') as its camera path; the "
             "node encodes the clip and makes the camera itself, the take as long as the clip (at most 81 frames)"
             + "".join(f"; '{enc.title or enc.shown_cls}' (#{enc.id}): {d} (Studio's ReCamMaster encodes the clip as "
                       "it is)" for d in differs))
    return (c.id, 2), (c.id, 0), (c.id, 1)
