"""The converter's door: what a video family's ComfyUI mapping (nodes/video_models/families/<key>/comfy.py,
or beside another node's folder) declares, and the builder surface its hooks may use.

A mapping says which ComfyUI node types, core and node packs, belong to the family and what each means in
Studio's terms (a :class:`Task`: the task in words, the Studio generator's type id, ComfyUI input ->
generator input, the family's title), and, per generator, what the generic converter cannot know (a
:class:`Generator`: how its settings are read from the task node, what its Save Video hears, the
task in words...), and what the family alone reads, as its own hooks (families/hooks.py: readers of its own
node types, callables asked at fixed stages). The converter finds the mappings by discovery
(families/registry.py): a module named ``comfy`` in a family's folder whose ``MAPPING`` is a
:class:`ComfyMapping`. Nothing here imports ``nodes``; plain data and stdlib, as the rest of the converter."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

from studio.core.graph import Graph

from .families.hooks import HOOKS, hook
from .packs.translation import PackTranslation, finite, held_task
from .reading.workflow import CONTROL, LOADER_NODES, CNode, Workflow
from .takes.keyframes import frame_mark
from .tracing.guiders import Guider
from .tracing.prompts import encoders, prompt_text, walk
from .tracing.sampling import SAMPLERS, Sampling, read_sampling
from .tracing.tasks import I2V, LATENT_NAMES, T2V, Task, task_node
from .tracing.walks import adds_noise, find_loader, model_file, sampler_denoise, upstream
from .takes.ledger import flag_setting, rate_setting, whole_setting  # a hook's values read (and said) as the ledger's
from .reading.pass_any import any_through  # a node passing anything on: the input it gives on
from .reading.loader_picks import rate as forced_rate  # the rate a video loader forces on its file (0: its own)
from .catalogue import node_type  # a node type's declared inputs and outputs (a family's by-types walks)
from .reading.by_types import widget_names  # a UI node's saved values named by its type's declared widgets
from .reading.folders import as_folder  # a pack's folder loader read as Studio's Load Image Sequence (declared types)
from .takes.first_trim import first_saves, restate, trim_first  # a longer take's first take made once (a 'made' hook)
from .takes.one_take_said import withdraw  # a segment's 'another take' words withdrawn once a family makes it
from .takes.reworded import reword  # a pipeline's generator replaced by another of its nodes: its records and words
from .tracing.latent_ways import frames_of, sampler_behind, through  # a take's latent on its way to a continuing node
from .reading.pads import is_pad, mask_way, other_settings, pads, plain  # a pad for an outpaint read by its types (Wan VACE's)
from .tracing.roles import in_type, out_types  # a node's declared input and output types (a family's by-types walks)
from .tracing.resizes import BUCKET_LIKE, BUCKET_SCALE, is_resize, scale_params  # a node resizing pictures (by its type's name); Scale's settings
from .tracing.worked_sizes import AREA_SIZE  # a size-from-aspect node a translation makes, read by its rule (worked_sizes)
from .reading.module_select import what as module_named  # how a sentence names a wrapper's module file (its select)
from .takes.schedule_wire import schedule_input, schedule_on  # prompts per pass or tile as a Prompt Schedule
from .reading.measured import passes_picture  # a node measuring the picture it gives on as it is (by its declared types)
from .takes.resized_relation import unfactored  # a picture before the Scale made only to size a take (ltx2x22)
from .reading.gathers import gathered  # a node putting pictures together: its numbered inputs (by declared types)
from .reading.picture_header import picture_size  # a picture file's size beside the workflow, or given as base64 text
from .finishing.effects import effect as picture_effect  # a frame filter Studio makes, read by its declared types
from .finishing.effects_made import file_effect  # that filter's one Studio node on a file's way (shared by its readers)
from .packs.measures_carried import kind as measure_kind, withdrawn  # what a measure gives; its 'left unset' words
from .takes.count_kept import keeps_count  # a step giving one picture for each frame it is given (by its types)
from .tracing.declined import decline  # a reader's reason for declining a node, named by the held task's sentence
from .takes.frame_way import image_socket, lowest, pick_widgets  # a frame pick by its declared types (first, count)
from .reading.clip_info_rate import info_rate  # a Video Info node's fps of a loader reading its file at its own rate
from .tracing.stills import batch_latent  # a node declaring an empty latent of a batch (AnimateDiff's frames)
from .tracing.mask_round_trip import carried as mask_carried  # a MASK made a picture and taken back (the same)
from .tracing.mask_round_trip import picked as mask_picked  # a picture's colour channel taken as a MASK (its channel)

# the walks and readers a family's hooks share with the converter
__all__ = ["Builder", "CNode", "ComfyMapping", "Generator", "Guider", "PackTranslation", "Task", "Voice", "Workflow",
           "CONTROL", "encoders", "finite", "frame_mark", "held_task", "I2V", "LATENT_NAMES", "SAMPLERS", "Sampling", "T2V", "find_loader",
           "model_file", "prompt_text", "read_sampling", "task_node", "upstream", "walk", "flag_setting", "rate_setting",
           "whole_setting", "any_through", "forced_rate", "node_type", "frames_of", "sampler_behind", "through", "mask_way",
           "other_settings", "pads", "plain", "in_type", "out_types", "LOADER_NODES", "scale_params",
           "module_named", "adds_noise", "sampler_denoise",
           "schedule_input", "schedule_on", "gathered", "decline", "reword", "image_socket", "lowest", "pick_widgets",
           "batch_latent", "as_folder", "mask_carried", "mask_picked"]
Inputs = dict  # the generator's input -> (ComfyUI loader, its output slot, the steps on the way)


class Builder(Protocol):
    """What a family's hooks may read and call of the converter's builder (mapping.convert._Builder): the
    workflow, the graph being made and the state of the output being made; nothing else of it."""
    wf: Workflow  # the workflow read
    name: str  # the workflow's name, as the Log says it
    g: Graph  # the Studio graph being made
    used: set[str]  # ComfyUI node ids converted (not listed as 'not converted')
    extra: dict  # the generator's settings read from how its inputs are made (set into its params)
    motion: dict  # generator input -> (Studio node id, output): tracks, a camera path
    continued_sound: set  # sound encoders a continued take's noise-mask window keeps (mapping/continue_wired)
    keyframes: list[str]  # the keyframes' frames ('0', 'last', a number) of the output
    keyframes_capped: dict  # keyframe place -> its node in words, where the node puts a frame past the end on the last
    keyframe_strength: float | None
    guide_strengths: list  # each keyframe guide's (strength, its words), where a family reads them (LTX-2's)
    pad: CNode | None  # an outpaint's pad (ImagePadForOutpaint, a pack's by its types) found on an intent input
    pad_made: dict | None  # its pixels, where Studio's Pad makes it before Wan VACE (wan/comfy_vace_pad.py)
    painted_pad: Any  # an IC-LoRA outpaint band's pad, made as Studio's Pad on 'control' (ltx2/comfy_outpaint_pad.py)
    painted_band: Any  # an IC-LoRA in/outpaint band's painting, blend and words, made on 'control' (ltx2/comfy_painted_band.py)
    crf_seen: Any  # LTX-2's pictures whose CRF a take's settings read, with that take's 'extra' (ltx2/comfy_preprocess.py)
    matte: Any  # a mask drawn on Wan Animate's background, made once its inputs are wired (wan/comfy_animate_matte.py)
    control_step: Any  # a filter on a control LoRA's clip, made once its inputs are wired (wan/comfy_wrapper_ctrl_lora.py)
    wired_without: dict  # a generator input -> the sentence saying its file is wired without the steps on its way
    way_said: dict  # a generator input -> the sentences said of the resizes on its file's way (Scale)
    stage: dict | None  # a family's later stage read before the settings (Generator.stage), for its hooks
    redetail: Any  # LTX-2's re-detail of a clip by its second stage, read for the output being made (comfy_redetail)
    take_sampler: CNode  # the output's first sampler (the take's)
    rate_node: CNode | None  # the node the output's written rate is read from (base.fps_of), None where none
    task_way: list  # the nodes between that sampler and its latent's maker (the task node)
    clip_frames: dict  # a picture input given frames of a clip -> how many, in words (mapping/clip_frames)
    made: dict  # a pipeline's samplers -> (generator id, its type id, its band, its Save node)
    bands: list[list[str]]  # each pipeline's Studio nodes, in the order made
    loaded: dict[str, str]  # a ComfyUI loader id (or a step's key) -> its Studio node
    pass_loras: dict  # a later sampler's id -> (its own LoRAs, the lines said of them)
    enhancer: Any  # a family's prompt enhancer of the output being made (its loader is not Load Video Model's)
    pass_key: frozenset  # the samplers of the output being made (their ComfyUI ids)
    continued: set  # later task nodes a family read as windows of the same continued take (their passes: no other take)
    over: dict[str, str]  # ComfyUI node ids passed over (not applied), each with its sentence
    unmade: set[str]  # the generator's inputs the workflow gives but Studio cannot make (its reading of intent inputs)
    unmade_from: dict  # such an input -> the node it starts from, in words
    notes: list[dict]  # the canvas notes made so far (each a dict with its 'text')
    note_bands: list  # the band (pipeline) of each of those notes

    def add(self, type_id: str, params: dict, at: CNode | None, title: str | None = None,
            mode: str = "normal") -> str:
        """A Studio node (values it cannot take fitted and said); its id."""

    def set_param(self, node_id: str, name: str, value: Any, at: CNode | None) -> bool:
        """Set a Studio node's parameter from the workflow's node ``at`` (a value it cannot take fitted and said,
        naming that node, as :meth:`add` does): never a failure of the whole conversion. True: taken as it is."""

    def note(self, text: str, band: int | None = None) -> None:
        """A note on the canvas (about pipeline ``band``, or the workflow)."""

    def say(self, line: str) -> None:
        """A line in the pipeline's note and the Log (said once)."""

    def log(self, line: str) -> None:
        """A line in the Log, after the workflow's name."""

    def said_lines(self) -> list[str]:
        """The lines said for the pipeline's note so far, handed over once (for a note a family writes)."""

    def task_made(self, what: str, fam: str | None, generator: str | None, inputs: list[str]) -> None:
        """A converted output's task for the conversion's summary."""

    def say_first(self, text: str) -> None:
        """A sentence first in the Log and as the first canvas note."""

    def intent(self, node: CNode, port: str, into: str, inputs: dict, said: list[str]) -> None:
        """The Load Image / Video / Audio behind ``node``'s ``port`` wired into the generator's ``into``."""

    def studio_loader(self, loader: CNode, slot: int = 0) -> tuple[str, str]:
        """Studio's loader node for a ComfyUI file loader, and its output for ``slot``."""

    def step(self, n: CNode, src: tuple[str, str], at: str | None = None) -> tuple[str, str]:
        """Studio's node for a ComfyUI step between a file and an input (Canny, SAM 3...), wired."""

    def speech_features(self, n: CNode, src: tuple[str, str], voice: "Voice") -> str:
        """Speech Features for an AudioEncoderEncode ``n`` of the Load Audio ``src``, as ``voice`` hears it."""

    def file_of(self, node: CNode | None) -> str:
        """The file a ComfyUI loader names."""

    def save_path(self, save: CNode) -> str:
        """The path a Save Video writes for ComfyUI's output ``save``."""

    def wired_said(self, into: str, what: str, other: list[str]) -> str:
        """The sentence saying the generator's input ``into`` is wired with its file without the steps ``other``."""

    def prefix_of(self, save: CNode, default: str = "ComfyUI") -> str:
        """``save``'s filename_prefix without ComfyUI's fill-in tokens, said."""

    def spec_params(self, type_id: str) -> set[str]:
        """The settings a Studio node type has."""

    def lora_chain(self, s: Any, taken: set | None, shifts: list, said: list[str]) -> tuple[list, CNode | None]:
        """One sampler's LoRAs (name, strength, node) and its model loader."""

    def loader_files(self, up: list[CNode], loaders: list[CNode], load: str, lp: set[str], said: list[str]) -> None:
        """The text encoder, VAE, image encoder and second expert files set on Load Video Model, else said."""


