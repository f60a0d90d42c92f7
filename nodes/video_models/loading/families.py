"""Video model families: how to recognise one (model_index.json or a single file's keys), which
diffusers pipeline does which task, and the latent layout the previews need.

Plain data and stdlib: importing this module costs nothing (no torch, no diffusers)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Family:
    key: str
    title: str
    index_classes: tuple[str, ...]  # model_index.json "_class_name" values
    i2v: str | None = None  # diffusers pipeline class for each task (None: the family cannot)
    t2v: str | None = None
    v2v: str | None = None
    vace: str | None = None  # control video, mask and references (nodes/video_models/wan/vace.py)
    animate: str | None = None  # a character moved by a pose and a face video (nodes/video_models/wan/animate.py)
    cond: str | None = None  # frames given at frame indices (keyframes_at.py; a take continued: continuation.py)
    denoiser: str = "transformer"  # component the single file replaces
    latent_layout: str = "BCTHW"  # how the sampler's latents are laid out ("BTCHW", "BCTHW", "packed")
    frames: int = 16  # a good default clip length
    fixed_frames: int | None = None  # trained on exactly this many frames (sliding windows beyond)
    frame_multiple: tuple[int, int] = (1, 0)  # valid frame counts: k * a + b
    size_multiple: int = 8
    fps: float = 8.0
    scale_attr: str = "scaling_factor"  # how its latents are scaled for the denoiser
    extra_i2v_params: tuple[str, ...] = field(default=())
    forcing: bool = False  # a long take by diffusion forcing inside one call (SkyReels-V2 DF; takes/forcing.py)


# SkyReels-V2 (Wan's architecture, AutoencoderKLWan): the plain models and the diffusion-forcing (DF) ones,
# one family; a DF folder's tasks are made by its DF pipelines (FORCING, family_of)
SKYREELS_DF = ("SkyReelsV2DiffusionForcingPipeline", "SkyReelsV2DiffusionForcingImageToVideoPipeline",
               "SkyReelsV2DiffusionForcingVideoToVideoPipeline")
_SKYREELS = dict(frames=97, fixed_frames=97, frame_multiple=(4, 1), size_multiple=16, fps=24.0,
                 scale_attr="latents_std")  # 97 frames a call at 540P (base_num_frames; 121 at 720P)


FAMILIES: dict[str, Family] = {f.key: f for f in (
    Family("svd", "Stable Video Diffusion", ("StableVideoDiffusionPipeline",),
           i2v="StableVideoDiffusionPipeline", denoiser="unet", latent_layout="BTCHW", frames=14,
           fixed_frames=14, size_multiple=8, fps=7.0),
    Family("wan", "Wan", ("WanPipeline", "WanImageToVideoPipeline", "WanVideoToVideoPipeline", "WanVACEPipeline",
                         "WanAnimatePipeline"),
           i2v="WanImageToVideoPipeline", t2v="WanPipeline", v2v="WanVideoToVideoPipeline",
           vace="WanVACEPipeline", animate="WanAnimatePipeline", frames=33, frame_multiple=(4, 1), size_multiple=16,
           fps=16.0, scale_attr="latents_std"),
    Family("ltx", "LTX-Video", ("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"),
           i2v="LTXImageToVideoPipeline", t2v="LTXPipeline", cond="LTXConditionPipeline", latent_layout="packed",
           frames=49, frame_multiple=(8, 1), size_multiple=32, fps=24.0, scale_attr="latents_std"),
    Family("ltx2", "LTX-2 (picture and sound)", ("LTX2Pipeline", "LTX2ImageToVideoPipeline", "LTX2ConditionPipeline"),
           i2v="LTX2ImageToVideoPipeline", t2v="LTX2Pipeline", cond="LTX2ConditionPipeline", latent_layout="packed",
           frames=121, frame_multiple=(8, 1), size_multiple=32, fps=24.0, scale_attr="latents_std"),
    Family("cogvideox", "CogVideoX", ("CogVideoXPipeline", "CogVideoXImageToVideoPipeline",
                                      "CogVideoXVideoToVideoPipeline"),
           i2v="CogVideoXImageToVideoPipeline", t2v="CogVideoXPipeline", v2v="CogVideoXVideoToVideoPipeline",
           latent_layout="BTCHW", frames=49, fixed_frames=49, frame_multiple=(4, 1), size_multiple=16, fps=8.0),
    Family("animatediff", "AnimateDiff", ("AnimateDiffPipeline", "AnimateDiffVideoToVideoPipeline"),
           t2v="AnimateDiffPipeline", v2v="AnimateDiffVideoToVideoPipeline", denoiser="unet",
           frames=16, fixed_frames=16, size_multiple=8, fps=8.0),
    Family("hunyuan15", "HunyuanVideo 1.5", ("HunyuanVideo15Pipeline", "HunyuanVideo15ImageToVideoPipeline"),
           i2v="HunyuanVideo15ImageToVideoPipeline", t2v="HunyuanVideo15Pipeline",
           frames=121, frame_multiple=(4, 1), size_multiple=16, fps=24.0),
    Family("hunyuan", "HunyuanVideo", ("HunyuanVideoPipeline", "HunyuanVideoImageToVideoPipeline"),
           i2v="HunyuanVideoImageToVideoPipeline", t2v="HunyuanVideoPipeline",
           frames=61, frame_multiple=(4, 1), size_multiple=16, fps=24.0),
    Family("skyreels", "SkyReels-V2", ("SkyReelsV2Pipeline", "SkyReelsV2ImageToVideoPipeline") + SKYREELS_DF,
           i2v="SkyReelsV2ImageToVideoPipeline", t2v="SkyReelsV2Pipeline", **_SKYREELS),
)}

# A family's diffusion-forcing models, as a loaded folder of one does its tasks (its Video to Video
# pipeline extends a clip, which is not Studio's Video to Video: none)
FORCING: dict[str, Family] = {
    "skyreels": Family("skyreels", "SkyReels-V2 DF", SKYREELS_DF, t2v=SKYREELS_DF[0], i2v=SKYREELS_DF[1],
                       forcing=True, **_SKYREELS),
}

TASKS = {"i2v": "image to video", "t2v": "text to video", "v2v": "video to video",
         "vace": "control video (VACE)", "animate": "character animation (Wan Animate)",
         "cond": "frame conditions (keyframes at any frame, a continued take)"}


def family_of(key: str, pipeline_class: str) -> Family:
    """The family as a loaded pipeline of ``pipeline_class`` does its tasks: a diffusion-forcing folder's
    (FORCING) for one of its classes, else the family's."""
    df = FORCING.get(key)
    return df if df is not None and pipeline_class in df.index_classes else FAMILIES[key]


