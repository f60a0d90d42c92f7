"""What a single weights file is, from its tensors' names and shapes only (a header: no weight is
read): the kind (denoiser, text encoder, VAE, LoRA, CLIP vision, all-in-one checkpoint), the
family and the variant (Wan 2.1 14B I2V, LTX-Video 2B, UMT5-XXL...), as ComfyUI tells them apart
(``comfy/model_detection.py``, ``comfy/sd.py``) and diffusers (``single_file_utils
.infer_diffusers_model_type``): exact key names looked up in a set, and a few shapes.

One recogniser for the model picker (catalog) and the loader (``family_from_keys``): ``recognise``
asks every registered family (``Family.recognise``: its own denoisers, checkpoints and VAEs, in its
folder) in the registry's recognition order, after the text encoders and CLIP vision models (shared
architectures named here; a family claims the ones it uses, ``Family.part_title``) and before the
families' looser tensor-name patterns (``Family.matches_keys``). Nothing here knows a family.

Names are read in the original layouts (the models' own repositories, ComfyUI's files, GGUF files
converted from them) and in diffusers' layout, with or without ComfyUI's ``model.diffusion_model.``
prefix. A file nothing matches is described by its first keys and shapes. Plain stdlib: importing
it costs nothing."""
from __future__ import annotations

from dataclasses import dataclass

from .capabilities import LoraNames
from .registry import family, recognition_order

DENOISER_PREFIXES = ("model.diffusion_model.", "diffusion_model.", "model.", "net.")


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
        self._vae: dict | None = None

    @property
    def tops(self) -> set[str]:
        """The names' first components (made on first use: most files are told without them)."""
        if self._tops is None:
            self._tops = {k.partition(".")[0] for k in self.shapes}
        return self._tops

    @property
    def vae_shapes(self) -> dict:
        """The names a VAE file is told by: a file with no denoiser prefix read without its 'vae.'
        prefix (a VAE saved from a checkpoint), else the names as ``shapes``."""
        if self._vae is None:
            self._vae = {k[4:] if k.startswith("vae.") else k: v for k, v in self.raw.items()} \
                if self.prefix == "" else self.shapes
        return self._vae

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


def dim(shapes: dict, name: str, i: int = 0, default: int = 0) -> int:
    """One dimension of a tensor's shape (``default`` when the tensor, or that dimension, is not
    there: a header read for its names only has no shapes)."""
    s = shapes.get(name)
    try:
        return int(s[i]) if s is not None else default
    except (IndexError, TypeError, ValueError):
        return default


KINDS = ("pipeline", "denoiser", "checkpoint", "text_encoder", "vae", "clip_vision", "lora", "other", "unknown")
KIND_TITLES = {"pipeline": "diffusers folder", "denoiser": "denoiser", "checkpoint": "all-in-one checkpoint",
               "text_encoder": "text encoder", "vae": "VAE", "clip_vision": "CLIP vision", "lora": "LoRA",
               "other": "not a video model", "unknown": "not recognised"}
# weights of other kinds of model, told by names no video model's part has (the first that every
# listed name fragment is found in wins): never offered as a video model's candidate (issue 61)
OTHER_MODELS = ((("model.0.conv.weight", ".dfl.conv.weight"), "object or person detector (YOLO)"),
                (("model.0.conv.weight", ".cv2.0.0.conv.weight"), "object or person detector (YOLO)"),
                (("bbox_embed", "class_embed"), "object or person detector (DETR / RT-DETR)"),
                (("enc_bbox_head", "enc_score_head"), "object or person detector (RT-DETR)"),
                (("backbone.embeddings.patch_embeddings", "head.conv.weight"), "pose model (ViTPose)"),
                (("keypoint_head",), "pose model"),
                (("neck.reassemble_stage", "head.conv1"), "depth model (Depth Anything / DPT)"),
                (("depth_head.",), "depth model (Depth Anything)"),
                (("sam_mask_decoder.",), "video segmenter (SAM 2)"),
                (("mask_decoder.transformer.", "prompt_encoder."), "segmenter (SAM)"),
                (("conv_first.weight", "RRDB_trunk."), "image upscaler (ESRGAN)"),
                (("conv_first.weight", "body.0.rdb1."), "image upscaler (ESRGAN)"),
                (("input_hint_block.",), "ControlNet (Stable Diffusion)"),
                (("controlnet_cond_embedding.",), "ControlNet"))


