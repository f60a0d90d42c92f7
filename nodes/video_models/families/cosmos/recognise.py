"""How a Cosmos denoiser file is told from its tensors' names (the release's, nvidia/Cosmos and
cosmos-predict2 / cosmos-predict2.5: 'net.' before them, ComfyUI's files without it; diffusers'
``convert_cosmos_transformer_checkpoint_to_diffusers`` reads both, loaders/single_file_utils.py in
diffusers 0.42.1) and from diffusers' own names: Cosmos 1.0 (blocks 'blockN', a learnable position
embedding), Predict2 (numbered blocks, self- and cross-attention by name) and Predict2.5 (Predict2's
blocks and a projection of Qwen2.5-VL's states: 'crossattn_proj'; Transfer2.5's image context: 'img_context_proj'). What the model does is its patch
embedding's input: the latents (16 channels), the condition mask of a Video2World model (one more) and
the padding mask (one more), each a 1 x 2 x 2 patch. Cosmos 3's transformer (transformer_cosmos3.py) is
told by its own names: its text layers' embedding beside the generation branch's norm and projections."""
from __future__ import annotations

from ...base.recognise import Recognised

PATCH = 4  # 1 x 2 x 2
SIZES = {4096: "7B", 5120: "14B", 2048: "2B"}  # the released widths (Cosmos 1.0 7B, 14B; Predict2 and 2.5 2B, 14B)


def _size(width: int) -> str:
    return SIZES.get(width, f"(width {width})")


def _task(channels_in: int) -> str:
    return {17: "Text2World", 18: "Video2World"}.get(channels_in // PATCH, f"({channels_in // PATCH} channels in)")


def recognise(t, filename: str = "") -> Recognised | None:
    if t.has("x_embedder.proj.1.weight"):  # the release's names
        width, cin = t.shape("x_embedder.proj.1.weight", 0), t.shape("x_embedder.proj.1.weight", 1)
        if t.has("blocks.block0.blocks.0.block.attn.to_q.0.weight"):
            return Recognised("denoiser", "cosmos", f"Cosmos 1.0 {_size(width)} {_task(cin)}")
        if t.has("blocks.0.self_attn.q_proj.weight"):
            return _v2(t, width, cin)
        return None
    if t.has("patch_embed.proj.weight", "time_embed.t_embedder.linear_1.weight"):  # diffusers' names
        width, cin = t.shape("patch_embed.proj.weight", 0), t.shape("patch_embed.proj.weight", 1)
        if t.has("transformer_blocks.0.attn1.to_q.weight", "transformer_blocks.0.norm3.linear_1.weight"):
            if t.has("learnable_pos_embed.pos_emb_t") and not _predict25(t):  # Transfer2.5 may have one too
                return Recognised("denoiser", "cosmos", f"Cosmos 1.0 {_size(width)} {_task(cin)}")
            return _v2(t, width, cin)
    return None


def _predict25(t) -> bool:
    """Predict2.5's (and Transfer2.5's) own tensors beside blocks like Predict2's (the same names and shapes, text
    read at 1024 wide): the projection of Qwen2.5-VL's states to that width ('crossattn_proj', in every
    released Predict2.5 and Transfer2.5 model) or, in Transfer2.5, its image context's projection
    ('img_context_proj', diffusers' name). Neither Predict2 nor Cosmos 1.0 has either."""
    return t.has("crossattn_proj.0.weight") or t.has("img_context_proj.0.weight")


def _v2(t, width: int, cin: int) -> Recognised:
    if _predict25(t):
        return Recognised("denoiser", "cosmos25", f"Cosmos Predict2.5 {_size(width)}")
    task = "Text2Image" if cin // PATCH == 17 else "Video2World"
    return Recognised("denoiser", "cosmos2", f"Cosmos Predict2 {_size(width)} {task}")


def recognise3(t, filename: str = "") -> Recognised | None:
    """A Cosmos 3 transformer file (diffusers' flat names, or the release's with 'model.' before them): told so
    that it is refused in words (a Cosmos 3 folder is read whole), not taken for another model."""
    for pre in ("", "model."):
        if t.has(f"{pre}embed_tokens.weight", f"{pre}norm_moe_gen.weight", f"{pre}proj_in.weight",
                 f"{pre}time_embedder.linear_1.weight"):
            sound = " (picture and sound)" if t.has(f"{pre}audio_proj_in.weight") else ""
            return Recognised("denoiser", "cosmos3", "Cosmos 3" + sound)
    return None
