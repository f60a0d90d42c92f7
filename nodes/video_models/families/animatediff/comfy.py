"""AnimateDiff's ComfyUI mapping (api.ComfyMapping). ComfyUI has no AnimateDiff nodes of its own: artists make
AnimateDiff with Kosinkadink's ComfyUI-AnimateDiff-Evolved, whose loaders put a motion module on an SD 1.5
checkpoint's model before a core KSampler (Gen2: ADE_LoadAnimateDiffModel -> ADE_ApplyAnimateDiffModel(Simple) ->
ADE_UseEvolvedSampling; Gen1: ADE_AnimateDiffLoaderGen1; the deprecated ADE_AnimateDiffLoaderWithContext and
AnimateDiffLoaderV1). A motion-module loader upstream of a sampler claims the pipeline for this family: text to
video from an empty image latent (its batch the frames), video to video from a clip encoded and denoised part
way, as the generic reading finds them. Its context options become the take's context windows (window, overlap,
looped), denoised window by window at every step as the pack does; the settings Studio has no counterpart for are
said; the variants that make another task (PIA,
AnimateLCM-I2V, CameraCtrl) are held in one sentence. Load Video Model reads the workflow's own files: the motion
module as its model on the SD 1.5 checkpoint as its 'image_model' (parts.py).

The pack's node names, inputs and widget order are read from its declarations (animatediff/nodes*.py at
d8d163c) for their meaning; nothing of it is copied. Plain data."""
from __future__ import annotations

import functools

from studio.convert.api import (ComfyMapping, Generator, Task, adds_noise, batch_latent, is_resize, model_file,
                                node_type, read_sampling, sampler_denoise, scale_params, upstream)

from . import comfy_artventure as artventure
from .comfy_controlnet import NODE as CONTROLNET_NODE, steer
from .comfy_folders import translate as frame_folders
from .comfy_loras import translate as motion_loras
from .comfy_refine import translate as latent_refines
from .comfy_sdxl import sdxl_module, sdxl_said
from .comfy_twin_betas import said as twin_betas
from .schedule import BETAS, LCM, SAME_BETAS, SQUARE_ROOTS, WORDS as SCHEDULER_WORDS

TITLE = "AnimateDiff"
PACK = "ComfyUI-AnimateDiff-Evolved"
# the pack's motion-module loaders: any of them upstream says the pipeline is AnimateDiff's (-> its file input)
MOTION_LOADERS = {"ADE_LoadAnimateDiffModel": "model_name", "ADE_AnimateDiffLoaderGen1": "model_name",
                  "ADE_AnimateDiffLoaderWithContext": "model_name", "AnimateDiffLoaderV1": "model_name",
                  "ADE_AnimateDiffLoaderV1Advanced": "model_name",
                  "ADE_LoadAnimateDiffModelWithCameraCtrl": "model_name", "ADE_LoadAnimateLCMI2VModel": "model_name",
                  "ADE_InjectI2VIntoAnimateDiffModel": "model_name", "ADE_InjectPIAIntoAnimateDiffModel": "model_name",
                  artventure.LOADER: "model_name"}  # (ArtVentureX's 2023 pack: comfy_artventure.py)
# its nodes that make another task than AnimateDiff's text or video to video -> (the task, why Studio cannot)
_PIA = ("an image animated with PIA", "PIA's image-conditioned motion module")
_LCM_I2V = ("image to video with AnimateLCM-I2V", "AnimateLCM-I2V's image encoder")
_CAMERA = ("a video along a camera path (CameraCtrl)", "CameraCtrl's pose encoder")
HELD = {"ADE_ApplyAnimateDiffModelWithPIA": _PIA, "ADE_InjectPIAIntoAnimateDiffModel": _PIA,
        "ADE_ApplyAnimateLCMI2VModel": _LCM_I2V, "ADE_LoadAnimateLCMI2VModel": _LCM_I2V,
        "ADE_InjectI2VIntoAnimateDiffModel": _LCM_I2V,
        "ADE_ApplyAnimateDiffModelWithCameraCtrl": _CAMERA, "ADE_LoadAnimateDiffModelWithCameraCtrl": _CAMERA}