def encoder_kind(title: str) -> str:
    """'clip_vision' for the image encoders' titles this module gives (CLIP ViT, SigLIP), else
    'text_encoder': the kind of a family's ``part_titles`` entry."""
    return "clip_vision" if title.startswith(("CLIP ViT", "CLIP vision", "SigLIP")) else "text_encoder"


@dataclass(frozen=True)
class Recognised:
    kind: str  # one of KINDS
    family: str = ""  # a key of base.registry.FAMILIES ('' : none or not a video model's)
    variant: str = ""  # 'Wan 2.1 14B I2V', 'UMT5-XXL (Wan)', ... ('' : not known)
    note: str = ""  # what else the keys say (the tokenizer inside, an unusual size, the first keys)


def _t5(s: dict) -> tuple[str, str] | None:
    """T5-like text encoders: UMT5, byT5, T5 (generic titles; a family claims its own)."""
    if "encoder.block.0.layer.0.SelfAttention.k.weight" not in s:
        return None
    width = dim(s, "encoder.final_layer_norm.weight")
    n = sum(1 for i in range(64) if f"encoder.block.{i}.layer.0.SelfAttention.k.weight" in s)
    if "encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight" in s:
        # UMT5-XXL is google's encoder, shared by several families (Wan and the families on its files,
        # SkyReels-V2): its architecture's title, each family claims it by its part_titles
        return "text_encoder", "UMT5-XXL" if width == 4096 else f"UMT5 (width {width})"
    if width == 1472 or dim(s, "encoder.block.0.layer.0.SelfAttention.k.weight") == 384:
        return "text_encoder", "byT5"
    return "text_encoder", "T5-XXL" if width == 4096 and n == 24 else f"T5 (width {width}, {n} blocks)"


def _decoder_lm(s: dict) -> tuple[str, str] | None:
    """Decoder language models used as text encoders: Gemma, Qwen2.5(-VL), Llama 3."""
    for pre in ("model.", "language_model.model.", "model.language_model.", ""):
        if f"{pre}norm_moe_gen.weight" in s:  # a text model's layers inside a denoiser (Cosmos 3's): its family's
            return None
        if f"{pre}layers.0.post_feedforward_layernorm.weight" in s:
            width = dim(s, f"{pre}embed_tokens.weight", -1) or dim(s, f"{pre}norm.weight", -1)
            gemma3 = f"{pre}layers.0.self_attn.q_norm.weight" in s
            if f"{pre}layers.0.layer_scalar" in s:  # Gemma 4's layers (LTX-2.5's encoder: with its projection)
                proj = "text_embedding_projection.video_aggregate_embed.weight" in s
                return "text_encoder", "Gemma 4 with LTX-2.5's text projection" if proj else "Gemma 4"
            size = {3840: " 12B", 2560: " 4B", 5376: " 27B", 2304: " 2B"}.get(width, "")
            return "text_encoder", f"Gemma {'3' if gemma3 else '2'}{size}"
        if f"{pre}layers.0.self_attn.k_proj.bias" in s:
            kv = dim(s, f"{pre}layers.0.self_attn.k_proj.bias")
            # Qwen2.5-VL is an encoder several families share (HunyuanVideo 1.5, Kandinsky 5): its titles
            # are the architecture's, each family claims it by its part_titles
            return "text_encoder", {256: "Qwen2.5-VL 3B", 512: "Qwen2.5-VL 7B"}.get(kv, "Qwen2.5")
        if f"{pre}layers.0.self_attn.q_norm.weight" in s and f"{pre}layers.0.post_attention_layernorm.weight" in s:
            # Qwen3: Qwen2.5's layers with a norm of each head's queries and keys and no q/k/v biases (Z-Image's
            # qwen_3_4b): its architecture's title, the family claims it by its part_titles
            width = dim(s, f"{pre}embed_tokens.weight", -1) or dim(s, f"{pre}norm.weight", -1)
            return "text_encoder", "Qwen3" + {2560: " 4B", 4096: " 8B", 2048: " 1.7B", 1024: " 0.6B"}.get(width, "")
        if f"{pre}layers.0.post_attention_layernorm.weight" in s:
            return "text_encoder", "Llama 3 8B"
    return None


