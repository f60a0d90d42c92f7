"""The intent of a ComfyUI workflow's output wired into Studio's nodes (part of comfy_map's
builder): the task read through comfy_tasks, the Load Image / Load Video / Load Audio behind each
intent input, LTX's in-place image, guides and sound, a second output of one sampler, and a task
Studio cannot do held with its sentence. Also the walks they share with comfy_map: an output's
samplers (through latents only) and a port's file loader."""
from __future__ import annotations

import math

from studio.core.shown import number

from .comfy_read import CNode, Workflow
from .comfy_sampling import SAMPLERS
from .comfy_tasks import (I2V, LATENT_NAMES, LTX2, MINIMAX_CONTROL, S2V, T2V, V2V, VACE, Task, feeds_s2v, is_ltx2,
                          sentence, task_node, task_of)
from .comfy_motion import ati_tracks, camera_from, tracks_from
from .comfy_talk import encoder_step, speech_step, talk_settings
from .comfy_utility import phrase_of

# ComfyUI steps between a file and an intent input that Studio's nodes do (see IntentReading.step)
STEPS = ("Canny", "SAM3_Detect", "SAM3_VideoTrack", "AudioEncoderEncode")
STEP_OUT = {"Canny": "video", "SAM3_Detect": "mask", "SAM3_VideoTrack": "mask", "LotusConditioning": "depth",
            "AudioEncoderEncode": "features"}
# the wav2vec2 Wan S2V was trained on (the release's wav2vec2-large-xlsr-53-english folder, taken when the workflow
# names no file; ComfyUI's one-file repackaging is read by Speech Features' 'encoder'), read at the release's 30 fps
S2V_WAV2VEC2, S2V_FEATURE_FPS = "wav2vec2-large-xlsr-53-english", 30.0
# how ComfyUI's S2V template joins its chunks and drops the doubled first frame: one take in Studio's S2V node
CHUNK_PLUMBING = ("LatentConcat", "LatentCut", "ImageFromBatch")
WHISPER = "openai/whisper-large-v3"  # HuMo's speech encoder as a Hugging Face folder (when no file is named)
MAX_ITEMS_WALKED = 100_000  # nodes one output's walk visits at most (a workflow holds fewer)
# ComfyUI's file loaders -> Studio's, and how a sentence names them
LOADER_NODES = {"LoadImage": ("io.load_image", "image"), "LoadVideo": ("io.load_video", "video"),
                "VHS_LoadVideo": ("io.load_video", "video"), "LoadAudio": ("io.load_audio", "audio"),
                "VHS_LoadAudio": ("io.load_audio", "audio"),  # VideoHelperSuite's, by path or upload:
                "VHS_LoadVideoPath": ("io.load_video", "video"), "VHS_LoadAudioUpload": ("io.load_audio", "audio"),
                "VHS_LoadImagePath": ("io.load_image", "image")}

def model_file(wf: Workflow, loader: CNode):
    """The file a model loader reads (UNETLoader's and UnetLoaderGGUF's unet_name, a checkpoint's
    ckpt_name, LoaderGGUF's gguf_name)."""
    return wf.value(loader, "unet_name") or wf.value(loader, "ckpt_name") or wf.value(loader, "gguf_name")


def upstream(wf: Workflow, start: CNode) -> list[CNode]:
    seen, todo, out = {start.id}, [start], []
    while todo:
        n = todo.pop()
        out.append(n)
        for src, _ in n.links.values():
            if src not in seen and src in wf.nodes:
                seen.add(src)
                todo.append(wf.nodes[src])
    return out


def sampler_denoise(wf: Workflow, s: CNode) -> float | None:
    """How far a sampler denoises its latent, 0 to 1 (KSampler's denoise, KSamplerAdvanced's first
    step of its steps, a BasicScheduler's denoise); None when not a number."""
    def num(v):
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    if s.cls == "KSampler":
        return num(wf.value(s, "denoise"))
    if s.cls == "KSamplerAdvanced":
        if num(s.widgets.get("denoise")) is not None:  # a WanVideoSampler's, kept as it was (comfy_wrappers)
            return num(s.widgets["denoise"])
        steps, start = num(wf.value(s, "steps")), num(wf.value(s, "start_at_step"))
        return None if not steps or start is None else max(0.0, 1.0 - start / steps)
    sig = wf.source(s, "sigmas")
    return num(wf.value(sig, "denoise")) if sig is not None and sig.cls == "BasicScheduler" else None


