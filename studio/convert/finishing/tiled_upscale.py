"""A tiled diffusion upscale of pictures (ssitu/ComfyUI_UltimateSDUpscale's UltimateSDUpscale, its NoUpscale and
CustomSample forms, or any pack's node declared alike) on a clip's way, read as Studio's Tiled Diffusion Upscale
(finishing.tiled_diffusion_upscale) on that clip: after a loaded clip (the utility way, utility._way_step) or after a
generated take (finish.after_take).

Told by declared types, not by the pack's names: an enabled node taking pictures (IMAGE), an image model (MODEL),
prompts (CONDITIONING) and a VAE, giving pictures alone, whose settings name its tiles (tile_width, tile_height), the
blur of their masks (mask_blur) and the denoise. Its settings are read by their names (the pack's: upscale_by, seed,
steps, cfg, denoise, mode_type, tile_width, tile_height, mask_blur, tile_padding, seam_fix_mode, seam_fix_denoise,
seam_fix_width, seam_fix_mask_blur, seam_fix_padding, force_uniform_tiles; a UI file's values named by the catalogue,
else by the mapping's widgets: nodes/finishing/tiled_diffusion/comfy.py). Its model is read through the model
patches to the loader, the loader's checkpoint read as a still family's (SD 1.5, SDXL: tracing/still_checkpoint.py)
and made Studio's Load Video Model; its prompts are the texts of its conditioning (tracing.prompts.prompt_text); its
upscale model the file its UPSCALE_MODEL loader names. What Studio does otherwise is said naming the node and input:
the sampler (Euler on the checkpoint's own betas), a VAE of another file, the model's patches (LoRAs, IPAdapter,
AnimateDiff, FreeU: not applied), a tiled decode, a batch of tiles, a custom sampler, the seed's noise. A model no
still family reads leaves the node to the rules that say it (None). Plain data: the builder makes the nodes."""
from __future__ import annotations

from studio.core.shown import cut

from ..catalogue import node_type
from ..reading.list_trips import to_list
from ..reading.workflow import CNode, Workflow
from ..tracing.prompts import prompt_text
from ..tracing.roles import in_type, out_types, role
from ..tracing.still_checkpoint import still_family_of
from ..tracing.walks import model_file

NODE = "finishing.tiled_diffusion_upscale"
NEEDS = {"IMAGE", "MODEL", "CONDITIONING", "VAE"}
TILES = ("tile_width", "tile_height", "mask_blur", "denoise")
MAX_PATCHES = 16
# the pack's setting -> Studio's (the names of both as they declare them)
SETTINGS = {"upscale_by": "factor", "seed": "seed", "steps": "steps", "cfg": "guidance", "denoise": "denoise",
            "mode_type": "mode", "tile_width": "tile_width", "tile_height": "tile_height", "mask_blur": "mask_blur",
            "tile_padding": "padding", "seam_fix_mode": "seam_fix", "seam_fix_denoise": "seam_fix_denoise",
            "seam_fix_width": "seam_fix_width", "seam_fix_mask_blur": "seam_fix_mask_blur",
            "seam_fix_padding": "seam_fix_padding", "force_uniform_tiles": "uniform_tiles"}
DEFAULTS = {"factor": 2.0, "seed": 0, "steps": 20, "guidance": 8.0, "denoise": 0.2, "mode": "Linear",
            "tile_width": 512, "tile_height": 512, "mask_blur": 8, "padding": 32, "seam_fix": "None",
            "seam_fix_denoise": 1.0, "seam_fix_width": 64, "seam_fix_mask_blur": 8, "seam_fix_padding": 16,
            "uniform_tiles": True}  # Tiled Diffusion Upscale's own (the pack's defaults too)


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _types(n: CNode) -> dict[str, str]:
    return {k: in_type(n, k) for k in {*n.links, *n.in_types}}


def reads(wf: Workflow, n: CNode) -> bool:
    """``n`` is a tiled diffusion upscale of pictures, by its declared types and settings' names."""
    if not n.enabled:
        return False
    types = _types(n)
    if not NEEDS <= set(types.values()) or out_types(wf, n) - {"IMAGE"} or "IMAGE" not in out_types(wf, n):
        return False
    return all(k in n.widgets or k in n.links for k in TILES)


def _gives(wf: Workflow, src: CNode | None, kind: str) -> bool:
    """``src`` gives ``kind`` as it declares (its UI sockets, else its catalogued type)."""
    if src is None:
        return False
    t = node_type(src.origin or src.cls)
    return kind in (src.out_types or (t.output_types if t is not None else ()))


def picture_input(n: CNode) -> str | None:
    """The input its pictures come in on."""
    return next((k for k, t in _types(n).items() if t == "IMAGE" and k in n.links), None)


