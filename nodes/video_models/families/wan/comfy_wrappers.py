"""Workflows made with kijai's ComfyUI-WanVideoWrapper read as ComfyUI's own nodes (issue 55, item 6).

The wrapper runs Wan with nodes of its own (WanVideoModelLoader, WanVideoTextEncode, WanVideoSampler,
WanVideoDecode ...) that mean what ComfyUI's core nodes mean, wired differently: one text node gives
both prompts, the sampler takes the shift, the size and length come from an 'embeds' node, LoRAs
hang off the model loader. ``translate`` rewrites those nodes, in place, into the core nodes that
mean the same (UNETLoader, LoraLoaderModelOnly, ModelSamplingSD3, CLIPTextEncode, WanImageToVideo,
EmptyHunyuanLatentVideo, KSamplerAdvanced, VAEDecode ...), so the converter reads a wrapper workflow
as it reads a core one; what it made of each wrapper node is said. The wrapper's speed and memory
settings (block swap, compile, TeaCache, Enhance-A-Video...) have Studio's own memory and speed
settings as their counterpart and are said as not taken; a wrapper 'embeds' node Studio has no
counterpart for (VACE, Uni3C, MultiTalk ...) is kept as it is, and the converter says the task
cannot be kept (comfy_tasks.pack_task, from comfy.py's ``packs``).

The settings' names and order are those of the wrapper's nodes.py (INPUT_TYPES, read for meaning;
github kijai/ComfyUI-WanVideoWrapper, 721cd65 and later: the later versions add settings at the end,
so the first ones keep their places). Plain data and stdlib: nothing of the wrapper is imported or run.
"""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow, finite
from studio.core.shown import number

from . import comfy_wrapper_animate2 as animate2
from . import comfy_wrapper_cfg_list as cfg_list
from . import comfy_wrapper_embeds as more
from . import comfy_vace_module as vace_module
from . import comfy_wrapper_clip_vision as clip_vision
from .comfy_wrapper_context import unblended
from . import comfy_wrapper_control as control
from . import comfy_wrapper_controlnet as controlnet
from .comfy_wrapper_control import given as given_control
from . import comfy_wrapper_draw as draw
from . import comfy_wrapper_flf as flf
from . import comfy_wrapper_clip_encode as clip_encode
from . import comfy_wrapper_clip_size as clip_size
from . import comfy_wrapper_scheduler as scheduler
from . import comfy_wrapper_talk as talk
from . import comfy_wrapper_context_talk as context_talk
from . import comfy_wrapper_prompt_split as prompt_split
from . import comfy_wrapper_humo as humo
from . import comfy_wrapper_s2v as s2v
from . import comfy_wrapper_pusa as pusa
from . import comfy_wrapper_flowedit as flowedit
from . import comfy_wrapper_recam as recam
from . import comfy_wrapper_steady as steady
from . import comfy_wrapper_phantom as phantom
from . import comfy_wrapper_ttm as ttm
from . import comfy_wrapper_scail as scail
from . import comfy_wrapper_standin as standin
from . import comfy_wrapper_fantasy as fantasy
from . import comfy_wrapper_sampler_v2 as sampler_v2
from . import comfy_wrapper_v2v as v2v
from .comfy_wrapper_denoise import continues, fresh_start
from .comfy_wrapper_loras import expand as expand_loras
from .comfy_wrapper_nag import original as nag_original

