"""The builder's ground floor: the Studio graph being made and what is said of it. Its state (what each stage
reads and leaves for the next: the nodes used, the pipelines made, the notes), a node added or a setting set
with a value it cannot take fitted and said, the notes on the canvas and the lines of the Log. The stages
(intent.py, inputs.py, models.py, settings.py, making.py, outputs.py) build on it; convert.py composes them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.core.errors import StudioError
from studio.core.graph import Graph

from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..reading import save_names
from ..values.shown import as_float, fitted_value, posix_name, shown, unquoted
from .kinds import FPS_NODES
from .told_rates import told_rates
from . import annotated, clip_rate


@dataclass
class Conversion:
    graph: Graph
    log: list[str] = field(default_factory=list)  # what was made and what was not, for the Log / the CLI
    pipelines: int = 0
    notes: int = 0
    tasks: list[dict] = field(default_factory=list)  # per pipeline: task, family, generator, inputs wired
    origin: dict[str, str] = field(default_factory=dict)  # Studio node id -> the ComfyUI node id it was made for
    dropped: list[str] = field(default_factory=list)  # the ComfyUI node ids listed as not converted
    passed: list[str] = field(default_factory=list)  # the ComfyUI node ids passed over, each said (mapping.passing)
    pictures: dict[str, bytes] = field(default_factory=dict)  # pictures decoded from the file, to write beside it


class BuilderBase:
    """The graph being made, the state the stages share and what is said of it (api.Builder: what a
    family's hooks may use of the builder)."""

    def __init__(self, wf: Workflow, name: str, registry=None):
        self.wf, self.name = wf, name
        self.g = Graph(registry)
        self.out = Conversion(self.g)
        self.used: set[str] = set(wf.taken)
        self.notes: list[dict] = []
        self.note_bands: list[int | None] = []  # the pipeline each note is about (None: the workflow)
        self.bands: list[list[str]] = []  # each pipeline's Studio nodes, in the order made
        self.refused: list[str] = []  # values a node could not take
        self.over: dict[str, str] = {}  # nodes a stage passed over (not applied), each with its sentence
        self.patched: set[str] = set()  # model patches passed over and what they alone are made with (patch_inputs)
        self.patch_pending: list[tuple] = []  # (patch, sampler, its line) of the pipeline being read (patch_inputs)
        self.patch_made: set[str] = set()  # what those patches alone are made with (the ledger leaves them: said)
        self.idle: frozenset[str] | None = None  # the nodes ComfyUI does not run of the workflow as saved (unrun.py)
        self.skipped: dict[str, int] = {}  # ComfyUI node types not converted -> how many
        self.made: dict[frozenset, tuple] = {}  # a pipeline's samplers -> (generator, task, band, its output)
        self.held: set[str] = set()  # task nodes of tasks Studio cannot do, whose inputs are held
        self.held_saves: set[str] = set()  # the outputs of those tasks (not made: mapping.held_ways)
        self.loaded: dict[str, str] = {}  # a ComfyUI loader -> its Studio loader
        self.first_notes: list[str] = []  # the sentences said first
        self.keyframes: list[str] = []
        self.keyframes_capped: dict[int, str] = {}  # keyframes a node puts on the last frame past the end (keyframes.py)
        self.keyframe_strength: float | None = None
        self.guide_strengths: list[tuple[float, str]] = []  # the keyframe guides' strengths, in words
        self.pad: CNode | None = None  # an outpaint's pad (ImagePadForOutpaint, any pack's by its types)
        self.pad_made: dict | None = None  # its pixels, where Studio's Pad makes it (wan/comfy_vace_pad.py)
        self.matte = None  # a mask drawn on Wan Animate's background, to make once it is wired (families' hooks)
        self.control_step = None  # a filter on a control LoRA's clip, to make once it is wired (families' hooks)
        self.unmade: set[str] = set()  # the generator's inputs the workflow gives but Studio cannot make (intent)
        self.unmade_from: dict[str, str | None] = {}  # such an input -> the node it starts from, in words (origins)
        self.unmade_at: dict[str, tuple[CNode, str]] = {}  # such an input -> the node and port it is read at (intent)
        self.clip_frames: dict[str, tuple[str, str] | None] = {}  # a picture input given frames of a clip (clip_frames)
        self.last_picks: dict[str, tuple] = {}  # a picture input given a clip's frame from its end (clip_last)
        self.scaled_for: dict[str, str] = {}  # a resize Studio's Scale makes on an input's way -> that input (intent)
        self.loaded_for: dict[str, str] = {}  # a loader whose picture Studio gives an input as it is -> that input
        self.wired_without: dict[str, str] = {}  # a generator input -> the sentence: its file wired without steps
        self.way_said: dict[str, list[str]] = {}  # a generator input -> what was said of its way (its Scale, strength)
        self.param_at: dict[str, CNode] = {}  # a generator setting -> the node it was read from (settings._params)
        self.motion: dict[str, tuple[str, str]] = {}  # generator input -> a family's tracks, a camera path
        self.extra: dict = {}  # the generator's settings read from how its inputs are made
        self.same_as: list[tuple[str, str, Any]] = []  # (sentence, Studio's setting, value): outputs._settings
        self.denoise_from = None  # the sampler whose denoise is a Video to Video's strength (denoise_steps)
        self.stage: dict | None = None  # a family's later stage (LTX-2's upsampler and refine): Generator.stage
        self.pass_loras: dict[str, tuple[list, list[str]]] = {}  # a later sampler -> its own LoRAs, what was said
        self.enhancer = None  # a family's prompt enhancer of the pipeline being made (LTX-2's), its loader its own
        self.family_now: str | None = None  # the family title of the pipeline being made
        self.gen_family, self.gen_lines = {}, {}  # a generator -> its family (takes.sound), its Log line (first_trim)
        self.task_now: str | None = None  # its generator's node type
        self.pass_key: frozenset = frozenset()  # the samplers of the output being made
        self.rate_said: list[tuple[float, str]] = []  # an interpolated take's rate and its sentence (finishing.own_rate)
        self.continued: set[str] = set()  # later task nodes a family read as windows of the same take (no other take)
        self.start_way: set[str] = set()  # the nodes an earlier take's frames pass to a later take's start (read
        # there: a save's way through one of them is not done by that reading, heldout37 06)
        self.maker: CNode | None = None  # an unread node making the first sampler's latent (mapping.intent._task)
        self.maker_way: list[CNode] = []  # the nodes between that node and the sampler, nearest the sampler first
        self.takes: dict[str, tuple[str, str]] = {}  # a generator -> its take's video before an output's finishing
        self.continuing: dict = {}  # (task node, port) -> a take's Frame Hold and its line (takes.segments)
        self.still_as, self.continuing_scaled, self.still_making = None, {}, False  # a still's family, its resizes (still_first, still_way); a still made first (still_first)
        self.continued_sound: set[str] = set()  # sound encoders a continued take's window keeps (continue_wired)
        self.shift_at: list[CNode] = []  # the nodes the shifts were read from (a pack's sampler's own: its core twin)

    def spec_params(self, type_id: str) -> set[str]:
        return {p.name for p in self.g.registry.get(type_id).params}

    def add(self, type_id: str, params: dict, at: CNode | None, title: str | None = None, mode: str = "normal",
            at_of: dict | None = None) -> str:
        """A Studio node of ``params``; a value it cannot take said naming ``at`` (or ``at_of``'s node for that
        setting: the workflow's node it was read from)."""
        spec = self.g.registry.get(type_id)
        known = {p.name for p in spec.params}
        kept = {}
        for k, v in params.items():
            if k == "prompt" and v is None and k in known:  # a prompt not read (said where it is read): empty, never
                v = ""  # the node's own example words (91/01: "a dancer in a red dress" made unsaid)
            if k not in known or v is None:
                continue
            try:
                spec.coerce_params({k: v})
                kept[k] = v
            except StudioError as e:  # a value Studio cannot take (out of range, of another kind): said
                kept.update(self._fitted(spec, k, v, e, (at_of or {}).get(k) or at))
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

    def _add_to_note(self, band: int, lines: list[str]) -> None:
        """Lines added to the note of pipeline ``band`` (the last about it), else a note of their own."""
        at = next((i for i in range(len(self.notes) - 1, -1, -1) if self.note_bands[i] == band), None)
        if at is not None:
            self.notes[at]["text"] += "".join(f"\n- {x}" for x in lines)
        elif lines:
            self.note("\n".join(f"- {x}" for x in lines), band)

    def say_first(self, text: str) -> None:
        """A sentence first in the Log and as the first canvas note."""
        self.out.log.insert(sum(1 for line in self.out.log if line.startswith("This workflow makes")), text)
        self.first_notes.append(text)

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

    def file_of(self, node: CNode | None) -> str:
        if node is None:
            return ""
        v = self.wf.value(node, "image") if node.cls in ("LoadImage", "VHS_LoadImagePath", "LoadImageMask") else (
            self.wf.value(node, "file") or self.wf.value(node, "video") or self.wf.value(node, "audio")
            or self.wf.value(node, "audio_file") or self.wf.value(node, "directory"))
        return posix_name(unquoted(annotated.plain(self, node, str(v or ""))))  # (a pasted path's quotes: heldout75 08)

    def fps_of(self, up: list[CNode]) -> float | None:
        """The video's frame rate: the first of ``up`` that sets one (CreateVideo, a Save node, a family's)."""
        from ..takes.ledger import rate_setting
        self.rate_node = None  # the node the rate is read from (a family without a rate setting names it)
        for n in up:
            if not (n.cls in FPS_NODES or n.cls in families.lookup("fps_nodes")):
                continue
            for k in ("fps", "frame_rate"):
                if k not in n.widgets and k not in n.links:
                    continue
                said: list[str] = []  # a rate that is none ([1, 2, 3], 864, one wired from itself) is said, not 0
                if self.wf.value(n, k) is None and (line := clip_rate.said(self, n, k)) is not None:
                    self.say(line)  # the rate of a clip the generator is given, which its 'fps' 0 takes (count9)
                    if clip_rate.clip_made(self):  # (its take has that clip's rate: no other node's is written)
                        return None
                    continue
                rate = rate_setting(n, k, self.wf.value(n, k), said, "the video's rate is not taken from it")
                for line in said:
                    self.say(line)
                if rate is not None:
                    told_rates(self, up, rate, n)  # a family's node telling the model another rate: said
                    self.rate_node = n
                    return rate
        return None

    def prefix_of(self, save: CNode, default: str = "ComfyUI") -> str:
        """``save``'s filename_prefix without ComfyUI's fill-in tokens (%date:...%), said (reading/save_names)."""
        raw = str(self.wf.value(save, "filename_prefix") or default)
        prefix, tokens = save_names.plain(raw, default)
        if tokens:
            self.say(save_names.tokens_said(save, raw, tokens, prefix))
        return prefix

    def save_path(self, save: CNode) -> str:
        prefix = self.prefix_of(save).strip("/") or "ComfyUI"
        return f"out/{prefix}.mp4"

