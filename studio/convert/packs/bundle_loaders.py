"""A pack's checkpoint loader that also makes the prompts and the latent (Efficiency Nodes' 'Efficient Loader',
tinyterra's loaders), told by its declared types (issue 112 item 2): one checkpoint file setting, one MODEL out, and
beside it at most one VAE, one CLIP, one LATENT and two CONDITIONING (the positive, then the negative) out. Read as
ComfyUI's own nodes: a CheckpointLoaderSimple, its LoRA setting as a LoraLoader after it, its VAE file as a
VAELoader, its two prompts as CLIPTextEncode (a prompt wired into it: that encoder given the wire) and its latent size and batch as an EmptyLatentImage; each output's
readers moved to the node that gives the same. A node whose other outputs (a pipe, its dependencies) some node
reads is left as it is. What it does that Studio has no counterpart for (clip skip, prompt weighting but ComfyUI's, a stack wired
in) is said, one sentence each. Found by the seventh held-out set: an AnimateDiff workflow's Efficient Loader was
said to give a checkpoint 'None', its size and length 'not read'. Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers
from ..values.shown import shown
from . import parts_loaders
from .translation import finite

MADE = ("MODEL", "CLIP", "VAE", "LATENT", "CONDITIONING")  # what it gives that core nodes give the same of
NONE = ("", "None", "none", None)
BAKED = ("Baked VAE", "Baked-VAE", "Baked")
DEFAULTS = {"token_normalization": "none", "weight_interpretation": "comfy", "clip_skip": (-1, 0)}
MAX_LISTED = 3


_name = CNode.named  # the node in a sentence


def _shape(n: CNode) -> Any:
    """The node's declared type where it is a bundle loader's shape (above); None where it is not."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None or not t.outputs:
        return None
    outs = list(t.output_types)
    if sum(1 for i in t.inputs if i.files == "checkpoints" and i.widget) != 1 or outs.count("MODEL") != 1:
        return None
    if any(outs.count(k) > 1 for k in ("CLIP", "VAE", "LATENT")) or outs.count("CONDITIONING") not in (0, 2):
        return None
    if not any(k in outs for k in ("LATENT", "CONDITIONING")):
        return None  # a plain checkpoint loader: read as one elsewhere
    return t


def _widget(t, s: dict, kind: str, words: tuple[str, ...]) -> tuple[str | None, Any]:
    """(the name, the value) of the first setting of type ``kind`` whose name holds one of ``words``."""
    for i in t.inputs:
        if i.widget and i.type == kind and any(w in i.name.lower() for w in words) and i.name in s:
            return i.name, s[i.name]
    return None, None


def _size(s: dict, t) -> tuple[Any, Any, Any]:
    res = next((v for k, v in s.items() if "resolution" in k.lower() and isinstance(v, str)), None)
    m = re.fullmatch(r"\s*(\d{2,5})\s*x\s*(\d{2,5})\s*", res) if res else None
    w = _widget(t, s, "INT", ("width",))[1]
    h = _widget(t, s, "INT", ("height",))[1]
    return (int(m.group(1)), int(m.group(2)), _widget(t, s, "INT", ("batch",))[1]) if m else \
        (w, h, _widget(t, s, "INT", ("batch",))[1])


