"""What a single weights file is, from its tensors' names and shapes only (a header: no weight is
read): the kind (denoiser, text encoder, VAE, LoRA, CLIP vision, all-in-one checkpoint), the
family and the variant (Wan 2.1 14B I2V, LTX-Video 2B, UMT5-XXL...), as ComfyUI tells them apart
(``comfy/model_detection.py``, ``comfy/sd.py``) and diffusers (``single_file_utils
.infer_diffusers_model_type``): exact key names looked up in a set, and a few shapes.

Names are read in the original layouts (the models' own repositories, ComfyUI's files, GGUF files
converted from them) and in diffusers' layout, with or without ComfyUI's ``model.diffusion_model.``
prefix. Shapes are those of small tensors wherever one tells (``head.modulation`` gives Wan's
width, ``encoder.final_layer_norm.weight`` T5's). A file nothing matches is described by its first
keys and shapes. Plain stdlib: importing it costs nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass

DENOISER_PREFIXES = ("model.diffusion_model.", "diffusion_model.", "model.", "net.")
KINDS = ("pipeline", "denoiser", "checkpoint", "text_encoder", "vae", "clip_vision", "lora", "unknown")
KIND_TITLES = {"pipeline": "diffusers folder", "denoiser": "denoiser", "checkpoint": "all-in-one checkpoint",
               "text_encoder": "text encoder", "vae": "VAE", "clip_vision": "CLIP vision", "lora": "LoRA",
               "unknown": "not recognised"}


@dataclass(frozen=True)
class Recognised:
    kind: str  # one of KINDS
    family: str = ""  # a key of families.FAMILIES ('' : none or not a video model's)
    variant: str = ""  # 'Wan 2.1 14B I2V', 'UMT5-XXL (Wan)', ... ('' : not known)
    note: str = ""  # what else the keys say (the tokenizer inside, an unusual size, the first keys)


class Tensors:
    """The names and shapes of a file's tensors, with the lookups recognition needs: ``has`` (exact
    names, a ComfyUI prefix removed), ``shape``, ``tops`` (first name components) and ``blocks``
    (how many numbered children a top-level list has)."""

    def __init__(self, shapes: dict[str, tuple[int, ...]]):
        self.raw = shapes
        names = [k for k in shapes if not k.startswith(("vae.", "first_stage_model.", "text_encoders.", "conditioner.",
                                                         "audio_vae.", "vocoder.", "text_embedding_projection."))]
        sample = (names or list(shapes))[:25] + (names or list(shapes))[-25:]  # sorted: the ends (of a denoiser's)
        self.prefix = next((p for p in DENOISER_PREFIXES if sum(k.startswith(p) for k in sample) * 2 > len(sample)), "")
        if self.prefix:
            n = len(self.prefix)
            self.shapes = {(k[n:] if k.startswith(self.prefix) else k): s for k, s in shapes.items()}
        else:
            self.shapes = shapes
        self._tops: set[str] | None = None
        self._blocks: dict[str, int] = {}

    @property
    def tops(self) -> set[str]:
        """The names' first components (made on first use: most files are told without them)."""
        if self._tops is None:
            self._tops = {k.partition(".")[0] for k in self.shapes}
        return self._tops

    def blocks(self, top: str) -> int:
        """How many numbered children the list ``top`` has ('blocks' -> 40)."""
        if top not in self._blocks:
            p = top + "."
            idx = {k[len(p):].partition(".")[0] for k in self.shapes if k.startswith(p)}
            self._blocks[top] = max((int(i) + 1 for i in idx if i.isdigit()), default=0)
        return self._blocks[top]

    def has(self, *names: str) -> bool:
        return all(n in self.shapes for n in names)

    def shape(self, name: str, dim: int = 0, default: int = 0) -> int:
        s = self.shapes.get(name)
        try:
            return int(s[dim]) if s is not None else default
        except (IndexError, TypeError, ValueError):
            return default

    def any_name(self, *fragments: str) -> bool:
        """A fragment inside any name (slow: a pass over the names; used last)."""
        return any(f in k for k in self.shapes for f in fragments)

    def first(self, n: int = 4) -> str:
        return ", ".join(f"{k} {list(v)}" for k, v in list(self.raw.items())[:n])


