"""ComfyUI's FlashVSR clip upscalers on a clip's way (VHS_LoadVideo / LoadVideo -> the pack's upscaler ->
VHS_VideoCombine / CreateVideo + SaveVideo) as Studio's FlashVSR Upscale (finishing.flashvsr), through the
converter's 'way_steps' hook (studio/convert/finishing/utility.py: the loader, the rate and the save are
the utility way's own reading).

The hook is keyed by node type; the types are listed because what they do (FlashVSR) cannot be read from a
declaration of pictures in and pictures out. Each listed node is still checked by its declaration before
it is read (its category naming FlashVSR, a picture input wired), and its settings are read by their
declared names, from the upscaler and from the node wired into its non-picture input (an Init / Model
node): scale, sparse_ratio, kv_ratio, local_range, seed, color_fix + fix_method, the model / version and
mode. 1038lab's nodes name them otherwise ('speed_optimization' is the sparse ratio, 'quality_boost' the
kv ratio, 'stability_level' the local range) and its presets stand for settings its source lists
(1038lab/ComfyUI-FlashVSR@8877fdd5 AILab_FlashVSR.py): a table, as no declaration says it. The packs'
files (their folder conventions) become the node's file settings; what Studio does otherwise (the Full
mode's Wan VAE, DiT tiles, the machine's settings, a resize before) is said naming the node and input.
Plain data: the builder makes the nodes; nothing of the packs is run."""
from __future__ import annotations

from studio.convert.api import CNode, ComfyMapping, in_type
from studio.convert.api import node_type as catalogue_node_type

NODE = "finishing.flashvsr"
UPSCALERS = ("FlashVSRNodeAdv", "FlashVSRNode", "AILab_FlashVSR", "AILab_FlashVSR_Advanced", "FlashVSR_SM_KSampler")
NAMES = {"speed_optimization": "sparse_ratio", "quality_boost": "kv_ratio", "stability_level": "local_range"}
PRESETS = {  # 1038lab's AILab_FlashVSR presets: (mode, sparse ratio, kv ratio, local range, DiT tiles)
    "Fast (2x Speed)": ("tiny", 1.5, 1.0, 9), "Balanced (2x Quality)": ("tiny", 2.0, 2.0, 11),
    "Long Video (Low VRAM)": ("tiny-long", 2.0, 2.0, 11), "High Quality (Best)": ("full", 2.0, 3.0, 11)}
MODES = {"Tiny (Fast)": "tiny", "Tiny Long (Low VRAM)": "tiny-long", "Full (Best Quality)": "full"}
MACHINE = ("tiled_vae", "tiled_dit", "tile_size", "tile_overlap", "unload_dit", "unload_model", "enable_tiling",
           "vae_tiling", "sageattention", "device", "precision", "force_offload", "attention_mode",
           "keep_models_on_cpu", "enable_debug", "full_tiled", "frame_chunk_size", "split_num")


def _is_flashvsr(n: CNode) -> bool:
    t = catalogue_node_type(n.origin or n.cls)
    return t is not None and "flashvsr" in t.category.lower()


def _picture_input(n: CNode) -> str | None:
    return next((k for k in n.links if in_type(n, k) == "IMAGE"), None)


def _model_node(wf, n: CNode) -> CNode | None:
    """The node wired into the upscaler's non-picture, non-sound input (an Init / Model node of FlashVSR)."""
    for k, (src, _slot) in n.links.items():
        if in_type(n, k) not in ("IMAGE", "AUDIO", "INT", "FLOAT", "BOOLEAN", "STRING", ""):
            m = wf.nodes.get(src)
            if m is not None and m.enabled and _is_flashvsr(m):
                return m
    return None