def _clip(s: dict) -> tuple[str, str] | None:
    """CLIP text encoders, CLIP vision and SigLIP image encoders."""
    if "text_model.encoder.layers.0.mlp.fc1.weight" in s:
        n = sum(1 for i in range(48) if f"text_model.encoder.layers.{i}.mlp.fc1.weight" in s)
        return "text_encoder", {12: "CLIP-L text", 24: "CLIP-H text", 32: "CLIP-G text"}.get(n, "CLIP text")
    if "vision_model.encoder.layers.0.mlp.fc1.weight" in s or "visual.transformer.resblocks.0.mlp.c_fc.weight" in s:
        n = sum(1 for i in range(64) if f"vision_model.encoder.layers.{i}.mlp.fc1.weight" in s
                or f"visual.transformer.resblocks.{i}.mlp.c_fc.weight" in s)
        if "vision_model.embeddings.patch_embedding.weight" in s and "vision_model.embeddings.class_embedding" not in s:
            # SigLIP (no class token, no pre-norm), as ComfyUI tells its clip_vision files apart
            width = dim(s, "vision_model.embeddings.patch_embedding.weight")
            tokens = dim(s, "vision_model.embeddings.position_embedding.weight")
            so400m = width == 1152 and n == 27 and tokens == 729
            return "clip_vision", "SigLIP so400m/14 384" if so400m else f"SigLIP vision ({n} layers, {width} wide)"
        return "clip_vision", {32: "CLIP ViT-H/14", 24: "CLIP ViT-L/14", 48: "CLIP ViT-bigG"}.get(
            n, f"CLIP vision ({n} layers)")
    return None


def _encoder(t: Tensors) -> Recognised | None:
    """A text encoder or an image encoder, named by its architecture and claimed by the family that
    uses it (``Family.part_title``: 'UMT5-XXL' -> 'UMT5-XXL (Wan)')."""
    s = t.raw
    for f in (_t5, _decoder_lm, _clip):
        found = f(s)
        if found is not None:
            break
    else:
        return None
    kind, title = found
    inside = "tokenizer inside the file" if kind == "text_encoder" and ("spiece_model" in s or "tokenizer_json" in s) \
        else ""
    for fam in recognition_order():
        own = fam.part_title(kind, title)
        if own:
            return Recognised(kind, fam.key, own, inside)
    return Recognised(kind, "", title, inside)


def _image_vae(t: Tensors) -> Recognised | None:
    s = t.vae_shapes
    if "decoder.conv_in.weight" in s and ("encoder.down.0.block.0.conv1.weight" in s
                                          or "encoder.down_blocks.0.resnets.0.conv1.weight" in s):
        return Recognised("vae", "", "image VAE", "an image model's VAE, not a video model's")
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
    for f in recognition_order():
        names = f.capability(LoraNames)
        if names is not None and names.matches(base):
            fam, what = f.key, names.title
            break
    else:
        if any(k.startswith("transformer_blocks") for k in base):
            what = "a transformer_blocks model (LTX-Video, HunyuanVideo 1.5, CogVideoX)"
    variant = f"LoRA{' for ' + what if what else ''}" + (f", rank {rank}" if rank else "")
    return Recognised("lora", fam, variant)


