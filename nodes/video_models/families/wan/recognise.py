"""How a Wan file is told from its tensors' names and shapes: the denoiser in the original layout
(Wan-Video, ComfyUI, city96's GGUF) and diffusers', its task and size (2.1 1.3B / 14B, 2.2 A14B's
experts, TI2V-5B, VACE, Animate, HuMo, Wan Dancer), and Wan's VAEs."""
from __future__ import annotations

from ...base.recognise import Recognised, dim

# Zhipu's SCAIL (zai-org/SCAIL, SCAIL-Preview) and SCAIL-2: Wan 2.1 14B I2V's blocks and a pose embedding (SCAIL-2
# an identity-mask embedding too). In the original layout both are told by families/wan_scail first and run by
# its nodes; what reaches here (diffusers' names) is told and refused.
SCAIL_REASON = ("Studio cannot run it: Studio reads SCAIL's files (SCAIL-Preview's and SCAIL-2's) in the original "
                "layout (Wan-Video's names, as ComfyUI's and the WanVideoWrapper's files have them), not in "
                "diffusers' names")


def _scail(t, width: int) -> Recognised:
    """SCAIL-Preview (pose) or SCAIL-2 (pose and masks) in diffusers' names: told, never loaded as a Wan I2V
    model (family ''); in the original layout families/wan_scail tells them first."""
    name = "SCAIL-2" if t.has("patch_embedding_mask.weight") else "SCAIL-Preview"
    size = "14B" if width == 5120 else f"(width {width}, {t.blocks('blocks')} blocks)"
    return Recognised("denoiser", "", f"Wan 2.1 {name} {size}", SCAIL_REASON)


def _humo(t) -> bool:
    """HuMo's audio projection and audio cross-attention (Phantom-video/HuMo model_humo.py's names)."""
    return t.has("audio_proj.audio_proj_glob_1.layer.weight", "blocks.0.audio_cross_attn_wrapper.norm1_audio.weight")


def _denoiser(t, filename: str) -> Recognised | None:
    if t.has("head.modulation"):  # the original layout (Wan-Video/Wan2.1, ComfyUI, city96's GGUF)
        width = t.shape("head.modulation", -1)
        vace, clip, flf = t.has("vace_patch_embedding.weight"), t.has("img_emb.proj.0.bias"), t.has("img_emb.emb_pos")
    elif t.has("scale_shift_table", "condition_embedder.time_proj.weight"):  # diffusers' layout
        width = t.shape("scale_shift_table", -1)
        vace = t.has("vace_patch_embedding.weight")
        clip = t.has("condition_embedder.image_embedder.ff.net.0.proj.weight")
        flf = t.has("condition_embedder.image_embedder.pos_embed")
    else:
        return None
    in_dim = t.shape("patch_embedding.weight", 1)
    name = filename.lower().replace("_", ".").replace("-", ".")
    wan22 = "2.2" in name or "high.noise" in name or "low.noise" in name
    expert = " (high-noise expert)" if "high.noise" in name else " (low-noise expert)" if "low.noise" in name else ""
    task = "VACE" if vace else "FLF2V" if flf else "I2V" if clip or in_dim == 36 else "T2V"
    note = ""
    if t.has("patch_embedding_pose.weight"):  # SCAIL's pose embedding (Wan Animate's is pose_patch_embedding)
        return _scail(t, width)
    if t.has("music_injector.injector.0.q.weight", "music_projection.weight"):  # Wan Dancer (dancer.py)
        size = "14B" if width == 5120 else f"(width {width}, {t.blocks('blocks')} blocks)"
        which = " (global)" if "global" in name else " (local)" if "local" in name else ""
        return Recognised("denoiser", "wan", f"Wan Dancer {size}{which}",
                          "one of Wan Dancer's two models (global: keyframes; local: the 30 fps segments), run by "
                          "the Wan Dancer node; as a plain Wan I2V model it would ignore the music")
    if _humo(t):  # HuMo (Phantom-video/HuMo): Wan 2.1 14B I2V's shapes (36 channels, no CLIP) and audio layers
        size = "17B" if width == 5120 else "1.7B" if width == 1536 else f"(width {width}, {t.blocks('blocks')} blocks)"
        note = "" if in_dim == 36 else ("Studio runs HuMo 17B (36 channels in: the reference in the latents); this "
                                        "one reads the reference as tokens (HuMo 1.7B), which the Wan HuMo node does "
                                        "not run")
        return Recognised("denoiser", "wan", f"Wan 2.1 HuMo {size}", note)
    if t.has("pose_patch_embedding.weight"):  # Wan Animate, in both layouts (its pose video's own embedding)
        if width == 5120:
            return Recognised("denoiser", "wan", "Wan 2.2 Animate 14B")
        return Recognised("denoiser", "wan", f"Wan 2.2 Animate (width {width}, {t.blocks('blocks')} blocks)",
                          "an unusual size: not one of the released Wan models")
    if width == 1536:
        variant = f"Wan 2.1 1.3B {task}"
    elif width == 3072:
        variant = "Wan 2.2 TI2V-5B"
    elif width == 5120:
        if task == "I2V" and not clip or wan22 and task in ("T2V", "I2V"):
            variant = f"Wan 2.2 A14B {task}{expert}"  # 2.2's I2V has no CLIP image embedding
        else:
            variant = f"Wan 2.1 14B {task}"
            if task == "T2V":
                note = "a Wan 2.2 A14B T2V expert has the same shapes (its file name says 2.2 or high/low noise)"
    else:
        variant = f"Wan {task} (width {width}, {t.blocks('blocks')} blocks)"
        note = "an unusual size: not one of the released Wan models"
    return Recognised("denoiser", "wan", variant, note)


def _vae(t) -> Recognised | None:
    s = t.vae_shapes
    if "decoder.middle.0.residual.0.gamma" in s:  # Wan's original layout
        v22 = dim(s, "decoder.conv1.weight", 1) == 48 or "decoder.upsamples.0.upsamples.0.residual.2.weight" in s
        return Recognised("vae", "wan", "Wan 2.2 VAE (TI2V-5B)" if v22 else "Wan 2.1 VAE")
    if "decoder.mid_block.attentions.0.norm.gamma" in s and "decoder.conv_in.weight" in s:  # diffusers' Wan VAE
        return Recognised("vae", "wan", "Wan 2.2 VAE (TI2V-5B)" if dim(s, "decoder.conv_in.weight", 1) == 48
                          else "Wan 2.1 VAE")
    return None


def recognise(t, filename: str = "") -> Recognised | None:
    return _denoiser(t, filename) or _vae(t)


def lora_names(names: list[str]) -> bool:
    """A Wan LoRA: its modules under 'blocks' (attention or feed-forward)."""
    return any(k.startswith("blocks") and ("self_attn" in k or "cross_attn" in k or "attn1" in k or "ffn" in k)
               for k in names)
