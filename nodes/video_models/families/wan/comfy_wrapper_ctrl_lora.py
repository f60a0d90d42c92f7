"""The WanVideoWrapper's control embeds on a plain Wan model carrying a LoRA: a control LoRA (spacepxl's Wan 2.1 1.3B
tile / depth), read as Studio's Wan Control LoRA node (ctrl_lora/ctrl_lora_node.py).

The wrapper (Apache-2.0, read for meaning, nothing copied: nodes_sampler.py, nodes_model_loading.py) reads the control
clip's latents of WanVideoControlEmbeds only two ways: beside the noise of a Fun Control model (comfy_wrapper_control),
or through a control LoRA given to the model loader (a LoRA whose tensors hold a patch-embedding pair: the widened
input). On a model whose file is not named as Fun Control, the control embeds are so read where a LoRA is on the
sampler's model: the workflow holds no tensors, so the file is the one LoRA there (or, of several, the one whose name
says 'control'), said either way; the Wan Control LoRA node refuses a file without the patch-embedding pair in one
sentence when run. The control clip is the pixels WanVideoEncode encodes (VAEEncode by then); the take's size and
length the clip's (WanVideoControlEmbeds gives the sampler nothing else); start_percent / end_percent the node's
'start' / 'end'. Called by comfy_wrapper_control.fun_control; plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, file_effect, picture_effect

# the node the reading makes in the control embeds' place: no ComfyUI node; the Wan mapping (comfy.py) reads it
CTRL_LORA = "WanVideoWrapperControlLora"
NODE = "video_models.wan_control_lora"  # ctrl_lora/ctrl_lora_node.py
ENCODES = {"WanVideoEncode": "image", "VAEEncode": "pixels"}  # (decoders() reads the wrapper's encode as VAEEncode)
EMPTY = "WanVideoEmptyEmbeds"

_name = CNode.named


def encoded_clip(t, n: CNode) -> tuple[CNode | None, tuple | None]:
    """(the encode on control embeds ``n``'s 'latents', the pictures it encodes) where that encode is the wrapper's
    WanVideoEncode or ComfyUI's VAEEncode; None for each not found (Fun Control and the control LoRA read it so)."""
    src = t.link(n, "latents")
    enc = t.wf.nodes.get(src[0]) if src else None
    return enc, t.link(enc, ENCODES[enc.cls]) if enc is not None and enc.cls in ENCODES else None


def loras_on(t, sampler: CNode) -> list[CNode]:
    """The LoRA loaders on the sampler's model way (by their 'lora_name' setting), nearest first."""
    return [m for m in t.model_way(t.link(sampler, "model")) if isinstance(m.widgets.get("lora_name"), str)]


def control_lora(t, n: CNode, pos, neg, sampler: CNode, model: str, emb: CNode | None = None):
    """WanVideoControlEmbeds ``n`` (alone on the sampler's 'image_embeds', or given to a WanVideoEmptyEmbeds'
    'control_embeds': ``emb``, its size and frames the take's) on a model not named as Fun Control, read as
    ``CTRL_LORA``: (latent, positive, negative); None where no LoRA is on the model, the clip cannot be traced or the
    empty embeds' size is not given as numbers (the caller holds the task in its sentence)."""
    if n.cls != "WanVideoControlEmbeds" or not loras_on(t, sampler):
        return None
    size = {}
    if emb is not None:
        e = t.named(emb)
        size = {k: e.get(port) for k, port in (("width", "width"), ("height", "height"), ("length", "num_frames"))}
        if emb.cls != EMPTY or t.link(emb, "extra_latents") or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in size.values()):
            return None
    enc, clip = encoded_clip(t, n)
    if clip is None:
        return None
    w = t.named(n)
    t.wf.taken.add(enc.id)
    if emb is not None:
        t.wf.taken.add(emb.id)
    c = t.core(n, CTRL_LORA, {**size, "start_percent": w.get("start_percent"), "end_percent": w.get("end_percent")},
               {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(enc, "vae")), ("control", clip))
                if v is not None})
    c.ports.update(control="latents")  # (said as the wrapper names it)
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    t.say(n, f"{_name(n)} on '{model}' (a model not named as Wan Fun Control, given a LoRA) is read as Studio's Wan "
             "Control LoRA node: the wrapper reads control latents on such a model only through a control LoRA on its "
             "loader; the node encodes the control clip (the pixels "
             f"'{enc.title or enc.shown_cls}' (#{enc.id}) encodes) itself, the take's size and frames "
             + (f"those of '{emb.title or emb.shown_cls}' (#{emb.id})" if emb is not None else "the clip's"))
    own = getattr(t, "encoded", {}).get(enc.id, {})  # the wrapper's encode's own settings (read as VAEEncode)
    for k, whole in (("latent_strength", 1), ("noise_aug_strength", 0)):
        v = own.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v - whole) > 1e-6:
            t.say(n, f"'{enc.title or enc.shown_cls}' (#{enc.id})'s {k} {v:g} is not applied: Studio's Wan Control "
                     "LoRA encodes the control clip as it is")
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _named_control(name: str) -> bool:
    """A LoRA file name naming a control LoRA (a hint among several: the workflow holds no tensors)."""
    return "control" in name.lower()


