"""The builder's stage that reads a generator's settings: the prompts, guidance (a guider's, a distilled model's
embedded one), size, length, frame rate, seed, sampler and shift; and the pipeline's note of how the workflow's
sampling is taken (the nearest scheduler, the shift, the later passes, what is not taken)."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..finishing.own_rate import own_rate
from ..reading.undeclared import lacks  # (ManualSigmas not given its sigmas: said where read)
from ..reading.workflow import CNode
from ..takes import passes, split_passes, unfinished
from ..tracing.guiders import distilled_guidance, guider_cfg, guider_of, modality_scales
from .embedded_guidance import embedded_guidance, true_cfg_negative
from . import patch_taken  # (a family's model patch whose settings the generator made declares none of)
from ..tracing.prompts import prompt_text
from ..tracing.shared_negative import shared_negative  # (heldout44 14: one encoder, an enhanced text)
from ..tracing.take_length import LENGTHS  # a latent's frames by ComfyUI's usual names (SVD's 'video_frames'; an
# uncatalogued latent's own 'frames' (heldout34 06: EmptyWanVideoLatent's 81, read with its width and height)
from ..tracing.sampling import Sampling, nearest_scheduler, studio_sampler
from ..tracing.cfg_split import cfg_number  # (a cfg read as a finite number: heldout106)
from ..tracing.sigma_steps import level_said  # (heldout59: a pass of sigmas split at a noise level)
from ..takes import renoised
from ..values.shown import as_float, g4, pass_range, shown
from .folded_sizes import SIZED_BY, kept_words, sizing_input, unread_sizes
from .sized_by_clip import length_port, sized_ports
from .shift_nodes import shift_nodes
from .kinds import SEED_MAX
from .partial_denoise import denoise_line
from . import nag_negative, picture_rule, sampler_taken
from . import prompt_schedules



def _given_by(main: Sampling) -> str:
    """' (SamplerEulerAncestral, #117)' where the sampler's name is its node's type (tracing.sampler_nodes)."""
    n = main.at.get("sampler")
    return f" ({n.shown_cls}, #{n.id})" if n is not None else ""

def _named(wf, main: Sampling, what: str, value, given: str = "") -> str:
    """'sampler 'euler'' where the pass names one; else the node it comes from, in words (a pack's sampler of its own,
    sigmas given as numbers): the seventh held-out set's FlowEdit sampler was said to be 'None'."""
    if value is not None:
        return f"{what} '{value}'{given}"
    src = wf.source(main.node, "sampler" if what == "sampler" else "sigmas")
    if src is None:
        return f"no {what} named"
    up = wf.source(src, "sigmas") if what != "sampler" else None
    if up is not None:  # sigmas given on through a node (heldout40 07: VisualizeSigmasKJ shows BasicScheduler's)
        return (f"no {what} named (the sigmas come through '{src.title or src.shown_cls}' ({src.shown_cls}, "
                f"#{src.id}) from '{up.title or up.shown_cls}' ({up.shown_cls}, #{up.id}))")
    return (f"no {what} named ({'the sampler is' if what == 'sampler' else 'the sigmas are'} made by "
            f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}))")


def _pair(wf, main: Sampling) -> str:
    """The first sampler's sampler and scheduler in words: as the file's own node has them where it is read as another
    whose names differ (heldout84: a WanVideoSampler's one 'scheduler' was said "sampler 'dpmpp_sde', scheduler
    'simple'", names the file does not have), else as ComfyUI names them."""
    worded = getattr(main.node, "worded", {})
    parts = [worded[k] if k in worded else _named(wf, main, k, v, _given_by(main) if k == "sampler" else "")
             for k, v in (("sampler", main.sampler), ("scheduler", main.scheduler))]
    return ", ".join(p for p in parts if p)


