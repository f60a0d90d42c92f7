"""The rows of benchmarks/bench_families.py: what each video family issue 72 brought needs beyond what its tiny folder
and its family tell (its node, its inputs, how its denoiser is widened, its size and steps), one ``Case`` each, and
the families benchmarked by another script (``ELSEWHERE``). Sizes, steps and widths are chosen so that one call
takes about a second or more of one CPU thread: a shorter call's ratio is the node's few fixed milliseconds, not its
cost (issue 72's aim "node / direct <= 1.02")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass(frozen=True)
class Case:
    """One row: the family's tiny folder and how its node is run against its pipeline."""
    builder: str                                   # tests/tiny_models.py BUILDERS key
    family: str                                    # the registry key the folder must read as (checked)
    why: str = ""                                  # what the generic path cannot derive for it
    build: dict = field(default_factory=dict)      # the builder's settings
    node: str = ""                                 # the generator node's type ("" derived)
    size: str = ""                                 # WxHxT ("" derived: the family's smallest from 32x32x8)
    steps: int = 6
    wide: int = 4                                  # the denoiser's widening (0: as built)
    params: dict = field(default_factory=dict)     # the node's settings beyond the common ones
    still: bool = False                            # a start image fed to the node's 'image' though it is optional
    clip: str = ""                                 # an input fed a clip of noise (a control or source video)
    pipeline: str = ""                             # the diffusers class the node calls ("" the folder's)
    check: str = ""                                # a name in CHECKS: what else must be equal (sound)
    linear: bool = False                           # frames beyond 1 (HDR): the check alone compares them, unclipped
    denoiser: str = "transformer"                  # the folder's part that --wide replaces
    widen: Optional[Callable[[dict, int], dict]] = None  # (config, wide) -> the settings replaced; None: widen


# never widened with the heads, though a tiny model's may equal their width: the text encoder's width, the image
# context's input, a frame count
_NOT_TIED = {"caption_channels", "text_embed_dim", "text_dim", "img_context_dim_in", "video_length"}


def widen(cfg: dict, w: int) -> dict:
    """A transformer's heads times ``w`` and the widths tied to them, four layers. Tied: a ``*_dim`` setting equal
    to the heads' width (Allegro's and Latte's cross-attention width), never one of ``_NOT_TIED``."""
    inner = cfg["num_attention_heads"] * cfg.get("attention_head_dim", 0)
    out = {k: v * w for k, v in cfg.items()
           if type(v) is int and v == inner and inner and k.endswith("_dim") and k not in _NOT_TIED}
    return {**out, "num_attention_heads": cfg["num_attention_heads"] * w, "num_layers": 4}


def _sana(cfg: dict, w: int) -> dict:
    return {**widen(cfg, w), "num_cross_attention_heads": cfg["num_cross_attention_heads"] * w}


def _unet(cfg: dict, w: int) -> dict:
    return {"block_out_channels": [4 * w, 8 * w]}


def _kandinsky6(cfg: dict, w: int) -> dict:
    """Its heads are model_dim / sum(axes_dims) (benchmarks/bench_kandinsky6.py's widening)."""
    return {"model_dim": 64 * w, "ff_dim": 256 * w, "num_visual_blocks": 4, "axes_dims": [8, 12, 12]}


def _cosmos3(cfg: dict, w: int) -> dict:
    """A language-model-shaped DiT: heads of 8, ``w`` of them (benchmarks/bench_cosmos3.py's widening)."""
    return {"head_dim": 8, "hidden_size": 8 * w, "intermediate_size": 32 * w, "num_attention_heads": w,
            "num_key_value_heads": w, "num_hidden_layers": 4, "rope_axes_dim": [2, 1, 1]}


def _sound_cosmos3(pipe, out, res) -> bool:
    from benchmarks.bench_cosmos3 import _sound_same
    return _sound_same(pipe, out, res)


def _sound_kandinsky6(pipe, out, res) -> bool:
    import numpy as np
    sound = res.outputs["gen"]["audio"]
    return sound is not None and bool(np.array_equal(sound.samples[:, 0], np.clip(np.asarray(out.audio[0]), -1, 1)))


def _hdr(pipe, out, res) -> bool:
    from benchmarks.bench_ltx2_hdr import _hdr_same
    return _hdr_same(pipe, out, res)


CHECKS = {"sound_cosmos3": _sound_cosmos3, "sound_kandinsky6": _sound_kandinsky6, "hdr": _hdr}

_SANA = "its own node (its family declares no text- or image-to-video class); binning off (it would resize to its " \
        "aspect bins); cross-attention heads widened too (their own head size, not tied to the heads' width)"