def sampler_chain(wf: Workflow, save: CNode) -> list[CNode]:
    """The samplers whose latents make an output: those reached from it, and from a sampler on
    through latents only (a depth estimator's or another segment's sampler, whose images feed a
    guide or a start frame, is not one of its passes)."""
    found, seen, todo = [], {save.id}, [(save, False)]
    while todo and len(seen) <= MAX_ITEMS_WALKED:
        n, latent_only = todo.pop()
        if n.cls in SAMPLERS:
            found.append(n)
            latent_only = True
        for name, (src, _) in n.links.items():
            if src in seen or src not in wf.nodes:
                continue
            kind = n.in_types.get(name)
            if latent_only and not (kind == "LATENT" or kind is None and name in LATENT_NAMES or
                                    n.cls in SAMPLERS and name in ("latent_image", "latent")):
                continue
            seen.add(src)
            todo.append((wf.nodes[src], latent_only))
    return found


PASSING = ("Reroute", "ComfySwitchNode", "GetVideoComponents", "ImageResizeKJv2", "ImageResizeKJ", "GetImageSizeAndCount",
           "ImageScale", "ImageScaleBy", "ImageScaleToTotalPixels",
           "ResizeImageMaskNode", "ImageFromBatch", "Video Slice", "LTXVPreprocess", "VHS_LoadVideo", "VHS_LoadVideoPath", "CreateVideo",
           "SCAIL2ColoredMask",  # SCAIL-2's painting of SAM 3's tracks: Studio's SCAIL-2 node paints a mask itself
           "WanDancerEncodeAudio")  # Wan Dancer's music encoding: the Wan Dancer node's own (comfy_dancer)


def find_loader(wf: Workflow, node: CNode, port: str, used: set) -> tuple[CNode, int, list[CNode]] | None:
    """The Load Image / Load Video / Load Audio behind ``node``'s ``port``: the loader, the output
    slot read from it and the ComfyUI steps on the way that change what it gives, nearest the
    port first (a Canny, SAM 3...; resizes and slices are not counted); None when there is none."""
    src, via, seen = node.links.get(port), [], set()
    while src is not None and src[0] in wf.nodes and src[0] not in seen and len(seen) < 64:
        seen.add(src[0])
        n = wf.nodes[src[0]]
        if n.cls in LOADER_NODES:
            used.add(n.id)
            return n, src[1], via
        if n.cls not in PASSING:
            via.append(n)
        if n.cls == "ComfySwitchNode":
            src = n.links.get("on_true" if wf.value(n, "switch") else "on_false")
            continue
        if n.cls == "SCAIL2ColoredMask":  # its outputs: the driving video's mask (0), the reference's (1)
            src = n.links.get("ref_track_data" if src[1] == 1 else "driving_track_data")
            continue
        src = next((n.links[k] for k in ("image", "images", "video", "pixels", "audio", "input", "mask", "value",
                                          "source") if k in n.links), next(iter(n.links.values()), None))
    return None