class SettingsReading:
    """A generator's settings read from the workflow, and the sampling note."""

    def _params(self, main: Sampling, rest: list[Sampling], latent: CNode | None, loaders: list[CNode],
                shifts: list, up: list[CNode], said: list[str]) -> dict[str, Any]:
        """The generator's settings: prompts (from the sampler's own conditioning, through the
        latent nodes' pass-through), sampling, size, length, frame rate."""
        wf, used = self.wf, self.used
        cond = main.inputs(wf)
        start = next((wf.source(cond, k) for k in ("positive", "conditioning", "cond1") if k in cond.links), None)
        pos = prompt_schedules.prompt(self, start, "positive")  # a pack's keyframed prompts (wired in _settings)
        at = next((cond.links[k][1] for k in ("positive", "conditioning", "cond1") if k in cond.links), 0)
        pos = prompt_text(wf, start, "positive", used, said, at) if pos is None else pos
        for enhanced in families.lookup("prompt"):  # a family's prompt enhancer (LTX-2's)
            pos = enhanced(self, start, pos, said)
        neg = prompt_schedules.prompt(self, wf.source(cond, "negative"), "negative", said, cond)
        neg = shared_negative(self, start, wf.source(cond, "negative"), said) if neg is None else neg
        neg = prompt_text(wf, wf.source(cond, "negative"), "negative", used, said,
                          cond.links.get("negative", ("", 0))[1]) if neg is None else neg
        guidance = self._guidance(main, start, said)
        for line in said:
            if " prompt " in line:
                self.out.log.append(f"{self.name}: {line}")
        w = h = frames = None
        latent = latent if latent is not None else self.maker
        if latent is not None:
            w, h = (wf.value(latent, k) for k in ("width", "height"))
            frames = next((v for k in LENGTHS[:2 if w is None or h is None else None]
                           if (v := wf.value(latent, k)) is not None), None)  # (its own 'frames' with its size only)
            self._unread_sizes(latent, {"width": w, "height": h, "frames": frames}, said)
        if latent is not None and latent is self.maker and w is None and h is None and frames is None:
            way = ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in reversed(self.maker_way))
            way = f" through {way}" if way else ""  # (a pack's nodes the latent passes: the way they are taken)
            said.append(f"the take's size and length come from ComfyUI's '{latent.title or latent.shown_cls}' "
                        f"({latent.shown_cls}, #{latent.id}){way}, which Studio does not read: the generator's own are "
                        "used (set its 'width', 'height' and 'frames' to the workflow's)")
            self.out.log.append(f"{self.name}: {said[-1]}")
        ups = sum(1 for n in up if n.cls in families.lookup("upscalers"))  # a family's latent upscaler
        if self.stage is not None and self.stage.get("line") is not None:  # the family's stages in one line
            said.insert(0, self.stage["line"]({**self.stage, "prompt": pos}, w, h))
        elif ups and isinstance(w, int) and isinstance(h, int):
            said.append(f"ComfyUI samples at {w}x{h}, then upscales the latent x{2 ** ups} and refines it: "
                        f"Studio makes {w * 2 ** ups}x{h * 2 ** ups} directly")
            w, h = w * 2 ** ups, h * 2 ** ups
        seed = main.seed
        if isinstance(seed, int) and not 0 <= seed < SEED_MAX:
            said.append(f"seed {shown(seed)} is past Studio's range: {seed % SEED_MAX} used (ComfyUI's noise differs "
                        "from diffusers' anyway)")
            self.out.log.append(f"{self.name}: {said[-1]}")
            seed %= SEED_MAX
        low = next((r for r in rest if r.node.id in getattr(self, "low_passes", ())), rest[0] if rest else None)
        guidance_2 = low.cfg if low is not None and len(loaders) > 1 else None  # (its first low pass: heldout36 02)
        shift = next((as_float(x) for x in shifts if isinstance(x, (int, float)) and not isinstance(x, bool)), None)
        # the node each setting is read from where it is not the sampler (a value refused names it: mapping.base)
        self.param_at = {k: n for k, n in (("seed", main.at.get("seed")), ("steps", main.at.get("steps")),
                                           ("guidance", main.at.get("cfg")), ("width", latent), ("height", latent),
                                           ("frames", latent), ("guidance_2", low.at.get("cfg") or low.node
                                                                if guidance_2 is not None else None)) if n is not None}
        self.param_at.update(getattr(self, "patch_at", {}))
        return nag_negative.filled(self, {"prompt": pos, "negative_prompt": true_cfg_negative(self, main, neg, said),
                "steps": main.steps, "guidance": guidance, "guidance_2": guidance_2, "seed": seed, "width": w, "height": h,
                "frames": frames, "fps": own_rate(self, up, main.node, self.rate_said), "sampler": sampler_taken.param(
                    self, main, self._flow()), "shift": shift, **getattr(self, "patch_params", {})}, said)  # (nag_negative)

    def _unread_sizes(self, latent: CNode, sizes: dict, said: list[str]) -> None:
        """The latent's sizes not worked out, said (folded_sizes); its input's size claimed is checked once the
        generator is wired (outputs._size_claim_kept)."""
        wf = self.wf
        if sizes.get("frames") is None and isinstance(self.extra.get("frames"), int):  # a length the family read (a
            sizes = {**sizes, "frames": self.extra["frames"]}  # take continued in passes: comfy_turn_passes), not lost
        sizes = {**sizes, **picture_rule.read(self, latent, sizes, said)}  # (a proportional resize's size of the
        # picture the generator is given: its size_rule, picsize21)
        kept_by: dict = {}  # (a size a factor of the picture given: the Scale keeping it, made once wired: outputs)
        by, others = sized_ports(self)  # (LTX-2's 'control' where no picture input is given: ltxic10)
        clips, claimed = self._clips_counted(), set()
        scaled = sizing_input(self.scaled_for, getattr(self, "scaled_into", {}), by)  # (one Scale for the pose and
        # the face: the pose's, which sizes the take: heldout82 10)
        if line := unread_sizes(wf, latent, sizes, scaled, self.loaded_for if self._input_sized() else None,
                                kept_by, clips, by, length_port(self, clips), claimed):
            said.append(line)
            self.out.log.append(f"{self.name}: {line}")
            plain_scaled = {k: v for k, v in self.scaled_for.items() if not v.startswith("keyframe_")}  # (a keyframe's
            self.size_claim = (line, unread_sizes(wf, latent, sizes, plain_scaled, None),  # size: checked once wired)
                               {v for v in (*scaled.values(), *self.loaded_for.values()) if v in by},
                               kept_by, others)
            if kept_by and self.stage is not None:  # the first stage's size kept by a Scale (folded_sizes): said so
                self.stage.update(size_kept=True, sized_by=kept_words(kept_by))
            elif (port := next((p for p in by if p in claimed and p not in SIZED_BY), None)) and self.stage is not None:
                self.stage.update(size_kept=True, sized_by=f"the size of its '{port}', as ComfyUI's first stage is "
                                                           "sized")  # (a control clip's, measured: ltxic10)
            elif (port := next((p for p in by if p in claimed), None)) and self.stage is not None:
                self.stage.update(size_kept=True, sized_by=f"the size of the picture its '{port}' is given, as "
                                                           "ComfyUI's first stage is sized")  # (a measure of it: ltx2x22)

    def _clips_counted(self) -> dict[str, str]:
        """The nodes whose frames the generator being made is given on an input whose length its 'frames' 0 takes
        (its class's declared source_ports; not Wan VACE's 'extend', which adds frames) -> that input
        (clip_range.given, folded_sizes._counted)."""
        try:
            spec = self.g.registry.get(self.task_now) if self.task_now else None
        except Exception:  # (a type the registry lacks)
            return {}
        ports = (spec.ports("source") + spec.ports("length")) if spec is not None else ()  # (declared: no node module
        # imported; a length port's clip too: Wan Animate's 'pose', its 'frames' 0 that clip's length, measures11)
        frames = next((p for p in getattr(spec, "params", ()) if p.name == "frames"), None)
        if not ports or frames is None or frames.default != 0 or self.extra.get("task") == "extend":
            return {}
        counted = {ld.id: into for into, ld in getattr(self, "loaders_counted", {}).items() if into in ports}
        return {**counted, **{n.id: into for into, (n, _) in getattr(self, "clips_given", {}).items() if into in ports}}

    def _input_sized(self) -> bool:
        """The generator being made takes its input's size where its width and height are 0 (their default 0)."""
        try:
            spec = self.g.registry.get(self.task_now) if self.task_now else None
        except Exception:  # (a type the registry lacks)
            return False
        given = {p.name: p for p in spec.params} if spec is not None else {}
        # (its 0 a fixed size or an area instead: Wan Dancer's 720, ChronoEdit's 1280x720 area)
        return all(k in given and given[k].default == 0 and not str(getattr(given[k], "special", "")).isdigit()
                   and "area" not in (given[k].help or "") for k in ("width", "height"))

    def _flow(self) -> bool:
        """The family being made samples with a flow-matching scheduler (its mapping's ``flow``)."""
        own = families.lookup("by_title").get(self.family_now)
        return own is None or own.flow

    def _rescaled(self, main: Sampling, guider: CNode | None, known) -> list[str]:
        """The sampling's sentences, its guider's rescale taken where the generator being made has a setting for it
        (the family's hook 'guidance_rescale': LTX-2's): then no longer said not taken."""
        own = families.family_hook(self.family_now, "guidance_rescale")
        if guider is None or known is None or known.rescale is None or own is None or \
                own not in (self.spec_params(self.task_now) if self.task_now else ()):
            return main.said
        value = self.wf.value(guider, known.rescale)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return main.said
        self.extra[own] = float(value)  # (out of the setting's range: said where the node is made)
        old, new = guider_cfg(self.wf, guider)[1], guider_cfg(self.wf, guider, (known.rescale,))[1]
        return [line for line in main.said if line not in old] + new

    def _guidance(self, main: Sampling, positive: CNode | None, said: list[str]) -> Any:
        """The generator's guidance: the sampler's (or its guider's) cfg; a guidance-distilled model's embedded
        guidance (FluxGuidance on the prompt's way) where the sampler runs without classifier-free guidance."""
        guider = self.wf.source(main.node, "guider")
        known = guider_of(guider.cls) if guider is not None else None
        said += self._rescaled(main, guider, known)
        if known is not None and known.sound is not None:  # the sound's own scale (LTX-2's audio_guidance)
            a = self.wf.value(guider, known.sound)
            if isinstance(a, (int, float)) and a != self.wf.value(guider, known.scale):
                self.extra["audio_guidance"] = float(a)
        if known is not None and known.modalities is not None:  # per modality (guiders.modality_scales)
            a, v = (modality_scales(self.wf, guider).get(k) for k in ("AUDIO", "VIDEO"))
            if isinstance(a, (int, float)) and not isinstance(a, bool) and a != v:
                self.extra["audio_guidance"] = float(a)
        found = distilled_guidance(self.wf, positive)
        embedded = families.family_hook(self.family_now, "embedded_guidance")
        if embedded is not None:  # the generator's guidance is the embedded one (FLUX.1's): a cfg said not taken
            return embedded_guidance(self, main, found, embedded, said)
        if found is None:
            return main.cfg
        node, value = found
        self.used.add(node.id)
        name = f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id})"
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            said.append(f"{name}'s guidance could not be read: the generator's guidance is the sampler's cfg")
            return main.cfg
        if main.cfg is None or main.cfg <= 1:
            said.append(f"{name} {g4(value)}: the generator's guidance (the model's embedded guidance; the sampler "
                        "runs without classifier-free guidance)")
            return float(value)
        said.append(f"{name} {g4(value)} (embedded guidance) is not taken: the generator's guidance is the sampler's "
                    f"cfg {g4(main.cfg)}")
        return main.cfg

    def _fixed_shift(self, task: str, shifts: list) -> str:
        """What becomes of the workflow's shift for a generator with no shift setting."""
        hooks = families.generator(task)
        fixed = hooks.shift if hooks is not None else None
        if fixed is None:
            return "not applied (the generator has no shift setting: the model folder's scheduler's)"
        same = all(abs(float(s) - fixed) < 1e-6 for s in shifts)
        return (f"{'the same as' if same else 'not applied: the generator has no shift setting;'} the shift {g4(fixed)} "
                "of the scheduler Studio gives this model's ComfyUI files (a model folder: the folder's scheduler)")

    @staticmethod
    def _no_sampler(task: str, family: str | None = None) -> str:
        """What samples for a generator with no sampler setting: the scheduler Studio gives its model's ComfyUI files
        where its family declares one (its generator's ``shift``: SteadyDancer's, Wan Animate 2's; its family's
        'own_scheduler' words: AnimateDiff's, heldout74), else the model folder's (rejudge12: "the model folder's own
        scheduler" said of SteadyDancer read from ComfyUI's files)."""
        hooks = families.generator(task)
        if hooks is not None and hooks.shift is not None:
            return ("the generator has no sampler setting: the scheduler Studio gives this model's ComfyUI files (a "
                    "model folder: the folder's own)")
        if (words := families.family_hook(family, "own_scheduler")) is not None:
            return f"the generator has no sampler setting: {words}"
        return "the generator has no sampler setting: the model folder's own scheduler"

    def _sampler_taken(self, main: Sampling, task: str, own: set) -> str:
        """What becomes of the workflow's sampler and its spacing: the generator's 'sampler' (the nearest of the
        flow-matching ones, or a sampler a family sampling with its own scheduler declares for it: AnimateDiff's
        'lcm', hook 'own_samplers'), 'auto' where none is close or the family's pipeline cannot run it (said)."""
        declared = sampler_taken.own_sampler(self.family_now, main.sampler) if not self._flow() else None
        # None: a family sampling with its own (non-flow) scheduler keeps the generator's sampler 'auto'
        choice = declared[0] if declared and "sampler" in own else None if "sampler" in own and not self._flow() \
            else studio_sampler(main.sampler)
        # the nearest its family's pipeline cannot run: 'auto' instead, said (sampler_taken)
        why = sampler_taken.refused(self, choice, task) if choice is not None and "sampler" in own else None
        words = (f"the generator's sampler is 'auto': {self.family_now} samples with {_own_scheduler(self.family_now)} "
                 "(the generators' samplers are flow-matching ones, and 'lcm' is given only where a family declares it)"
                 if choice is None
                 else self._no_sampler(task, self.family_now) if "sampler" not in own
                 else f"the generator's sampler is 'auto', its default (the model's own scheduler): the nearest of "
                 f"its samplers, '{choice}', cannot run on {self.family_now} ({why})" if why is not None
                 else f"the generator's sampler is '{choice}' ({declared[1]})" if declared and "sampler" in own
                 else f"the generator's sampler is '{choice}'" if choice != "auto" else
                 "none of the generator's samplers is close: 'auto' (the model's own scheduler)")
        if main.scheduler in (None, "simple", "normal"):
            return words
        if declared and "sampler" in own and main.scheduler in declared[2]:  # (its own timesteps so spaced)
            return f"{words}; the '{main.scheduler}' spacing: {declared[2][main.scheduler]}"
        return words + _spacing(self.family_now, main.scheduler)

    def _pass_line(self, r: Sampling, loaders: int, rest: int, first: Sampling | None = None) -> str:
        """A later pass no other rule reads, in one line: an expert's pass (two model loaders), else one not made."""
        again = loaders > 1 and passes.reencoded(self.wf, r.node, set(self.pass_key))  # (a refine of its frames)
        high = loaders > 1 and r.node.id not in getattr(self, "low_passes", {r.node.id})
        what = ("a later pass on the high-noise expert" if high else "the low-noise expert") if loaders > 1 \
            else "a second pass" if rest == 1 else "a later pass"
        what = f"{what} sampling the take's decoded frames again, encoded anew" if again else what
        read = [f"{k} {shown(v)}" for k, v in (("steps", r.steps), ("cfg", r.cfg)) if v is not None]
        return (f"{what}: '{r.node.title or r.node.shown_cls}' (#{r.node.id}), "
                + (", ".join(read) if read else "its steps and cfg not read")
                + (f", {pass_range(r.start, r.end)}" if r.start is not None else "") + level_said(self.wf, r.node)
                + (" (diffusers switches experts at the model's boundary_ratio)" if loaders > 1 and not again else
                   "" if r.node.id in self._stage_passes() else ": this pass is not made (Studio's generator makes "
                   "the take without it)")  # (heldout38 05: a pass listed, its not being made said only apart)
                + (_high_cfg(r, first) if high and not again else ""))

    def _stage_passes(self) -> set[str]:
        """The passes a family's later stages make (LTX-2 Latent Upscale's refine: each stage's own sampler); a pass
        beside them is not made, and said so (heldout45 10: two low-sigma continuation passes of a take with a stage
        were listed with their steps, what became of them unsaid)."""
        stages = [self.stage, *self.stage.get("more", ())] if self.stage is not None else []
        return {st["pass"] for st in stages if isinstance(st, dict) and st.get("pass") is not None}

    def _sampling_note(self, main: Sampling, rest: list[Sampling], shifts, loaders, said, at: CNode, params) -> None:
        task = self.made[max(self.made, key=lambda k: self.made[k][2])][1]
        own = {"sampler", "shift"} & self.spec_params(task)
        patch_taken.untaken(self, task, said)  # (a family's model patch the generator made has no setting for)
        lines = [f"Converted from ComfyUI ({self.name}), sampler '{at.title or at.shown_cls}' (#{at.id}):",
                 f"- {_pair(self.wf, main)}: nearest diffusers scheduler "
                 f"{nearest_scheduler(main.sampler, main.scheduler)}; " + self._sampler_taken(main, task, own)]
        if read_sigmas := [f"{k} {v}" for k, v in main.extra.items() if v not in (None, "")]:  # (none: no line)
            lines.append(f"- sigmas: {', '.join(read_sigmas)} (the model's own used)")
        if (sig := main.at.get("steps")) is not None and sig.cls == "ManualSigmas" and main.steps is None and not lacks(sig):
            lines.append(f"- '{sig.title or sig.shown_cls}' ({sig.shown_cls}, #{sig.id})'s sigmas are not all numbers: "
                         "how many steps they make is not known, the generator's own steps are used")
        if (line := denoise_line(self.wf, main.node, params)) is not None:  # a part of the schedule (partial_denoise)
            lines.append(line)
        shifts = [s for s in shifts if isinstance(s, (int, float)) and not isinstance(s, bool)]
        if shifts:
            lines.append(f"- shift {', '.join(dict.fromkeys(g4(s) for s in shifts))} ({shift_nodes(self.shift_at)}): "
                         + ("the generator's shift" if "shift" in own else self._fixed_shift(task, shifts)))
        segments: set[str] = set()  # later passes sampling takes of their own (a Wan 2.2 segment's two experts too)
        for r in rest:
            if (len(loaders) < 2 or passes.upscaled(self.wf, r.node)) and ((split := split_passes.said(  # (one sampling
                    self.wf, r.node)) or self.stage is None and passes.refines(self.wf, r.node)):  # in two; a refine)
                lines.append(f"- {split or passes.refine_line(self, r, params)}")
                continue
            if (src := self.wf.source(r.node, "latent_image")) is not None and src.id in self.continued:
                lines.append(f"- a later window: '{r.node.title or r.node.shown_cls}' (#{r.node.id}) samples what "
                             f"'{src.title or src.shown_cls}' (#{src.id}) continues, part of the one take"
                             + _own_seed(r, main))  # (heldout82 08: an S2V extend chunk's seed 250)
                continue
            if (line := passes.segment_line(self, r)) is not None:  # a take of its own
                segments.add(r.node.id)
                lines.append(f"- {line}")
                continue
            if (src := self.wf.source(r.node, "latent_image")) is not None and src.id in segments:
                segments.add(r.node.id)  # its second expert: part of that take, never this take's expert
                lines.append(f"- '{r.node.title or r.node.shown_cls}' (#{r.node.id}) samples on from the take of "
                             f"'{src.title or src.shown_cls}' (#{src.id}) (its second pass): not made either")
                continue
            first = None if params.get("guidance_steps") else main  # (a split of the cfg made: cfg_split.py)
            lines.append(f"- {self._pass_line(r, len(loaders), len(rest), first)}"
                         + ("" if r.node.id in self._stage_passes() else _own_seed(r, main)))  # (a stage: its own)
        idle = getattr(self, "idle", None) or frozenset()  # (what ComfyUI does not run: a builder made without it)
        lines += unfinished.range_lines(self.wf, main, rest, idle)  # the steps it runs; a progress preview's save
        if renoise := renoised.line(self.wf, main.node, [r.node for r in rest]):
            lines.append(f"- {renoise}")
        lines += [f"- {s}" for s in said + self.refused]
        self.refused = []
        self.note("\n".join(lines), len(self.bands) - 1)


