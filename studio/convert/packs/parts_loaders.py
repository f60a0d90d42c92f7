"""A pack's loader of a model's separate files in one node, told by its declared types (proxymine19: RES4LYF's
ClownModelLoader in a Wan image-to-video workflow was listed as not converted, and the generator was said to have
'no model loader found', its model, text encoder and VAE files lost): a node with no socket that gives one MODEL,
one CLIP and one VAE, whose settings are choices: one naming the model (its name holds 'model', 'unet' or 'ckpt'),
one or more naming text encoders (their names hold 'clip'), one naming the VAE, and at most a weight type and a
text encoder type beside. Read as ComfyUI's own loaders: UNETLoader (its weight type where ComfyUI's lists it),
CLIPLoader of that type (two text encoders: DualCLIPLoader; three: TripleCLIPLoader) and VAELoader, each output's
readers given the node that gives the same, one sentence saying so. Left as it is (listed as not converted, as
before) where an output read names no file (RES4LYF's '.none', '.use_ckpt_vae', a 'taesd' preview decoder), where
its text encoder type is the pack's own guess ('.auto') or not one ComfyUI's loader lists, or where more than three
text encoders are named. RES4LYF's facts read from loaders.py at 022c873c (its RES4LYFModelLoader: model files from
'checkpoints' and 'diffusion_models', text encoders from 'text_encoders', names starting with '.' its own choices).
Plain data and stdlib."""
from __future__ import annotations

import re

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers

FILE = re.compile(r"\.(safetensors|sft|gguf|ckpt|pt|pth|bin)$", re.IGNORECASE)
NONE = ("", "None", "none", ".none", None)
CLIPS = {1: "CLIPLoader", 2: "DualCLIPLoader", 3: "TripleCLIPLoader"}


def _parts(t) -> tuple | None:
    """(the model setting, the text encoder settings, the VAE setting, the weight type's, the encoder type's) of a
    declared type of that shape; None otherwise."""
    if t is None or t.inputs is None or t.sockets or sorted(t.output_types) != ["CLIP", "MODEL", "VAE"]:
        return None
    model, clips, vae, dtype, kind = [], [], [], [], []
    for w in t.widgets:
        name = w.name.lower()
        if w.type != "COMBO":
            return None
        if "dtype" in name:
            dtype.append(w.name)
        elif "type" in name:
            kind.append(w.name)
        elif "clip" in name:
            clips.append(w.name)
        elif "vae" in name:
            vae.append(w.name)
        elif re.search(r"model|unet|ckpt", name):
            model.append(w.name)
        else:
            return None  # a setting of another kind: not this shape
    if len(model) != 1 or not clips or len(vae) != 1 or len(dtype) > 1 or len(kind) > 1:
        return None
    return model[0], clips, vae[0], (dtype or [None])[0], (kind or [None])[0]


def _options(cls: str, name: str) -> tuple:
    i = catalogue.node_type(cls).input(name) if catalogue.node_type(cls) is not None else None
    return i.options if i is not None and isinstance(i.options, tuple) else ()


def _loaders(s: dict, parts: tuple) -> list[tuple[str, str, dict]] | None:
    """[(the output type, ComfyUI's loader, its settings)] read from the node's settings ``s``; None where one of
    them names no file or a choice ComfyUI's loader does not list."""
    model, clips, vae, dtype, kind = parts
    files = [s.get(k) for k in clips if s.get(k) not in NONE]
    if not all(isinstance(v, str) and FILE.search(v) for v in [s.get(model), s.get(vae), *files]) or \
            not 0 < len(files) <= 3:
        return None
    unet = {"unet_name": s[model]}
    if dtype is not None and s.get(dtype) in _options("UNETLoader", "weight_dtype"):
        unet["weight_dtype"] = s[dtype]
    clip_cls = CLIPS[len(files)]
    clip = {"clip_name": files[0]} if len(files) == 1 else {f"clip_name{k + 1}": f for k, f in enumerate(files)}
    if clip_cls != "TripleCLIPLoader":
        if kind is None or s.get(kind) not in _options(clip_cls, "type"):
            return None  # the pack's own guess of the encoder's kind ('.auto'), or one ComfyUI's loader lacks
        clip["type"] = s[kind]
    return [("MODEL", "UNETLoader", unet), ("CLIP", clip_cls, clip), ("VAE", "VAELoader", {"vae_name": s[vae]})]


def _read(wf: Workflow, n: CNode) -> str | None:
    t = catalogue.node_type(n.shown_cls)
    parts = _parts(t) if n.widgets and not n.links else None
    made = _loaders(dict(n.widgets), parts) if parts is not None else None
    if made is None:
        return None
    outs = list(t.output_types)
    given = {}
    for kind, cls, settings in made:
        c = CNode(f"{n.id}:{cls}", cls, n.title, n.mode, settings, {}, n.pos, origin=n.shown_cls)
        wf.nodes[c.id] = c
        given[outs.index(kind)] = (c.id, 0)
    for m, k in consumers(wf).get(n.id, ()):
        m.links[k] = given[m.links[k][1]]
    wf.__dict__.pop("_consumers", None)
    wf.taken.add(n.id)
    unet, clip, vae = (x[2] for x in made)
    names = [v for k, v in clip.items() if k.startswith("clip_name")]
    said = (f"its model '{unet['unet_name']}'" + (f" (weight type '{unet['weight_dtype']}')" if "weight_dtype" in unet
                                                  else "")
            + f", its text encoder{'s' if len(names) > 1 else ''} " + ", ".join(f"'{v}'" for v in names)
            + (f" (type '{clip['type']}')" if "type" in clip else "") + f", its VAE '{vae['vae_name']}'")
    dtype = parts[3]
    unread = f"; its {dtype} '{n.widgets[dtype]}' is not applied (ComfyUI's UNETLoader lists no such weight type)" \
        if dtype is not None and n.widgets.get(dtype) not in NONE and "weight_dtype" not in unet else ""
    return f"{n.named()} is read by its declared types as ComfyUI's {', '.join(c for _, c, _ in made)}: {said}{unread}"


def translate(wf: Workflow) -> list[str]:
    """Each such loader (above) rewritten in place as ComfyUI's own loaders; one sentence each."""
    return [x for n in list(wf.nodes.values()) if n.enabled and not n.origin and (x := _read(wf, n)) is not None]