def _wan(t: Tensors, filename: str) -> Recognised | None:
    if t.has("head.modulation"):  # the original layout (Wan-Video/Wan2.1, ComfyUI, city96's GGUF)
        dim = t.shape("head.modulation", -1)
        vace, clip, flf = t.has("vace_patch_embedding.weight"), t.has("img_emb.proj.0.bias"), t.has("img_emb.emb_pos")
    elif t.has("scale_shift_table", "condition_embedder.time_proj.weight"):  # diffusers' layout
        dim = t.shape("scale_shift_table", -1)
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
    if t.has("pose_patch_embedding.weight"):  # Wan Animate, in both layouts (its pose video's own embedding)
        if dim == 5120:
            return Recognised("denoiser", "wan", "Wan 2.2 Animate 14B")
        return Recognised("denoiser", "wan", f"Wan 2.2 Animate (width {dim}, {t.blocks('blocks')} blocks)",
                          "an unusual size: not one of the released Wan models")
    if dim == 1536:
        variant = f"Wan 2.1 1.3B {task}"
    elif dim == 3072:
        variant = "Wan 2.2 TI2V-5B"
    elif dim == 5120:
        if task == "I2V" and not clip or wan22 and task in ("T2V", "I2V"):
            variant = f"Wan 2.2 A14B {task}{expert}"  # 2.2's I2V has no CLIP image embedding
        else:
            variant = f"Wan 2.1 14B {task}"
            if task == "T2V":
                note = "a Wan 2.2 A14B T2V expert has the same shapes (its file name says 2.2 or high/low noise)"
    else:
        variant = f"Wan {task} (width {dim}, {t.blocks('blocks')} blocks)"
        note = "an unusual size: not one of the released Wan models"
    return Recognised("denoiser", "wan", variant, note)


def _ltx(t: Tensors) -> Recognised | None:
    if "audio_adaln_single" in t.tops or "audio_caption_projection" in t.tops or "av_ca_a2v_gate_adaln_single" in t.tops:
        n = t.blocks("transformer_blocks")
        return Recognised("denoiser", "ltx2", "LTX-2" + (f" ({n} blocks)" if n != 48 else " 19B"))
    original = "adaln_single" in t.tops and "patchify_proj" in t.tops
    diffusers = {"time_embed", "proj_in", "caption_projection", "transformer_blocks", "scale_shift_table"} <= t.tops
    if not (original or diffusers):
        return None
    n = t.blocks("transformer_blocks")
    variant = {28: "LTX-Video 2B", 48: "LTX-Video 13B"}.get(n, f"LTX-Video ({n} blocks)")
    return Recognised("denoiser", "ltx", variant, "" if n in (28, 48) else "an unusual size")


def _hunyuan(t: Tensors) -> Recognised | None:
    if {"double_blocks", "txt_in"} <= t.tops:  # the original layout
        if "byt5_in" in t.tops or "cond_type_embedding" in t.tops:
            return Recognised("denoiser", "hunyuan15", "HunyuanVideo 1.5")
        i2v = t.shape("img_in.proj.weight", 1) == 32
        return Recognised("denoiser", "hunyuan", "HunyuanVideo" + (" I2V" if i2v else ""))
    if {"cond_type_embed", "context_embedder_2", "transformer_blocks"} <= t.tops:
        return Recognised("denoiser", "hunyuan15", "HunyuanVideo 1.5")
    if {"context_embedder", "single_transformer_blocks", "transformer_blocks"} <= t.tops and \
            t.has("context_embedder.token_refiner.refiner_blocks.0.norm1.weight"):
        return Recognised("denoiser", "hunyuan", "HunyuanVideo")
    return None


def _others(t: Tensors) -> Recognised | None:
    if {"patch_embed", "transformer_blocks", "norm_final"} <= t.tops:
        return Recognised("denoiser", "cogvideox", "CogVideoX" + (" 5B" if t.blocks("transformer_blocks") == 42
                                                                   else " 2B" if t.blocks("transformer_blocks") == 30
                                                                   else ""))
    if "down_blocks" in t.tops or "input_blocks" in t.tops:
        if t.any_name("motion_modules."):
            return Recognised("denoiser", "animatediff", "AnimateDiff motion module")
        if t.any_name("time_stack", "temporal_transformer_blocks", "time_mixer"):
            return Recognised("denoiser", "svd", "Stable Video Diffusion")
    return None