def _loader(wf: Workflow, n: CNode) -> tuple[CNode | None, list[CNode]]:
    """(the model loader behind ``n``'s model, the patches between them nearest ``n`` first)."""
    port = next((k for k, t in _types(n).items() if t == "MODEL" and k in n.links), None)
    node, patches = (wf.source(n, port) if port else None), []
    for _ in range(MAX_PATCHES):  # (a loader giving prompts too, Efficient Loader's, is a 'conditioning' by role)
        if node is None or role(wf, node) == "loader" or "model" not in node.links and model_file(wf, node):
            return node, patches
        patches.append(node)
        node = wf.source(node, "model") if "model" in node.links else None
    return None, patches


def _value(wf: Workflow, n: CNode, name: str):
    v = wf.value(n, name)
    return v if not isinstance(v, bool) or name == "force_uniform_tiles" else None


def settings(wf: Workflow, n: CNode, said: list[str]) -> dict:
    """Tiled Diffusion Upscale's settings from ``n``'s, by name; a setting wired to a value Studio cannot work out
    said, the node's own default standing."""
    p: dict = {}
    at = _name(n)
    for theirs, ours in SETTINGS.items():
        v = _value(wf, n, theirs)
        if v is None and theirs in n.links:
            said.append(f"{n.where(theirs)} is worked out by {_name(wf.source(n, theirs))} when the workflow runs; "
                        f"Studio cannot work it out when converting: Tiled Diffusion Upscale's '{ours}' stays "
                        f"{DEFAULTS[ours]} (set it)")
            continue
        if v is not None:
            p[ours] = v
    if "factor" not in p and "upscale_by" not in n.widgets and "upscale_by" not in n.links:
        p["factor"] = 1.0  # (a form that only redraws: the pictures it is given are already the size it makes)
        said.append(f"{at} upscales nothing (it has no 'upscale_by'): Tiled Diffusion Upscale's factor is 1")
    return p


def _unapplied(wf: Workflow, n: CNode, loader: CNode, patches: list[CNode], said: list[str], over: dict) -> None:
    """What ComfyUI does with ``n`` that Tiled Diffusion Upscale does otherwise, in ``said``; its model's patches
    said in ``over`` (the passed-over note)."""
    at = _name(n)
    sampler = [f"{k} {v}" for k in ("sampler_name", "scheduler") if isinstance(v := wf.value(n, k), str)]
    if sampler and wf.value(n, "sampler_name") == "euler":
        said.append(f"{at}'s {', '.join(sampler)}: Tiled Diffusion Upscale samples each tile with diffusers' Euler on "
                    "the checkpoint's own betas and spacing (its still family's scheduler), not ComfyUI's schedule")
    elif sampler:
        said.append(f"{at}'s {', '.join(sampler)} are not applied: Tiled Diffusion Upscale samples each tile with "
                    "Euler on the checkpoint's own betas (its still family's scheduler)")
    vae = wf.source(n, next((k for k, t in _types(n).items() if t == "VAE" and k in n.links), ""))
    if vae is not None and vae.id != loader.id:
        file = next((v for v in vae.settings().values() if isinstance(v, str) and "." in v), None)
        said.append(line := f"{n.where('vae')} is given the VAE of {_name(vae)}" + (f" ('{file}')" if file else "")
                    + ": not applied, Tiled Diffusion Upscale encodes and decodes the tiles with the checkpoint's own "
                      "VAE")
        if all(m.id == n.id or not m.enabled for m in wf.nodes.values() for src, _ in m.links.values()
               if src == vae.id):  # read by this node alone: passed over with that sentence
            over[vae.id] = line[0].upper() + line[1:]
    if wf.value(n, "tiled_decode") is True:
        said.append(f"{at}'s tiled_decode is not applied: each tile is decoded whole")
    if isinstance(b := wf.value(n, "batch_size"), int) and not isinstance(b, bool) and b > 1:
        said.append(f"{at}'s batch_size {b} is not applied: Tiled Diffusion Upscale redraws one tile at a time "
                    "(the pack says a batch gives other pictures than one tile at a time)")
    custom = [k for k, t in _types(n).items() if t in ("SAMPLER", "SIGMAS") and k in n.links]
    if custom:
        said.append(f"{at}'s {', '.join(repr(k) for k in custom)} (a custom sampler) not applied: Tiled Diffusion "
                    "Upscale samples with the checkpoint's own scheduler")
    if (listed := _listed(wf, n)) is not None:  # its pictures a list: ComfyUI runs it once a frame, one seed each
        said.append(f"{_name(listed)} gives {at} the clip as a list of its frames: ComfyUI runs it once a frame, each "
                    "from its one seed; Tiled Diffusion Upscale gives every frame the seed's draw 0 (frame_seed "
                    "'same'): other noise than ComfyUI's, the same on every run")
    else:
        said.append(f"{at} samples the frames as one batch from its seed; Tiled Diffusion Upscale gives frame i the "
                    "seed's draw i (frame_seed 'per frame'): other noise than ComfyUI's, the same on every run")
    for m in patches:
        over[m.id] = (f"{_name(m)} patches the model {at} redraws the tiles with: not applied, Tiled Diffusion Upscale "
                      f"redraws with the checkpoint '{model_file(wf, loader)}' alone")
    _patches_made_with(wf, patches, at, over)


