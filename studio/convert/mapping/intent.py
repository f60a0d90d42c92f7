"""The intent of a ComfyUI workflow's output wired into Studio's nodes (part of mapping.convert's
builder): the task read through tracing.tasks (a family's reading of its task node, of the nodes on
the latent's way and of its generator's inputs: its mapping's hooks), the Load Image / Load Video /
Load Audio behind each intent input, a voice's Speech Features (each family's api.Voice), a second
output of one sampler, and a task Studio cannot do held with its sentence (the walks it shares with the
rest of the converter: tracing/walks.py)."""
from __future__ import annotations

from studio.core.shown import number

from ..reading.workflow import LOADER_NODES, CNode
from ..families import registry as families
from ..tracing.roles import generates, in_type
from ..tracing.tasks import I2V, LATENT_NAMES, T2V, V2V, Task, conditioning_task, sentence, task_node, task_of, tasks
from ..finishing.finish import after_take, save_node
from ..finishing.utility import depth_node, phrase_of, pose_nodes
from ..tracing.walks import FILE_TYPES, adds_noise, find_loader, model_file, sampler_denoise, upstream

# ComfyUI steps between a file and an intent input that Studio's nodes do (see IntentReading.step)
# ComfyUI's pose and depth preprocessors (comfyui_controlnet_aux, DepthAnythingV2) on a control clip's way: Studio's
# own pose (people -> pose -> drawn) and depth nodes, their models chosen on Load Preprocessor (said)
# (and a family's pack's own steps, its mapping's 'steps': 'pose' drawn as these are, 'face' as Face Crops)
POSE_STEPS = ("DWPreprocessor", "OpenposePreprocessor", "DWPose")
DEPTH_STEPS = ("DepthAnythingV2Preprocessor", "DepthAnythingPreprocessor", "DepthAnything_V2", "DA3Inference")
STEPS = ("Canny", "SAM3_Detect", "SAM3_VideoTrack", "AudioEncoderEncode") + POSE_STEPS + DEPTH_STEPS
STEP_OUT = {"Canny": "video", "SAM3_Detect": "mask", "SAM3_VideoTrack": "mask", "LotusConditioning": "depth",
            "AudioEncoderEncode": "features", **{k: "video" for k in POSE_STEPS}, **{k: "depth" for k in DEPTH_STEPS}}
FAMILY_STEP_OUT = {"pose": "video", "face": "face"}


def step_kind(cls: str) -> str | None:
    """'pose', 'face' or 'depth' for a preprocessing step Studio's pose / depth nodes make (ComfyUI's, or a
    family's pack's: its mapping's 'steps'); None for any other node."""
    if cls in POSE_STEPS:
        return "pose"
    if cls in DEPTH_STEPS:
        return "depth"
    return families.lookup("steps").get(cls)