EMPTY = ("EmptyLatentImage", "ADE_EmptyLatentImageLarge")  # an image latent: its batch is the clip's frames
CONTEXT = ("ADE_StandardUniformContextOptions", "ADE_StandardStaticContextOptions", "ADE_LoopedUniformContextOptions",
           "ADE_AnimateDiffUniformContextOptions", "ADE_BatchedContextOptions", "ADE_ViewsOnlyContextOptions",
           artventure.WINDOWS)
# its nodes that pass the model on with the motion module (read; their settings below)
PASSED = ("ADE_ApplyAnimateDiffModelSimple", "ADE_ApplyAnimateDiffModel", "ADE_UseEvolvedSampling")
# settings that change the result, read where they are not the pack's defaults: node type -> (setting, default, words)
SETTINGS = {
    "ADE_ApplyAnimateDiffModel": (("start_percent", 0.0, "the motion module applied from this part of the schedule"),
                                  ("end_percent", 1.0, "the motion module applied until this part of the schedule")),
    "ADE_AnimateDiffLoaderWithContext": (("motion_scale", 1.0, "the motion module's strength"),),
    "ADE_AnimateDiffLoRALoader": (("strength", None, "a motion LoRA"),),
    artventure.LORA: (("alpha", None, "a motion LoRA"),),
}
LORA_FILES = {"ADE_AnimateDiffLoRALoader": "name", artventure.LORA: "lora_name"}  # a motion LoRA loader's file
BETA = "beta_schedule"  # the loaders' noise schedule: 'autoselect' is the motion module's own
# its nodes whose effect Studio has no counterpart for -> what they carry into the sampler, in words
NOT_TAKEN = {
    "ADE_AnimateDiffSamplingSettings": "sampling settings (noise type, seed offsets, FreeInit iterations)",
    "ADE_AnimateDiffSettings": "the motion module's positional-encoding and weight adjustments",
    "ADE_AnimateDiffKeyframe": "motion-module keyframes", "ADE_MultivalDynamic": "a motion scale or effect",
    "ADE_NoiseLayerAdd": "a noise layer", "ADE_NoiseLayerAddWeighted": "a noise layer",
    "ADE_NoiseLayerReplace": "a noise layer", "ADE_IterationOptsFreeInit": "FreeInit iterations",
    "ADE_IterationOptsDefault": "sampling iterations", "ADE_CustomCFGSimple": "a custom CFG schedule",
    "ADE_CustomCFG": "a custom CFG schedule", "ADE_AnimateDiffLoRALoader": "a motion LoRA", artventure.LORA:
    "a motion LoRA",
    "ADE_AdjustPESweetspotStretch": "a positional-encoding stretch", "ADE_AdjustPEFullStretch":
    "a positional-encoding stretch", "ADE_AdjustWeightAllMult": "a motion-module weight adjustment",
}
# the pack's nodes' widgets in the order a UI file saves them (their INPUT_TYPES, required then optional)
WIDGETS = {
    "ADE_LoadAnimateDiffModel": ("model_name",), "ADE_UseEvolvedSampling": ("beta_schedule",),
    "ADE_ApplyAnimateDiffModel": ("start_percent", "end_percent"),
    "ADE_AnimateDiffLoaderGen1": ("model_name", "beta_schedule"),
    "ADE_AnimateDiffLoaderWithContext": ("model_name", "beta_schedule", "motion_scale", "apply_v2_models_properly"),
    "AnimateDiffLoaderV1": ("model_name", "unlimited_area_hack", "beta_schedule"),
    "ADE_StandardUniformContextOptions": ("context_length", "context_stride", "context_overlap", "fuse_method",
                                          "use_on_equal_length", "start_percent", "guarantee_steps"),
    "ADE_StandardStaticContextOptions": ("context_length", "context_overlap", "fuse_method", "use_on_equal_length",
                                         "start_percent", "guarantee_steps"),
    "ADE_LoopedUniformContextOptions": ("context_length", "context_stride", "context_overlap", "closed_loop",
                                        "fuse_method", "use_on_equal_length", "start_percent", "guarantee_steps"),
    "ADE_AnimateDiffUniformContextOptions": ("context_length", "context_stride", "context_overlap", "context_schedule",
                                             "closed_loop", "fuse_method", "use_on_equal_length", "start_percent",
                                             "guarantee_steps"),
    "ADE_AnimateDiffLoRALoader": ("name", "strength"),
    "ADE_EmptyLatentImageLarge": ("width", "height", "batch_size"),
    **artventure.WIDGETS,
}
PICKLED = (".ckpt", ".pt", ".pth", ".bin")  # files Studio never opens (their loading can run code)