def _family_part(t: Tensors, filename: str) -> Recognised | None:
    """A family's own file (denoiser, checkpoint, VAE), told by its exact names and shapes; failing
    those, a denoiser told by a family's looser tensor-name patterns (the loader's since its start)."""
    for fam in recognition_order():
        r = fam.recognise(t, filename)
        if r is not None:
            return r
    r = _image_vae(t)
    if r is not None:
        return r
    names = list(t.raw)
    for fam in recognition_order():
        if fam.matches_keys(names):
            return Recognised("denoiser", fam.key, "")
    return None


def _other_model(t: Tensors) -> Recognised | None:
    """A detector, pose, depth or segmentation model, an upscaler or a ControlNet: kind 'other'."""
    names = list(t.raw)
    for parts, what in OTHER_MODELS:
        if all(any(p in k for k in names) for p in parts):
            return Recognised("other", "", what, f"a {what}, not a video model: the preprocessors take "
                                                 "their models as Hugging Face folders (Load Preprocessor)")
    return None


def recognise(shapes: dict[str, tuple[int, ...]], hint: str = "", filename: str = "") -> Recognised:
    """The kind, family and variant of a weights file from its tensor names and shapes
    (``hint``: the kind its ComfyUI folder gives; used when the names alone do not tell)."""
    if not shapes:
        return Recognised("unknown", note="it holds no tensors")
    t = Tensors(shapes)
    r = _lora(t) or _encoder(t) or _other_model(t) or _family_part(t, filename)
    if r is not None and r.kind == "denoiser" and r.family and "vae" in t.tops:
        inside = family(r.family).checkpoint_words(t)
        return Recognised("checkpoint", r.family, r.variant, inside + (f"; {r.note}" if r.note else ""))
    if r is not None:
        return r
    what = f"{len(shapes)} tensors; the first: {t.first()}"
    return Recognised("unknown", "", "", (f"in a {hint} folder, but " if hint else "") +
                      f"not a model Studio recognises ({what})")


def family_from_keys(keys, filename: str = ""):
    """The family of a single denoiser file (or all-in-one checkpoint) from its tensor names, or
    names and shapes (no tensor is read), and its file name where a family is told by it (ComfyUI's
    Wan Animate 2 files): the picker's answer, so the two never disagree; None when the file is not
    a family's denoiser."""
    shapes = dict(keys) if isinstance(keys, dict) else {k: () for k in keys}
    r = recognise(shapes, filename=filename)
    return family(r.family) if r.kind in ("denoiser", "checkpoint") and r.family else None


def _article(word: str) -> str:
    """'an' before a vowel and before an initialism whose first letter is said with one ('an SVD file',
    'an LTX-Video'; 'a UMT5', 'a VAE'), else 'a'."""
    initialism = word[1:2].isupper()
    return "an" if word[:1] in "AEIOaeio" or (initialism and word[:1] in "FHLMNRSX") else "a"


PART_PARAMS = {"vae": "vae", "text_encoder": "text_encoder", "clip_vision": "clip_vision"}  # Load Video Model's


def not_a_denoiser(r: Recognised, name: str) -> str | None:
    """What to say of a file given as a model's denoiser that the recogniser tells is another part
    (a VAE, a text encoder, CLIP vision, a LoRA): where it goes instead; None for anything else."""
    what = r.variant or KIND_TITLES.get(r.kind, r.kind)
    article = _article(what)
    if r.kind in PART_PARAMS:
        return (f"'{name}' is {article} {what}, not a denoiser: set it as Load Video Model's '{PART_PARAMS[r.kind]}' "
                "and choose the denoiser as 'model'")
    if r.kind == "other":
        return f"'{name}' is {article} {what}, not a video model: choose a video model's denoiser as 'model'"
    if r.kind == "lora":
        return (f"'{name}' is {article} {what}, not a denoiser: apply it with a Video LoRA node after Load Video Model, "
                "and choose the denoiser as 'model'")
    return None
