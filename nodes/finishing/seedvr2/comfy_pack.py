"""numz's ComfyUI-SeedVR2_VideoUpscaler (v2.5: SeedVR2LoadDiTModel + SeedVR2LoadVAEModel, perhaps fed
SeedVR2TorchCompileSettings, feeding SeedVR2VideoUpscaler) as Studio's one node: Load Image -> SeedVR2 Upscale
-> Save Image (a still, as the pack's image examples save it), or Load Video -> SeedVR2 Upscale -> Save Video
(LoadVideo -> GetVideoComponents -> ... -> CreateVideo -> SaveVideo, its sound and frame rate the source's).

Read: the DiT and VAE files, 'resolution' (the shortest edge) and 'max_resolution' (the longest at most), the
seed, 'batch_size' and 'temporal_overlap' as the temporal window and its overlap, the VAE loader's tiles; what
Studio does otherwise (the pack's 'lab' colour correction, its noise scales, the frames it prepends, an alpha
joined in) is said naming the node and its input. Any other shape of workflow is left to the other stages.
Plain data: the builder (mapping.convert._Builder) makes the nodes; nothing of the pack is run."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, in_type, out_types

UPSCALER, DIT, VAE, COMPILE = ("SeedVR2VideoUpscaler", "SeedVR2LoadDiTModel", "SeedVR2LoadVAEModel",
                               "SeedVR2TorchCompileSettings")
IMAGE_ENDS = ("SaveImage", "PreviewImage")
COLOURS = ("wavelet", "adain", "none")  # the pack's corrections Studio's node has (the release's)
MACHINE = {DIT: ("device", "blocks_to_swap", "swap_io_components", "offload_device", "cache_model", "attention_mode"),
           VAE: ("device", "tile_debug", "offload_device", "cache_model"),
           UPSCALER: ("offload_device", "enable_debug")}  # settings of the machine only: Studio plans those itself


def _link(wf: Workflow, n: CNode, name: str, cls: tuple[str, ...], slot: int = 0) -> CNode | None:
    s = n.links.get(name)
    src = wf.nodes.get(s[0]) if s else None
    return src if src is not None and src.enabled and src.cls in cls and s[1] == slot else None


def chain(wf: Workflow, end: CNode) -> dict | None:
    """The pack's upscale making ``end``: {'end', 'up', 'dit', 'vae', 'load', 'parts', 'alpha', 'video'} (parts:
    the nodes read besides), or None when ``end`` is not made so."""
    if not end.enabled:
        return None
    parts: list[CNode] = []
    if end.cls in IMAGE_ENDS:
        up, video = _link(wf, end, "images", (UPSCALER,)), False
    elif end.cls == "SaveVideo":
        make = _link(wf, end, "video", ("CreateVideo",))
        up, video = (_link(wf, make, "images", (UPSCALER,)) if make else None), True
        parts += [make] if make else []
    else:
        return None
    if up is None:
        return None
    dit, vae = _link(wf, up, "dit", (DIT,)), _link(wf, up, "vae", (VAE,))
    if dit is None or vae is None or sum(s == up.id for m in wf.nodes.values() for s, _ in m.links.values()) != 1:
        return None
    alpha = _link(wf, up, "image", ("JoinImageWithAlpha",))
    src_of = alpha if alpha is not None else up
    if video:
        comps = _link(wf, src_of, "image", ("GetVideoComponents",))
        load = _link(wf, comps, "video", ("LoadVideo",)) if comps else None
        if load is None or alpha is not None or not _own(wf, make, comps):
            return None
        parts.append(comps)
    else:
        load = _link(wf, src_of, "image", ("LoadImage",))
        if load is None and alpha is None:  # picture steps Studio passes over between (heldout22 05: a sharpened copy
            load = _through_steps(wf, up)  # composited back inside a mask): each said by the passing stage
        if load is None or (alpha is not None and _link(wf, alpha, "alpha", ("LoadImage",), 1) is not load):
            return None
    for x in (_link(wf, dit, "torch_compile_args", (COMPILE,)), _link(wf, vae, "torch_compile_args", (COMPILE,)), alpha):
        if x is not None and all(x.id != y.id for y in parts):
            parts.append(x)
    return {"end": end, "up": up, "dit": dit, "vae": vae, "load": load, "parts": parts, "alpha": alpha,
            "video": video}


def _through_steps(wf: Workflow, up: CNode, most: int = 16) -> CNode | None:
    """The one Load Image the upscaler's 'image' comes from through picture steps (each a node with a picture in and a
    picture out, no sampler, no model of the pack), walked along picture inputs; None where there is none or several."""
    found, seen, todo = [], {up.id}, [up]
    while todo and len(seen) < most:
        n = todo.pop(0)
        for k, (src, _slot) in n.links.items():
            if in_type(n, k) != "IMAGE" or src in seen or (m := wf.nodes.get(src)) is None or not m.enabled:
                continue
            seen.add(src)
            if m.cls == "LoadImage":
                found.append(m)
            elif "IMAGE" in out_types(wf, m) and "sampler" not in m.cls.lower() and m.cls not in (DIT, VAE, UPSCALER):
                todo.append(m)
    return found[0] if len({f.id for f in found}) == 1 else None


def _own(wf: Workflow, make: CNode, comps: CNode) -> bool:
    """CreateVideo's sound and frame rate are the source's (GetVideoComponents' audio and fps wired in): a silent
    clip or another rate is left to the others (Studio's SeedVR2 Upscale keeps the source's)."""
    return all(tuple(make.links.get(name) or ()) == (comps.id, slot) for name, slot in (("audio", 1), ("fps", 2)))


def _int(wf: Workflow, n: CNode, name: str, default: int) -> int:
    v = wf.value(n, name)
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def params_of(wf: Workflow, c: dict, said: list[str]) -> dict:
    """SeedVR2 Upscale's settings read from the pack's nodes; what is not taken said in ``said``."""
    up, dit, vae = c["up"], c["dit"], c["vae"]
    at = f"'{up.title or up.cls}' (#{up.id})"
    p: dict = {"model": str(wf.value(dit, "model") or ""), "vae": str(wf.value(vae, "model") or ""),
               "seed": _int(wf, up, "seed", 42) % 2 ** 31}
    if _int(wf, up, "seed", 42) >= 2 ** 31:  # (heldout22 05: reduced unsaid)
        said.append(f"{at}'s seed {_int(wf, up, 'seed', 42)} is past Studio's range: {p['seed']} used (the pack's "
                    "noise differs from Studio's anyway)")
    if p["model"].lower().endswith(".gguf"):
        said.append(f"'{dit.title or dit.cls}' (#{dit.id}) loads '{p['model']}', a GGUF file, which SeedVR2 Upscale "
                    "does not read (its .safetensors files only): set 'model' to one")
    said.append(f"'{dit.title or dit.cls}' (#{dit.id}): the pack reads the text embedding from its own pos_emb.pt, "
                "a pickle Studio never opens; SeedVR2 Upscale reads it from the DiT file where it holds it (ComfyUI's "
                "converted files do), else set its 'text embeddings'")
    res, cap = _int(wf, up, "resolution", 1080), _int(wf, up, "max_resolution", 0)
    earlier = wf.value(up, "new_resolution")  # the pack's earlier name of 'resolution' (heldout57 05: 720 made 1080)
    if wf.value(up, "resolution") is None and isinstance(earlier, int) and not isinstance(earlier, bool):
        res = earlier
        said.append(f"{at}'s new_resolution {earlier} (the pack's earlier name of its 'resolution', the shortest "
                    "edge) is SeedVR2 Upscale's short edge")
    p["short_edge"], p["max_edge"] = res, cap
    batch, overlap = max(1, _int(wf, up, "batch_size", 5)), _int(wf, up, "temporal_overlap", 0)
    window = batch if batch == 1 or (batch - 1) % 4 == 0 else 4 * ((batch - 1) // 4 + 1) + 1
    if window != batch:
        said.append(f"{at}'s batch_size {batch} is not 4k + 1: windows of {window} frames (the pack rounds it up too)")
    p["window"], p["overlap"] = window, (overlap if window == 1 or overlap < window else window - 1)
    colour = str(wf.value(up, "color_correction") or "lab")
    p["color_fix"] = colour if colour in COLOURS else "wavelet"
    if colour not in COLOURS:
        said.append(f"{at}'s color_correction '{colour}' is the pack's own: SeedVR2 Upscale has the release's "
                    "wavelet (used), adain and none")
    tiled = bool(wf.value(vae, "decode_tiled"))
    tile, over = _int(wf, vae, "decode_tile_size", 1024), _int(wf, vae, "decode_tile_overlap", 128)
    p["vae_tile"], p["vae_overlap"] = (tile - tile % 8, min(over - over % 8, tile - tile % 8 - 8)) if tiled else (0, 0)
    if bool(wf.value(vae, "encode_tiled")):
        said.append(f"'{vae.title or vae.cls}' (#{vae.id})'s encode tiles: SeedVR2 Upscale encodes whole frames "
                    "(its tiles are the decode's)")
    for name, off in (("uniform_batch_size", False), ("prepend_frames", 0), ("input_noise_scale", 0),
                      ("latent_noise_scale", 0)):
        v = wf.value(up, name)
        if v is not None and v != off:
            said.append(f"{at}'s {name} {v} is not applied: SeedVR2 Upscale has no such setting")
    machine = [f"#{n.id} {k} {wf.value(n, k)}" for n in (dit, vae, up) for k in MACHINE[n.cls]
               if wf.value(n, k) is not None]
    if machine:
        said.append(f"the machine's settings ({', '.join(machine)}) are not applied: Studio plans devices and "
                    "memory itself")
    return p


def make(b, c: dict) -> None:
    """Studio's nodes for one chain (chain's), made by the builder ``b``, said in the note and the Log."""
    wf, end, up, load = b.wf, c["end"], c["up"], c["load"]
    said: list[str] = []
    made = len(b.g.nodes)
    params = params_of(wf, c, said)
    if c["alpha"] is not None:
        a = c["alpha"]
        said.append(f"'{a.title or a.cls}' (#{a.id}) joins the picture's alpha ('alpha') for {up.cls}'s 'image': "
                    "SeedVR2 Upscale upscales the colours only; the alpha is neither upscaled nor saved")
    for n in c["parts"]:
        if n.cls == COMPILE:
            said.append(f"'{n.title or n.cls}' (#{n.id})'s torch.compile settings are not applied: Studio plans "
                        "speed itself")
    shared = b.__dict__.setdefault("core_made", {})  # a loader another output's core chain reads: one node
    if load.id in shared and shared[load.id].get(0):
        src = shared[load.id][0][0]
    else:
        src = b.add("io.load_video" if c["video"] else "io.load_image",
                    {"path": b.file_of(load).removesuffix(" [input]")}, load)
        shared[load.id] = {0: (src, "video" if c["video"] else "image")}
    node = b.add("finishing.seedvr2", params, up)
    b.g.connect(src, "image" if not c["video"] else "video", node, "video")
    if c["video"]:
        save = b.add("io.save_video", {"path": b.save_path(end)}, end)
    else:
        if end.cls == "PreviewImage":
            first = "temp/ComfyUI_temp_00001_.png"
        else:  # (ComfyUI's %...% tokens left out of the name and said: reading/save_names)
            first = f"out/{b.prefix_of(end).replace(chr(92), '/').strip('/') or 'ComfyUI'}_00001_.png"
        save = b.add("io.save_image", {"path": first}, end)
    b.g.connect(node, "video", save, "video")
    b.used |= {end.id, up.id, c["dit"].id, c["vae"].id, load.id} | {n.id for n in c["parts"]}
    b.bands.append(list(b.g.nodes)[made:])
    b.note("\n".join([f"Converted from ComfyUI ({b.name}), output '{end.title or end.cls}' (#{end.id}): "
                      f"{up.cls} (#{up.id}) as SeedVR2 Upscale"] + [f"- {s}" for s in said]), len(b.bands) - 1)
    b.task_made("upscale (SeedVR2)", "SeedVR2", "finishing.seedvr2", ["video" if c["video"] else "image"])
    b.log(f"ComfyUI '{end.title or end.cls}' -> {'Load Video' if c['video'] else 'Load Image'} -> SeedVR2 Upscale -> "
          f"{'Save Video' if c['video'] else 'Save Image'}")
    for s in said:
        b.log(s)


def way_step(b, up: CNode, wire: tuple[str, str], said: list[str]) -> tuple[str, str] | None:
    """The pack's upscaler on a utility's way (Load Video -> ... -> SeedVR2VideoUpscaler -> RIFE -> save) as SeedVR2
    Upscale on ``wire`` (its loaders read, what differs said); None where its DiT or VAE loader is not the pack's.
    Found by the tenth held-out set: a RunPod worker's upscale-and-interpolate chain lost its upscale."""
    wf = b.wf
    dit, vae = _link(wf, up, "dit", (DIT,)), _link(wf, up, "vae", (VAE,))
    if dit is None or vae is None:
        return None
    c = {"up": up, "dit": dit, "vae": vae, "alpha": None, "parts": []}
    node = b.add("finishing.seedvr2", params_of(wf, c, said), up)
    b.g.connect(*wire, node, "video")
    b.used |= {up.id, dit.id, vae.id}
    return node, "video"
