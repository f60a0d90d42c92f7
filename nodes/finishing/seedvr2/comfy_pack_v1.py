"""numz's ComfyUI-SeedVR2_VideoUpscaler in its first layout (June-August 2025: one node, 'SeedVR2', naming its DiT
file itself, perhaps fed SeedVR2BlockSwap and SeedVR2ExtraArgs; the pack fetched its VAE, ema_vae_fp16.safetensors,
itself) as Studio's SeedVR2 Upscale on a utility's way (the 'way_steps' hook, as comfy_pack.way_step reads the later
SeedVR2VideoUpscaler). Found by the seventy-eighth held-out set (10: the pack's Aug 2025 video example was held with
its clip alone, its node 'not converted').

Its settings by place (a UI file saves them unnamed; the catalogue does not name them): the DiT file, the seed (its
'control after generate' beside it), new_resolution (the shortest edge), batch_size (the temporal window); its extra
args' tiles are the VAE's; the colour is corrected by wavelet reconstruction and no frames overlap between batches
(the pack's code: src/interfaces/comfyui_node.py, src/core/generation.py at Fotosmile's fork 0dd38315, read for names,
order and defaults; nothing copied). Plain data: nothing of the pack is run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, Workflow

V1, SWAP, EXTRA = "SeedVR2", "SeedVR2BlockSwap", "SeedVR2ExtraArgs"
NAMES = {V1: ("model", "seed", CONTROL, "new_resolution", "batch_size"),
         SWAP: ("blocks_to_swap", "use_non_blocking", "offload_io_components"),
         EXTRA: ("tiled_vae", "vae_tile_size", "vae_tile_overlap", "preserve_vram", "cache_model", "enable_debug",
                 "device")}
VAE = "ema_vae_fp16.safetensors"  # the VAE the first layout fetches itself (its model registry's DEFAULT_VAE)
DEFAULTS = {"seed": 100, "new_resolution": 1072, "batch_size": 5, "tiled_vae": True, "vae_tile_size": 512,
            "vae_tile_overlap": 64}


def values(n: CNode) -> dict:
    """A node's settings by name: the file's names (an API file), else its saved values by place (a UI file)."""
    if n.widgets:
        return dict(n.widgets)
    raw = n.raw if isinstance(n.raw, list) else []
    names = NAMES.get(n.cls, ())
    if n.cls == V1 and len(raw) == len(names) - 1:  # saved without its 'control after generate'
        names = tuple(k for k in names if k != CONTROL)
    return {k: v for k, v in zip(names, raw) if k != CONTROL}


def _int(v, default: int) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _fed(wf: Workflow, n: CNode, name: str, cls: str) -> CNode | None:
    s = n.links.get(name)
    src = wf.nodes.get(s[0]) if s else None
    return src if src is not None and src.enabled and src.cls == cls else None


def way_step(b, up: CNode, wire: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """The first layout's 'SeedVR2' ``up`` as SeedVR2 Upscale on ``wire``, what differs said."""
    wf, v = b.wf, values(up)
    at = f"'{up.title or up.cls}' (#{up.id})"
    seed = _int(v.get("seed"), DEFAULTS["seed"])
    batch = max(1, _int(v.get("batch_size"), DEFAULTS["batch_size"]))
    window = batch if batch == 1 or (batch - 1) % 4 == 0 else 4 * ((batch - 1) // 4 + 1) + 1
    extra = _fed(wf, up, "extra_args", EXTRA)
    e = {**DEFAULTS, **(values(extra) if extra is not None else {})}
    tile, over = _int(e.get("vae_tile_size"), 512), _int(e.get("vae_tile_overlap"), 64)
    p = {"model": str(v.get("model") or ""), "vae": VAE, "seed": seed % 2 ** 31,
         "short_edge": _int(v.get("new_resolution"), DEFAULTS["new_resolution"]), "max_edge": 0,
         "window": window, "overlap": 0, "color_fix": "wavelet",
         "vae_tile": tile - tile % 8 if e.get("tiled_vae") else 0,
         "vae_overlap": min(over - over % 8, tile - tile % 8 - 8) if e.get("tiled_vae") else 0}
    said.append(f"{at} is the pack's first upscaler (one node naming its DiT file; its VAE the pack fetched itself): "
                f"SeedVR2 Upscale reads the DiT '{p['model']}' and the VAE '{VAE}' (set its 'vae' where yours is "
                f"elsewhere), new_resolution {p['short_edge']} as the short edge, batch_size {batch} as windows of "
                f"{window} frames with none shared, the colour fixed by wavelet, as the pack does")
    if seed >= 2 ** 31:
        said.append(f"{at}'s seed {seed} is past Studio's range: {p['seed']} used")
    said.append(f"{at}: the pack reads the text embedding from its own pos_emb.pt, a pickle Studio never opens; "
                "SeedVR2 Upscale reads it from the DiT file where it holds it, else set its 'text embeddings'")
    machine = [f"#{n.id} {k} {x}" for n in (_fed(wf, up, "block_swap_config", SWAP), extra) if n is not None
               for k, x in values(n).items() if k not in ("tiled_vae", "vae_tile_size", "vae_tile_overlap")]
    if machine:
        said.append(f"the machine's settings ({', '.join(machine)}) are not applied: Studio plans devices and memory "
                    "itself")
    node = b.add("finishing.seedvr2", p, up)
    b.g.connect(*wire, node, "video")
    b.used |= {up.id} | {n.id for n in (_fed(wf, up, "block_swap_config", SWAP), extra) if n is not None}
    return node, "video"