SVD_MARKS = ("model.diffusion_model.input_blocks.1.0.time_stack.in_layers.2.weight",
             "first_stage_model.decoder.conv_out.time_mix_conv.weight")  # Stability's (sgm) layout of SVD


def _svd_checkpoint(t: Tensors, filename: str) -> Recognised | None:
    """ComfyUI's checkpoints/svd*.safetensors: the UNet, the temporal VAE and the CLIP image encoder
    in Stability's own layout, in one file."""
    if not any(m in t.raw for m in SVD_MARKS):
        return None
    xt = re.search(r"(^|[_\-.])xt([_\-.]|$)", filename.lower()) is not None  # svd_xt.safetensors
    parts = [w for w, p in (("UNet", "model.diffusion_model."), ("temporal VAE", "first_stage_model."),
                            ("CLIP image encoder", "conditioner.embedders.")) if any(k.startswith(p) for k in t.raw)]
    whole = len(parts) == 3
    return Recognised("checkpoint" if len(parts) > 1 else "denoiser", "svd",
                      "Stable Video Diffusion" + (" XT" if xt else ""),
                      f"{', '.join(parts)} in Stability's layout" + (
                          ": loads with no folder (Studio's converter)" if whole else
                          ": Studio reads the whole checkpoint (UNet, temporal VAE and CLIP image encoder) with no "
                          "folder; this file needs a diffusers SVD folder as 'base'"))


def _denoiser(t: Tensors) -> Recognised | None:
    for f in (_ltx, _hunyuan, _others):
        r = f(t)
        if r is not None:
            return r
    return None


def _text_encoder(t: Tensors) -> Recognised | None:
    s = t.raw
    inside = "tokenizer inside the file" if "spiece_model" in s or "tokenizer_json" in s else ""
    if "encoder.block.0.layer.0.SelfAttention.k.weight" in s:
        width = int((s.get("encoder.final_layer_norm.weight") or (0,))[0])
        n = sum(1 for i in range(64) if f"encoder.block.{i}.layer.0.SelfAttention.k.weight" in s)
        if "encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight" in s:
            name, fam = ("UMT5-XXL (Wan)" if width == 4096 else f"UMT5 (width {width})"), "wan"
        elif width == 1472 or s["encoder.block.0.layer.0.SelfAttention.k.weight"][0] == 384:
            name, fam = "byT5 (HunyuanVideo 1.5 glyphs)", "hunyuan15"
        else:
            xxl = width == 4096 and n == 24
            name, fam = ("T5-XXL (LTX-Video, CogVideoX)" if xxl else f"T5 (width {width}, {n} blocks)"), "ltx" if xxl else ""
        return Recognised("text_encoder", fam, name, inside)
    for pre in ("model.", "language_model.model.", "model.language_model.", ""):
        if f"{pre}layers.0.post_feedforward_layernorm.weight" in s:
            width = int((s.get(f"{pre}embed_tokens.weight") or s.get(f"{pre}norm.weight") or (0, 0))[-1])
            gemma3 = f"{pre}layers.0.self_attn.q_norm.weight" in s
            size = {3840: " 12B", 2560: " 4B", 5376: " 27B", 2304: " 2B"}.get(width, "")
            return Recognised("text_encoder", "ltx2" if gemma3 and width == 3840 else "",
                              f"Gemma {'3' if gemma3 else '2'}{size}" +
                              (" (LTX-2)" if gemma3 and width == 3840 else ""), inside)
        if f"{pre}layers.0.self_attn.k_proj.bias" in s:
            kv = int(s[f"{pre}layers.0.self_attn.k_proj.bias"][0])
            return Recognised("text_encoder", "hunyuan15" if kv == 512 else "",
                              {256: "Qwen2.5-VL 3B", 512: "Qwen2.5-VL 7B (HunyuanVideo 1.5)"}
                              .get(kv, "Qwen2.5"), inside)
        if f"{pre}layers.0.post_attention_layernorm.weight" in s:
            return Recognised("text_encoder", "hunyuan", "Llama 3 8B (HunyuanVideo)", inside)
    if "text_model.encoder.layers.0.mlp.fc1.weight" in s:
        n = sum(1 for i in range(48) if f"text_model.encoder.layers.{i}.mlp.fc1.weight" in s)
        return Recognised("text_encoder", "hunyuan" if n == 12 else "",
                          {12: "CLIP-L text (HunyuanVideo)", 24: "CLIP-H text", 32: "CLIP-G text"}
                          .get(n, "CLIP text"), inside)
    return None