def _own_seed(r: Sampling, main: Sampling) -> str:
    """A later pass's own seed where it differs from the take's (heldout75 01, 02 and heldout44 05: a low-noise
    expert's seed, used by its SDE steps, unsaid): not used, one seed makes the whole take."""
    wired = r.seed is None and any(k in r.node.links for k in ("seed", "noise_seed"))  # (heldout93 05: a loop's seed
    # per chunk, worked out from its pass number when it runs)
    if not isinstance(main.seed, int) or _seed_unused(r) or not wired and (
            not isinstance(r.seed, int) or r.seed == main.seed):
        return ""
    own = "its own seed (wired: worked out when the workflow runs)" if wired else f"its own seed {r.seed}"
    return f"; {own} is not used: Studio's generator makes the whole take with one seed"


STOCHASTIC = ("ancestral", "sde", "lcm", "ddpm", "seeds", "restart")  # samplers drawing noise at their steps


def _seed_unused(r: Sampling) -> bool:
    """A pass whose seed ComfyUI does not use either: it adds no noise (KSamplerAdvanced's add_noise 'disable') and
    its sampler draws none at its steps (euler, heun, dpmpp_2m...: the seed of heldout77's low-noise experts)."""
    added = r.node.widgets.get("add_noise")
    sampler = (r.sampler or "").lower()
    return added in ("disable", False) and bool(sampler) and not any(w in sampler for w in STOCHASTIC)


