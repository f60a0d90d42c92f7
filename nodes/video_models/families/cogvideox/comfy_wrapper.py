"""Workflows made with kijai's ComfyUI-CogVideoXWrapper read as ComfyUI's own nodes.

ComfyUI has no CogVideoX nodes of its own: its artists run CogVideoX through the wrapper, whose nodes mean
what core nodes mean, wired its own way. The model loader names a diffusers repository (the wrapper's
download of it is a diffusers folder) and gives the VAE beside the model; one text node a prompt; the
sampler takes the length, the start image's latents ('image_cond_latents') or a latent to denoise part way
('samples'). ``translate`` rewrites those nodes, in place, into the core nodes that mean the same
(CheckpointLoaderSimple, UNETLoader, VAELoader, LoraLoaderModelOnly, CLIPTextEncode, VAEEncode, KSampler,
VAEDecode) and into this family's own task and empty-latent nodes (comfy.py: the start-image encode as
the image-to-video task, the empty latent with the sampler's length), so the converter reads a wrapper
workflow as it reads a core one; what each wrapper node was read as is said. Whatever the sampler takes
that Studio has no counterpart for (a ControlNet, Tora's trajectories, a Fun inpaint or control encode)
becomes the sampler's task node, so the converter holds the workflow with its sentence (comfy_tasks.pack_task)
instead of making a plain text to video; the wrapper's speed and memory settings are said as not taken.

The settings' names and order are those of the wrapper's nodes.py and model_loading.py (INPUT_TYPES, read
for meaning; github kijai/ComfyUI-CogVideoXWrapper at fdb8abd). Plain data and stdlib: nothing of the
wrapper is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow, finite

PACK = "ComfyUI-CogVideoXWrapper"
PREFIXES = ("CogVideo", "DownloadAndLoadCogVideo", "DownloadAndLoadTora", "Tora")
# this family's own node types the translation makes (comfy.py declares them: the task and the empty latent)
IMAGE_TASK = "CogVideoImageEncode"  # the wrapper's start-image encode, read as the image-to-video task node
EMPTY = "CogVideoXEmptyLatent"  # an EmptyLatentImage a wrapper sampler reads, with the sampler's length
# the encode of a Fun Pose / Control model (the wrapper tells them by the model's name): the control clip's
FUN_CONTROL_TASK = "CogVideoXFunControlToVideo"
# a sampler input Studio cannot carry (a latent to start from beside the start image's): the task held, said
HELD = "CogVideoXHeldInput"
# each wrapper node's settings in the order a UI file saves them (API files name them)
WIDGETS: dict[str, tuple[str, ...]] = {
    "DownloadAndLoadCogVideoModel": ("model", "precision", "quantization", "enable_sequential_cpu_offload",
                                     "attention_mode", "load_device"),
    "DownloadAndLoadCogVideoGGUFModel": ("model", "vae_precision", "fp8_fastmode", "load_device",
                                         "enable_sequential_cpu_offload", "attention_mode"),
    "CogVideoXModelLoader": ("model", "base_precision", "quantization", "load_device", "enable_sequential_cpu_offload",
                             "attention_mode"),
    "CogVideoXVAELoader": ("model_name", "precision"),
    "CogVideoLoraSelect": ("lora", "strength", "fuse_lora"),
    "CogVideoLoraSelectComfy": ("lora", "strength", "fuse_lora"),
    "CogVideoTextEncode": ("prompt", "strength", "force_offload"),
    IMAGE_TASK: ("enable_tiling", "noise_aug_strength", "strength", "start_percent", "end_percent"),
    "CogVideoSampler": ("num_frames", "steps", "cfg", "seed", CONTROL, "scheduler", "denoise_strength"),
    "CogVideoDecode": ("enable_vae_tiling", "tile_sample_min_height", "tile_sample_min_width",
                       "tile_overlap_factor_height", "tile_overlap_factor_width", "auto_tile_size"),
}
# the loaders of a diffusers repository (the wrapper downloads it as a diffusers folder) giving (model, vae)
REPO_LOADERS = ("DownloadAndLoadCogVideoModel", "DownloadAndLoadCogVideoGGUFModel")
LORAS = ("CogVideoLoraSelect", "CogVideoLoraSelectComfy")
# settings nodes whose counterpart is Studio's own memory / speed setting: said, not taken
SETTINGS_ONLY = ("CogVideoXTorchCompileSettings", "CogVideoXFasterCache", "CogVideoXTeaCache", "CogVideoEnhanceAVideo",
                 "CogVideoTransformerEdit")
# what the translation reads by name -> the settings it reads (settings-only nodes: none), declared to the converter
TRANSLATED = {**dict.fromkeys(SETTINGS_ONLY, ()), **WIDGETS}
# what a sampler input carries that Studio has no counterpart for, in words: the sampler's task is held, said
HELD_INPUTS = {"controlnet": "a ControlNet's control clip", "tora_trajectory": "Tora's motion trajectories",
               "consis_id_cond": "ConsisID's face identity"}
# the wrapper's first layout (2024): the loader gives one 'pipeline' the sampler, the encode and the decode read,
# and the sampler's settings start with the size (told apart by where the seed's control word stands)
FIRST_MODEL = "THUDM/CogVideoX-2b"  # the only model the first loader loaded
CONTROLS = ("fixed", "increment", "decrement", "randomize")
# image resizers on a start image's way whose size the take has: their settings' order in a UI file
RESIZERS = {"ImageResizeKJ": ("width", "height"), "ImageResizeKJv2": ("width", "height"),
            "ImageScale": ("upscale_method", "width", "height")}
# the wrapper's scheduler names -> ComfyUI's sampler names (comfy_sampling reads those)
SCHEDULERS = {"CogVideoXDDIM": "ddim", "DDIM": "ddim", "CogVideoXDPMScheduler": "dpmpp_2m", "DPM++": "dpmpp_2m",
              "Euler": "euler", "Euler A": "euler_ancestral", "UniPCMultistepScheduler": "uni_pc",
              "HeunDiscreteScheduler": "heun", "DEISMultistepScheduler": "deis", "LCMScheduler": "lcm"}
# the wrapper's nodes Studio has no counterpart for: their role and what each carries into the sampler
PACK_NODES = {
    "CogVideoImageEncodeFunInP": ("conditioning", "CogVideoX Fun's inpaint start image and mask"),
    "CogVideoControlImageEncode": ("conditioning", "CogVideoX Fun's control clip"),
    "CogVideoControlNet": ("conditioning", "a CogVideoX ControlNet's control clip"),
    "ToraEncodeTrajectory": ("conditioning", "Tora's motion trajectories"),
    "ToraEncodeOpticalFlow": ("conditioning", "Tora's optical flow"),
    "CogVideoContextOptions": ("conditioning", "the wrapper's context windows"),
    "ConsisIDFaceEncode": ("conditioning", "ConsisID's face identity"),
    # the first layout's Fun samplers (a start image and its inpaint mask, a control clip, a clip to restyle)
    "CogVideoXFunSampler": ("sampler", "CogVideoX Fun's start image (its inpaint model)"),
    "CogVideoXFunControlSampler": ("sampler", "CogVideoX Fun Control's control clip"),
    "CogVideoXFunVid2VidSampler": ("sampler", "CogVideoX Fun's video to video"),
}


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY, HELD = "CogVideoXWrapper", PREFIXES, WIDGETS, SETTINGS_ONLY, HELD

    def __init__(self, wf: Workflow):
        super().__init__(wf)
        self.first: set[str] = set()  # the samplers of the wrapper's first layout

    def steps(self) -> None:
        self.first_layout()
        self.loaders()
        self.texts()
        self.decoders("CogVideoDecode")
        self.samplers()

    # -- the nodes ---------------------------------------------------------------------------
    def first_layout(self) -> None:
        """The first layout's 'pipeline' links read as the model (the sampler's) and the loader's VAE (the
        encode's and the decode's, through the samplers that passed the pipeline on), the encode's 'image' as
        its start image, and the latent a sampler gave as its second output as its first (a KSampler's)."""
        piped = [n for n in self.wf.nodes.values() if "pipeline" in n.links and self.is_pack(n)]
        loaders = {n.id: self.pipeline_loader(n.links["pipeline"]) for n in piped}
        for n in piped:
            pipe = n.links.pop("pipeline")
            if n.cls == "CogVideoSampler":
                n.links.setdefault("model", pipe)
                self.first.add(n.id)
            elif loaders[n.id] is not None:
                n.links.setdefault("vae", (loaders[n.id].id, 1))  # the loader's VAE (read as a checkpoint's)
            if "image" in n.links and n.cls == IMAGE_TASK:
                n.links.setdefault("start_image", n.links.pop("image"))
        for sid in self.first:
            self.rewire((sid, 1), (sid, 0))
        for n in self.wf.nodes.values():  # the first loader had one model, its only setting the precision
            if n.cls in REPO_LOADERS and isinstance(n.raw, list) and n.raw[:1] in (["fp16"], ["bf16"], ["fp32"]):
                n.widgets = {"model": FIRST_MODEL, "precision": n.raw[0]}
                self.said.append(f"'{n.title or n.cls}' is of the wrapper's first version, which loaded {FIRST_MODEL}")

    def pipeline_loader(self, link) -> CNode | None:
        """The repository loader a 'pipeline' link comes from (through the samplers that passed it on)."""
        seen: set[str] = set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            seen.add(link[0])
            n = self.wf.nodes[link[0]]
            if n.cls in REPO_LOADERS:
                return n
            link = n.links.get("pipeline") or n.links.get("model")
        return None

    def sampler_settings(self, n: CNode) -> dict:
        """The sampler's settings by name, in the layout its UI file has: the first layout's start with the size
        and the length (some with the frame rate after it), then the steps, the cfg, the seed (its control word
        after it where the file has one), the scheduler, the temporal tiles and the denoise."""
        raw = n.raw if isinstance(n.raw, list) else None  # a UI file (named already in the newer layout)
        if n.id not in self.first or not raw:
            return self.named(n)
        sched = next((i for i, v in enumerate(raw) if i > 2 and isinstance(v, str) and v not in CONTROLS), None)
        if sched is None or sched < 6:
            return self.named(n)
        seed = sched - 2 if raw[sched - 1] in CONTROLS else sched - 1
        nums = raw[3:seed]
        w = {"height": raw[0], "width": raw[1], "num_frames": raw[2], "seed": raw[seed], "scheduler": raw[sched]}
        w.update(zip(("steps", "cfg"), nums[-2:]))
        if len(raw) > sched + 1 and finite(raw[-1]) and 0 < raw[-1] <= 1:
            w["denoise_strength"] = raw[-1]
        return w

    def loaders(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.id in self.first:  # a first-layout sampler's values are read in that layout (sampler_settings):
                continue  # not named here by the newer one (heldout63 13: "so none is read" said of values read)
            w = self.named(n)
            if n.cls in REPO_LOADERS:  # (model, vae) from one diffusers repository: a checkpoint's (model, clip, vae)
                self.model_loader(n, "CheckpointLoaderSimple", {"ckpt_name": w.get("model")}, LORAS, ("compile_args",))
                self.rewire((n.id, 1), (n.id, 2), {n.id})
            elif n.cls == "CogVideoXModelLoader":
                self.model_loader(n, "UNETLoader", {"unet_name": w.get("model")}, LORAS, ("compile_args",))
            elif n.cls == "CogVideoXVAELoader":
                self.core(n, "VAELoader", {"vae_name": w.get("model_name")}, {})

    def texts(self) -> None:
        """CogVideoTextEncode: a CLIPTextEncode; what its 'clip' output fed reads the text encoder it read."""
        for n in list(self.wf.nodes.values()):
            if n.cls != "CogVideoTextEncode":
                continue
            w = self.named(n)
            self.clip_text(n, w.get("prompt"))
            if finite(w.get("strength")) and w["strength"] != 1:
                self.said.append(f"'{n.title or n.cls}' scales its prompt's embedding by {w['strength']:g}: not taken "
                                 "(Studio's prompt is as encoded)")

    def samplers(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == "CogVideoSampler":
                self.sampler(n, self.sampler_settings(n))

    def sampler(self, n: CNode, w: dict) -> None:
        pos, neg, model = n.links.get("positive"), n.links.get("negative"), n.links.get("model")
        frames = w.get("num_frames")
        held = next((k for k in HELD_INPUTS if k in n.links), None)
        cond, samples = n.links.get("image_cond_latents"), n.links.get("samples")
        latent = cond or samples
        enc = self.wf.nodes.get(latent[0]) if latent else None
        start = self.wf.nodes.get(samples[0]) if samples and cond else None
        if held is not None:  # the task is one Studio's CogVideoX cannot do: held, said (comfy.py)
            latent = self.held(n, held, HELD_INPUTS[held])
        elif start is not None and start.cls != "EmptyLatentImage":  # its own start latents beside the start image's
            latent = self.held(n, "samples", "the latents it starts from beside its start image")
        elif latent is None and finite(w.get("width")) and finite(w.get("height")):  # the first layout's size
            c = self.core(n, EMPTY, {"width": w["width"], "height": w["height"], "length": frames, "batch_size": 1},
                          {}, nid=f"{n.id}:latent")
            latent = (c.id, 0)
        elif enc is not None and enc.cls == IMAGE_TASK and latent == cond:
            control = self.fun_control(model)
            latent = self.image_task(enc, pos, neg, frames, FUN_CONTROL_TASK if control else IMAGE_TASK)
            pos, neg = (enc.id, 0), (enc.id, 1)  # through the task node, as a core image-to-video workflow wires it
        elif enc is not None and enc.cls == IMAGE_TASK:  # a clip encoded, then denoised part way: video to video
            self.core(enc, "VAEEncode", {}, {k: v for k, v in (("pixels", enc.links.get("start_image")),
                                                               ("vae", enc.links.get("vae"))) if v})
        elif enc is not None and enc.cls == "EmptyLatentImage":  # text to video: the image latent's size, the length
            ew = self.named(enc) or dict(zip(("width", "height", "batch_size"), enc.raw if isinstance(enc.raw, list) else []))
            self.core(enc, EMPTY, {"width": ew.get("width"), "height": ew.get("height"), "length": frames,
                                   "batch_size": 1}, {})
            self.made[enc.cls] = "the take's empty latent (its size, the sampler's length)"  # not a ComfyUI type
        denoise = w.get("denoise_strength")
        self.ksampler(n, w, SCHEDULERS, {"model": model, "positive": pos, "negative": neg, "latent_image": latent},
                      denoise if samples is not None else None)
        self.not_taken(n, ("context_options", "fastercache", "feta_args", "teacache_args"),
                       "Studio's own speed and long-take settings are used instead")

    def image_task(self, enc: CNode, pos, neg, frames, cls: str) -> tuple[str, int]:
        """The start-image encode as this family's task node (comfy.py: image to video, or a Fun Pose /
        Control model's control clip), with the sampler's prompts and length; its latent is the sampler's."""
        links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", enc.links.get("vae")),
                                   ("start_image", enc.links.get("start_image")),
                                   ("end_image", enc.links.get("end_image"))) if v is not None}
        w = {**self.named(enc), "length": frames, **self.image_size(enc.links.get("start_image"))}
        c = self.core(enc, cls, w, links)
        if cls == IMAGE_TASK:
            c.origin = ""  # the task node is the wrapper's own node, read as itself
        self.made[enc.cls] = "the image-to-video task" if cls == IMAGE_TASK else "Fun Control's control clip"
        return (c.id, 2)

    def fun_control(self, model) -> bool:
        """Whether the sampler's model is a CogVideoX Fun Pose / Control model: the wrapper tells them by the
        name of the repository or file its loader reads, and reads their encode as the control clip's."""
        low = str(self.model_name(model) or "").lower()
        return "fun" in low and ("pose" in low or "control" in low)

    def image_size(self, src) -> dict:
        """The size the start image is resized to on its way (the wrapper samples at the image's size): the
        task's width and height, else none (the generator's own)."""
        n = self.wf.nodes.get(src[0]) if src else None
        if n is None or n.cls not in RESIZERS:
            return {}
        w = n.widgets or dict(zip(RESIZERS[n.cls], n.raw if isinstance(n.raw, list) else []))
        size = {k: w.get(k) for k in ("width", "height")}
        if not all(finite(v) and v > 0 for v in size.values()):
            return {}
        self.wf.taken.add(n.id)  # its size is the take's
        return size

def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s CogVideoXWrapper nodes into the core nodes that mean the same, in place; the sentences
    that say what was read as what, and what was not taken (none when the workflow has no wrapper node)."""
    return _Translation.translate(wf)
