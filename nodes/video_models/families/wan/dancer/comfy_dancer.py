"""ComfyUI's Wan Dancer workflow (the template video_wan_dancer.json; comfy_extras/nodes_wandancer.py's
WanDancerVideo, WanDancerEncodeAudio, WanDancerPadKeyframesList) as Studio's one Wan Dancer node.

ComfyUI runs it as two passes: a sampler on the global model's WanDancerVideo makes keyframes (decoded
one latent frame each: LatentCutToBatch), WanDancerPadKeyframesList spreads them over the segments with
the music's stretches, and a sampler on the local model's WanDancerVideo renders each segment. Studio's
Wan Dancer node does both passes itself: the output fed by both samplers becomes Load Video Model (the
global file) + Load Video Model (the local file), each with its LoRAs, -> Wan Dancer (the start image and
the music from their loaders; the style and amplitude from the template's choices; each pass's steps,
the global pass's guidance and seed) -> Save Video with the music. An output fed by the global pass
alone (the template's keyframe preview) is made inside the node: said, not converted.

Plain data and stdlib, as comfy_read: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, CNode, model_file, read_sampling, task_node, upstream

from .dancer_words import AMPLITUDES, STYLES  # the node's 'style' and 'amplitude' choices

DANCER = "video_models.wan_dancer"


# ComfyUI's nodes that are Wan Dancer's own steps (the prompt's writing from the choices, the music's encoding,
# the keyframes' decode and spreading, the segments' joining): read into the node, not listed as dropped
OWN_STEPS = ("CustomCombo", "StringReplace", "RegexExtract", "PreviewAny", "StringConcatenate", "PrimitiveStringMultiline",
             "CLIPTextEncode", "ConditioningZeroOut", "WanDancerEncodeAudio", "WanDancerPadKeyframesList",
             "LatentCutToBatch", "ImageFromBatch", "RebatchImages", "ResizeImageMaskNode", "CLIPVisionEncode",
             "ComfyMathExpression", "PrimitiveInt", "PrimitiveFloat", "PrimitiveBoolean", "ComfySwitchNode",
             "SkipLayerGuidanceDiTSimple", "VAEDecode", "CreateVideo")


def _combo(wf, n: CNode):
    """A CustomCombo's choice (its first widget where the value is not named)."""
    v = wf.value(n, "choice")
    if v is None and isinstance(n.raw, list) and n.raw:
        v = n.raw[0]
    return v


def _choice(wf, up: list[CNode], words: tuple[str, ...]) -> str | None:
    """The template's CustomCombo whose choice starts with one of ``words`` ('Latin Dance 拉丁舞'): that word."""
    for n in up:
        if n.cls == "CustomCombo":
            v = _combo(wf, n)
            if isinstance(v, str):
                hit = next((w for w in words if v.strip().lower().startswith(w.lower())), None)
                if hit:
                    return hit
    return None