def _spacing(title: str | None, scheduler: str) -> str:
    """What becomes of the sampler's sigma spacing: the family's own scheduler spaces its sigmas so where its
    'own_spacing' hook names that spacing (Stable Video Diffusion's Euler with Karras sigmas: heldout73 03 was told
    "the 'karras' sigma spacing is not taken", false), else it is not taken."""
    if families.family_hook(title, "own_spacing") == scheduler:
        return f"; the '{scheduler}' sigma spacing is the scheduler's own, as asked"
    return f"; the '{scheduler}' sigma spacing is not taken (the scheduler's own)"


def _own_scheduler(title: str | None) -> str:
    """The scheduler a family sampling with its own (not a flow-matching one) uses, in words: its 'own_scheduler'
    hook's (SD 1.5's, read from ComfyUI's checkpoint alone, has no model folder), else its model folder's."""
    return families.family_hook(title, "own_scheduler") or "its model folder's own scheduler"


def _high_cfg(r: Sampling, first: Sampling | None) -> str:
    """A later pass on the high-noise expert at another cfg than the first pass's (a three-sampler split: steps 0-1 at
    cfg 4, then a lightning pass at cfg 1, heldout106 01): Studio's high-noise expert makes all its steps at the
    generator's 'guidance', the first pass's, so that cfg is said not taken."""
    nums = [x for v in (getattr(r, "cfg", None), getattr(first, "cfg", None))
            if (x := cfg_number(v)) is not None]  # (a misplaced value: 'euler' as a cfg; an int past a float)
    if len(nums) < 2 or nums[0] == nums[1]:
        return ""
    return (f": its cfg {shown(r.cfg)} is not taken, Studio's high-noise expert makes all its steps at the first "
            f"pass's guidance {shown(first.cfg)}")
