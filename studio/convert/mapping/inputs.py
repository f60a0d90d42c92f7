"""The builder's stage that makes the Studio nodes behind a generator's inputs: Studio's Load Image / Load Video /
Load Audio for a ComfyUI loader (one each), the steps between a file and an input (Canny -> Edges, SAM 3 ->
Segment, poses, depth, an audio encoder -> Speech Features as the family's api.Voice hears it), and the voice a
Save Video carries."""
from __future__ import annotations

from ..families import registry as families
from ..finishing.utility import depth_node, phrase_of, pose_nodes
from ..reading.unnamed_file import names_none
from ..reading.wired_names import given_when_run, media_file_wired, media_given
from ..reading import loader_picks, sequence_picks
from ..reading.by_types import declared_outputs
from ..reading.workflow import LOADER_NODES, CNode
from . import load_size, load_trim, split_parts
from ..reading.load_settings import unapplied
from .mixed_voices import mixed_voices
from studio.core.errors import StudioError
from studio.core.graph import check_title

from .given_back import given_back

SHOWN = {"footage.load_sequence": "image sequence"}  # how a loader's sentence names Studio's loader (its kind word)
from .intent import FAMILY_STEP_OUT, STEP_OUT, node_kind, step_kind
from . import audio_joins, audio_steps, bucket_like, loaded_masks, clip_range, control_steps, mask_steps, pose_parts, pose_steps
from ..tracing import voice_steps
from ..finishing.effects_made import file_effect
from . import folder_order, picture_mask, way_effects
from ..takes.sound import sound_port
from ..tracing.resizes import BUCKET_LIKE, scale_params
from ..reading.crops import rect


