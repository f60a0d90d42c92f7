"""Workflows made with VideoX-Fun's own ComfyUI nodes (aigc-apps/VideoX-Fun, Apache-2.0: comfyui/wan2_1,
wan2_1_fun, wan2_2, wan2_2_fun, wan2_2_vace_fun and comfyui_nodes.py) read as ComfyUI's core nodes.

The pack loads a Wan model as one 'funmodels' object: from the release's model folder (LoadWanModel,
LoadWanFunModel, LoadWan2_2Model, LoadWan2_2FunModel, LoadWan2_2VaceFunModel: models/Fun_Models/<name>), or
'chunked' from single files combined (Load*TransformerModel, LoadWanVAEModel, LoadWanTextEncoderModel,
LoadWanClipEncoderModel -> Combine*Pipeline: a Wan 2.2 A14B's second transformer is its high-noise expert);
LoRA nodes hang on the funmodels; FunTextBox nodes hold the prompts; one sampler node loads, samples and decodes,
its task told by what is wired into it (a start / end image: image to video, Fun InP's first and last frames; a
control clip: Fun Control; a camera path: Fun Camera; a validation video with its denoise: video to video;
VACE's control clip, subject images and start / end frames). ``translate`` rewrites them, in place, into the core
nodes that mean the same (CheckpointLoaderSimple, UNETLoader, VAELoader, CLIPLoader, CLIPVisionLoader,
LoraLoaderModelOnly, ModelSamplingSD3, CLIPTextEncode, the Wan task nodes of comfy.py, KSampler or two
KSamplerAdvanced for two experts, VAEDecode), so the converter reads such a workflow as a core one; what
Studio has no counterpart for (TeaCache, RIFLEx, CFG skipping, the memory modes, the size picked from the input
when it runs) is said. The settings' names and order are the pack's INPUT_TYPES (read for meaning at 804a425;
nothing of it is imported or run). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import BUCKET_LIKE, BUCKET_SCALE, CNode, find_loader, PackTranslation, Workflow, finite

from .comfy_videox_fun_experts import high_steps
from .comfy_videox_fun_shift import unsaved_shift
from .comfy_videox_fun_data import (ANNOTATORS, CAMERA_NODES, CAMERA_POSES, FOLDER_LOADERS, LORAS, PASS_THROUGH, SCHEDULERS,
                                    TEXT, VACE_TASK, WIDGETS, kind)


class _Translation(PackTranslation):
    PACK, WIDGETS = "VideoX-Fun's", WIDGETS

    def __init__(self, wf: Workflow):
        super().__init__(wf)
        self.made_parts: dict[str, dict] = {}  # a loader or Combine node's id -> the parts it gives
        self.samplers: list[CNode] = []

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in WIDGETS

    def steps(self) -> None:
        self.annotators()
        self.samplers = [n for n in self.wf.nodes.values() if kind(n.cls)]
        if not self.samplers:
            return
        self.pass_through()
        self.texts()
        self.unconnected_cameras()
        self.camera()
        for n in self.samplers:
            self.sampler(n, self.named(n))

    def where(self, n: CNode) -> str:
        return f"'{n.title or n.shown_cls}' (#{n.id}, {n.shown_cls})"

    # -- the funmodels' way -------------------------------------------------------------------------
    def pass_through(self) -> None:
        """FunCompile and FunAttention (speed settings on the funmodels): their input passed on, said."""
        for n in [x for x in self.wf.nodes.values() if x.cls in PASS_THROUGH]:
            if "funmodels" in n.links:
                self.rewire((n.id, 0), n.links["funmodels"])
            self.wf.taken.add(n.id)
            self.said.append(f"{self.where(n)} sets VideoX-Fun's {PASS_THROUGH[n.cls]}: not applied, Studio plans "
                             "memory and speed itself")

    def way(self, link) -> tuple[list[CNode], CNode | None]:
        """The LoRA nodes on a funmodels link (nearest the sampler first) and the loader or Combine node it starts at."""
        loras, seen = [], set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            seen.add(link[0])
            m = self.wf.nodes[link[0]]
            if m.cls not in LORAS:
                return loras, m
            loras.append(m)
            link = m.links.get("funmodels") or m.links.get("cogvideoxfun_model")
        return loras, None

    def parts(self, source: CNode | None) -> dict:
        """The model parts a loader or Combine node gives, as core loaders (made once): 'model' (the low-noise
        expert for two), 'high' (the high-noise expert), 'clip', 'vae', 'vision' links; 'name' and 'type'."""
        if source is None:
            return {}
        if source.id in self.made_parts:
            return self.made_parts[source.id]
        w = self.saved(source)
        out: dict = {"model_type": w.get("model_type"), "config": w.get("config")}
        if source.cls in FOLDER_LOADERS:
            name = w.get("model")
            self.core(source, "CheckpointLoaderSimple", {"ckpt_name": name}, {})
            out.update(model=(source.id, 0), clip=(source.id, 1), vae=(source.id, 2), name=name)
            self.said.append(f"{self.where(source)} names VideoX-Fun's model folder '{name}' (models/Fun_Models/"
                             f"{name}: the release's own layout, its VAE and text encoder as .pth files Studio does not "
                             "load): Load Video Model is given the name; point it at that model's diffusers folder, or "
                             "its denoiser file with Wan's VAE and UMT5 files as safetensors")
            self._memory(source, w)
        elif source.cls.startswith("Combine"):
            out.update(self._combined(source, w))
        self.made_parts[source.id] = out
        return out

    def saved(self, n: CNode) -> dict:
        """A loader's settings as saved (its model_name wired from the transformer's loader is not read: the files
        are the loaders')."""
        order = WIDGETS.get(n.cls, ())
        return dict(n.widgets) if n.widgets else dict(zip(order, n.raw)) if isinstance(n.raw, list) else {}

    def _combined(self, n: CNode, w: dict) -> dict:
        """A Combine*Pipeline's files, each loader in its place as the core loader of the same file."""
        out: dict = {}
        for port, key in (("transformer", "model"), ("transformer_2", "high")):
            src = self.wf.source(n, port)
            if src is not None:
                self.core(src, "UNETLoader", {"unet_name": self.named(src).get("model_name")}, {})
                out[key] = (src.id, 0)
        for port, key, cls, widget in (("vae", "vae", "VAELoader", "vae_name"), ("text_encoder", "clip", "CLIPLoader",
                                                                                 "clip_name"),
                                       ("clip_encoder", "vision", "CLIPVisionLoader", "clip_name")):
            src = self.wf.source(n, port)
            if src is not None:
                extra = {"type": "wan"} if cls == "CLIPLoader" else {}
                name = self.named(src).get("model_name")
                self.core(src, cls, {widget: name, **extra}, {})
                if str(name).lower().endswith((".pth", ".pt", ".bin", ".ckpt")):
                    self.said.append(f"'{src.title or src.shown_cls}' (#{src.id}, {src.shown_cls})'s '{name}' is a "
                                     "pickle file, which Studio never loads: give Load Video Model the same part as "
                                     ".safetensors (ComfyUI's Wan files)")
                out[key] = (src.id, 0)
        self.wf.taken.add(n.id)
        self.made[n.cls] = "the core loaders of the files wired into it"
        if "high" in out and "model" in out:
            self.said.append(f"{self.where(n)}'s transformer_2 is Wan 2.2 A14B's high-noise expert and its transformer "
                             "the low-noise one: read as two samplers, one on each expert")
        self._memory(n, w)
        return out

    def _memory(self, n: CNode, w: dict) -> None:
        mode = w.get("GPU_memory_mode")
        if isinstance(mode, str):
            self.said.append(f"{self.where(n)}'s GPU_memory_mode '{mode}' is not taken: Load Video Model's memory "
                             "setting chooses how the model is held")

    def model_links(self, n: CNode) -> tuple[dict, list[CNode]]:
        loras, source = self.way(n.links.get("funmodels"))
        return self.parts(source), loras

    def lora_chain(self, top, loras: list[CNode], which: str) -> tuple[str, int]:
        """``loras`` (nearest the sampler first) as LoraLoaderModelOnly on the model ``top`` gives; ``which``:
        'lora_name' or, for the high-noise expert, 'lora_high_name'."""
        for sel in reversed(loras):
            sw = self.named(sel)
            name = sw.get(which) if which in sw else sw.get("lora_name")
            c = self.core(sel, "LoraLoaderModelOnly", {"lora_name": name, "strength_model": sw.get("strength_model")},
                          {"model": top}, nid=f"{sel.id}:{which}")
            self.made.setdefault(sel.cls, "LoraLoaderModelOnly")
            self.wf.taken.add(sel.id)
            top = (c.id, 0)
        return top

    def annotators(self) -> None:
        """The pack's control-clip drawers (VideoToCanny / VideoToDepth / VideoToOpenpose) as the core steps
        Studio's Edges, Depth and Pose nodes stand for; the frames each draws said."""
        for n in [x for x in self.wf.nodes.values() if x.cls in ANNOTATORS]:
            w, cls = self.named(n), ANNOTATORS[n.cls]
            c = self.core(n, cls, {}, {"image": n.links["input_video"]} if "input_video" in n.links else {})
            if cls == "Canny":  # its thresholds are grey levels; ComfyUI's Canny's fractions of 1
                c.raw = [w.get(k) / 255 if finite(w.get(k)) else None for k in ("low_threshold", "high_threshold")]
            if finite(w.get("video_length")):
                self.said.append(f"{self.where(n)} draws the first {w['video_length']:g} frames (video_length): Studio's "
                                 "node draws every frame of the clip, the generator's frames set the take")

    def src(self, n: CNode, port: str) -> str:
        s = self.wf.source(n, port)
        return f"'{s.title or s.shown_cls}' (#{s.id}, {s.shown_cls})" if s is not None else "a node"

    # -- prompts and camera ---------------------------------------------------------------------------
    def texts(self) -> None:
        """A FunTextBox read by one of the pack's Wan samplers: a CLIPTextEncode of its prompt."""
        fed = {v[0]: s for s in self.samplers for k, v in s.links.items() if k in ("prompt", "negative_prompt")}
        for n in list(self.wf.nodes.values()):
            if n.cls == TEXT and n.id in fed:
                clip = self.model_links(fed[n.id])[0].get("clip")
                self.core(n, "CLIPTextEncode", {"text": self.named(n).get("prompt")}, {"clip": clip} if clip else {})

    def unconnected_cameras(self) -> None:
        """A ChaoJie camera node whose move feeds nothing (an example left beside the one wired): said."""
        fed = {v[0] for m in self.wf.nodes.values() for v in m.links.values()}
        for n in self.wf.nodes.values():
            if n.cls in CAMERA_NODES + ("CameraJoinFromChaoJie",) and n.id not in fed and n.enabled:
                self.said.append(f"{self.where(n)} feeds nothing in the workflow: its move is not used")

    def camera(self) -> None:
        """CameraTrajectoryFromChaoJie (lens) on a CameraBasic / CameraCombine (moves, speed, length) as one
        WanCameraEmbedding, which comfy_motion reads as a Camera Path."""
        for n in [x for x in self.wf.nodes.values() if x.cls == "CameraTrajectoryFromChaoJie"]:
            w, src = self.named(n), self.wf.source(n, "camera_pose")
            if src is None or src.cls not in CAMERA_NODES:
                continue
            sw = self.named(src)
            poses = [sw[k] for k in CAMERA_POSES if k in sw]
            moving = [p for p in poses if p != "Static"] or ["Static"]
            if len(moving) > 1:
                self.said.append(f"{self.where(src)} combines the moves {', '.join(repr(p) for p in moving)}: Studio's "
                                 f"Camera Path is given the first, '{moving[0]}'; add the others as its keys")
            self.core(n, "WanCameraEmbedding", {"camera_pose": moving[0], "speed": sw.get("speed"),
                                                "length": sw.get("video_length"),
                                                **{k: w.get(k) for k in ("fx", "fy", "cx", "cy")}}, {})
            self.wf.taken.add(src.id)
            self.made[src.cls] = "WanCameraEmbedding's move"

    # -- the sampler --------------------------------------------------------------------------------
    def sampler(self, n: CNode, w: dict) -> None:
        """The pack's sampler (it loads, samples and decodes): its task node, a KSampler (two KSamplerAdvanced for
        two experts) and a VAEDecode in its place, which gives its frames to what read them."""
        parts, loras = self.model_links(n)
        pos, neg = n.links.get("prompt"), n.links.get("negative_prompt")
        bucketed = self.bucket(n, w, parts)
        latent, pos, neg, denoise = self.task(n, w, parts, pos, neg)
        self.model_type_read(n, parts)
        self.said_settings(n, w, "high" in parts, bucketed)
        self.made[n.cls] = "KSampler and VAEDecode" if "high" not in parts else "two KSamplerAdvanced and VAEDecode"
        sched = str(w.get("scheduler") or "")
        common = {"cfg": w.get("cfg"), "sampler_name": SCHEDULERS.get(sched, sched or None), "scheduler": "simple"}
        conds = {k: v for k, v in (("positive", pos), ("negative", neg), ("latent_image", latent)) if v is not None}
        low = self.shifted(n, self.lora_chain(parts["model"], loras, "lora_name"), w, "") if "model" in parts else None
        if "high" in parts:  # Wan 2.2 A14B: the high-noise expert first, then the low-noise one
            high = self.shifted(n, self.lora_chain(parts["high"], loras, "lora_high_name"), w, "high")
            steps = w.get("steps")
            half = high_steps(steps, w.get("shift"), w.get("boundary"), w.get("scheduler"))  # (the pack's own switch)
            half = steps // 2 if half is None and isinstance(steps, int) and steps > 1 else half
            self.core(n, "KSamplerAdvanced", {**common, "noise_seed": w.get("seed"), "steps": steps, "add_noise": "enable",
                                              "start_at_step": 0, "end_at_step": half,
                                              "return_with_leftover_noise": "enable"},
                      {**conds, "model": high}, nid=f"{n.id}:high")
            conds = {**conds, "latent_image": (f"{n.id}:high", 0)}
            self.core(n, "KSamplerAdvanced", {**common, "noise_seed": w.get("seed"), "steps": steps, "add_noise": "disable",
                                              "start_at_step": half, "end_at_step": 10000,
                                              "return_with_leftover_noise": "disable"},
                      {**conds, **({"model": low} if low else {})}, nid=f"{n.id}:sampler")
        else:
            self.core(n, "KSampler", {**common, "seed": w.get("seed"), "steps": w.get("steps"),
                                      "denoise": denoise if finite(denoise) else None},
                      {**conds, **({"model": low} if low else {})}, nid=f"{n.id}:sampler")
        vae = parts.get("vae")
        self.core(n, "VAEDecode", {}, {"samples": (f"{n.id}:sampler", 0), **({"vae": vae} if vae else {})})

    def model_type_read(self, n: CNode, parts: dict) -> None:
        """The model folder loader's model_type where the task read from the sampler's inputs is the one it names (a
        Control model's control clip or camera path, an Inpaint model's images or clip): kept on the loader made, so
        it is not said "not applied" (proxymine24: 'Control' was, beside the Fun Control generator it made)."""
        if kind(n.cls) not in ("i2v", "inpaint", "v2v") or "high" in parts:
            return
        want = "Control" if {"control_video", "camera_conditions"} & set(n.links) else "Inpaint"
        node = self.wf.nodes.get(parts["model"][0]) if parts.get("model") else None
        if parts.get("model_type") == want and node is not None and node.cls == "CheckpointLoaderSimple":
            node.widgets["model_type"] = want

    def bucket(self, n: CNode, w: dict, parts: dict) -> bool:
        """The picture or clip the sampler picks its size from when it runs (the aspect bucket nearest its own at
        base_resolution: nodes/edit/scale_buckets.py) scaled there by a stand-in resize (BUCKET_SCALE, read as
        Scale's 'buckets'), so the generator, at the size of what it is given, makes the take at the pack's size.
        The picture measured is the pack's (its samplers' process, 804a425): the start image (image to video, InP's
        first frame, a camera path's start image); the validation video (video to video); for a control clip (Fun
        Control, VACE) the start image, else the reference image (VACE: the first subject picture), else the clip.
        Where the picture measured is not what gives the take its size (a control clip's generator takes the clip's),
        the clip is scaled to the measured picture's bucket by a second stand-in (BUCKET_LIKE, read as Scale's 'like').
        False where none is measured, the picture measured is not found or the base is not a number (the size then
        said not read)."""
        what, links, base = kind(n.cls), n.links, w.get("base_resolution")
        if not finite(base):
            return False
        clip = "control_video" if what in ("v2v", "vace") and "control_video" in links else None
        if what in ("i2v", "inpaint") or what == "v2v" and "camera_conditions" in links:
            port = next((k for k in ("start_img", "start_image") if k in links), None)
            clip = None  # (a camera path's take: the start image's size, its control clip not read)
        elif what == "v2v" and "validation_video" in links and clip is None:
            port = "validation_video"
        elif clip is not None:
            port = next((k for k in ("start_image", "ref_image", "subject_ref_images", "control_video") if k in links))
        else:
            port = None
        if port is None:
            return False
        # (Wan 2.2's own I2V sampler rounds to its VAE's compression x 2: 32 for the 5B's VAE, else 16)
        five = what == "i2v" and n.cls.startswith("Wan2_2") and "5b" in str(parts.get("name") or
                                                                             self.model_file(parts) or "").lower()
        size = {"base_resolution": int(base), "multiple": 32 if five else 16}
        liked = clip is not None and clip != port  # (the clip scaled to the size measured of another picture)
        measured = self.measured(n, port) if liked else links[port]
        if measured is None or liked and find_loader(self.wf, n, clip, set()) is None:
            return False  # (a picture or clip made by nodes Studio does not convert: the size is not worked out)
        if port in ("ref_image", "subject_ref_images"):  # not the generator's (Fun's ref_image is not wired; a
            like = measured  # VACE subject is read as it is): only measured, by the clip's Scale
        else:
            c = self.core(n, BUCKET_SCALE, size, {"image": links[port]}, nid=f"{n.id}:size")
            links[port] = like = (c.id, 0)
        if liked:
            c = self.core(n, BUCKET_LIKE, {**size, "measured": port}, {"image": links[clip], "like": like},
                          nid=f"{n.id}:size_like")
            links[clip] = (c.id, 0)
        return True

    def measured(self, n: CNode, port: str):
        """The link of the picture the sampler measures on ``port`` (VACE's subject pictures: the first one gathered),
        None where no file is found behind it."""
        link = n.links.get(port)
        src = self.wf.source(n, port)
        if port == "subject_ref_images" and src is not None and src.cls == "ImageCollectNode":
            link = next(iter(self.gathered(src)), None)
        if link is None or link[0] not in self.wf.nodes:
            return None
        probe = CNode("~probe", "~probe", links={"image": link})
        return link if find_loader(self.wf, probe, "image", set()) is not None else None

    def two(self, n: CNode) -> bool:
        """Whether the sampler's model folder is a Wan 2.2 A14B one (two experts in one folder)."""
        parts = self.model_links(n)[0]
        return "a14b" in str(parts.get("name") or "").lower()

    def shifted(self, n: CNode, model, w: dict, tag: str) -> tuple[str, int]:
        """The sampler's shift as a ModelSamplingSD3 on the model's way; where the file's version of the sampler saves
        no shift (unsaved_shift), the one it samples at."""
        shift = w.get("shift") if finite(w.get("shift")) else unsaved_shift(self, n)
        if not finite(shift):
            return model
        c = self.core(n, "ModelSamplingSD3", {"shift": shift}, {"model": model}, nid=f"{n.id}:shift{tag}")
        return (c.id, 0)

    def task(self, n: CNode, w: dict, parts: dict, pos, neg):
        """The latent the sampler starts from, made by the task node its wired inputs mean: (latent, positive,
        negative, denoise)."""
        what, links = kind(n.cls), n.links
        frames = w.get("video_length")
        base = {"positive": pos, "negative": neg, "vae": parts.get("vae"), "clip_vision_output": self.vision(n, parts)}
        if what == "vace":
            cls, ports = VACE_TASK, (("control_video", "control_video"), ("subject_ref_images", "reference_image"),
                                     ("start_image", "start_image"), ("end_image", "end_image"))
            latent = self.task_node(n, cls, {"length": frames, "strength": 1.0}, base, ports, self.subjects(n))
            return latent, (n.id + ":task", 0), (n.id + ":task", 1), None
        if what == "v2v" and "camera_conditions" in links:
            cam = self.wf.source(n, "camera_conditions")
            ports = (("start_image", "start_image"),)
            latent = self.task_node(n, "WanCameraImageToVideo", {"length": frames}, base, ports,
                                    {"camera_conditions": links["camera_conditions"]} if cam is not None else {})
            self.unread(n, ("control_video", "validation_video", "ref_image", "end_image"), "its camera path drives the take")
            return latent, (n.id + ":task", 0), (n.id + ":task", 1), None
        if what == "v2v" and "control_video" in links:
            latent = self.task_node(n, "WanFunControlToVideo", {"length": frames}, base,
                                    (("control_video", "control_video"), ("start_image", "start_image")))
            if "ref_image" in links:
                self.said.append(f"{self.src(n, 'ref_image')}, wired into {self.where(n)}'s ref_image, is Fun V1.1's "
                                 "reference image (read by its ref_conv), which Studio's Wan Fun Control does not read: "
                                 "not wired")
            self.unread(n, ("validation_video", "end_image"), "the control clip drives the take")
            return latent, (n.id + ":task", 0), (n.id + ":task", 1), None
        if what == "v2v" and "validation_video" in links:  # a clip denoised part way: video to video
            enc = self.core(n, "VAEEncode", {}, {"pixels": links["validation_video"],
                                                 **({"vae": parts["vae"]} if parts.get("vae") else {})}, nid=f"{n.id}:encode")
            self.unread(n, ("start_image", "end_image", "ref_image"), "the validation video is denoised part way")
            return (enc.id, 0), pos, neg, w.get("denoise_strength")
        starts = [k for k in ("start_img", "start_image", "end_img", "end_image") if k in links]
        if what in ("i2v", "inpaint", "v2v") and starts:
            five = "5b" in str(parts.get("name") or self.model_file(parts) or "").lower()
            cls = "Wan22ImageToVideoLatent" if five and what == "i2v" else \
                "WanImageToVideo" if what == "i2v" else "WanFunInpaintToVideo"
            ports = (("start_img", "start_image"), ("start_image", "start_image"), ("end_img", "end_image"),
                     ("end_image", "end_image"))
            latent = self.task_node(n, cls, {"length": frames}, base, ports)
            if cls == "Wan22ImageToVideoLatent":  # the latent only: the prompts go to the sampler as they are
                return (n.id + ":task", 0), pos, neg, None
            return latent, (n.id + ":task", 0), (n.id + ":task", 1), None
        size = {"width": w.get("width"), "height": w.get("height")} if what == "t2v" else {}
        c = self.core(n, "EmptyHunyuanLatentVideo", {**size, "length": frames, "batch_size": 1}, {}, nid=f"{n.id}:latent")
        if what != "t2v":
            self.said.append(f"{self.where(n)} has no image or clip wired: read as text to video at the generator's size")
        return (c.id, 0), pos, neg, None

    def subjects(self, n: CNode) -> dict:
        """The pictures an ImageCollectNode (chained ones too) gathers into the VACE sampler's subject_ref_images:
        the first two as Wan VACE's 'reference' and 'reference_2', any more said."""
        src = self.wf.source(n, "subject_ref_images")
        if src is None or src.cls != "ImageCollectNode":
            return {}
        self.wf.taken.add(src.id)
        pictures = self.gathered(src)
        self.made.setdefault(src.cls, "Wan VACE's reference images")
        out = dict(zip(("reference_image", "reference_image_2"), pictures))
        for i, link in enumerate(pictures[2:], 3):
            pic = self.wf.nodes.get(link[0])
            who = f"'{pic.title or pic.shown_cls}' (#{pic.id}, {pic.shown_cls})" if pic is not None else "a picture"
            self.said.append(f"{who}, subject picture {i} of {self.where(n)}, is not taken: Studio's Wan VACE reads two "
                             "reference images ('reference', 'reference_2')")
        return out

    def gathered(self, m: CNode, depth: int = 0) -> list:
        """The links of the pictures ImageCollectNode ``m`` gathers, in order (a chained one's in its place)."""
        out = []
        for port in ("image_1", "image_2"):
            link = m.links.get(port)
            up = self.wf.nodes.get(link[0]) if link else None
            if up is not None and up.cls == "ImageCollectNode" and depth < 16:
                self.wf.taken.add(up.id)
                out += self.gathered(up, depth + 1)
            elif link is not None:
                out.append(link)
        return out

    def vision(self, n: CNode, parts: dict):
        """The CLIP vision file's encode of the start image (a CLIPVisionEncode), as Wan 2.1's image models read it;
        with no start image its loader is said as not used."""
        if "vision" not in parts:
            return None
        image = next((n.links[k] for k in ("start_img", "start_image") if k in n.links), None)
        if self.ref_encoded(n, parts, image):
            return None if image is None else self.encode(n, parts, image)
        if image is None:
            loader = self.wf.nodes[parts["vision"][0]]
            self.wf.taken.add(loader.id)
            self.said.append(f"'{loader.title or loader.shown_cls}' (#{loader.id}, {loader.shown_cls}) is not used: "
                             f"{self.where(n)} has no start image for it to encode")
            return None
        return self.encode(n, parts, image)

    def encode(self, n: CNode, parts: dict, image) -> tuple[str, int]:
        c = self.core(n, "CLIPVisionEncode", {"crop": "none"}, {"clip_vision": parts["vision"], "image": image},
                      nid=f"{n.id}:vision")
        return (c.id, 0)

    def ref_encoded(self, n: CNode, parts: dict, start) -> bool:
        """Whether the sampler's CLIP image encoder encodes its ref_image, which Studio does not read (said): a V2V
        sampler on a control clip gives the encoder its reference image where one is wired, else its start image
        (VideoX-Fun's WanFunV2VSampler / Wan2_2FunV2VSampler.process, comfyui/wan2_1_fun and wan2_2_fun nodes.py at
        804a4258: 'clip_image = ref_image' first); it was said "not used: no start image for it to encode"
        (proxymine24)."""
        links = n.links
        if kind(n.cls) != "v2v" or "camera_conditions" in links or not {"control_video", "ref_image"} <= set(links):
            return False
        loader = self.wf.nodes[parts["vision"][0]]
        if start is None:
            self.wf.taken.add(loader.id)
        self.said.append(f"'{loader.title or loader.shown_cls}' (#{loader.id}, {loader.shown_cls}) encodes "
                         f"{self.src(n, 'ref_image')}, {self.where(n)}'s ref_image, for the take (the sampler gives "
                         "its image encoder the reference image where one is wired, else its start image): "
                         "not applied, Studio's Wan Fun Control does not read the reference image"
                         + (", and its image encoder reads the start image instead" if start is not None else ""))
        return True

    def model_file(self, parts: dict) -> str | None:
        m = parts.get("model")
        node = self.wf.nodes.get(m[0]) if m else None
        return node.widgets.get("unet_name") if node is not None else None

    def task_node(self, n: CNode, cls: str, widgets: dict, base: dict, ports, extra=None) -> tuple[str, int]:
        """Wan's task node ``cls`` for sampler ``n`` (its prompts, its VAE, the images wired into ``ports``:
        (sampler input, task input)); its latent output."""
        links = {k: v for k, v in base.items() if v is not None}
        links.update({into: n.links[k] for k, into in ports if k in n.links})
        links.update(extra or {})
        self.core(n, cls, {**widgets, "batch_size": 1}, links, nid=f"{n.id}:task")
        return (f"{n.id}:task", 0 if cls == "Wan22ImageToVideoLatent" else 2)

    def unread(self, n: CNode, ports, why: str) -> None:
        for k in ports:
            if k in n.links:
                self.said.append(f"{self.src(n, k)}, wired into {self.where(n)}'s {k}, is not taken: {why}")

    def said_settings(self, n: CNode, w: dict, experts: bool, bucketed: bool = False) -> None:
        """What the sampler sets that Studio has no counterpart for, each said where set."""
        where = self.where(n)
        if w.get("enable_teacache") is True:
            self.said.append(f"{where}'s TeaCache (threshold {w.get('teacache_threshold')}, from step "
                             f"{w.get('num_skip_start_steps')}) is not taken: the generator's step cache setting is Studio's")
        if finite(w.get("cfg_skip_ratio")) and w["cfg_skip_ratio"] > 0:
            self.said.append(f"{where}'s cfg_skip_ratio {w['cfg_skip_ratio']:g} (guidance skipped on the last steps) "
                             "is not taken: every step is guided")
        if "riflex_k" in n.links:
            self.said.append(f"{where}'s riflex_k (RIFLEx, for takes longer than the model's) is not taken")
        if w.get("is_image") is True:
            self.said.append(f"{where} makes one picture (is_image): Studio's generator makes a clip of the length set")
        if finite(w.get("base_resolution")) and kind(n.cls) != "t2v" and not bucketed:
            self.said.append(f"{where} picks its size from base resolution {w['base_resolution']:g} and its input's "
                             "aspect ratio when it runs: the size is not known before, so the generator's own stands")
        if finite(w.get("boundary")):
            self.said.append(f"{where}'s boundary {w['boundary']:g} (where Wan 2.2 A14B passes from its high-noise to "
                             "its low-noise expert) is not taken: " + ("Studio switches at the model's own boundary_ratio"
                                                                       if experts or self.two(n) else
                                                                       "its model is loaded as one denoiser"))
        if w.get("padding_in_subject_ref_images") is True and "subject_ref_images" in n.links:  # (none: no padding)
            self.said.append(f"{where} pads its subject images to the take's size (padding_in_subject_ref_images): "
                             "not taken, Wan VACE reads each reference as it is")


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s VideoX-Fun Wan nodes into the core nodes that mean the same, in place; the sentences that
    say what was read as what, and what was not taken (none when the workflow has no node of the pack)."""
    return _Translation.translate(wf)