def load_files(b, up, loaders, load, lp, said) -> None:
    """Load Video Model reads the motion module ('model') on the SD 1.5 checkpoint ('image_model'): ComfyUI's
    own files, with no folder (parts.py); a pickled motion module or checkpoint is said (Studio never opens one)."""
    wf = b.wf
    motion = next((n for n in sorted(up, key=lambda n: n.id) if n.cls in MOTION_LOADERS), None)
    name = wf.value(motion, MOTION_LOADERS[motion.cls]) if motion is not None else None
    image = next((f for n in loaders if isinstance(f := model_file(wf, n), str) and f.strip()), None)
    b.used.update(n.id for n in up if n.cls in MOTION_LOADERS)
    for other in (n for n in sorted(up, key=lambda n: n.id) if n.cls in MOTION_LOADERS and n is not motion):
        said.append(f"{_name(other)}'s motion module '{wf.value(other, MOTION_LOADERS[other.cls])}' is not taken: "
                    f"Studio's AnimateDiff samples the take with one motion module, '{name}' ({_name(motion)})")
    if isinstance(name, str) and name.strip():
        b.set_param(load, "model", name, motion)
        wf.settings_read.add((motion.id, MOTION_LOADERS[motion.cls]))  # (its file taken: not said "not applied" by a
        # held task's passed-over loader, heldout91 01/03's ADE_AnimateDiffLoaderWithContext)
    if image and "image_model" in lp:
        b.set_param(load, "image_model", image, None)
    xl = sdxl_module(name)  # (an SDXL module on an SDXL checkpoint was said to be read as SD 1.5: heldout16)
    on = f"on the checkpoint '{image}' (its 'image_model', read as an SD 1.5 checkpoint)" if image and not xl else \
        f"on the checkpoint '{image}' (its 'image_model')" if image else \
        "on an SD 1.5 checkpoint no loader Studio reads gives (set its 'image_model')"  # (not 'None': heldout7)
    said.append(f"AnimateDiff's motion module '{name}' is Load Video Model's model, {on}: ComfyUI's files read as "
                "they are; the CLIP tokenizer from the ComfyUI folder (Preferences), a tokenizer/ folder beside the "
                "checkpoint or the Hugging Face cache")
    if xl:
        said.append(sdxl_said(name, image))
    if isinstance(name, str) and name.lower().endswith(PICKLED):
        said.append(f"'{name}' is a pickled file, which Studio never opens (loading one can run code): give the same "
                    "motion module as .safetensors")
    if image and image.lower().endswith(PICKLED):  # (the checkpoint too, refused when run: heldout91 01's '.ckpt')
        said.append(f"the checkpoint '{image}' is a pickled file, which Studio never opens (loading one can run code): "
                    "give the same SD 1.5 checkpoint as .safetensors")
    for vae in (n for n in sorted(up, key=lambda n: n.id) if n.cls == "VAELoader" and n.id not in b.used):
        b.used.add(vae.id)  # a separate SD 1.5 VAE (ft-mse) decoding the frames: Load Video Model reads the checkpoint's
        said.append(f"VAE '{wf.value(vae, 'vae_name')}' ('{vae.title or vae.shown_cls}' ({vae.shown_cls}, #{vae.id})) is not "
                    "applied: AnimateDiff's Load Video Model decodes with the SD 1.5 checkpoint's own VAE")


