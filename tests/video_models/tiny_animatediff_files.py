"""A tiny AnimateDiff written as ComfyUI holds it: an SD 1.5-shaped checkpoint in Stability's ldm layout
(checkpoints/: model.diffusion_model.*, first_stage_model.*, cond_stage_model.transformer.*), a motion module in
AnimateDiff's original layout (animatediff_models/: ...motion_modules.N.temporal_transformer.*, its positional
encodings stored), and SD 1.5's CLIP BPE tokenizer files (vocab.json, merges.txt: a tiny vocabulary of the 256
byte characters). Built from configs with SD 1.5's 8 attention heads and 32 norm groups (what no shape says), at
tiny widths. The writers are the inverse of diffusers' own converters (loaders/single_file_utils.py), checked by
a round trip through them (test_animatediff_comfy_files.py)."""
from __future__ import annotations

import json
import os

HEADS, GROUPS = 8, 32
UNET_CFG = dict(block_out_channels=(32, 64), layers_per_block=2, sample_size=8, in_channels=4, out_channels=4,
                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                cross_attention_dim=64, attention_head_dim=HEADS, norm_num_groups=GROUPS)
VAE_CFG = dict(block_out_channels=(32, 32), in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=GROUPS,
               layers_per_block=1, down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2)
MOTION_CFG = dict(block_out_channels=(32, 64), motion_layers_per_block=2, motion_num_attention_heads=HEADS,
                  motion_norm_num_groups=GROUPS, motion_max_seq_length=32, use_motion_mid_block=True)
RESNET = {"norm1": "in_layers.0", "conv1": "in_layers.2", "time_emb_proj": "emb_layers.1", "norm2": "out_layers.0",
          "conv2": "out_layers.3", "conv_shortcut": "skip_connection"}
VAE_ATTN = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out": "proj_out"}
MOTION_NAMES = ((".attn1.", ".attention_blocks.0."), (".attn2.", ".attention_blocks.1."), (".norm1.", ".norms.0."),
                (".norm2.", ".norms.1."), (".norm3.", ".ff_norm."))


def tokenizer_files(folder: str) -> str:
    """CLIP's BPE files with the 256 byte characters (alone and word-final), two merges and its specials."""
    from transformers.convert_slow_tokenizer import bytes_to_unicode
    chars = list(bytes_to_unicode().values())
    vocab = chars + [c + "</w>" for c in chars] + ["th", "the</w>", "<|startoftext|>", "<|endoftext|>"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\nt h\nth e</w>\n")
    return folder


def models(tok):
    """(unet, vae, text_encoder, motion_adapter): random, their zero-initialised layers made to matter."""
    import torch
    from diffusers import AutoencoderKL, MotionAdapter, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    out = []
    for make in (lambda: UNet2DConditionModel(**UNET_CFG), lambda: AutoencoderKL(**VAE_CFG),
                 lambda: CLIPTextModel(CLIPTextConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=37,
                                                      num_hidden_layers=2, num_attention_heads=1,
                                                      max_position_embeddings=77, hidden_act="quick_gelu",
                                                      bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                                                      pad_token_id=tok.pad_token_id)),
                 lambda: MotionAdapter(**MOTION_CFG)):
        torch.manual_seed(len(out))
        m = make()
        with torch.no_grad():
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.02)
        out.append(m.eval())
    return out


def _renamed(rest: str, table: dict) -> str:
    head, _, tail = rest.partition(".")
    return f"{table.get(head, head)}.{tail}"


def unet_ldm(state: dict, per: int = 2) -> dict:
    """A UNet2DConditionModel's tensors under the ldm names diffusers' convert_ldm_unet_checkpoint reads."""
    from diffusers.loaders.single_file_utils import DIFFUSERS_TO_LDM_MAPPING
    top = DIFFUSERS_TO_LDM_MAPPING["unet"]["layers"]
    out = {}
    for k, t in state.items():
        if k in top:
            name = top[k]
        elif k.startswith(("down_blocks.", "up_blocks.")):
            part, b, kind, j, rest = k.split(".", 4)
            first = (1 + int(b) * (per + 1)) if part == "down_blocks" else int(b) * (per + 1)
            blocks = "input_blocks" if part == "down_blocks" else "output_blocks"
            if kind == "resnets":
                name = f"{blocks}.{first + int(j)}.0.{_renamed(rest, RESNET)}"
            elif kind == "attentions":
                name = f"{blocks}.{first + int(j)}.1.{rest}"
            elif part == "down_blocks":  # downsamplers.0.conv.*
                name = f"input_blocks.{(int(b) + 1) * (per + 1)}.0.op.{rest.split('.', 1)[1]}"
            else:  # upsamplers.0.conv.*: after the block's last resnet (and its attention)
                attn = any(x.startswith(f"up_blocks.{b}.attentions.") for x in state)
                name = f"output_blocks.{first + per}.{2 if attn else 1}.conv.{rest.split('.', 1)[1]}"
        else:  # mid_block.resnets.N / mid_block.attentions.0
            _, kind, j, rest = k.split(".", 3)
            name = f"middle_block.{2 * int(j)}.{_renamed(rest, RESNET)}" if kind == "resnets" else f"middle_block.1.{rest}"
        out["model.diffusion_model." + name] = t
    return out


