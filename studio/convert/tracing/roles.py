"""What a ComfyUI node is, read from the types of its inputs and outputs: a latent maker, a step on the
latent's way, conditioning, a model patch, a guider, a sampler, a decoder, a media loader or a step on
a picture's or a sound's way. A workflow's UI file holds each socket's type; an API file holds none, so
they are told by the names of the inputs that take them (``positive`` is conditioning, ``latent_image``
a latent...). The node packs artists use have their nodes named here with what each carries into the
sampler, in words (read from each pack's declarations for meaning: nothing of their code is copied or
run; a family's own pack's nodes in its mapping's ``pack_nodes``), so a node Studio does not convert is said for what it loses, never passed over in silence.

Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow

MEDIA = {"IMAGE": "image", "VIDEO": "video", "AUDIO": "audio", "MASK": "mask"}
# an input's type told by its name, where the file does not say it (API JSON)
NAME_TYPES = {
    "positive": "CONDITIONING", "negative": "CONDITIONING", "conditioning": "CONDITIONING", "cond1": "CONDITIONING",
    "cond2": "CONDITIONING", "conditioning_to": "CONDITIONING", "conditioning_from": "CONDITIONING",
    "latent_image": "LATENT", "samples": "LATENT", "latent": "LATENT", "video_latent": "LATENT", "av_latent": "LATENT",
    "model": "MODEL", "guider": "GUIDER", "vae": "VAE", "clip": "CLIP", "sigmas": "SIGMAS", "noise": "NOISE",
    "sampler": "SAMPLER", "image": "IMAGE", "images": "IMAGE", "pixels": "IMAGE", "start_image": "IMAGE",
    "end_image": "IMAGE", "ref_image": "IMAGE", "reference_image": "IMAGE", "control_video": "IMAGE",
    "video": "VIDEO", "audio": "AUDIO", "mask": "MASK", "image_embeds": "EMBEDS", "text_embeds": "EMBEDS",
}

# generic node packs' nodes (KJNodes, VideoHelperSuite...) a conversion may pass without reading: type -> (its
# role, what it carries in words); a family's own pack's nodes are its mapping's ``pack_nodes``
PACK_NODES: dict[str, tuple[str, str]] = {
    "ImageResizeKJv2": ("media step", "a resize"),
    "GetImageSizeAndCount": ("media step", "the picture with its size and length"),
}


def pack_node(cls: str) -> tuple[str, str] | None:
    """(role, words) of a node pack's node named here or in a family's mapping; None for another."""
    return PACK_NODES.get(cls) or families.lookup("pack_nodes").get(cls)


SAMPLER_TYPES = ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced")


def in_type(n: CNode, name: str) -> str:
    """The type of ``n``'s input ``name``: as the file says, else as its pack declares it (an API file names no
    types: a CLIPTextEncode's 'text' wired from a prompt enhancer, or a caption joined into a prompt, is a STRING, not
    a file's way in), else by its name ('' unknown)."""
    kind = n.in_types.get(name)
    if kind:
        return kind
    t = catalogue.node_type(n.origin or n.cls)
    declared = t.input(name) if t is not None and t.inputs is not None else None
    if declared is not None and isinstance(declared.type, str) and declared.type not in ("", "*", "COMBO"):
        return declared.type
    if t is not None and t.inputs and declared is None and not n.in_types and not n.origin:  # (not a pack's node
        return ""  # read as ComfyUI's) an input its pack does not declare takes nothing (a 'model' to WanImageToVideo)
    return NAME_TYPES.get(name) or NAME_TYPES.get(name.rstrip("_0123456789"), "")


def is_latent_input(n: CNode, name: str) -> bool:
    """``n``'s input ``name`` takes latents: as the file says (UI JSON), else by its name (API JSON: ComfyUI's
    latent_image, samples, samples1, samples_to, a pack's video_latent, latents...)."""
    kind = n.in_types.get(name)
    if kind:
        return kind == "LATENT"
    low = name.lower()
    return in_type(n, name) == "LATENT" or "latent" in low or low.startswith("samples")


def consumers(wf: Workflow) -> dict[str, list[tuple[CNode, str]]]:
    """Each node's consumers (the node, its input), made once per workflow read and again when its nodes change: the
    key is their count and the last one added (a translation removing as many nodes as it adds still changes the
    last: fix22's RH MiniMax H3 file; a rewrite that only moves links drops the table itself, as the packs do)."""
    key = (len(wf.nodes), next(reversed(wf.nodes), None))
    got = wf.__dict__.get("_consumers")
    if got is None or got[0] != key:
        table: dict[str, list[tuple[CNode, str]]] = {}
        for m in wf.nodes.values():
            for k, (src, _) in m.links.items():
                table.setdefault(src, []).append((m, k))
        got = wf.__dict__["_consumers"] = (key, table)
    return got[1]


