"""The builder's stage that reads what an output makes: the task its first sampler's latent and conditioning
nodes say (tracing.tasks, a family's reading of its task node, of the nodes on the latent's way and of its
generator's inputs: its mapping's hooks), a latent encoded from a clip (video to video, or said), and the Load
Image / Load Video / Load Audio behind each intent input with the steps on its way (made by inputs.py)."""
from __future__ import annotations

from studio.core.shown import number

from ..reading import loader_size
from . import chained_tasks
from ..reading.pads import is_pad, read_straight
from ..reading.variants import variant_wired
from ..reading.workflow import LOADER_NODES, CNode
from ..families import abilities, registry as families
from ..tracing.roles import generates, in_type
from ..tracing.tasks import I2V, LATENT_NAMES, T2V, V2V, Task, conditioning_task, task_node, task_of, tasks
from ..tracing.walks import FILE_TYPES, adds_noise, find_loader
from .. import catalogue
from ..tracing import resizes, worked_sizes
from ..tracing.origins import unread_origin
from ..tracing.mask_models import model_mask
from ..tracing import mask_round_trip
from ..tracing.crops_on_way import way_said, with_cuts
from . import audio_steps, clip_frames, clip_last, clip_range, loaded_count, control_steps, held_steps, mask_steps
from . import drawn_tracks, picture_fit, picture_mask, pose_steps, solid_start, take_frames_input, way_effects
from .latent_guides import guide_words
from ..tracing import voice_steps
from ..takes.extension_encoded import EXTENSION, picked_frames
from ..tracing.earlier_takes import EARLIER, earlier_sampler
from ..tracing.mask_window import window_words
from ..tracing.mask_by_time import time_words
from ..tracing.masked_encodes import CONTINUED, latent_mask
from .continue_by_hand import by_hand
from . import continue_wired, inpaint_take, one_frame, split_strength, whole_clip
from .noiseless_restyle import noiseless_sentence
from ..takes import continued_take, restyle_sound

# ComfyUI steps between a file and an intent input that Studio's nodes do (see IntentReading.step)
# ComfyUI's pose and depth preprocessors (comfyui_controlnet_aux, DepthAnythingV2) on a control clip's way: Studio's
# own pose (people -> pose -> drawn) and depth nodes, their models chosen on Load Preprocessor (said)
# (and a family's pack's own steps, its mapping's 'steps': 'pose' drawn as these are, 'face' as Face Crops)
POSE_STEPS = ("DWPreprocessor", "OpenposePreprocessor", "DWPose")
DEPTH_STEPS = ("DepthAnythingV2Preprocessor", "DepthAnythingPreprocessor", "DepthAnything_V2", "DA3Inference")
STEPS = ("Canny", "SAM3_Detect", "SAM3_VideoTrack", "AudioEncoderEncode") + POSE_STEPS + DEPTH_STEPS
STEP_OUT = {"Canny": "video", "SAM3_Detect": "mask", "SAM3_VideoTrack": "mask", "LotusConditioning": "depth",
            "AudioEncoderEncode": "features", **{k: audio_steps.OUT for k in (*audio_steps.TRIMS, *audio_steps.CROPS)},
            **{k: "video" for k in POSE_STEPS}, **{k: "depth" for k in DEPTH_STEPS}}
MADE_AS = {"edges": "Edges", "depth": "Depth (its model on Load Preprocessor's 'depth')", "tile": "Control Tile",
           "pose": "pose nodes (their models on Load Preprocessor's 'people' and 'pose')"}
FAMILY_STEP_OUT = {"pose": "video", "face": "face", "depth": "depth", "edges": "video", "tile": "video"}


def _step_like(wf, n: CNode) -> bool:
    """A step Studio makes between a file and an input: a preprocessor, a mask's, a sound's window."""
    return bool(n.cls in STEPS or node_kind(wf, n) or mask_steps.is_step(n) or audio_steps.is_step(wf, n)
                or voice_steps.is_step(wf, n) or way_effects.is_step(wf, n))  # (a blur, a sharpen: way_effects)


