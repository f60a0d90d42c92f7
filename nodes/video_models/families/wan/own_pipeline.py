"""What a family built on Wan's files with a node and a pipeline of its own (Wan 2.2 S2V, SCAIL-2: families
of their own by the wing rule, docs/architecture.md) is: its file formats and what it lacks of the capabilities
and why: one declaration for them. Its node's call is made by the one Sampler (its take window by window:
own_take.py)."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows,
                                  Drafts, FirstLast, LoraNames, LoraTraining, Modular, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family


class OwnWanFamily(Family):
    """Such a family: no diffusers folder exists for it, ComfyUI's (or the release's) denoiser file with Wan's part
    files (``PARTS``, in words) is read."""
    PARTS = "UMT5-XXL text encoder, Wan 2.1 VAE"

    def formats(self) -> list[str]:
        return ["single denoiser file (.safetensors bf16/fp16/fp32, ComfyUI's scaled fp8), original layout",
                f"ComfyUI part files ({self.PARTS})"]


def on_wan_denoiser(name: str, mixin: type, init):
    """A denoiser class ``name``: ``mixin``'s methods on diffusers' WanTransformer3DModel, ``init`` registered as its
    config (diffusers imported here, when first made)."""
    from diffusers.configuration_utils import register_to_config
    from diffusers.models.transformers.transformer_wan import WanTransformer3DModel
    return type(name, (mixin, WanTransformer3DModel),
                {"__init__": register_to_config(init), "__module__": mixin.__module__, "__doc__": mixin.__doc__,
                 "_no_split_modules": ["WanTransformerBlock"]})


def wan_init(model, given: dict) -> None:
    """diffusers' WanTransformer3DModel.__init__ run on ``model`` with the values of ``given`` (a variant's
    ``__init__`` locals, read before it makes any of its own) that it takes by name: the variant's own ones (its
    modules' sizes) left out. One call for the variants' ``__init__`` (S2V, SCAIL, SteadyDancer, ReCamMaster)."""
    import inspect

    from diffusers.models.transformers.transformer_wan import WanTransformer3DModel
    takes = inspect.signature(WanTransformer3DModel.__init__).parameters
    WanTransformer3DModel.__init__(model, **{k: v for k, v in given.items() if k in takes and k != "self"})


def video_out(model, x, temb, grid: tuple[int, int, int], return_dict: bool):
    """Wan's output head on a denoiser's video tokens ``x`` [B, f x hp x wp, D] (``grid``: f, hp, wp, in patches):
    the final norm shifted and scaled by the timestep's table, proj_out, the patches unfolded back to latents
    [B, C, F, H, W]; a Transformer2DModelOutput unless ``return_dict`` is False (diffusers' WanTransformer3DModel
    forward's tail, shared by the variants whose forward is their own: SCAIL-2, SteadyDancer)."""
    f, hp, wp = grid
    p_t, p_h, p_w = model.config.patch_size
    shift, scale = (model.scale_shift_table.to(temb.device) + temb.unsqueeze(1)).chunk(2, dim=1)
    x = (model.norm_out(x.float()) * (1 + scale.to(x.device)) + shift.to(x.device)).type_as(x)
    x = model.proj_out(x).reshape(x.shape[0], f, hp, wp, p_t, p_h, p_w, -1)
    out = x.permute(0, 7, 1, 4, 2, 5, 3, 6).flatten(6, 7).flatten(4, 5).flatten(2, 3)
    if not return_dict:
        return (out,)
    from diffusers.models.modeling_outputs import Transformer2DModelOutput
    return Transformer2DModelOutput(sample=out)


def lazy_denoiser(module: str, name: str, mixin, init):
    """A module's ``__getattr__`` giving its denoiser class ``name`` (:func:`on_wan_denoiser` of ``mixin()`` and
    ``init``), made when first asked for and once: diffusers is imported when the model is read, not when Studio
    finds its nodes."""
    made: dict = {}

    def get(attr: str):
        if attr != name:
            raise AttributeError(f"module {module!r} has no attribute {attr!r}")
        if name not in made:
            made[name] = on_wan_denoiser(name, mixin(), init)
        return made[name]
    return get


def _one_denoiser(title: str, path: str, files: dict[str, str], second: str | None, parts: tuple, sep: str,
                  named: str) -> None:
    from ...base.errors import ModelError
    from ...files.parts import PART_TITLES
    if second:
        raise ModelError(f"'{second}' was given as a second expert, but {title} has one denoiser")
    missing = [PART_TITLES[c] for c in parts if c not in files]
    if missing:
        raise ModelError(f"'{path}' is a single {title} denoiser: set the {sep.join(missing)} file"
                         f"{'s' if len(missing) > 1 else ''} ({named}, as ComfyUI's loaders take them)")


def one_i2v_denoiser(title: str, path: str, files: dict[str, str], second: str | None) -> None:
    """The files a family whose denoiser is Wan 2.1 I2V's with modules of its own (SCAIL-2, SteadyDancer) is built
    from, refused in words before anything is read: one denoiser (no second expert), and Wan's text encoder, VAE and
    CLIP vision given as ComfyUI's loaders take them."""
    _one_denoiser(title, path, files, second, ("text_encoder", "vae", "image_encoder"), ", the ",
                  "umt5_xxl, wan_2.1_vae and clip_vision_h")


def one_t2v_denoiser(title: str, path: str, files: dict[str, str], second: str | None) -> None:
    """The same for a family whose denoiser reads no CLIP vision (Wan S2V, ReCamMaster): one denoiser, and Wan's text
    encoder and VAE."""
    _one_denoiser(title, path, files, second, ("text_encoder", "vae"), " and the ", "umt5_xxl and wan_2.1_vae")


def _i2v_init(self, tokenizer, text_encoder, vae, scheduler, transformer, image_encoder=None, image_processor=None):
    from diffusers import DiffusionPipeline
    DiffusionPipeline.__init__(self)
    self.register_modules(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                          transformer=transformer, image_encoder=image_encoder, image_processor=image_processor)


def i2v_pipeline_class(name: str, sampling: type, module: str) -> type:
    """A pipeline class ``name`` for a family whose denoiser is Wan 2.1 I2V's with modules of its own (SCAIL-2,
    SteadyDancer): its ``sampling`` mixin's methods on diffusers' DiffusionPipeline, its prompts encoded by
    WanPipeline's encode_prompt and its images by WanImageToVideoPipeline's encode_image; Wan's LoRAs loaded by
    diffusers' WanLoraLoaderMixin onto its Wan blocks (UMT5, AutoencoderKLWan, CLIP vision: Wan's components)."""
    from diffusers import DiffusionPipeline, WanImageToVideoPipeline, WanPipeline
    from diffusers.loaders import WanLoraLoaderMixin
    return type(name, (sampling, DiffusionPipeline, WanLoraLoaderMixin),
                {"__init__": _i2v_init, "__module__": module, "__doc__": sampling.__doc__,
                 "model_cpu_offload_seq": "text_encoder->image_encoder->transformer->vae",
                 "_callback_tensor_inputs": ["latents"], "_optional_components": ["image_encoder", "image_processor"],
                 "encode_prompt": WanPipeline.encode_prompt,
                 "_get_t5_prompt_embeds": vars(WanPipeline)["_get_t5_prompt_embeds"],
                 "encode_image": WanImageToVideoPipeline.encode_image})


def t2v_pipeline_class(name: str, sampling: type, module: str) -> type:
    """A pipeline class ``name`` for a variant sampling a Wan text-to-video model's own components with a call of its
    own (Pusa, Phantom): its ``sampling`` mixin's methods on diffusers' WanPipeline (its components, its
    encode_prompt, its LoRA loading), diffusers imported here, when first made."""
    from diffusers import WanPipeline
    return type(name, (sampling, WanPipeline), {"__module__": module, "__doc__": sampling.__doc__})


def prompt_states(pipe, prompt, negative_prompt, do_cfg: bool, prompt_embeds, negative_prompt_embeds,
                  max_sequence_length: int, device, dtype):
    """(the prompt's states, the negative prompt's or None) by the pipeline's WanPipeline encode_prompt, in the
    denoiser's ``dtype``; the negative encoded only with ``do_cfg``."""
    cond, uncond = pipe.encode_prompt(prompt, negative_prompt, do_classifier_free_guidance=do_cfg,
                                      prompt_embeds=prompt_embeds, negative_prompt_embeds=negative_prompt_embeds,
                                      max_sequence_length=max_sequence_length, device=device)
    return cond.to(dtype), (uncond.to(dtype) if uncond is not None else None)


def check_wan_parts(fam, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict:
    """Wan's own check of the text-encoder, VAE and CLIP-vision files against a Wan variant's denoiser (SteadyDancer's,
    SCAIL-2's, S2V's: the reader protocol's check_parts, ``fam`` the variant's), read with Wan's family."""
    from . import parts as wan_parts
    from .family import FAMILY as WAN
    return wan_parts.check_parts(WAN, den_cfg, den_path, files, diffusers)


def assembled(cls, comps: dict, parts: dict, torch_dtype, info, denoiser: str):
    """Its pipeline ``cls`` made of ``comps`` and the part files ``parts`` (each loaded, said), with the
    model_index-like record naming its ``denoiser`` class: (pipeline, index)."""
    from ...files.parts import PART_TITLES, load_part
    for c, part in parts.items():
        comps[c] = load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words}")
    return cls(**comps), {"_class_name": cls.__name__, "transformer": ["studio", denoiser]}


def own_pipeline_lacks(node: str) -> dict:
    """The capabilities such a family lacks -> why; ``node``: its node in words ('the SCAIL-2 Character node')."""
    return {SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS,
            LoraNames: NO_LORA_NAMES,
            PromptRecipe: "its node encodes the prompt inside its own pipeline's call (pipeline.py, with WanPipeline's "
                          "encode_prompt): the prompt-embedding cache is not asked",
            ResumeKeeps: "its own pipeline's decode: the lighter retry only",
            VaeTiles: "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it",
            TimeTiles: f"{node} decodes with Wan's VAE itself (pipeline.py), not through a diffusers pipeline",
            LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
            Modular: NOT_MODULAR}