def _at(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' (#{n.id})"


def settings(wf, n: CNode, model: CNode | None, said: list[str]) -> dict:
    """FlashVSR Upscale's settings from the pack's nodes; what differs said in ``said``."""
    def val(name, node=n):
        return wf.value(node, name) if node is not None else None
    at = _at(n)
    for m in (n, model):
        if m is not None and not _named(m):
            gives = ", ".join(([] if m is not n else ["scale 4, sparse ratio 2, kv ratio 3, local range 11, colour fix "
                                                       "adain, seed 0"])
                              + ([] if m is n and model is not None else ["version 1.1, the TCDecoder, no files chosen"]))
            said.append(f"{_at(m)}'s {len(m.raw)} saved values are in a layout its pack's declaration does not name "
                        f"({_short(m.raw)}): none is read; FlashVSR Upscale's own settings stand for what it sets "
                        f"({gives}): set them")
    p, mode = _numbers(wf, n, at, said)
    p.update(_colour(wf, n, at, said))
    source = model if model is not None else n
    version = val("version", source) or val("model", source)
    if isinstance(version, str):
        p["version"] = "1.0" if version in ("1.0", "FlashVSR") else "1.1"
    elif n.cls.startswith("AILab_"):
        p["version"] = "1.1"
        said.append(f"{at}: the pack's weights are v1.1's (FlashVSR1_1.safetensors) but it runs them through v1.0's "
                    "LQ projection; FlashVSR Upscale runs v1.1's")
    mode = MODES.get(val("model_version"), mode) or val("mode", source)
    if model is not None and model.cls == "FlashVSR_SM_Model" and _named(model):
        tcd, long = val("tcd_encoder", model), val("tiny_long", model)
        mode = "full" if tcd in (None, "none") else ("tiny-long" if long else "tiny")
    p.update(_files(wf, n, model, said))
    if mode == "full":
        vae = val("vae_model", source) or val("vae", source)
        named = f" ('{vae}')" if isinstance(vae, str) and vae else ""
        which = f"its 'decoder' '{p['decoder']}'" if p.get("decoder") else "set its 'decoder' to the TCDecoder"
        said.append(f"{_at(source)}'s mode 'full' decodes with a Wan VAE{named}: FlashVSR Upscale decodes with the "
                    f"TCDecoder (the release's Tiny-Long order; Full is not built in Studio): {which}")
    machine = [f"#{m.id}'s {', '.join(ks)}" for m in (model, n) if m is not None
               for ks in [[k for k in MACHINE if wf.value(m, k) is not None and k in _declared(m)]] if ks]
    if machine:
        said.append(f"the pack's settings of tiles and the machine ({'; '.join(machine)}) are not applied: FlashVSR "
                    "Upscale works whole frames and Studio plans devices and memory itself")
    for k in ("steps", "cfg"):
        v = val(k)
        if v is not None and v != 1:
            said.append(f"{at}'s {k} {v} is not applied: FlashVSR runs one step at cfg 1")
    return p


def _numbers(wf, n: CNode, at: str, said: list[str]) -> tuple[dict, str | None]:
    """The preset, ratios, local range, scale (with a resize folded in) and seed read from ``n``; the preset's mode."""
    def val(name):
        return wf.value(n, name)
    p: dict = {}
    mode = None
    preset = val("preset")
    if isinstance(preset, str) and preset in PRESETS:
        mode, p["sparse_ratio"], p["kv_ratio"], p["local_range"] = PRESETS[preset]
        said.append(f"{at}'s preset '{preset}' is taken as its settings: sparse ratio {p['sparse_ratio']}, kv ratio "
                    f"{p['kv_ratio']}, local range {p['local_range']} (the pack's DiT tiles of 256 px are not applied)")
    for own, studio in (("sparse_ratio", "sparse_ratio"), ("kv_ratio", "kv_ratio"), ("local_range", "local_range"),
                        *NAMES.items()):
        v = val(own)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            p[studio] = int(v) if studio == "local_range" else float(v)
    for k, lo, hi in (("sparse_ratio", 0.1, 10.0), ("kv_ratio", 1.0, 10.0), ("local_range", 1, 63)):
        if k in p and not lo <= p[k] <= hi:
            fixed = min(max(p[k], lo), hi)
            said.append(f"{at}'s {k} {p[k]:g} is outside Studio's {lo:g}..{hi:g}: {fixed:g} used")
            p[k] = fixed
    scale = val("scale")
    if isinstance(scale, (int, float)) and not isinstance(scale, bool):
        p["scale"] = float(scale)
    resize = val("resize_factor")
    if isinstance(resize, (int, float)) and not isinstance(resize, bool) and resize != 1 and "scale" in p:
        said.append(f"{at} resizes the clip by its resize_factor {resize:g} before its x{p['scale']:g}: FlashVSR "
                    f"Upscale's scale is {p['scale'] * resize:g} (the same output size, upscaled at once)")
        p["scale"] = p["scale"] * resize
    if p.get("scale", 4.0) < 1:
        said.append(f"{at}'s scale {p['scale']:g} is below Studio's 1: 1 used")
        p["scale"] = 1.0
    seed = val("seed")
    if isinstance(seed, int) and not isinstance(seed, bool):
        p["seed"] = seed % 2 ** 31
        if seed >= 2 ** 31:
            said.append(f"{at}'s seed {seed} is past Studio's range: {p['seed']} used (the pack's noise differs from "
                        "Studio's anyway)")
    return p, mode


def _colour(wf, n: CNode, at: str, said: list[str]) -> dict:
    """FlashVSR Upscale's colour fix from ``n``'s color_fix and fix_method."""
    p: dict = {}
    fix, method = wf.value(n, "color_fix"), wf.value(n, "fix_method")
    if fix is False:
        p["color_fix"] = "none"
    elif isinstance(method, str) and method in ("wavelet", "adain"):
        p["color_fix"] = method
    elif fix is True and "fix_method" in _declared(n):  # (1038lab's nodes declare none: they fix by AdaIN, as used)
        said.append(f"{at} saves no colour-fix method (its pack's newer declaration has one, wavelet by default): "
                    "FlashVSR Upscale's adain used (lihaoyun6's pipelines fix by AdaIN)")
    return p


def _named(n: CNode) -> bool:
    """Its saved values are named (by the file or its declaration), or it saves none."""
    return bool(n.widgets) or not n.raw


def _short(raw) -> str:
    vals = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
    text = ", ".join(vals[:8]) + (", ..." if len(vals) > 8 else "")
    return text if len(text) <= 160 else text[:157] + "..."


def _declared(n: CNode) -> set[str]:
    t = catalogue_node_type(n.origin or n.cls)
    return {i.name for i in (t.inputs or ())} if t is not None else set()


def _files(wf, n: CNode, model: CNode | None, said: list[str]) -> dict:
    """The pack's files as FlashVSR Upscale's file settings (each pack's folder convention, from its source)."""
    src = model if model is not None else n
    if not _named(src):
        return {}  # (said: its values not named, no file read)
    if model is not None and model.cls == "FlashVSR_SM_Model":  # its files chosen in models/FlashVSR/
        names = {k: wf.value(model, k) for k in ("dit", "proj_pt", "emb_pt", "tcd_encoder")}
        out = {"dit": names["dit"], "lq_projection": names["proj_pt"], "prompt": names["emb_pt"],
               "decoder": names["tcd_encoder"]}
        return {k: f"FlashVSR/{v}" for k, v in out.items() if isinstance(v, str) and v and v != "none"}
    if n.cls.startswith("AILab_"):  # 1038lab: its safetensors repack in models/FlashVSR/
        return {"dit": "FlashVSR/FlashVSR1_1.safetensors", "lq_projection": "FlashVSR/LQ_proj_in.safetensors",
                "decoder": "FlashVSR/TCDecoder.safetensors", "prompt": "FlashVSR/Prompt.safetensors"}
    # lihaoyun6's nodes and their forks: models/<model>/, the pack's prompt
    folder = wf.value(src, "model") if isinstance(wf.value(src, "model"), str) else "FlashVSR-v1.1"
    said.append(f"{_at(src)} reads the prompt embedding from the pack's own folder (posi_prompt.pth): set FlashVSR "
                "Upscale's 'prompt' to that file")
    return {"dit": f"{folder}/diffusion_pytorch_model_streaming_dmd.safetensors",
            "lq_projection": f"{folder}/LQ_proj_in.ckpt", "decoder": f"{folder}/TCDecoder.ckpt"}


def way_step(b, n: CNode, wire: tuple[str, str], said: list[str]) -> tuple[str, str] | None:
    """The pack's upscaler on a clip's way as FlashVSR Upscale on ``wire``; None where its declaration is not a
    FlashVSR node taking pictures."""
    wf = b.wf
    if not _is_flashvsr(n) or _picture_input(n) is None:
        return None
    model = _model_node(wf, n)
    params = settings(wf, n, model, said)
    w, h = wf.value(n, "width"), wf.value(n, "height")
    if isinstance(w, int) and isinstance(h, int) and not isinstance(w, bool) and w > 0 and h > 0:
        # (Goldlionren's sampler: ComfyUI's common_upscale to width x height, 'nearest-exact', 'center', first)
        fit = b.add("transform.scale", {"width": w, "height": h, "fit": "exact", "crop": "center",
                                        "interpolation": "nearest"}, n)
        b.g.connect(*wire, fit, "video")
        wire = (fit, "video")
        said.append(f"{_at(n)} resizes the clip to {w}x{h} (cut to that aspect about the middle, nearest) before "
                    f"upscaling it x{params.get('scale', 4):g}: made as Studio's Scale before FlashVSR Upscale")
    node = b.add(NODE, params, n)
    b.g.connect(*wire, node, "video")
    b.used |= {n.id} | ({model.id} if model is not None else set())
    b.task_made("upscale (FlashVSR)", "FlashVSR", NODE, ["video"])  # the way's generator (the summary's task)
    return node, "video"


MAPPING = ComfyMapping(key="flashvsr", title="FlashVSR", hooks={"way_steps": {t: way_step for t in UPSCALERS}})
