"""The walks of a ComfyUI workflow that the builder and the readers of an output's passes, takes, sound and
ledger share: what is upstream of a node (a known switch passing one side on), the samplers whose latents make an
output, how far a sampler denoises and whether it adds noise, the file a model loader reads (and what else it does),
and the Load Image / Load Video / Load Audio behind a port. Plain data and stdlib."""
from __future__ import annotations

import math

from ..families import registry as families
from ..reading import by_types
from ..reading.pass_any import any_through
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from .reference_inputs import is_reference_picture
from .roles import in_type, is_latent_input

NUMBERS = ("INT", "FLOAT", "BOOLEAN", "STRING")  # a node's values, never the way a picture comes
from .sampling import SAMPLERS

MAX_ITEMS_WALKED = 100_000  # nodes one output's walk visits at most (a workflow holds fewer)
FILE_TYPES = ("IMAGE", "VIDEO", "AUDIO", "MASK")  # what a file gives a node (not a latent made from one)


def model_file(wf: Workflow, loader: CNode):
    """The file a model loader reads (UNETLoader's and UnetLoaderGGUF's unet_name, a checkpoint's
    ckpt_name, LoaderGGUF's gguf_name, KJNodes' DiffusionModelLoaderKJ's model_name)."""
    return wf.value(loader, "unet_name") or wf.value(loader, "ckpt_name") or wf.value(loader, "gguf_name") or (
        wf.value(loader, "model_name") if loader.cls == "DiffusionModelLoaderKJ" else None)


def extra_not_taken(loader: CNode) -> str:
    return (f"'{loader.title or loader.cls}' (#{loader.id})'s extra_state_dict (weights merged into its model) is not "
            "taken: Load Video Model reads the model file alone")


def loader_extras(wf: Workflow, loader: CNode) -> list[str]:
    """What a model loader does beyond reading its file that the converted graph does not (KJNodes'
    DiffusionModelLoaderKJ: a second state dict merged in; its attention and matmul patches), in words."""
    if loader.cls != "DiffusionModelLoaderKJ":
        return []
    name, out = f"'{loader.title or loader.cls}' (#{loader.id})", []
    if "extra_state_dict" in loader.links:  # (taken back where a VACE module is read of it: mapping/module_file.py)
        out.append(extra_not_taken(loader))
    speed = [k for k in ("patch_cublaslinear", "sage_attention", "enable_fp16_accumulation")
             if wf.value(loader, k) not in (None, False, "disabled")]
    if speed:
        out.append(f"{name}'s {', '.join(speed)}: the generator's own speed settings (attention, compile) are used "
                   "instead")
    return out


def taken_links(wf: Workflow, n: CNode) -> dict:
    """``n``'s links as a run takes them: a ComfySwitchNode whose switch is known (set, or wired to a value)
    passes one side on (on_true, else on_false), the other side is not part of what it makes."""
    if n.cls != "ComfySwitchNode":
        return n.links
    on = wf.value(n, "switch")
    if not isinstance(on, bool):
        return n.links
    off = "on_false" if on else "on_true"
    return {k: v for k, v in n.links.items() if k != off}


def upstream(wf: Workflow, start: CNode) -> list[CNode]:
    seen, todo, out = {start.id}, [start], []
    while todo:
        n = todo.pop()
        out.append(n)
        for src, _ in taken_links(wf, n).values():
            if src not in seen and src in wf.nodes:
                seen.add(src)
                todo.append(wf.nodes[src])
    return out


def upstream_run(wf: Workflow, start: CNode) -> list[CNode]:
    """The nodes ComfyUI runs for ``start``: its upstream through its links and those a node read as another let
    go (a pack sampler's audio embeds: the sound file a held talking task is made from, heldout14)."""
    seen, todo, out = {start.id}, [start], []
    while todo:
        n = todo.pop()
        out.append(n)
        for src, _ in (*taken_links(wf, n).values(), *n.let_go.values()):
            if src not in seen and src in wf.nodes:
                seen.add(src)
                todo.append(wf.nodes[src])
    return out


def own_reach(wf: Workflow, samplers: frozenset | set, others: set[str]) -> set[str]:
    """The nodes upstream of ``samplers`` that are theirs: the walk stops at the ``others`` (another pass's samplers)
    and at a decoder (another take's frames: a start image picked from them), which are not."""
    seen, todo = set(samplers), [wf.nodes[k] for k in samplers if k in wf.nodes]
    while todo and len(seen) <= MAX_ITEMS_WALKED:
        for src, _ in taken_links(wf, todo.pop()).values():
            m = wf.nodes.get(src)
            if m is not None and m.id not in seen and m.id not in others and not m.cls.startswith("VAEDecode"):
                seen.add(m.id)
                todo.append(m)
    return seen


def sampler_denoise(wf: Workflow, s: CNode) -> float | None:
    """How far a sampler denoises its latent, 0 to 1 (KSampler's denoise, KSamplerAdvanced's first
    step of its steps, a BasicScheduler's denoise); None when not a number."""
    def num(v):
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    if s.cls == "KSampler":
        return num(wf.value(s, "denoise"))
    if s.cls == "KSamplerAdvanced":
        steps, start = num(wf.value(s, "steps")), num(wf.value(s, "start_at_step"))
        by_start = None if not steps or start is None else max(0.0, 1.0 - start / steps)
        d = num(s.widgets.get("denoise"))
        if d is not None:  # a WanVideoSampler's, kept as it was (wan/comfy_wrappers.py): its denoise_strength below 1
            # overrides its start step; at 1, the start step is where it starts
            return d if d < 1 or not start or by_start is None else by_start
        return by_start
    sig = wf.source(s, "sigmas")
    if sig is not None and sig.cls == "ManualSigmas":  # its first sigma (1: from pure noise)
        first = str(wf.value(sig, "sigmas") or "").replace(";", ",").split(",")[0].strip()
        try:
            v = float(first)
        except ValueError:
            return None
        return min(1.0, max(0.0, v)) if math.isfinite(v) else None
    return num(wf.value(sig, "denoise")) if sig is not None and sig.cls == "BasicScheduler" else None