class IntentReading:
    """comfy_map._Builder's reading of what each output makes (a mixin: the builder's own state)."""

    def _hold(self, save: CNode | None, spec: Task, fam: str, node: CNode | None, loaders: list[CNode], up: list[CNode]) -> None:
        """A task Studio cannot do: the model loader and the workflow's inputs, no generator, and one
        sentence first in the Log and as the first note."""
        if save is not None:
            self.used.add(save.id)
        if node is not None and node.id in self.held:
            return
        made, seen, names = len(self.g.nodes), set(), []
        if loaders:
            self.add("video_models.load", {"model": model_file(self.wf, loaders[0])}, loaders[0])
            self.used |= {n.id for n in loaders}
        for n in sorted(upstream(self.wf, node) if node is not None else up, key=lambda n: n.id):
            if n.cls in LOADER_NODES and n.id not in seen:
                seen.add(n.id)
                self.used.add(n.id)
                self.studio_loader(n)
                names.append(f"{LOADER_NODES[n.cls][1]} '{self.file_of(n)}'")
        self.bands.append(list(self.g.nodes)[made:])
        if node is not None:
            self.held.add(node.id)
        if not any(line.startswith(f"This workflow makes {spec.what} with {fam};") for line in self.first_notes):
            self.say_first(sentence(spec, fam, names, bool(loaders)))
        self.out.tasks.append({"task": spec.what, "family": fam, "generator": None, "inputs": []})

    def say_first(self, text: str) -> None:
        """A sentence first in the Log and as the first canvas note."""
        self.out.log.insert(sum(1 for line in self.out.log if line.startswith("This workflow makes")), text)
        self.first_notes.append(text)

    def _another_output(self, save: CNode, gen: str, task: str, band: int, made_for: CNode) -> None:
        """A second output of the same sampler: a Save Video on the same generator (a path of its own,
        so neither overwrites the other), not the video generated twice."""
        path, taken = self.save_path(save), {n.params.get("path") for n in self.g.nodes.values()
                                              if n.type_id == "io.save_video"}
        stem, k = path.removesuffix(".mp4"), 2
        while path in taken:
            path, k = f"{stem}_{k}.mp4", k + 1
        sv = self.add("io.save_video", {"path": path}, save)
        self.g.connect(gen, "video", sv, "video")
        if task == LTX2:
            self.g.connect(gen, "audio", sv, "audio")
        self.used.add(save.id)
        self.bands[band].append(sv)
        self.out.log.append(f"{self.name}: ComfyUI '{save.title or save.cls}' -> another Save Video ({path}) on the "
                            f"pipeline of '{made_for.title or made_for.cls}' (the same sampler: generated once)")

    def _task(self, first: CNode, up: list[CNode], said: list[str]) -> tuple[str, CNode | None, dict, Task | None]:
        """The generator (a Studio type id) for the task the first sampler's latent and conditioning
        nodes say (comfy_tasks.TASKS), that node, the intent inputs wired into it (the generator's
        input -> (ComfyUI loader, its output slot)) and the task's declaration."""
        wf, used = self.wf, self.used
        node, chain = task_node(wf, first, up)
        spec = task_of(node)
        if node is not None:
            used.add(node.id)
        if spec is not None and spec.generator == V2V:
            spec = self._encoded(first, node, spec, said)
        inputs: dict[str, tuple[CNode, int]] = {}
        for port, into in spec.ports if spec is not None else ():
            if port in node.links:
                self.intent(node, port, into, inputs, said)
        if node is not None and node.cls == "MiniMaxH3ReferenceToVideo":
            spec = self._minimax_reference(node, up, spec, said)
        gen = spec.generator if spec is not None and spec.generator else T2V
        if gen == VACE:
            self._vace_task(node, inputs, said)
        if node is not None and node.cls == "WanMoveTrackToVideo":
            self._move_tracks(node, said)
        if node is not None and node.cls == "WanCameraImageToVideo":
            path = camera_from(self, wf.source(node, "camera_conditions"), said)
            if path is not None:
                self.motion["camera"] = path
        if node is not None and node.cls == "WanInfiniteTalkToVideo":
            for port, into in talk_settings(self, node, said, find_loader, up):  # a second speaker's voice and faces
                self.intent(node, port, into, inputs, said)
        if node is not None and node.cls == "WanTrackToVideo":
            tracks = ati_tracks(self, node, "normal", said)
            if tracks is not None:
                self.motion["tracks"] = tracks
        if node is not None and node.cls == "Wan22FunControlToVideo" and "image" in inputs:
            said.append("Wan 2.2 Fun Control's ref_image is wired as Wan Fun Control's start image ('image'); a model "
                        "that reads a separate reference (ref_conv) is refused by the node, in words")
        if spec is not None and spec.needs and "image" not in inputs:
            gen = T2V  # Wan 2.2 TI2V / HunyuanVideo 1.5 with no start image: text to video
            if node is not None and node.cls == "MiniMaxH3ImageToVideo":  # no first frame: its text to video
                spec = Task("text to video", T2V, (), spec.family) if "last_image" not in inputs else Task(
                    "video up to a last frame", None, family=spec.family, cannot="make a MiniMax H3 video up to a "
                    "last frame without a first one (Image to Video takes a start image)")
        if is_ltx2(up):
            gen = LTX2
        for n in chain:  # LTX's image, keyframes and control on the latent's way
            used.add(n.id)
            if n.cls == "LTXVImgToVideoInplace" and not wf.value(n, "bypass"):
                self.intent(n, "image", "image", inputs, said)
                gen = I2V if gen == T2V else gen
            elif n.cls == "LTXVAddGuide":
                self._guide(n, gen, inputs, said)
        if gen == LTX2:
            self._ltx2_audio(up, inputs, said)
        if gen == S2V:
            self._s2v_take(node, up, inputs, said)
        if gen == I2V and "image" not in inputs:
            said.append("the workflow's start image is made by ComfyUI nodes Studio does not convert: connect an image "
                        "to Image to Video's 'image'")
        return gen, node, inputs, spec

    def _minimax_reference(self, node: CNode, up: list[CNode], spec: Task, said: list[str]) -> Task:
        """MiniMax H3's MiniMaxH3ReferenceToVideo: its ref_image_size as 'reference_size'; a sound wired
        beside a reference video and its MiniMaxH3AddGuide stills pinned in time said; held in one
        sentence when a Fun ControlNet patches the model (MINIMAX_CONTROL)."""
        if any(n.cls == "MiniMaxH3FunControlNetApply" for n in up):
            return MINIMAX_CONTROL
        size = self.wf.value(node, "ref_image_size")
        if size in ("match", "max"):
            self.extra["reference_size"] = size
        for i in range(3):
            if f"ref_video_audios.ref_video_audio_{i}" in node.links:
                said.append(f"ComfyUI's ref_video_audio_{i} (a sound given beside reference video {i + 1}) is not "
                            "wired: MiniMax H3 Reference to Video takes a reference clip's own sound, from its file")
        guides = sorted((n for n in up if n.cls == "MiniMaxH3AddGuide"), key=lambda n: n.id)
        if guides:
            found = [find_loader(self.wf, g, "image", set()) for g in guides]
            files = ", ".join(f"'{self.file_of(f[0])}'" for f in found if f is not None)
            said.append(f"its {len(guides)} MiniMaxH3AddGuide stills ({files or 'made by other nodes'}) pinned at "
                        "frames of the clip are not converted: diffusers' ref2va takes references, not frames in time "
                        "(connect them to MiniMax H3 Reference to Video's image inputs to name them in the prompt)")
        return spec

    def _encoded(self, first: CNode, node: CNode, spec: Task, said: list[str]) -> Task | None:
        """A sampler's latent encoded from a clip (VAEEncode): video to video when the sampler
        denoises it part way (its strength the denoise), else text to video (said): the clip, noised
        whole, is lost in ComfyUI too."""
        d = sampler_denoise(self.wf, first)
        found = find_loader(self.wf, node, "pixels", set())
        if d is None or d >= 1:
            said.append(f"'{first.title or first.cls}' denoises its encoded latent whole (denoise 1): the clip encoded "
                        "is noised away, as in ComfyUI, and the video is made from the prompt alone")
            return None
        if found is None or LOADER_NODES.get(found[0].cls, ("", ""))[1] != "video":
            return Task("video to video from an encoded image", None, family=None,
                        cannot="restyle a latent encoded from a still image or from nodes it does not convert (Video "
                               "to Video takes a clip)")
        self.extra["strength"] = round(float(d), 4)
        return spec

    def intent(self, node: CNode, port: str, into: str, inputs: dict, said: list[str]) -> None:
        """The Load Image / Load Video / Load Audio behind ``node``'s ``port``, for the generator's
        ``into``; what makes it otherwise is said."""
        found = find_loader(self.wf, node, port, self.used)
        if found is None:
            said.append(f"'{port}' of '{node.title or node.cls}' is made by ComfyUI nodes Studio does not convert (see "
                        f"their note): connect one to the generator's '{into}'")
            return
        loader, slot, via = found
        steps = [n for n in via if n.cls in STEPS and (n.cls.startswith("SAM3") == into.endswith("mask"))]
        if any(n.cls == "ImagePadForOutpaint" for n in via) and self.pad is None:
            self.pad = next(n for n in via if n.cls == "ImagePadForOutpaint")
        if self.pad is not None and into == "mask":
            return  # Wan VACE draws the outpaint mask from its pads
        other = sorted({n.cls for n in via if n not in steps and n.cls != "ImagePadForOutpaint"})
        if other:
            said.append(f"'{port}' of '{node.title or node.cls}' is {loader.cls}'s file through ComfyUI's "
                        f"{', '.join(other)}: the file is wired without "
                        f"{'that step' if len(other) == 1 else 'those steps'}; add Studio's node for it if it matters")
        self.used |= {n.id for n in steps}
        inputs[into] = (loader, slot, tuple(reversed(steps)))

    def _move_tracks(self, node: CNode, said: list[str]) -> None:
        """WanMove's tracks (GenerateTracks, WanMoveTracksFromCoords, WanMoveConcatTrack) as Path
        Tracks / Tracks from Coordinates / Merge Tracks, for Image to Video's 'tracks' (comfy_motion)."""
        strength = self.wf.value(node, "strength")
        if isinstance(strength, (int, float)) and not isinstance(strength, bool) and strength != 1:
            said.append(f"WanMove's track strength {number(strength)} is not taken: the tracks carry the features at "
                        "full strength, as the released model was trained")
        tracks = tracks_from(self, self.wf.source(node, "tracks"), "normal", said)
        if tracks is not None:
            self.motion["tracks"] = tracks

    def _vace_task(self, node: CNode, inputs: dict, said: list[str]) -> None:
        """Wan VACE's task from how ComfyUI made its control video and masks: padded
        (ImagePadForOutpaint) -> outpaint, a mask by SAM 3 -> inpaint, two stills batched at the
        ends of a grey clip (first-and-last-frame) -> keyframes at 0 and last."""
        wf = self.wf
        if self.pad is not None:
            pads = [wf.value(self.pad, k) if k in self.pad.links or k in self.pad.widgets else None
                    for k in ("left", "top", "right", "bottom")]
            raw = self.pad.raw if isinstance(self.pad.raw, list) else []
            pads = [p if p is not None else (raw[i] if i < len(raw) else None) for i, p in enumerate(pads)]
            self.extra["task"] = "outpaint"
            said.append(f"outpaint: ComfyUI pads the clip by {', '.join(f'{k} {number(v)}' for k, v in zip(('left', 'top', 'right', 'bottom'), pads))} px; "
                        "Wan VACE's pad_* are fractions of the clip's width and height: set them for your clip")
        elif "mask" in inputs and any(s.cls in ("SAM3_Detect", "SAM3_VideoTrack") for s in inputs["mask"][2]):
            self.extra["task"] = "inpaint"
        src = wf.source(node, "control_video")
        if src is not None and src.cls == "BatchImagesNode":
            ends = [find_loader(wf, src, k, self.used) for k in sorted(k for k in src.links if k.startswith("images."))]
            if len(ends) >= 2 and ends[0] and ends[-1] and {e[0].cls for e in (ends[0], ends[-1])} == {"LoadImage"}:
                inputs.pop("video", None)
                inputs.pop("mask", None)
                inputs["keyframe_1"], inputs["keyframe_2"] = ((ends[0][0], 0, ()), (ends[-1][0], 0, ()))
                self.keyframes += ["0", "last"]
                said[:] = [line for line in said if "'control_" not in line]

    def _guide(self, n: CNode, gen: str, inputs: dict, said: list[str]) -> None:
        """An LTXVAddGuide: a still at its frame as a keyframe; a clip at frame 0 (an IC-LoRA's
        control) as LTX-2's 'control'."""
        wf = self.wf
        found = find_loader(wf, n, "image", self.used)
        at, strength = wf.value(n, "frame_idx"), wf.value(n, "strength")
        clip = found is not None and found[0].cls != "LoadImage"
        if found is not None and not clip and "iclora_parameters" in n.links:
            said.append(f"an IC-LoRA guide from the still '{self.file_of(found[0])}' (repeated into a clip in ComfyUI): "
                        "LTX-2's 'control' takes a clip as long as the take, so the still is a keyframe here")
        if gen == LTX2 and (clip or found is None) and "control" not in inputs and (at in (0, None)):
            if found is None:
                self._depth_control(n, inputs, said)
                return
            self.intent(n, "image", "control", inputs, said)
            return
        k = next((i for i in range(1, 5) if f"keyframe_{i}" not in inputs), None)
        if found is None or k is None:
            said.append(f"a guide at frame {number(at)} ({n.cls}, #{n.id}) is not taken: "
                        + ("its image is made by nodes Studio does not convert" if found is None else "four keyframes at most"))
            return
        self.intent(n, "image", f"keyframe_{k}", inputs, said)
        whole = isinstance(at, (int, float)) and not isinstance(at, bool) and math.isfinite(at) and abs(at) < 10**9
        where = "last" if at == -1 else (str(int(at)) if whole else "0")
        if not whole and at is not None:
            said.append(f"a guide's frame {number(at)} is not a frame number: frame 0 used")
        self.keyframes.append(where)
        if isinstance(strength, (int, float)) and not isinstance(strength, bool) and math.isfinite(strength):
            self.keyframe_strength = float(strength)

    def _depth_control(self, n: CNode, inputs: dict, said: list[str]) -> None:
        """A guide clip made by a depth estimator run as a diffusion model (Lotus) from a Load
        Video: Studio's Depth on that clip (its own Depth Anything model); anything else said."""
        src = self.wf.source(n, "image")
        up = upstream(self.wf, src) if src is not None else []
        lotus = next((x for x in up if x.cls == "LotusConditioning"), None)
        clip = next((x for x in up if x.cls in ("LoadVideo", "VHS_LoadVideo")), None)
        if lotus is None or clip is None:
            said.append("the guide clip (an IC-LoRA's control) is made by ComfyUI nodes Studio does not convert: "
                        "connect a clip to LTX-2's 'control'")
            return
        self.used |= {x.id for x in up if x.cls in ("LotusConditioning", "VAEDecode") or x.id == clip.id}
        inputs["control"] = (clip, 0, (lotus,))
        said.append("the guide clip is the depth of "
                    f"'{self.file_of(clip)}' estimated by Lotus (a diffusion model in ComfyUI): Studio's Depth makes it "
                    "with its own model (Load Preprocessor, kind 'depth')")

    def _ltx2_audio(self, up: list[CNode], inputs: dict, said: list[str]) -> None:
        """LTX-2 with a sound track of the workflow's (LTXVAudioVAEEncode of a Load Audio): the
        node's 'audio' input, with 'sound: drive' when the encoded sound is held clean (a noise mask
        of 0 on it, as video_ltx2_3_ia2v does: the picture made to the sound), else 'sound: input'
        (the map's default); an LTXVReferenceAudio's clip (an ID-LoRA's reference voice) as the node's
        'voice', with its identity guidance and the part of the schedule it runs in."""
        for n in up:
            if n.cls == "LTXVAudioVAEEncode" and "audio" not in inputs:
                self.used.add(n.id)
                self.intent(n, "audio", "audio", inputs, said)
                if self._held_clean(n, up):
                    self.extra["sound"] = "drive"
            elif n.cls == "LTXVReferenceAudio" and "voice" not in inputs:
                self.used.add(n.id)
                self.intent(n, "reference_audio", "voice", inputs, said)
                for key, into in (("identity_guidance_scale", "identity_guidance"), ("start_percent", "identity_start"),
                                  ("end_percent", "identity_end")):
                    v = self.wf.value(n, key)
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                        self.extra[into] = float(v)

    def _held_clean(self, enc: CNode, up: list[CNode]) -> bool:
        """An encoded sound given a noise mask of 0 (SetLatentNoiseMask of a SolidMask 0): kept, not denoised."""
        wf = self.wf
        for n in up:
            if n.cls == "SetLatentNoiseMask" and wf.source(n, "samples") is enc:
                mask = wf.source(n, "mask")
                if mask is not None and mask.cls == "SolidMask" and wf.value(mask, "value") == 0:
                    self.used.update((n.id, mask.id))
                    return True
        return False

    def studio_loader(self, loader: CNode, slot: int = 0) -> tuple[str, str]:
        """Studio's Load Image / Load Video / Load Audio for a ComfyUI loader (one each, however
        often it is read), and the output for ``slot`` (a LoadImage's mask: its alpha)."""
        kind, _ = LOADER_NODES[loader.cls]
        if loader.id not in self.loaded:
            self.loaded[loader.id] = self.add(kind, {"path": self.file_of(loader)}, loader)
        out = {"io.load_image": ("image", "alpha"), "io.load_video": ("video", "video", "video", "audio"),
               "io.load_audio": ("audio",)}[kind]
        return self.loaded[loader.id], out[slot] if 0 <= slot < len(out) else out[0]

    def step(self, n: CNode, src: tuple[str, str], at: str | None = None) -> tuple[str, str]:
        """Studio's node for a ComfyUI step between a file and an intent input (Canny -> Edges with
        its thresholds in grey levels; SAM 3 -> Segment with its phrase), wired from ``src``."""
        wf, key = self.wf, f"{n.id}<{src[0]}.{src[1]}"
        if key in self.loaded:  # one Studio node for a step read twice (SAM 3's mask for two inputs)
            return self.loaded[key], STEP_OUT[n.cls]
        self.loaded[key] = self._step(n, src)
        return self.loaded[key], STEP_OUT[n.cls]

    def _step(self, n: CNode, src: tuple[str, str]) -> str:
        """Studio's node for one step (Lotus -> Depth, Canny -> Edges, SAM 3 -> Segment, an audio encoder's
        encode -> Speech Features with every hidden state, as HuMo reads Whisper's), wired."""
        wf = self.wf
        if n.cls == "AudioEncoderEncode":  # wav2vec2 (Wan S2V's) or Whisper (HuMo's), told by the encoder's file
            enc = wf.source(n, "audio_encoder")
            name = enc is not None and wf.value(enc, "audio_encoder_name")
            if isinstance(name, str) and "wav2vec" in name.lower():  # S2V's or InfiniteTalk's, told by its reader
                return self._speech_step(n, src) if feeds_s2v(wf, n) else speech_step(self, n, src)
            return self._whisper_step(n, src)
        if n.cls == "LotusConditioning":
            prep = self.add("preprocess.load", {"kind": "depth"}, n)
            nid = self.add("preprocess.depth", {}, n)
            self.g.connect(*src, nid, "video")
            self.g.connect(prep, "model", nid, "model")
            return nid
        if n.cls == "Canny":
            raw = n.raw if isinstance(n.raw, list) else []
            lo, hi = (wf.value(n, k) if k in n.links else (raw[i] if i < len(raw) else None)
                      for i, k in enumerate(("low_threshold", "high_threshold")))
            params = {k: int(round(v * 255)) for k, v in (("low", lo), ("high", hi))
                      if isinstance(v, (int, float)) and 0 <= v <= 1}
            nid = self.add("control.edges", params, n)
            self.g.connect(*src, nid, "video")
            return nid
        prep = self.add("preprocess.load", {"kind": "segment"}, n)
        nid = self.add("preprocess.segment", {"phrase": phrase_of(wf, n, self.used)}, n)
        self.g.connect(*src, nid, "video")
        self.g.connect(prep, "model", nid, "model")
        return nid

    def _s2v_take(self, node: CNode, up: list[CNode], inputs: dict, said: list[str]) -> None:
        """Wan S2V: the voice its features read also heard on the take (the node's 'audio'), and the take's
        length: the first chunk's and each WanSoundImageToVideoExtend's (ComfyUI's Video S2V Extend
        subgraphs, each continuing from the last frames made), one take of the S2V node, continued by
        its own motion frames window by window."""
        if "speech" in inputs:
            inputs["audio"] = (inputs["speech"][0], inputs["speech"][1], ())
        extends = [n for n in up if n.cls == "WanSoundImageToVideoExtend"]
        first = self.wf.value(node, "length")
        lengths = [first] + [self.wf.value(n, "length") for n in extends]
        self.used |= {n.id for n in up if n.cls in CHUNK_PLUMBING}  # the chunks' joins: one take here
        if extends and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in lengths):
            self.used |= {n.id for n in extends}
            self.extra["frames"] = sum(lengths)
            said.append(f"ComfyUI makes {len(lengths)} chunks ({' + '.join(map(str, lengths))} frames), each extending "
                        f"the one before: Studio's Speech to Video (S2V) makes the {sum(lengths)} frames as one take "
                        "in windows of 80, each continuing from the model's own last 73 frames (the release's way)")

    def _whisper_step(self, n: CNode, src: tuple[str, str]) -> str:
        """HuMo's voice: Speech Features (every hidden state) of its Whisper encoder."""
        return encoder_step(self, n, src, {"layers": "all", "fps": 25.0}, WHISPER,
                            "Whisper encoder (HuMo's), every hidden state")

    def _speech_step(self, n: CNode, src: tuple[str, str]) -> str:
        """Wan S2V's voice: Speech Features (every hidden state, 30 fps as the release's AudioEncoder) of its
        wav2vec2."""
        return encoder_step(self, n, src, {"layers": "all", "fps": S2V_FEATURE_FPS}, S2V_WAV2VEC2,
                            "wav2vec2 (Wan S2V's), every hidden state at 30 fps")
