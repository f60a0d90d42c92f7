"""How a MiniMax H3 DiT single file is told (ComfyUI's ``diffusion_models`` files, as the templates name
them: minimax_h3_fl2va / ref2va _pruned_int8_convrot.safetensors): by the key diffusers 0.42.1's
single-file loader tells it by (loaders/single_file_utils.py CHECKPOINT_KEY_NAMES['minimax-h3']:
``token_refiner.blocks.0.attn.qkv_proj.weight``); a pruned one by its ``adaln_t_table`` (in place of
the time embedder: diffusers' converter refuses it). Told, so the picker and the loader name it; not
read (the family's single_file_refusal says why)."""
from __future__ import annotations

from ...base.recognise import Recognised

KEY = "token_refiner.blocks.0.attn.qkv_proj.weight"
PRUNED = "adaln_t_table"


def recognise(t, filename: str = "") -> Recognised | None:
    if KEY not in t.shapes:
        return None
    pruned = PRUNED in t.shapes
    return Recognised("denoiser", "minimax_h3", "MiniMax H3" + (" (pruned)" if pruned else ""),
                      note="ComfyUI's single file" + (" (pruned: adaln_t_table)" if pruned else "")
                      + ": Studio reads MiniMax H3 from its diffusers folder")
