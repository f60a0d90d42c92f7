"""Core settings of how ComfyUI decodes and where it runs what it loads, which Studio decides itself, said in the
generator's note (heldout121 06 and 07: VAEDecodeTiled's tile_size / overlap / temporal_size / temporal_overlap and a
CLIPLoader's device 'cpu' were read nowhere and said nowhere, where a pack's tiled decode's settings are said:
packs/decode_twins.py). Told by the nodes' declared types: a ComfyUI core decode (a LATENT and a VAE in, an IMAGE out)
with settings of its own decodes in tiles; a core node's choice 'device' offering 'cpu', set to it, keeps what it
loads on the CPU. Studio's generator decodes by its own rule (nodes/video_models/sampling/sampler.py: whole, in
time tiles of its own (takes/time_tiles.py), in the VAE's tiles where Load Video Model's vae_tiling is on or decoding
the clip at once is predicted not to fit the GPU, lighter again after running out of memory) and places every part
of its model on Load Video Model's device, as its memory setting says. Plain stdlib."""
from __future__ import annotations

from ..catalogue import node_type
from ..tracing.walks import upstream

CORE = "Comfy-Org/ComfyUI"
LOAD = "video_models.load"


def say(b, gen: str, said: list[str]) -> None:
    """The tiled decodes of generator ``gen``'s take and the loaders on its way set to the CPU: one sentence each
    (a decode read by two generators' ways said once, in the first's note)."""
    sampler = b.wf.nodes.get(b.out.origin.get(gen, ""))
    if sampler is None:
        return
    done = b.__dict__.setdefault("placing_said", set())
    load = load_of(b.g, gen)
    for n in sorted(upstream(b.wf, sampler), key=lambda n: n.id):
        if n.enabled and _device(n) and b.wf.value(n, "device") == "cpu" and n.id not in done:
            done.add(n.id)
            said.append(f"{n.named()}'s device 'cpu' (ComfyUI keeps what it loads on the CPU and runs it there) is not "
                        f"taken: Studio places the model's parts itself, on Load Video Model's device "
                        f"({_param(load, 'device')}) as its memory setting ({_param(load, 'memory')}) says")
    for n in sorted(b.wf.nodes.values(), key=lambda n: n.id):
        if not n.enabled or n.id in done or not (tiles := _tiles(b.wf, n)) or sampler not in upstream(b.wf, n):
            continue
        done.add(n.id)
        shown = ", ".join(f"{k} {v}" for k, v in tiles)
        said.append(f"{n.named()}'s {shown} (ComfyUI decodes the take in tiles of those sizes, to spare memory) "
                    "are not taken: Studio's generator decodes the take by its own rule, not in these tiles (whole, or "
                    "in tiles of its own where Load Video Model's vae_tiling is on or the GPU's memory asks for them)")


def _tiles(wf, n) -> list[tuple[str, object]]:
    """[(setting, its value)] of a ComfyUI core decode (one LATENT and one VAE in, one IMAGE out) with settings of
    its own (VAEDecodeTiled's); [] for any other node."""
    t = node_type(n.origin or n.cls)
    if t is None or t.pack != CORE or t.inputs is None or t.output_types != ("IMAGE",):
        return []
    if sorted(i.type for i in t.sockets) != ["LATENT", "VAE"]:
        return []
    return [(w.name, v) for w in t.widgets if isinstance(v := wf.value(n, w.name), (int, float))
            and not isinstance(v, bool)]


def _device(n) -> bool:
    """Whether ``n``'s declared type (ComfyUI's core) has a choice 'device' offering 'cpu' (CLIPLoader's)."""
    t = node_type(n.origin or n.cls)
    i = t.input("device") if t is not None and t.pack == CORE else None
    return i is not None and isinstance(i.options, tuple) and "cpu" in i.options


def _param(load, name: str) -> str:
    v = load.params.get(name, "auto") if load is not None else "auto"
    return f"'{v}': the graph's" if name == "device" and v == "auto" else f"'{v}'"


def load_of(g, gen: str):
    """The Load Video Model giving generator ``gen`` its model (through Video LoRAs), or None."""
    node, seen = gen, set()
    while node is not None and node not in seen:
        seen.add(node)
        link = g.input_link(node, "model")
        node = link.src if link is not None else None
        if node is not None and g.nodes[node].type_id == LOAD:
            return g.nodes[node]
    return None