def _vae(t: Tensors) -> Recognised | None:
    s = {k[4:] if k.startswith("vae.") else k: v for k, v in t.raw.items()} if t.prefix == "" else t.shapes
    if "decoder.middle.0.residual.0.gamma" in s:  # Wan's original layout
        z = int(s.get("decoder.conv1.weight", (0, 0))[1])
        v22 = z == 48 or "decoder.upsamples.0.upsamples.0.residual.2.weight" in s
        return Recognised("vae", "wan", "Wan 2.2 VAE (TI2V-5B)" if v22 else "Wan 2.1 VAE")
    if "decoder.mid_block.attentions.0.norm.gamma" in s and "decoder.conv_in.weight" in s:  # diffusers' Wan VAE
        z = int(s["decoder.conv_in.weight"][1])
        return Recognised("vae", "wan", "Wan 2.2 VAE (TI2V-5B)" if z == 48 else "Wan 2.1 VAE")
    if "decoder.up_blocks.0.res_blocks.0.conv1.conv.weight" in s or "per_channel_statistics.mean-of-means" in s:
        return Recognised("vae", "ltx", "LTX-Video VAE")
    if "decoder.conv_in.conv.weight" in s and ("decoder.mid.attn_1.q.weight" in s  # Tencent's names / diffusers'
                                              or "decoder.mid_block.attentions.0.norm.gamma" in s):
        return Recognised("vae", "hunyuan15", "HunyuanVideo 1.5 VAE")
    if "decoder.conv_in.conv.weight" in s:
        if "decoder.mid_block.attentions.0.to_q.weight" in s:
            return Recognised("vae", "hunyuan", "HunyuanVideo VAE")
        return Recognised("vae", "ltx", "LTX-Video VAE")
    if "decoder.time_conv_out.weight" in s:
        return Recognised("vae", "svd", "SVD temporal VAE")
    if "decoder.conv_in.weight" in s and ("encoder.down.0.block.0.conv1.weight" in s
                                          or "encoder.down_blocks.0.resnets.0.conv1.weight" in s):
        return Recognised("vae", "", "image VAE", "an image model's VAE, not a video model's")
    return None


def _clip_vision(t: Tensors) -> Recognised | None:
    s = t.raw
    if "vision_model.encoder.layers.0.mlp.fc1.weight" in s or "visual.transformer.resblocks.0.mlp.c_fc.weight" in s:
        n = sum(1 for i in range(64) if f"vision_model.encoder.layers.{i}.mlp.fc1.weight" in s
                or f"visual.transformer.resblocks.{i}.mlp.c_fc.weight" in s)
        if "vision_model.embeddings.patch_embedding.weight" in s and "vision_model.embeddings.class_embedding" not in s:
            # SigLIP (no class token, no pre-norm), as ComfyUI tells its clip_vision files apart
            width = int(s["vision_model.embeddings.patch_embedding.weight"][0])
            tokens = int((s.get("vision_model.embeddings.position_embedding.weight") or (0,))[0])
            so400m = width == 1152 and n == 27 and tokens == 729
            return Recognised("clip_vision", "hunyuan15" if so400m else "",
                              "SigLIP so400m/14 384 (HunyuanVideo 1.5 I2V)" if so400m else
                              f"SigLIP vision ({n} layers, {width} wide)")
        return Recognised("clip_vision", "wan" if n == 32 else "", {32: "CLIP ViT-H/14 (Wan 2.1 I2V, FLF2V)", 24: "CLIP ViT-L/14",
                                              48: "CLIP ViT-bigG"}.get(n, f"CLIP vision ({n} layers)"))
    return None


