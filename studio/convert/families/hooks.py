"""The hook points of a family's ComfyUI mapping (api.ComfyMapping.hooks): what one family alone reads of a
workflow, declared in its own folder as readers of its own node types or as callables the converter asks at
fixed stages, so that a family's special reading costs no field of the mapping every family shares.

Each hook point is named here once, with the shape a family gives it and how the converter gathers the
families' hooks: ``by_type`` (a node type -> its reader or value, every family's merged), ``types`` (a tuple
of node types, or of items naming them, every family's joined), ``each`` (each family's hook that is set, in
the mappings' order: the converter asks them all) or ``own`` (asked of the family of the pipeline being made
only). ``declares``: the node types it names are the family's own (families.node_types: two families
may not both declare one, and a declared node is read, never listed as 'not converted').

A new hook point is one entry here and the converter's call at its stage; a family using one names it in
its mapping's ``hooks`` (a name not here is refused when the mapping is registered). Stdlib only, as
families.registry, which reads it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HookPoint:
    gather: str  # 'by_type', 'types', 'each' or 'own' (above)
    default: Any  # what the converter reads of a family that does not declare it
    declares: bool = False  # its node types are the family's own
    what: str = ""  # the hook's shape and the stage it is asked at, in words


HOOKS: dict[str, HookPoint] = {
    # -- readers of a family's own node types --
    "way_steps": HookPoint("by_type", {}, True, "node type -> (b, node, (source, port), said) -> (node, port): a "
                           "pack's step on a utility's way Studio makes (SeedVR2's upscale before an interpolation)"),
    "centre_cropped": HookPoint("by_type", {}, False, "task node type -> its picture ports it puts in cut to the take's "
                                "aspect about the middle, then scaled (ComfyUI's common_upscale 'bilinear', 'center'): Image "
                                "to Video's image_fit set to 'crop' (mapping/picture_fit.py)"),
    "latent_steps": HookPoint("by_type", {}, True, "node type -> (b, node, generator, inputs, said) -> the "
                              "generator: a node on the latent's way up from the sampler (LTX-2's guides)"),
    "track_drawers": HookPoint("by_type", {}, False, "a pack's node drawing tracks from wired coordinates, whose "
                               "drawing its declaration does not say -> Track Shapes' shape ('age trail': LTX's "
                               "LTXVDrawTracks; mapping/drawn_tracks.py)"),
    "track_editors": HookPoint("by_type", {}, False, "a pack's track editor declaring no sampling settings, which "
                               "samples its points again when it runs -> (Spline Tracks' sampling, interpolation) "
                               "(LTX's sparse track editor; mapping/track_editors.py)"),
    "file_loaders": HookPoint("by_type", {}, True, "loader type -> (its file input, the part in words): a "
                              "loader of a part file of its own, as ComfyUI's (LTX-2's audio VAE loader)"),
    "second_files": HookPoint("by_type", {}, False, "a part file loader of 'file_loaders' -> (its setting naming "
                              "a second file, Load Video Model's parameter for it, that file's part in words): the "
                              "file ComfyUI reads another part from (LTX-2's text projection beside Gemma)"),
    "schedulers": HookPoint("by_type", {}, True, "sampler scheduler type -> its own settings (said, not taken), "
                            "read where BasicScheduler is (LTX-2's LTXVScheduler)"),
    "steps": HookPoint("by_type", {}, True, "a pack's preprocessing step between a file and an input -> what "
                       "Studio's nodes make of it: 'pose' (its pose nodes and Draw Pose) or 'face' (its pose "
                       "nodes and Face Crops); a pose step absorbs the face step before it (Wan Animate's)"),
    "pass_values": HookPoint("by_type", {}, True, "a node passing values on as given -> the inputs given as its "
                             "outputs 1, 2... (Wan's)"),
    "values": HookPoint("by_type", {}, True, "a value node of its pack -> (value: input name -> its value, the node, "
                        "output slot) -> the value that output gives, or None (LTX's calculators)"),
    "grains": HookPoint("by_type", {}, True, "a pack's film-grain node -> (its intensity setting, its saturation "
                        "setting): Studio's Grain made of them (finishing.grain; LTX-2's LTXVFilmGrain)"),
    # -- ComfyUI's declarations of its family's nodes, read by the server and the converter (declaring nothing read) --
    "comfy_ranges": HookPoint("by_type", {}, False, "a ComfyUI node type of its family -> {input: the min, max, "
                              "step (round) ComfyUI declares}, where the catalogue lacks them or has older: what "
                              "/object_info serves and /prompt checks (serve/api/comfy_ranges.py; Wan's nodes)"),
    "comfy_declared": HookPoint("by_type", {}, False, "a ComfyUI node type of its family -> (inputs, outputs, "
                                "category, optional inputs) as ComfyUI declares them, listed by /object_info and "
                                "checked by /prompt by hand (serve/api/core_declared.py; HunyuanVideo's empty latent)"),
    "context_windows": HookPoint("by_type", {}, False, "a ComfyUI node type setting the model's context windows as "
                                 "ContextWindowsManual does, with its settings -> the unit its lengths are in ('' "
                                 "latents): said, not applied, on a refine's model (takes.refine_said; Wan's)"),
    "load_formats": HookPoint("by_type", {}, False, "a VideoHelperSuite load format named for its family -> (dim, "
                              "frames or None[, True: the page's default format]) (reading.loader_size; 'Wan')"),
    "blending_packs": HookPoint("types", (), False, "packs (the catalogue's names) whose prompt schedules blend the "
                                "prompts between keyframes frame by frame (mapping.prompt_schedules; AnimateDiff's)"),
    "model_patches": HookPoint("by_type", {}, True, "a model patch its generator applies itself -> (workflow, node) "
                               "-> the sentence saying so, or (that sentence, {generator setting: value} the patch "
                               "gives: read into the generator's settings), read where the patch is on the sampler's "
                               "model way (Stable Video Diffusion's VideoLinearCFGGuidance: its 'min_guidance')"),
    "lora_loaders": HookPoint("types", (), True, "a pack's LoRA loaders read as ComfyUI's LoraLoaderModelOnly "
                              "(their lora_name and strength_model) (LTX-2's IC-LoRA loader)"),
    "model_tasks": HookPoint("types", (), False, "its task node types whose meaning is its model's own, not told by "
                             "their inputs (Phantom-Wan's references appended as latent frames): never the node a "
                             "pack's variant is read as (reading/variants.py)"),
    "fps_nodes": HookPoint("types", (), True, "nodes whose 'frame_rate' (or 'fps') is the video's (LTX's)"),
    "upscalers": HookPoint("types", (), True, "its latent upscalers (x2 each), where no later stage of its "
                           "reads them (LTX-2's)"),
    "text_loaders": HookPoint("types", (), False, "its own text-encoder loader types: Load Video Model reads "
                              "their files (a family naming some is among those whose separate files are read)"),
    "roles": HookPoint("types", (), False, "(node types, words): a loader whose every consumer is one of the "
                       "node types has the words said instead of its file set (words: '{value}' formatted, or a "
                       "callable of the file's name: LTX-2's audio VAE)"),
    # -- callables and values asked at fixed stages --
    "decoded_scale": HookPoint("each", None, False, "(wf, the sampler's latent maker, the decode) -> the factor "
                               "its decode gives each side of the size the latent was asked at, None where it says "
                               "nothing (Wan 2.2 TI2V 5B's 16-pixel VAE on an eighth-size empty latent: x2)"),
    "whole": HookPoint("each", None, False, "(b, an output node) -> made: a whole output it converts itself "
                       "before the pipelines (SeedVR2's upscale)"),
    "prompt": HookPoint("each", None, False, "(b, the prompt's node, the prompt read, said) -> the positive "
                        "prompt, after the generic reading: one made by a node of its (LTX-2's enhancer)"),
    "tracks": HookPoint("each", None, False, "(the generator's settings) -> its tracks in words, in the task "
                        "said ('ATI'...: Wan's; the first family's is taken)"),
    "sampler_refused": HookPoint("each", None, False, "(the family's key, its generator's Studio node type, the "
                                 "generator's 'sampler') -> why the pipeline that generator runs cannot run that "
                                 "sampler, in words, or None: the generator given its default instead, said "
                                 "(mapping/sampler_taken.py; nodes/video_models/base/comfy_samplers.py, every family)"),
    "twin_settings": HookPoint("each", None, False, "(wf, a pack's node read as the ComfyUI node it is a twin of, "
                               "a setting of its own that node lacks, its value) -> the sentence of what that setting "
                               "is to the family's generator the node's output reaches (AnimateDiff: a checkpoint "
                               "loader's beta_schedule, the betas it samples with), or None: the twin's 'not applied' "
                               "stays (packs/twin_family_settings.py; heldout118 04)"),
    "experts": HookPoint("each", "", False, "its model of two experts, named where Load Video Model takes one "
                         "of two model loaders' files (the family's own first, else the first family's: Wan)"),
    "file_names_version": HookPoint("own", False, False, "True: its model file names the version more closely "
                                    "than its nodes (Wan 2.1, 2.2)"),
    "keeps_sound": HookPoint("own", (), False, "the generic generators (Studio type ids) whose clip carries the sound "
                             "its model makes beside the video (Studio's family declares it: MiniMax H3's Modular "
                             "keeps_sound), as a Generator's keeps_sound: Save Video writes it (takes/sound.py)"),
    "zero_frames": HookPoint("own", None, False, "(the generator's params, the inputs wired to it) -> the words for "
                             "what its 'frames' 0 makes where that is not its own default length (LTX-2 with 'sound: "
                             "drive': the sound's length), None else: said where the workflow's length is not read "
                             "(mapping/folded_sizes.zero_frames_said)"),
    "load_files": HookPoint("own", None, False, "(b, upstream nodes, model loaders, the Load node, its settings, "
                            "said): Load Video Model's files set from the workflow's loaders, in place of the "
                            "generic reading (AnimateDiff's motion module on its SD 1.5 checkpoint)"),
    "part_forms": HookPoint("own", None, False, "a part in words ('text encoder', 'VAE') -> the file endings the family "
                            "reads that part from: a part file of another form said where its files are (MiniMax H3's "
                            "Qwen3-VL and VAEs, .safetensors only; mapping/unread_formats.part_said)"),
    "folder_files": HookPoint("own", None, False, "(b, upstream nodes, the Load node, its settings): a family read "
                              "from a diffusers folder (folder_only) sets the part files Load Video Model takes, "
                              "after its files are said (MiniMax H3's video VAE and Qwen3-VL file); returns what of "
                              "their loaders it does not apply, said"),
    "params": HookPoint("own", None, False, "(family title, params, said): its last word on the generator's "
                        "settings read from the sampler, before the task node's (MiniMax H3's shortest clip)"),
    "sampler_params": HookPoint("own", None, False, "(b, sampler node, params, said): its word on the generator's "
                                "settings read from that sampler, after 'params' (Stable Video Diffusion's guidance "
                                "over the frames, told apart for a pack's one-node maker's sampler)"),
    "task_loras": HookPoint("own", None, False, "(b, generator type id, LoRAs on the model, said) -> the LoRAs "
                            "its generator loads as LoRAs: its word on a file a LoRA loader gives that is not a LoRA "
                            "for that generator, after the task node's own settings (Wan: Stand-In's file where "
                            "Stand-In is not made, comfy_wrapper_standin.loose_standin)"),
    "restyle_stage": HookPoint("own", None, False, "(stage, video): its later stage after a Video to Video of its "
                               "family, read and made as its own generator's Generator.stage and Generator.video are "
                               "(LTX-2's latent upsampler and refining pass after a restyle of a clip)"),
    "first_frame": HookPoint("own", None, False, "(its node type putting a picture as a latent's first frame, (its "
                             "picture, VAE and latent inputs), {its settings}): made where a pack's sampler is given "
                             "a guide picture its source says is the first frame (packs/custom_samplers; LTX-2's "
                             "LTXVImgToVideoInplace at strength 1)"),
    "latent_stride": HookPoint("own", None, False, "the pixel frames a latent frame of ComfyUI's latents of the "
                               "family holds after the first (its VAE's time stride: Wan's 4, LTX-2's 8): a length "
                               "not stride * k + 1 is made as that latent holds it, rounded down, said "
                               "(mapping/latent_frames)"),
    "comfy_shift": HookPoint("own", None, False, "the shift ComfyUI's model config samples its models at where no "
                             "node on the model's way sets one (Wan's 8): the generator's, said (mapping/comfy_shift)"),
    "schedule_shifts": HookPoint("own", (), False, "the shifts the family's generator always samples at, its "
                                 "schedulers' (MiniMax H3's video 12, audio 3): a patch whose settings are shifts of "
                                 "those values alone is said as sampled at already (mapping/own_shifts.py)"),
    "checkpoint_parts": HookPoint("own", (), False, "the parts ('text_encoder', 'vae') Load Video Model reads from "
                                  "its 'model' file where its own inputs are empty, that file an all-in-one checkpoint "
                                  "(its part reader's CHECKPOINT_PARTS: Wan's text encoder and VAE): said where a "
                                  "checkpoint loader's CLIP feeds the pipeline (mapping/checkpoint_parts.py)"),
    "still": HookPoint("own", False, False, "True: its generator makes a still picture (a one-frame take: Stable "
                       "Diffusion XL's), made first where a video's start image is that still (takes/still_first.py)"),
    "still_names": HookPoint("own", (), False, "the name parts (lower case) of its fine-tunes' whole checkpoints "
                             "whose names name no family ('xl' of an SDXL fine-tune's 'novaAnimeXL'): a whole "
                             "checkpoint's still whose file's name has one, and no other image model's part the "
                             "'still_checkpoint' family lists beside it, is read as this family's, said "
                             "(takes/still_way.py)"),
    "embedded_guidance": HookPoint("own", None, False, "the embedded guidance its guidance-distilled model runs at "
                                   "where no FluxGuidance sets one (FLUX.1 dev's 3.5, ComfyUI's): its generator's "
                                   "guidance is that embedded one, never a sampler's cfg, which is said not taken "
                                   "(mapping/settings)"),
    "guidance_rescale": HookPoint("own", None, False, "its generator's setting a guider's rescale (api.Guider's "
                                  "'rescale': the STG guider's) is read into (LTX-2's 'guidance_rescale', its "
                                  "pipeline's own 0.7 by default); None: the rescale said not taken (mapping/settings)"),
    "true_cfg": HookPoint("own", None, False, "the true CFG its pipeline guides by wherever a negative prompt is "
                          "given, beside its embedded guidance (SkyReels V1's 6: diffusers' true_cfg_scale default): a "
                          "sampler's other cfg said not taken, and no negative prompt given where the sampler runs "
                          "without classifier-free guidance (mapping/embedded_guidance)"),
    "still_first_only": HookPoint("own", False, False, "True: its still is made only first, for a video Studio reads "
                                  "(FLUX.1's): an output saving it otherwise is held, said (tracing/stills.py)"),
    "one_frame_restyle": HookPoint("own", False, False, "True: its Video to Video restyles a clip of one frame as "
                                   "its pipeline makes one (HunyuanVideo's): a picture encoded and re-made part way "
                                   "is read as Video to Video of that picture (mapping/one_frame.py)"),
    "own_spacing": HookPoint("own", None, False, "the ComfyUI scheduler whose sigma spacing its generator's own "
                             "scheduler uses (Stable Video Diffusion's Euler with Karras sigmas: 'karras'): a sampler "
                             "asking it is said to get it (mapping/settings)"),
    "own_samplers": HookPoint("own", {}, False, "ComfyUI sampler name (its start) -> (the generator's 'sampler' "
                              "choice making it on a family sampling with its own, non-flow scheduler, that sampler in "
                              "words, {ComfyUI scheduler: words where its spacing is that sampler's own}) (AnimateDiff's "
                              "'lcm': LCMScheduler on its betas; mapping/settings, mapping/sampler_taken)"),
    "image_crop": HookPoint("own", {}, False, "family title -> how that model's image encoder processor makes the "
                            "encoder's square of a picture: 'center' (the released image processor's do_center_crop, "
                            "its middle square: Wan 2.1's I2V, Stable Video Diffusion's; 'center, base': the image processor of the "
                            "model's 'base' folder, HunyuanVideo I2V's Llava): a CLIPVisionEncode's crop "
                            "'none' (ComfyUI squashing the whole picture) is said not taken (mapping/image_crop.py)"),
    "own_scheduler": HookPoint("own", None, False, "the scheduler its generator samples with, in words, where the "
                               "family has no model folder whose scheduler it uses (SD 1.5's, read from ComfyUI's "
                               "checkpoint alone): said where the generator's sampler is 'auto' (mapping/settings)"),
    "lora_text": HookPoint("own", False, False, "True: its pipeline puts a LoRA's text-encoder keys on its text "
                           "encoder at the LoRA's one strength (diffusers' Stable Diffusion pipelines): a LoraLoader's "
                           "text-encoder strength equal to its model's is applied (mapping/lora_text.py)"),
    "embeddings": HookPoint("own", False, False, "True: its generators load ComfyUI's 'embedding:NAME' in a prompt "
                            "(a CLIP textual inversion, safetensors only) from a models folder's embeddings/; "
                            "elsewhere the words are said read as text (mapping/prompt_embeddings.py)"),
    "prompt_weights": HookPoint("own", "", False, "'weighs': its generators apply ComfyUI's prompt weights "
                                "'(word:1.3)' to the prompt's token embeddings; 'literal': ComfyUI's text encoder for "
                                "it reads none (the syntax is text there and in Studio); elsewhere a prompt's weights "
                                "are said not applied (mapping/prompt_weights.py)"),
    "still_checkpoint": HookPoint("own", (), False, "the name parts (lower case) of other image models' checkpoints: "
                                  "given, this family is the one a whole checkpoint's still is read as where its file's "
                                  "name names no family and none of those parts (a loader declaring MODEL, CLIP and "
                                  "VAE: Stable Diffusion 1.5's; takes/still_first.py says so)"),
}


def hook(mapping: Any, name: str) -> Any:
    """One family's hook ``name`` (its point's default where the family declares none)."""
    return mapping.hooks.get(name, HOOKS[name].default)


def unknown(mapping: Any) -> list[str]:
    """The hook names a mapping gives that are no hook point."""
    return sorted(set(mapping.hooks) - set(HOOKS))


def gathered(mappings: list[Any]) -> dict[str, Any]:
    """Every gathered hook point's hooks of ``mappings``: its name -> the merged table, joined tuple, or
    each family's hook that is set ('own' points are asked of one mapping: :func:`hook`)."""
    out = {}
    for name, point in HOOKS.items():
        if point.gather == "by_type":
            out[name] = {cls: f for m in mappings for cls, f in hook(m, name).items()}
        elif point.gather == "types":
            out[name] = tuple(c for m in mappings for c in hook(m, name))
        elif point.gather == "each":
            out[name] = tuple(h for m in mappings if (h := hook(m, name)))
    return out


def declared(mapping: Any) -> set[str]:
    """The node types a mapping's hooks declare as its own."""
    return {cls for name, point in HOOKS.items() if point.declares for cls in hook(mapping, name)}