def adds_noise(wf: Workflow, s: CNode) -> bool:
    """Whether sampler ``s`` noises its latent before sampling: not with ComfyUI's DisableNoise as its noise
    (SamplerCustomAdvanced) or its add_noise off (SamplerCustom, KSamplerAdvanced)."""
    noise = wf.source(s, "noise")
    if noise is not None and noise.cls == "DisableNoise":
        return False
    return wf.value(s, "add_noise") not in (False, "disable")


def sampler_chain(wf: Workflow, save: CNode) -> list[CNode]:
    """The samplers whose latents make an output: those reached from it, and from a sampler on
    through latents only (a depth estimator's or another segment's sampler, whose images feed a
    guide or a start frame, is not one of its passes)."""
    found, seen, todo = [], {save.id}, [(save, False, 0)]
    while todo and len(seen) <= MAX_ITEMS_WALKED:
        n, latent_only, slot = todo.pop()
        if n.cls in SAMPLERS:
            found.append(n)
            latent_only = True
        for name, (src, at) in taken_links(wf, n).items():
            if src in seen or src not in wf.nodes:
                continue
            if latent_only and not (is_latent_input(n, name) or n.cls in SAMPLERS and name in ("latent_image", "latent")
                                    or any_through(wf, n, slot) == name):  # (a latent through a pass-anything node)
                continue
            if not latent_only and in_type(n, name) == "IMAGE" and any(is_latent_input(n, k) for k in n.links):
                continue  # a picture a latent node takes as a guide or start frame: the sampler making it makes a
                # still, not a pass of this take (heldout12: an image editor's start picture for an IC-LoRA guide)
            if not latent_only and (is_reference_picture(n, name) or in_type(n, name) in NUMBERS):
                continue  # a colour match's reference picture, not the frames it passes on; a number (a VACE
                # node's trim_latent given to TrimVideoLatent): neither carries a take's latents (heldout18)
            seen.add(src)
            todo.append((wf.nodes[src], latent_only, at))
    return found


PASSING = ("Reroute", "ComfySwitchNode", "GetVideoComponents", "ImageResizeKJv2", "ImageResizeKJ", "GetImageSizeAndCount",
           "ImageScale", "ImageScaleBy", "ImageScaleToTotalPixels", "AspectBucketScale", "AspectBucketScaleLike",
           "ResizeImageMaskNode", "ImageFromBatch", "Video Slice", "VHS_LoadVideo", "VHS_LoadVideoPath", "CreateVideo")
# (the families' own: their mappings' 'passing', each with the input it reads for each of its outputs)


def find_loader(wf: Workflow, node: CNode, port: str, used: set,
                walked: list | None = None) -> tuple[CNode, int, list[CNode]] | None:
    """The Load Image / Load Video / Load Audio behind ``node``'s ``port``: the loader, the output
    slot read from it and the ComfyUI steps on the way that change what it gives, nearest the
    port first (a Canny, SAM 3...; resizes and slices are not counted); None when there is none. ``walked``, where
    given, gets every node on the way, the uncounted too, nearest the port first."""
    src, via, seen, sound = node.links.get(port), [], set(), False
    theirs = families.lookup("passing")
    while src is not None and src[0] in wf.nodes and src[0] not in seen and len(seen) < 64:
        seen.add(src[0])
        n = wf.nodes[src[0]]
        if n.cls in LOADER_NODES:
            used.add(n.id)
            # a clip's sound taken apart from it (GetVideoComponents' audio): Load Video's 'audio' output
            return n, (3 if sound and LOADER_NODES[n.cls][1] == "video" else src[1]), via
        sound = sound or (n.cls == "GetVideoComponents" and src[1] == 1)
        if walked is not None:
            walked.append(n)
        anything = any_through(wf, n, src[1])  # a node passing anything on (Impact's order controller): its input,
        if anything is not None:  # as it is (not a step on the way)
            src = n.links[anything]
            continue
        paired = by_types.paired_input(n, src[1])  # (a picture of each of its tracks: the one of this output)
        if paired is not None and n.cls not in theirs:
            src = n.links[paired]
            continue
        if n.cls not in PASSING and n.cls not in theirs:
            via.append(n)
        if n.cls == "ComfySwitchNode":
            src = n.links.get("on_true" if wf.value(n, "switch") else "on_false")
            continue
        if theirs.get(n.cls):  # a family's node that reads one input for each of its outputs
            ins = theirs[n.cls]
            src = n.links.get(ins[src[1]] if 0 <= src[1] < len(ins) else ins[0])
            continue
        keys = ("audio",) if sound else ()  # a clip's sound followed: its sound's way (CreateVideo's 'audio')
        keys += ("image", "images", "video", "pixels", "audio", "input", "mask", "value", "source")
        passed = None if sound else by_types.passed_input(n, src[1], keys[:6])  # a pack's node: its input of that
        # type (of several: one of the usual names, else the first declared: a composite's destination, not its source)
        src = n.links[passed] if passed else next((n.links[k] for k in keys if k in n.links), next(
            (v for k, v in n.links.items() if in_type(n, k) not in NUMBERS), None))  # (not its size: a number)
    return None
