"""HunyuanVideo: text and image to video, and video to video through its text-to-video pipeline (a clip's latents
noised to the schedule's tail cut at the strength: v2v.py)."""
from __future__ import annotations

from ...base.capabilities import Cost, RestyleCall
from ...base.capabilities import (BLENDED, NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_TRACKS,
                                  NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, Each, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from . import recognise


def split_13b(cls_name: str, state: dict) -> dict:
    """The 13B's single blocks split by the file's width (diffusers' converter assumes the 13B's): a safetensors
    file's before Studio converts it, a GGUF file's before diffusers' GGUF loader does (the 'gguf' step)."""
    from . import layouts as hunyuan_layouts
    return hunyuan_layouts.prepare(state) if cls_name == hunyuan_layouts.CLASS else state


class HunyuanVideo(Family):
    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        """Video to Video from an image-to-video folder refused in words: its transformer reads the still's latents
        beside the noise (more channels in than the VAE's latents), which the text-to-video pipeline v2v.py runs
        does not give."""
        den, vae = components.get("transformer"), components.get("vae")
        ins = getattr(getattr(den, "config", None), "in_channels", None)
        lat = getattr(getattr(vae, "config", None), "latent_channels", None)
        if task == "v2v" and ins is not None and lat is not None and ins != lat:
            from ...base.errors import ModelError
            raise ModelError(f"'{path}' is HunyuanVideo's image-to-video model (its transformer reads {ins} channels, "
                             f"the still's latents beside the noise): its video to video needs the text-to-video "
                             "model")

    def pipeline_call(self, pipe, call: dict) -> dict:
        """Video to Video's clip and strength given to the text-to-video pipeline as the clip's noised latents and
        the schedule's tail (v2v.py); every other call as given."""
        from . import v2v
        return v2v.v2v_call(pipe, call) if v2v.is_v2v_call(pipe, call) else call


VAE_TILES = VaeTiles("AutoencoderKLHunyuanVideo", BLENDED, "first")  # Kandinsky 5's VAE too

FAMILY = HunyuanVideo(
    "hunyuan", "HunyuanVideo", ("HunyuanVideoPipeline", "HunyuanVideoImageToVideoPipeline"),
    i2v="HunyuanVideoImageToVideoPipeline", t2v="HunyuanVideoPipeline",
    v2v="HunyuanVideoPipeline",  # the clip's latents noised to the schedule's tail (v2v.py)
    frames=61, frame_multiple=(4, 1), size_multiple=16, fps=24.0, key_rank=3, recogniser=recognise.recognise,
    layouts=("diffusers", "original (Tencent)"),
    # text to video: Llama's templated states, CLIP's pooled output, the Llama mask; the negative encoded only under
    # true CFG (true_cfg_scale above 1 with a negative). Its image to video reads the image in the text encoder.
    # Image to video's 'latent_concat' image: 4 leading frames dropped after decoding
    has=(SingleFile(prepare=split_13b, gguf=split_13b), LoraNames("HunyuanVideo", recognise.lora_names),
         PromptRecipe(("HunyuanVideoPipeline",),
                      each=Each(("prompt_embeds", "pooled_prompt_embeds", "prompt_attention_mask"), dtype=False,
                                length=True, negative="true_cfg")),
         ResumeKeeps((("HunyuanVideoPipeline", 0), ("HunyuanVideoImageToVideoPipeline", 4))), VAE_TILES,
         PreviewLayout(), Cost(layer_keys=("num_layers", "num_single_layers")),  # double- and single-stream blocks
         RestyleCall(args=("strength",))),  # (v2v.py: its strength made the schedule's tail)
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS,
           PartReader: "a HunyuanVideo denoiser file is read with a diffusers folder as 'base' (its Llama, CLIP and "
                       "VAE)",
           TimeTiles: "its pipeline's own decode, copied to the host a tile at a time (no latent preparing written)",
           LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
           Modular: NOT_MODULAR},
    part_titles=(("Llama 3 8B", "Llama 3 8B (HunyuanVideo)"), ("CLIP-L text", "CLIP-L text (HunyuanVideo)")),
    key_patterns=(("double_blocks.", "single_blocks.", "txt_in."),
                  ("context_embedder.token_refiner", "single_transformer_blocks.")))