def out_types(wf: Workflow, n: CNode) -> set[str]:
    """The types ``n`` gives: as the file says, else those of the inputs it feeds."""
    if n.out_types:
        return {t for t in n.out_types if t}
    return {in_type(m, k) for m, k in consumers(wf).get(n.id, ())} - {""}


PASS_ON = ("Reroute", "ComfySwitchNode")  # nodes that pass on what they are given: never what a file is lost in


def role(wf: Workflow, n: CNode) -> str:
    """What ``n`` is, by its declared (or linked) types: 'sampler', 'latent maker', 'latent step',
    'conditioning', 'guider', 'model patch', 'loader', 'decoder', 'media loader', 'media step', 'prompt'
    or 'other'."""
    known = pack_node(n.cls)
    if known is not None:
        return known[0]
    if n.cls in SAMPLER_TYPES:
        return "sampler"
    if n.cls in PASS_ON:
        return "other"
    ins = {in_type(n, k) for k in n.links} | set(n.in_types.values())
    outs = out_types(wf, n)
    if "LATENT" in outs:
        # a sampler gives latents and nothing a task node gives (its model, prompts, pictures): RES4LYF's samplers
        # give their options too
        only_latent = not outs & {"MODEL", "CONDITIONING", "CLIP", "VAE", "IMAGE", "GUIDER", "AUDIO", "MASK"}
        # a model and prompts in: ComfyUI's MODEL and CONDITIONING, a video pack's own (its *VIDEOMODEL and
        # *TEXTEMBEDS types, HunyuanVideoWrapper's HYVIDEMBEDS), or a guider
        model = any(t == "MODEL" or t.endswith("VIDEOMODEL") for t in ins)
        prompts = any(t == "CONDITIONING" or t.endswith(("TEXTEMBEDS", "HYVIDEMBEDS")) for t in ins)
        return "sampler" if only_latent and ("GUIDER" in ins or model and prompts) else (
            "latent step" if "LATENT" in ins else "latent maker")
    if "GUIDER" in outs:
        return "guider"
    if "CONDITIONING" in outs or any(t.endswith("EMBEDS") for t in outs):
        return "conditioning"
    if "MODEL" in outs:
        return "model patch" if "MODEL" in ins else "loader"
    if outs & set(MEDIA):
        if "LATENT" in ins:
            return "decoder"
        return "media step" if ins & set(MEDIA) else "media loader"
    if "STRING" in outs:
        return "prompt"
    return "other"


def carries(n: CNode) -> str:
    """What a pack's node carries into the sampler, in words ('' for one not named here)."""
    return (pack_node(n.cls) or ("", ""))[1]


def kind_words(wf: Workflow, n: CNode) -> str:
    """What ``n`` is, in the words a sentence names it by: what a pack's node carries (carries), a node giving a
    picture, clip or sound from a prompt of its own (prompted: a text-to-speech node's line, spoken in the voice of
    the sound it is given, is no loader of that sound) as such, else its role."""
    known = carries(n)
    if known:
        return known
    what = role(wf, n)
    if what in ("media loader", "media step") and prompted(n):
        outs = out_types(wf, n)
        made = next((w for t, w in (("VIDEO", "a clip"), ("AUDIO", "a sound"), ("IMAGE", "pictures")) if t in outs),
                    "what it gives")
        return f"makes {made} from its own text" + (" and what it is given" if what == "media step" else "")
    return what


def generates(wf: Workflow, n: CNode) -> bool:
    """``n`` makes a new picture or sound from what it is given (a sampler or decoder of another pass, a node
    prompted to draw: an API image model), rather than passing the file on changed (a resize, a crop)."""
    return role(wf, n) in ("sampler", "decoder") or prompted(n)


def prompted(n: CNode) -> bool:
    """``n`` holds a prompt of its own (a few words or more): a node that draws or films what it is told."""
    if n.cls in ("CLIPTextEncode", "Note", "MarkdownNote", "PrimitiveString", "PrimitiveStringMultiline"):
        return False
    settings = n.settings()
    named = next((v for k, v in settings.items() if k in ("prompt", "instruction", "text")), None)
    if isinstance(named, str) and _words(named) > 2:
        return True
    # a node whose settings the file does not name (a paid service's): its declared 'prompt' input, or a sentence
    return "prompt" in n.in_types or any(isinstance(v, str) and _words(v) > 3 for k, v in settings.items()
                                         if k.startswith("#"))


def _words(text: str) -> int:
    """How many words of two letters or more ``text`` holds: a sentence has some, an expression ('a - (b + 3)',
    a math node's) or a list of numbers none."""
    return sum(1 for w in text.split() if sum(c.isalpha() for c in w) >= 2)
