"""Workflows made with kijai's ComfyUI-FramePackWrapper read as ComfyUI's own nodes (api.PackTranslation).

ComfyUI has no FramePack nodes of its own: its artists run FramePack through the wrapper, whose loader reads the
FramePack DiT file and whose sampler takes the start image's latent (and an end image's), the length in seconds,
the section size, steps, the embedded guidance and the true cfg. ``translate`` rewrites them, in place, into core
loaders and a KSampler reading this family's own task node (comfy.py: FramePackToVideo, the start and end
images behind the latents, so the converter wires the images themselves: the pipeline encodes them as FramePack
does), the length in frames at FramePack's 30 fps. A latent to restyle ('initial_samples'), the one-frame
sampler and its speed settings are held or said.

The settings' names and order are those of the wrapper's nodes.py (INPUT_TYPES, read for meaning; github
kijai/ComfyUI-FramePackWrapper at a7c4b70). Plain data and stdlib: nothing of the wrapper is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow, finite

from . import comfy_bucket, comfy_timed
from .comfy_wrapper_f1 import SAMPLER_F1, WIDGETS_F1, read_f1

PACK = "ComfyUI-FramePackWrapper"
PREFIXES = ("FramePack", "LoadFramePack", "DownloadAndLoadFramePack")
TASK = "FramePackToVideo"  # the sampler's start (and end) image, as this family's task node (comfy.py)
TASK_T2V = "FramePackTextToVideo"  # no start image: text to video (a start latent of zeros: comfy_t2v, blank.py)
HELD = "FramePackHeldInput"  # a sampler input Studio cannot carry: the task held, said (comfy.py declares it)
FPS = 30  # FramePack's frames a second: the sampler's seconds in frames
WIDGETS: dict[str, tuple[str, ...]] = {
    "LoadFramePackModel": ("model", "base_precision", "quantization", "load_device", "attention_mode"),
    "DownloadAndLoadFramePackModel": ("model", "base_precision", "quantization", "attention_mode"),
    "FramePackLoraSelect": ("lora", "strength", "fuse_lora"),
    "FramePackSampler": ("steps", "use_teacache", "teacache_rel_l1_thresh", "cfg", "guidance_scale", "shift", "seed",
                         CONTROL, "latent_window_size", "total_second_length", "gpu_memory_preservation", "sampler",
                         "embed_interpolation", "start_embed_strength", "denoise_strength"),
    **WIDGETS_F1,  # the PlusOne fork's F1 sampler and timed prompt (comfy_wrapper_f1)
}
SETTINGS_ONLY = ("FramePackTorchCompileSettings",)
# what the translation reads by name -> the settings it reads (settings-only nodes: none), declared to the converter
TRANSLATED = {**dict.fromkeys(SETTINGS_ONLY, ()), **WIDGETS}
PACK_NODES = {"FramePackSingleFrameSampler": ("sampler", "one frame from a reference (kisekaeichi)")}


class WrapperTranslation(PackTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY, HELD = "FramePackWrapper", PREFIXES, WIDGETS, SETTINGS_ONLY, HELD
    START = "start_latent"  # the sampler's start latent input (FramePack-HY's: 'start_latent_out')

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            w = self.named(n)
            if n.cls == "LoadFramePackModel":
                self.model_loader(n, "UNETLoader", {"unet_name": w.get("model")}, ("FramePackLoraSelect",),
                                  ("compile_args",))
            elif n.cls == "DownloadAndLoadFramePackModel":
                self.model_loader(n, "UNETLoader", {"unet_name": w.get("model")}, (), ("compile_args",))
        for n in list(self.wf.nodes.values()):
            if n.cls == "FramePackSampler":
                self.sampler(n, self.named(n))
            elif n.cls == SAMPLER_F1:
                read_f1(self, n)

    def image_embeds(self, n: CNode) -> None:
        """The sampler's SigLIP embeddings of its images (a CLIPVisionEncode and its loader): the Framepack node
        encodes the images it is given with its own image encoder (its 'base' folder's), said once."""
        found = []
        for k in n.links:  # start_image_embeds / end_image_embeds, or an older release's one image_embeds
            enc = self.wf.nodes.get(n.links[k][0]) if k.endswith("image_embeds") else None
            if enc is None or enc.cls != "CLIPVisionEncode":
                continue
            loader = self.wf.source(enc, "clip_vision")
            self.wf.taken.update({enc.id} | ({loader.id} if loader is not None else set()))
            name = self.wf.value(loader, "clip_name") if loader is not None else None
            found.append(f"'{enc.title or enc.cls}' (#{enc.id}" + (f", with '{name}'" if name else "") + ")")
        if found:
            self.say(n, f"the image embeddings {n.cls} is given ({', '.join(found)}) are made by the Framepack "
                     "node from the images it is given, with the SigLIP image encoder of its 'base' folder")

    def pixels(self, latent) -> tuple[str, int] | None:
        """The image a latent was encoded from (a VAEEncode's pixels), else None."""
        enc = self.wf.nodes.get(latent[0]) if latent else None
        return enc.links.get("pixels") if enc is not None and enc.cls == "VAEEncode" else None

    def sampler(self, n: CNode, w: dict, start=None, held: CNode | None = None) -> None:
        """Sampler ``n`` with settings ``w`` (``start``: its start picture where another reading found it, FramePack-HY's
        bucket node: comfy_hy; ``held``: the settings node holding its guidance and shift, named for them) as the task
        node and a KSampler."""
        if w.get("use_teacache") is True:  # a speed setting that changes the video: said, never dropped unsaid
            thresh = w.get("teacache_rel_l1_thresh")
            self.say(n, f"'{n.title or n.cls}' ({n.cls}, #{n.id}) samples with TeaCache (use_teacache"
                     + (f", teacache_rel_l1_thresh {thresh:g}" if finite(thresh) else "") + "), which reuses "
                     "work between steps to go faster and changes the video a little: not applied, the "
                     "generator samples every step (its step_cache setting is Studio's own)")
        pos, neg = n.links.get("positive"), n.links.get("negative")
        given, end = start, self.pixels(n.links.get("end_latent"))
        start = given or self.pixels(n.links.get(self.START))
        if "initial_samples" in n.links:
            latent = self.held(n, "initial_samples", "a clip's latents to restyle")
        elif start is None and not w.get("text_to_video"):
            port = self.START if self.START in n.links else None
            latent = self.held(n, port, "a start latent not encoded from an image") if port else None
        else:
            secs = w.get("total_second_length")
            made, count = (w.get("frames"), None) if w.get("frames") else \
                _made_length(self, n, secs, w.get("latent_window_size"))
            size = {"length": made, "latent_window_size": w.get("latent_window_size"), "true_cfg": w.get("cfg"),
                    "sampling": w.get("sampling")}  # (F1's forward order: comfy_wrapper_f1)
            if count:  # its own count of sections, each 'window' latent frames after the start's (left19)
                size["sections"] = count
            if not w.get("frames") and finite(secs):  # the seconds the length was read from, kept beside it (not
                size["total_second_length"] = secs  # said "not applied": proxymine24), read by no Studio setting
            timed, keyed, keys_fine = comfy_timed.read(self, n, w.get("latent_window_size"))  # a fork's timed prompts,
            size.update(timed)  # keyframes (pos: the timed prompt's first, where given); F1's timed prompts:
            size.update({k: w[k] for k in ("prompts", "timed_fps", "fps", "width", "height", "bucket", "sections")
                         if k in w})  # (f1, hy: its own count of sections)
            pos = n.links.get("positive")
            fine = {src[0] for k in (self.START, "end_latent") if (src := n.links.get(k))} | keys_fine
            fine |= {src[0] for k in n.links if k.endswith("image_embeds") and (src := n.links.get(k))}
            if given is None and start is not None and \
                    (bucketed := comfy_bucket.read(self.wf, start, end, fine)) is not None:  # a still stretched to a bucket
                start, end, line, res, way = bucketed
                size["bucket"] = str(res)
                self.wf.taken.update(x.id for x in way)
                self.said.append(line)
            links = {k: v for k, v in (("positive", pos), ("start_image", start), ("end_image", end)) if v}
            links.update(keyed)
            task = self.core(n, TASK if start is not None else TASK_T2V, size, links, nid=f"{n.id}:task")
            task.ports.update(start_image=(n, self.START), end_image=(n, "end_latent"))  # (said as the sampler's)
            self.made[n.cls] = f"KSampler on FramePack's {'image' if start is not None else 'text'} to video"
            latent, pos = (task.id, 2), (task.id, 0)
            for k in (self.START, "end_latent"):  # their VAEEncode: read as the images themselves
                src = n.links.get(k)
                if src:
                    self.wf.taken.add(src[0])
            self.image_embeds(n)
            interp = w.get("embed_interpolation")
            if end is not None and interp not in (None, "disabled", "linear"):
                weight = w.get("start_embed_strength")  # (the start's share in it: heldout73 05's 0.5, unsaid)
                self.say(n, f"its image embeddings' interpolation '{interp}' is not taken"
                         + (f", nor its start_embed_strength {weight:g}" if finite(weight) else "")
                         + ": the pipeline reads both images' SigLIP embeddings its own way")
        if pos is not None and finite(w.get("guidance_scale")):
            pos = (self.core(held or n, "FluxGuidance", {"guidance": w["guidance_scale"]}, {"conditioning": pos},
                             nid=f"{(held or n).id}:guidance").id, 0)
        model = n.links.get("model")
        if model is not None and finite(w.get("shift")) and w["shift"] > 0:
            model = (self.core(held or n, "ModelSamplingSD3", {"shift": w["shift"]}, {"model": model},
                               nid=f"{(held or n).id}:shift").id, 0)
        links = {k: v for k, v in (("model", model), ("positive", pos), ("negative", neg), ("latent_image", latent))
                 if v is not None}
        own = w.get("sampler")  # the pack's own sampler name, said as it is (its schedule is the pipeline's: none named)
        self.core(n, "KSampler", {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": 1.0,
                                  "sampler_name": own if isinstance(own, str) and own else "uni_pc", "scheduler": None},
                  links)


def _made_length(t, n, secs, window) -> tuple[int | None, int | None]:
    """(the frames the sampler makes of ``secs`` seconds, its sections: None where not counted here): the wrapper's
    whole sections, round(secs x 30 / (window x
    4)) (Python's round, at least one), each 'window' latent frames after the start's, decoded 4 frames a latent
    frame (its nodes.py, read for its arithmetic only); said where that is not the seconds at 30 fps (heldout73 05:
    5 s at window 9 make 4 sections, 145 frames, read as 150 unsaid). Its behaviour is not in its declaration, so the
    sampler's own settings are read by name."""
    if not (finite(secs) and secs > 0):
        return None, None
    asked = int(round(secs * FPS))
    if not (isinstance(window, int) and not isinstance(window, bool) and window > 0):
        return asked, None
    sections = max(int(round(secs * FPS / (window * 4))), 1)
    made = sections * window * 4 + 1
    if made != asked:
        t.say(n, f"its {secs:g} s at latent_window_size {window} make {sections} section{'s' if sections > 1 else ''} "
                 f"of {window} latent frames after the start's, {made} frames (not {asked}, the seconds at {FPS} fps): "
                 f"the Framepack node's frames {made} and sections {sections}")
    return made, sections


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s FramePackWrapper nodes into the core nodes that mean the same, in place; the sentences that
    say what was read as what, and what was not taken (none when the workflow has no wrapper node)."""
    return WrapperTranslation.translate(wf)