class InputMaking:
    """Studio's nodes for the files and steps an output's inputs are made from."""

    def studio_loader(self, loader: CNode, slot: int = 0) -> tuple[str, str]:
        """Studio's Load Image / Load Video / Load Audio for a ComfyUI loader (one each, however
        often it is read), and the output for ``slot`` (a LoadImage's mask: its alpha)."""
        kind, _ = LOADER_NODES[loader.cls]
        if loader.id not in self.loaded:
            blank = not self.file_of(loader).strip()  # (a file to set by hand: its node titled as the workflow's is,
            self.loaded[loader.id] = self.add(kind, {"path": self.file_of(loader)}, loader,  # so two loaders naming
                                              title=_title(loader) if blank else None)  # none are told apart: heldout64 04)
            if not self.file_of(loader).strip() and names_none(self.wf, loader):  # a template's, its app fills in
                self.say(f"{loader.named()} names no file: set {self.g.registry.get(kind).title}'s 'path'")
            elif blank and (given := media_file_wired(self.wf, loader)):  # a file named by a node when it runs
                what = media_given(self.wf, loader, given[0])  # (a text may be a web address: saved first)
                self.say(given_when_run(loader, *given, what) + f": set {self.g.registry.get(kind).title}'s 'path' to it"
                         + (" (Studio reads files only: a web address's file saved first)" if "web" in what else ""))
            if kind == "io.load_audio":  # a loader cutting its sound: that window (audio_steps)
                self.loaded[f"{loader.id}~"] = audio_steps.loader_window(self, loader, (self.loaded[loader.id], "audio"))
            else:  # a VideoHelperSuite loader's rate and frame picks: a Frame Rate and a Trim (load_trim); size said
                picks = loader_picks if kind == "io.load_video" else None
                fps, trim = (picks.rate(self.wf, loader), picks.params(self.wf, loader)) if picks else (0, None)
                if kind == "footage.load_sequence":  # a folder's pictures: by its files, in its pack's order
                    trim = folder_order.ordered(self, loader)  # (the packs count files, not frame numbers)
                last = self.loaded.get(f"{loader.id}#", self.loaded[loader.id])  # (a folder sorted last first: reversed)
                keep = loader_picks.rule(loader)
                for on, node, p in ((fps, "edit.frame_rate", {"fps": fps, "keep": keep}),
                                    (trim, "transform.trim", trim and sequence_picks.trim_params(trim))):
                    if on:
                        self.g.connect(last, "video", nid := self.add(node, p, loader), "video")
                        self.loaded[f"{loader.id}#"] = last = nid
                seq = kind == "footage.load_sequence"
                if seq:  # (its picks, or the whole folder: its order said)
                    self.say(sequence_picks.said(loader, self.file_of(loader), trim, self.wf.value(loader, sequence_picks.SORT)))
                elif fps or trim:
                    start = self.wf.value(loader, "start_time") if keep != "duration" else None
                    self.say(load_trim.said(loader, self.file_of(loader), trim, fps or 0.0, keep, start))
                size = load_size.made(self, loader, last) if not seq else None  # its size: a Scale (load_size)
                self._taken(loader, kind, (sequence_picks.taken(trim) if seq else loader_picks.taken(loader, trim, fps)
                                           + loader_picks.whole(self.wf, loader)) + load_size.taken(size))
        if kind == "io.load_audio":  # (a file split into parts: the part on ``slot``, split_parts)
            return split_parts.part(self, loader, slot) if loader.parts else self.loaded[f"{loader.id}~"]
        if (got := loaded_masks.made(self, loader, self.loaded[loader.id], slot)) is not None:
            return got  # (a Load Image's MASK: 1 - its alpha; core's LoadImageMask: a channel; loaded_masks)
        out = {"io.load_image": ("image", "alpha"), "io.load_video": ("video", "video", "video", "audio"),
               "footage.load_sequence": ("video", "alpha")}[kind]
        port = out[slot] if 0 <= slot < len(out) else out[0]
        declared = declared_outputs(loader)  # a video loader's sound where its type declares it (VHS's output 2)
        if kind == "io.load_video" and 0 <= slot < len(declared) and declared[slot] in ("AUDIO", "IMAGE"):
            port = "audio" if declared[slot] == "AUDIO" else "video"
        if f"{loader.id}#" in self.loaded:  # its frames through the Frame Rate / Trim; its sound their seconds
            if port == "alpha":  # (a Load Image's mask: its own, never through the Scale of its picture)
                return self.loaded[loader.id], port
            if port != "audio":  # (a Load Image's picture through its Scale: the Scale's 'video')
                return self.loaded[f"{loader.id}#"], "video" if port == "image" else port
            if f"{loader.id}~a" not in self.loaded:
                self.loaded[f"{loader.id}~a"] = load_trim.sound(self, loader, (self.loaded[loader.id], port))
            return self.loaded[f"{loader.id}~a"]
        return self.loaded[loader.id], port

    def _taken(self, loader: CNode, kind: str, taken: tuple[str, ...]) -> None:
        """The loader's settings its Frame Rate, Trim and Scale keep, recorded as read (a held task's note of the
        settings no Studio node takes leaves them out: held_settings; heldout116 01's frame_load_cap, kept by its Trim,
        was listed 'not applied'); the others said not applied."""
        self.wf.settings_read |= {(loader.id, k) for k in taken}
        line = unapplied(self.wf, loader, self.file_of(loader), SHOWN.get(kind, kind.rpartition("_")[2]), taken)
        if line:
            self.say(line)

    def step(self, n: CNode, src: tuple[str, str], at: str | None = None) -> tuple[str, str]:
        """Studio's node for a ComfyUI step between a file and an intent input (Canny -> Edges with
        its thresholds in grey levels; SAM 3 -> Segment with its phrase), wired from ``src``."""
        key, out = f"{n.id}<{src[0]}.{src[1]}", STEP_OUT.get(n.cls) or mask_steps.out(n) or \
            (picture_mask.OUT if picture_mask.is_step(self.wf, n) else None) or \
            (audio_steps.OUT if audio_steps.is_step(self.wf, n) else None) or \
            FAMILY_STEP_OUT.get(node_kind(self.wf, n), "video")
        if voice_steps.is_step(self.wf, n):  # a voice separated from its music: Isolate Voice's 'voice' or 'rest'
            out = voice_steps.out(self.wf, n)
        if key not in self.loaded:  # one Studio node for a step read twice (SAM 3's mask for two inputs)
            self.loaded[key] = picture_mask.make(self, n, src) if picture_mask.is_step(self.wf, n) else \
                self._step(n, src)  # (a picture's channel as a mask, ImageToMask: Mask Tools, picture_mask)
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
        if clip_range.picked(wf, n) is not None:  # a range of a clip's frames picked: Studio's Trim (clip_range)
            nid = self.add("transform.trim", clip_range.params(wf, n), n)
            self.g.connect(*src, nid, "video")
            return nid
        if n.cls == BUCKET_LIKE:  # a clip at the size a VideoX-Fun sampler picks from another picture (bucket_like)
            return bucket_like.make(self, n, src)
        if (scale := scale_params(wf, n)) is not None:  # a resize of fixed size: Studio's Scale (tracing/resizes.py)
            nid = self.add("transform.scale", scale, n)
            self.g.connect(*src, nid, "video")
            return nid
        if (cut := rect(lambda k: wf.value(n, k), n)) is not None:  # a rectangle cut: Studio's Crop (reading/crops)
            nid = self.add("edit.crop", cut, n)
            self.g.connect(*src, nid, "video")
            return nid
        if way_effects.is_step(wf, n):  # a blur or a sharpen on the file's way: Studio's (one for its every reader)
            return file_effect(self, n, src)[0]
        if audio_steps.is_step(wf, n):  # a sound's window (TrimAudioDuration -> Audio Trim)
            return audio_steps.make(self, n, src)
        if voice_steps.is_step(wf, n):  # a voice separated from its music (MelBandRoFormer -> Isolate Voice)
            return voice_steps.make(self, n, src)
        if mask_steps.is_step(n):  # a mask made (SAM 2 -> Segment) or shaped (GrowMaskWithBlur -> Mask Tools)
            return mask_steps.make(self, n, src)
        if n.cls == "AudioEncoderEncode":  # a wav2vec2 or another encoder (Whisper), told by the encoder's file
            return self.speech_features(n, src, self._voice(n))
        kind = node_kind(wf, n)
        if kind == "pose":  # people, their poses, drawn over the clip's size: what a pose ControlNet reads
            pose = self._poses(n, src)
            params, line = pose_parts.draw_params(n) if step_kind(n.cls) else ({}, None) if control_steps.aio(wf, n) \
                else (pose_steps.draw_params(wf, n), None)  # the parts it draws (pose_parts); the all-in-one node's
            # preprocessor at its defaults (every part); a typed step's size
            nid = self.add("preprocess.draw_pose", params, n)
            if line:
                self.say(line)
            self.g.connect(pose, "pose", nid, "pose")
            self.g.connect(*src, nid, "like")
            return nid
        if kind == "face":  # the face crops of the people found: Wan Animate's face clip, at 512 as it reads it
            pose = self._poses(n, src)
            size = n.widgets.get("base_resolution") if n.cls != "PoseAndFaceDetection" else None
            nid = self.add("preprocess.face_crops", {"size": size if isinstance(size, int) and size > 0 else 512}, n)
            self.g.connect(*src, nid, "video")
            self.g.connect(pose, "pose", nid, "pose")
            return nid
        if n.cls == "LotusConditioning" or kind == "depth":
            return depth_node(self, n, src)
        if n.cls == "Canny" or kind in ("edges", "tile"):  # thresholds in grey levels; a tile's levels (control_steps)
            made = ("control.tile", control_steps.tile_params) if kind == "tile" else \
                ("control.edges", control_steps.edges_params)
            nid = self.add(made[0], made[1](wf, n), n)
            self.g.connect(*src, nid, "video")
            return nid
        prep = self.add("preprocess.load", {"kind": "segment"}, n)
        nid = self.add("preprocess.segment", {"phrase": phrase_of(wf, n, self.used)}, n)
        self.g.connect(*src, nid, "video")
        self.g.connect(prep, "model", nid, "model")
        return nid

    def hear(self, save: CNode, sv: str, heard: tuple[str, ...], inputs: dict, gen: str | None = None) -> None:
        """The voice the take is made to (the generator's inputs ``heard``: Generator.heard) in the Save Video
        ``sv``'s file with it; a second voice mixed with the first, as the model hears them (a dialogue). Where the
        workflow's save joins sounds on its way (audio_joins), that sound, made with Studio's audio nodes."""
        port = sound_port(self.wf, save)
        if port is not None and (joined := self.joined_sound(*port)) is not None:
            self.g.connect(*joined[0], sv, "audio")
            self.say(joined[1])
            return
        if not heard or heard[0] not in inputs:
            return
        ks = tuple(k for k in heard[:2] if k in inputs)
        back = given_back(self, save, gen, ks, tuple(self.studio_loader(*inputs[k][:2]) for k in ks))
        if back is not None and back[1] is not None:  # what the voices' encoder gives back of them (given_back)
            self.g.connect(*self._mixed(save, back[0]), sv, "audio")
            self.say(back[1])
            return
        voice = self.studio_loader(*inputs[heard[0]][:2])
        if port is not None and sum(k in inputs for k in heard) == 1 and (window := audio_joins.cut(self, *port)):
            voice = window[0]  # the save's sound cut on its way (a window of the voice): that cut (audio_joins.cut)
            self.say(window[1])
        elif back is not None:  # the one voice's very sound as the generator hears it (an isolated voice)
            voice = back[0][0]
        if len(heard) > 1 and heard[1] in inputs:
            mix = self.add("edit.audio_mix", {}, save)
            # each voice as the generator hears it: with silence while the other speaks, where they take turns
            a, b = (self._heard_as(gen, k, self.studio_loader(*inputs[k][:2])) for k in heard[:2])
            self.g.connect(*a, mix, "a")
            self.g.connect(*b, mix, "b")
            voice = (mix, "audio")
            turns = self.g.nodes[a[0]].type_id == "edit.audio_concat"
            said = mixed_voices(self.wf, save, {inputs[k][0].id for k in heard[:2]}, turns)
            if said is not None and said[1] is not None and said[1].id not in self.used:
                self.over.setdefault(said[1].id, said[0])  # the node making the save's sound passed over in it
            elif said is not None:
                self.say(said[0])
        self.g.connect(*voice, sv, "audio")

    def _mixed(self, save: CNode, sounds: list[tuple[str, str]]) -> tuple[str, str]:
        """One sound of ``sounds`` (Studio's outputs): itself, else the first two mixed (Audio Mix)."""
        if len(sounds) == 1:
            return sounds[0]
        mix = self.add("edit.audio_mix", {}, save)
        self.g.connect(*sounds[0], mix, "a")
        self.g.connect(*sounds[1], mix, "b")
        return mix, "audio"

    def joined_sound(self, node: CNode, port: str) -> tuple[tuple[str, str], str] | None:
        """(Studio's audio, its sentence) for the sound ``node``'s ``port`` takes where sounds are joined on its way
        (audio_joins), else None (takes.sound asks it of every save)."""
        return audio_joins.built(self, node, port)

    def cut_sound(self, node: CNode, port: str) -> tuple[tuple[str, str], str] | None:
        """(Studio's audio, its sentence) for the sound ``node``'s ``port`` takes where its way from the file is
        windows alone (audio_joins.cut: a trim, a crop, a loudness step), else None (takes.sound asks it of a save
        writing a file's sound)."""
        return audio_joins.cut(self, node, port)

    def _heard_as(self, gen: str | None, port: str, loaded: tuple[str, str]) -> tuple[str, str]:
        """The sound the voice features on ``gen``'s ``port`` are made of where a family laid it in time there (Audio
        Concat: two speakers' turns), else ``loaded`` (the voice's Load Audio)."""
        feats = self.g.input_link(gen, port) if gen is not None else None
        sound = self.g.input_link(feats.src, "audio") if feats is not None else None
        if sound is not None and self.g.nodes[sound.src].type_id == "edit.audio_concat":
            return sound.src, sound.src_port
        return loaded

    def _voice(self, n: CNode):
        """How the family whose node ``n`` (an AudioEncoderEncode) feeds hears it (api.Voice): of the voices
        the mappings declare for its kind of encoder (wav2vec2 or not), the one for the node it feeds,
        else the one for any; with no encoder file named (its kind unknown), the one for the node it feeds of
        any kind first."""
        wf = self.wf
        enc = wf.source(n, "audio_encoder")
        name = enc is not None and wf.value(enc, "audio_encoder_name")
        wav2vec = isinstance(name, str) and "wav2vec" in name.lower()
        voices = [v for v in families.lookup("voices") if v.wav2vec == wav2vec]
        fed = {m.cls for m in wf.nodes.values() if any(src[0] == n.id for src in m.links.values())}
        mine = voices if isinstance(name, str) and name.strip() else families.lookup("voices")  # no file: its node's
        return next((v for v in mine if v.feeds and any(c.startswith(v.feeds) for c in fed)),
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
        if named:  # (a pack's loader read as ComfyUI's keeps its file in its own folder: both looked in, said)
            where = f"(the file '{enc.title or enc.origin}' ({enc.origin}, #{enc.id}) loads: Studio looks for it in " \
                "audio_encoders/ and wav2vec2/)" if enc is not None and enc.origin else "(audio_encoders/)"
            line = (f"the voice's features: Speech Features reads ComfyUI's '{name}' {where} into "
                    f"transformers' {voice.what}")
        else:
            prep = self.add("preprocess.load", {"kind": "speech", "model": voice.folder}, enc or n)
            self.g.connect(prep, "model", nid, "model")
            line = (f"the voice's features: no audio encoder file is named, so Speech Features takes Load "
                    f"Preprocessor's '{voice.folder}', a Hugging Face folder ({voice.what})")
        self.say(line)
        return nid


def _title(loader: CNode) -> str | None:
    """The workflow's own title of a loader (a blueprint's input: "First-Last-Frame to Video (LTX-2.3): input_1"),
    where it has one a Studio node can carry; else None."""
    if not loader.title or loader.title == loader.shown_cls:
        return None
    try:
        check_title(loader.title, loader.id)
    except StudioError:
        return None
    return loader.title