def _name(n) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _size(b, latent, said: list[str], made=None) -> None:
    """An empty image latent's size and batch (AnimateDiff's frames) set on the generator."""
    wf = b.wf
    if latent is not None and latent.cls == "AnimateDiffLoaderV1":  # the first loader passes the latent on
        latent = wf.source(latent, "latents")
    if latent is None or latent.cls not in EMPTY and not batch_latent(latent):  # (a pack's, by its types: CR SD1.5
        return  # Aspect Ratio's, heldout88 04)
    b.used.add(latent.id)
    b.wf.settings_read |= {(latent.id, "batch_size")}  # (its batch read here, wired or not)
    for k, param in (("width", "width"), ("height", "height"), ("batch_size", "frames")):
        v = wf.value(latent, k)
        if isinstance(v, int) and not isinstance(v, bool):
            b.extra[param] = v
    if made is not None:  # (ArtVentureX's sampler's frame_number: the take's frames, said there)
        b.extra["frames"] = made
    elif isinstance(b.extra.get("frames"), int) and b.extra["frames"] < 2:
        said.append(f"{_name(latent)} makes a batch of {b.extra['frames']}: AnimateDiff makes it as that many frames")


def _context(b, n, said: list[str]) -> None:
    """The pack's context options as the take's context windows (Studio's AnimateDiff, like the pack, denoises
    every step window by window: one take): length and overlap carried, a looped schedule as 'looped'; what
    differs said."""
    wf = b.wf
    length, overlap = _number(wf.value(n, "context_length")), _number(wf.value(n, "context_overlap"))
    if n.cls in ("ADE_BatchedContextOptions", "ADE_ViewsOnlyContextOptions") or length is None:
        said.append(f"{_name(n)}: its context options are not taken (Studio's AnimateDiff makes a longer clip in "
                    "context windows of 16 frames overlapping by the generator's 'overlap')")
        return
    b.extra["window"] = int(length)
    if overlap is not None:
        b.extra["overlap"] = int(overlap)
    looped = bool(wf.value(n, "closed_loop"))
    if looped:
        b.extra["context_schedule"] = "looped"
    shifted = "" if n.cls == "ADE_StandardStaticContextOptions" else \
        " (its uniform schedule also shifts the windows from step to step; Studio's stay in place)"
    said.append(f"{_name(n)}'s windows of {int(length)} frames overlapping by {int(overlap or 0)} are the take's "
                f"context windows{' (looped)' if looped else ''}, denoised window by window at every step as in "
                f"ComfyUI{shifted}")
    stride, fuse = wf.value(n, "context_stride"), wf.value(n, "fuse_method")
    if _number(stride) is not None and _number(stride) > 1:
        said.append(f"{_name(n)}'s context_stride {stride:g} (windows at growing strides) is not taken")
    if isinstance(fuse, str) and fuse:
        said.append(f"{_name(n)}'s fuse_method '{fuse}' is not taken: Studio blends the windows with weights that "
                    "taper linearly over the overlap")


