"""A pack's decode of a latent into pictures, told by its declared types (proxymine19: LTX-Video's
LTXVTiledVAEDecode and LTXVSpatioTemporalTiledVAEDecode between a take's last pass and its save were listed as
not converted, the take made): a node that requires exactly two sockets, one VAE and one LATENT, and declares no
other, gives one IMAGE, has only plain settings (numbers, flags, choices: tiles, overlaps, a device) and whose
declared words (its name or display name) call it a decode is read as ComfyUI's VAEDecode, its latent socket as
'samples' and its VAE socket as 'vae' (packs/twins.py rewrites it and says each of its own settings not applied).
Never a node of ComfyUI's core (its VAEDecodeTiled is read by name) nor an output node. Stdlib."""
from __future__ import annotations

SETTINGS = frozenset({"INT", "FLOAT", "BOOLEAN", "COMBO", "STRING"})
CORE = "Comfy-Org/ComfyUI"


def decode_twin(t) -> tuple[str, dict[str, str]] | None:
    """("VAEDecode", {VAEDecode's input: the node's input giving the same}) where ``t`` (a declared node type) is a
    pack's decode of that shape; None otherwise."""
    if t is None or t.inputs is None or t.pack == CORE or t.output_node or t.output_types != ("IMAGE",):
        return None
    sockets = t.sockets
    if len(sockets) != 2 or any(i.optional for i in sockets) or sorted(i.type for i in sockets) != ["LATENT", "VAE"]:
        return None
    if any(w.type not in SETTINGS or w.files for w in t.widgets):
        return None  # a model file or another kind of input: not a plain decode
    if "decode" not in f"{t.name} {t.display}".lower().replace(" ", ""):
        return None
    latent = next(i.name for i in sockets if i.type == "LATENT")
    vae = next(i.name for i in sockets if i.type == "VAE")
    return "VAEDecode", {"samples": latent, "vae": vae}
