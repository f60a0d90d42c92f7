"""How a MiniMax H3 DiT single file is told (ComfyUI's ``diffusion_models`` files, as the templates name
them: minimax_h3_fl2va / ref2va _pruned_int8_convrot.safetensors): by the key diffusers 0.42.1's
single-file loader tells it by (loaders/single_file_utils.py CHECKPOINT_KEY_NAMES['minimax-h3']:
``token_refiner.blocks.0.attn.qkv_proj.weight``); a pruned one by its ``adaln_t_table``. 'Pruned' is
ComfyUI's "curve form": no layer of the blocks is removed; the time embedder and the 51 AdaLN projections
(50 blocks' 96768 x 2688, the final layer's 10752 x 2688) are replaced by a rank-8 basis of the same
function: ``adaln_t_table`` [1025, 8] (the SiLU'd time embedding sampled on t in [0, 1], projected on its
8 leading singular vectors), each ``adaln_proj.linear.weight`` [out, 8] (W times those vectors, bias
kept), evaluated as lerp(table, t) then the linear, no SiLU (ComfyUI's comfy/ldm/minimax/model.py,
Comfy-Org/ComfyUI commit 01a56b76bba3: curve.py). diffusers' converter
refuses it; Studio reads a pruned one (curve.py, comfy_file.py), and a full one (its ``time_embedder``: diffusers'
own transformer, by diffusers' converter: comfy_file.py), with ComfyUI's VAE and Qwen3-VL files or a MiniMax H3
folder as its base."""
from __future__ import annotations

from ...base.recognise import Recognised

KEY = "token_refiner.blocks.0.attn.qkv_proj.weight"
PRUNED = "adaln_t_table"


def recognise(t, filename: str = "") -> Recognised | None:
    if KEY not in t.shapes:
        return None
    pruned = PRUNED in t.shapes
    return Recognised("denoiser", "minimax_h3", "MiniMax H3" + (" (pruned)" if pruned else ""),
                      note=f"ComfyUI's single file ({'pruned: adaln_t_table' if pruned else 'full, unpruned'}): read "
                           "with ComfyUI's VAE and Qwen3-VL files (Load Video Model's 'vae' and 'text_encoder') or a "
                           "MiniMax H3 diffusers folder as its base")


def lora_names(names: list[str]) -> bool:
    """A MiniMax H3 LoRA in ComfyUI's names (lora.py): its blocks' fused ``attn.qkv_proj`` or their AdaLN
    projections (a pruned LoRA's ``adaln_proj.linear`` values), or the pruned ``adaln_t_table``."""
    return any(k.startswith(PRUNED) or k.startswith("blocks.") and (".attn.qkv_proj." in k or ".adaln_proj.linear" in k)
               for k in names)