def read(b, node, up, spec, inputs, said):
    """The claimed pipeline's own reading: held where the pack makes another task, else its size, frames,
    context windows and the settings Studio has no counterpart for (said)."""
    held = next((n for n in sorted(up, key=lambda n: n.id) if n.cls in HELD), None)
    if held is not None:
        what, own = HELD[held.cls]
        return Task(what, None, family=TITLE,
                    cannot=f"make {what}: its AnimateDiff runs diffusers' AnimateDiff text and video to video, "
                           f"without {own} ({held.shown_cls}, {PACK})")
    wf = b.wf
    # a ControlNet on the conditioning of a take from an empty latent, or of a clip's restyle at a denoise read (its
    # frames on the generator's 'video', read by the generic reading of an encoded clip; a denoise not worked out, an
    # inversion's later pass, stays Video to Video's, the ControlNet said not applied): AnimateDiff ControlNet
    restyle = "video" in inputs and getattr(b, "denoise_from", None) is not None and "strength" in b.extra
    first = getattr(b, "take_sampler", None)
    drowned = "video" not in inputs and _drowned(wf, node, first)  # an encoded clip denoised from full noise
    steered = steer(b, up, inputs, said) if node is not None and (node.cls in EMPTY or restyle or drowned) else None
    if steered and drowned:  # (said by the generic reading: "denoises its encoded latent whole (denoise 1): the clip
        b.used.add(node.id)  # encoded ... is noised away"); the take as long as the control clip, at the encoded size
        _encoded_size(b, node, said)
    _size(b, node, said, _frames(b, node, first, said))
    if steered and b.extra.get("frames") == 0 and "video" not in inputs:
        pass  # (ArtVentureX's sampler counting the control clip's frames: said in comfy_artventure)
    elif steered and "frames" not in b.extra and "video" not in inputs:  # (a batch wired from the control clip's loader)
        b.extra["frames"] = 0
        src = wf.source(node, "batch_size") if node is not None and node.cls in EMPTY else None
        said.append("the take is as long as the control clip (AnimateDiff ControlNet's 'frames' 0)" +
                    (f": {_name(node)}'s batch_size is wired from {_name(src)}" if src is not None else ""))
    elif "frames" not in b.extra and "video" not in inputs and node is not None and node.cls in EMPTY \
            and (src := wf.source(node, "batch_size")) is not None:  # (heldout112 01: a sound's frame count)
        said.append(f"the take's length is not worked out when converting: {_name(node)}'s batch_size is wired from "
                    f"{_name(src)}, a number worked out when the workflow runs: the generator's 'frames' 0 makes "
                    "AnimateDiff's own 16 frames (set 'frames' by hand)")
    taken = None  # the context options read as the take's windows: those on the take's own sampler's way first
    own = {m.id for m in upstream(wf, first)} if first is not None else set()
    for n in sorted(up, key=lambda n: (n.cls in CONTEXT and n.id not in own, n.id)):
        if n.cls in MOTION_LOADERS or n.cls in PASSED:
            b.used.add(n.id)
            sched = wf.value(n, BETA)
            if isinstance(sched, str) and sched not in ("autoselect", ""):
                said.append(f"{_name(n)}'s {BETA} '{sched}' " + (
                    "is the betas Studio samples ComfyUI's motion module and checkpoint with" if sched in SAME_BETAS
                    else "is not taken" + (" (ComfyUI's 'linear' spaces the betas' square roots evenly)"
                                           if sched in SQUARE_ROOTS else "")
                    + ": Studio samples ComfyUI's motion module and checkpoint with") + f" {_scheduler(wf, first)}")
        if n.cls in CONTEXT:
            b.used.add(n.id)
            if taken is None:
                _context(b, n, said)
                taken = n
            else:  # another pass's model's options (heldout47 08: Veevee's unsampler and its AnimateDiff smoothing)
                length, overlap = (_number(wf.value(n, k)) for k in ("context_length", "context_overlap"))
                sizes = f" (windows of {length:g} frames overlapping by {overlap or 0:g})" if length is not None else ""
                said.append(f"{_name(n)}'s context options{sizes} are not taken: the take has one set of context "
                            f"windows, {_name(taken)}'s")
        for k, default, words in SETTINGS.get(n.cls, ()) if n.id not in b.used or n.cls in PASSED else ():  # (a motion
            # LoRA read: used; a node passing the model on is used as it is read: its schedule part still said, heldout103 04)
            v = wf.value(n, k)
            if _number(v) is not None and (default is None or _number(v) != default):
                file = wf.value(n, LORA_FILES.get(n.cls, "name"))
                what = f"{words} '{file}'" if isinstance(file, str) and file else words
                said.append(f"{_name(n)}'s {k} {v:g} ({what}) is not taken" + _motion_lora(n, file))
                b.used.add(n.id)
        if n.cls in NOT_TAKEN and n.id not in b.used:
            b.used.add(n.id)
            said.append(f"{_name(n)} ({NOT_TAKEN[n.cls]}) is not taken: Studio's AnimateDiff has no counterpart")
    return Task("control video (ControlNet)", steered, family=TITLE) if steered else None