# in the order issue 72 takes them (an artist's)
CASES = {
    "kandinsky6": Case("kandinsky6", "kandinsky6", "its own node (picture and sound, the sound checked equal); its "
                       "DiT widened by model_dim", node="video_models.kandinsky6", size="64x64x17", steps=6,
                       check="sound_kandinsky6", widen=_kandinsky6),
    "kandinsky6-i2va": Case("kandinsky6", "kandinsky6", "as kandinsky6, with a start image",
                            node="video_models.kandinsky6", size="64x64x17", steps=6, still=True,
                            check="sound_kandinsky6", widen=_kandinsky6),
    "cosmos1": Case("cosmos1", "cosmos", "its text encoder's width equals the tiny heads' (not widened)",
                    size="64x64x9", wide=8, steps=14),
    "cosmos2": Case("cosmos2", "cosmos2", "as cosmos1", size="64x64x9", wide=8, steps=32),
    "cosmos25": Case("cosmos25", "cosmos25", "as cosmos1", size="64x64x9", wide=8, steps=32),
    "cosmos25-transfer": Case("cosmos25-transfer", "cosmos25", "its own node reading a control clip; its controlnet "
                              "is built to the transformer's width, so neither is widened: a larger size instead",
                              node="video_models.cosmos_transfer", size="128x128x9", wide=0, steps=20, clip="control",
                              params={"chunk": 9}),
    "cosmos3": Case("cosmos3", "cosmos3", "its own node (picture and sound, the sound checked equal); a language-model"
                    " DiT widened by its head count", node="video_models.cosmos3", size="64x64x9", wide=16,
                    steps=28, params={"guidance": 3.0}, check="sound_cosmos3", widen=_cosmos3),
    "cosmos3-distilled": Case("cosmos3-distilled", "cosmos3_distilled", "a modular folder (the modular pipeline "
                              "called directly); its fixed 4-step schedule (quality draft)", size="128x128x9", wide=32,
                              still=True, node="video_models.image_to_video", params={"quality": "draft"}, steps=4,
                              widen=_cosmos3),
    "helios": Case("helios", "helios", size="64x64x9", steps=28),
    # Video to Video (issue 98: the frames asked handed to the call; its length had been the pipeline's default)
    **{f"{key}-v2v": Case(key, fam, "Video to Video over a source clip: the call told the clip's length",
                          node="video_models.video_to_video", pipeline=cls, size="64x64x9", wide=wide, steps=steps,
                          clip="video", widen=widen)
       for key, fam, cls, wide, steps, widen in (
           ("cosmos1", "cosmos", "CosmosVideoToWorldPipeline", 8, 14, None),
           ("cosmos2", "cosmos2", "Cosmos2VideoToWorldPipeline", 8, 32, None),
           ("cosmos25", "cosmos25", "Cosmos2_5_PredictBasePipeline", 8, 32, None),
           ("cosmos3", "cosmos3", "Cosmos3OmniPipeline", 16, 28, _cosmos3),
           ("helios", "helios", "HeliosPipeline", 4, 28, None))},
    "helios-pyramid": Case("helios-distilled", "helios_pyramid", "its pyramid folder", size="64x64x9", steps=36),
    "sana-video": Case("sana-video", "sana_video", _SANA, node="video_models.sana_video", size="96x96x9",
                       wide=8, steps=32, params={"binning": False}, widen=_sana),
    "sana-video-i2v": Case("sana-video", "sana_video", "as sana-video, with the still its node takes as an optional "
                           "input", build={"i2v": True}, node="video_models.sana_video", size="96x96x9",
                           wide=8, steps=32, params={"binning": False}, still=True, widen=_sana),
    "framepack": Case("framepack", "framepack", "its own long image-to-video node (windows of 2 latent frames); "
                      "only image to video", node="video_models.framepack", size="64x64x24", steps=4,
                      params={"window": 2}),
    "mochi": Case("mochi", "mochi", size="64x64x13", steps=48),
    "easyanimate": Case("easyanimate", "easyanimate", size="64x64x9", steps=32),
    "easyanimate-inpaint": Case("easyanimate", "easyanimate", "its image-to-video (inpaint) folder",
                                build={"kind": "inpaint"}, size="64x64x9", steps=30),
    "easyanimate-control": Case("easyanimate", "easyanimate", "its own node reading a control clip",
                                build={"kind": "control"}, node="video_models.easyanimate_control", size="64x64x9",
                                steps=32, clip="control"),
    "motif-video": Case("motif-video", "motif_video", size="64x64x9", steps=10),
    "motif-video-i2v": Case("motif-video", "motif_video", "its image-to-video folder", build={"i2v": True},
                            size="64x64x9", steps=10),
    "allegro": Case("allegro", "allegro", "its VAE decodes whole tiles of 24 frames x 128 px only (the family checks "
                    "it in code, declaring no such size)", size="128x128x24", steps=14),
    "chronoedit": Case("chronoedit", "chronoedit", "its own node (a picture edited through a short clip)",
                       node="video_models.chronoedit", size="64x64x5", wide=8, steps=48),
    "skyreels-v1": Case("hunyuan-skyreels", "hunyuan_skyreels", size="64x64x9", steps=14),
    "cogvideox-fun-control": Case("cogvideox-fun-control", "cogvideox", "its own node reading a control clip",
                                  node="video_models.cogvideox_fun_control", size="64x64x9", steps=32,
                                  clip="control"),
    "ltx2-hdr": Case("ltx2", "ltx2", "its own node over a source clip; the HDR pipeline is not the folder's class; "
                     "its linear frames (beyond 1) compared unclipped", build={"real_compression": False,
                     "audio_encoder": False}, node="video_models.ltx2_hdr", pipeline="LTX2HDRPipeline",
                     size="32x32x9", wide=0, clip="video", check="hdr", linear=True),
    "latte": Case("latte", "latte"),
    "i2vgen-xl": Case("i2vgen-xl", "i2vgen_xl", "a UNet, no transformer: widened by its block widths",
                      denoiser="unet", widen=_unet),
    "modelscope-t2v": Case("modelscope-t2v", "modelscope_t2v", "a UNet, no transformer: widened by its block widths",
                           denoiser="unet", widen=_unet),
}

