"""The builder's stage that takes one video output through the others: its samplers read, its task, its models
and settings, its nodes made and checked against the ledger, or the output held with its sentence (a task
Studio cannot do, a pass it does not read, inputs it cannot carry)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.core.shown import number

from ..families import registry as families
from ..reading.workflow import LOADER_NODES, CNode
from ..takes import (carried_control, joined, ledger, let_go_files, made_after, noiseless, passes, restyle_sound, sound,
                     upsampled_clip)
from ..takes.keyframes import capped
from ..takes import region_refine
from ..tracing.guider_window import carried_steps, window_params
from ..tracing.roles import role
from ..tracing.masked_encodes import CONTINUED, own_way
from ..tracing.sampling import SAMPLERS, Sampling
from ..tracing import stills
from ..tracing.start_unwired import how_run, unwired_start
from ..tracing.declined import with_reason
from ..tracing.tasks import I2V, T2V, V2V, Task, family, made_task, sentence, sized_by
from ..tracing.walks import model_file, sampler_chain, upstream, upstream_run
from . import (denoise_steps, held_again, held_takes, held_models, held_prompts, held_restyle, held_steps, held_translations,
               held_values, inversion_pass, flow_target, patch_inputs,
               prompt_schedules)
from . import expert_lists, held_inputs, image_crop, inpaint_take, latent_frames, own_placing
from .comfy_shift import comfy_model_sampler, comfy_shift, hand_sigmas
from .folded_sizes import first_keyframe, kept_scale, zero_frames_said
from .sized_by_clip import size_ports
from .kinds import LOADERS
from . import own_shifts, unread_loader
from .picture_inputs import picture_inputs

# the shift ComfyUI samples a family's model with where no node sets one (its supported_models' sampling_settings: a
# fact of ComfyUI's model configs, not of any node's declaration; heldout34 06: Wan 2.1 14B at 8, Studio's own 3)


def own_family(wf, o: "Output", spec: Task, up: list[CNode]) -> str:
    """The family a held pass on encoded frames samples with: claimed by the nodes of its own way (its model, prompts,
    the encode), not by an earlier take's behind the encode (heldout55 04: Z-Image's detail of LTX-2's decoded frames
    was said "with LTX-2")."""
    return family(model_file(wf, o.loaders[0]) if o.loaders else None, spec, own_way(wf, o.first, up))


@dataclass
class Output:
    """What is read of one video output on its way through the stages."""
    save: CNode  # its Save node
    up: list[CNode]  # the nodes upstream of it
    first: CNode  # its first sampler
    main: Sampling  # that sampler's settings
    rest: list[Sampling]  # the later passes, nearest first
    said: list[str] = field(default_factory=list)  # the lines of its pipeline's note
    loras: list = field(default_factory=list)  # (name, strength, node, expert), nearest the loader first
    shifts: list = field(default_factory=list)  # the shifts on the model's way
    loaders: list[CNode] = field(default_factory=list)  # its model loaders
    task: str = ""  # its generator's type id
    latent: CNode | None = None  # its task node (or the node making its latent)
    inputs: dict = field(default_factory=dict)  # the generator's input -> (ComfyUI loader, its slot, the steps)
    fam: str | None = None  # its family's title
    hooks: Any = None  # its generator's hooks (api.Generator), if its family declares any

    @property
    def key(self) -> frozenset:
        """Its samplers, as the pipelines made are known by."""
        return frozenset([self.main.node.id] + [r.node.id for r in self.rest])


class OutputStage:
    """One video output made into a pipeline, or held."""

    def pipeline(self, save: CNode) -> bool:
        """One video output made into Load Video Model -> Video LoRA... -> generator -> Save Video
        (False when no sampler feeds it)."""
        if not save.enabled:  # ComfyUI does not run it: listed with its mode among the nodes not converted
            return False
        up = upstream(self.wf, save)
        found = self._samplers(save, up)
        if found is None:
            self._pack_sampler(save, up)
            return False
        o = Output(save, up, *found)
        if self._made_otherwise(o):
            return False
        self.pass_key = o.key  # this output's samplers (a file read by another pass alone is not its model's)
        self.keyframes, self.keyframe_strength, self.pad, self.extra, self.motion = [], None, None, {}, {}
        self.denoise_from = None  # the sampler whose denoise is the Video to Video's strength (intent)
        self.pad_made, self.unmade_at, self.inpaint_pad, self.inpaint_grow = None, {}, None, None
        self.unmade, self.unmade_from, self.guide_strengths, self.scaled_for, self.keyframes_capped = set(), {}, [], {}, {}
        self.wired_without, self.way_said, self.loaded_for, self.scaled_into = {}, {}, {}, {}
        o.loras, o.shifts, o.loaders = self._models(o.main, o.rest, o.said)
        self.steps_read, self.take_loaders = [], o.loaders  # (the take's model: whether its family inpaints)
        o.task, o.latent, o.inputs, spec = self._task(o.first, up, o.said)
        o.fam = stills.read_as(family(model_file(self.wf, o.loaders[0]) if o.loaders else None, spec, up), self.still_as)
        if spec is not None and spec.generator is None:  # (an encoded clip's task: every input of the output held,
            # the clip and what conditions its sampler beside it, a voice)
            encoded = o.latent is not None and o.latent.cls.startswith("VAEEncode")
            later = spec.what.startswith(CONTINUED)  # (an earlier take's frames: not its files, prompts)
            o.fam = own_family(self.wf, o, spec, up) if encoded else o.fam  # (its own pass's: heldout55 04)
            self._hold(save, spec, o.fam, None if encoded else o.latent, o.loaders,
                       own_way(self.wf, o.first, up) if later else up, beside=later and bool(self.out.pipelines))
            held_models.say(self, o)
            held_steps.say(self, o)  # the files its latent steps gave the sampler (a guide's picture), not made
            return False
        o.hooks = families.generator(o.task)
        if o.hooks is not None and o.hooks.output is not None:  # the family makes the output itself (Wan Dancer's)
            return o.hooks.output(self, save, o.first, up, o.fam, o.said)
        if self._held_back(o):
            held_models.say(self, o)
            held_steps.say(self, o)
            return False
        still = stills.still(self.wf, o.first, o.fam, model_file(self.wf, o.loaders[0]) if o.loaders else None,
                             made_first=self.still_making) if spec is None and o.task == T2V else None
        if still is not None:  # one still picture of a model file no video family reads: never made a video
            self._hold(save, still, o.fam, o.latent, o.loaders, up)
            held_models.say(self, o)
            held_steps.say(self, o)
            return False
        made = len(self.g.nodes)
        self.family_now, self.task_now = o.fam, o.task  # (the generator's: told_rates reads whether it takes a rate)
        upscaled = upsampled_clip.read(self, o)  # a clip's latent upscaled before it is sampled again: Scale (said)
        params = self._settings(o)
        gen = self._make(save, o.first, o.task, params, o.loaders, o.loras, o.inputs, up, o.said)
        self.gen_family[gen] = o.fam
        self._wired_around(gen, upscaled, o.said)
        self._sizes_said(gen, o.said)
        self.patch_made = patch_inputs.pending_made_with(self, o.said)
        self._made(o, gen, params, made)
        patch_inputs.commit(self, o.said)  # the patches said in its note, passed over with what they are made with
        return True

    def _wired_around(self, gen: str, upscaled, said: list[str]) -> None:
        """What the generator's take is wired with around it once made: a clip's sound its restyle holds (Save Video
        writes it, said), a clip's latent upscaled before it is sampled again (Scale), an outpaint's pad before
        'inpaint_video' (Studio's Pad and its mask: inpaint_take)."""
        restyle_sound.wire(self, gen, said)
        upsampled_clip.make(self, gen, upscaled)
        inpaint_take.wired(self, gen)

    def _sizes_said(self, gen: str, said: list[str]) -> None:
        """The latent's sizes said as the generator wired takes them: its input's size claimed, kept or taken back;
        its 'frames' 0 that its family says makes another length (heldout62 04: 'sound: drive')."""
        self._size_claim_kept(gen, said)
        zero_frames_said(self, gen, said)
        image_crop.say(self, gen, said)  # (the picture's square its image encoder is given: heldout90 03)

    def _size_claim_kept(self, gen: str, said: list[str]) -> None:
        """The size said taken from the generator's picture input, where that input was not wired in the end (taken
        back: a family reading no file there), or said taken from its control clip where another picture input is
        wired (which sizes the take first): the plain words instead ("the generator's own are used")."""
        line, plain, into, kept_by, others = self.__dict__.pop("size_claim", (None, None, set(), {}, set()))
        if line is None or line == plain:
            return
        wired = {e.dst_port for e in self.g.links if e.dst == gen}
        if into <= wired and not others & wired and first_keyframe(self.g.node(gen), line):  # (a size port's claim: no
            # other picture sizes the take, sized_by_clip; a keyframe's: the earliest, folded_sizes)
            for into_, k, steps, sized, via in kept_by.values():  # a size a factor of the picture given: Studio's
                kept_scale(self, gen, into_, k, steps, sized, via)  # Scale on the way keeps it (folded_sizes, sized_like)
            return
        for where, old in ((said, line), (self.out.log, f"{self.name}: {line}")):
            if old in where:
                where[where.index(old)] = old.replace(line, plain)

    def _made_otherwise(self, o: "Output") -> bool:
        """True where the output is not a pipeline of its own: a pack's sampler makes the take its core passes
        refine, its samplers make a still another node makes the video from (held), or another output of the
        same samplers made the pipeline already (one more Save Video on it)."""
        save, up = o.save, o.up
        earlier = passes.earlier_pass(self.wf, o.first)
        if earlier is not None:  # a pack's sampler makes the take the core passes refine: not made from the refine
            self._pack_sampler(save, up, earlier, o.first)
            return True
        maker = ledger.maker_between(self, save, o.key)
        if maker is not None:  # the samplers make its still; the video is another node's
            self._hold(save, Task(f"a video made by {maker.shown_cls} from a picture its samplers make first", None,
                                  family=f"ComfyUI's {maker.shown_cls}", cannot=f"run {maker.shown_cls}, which makes "
                                  "the video itself (a paid service's node or a model it does not run)"),
                       f"ComfyUI's {maker.shown_cls}", None, [], up)
            return True
        if held_takes.again(self, o):  # another output of a take held for its files: held the same way
            return True
        if o.key in self.made:  # another output of a pipeline already made: one more Save Video on it
            return self._one_more_save(save, o.key, [])
        same = region_refine.shared(self.wf, o.main.node.id, o.key, self.made,
                                    lambda n: passes.latent_back(self.wf, n)[1])
        if same is not None:  # the same take, a refine of regions cut out of it made in neither (heldout115 03)
            own = [passes.refine_line(self, r, {}) for r in o.rest if r.node in same[1]]
            return self._one_more_save(save, same[0], [region_refine.shared_line(save, o.first, own)])
        first = joined.made_first_take(self, o.key)
        if first is not None:  # that take joined with takes of their own: one more Save Video on it, said
            return self._one_more_save(save, first, [joined.line(self, save, first, o.key)])
        return False

    def _one_more_save(self, save: CNode, key: frozenset, lines: list[str]) -> bool:
        """``save`` as one more Save Video on the pipeline made of samplers ``key``, with its own finishing and sound
        (said in the Log and the pipeline's note, after ``lines``)."""
        sound.remux(self, save, self._another_output(save, *self.made[key], lines), lines)
        for line in lines:
            self.log(line)
        self._add_to_note(self.made[key][2], lines)
        return True

    def _generated(self, o: "Output") -> bool:
        """True unless the start picture's own input (else every picture input on the sampler's way: picture_inputs)
        is given by nodes none of which samples (a pack's planner loading a clip's frames, heldout20 07); True where
        none is (heldout67 09: a Flux pass's picture on Wan22FunControlToVideo's 'ref_image')."""
        wf = self.wf
        at = getattr(self, "unmade_at", {}).get("image")  # the start picture's own input, where met (intent)
        given = [wf.source(*at)] if at is not None and wf.source(*at) is not None else \
            [wf.source(n, k) for n in upstream(wf, o.first) for k in picture_inputs(n)]
        return not given or any(n.cls in SAMPLERS or "sampler" in n.cls.lower() for src in given if src is not None
                                for n in upstream(wf, src))

    def _held_back(self, o: "Output") -> bool:
        """True where the output is held with its sentence: its start image made by a pass Studio does not
        convert, a clip restyled by a family doing no video to video (held_restyle), a file it is made from that cannot
        be carried, or a model no family of Studio's runs."""
        save, up, fam, task, loaders = o.save, o.up, o.fam, o.task, o.loaders
        if (task == I2V or "image" in self.unmade) and "image" not in o.inputs and "image" not in self.motion:
            # its start image made by a pass
            # Studio does not convert (a family's generator too: without it, it would make another video)
            origin = self.unmade_from.get("image")  # (tracing.origins: a picture no pass makes, named)
            empty = None if origin else unwired_start(self.wf, o.first)  # no start image wired at all
            cannot = (f"read the start image {origin} gives (a node it does not convert)" if origin else
                      f"make it without a start image: {empty} ({how_run(self.wf, o.first)}), "
                      "and Studio's image to video starts from a picture" if empty else
                      "make the start image the workflow generates first (with ComfyUI nodes it does not convert)"
                      if self._generated(o) else "make the start image, which ComfyUI nodes it does not convert "
                      "give (none of them samples it)")  # (heldout20 07: a clip's frame)
            self._hold(save, Task("image to video", None, family=fam, cannot=cannot), fam, o.latent, loaders, up,
                       found=held_inputs.found(o.inputs))  # (the files its reading found: its sound too)
            return True
        if held_restyle.held(self, o):  # a clip restyled by a family with no video to video in Studio (its Video to
            return True  # Video would raise at run)
            return True
        keys = [k for k in self.unmade if k.startswith("keyframe_")]
        if keys and not any(k == "image" or k.startswith("keyframe_") for k in o.inputs):  # its only keyframes made by
            # nodes Studio does not convert: without them it would be another task (text to video), never made so
            self._hold(save, Task("keyframe video", None, family=fam, cannot="make the keyframe images the workflow "
                                  "makes with ComfyUI nodes it does not convert"), fam, o.latent, loaders, up)
            return True
        lost = [] if o.inputs or self.motion else ledger.uncarried(self, o.first, o.inputs, o.said)
        lost += [f for f in carried_control.lost_files(self, o.inputs, ledger.blocked(self, o.first))
                 if f.id not in {n.id for n in lost}]  # (a file the generator takes, also a control's picture: said)
        lost += [f for f in let_go_files.lost_files(self, o.first, o.inputs, o.said) if f.id not in {n.id for n in lost}]
        if lost:  # made without them, it would be another task (a node it does not know making the video of the
            # file and what the sampler makes: said so, heldout15)
            found = made_after.maker(self.wf, save, o.first, lost, ledger.media_sources(self.wf, up))
            spec = made_after.task(self, found, fam, ledger.words) if found else (
                let_go_files.held_task(self, o.first, o.inputs, lost, fam, o.said) or
                ledger.held_task(self, o.first, lost, fam, o.inputs))
            self._hold(save, spec, fam, None, loaders, up)
            held_takes.record(self, o.key, spec.what, fam, found[0] if found else None)
            return True
        if fam in ledger.not_run():  # a model no family of Studio's runs (Cosmos today): never another's generator
            self._hold(save, Task(task.rsplit(".", 1)[-1].replace("_", " "), None, family=fam,
                                  cannot=f"run {fam}: no family of Studio's reads its files or its nodes"),
                       fam, o.latent, loaders, up)
            return True
        return False

    def _settings(self, o: "Output") -> dict:
        """The generator's settings: the family's later stage read first, the workflow's, then the family's and
        its task node's last word; the output's LoRAs as the family keeps them (``o.loras``)."""
        hooks, said = o.hooks, o.said
        self.stage = hooks.stage(self, o.up, o.rest, said) if hooks is not None and hooks.stage is not None else None
        if self.stage is None and o.task == V2V and (later := families.family_hook(o.fam, "restyle_stage")):
            self.stage = later[0](self, o.up, o.rest, said)  # its family's later stage after a restyle (LTX-2's)
        if self.stage is not None:  # the picture whose size a generator given no size takes (heldout55 05, 08)
            self.stage["sized_by"] = sized_by(o.inputs, size_ports(self))
        params = self._params(o.main, o.rest, o.latent, o.loaders, o.shifts, o.up, said)
        window, lines = window_params(self.wf, o.main, params.get("guidance_2"), o.rest,  # (a guider's window of
                                      lambda name: name in self.spec_params(o.task))  # steps: tracing/guider_window)
        params.update(window, **expert_lists.steps(self, o, params, said))  # (two experts' own sigma lists)
        said.extend(x for x in lines.split("\n") if x)
        own_shifts.say_applied(self, o)  # a shift patch of the family's own values: sampled at already
        if params.get("shift") is None and not o.shifts and not hand_sigmas(o.main) and \
                comfy_model_sampler(o.main.node) and (own := comfy_shift(o.fam)) is not None and \
                "shift" in self.spec_params(o.task):  # no node on the model's way sets it: ComfyUI's model config's
            params["shift"] = own
            said.append(f"shift {own:g}: no node on the model's way sets one, so ComfyUI samples {o.fam} at the "
                         "shift its model config gives: the generator's shift")
        prompt_schedules.wire(self, o.task, said)  # a pack's keyframed prompts: Studio's Prompt Schedule
        rounded = latent_frames.apply(o.fam, params, said, _most(self, o.task, "frames"))  # a length ComfyUI's
        # latent holds rounded down (Wan's 4k + 1)
        if (last_word := families.family_hook(o.fam, "params")) is not None:  # a family's last word (the stills')
            last_word(o.fam, params, said)
        if (by_sampler := families.hook(m, "sampler_params") if (m := families.titled(o.fam)) is not None
                else None) is not None:  # SVD's guidance; Wan's (by a model file's title too: 'Wan 2.1')
            by_sampler(self, o.main.node, params, said)
        if hooks is not None and hooks.settings is not None:  # the settings its task node holds
            o.loras = hooks.settings(self, o.latent, params, o.loras, said, bool(o.rest))
        m = families.titled(o.fam)  # a file on a LoRA loader that is no LoRA for this generator (heldout77 07's
        if m is not None and (keep := families.hook(m, "task_loras")) is not None:  # Stand-In file): the family's word
            o.loras = keep(self, o.task, o.loras, said)
        params.update(self.extra)
        denoise_steps.apply(self.wf, self.denoise_from, params, said)  # the steps ComfyUI runs at that denoise
        params.update(self.wf.carried.get(o.main.node.id, {}))
        carried_steps(params, lambda name: name in self.spec_params(o.task), said)  # (a translation's guidance_steps)
        self.param_at.update(self.wf.carried_at.get(o.main.node.id, {}))  # each said as read from its own node
        self.rate_lines = [line for rate, line in self.rate_said if params.get("fps") == rate]  # (not where a family
        said += self.rate_lines  # set its own; takes.unset_rate rewords them for a generator with no rate setting)
        self.rate_said = []
        if self.keyframes:
            capped(self.keyframes, self.keyframes_capped, params.get("frames"), said)  # (KJNodes' in-place images)
            params.update(keyframes=", ".join(self.keyframes), keyframe_strength=self.keyframe_strength)
        if hooks is not None and hooks.finish is not None:
            hooks.finish(params, o.inputs, said)
        passes.unread(self, o.main, params, o.task, said)  # a step count, cfg or seed made when the workflow runs
        noiseless.say(self.wf, o.main.node, said)  # a first pass adding no noise to its latent (heldout46 09)
        inversion_pass.apply(self, o, params, said)  # an inversion's later pass: its prompt, cfg and seed (redetail8)
        flow_target.apply(self, o, params, said)  # a FlowEdit guider's target prompt and cfg (redetail8)
        latent_frames.undo(rounded, params, said)  # (a take in segments: its frames the joined clip's)
        for line, key, v in self.same_as:  # a setting Studio makes from its own, the same value: nothing lost
            if line in said and _same(params.get(key), v):  # (heldout73 03: SVD's fps 24, its video's 24)
                said.remove(line)
        self.same_as = []
        return params

    def _made(self, o: "Output", gen: str, params: dict, made: int) -> None:
        """The pipeline made: its band, its task in the summary, the ledger's check, its note and Log line, and
        the family's last word (it may remove this generator: a family's first segment, the start of a continued
        take made before or after it)."""
        save, task, key, said = o.save, o.task, o.key, o.said
        self.used.add(save.id)
        self.bands.append(list(self.g.nodes)[made:])
        self.made[key] = (gen, task, len(self.bands) - 1, save)
        wired = {i.name for i in self.g.registry.get(task).inputs if i.name != "model" and self.g.input_link(gen, i.name)}
        self.out.tasks.append({"task": made_task(task, wired, params), "family": o.fam, "generator": task,
                               "inputs": sorted(wired)})
        refined = passes.pack_refines(self, save, key, said)  # a pack's refine after the converted passes: said
        ledger.check(self, save, key | refined, o.up, params, said)
        own_placing.say(self, gen, said)  # (a core tiled decode's tiles, a loader's device 'cpu': heldout121 06, 07;
        # after the ledger, whose size / frames words it holds: fix25's dumps)
        self._sampling_note(o.main, o.rest, o.shifts, o.loaders, said, o.first, params)
        held = self.g.nodes[gen].params  # as the node holds them: a value it could not take is said above
        keys = [k for k, v in params.items() if k not in ('prompt', 'negative_prompt') and v is not None and k in held]
        head = f"{self.name}: ComfyUI '{save.title or save.shown_cls}' -> {task}"
        self.out.log.append(f"{head} ({', '.join(f'{k} {number(held[k])}' for k in keys)})")
        self.gen_lines[gen] = (self.out.log[-1], head, keys)  # (restated if a family's made hook changes it)
        if o.hooks is not None and o.hooks.made is not None:
            o.hooks.made(self, key)

    def _pack_sampler(self, save: CNode, up: list[CNode], other: CNode | None = None, refine: CNode | None = None):
        """An output sampled by a node pack's sampler Studio does not read (LTXVLoopingSampler...), told by its
        types, or whose main pass such a sampler makes (takes.passes): held with its sentence, never left as notes
        alone nor made from a later pass alone."""
        if other is None:
            other = next((n for n in up if n.enabled and n.cls not in SAMPLERS and role(self.wf, n) == "sampler"), None)
            if other is None or sampler_chain(self.wf, save):
                return
        loaders = [n for n in up if n.cls in LOADERS][:1]
        fam = family(model_file(self.wf, loaders[0]) if loaders else None, None, up)
        if not loaders:  # a loader of a type no pack declares naming the file (heldout85 07)
            fam = unread_loader.named(self.wf, other, up) or fam
        spec, key = passes.held(other, refine, fam), (other.id, refine.id if refine is not None else None)
        pack_held = self.__dict__.setdefault("pack_held", set())
        if key in pack_held and all(n.id in self.used for n in up if n.cls in LOADER_NODES and n.enabled):
            # another output of that held pass, with no file of its own (heldout80 08: a RIFE save beside the take's
            # own): one more output of it, its loader and prompts held once (a file only it reads: held as before)
            self.used.add(save.id)
            self.held_saves.add(save.id)
            held_again.said(self, save, spec.what, fam, up)
            return
        pack_held.add(key)
        self._hold(save, spec, fam, None, loaders, up)

    def _hold(self, save: CNode | None, spec: Task, fam: str, node: CNode | None, loaders: list[CNode], up: list[CNode],
              beside: bool = False, found: tuple = ()) -> None:
        """A task Studio cannot do: the model loader and the workflow's inputs, no generator, and one
        sentence first in the Log and as the first note (``beside``: the graph makes other pipelines too; ``found``:
        the file loaders its reading found for the task's inputs, held too: held_inputs)."""
        if save is not None:
            self.used.add(save.id)
            self.held_saves.add(save.id)
        if node is not None and node.id in self.held:
            if (was := getattr(self, "held_loads", {}).get(node.id)) is not None and up:  # another output of it:
                held_models.other_loaders(self, was[1], up, was[0])  # the models its own passes add (heldout29 13)
            held_again.said(self, save, spec.what, fam, up)  # (its own passes' settings, where not said: heldout71)
            return
        made, seen, names = len(self.g.nodes), set(), []
        way = upstream(self.wf, node) if node is not None else up
        if loaders:
            load = self.add("video_models.load", {"model": model_file(self.wf, loaders[0])}, loaders[0])
            self.used |= {n.id for n in loaders}
            held_models.second_expert(self, loaders, load)  # (heldout12: the low-noise expert's file held too)
            held_models.other_loaders(self, loaders, up or way, load)  # (heldout29: one its reading did not take)
            held_models.family_files(self, fam, up or way, loaders, load)  # (AnimateDiff's motion module)
            if node is not None:
                self.held_loads = {**getattr(self, "held_loads", {}), node.id: (load, loaders)}
        if node is not None:  # the output's own file inputs beside its latent's (a sound it is saved with) too
            way = way + [n for n in up if n.cls in LOADER_NODES and n.enabled and n.id not in self.used]
        way = way + [n for n in found if n not in way]
        if save is not None:  # and those feeding inputs a pack node read as another let go (its audio embeds)
            way = way + [n for n in upstream_run(self.wf, save) if n.cls in LOADER_NODES and n.enabled and
                         n.id not in self.used and n not in way and n.id not in getattr(self, "read_back", ())]
            # (not a loader reading back the file a held pack maker writes: tracing.written_files, heldout124 01)
        for n in sorted(way, key=lambda n: n.id):
            if n.cls in LOADER_NODES and n.id not in seen:
                seen.add(n.id)
                self.used.add(n.id)
                if n.id not in self.loaded:  # loaded for the held task alone: no generator takes it (let_go_files)
                    self.held_loaded = getattr(self, "held_loaded", set()) | {n.id}
                self.studio_loader(n)
                names.append(f"{LOADER_NODES[n.cls][1]} '{self.file_of(n)}'")
        # its prompts as Text Prompt nodes, named in the sentence; its VAE encode of a loaded picture said
        files_held = bool(names)  # (its files, held by Studio's loaders: a sentence saying it holds none is false)
        held_prompts.keep_prompts(self, around := up or held_prompts.around(self.wf, node), names)
        held_prompts.pass_encodes(self, around)
        self.bands.append(list(self.g.nodes)[made:])
        self.held_bands = getattr(self, "held_bands", []) + [self.bands[-1]]  # (held_translations: its way's
        held_translations.hold_way(self, list(way) + list(up) + list(around))  # sentences said as of a held task)
        if node is not None:
            self.held.add(node.id)
        if not any(line.startswith(f"This workflow makes {spec.what} with {fam};") for line in self.first_notes):
            region = up or (upstream_run(self.wf, save) if save is not None else way)
            spec = with_reason(self.wf, spec, region)  # a reader's own reason for declining a node of it, if any
            self.say_first(sentence(spec, fam, names, bool(loaders), beside, files_held or bool(self.bands[-1]))
                           + held_values.said(self.wf, region))
        else:  # another output of the task said: its own settings (another segment's pass), heldout71 03
            held_again.said(self, save, spec.what, fam, up)
        self.out.tasks.append({"task": spec.what, "family": fam, "generator": None, "inputs": []})

    hold = _hold  # (mapping.pack_makers holds an output a pack's nodes make with it)


def _same(a, b) -> bool:
    """Whether two settings are the same value (24 and 24.0 alike)."""
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return a == b


def _most(b, type_id: str, name: str):
    """The largest value generator ``type_id``'s setting ``name`` takes (None: no bound, or no such setting)."""
    try:
        return next((getattr(p, "max", None) for p in b.g.registry.get(type_id).params if p.name == name), None)
    except Exception:  # (an unknown generator: nothing to bound by)
        return None