def _drowned(wf, node, sampler) -> bool:
    """``node`` encodes pictures (its 'pixels' wired) into the latent ``sampler`` noises fully (denoise 1): the clip
    gives the take its size and length only (heldout91 01: a clip encoded at denoise 1.0, its frames the ControlNets')."""
    if node is None or sampler is None or "pixels" not in node.links:
        return False
    t = node_type(node.cls)  # a plain encode, by its declared types: pictures and a VAE in (no mask: an inpaint's
    plain = t is not None and t.inputs is not None and {i.type for i in t.inputs} <= {"IMAGE", "VAE"}  # keeps its
    return plain and sampler_denoise(wf, sampler) == 1.0 and adds_noise(wf, sampler)  # pictures outside the mask)


def _encoded_size(b, encode, said: list[str]) -> None:
    """The size a resize on the encoded clip's way fixes (ImageScale's width and height, by its type's name and
    settings: scale_params) as the take's: the latent's size is the take's in ComfyUI, its ControlNets' pictures
    resized to it (the corpus' klinter007 Vid2Vid_4_steps: its clip scaled to 1024x576 before the encode, the depth
    clip not)."""
    wf = b.wf
    n, seen = wf.source(encode, "pixels"), set()
    while n is not None and n.id not in seen and len(seen) < 16:
        seen.add(n.id)
        if is_resize(n):
            p = scale_params(wf, n) or {}
            w, h = p.get("width"), p.get("height")
            if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0 and p.get("scale", 1.0) == 1.0:
                b.extra["width"], b.extra["height"] = w, h
                said.append(f"the take is made at {w}x{h}, the size {_name(n)} gives the encoded clip (the latent's, "
                            "as in ComfyUI): the control clips are resized to it")
            return
        n = next((wf.source(n, k) for k in ("image", "images", "pixels") if k in n.links), None)


def _frames(b, latent, sampler, said: list[str]) -> int | None:
    """ArtVentureX's sampler's frame_number as the take's frames where more than an empty latent's batch (the pack
    repeats the latent's last frame up to it: comfy_artventure.frames); None otherwise."""
    if latent is None or latent.cls not in EMPTY and not batch_latent(latent):
        return None
    batch = b.wf.value(latent, "batch_size")
    b.extra.setdefault("frames", batch) if isinstance(batch, int) and not isinstance(batch, bool) else None
    made = artventure.frames(b, sampler, said)
    if b.extra.get("frames") == batch:
        b.extra.pop("frames", None)  # (set again by _size)
    return made


def _scheduler(wf, sampler) -> str:
    """The scheduler Studio samples the take with, in words: LCMScheduler on AnimateDiff's betas where the take's
    sampler asks ComfyUI's 'lcm' (the generator's own 'lcm', declared below as own_samplers), else AnimateDiff's DDIM
    (heldout87 03: an AnimateLCM take sampled with 'lcm' was said sampled "with AnimateDiff's DDIM"). The sampler's
    name as the generator's is read (read_sampling: a KSamplerSelect's choice, a node of one sampler named by its type)
    and matched as own_samplers is, by its start (heldout96 11: SamplerLCMCycle's 'lcmcycle', sampled as 'lcm', was
    said sampled with AnimateDiff's DDIM)."""
    name = read_sampling(wf, sampler).sampler if sampler is not None else None
    return LCM[1] if isinstance(name, str) and name.startswith(LCM[0]) else BETAS