def family_from_index(index: dict) -> Family | None:
    cls = str(index.get("_class_name", ""))
    for f in FAMILIES.values():
        if cls in f.index_classes:
            return f
    return None


# Key fragments of a single file's tensors, per family, in diffusers and original layouts.
# Checked in order; the first family whose every fragment of one pattern appears wins.
_KEY_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("animatediff", ("motion_modules.",)),
    ("svd", ("time_stack",)),  # original SGM layout of SVD
    ("svd", ("temporal_transformer_blocks", "down_blocks.")),
    ("svd", ("spatial_res_block",)),
    ("hunyuan15", ("cond_type_embed", "context_embedder_2.", "transformer_blocks.")),
    ("hunyuan15", ("cond_type_embedding", "double_blocks.", "txt_in.")),  # Tencent's names (ComfyUI's files)
    ("hunyuan", ("double_blocks.", "single_blocks.", "txt_in.")),
    ("hunyuan", ("context_embedder.token_refiner", "single_transformer_blocks.")),
    ("wan", ("condition_embedder.", "blocks.")),
    ("wan", ("text_embedding.", "time_projection.", "blocks.")),
    ("ltx2", ("audio_caption_projection.", "av_cross_attn_", "scale_shift_table")),  # before LTX-Video's
    ("ltx2", ("audio_adaln_single.", "av_ca_", "scale_shift_table")),  # original LTX-2 layout
    ("ltx", ("adaln_single.", "caption_projection.", "scale_shift_table")),
    ("ltx", ("time_embed.", "caption_projection.", "scale_shift_table")),
    ("cogvideox", ("patch_embed.text_proj", "transformer_blocks.")),
    ("cogvideox", ("patch_embed.proj", "norm_final", "transformer_blocks.")),
)


