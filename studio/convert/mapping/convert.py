"""A ComfyUI workflow (reading.workflow.Workflow) made into a Studio graph: each video output (SaveVideo,
SaveAnimatedWEBP, SaveWEBM, VHS_VideoCombine...) traced back to its sampler, model, LoRAs, prompts,
latent and images, and written as Load Video Model -> Video LoRA... -> Text to Video / Image to
Video / a family's own generator -> Save Video, with Load Image / Load Video feeding it. The sampler's
settings (steps, cfg, seed), size, length and frame rate are the workflow's; what Studio does not
take (the sampler and scheduler, mapped to the nearest diffusers scheduler; the shift; a second
expert; a text encoder or VAE file) is said in a note beside the pipeline. Every other node is
listed, with its class and settings, in one note; finishing.layout places the nodes and the notes; the
prompts are read by tracing.prompts, values shown and fitted by values.shown. What is a family's own (its
task nodes, how its generator's settings are read, what its Save Video hears...) its mapping says
(api.ComfyMapping in its folder, found by families.registry): the builder calls its declared hooks."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.core.shown import cut, number, rounded

from ..finishing.layout import lay_out
from ..tracing.prompts import MAX_SAMPLERS, prompt_text, switched_off_loras, walk
from ..values.shown import as_float, fitted_value, g4, listed, posix_name, shown
from ..reading.workflow import MODES, CNode, Workflow, WorkflowError
from ..reading.workflow import LOADER_NODES
from ..tracing.walks import loader_extras, model_file, sampler_chain, upstream
from .intent import IntentReading
from ..packs import easy_use
from ..takes import ledger
from ..packs import lora_stacks
from ..takes import passes
from ..families import registry as families
from ..takes import segments
from ..takes import sound
from ..tracing.tasks import I2V, Task, family, made_task, tasks
from ..finishing.finish import after_take, save_node
from ..takes.frames import frame_saves
from ..finishing.utility import ENDS, make_utility, utility, utility_path
from ..finishing.core import core_path, make_core
from ..tracing.guiders import distilled_guidance, guider_of
from ..tracing.roles import carries, role
from ..tracing.sampling import SAMPLERS, Sampling, nearest_scheduler, read_sampling, studio_sampler

OUTPUTS = ("SaveVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine")
LOADERS = ("UNETLoader", "CheckpointLoaderSimple", "UnetLoaderGGUF", "LoaderGGUF", "ImageOnlyCheckpointLoader",
           "DiffusionModelLoaderKJ")
FILE_LOADERS = {"CLIPLoader": ("clip_name", "text encoder"), "DualCLIPLoader": ("clip_name1", "text encoder"),
                "VAELoader": ("vae_name", "VAE"), "CLIPVisionLoader": ("clip_name", "image encoder (clip_vision)")}
# (and the families' own loaders: their mappings' file_loaders)
# read while tracing (their values are folded into the nodes above) or shown as Studio's own notes
FOLDED = ("PrimitiveInt", "PrimitiveFloat", "PrimitiveBoolean", "PrimitiveString", "PrimitiveStringMultiline",
          "PrimitiveNode", "Reroute", "ComfySwitchNode", "ComfyMathExpression", "GetImageSize", "VAEDecode",
          "VAEDecodeTiled", "CreateVideo", "ModelSamplingSD3", "ModelSamplingAuraFlow", "CLIPVisionEncode",
          "ConditioningZeroOut", "TrimVideoLatent", "EmptyImage", "ImageScaleBy")  # (the families': their 'folded')
TEXT_NOTES = ("MarkdownNote", "Note")
FPS_NODES = ("CreateVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine")  # the video's rate
SEED_MAX = 2**31
SHIFTS = ("ModelSamplingSD3", "ModelSamplingAuraFlow")  # a flow model's shift on the model's way
MAX_LISTED = 200  # nodes not converted named one by one in their note (then how many more)
SETTINGS_CHARS = 240  # of a node's settings in that note


def _role(n: CNode, up: list[CNode]) -> str:
    """The words for a loader whose every consumer is one of a family's nodes it declares a role for (its
    mapping's roles: LTX-2.5's audio VAE) ('' else)."""
    users = {u.cls for u in up if any(src == n.id for src, _ in u.links.values())}
    for classes, words in families.lookup("roles"):
        if users and users <= set(classes):
            return words
    return ""


@dataclass
class Conversion:
    graph: Graph
    log: list[str] = field(default_factory=list)  # what was made and what was not, for the Log / the CLI
    pipelines: int = 0
    notes: int = 0
    tasks: list[dict] = field(default_factory=list)  # per pipeline: task, family, generator, inputs wired
    origin: dict[str, str] = field(default_factory=dict)  # Studio node id -> the ComfyUI node id it was made for


class _Builder(IntentReading):
    def __init__(self, wf: Workflow, name: str, registry=None):
        self.wf, self.name = wf, name
        self.g = Graph(registry)
        self.out = Conversion(self.g)
        self.used: set[str] = set(wf.taken)
        self.notes: list[dict] = []
        self.note_bands: list[int | None] = []  # the pipeline each note is about (None: the workflow)
        self.bands: list[list[str]] = []  # each pipeline's Studio nodes, in the order made
        self.refused: list[str] = []  # values a node could not take
        self.skipped: dict[str, int] = {}  # ComfyUI node types not converted -> how many
        self.made: dict[frozenset, tuple] = {}  # a pipeline's samplers -> (generator, task, band, its output)
        self.held: set[str] = set()  # task nodes of tasks Studio cannot do, whose inputs are held
        self.loaded: dict[str, str] = {}  # a ComfyUI loader -> its Studio loader
        self.first_notes: list[str] = []  # the sentences said first
        self.keyframes: list[str] = []
        self.keyframe_strength: float | None = None
        self.pad: CNode | None = None  # an outpaint's ImagePadForOutpaint
        self.unmade: set[str] = set()  # the generator's inputs the workflow gives but Studio cannot make (intent)
        self.motion: dict[str, tuple[str, str]] = {}  # generator input -> a family's tracks, a camera path
        self.extra: dict = {}  # the generator's settings read from how its inputs are made
        self.stage: dict | None = None  # a family's later stage (LTX-2's upsampler and refine): Generator.stage
        self.pass_loras: dict[str, tuple[list, list[str]]] = {}  # a later sampler -> its own LoRAs, what was said
        self.enhancer = None  # a family's prompt enhancer of the pipeline being made (LTX-2's), its loader its own
        self.family_now: str | None = None  # the family title of the pipeline being made
        self.pass_key: frozenset = frozenset()  # the samplers of the output being made
        self.maker: CNode | None = None  # an unread node making the first sampler's latent (mapping.intent._task)
        self.takes: dict[str, tuple[str, str]] = {}  # a generator -> its take's video before an output's finishing
        self.continuing: dict = {}  # (task node, port) -> a take's Frame Hold and its line (takes.segments)

    def spec_params(self, type_id: str) -> set[str]:
        return {p.name for p in self.g.registry.get(type_id).params}

    def add(self, type_id: str, params: dict, at: CNode | None, title: str | None = None, mode: str = "normal") -> str:
        spec = self.g.registry.get(type_id)
        known = {p.name for p in spec.params}
        kept = {}
        for k, v in params.items():
            if k not in known or v is None:
                continue
            try:
                spec.coerce_params({k: v})
                kept[k] = v
            except StudioError as e:  # a value Studio cannot take (out of range, of another kind): said
                kept.update(self._fitted(spec, k, v, e, at))
        pos = (at.pos[0], at.pos[1]) if at is not None else None
        nid = self.g.add_node(type_id, kept, title=title, mode=mode, pos=pos).id
        if at is not None:  # a server answers in the workflow's node ids (studio.serve)
            self.out.origin[nid] = at.id
        return nid

    def set_param(self, node_id: str, name: str, value: Any, at: CNode | None) -> bool:
        spec = self.g.nodes[node_id].spec
        try:
            spec.coerce_params({name: value})
            kept = {name: value}
        except StudioError as e:
            kept = self._fitted(spec, name, value, e, at)
        if name in kept:
            self.g.set_param(node_id, name, kept[name])
        return kept.get(name) == value

    def _fitted(self, spec, name: str, value: Any, why: Exception, at: CNode | None = None) -> dict[str, Any]:
        """The nearest value ``spec``'s ``name`` takes for ``value`` (a number clamped into its
        range, a text cut to its length), else nothing (its default), said in the Log and the
        pipeline's note with the original, the workflow's node it came from and what is used instead."""
        p = next(q for q in spec.params if q.name == name)
        fit = fitted_value(p, value)
        if fit is not None:
            try:
                spec.coerce_params({name: fit})
            except StudioError:
                fit = None
        used = f"{shown(fit)} used instead" if fit is not None else f"its default {shown(p.default)} used"
        why = str(why).split("': ", 1)[-1] if str(why).startswith(("node '", "parameter '")) else why  # no Studio id
        src = f" (from '{at.title or at.shown_cls}' #{at.id})" if at is not None else ""
        line = f"{spec.title} '{name}' {shown(value)} not taken ({why}): {used}{src}"
        self.refused.append(line)
        self.out.log.append(f"{self.name}: {line}")
        return {name: fit} if fit is not None else {}

    def note(self, text: str, band: int | None = None) -> None:
        """A note (one of the same text is made once); placed by finishing.layout."""
        if any(n["text"] == text for n in self.notes):
            return
        self.notes.append({"pos": [0.0, 0.0], "text": text})
        self.note_bands.append(band)

    # -- one video output ---------------------------------------------------------------------
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
        first, main, rest = found
        earlier = passes.earlier_pass(self.wf, first)
        if earlier is not None:  # a pack's sampler makes the take the core passes refine: not made from the refine
            self._pack_sampler(save, up, earlier, first)
            return False
        key = frozenset([main.node.id] + [r.node.id for r in rest])
        maker = ledger.maker_between(self, save, key)
        if maker is not None:  # the samplers make its still; the video is another node's
            self._hold(save, Task(f"a video made by {maker.shown_cls} from a picture its samplers make first", None,
                                  family=f"ComfyUI's {maker.shown_cls}", cannot=f"run {maker.shown_cls}, which makes "
                                  "the video itself (a paid service's node or a model it does not run)"),
                       f"ComfyUI's {maker.shown_cls}", None, [], up)
            return False
        if key in self.made:  # another output of a pipeline already made: one more Save Video on it
            lines: list[str] = []
            sound.remux(self, save, self._another_output(save, *self.made[key], lines), lines)
            for line in lines:  # its own finishing and sound, in the Log and the pipeline's note
                self.log(line)
            self._add_to_note(self.made[key][2], lines)
            return False
        said: list[str] = []
        self.pass_key = key  # this output's samplers (a file read by another pass alone is not its model's)
        self.keyframes, self.keyframe_strength, self.pad, self.extra, self.motion = [], None, None, {}, {}
        self.unmade = set()
        loras, shifts, loaders = self._models(main, rest, said)
        task, latent, inputs, spec = self._task(first, up, said)
        fam = family(model_file(self.wf, loaders[0]) if loaders else None, spec, up)
        if spec is not None and spec.generator is None:
            self._hold(save, spec, fam, latent, loaders, up)
            return False
        hooks = families.generator(task)
        if hooks is not None and hooks.output is not None:  # the family makes the output itself (Wan Dancer's)
            return hooks.output(self, save, first, up, fam, said)
        if (task == I2V or "image" in self.unmade) and "image" not in inputs and "image" not in self.motion:
            # its start image made by a pass
            # Studio does not convert (a family's generator too: without it, it would make another video)
            self._hold(save, Task("image to video", None, family=fam, cannot="make the start image the workflow "
                                  "generates first (with ComfyUI nodes it does not convert)"), fam, latent, loaders, up)
            return False
        lost = [] if inputs or self.motion else ledger.uncarried(self, first, inputs, said)
        lost += [f for f, _ in ledger.blocked(self, first) if f.id not in {n.id for n in lost}]
        if lost:  # made without them, it would be another task
            self._hold(save, ledger.held_task(self, first, lost, fam), fam, None, loaders, up)
            return False
        if fam in ledger.not_run():  # a model no family of Studio's runs (Cosmos today): never another's generator
            self._hold(save, Task(task.rsplit(".", 1)[-1].replace("_", " "), None, family=fam,
                                  cannot=f"run {fam}: no family of Studio's reads its files or its nodes"),
                       fam, latent, loaders, up)
            return False
        made = len(self.g.nodes)
        self.family_now = fam
        self.stage = hooks.stage(self, up, rest, said) if hooks is not None and hooks.stage is not None else None
        params = self._params(main, rest, latent, loaders, shifts, up, said)
        if (last_word := families.family_hook(fam, "params")) is not None:  # MiniMax H3's shortest clip
            last_word(fam, params, said)
        if hooks is not None and hooks.settings is not None:  # the settings its task node holds
            loras = hooks.settings(self, latent, params, loras, said, bool(rest))
        params.update(self.extra)
        params.update(self.wf.carried.get(main.node.id, {}))
        if self.keyframes:
            params.update(keyframes=", ".join(self.keyframes), keyframe_strength=self.keyframe_strength)
        if hooks is not None and hooks.finish is not None:
            hooks.finish(params, inputs, said)
        passes.unread(self, main, params, task, said)  # a step count, cfg or seed made when the workflow runs
        gen = self._make(save, first, task, params, loaders, loras, inputs, up, said)
        self.used.add(save.id)
        self.bands.append(list(self.g.nodes)[made:])
        self.made[key] = (gen, task, len(self.bands) - 1, save)
        wired = {i.name for i in self.g.registry.get(task).inputs if i.name != "model" and self.g.input_link(gen, i.name)}
        self.out.tasks.append({"task": made_task(task, wired, params), "family": fam, "generator": task, "inputs": sorted(wired)})
        refined = passes.pack_refines(self, save, key, said)  # a pack's refine after the converted passes: said
        ledger.check(self, save, key | refined, up, params, said)
        self._sampling_note(main, rest, shifts, loaders, said, first, params)
        held = self.g.nodes[gen].params  # as the node holds them: a value it could not take is said above
        self.out.log.append(f"{self.name}: ComfyUI '{save.title or save.cls}' -> {task} "
                            f"({', '.join(f'{k} {number(held[k])}' for k, v in params.items() if k not in ('prompt', 'negative_prompt') and v is not None and k in held)})")
        if hooks is not None and hooks.made is not None:  # last: it may remove this generator (a family's first
            hooks.made(self, key)  # segment, the start of a continued take made before or after it)
        return True

    def _add_to_note(self, band: int, lines: list[str]) -> None:
        """Lines added to the note of pipeline ``band`` (the last about it), else a note of their own."""
        at = next((i for i in range(len(self.notes) - 1, -1, -1) if self.note_bands[i] == band), None)
        if at is not None:
            self.notes[at]["text"] += "".join(f"\n- {x}" for x in lines)
        elif lines:
            self.note("\n".join(f"- {x}" for x in lines), band)

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
        self._hold(save, passes.held(other, refine, fam), fam, None, loaders, up)

    def _samplers(self, save: CNode, up: list[CNode]) -> tuple[CNode, Sampling, list[Sampling]] | None:
        """The output's first sampler (no other sampler upstream of it) and the later passes,
        nearest first, read; None when no sampler feeds it (or, said, too many do)."""
        wf = self.wf
        samplers = sampler_chain(wf, save)
        if not samplers:
            return None
        if len(samplers) > MAX_SAMPLERS:
            self.out.log.append(f"{self.name}: ComfyUI '{save.title or save.cls}' (#{save.id}) is fed by "
                                f"{len(samplers):,} samplers; Studio converts outputs of up to {MAX_SAMPLERS}: "
                                "kept as notes")
            return None
        ids = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in samplers}
        first = next((s for s in samplers if not any(o.id in ids[s.id] for o in samplers)), samplers[0])
        later = sorted((s for s in samplers if s is not first), key=lambda s: len(ids[s.id]))
        main = read_sampling(wf, first)
        rest = [read_sampling(wf, s) for s in later]
        for s in [main] + rest:
            self.used.add(s.node.id)
            self.used |= s.used
        return first, main, rest

    def lora_chain(self, s: Sampling, taken: set | None, shifts: list, said: list[str]) -> tuple[list, CNode | None]:
        """One sampler's LoRAs (name, strength, node), nearest the sampler first, but those in
        ``taken`` (the first sampler's), and its model loader; a ModelSamplingSD3 on the way adds
        its shift. A chain wired in a circle ends where it comes round again."""
        wf, used = self.wf, self.used
        loras = families.lookup("lora_loaders")  # a family's pack's LoRA loaders (LTX-2's IC-LoRA loader)

        def stop(x: CNode) -> bool:
            return x.cls in LOADERS or x.cls in SHIFTS or x.cls.startswith("LoraLoader") or x.cls in loras or \
                x.cls in lora_stacks.STACKS
        chain, walked, passed = [], set(), set()
        loader = walk(wf, s.inputs(wf), ("model",), stop, passed)
        while loader is not None and loader.cls not in LOADERS and loader.id not in walked:
            walked.add(loader.id)
            used.add(loader.id)
            if loader.cls in SHIFTS:
                shifts.append(wf.value(loader, "shift"))
            elif taken is not None and loader.id in taken:
                pass  # the first sampler's LoRAs, on its chain already
            elif loader.cls in lora_stacks.STACKS:  # rgthree's stacks: each LoRA that is on, last applied first
                for name, strength, clip in reversed(lora_stacks.stacked(wf, loader, said)):
                    chain.append((name, strength, loader))
                    if clip is not None and clip != strength:
                        said.append(f"LoRA '{name}': its text-encoder strength {clip:g} is not applied (Video LoRA puts "
                                    "it on the denoiser)")
            else:
                chain.append((wf.value(loader, "lora_name"), wf.value(loader, "strength_model"), loader))
                clip = wf.value(loader, "strength_clip")
                if isinstance(clip, (int, float)) and clip:
                    said.append(f"LoRA '{wf.value(loader, 'lora_name')}': its text-encoder strength {clip} is "
                                "not applied (Video LoRA puts it on the denoiser)")
            loader = walk(wf, wf.source(loader, "model"), ("model",), stop, passed)
        self._patches(s, passed - used - {s.node.id, s.inputs(wf).id}, said)
        used |= passed
        return chain, loader

    def _patches(self, s: Sampling, passed: set[str], said: list[str]) -> None:
        """The nodes on the model's way from its loader to sampler ``s`` that change the model and are not
        read (an IC-LoRA loader, a speed patch), each said."""
        wf = self.wf
        for nid in sorted(passed):
            n = wf.nodes.get(nid)
            if n is None or n.cls in FOLDED or \
                    n.cls in families.declared() or n.cls in families.lookup("tasks"):  # a family reads it
                continue
            what = carries(n) or "a model patch"
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}: {what}) between the model loader and "
                        f"'{s.node.title or s.node.shown_cls}' is not applied: Studio loads the model without it "
                        f"({cut(json.dumps(rounded(n.settings()), ensure_ascii=False, default=str), 120)})")

    def _models(self, main: Sampling, rest: list[Sampling], said: list[str]) -> tuple[list, list, list[CNode]]:
        """The LoRAs (name, strength, node, expert; nearest the loader first), the shifts and the
        model loaders of the samplers (a LoRA on Wan 2.2 A14B's low-noise model: expert low noise)."""
        loras, shifts, loaders, others, self.pass_loras = [], [], [], [], {}
        for s in [main] + rest:
            chain, loader = self.lora_chain(s, None if s is main else {x[2].id for x in loras}, shifts, said)
            if loader is not None and loader.cls in LOADERS:
                self.used.add(loader.id)
            if loader is not None and loader.cls in LOADERS and loader not in loaders and not any(
                    model_file(self.wf, x) == model_file(self.wf, loader) for x in loaders):  # one file loaded twice: one model
                self.used.add(loader.id)
                loaders.append(loader)
                dtype = self.wf.value(loader, "weight_dtype")
                if isinstance(dtype, str) and dtype != "default":
                    said.append(f"weight_dtype '{dtype}' of '{loader.title or loader.cls}': Load Video Model's "
                                "'memory' setting chooses how the weights are stored (fp8 modes)")
                said += loader_extras(self.wf, loader)
            if s is main:
                loras += [(n, v, at, "auto") for n, v, at in chain]
            elif len(loaders) > 1 and loader is loaders[1]:  # the second expert's chain
                others += [(n, v, at, "low noise") for n, v, at in chain]
            else:
                self.pass_loras[s.node.id] = (chain, [f"LoRA '{n}' (strength {v}) on '{s.node.title or s.node.shown_cls}' "
                                                      f"(#{s.node.id}) only: not applied (Studio's LoRAs go on the "
                                                      "whole model)" for n, v, _ in chain])
                said += self.pass_loras[s.node.id][1]  # a family's later stage may take them (LTX-2's)
        if others:  # two experts: each LoRA on its own expert, whatever its file name says
            loras = others + [(n, v, at, "high noise") for n, v, at, _ in loras]
        loras.reverse()  # nearest the loader first
        said += switched_off_loras(self.wf, self.used)  # a turbo LoRA behind a switch shipped off (MiniMax H3's)
        return loras, shifts, loaders

    def _params(self, main: Sampling, rest: list[Sampling], latent: CNode | None, loaders: list[CNode],
                shifts: list, up: list[CNode], said: list[str]) -> dict[str, Any]:
        """The generator's settings: prompts (from the sampler's own conditioning, through the
        latent nodes' pass-through), sampling, size, length, frame rate."""
        wf, used = self.wf, self.used
        cond = main.inputs(wf)
        start = next((wf.source(cond, k) for k in ("positive", "conditioning", "cond1") if k in cond.links), None)
        pos = prompt_text(wf, start, "positive", used, said)
        for enhanced in families.lookup("prompt"):  # a family's prompt enhancer (LTX-2's)
            pos = enhanced(self, start, pos, said)
        neg = prompt_text(wf, wf.source(cond, "negative"), "negative", used, said)
        guidance = self._guidance(main, start, said)
        for line in said:
            if " prompt " in line:
                self.out.log.append(f"{self.name}: {line}")
        w = h = frames = None
        latent = latent if latent is not None else self.maker
        if latent is not None:
            w, h, frames = (wf.value(latent, k) for k in ("width", "height", "length"))
            frames = frames if frames is not None else wf.value(latent, "video_frames")  # SVD's
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
        guidance_2 = rest[0].cfg if rest and len(loaders) > 1 else None
        shift = next((as_float(x) for x in shifts if isinstance(x, (int, float)) and not isinstance(x, bool)), None)
        return {"prompt": pos, "negative_prompt": neg, "steps": main.steps, "guidance": guidance,
                "guidance_2": guidance_2, "seed": seed, "width": w, "height": h, "frames": frames,
                "fps": self.fps_of(up), "sampler": studio_sampler(main.sampler) if self._flow() else "auto",
                "shift": shift}

    def _flow(self) -> bool:
        """The family being made samples with a flow-matching scheduler (its mapping's ``flow``)."""
        own = families.lookup("by_title").get(self.family_now)
        return own is None or own.flow

    def _guidance(self, main: Sampling, positive: CNode | None, said: list[str]) -> Any:
        """The generator's guidance: the sampler's (or its guider's) cfg; a guidance-distilled model's embedded
        guidance (FluxGuidance on the prompt's way) where the sampler runs without classifier-free guidance."""
        said += main.said
        guider = self.wf.source(main.node, "guider")
        known = guider_of(guider.cls) if guider is not None else None
        if known is not None and known.sound is not None:  # the sound's own scale (LTX-2's audio_guidance)
            a = self.wf.value(guider, known.sound)
            if isinstance(a, (int, float)) and a != self.wf.value(guider, known.scale):
                self.extra["audio_guidance"] = float(a)
        found = distilled_guidance(self.wf, positive)
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

    def _make(self, save: CNode, first: CNode, task: str, params: dict, loaders: list[CNode], loras: list,
              inputs: dict, up: list[CNode], said: list[str]) -> str:
        """The Studio nodes of one output, wired; the generator's id."""
        files = [model_file(self.wf, loaders[0])] if loaders else [None]
        lp = self.spec_params("video_models.load")
        load = self.add("video_models.load", {"model": files[0]}, loaders[0] if loaders else None)
        if not files[0]:
            said.append("no model loader found: set Load Video Model's 'model'")
        self.loader_files(up, loaders, load, lp, said)
        model_out = (load, "model")
        for name, strength, at, expert in loras:
            lid = self.add("video_models.lora", {"lora": name, "strength": strength,
                                                 **({"expert": expert} if expert != "auto" else {})}, at)
            self.g.connect(*model_out, lid, "model")
            model_out = (lid, "model")
        gen = self.add(task, params, first)
        self.g.connect(*model_out, gen, "model")
        ports = {i.name for i in self.g.registry.get(task).inputs}
        for into, (loader, slot, steps) in inputs.items():
            if into not in ports:
                said.append(f"{LOADER_NODES[loader.cls][1]} '{self.file_of(loader)}' for '{into}': "
                            f"{self.g.registry.get(task).title} has no such input")
                continue
            nid, out = self.studio_loader(loader, slot)
            for step in steps:  # Canny -> Edges, SAM 3 -> Segment
                nid, out = self.step(step, (nid, out))
            want = next(i.type for i in self.g.registry.get(task).inputs if i.name == into)
            if out == "video" and want == "Image":  # a frame of a clip (ComfyUI's GetVideoComponents / ImageFromBatch)
                nid, out = self.add("edit.frame_hold", {"frame": 0}, loader), "image"
                self.g.connect(self.loaded[loader.id], "video", nid, "video")
                said.append(f"'{into}' is a frame of the clip '{self.file_of(loader)}': Frame Hold gives its first frame")
            try:
                self.g.connect(nid, out, gen, into)
            except StudioError as e:  # a mask made from a clip by ComfyUI nodes, and the like
                said.append(f"{LOADER_NODES[loader.cls][1]} '{self.file_of(loader)}' is not wired to '{into}' ({e}): "
                            "connect what the workflow makes from it")
        for into, src in self.motion.items():  # a family's tracks, a camera path (Task.read)
            self.g.connect(*src, gen, into)
        sv = save_node(self, save)  # a Save Video, or a Save Image Sequence for a take saved as pictures
        hooks = families.generator(task)
        video = hooks.video if hooks is not None and hooks.video is not None else None
        src = video(self, gen, load, model_out, params) if video else (gen, "video")
        self.takes[gen] = src  # the take before this output's own finishing (another output's starts there too)
        self.g.connect(*after_take(self, save, src, said), sv, "video")  # an upscale, a resize, an interpolation
        if hooks is not None and hooks.sound and sound.hears(self, sv):
            self.g.connect(gen, "audio", sv, "audio")
        if hooks is not None and hooks.wired is not None:
            hooks.wired(self, gen, load, params)
        if sound.hears(self, sv):
            self.hear(save, sv, hooks.heard if hooks is not None else (), inputs)
            sound.remux(self, save, sv, said)  # a file's sound the save muxes (Video Combine's, CreateVideo's)
        return gen

    def file_of(self, node: CNode | None) -> str:
        if node is None:
            return ""
        v = self.wf.value(node, "image") if node.cls in ("LoadImage", "VHS_LoadImagePath") else (
            self.wf.value(node, "file") or self.wf.value(node, "video") or self.wf.value(node, "audio")
            or self.wf.value(node, "audio_file"))
        return posix_name(str(v or ""))

    def fps_of(self, up: list[CNode]) -> float | None:
        """The video's frame rate: the first of ``up`` that sets one (CreateVideo, a Save node, a family's)."""
        for n in up:
            for k in ("fps", "frame_rate"):
                if (n.cls in FPS_NODES or n.cls in families.lookup("fps_nodes")) \
                        and isinstance(self.wf.value(n, k), (int, float)):
                    return as_float(self.wf.value(n, k))
        return None

    def save_path(self, save: CNode) -> str:
        prefix = str(self.wf.value(save, "filename_prefix") or "ComfyUI").strip("/") or "ComfyUI"
        return f"out/{prefix}.mp4"

    def loader_files(self, up, loaders, load, lp, said) -> None:
        """Text encoder, VAE, image encoder and a second expert: set where Load Video Model takes
        them, else said."""
        wf = self.wf
        file_loaders = {**FILE_LOADERS, **families.lookup("file_loaders")}
        own = families.lookup("by_title").get(self.family_now)
        if (load_files := families.family_hook(self.family_now, "load_files")) is not None:
            load_files(self, up, loaders, load, lp, said)  # the family sets its files itself (AnimateDiff's)
            return
        if own is not None and own.folder_only:  # a family read from a folder: its files in one sentence
            files = [str(model_file(wf, n)) for n in loaders] + [str(wf.value(n, file_loaders[n.cls][0])) for n in up
                                                                 if n.cls in file_loaders]
            self.used.update(n.id for n in up if n.cls in file_loaders)
            said.append(own.folder_only.format(files=", ".join(dict.fromkeys(files))))
            if (folder_files := families.family_hook(self.family_now, "folder_files")) is not None:
                folder_files(self, up, load, lp)  # the part files it takes (MiniMax H3's VAE, text encoder)
            return
        if len(loaders) > 1:
            second = model_file(wf, loaders[1])
            if "model_2" in lp and isinstance(second, str):
                self.g.set_param(load, "model_2", second)
            elif "model_2" in lp:
                said.append(f"second expert {shown(second)} is not a file name: set Load Video Model's 'model_2'")
            else:  # the model of two experts its mapping names (the family's own first)
                experts = (families.family_hook(self.family_now, "experts")
                           or next(iter(families.lookup("experts")), ""))
                said.append(f"second expert '{second}' ({experts}'s low-noise model): Load Video Model takes one "
                            f"file; point 'model' at a {experts} diffusers folder for both experts" if experts else
                            f"second expert '{second}' (the low-noise model): Load Video Model takes one file; point "
                            "'model' at a diffusers folder holding both experts")
        # Load Video Model reads a family's text encoder, VAE and CLIP vision as separate files where its mapping
        # says so: by the 'type' of ComfyUI's CLIPLoader (text_types), of its DualCLIPLoader (dual_types: the two
        # text encoders) or by a text-encoder loader of its own (text_loaders); another family's come from 'base'
        separate = any(n.cls == "CLIPLoader" and wf.value(n, "type") in families.lookup("text_types") or
                       n.cls in families.lookup("text_loaders") for n in up)
        model = model_file(wf, loaders[0]) if loaders else None
        dual = next((n for n in up if n.cls == "DualCLIPLoader"
                     and wf.value(n, "type") in families.lookup("dual_types")), None)
        if dual is not None and "text_encoder_2" in lp:  # Qwen2.5-VL, then byT5 / CLIP-L (ComfyUI's order)
            separate = True
            self.used.add(dual.id)
            for key, param in (("clip_name1", "text_encoder"), ("clip_name2", "text_encoder_2")):
                value = wf.value(dual, key)
                if isinstance(value, str) and value.strip():
                    self.g.set_param(load, param, value)
        en = getattr(self, "enhancer", None)
        for n in up:
            if n is dual or (en is not None and en.file and n is en.loader):
                continue  # a family's prompt enhancer's file (LTX-2.5's): its own
            if n.cls in file_loaders:
                self.used.add(n.id)
                key, what = file_loaders[n.cls]
                value = wf.value(n, key)
                other = self._other_pass(n, up)
                if other is not None:  # a depth estimator's SD1.5 VAE: not the video model's
                    said.append(f"{what} '{value}' is read by the pass of '{other.title or other.shown_cls}' (#{other.id}) "
                                "alone, not by this generator's model: not set on Load Video Model")
                    continue
                param = {"text encoder": "text_encoder", "VAE": "vae",
                         "image encoder (clip_vision)": "clip_vision"}.get(what)
                if what == "audio VAE" and value == model:
                    continue  # LTX-2's audio VAE inside the checkpoint Load Video Model reads
                role = _role(n, up)
                if role:
                    said.append(role.format(value=value))
                    continue
                if separate and param in lp and isinstance(value, str) and value.strip():
                    self.g.set_param(load, param, value)
                else:
                    said.append(f"{what} '{value}': Load Video Model takes it from 'base' (a diffusers folder "
                                "of the same family)" + ("" if separate or param not in lp else
                                                         f"; separate files are read for {listed(families.lookup('separate'))} only"))

    def _other_pass(self, loader: CNode, up: list[CNode]) -> CNode | None:
        """The sampler of another pass (one that makes an input of this output: a depth estimator's) whose nodes
        are the only readers of ``loader``'s file; None where this output's samplers read it too."""
        key = self.pass_key
        others = [n for n in up if n.cls in SAMPLERS and n.id not in key]
        if not key or not others:
            return None
        region = {o.id: {u.id for u in upstream(self.wf, o)} for o in others}
        readers = [m for m in up if any(src == loader.id for src, _ in m.links.values())]
        for o in others:
            if readers and all(m.id in region[o.id] or any(src == o.id for src, _ in m.links.values()) for m in readers):
                return o
        return None

    def _fixed_shift(self, task: str, shifts: list) -> str:
        """What becomes of the workflow's shift for a generator with no shift setting."""
        hooks = families.generator(task)
        fixed = hooks.shift if hooks is not None else None
        if fixed is None:
            return "not applied (the generator has no shift setting: the model folder's scheduler's)"
        same = all(abs(float(s) - fixed) < 1e-6 for s in shifts)
        return (f"{'the same as' if same else 'not applied: the generator has no shift setting;'} the shift {g4(fixed)} "
                "of the scheduler Studio gives this model's ComfyUI files (a model folder: the folder's scheduler)")

    def _sampling_note(self, main: Sampling, rest: list[Sampling], shifts, loaders, said, at: CNode, params) -> None:
        task = self.made[max(self.made, key=lambda k: self.made[k][2])][1]
        own = {"sampler", "shift"} & self.spec_params(task)
        # None: a family sampling with its own (non-flow) scheduler keeps the generator's sampler 'auto'
        choice = None if "sampler" in own and not self._flow() else studio_sampler(main.sampler)
        lines = [f"Converted from ComfyUI ({self.name}), sampler '{at.title or at.shown_cls}' (#{at.id}):",
                 f"- sampler '{main.sampler}', scheduler '{main.scheduler}': nearest diffusers scheduler "
                 f"{nearest_scheduler(main.sampler, main.scheduler)}; "
                 + (f"the generator's sampler is 'auto': {self.family_now} samples with its model folder's own "
                    "scheduler (the generators' samplers are flow-matching ones)" if choice is None
                    else "the generator has no sampler setting: the model folder's own scheduler" if "sampler" not in own
                    else f"the generator's sampler is '{choice}'" if choice != "auto" else
                    "none of the generator's samplers is close: 'auto' (the model's own scheduler)")
                 + ("" if main.scheduler in (None, "simple", "normal") else
                    f"; the '{main.scheduler}' sigma spacing is not taken (the scheduler's own)")]
        if main.extra:
            lines.append(f"- sigmas: {', '.join(f'{k} {v}' for k, v in main.extra.items())} (the model's own used)")
        shifts = [s for s in shifts if isinstance(s, (int, float)) and not isinstance(s, bool)]
        if shifts:
            lines.append(f"- shift {', '.join(g4(s) for s in dict.fromkeys(shifts))} (ModelSamplingSD3): "
                         + ("the generator's shift" if "shift" in own else self._fixed_shift(task, shifts)))
        for r in rest:
            if len(loaders) < 2 and self.stage is None and passes.refines(self.wf, r.node):  # what it does, in words
                lines.append(f"- {passes.refine_line(self, r, params)}")
                continue
            if len(loaders) < 2 and (line := passes.segment_line(self, r)) is not None:  # a take of its own
                lines.append(f"- {line}")
                continue
            what = "the low-noise expert" if len(loaders) > 1 else "a second pass"
            lines.append(f"- {what}: '{r.node.title or r.node.shown_cls}' (#{r.node.id}), steps {shown(r.steps)}, cfg {shown(r.cfg)}"
                         + (f", steps {shown(r.start)}-{shown(r.end)}" if r.start is not None else "")
                         + (" (diffusers switches experts at the model's boundary_ratio)" if len(loaders) > 1 else ""))
        if main.start is not None and main.end is not None:
            lines.append(f"- first sampler runs steps {shown(main.start)}-{shown(main.end)} of {shown(main.steps)}")
        lines += [f"- {s}" for s in said + self.refused]
        self.refused = []
        self.note("\n".join(lines), len(self.bands) - 1)

    # -- the whole workflow -------------------------------------------------------------------
    def _dropped_note(self, dropped: list[CNode]) -> str:
        """One note naming the ComfyUI nodes not converted, each with its settings."""
        lines = [f"ComfyUI nodes not converted ({len(dropped):,}): Studio has no node doing what they do. "
                 "Their settings as the workflow saved them:"]
        lines += [_dropped_line(n) for n in dropped[:MAX_LISTED]]
        if len(dropped) > MAX_LISTED:
            lines.append(f"- and {len(dropped) - MAX_LISTED:,} more (their types are in the Log)")
        return "\n".join(lines)

    def build(self) -> Conversion:
        wf = self.wf
        saves = [n for n in wf.nodes.values() if n.cls in OUTPUTS]
        saves.sort(key=lambda n: (not n.enabled, n.id))
        for n in wf.nodes.values():  # an output a family converts whole (ComfyUI's SeedVR2 upscale: its node)
            for whole in families.lookup("whole"):
                if n.id not in self.used and whole(self, n):
                    break
        for s in saves:
            if s.id in self.used:
                continue
            takes = segments.segments(wf, s, self.g.registry) if s.enabled else []
            if takes and segments.make(self, s, takes):  # several takes joined: a pipeline each, concatenated
                self.out.pipelines += 1
            elif not takes and self.pipeline(s):
                self.out.pipelines += 1
        for s in frame_saves(wf, set().union(*self.made) if self.made else set()):  # a take saved as pictures
            if s.id not in self.used and self.pipeline(s):
                self.out.pipelines += 1
        known = tasks()
        for n in wf.nodes.values():  # a task Studio cannot do, with no sampler Studio reads (a model it does not run)
            spec = known.get(n.cls)
            if spec is not None and spec.generator is None and n.enabled and n.id not in self.held | self.used:
                models = [x for x in wf.nodes.values() if x.enabled and x.cls in LOADERS and x.id not in self.used][:1]
                self._hold(None, spec, family(None, spec, []), n, models, [])
        ends = sorted((n for n in wf.nodes.values() if n.cls in ENDS and n.enabled), key=lambda n: ENDS.index(n.cls))
        for n in ends:  # SAM 3, Depth Anything, SDPose, FILM... as Studio's nodes (a save before a preview)
            path = utility_path(wf, n) if n.id not in self.used else None
            if path is not None and not any(x.id in self.used for x in path if utility(x.cls)):
                make_utility(self, n, path)
        for n in ends:  # EmptyImage -> CreateVideo -> SaveVideo: no model, a solid colour
            core = core_path(wf, n) if n.id not in self.used else None
            if core is not None:
                make_core(self, n, *core)
        dropped, texts, folded = [], [], families.lookup("folded")
        for n in wf.nodes.values():
            if n.id in self.used or n.cls in FOLDED or n.cls in folded:
                continue
            if n.cls in TEXT_NOTES:
                texts.append(str(n.widgets.get("text") or ""))
                continue
            # a bypassed or muted copy said as such (an S2V workflow's bypassed LoadAudio read as 'not converted')
            shown = n.shown_cls + ("" if n.enabled else f" ({MODES.get(n.mode, 'off')} in ComfyUI)")
            self.skipped[shown] = self.skipped.get(shown, 0) + 1
            dropped.append(n)
        for text in self.first_notes:
            self.note(text)
        self.notes = self.notes[-len(self.first_notes):] + self.notes[:-len(self.first_notes)] if self.first_notes \
            else self.notes
        self.note_bands = self.note_bands[-len(self.first_notes):] + self.note_bands[:-len(self.first_notes)] \
            if self.first_notes else self.note_bands
        if dropped:
            self.note(self._dropped_note(dropped))
        for text in texts:  # the workflow's own notes, after Studio's
            self.note(text)
        if self.skipped:
            self.out.log.append(f"{self.name}: ComfyUI nodes not converted (listed in a note on the canvas): "
                                + ", ".join(f"{c} x{k}" if k > 1 else c for c, k in sorted(self.skipped.items())))
        lay_out(self.g, self.bands, self.notes, self.note_bands)
        if self.notes:
            self.g.set_annotations("notes", self.notes)
        self.out.notes = len(self.notes)
        if not self.out.pipelines and not self.out.tasks:
            self.out.log.append(f"{self.name}: no video output with a sampler found: only notes made")
        self.out.log.append(f"{self.name}: {self.out.pipelines} pipeline(s), {len(self.g.nodes)} Studio nodes, "
                            f"{self.out.notes} notes (ComfyUI nodes not converted, and what each generator "
                            "does not take)")
        return self.out


def _dropped_line(n: CNode) -> str:
    off = "" if n.enabled else f" ({MODES.get(n.mode, 'off')} in ComfyUI)"
    settings = cut(json.dumps(rounded(n.settings()), ensure_ascii=False, default=str), SETTINGS_CHARS)
    read_as = f", read as {n.cls}" if n.origin else ""
    return f"- '{n.title or n.shown_cls}' ({n.shown_cls}{read_as}, #{n.id}){off}: {settings}"


def convert(doc: Any, name: str = "workflow", registry=None) -> Conversion:
    """A ComfyUI workflow (its UI or API JSON, parsed) as a Studio graph (reading.workflow.WorkflowError
    when it is neither)."""
    try:
        wf = Workflow.read(doc)
    except WorkflowError as e:
        raise WorkflowError(f"'{name}': {e}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as e:
        raise WorkflowError(f"'{name}' looks like a ComfyUI workflow but could not be read "
                            f"({type(e).__name__}: {str(e)[:200]})") from None
    try:
        said = easy_use.translate(wf) + [x for m in families.mappings() if m.translate for x in m.translate(wf)]
        said += wf.wiring_said  # an input two broadcasts reach at one priority (left unwired, as in ComfyUI)
        b = _Builder(wf, name, registry)
        if wf.inside:
            b.out.log.append(f"{name}: the workflow is read from the file's '{wf.inside}' (the file holds it inside "
                             "another object)")
        if wf.wiring:  # frontend-only nodes: what they stand for is in the links (information, the Log only)
            b.out.log.append(f"{name}: read as the links ComfyUI's frontend makes of them when it queues the workflow: "
                             + ", ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(wf.wiring.items())))
        for line in said:
            b.out.log.append(f"{name}: {line}")
        if said:
            b.note("\n".join(said))
        return b.build()
    except RecursionError:  # every walk is bounded; this is the last word if one is not
        raise WorkflowError(f"'{name}': its nodes are chained too deeply to convert") from None

