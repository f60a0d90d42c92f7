"""Workflows made with VideoX-Fun's own CogVideoX-Fun nodes (aigc-apps/VideoX-Fun, Apache-2.0, comfyui/cogvideox_fun
and comfyui_nodes.py) read as ComfyUI's core nodes and this family's task nodes.

LoadCogVideoXFunModel names a release folder (models/Fun_Models/<name>, CogVideoX's diffusers parts) and its type
(Inpaint or Control); LoadCogVideoXFunLora hangs a LoRA on it; FunTextBox nodes hold the prompts; one sampler
(text, inpaint or video to video) loads, samples and decodes. A Control / Pose model's control clip becomes the
family's Fun Control task (comfy.py). An InP model's samplers become the family's InP task (the CogVideoX Fun InP
node, fun_inp.py: its transformer also reads an inpaint mask and the masked video's latents): the text sampler's
length and size, the inpaint sampler's start and end images and length, the video sampler's clip, length and
denoise strength. A Control model given no control clip is held, said (api.held_task). The settings' names and
order are the pack's INPUT_TYPES (read for meaning at 804a425; nothing of it is imported or run). Plain data and
stdlib."""
from __future__ import annotations

from studio.convert.api import BUCKET_SCALE, CONTROL, CNode, PackTranslation, Task, Workflow, finite, find_loader

from .comfy_wrapper import FUN_CONTROL_TASK, HELD

_T2V = ("video_length", "width", "height", "is_image", "seed", CONTROL, "steps", "cfg", "scheduler")
WIDGETS: dict[str, tuple[str, ...]] = {
    "LoadCogVideoXFunModel": ("model", "model_type", "GPU_memory_mode", "precision"),
    "LoadCogVideoXFunLora": ("lora_name", "strength_model", "lora_cache"),
    "CogVideoXFunT2VSampler": _T2V,
    "CogVideoXFunInpaintSampler": ("video_length", "base_resolution", "seed", CONTROL, "steps", "cfg", "scheduler"),
    "CogVideoXFunV2VSampler": ("video_length", "base_resolution", "seed", CONTROL, "steps", "cfg", "denoise_strength",
                               "scheduler"),
    "FunTextBox": ("prompt",),
}
SAMPLERS = ("CogVideoXFunT2VSampler", "CogVideoXFunInpaintSampler", "CogVideoXFunV2VSampler")
SCHEDULERS = {"Euler": "euler", "Euler A": "euler_ancestral", "DPM++": "dpmpp_2m", "PNDM": "pndm", "DDIM": "ddim"}
INP_TASK = "CogVideoXFunInPHeld"  # a Control model's sampler given no control clip, held (comfy.py reads it: inp_task)
INP_MADE = "CogVideoXFunInPToVideo"  # an InP model's sampler: the CogVideoX Fun InP node's task (comfy.py)
INP_WIDGETS = ("length", "width", "height", "strength")
# the sampler's inputs -> the InP task's (its start and end images, the clip it makes again)
INP_LINKS = (("start_img", "start_img"), ("end_img", "end_img"), ("validation_video", "validation_video"))
# the sampler's kind, in words, for the held task
KINDS = {"CogVideoXFunT2VSampler": "text to video", "CogVideoXFunInpaintSampler": "image to video (inpaint)",
         "CogVideoXFunV2VSampler": "video to video"}


def inp_task(b, node, up, spec, inputs, said):
    """The held task of a CogVideoX-Fun InP model's sampler (or a Control model's given no control clip)."""
    model, what, sampler = (b.wf.value(node, k) for k in ("model", "task", "sampler"))
    return Task(f"{what} with CogVideoX-Fun '{model}' ({sampler})", None, family="CogVideoX",
                cannot=f"run CogVideoX-Fun '{model}' for {sampler}'s {what}: an InP model's transformer also reads an "
                       "inpaint mask and the masked video's latents, which none of diffusers' CogVideoX pipelines Studio "
                       "runs gives it" if "inp" in str(model).lower() else
                       f"run {sampler}'s {what} with CogVideoX-Fun '{model}' without a control clip")