# each wrapper node's settings in the order a UI file saves them (API files name them)
WIDGETS: dict[str, tuple[str, ...]] = {
    "WanVideoModelLoader": ("model", "base_precision", "quantization", "load_device", "attention_mode"),
    "WanVideoVAELoader": ("model_name", "precision"),
    "LoadWanVideoT5TextEncoder": ("model_name", "precision", "load_device", "quantization"),
    "LoadWanVideoClipTextEncoder": ("model_name", "precision", "load_device"),
    "WanVideoTextEncode": ("positive_prompt", "negative_prompt", "force_offload"),
    "WanVideoTextEncodeSingle": ("prompt", "force_offload"),
    # its own T5 file and both prompts in one node (it caches the encoding on disk)
    "WanVideoTextEncodeCached": ("model_name", "precision", "positive_prompt", "negative_prompt", "quantization",
                                 "use_disk_cache", "device"),
    "WanVideoEmptyEmbeds": ("width", "height", "num_frames"),
    "WanVideoImageClipEncode": ("generation_width", "generation_height", "num_frames", "force_offload",
                                "noise_aug_strength", "latent_strength", "clip_embed_strength", "adjust_resolution"),
    "WanVideoImageToVideoEncode": ("width", "height", "num_frames", "noise_aug_strength", "start_latent_strength",
                                   "end_latent_strength", "force_offload"),
    "WanVideoClipVisionEncode": clip_vision.WIDGETS,
    "WanVideoSampler": ("steps", "cfg", "shift", "seed", CONTROL, "force_offload", "scheduler", "riflex_freq_index",
                        "denoise_strength", "batched_cfg", "rope_function", "start_step", "end_step",
                        "add_noise_to_samples"),
    "WanVideoDecode": ("enable_vae_tiling", "tile_x", "tile_y", "tile_stride_x", "tile_stride_y"),
    "WanVideoEncode": ("enable_vae_tiling", "tile_x", "tile_y", "tile_stride_x", "tile_stride_y",
                       "noise_aug_strength", "latent_strength"),
    "WanVideoLoraSelect": ("lora", "strength", "low_mem_load"),
    "WanVideoAnimateEmbeds": ("width", "height", "num_frames", "force_offload", "frame_window_size", "colormatch",
                              "pose_strength", "face_strength", "tiled_vae"),
}
WIDGETS.update({"WanVideoVACEEncode": more.VACE_WIDGETS, "WanVideoAddWanMoveTracks": more.MOVE_WIDGETS,
                "WanVideoVACEModelSelect": ("vace_model",), **talk.WIDGETS, **control.WIDGETS, **s2v.WIDGETS,
                **sampler_v2.WIDGETS, **steady.WIDGETS, **pusa.WIDGETS, **flowedit.WIDGETS, **phantom.WIDGETS, **ttm.WIDGETS,
                 **standin.WIDGETS, **scail.WIDGETS, **controlnet.WIDGETS, **fantasy.WIDGETS, **animate2.WIDGETS})
WIDGETS["WanVideoSamplerSettings"] = WIDGETS["WanVideoSampler"]  # its sampler's, for its FromSettings to sample
# settings nodes whose counterpart is Studio's own memory / speed setting: said, not taken
SETTINGS_ONLY = ("WanVideoBlockSwap", "WanVideoTorchCompileSettings", "WanVideoTeaCache", "WanVideoMagCache",
                 "WanVideoEasyCache", "WanVideoEnhanceAVideo", "WanVideoVRAMManagement", "WanVideoSLG",
                 "WanVideoExperimentalArgs", "WanVideoSetBlockSwap")
# what the translation reads by name -> the settings it reads (settings-only nodes: none), declared to the converter
TRANSLATED = {**dict.fromkeys(SETTINGS_ONLY, ()), **WIDGETS,
              "WanVideoSamplerFromSettings": ()}  # (no settings: samples its WanVideoSamplerSettings, split_samplers)
# WanVideoContextOptions: one take sampled on overlapping windows, as Studio's 'context windows' long take
CONTEXT = ("context_schedule", "context_frames", "context_stride", "context_overlap", "freenoise", "verbose",
           "fuse_method")
CONTEXT_SCHEDULES = {"uniform_standard": "uniform", "uniform_looped": "looped"}
# the wrapper's scheduler names (their start) -> ComfyUI's sampler names (comfy_sampling reads those)
SCHEDULERS = (("unipc", "uni_pc"), ("dpm++_sde", "dpmpp_sde"), ("dpm++", "dpmpp_2m"), ("euler", "euler"),
              ("lcm", "lcm"), ("deis", "deis"), ("res_multistep", "res_multistep"))
PREFIXES = ("WanVideo", "LoadWanVideo")
# the wrapper's embeds nodes Studio has no counterpart for: their role and what each carries into the sampler (said
# for what is lost where a workflow uses one)
PACK_NODES = {
    "WanVideoATITracks": ("conditioning", "ATI motion tracks"),
    "WanVideoFunCameraEmbeds": ("conditioning", "a Fun Camera path"),
    "HuMoEmbeds": ("conditioning", "HuMo's reference images and voice"),
    "WanVideoHuMoEmbeds": ("conditioning", "HuMo's reference images and voice"),
    "WanVideoPhantomEmbeds": ("conditioning", "Phantom's reference images"),
    "WanVideoImageToVideoMultiTalk": ("conditioning", "MultiTalk's start image and voices"),
    "MultiTalkWav2VecEmbeds": ("conditioning", "the voices MultiTalk / InfiniteTalk speak"),
    "WanVideoAddFlashVSRInput": ("conditioning", "a clip FlashVSR upscales"),
    "WanVideoVACEEncode": ("conditioning", "VACE's control clip, mask and references"),
    "WanVideoUni3C_embeds": ("conditioning", "a Uni3C camera render"),
    "WanVideoControlEmbeds": ("conditioning", "a control clip"),
    "WanVideoAddSteadyDancerEmbeds": ("conditioning", "SteadyDancer's pose latents"),
}