# the families Studio had before issue 72 (not in its list): where each one's node is measured against its pipeline
_NONE = "before issue 72; no node/direct benchmark yet"
ELSEWHERE = {
    "svd": "benchmarks/bench_video_models.py", "wan": "benchmarks/bench_video_models.py",
    "ltx": "benchmarks/bench_video_models.py", "ltx2": "benchmarks/bench_ltx2_upsample.py",
    "wan_s2v": "benchmarks/bench_wan_s2v.py", "wan_scail": "benchmarks/bench_wan_scail2.py",
    "kandinsky5": "benchmarks/bench_kandinsky5.py", "minimax_h3": "benchmarks/bench_minimax_h3_reference.py",
    "wan_animate2": "benchmarks/bench_wan_animate2.py",
    "animatediff": _NONE, "hunyuan15": _NONE, "hunyuan": _NONE, "skyreels": _NONE, "lucy": _NONE,
    "wan_steady": "SteadyDancer (2026-11-30): no node/direct benchmark yet; tests/video_models/test_wan_steady.py "
                  "holds the node's take equal to its pipeline fed the same inputs",
    "wan_recam": "ReCamMaster (2026-11-30): no node/direct benchmark yet; tests/video_models/test_wan_recam.py "
                 "holds the node's frames equal to its pipeline fed the same",
    "sd15": "a still family (one picture, 2026-11-30): no node/direct benchmark yet; tests/video_models/"
            "test_sd15_still.py holds the node's picture equal to StableDiffusionPipeline called directly",
    "sdxl": "a still family (one picture, 2026-11-29): no node/direct benchmark yet; tests/video_models/"
            "test_sdxl_still.py holds the node's picture equal to StableDiffusionXLPipeline called directly",
    "zimage": "a still family (one picture, 2026-11-30): no node/direct benchmark yet; tests/video_models/"
              "test_zimage_still.py holds the node's picture equal to ZImagePipeline called directly",
    "qwenimage": "a still family (one picture, 2026-11-30): no node/direct benchmark yet; tests/video_models/"
                 "test_qwenimage_still.py holds the node's picture equal to QwenImagePipeline called directly",
    "flux1": "a still family (one picture, 2026-11-30): no node/direct benchmark yet; tests/video_models/"
             "test_flux1_still.py holds the node's picture equal to FluxPipeline called directly",
    "flux2": "a still family (one picture, 2026-12-01): no node/direct benchmark yet; tests/video_models/"
             "test_flux2_still.py holds the node's picture equal to Flux2KleinPipeline called directly",
}


def rows() -> dict[str, Case]:
    """CASES, then a row for each registered family that no row names and ELSEWHERE does not say, whose tiny builder
    (tests/tiny_models.py BUILDERS, found in its folder's TINY) is named by its key ('_' or '-'): the generic path
    as built (its folder's pipeline, the generic generator, its smallest size, not widened), so a new family
    needs no line here (docs/architecture.md, "How to add a video model family")."""
    import nodes.video_models.families  # noqa: F401  (the registry filled)
    from nodes.video_models.base.registry import FAMILIES
    from tests.tiny_models import BUILDERS
    out = dict(CASES)
    named = {c.family for c in CASES.values()} | set(ELSEWHERE)
    for key in FAMILIES:
        builder = next((b for b in (key, key.replace("_", "-")) if b in BUILDERS), None)
        if key not in named and builder is not None:
            out[builder] = Case(builder, key, "the generic path, derived from its tiny builder", wide=0)
    return out