class _Translation(PackTranslation):
    PACK, WIDGETS, HELD = "VideoX-Fun's CogVideoX-Fun", WIDGETS, HELD

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in WIDGETS

    def steps(self) -> None:
        samplers = [n for n in self.wf.nodes.values() if n.cls in SAMPLERS]
        if not samplers:
            return
        fed = {v[0] for s in samplers for k, v in s.links.items() if k in ("prompt", "negative_prompt")}
        for n in list(self.wf.nodes.values()):
            w = self.named(n)
            if n.cls == "LoadCogVideoXFunModel":
                self.core(n, "CheckpointLoaderSimple", {"ckpt_name": w.get("model")}, {})
                if isinstance(w.get("GPU_memory_mode"), str):
                    self.said.append(f"{self.where(n)}'s GPU_memory_mode '{w['GPU_memory_mode']}' is not taken: Load "
                                     "Video Model's memory setting chooses how the model is held")
            elif n.cls == "LoadCogVideoXFunLora":
                self.core(n, "LoraLoaderModelOnly", {"lora_name": w.get("lora_name"),
                                                     "strength_model": w.get("strength_model")},
                          {"model": n.links["cogvideoxfun_model"]} if "cogvideoxfun_model" in n.links else {})
            elif n.cls == "FunTextBox" and n.id in fed:
                self.core(n, "CLIPTextEncode", {"text": w.get("prompt")}, {})
        for n in samplers:
            self.sampler(n, self.named(n))

    def where(self, n: CNode) -> str:
        return f"'{n.title or n.shown_cls}' (#{n.id}, {n.shown_cls})"

    def loader(self, link) -> CNode | None:
        seen = set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            seen.add(link[0])
            m = self.wf.nodes[link[0]]
            if m.cls == "CheckpointLoaderSimple":
                return m
            link = m.links.get("model")
        return None

    def sampler(self, n: CNode, w: dict) -> None:
        """The pack's sampler as its task node (Fun Control's, or the held InP task), a KSampler on it and a
        VAEDecode in its place."""
        model = n.links.get("cogvideoxfun_model")
        pos, neg = n.links.get("prompt"), n.links.get("negative_prompt")
        loader = self.loader(model)
        name = str(loader.widgets.get("ckpt_name") or "") if loader is not None else ""
        control = any(k in name.lower() for k in ("control", "pose")) and "inp" not in name.lower()
        frames = w.get("video_length")
        denoise = None
        if control and "control_video" in n.links:
            links = {k: v for k, v in (("positive", pos), ("negative", neg), ("start_image", n.links["control_video"]))
                     if v is not None}
            self.core(n, FUN_CONTROL_TASK, {"length": frames}, links, nid=f"{n.id}:task")
            latent, pos, neg = (f"{n.id}:task", 2), (f"{n.id}:task", 0), (f"{n.id}:task", 1)
            if "validation_video" in n.links:
                self.said.append(f"{self.where(n)}'s validation_video beside its control clip is not taken (the "
                                 "control clip drives the take)")
        elif control and "validation_video" in n.links:  # a clip denoised part way: video to video
            enc = self.core(n, "VAEEncode", {}, {"pixels": n.links["validation_video"]}, nid=f"{n.id}:encode")
            latent, denoise = (enc.id, 0), w.get("denoise_strength")
        elif not control:  # an InP model: the CogVideoX Fun InP task, given what the sampler is
            latent, pos, neg = self.inp(n, w, pos, neg)
        else:  # a control model given no clip: held in one sentence
            held = self.core(n, INP_TASK, {"model": name, "task": KINDS[n.cls], "sampler": f"{n.shown_cls} #{n.id}",
                                           "length": frames},  # (its length and a clip's strength said with the held
                             {k: v for k, v in n.links.items() if k in ("start_img", "end_img", "validation_video",
                                                                        "control_video")}, nid=f"{n.id}:held")
            latent = (held.id, 0)  # task's settings, mapping/held_values: heldout46 13-14, rejudge9)
            if "validation_video" in n.links:
                denoise = w.get("denoise_strength")
        self._said(n, w)
        self.made[n.cls] = "KSampler and VAEDecode"
        self.ksampler(n, w, SCHEDULERS, {"model": model, "positive": pos, "negative": neg, "latent_image": latent},
                      denoise, nid=f"{n.id}:sampler")
        self.core(n, "VAEDecode", {}, {"samples": (f"{n.id}:sampler", 0)})

    def inp(self, n: CNode, w: dict, pos, neg) -> tuple:
        """An InP model's sampler as the CogVideoX Fun InP task node: its length, the text sampler's size, the video
        sampler's denoise strength (where it makes a clip again), the images and clip wired; its (latent, positive,
        negative) outputs."""
        links = {k: n.links[src] for src, k in INP_LINKS if src in n.links}
        links.update({k: v for k, v in (("positive", pos), ("negative", neg)) if v is not None})
        widgets = {"length": w.get("video_length")}
        if n.cls == "CogVideoXFunT2VSampler":
            widgets.update(width=w.get("width"), height=w.get("height"))
        elif self.bucket(n, w, links):  # the size it picks from its input when it runs: that input scaled to its
            widgets.update(width=0, height=0)  # bucket, the node's 0 taking the input's (now the bucket's) size
        if "validation_video" in n.links:
            widgets["strength"] = w.get("denoise_strength")
        if "control_video" in n.links:  # (VideoX-Fun's sampler reads an Inpaint model's validation_video alone)
            self.said.append(f"{self.where(n)}'s control_video is not taken: an InP model makes no take from a control "
                             "clip (VideoX-Fun's sampler reads its validation_video alone)")
        task = self.core(n, INP_MADE, widgets, links, nid=f"{n.id}:task")
        return (task.id, 2), (task.id, 0), (task.id, 1)

    def bucket(self, n: CNode, w: dict, links: dict) -> bool:
        """The picture the sampler picks its size from when it runs (its start image, else its validation video:
        the aspect bucket nearest its own at base_resolution, each side down to 16: the pack's process at 804a425,
        nodes/edit/scale_buckets.py) scaled there by the stand-in resize BUCKET_SCALE (read as Scale's 'buckets') on
        the task's input, so the node, at the size of what it is given, makes the take at the pack's size; the end
        image the node scales to the start's. False where the base is not a number or no file is found behind
        the picture (the size then said not known)."""
        base = w.get("base_resolution")
        port = next((k for k in ("start_img", "validation_video") if k in links), None)
        if not finite(base) or port is None or find_loader(self.wf, n, port, set()) is None:
            return False
        c = self.core(n, BUCKET_SCALE, {"base_resolution": int(base), "multiple": 16}, {"image": links[port]},
                      nid=f"{n.id}:size")
        links[port] = (c.id, 0)
        return True

    def _said(self, n: CNode, w: dict) -> None:
        if w.get("is_image") is True:
            self.said.append(f"{self.where(n)} makes one picture (is_image): Studio's generator makes a clip of the "
                             "length set")
        b = w.get("base_resolution")
        if f"{n.id}:size" in self.wf.nodes:  # (its input scaled to the bucket: bucket)
            return
        if finite(b):
            self.said.append(f"{self.where(n)} picks its size from base resolution {b:g} and its "
                             "input's aspect ratio when it runs: the size is not known before, so the generator's own "
                             "stands")


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s VideoX-Fun CogVideoX-Fun nodes into the core nodes and this family's task nodes that mean the
    same, in place; what was read as what, and what was not taken (none where the workflow has none of them)."""
    return _Translation.translate(wf)
