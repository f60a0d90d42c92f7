"""The builder's stage that makes one output's Studio nodes: Load Video Model (its part files), the Video LoRAs,
the generator with its inputs wired, and the Save Video after the take's finishing (its sound); a second output
of the same sampler as one more Save Video on the same generator."""
from __future__ import annotations

from studio.core.errors import StudioError

from ..families import registry as families
from ..finishing.finish import after_take, save_node
from ..finishing.pingpong import pingponged
from ..finishing.second_rate import retimed
from ..finishing.take_loudness import evened
from ..reading.wired_names import given_when_run, unknown_source
from ..reading.workflow import LOADER_NODES, CNode
from ..takes import sound
from ..takes.silent_save import silenced
from ..takes.unset_rate import kept as rate_kept
from ..tracing.tasks import V2V
from ..tracing.walks import model_file
from . import clip_last, solid_start, sound_saves
from . import scaled_mask, track_canvas, track_editors



PICKLES = (".ckpt", ".pt", ".pth", ".bin")  # a torch file's endings: a LoRA Studio's Video LoRA never opens


def pickled(loras: list) -> list[str]:
    """The sentences of the LoRAs whose file ends like a pickle: Studio's Video LoRA refuses it when run
    (loading/load.lora_check: .safetensors only, a pickle never opened)."""
    return [f"LoRA '{name}'" + (f" on {at.named()}" if isinstance(at, CNode) else "") + " is a pickle, not a "
            ".safetensors file: Studio's Video LoRA loads .safetensors LoRAs only (it never opens a pickle), so it "
            "refuses it when run: give it that LoRA as a .safetensors file"
            for name, _, at, _ in loras if isinstance(name, str) and name.lower().endswith(PICKLES)]