SAMPLER_TYPES = ("WanVideoSampler", "WanVideoSamplerSettings")
# the node a translation makes where what a sampler is given cannot be carried (the mapping holds the task: held_task);
# the wrapper's model patches that bring pictures into the model (a depth or pose ControlNet), which Studio's
# generators have no counterpart for: without them the video is another one
HELD = "WanVideoWrapperHeldInput"
MODEL_CONTROLS = {"WanVideoControlnet": "a control clip (ControlNet)"}
LOADER_TYPES = ("WanVideoModelLoader", "WanVideoVAELoader", "LoadWanVideoT5TextEncoder", "LoadWanVideoClipTextEncoder")
THROUGH = {"WanVideoVACEEncode": more.vace, "WanVideoAddWanMoveTracks": more.wanmove,  # the prompts through them
           talk.I2V: talk.infinitetalk, s2v.EMBEDS: s2v.s2v, steady.EMBEDS: steady.steady, ttm.EMBEDS: ttm.ttm,
           pusa.NOISE: pusa.pusa, pusa.EXTRA: pusa.pusa,  # Pusa's pictures and multipliers (comfy_wrapper_pusa)
           phantom.EMBEDS: phantom.phantom, scail.POSE: scail.scail, standin.EMBEDS: standin.standin,
           animate2.EMBEDS: animate2.animate2,  # Wan-Animate-2 (comfy_wrapper_animate2)
           **dict.fromkeys(control.TYPES, control.fun_control)}
TEXT_TYPES = ("WanVideoTextEncode", "WanVideoTextEncodeSingle", "WanVideoTextEncodeCached")


def _by_types(t, emb: CNode, pos, neg, sampler: CNode):
    """What an embeds node told by its declared inputs is read as: HuMo's voice and person (comfy_wrapper_humo),
    ReCamMaster's source clip and camera poses (comfy_wrapper_recam), FantasyTalking's voice (comfy_wrapper_fantasy):
    (latent, positive, negative), or None."""
    if humo.is_humo(emb):
        return humo.humo(t, emb, pos, neg, sampler)
    if recam.is_recam(emb):
        return recam.recam(t, emb, pos, neg, sampler)
    return fantasy.fantasy(t, emb, pos, neg, sampler)



def _worded(k: CNode, n: CNode, sched: str, name: str | None) -> None:
    """The KSamplerAdvanced ``k`` read from sampler ``n``: its sampler and scheduler said as the wrapper names its one
    setting, 'scheduler' (heldout84: "sampler 'dpmpp_sde', scheduler 'simple'" named settings the file has not); one
    wired from a node Studio cannot work out, as not known, never the 'simple' the core node is made with (heldout91
    06: "no sampler named, scheduler 'simple'", a name the file does not have)."""
    if not sched:
        if "scheduler" in n.links:
            k.worded.update(sampler=f"{n.cls}'s scheduler not known (wired from a node Studio cannot work out)",
                            scheduler="")
        return
    beta = ", scheduler 'beta'" if sched.endswith("/beta") else ""
    read = f" (ComfyUI's sampler '{name}'{beta})" if any(sched.startswith(w) for w, _c in SCHEDULERS) else ""
    k.worded.update(sampler=f"{n.cls}'s scheduler '{sched}'{read}", scheduler="")  # (one ComfyUI has not: bare)