def control_file(loras: list, params: dict, said: list[str]) -> list:
    """The LoRAs on the model with the control LoRA taken out into the node's 'control_lora' (its strength its
    'strength'); the rest kept. The one LoRA on the model, or of several the one named 'control'; else said, the
    LoRAs kept, and 'control_lora' left to set."""
    named = [x for x in loras if isinstance(x[0], str)]
    pick = named if len(named) == 1 else [x for x in named if _named_control(x[0])]
    if len(pick) != 1:
        said.append("the control LoRA reaches the wrapper as a LoRA on its model loader (told by its tensors): "
                    + (f"{len(pick)} of the LoRAs on the model are named for control" if pick else
                       f"none of the {len(named)} LoRAs on the model is named for control")
                    + "; they are kept as LoRAs: set the Wan Control LoRA node's 'control_lora' to the file by hand")
        return loras
    name, strength, at = pick[0][0], pick[0][1], pick[0][2]
    params["control_lora"] = name
    if isinstance(strength, (int, float)) and not isinstance(strength, bool):
        params["strength"] = strength
    where = f" on '{at.title or at.shown_cls}' (#{at.id})" if isinstance(at, CNode) else ""
    said.append(f"LoRA '{name}'{where} is read as the control LoRA (the wrapper tells it by its patch-embedding "
                "tensors; here as " + ("the one LoRA on the model" if len(named) == 1 else "the one named 'control'")
                + "): the Wan Control LoRA node's 'control_lora'"
                + (f", its strength {strength:g} the node's 'strength'"
                   if isinstance(strength, (int, float)) and not isinstance(strength, bool) else "")
                + "; a file without that pair is refused when the node runs")
    if not any(params.get(k) for k in ("width", "height", "frames")):
        said.append("the take's size and frames are the control clip's (the node's width, height and frames 0), as "
                    "WanVideoControlEmbeds gives the wrapper's sampler the clip's latents alone")
    return [x for x in loras if x is not pick[0]]


def plan(b, node, up, inputs: dict, said: list[str]) -> None:
    """After the task node's inputs are read: the control clip's one unmade step an effect Studio makes (by its
    declared types: finishing.effects; the wrapper's example blurs the clip for a tile LoRA with ImageBlur) -> planned
    (b.control_step), made by ``wired`` and said so there instead."""
    line = b.wired_without.get("control")
    if node is None or "control" not in inputs or line is None or line not in said:
        return
    n = b.wf.source(node, "control")
    fx = picture_effect(b.wf, n) if n is not None else None
    if fx is None or fx.missing or fx.reference:
        return
    step = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if f" through ComfyUI's {step}: the file is wired without that step" not in line:
        return  # (other steps left unmade on the way too: said as they are)
    b.control_step = (n, fx, said, line)


def wired(b, gen: str, load: str, params: dict) -> None:
    """The planned effect between the control clip's file and the Wan Control LoRA node's 'control'."""
    planned = b.control_step
    b.control_step = None
    if planned is None:
        return
    n, fx, said, line = planned
    ctl = b.g.input_link(gen, "control")
    if ctl is None or line not in said:
        return
    nid = file_effect(b, n, (ctl.src, ctl.src_port))[0]  # (one Blur with a Side by Side showing the same clip)
    b.g.connect(nid, "video", gen, "control")
    b.used.add(n.id)
    b.wired_without.pop("control", None)
    settings = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in fx.params.items())
    said[said.index(line)] = (f"{line.split(' through ComfyUI')[0]} through {n.named()}'s {fx.does} (its '{fx.way}'): "
                              f"Studio's {b.g.nodes[nid].spec.title} ({settings}) before the Wan Control LoRA "
                              "node's 'control'" + (f"; {', '.join(fx.unapplied)} not applied" if fx.unapplied else ""))