def node_kind(wf, n: CNode) -> str | None:
    """step_kind of ``n``, 'face' for a crop to the face a pose estimator found (control_steps.face_crop), 'pose'
    for a pack's pose-drawing step told by its declared types (pose_steps), or the step_kind of the preprocessor an
    all-in-one node runs (control_steps.aio)."""
    typed = pose_steps.kind(n, wf) if step_kind(n.cls) is None else None
    return step_kind(n.cls) or ("face" if control_steps.face_crop(wf, n) else None) or \
        (("face" if typed == "face" else "pose") if typed else None) or \
        (step_kind(runs) if (runs := control_steps.aio(wf, n)) else None)  # (the all-in-one node: what it runs)


def step_kind(cls: str) -> str | None:
    """'pose', 'face' or 'depth' for a preprocessing step Studio's pose / depth nodes make (ComfyUI's, or a
    family's pack's: its mapping's 'steps'); None for any other node."""
    if cls in POSE_STEPS:
        return "pose"
    if cls in DEPTH_STEPS:
        return "depth"
    return families.lookup("steps").get(cls) or control_steps.kind(cls)


class IntentReading:
    """An output's task and intent inputs (a stage of the builder: its state is base.BuilderBase's)."""

    @staticmethod
    def file_step(n: CNode) -> bool:
        """``n`` is a step on a file's way Studio's nodes make (Canny -> Edges, a pose, a depth: ``step``)."""
        return (n.cls in STEPS or step_kind(n.cls) is not None or pose_steps.kind(n) is not None) \
            and not n.cls.startswith("SAM3")




    def _task(self, first: CNode, up: list[CNode], said: list[str]) -> tuple[str, CNode | None, dict, Task | None]:
        """The generator (a Studio type id) for the task the first sampler's latent and conditioning
        nodes say (tracing.tasks.tasks(): the families' mappings'), that node, the intent inputs wired into it (the generator's
        input -> (ComfyUI loader, its output slot)) and the task's declaration."""
        wf, used = self.wf, self.used
        self.take_sampler = first  # (a family's reading tells the take's own nodes from a later pass's: animatediff)
        node, chain = task_node(wf, first, up)
        self.task_way = chain[:-1] if node is None else chain  # the nodes between the sampler and its latent's maker
        # a node no family reads making the latent from nothing (a pack's reference-to-video node): its size and length
        # settings, by ComfyUI's names, are the generator's (mapping.settings._params)
        self.maker = chain[-1] if node is None and chain and not any(k in chain[-1].links for k in LATENT_NAMES) \
            else None
        self.maker_way = chain[:-1] if self.maker is not None else []  # the nodes between it and the sampler
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
        whole = spec is not None and spec.generator == I2V and (clip := self._whole_clip(first, node, spec, said, up))
        if whole:
            spec = clip  # every frame of a clip in place, sampled part way: a restyle of it (whole_clip)
        if spec is not None and spec.generator == V2V:
            spec = self._encoded(first, node, spec, said, up)
            if spec is not None and spec.what.startswith((EARLIER, CONTINUED)):  # held as the conditioned one is:
                return V2V, node, {}, spec  # its family's settings left to the passing rules, said (heldout16)
        inputs: dict[str, tuple[CNode, int]] = {}
        spec = self._task_node(node, up, spec, inputs, said)
        gen = spec.generator if spec is not None and spec.generator else T2V
        if spec is not None and spec.needs and "image" not in inputs and "image" not in self.motion:
            gen = T2V  # Wan 2.2 TI2V / HunyuanVideo 1.5 with no start image (none an earlier take gives): text to video
        claim, self.restyle_sound, self.redetail = families.claimed(up), None, None  # (read afresh per output)
        if claim is not None and gen == V2V and self.denoise_from is first and claim.generator and \
                abilities.video_to_video(claim.family):  # an encoded clip restyled at a denoise read (below 1) by a
            claim = None  # family doing video to video (LTX-2 with its sound's latent): Video to Video, never the
            restyle_sound.read(self, up, inputs)  # claimed generator (no input for the clip); a denoise not known
            # (LTXVScheduler's sigmas: from pure noise) keeps the family's reading (heldout17 09)
        if claim is not None:  # a family told by its nodes upstream (LTX-2 by its audio nodes)
            if claim.read is not None:  # its own reading of the pipeline (given the latent's maker): a task held
                held = claim.read(self, node if node is not None else wf.source(first, "latent_image"), up, claim,
                                  inputs, said)
                if held is not None and held.generator is None:
                    return gen, node, inputs, held
            gen = (held.generator if held is not None else None) or claim.generator or gen  # (its own node's)
        gen = self._latent_steps(chain, gen, inputs, said)
        said += chained_tasks.said(wf, node, self.g.registry.get(gen).title)  # a task node's conditioning made by
        # another (heldout52 06)
        hooks = families.generator(gen)
        if hooks is not None and hooks.intent is not None:  # VACE's task, LTX-2's sound, S2V's take
            hooks.intent(self, node, up, inputs, said)
        picture_fit.apply(self, node, gen)  # cut about the middle as the task node puts its picture in
        if gen == I2V and "image" not in inputs and "image" not in self.motion:
            said.append("the workflow's start image is made by ComfyUI nodes Studio does not convert: connect an image "
                        "to Image to Video's 'image'")
        return gen, node, inputs, spec

    def _task_node(self, node: CNode | None, up: list[CNode], spec: Task | None, inputs: dict,
                   said: list[str]) -> Task | None:
        """The task node's intent inputs read into ``inputs``, the family's own reading of it (which may say
        another task), and its settings: the generator's, or said as not taken."""
        self.generator_now = spec.generator if spec is not None else None  # (its inputs' types: clip_range)
        for port, into in spec.ports if spec is not None else ():
            if port in node.links or (node.id, port) in self.continuing:  # (an earlier take's: takes.restyle)
                self.intent(node, port, into, inputs, said)
        if spec is not None and spec.read is not None and node is not None:  # the family's own reading
            spec = spec.read(self, node, up, spec, inputs, said) or spec
        for name, param, words, *own in spec.settings if spec is not None and node is not None else ():
            v = self.wf.value(node, name)
            if name in node.carried and param is not None:  # (a variant's own input, wired: its value said here,
                said.append(variant_wired(node, name, v, param))  # where it is worked out: reading/variants.py)
            if v is None or (own and v == own[0]):  # (a value Studio's generator keeps as it is: nothing lost)
                continue
            if param is not None:
                self.extra[param] = v
            else:
                said.append(f"{node.shown_cls}'s {name} {number(v) if isinstance(v, (int, float)) else v} ({words}) is "
                            "not taken")
                if own and isinstance(own[0], str) and own[0].startswith("="):  # Studio sets it from its own setting
                    self.same_as.append((said[-1], own[0][1:], v))  # (unsaid where that is the same: outputs)
        return spec

    def _latent_steps(self, chain: list[CNode], gen: str, inputs: dict, said: list[str]) -> str:
        """The generator after a family's nodes on the latent's way are read (LTX's image, keyframes and control)."""
        steps, declared = families.lookup("latent_steps"), families.declared()
        self.steps_read = []  # (a step, the inputs it gave): said where the task is held after all (held_steps)
        for n in chain:
            if n.cls in steps:
                self.used.add(n.id)
                before = set(inputs)
                gen = steps[n.cls](self, n, gen, inputs, said)
                held_steps.record(self, n, before, inputs)
            elif n.cls in declared or not any(in_type(n, k) in FILE_TYPES for k in n.links):
                self.used.add(n.id)  # read, or a node passing the latent on (a pack's check of it) with no file of its own
                if n.cls not in declared and (guide := guide_words(self.wf, n, {c.id for c in chain})) is not None:
                    said.append(guide)  # (a latent of its own added: said, mapping/latent_guides.py)
            # else a node no family reads given a file (a pack's guide): left unconverted, so that the file given to
            # the sampler through it holds the output (ledger.blocked) instead of being dropped with it
        return gen

    def _made_through_undeclared(self, found) -> Task | None:
        """The held task of an encoded latent (no clip loaded: never a restyle) that reaches the sampler through a node
        no pack in the catalogue declares, named by that node (heldout45 04: an SVI node's latent was said a restyle of
        an encoded image); None where there is no such node."""
        if found is not None and LOADER_NODES.get(found[0].cls, ("", ""))[1] == "video":
            return None
        odd = undeclared_way(self.task_way)
        return None if odd is None else Task(
            f"a video from the latent '{odd.title or odd.shown_cls}' ({odd.shown_cls}, #{odd.id}) makes of what VAEEncode "
            "encodes", None, family=None, cannot="read what that node makes of the encoded latent (no pack in Studio's "
                                                  "catalogue declares it)")

    def _whole_clip(self, first: CNode, node: CNode, spec: Task, said: list[str], up: list[CNode]) -> Task | None:
        """The Video to Video task of an image-to-video node given every frame of a clip in place at strength 1
        over its latent's length (whole_clip) where the sampler denoises it part way, said; None otherwise, and where
        a family's own reading could make its own generator of the take (a family claimed by its nodes upstream, a
        family's step on the latent's way: LTX-2's IC-LoRA guide makes LTX-2's take, where the clip has no input)."""
        steps = families.lookup("latent_steps")
        if families.claimed(up) is not None or any(n.cls in steps for n in self.task_way):
            return None
        given = whole_clip.whole(self.wf, node, spec)
        d = split_strength.denoise(self.wf, first)  # (its own denoise, or its part of a split schedule's)
        if given is None or d is None or not 0 < d < 1:  # (denoised whole, the frames held by the noise mask: not
            return None  # a restyle at any strength Studio's Video to Video takes)
        port, loader, count, length = given
        said.append(whole_clip.sentence(node, self.file_of(loader), count, length, first))
        return whole_clip.task(port)

    def _encoded(self, first: CNode, node: CNode, spec: Task, said: list[str], up: list[CNode]) -> Task | None:
        """A sampler's latent encoded from a clip (VAEEncode): video to video when the sampler denoises it part way (its
        strength the denoise, or split_strength's), else text to video (said): the clip, noised whole, lost as in ComfyUI."""
        d = split_strength.denoise(self.wf, first)
        found = find_loader(self.wf, node, spec.ports[0][0] if spec.ports else "pixels", set())
        if d is not None and d >= 1 and not adds_noise(self.wf, first):  # the clip itself sampled: an inversion, an edit
            clip = f" {LOADER_NODES[found[0].cls][1]} '{self.file_of(found[0])}'" if found is not None else ""
            return Task(f"a video sampled from the encoded clip{clip} itself (no noise added)", None, family=None,
                        cannot=f"sample a clip with no noise added ('{first.title or first.shown_cls}' #{first.id}: an "
                               "inversion or an edit of the clip, as FlowEdit and RF-inversion make)")
        taken = (node.id, "pixels") in self.continuing  # an earlier take's video (takes.restyle: a pass on it)
        if not taken and found is None and picked_frames(self.wf, node):  # a few frames of another take: its next
            return EXTENSION  # segment (takes.extension_encoded), not a restyle, whatever its denoise
        mask = latent_mask(self.wf, first, node)  # (whatever the denoise: the masked part alone is made anew)
        cont = self.continuing.get((node.id, "pixels"), ())  # (an earlier take's, named: takes.continued_take)
        video = found is not None and LOADER_NODES.get(found[0].cls, ("", ""))[1] == "video"
        source = cont[3] if len(cont) > 3 else None if taken else \
            f"the clip {found[0].named()} loads ('{self.file_of(found[0])}')" if video else None
        own = cont[5] if len(cont) > 5 else bool(video and mask and continued_take.own_sound(self.wf, mask, found[0]))
        if mask is not None and source and (made := continue_wired.continued(self, first, node, mask, source, up,
                                                                            said, cont[4] if len(cont) > 4 else None,
                                                                            own)):
            return made  # its last frames, kept by the window, continued by Studio's 'continue_from' (continue_wired)
        if mask is not None:  # the frames its noise mask keeps are not noised away (masked_encodes)
            return self._masked(first, node, mask, found, d, up)
        if d is not None and d >= 1:
            clip = f" ({LOADER_NODES[found[0].cls][1]} '{self.file_of(found[0])}')" if found is not None else ""
            said.append(f"{first.named()} denoises its encoded latent whole (denoise 1): the clip encoded"
                        f"{clip} is noised away, as in ComfyUI, and the video is made without it")
            return None
        earlier = earlier_sampler(self.wf, node) if not taken and (
            found is None or LOADER_NODES.get(found[0].cls, ("", ""))[1] != "video") else None
        if earlier is not None:  # an earlier take's frames reworked (heldout16: said to be an image's, conditioned
            return Task(f"{EARLIER} '{earlier.title or earlier.shown_cls}' "  # by its
                        f"(#{earlier.id}) makes", None, family=None, cannot=(  # conditioning)
                            "rework an earlier take's frames that reach the encode through nodes no rule of Studio's "
                            "reads as a pass on that take (Video to Video takes a clip)"))
        if not taken and (odd := self._made_through_undeclared(found)) is not None:
            return odd
        if not taken and (found is None or LOADER_NODES.get(found[0].cls, ("", ""))[1] != "video") and \
                not one_frame.restyled(self.wf, first, node, found, d, up, said):  # (but one frame: one_frame.py)
            return Task("video to video from an encoded image", None, family=None,
                        cannot="restyle a latent encoded from a still image or from nodes it does not convert (Video "
                               "to Video takes a clip)")
        said.extend(filter(None, [noiseless_sentence(self.wf, first)]))  # the clip itself sampled: not SDEdit
        if d is None:  # wired to nodes Studio cannot work out (the sampler named as the file has it: 77/07)
            said.append(f"how far {first.named()} denoises its encoded latent is given by nodes Studio "
                        "cannot work out: Video to Video runs at its default strength; set 'strength' to the "
                        "workflow's")
            self.way_said.setdefault("video", []).append(said[-1])  # (the clip's: taken back with it, making.py)
            return spec
        self.extra["strength"], self.denoise_from = round(float(d), 4), first  # (its steps run: denoise_steps)
        said += split_strength.said(self.wf, first)  # (a strength its part of a split schedule gives: said)
        return spec

    def _masked(self, first: CNode, node: CNode, mask: CNode, found, d: float | None, up: list[CNode]) -> Task:
        """The task of a clip's latent kept by noise mask ``mask``: a loaded clip inpainted at denoise 1 by a family
        that inpaints (Text to Video's 'inpaint_video' and 'inpaint_mask': inpaint_take), else a continuation or an
        inpaint held (its window or time read: mask_window, mask_by_time; nothing padded)."""
        made = inpaint_take.read(self, first, node, mask, found, d, up)
        if made is not None:
            return made
        kept = window_words(self.wf, mask) or time_words(self.wf, mask) or "a continuation or an inpaint"
        return Task(f"{CONTINUED} {mask.named()} keeps in the latent ({kept})", None, family=None,
                    cannot=inpaint_take.held_words(self, first, mask, d, up) or (  # (at a denoise below 1)
                        "continue or inpaint encoded frames a noise mask keeps in the latent (only the masked part "
                        "made anew, after or around them)" + by_hand(  # (continue_by_hand)
                            self.wf, mask, found[0] if found else None, self.file_of(found[0]) if found else "")))

    def inpaint_encoded(self, node: CNode, up: list[CNode], spec: Task, inputs: dict, said: list[str]) -> Task | None:
        """An encode masking its own latent read for Text to Video's inpaint inputs, or held (inpaint_take.encoded)."""
        return inpaint_take.encoded(self, node, up, spec, inputs, said)

    def _scaled(self, node: CNode, port: str, into: str, loader: CNode, walked: list[CNode], via: list[CNode],
                masking: bool, said: list[str]) -> tuple[dict, list[CNode], list[CNode]]:
        """The resizes on the way to ``into`` Studio's Scale makes (tracing/resizes.py), said; with the resize
        whose size the task node scales its picture to where none is on the way (resizes.sizing)."""
        scaled = with_cuts(self.wf, walked, mask_steps.before_maker(walked) if masking else None)  # Scale, Crop
        sizing = resizes.sizing(self.wf, node, loader, walked) if not scaled and not masking else None
        if sizing is not None:
            scaled, walked, via = {sizing.id: resizes.scale_params(self.wf, sizing)}, [sizing, *walked], [sizing, *via]
        self.scaled_for.update(dict.fromkeys(scaled, into))
        for k in scaled:  # (every input a resize is on the way of: one Scale for Wan Animate's pose and face crops)
            self.__dict__.setdefault("scaled_into", {}).setdefault(k, set()).add(into)
        if loader_size.params(self.wf, loader):  # (a loader giving another size: its Scale, mapping/load_size)
            self.scaled_for.setdefault(loader.id, into)
        elif not scaled:  # its picture given the input as it is, whatever steps Studio passes over (folded_sizes)
            self.loaded_for.setdefault(loader.id, into)
        self.used |= {s.id for n in walked if n.id in scaled for s in resizes.size_makers(self.wf, n)}
        lines = [(resizes.said(n, scaled[n.id], port, node, True) if n is sizing else
                  way_said(n, scaled[n.id], port, node)) + _sizer_said(self.wf, n)
                 for n in reversed(walked) if n.id in scaled]
        said += lines
        self.way_said.setdefault(into, []).extend(lines)  # (taken back where the generator has no such input: making)
        return scaled, walked, via

    def _input_type(self, into: str) -> str | None:
        """The Studio type of the input ``into`` of the generator being read ('Video', 'Image', ...); None unknown."""
        gen = getattr(self, "generator_now", None)
        try:
            spec = self.g.registry.get(gen) if gen else None
        except Exception:  # (a type the registry lacks)
            return None
        return next((i.type for i in spec.inputs if i.name == into), None) if spec is not None else None

    def wired_said(self, into: str, what: str, other: list[str]) -> str:
        """What is said of the generator's input ``into`` wired with its file (``what``) without the steps ``other``,
        kept (taken back where the file cannot be wired there at all: making.py)."""
        self.wired_without[into] = (f"{what} through ComfyUI's {', '.join(other)}: the file is wired without "
                                    f"{'that step' if len(other) == 1 else 'those steps'}; add Studio's node for it "
                                    "if it matters")
        return self.wired_without[into]

    def _model_mask(self, node: CNode, port: str, via: list[CNode], steps: list[CNode], into: str,
                    said: list[str]) -> bool:
        """True (said, the input left unmade) where ``node``'s mask ``port`` is a mask a node Studio does not convert
        makes from pictures with its model (tracing.mask_models): walking on would make the pictures the mask."""
        mm = model_mask(self.wf, node, via, steps)
        if mm is not None:
            said.append(f"{node.of(port)} is the mask '{mm[0].title or mm[0].shown_cls}' ({mm[0].shown_cls}, "
                        f"#{mm[0].id}) makes from pictures" + (f" with its model ('{mm[1]}')" if mm[1] else "")
                        + f", which Studio does not convert: connect a mask to the generator's '{into}'")
            self.unmade.add(into)
        return mm is not None

    def _round_trips(self, walked: list[CNode], via: list[CNode]) -> list[CNode]:
        """``via`` less the nodes making a MASK a picture and taking it back by a colour channel (mask_round_trip),
        which are read (nothing of them lost)."""
        same = mask_round_trip.carried(self.wf, walked)
        self.used |= same
        return [n for n in via if n.id not in same]

    def intent(self, node: CNode, port: str, into: str, inputs: dict, said: list[str]) -> None:
        """The Load Image / Load Video / Load Audio behind ``node``'s ``port``, for the generator's
        ``into``; what makes it otherwise is said."""
        cont = self.continuing.get((node.id, port))
        if cont is not None:  # frames of an earlier take of the output (takes.segments): its Frame Hold, or Time
            self.motion.update({into: cont[:2]} if cont[0] is not None else {})  # (a mask the preset makes: none)
            said += [cont[2]] if cont[2] else []
            self.scaled_for.update(dict.fromkeys(self.continuing_scaled, into))  # (its resizes: takes.still_way)
            return
        walked: list[CNode] = []  # (the resizes the walk passes through too: tracing/resizes.py)
        found = find_loader(self.wf, node, port, self.used, walked)
        if found is None:
            return self._unfound(node, port, into, said)
        loader, slot, via = found
        via = self._round_trips(walked, via)  # a MASK made a picture and taken back: the same mask, no step
        made = next((n for n in via if generates(self.wf, n)), None)
        if made is not None:  # a picture another node makes from the file (an API image model): not the file
            said.append(f"{node.of(port)} is made by ComfyUI's '{made.title or made.shown_cls}' "
                        f"({made.shown_cls}, #{made.id}) from {LOADER_NODES[loader.cls][1]} '{self.file_of(loader)}' "
                        f"when the workflow runs; Studio does not run it: connect what it makes to the generator's "
                        f"'{into}'")
            self.unmade.add(into)
            return
        masking = into.endswith("mask")  # (a mask's resizes: of the clip it is made from, before its mask step)
        scaled, walked, via = self._scaled(node, port, into, loader, walked, via, masking, said)
        trimmed = self._trimmed(loader, walked, into, said)  # a range of a clip's frames picked: Studio's Trim
        steps = [n for n in walked if n in via and _step_like(self.wf, n)
                 and ((n.cls.startswith("SAM3") or mask_steps.is_step(n)) == masking) or n.id in scaled
                 or n in trimmed or n in via and picture_mask.is_step(self.wf, n) and self._input_type(into) == "Mask"]
        # (a picture's channel taken as the Mask input's mask: Mask Tools, picture_mask.py)
        theirs, absorbed = families.lookup("steps"), []
        if any(theirs.get(n.cls) == "pose" for n in steps):  # a family's pose drawing: its detection is part of it
            absorbed = [n for n in steps if theirs.get(n.cls) == "face"]
            steps = [n for n in steps if n not in absorbed]
            via = [n for n in via if n not in absorbed]
            self.used |= {n.id for n in absorbed}
        steps, via, absorbed = self._drawn_from(steps, via, absorbed)
        if any(is_pad(n) for n in via) and self.pad is None:  # by its types (reading/pads)
            self.pad = next(n for n in via if is_pad(n))
        if self.pad is not None and into == "mask" and read_straight(self.wf, node, port, self.pad) or \
                masking and self._model_mask(node, port, via, steps, into, said):
            return  # Wan VACE draws the outpaint mask from its pads; a mask a model makes is never the pictures
        other = sorted({f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in via
                        if n not in steps and not is_pad(n) and n.cls not in mask_steps.UNMADE}
                       | {f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in walked  # a resize left unmade
                          if n not in via and n.id not in scaled and resizes.is_resize(n)})
        if other:
            said.append(self.wired_said(into, f"{node.of(port)} is {loader.shown_cls}'s file", other))
        clip_last.record(self, into, loader, [*via, *walked], node.of(port), other)  # a clip's last frame picked
        said += mask_steps.said(self, [n for n in steps if n not in trimmed and not picture_mask.is_step(self.wf, n)],
                                via, into, node.of(port), scaled if masking else None)
        self._steps_said(steps, absorbed, into, said, f"{node.of(port)} is {loader.shown_cls}'s file")
        self.used |= {n.id for n in steps if not voice_steps.is_step(self.wf, n)}  # (a separator: once made)
        self.clip_frames[into] = clip_frames.frames_given(self.wf, loader, [*via, *walked])
        posed = [n for n in walked if n not in steps and node_kind(self.wf, n) in ("pose", "face")]  # (a pose or face
        # step Studio's pose nodes make, one a frame: heldout82 10's PoseAndFaceDetection before DrawViTPose)
        clip_range.record(self, into, loader, walked, steps + posed)  # (a count of the frames it is given: its length)
        loaded_count.record(self, into, loader, [*via, *walked], [*steps, *absorbed])  # (its loader's count: the same)
        inputs[into] = (loader, slot, tuple(reversed(steps)))

    def _unfound(self, node: CNode, port: str, into: str, said: list[str]) -> None:
        """``node``'s ``port`` made by no file: a control clip drawn from an editor's tracks (drawn_tracks: Track Shapes
        wired to ``into``), else said and left unmade."""
        if (drawn := drawn_tracks.control(self, node, port, into, said)) is not None:
            self.motion[into] = drawn
            return
        if (solid := solid_start.picture(self, node, port, into, said)) is not None:  # an EmptyImage's colour
            self.motion[into] = solid
            return
        said.append(take_frames_input.line(self.wf, node, port, into)  # another take's frames (heldout106 03)
                    or f"{node.of(port)} is made by ComfyUI nodes Studio does not convert (see "
                    f"their note): connect one to the generator's '{into}'")
        self.unmade.add(into)
        self.unmade_from.setdefault(into, unread_origin(self.wf, node, port))
        self.unmade_at.setdefault(into, (node, port))

    def _drawn_from(self, steps: list[CNode], via: list[CNode], absorbed: list[CNode]) -> tuple[list, list, list]:
        """(steps, via, absorbed) with the detections a pose drawing told by its types draws from taken in as part of
        it (pose_steps.absorbed: made by Studio's pose nodes, said with the drawing)."""
        typed = [n for n in steps if step_kind(n.cls) is None and pose_steps.kind(n, self.wf)]
        found = pose_steps.absorbed(self.wf, typed) if typed else []
        self.used |= {n.id for n in found}
        return ([n for n in steps if n not in found], [n for n in via if n not in found],
                absorbed + [n for n in found if n not in absorbed])

    def _trimmed(self, loader: CNode, walked: list[CNode], into: str, said: list[str]) -> list[CNode]:
        """The picks on the way ``walked`` from ``loader`` to ``into`` of a range of a clip's frames, which Studio's
        Trim makes (clip_range), each said once."""
        takes = self._input_type(into)
        trimmed = [n for n in walked if clip_range.trims(self.wf, loader, n, takes)]
        said += [clip_range.said(self.wf, n, into, loader, self.file_of(loader)) for n in trimmed
                 if n.id not in self.used]
        return trimmed

    def _steps_said(self, steps: list[CNode], absorbed: list[CNode], into: str, said: list[str],
                    what: str = "") -> None:
        """The sentences of the edges, face-crop, pose and depth steps Studio's nodes make on ``into``'s way (``what``:
        the input and its file in words)."""
        said += [x for n in steps if step_kind(n.cls) == "edges" and (x := control_steps.edges_said(n, into))]
        said += [control_steps.aio_said(self.wf, n, into, MADE_AS[k]) for n in steps if control_steps.aio(self.wf, n)
                 and (k := node_kind(self.wf, n)) in MADE_AS]  # (the all-in-one node: what it runs, its resolution)
        said += [x for n in steps if (runs := control_steps.aio(self.wf, n)) and step_kind(runs) == "edges"
                 and (x := control_steps.edges_said(n, into, runs))]
        said += [control_steps.tile_said(self.wf, n, into) for n in steps if step_kind(n.cls) == "tile"]
        said += [voice_steps.said(self.wf, n, into) for n in steps if voice_steps.is_step(self.wf, n)]
        said += [way_effects.said(self, n, into, what) for n in steps if way_effects.is_step(self.wf, n)]
        for n, (m, kps) in ((n, x) for n in steps if (x := control_steps.face_crop(self.wf, n))):
            said.append(control_steps.face_said(self.wf, n, into, mask_steps.models_of(self.wf, [kps], self.used)))
            self.used |= {m.id, kps.id}
        for n in (n for n in steps if step_kind(n.cls) is None and pose_steps.kind(n, self.wf)):
            found = [n, *pose_steps.detections(self.wf, n)]
            said.append(pose_steps.said(self.wf, n, into, mask_steps.models_of(self.wf, found, self.used)))
        for n in (n for n in steps if step_kind(n.cls) in ("pose", "face", "depth")):
            what, kinds = ("depth", "'depth'") if step_kind(n.cls) == "depth" else ("pose", "'people' and 'pose'")
            said.append(f"'{into}' is made by Studio's {what} nodes for {n.shown_cls} (#{n.id}): choose their "
                        f"models on Load Preprocessor ({kinds}); ComfyUI's preprocessor files are their own format"
                        + mask_steps.models_of(self.wf, [n, *absorbed], self.used))
            if n.cls not in DEPTH_STEPS and control_steps.by_declared(n.cls) and (own := control_steps.own_settings(n)):
                said.append(f"'{into}': '{n.title or n.shown_cls}' (#{n.id})'s {own}: not taken, Studio's Depth has "
                            "no such settings")  # (another pack's estimator, told by its types: its own settings)
            elif n.cls not in DEPTH_STEPS and step_kind(n.cls) == "depth" and control_steps.kind(n.cls) == "depth" \
                    and (own := control_steps.own_settings(n)):  # a preprocessor pack's other estimator (MiDaS,
                # Zoe, LeReS: told by its pack's category): its settings and its model not Studio's Depth's (wanctl15)
                said.append(f"'{into}': '{n.title or n.shown_cls}' (#{n.id})'s {own}: not taken, Studio's Depth has "
                            "no such settings; it estimates depth with a Depth Anything model (Load Preprocessor's "
                            f"'depth'), not {n.shown_cls}'s own estimator")


def undeclared_way(way: list) -> CNode | None:
    """The first node on a sampler's latent's way whose type no pack in the catalogue declares (what it makes of the
    latent is not known); None where every one is declared."""
    return next((c for c in way if catalogue.node_type(c.origin or c.cls) is None), None)


def _sizer_said(wf, n: CNode) -> str:
    """Words naming the node whose size (worked out of the very picture) resize ``n`` stretches it to: '' for none, or
    for a translation's stand-in beside the node it stands for ('#17:size' beside '#17:scale': that node itself)."""
    s = worked_sizes.sizer(wf, n)
    if s is None and (m := resizes.math_said(wf, n)):  # (two math nodes' sides: math_sizes)
        return m
    return f" to the size {CNode.named(s)} works out of that picture" if s is not None and \
        str(s.id).split(":")[0] != str(n.id).split(":")[0] else ""
