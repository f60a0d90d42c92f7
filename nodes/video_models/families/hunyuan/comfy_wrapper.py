"""Workflows made with kijai's ComfyUI-HunyuanVideoWrapper read as ComfyUI's own nodes (api.PackTranslation).

The wrapper runs HunyuanVideo with nodes of its own that mean what ComfyUI's core HunyuanVideo nodes mean,
wired its own way: one text node gives the prompt (and, in its first layout, the negative), the sampler
takes the size, length, embedded guidance and shift, the start image's latents ('image_cond_latents') or a
clip's latents to denoise part way ('samples'). ``translate`` rewrites them, in place, into the core nodes
(UNETLoader with its LoRAs, VAELoader, DualCLIPLoader, CLIPTextEncode, TextEncodeHunyuanVideo_ImageToVideo,
FluxGuidance, ModelSamplingSD3, EmptyHunyuanLatentVideo, HunyuanImageToVideo, VAEEncode, KSampler,
VAEDecode), so the converter reads the workflow as it reads a core one. What Studio's HunyuanVideo has no
counterpart for is held in one sentence (comfy.py's HELD task), never made into another task: HunyuanCustom's
reference image, leapfusion's image latents denoised whole (its image-to-video LoRA's trick), the sampler's loop,
mask or negative image latents; the wrapper's speed and memory nodes are said as not taken. SkyReels V1's image to
video (its file named by the loader) is read as HunyuanImageToVideo, which its file makes SkyReels V1's task
(comfy_skyreels.py), with what of HyVideoCFG's guidance its pipeline does not apply said.

The settings' names and order are those of the wrapper's nodes.py (INPUT_TYPES, read for meaning; github
kijai/ComfyUI-HunyuanVideoWrapper at 3ce9640; its first text node held the negative prompt second). Plain
data and stdlib: nothing of the wrapper is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow, finite, node_type

from .comfy_hand_wired import hand_wired
from .comfy_skyreels import cfg_window, i2v_mode_said, is_skyreels

PACK = "ComfyUI-HunyuanVideoWrapper"
PREFIXES = ("HyVideo", "DownloadAndLoadHyVideo")
HELD = "HyVideoHeldInput"  # a sampler input Studio cannot carry: the task held, said (comfy.py declares it)
WIDGETS: dict[str, tuple[str, ...]] = {
    "HyVideoModelLoader": ("model", "base_precision", "quantization", "load_device", "attention_mode",
                           "auto_cpu_offload", "upcast_rope"),
    "HyVideoVAELoader": ("model_name", "precision"),
    "HyVideoLoraSelect": ("lora", "strength"),
    "DownloadAndLoadHyVideoTextEncoder": ("llm_model", "clip_model", "precision", "apply_final_norm",
                                          "hidden_state_skip_layer", "quantization", "load_device"),
    "HyVideoCFG": ("negative_prompt", "cfg", "start_percent", "end_percent", "batched_cfg", "use_cfg_zero_star"),
    "HyVideoSampler": ("width", "height", "num_frames", "steps", "embedded_guidance_scale", "flow_shift", "seed",
                       CONTROL, "force_offload", "denoise_strength", "scheduler", "riflex_freq_index", "i2v_mode"),
    "HyVideoEncode": ("enable_vae_tiling", "temporal_tiling_sample_size", "spatial_tile_sample_min_size",
                      "auto_tile_size", "noise_aug_strength", "latent_strength", "latent_dist"),
    "HyVideoDecode": ("enable_vae_tiling", "temporal_tiling_sample_size", "spatial_tile_sample_min_size",
                      "auto_tile_size", "skip_latents", "balance_brightness"),
}
SETTINGS_ONLY = ("HyVideoBlockSwap", "HyVideoTorchCompileSettings", "HyVideoTeaCache", "HyVideoEnhanceAVideo",
                 "HyVideoSTG", "HyVideoFetaArgs")
# what the translation reads by name -> the settings it reads (settings-only nodes: none), declared to the converter
TRANSLATED = {**dict.fromkeys(SETTINGS_ONLY, ()), **WIDGETS}
# sampler inputs Studio's HunyuanVideo has no counterpart for, in words: the task held (comfy.py)
# a sampler given a clip's latents on 'samples' (video to video) takes their size and length: its own width, height
# and num_frames, wired to what Studio cannot work out, are said not read (never 'the value saved is used')
ENCODED = {k: "not read: the take's size and length are those of the latents its 'samples' are given (the clip's)"
           for k in ("width", "height", "num_frames")}

HELD_INPUTS = {"loop_args": "the wrapper's looping", "mask": "a mask of where to generate",
               "neg_image_cond_latents": "a negative start image"}
# sampler inputs of the wrapper's speed and guidance tricks: said as not taken
NOT_TAKEN = ("stg_args", "context_options", "feta_args", "teacache_args", "fresca_args", "slg_args")
# the wrapper's schedulers -> ComfyUI's sampler names (comfy_sampling reads those)
SCHEDULERS = {"FlowMatchDiscreteScheduler": "euler", "SDE-DPMSolverMultistepScheduler": "dpmpp_sde",
              "DPMSolverMultistepScheduler": "dpmpp_2m"}
VIDEO_LOADERS = ("VHS_LoadVideo", "VHS_LoadVideoPath", "LoadVideo")
# the wrapper's node the converter does not read: its role and what it carries into the sampler
PACK_NODES = {"HyVideoInverseSampler": ("conditioning", "RF inversion's inverted latents"),
              "HyVideoPromptMixSampler": ("sampler", "two prompts mixed along a curve"),
              "HyVideoReSampler": ("sampler", "RF inversion's resampling"),
              "HyVideoCustomPromptTemplate": ("conditioning", "a custom prompt template")}


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY, HELD = "HunyuanVideoWrapper", PREFIXES, WIDGETS, SETTINGS_ONLY, HELD

    def steps(self) -> None:
        self.true_cfg: dict = {}  # a text node's id -> its HyVideoCFG's cfg, where it guides SkyReels V1 (texts())
        self.loaders()
        self.texts()
        self.decoders("HyVideoDecode")
        self.samplers()

    def loaders(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == "HyVideoSampler":
                continue  # (its settings read, and said, once: samplers())
            w = self.named(n)
            if n.cls == "HyVideoModelLoader":
                self.model_loader(n, "UNETLoader", {"unet_name": w.get("model")}, ("HyVideoLoraSelect",),
                                  ("block_swap_args", "compile_args"))
            elif n.cls == "HyVideoVAELoader":
                self.core(n, "VAELoader", {"vae_name": w.get("model_name")}, {})
            elif n.cls == "DownloadAndLoadHyVideoTextEncoder":
                clip, llm = w.get("clip_model"), w.get("llm_model")  # 'disabled': the wrapper's choice of no CLIP
                # model; the LLM alone then (heldout59 13 said "text encoder 'disabled': ... takes it from 'base'")
                files = (llm, None) if clip == "disabled" else (clip, llm)
                self.core(n, "DualCLIPLoader", {"clip_name1": files[0], "clip_name2": files[1],
                                                "type": "hunyuan_video"}, {})

    def texts(self) -> None:
        """HyVideoTextEncode: the positive (its id) and the negative ('<id>:neg': the first layout's second
        setting, else the HyVideoCFG it reads); HyVideoI2VEncode: the image-to-video prompt."""
        for n in list(self.wf.nodes.values()):
            if n.cls not in ("HyVideoTextEncode", "HyVideoI2VEncode"):
                self.own_negative(n)
                continue
            w = n.widgets or {}
            raw = n.raw if isinstance(n.raw, list) else []
            prompt = w.get("prompt", raw[0] if raw else None)
            clip = {"clip": n.links["text_encoders"]} if "text_encoders" in n.links else {}
            cfg = self.wf.nodes.get(n.links["hyvid_cfg"][0]) if "hyvid_cfg" in n.links else None
            negative = w.get("negative_prompt", raw[1] if len(raw) > 1 and isinstance(raw[1], str) else None)
            if cfg is not None:
                cw = self.named(cfg)
                negative = cw.get("negative_prompt", negative)
                if self.for_skyreels(n):  # its cfg the sampler's: SkyReels V1 guides by true CFG (comfy_skyreels)
                    self.true_cfg[n.id] = cw.get("cfg")
                    words = cfg_window(CNode.named(cfg), cw.get("cfg"), cw.get("start_percent"), cw.get("end_percent"))
                    self.said += [words] if words else []
                elif finite(cw.get("cfg")) and cw["cfg"] != 1:
                    self.said.append(f"HyVideoCFG's true cfg {cw['cfg']:g} (with the negative prompt, from "
                                     f"{cw.get('start_percent', 0)} to {cw.get('end_percent', 1)} of the steps) is not "
                                     "taken: Studio's HunyuanVideo guides by its embedded guidance")
                self.wf.taken.add(cfg.id)
            wired = n.links.get("prompt")  # its prompt widget turned into an input and wired: what it is given wins
            if n.cls == "HyVideoI2VEncode":  # over the value the file still saves there (heldout9: a Text Multiline)
                self.core(n, "TextEncodeHunyuanVideo_ImageToVideo", {} if wired else {"prompt": prompt},
                          {**clip, **({"prompt": wired} if wired else {})})
            else:
                self.core(n, "CLIPTextEncode", {} if wired else {"text": prompt}, {**clip, **({"text": wired} if wired else {})})
            self.core(n, "CLIPTextEncode", {"text": negative if isinstance(negative, str) else ""}, dict(clip),
                      nid=f"{n.id}:neg")

    def for_skyreels(self, text: CNode) -> bool:
        """Whether a sampler given ``text``'s embeddings runs SkyReels V1's image-to-video file (comfy_skyreels)."""
        return any(m.cls == "HyVideoSampler" and (m.links.get("hyvid_embeds") or ("",))[0] == text.id and
                   is_skyreels(self.model_name(m.links.get("model"))) for m in self.wf.nodes.values())

    def own_negative(self, n: CNode) -> None:
        """The negative of another text node of the wrapper's giving its embeddings (HYVIDEMBEDS) and declaring its
        negative where the wrapper keeps it, on a HyVideoCFG ('hyvid_cfg': HyVideoTextImageEncode, the LLaVA image
        prompt): that HyVideoCFG's, else none, as its '<id>:neg' encode (heldout59 12: with none made, the
        sampler's negative was the positive's node, said "the negative prompt comes from ... write it in a Text
        Prompt", though the node encodes no negative). Read by the node's declared types."""
        t = node_type(n.shown_cls)
        if t is None or not t.outputs or "HYVIDEMBEDS" not in t.output_types or t.input("hyvid_cfg") is None \
                or t.input("negative_prompt") is not None or f"{n.id}:neg" in self.wf.nodes:
            return
        cfg = self.wf.nodes.get(n.links["hyvid_cfg"][0]) if "hyvid_cfg" in n.links else None
        negative = self.named(cfg).get("negative_prompt") if cfg is not None else ""
        clip = {"clip": n.links["text_encoders"]} if "text_encoders" in n.links else {}
        self.core(n, "CLIPTextEncode", {"text": negative if isinstance(negative, str) else ""}, clip,
                  nid=f"{n.id}:neg")

    def samplers(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == "HyVideoSampler":  # sampling a clip's latents: its size and length are the clip's, not read
                self.sampler(n, self.named(n, ENCODED if "samples" in n.links else None))

    def sampler(self, n: CNode, w: dict) -> None:
        emb = n.links.get("hyvid_embeds")
        pos = (emb[0], 0) if emb else None
        neg = (f"{emb[0]}:neg", 0) if emb and f"{emb[0]}:neg" in self.wf.nodes else pos
        hand = hand_wired(n, self.said)  # a hand-written file wiring it at KSampler's names
        pos, neg = pos or hand.get("positive"), neg or hand.get("negative") or hand.get("positive")
        self.wf.taken.update(f"{v[0]}:neg" for k, v in hand.items() if k != "latent_image")  # (their texts' unused
        # second encodes, made by texts() for a negative the file gives by its own node here)
        cond, samples = n.links.get("image_cond_latents"), n.links.get("samples")
        enc_c = self.wf.nodes.get(cond[0]) if cond else None
        enc_s = self.wf.nodes.get(samples[0]) if samples else None
        size = {"width": w.get("width"), "height": w.get("height"), "length": w.get("num_frames"), "batch_size": 1}
        held = next((k for k in HELD_INPUTS if k in n.links), None)
        self.not_taken(n, NOT_TAKEN,
                       "Studio's own speed and long-take settings are used instead")
        model = n.links.get("model")
        denoise = w.get("denoise_strength")
        if held is not None:
            latent = self.held(n, held, HELD_INPUTS[held])
        elif enc_c is not None and enc_c.cls != "HyVideoEncode":  # keyframes, a reference: not a start image
            latent = self.held(n, "image_cond_latents", "the conditioning latents")
        elif enc_c is not None:
            name = str(self.model_name(model) or "").lower()
            if "custom" in name and not is_skyreels(name):  # HunyuanCustom: a subject's reference image, another model
                latent = self.held(n, "image_cond_latents", "HunyuanCustom's reference image")
            else:  # HunyuanVideo I2V (or SkyReels V1's, told by its file: comfy_skyreels): the start image through its
                # task node, as the core workflow wires it
                self.encode_said(enc_c, is_skyreels(name))
                self.said += i2v_mode_said(n, w.get("i2v_mode"), is_skyreels(name))
                task = self.core(enc_c, "HunyuanImageToVideo", size,
                                 {k: v for k, v in (("positive", pos), ("vae", enc_c.links.get("vae")),
                                                    ("start_image", enc_c.links.get("image"))) if v}, nid=f"{enc_c.id}:i2v")
                self.made[enc_c.cls] = "HunyuanImageToVideo's start image"
                self.carry_measures(n, task, size)  # the sampler's size measured of pictures: read there (measures11)
                self.wf.taken.add(enc_c.id)
                latent, pos = (task.id, 1), (task.id, 0)
        elif enc_s is not None and enc_s.cls == "HyVideoEncode":
            if self.from_video(enc_s):  # a clip encoded, then denoised part way: video to video
                self.core(enc_s, "VAEEncode", {}, {k: v for k, v in (("pixels", enc_s.links.get("image")),
                                                                     ("vae", enc_s.links.get("vae"))) if v})
                latent = samples
            else:  # a still's latents the sampler starts from (leapfusion's image-to-video LoRA)
                latent = self.held(n, "samples", "a still image's latents to start from (leapfusion)")
        elif samples is not None:
            latent = samples
        elif "latent_image" in hand:
            latent = hand["latent_image"]
        else:  # text to video: the size and the length on the sampler
            latent = (self.core(n, "EmptyHunyuanLatentVideo", size, {}, nid=f"{n.id}:latent").id, 0)
        if pos is not None and finite(w.get("embedded_guidance_scale")):
            g = self.core(n, "FluxGuidance", {"guidance": w["embedded_guidance_scale"]}, {"conditioning": pos},
                          nid=f"{n.id}:guidance")
            pos = (g.id, 0)
        if model is not None and finite(w.get("flow_shift")):
            model = (self.core(n, "ModelSamplingSD3", {"shift": w["flow_shift"]}, {"model": model}, nid=f"{n.id}:shift").id, 0)
        links = {k: v for k, v in (("model", model), ("positive", pos), ("negative", neg), ("latent_image", latent))
                 if v is not None}
        sched = str(w.get("scheduler") or "FlowMatchDiscreteScheduler")  # the first layout's: flow matching's Euler
        cfg = self.true_cfg.get(emb[0]) if emb else None  # (SkyReels V1's HyVideoCFG: texts())
        self.core(n, "KSampler", {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": cfg if finite(cfg) else 1.0,
                                  "sampler_name": SCHEDULERS.get(sched, sched),
                                  "scheduler": "simple",
                                  "denoise": denoise if samples is not None and finite(denoise) else None}, links)

    def encode_said(self, enc: CNode, skyreels: bool) -> None:
        """HyVideoEncode's settings that change the start image's latents, where not the pipeline's: its noise
        augmentation and latent multiplier (neither pipeline has one), and its latent_dist where the pipeline reads
        the VAE the other way (SkyReels V1's samples its latent distribution, HunyuanVideo I2V's takes the mode)."""
        w = self.named(enc)
        aug, strength, dist = w.get("noise_aug_strength"), w.get("latent_strength"), w.get("latent_dist")
        gone = []
        if finite(aug) and aug > 0:
            gone.append(f"noise_aug_strength {aug:g} (noise added to the start image before it is encoded)")
        if finite(strength) and strength != 1:
            gone.append(f"latent_strength {strength:g} (the start image's latents multiplied)")
        if dist == ("mode" if skyreels else "sample"):  # (diffusers' SkyReels V1 pipeline samples the VAE's latent
            # distribution, its HunyuanVideo I2V one takes the mode: retrieve_latents' 'argmax')
            way = "SkyReels V1 samples the VAE's distribution" if skyreels else "HunyuanVideo I2V takes the VAE's mode"
            gone.append(f"latent_dist '{dist}' (Studio's {way})")
        if gone:
            self.said.append(f"{CNode.named(enc)}'s {' and '.join(gone)}: not applied, the start image is encoded as "
                             "Image to Video's pipeline encodes it")

    def from_video(self, enc: CNode) -> bool:
        """Whether an encode's pixels come from a video file (through the nodes between), not a still."""
        link, seen = enc.links.get("image"), set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            seen.add(link[0])
            m = self.wf.nodes[link[0]]
            if m.cls in VIDEO_LOADERS:
                return True
            if m.cls in ("LoadImage",):
                return False
            link = next((m.links[k] for k in ("image", "images", "image1", "video") if k in m.links), None)
        return False



def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s HunyuanVideoWrapper nodes into the core nodes that mean the same, in place; the sentences
    that say what was read as what, and what was not taken (none when the workflow has no wrapper node)."""
    return _Translation.translate(wf)
