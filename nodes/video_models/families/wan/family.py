"""Wan (2.1, 2.2 A14B with two experts, 2.2 TI2V-5B, VACE, Animate, HuMo)."""
from __future__ import annotations

from ...base.capabilities import PromptWeights
from ...base.capabilities import (AnchorMotion, AttentionGuidance, CallReady, ConditionAmplitude, Cost, GuidanceSteps,
                                  MiddleFrame, MotionReference, OwnNodes)
from ...base.capabilities import (FRAME_CACHE, NOT_MODULAR, Conditions, ContextWindows, Drafts, FirstLast, LoraNames,
                                  LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family, config_width
from ...base.said import modular_forms
from ...base.tasks import GENERIC, Maker
from ...base.prompt_recipes import PLAIN
from . import drafts, lora_names, memory_counts, recognise

ANIMATE_DENOISER = "WanAnimateTransformer3DModel"  # a Wan Animate folder's transformer class


def is_animate(index: dict, denoiser_config: dict) -> bool:
    """A Wan Animate folder: its transformer is a WanAnimateTransformer3DModel (model_index.json or
    the transformer's config.json says so)."""
    spec = index.get("transformer")
    named = spec[1] if isinstance(spec, list) and len(spec) == 2 else None
    return ANIMATE_DENOISER in (named, denoiser_config.get("_class_name"))


# Fun V1.1 camera models' adapter, read by Wan Fun Camera (camera.py); HuMo's audio layers, by Wan HuMo (humo.py);
# Wan Dancer's music encoder and injector, reference MLP, global patch embedding and head, by Wan Dancer (dancer.py)
OWN_MODULES = ("control_adapter.", "audio_proj.", "audio_cross_attn_wrapper.", "music_projection.", "music_encoder.",
               "music_injector.", "img_emb_refimage.", "patch_embedding_global.", "head_global.")


def own_in(names) -> tuple[str, ...]:
    """Wan Dancer's files also hold ``ref_conv`` (a reference-image convolution its release builds and never
    runs: dancer.py): set aside with its own tensors in a file that holds them, never in another (Wan Fun
    V1.1's ref_conv is its reference image, refused by name)."""
    if any("music_injector." in n for n in names):
        return OWN_MODULES + ("ref_conv.",)
    return OWN_MODULES


class Wan(Family):
    def part_title(self, kind, title):
        """Every UMT5 is Wan's text encoder (the XXL named so); its CLIP vision, Wan 2.1 I2V's."""
        if title.startswith("UMT5 (width"):
            return title
        return super().part_title(kind, title)

    def refuse_pipeline(self, task, components, config, path):
        from ...base.errors import ModelError
        if task == "i2v" and components.get("image_encoder") is None \
                and not (config.get("expand_timesteps") or config.get("boundary_ratio")):
            raise ModelError(f"model '{path}' is a Wan text-to-video model: image to video needs a Wan I2V "
                             "model (with an image_encoder) or Wan 2.2 (TI2V / I2V)")


def tracks_applied(ctx, pipe, tracks, out_size, n_frames, how="wan-move", temperature=220.0, topk=2):
    """Wan-Move's (move.py) or ATI's (ati.py) latent trajectory guidance, said on the node."""
    from ...base.errors import ModelError
    from .tracks import move
    if not move.takes_tracks(pipe):
        raise ModelError("point tracks steer a Wan-Move or ATI model (Wan 2.1 image to video: its denoiser reads "
                         "the start image's latent beside the noise); this Wan model reads none: give Wan-Move, "
                         "ATI or another Wan I2V model, or leave 'tracks' unconnected")
    if how == "ati":
        return _ati_applied(ctx, pipe, tracks, out_size, n_frames, temperature, topk)
    got = move.track_cells(tracks.points, tracks.visible, (tracks.width, tracks.height), out_size, n_frames)
    n = got.cells.shape[0]
    ctx.info(f"Wan-Move: {n} track{'s' if n != 1 else ''} carry the start image's latent features over "
             f"{got.cells.shape[1]} latent frames")
    if got.no_start:
        ctx.info(f"{got.no_start} track(s) not visible in the first frame carry nothing")
    if got.past_end:
        ctx.info(f"the tracks end {tracks.n_frames} frames in: the last {got.past_end} latent frame(s) of the "
                 f"{n_frames}-frame take follow no track")
    if got.outside:
        ctx.info(f"{got.outside} track position(s) outside the frame, hidden or not numbers were left out")
    return move.wan_move_applied(pipe, got.cells)


def _time_to_move(*args, **kwargs):
    """Time-to-Move's block (ttm.py, imported when a take uses it: torch and numpy stay out of the mappings)."""
    from .ttm import ttm_applied
    return ttm_applied(*args, **kwargs)


def _amplitude(ctx, pipe, amplitude):
    """PainterI2V's motion amplitude on one image-to-video call (amplitude.py, imported when a take uses it)."""
    from .amplitude import amplitude_on
    return amplitude_on(ctx, pipe, amplitude)


def _svi(ctx, pipe, count):
    """SVI 2.0 Pro's anchor-and-motion conditioning of a continued take (svi_pro.py, imported when a take uses it)."""
    from .svi_pro import svi_on
    return svi_on(ctx, pipe, count)


def _middle(ctx, pipe, picture, frame, strength, strength_2):
    """A middle picture held with a strength per expert on one image-to-video call (middle_frame.py)."""
    from .middle_frame import middle_on
    return middle_on(ctx, pipe, picture, frame, strength, strength_2)


def _zero_condition(ctx, pipe, say):
    """Its image-to-video denoisers in a call with no picture: ComfyUI's all-zero condition (zero_condition.py)."""
    from .zero_condition import zero_condition_on
    return zero_condition_on(ctx, pipe, say)


def _guidance_steps(ctx, pipe, steps, of):
    """Guidance on the take's first steps only (guidance_steps.py, imported when a take uses it)."""
    from .guidance_steps import guidance_steps_on
    return guidance_steps_on(ctx, pipe, steps, of)


def check_experts(diffusers, fam, first, second, cfg=None):
    """Wan 2.2 A14B's high-noise and low-noise experts checked on their headers (wan22.py)."""
    from .wan22 import check_experts as check
    return check(diffusers, fam, first, second, cfg)


def folder_experts(diffusers, index, path, fam, experts, torch_dtype, info):
    from .wan22 import folder_experts as folder
    return folder(diffusers, index, path, fam, experts, torch_dtype, info)


def ready_for_last_image(ctx, pipe) -> None:
    """Its image-to-video pipeline readied for a call given a first and a last frame (first_last.py)."""
    from .first_last import one_image_tokens
    one_image_tokens(ctx, pipe)


def decode_ready(pipe, latents, call):
    """WanPipeline's step between its last denoising step and ``vae.decode`` (diffusers 0.42): the latents
    denormalised by the VAE's latents_mean / latents_std (takes/time_tiles.py)."""
    import torch
    vae = pipe.vae
    c = vae.config.z_dim
    mean = torch.tensor(vae.config.latents_mean).view(1, c, 1, 1, 1).to(latents.device, latents.dtype)
    std = 1.0 / torch.tensor(vae.config.latents_std).view(1, c, 1, 1, 1).to(latents.device, latents.dtype)
    return latents / std + mean, None


VAE = "AutoencoderKLWan"  # Wan's VAE, shared by the families built on Wan (their VAE tiling is declared here)


def _ati_applied(ctx, pipe, tracks, out_size, n_frames, temperature, topk):
    """ATI's guidance (ati.py) with what it set aside said on the node."""
    from .tracks import ati
    from .tracks.move import TEMPORAL
    got = ati.ati_tracks(tracks.points, tracks.visible, (tracks.width, tracks.height), out_size, n_frames)
    n = got.pos.shape[1]
    ctx.info(f"ATI: {n} track{'s' if n != 1 else ''} splat the start image's latent features over "
             f"{(len(got.pos) - 1) // TEMPORAL + 1} latent frames (temperature {temperature:g}, top {topk})")
    if got.no_start:
        ctx.info(f"{got.no_start} track(s) not visible in the first frame carry nothing")
    if got.past_end:
        ctx.info(f"the tracks end {tracks.n_frames} frames in: the last {got.past_end} frame(s) of the "
                 f"{n_frames}-frame take follow no track")
    if got.not_numbers:
        ctx.info(f"{got.not_numbers} track position(s) that are not numbers were taken as hidden")
    if got.outside:
        ctx.info(f"{got.outside} track position(s) outside the frame weigh only the cells near its edge (as ATI's "
                 "reference)")
    return ati.ati_applied(pipe, got, temperature, topk)


def _nag(pipe, call, negative, scale, tau, alpha):
    """Normalized Attention Guidance on its cross-attention for one call (nag.py)."""
    from .nag import nag_installed
    return nag_installed(pipe, call, negative, scale, tau, alpha)


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = Wan(
    "wan", "Wan", ("WanPipeline", "WanImageToVideoPipeline", "WanVideoToVideoPipeline", "WanVACEPipeline",
                   "WanAnimatePipeline"),
    i2v="WanImageToVideoPipeline", t2v="WanPipeline", v2v="WanVideoToVideoPipeline",
    vace="WanVACEPipeline", animate="WanAnimatePipeline", frames=33, frame_multiple=(4, 1), size_multiple=16,
    fps=16.0, scale_attr="latents_std", key_rank=4, recogniser=recognise.recognise,
    task_kinds_by_inputs=("first_last", "trajectories", "camera"),
    not_built=(("AnyFlow (AnyFlowPipeline) and AnyFlow FAR (AnyFlowFARPipeline)", "NVIDIA's few-step flow-map Wan 2.1 "
                "models have a transformer class and a scheduler of their own (AnyFlowTransformer3DModel, "
                "FlowMapEulerDiscreteScheduler) and FAR continues a clip frame-block by frame-block: not built yet; "
                "a few-step Wan is Studio's with a distill LoRA"),
               modular_forms(("WanModularPipeline", "WanImage2VideoModularPipeline", "Wan22ModularPipeline",
                              "Wan22Image2VideoModularPipeline", "Wan22VaceModularPipeline"),
                             "WanPipeline, WanImageToVideoPipeline and WanVACEPipeline")),
    # HuMo 17B: humo/
    layouts=("diffusers", "original (Wan-Video, ComfyUI)"),
    part_titles=(("UMT5-XXL", "UMT5-XXL (Wan)"), ("CLIP ViT-H/14", "CLIP ViT-H/14 (Wan 2.1 I2V, FLF2V)")),
    key_patterns=(("condition_embedder.", "blocks."), ("text_embedding.", "time_projection.", "blocks.")),
    has=(SingleFile(own_modules=OWN_MODULES, own_names=own_in),
         TwoExperts(check_experts, folder_experts), ContextWindows("BCTHW", schedule_in_one_take=True),
         Drafts(drafts.RECIPES), LoraNames("Wan", recognise.lora_names, lora_names.ORIGINAL),
         PartReader(_parts),
         PromptRecipe(("WanPipeline", "WanImageToVideoPipeline", "WanVideoToVideoPipeline", "WanVACEPipeline",
                       "WanAnimatePipeline"), PLAIN),
         PromptWeights(("WanPipeline", "WanImageToVideoPipeline", "WanVideoToVideoPipeline", "WanVACEPipeline",
                        "WanAnimatePipeline", "HumoPipeline", "DancerPipeline")),  # (those two: WanPipeline's encoding)
         ResumeKeeps(tuple((name, 0) for name in ("WanPipeline", "WanImageToVideoPipeline", "WanVideoToVideoPipeline",
                                                  "WanVACEPipeline"))),
         VaeTiles(VAE, FRAME_CACHE), TimeTiles(VAE, decode_ready, vae_dtype=True), PreviewLayout(),
         LoraTraining(("to_q", "to_k", "to_v", "to_out.0"), "flow_matching", comfyui=lora_names.wan_native_keys),
         Tracks(tracks_applied), AttentionGuidance(_nag), FirstLast(ready_for_last_image), memory_counts.COUNTS,
         MotionReference(_time_to_move),  # Time-to-Move (ttm.py)
         ConditionAmplitude(_amplitude),  # PainterI2V's motion amplitude (amplitude.py)
         AnchorMotion(_svi),  # SVI 2.0 Pro's anchor and motion latents (svi_pro.py)
         MiddleFrame(_middle),  # the Wan22FMLF pack's middle picture, a strength per expert (middle_frame.py)
         GuidanceSteps(_guidance_steps),  # guidance on the first steps only (guidance_steps.py)
         CallReady(_zero_condition),  # text to video on an image-to-video model: a zero condition (zero_condition.py)
         # its own nodes: fun/camera.py, fun/fun.py, HuMo 17B's humo/
         OwnNodes(makers=(Maker("camera", "video_models.wan_fun_camera", ("camera", "image", "prompt")),
                          Maker("fun_control", "video_models.wan_fun_control", ("control", "image", "prompt")),
                          Maker("audio", "video_models.wan_humo", ("features", "reference", "prompt")),
                          # FlowEdit: a clip edited from a source prompt toward a target (flowedit/node.py)
                          Maker("edit", "video_models.wan_flow_edit", ("video", "prompt", "source_prompt")),
                          # subjects from pictures: Wan VACE's references (the generic maker, kept) and Phantom-Wan's
                          # own node (phantom/node.py: a Wan 2.1 T2V fine-tune, weights as T2V's)
                          GENERIC["reference"],
                          Maker("reference", "video_models.phantom",
                                ("reference", "reference_2", "reference_3", "reference_4", "prompt")))),
         # image to video encodes a whole window from the still (the still and blank frames after it, as long to
         # encode as 0.6 of the window's decode); VACE its video twice a window, x (1 - mask) and x mask (a blank
         # video, a full mask where none is wired: pipeline_wan_vace.prepare_video_latents)
         Cost(encodes=(("i2v", 1.0), ("vace", 2.0)))),
    # (said by takes/keyframes_at.py's refusal as what Wan does instead of keyframes at any frame)
    lacks={Conditions: "Wan Image to Video takes a first frame ('image') and a last one ('last_image': first-last "
                       "frame); for frames kept at any position use the Wan VACE node with a Wan VACE model",
           Modular: NOT_MODULAR},
    variants=(
        ("Wan 2.2 Animate 14B", lambda idx, cfg: is_animate(idx, cfg) and config_width(cfg) == 5120),
        ("Wan 2.2 Animate", lambda idx, cfg: is_animate(idx, cfg)),
        ("Wan 2.2 A14B (two experts)", lambda idx, cfg: bool(idx.get("transformer_2") and idx["transformer_2"][0])),
        ("Wan 2.2 TI2V-5B", lambda idx, cfg: bool(idx.get("expand_timesteps")) or config_width(cfg) == 3072),
        ("Wan 2.1 Fun Control", lambda idx, cfg: bool(cfg.get("image_dim"))
         and cfg.get("in_channels") == 3 * cfg.get("out_channels", 16)),
        ("Wan 2.1 Fun Camera", lambda idx, cfg: bool(cfg.get("image_dim"))
         and cfg.get("in_channels") == 2 * cfg.get("out_channels", 16)),
        ("Wan 2.1 14B", lambda idx, cfg: config_width(cfg) == 5120),
        ("Wan 2.1 1.3B", lambda idx, cfg: config_width(cfg) == 1536),
    ))