def _listed(wf: Workflow, n: CNode) -> CNode | None:
    """The node giving ``n`` its pictures as a list (a batch-to-list converter, reading/list_trips.to_list), or None."""
    port = picture_input(n)
    src = wf.source(n, port) if port else None
    return src if src is not None and to_list(src) else None


def _patches_made_with(wf: Workflow, patches: list[CNode], at: str, over: dict) -> None:
    """The nodes the patches alone are made with beside the model (every enabled reader one of the patches or of
    these: an IP-Adapter's model loader, its CLIP vision loader, its reference picture), passed over in ``over`` with
    the patch they feed (as mapping/patch_inputs.made_with does for a generator's patches; this folder may not import
    that one)."""
    readers: dict[str, set[str]] = {}
    for m in wf.nodes.values():
        if m.enabled:
            for src, _ in m.links.values():
                readers.setdefault(src, set()).add(m.id)
    group = {m.id for m in patches}
    via: dict[str, tuple[CNode, str, CNode]] = {}  # a node -> (the reader in the group, its input, the patch)
    todo = []
    for m in patches:
        for k, (src, _) in m.links.items():
            if src in wf.nodes and k != "model" and in_type(m, k) != "MODEL" and src not in group:
                via.setdefault(src, (m, k, m))
                todo.append(wf.nodes[src])
    while todo:
        x = todo.pop()
        if x.id in group or x.id in over or not x.enabled or not readers.get(x.id, set()) <= group:
            continue
        group.add(x.id)
        reader, k, patch = via[x.id]
        over[x.id] = (f"{_name(x)} gives {reader.where(k)}: one of what {_name(patch)}, a patch on the model {at} "
                      "redraws with, is made with: not applied either")
        for k2, (src, _) in x.links.items():
            if src in wf.nodes:
                via.setdefault(src, (x, k2, patch))
                todo.append(wf.nodes[src])


def _ours(line: str, key: str) -> str:
    """A prompt's sentence (tracing.prompts) naming Tiled Diffusion Upscale's own setting where it names a
    generator's."""
    for theirs in ("the generator's prompt", "the generator's 'negative_prompt'", "the generator's negative prompt"):
        line = line.replace(theirs, f"Tiled Diffusion Upscale's '{key}'")
    return line


def make(b, n: CNode, wire: tuple[str, str], said: list[str], way: bool = False) -> tuple[str, str] | None:
    """Tiled Diffusion Upscale of ``wire`` for ``n`` (a Load Video Model of its checkpoint wired to it); None where
    ``n`` is no tiled diffusion upscale or its model is one no still family reads. ``way``: on a loaded clip's way
    (its generator recorded as the way's, as a family's way step records its own: SeedVR2's, FlashVSR's)."""
    wf = b.wf
    if not reads(wf, n):
        return None
    loader, patches = _loader(wf, n)
    if loader is None or not isinstance(file := model_file(wf, loader), str) or not file:
        return None
    title, guessed = still_family_of(wf, loader, [loader])  # (its file alone: its patches' families not counted)
    if title is None:
        return None
    p = settings(wf, n, said)
    if _listed(wf, n) is not None:
        p["frame_seed"] = "same"
    for which, key in (("positive", "prompt"), ("negative", "negative_prompt")):
        lines: list[str] = []
        p[key] = prompt_text(wf, wf.source(n, which), which, b.used, lines) or ""
        said += [_ours(line, key) for line in lines]
    up = next((k for k in n.links if _gives(wf, wf.source(n, k), "UPSCALE_MODEL")), None)
    up_loader = wf.source(n, up) if up else None
    if up_loader is not None:
        name = next((v for v in up_loader.settings().values() if isinstance(v, str) and "." in v), None)
        if name:
            p["upscaler"] = name
            b.used.add(up_loader.id)
    _unapplied(wf, n, loader, patches, said, b.over)
    load = b.add("video_models.load", {"model": file}, loader)
    node = b.add(NODE, p, n)
    b.g.connect(*wire, node, "video")
    b.g.connect(load, "model", node, "model")
    b.used |= {n.id, loader.id}
    words = (f"its checkpoint '{file}' ({_name(loader)}) read as {title}'s"
             + (" (the file's name names no model: Load Video Model tells the model from its tensors when it loads)"
                if guessed else ""))
    said.append(f"{_name(n)} upscales x{p.get('factor', DEFAULTS['factor']):g} and redraws the frames in tiles of "
                f"{p.get('tile_width', 512)}x{p.get('tile_height', 512)} at denoise {p.get('denoise', 0.2):g}: "
                "Studio's "
                f"Tiled Diffusion Upscale, {words}"
                + (f", its upscaler '{p['upscaler']}'" if p.get("upscaler") else ", resized by Lanczos")
                + (f", prompt {cut(p['prompt'], 60)!r}" if p["prompt"] else ""))
    if way:
        b.task_made("upscale (tiled diffusion)", "Tiled Diffusion Upscale", NODE, ["video"])
    return node, "video"