def _motion_lora(n, file) -> str:
    """Why a motion LoRA is not taken: a pickled file Studio never opens; else no reading of its motion LoRA node
    (Studio's Video LoRA, given the file as safetensors, goes to AnimateDiffPipeline.load_lora_weights)."""
    if n.cls not in LORA_FILES or not isinstance(file, str):
        return ""
    if file.lower().endswith(PICKLED):
        return (": Studio never opens a pickled file (its loading can run code); as a .safetensors file it can be "
                "given to a Video LoRA, which Studio's AnimateDiff loads with diffusers' load_lora_weights")
    if n.cls == artventure.LORA:  # (its LoRA stack goes into the motion module loader, not on a model: not read)
        return (": Studio does not read the pack's motion LoRA stack; the file can be given to a Video LoRA, which "
                "Studio's AnimateDiff puts on the motion modules")
    return (": no node giving the model after it was found to put it on; the file can be given to a Video LoRA, "
            "which Studio's AnimateDiff puts on the motion modules")


MAPPING = ComfyMapping(
    key="animatediff", title=TITLE,
    claims=tuple(MOTION_LOADERS), claimed=Task("text or video to video", None, family=TITLE, read=read),
    empty=("ADE_EmptyLatentImageLarge",),
    files=(("animatediff", TITLE),),
    hooks={"prompt_weights": "weighs",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
           # a pack's checkpoint loader's beta_schedule: the betas sampled with, where its model reaches these (heldout118)
           "twin_settings": functools.partial(twin_betas, loaders=(*MOTION_LOADERS, *PASSED)),
           "load_files": load_files, "embeddings": True,  # ComfyUI's 'embedding:NAME' loaded (loading/embeddings.py)
           # (no model folder: the scheduler Studio gives ComfyUI's files, in words, for the sampling note)
           "own_scheduler": SCHEDULER_WORDS,
           # ComfyUI's 'lcm' sampler (AnimateLCM's) as the generators' 'lcm': LCMScheduler on the same betas
           "own_samplers": {"lcm": LCM},
           # VideoHelperSuite's load format 'AnimateDiff' (dim 8, no frame cut), its page's default format
           "load_formats": {"AnimateDiff": (8, None, True)},
           # AnimateDiff-Evolved's prompt schedules blend the prompts between keyframes (a lerp by default)
           "blending_packs": ("Kosinkadink/ComfyUI-AnimateDiff-Evolved",)},
    # its .safetensors motion LoRAs as LoRA loaders on the model (comfy_loras.py); a second pass after a latent
    # upscale as a refine of the take's frames (comfy_refine.py); the frame folders its ControlNets are given, read
    # where the generic reading left them (comfy_folders.py)
    translate=lambda wf: artventure.translate(wf) + motion_loras(wf) + latent_refines(wf, MOTION_LOADERS)
    + frame_folders(wf, MOTION_LOADERS),
    # every node of the pack read here is declared (a ComfyUI API client's prompt holding one is taken): those
    # whose settings are read with their widgets, the others with none read
    widgets={**WIDGETS, **{cls: () for cls in (*PASSED, *CONTEXT, *NOT_TAKEN, *HELD) if cls not in WIDGETS}},
    generators=(Generator(CONTROLNET_NODE, describe=lambda inputs, params: (
        "video to video steered by a ControlNet" if "video" in inputs else "text to video steered by a ControlNet")),),
    flow=False)  # its own scheduler (DDIM, schedule.py): the generators' flow-matching samplers do not apply
