"""numz's ComfyUI-SeedVR2_VideoUpscaler in its first layout (June-August 2025: one node, 'SeedVR2', naming its DiT
file itself, perhaps fed SeedVR2BlockSwap and SeedVR2ExtraArgs; the pack fetched its VAE, ema_vae_fp16.safetensors,
itself) as Studio's SeedVR2 Upscale on a utility's way (the 'way_steps' hook, as comfy_pack.way_step reads the later
SeedVR2VideoUpscaler). Found by the seventy-eighth held-out set (10: the pack's Aug 2025 video example was held with
its clip alone, its node 'not converted').

Its settings are named as the catalogue holds its last declaration (the three types read from the pack's source at
0dd38315, 2025-08-19, Fotosmile's fork keeping that history: names, types, defaults); a UI file saved by an earlier
version of the node, which declared more settings on the node itself, is named by that version's order (LAYOUTS,
facts of src/interfaces/comfyui_node.py's history, read, nothing copied), told apart by how many values it saved (the
seed's 'control after generate' beside it, a text, left out first). new_resolution is the shortest edge (NaResize
'side'), batch_size the temporal window; the VAE's tiles are the node's own or its extra args'; the colour is
corrected by wavelet reconstruction and no frames overlap between batches (src/core/generation.py). Plain data:
nothing of the pack is run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, Workflow, node_type

V1, SWAP, EXTRA = "SeedVR2", "SeedVR2BlockSwap", "SeedVR2ExtraArgs"
TILES = ("tiled_vae", "vae_tile_size", "vae_tile_overlap")
# the node's earlier declarations (widgets only, the seed's control left out), by how many values each saves
_RES = ("model", "seed", "new_resolution")
LAYOUTS = {
    6: _RES + ("cfg_scale", "batch_size", "preserve_vram"),  # 2786c05 / f9951e9, 2025-06-30 (first 'new_width')
    5: _RES + ("batch_size", "preserve_vram"),  # db6825c (2025-06-30) .. 4118595 (2025-08-08)
    7: _RES + ("batch_size", "preserve_vram", "cache_model", "enable_debug"),  # d075dde (2025-08-08)
    10: _RES + ("batch_size", "preserve_vram", "cache_model", "enable_debug") + TILES,  # 54cd908 .. 176562f (08-12/13)
}
VAE = "ema_vae_fp16.safetensors"  # the VAE the first layout fetches itself (its model registry's DEFAULT_VAE)


def declared(cls: str) -> dict:
    """The catalogued type's widgets and their defaults, in its declared order."""
    t = node_type(cls)
    return {i.name: i.default for i in t.widgets} if t is not None else {}


def values(n: CNode) -> dict:
    """A node's settings by name: a UI file's saved values by place (the catalogued declaration's, else the earlier
    version's their count tells), else the file's names (an API file)."""
    raw = n.raw if isinstance(n.raw, list) else None
    if raw is None:
        return {k: v for k, v in n.widgets.items() if k != CONTROL}
    if n.cls == V1 and len(raw) > 2 and isinstance(raw[2], str):  # the seed's 'control after generate'
        raw = raw[:2] + raw[3:]
    names = tuple(declared(n.cls))
    if len(raw) != len(names) and n.cls == V1:
        names = LAYOUTS.get(len(raw), ())
    return dict(zip(names, raw)) if len(raw) == len(names) else {}


def _int(v, default) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else (default if isinstance(default, int) else 0)


def _fed(wf: Workflow, n: CNode, name: str, cls: str) -> CNode | None:
    s = n.links.get(name)
    src = wf.nodes.get(s[0]) if s else None
    return src if src is not None and src.enabled and src.cls == cls else None


def _vae_tiles(v: dict, extra: CNode | None) -> tuple[int, int]:
    """The VAE's tile and overlap: the node's own (an earlier version's), else its extra args', else declared."""
    e = {**declared(EXTRA), **(values(extra) if extra is not None else {}), **{k: v[k] for k in TILES if k in v}}
    if not e.get("tiled_vae"):
        return 0, 0
    tile, over = _int(e.get("vae_tile_size"), 512), _int(e.get("vae_tile_overlap"), 64)
    return tile - tile % 8, min(over - over % 8, tile - tile % 8 - 8)


def _said_not_applied(at: str, v: dict, up: CNode, fed: list, said: list[str]) -> None:
    cfg = v.get("cfg_scale")
    if isinstance(cfg, (int, float)) and not isinstance(cfg, bool) and cfg != 1:
        said.append(f"{at}'s cfg_scale {cfg} is not applied: SeedVR2 Upscale runs the DiT on the positive text "
                    "embedding alone (cfg 1)")
    mine = [f"#{up.id} {k} {x}" for k, x in v.items() if k in ("preserve_vram", "cache_model", "enable_debug")]
    machine = mine + [f"#{n.id} {k} {x}" for n in fed for k, x in values(n).items() if k not in TILES]
    if machine:
        said.append(f"the machine's settings ({', '.join(machine)}) are not applied: Studio plans devices and memory "
                    "itself")


def way_step(b, up: CNode, wire: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """The first layout's 'SeedVR2' ``up`` as SeedVR2 Upscale on ``wire``, what differs said."""
    wf, at = b.wf, f"'{up.title or up.cls}' (#{up.id})"
    d, v = declared(V1), values(up)
    if not v and isinstance(up.raw, list) and up.raw:
        return None  # saved by a version whose settings no reading names: passed over, said so by the way
    seed = _int(v.get("seed"), d.get("seed"))
    batch = max(1, _int(v.get("batch_size"), d.get("batch_size")))
    window = batch if batch == 1 or (batch - 1) % 4 == 0 else 4 * ((batch - 1) // 4 + 1) + 1
    extra = _fed(wf, up, "extra_args", EXTRA)
    fed = [n for n in (_fed(wf, up, "block_swap_config", SWAP), extra) if n is not None]
    tile, over = _vae_tiles(v, extra)
    p = {"model": str(v.get("model") or d.get("model") or ""), "vae": VAE, "seed": seed % 2 ** 31,
         "short_edge": _int(v.get("new_resolution"), d.get("new_resolution")), "max_edge": 0,
         "window": window, "overlap": 0, "color_fix": "wavelet", "vae_tile": tile, "vae_overlap": over}
    said.append(f"{at} is the pack's first upscaler (one node naming its DiT file; its VAE the pack fetched itself): "
                f"SeedVR2 Upscale reads the DiT '{p['model']}' and the VAE '{VAE}' (set its 'vae' where yours is "
                f"elsewhere), new_resolution {p['short_edge']} as the short edge, batch_size {batch} as windows of "
                f"{window} frames with none shared, the colour fixed by wavelet, as the pack does")
    if seed >= 2 ** 31:
        said.append(f"{at}'s seed {seed} is past Studio's range: {p['seed']} used")
    said.append(f"{at}: the pack reads the text embedding from its own pos_emb.pt, a pickle Studio never opens; "
                "SeedVR2 Upscale reads it from the DiT file where it holds it, else set its 'text embeddings'")
    _said_not_applied(at, v, up, fed, said)
    node = b.add("finishing.seedvr2", p, up)
    b.g.connect(*wire, node, "video")
    b.used |= {up.id} | {n.id for n in fed}
    return node, "video"