class Making:
    """One output's Studio nodes, wired."""

    def _unwired_taken_back(self, inputs: dict, said: list[str]) -> None:
        """An input said wired without its steps that a family's reading then gives the generator no file at all
        (VACE's ends with control frames) is not wired: that sentence is taken back (its own says why), and so is
        what was said of its way (its Scale: heldout119 01's 'input_frames' said scaled by a Scale that only the
        reference goes through, the control clip not made)."""
        for into, line in self.wired_without.items():
            if into not in inputs and line in said:
                said.remove(line)
        for into, lines in self.way_said.items():
            for line in lines if into not in inputs else ():
                if line in said and not any(line in self.way_said.get(k, ()) for k in inputs):
                    said.remove(line)

    def _no_such_input(self, task: str, into: str, loader: CNode, said: list[str]) -> None:
        """A file for an input the generator does not have: said so, and what was said of its way (its Scale, the
        file wired without a step, a Video to Video strength) taken back - nothing is made there (heldout17 09)."""
        for line in [self.wired_without.get(into), *self.way_said.get(into, ())]:
            if line in said:
                said.remove(line)
        said.append(f"{LOADER_NODES[loader.cls][1]} '{self.file_of(loader)}' for '{into}': "
                    f"{self.g.registry.get(task).title} has no such input")

    def _no_model(self, loaders: list[CNode]) -> str:
        """What is said where Load Video Model has no model file: the loader's name given by a node when the
        workflow runs (a downloader's: reading/wired_names), a model made by a node not read as a loader (said), else
        no loader found."""
        if loaders and (given := unknown_source(self.wf, loaders[0])):
            return given_when_run(loaders[0], *given) + ": set Load Video Model's 'model' to that file"
        if loaders:  # a loader whose file name the workflow leaves empty (a worker's template fills it: heldout20 12)
            return f"'{loaders[0].title or loaders[0].shown_cls}' ({loaders[0].shown_cls}, #{loaders[0].id}) names no " \
                "model file: set Load Video Model's 'model'"
        if getattr(self, "model_sources", None):  # a node making the model that Studio does not read as a loader
            return "no model loader Studio reads (what makes the model is said in this note): set Load Video " \
                "Model's 'model'"  # (heldout120 04: "no model loader found" beside the pack's loader named)
        return "no model loader found: set Load Video Model's 'model'"

    def _take_video(self, task: str, hooks) -> object:
        """What gives the Save Video its video: the generator's 'video' hook, else its family's later stage after a
        Video to Video (restyle_stage: LTX-2 Latent Upscale after a restyle); None: the generator's own output."""
        if hooks is not None and hooks.video is not None:
            return hooks.video
        later = families.family_hook(self.family_now, "restyle_stage") if task == V2V and self.stage else None
        return later[1] if later else None

    def _make(self, save: CNode, first: CNode, task: str, params: dict, loaders: list[CNode], loras: list,
              inputs: dict, up: list[CNode], said: list[str]) -> str:
        """The Studio nodes of one output, wired; the generator's id."""
        self._unwired_taken_back(inputs, said)
        files = [model_file(self.wf, loaders[0])] if loaders else [None]
        lp = self.spec_params("video_models.load")
        load = self.add("video_models.load", {"model": files[0]}, loaders[0] if loaders else None)
        if not files[0]:
            said.append(self._no_model(loaders))
        self.made_generator = task  # (a VACE module is set for a VACE task only: module_file.py; not 'task_made',
        # the method a family's way step records its task by: a utility way after a generator crashed on it)
        self.loader_files(up, loaders, load, lp, said)
        model_out = self._lora_chain(load, loras, said)
        gen = self.add(task, params, first, at_of=self.param_at)
        self.g.connect(*model_out, gen, "model")
        ports = {i.name for i in self.g.registry.get(task).inputs}
        for into, (loader, slot, steps) in inputs.items():
            if into not in ports:
                self._no_such_input(task, into, loader, said)
                continue
            nid, out = self.studio_loader(loader, slot)
            for step in steps:  # Canny -> Edges, SAM 3 -> Segment
                nid, out = self.step(step, (nid, out))
            want = next(i.type for i in self.g.registry.get(task).inputs if i.name == into)
            nid, out = scaled_mask.as_mask(self, nid, out, want)  # a mask resized: taken back as a Mask
            if self._gives_clip(nid, out) and want == "Image":  # a frame of a clip (ComfyUI's GetVideoComponents /
                # ImageFromBatch; a step giving a clip by another name: Face Crops' 'face' of a picture)
                held = clip_last.hold(self, into, loader, said)  # its first frame, or its last one picked (-1)
                self.g.connect(nid, out, held, "video")  # (after its steps: a picture scaled is one frame still)
                nid, out = held, "image"
            try:
                self.g.connect(nid, out, gen, into)
            except StudioError as e:  # a mask made from a clip by ComfyUI nodes, and the like
                if self.wired_without.get(into) in said:  # (never also said wired without its steps)
                    said.remove(self.wired_without[into])
                said.append(f"{LOADER_NODES[loader.cls][1]} '{self.file_of(loader)}' is not wired to '{into}' ({e}): "
                            "connect what the workflow makes from it")
        for into, src in self.motion.items():  # a family's tracks, a camera path (Task.read)
            self.g.connect(*solid_start.held(self, gen, into, src), gen, into)  # (an EmptyImage's: a picture)
            if into == "tracks":  # ComfyUI's coordinates are pixels of the take (heldout54 03)
                track_canvas.fit(self.g, src[0], params)
        track_editors.plates(self, gen, inputs, said)  # an editor's tracks drawn on the generator's picture
        if sound_saves.made(self, save, gen, task, said):  # a sound made alone: its Save Audio (LTX-2 Sound)
            return gen
        sv = save_node(self, save)  # a Save Video, or a Save Image Sequence for a take saved as pictures
        hooks = families.generator(task)
        video = self._take_video(task, hooks)
        src = video(self, gen, load, model_out, params) if video else (gen, "video")
        src = rate_kept(self, gen, task, params, src, said)  # a generator with no rate setting: the save's rate
        self.takes[gen] = src  # the take before this output's own finishing (another output's starts there too)
        self.g.connect(*pingponged(self, save, after_take(self, save, src, said), said), sv, "video")  # an upscale,
        # a resize, an interpolation; then a ping-pong
        if hooks is not None and hooks.sound and sound.hears(self, sv) and not silenced(self, save, gen, sv, said) \
                and not sound.own_sound_replaced(self, save, gen, said):
            self.g.connect(gen, "audio", sv, "audio")
        if hooks is not None and hooks.wired is not None:
            hooks.wired(self, gen, load, params)
        self._heard(save, sv, gen, hooks.heard if hooks is not None else (), inputs, said)
        return gen

    def _gives_clip(self, nid: str, out: str) -> bool:
        """Whether Studio's node ``nid`` gives a clip on its output ``out``: told by the output's declared type
        (a step's clip has another name than 'video': Face Crops' 'face', heldout81 06's reference picture)."""
        node = self.g.nodes.get(nid)  # (an id not made yet, a stand-in another stage fills: by its port's name)
        if node is None or node.type_id not in self.g.registry:
            return out == "video"
        return any(o.name == out and o.type == "Video" for o in self.g.registry.get(node.type_id).outputs)

    def _lora_chain(self, load: str, loras: list, said: list[str]) -> tuple[str, str]:
        """The model after the workflow's LoRAs, a Video LoRA each on the last (a pickled file said: pickled)."""
        model_out = (load, "model")
        said += pickled(loras)
        for name, strength, at, expert in loras:
            lid = self.add("video_models.lora", {"lora": name, "strength": strength,
                                                 **({"expert": expert} if expert != "auto" else {})}, at)
            self.g.connect(*model_out, lid, "model")
            model_out = (lid, "model")
        return model_out

    def _heard(self, save: CNode, sv: str, gen: str, heard, inputs: dict, said: list[str]) -> None:
        """The sound ``save``'s Save Video ``sv`` writes: the inputs it hears, a file's sound it muxes (Video Combine's,
        CreateVideo's), then the take's sound through a loudness step on the save's way (finishing.take_loudness)."""
        if sound.hears(self, sv):
            self.hear(save, sv, heard, inputs, gen)
            sound.remux(self, save, sv, said)
        evened(self, save, sv, said)

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
        self.g.connect(*pingponged(self, save, retimed(self, save, gen, take, after_take(self, save, take, said), said),
                                   said), sv, "video")
        hooks = families.generator(task)
        if hooks is not None and hooks.sound and self.g.nodes[sv].type_id == "io.save_video" and \
                not silenced(self, save, gen, sv, said):
            if sound.own_sound_replaced(self, save, gen, said):
                sound.remux(self, save, sv, said)  # that file's sound, wired in place of the generator's
            else:
                self.g.connect(gen, "audio", sv, "audio")
            evened(self, save, sv, said)
        self.used.add(save.id)
        self.bands[band] += [n for n in list(self.g.nodes)[made:]]
        self.out.log.append(f"{self.name}: ComfyUI '{save.title or save.shown_cls}' -> another Save Video ({path}) on the "
                            f"pipeline of '{made_for.title or made_for.cls}' (the same sampler: generated once)")
        return sv
