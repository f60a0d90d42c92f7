"""Workflows made with EasyAnimate's own ComfyUI nodes (aigc-apps/EasyAnimate, comfyui/comfyui_nodes.py) read as
ComfyUI's core nodes.

ComfyUI has no EasyAnimate nodes of its own: the release's repository ships a node pack whose loader names a model
folder (models/EasyAnimate/<name>), whose text boxes hold the prompts, and whose samplers (text, image and video to
video, a V5 copy of each with the Flow scheduler and TeaCache) load, sample and decode in one node, giving the
frames. ``translate`` rewrites them, in place, into the core nodes that mean the same (CheckpointLoaderSimple,
LoraLoaderModelOnly, CLIPTextEncode, VAEEncode, KSampler, VAEDecode) and this family's task nodes (comfy.py: the
empty latent of text to video, the image-to-video task with its start and end images, the control task with its
control clip and reference image), so the converter reads such a workflow as a core one; what each node was read
as is said, and what Studio has no counterpart for (the camera path of the pack's camera nodes, TeaCache, the
pack's memory modes, the size it picks from the start image) is said or held. The settings' names and order are
the pack's INPUT_TYPES (read for meaning; nothing of it is imported or run). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow, finite

PACK = "EasyAnimate's ComfyUI nodes"
PREFIXES = ("LoadEasyAnimate", "EasyAnimate")
EMPTY = "EasyAnimateEmptyLatent"  # text to video: the sampler's size and length
IMAGE_TASK = "EasyAnimateImageToVideo"  # the sampler's start (and end) image
CONTROL_TASK = "EasyAnimateControlToVideo"  # the V2V sampler's control clip and reference image
HELD = "EasyAnimateHeldInput"  # a sampler input Studio cannot carry (the camera path): held, said
TEXTS = ("EasyAnimate_TextBox", "TextBox")
_T2V = ("video_length", "width", "height", "is_image", "seed", CONTROL, "steps", "cfg", "scheduler")
_I2V = ("video_length", "base_resolution", "seed", CONTROL, "steps", "cfg", "scheduler")
_V2V = ("video_length", "base_resolution", "seed", CONTROL, "steps", "cfg", "denoise_strength", "scheduler")
_CACHE = ("teacache_threshold", "enable_teacache")  # the V5 samplers' speed settings, last
WIDGETS: dict[str, tuple[str, ...]] = {
    "LoadEasyAnimateModel": ("model", "GPU_memory_mode", "model_type", "config", "precision"),
    "LoadEasyAnimateLora": ("lora_name", "strength_model"),
    "EasyAnimate_TextBox": ("prompt",), "TextBox": ("prompt",),
    "EasyAnimateT2VSampler": _T2V, "EasyAnimateV5_T2VSampler": _T2V + _CACHE,
    "EasyAnimateI2VSampler": _I2V, "EasyAnimateV5_I2VSampler": _I2V + _CACHE,
    "EasyAnimateV2VSampler": _V2V, "EasyAnimateV5_V2VSampler": _V2V + _CACHE,
    EMPTY: ("width", "height", "length", "batch_size"), IMAGE_TASK: ("length",), CONTROL_TASK: ("length",),
    HELD: ("input", "from", "carries"),
}
T2V_SAMPLERS = ("EasyAnimateT2VSampler", "EasyAnimateV5_T2VSampler")
I2V_SAMPLERS = ("EasyAnimateI2VSampler", "EasyAnimateV5_I2VSampler")
V2V_SAMPLERS = ("EasyAnimateV2VSampler", "EasyAnimateV5_V2VSampler")
# the pack's scheduler names -> ComfyUI's sampler names (comfy_sampling reads those)
SCHEDULERS = {"Euler": "euler", "Euler A": "euler_ancestral", "DPM++": "dpmpp_2m", "PNDM": "pndm", "DDIM": "ddim",
              "Flow": "euler"}
# the pack's nodes Studio has no counterpart for: their role and what each carries into the sampler
PACK_NODES = {
    "CreateTrajectoryBasedOnKJNodes": ("conditioning", "a trajectory drawn into EasyAnimate's control clip"),
    "ImageMaximumNode": ("conditioning", "two control clips merged by their brighter pixels"),
    "CameraTrajectoryFromChaoJie": ("conditioning", "EasyAnimate's camera path"),
    **{f"Camera{kind}FromChaoJie": ("conditioning", "EasyAnimate's camera motion")
       for kind in ("Basic", "Combine", "Join")},
}


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS, HELD = "EasyAnimate's", PREFIXES, WIDGETS, HELD

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            w = self.named(n)
            if n.cls == "LoadEasyAnimateModel":
                self.core(n, "CheckpointLoaderSimple", {"ckpt_name": w.get("model")}, {})
                mode = w.get("GPU_memory_mode")
                if isinstance(mode, str) and mode != "model_cpu_offload":
                    self.said.append(f"'{n.title or n.cls}''s GPU_memory_mode '{mode}' is not taken: Load Video "
                                     "Model's memory setting chooses how the model is held")
            elif n.cls == "LoadEasyAnimateLora":
                self.core(n, "LoraLoaderModelOnly", {"lora_name": w.get("lora_name"),
                                                     "strength_model": w.get("strength_model")},
                          {"model": n.links["easyanimate_model"]} if "easyanimate_model" in n.links else {})
                self.said.append(f"LoRA '{w.get('lora_name')}' of '{n.title or n.cls}' is a Video LoRA, which Studio's "
                                 "EasyAnimate refuses at the run (diffusers' EasyAnimate pipelines have no LoRA "
                                 "loader): remove it, or merge it into the model first")
            elif n.cls in TEXTS and self._feeds_sampler(n):
                self.core(n, "CLIPTextEncode", {"text": w.get("prompt")}, {})
        for n in list(self.wf.nodes.values()):
            if n.cls in T2V_SAMPLERS + I2V_SAMPLERS + V2V_SAMPLERS:
                self.sampler(n, self.named(n))

    def _feeds_sampler(self, n: CNode) -> bool:
        """A text box read by one of the pack's samplers (a 'TextBox' of another pack is left as it is)."""
        return n.cls == "EasyAnimate_TextBox" or any(
            m.cls.startswith(PREFIXES) and any(v[0] == n.id for v in m.links.values()) for m in self.wf.nodes.values())

    def sampler(self, n: CNode, w: dict) -> None:
        """The pack's sampler (it loads, samples and decodes): its task node, a KSampler on it and a VAEDecode
        in its place, which gives its frames to what read them."""
        links = n.links
        pos, neg, model = links.get("prompt"), links.get("negative_prompt"), links.get("easyanimate_model")
        frames = w.get("video_length")
        sid = f"{n.id}:sampler"
        latent, denoise = None, None
        if "camera_conditions" in links:  # a camera path of the pack's camera nodes: no counterpart, held (comfy.py)
            latent = self.held(n, "camera_conditions", "a camera path made by the pack's camera nodes")
        elif n.cls in V2V_SAMPLERS and "control_video" in links:
            latent = self.task(n, CONTROL_TASK, pos, neg, frames, (("control_video", "control_video"),
                                                                   ("ref_image", "ref_image")))
            pos, neg = (f"{n.id}:task", 0), (f"{n.id}:task", 1)
        elif n.cls in V2V_SAMPLERS and "validation_video" in links:  # a clip denoised part way: video to video
            enc = self.core(n, "VAEEncode", {}, {"pixels": links["validation_video"]}, nid=f"{n.id}:encode")
            latent, denoise = (enc.id, 0), w.get("denoise_strength")
        elif n.cls in I2V_SAMPLERS and "start_img" in links:
            latent = self.task(n, IMAGE_TASK, pos, neg, frames, (("start_img", "start_image"), ("end_img", "end_image")))
            pos, neg = (f"{n.id}:task", 0), (f"{n.id}:task", 1)
        else:  # text to video (an InP model's too, with no start image)
            size = {"width": w.get("width"), "height": w.get("height")} if n.cls in T2V_SAMPLERS else {}
            latent = (self.core(n, EMPTY, {**size, "length": frames, "batch_size": 1}, {}, nid=f"{n.id}:latent").id, 0)
        self._said(n, w)
        self.made[n.cls] = "KSampler and VAEDecode"
        self.ksampler(n, w, SCHEDULERS, {"model": model, "positive": pos, "negative": neg, "latent_image": latent},
                      denoise, nid=sid)
        self.core(n, "VAEDecode", {}, {"samples": (sid, 0)})  # in the sampler's place: its frames

    def task(self, n: CNode, cls: str, pos, neg, frames, ports) -> tuple[str, int]:
        """This family's task node (comfy.py) for sampler ``n``: its prompts, its images, its length."""
        links = {k: v for k, v in (("positive", pos), ("negative", neg)) if v is not None}
        links.update({into: n.links[k] for k, into in ports if k in n.links})
        c = self.core(n, cls, {"length": frames}, links, nid=f"{n.id}:task")
        c.origin = ""  # the family's own task node (its sentence names it as such)
        return (c.id, 2)

    def _said(self, n: CNode, w: dict) -> None:
        where = f"'{n.title or n.cls}' (#{n.id})"
        if w.get("enable_teacache") is True:
            self.said.append(f"{where}'s TeaCache (threshold {w.get('teacache_threshold')}) is not taken: the "
                             "generator's step cache setting is Studio's")
        if w.get("is_image") is True:
            self.said.append(f"{where} makes one picture (is_image): Studio's generator makes a clip of the length set")
        base = w.get("base_resolution")
        if n.cls not in T2V_SAMPLERS and finite(base):
            self.said.append(f"{where} picks its size from base resolution {base:g} and its input's aspect ratio "
                             "when it runs: the size is not known before, so the generator's own stands")
        frames = w.get("video_length")
        if n.cls in V2V_SAMPLERS and "validation_video" in n.links and "control_video" not in n.links and \
                finite(frames) and frames > 0:  # (the pack's sampler cuts the clip it is given to its video_length)
            self.said.append(f"{where} restyles the first {int(frames)} frames of the clip it is given (video_length "
                             f"{int(frames)}): Studio's Video to Video restyles as many as its 'frames' asks (0: every "
                             f"frame it is given): set its frames to {int(frames)} for the same")
        if n.cls in V2V_SAMPLERS and "control_video" in n.links and "validation_video" in n.links:
            self.said.append(f"{where}'s validation_video beside its control clip is not taken (the control clip "
                             "drives the take)")


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s EasyAnimate nodes into the core nodes that mean the same, in place; the sentences that say
    what was read as what, and what was not taken (none when the workflow has no node of the pack)."""
    return _Translation.translate(wf)
