"""The WanVideoWrapper's Stand-In (its nodes.py WanVideoAddStandInLatent and nodes_model_loading.py's Stand-In
LoRA, and WeChatCV's Stand-In_Preprocessor_ComfyUI example, read for meaning; Apache-2.0): WanVideoAddStandInLatent on
a WanVideoEmptyEmbeds (the take's width, height and frames), given a picture encoded (WanVideoEncode, read as
VAEEncode by then) on 'ip_image_latent', is read as one node, ``STANDIN``, which the Wan mapping (comfy.py) makes
into Studio's Stand-In node: the encoded picture its 'face', 'freq_offset' its 'reference_offset'. Its declared
inputs (WANVIDIMAGE_EMBEDS, LATENT, INT) do not say that the latent is a face the model keeps: the node's type is
read by name for that, as its behaviour cannot be known from its declaration. Wired otherwise it is kept as it is
(the task held with the wrapper's sentence, comfy_wrappers.PACK_NODES).

The Stand-In file reaches the wrapper as a LoRA on its model loader (the wrapper tells it by its tensors,
``blocks.0.self_attn.q_loras.down.weight``, which a workflow does not hold): ``standin_file`` picks the LoRA the
Stand-In node reads from the names of the LoRAs on the model (a file name naming Stand-In), said either way.
Plain stdlib."""
from __future__ import annotations

from studio.convert.api import LOADER_NODES, CNode, upstream

EMBEDS = "WanVideoAddStandInLatent"
EMPTY = "WanVideoEmptyEmbeds"
# the node the reading makes in the embeds node's place: no ComfyUI node; the Wan mapping reads it
STANDIN = "WanVideoWrapperStandIn"
STANDIN_TASK = "video_models.standin"  # Studio's Stand-In node (comfy.py's STANDIN_NODE)
WIDGETS = {EMBEDS: ("freq_offset",)}


def standin(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoAddStandInLatent) as ``STANDIN``: (latent, positive, negative); None (kept, the task held with
    its sentence) where its size or its picture is not given as the wrapper's example gives them."""
    src = t.link(n, "embeds")
    empty = t.wf.nodes.get(src[0]) if src else None
    ref = t.link(n, "ip_image_latent")
    enc = t.wf.nodes.get(ref[0]) if ref else None
    image = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    if empty is None or empty.cls != EMPTY or t.link(empty, "extra_latents") or image is None:
        t.said.append(f"{CNode.named(n)} is read as Stand-In where it is given a {EMPTY} (no start latents) on "
                      "'embeds' and a picture encoded on 'ip_image_latent', as the wrapper's example wires them: not "
                      "so here, so held")
        return None
    e, w = t.named(empty), t.named(n)
    t.wf.taken.update({empty.id, enc.id})  # the size the Stand-In node takes; the picture it encodes itself
    image, how = _loaded(t, enc, image)
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(enc, "vae")), ("face", image))
             if v is not None}
    size = {k: e.get(port) if e.get(port) is not None else t.wf.value(empty, port)  # (a wired size worked out)
            for k, port in (("width", "width"), ("height", "height"), ("length", "num_frames"))}
    c = t.core(n, STANDIN, {**size, "freq_offset": w.get("freq_offset")}, links)
    c.ports.update(face="ip_image_latent")  # (said as the wrapper names it)
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    t.say(n, f"{CNode.named(n)} on '{empty.title or empty.shown_cls}' (#{empty.id}) is read as Studio's Stand-In "
             f"node, the take's size and frames the empty embeds': its face {how}")
    own = getattr(t, "encoded", {}).get(enc.id, {})  # the wrapper's encode's own settings (read as VAEEncode)
    for k, whole in (("latent_strength", 1), ("noise_aug_strength", 0)):
        v = own.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != whole:
            t.say(n, f"'{enc.title or enc.shown_cls}' (#{enc.id})'s {k} {v:g} is not applied: Studio's Stand-In "
                     "encodes the face as it is")
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _loaded(t, enc: CNode, image) -> tuple:
    """(the picture the Stand-In node reads, the words saying which): the one picture loader upstream of the encode's
    pixels where nodes Studio does not make lie between (a face crop onto white, as the wrapper's example makes it:
    said, never dropped silently); else the pixels as wired."""
    said = (f"the picture '{enc.title or enc.shown_cls}' (#{enc.id}) encodes on 'ip_image_latent' (the node pads it "
            "square on white and encodes it itself)")
    src = t.wf.nodes.get(image[0])
    if src is None or src.cls in LOADER_NODES:
        return image, said
    up = [x for x in upstream(t.wf, src) if x.enabled]
    loaders = [x for x in up if x.cls in LOADER_NODES and LOADER_NODES[x.cls][1] == "image"]
    if len(loaders) != 1:
        return image, said
    load = loaders[0]
    steps = [x for x in up if x is not load]
    names = ", ".join(f"'{x.title or x.shown_cls}' (#{x.id})" for x in steps[:4]) + \
        (f" and {len(steps) - 4} more" if len(steps) > 4 else "")
    file = load.settings().get("image")
    return (load.id, 0), (
        f"the picture {load.shown_cls} (#{load.id})" + (f" '{file}'" if isinstance(file, str) and file else "")
        + f" loads, padded square on white and scaled to its face_size (512): the picture '{enc.title or enc.shown_cls}'"
        f" (#{enc.id}) encodes on 'ip_image_latent' is made from it through {len(steps)} node"
        f"{'s' if len(steps) > 1 else ''} ({names}), not made. The release reads a face cropped onto a white "
        "background (its FaceProcessor): crop it so before the node for the face it was trained on")


