"""LTX-2's two stages in a ComfyUI workflow (its LTX-2 templates): the take sampled at half size,
LTXVLatentUpsampler (its file from LatentUpscaleModelLoader), then a second sampler pass at full size
from ManualSigmas -> LTX-2 at the first stage's size -> LTX-2 Latent Upscale (the upsampler's file,
'refine' on, the second pass's sigmas, seed and the prompt; a LoRA on that pass only, LTX-2's
distilled LoRA: that pass's LoRA chain as Video LoRAs on its model) -> Save Video. Functions on a builder
``b`` of comfy_map (as wan/comfy_motion's); what is not taken is said in the pipeline's note."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut, number

from studio.convert.api import CNode, Sampling, Workflow, upstream

from .comfy_stage_sound import held_sound, is_upsampler, sigma_makers, tiling
from .comfy_refine_sampler import refine_sampler
from .comfy_upscale_factor import factor, scaled, words
from .comfy_made_size import made
from .comfy_redetail import clip_source
from .comfy_middle import middle_line, middles, placed_picture, wire_picture, with_middles
from .comfy_refine_picture import picture_words, refine_picture

UPSCALE = "video_models.ltx2_latent_upscale"
SEED_MAX = 2**31


def _shown(v: Any) -> str:
    return cut(repr(v) if isinstance(v, str) else number(v), 64)


ORDINALS = ("second", "third", "fourth", "fifth")


def _seed_said(st: dict) -> str:
    """A refine's seed in words: the pass's, else LTX-2 Latent Upscale's own and why (an app's 'PARAM_INT_SEED'
    placeholder: heldout23 02, once '(seed None)')."""
    if isinstance(st.get("seed"), int):
        given = st.get("seed_given")  # the pass's own, past Studio's range: reduced, said (heldout25 04)
        return f"seed {_shown(st['seed'])}" + ("" if not isinstance(given, int) or given == st["seed"] else
                                               f": the pass's seed {_shown(given)} is past Studio's range, "
                                               f"{_shown(st['seed'])} used (ComfyUI's noise differs anyway)")
    raw = st.get("seed_raw")
    return "LTX-2 Latent Upscale's own seed" + ("" if raw is None else f": the pass's seed {_shown(raw)} is not a "
                                                                        "number Studio takes")


def _stages(wf: Workflow, ups: list[CNode], rest: list[Sampling]) -> list[tuple[CNode, Sampling | None]] | None:
    """Each upsampler with the later pass refining its latents (the nearest after it), in the order they run; the
    last one may have none (its latents decoded as they are: an upscale alone); None where an earlier one has none
    or two share a pass (not LTX-2's stages)."""
    above = {r.node.id: {u.id for u in upstream(wf, r.node)} for r in rest}
    order = {u.id: len(upstream(wf, u)) for u in ups}
    out: list[tuple[CNode, Sampling | None]] = []
    for node in sorted(ups, key=lambda u: order[u.id]):
        after = [r for r in rest if node.id in above[r.node.id]]
        out.append((node, min(after, key=lambda r: len(above[r.node.id])) if after else None))
    passes = [r.node.id for _, r in out if r is not None]
    if any(r is None for _, r in out[:-1]) or len(set(passes)) != len(passes):
        return None
    return out


def second_stage(b, up: list[CNode], rest: list[Sampling], said: list[str], same_size: bool = True) -> dict | None:
    """The LTXVLatentUpsamplers upstream of the output, each with the later sampler pass that refines its latents
    -> what LTX-2 Latent Upscale takes, the first stage's, with each further one (a third pass after a second
    upsampler: ckinpdx's TRIPLE workflows) under 'more', chained after it; the same-size later passes before the
    first upsampler (comfy_middle: 'scale' x1) under 'more' too, run before it, or alone where no upsampler follows
    (``same_size`` False: not read, after a restyle whose line says the clip's); None when the workflow has not these
    stages."""
    wf = b.wf
    ups = [n for n in up if is_upsampler(n)]  # (a tiled one too, by its declared input: comfy_stage_sound)
    stages = _stages(wf, ups, rest) if 0 < len(ups) <= len(ORDINALS) else None
    if stages is None and ups:
        return None
    first = None
    ranked = sorted(rest, key=lambda r: len(upstream(wf, r.node)))  # the later passes, in the order they run
    paired = {s.node.id for _, s in stages or () if s is not None}
    mids = [m for m in middles(b, [r for r in rest if r.node.id not in paired], ups, refine_sigmas)
            if _place(ranked, m, 0) < len(ORDINALS)] if same_size else []  # (the same-size passes before the upscale: 'scale' x1)
    x1 = [_middle(b, m, ORDINALS[_place(ranked, m, 0)], said) for m in mids]
    for k, (node, second) in enumerate(stages or ()):
        lines: list[str] = []
        st = _stage(b, node, second, lines)
        place = _place(ranked, second, k)  # (a pass not refining an upscale may run before it: heldout92 07)
        st["place"] = ORDINALS[place]
        if place:  # not the take's second pass: its sentences name its own
            lines = [x.replace("the second pass", f"the {ORDINALS[place]} pass")
                     .replace("the first pass's sound", f"the {ORDINALS[place - 1]} pass's sound") for x in lines]
        own = set(b.pass_loras.get(second.node.id, ([], []))[1]) if second is not None else set()  # (its LoRAs' lines:
        # said before, on its upscale now)
        said[:] = [x for x in said if x not in own] + lines
        if first is None:
            first = st
        else:
            first["more"].append(st)
    if first is None:  # x1 passes alone (no upscale after them)
        return {**x1[0], "more": x1[1:]} if x1 else None
    if x1:  # under the first upscale's 'more' (its stages), run before it (upscale_stage)
        first["more"] = x1 + first["more"]
        first["line"] = lambda s, w, h, own=first["line"]: with_middles(own, s, w, h)
    return first


def _middle(b, second: Sampling, place: str, said: list[str]) -> dict:
    """A same-size later pass (comfy_middle) -> LTX-2 Latent Upscale's settings at 'scale' x1."""
    lines: list[str] = []
    image = placed_picture(b, second, lines)
    st = {"upsampler": None, "at": second.node, "line": middle_line, "more": [], "scale": "x1", "image": image,
          "place": place, **_pass_settings(b, second, lines)}
    st["seed_words"] = _seed_said(st)
    own = set(b.pass_loras.get(second.node.id, ([], []))[1])
    said[:] = [x for x in said if x not in own] + [x.replace("the second pass", f"the {place} pass") for x in lines]
    return st


def _place(ranked: list[Sampling], second: Sampling | None, k: int) -> int:
    """Where ``second`` runs among the take's later passes (0: the second pass), ``k`` where not known."""
    at = next((i for i, r in enumerate(ranked) if second is not None and r.node.id == second.node.id), None)
    return at if at is not None and at < len(ORDINALS) else min(k, len(ORDINALS) - 1)


def _stage(b, node: CNode, second: Sampling | None, said: list[str]) -> dict:
    """One upsampler and the pass refining its latents -> LTX-2 Latent Upscale's settings (no pass: an upscale
    alone, 'refine' off, its latents decoded as they are)."""
    b.used.add(node.id)
    st = {"upsampler": _upsampler_file(b, node, said), "at": node, "line": two_stage_line, "more": []}
    if second is None:
        tiling(b, node, said)
        return {**st, "refine": False, "sigmas": None, "seed": None, "cfg": None, "loras": []}
    return {**st, **_refined(b, node, second, said)}


def _upsampler_file(b, node: CNode, said: list[str]) -> str | None:
    """The upsampler's file as LTX-2 Latent Upscale's 'upsampler' (said where the workflow does not name one)."""
    wf = b.wf
    loader, file = wf.source(node, "upscale_model"), None
    if loader is not None and not _upscale_loader(loader):  # by its declared type, never by its file's name
        said.append(f"the latent upsampler's input comes from '{loader.title or loader.shown_cls}' ({loader.shown_cls}, "
                    f"#{loader.id}), which does not load a latent upscale model (an IC-LoRA's or another loader): its "
                    "file is not taken as the upsampler")
    elif loader is not None:
        raw = loader.raw if isinstance(loader.raw, list) else []
        file = wf.value(loader, "model_name") or (raw[0] if raw and isinstance(raw[0], str) else None)
        b.used.add(loader.id)
    if not isinstance(file, str) or not file.strip():
        said.append("the latent upsampler's file is not named in the workflow: set LTX-2 Latent Upscale's 'upsampler'")
        return None
    return file.replace("\\", "/") if not file.startswith(("\\", "~")) else file


def _refined(b, node: CNode, second: Sampling, said: list[str]) -> dict:
    """The pass ``second`` refining upsampler ``node``'s latents -> LTX-2 Latent Upscale's refine settings."""
    wf = b.wf
    sigmas = refine_sigmas(second.extra.get("sigmas"))
    if sigmas is None:
        made = sigma_makers(wf, second.node)
        said.append(f"the second pass's sigmas ({_shown(second.extra.get('sigmas') or 'its scheduler')}"
                    + (f", made by {made}" if made else "") + ") are not a ManualSigmas list Studio reads: LTX-2 "
                    "Latent Upscale's own schedule is used")
    image = refine_picture(b, second, node, said)  # the start picture put in place again (comfy_refine_picture)
    tiling(b, node, said)
    return {**_pass_settings(b, second, said), "sigmas": sigmas, "image": image}


def _pass_settings(b, second: Sampling, said: list[str]) -> dict:
    """A later pass's sampler, sound, LoRAs and seed -> LTX-2 Latent Upscale's refine settings (its sigmas as read:
    None where they are not a ManualSigmas list)."""
    refine_sampler(second, said)
    held_sound(b, second, said)
    own, lines = b.pass_loras.get(second.node.id, ([], []))
    said[:] = [line for line in said if line not in lines]  # the pass's own LoRAs: on the upscale's model
    # a pass with LoRAs of its own: its whole chain from the loader (those it shares with the first pass too)
    chain = b.lora_chain(second, None, [], [])[0]
    bare = not own and {at.id for _, _, at in chain} < set(getattr(b, "main_loras", ()))  # on fewer of the first
    # pass's LoRAs (its model the loader's own: heldout9's pose IC-LoRA on the first pass only): from the loader
    chain = chain if own or bare else []
    seed = second.seed % SEED_MAX if isinstance(second.seed, int) else None
    return {"refine": True, "sigmas": refine_sigmas(second.extra.get("sigmas")), "seed": seed, "cfg": second.cfg, "loras": list(reversed(chain)),
            "pass": second.node.id, "bare": bare, "seed_raw": None if seed is not None else second.seed, "seed_given": second.seed}


UPSCALE_LOADERS = ("LatentUpscaleModelLoader",)  # ComfyUI's loader of latent_upscale_models/


def _upscale_loader(n: CNode) -> bool:
    """``n`` loads a latent upscale model: ComfyUI's loader, or a node declaring a LATENT_UPSCALE_MODEL output (a UI
    file's types); a LoRA or text-encoder loader (its MODEL or CLIP output) is not one, whatever its file is named."""
    if n.cls in UPSCALE_LOADERS or "LATENT_UPSCALE_MODEL" in n.out_types:
        return True
    return not n.out_types and "lora" not in n.cls.lower() and "clip" not in n.cls.lower()  # (an API file: no types)


def upscale_stage(b, gen: str, load: str, model_out: tuple[str, str], params: dict) -> tuple[str, str]:
    """LTX-2 Latent Upscale after the generator, on the generator's model, or on the loader's through
    the second pass's own LoRA chain when it has one: its video output."""
    video, base = clip_source(b, gen) or (gen, "video"), model_out  # (a re-detail: the clip itself, comfy_redetail)
    latent = _latent_out(b, gen) if video == (gen, "video") else None  # the take's latents, as ComfyUI's passes take
    every = [b.stage, *b.stage.get("more", ())]
    for st in [x for x in every if x.get("scale") == "x1"] + [x for x in every if x.get("scale") != "x1"]:
        # each stage on the one before (a TRIPLE's third pass too), the same-size x1 passes first (comfy_middle)
        model_out = (load, "model") if st["loras"] or st.get("bare") else base
        for name, strength, at in st["loras"]:  # the pass's own (LTX-2's distilled LoRA), nearest the loader first
            lid = b.add("video_models.lora", {"lora": name, "strength": strength}, at)
            b.g.connect(*model_out, lid, "model")
            model_out = (lid, "model")
        refine = st.get("refine", True)  # (off: an upscale alone, its latents decoded as they are)
        nid = b.add(UPSCALE, {"upsampler": st["upsampler"], "refine": refine, "scale": st.get("scale"),
                              "prompt": (params.get("prompt") or None) if refine else None,
                              "sigmas": st["sigmas"] if refine else None, "seed": st["seed"] if refine else None,
                              "window": whole_window(params.get("frames"))},
                    st["at"])
        if isinstance(n := params.get("frames"), int) and n > MAX_WINDOW:  # (past its largest window: said)
            b.say(f"LTX-2 Latent Upscale upsamples and refines the take's {n} frames in windows of {MAX_WINDOW} (its "
                  "largest), which meet unblended, where ComfyUI's LTXVLatentUpsampler and second sampler pass take "
                  "all of them at once")
        elif not n and (clip := next((k for k in ("control", "video") if b.g.input_link(gen, k)), None)):
            b.say(f"LTX-2 Latent Upscale's 'window' is its default {WINDOW} frames: the take is as long as the clip "
                  f"given to the generator's '{clip}' (not known when converting), and a take longer than {WINDOW} "
                  "frames is upsampled and refined in windows that meet unblended, where ComfyUI's LTXVLatentUpsampler "
                  "and second sampler pass take the whole take at once: set 'window' to the clip's length")
        b.g.connect(*model_out, nid, "model")
        b.g.connect(*video, nid, "video")
        if latent is not None:  # sampled again / upsampled as made: no VAE round trip (take_latent.py)
            b.g.connect(*latent, nid, "latent")
        if st.get("image") is not None:
            wire_picture(b, gen, nid, st)
        video, latent = (nid, "video"), (nid, "latent") if refine else None
    return video


def _latent_out(b, gen: str) -> tuple[str, str] | None:
    """The generator's 'latent' output (LTX-2 Video + Sound's: the latents its frames were decoded from), where it
    has one."""
    outs = b.g.registry.get(b.g.nodes[gen].type_id).outputs
    return (gen, "latent") if any(o.name == "latent" for o in outs) else None


WINDOW, MAX_WINDOW = 121, 1025  # LTX-2 Latent Upscale's 'window': its default and its largest (upsample.py)


def whole_window(frames: Any) -> int | None:
    """LTX-2 Latent Upscale's 'window' for a take of ``frames``: the whole take (up to the node's largest), as
    ComfyUI's LTXVLatentUpsampler and second sampler pass take all the take's latents at once; None (its default)
    where the take fits its default window or its length is not known when converting (heldout74 09: a 217-frame
    take was upsampled and refined in windows of 121 and 96 frames meeting unblended, with no sentence)."""
    if isinstance(frames, int) and not isinstance(frames, bool) and frames > WINDOW:
        return min(frames, MAX_WINDOW)
    return None


def refine_sigmas(text: Any) -> str | None:
    """ComfyUI's ManualSigmas text as LTX-2 Latent Upscale's 'sigmas': falling numbers in (0, 1] as
    written, the trailing 0 dropped; None when it is not such a list."""
    parts = [x.strip() for x in str(text or "").replace(";", ",").split(",") if x.strip()]
    try:
        vals = [float(x) for x in parts]
    except ValueError:
        return None
    if vals and vals[-1] == 0.0:
        parts, vals = parts[:-1], vals[:-1]
    if not vals or any(not 0.0 < v <= 1.0 for v in vals) or any(y >= x for x, y in zip(vals, vals[1:])):
        return None
    return ", ".join(parts)


def _later(st: dict, k: int, w: Any, h: Any) -> str:
    """A further stage (the ``k``-th upscale after the first) in words."""
    f = factor(st.get("upsampler"))
    scale = total if (total := st.get("total")) else f * 2 ** (k + 1)
    size = f" ({scaled(w, h, scale)})" if isinstance(w, int) and isinstance(h, int) else ""
    if not st.get("refine", True):
        return (f"; then a further LTX-2 Latent Upscale upscales that {words(f)} again{size} with "
                f"'{st['upsampler'] or '(not named)'}', 'refine' off, as ComfyUI's last LTXVLatentUpsampler does (its "
                "latents decoded as they are)")
    return (f"; then a further LTX-2 Latent Upscale upscales that {words(f)} again{size} with '{st['upsampler'] or '(not named)'}'"
            f" and refines it with sigmas {st['sigmas'] or '(its own)'} ({_seed_said(st)}), as ComfyUI's "
            f"{ORDINALS[k + 1]} LTXVLatentUpsampler and sampler pass do{picture_words(st)}"
            + (f", on Load Video Model through {', '.join(f'{n!r} ({_shown(v)})' for n, v, _ in st['loras'])}"
               if st.get("loras") else "")
            + ("" if st["cfg"] in (None, 1) else f" (its cfg {_shown(st['cfg'])} not taken: the refine runs at cfg 1)"))


def two_stage_line(st: dict, w: Any, h: Any) -> str:
    """The pipeline note's line for the stages, at the size LTX-2 makes (comfy_made_size)."""
    w, h, asked = made(w, h)
    known = isinstance(w, int) and isinstance(h, int)
    more = st.get("more") or []
    f = factor(st.get("upsampler"))
    total = f
    for x in more:  # each later stage's own factor, the sizes shown from the first stage's
        total *= factor(x.get("upsampler"))
        x["total"] = total
    whose = st.get("sized_by") or "LTX-2's own"  # (a start picture's: the generator takes its size; heldout55 05)
    size = f"{w}x{h}{asked}" if known else whose if st.get("size_kept") else \
        f"{whose} size (the workflow's first-stage size is not read: set it to " + \
        ("half" if total == 2 else f"1/{total:g} of") + " the final size)"  # (kept: a Scale sizes it, folded_sizes)
    stages = "two stages" if not more else f"{len(more) + 2} stages"
    p = st.get("place") or "second"  # the pass refining the upscale, as the take runs it (second_stage)
    refined = [x for x in (st, *more) if x.get("refine", True)]
    if not st.get("refine", True):  # an upscale alone (no pass after it)
        return (f"{stages}: LTX-2 makes the take at {size}, LTX-2 Latent Upscale upscales it {words(f)}"
                f"{f' ({scaled(w, h, f)})' if known else ''} with '{st['upsampler'] or '(not named)'}', 'refine' off, as "
                "ComfyUI's LTXVLatentUpsampler does with no sampler pass after it (its latents decoded as they are)")
    return (f"{stages}: LTX-2 makes the take at {size}, LTX-2 Latent Upscale upscales it {words(f)}"
            f"{f' ({scaled(w, h, f)})' if known else ''} with '{st['upsampler'] or '(not named)'}' and refines it with "
            f"sigmas {st['sigmas'] or '(its own)'} ({_seed_said(st)}), as ComfyUI's LTXVLatentUpsampler and "
            f"{p} sampler pass do{picture_words(st)}"
            + (f"; LTX-2 Latent Upscale's model is the {p} pass's own: Load Video Model through "
               f"{', '.join(f'{n!r} ({_shown(v)})' for n, v, _ in st['loras'])}" if st.get("loras") else
               f"; LTX-2 Latent Upscale's model is the {p} pass's own: Load Video Model without the first pass's "
               "LoRAs" if st.get("bare") else "")
            + ("" if st["cfg"] in (None, 1) else f"; the {p} pass's cfg {_shown(st['cfg'])} is not taken (the "
                                                   "refine runs at cfg 1)")
            + "".join(_later(x, k, w, h) for k, x in enumerate(more))
            + ("" if st.get("prompt") else f"; write the take's prompt in {'each ' if len(refined) > 1 else ''}"
                                           "LTX-2 Latent Upscale's 'prompt' too (its refine needs it)"))