def _read(wf: Workflow, n: CNode, said: list[str]) -> bool:
    t = _shape(n)
    if t is None or not n.widgets:
        return False
    outs, s = list(t.output_types), dict(n.widgets)
    readers = [(m, k, m.links[k][1]) for m, k in consumers(wf).get(n.id, ())]
    if any(slot >= len(outs) or outs[slot] not in MADE for _, _, slot in readers):
        return False  # its pipe or another output some node reads: left as it is
    ckpt = next(s.get(i.name) for i in t.inputs if i.files == "checkpoints" and i.widget)
    conds = [k for k, o in enumerate(outs) if o == "CONDITIONING"]
    pos = _widget(t, s, "STRING", ("pos",))
    neg = _widget(t, s, "STRING", ("neg",))
    if not isinstance(ckpt, str) or not ckpt or (conds and (pos[0] is None or neg[0] is None)):
        return False
    mk = lambda suffix, cls, widgets, links: _core(wf, n, suffix, cls, widgets, links)  # noqa: E731
    base = mk("ckpt", "CheckpointLoaderSimple", {"ckpt_name": ckpt}, {})
    model, clip, vae = (base.id, 0), (base.id, 1), (base.id, 2)
    made = ["CheckpointLoaderSimple"]
    lora = next((s.get(i.name) for i in t.inputs if i.files == "loras" and i.widget), None)
    if isinstance(lora, str) and lora not in NONE:
        sm = _widget(t, s, "FLOAT", ("model",))[1]
        sc = _widget(t, s, "FLOAT", ("clip",))[1]
        ll = mk("lora", "LoraLoader", {"lora_name": lora, "strength_model": sm if finite(sm) else 1.0,
                                       "strength_clip": sc if finite(sc) else 1.0}, {"model": model, "clip": clip})
        model, clip = (ll.id, 0), (ll.id, 1)
        made.append("LoraLoader")
    vae_file = next((s.get(i.name) for i in t.inputs if i.files == "vae" and i.widget), None)
    if isinstance(vae_file, str) and vae_file not in NONE and vae_file not in BAKED:
        vae = (mk("vae", "VAELoader", {"vae_name": vae_file}, {}).id, 0)
        made.append("VAELoader")
    given: dict[int, tuple[str, int]] = {}
    for slot, o in enumerate(outs):
        if o in ("MODEL", "CLIP", "VAE"):
            given[slot] = {"MODEL": model, "CLIP": clip, "VAE": vae}[o]
    read = {slot for _, _, slot in readers}  # (a prompt or a latent made only where a node reads it)
    for slot, (which, (name, text)) in zip(conds, zip(("positive", "negative"), (pos, neg))):
        if slot in read:
            given[slot] = (mk(which, "CLIPTextEncode", *_prompt(n, name, text, clip)).id, 0)
    if any(slot in read for slot in conds):
        made.append("CLIPTextEncode")
    w = h = batch = None
    if "LATENT" in outs and outs.index("LATENT") in read:
        w, h, batch = _size(s, t)
        given[outs.index("LATENT")] = (mk("latent", "EmptyLatentImage", {"width": w, "height": h,
                                                                          "batch_size": batch}, {}).id, 0)
        made.append("EmptyLatentImage")
    for m, k, slot in readers:
        m.links[k] = given[slot]
    wf.__dict__.pop("_consumers", None)
    wf.taken.add(n.id)
    said.append(f"{_name(n)} is read by its declared types as ComfyUI's {', '.join(made)}: its checkpoint "
                f"'{ckpt}'" + (f", its LoRA '{lora}'" if "LoraLoader" in made else "")
                + (f", its VAE '{vae_file}'" if "VAELoader" in made else "")
                + "".join(f", its {which} prompt" for slot, which in zip(conds, ("positive", "negative"))
                          if slot in given)
                + (f", its latent ({shown(w)}x{shown(h)}, a batch of {shown(batch)})" if "EmptyLatentImage" in made
                   else ""))
    said += _unread(n, t, s, {k for k in (pos[0], neg[0]) if k in n.links and read & set(conds)})
    return True


def _prompt(n: CNode, name: str, text: Any, clip: tuple) -> tuple[dict, dict]:
    """(the settings, the links) of the CLIPTextEncode made of the loader's prompt setting ``name``: a prompt wired
    in (its widget shows a placeholder then: heldout76 08/09's 'CLIP_POSITIVE') is given that wire, else its text."""
    wired = n.links.get(name)
    return ({} if wired else {"text": text if isinstance(text, str) else ""},
            {"clip": clip, **({"text": wired} if wired else {})})


def _core(wf: Workflow, n: CNode, suffix: str, cls: str, widgets: dict, links: dict) -> CNode:
    c = CNode(f"{n.id}:{suffix}", cls, n.title, n.mode, {k: v for k, v in widgets.items() if v is not None}, links,
              n.pos, origin=n.shown_cls)
    wf.nodes[c.id] = c
    return c


def _unread(n: CNode, t, s: dict, carried: set[str] = frozenset()) -> list[str]:
    """What the loader does that Studio does not, each said (``carried``: its prompt inputs wired on to the
    encoders made of it: read there)."""
    out = []
    skip = s.get("clip_skip")
    if finite(skip) and skip not in DEFAULTS["clip_skip"]:
        out.append(f"{_name(n)}'s clip_skip {shown(skip)} is not taken (the text encoder's last layer is used)")
    for k in ("token_normalization", "weight_interpretation"):
        if isinstance(s.get(k), str) and s[k] != DEFAULTS[k]:
            out.append(f"{_name(n)}'s {k} '{s[k]}' is not taken: Studio reads a prompt's weights as ComfyUI's own "
                       "text encoder does ('comfy', no normalisation)")
    for k in [k for k in n.links if k not in carried][:MAX_LISTED]:
        out.append(f"{_name(n)}'s '{k}' input is not read: Studio loads what its settings name")
    return out


def translate(wf: Workflow) -> list[str]:
    """Each bundle loader (above) rewritten in place as ComfyUI's own nodes; one sentence each, and what is not
    taken."""
    said: list[str] = []
    for n in [n for n in wf.nodes.values() if n.enabled and not n.origin]:
        _read(wf, n, said)
    return said + parts_loaders.translate(wf)  # (a loader of a model's separate files in one node)