@dataclass(frozen=True)
class Voice:
    """How a family hears a voice that ComfyUI encodes with AudioEncoderEncode: Speech Features' settings."""
    wav2vec: bool  # read when the encoder file is a wav2vec2 (False: another encoder, Whisper)
    feeds: str | None  # the family's node type the encoding feeds (None: any other)
    params: Mapping[str, Any]  # Speech Features' settings
    folder: str  # the release's Hugging Face folder, taken when the workflow names no encoder file
    what: str  # the encoder in words, said in the pipeline's note


@dataclass(frozen=True)
class Generator:
    """What the converter cannot know of one Studio generator from its declaration alone: each hook is
    optional, and called with the builder (:class:`Builder`)."""
    id: str  # the generator's Studio type id
    # the task it does in words, from the inputs wired and its settings (None: the generic words)
    describe: Callable[[set, dict], str] | None = None
    # after the task node's inputs are read: (b, task node, upstream nodes, inputs, said) (a VACE task, S2V's take)
    intent: Callable[[Builder, CNode | None, list[CNode], Inputs, list[str]], None] | None = None
    # makes the whole output itself: (b, save, first sampler, upstream, family title, said) -> made
    output: Callable[[Builder, CNode, CNode, list[CNode], str, list[str]], bool] | None = None
    # a later stage read before the settings: (b, upstream, later samplers, said) -> kept as b.stage; its
    # 'line' ((the stage with the prompt, width, height) -> words) is said first in the pipeline's note
    stage: Callable[[Builder, list[CNode], list, list[str]], dict | None] | None = None
    # settings from the task node: (b, task node, params, loras, said, continued) -> the LoRAs kept
    settings: Callable[[Builder, CNode | None, dict, list, list[str], bool], list] | None = None
    # the last word on the settings, after the inputs' own: (params, inputs, said)
    finish: Callable[[dict, Inputs, list[str]], None] | None = None
    # what the Save Video is fed: (b, generator, Load Video Model, the model output, params) -> (node, output)
    video: Callable[[Builder, str, str, tuple, dict], tuple[str, str]] | None = None
    # after the Save Video is wired: (b, generator, Load Video Model, params)
    wired: Callable[[Builder, str, str, dict], None] | None = None
    # after the pipeline is made: (b, its samplers' key)
    made: Callable[[Builder, frozenset], None] | None = None
    # where set, an output joining a made take with takes of its own is left to 'made' only where it says True:
    # (b, the made take's samplers, the output's) (Wan Animate's extend read as one take)
    one_take: Callable[[Builder, frozenset, frozenset], bool] | None = None
    sound: bool = False  # it makes sound: every Save Video of it takes its 'audio'
    heard: tuple[str, ...] = ()  # inputs whose sound the Save Video carries (two: mixed)
    keeps_sound: bool = False  # the clip it gives carries the sound it makes (Save Video writes it)
    shift: float | None = None  # the shift of the scheduler Studio gives its model read from ComfyUI's files
    # the frame rate its take is made at where it has no rate setting and no declared rate port gives one (its
    # family's fixed rate: Wan S2V's 16); a save writing another is met by takes.unset_rate's Frame Rate
    rate: float | None = None