def _number(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _passes(wf, first: CNode, up: list[CNode]):
    """(the global pass's sampler, its WanDancerVideo, the local pass's sampler) of an output made by
    ``first``; the local one None when ``first`` is the global pass (the keyframes' preview)."""
    node = task_node(wf, first, up)[0]
    if node is None or "mask" not in node.links:
        return first, node, None
    for n in up:
        if n.cls in SAMPLERS and n is not first:
            g = task_node(wf, n, upstream(wf, n))[0]
            if g is not None and g.cls == "WanDancerVideo" and "mask" not in g.links:
                return n, g, first
    return None, None, first


def dancer_output(b, save: CNode, first: CNode, up: list[CNode], fam: str, said: list[str]) -> bool:
    """The output's Studio nodes (see the module's docstring); False for the global pass's preview."""
    wf = b.wf
    b.used.add(save.id)
    gs, gnode, ls = _passes(wf, first, up)
    if ls is None:
        b.log(f"ComfyUI '{save.title or save.cls}' (#{save.id}) shows the global model's "
              "keyframes: Studio's Wan Dancer makes them inside the node (not converted)")
        return False
    said[:] = [x for x in said if not x.startswith(("'start_image'", "'audio_encoder_output'"))]  # the local pass's
    inputs: dict = {}
    if gnode is not None:  # the start image and the music as the global pass reads them
        b.used |= {gs.id, gnode.id}
        for port, into in (("start_image", "image"), ("audio_encoder_output", "audio")):
            b.intent(gnode, port, into, inputs, said)
    else:
        said.append("the global pass is not found: connect the start image and the music to Wan Dancer")
    main, local = read_sampling(wf, gs) if gs is not None else None, read_sampling(wf, ls)
    b.used |= {n.id for n in up if n.cls in OWN_STEPS}
    made = len(b.g.nodes)
    params, shifts = _params(b, main, local, up, said), []
    gen = b.add(DANCER, params, first)
    for which, s in (("global", main), ("local", local)):
        if s is None:
            continue
        chain, loader = b.lora_chain(s, None, shifts, said)
        load = b.add("video_models.load", {"model": model_file(wf, loader) if loader is not None else None},
                     loader)
        if loader is None:
            said.append(f"no model loader found for the {which} pass: set its Load Video Model's 'model'")
        else:
            b.used.add(loader.id)
        b.loader_files([n for n in up if n is not loader], [loader] if loader is not None else [], load,
                        b.spec_params("video_models.load"), said)
        out = (load, "model")
        for name, strength, at in reversed(chain):  # nearest the loader first
            lid = b.add("video_models.lora", {"lora": name, "strength": strength}, at)
            b.g.connect(*out, lid, "model")
            out = (lid, "model")
        b.g.connect(*out, gen, f"{which}_model")
    shift = next((x for x in shifts if _number(x)), None)
    if shift is not None:  # ModelSamplingSD3 on a pass: Studio's shift is the node's, for both passes
        if b.set_param(gen, "shift", float(shift), next((n for n in up if n.cls == "ModelSamplingSD3"), gs)):
            said.append(f"shift {shift} (ModelSamplingSD3 on the global pass) is Wan Dancer's shift, for both passes "
                        "(the release samples both at 5)")
    for into, (loader, slot, _steps) in inputs.items():
        b.g.connect(*b.studio_loader(loader, slot), gen, into)
    sv = b.add("io.save_video", {"path": b.save_path(save)}, save)
    b.g.connect(gen, "video", sv, "video")
    if "audio" in inputs:
        b.g.connect(*b.studio_loader(*inputs["audio"][:2]), sv, "audio")
    b.bands.append(list(b.g.nodes)[made:])
    b.made[frozenset([ls.id] + ([gs.id] if gs is not None else []))] = (gen, DANCER, len(b.bands) - 1, save)
    wired = sorted(i.name for i in b.g.registry.get(DANCER).inputs if b.g.input_link(gen, i.name))
    b.task_made("a dance video from music", fam, DANCER, wired)
    names = [f"'{x.title or x.shown_cls}' (#{x.id})" for x in (gs, ls) if x is not None]
    lines = [f"Converted from ComfyUI ({b.name}): the samplers {' and '.join(names)} are Wan Dancer's global and "
             "local passes"] + [f"- {s}" for s in said + b.said_lines()]
    b.note("\n".join(lines), len(b.bands) - 1)
    b.log(f"ComfyUI '{save.title or save.cls}' -> {DANCER}")
    return True


def _segments(wf, up: list[CNode]) -> int | None:
    """The take's segments: the template's final duration (a CustomCombo of 5, 10 ... 30 s: ComfyUI's
    WanDancerPadKeyframesList num_segments, its index + 1), else PadKeyframesList's own number."""
    for n in up:
        v = _combo(wf, n) if n.cls == "CustomCombo" else None
        if isinstance(v, str) and v.strip().isdigit() and int(v) % 5 == 0:
            return max(1, int(v) // 5)
    pad = next((n for n in up if n.cls == "WanDancerPadKeyframesList"), None)
    v = wf.value(pad, "num_segments") if pad is not None else None
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def _params(b, main, local, up: list[CNode], said: list[str]) -> dict:
    wf = b.wf
    style, amplitude = _choice(wf, up, tuple(STYLES)), _choice(wf, up, tuple(AMPLITUDES))
    if style is None:
        said.append("the dance style is not one of the template's choices: set Wan Dancer's 'style' (or wire a "
                    "prompt naming the dance)")
    seed = _number(main.seed) if main is not None else None
    segments = _segments(wf, up)
    if segments is None:
        said.append("the take is as long as the whole 149-frame segments (4.97 s each) the music covers: set Wan "
                    "Dancer's 'segments' for fewer")
    said.append("WanDancerPadKeyframesList, WanDancerEncodeAudio and the keyframes' decode are Wan Dancer's own "
                "steps: the node spreads the keyframes and encodes the music as the release does")
    g = main if main is not None else local
    return {"style": style, "amplitude": amplitude, "segments": segments, "steps_global": _number(g.steps),
            "steps": _number(local.steps), "guidance": _number(g.cfg),
            "seed": seed % 2 ** 31 if isinstance(seed, int) else None}