class IntentReading:
    """mapping.convert._Builder's reading of what each output makes (a mixin: the builder's own state)."""

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

    def _another_output(self, save: CNode, gen: str, task: str, band: int, made_for: CNode, said: list[str]) -> str:
        """A second output of the same sampler: a Save Video on the same generator (a path of its own,
        so neither overwrites the other), not the video generated twice; its own finishing (an upscale, a
        resize, an interpolation: finishing.finish) between the take and it. The Save Video's id."""
        path, taken = self.save_path(save), {n.params.get("path") for n in self.g.nodes.values()
                                              if n.type_id == "io.save_video"}
        stem, k = path.removesuffix(".mp4"), 2
        while path in taken:
            path, k = f"{stem}_{k}.mp4", k + 1
        sv = save_node(self, save, path)
        made = len(self.g.nodes) - 1
        take = self.takes.get(gen, (gen, "video"))  # the take before the first output's own finishing
        self.g.connect(*after_take(self, save, take, said), sv, "video")
        hooks = families.generator(task)
        if hooks is not None and hooks.sound and self.g.nodes[sv].type_id == "io.save_video":
            self.g.connect(gen, "audio", sv, "audio")
        self.used.add(save.id)
        self.bands[band] += [n for n in list(self.g.nodes)[made:]]
        self.out.log.append(f"{self.name}: ComfyUI '{save.title or save.cls}' -> another Save Video ({path}) on the "
                            f"pipeline of '{made_for.title or made_for.cls}' (the same sampler: generated once)")
        return sv

    def _task(self, first: CNode, up: list[CNode], said: list[str]) -> tuple[str, CNode | None, dict, Task | None]:
        """The generator (a Studio type id) for the task the first sampler's latent and conditioning
        nodes say (tracing.tasks.tasks(): the families' mappings'), that node, the intent inputs wired into it (the generator's
        input -> (ComfyUI loader, its output slot)) and the task's declaration."""
        wf, used = self.wf, self.used
        node, chain = task_node(wf, first, up)
        # a node no family reads making the latent from nothing (a pack's reference-to-video node): its size and length
        # settings, by ComfyUI's names, are the generator's (mapping.convert._params)
        self.maker = chain[-1] if node is None and chain and not any(k in chain[-1].links for k in LATENT_NAMES) \
            else None
        spec = task_of(node)
        if node is not None:
            used.add(node.id)
        if spec is not None and spec.generator == V2V and (other := conditioning_task(wf, first)) is not None:
            # a clip encoded as the latent, a family's conditioning beside it (InfiniteTalk's voice): not a restyle
            given = tasks()[other.cls]
            return V2V, node, {}, Task(f"video to video from an encoded clip, conditioned by {other.shown_cls} "
                                       f"({given.what})", None, family=given.family, cannot=(
                                           f"restyle a clip with {other.shown_cls}'s conditioning: Video to Video takes "
                                           "the clip and the prompt alone, and that task's generator makes its take "
                                           "from its own inputs (made as either, it would be another video)"))
        if spec is not None and spec.generator == V2V:
            spec = self._encoded(first, node, spec, said)
        inputs: dict[str, tuple[CNode, int]] = {}
        for port, into in spec.ports if spec is not None else ():
            if port in node.links:
                self.intent(node, port, into, inputs, said)
        if spec is not None and spec.read is not None and node is not None:  # the family's own reading
            spec = spec.read(self, node, up, spec, inputs, said) or spec
        for name, param, words in spec.settings if spec is not None and node is not None else ():
            v = wf.value(node, name)
            if v is None:
                continue
            if param is not None:
                self.extra[param] = v
            else:
                said.append(f"{node.shown_cls}'s {name} {number(v) if isinstance(v, (int, float)) else v} ({words}) is "
                            "not taken")
        gen = spec.generator if spec is not None and spec.generator else T2V
        if spec is not None and spec.needs and "image" not in inputs:
            gen = T2V  # Wan 2.2 TI2V / HunyuanVideo 1.5 with no start image: text to video
        claim = families.claimed(up)
        if claim is not None:  # a family told by its nodes upstream (LTX-2 by its audio nodes)
            if claim.read is not None:  # its own reading of the pipeline (given the latent's maker): a task held
                held = claim.read(self, node if node is not None else wf.source(first, "latent_image"), up, claim,
                                  inputs, said)
                if held is not None and held.generator is None:
                    return gen, node, inputs, held
            gen = claim.generator or gen
        steps, declared = families.lookup("latent_steps"), families.declared()
        for n in chain:  # a family's nodes on the latent's way (LTX's image, keyframes and control)
            if n.cls in steps:
                used.add(n.id)
                gen = steps[n.cls](self, n, gen, inputs, said)
            elif n.cls in declared or not any(in_type(n, k) in FILE_TYPES for k in n.links):
                used.add(n.id)  # read, or a node passing the latent on (a pack's check of it) with no file of its own
            # else a node no family reads given a file (a pack's guide): left unconverted, so that the file given to
            # the sampler through it holds the output (ledger.blocked) instead of being dropped with it
        hooks = families.generator(gen)
        if hooks is not None and hooks.intent is not None:  # VACE's task, LTX-2's sound, S2V's take
            hooks.intent(self, node, up, inputs, said)
        if gen == I2V and "image" not in inputs and "image" not in self.motion:
            said.append("the workflow's start image is made by ComfyUI nodes Studio does not convert: connect an image "
                        "to Image to Video's 'image'")
        return gen, node, inputs, spec

    def _encoded(self, first: CNode, node: CNode, spec: Task, said: list[str]) -> Task | None:
        """A sampler's latent encoded from a clip (VAEEncode): video to video when the sampler
        denoises it part way (its strength the denoise), else text to video (said): the clip, noised
        whole, is lost in ComfyUI too."""
        d = sampler_denoise(self.wf, first)
        found = find_loader(self.wf, node, "pixels", set())
        if d is not None and d >= 1 and not adds_noise(self.wf, first):  # the clip itself sampled: an inversion, an edit
            clip = f" {LOADER_NODES[found[0].cls][1]} '{self.file_of(found[0])}'" if found is not None else ""
            return Task(f"a video sampled from the encoded clip{clip} itself (no noise added)", None, family=None,
                        cannot=f"sample a clip with no noise added ('{first.title or first.shown_cls}' #{first.id}: an "
                               "inversion or an edit of the clip, as FlowEdit and RF-inversion make)")
        if d is not None and d >= 1:
            clip = f" ({LOADER_NODES[found[0].cls][1]} '{self.file_of(found[0])}')" if found is not None else ""
            said.append(f"'{first.title or first.cls}' denoises its encoded latent whole (denoise 1): the clip encoded"
                        f"{clip} is noised away, as in ComfyUI, and the video is made from the prompt alone")
            return None
        if found is None or LOADER_NODES.get(found[0].cls, ("", ""))[1] != "video":
            return Task("video to video from an encoded image", None, family=None,
                        cannot="restyle a latent encoded from a still image or from nodes it does not convert (Video "
                               "to Video takes a clip)")
        if d is None:  # wired to nodes Studio cannot work out: not a whole denoise, a strength unknown
            said.append(f"how far '{first.title or first.cls}' denoises its encoded latent is given by nodes Studio "
                        "cannot work out: Video to Video runs at its default strength; set 'strength' to the "
                        "workflow's")
            return spec
        self.extra["strength"] = round(float(d), 4)
        return spec

    def intent(self, node: CNode, port: str, into: str, inputs: dict, said: list[str]) -> None:
        """The Load Image / Load Video / Load Audio behind ``node``'s ``port``, for the generator's
        ``into``; what makes it otherwise is said."""
        cont = self.continuing.get((node.id, port))
        if cont is not None:  # frames of an earlier take of the output (takes.segments): its Frame Hold, or Time
            self.motion.update({into: cont[:2]} if cont[0] is not None else {})  # (a mask the preset makes: none)
            said += [cont[2]] if cont[2] else []
            return
        found = find_loader(self.wf, node, port, self.used)
        if found is None:
            said.append(f"'{port}' of '{node.title or node.cls}' is made by ComfyUI nodes Studio does not convert (see "
                        f"their note): connect one to the generator's '{into}'")
            self.unmade.add(into)
            return
        loader, slot, via = found
        made = next((n for n in via if generates(self.wf, n)), None)
        if made is not None:  # a picture another node makes from the file (an API image model): not the file
            said.append(f"'{port}' of '{node.title or node.cls}' is made by ComfyUI's '{made.title or made.shown_cls}' "
                        f"({made.shown_cls}, #{made.id}) from {LOADER_NODES[loader.cls][1]} '{self.file_of(loader)}' "
                        f"when the workflow runs; Studio does not run it: connect what it makes to the generator's "
                        f"'{into}'")
            self.unmade.add(into)
            return
        steps = [n for n in via if (n.cls in STEPS or step_kind(n.cls))
                 and (n.cls.startswith("SAM3") == into.endswith("mask"))]
        theirs = families.lookup("steps")
        if any(theirs.get(n.cls) == "pose" for n in steps):  # a family's pose drawing: its detection is part of it
            absorbed = [n for n in steps if theirs.get(n.cls) == "face"]
            steps = [n for n in steps if n not in absorbed]
            via = [n for n in via if n not in absorbed]
            self.used |= {n.id for n in absorbed}
        if any(n.cls == "ImagePadForOutpaint" for n in via) and self.pad is None:
            self.pad = next(n for n in via if n.cls == "ImagePadForOutpaint")
        if self.pad is not None and into == "mask":
            return  # Wan VACE draws the outpaint mask from its pads
        other = sorted({n.cls for n in via if n not in steps and n.cls != "ImagePadForOutpaint"})
        if other:
            said.append(f"'{port}' of '{node.title or node.cls}' is {loader.cls}'s file through ComfyUI's "
                        f"{', '.join(other)}: the file is wired without "
                        f"{'that step' if len(other) == 1 else 'those steps'}; add Studio's node for it if it matters")
        for n in (n for n in steps if step_kind(n.cls)):
            what, kinds = ("depth", "'depth'") if step_kind(n.cls) == "depth" else ("pose", "'people' and 'pose'")
            said.append(f"'{into}' is made by Studio's {what} nodes for {n.shown_cls} (#{n.id}): choose their "
                        f"models on Load Preprocessor ({kinds}); ComfyUI's preprocessor files are their own format")
        self.used |= {n.id for n in steps}
        inputs[into] = (loader, slot, tuple(reversed(steps)))

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
        key, out = f"{n.id}<{src[0]}.{src[1]}", STEP_OUT.get(n.cls) or FAMILY_STEP_OUT[step_kind(n.cls)]
        if key not in self.loaded:  # one Studio node for a step read twice (SAM 3's mask for two inputs)
            self.loaded[key] = self._step(n, src)
        return self.loaded[key], out

    def _poses(self, n: CNode, src: tuple[str, str]) -> str:
        """Studio's Pose Estimate of the clip ``src`` (with its Detect People): one for every step that reads the
        same clip's poses (Wan Animate's drawn pose and its face crops)."""
        key = f"poses<{src[0]}.{src[1]}"
        if key not in self.loaded:
            self.loaded[key] = pose_nodes(self, n, src)
        return self.loaded[key]

    def _step(self, n: CNode, src: tuple[str, str]) -> str:
        """Studio's node for one step (Lotus -> Depth, Canny -> Edges, SAM 3 -> Segment, an audio encoder's
        encode -> Speech Features with every hidden state, as HuMo reads Whisper's), wired."""
        wf = self.wf
        if n.cls == "AudioEncoderEncode":  # a wav2vec2 or another encoder (Whisper), told by the encoder's file
            return self.speech_features(n, src, self._voice(n))
        kind = step_kind(n.cls)
        if kind == "pose":  # people, their poses, drawn over the clip's size: what a pose ControlNet reads
            pose = self._poses(n, src)
            nid = self.add("preprocess.draw_pose", {}, n)
            self.g.connect(pose, "pose", nid, "pose")
            self.g.connect(*src, nid, "like")
            return nid
        if kind == "face":  # the face crops of the people found: Wan Animate's face clip, at 512 as it reads it
            pose = self._poses(n, src)
            nid = self.add("preprocess.face_crops", {"size": 512}, n)
            self.g.connect(*src, nid, "video")
            self.g.connect(pose, "pose", nid, "pose")
            return nid
        if n.cls == "LotusConditioning" or kind == "depth":
            return depth_node(self, n, src)
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


    def hear(self, save: CNode, sv: str, heard: tuple[str, ...], inputs: dict) -> None:
        """The voice the take is made to (the generator's inputs ``heard``: Generator.heard) in the Save Video
        ``sv``'s file with it; a second voice mixed with the first, as the model hears them (a dialogue)."""
        if not heard or heard[0] not in inputs:
            return
        voice = self.studio_loader(*inputs[heard[0]][:2])
        if len(heard) > 1 and heard[1] in inputs:
            mix = self.add("edit.audio_mix", {}, save)
            self.g.connect(*voice, mix, "a")
            self.g.connect(*self.studio_loader(*inputs[heard[1]][:2]), mix, "b")
            voice = (mix, "audio")
        self.g.connect(*voice, sv, "audio")

    def _voice(self, n: CNode):
        """How the family whose node ``n`` (an AudioEncoderEncode) feeds hears it (api.Voice): of the voices
        the mappings declare for its kind of encoder (wav2vec2 or not), the one for the node it feeds,
        else the one for any."""
        wf = self.wf
        enc = wf.source(n, "audio_encoder")
        name = enc is not None and wf.value(enc, "audio_encoder_name")
        wav2vec = isinstance(name, str) and "wav2vec" in name.lower()
        voices = [v for v in families.lookup("voices") if v.wav2vec == wav2vec]
        fed = {m.cls for m in wf.nodes.values() if any(src[0] == n.id for src in m.links.values())}
        return next((v for v in voices if v.feeds and any(c.startswith(v.feeds) for c in fed)),
                    next(v for v in voices if not v.feeds))

    def speech_features(self, n: CNode, src: tuple[str, str], voice) -> str:
        """Speech Features (``voice.params``) for an AudioEncoderEncode, wired from the Load Audio ``src``:
        reading ComfyUI's single file of its AudioEncoderLoader (models/audio_encoders/, read into
        transformers' class by Speech Features' 'encoder'); with no file named, Load Preprocessor (kind
        'speech') on the release's Hugging Face folder. What it reads is said in the pipeline's note."""
        wf = self.wf
        enc = wf.source(n, "audio_encoder")
        name = wf.value(enc, "audio_encoder_name") if enc is not None else None
        if enc is not None:
            self.used.add(enc.id)
        named = isinstance(name, str) and name.strip() != ""
        params = dict(voice.params)
        nid = self.add("encode.speech", dict(params, encoder=name.replace("\\", "/")) if named else params, n)
        self.g.connect(*src, nid, "audio")
        if named:
            line = (f"the voice's features: Speech Features reads ComfyUI's '{name}' (audio_encoders/) into "
                    f"transformers' {voice.what}")
        else:
            prep = self.add("preprocess.load", {"kind": "speech", "model": voice.folder}, enc or n)
            self.g.connect(prep, "model", nid, "model")
            line = (f"the voice's features: no audio encoder file is named, so Speech Features takes Load "
                    f"Preprocessor's '{voice.folder}', a Hugging Face folder ({voice.what})")
        self.say(line)
        return nid

    def say(self, line: str) -> None:
        """A line in the pipeline's note and the Log (said once)."""
        if line not in self.refused:
            self.refused.append(line)
            self.log(line)

    def said_lines(self) -> list[str]:
        """The lines said for the pipeline's note so far (values not taken, files read), handed over once."""
        lines, self.refused = self.refused, []
        return lines

    def task_made(self, what: str, fam: str | None, generator: str | None, inputs: list[str]) -> None:
        """A converted output's task for the conversion's summary (Conversion.tasks)."""
        self.out.tasks.append({"task": what, "family": fam, "generator": generator, "inputs": inputs})

    def log(self, line: str) -> None:
        """A line in the Log, after the workflow's name."""
        self.out.log.append(f"{self.name}: {line}")