LORA_MARKS = (".lora_A.", ".lora_B.", ".lora_down.", ".lora_up.", "lora_unet_", ".lora.down.", ".lora.up.")


def _lora(t: Tensors) -> Recognised | None:
    names = list(t.raw)
    if not any(m in k for k in names[:20] + names[-20:] for m in LORA_MARKS):  # nearly every name of a LoRA
        return None
    rank = next((int(v[0]) for k, v in t.raw.items() if (".lora_A." in k or ".lora_down." in k) and v), 0)
    base = [k.replace("lora_unet_", "").replace("diffusion_model.", "").replace("transformer.", "")
            for k in names[:200]]
    fam, what = "", ""
    if any(k.startswith("blocks") and ("self_attn" in k or "cross_attn" in k or "attn1" in k or "ffn" in k)
           for k in base):
        fam, what = "wan", "Wan"
    elif any("audio" in k for k in base) and any(k.startswith("transformer_blocks") for k in base):
        fam, what = "ltx2", "LTX-2"
    elif any(k.startswith(("double_blocks", "single_blocks", "single_transformer_blocks")) for k in base):
        fam, what = "hunyuan", "HunyuanVideo"
    elif any(k.startswith("transformer_blocks") for k in base):
        what = "a transformer_blocks model (LTX-Video, HunyuanVideo 1.5, CogVideoX)"
    variant = f"LoRA{' for ' + what if what else ''}" + (f", rank {rank}" if rank else "")
    return Recognised("lora", fam, variant)


def recognise(shapes: dict[str, tuple[int, ...]], hint: str = "", filename: str = "") -> Recognised:
    """The kind, family and variant of a weights file from its tensor names and shapes
    (``hint``: the kind its ComfyUI folder gives; used when the names alone do not tell)."""
    if not shapes:
        return Recognised("unknown", note="it holds no tensors")
    t = Tensors(shapes)
    lora = _lora(t)
    if lora is not None:
        return lora
    # Wan by exact names, then the text encoders, VAEs and CLIP vision by exact names (cheap), then
    # the denoisers told by their names' first components (a pass over the names)
    den = _wan(t, filename)
    svd = _svd_checkpoint(t, filename) if den is None else None
    if svd is not None:
        return svd
    if den is None:
        for f in (_text_encoder, _vae, _clip_vision):
            r = f(t)
            if r is not None:
                return r
        den = _denoiser(t)
    if den is not None:
        has_vae = "vae" in t.tops
        if has_vae:
            inside = ("transformer, video VAE, audio VAE and vocoder in one file" if den.family == "ltx2" and
                      {"audio_vae", "vocoder"} <= t.tops else "denoiser and VAE in one file")
            return Recognised("checkpoint", den.family, den.variant, inside +
                              (f"; {den.note}" if den.note else ""))
        return den
    what = f"{len(shapes)} tensors; the first: {t.first()}"
    return Recognised("unknown", "", "", (f"in a {hint} folder, but " if hint else "") +
                      f"not a model Studio recognises ({what})")


PART_PARAMS = {"vae": "vae", "text_encoder": "text_encoder", "clip_vision": "clip_vision"}  # Load Video Model's


def not_a_denoiser(r: Recognised, name: str) -> str | None:
    """What to say of a file given as a model's denoiser that the recogniser tells is another part
    (a VAE, a text encoder, CLIP vision, a LoRA): where it goes instead; None for anything else."""
    what = r.variant or KIND_TITLES.get(r.kind, r.kind)
    article = "an" if what[:1] in "AEIOaeio" or what.startswith(("LTX", "SVD")) else "a"
    if r.kind in PART_PARAMS:
        return (f"'{name}' is {article} {what}, not a denoiser: set it as Load Video Model's '{PART_PARAMS[r.kind]}' "
                "and choose the denoiser as 'model'")
    if r.kind == "lora":
        return (f"'{name}' is {article} {what}, not a denoiser: apply it with a Video LoRA node after Load Video Model, "
                "and choose the denoiser as 'model'")
    return None