@dataclass(frozen=True)
class ComfyMapping:
    """One family's ComfyUI mapping: its node types and what each means in Studio's terms. Its fields are
    what several families declare; what one family alone reads is its own ``hooks`` (families/hooks.py's HOOKS), so
    that a family's special reading costs files in its own folder only."""
    key: str  # the family's key (its folder)
    title: str = ""  # the family's title, as the Log names it
    tasks: Mapping[str, Task] = field(default_factory=dict)  # ComfyUI task node type -> Task
    generators: tuple[Generator, ...] = ()  # its generators' hooks
    empty: tuple[str, ...] = ()  # its empty-latent node types: text to video
    files: tuple[tuple[str, str], ...] = ()  # model file name part (lower case) -> the family's title
    voices: tuple[Voice, ...] = ()  # how it hears an AudioEncoderEncode's voice
    widgets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # node type -> its widgets, in order
    # node types (or prefixes ending in '*') upstream that say the pipeline is this family's, and its Task
    claims: tuple[str, ...] = ()
    claimed: Task | None = None
    # node types an input passes through (Studio's node does what they do) -> the input read for each of their
    # outputs (empty: the first of the usual ones)
    passing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    folded: tuple[str, ...] = ()  # node types read while tracing (their values folded into the nodes made)
    text_types: tuple[str, ...] = ()  # CLIPLoader types whose files Load Video Model reads (text_encoder, vae...)
    dual_types: tuple[str, ...] = ()  # DualCLIPLoader types whose two files Load Video Model reads
    # (a family declaring text_types, dual_types or a 'text_loaders' hook is named among those whose separate files are
    # read, where a workflow of another family names such files; ``rank``: its place there, lower first)
    rank: int = 100
    # the family is read from a diffusers folder: its ComfyUI part files in one sentence ({files}) (the files it
    # sets on Load Video Model: its 'folder_files' hook)
    folder_only: str = ""
    # its models sample with a flow-matching scheduler, which the generators' 'sampler' and 'shift' swap; False:
    # with their own (DDIM, Euler), the generators' sampler left 'auto' (another is refused at the run), said
    flow: bool = True
    # node-pack prefixes of its nodes a translation could not read: (prefix, the pack, the family's title)
    packs: tuple[tuple[str, str, str], ...] = ()
    # a node pack's workflow read as core nodes before the conversion: (workflow) -> what is said
    translate: Callable[[Workflow], list[str]] | None = None
    # the node types that translation reads by name -> the settings it reads of each (beyond what the catalogue's
    # declaration lists); its settings-only nodes -> (): a node pack's twin of one is read as it (packs/twins.py)
    translated: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prompt_nodes: Mapping[str, str] = field(default_factory=dict)  # its nodes that hold a prompt -> that input
    # its node pack's nodes the converter does not read -> (their role, what they carry into the sampler in words),
    # said for what is lost where a workflow uses them (tracing.roles, takes.ledger)
    pack_nodes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    guiders: Mapping[str, Guider] = field(default_factory=dict)  # its guider node types (their settings: widgets)
    # what this family alone reads: hook point (families/hooks.py's HOOKS: its readers of its own node types, its callables
    # asked at fixed stages) -> its hook, as that point's entry says (a name that is no hook point is refused)
    hooks: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        """A hook point reads as the mapping's attribute too (``m.experts``: the point's default where the
        family declares none), as the fields it replaced did."""
        if name in HOOKS:
            return hook(self, name)
        raise AttributeError(f"'ComfyMapping' object has no attribute '{name}'")