def vae_ldm(state: dict, levels: int) -> dict:
    """An AutoencoderKL's tensors under the ldm names (its mid attention's projections as 1x1 convolutions)."""
    from diffusers.loaders.single_file_utils import DIFFUSERS_TO_LDM_MAPPING
    top = DIFFUSERS_TO_LDM_MAPPING["vae"]
    out = {}
    for k, t in state.items():
        if k in top:
            name = top[k]
        else:
            side, part, rest = k.split(".", 2)
            if part == "mid_block":
                kind, j, rest = rest.split(".", 2)
                if kind == "resnets":
                    name = f"{side}.mid.block_{int(j) + 1}.{rest.replace('conv_shortcut', 'nin_shortcut')}"
                else:
                    layer, _, tail = rest.partition(".")
                    tail = tail.removeprefix("0.") if layer == "to_out" else tail
                    name = f"{side}.mid.attn_1.{VAE_ATTN[layer]}.{tail}"
                    t = t[:, :, None, None] if t.ndim == 2 else t
            else:
                b, kind, j, rest = rest.split(".", 3)
                level = int(b) if side == "encoder" else levels - 1 - int(b)
                group = "down" if side == "encoder" else "up"
                if kind == "resnets":
                    name = f"{side}.{group}.{level}.block.{j}.{rest.replace('conv_shortcut', 'nin_shortcut')}"
                else:  # down/upsamplers.0.conv.*
                    name = f"{side}.{group}.{level}.{'downsample' if side == 'encoder' else 'upsample'}.{rest}"
        out["first_stage_model." + name] = t
    return out


def motion_original(state: dict) -> dict:
    """A MotionAdapter's tensors under AnimateDiff's original names, its positional encodings stored per attention."""
    out = {}
    for k, t in state.items():
        head, mm, idx, rest = k.split(".motion_modules.")[0], "motion_modules", k.split(".motion_modules.")[1].split(".", 1)[0], \
            k.split(".motion_modules.")[1].split(".", 1)[1]
        base = f"{head}.{mm}.{idx}.temporal_transformer."
        if rest.endswith("pos_embed.pe"):
            block = rest.rsplit(".pos_embed.pe", 1)[0]
            for a in (0, 1):
                out[f"{base}{block}.attention_blocks.{a}.pos_encoder.pe"] = t.clone()
            continue
        name = "." + rest
        for new, old in MOTION_NAMES:
            name = name.replace(new, old)
        out[base + name[1:]] = t
    return out


def write(root: str) -> dict:
    """The ComfyUI files of one tiny AnimateDiff under ``root`` (checkpoints/, animatediff_models/, a tokenizer/
    folder beside the checkpoint) and its diffusers components: {'checkpoint', 'motion', 'tokenizer', 'parts'}."""
    from safetensors.torch import save_file
    from transformers import CLIPTokenizer
    ck_dir, mm_dir = os.path.join(root, "checkpoints"), os.path.join(root, "animatediff_models")
    os.makedirs(ck_dir, exist_ok=True)
    os.makedirs(mm_dir, exist_ok=True)
    tok = CLIPTokenizer.from_pretrained(tokenizer_files(os.path.join(ck_dir, "tokenizer")), model_max_length=77)
    unet, vae, text, motion = models(tok)
    sd = {**unet_ldm(unet.state_dict(), UNET_CFG["layers_per_block"]),
          **vae_ldm(vae.state_dict(), len(VAE_CFG["block_out_channels"])),
          **{f"cond_stage_model.transformer.{k}": v for k, v in text.state_dict().items() if "position_ids" not in k}}
    ckpt = os.path.join(ck_dir, "tiny_sd15.safetensors")
    save_file({k: v.contiguous() for k, v in sd.items()}, ckpt)
    mm = os.path.join(mm_dir, "tiny_mm_v2.safetensors")
    save_file({k: v.contiguous() for k, v in motion_original(motion.state_dict()).items()}, mm)
    return {"checkpoint": ckpt, "motion": mm, "tokenizer": tok,
            "parts": {"unet": unet, "vae": vae, "text_encoder": text, "motion_adapter": motion}}