class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY, HELD = "WanVideoWrapper", PREFIXES, WIDGETS, SETTINGS_ONLY, HELD

    def __init__(self, wf: Workflow):
        super().__init__(wf)
        self.latents: dict[str, tuple] = {}  # an embeds node -> (its latent, positive, negative) as made
        self.latent_own: dict[str, tuple] = {}  # an embeds node -> the prompts its first sampler was given itself

    def steps(self) -> None:
        vace_module.read(self)  # by declared types (comfy_vace_module.py)
        expand_loras(self)
        talk.patches(self)
        fantasy.loaders(self)  # FantasyTalking's file on the model loader (comfy_wrapper_fantasy)
        self.loaders()
        self.texts()
        self.decoders()
        first = sampler_v2.as_v1(self)  # the v2 sampler and scheduler as one WanVideoSampler (comfy_wrapper_sampler_v2.py)
        schedulers = scheduler.read_by_samplers(self)
        pusa.other_passes(self)  # (before the samplers are read as KSamplerAdvanced: their image_embeds named)
        self.samplers()
        sampler_v2.named_made(self, first)
        scheduler.taken(self, schedulers)
        v2v.unread_embeds(self)
        talk.unread_patches(self)
        fantasy.unread(self)
        draw.said(self)
        scheduler.said(self)

    def link(self, n: CNode, name: str) -> tuple[str, int] | None:
        return n.links.get(name)

    # -- the nodes ---------------------------------------------------------------------------
    def loaders(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls not in LOADER_TYPES:  # (named() reads a pack node's wired settings, and says what it cannot)
                continue
            w = self.named(n)
            if n.cls == "WanVideoModelLoader":
                self.model_loader(n, "UNETLoader", {"unet_name": w.get("model")}, ("WanVideoLoraSelect",),
                                  ("block_swap_args", "compile_args", "vram_management_args"))
            elif n.cls == "WanVideoVAELoader":
                self.core(n, "VAELoader", {"vae_name": w.get("model_name")}, {})
            elif n.cls == "LoadWanVideoT5TextEncoder":
                self.core(n, "CLIPLoader", {"clip_name": w.get("model_name"), "type": "wan"}, {})
            elif n.cls == "LoadWanVideoClipTextEncoder":
                self.core(n, "CLIPVisionLoader", {"clip_name": w.get("model_name")}, {})
        for n in [x for x in self.wf.nodes.values() if x.cls == "WanVideoSetLoRAs"]:  # LoRAs set on a loaded model
            self.set_loras(n, ("WanVideoLoraSelect",))

    def texts(self) -> None:
        """WanVideoTextEncode: two CLIPTextEncode (the positive keeps its id; '<id>:neg' the negative)."""
        for n in list(self.wf.nodes.values()):
            if n.cls not in TEXT_TYPES:
                continue
            w = self.named(n)
            if (line := prompt_split.said(n, w.get("positive_prompt", w.get("prompt")))) and line not in self.said:
                self.said.append(line)  # several prompts in one text: the wrapper's split, said (heldout78 01)
            t5 = self.link(n, "t5")
            links = {"clip": t5} if t5 else {}
            if n.cls == "WanVideoTextEncode":
                self.core(n, "CLIPTextEncode", {"text": w.get("positive_prompt")}, dict(links))
                self.core(n, "CLIPTextEncode", {"text": w.get("negative_prompt") or ""}, dict(links), nid=f"{n.id}:neg")
            elif n.cls == "WanVideoTextEncodeSingle":
                self.core(n, "CLIPTextEncode", {"text": w.get("prompt")}, links)
            elif n.cls == "WanVideoTextEncodeCached":  # its T5 file a CLIPLoader of its own, then the two prompts
                t5 = self.core(n, "CLIPLoader", {"clip_name": w.get("model_name"), "type": "wan"}, {}, nid=f"{n.id}:t5")
                self.core(n, "CLIPTextEncode", {"text": w.get("positive_prompt")}, {"clip": (t5.id, 0)})
                self.core(n, "CLIPTextEncode", {"text": w.get("negative_prompt") or ""}, {"clip": (t5.id, 0)},
                          nid=f"{n.id}:neg")

    def embeds(self, n: CNode, pos, neg, sampler: CNode) -> tuple[str, int] | None:
        """The latent a sampler's image_embeds stand for, made from the wrapper's embeds node (None:
        a node Studio has no counterpart for, kept as it is)."""
        w = self.named(n)
        if n.cls == "WanVideoEmptyEmbeds" and self.link(n, "extra_latents"):
            return self.start_latents(n, w, sampler)
        if n.cls == "WanVideoEmptyEmbeds":
            c = self.core(n, "EmptyHunyuanLatentVideo", {"width": w.get("width"), "height": w.get("height"),
                                                          "length": w.get("num_frames"), "batch_size": 1}, {})
            return (c.id, 0)
        if n.cls in ("WanVideoImageClipEncode", "WanVideoImageToVideoEncode"):
            old = n.cls == "WanVideoImageClipEncode"
            image = self.link(n, "image" if old else "start_image")
            end = None if old else self.link(n, "end_image")
            vision = self.link(n, "clip_embeds")
            clip = self.link(n, "clip") or self.link(n, "clip_vision")  # (its input's name in later versions)
            fixed = clip_size.known(self, n, w, image) if old else None  # a resized picture's: two numbers
            fitted = clip_encode.adjusted(self, n, w, image) if old and not fixed else None  # from its aspect
            if old and clip and image:  # the old node encodes the image itself: a CLIPVisionEncode
                enc = self.core(n, "CLIPVisionEncode", {"crop": "center"}, {"clip_vision": clip,
                                                                             "image": image}, nid=f"{n.id}:vision")
                vision = (enc.id, 0)
            links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", self.link(n, "vae")),
                                       ("start_image", fitted[0] if fitted else image), ("end_image", end),
                                       ("clip_vision_output", vision)) if v is not None}
            size = {"width": w.get("generation_width" if old else "width"),
                    "height": w.get("generation_height" if old else "height"),
                    "length": w.get("num_frames"), "batch_size": 1}
            if fixed:  # the wrapper's size of a picture a resize fixes (comfy_wrapper_clip_size.py)
                size.update(width=fixed[0], height=fixed[1])
            if fitted:  # the size the wrapper works out of the picture: wired, not its saved numbers
                links.update(width=fitted[1], height=fitted[2])
                size.update(width=None, height=None)
            if not old:
                flf.said(self, n, image, end, w)
            else:
                clip_encode.said(self, n, w, image)
            c = self.core(n, "WanFirstLastFrameToVideo" if end else "WanImageToVideo", size, links)
            if fitted:  # (its picture scaled on the way: a sentence names the encode's own input)
                c.ports["start_image"] = (n, "image")
            return (c.id, 2)
        if n.cls == "WanVideoAnimateEmbeds":  # Wan Animate: ComfyUI's WanAnimateToVideo takes the same inputs
            return self.animate(n, w, pos, neg, sampler)
        return None

    def animate(self, n: CNode, w: dict, pos, neg, sampler: CNode) -> tuple[str, int]:
        """WanVideoAnimateEmbeds as ComfyUI's WanAnimateToVideo (the wrapper's nodes.py, read for meaning: its
        reference, pose, face and background clips, the mask, the take's length, sampled in windows of
        frame_window_size: the generator's 'window', carried on ``sampler``); its strengths and colour match said
        where they differ from the core node's."""
        window = w.get("frame_window_size")
        if finite(window) and window > 0:
            self.wf.carry(sampler.id, {"window": int(window)}, n)  # (said, where not taken, naming the embeds)
            self.wf.taken.add(n.id)
        links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", self.link(n, "vae")),
                                   ("clip_vision_output", self.link(n, "clip_embeds")),
                                   ("reference_image", self.link(n, "ref_images")),
                                   ("pose_video", self.link(n, "pose_images")),
                                   ("face_video", self.link(n, "face_images")),
                                   ("background_video", self.link(n, "bg_images")),
                                   ("character_mask", self.link(n, "mask"))) if v is not None}
        c = self.core(n, "WanAnimateToVideo", {"width": w.get("width"), "height": w.get("height"),
                                               "length": w.get("num_frames"), "batch_size": 1}, links)
        for k in ("pose_strength", "face_strength"):
            if finite(w.get(k)) and w[k] != 1:
                self.said.append(f"'{n.title or n.shown_cls}' (#{n.id})'s {k} {w[k]:g} is not taken: Studio's Wan "
                                 "Animate reads the pose and the face at full strength")
        if w.get("colormatch") not in (None, "disabled"):
            self.said.append(f"'{n.title or n.shown_cls}' (#{n.id})'s colour match {w['colormatch']!r} between windows "
                             "is not taken")
        return (c.id, 2)

    def start_latents(self, n: CNode, w: dict, sampler: CNode) -> tuple[str, int] | None:
        """WanVideoEmptyEmbeds given extra_latents: a start image encoded into the take's first latent frames (the
        wrapper's Wan 2.2 TI2V 5B image to video), as ComfyUI's Wan22ImageToVideoLatent. Sampled with Pusa's
        per-frame timesteps (the 'flowmatch_pusa' scheduler) on another Wan it is Pusa's image to video: Studio's Wan
        Pusa node (comfy_wrapper_pusa); an encoding it cannot trace to an image: kept as it is (None), the task held
        with its sentence."""
        src = self.link(n, "extra_latents")
        enc = self.wf.nodes.get(src[0]) if src else None
        image = None if enc is None else self.link(enc, {"WanVideoEncode": "image", "VAEEncode": "pixels"}.get(
            enc.cls, ""))  # (decoders() has read the wrapper's encode as VAEEncode by now)
        name = (self.model_name(self.link(sampler, "model")) or "").lower()  # (loaders() read it as a UNETLoader)
        ti2v = "ti2v" in name and "wan" in name  # Wan 2.2 TI2V 5B (its first frame kept clean per frame), not
        # another model's TI2V the wrapper runs (LongCat's)
        if not ti2v and pusa.is_pusa(self, sampler):  # Pusa V1's pictures kept at their own timesteps
            made = pusa.pusa(self, n, None, None, sampler)
            return made[0] if made else None  # (held: its sentence said)
        if not ti2v or image is None:
            why = ("Studio cannot trace them to a start image" if image is None else
                   "Studio reads them as a start image for Wan 2.2 TI2V 5B only")
            self.said.append(f"'{n.title or n.shown_cls}' (#{n.id}) is given extra_latents (a start image encoded "
                             f"into the take): {why}")
            return None
        self.wf.taken.add(enc.id)  # its picture is the start image (the encode is Wan22ImageToVideoLatent's own)
        c = self.core(n, "Wan22ImageToVideoLatent", {"width": w.get("width"), "height": w.get("height"),
                                                     "length": w.get("num_frames"), "batch_size": 1},
                      {k: v for k, v in (("vae", self.link(enc, "vae")), ("start_image", image)) if v})
        return (c.id, 0)

    def model_control(self, sampler: CNode) -> CNode | None:
        """A model patch bringing pictures in (MODEL_CONTROLS, given a picture) on ``sampler``'s model's way."""
        return next((m for m in self.model_way(self.link(sampler, "model")) if m.cls in MODEL_CONTROLS and (
            not m.in_types  # (an API file's: no types, the node says it)
            or any(t == "IMAGE" for k, t in m.in_types.items() if k in m.links))), None)

    def model_controlled(self, n: CNode, latent, pos, neg) -> tuple:
        """(latent, positive, negative) of sampler ``n`` with a model patch bringing pictures in (model_control):
        TheDenk's ControlNet read as Studio's Wan ControlNet (comfy_wrapper_controlnet; its type's name tells which
        model it brings in, which its declaration cannot), else the task held (the mapping's sentence); as given
        without one."""
        control = self.model_control(n)
        if control is None:
            return latent, pos, neg
        if control.cls == controlnet.APPLY and (made := controlnet.read(self, n, control, latent, pos, neg)):
            return made
        held = self.core(n, HELD, {"input": "model", "from": control.shown_cls,
                                   "carries": MODEL_CONTROLS[control.cls]}, {}, nid=f"{n.id}:held")
        return (held.id, 0), pos, neg

    def samplers(self) -> None:
        self.split_samplers()
        for n in list(self.wf.nodes.values()):
            if n.cls in SAMPLER_TYPES:  # a start step on an encoded clip decides how far it is denoised:
                # wired to a value Studio cannot work out, none is guessed (comfy_intent._encoded: its default strength)
                unknown = {"start_step": self.start_unknown(n)} if self.link(n, "samples") else None
                w = self.named(n, unknown)
                cfg_list.read(self, n, w)  # a cfg per step (CreateCFGScheduleFloatList): the pass's most common
                self.sampler(n, w)

    def start_unknown(self, n: CNode) -> str:
        """Why a sampler's start step not worked out matters: given another sampler's samples it continues that take
        (the second expert: found by the fifteenth held-out set, said to denoise 'its clip'), else an encoded clip."""
        src = self.link(n, "samples")
        prev = self.wf.nodes.get(src[0]) if src else None
        if prev is not None and prev.shown_cls in SAMPLER_TYPES:
            return f"the step where it takes over the take of '{prev.title or prev.shown_cls}' (#{prev.id}) is not known"
        who = "InfiniteTalk's" if talk.voice_input(n) else "Video to Video's"  # (a voice dubbed onto the clip: talk10)
        return f"how far the sampler denoises its clip is not known (set {who} strength)"

    def split_samplers(self) -> None:
        """The wrapper's sampler in two nodes: WanVideoSamplerSettings takes WanVideoSampler's inputs and settings
        and WanVideoSamplerFromSettings samples them. The settings node is read as the sampler and what the
        second's samples feed reads the first's; a FromSettings fed otherwise stays a node not converted."""
        for n in list(self.wf.nodes.values()):
            src = self.link(n, "sampler_inputs") if n.cls == "WanVideoSamplerFromSettings" else None
            settings = self.wf.nodes.get(src[0]) if src else None
            if settings is None or settings.cls != "WanVideoSamplerSettings":
                continue
            self.rewire((n.id, 0), (settings.id, 0))
            del self.wf.nodes[n.id]
            self.made.setdefault(n.cls, "the sampler of its WanVideoSamplerSettings (KSamplerAdvanced)")

    def shared(self, emb: CNode, pos, neg) -> tuple:
        """The latent and prompts of an embeds node a sampler shares with one read before: the first's prompts where
        they go through the embeds' node (an image-to-video encode's), else this sampler's own (an empty latent's size
        and length carry no prompt: two takes of one size with two prompts; heldout78 01: the second was given the
        first's prompt)."""
        latent, shared_pos, shared_neg = self.latents[emb.id]
        if (shared_pos, shared_neg) != self.latent_own.get(emb.id):
            return latent, shared_pos, shared_neg
        return latent, pos, neg

    def sampler(self, n: CNode, w: dict) -> None:
        text, away = nag_original(self, self.link(n, "text_embeds"), n.id)  # (through a NAG node: what it steers from)
        pos = (text[0], 0) if text else None
        neg = (f"{text[0]}:neg", 0) if text and f"{text[0]}:neg" in self.wf.nodes else (away[0], 0) if away else pos
        src = self.through(self.link(n, "image_embeds"))
        samples = self.link(n, "samples")
        dub = talk.dubbing(self, n, src, samples)  # InfiniteTalk video to video: read with the clip (talk8)
        emb = self.wf.nodes.get(src[0]) if src and (samples is None or dub) else None
        latent = src
        own = (pos, neg)  # the prompts this sampler is given itself (its text_embeds)
        if emb is not None and emb.id in self.latents:  # an embeds node two samplers share (two experts)
            latent, pos, neg = self.shared(emb, pos, neg)
        elif emb is not None and emb.cls in THROUGH and (made := THROUGH[emb.cls](self, emb, pos, neg, n)):
            latent, pos, neg = self.latents[emb.id] = made  # VACE, Wan-Move: the prompts through them
        elif emb is not None and (made := _by_types(self, emb, pos, neg, n)):
            latent, pos, neg = self.latents[emb.id] = made  # HuMo's voice and person (wins6), ReCamMaster's clip,
            # FantasyTalking's voice (each by the types wired)
        elif emb is not None and (made := context_talk.in_windows(self, emb, pos, neg, n)):
            latent, pos, neg = self.latents[emb.id] = made  # MultiTalk of a plain I2V encode in context windows
        elif emb is not None and "control_embeds" in emb.links and (made := given_control(self, emb, pos, neg, n)):
            latent, pos, neg = self.latents[emb.id] = made  # Fun Control given to an I2V encode (its start image)
        elif emb is not None and self.is_pack(emb):
            i2v = emb.cls in ("WanVideoImageClipEncode", "WanVideoImageToVideoEncode", "WanVideoAnimateEmbeds")
            latent = self.embeds(emb, pos, neg, n)
            if i2v:
                pos, neg = (emb.id, 0), (emb.id, 1)  # through WanImageToVideo, as the core workflow wires it
            if latent is not None:
                self.latents[emb.id] = (latent, pos, neg)
            else:
                latent = src
        if emb is not None and emb.id in self.latents:
            self.latent_own.setdefault(emb.id, own)
        dub = dub if emb is not None and emb.id in self.latents else None  # (InfiniteTalk held: as before)
        if dub:  # the clip given to InfiniteTalk, not re-made
            talk.dubbed(self, self.latents[emb.id], n, *dub)
        elif samples is not None:  # a pass that continues another's latent (a second expert, video to video)
            latent = flowedit.read(self, n, w) or samples  # a FlowEdit of the clip (comfy_wrapper_flowedit)
            v2v.noise_shape(self, n)
        elif (line := fresh_start(n, w)) and line not in self.said:  # its denoise on fresh noise: said (heldout32)
            self.said.append(line)
        if samples is not None and not dub and (voice := talk.voice_input(n)):  # InfiniteTalk video to video held:
            # a source clip; Studio's InfiniteTalk starts from one image, and a restyle without the voice is another
            # video: the task held in one sentence naming the voice, never a plain restyle (issue 112)
            latent = self.held(n, voice, "a voice lip-synced onto a source clip (InfiniteTalk video to "
                                                      "video)")
        latent, pos, neg = self.model_controlled(n, latent, pos, neg)
        links = {k: v for k, v in (("positive", pos), ("negative", neg), ("latent_image", latent)) if v is not None}
        model = self.link(n, "model")
        shift = self.sigmas_given(n, w, links)
        if model is not None and finite(shift):
            s = self.core(n, "ModelSamplingSD3", {"shift": shift}, {"model": model}, nid=f"{n.id}:shift")
            model = (s.id, 0)
        if model is not None:
            links["model"] = model
        steps, start, end = w.get("steps"), w.get("start_step"), w.get("end_step")
        denoise = w.get("denoise_strength")
        if samples is not None and "start_step" in n.links and start is None:  # its start unknown (said by named):
            denoise = None  # so is how far it denoises
        if samples is not None and finite(denoise) and denoise < 1 and finite(steps) and not finite(start):
            start = int(round(steps * (1 - denoise)))  # KSamplerAdvanced's way of a partial denoise
        self.context(n)
        sched = str(w.get("scheduler") or "")
        name = next((c for k, c in SCHEDULERS if sched.startswith(k)), sched or None)
        k = self.core(n, "KSamplerAdvanced", {
            "add_noise": "disable" if continues(self, n, samples, start, denoise, w) else "enable", "noise_seed": w.get("seed"), "steps": steps, "cfg": w.get("cfg"),
            "sampler_name": name, "scheduler": "beta" if sched.endswith("/beta") else "simple",
            "start_at_step": start if finite(start) and start > 0 else None,  # absent: the whole schedule
            "end_at_step": end if finite(end) and end >= 0 else None,
            "denoise": denoise if samples is not None and finite(denoise) else None}, links)
        k.ports.update(latent_image="samples" if samples is not None else "image_embeds")  # (said as the wrapper's)
        _worded(k, n, sched, name)

    def sigmas_given(self, n: CNode, w: dict, links: dict):
        """The sampler's shift, None where its 'sigmas' input is wired: "the sigmas input will override the steps, shift
        and scheduler" (the wrapper's own word): its steps are the sigmas' (tracing.sampling reads or says them), its
        shift and scheduler not taken from its settings (heldout39 15), said."""
        sigmas = self.link(n, "sigmas")
        if sigmas is None:
            return w.get("shift")
        links["sigmas"] = sigmas
        src = self.wf.nodes.get(sigmas[0])
        line = (f"'{n.title or n.cls}' ({n.cls}, #{n.id}) samples the sigmas "
                + (f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})" if src is not None else "a node")
                + f" gives its 'sigmas', which set its steps and shift: its own steps {number(w.get('steps'))} and "
                f"shift {number(w.get('shift'))} are not read")
        if line not in self.said:
            self.said.append(line)
        return None

    def context(self, n: CNode) -> None:
        """A sampler's WanVideoContextOptions as the generator's context-windows settings (carried)."""
        src = self.link(n, "context_options")
        opt = self.wf.nodes.get(src[0]) if src else None
        if opt is None or opt.cls != "WanVideoContextOptions":
            return
        w = opt.widgets or dict(zip(CONTEXT, opt.raw if isinstance(opt.raw, list) else []))
        carried = {"long_take": "context windows"}
        if finite(w.get("context_frames")):
            carried["window"] = int(w["context_frames"])
        if finite(w.get("context_overlap")):
            carried["overlap"] = int(w["context_overlap"])
        sched = CONTEXT_SCHEDULES.get(str(w.get("context_schedule")))
        if sched:
            carried["context_schedule"] = sched
        elif (line := f"'{opt.title or opt.cls}' ({opt.cls}, #{opt.id})'s context schedule "  # (true held too:
                      f"{w.get('context_schedule')!r} is not taken: Studio lays its context windows out 'uniform'"
              ) not in self.said:  # no generator may be made of the sampler, heldout71 04)
            self.said.append(line)  # (once, with its node: two samplers given one options node, heldout24 06)
        self.wf.carried.setdefault(n.id, {}).update(carried)
        self.wf.carried_at.setdefault(n.id, {}).update(dict.fromkeys(carried, opt))  # (a value not taken: its node)
        if (line := unblended(opt, w)) and line not in self.said:  # how its windows are blended: said, once
            self.said.append(line)
        self.wf.taken.add(opt.id)
        self.made.setdefault(opt.cls, "the generator's context windows (long_take, window, overlap)")

    def decoders(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == "WanVideoDecode":
                self.core(n, "VAEDecode", {}, {k: v for k, v in (("samples", self.link(n, "samples")),
                                                                 ("vae", self.link(n, "vae"))) if v})
            elif n.cls == "WanVideoPassImagesFromSamples" and self.link(n, "samples"):  # (by its name: LATENT in,
                # IMAGE out, no VAE declares nothing of what it does; it passes on the pictures a sampler decoded
                # itself, InfiniteTalk's windows: Studio's generator decodes its take too)
                self.core(n, "VAEDecode", {}, {"samples": self.link(n, "samples")})
                self.say(n, f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) passes on the pictures the sampler "
                            "it is given decoded itself: read as a VAEDecode of that sampler's latent (where Studio makes the "
                            "take, its generator decodes it)")
            elif n.cls == "WanVideoEncode":
                self.encoded = {**getattr(self, "encoded", {}), n.id: self.named(n)}  # (its strengths: an S2V pose's)
                self.core(n, "VAEEncode", {}, {k: v for k, v in (("pixels", self.link(n, "image")),
                                                                 ("vae", self.link(n, "vae"))) if v})
            elif n.cls == "WanVideoClipVisionEncode":
                c = self.core(n, "CLIPVisionEncode", {"crop": self.named(n).get("crop")},
                              {k: v for k, v in (("clip_vision", self.link(n, "clip_vision")),
                                                 ("image", self.link(n, "image_1"))) if v})
                c.ports.update(image="image_1")
                taker = clip_vision.end_picture_of(self.wf, n)  # a second picture that is the take's end picture
                if line := clip_vision.unapplied(n, self.named(n), taker, self.wf):  # a strength, a second picture, tiles: said
                    self.said.append(line)
                if taker is not None and (line := clip_vision.end_picture(n, self.named(n), taker)):
                    self.said.append(line)

def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s WanVideoWrapper nodes into the core nodes that mean the same, in place;
    the sentences that say what was read as what, and what was not taken (none when the workflow
    has no wrapper node)."""
    return _Translation.translate(wf)