def family_from_keys(keys) -> Family | None:
    """The family of a single .safetensors file from its tensor names (no tensor is read)."""
    keys = list(keys)
    for fam, frags in _KEY_PATTERNS:
        if all(any(fr in k for k in keys) for fr in frags):
            return FAMILIES[fam]
    return None


def _int(cfg: dict, key: str) -> int:
    """A whole-number field of a config, 0 when absent or not a whole number (a variant is named
    only from values that are what they should be)."""
    v = cfg.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _dim(cfg: dict) -> int:
    return _int(cfg, "num_attention_heads") * _int(cfg, "attention_head_dim")


ANIMATE_DENOISER = "WanAnimateTransformer3DModel"  # a Wan Animate folder's transformer class


def is_animate(index: dict, denoiser_config: dict) -> bool:
    """A Wan Animate folder: its transformer is a WanAnimateTransformer3DModel (model_index.json or
    the transformer's config.json says so)."""
    spec = index.get("transformer")
    named = spec[1] if isinstance(spec, list) and len(spec) == 2 else None
    return ANIMATE_DENOISER in (named, denoiser_config.get("_class_name"))


# The models inside a family, told apart by model_index.json and the denoiser's config.json (the
# weights are never read): (family, title, test(index, denoiser config)). The first match wins;
# add an entry here for a new variant.
VARIANTS: tuple[tuple[str, str, object], ...] = (
    ("wan", "Wan 2.2 Animate 14B", lambda idx, cfg: is_animate(idx, cfg) and _dim(cfg) == 5120),
    ("wan", "Wan 2.2 Animate", lambda idx, cfg: is_animate(idx, cfg)),
    ("wan", "Wan 2.2 A14B (two experts)", lambda idx, cfg: bool(idx.get("transformer_2") and idx["transformer_2"][0])),
    ("wan", "Wan 2.2 TI2V-5B", lambda idx, cfg: bool(idx.get("expand_timesteps")) or _dim(cfg) == 3072),
    ("wan", "Wan 2.1 14B", lambda idx, cfg: _dim(cfg) == 5120),
    ("wan", "Wan 2.1 1.3B", lambda idx, cfg: _dim(cfg) == 1536),
    ("ltx", "LTX-Video 13B", lambda idx, cfg: _int(cfg, "num_layers") == 48),
    ("ltx", "LTX-Video 2B", lambda idx, cfg: _int(cfg, "num_layers") == 28),
    ("hunyuan15", "HunyuanVideo 1.5", lambda idx, cfg: True),
    ("skyreels", "SkyReels-V2 DF 14B", lambda idx, cfg: idx.get("_class_name") in SKYREELS_DF and _dim(cfg) == 5120),
    ("skyreels", "SkyReels-V2 DF 1.3B", lambda idx, cfg: idx.get("_class_name") in SKYREELS_DF and _dim(cfg) == 1536),
    ("skyreels", "SkyReels-V2 DF", lambda idx, cfg: idx.get("_class_name") in SKYREELS_DF),
    ("skyreels", "SkyReels-V2 14B", lambda idx, cfg: _dim(cfg) == 5120),
    ("skyreels", "SkyReels-V2 1.3B", lambda idx, cfg: _dim(cfg) == 1536),
)


def variant_title(fam: Family, index: dict, denoiser_config: dict) -> str:
    """'Wan 2.1 14B', 'Wan 2.2 A14B (two experts)'...; the family's title when none matches."""
    for key, title, test in VARIANTS:
        if key == fam.key and test(index, dict(denoiser_config or {})):
            return title
    return fam.title


def valid_frames(fam: Family, n: int) -> int:
    """The nearest frame count at or above ``n`` the family accepts (k * a + b)."""
    a, b = fam.frame_multiple
    if a <= 1:
        return max(1, n)
    k = max(0, -(-(n - b) // a))
    return k * a + b