def _named_standin(name: str) -> bool:
    """A LoRA file name naming Stand-In (the workflow holds no tensors to tell it by)."""
    flat = name.lower().replace("-", "").replace("_", "").replace(" ", "")
    return "standin" in flat


def _ends_in(wf, at: CNode) -> CNode | None:
    """The node a wrapper LoRA select's chain (each select given on the next one's 'prev_lora') ends in."""
    n, seen = at, {at.id}
    while True:
        users = [m for m in wf.nodes.values() if m.enabled and any(v and v[0] == n.id for v in m.links.values())]
        if len(users) != 1 or users[0].id in seen:
            return users[0] if len(users) == 1 else None
        n = users[0]
        seen.add(n.id)
        if not n.shown_cls.startswith("WanVideoLoraSelect"):
            return n


def loose_standin(b, task: str, loras: list, said: list[str]) -> list:
    """The LoRAs on the model of a generator other than Stand-In's with a file named for Stand-In taken out, said:
    the wrapper applies that file (no LoRA: its own attention weights, told by its tensors) beside
    WanVideoAddStandInLatent's face, and only Studio's Stand-In node applies it, so a LoRA node would be given what it
    cannot load (heldout77 07: the release's face swap, Video to Video with the Stand-In file on its model)."""
    if task == STANDIN_TASK:
        return loras
    named = [x for x in loras if isinstance(x[0], str) and _named_standin(x[0])]
    for x in named:
        at = x[2].named() if isinstance(x[2], CNode) else "the model's way"
        said.append(f"'{x[0]}' on {at} is, by its name, Stand-In's file, not a LoRA (the wrapper tells it by its "
                    "tensors and applies it with WanVideoAddStandInLatent's face): not loaded, as only Studio's "
                    "Stand-In node applies it and this take is not made by that node")
    return [x for x in loras if x not in named]


def standin_file(loras: list, params: dict, said: list[str], wf=None) -> list:
    """The LoRAs on the model with the Stand-In file taken out into the node's 'standin' (its strength its
    'strength'); the rest kept. Where no LoRA's name names Stand-In, or several do, it is said and 'standin' is
    left to set."""
    named = [x for x in loras if isinstance(x[0], str) and _named_standin(x[0])]
    if len(named) != 1:
        which = ("none of the LoRAs on the model is named for Stand-In" if not named else
                 f"{len(named)} LoRAs on the model are named for Stand-In ("
                 + ", ".join(repr(x[0]) for x in named) + "); they are kept as LoRAs")
        said.append(f"Stand-In's file reaches the wrapper as a LoRA on its model loader (told by its tensors): {which}: "
                    "set the Stand-In node's 'standin' to the file by hand")
        return loras
    name, strength, at = named[0][0], named[0][1], named[0][2]
    params["standin"] = name
    if not name.lower().endswith((".safetensors", ".sft")):
        said.append(f"'{name}' is not a .safetensors file (the release's .ckpt is a pickle, which Studio never "
                    "loads): the Stand-In node refuses it when run; give Kijai's "
                    "Stand-In_wan2.1_T2V_14B_ver1.0.safetensors as its 'standin'")
    if isinstance(strength, (int, float)) and not isinstance(strength, bool):
        params["strength"] = strength
    # (the select as the workflow has it: the translation makes its LoRA loader '<its id>:lora')
    sel = wf.nodes.get(str(at.id).split(":")[0], at) if wf is not None and isinstance(at, CNode) else None
    end = _ends_in(wf, sel) if sel is not None else None
    if end is not None and end.shown_cls == "WanVideoSetLoRAs":
        said.append(f"'{at.title or at.shown_cls}' (#{at.id}) gives '{name}' to '{end.title or end.shown_cls}' "
                    f"(#{end.id}), which loads it as a plain LoRA: the wrapper applies Stand-In's weights only where "
                    "the file is given to its model loader's 'lora'; Studio's Stand-In node applies them")
    said.append(f"LoRA '{name}' on '{at.title or at.shown_cls}' (#{at.id}) is Stand-In's file (the wrapper tells it "
                f"by its tensors; here by its name): the Stand-In node's 'standin'"
                + (f", its strength {strength:g} the node's 'strength'"
                   if isinstance(strength, (int, float)) and not isinstance(strength, bool) else ""))
    return [x for x in loras if x is not named[0]]
