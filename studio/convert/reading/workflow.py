"""ComfyUI's workflow files read into one flat form: its UI JSON (``nodes`` + ``links``, with
subgraphs flattened) and its API JSON (``{id: {class_type, inputs}}``) both become a ``Workflow`` of
``CNode``s whose settings are named, and whose constant values can be asked for through primitives,
reroutes, switches, math expressions and subgraph inputs (``Workflow.value``).

Plain data and stdlib: nothing of ComfyUI is imported or run; a math expression is evaluated by a
small reader of numbers and + - * / // % ** and floor/ceil/round/min/max/abs, nothing else (primitives.py)."""
from __future__ import annotations

from contextlib import contextmanager

import math
from dataclasses import dataclass, field
from typing import Any

from studio.core.errors import StudioError
from studio.core.limits import MAX_LINKS, MAX_NODES

from ..families import registry as families
from ..values import frame_texts, strings
from . import by_types, casts, folders, picture_header, loaded_clip, loaded_rate, measured, named_ops, older_values, own_values, places, resized, scale_calculator, sliders, \
    subgraphs, text_ops, text_pictures, to_text, variants
from . import lora_slots, request_images
from . import alike_given, api_broadcasts, api_bundles, bad_choices, blueprints, bundles, open_outputs, pass_away, subgraph_ids, undeclared, unset_settings, upload_loaders, url_loaders
from . import audio_split, link_rows, list_trips, sound_path, text_numbers
from . import core_widgets, fork_types, preset_size, schedule_helper
from . import older_model_values
from . import combo_inner
from . import named_map
from ..values import switches
from ..values import wiring as frontend

from .math_ops import compared_or_operated
from .given_on import given_on
from .misnamed import misnamed
from .line_pick import by_place, line_slots, picked, picker
from .constants_many import many_constant
from .dangling import cut_dangling, missing
from .aspect_size import aspect_size, out_names
from .setting_out import setting_out
from .combo_given import pick_given
from .number_outputs import number_out
from .primitives import constant, evaluate, resolution
from .state_texts import keeps_state, state_text
from .constant_wired import wired_input
from . import decoded_count, decoded_size, latent_count, size_kept
from .downloaded import file_name as downloaded_name
from .subgraphs import CONTROL, CONTROLS  # noqa: F401 (CONTROLS: studio.serve reads it here)

# The names of the values in a UI node's ``widgets_values``, in order, for the nodes Studio reads
# (ComfyUI's INPUT_TYPES order; CONTROL where the UI adds its seed-control value); a family's own nodes':
# its mapping's ``widgets`` (nodes/video_models/families/<key>/comfy.py).
WIDGETS: dict[str, tuple[str, ...]] = {
    "KSampler": ("seed", CONTROL, "steps", "cfg", "sampler_name", "scheduler", "denoise"),
    "KSamplerAdvanced": ("add_noise", "noise_seed", CONTROL, "steps", "cfg", "sampler_name", "scheduler",
                         "start_at_step", "end_at_step", "return_with_leftover_noise"),
    "SamplerCustom": ("add_noise", "noise_seed", CONTROL, "cfg"),
    "RandomNoise": ("noise_seed", CONTROL),
    "CFGGuider": ("cfg",),
    "DualCFGGuider": ("cfg_conds", "cfg_cond2_negative", "style"),  # the guiders: tracing/guiders.py
    "PerpNegGuider": ("cfg", "neg_scale"),
    "FluxGuidance": ("guidance",),
    "KSamplerSelect": ("sampler_name",),
    "BasicScheduler": ("scheduler", "steps", "denoise"),
    "ManualSigmas": ("sigmas",),
    "ModelSamplingSD3": ("shift",),
    "ModelSamplingAuraFlow": ("shift",),
    "UNETLoader": ("unet_name", "weight_dtype"),
    "UnetLoaderGGUF": ("unet_name",),  # city96's ComfyUI-GGUF
    "DiffusionModelLoaderKJ": ("model_name", "weight_dtype", "compute_dtype", "patch_cublaslinear", "sage_attention",
                               "enable_fp16_accumulation"),  # kijai's ComfyUI-KJNodes (model_optimization_nodes.py)
    "LoaderGGUF": ("gguf_name",),  # calcuis' gguf pack
    "CLIPLoader": ("clip_name", "type", "device"),
    "DualCLIPLoader": ("clip_name1", "clip_name2", "type", "device"),
    "VAELoader": ("vae_name",),
    "CLIPVisionLoader": ("clip_name",),
    "CLIPVisionEncode": ("crop",),
    "CheckpointLoaderSimple": ("ckpt_name",),
    "ImageOnlyCheckpointLoader": ("ckpt_name",),  # SVD's
    "LoraLoaderModelOnly": ("lora_name", "strength_model"),
    "LoraLoader": ("lora_name", "strength_model", "strength_clip"),
    "CLIPTextEncode": ("text",),
    "ModelPatchLoader": ("name",),
    "AudioEncoderLoader": ("audio_encoder_name",),
    "GenerateTracks": ("width", "height", "start_x", "start_y", "end_x", "end_y", "num_frames", "num_tracks",
                       "track_spread", "bezier", "mid_x", "mid_y", "interpolation"),
    "Canny": ("low_threshold", "high_threshold"),
    "AudioEncoderLoader": ("audio_encoder_name",),
    "LoadAudio": ("audio", "audioUI", "upload"),
    "AudioEncoderLoader": ("audio_encoder_name",),
    "SolidMask": ("value", "width", "height"),
    "TrimVideoLatent": ("trim_amount",),
    "LoadImage": ("image", "upload"),
    "LoadVideo": ("file", "upload"),
    "CreateVideo": ("fps",),
    "SaveVideo": ("filename_prefix", "format", "codec"),
    "SaveAnimatedWEBP": ("filename_prefix", "fps", "lossless", "quality", "method"),
    "SaveAnimatedPNG": ("filename_prefix", "fps", "compress_level"),
    "SaveWEBM": ("filename_prefix", "codec", "fps", "crf"),
    "EmptyImage": ("width", "height", "batch_size", "color"),
    "EmptyLatentImage": ("width", "height", "batch_size"),
    "Lora Loader Stack (rgthree)": tuple(f"{k}_{i:02d}" for i in range(1, 5) for k in ("lora", "strength")),
    "ImageScaleBy": ("upscale_method", "scale_by"),
    "ImageScale": ("upscale_method", "width", "height", "crop"),  # ComfyUI's core image nodes (finishing.core)
    "ImageCrop": ("width", "height", "x", "y"),
    "ImageFromBatch": ("batch_index", "length"),
    "RepeatImageBatch": ("amount",),
    "ImagePadForOutpaint": ("left", "top", "right", "bottom", "feathering"),
    "ImageBlend": ("blend_factor", "blend_mode"),
    "ImageCompositeMasked": ("x", "y", "resize_source"),
    "SaveImage": ("filename_prefix",),
    "UpscaleModelLoader": ("model_name",),
    "EmptySD3LatentImage": ("width", "height", "batch_size"),
    "PrimitiveInt": ("value", CONTROL),
    "PrimitiveFloat": ("value",),
    "PrimitiveBoolean": ("value",),
    "PrimitiveString": ("value",),
    "PrimitiveStringMultiline": ("value",),
    "PrimitiveNode": ("value", CONTROL),
    "ComfySwitchNode": ("switch",),
    "ComfyMathExpression": ("expression",),
    "ResolutionSelector": ("aspect_ratio", "megapixels", "multiple"),
    "StringConcatenate": ("string_a", "string_b", "delimiter"),  # ComfyUI's (values.strings joins them)
    "ImpactSwitch": ("select", "sel_mode"),  # Impact Pack's (values.switches reads it away)
    "JoinStrings": ("string1", "string2", "delimiter"),  # KJNodes'
    "MarkdownNote": ("text",),
    "Note": ("text",),
}
# node packs' loaders that read a file as a core loader does (city96's and calcuis' GGUF packs): read as that
# core node (its type in the file kept as the node's origin), so every rule for the core loader holds for them
ALIASES = {"CLIPLoaderGGUF": "CLIPLoader", "DualCLIPLoaderGGUF": "DualCLIPLoader", "ClipLoaderGGUF": "CLIPLoader",
           "DualClipLoaderGGUF": "DualCLIPLoader", "VaeGGUF": "VAELoader"}
WIDGETS.update({"CLIPLoaderGGUF": ("clip_name", "type"), "DualCLIPLoaderGGUF": ("clip_name1", "clip_name2", "type"),
                "ClipLoaderGGUF": ("clip_name", "type"), "DualClipLoaderGGUF": ("clip_name1", "clip_name2", "type"),
                "VaeGGUF": ("vae_name",)})
# nodes whose copies node packs ship under names of their own (read as the original: _saved_as); VideoHelperSuite's
# Video Combine saves its values by name, or in a list whose first four are these (the rest depend on the format)
MADE_AS = ("VHS_VideoCombine",)
WIDGETS["VHS_VideoCombine"] = ("frame_rate", "loop_count", "filename_prefix", "format")
# fofr's comfyui-fofr-toolkit size node, which no catalogued pack declares (tracing/worked_sizes reads its rule): its
# declared settings after its 'image' input, in order (heldout66 06: a UI file's [644, 28] had no names, so the size
# by area a Replicate cog's Wan I2V stretches its picture to was not read; its API files name them)
WIDGETS["Width and height for scaling image to ideal resolution 🪴"] = ("target_size", "multiple_of")
PRIMITIVES = ("PrimitiveInt", "PrimitiveFloat", "PrimitiveBoolean", "PrimitiveString", "PrimitiveStringMultiline",
              "PrimitiveNode")
MODES = {0: "normal", 1: "on event", 2: "muted", 3: "never", 4: "bypassed"}
BYPASSED = 4  # ComfyUI runs a bypassed node as a wire: each output gives the input of its type

MAX_DEPTH = 64  # of a value's chain through primitives, switches and reroutes; of nested subgraphs: 8
MAX_ITEMS = MAX_NODES + MAX_LINKS  # nodes and links of a workflow, its subgraphs' counted once per use


class WorkflowError(StudioError):
    """A file that is not a ComfyUI workflow, or one that cannot be read."""


@dataclass
class CNode:
    id: str
    cls: str
    title: str = ""
    mode: int = 0
    widgets: dict[str, Any] = field(default_factory=dict)  # named settings
    links: dict[str, tuple[str, int]] = field(default_factory=dict)  # input name -> (source id, output slot)
    pos: tuple[float, float] = (0.0, 0.0)
    raw: Any = None  # the UI's widgets_values as they were (a node Studio has no names for)
    in_types: dict[str, str] = field(default_factory=dict)  # input name -> its type (UI JSON only)
    out_types: list[str] = field(default_factory=list)  # each output's type (UI JSON only)
    origin: str = ""  # the node type in the file, where it is read as another (a mapping's translate: wan/comfy_wrappers.py)
    # an input as read -> as the file has it, where they differ: its name, or (the node of the file, its input's name)
    ports: dict[str, Any] = field(default_factory=dict)
    out_links: int = 0  # the links a UI file saves on its outputs (an API file: 0), before any node is read as another
    pack: str = ""  # the node pack a UI file names it of (its properties' cnr_id, else aux_id); '' where none
    out_names: list[str] = field(default_factory=list)  # each output's name (UI JSON only: own_values reads them)
    unpicked: str = ""  # the input of a switch read away that it does not pass on, in words, where this node fed it
    chosen_by: str = ""  # the input whose value chose what a switch read away passes on (values.switches)
    let_go: dict[str, tuple[str, int]] = field(default_factory=dict)  # links let go where read as another (still run)
    unpicked_lazy: bool | None = None  # that switch's input declared lazy (not run), not (run all the same), unknown
    also_run: tuple[str, ...] = ()  # what a switch read away here runs though not passing it on (its inputs not lazy)
    unsaved: tuple[str, ...] = ()  # settings of a pack node read as another that its file does not save (an older
    # version's fewer values read by place, an API file's absent keys: packs/translation.py); heldout51 06
    placed: tuple[str, ...] = ()  # settings of an undeclared node read as another, named by place only (a guess:
    # packs/uncatalogued_twins.py; partial_denoise.py says a 'denoise' so named as what it would be; heldout88 04)
    said_as: str = ""  # a node made while reading that the file does not have: how a sentence names it (a pack's
    # motion frames' last one, picked: wan/comfy_motion_start.py)
    fills: str = ""  # the picture input a node read as another encodes whole as its latent, every frame, cut or padded
    # to its length (LTX-Video 0.9's configurator: its translation sets it; mapping/whole_clip.py reads it)
    carried: tuple[str, ...] = ()  # a variant's own wired inputs its task carries to the generator, said where the
    # task is read (reading/variants.py sets them; mapping/intent.py says them)
    parts: tuple = ()  # a sound file split into parts read as its Load Audio (reading/audio_split.py): (offset in
    # seconds, the number of parts, the output slot of part 1)
    worded: dict[str, str] = field(default_factory=dict)  # a setting of a node read as another, in the file's own
    # words where they differ ('sampler': "scheduler 'dpm++_sde' ...", 'scheduler': '' for none): heldout84
    cut: dict[str, tuple[str, ...]] = field(default_factory=dict)  # an input unwired as ComfyUI runs the modes -> the
    # muted or bypassed nodes it would have read (through bundles too: reading/bundles.py; mapping/cut_vae.py says them)
    fork: tuple[str, ...] = ()  # (its type in the file, the type it copies, the fork) for a fork's renamed copy (fork_types)
    kept_text: str = ""  # a text its UI properties keep beside its settings (a pack widget's own state: state_texts.py)
    kept_state: bool = False  # a state its UI properties keep beside its settings (state_texts.keeps_state)
    declined: str = ""  # why a pack translation that reads this node type left it as it was, in words (its reading
    # for meaning does not fit how it is wired: ltx/comfy_base_sampler.py); a held task names it (takes/passes.held)
    own_ways: tuple[str, ...] = ()  # what a pack's node read as another does its own way, as its pack's source says,
    # not as the node it is read as does: 'sound' (a pack's second-pass sampler's handling of the first pass's sound:
    # packs/custom_samplers.py; said by the family's reading of that pass)

    def where(self, name: str) -> str:
        """Input ``name`` in words, as the workflow's node has it (a node read as another: that node's own input)."""
        port = self.ports.get(name, name)
        at, port = port if isinstance(port, tuple) else (self, port)
        return f"'{at.title or at.shown_cls}' (#{at.id})'s '{port}'"

    def named(self) -> str:
        """The node in a sentence: "'its title' (its type as the workflow names it, #its id)"."""
        return f"'{self.title or self.shown_cls}' ({self.shown_cls}, #{self.id})"

    def of(self, name: str) -> str:
        """"'input' of 'node'" in words; for an input of ``ports``, as the workflow's node has it."""
        if name not in self.ports:
            return f"'{name}' of '{self.title or self.shown_cls}'"
        port = self.ports[name]
        at, port = port if isinstance(port, tuple) else (self, port)
        return f"'{port}' of '{at.title or at.shown_cls}'"

    @property
    def shown_cls(self) -> str:
        """The node's type as the workflow names it (a fork's renamed copy read as the type it copies: its own)."""
        shown = self.origin or self.cls
        return fork_types.Renamed(self.fork[0], shown) if self.fork and shown == self.fork[1] else shown

    @property
    def enabled(self) -> bool:
        return self.mode in (0, 1)

    @property
    def misnamed(self) -> bool:
        """Its UI file's values, named by place, do not fit its catalogued declaration's types (another version's
        order: reading.misnamed); its settings are then said by place."""
        return bool(self.widgets) and not self.origin and isinstance(self.raw, list) and misnamed(
            self.cls, {k: v for k, v in self.widgets.items() if k not in self.links})  # (a wired one's saved value: unused)

    def settings(self) -> dict[str, Any]:
        """Its settings as the file has them, named where Studio knows the names (by place, '#0', where the names
        read do not fit the values: misnamed)."""
        if self.widgets and not self.misnamed:
            return {k: v for k, v in self.widgets.items() if k != CONTROL}
        if isinstance(self.raw, list):
            return {f"#{i}": v for i, v in enumerate(self.raw)}
        return dict(self.raw) if isinstance(self.raw, dict) else {}


def is_workflow(doc: Any) -> str | None:
    """'ui' or 'api' for a ComfyUI workflow, else None (a Studio graph too)."""
    if isinstance(doc, dict) and "format" in doc:
        return None
    if isinstance(doc, dict) and isinstance(doc.get("nodes"), list) and isinstance(doc.get("links"), list):
        return "ui" if all(isinstance(n, dict) and "type" in n for n in doc["nodes"]) else None
    if isinstance(doc, dict) and doc and any(_node(v) for v in doc.values()) and all(
            _node(v) or k in _beside(doc) for k, v in doc.items()):
        return "api"
    return None


def _node(value: Any) -> bool:
    return isinstance(value, dict) and "class_type" in value


def _beside(doc: dict) -> set:
    """The keys of an API file's entries that are no node: its comments (``_comment``), and - beside at least two
    nodes, fewer than they are - an app's own entries (text, or an object or list with no class_type: heldout22's
    restyler keeps {'stable-restyle': {input, mask, output}} naming the nodes it feeds and reads)."""
    others = [k for k, v in doc.items() if not _node(v)]
    nodes = len(doc) - len(others)
    own = [k for k in others if not _comment(k, doc[k]) and isinstance(doc[k], (str, dict, list))]
    return {k for k in others if _comment(k, doc[k])} | (set(own) if nodes >= 2 and len(others) < nodes else set())


def _comment(key: Any, value: Any) -> bool:
    """An API file's note to its reader beside its nodes ('_comment': 'text', '_readme' or '_meta': {...}: a key
    starting with '_' whose value is text, or an object or list that is no node: no class_type): ComfyUI refuses the
    file as saved (a node missing its class_type); the app posting it strips them."""
    node = isinstance(value, dict) and "class_type" in value
    return isinstance(key, str) and key.startswith("_") and (isinstance(value, str) or
                                                            isinstance(value, (dict, list)) and not node)


def comments_said(doc: dict) -> list[str]:
    """The sentence for an API file's comments (``_comment``), skipped as the app posting the file skips them, and for
    an app's own entries beside the nodes (``_beside``)."""
    beside = _beside(doc)
    own = [k for k in doc if k in beside and not _comment(k, doc[k])]
    keys = [k for k, v in doc.items() if _comment(k, v)]
    said = [] if not own else [
        f"the file holds {len(own)} entr{'ies' if len(own) > 1 else 'y'} beside its nodes that "
        f"{'are' if len(own) > 1 else 'is'} no node (no class_type: "
        + ", ".join(f"'{k}'" for k in own[:3]) + (f" and {len(own) - 3} more" if len(own) > 3 else "")
        + "), kept by the app that posts it: skipped (ComfyUI's /prompt refuses the file as saved, 'a node is "
          "missing the class_type property', where the app does not strip them)"]
    if not keys:
        return said
    shown = ", ".join(f"'{k}'" for k in keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
    text = "text " if all(isinstance(doc[k], str) for k in keys) else ""  # '_readme': an object of notes
    return said + [f"the file holds {len(keys)} {text}entr{'ies' if len(keys) > 1 else 'y'} beside its nodes ({shown}), notes "
            "to its reader: not nodes, skipped (ComfyUI's /prompt refuses the file as saved, 'a node is missing the "
            "class_type property', where the app posting it does not strip them)"]


def enveloped(doc: Any) -> tuple[Any, str]:
    """The one workflow a JSON object holds one level down ({'prompt': {...}} as ComfyUI's API clients post it,
    {'workflow': {...}}, a tool's {'api_graph': {...}}, a /history entry's 'prompt' list), or two where the object
    is a single entry ({prompt id: {'prompt': [...]}}, ComfyUI's /history answer), and the key it was under;
    (doc, '') when ``doc`` is a workflow itself or there is not exactly one."""
    if not isinstance(doc, dict) or "format" in doc or is_workflow(doc):
        return doc, ""
    level = doc
    for _ in range(2):
        found = [(k, v) for k, v in level.items() if is_workflow(v)]
        found += [(k, v[2]) for k, v in level.items() if isinstance(v, list) and len(v) > 2 and is_workflow(v[2])]
        if len(found) == 1:
            return found[0][1], str(found[0][0])
        # down into the one entry holding a workflow, beside a request's other keys (RunPod's {input, policy}: heldout20)
        holders = [v for v in level.values() if isinstance(v, dict) and any(map(is_workflow, v.values()))]
        if found or len(holders) != 1 and (len(level) != 1 or not isinstance(next(iter(level.values())), dict)):
            break
        level = holders[0] if len(holders) == 1 else next(iter(level.values()))
    return doc, ""


def _by_inputs(n: dict) -> dict[str, Any]:
    """A node Studio has no names for, its values named by the settings its inputs list (ComfyUI's newer
    frontend lists each setting as an input marked 'widget', in the order its values are saved), where the counts
    agree; else nothing (the values stay by place)."""
    values = n.get("widgets_values")
    shown = [i for i in n.get("inputs") or [] if isinstance(i, dict) and i.get("widget")]
    names = [str(i.get("name")) for i in shown]
    if not isinstance(values, list) or not names:
        return {}
    if len(names) == len(values):
        return dict(zip(names, values))
    return _by_inputs_controlled(shown, values)


SEED_CONTROL_VALUES = ("fixed", "increment", "decrement", "randomize")  # the frontend's value after a seed


def _by_inputs_controlled(shown: list[dict], values: list) -> dict[str, Any]:
    """The values of a node whose page saves one more value than it lists settings after each whole-number setting
    the frontend gives a control after generating ('randomize' after a seed: heldout42 09's Tiled KSampler, 7
    settings and 8 values, its steps, cfg and seed left unread), those extra values skipped; {} where the counts
    still disagree (the values stay by place)."""
    out, i = {}, 0
    for inp in shown:
        if i >= len(values):
            return {}
        out[str(inp.get("name"))] = values[i]
        i += 1
        if (inp.get("type") == "INT" and i < len(values) and len(values) - i > len(shown) - len(out)
                and isinstance(values[i], str) and values[i] in SEED_CONTROL_VALUES):
            i += 1
    return out if i == len(values) else {}


def _marked(n: dict) -> frozenset:
    """The inputs a UI node's page lists as widgets (``"widget": {...}``): a value saved for each (by_types)."""
    return frozenset(str(i.get("name")) for i in n.get("inputs") or [] if isinstance(i, dict) and i.get("widget"))


def _saved_as(n: dict) -> tuple[str, str]:
    """(the type a UI node is read as, its type in the file where that differs): a node pack's copy of a node Studio
    reads, under a name of its own, that the frontend still files under the original's name ('Node name for S&R',
    set when the node is made: a pack's own Video Combine filed as VideoHelperSuite's VHS_VideoCombine), is
    read as the original; any other node as its own type."""
    cls = str(n["type"])
    props = n.get("properties")
    made_as = props.get("Node name for S&R") if isinstance(props, dict) else None
    if made_as in MADE_AS and made_as != cls and cls not in WIDGETS and cls not in ALIASES:
        return str(made_as), cls
    return cls, ""


def _named(cls: str, values: Any) -> dict[str, Any]:
    if isinstance(values, dict):  # VHS_VideoCombine and other nodes that save their values by name
        return dict(values)
    names = WIDGETS.get(cls) or families.lookup("widgets").get(cls) or core_widgets.widget_names(cls)  # a
    # family's: its mapping's; a core mask or picture node's: its declaration's (reading.core_widgets)
    if not names or not isinstance(values, list) or places.misplaced_control(names, values) is not None:
        return {}  # (values in other places than the order's: not named by place, its reader says so)
    return dict(zip(names, values))


def _own_named(cls: str, n: dict) -> dict[str, Any]:
    """``_named``, unless the node's page lists settings as inputs (marked 'widget') none of which is a name Studio has
    for its type: another pack's node under that type name, whose values those names do not fit (heldout91 02: a
    'StringConcatenate' of text_a..text_g and a frame each, its values said as core StringConcatenate's "string_a ,
    string_b 0, delimiter ", inputs it has not); its values then stay by place or by its own inputs."""
    named = _named(cls, n.get("widgets_values"))
    marked = _marked(n)
    if named and marked and isinstance(n.get("widgets_values"), list) and not marked & set(named):
        return {}
    return named


def _link(l: Any) -> tuple[Any, Any, int, Any, int]:
    """(id, origin, origin slot, target, target slot) of a UI link, a list or an object."""
    if isinstance(l, dict):
        return l.get("id"), l.get("origin_id"), int(l.get("origin_slot") or 0), l.get("target_id"), \
            int(l.get("target_slot") or 0)
    # its target read leniently: the inputs name their links, the source is what counts (a hand-written file's links
    # [id, origin, slot, type, type] with no target: ComfyUI's frontend queues them by the inputs, heldout20 15)
    slot = l[4] if len(l) > 4 and isinstance(l[4], int) else None
    return l[0], l[1], int(l[2] or 0), l[3] if len(l) > 3 else None, slot


# a value node's output read by its types, the first that knows it: a pack's node of several constants (AID's
# MultiFloatNode) by its file's types, then by declared types: many constants, one constant, its one setting on one
# of several outputs (WAS Seed), its one number as each number type (WAS Constant Number), a downloader's file name
NOT_READ = object()  # (Workflow._converted: no reader of its took the node)
CONSTANTS = (constant, many_constant, by_types.primitive, setting_out, number_out, downloaded_name)


class Workflow:
    """The flat nodes of a workflow, by id (a subgraph's nodes as 'outer:inner', as ComfyUI's API
    export names them)."""

    def __init__(self, nodes: dict[str, CNode], kind: str):
        self.nodes, self.kind = nodes, kind
        # the constants worked out, by (node id, output slot), each once (those cut short by a
        # circle or MAX_DEPTH too: asked again they would be cut again, at every path to them);
        # the outputs being worked out (one wired into itself, or into a node it reads, gives None)
        self._known: dict[tuple[str, int], Any] = {}
        self._asking: set[tuple[str, int]] = set()
        self.sized: set[str] = set()  # resizes whose settings gave a size worked out (read: not passed over)
        # a node's settings a reading took though it does not make the node (a Phantom take's size, the settings of
        # the resize its first picture comes through): (node id, input); a value wired there is read (heldout71 02)
        self.settings_read: set[tuple[str, str]] = set()
        self.modules: dict[str, tuple] = {}  # a model loader's module file, by its id (mapping/module_file.py)
        # generator settings a sampler carries that ComfyUI's core keeps nowhere (a WanVideoSampler's
        # context windows, wan/comfy_wrappers.py): sampler id -> Studio parameter -> value
        self.carried: dict[str, dict[str, Any]] = {}
        self.carried_at: dict[str, dict[str, Any]] = {}  # sampler id -> Studio parameter -> the node it was read from
        self.taken: set[str] = set()  # the nodes whose settings were carried so (read: not listed as dropped)
        # the frontend-only nodes read away as the links they stand for (values.wiring), by type; what was said
        self.wiring: dict[str, int] = {}
        self.wiring_said: list[str] = []
        self.url_told: list[tuple[str, str, str]] = []  # a web address's loader read (url_loaders.read)
        self.inside = ""  # the key of the object the workflow was saved in ('' : the file is the workflow)
        self.pictures: dict[str, bytes] = {}  # pictures the file holds as text, to write beside the graph: name -> bytes
        self.fed: set[str] = set()  # the nodes some node reads, as read (before a pack's translation rewires them)
        self.lacks: frozenset[str] = frozenset()  # ids an API file links to but does not hold (reading/dangling.py)
        self.unset_said: list[str] = []  # an API file's required settings not given (reading/unset_settings.py)
        self.folder: str | None = None  # the workflow file's folder, where it is known (files named are looked for there)
        self.files_sized: dict[str, tuple] = {}  # loader id -> (file, size, held as text): picture_header.said
        self.clips_read: dict[str, Any] = {}  # video loader id -> what it gives, its clip read (loaded_clip.py)
        # nodes read into a setting of another Studio node, what they give made only inside it (a composite Wan VACE's
        # 'fill' makes: comfy_vace_fill.py): id -> that node in words (a display of them says it is not shown)
        self.made_within: dict[str, str] = {}
        # nodes a reading replaced by others and removed (a pack app's Director read as native nodes: the outputs it
        # gives no stand-in for are unwired, their readers' links kept in let_go): id -> the node as the file has it
        self.read_away: dict[str, CNode] = {}
        # the enabled nodes ComfyUI does not run, told on the workflow as saved (mapping/unrun.idle; set before the
        # packs' translations, which leave them as they are: a pass no output reads is not made one, heldout106 01)
        self.idle: frozenset[str] = frozenset()

    # -- reading ------------------------------------------------------------------------------
    @classmethod
    def read(cls, doc: Any) -> "Workflow":
        doc, inside = enveloped(whole := doc)  # a workflow inside another object: an API client's body, a history entry
        kind = is_workflow(doc)
        if kind in ("api", "ui"):
            nodes, wiring, said, chose = (_read_api(doc), {}, [], set()) if kind == "api" else _read_ui(doc)
            said = list(said) + (comments_said(doc) if kind == "api" else [])
            lacks = missing(nodes) if kind == "api" else frozenset()  # (nodes linked to that the file lacks)
            if kind == "api":  # an API file keeps rgthree's Any Switch and pack reroutes (server nodes): read away too
                said += cut_dangling(nodes)  # (first: links to nodes the file does not hold, said and cut)
                said += bad_choices.said(nodes)  # a number where names go: ComfyUI refuses the file
                said += text_numbers.said(nodes)  # text where a number goes: an app's placeholders (heldout47)
                said += undeclared.said(nodes)  # settings under names a node does not declare (heldout24)
                said += subgraph_ids.said(nodes)  # a subgraph's id as a node's type (heldout28)
                wiring = _first_given(nodes)
                for k, v in api_broadcasts.read_away(nodes, said).items():  # Anything Everywhere's (heldout85 11)
                    wiring[k] = wiring.get(k, 0) + v
                wiring.update(switches.read_away(nodes, chose))
                for k, v in api_bundles.read_away(nodes).items():  # bundles by the types around them (api_bundles.py)
                    wiring[k] = wiring.get(k, 0) + v
            if kind == "ui":  # link rows from no node's output: no input wired, said (link_rows.py)
                said += link_rows.said(doc)
            if kind == "ui":  # bundles (rgthree's contexts) read as the links they carry (reading/bundles.py)
                for k, v in bundles.read_away(nodes).items():
                    wiring[k] = wiring.get(k, 0) + v
            url_told: list = []  # (id, its sentence, the one where nothing is made of it)
            url_loaders.read(nodes, said, url_told)  # a file loaded from a web address: its file name (heldout17 14)
            pictures: dict[str, bytes] = {}  # pictures saved in the file as text, decoded (text_pictures.py)
            unset_first = {k: unset_settings.unset(n) for k, n in nodes.items()} if kind == "api" else {}  # (by the
            # settings as saved: a pack's loader read as a core one below has its settings renamed)
            for n in nodes.values():
                if n.cls in ALIASES:
                    n.origin, n.cls = n.cls, ALIASES[n.cls]
                elif not by_types.as_loader(n, LOADER_NODES, said) and not text_pictures.as_loader(n, pictures, said) \
                        and not folders.as_folder(n) and not audio_split.as_split(n) \
                        and not sound_path.as_loader(n, nodes, said):
                    _pack_loader(n)  # (a pack's loader, read by its declared types, of a picture given as text, a folder)
            if kind == "api":  # a pack's picture loader with an upload button, its types unsaved (heldout18)
                upload_loaders.read(nodes, said)
            variants.read_variants(nodes, said)  # a pack's variant of a node Studio reads, by its declared types
            said += request_images.read(whole, doc, nodes, pictures) if inside else []  # a request's (heldout107 03)
            wf = cls(nodes, kind)
            wf.pictures = pictures
            for k, v in switches.read_away_worked_out(nodes, wf.value, chose).items():  # a choice its values work
                wiring[k] = wiring.get(k, 0) + v  # out
            for k, v in pass_away.read_away(nodes).items():  # one input of any type passed on as it is
                wiring[k] = wiring.get(k, 0) + v
            said += list_trips.read_away(nodes)  # a clip split into a list of frames and joined back: its steps on it
            for k, v in alike_given.read_away(nodes).items():  # inputs of any type all given one output (heldout52)
                wiring[k] = wiring.get(k, 0) + v
            wf._known.clear()  # (worked out before those switches were read away)
            wf.taken |= chose & set(nodes)  # the nodes a read-away switch's choice was read from: read
            wf.fed = {src for n in nodes.values() for src, _ in n.links.values()}
            wf.wiring, wf.wiring_said, wf.inside, wf.lacks = wiring, said, inside, lacks
            wf.url_told = url_told
            if kind == "api":  # settings a node's pack requires, not given (heldout24 08)
                wf.unset_said = unset_settings.said(nodes, unset_first)
            return wf
        raise WorkflowError("not a ComfyUI workflow: neither its UI JSON (nodes and links) nor its API JSON "
                            "({id: {class_type, inputs}})")

    def carry(self, sampler_id: str, values: dict[str, Any], at: CNode | None = None) -> None:
        """Generator settings ``values`` carried on a sampler (``carried``), each recorded as read from ``at`` (the
        workflow's node whose setting it is, where that is not the sampler: ``carried_at``), so a value the
        generator cannot take is said naming the node it came from (heldout78 07: a window node's motion_frame
        clamped was said to come from the sampler)."""
        self.carried.setdefault(sampler_id, {}).update(values)
        if at is not None:
            self.carried_at.setdefault(sampler_id, {}).update(dict.fromkeys(values, at))

    # -- values -------------------------------------------------------------------------------
    def source(self, node: CNode, name: str) -> CNode | None:
        s = node.links.get(name)
        if s is None and (inner := combo_inner.inner_key(node, name)) is not None:
            s = node.links.get(inner)  # a dynamic combo's input, kept as '<combo>.<name>' (combo_inner.py)
        return self.nodes.get(s[0]) if s else None

    def value(self, node: CNode, name: str, depth: int = 0) -> Any:
        """A setting's value: its own, or the constant wired into it (None when not constant)."""
        if name in preset_size.SIDES and (side := preset_size.preset_side(
                node, name, lambda k: self.value(node, k, depth) if k != name else None)) is not None:
            return side  # a size preset chosen over the width / height settings (preset_size.py)
        if (inner := combo_inner.inner_key(node, name)) is not None:
            name = inner  # a dynamic combo's setting, kept as '<combo>.<name>' (combo_inner.py)
        s = node.links.get(name)
        if s is None:
            return node.widgets.get(name)
        src = self.nodes.get(s[0])
        v = None if src is None or depth > MAX_DEPTH else self.output(src, s[1], depth + 1)
        if v is None and src is not None and (v := pick_given(src, s[1], node, name)) is not None:
            self._known[(src.id, s[1])] = v  # a pick given into a pick: worked out (combo_given.py)
        return v

    @contextmanager
    def values_aside(self, fresh: bool = False):
        """Values worked out within it forgotten after (words that work values out for themselves only: the nodes
        giving them keep their own sentences, as not read); ``fresh``: those worked out before not used within."""
        kept = dict(self._known)
        if fresh:
            self._known.clear()
        try:
            yield self
        finally:
            self._known.clear()
            self._known.update(kept)

    @contextmanager
    def supposing(self, node_id: str, slot: int, v: Any):
        """Values worked out within it as if output ``slot`` of ``node_id`` gave ``v`` (a number known only when the
        workflow runs, probed: finishing/height_target.py), all forgotten after, as values_aside's ``fresh``."""
        with self.values_aside(fresh=True):
            self._known[(node_id, slot)] = v
            yield self

    def worked_out(self, node_id: str, slot: int) -> Any:
        """The value output ``slot`` of node ``node_id`` was worked out to while converting; None when it was not
        asked for or is not a constant."""
        return self._known.get((node_id, slot))

    def output(self, node: CNode, slot: int, depth: int = 0) -> Any:
        """The constant an output gives (a primitive, switch, math expression, image size), else None.
        Each output is worked out once (a chain of nodes each reading the one before twice stays
        linear); one wired in a circle gives None."""
        key = (node.id, slot)
        if key in self._known:
            return self._known[key]
        if key in self._asking:
            return None
        self._asking.add(key)
        try:
            v = self._known[key] = self._output(node, slot, depth)
        finally:
            self._asking.discard(key)
        return v

    def _math_expression(self, node: CNode, slot: int, depth: int) -> Any:
        """ComfyMathExpression's FLOAT (slot 0) or INT (slot 1: int() of the result, towards 0, as its node gives it:
        comfy_extras/nodes_math.py, Comfy-Org/ComfyUI@56712e0c): its expression over its growing 'values.*' inputs,
        each wired or given in the file (an API file keeps an unwired one's number: 'values.a': 81)."""
        names = {k.split(".", 1)[1]: self.value(node, k, depth)
                 for k in dict.fromkeys([*node.widgets, *node.links]) if k.startswith("values.")}
        r = evaluate(str(node.widgets.get("expression", "")), names, comfy=True)
        try:
            return None if r is None or isinstance(r, bool) or not math.isfinite(r) or slot > 1 else (
                int(r) if slot == 1 else float(r))  # (a later version's BOOL output: how it is made not read)
        except (OverflowError, ValueError, TypeError):
            return None

    def _output(self, node: CNode, slot: int, depth: int) -> Any:
        c = node.cls
        if c in PRIMITIVES:
            return self.value(node, "value", depth)
        if c == "ComfySwitchNode":
            on = self.value(node, "switch", depth)
            return None if on is None else self.value(node, "on_true" if on else "on_false", depth)
        if c == "ComfyMathExpression":
            return self._math_expression(node, slot, depth)
        given = families.lookup("pass_values").get(c)  # a family's node passing values on as given
        if given and 1 <= slot <= len(given):
            return self.value(node, given[slot - 1], depth)
        if (calc := families.lookup("values").get(c)) is not None:  # a family's value node (LTX's calculators)
            return calc(lambda k: self.value(node, k, depth), node, slot)
        if c == "ResolutionSelector" and slot in (0, 1):
            return resolution(self.value(node, "aspect_ratio", depth), self.value(node, "megapixels", depth),
                              self.value(node, "multiple", depth))[slot]
        if slot == 0 and (framed := frame_texts.keyed(node, lambda k: self.value(node, k, depth))) is not None:
            return framed  # texts keyed by frames (FizzNodes' StringConcatenate, told by its inputs: frame_texts.py)
        if strings.is_join(c) and slot == 0:  # texts joined when the workflow runs: known where each is
            names = list(dict.fromkeys([*node.widgets, *node.links]))
            return strings.joined(names, lambda k: self.value(node, k, depth),
                                        any(k in names for k in strings.DELIMITERS), set(node.links))
        if (on := given_on(self, node, slot, lambda k: self.value(node, k, depth))) is not None:  # shown, converted
            return on  # (a value given on as it is: showAnything, convertAnything; by their types)
        if (lines := picker(node, slot)) is not None:  # one line of a text (promptLine), by its types
            line = picked(lines, lambda k: self.value(node, k, depth), by_place(node), set(node.links))
            for k in line_slots(node):  # the same lines on each of its outputs giving them: worked out together
                self._known.setdefault((node.id, k), line)
            return line
        if (clip := loaded_clip.output(self, node, slot)) is not None:
            return clip  # a count, rate or size of a clip read beside the workflow (loaded_clip.py)
        if (taken := decoded_count.count(self, node, slot, depth)) is not None:
            return taken  # the frames counted of a decoded take of a length known (decoded_count.py)
        if (batch := latent_count.count(self, node, slot, depth)) is not None:
            return batch  # a latent counted whose batch an empty latent's setting gives (latent_count.py)
        if (size := self._measured(node, slot, depth)) is not NOT_READ:
            return size  # a picture's size measured, or worked out by DaSiWa's calculator (_measured)
        if (sized := resized.sized_output(lambda k: self.value(node, k, depth), node, slot)) is not None:
            return sized  # a resize's own width/height outputs, where its settings fix them
        if (slid := sliders.slider_value(node, slot)) is not None:  # a slider's value, by its declared types
            return slid
        if (v := self._converted(node, slot, depth)) is not NOT_READ:
            return v  # a cast (its value or None), a loaded rate, a text made, an operation named (_converted)
        if (num := compared_or_operated(node, slot, lambda k: self.value(node, k, depth))) is not None:
            return num  # a comparison, a number operation: by their declared types (compare.py, math_ops.py)
        if (expr := by_types.expression(node)) is not None:  # a pack's math node, by its declared types
            names = {k.rpartition(".")[2]: self.value(node, k, depth) for k in expr[1]}  # ('variables.a': a)
            return by_types.expression_output(node, slot, evaluate(str(self.value(node, expr[0], depth) or ""), names))
        if (own := own_values.own_setting(node, slot)) is not None:  # a setting given out as it is (an 'enable')
            return self.value(node, own, depth)
        if (neg := own_values.is_not(node)) is not None:  # a logical NOT, by its types and name
            return own_values.negated(self.value(node, neg, depth))
        if slot == 0 and (k := wired_input(node)) is not None:  # a pack's constant given its value by a wire
            return self.value(node, k, depth)
        for read in CONSTANTS:  # then a pack's constants, each by its types (see CONSTANTS)
            if (v := read(node, slot)) is not None:
                return v
        return aspect_size(node, slot, lambda k: self.value(node, k, depth), out_names(node))

    def _converted(self, node: CNode, slot: int, depth: int) -> Any:
        """A value one of these gives, by its declared types: a number cast (casts.py), a loader's information giving
        the rate it loads at (loaded_rate.py), a whole number written as text (to_text.py), a text replaced in or
        texts appended (text_ops.py), an operation its type's name alone
        says (named_ops.py: IntMultiply). NOT_READ where none of them reads the node (a cast read: its value, or None)."""
        if (into := casts.cast_input(node)) is not None:
            return casts.cast_value(node, self.value(node, into, depth), slot)
        if (rate := self._loaded_rate(node, slot, depth)) is not None:
            return rate
        if slot == 0 and (text := self._written(node, depth)) is not None:
            return text
        value = lambda k: self.value(node, k, depth)  # noqa: E731
        if (made := text_ops.text_made(node, slot, value)) is not None:
            return made
        if (helped := schedule_helper.text(node, slot, value)) is not None:  # a prompt schedule's text written
            return helped  # from its settings (schedule_helper.py)
        if (named := named_ops.named_value(node, slot, value)) is not None:
            return named
        sized = named_ops.multiplied_size(node, slot, value)
        return sized if sized is not None else NOT_READ

    def _measured(self, node: CNode, slot: int, depth: int) -> Any:
        """A side of a picture's size (None where not known): DaSiWa's size calculator by its name
        (scale_calculator.py), first, as its picture input and width/height outputs are no measure of it;
        GetImageSize; a pack's measuring node, by its types (measured.py). NOT_READ for another node."""
        if (node.origin or node.cls) == scale_calculator.TYPE:
            return scale_calculator.calculated(node, slot, lambda k: self.value(node, k, depth),
                                               lambda: self.image_size(self.source(node, "image"), depth + 1))
        if node.cls == "GetImageSize":
            size = self.image_size(self.source(node, "image"), depth)
            return size[slot] if size and slot < 2 else None
        if (at := measured.axis(node, slot)) is not None:
            size = self.image_size(self.source(node, measured.image_input(node)), depth)
            return size[at] if size else None
        return NOT_READ

    def _written(self, node: CNode, depth: int) -> str | None:
        """The text a node writing a number as text gives (to_text.py); None for another, or where not known."""
        into = to_text.text_input(node)
        if into is None:
            return None
        s = node.links.get(into)
        src = self.nodes.get(s[0]) if s is not None else None
        outs = by_types.declared_outputs(src) if src is not None else []
        kind = outs[s[1]] if s is not None and 0 <= s[1] < len(outs) else None  # (None: its own setting)
        return to_text.written(node, 0, lambda k: self.value(node, k, depth), kind)

    def _loaded_rate(self, node: CNode, slot: int, depth: int) -> float | None:
        """The loaded rate an information node gives of its video loader (loaded_rate.py); None for another."""
        into = loaded_rate.info_input(node, slot)
        s = node.links.get(into) if into is not None else None
        src = self.nodes.get(s[0]) if s is not None else None
        return None if src is None else loaded_rate.loaded_rate(src, s[1], lambda k: self.value(src, k, depth + 1))

    def image_size(self, node: CNode | None, depth: int = 0) -> tuple[int, int] | None:
        if node is None or depth > MAX_DEPTH:
            return None
        if node.cls in PICTURE_LOADERS:  # a picture file beside the workflow: its header's size (picture_header.py)
            return self._file_size(node, depth)
        if (clip := loaded_clip.size(self, node)) is not None:  # a video loader's frames, its clip read beside
            return clip  # the workflow (loaded_clip.py)
        if node.cls == "EmptyImage":
            w, h = self.value(node, "width", depth), self.value(node, "height", depth)
            return (int(w), int(h)) if isinstance(w, (int, float)) and isinstance(h, (int, float)) else None
        if (fixed := resized.fixed_size(lambda k: self.value(node, k, depth), node)) is not None:
            return fixed  # a resize to a size its settings fix
        if (fit := resized.within(lambda k: self.value(node, k, depth), node,  # fitted within a square
                                  lambda k: self.image_size(self.source(node, k), depth + 1))) is not None:
            return fit
        if (got := resized.by_picture(lambda k: self.value(node, k, depth), node,  # Resize Image/Mask's picture-
                                      lambda k: self.image_size(self.source(node, k), depth + 1))) is not None:
            self.sized.add(node.id)  # (sized modes, worked out of its picture's: sizes22)
            return got
        if measured.passes_picture(node):  # a measuring node passing its picture on (measured.py)
            return self.image_size(self.source(node, measured.image_input(node)), depth + 1)
        if (kept := size_kept.image_input(node) or decoded_size.picked_input(node)) is not None:  # a step keeping
            return self.image_size(self.source(node, kept), depth + 1)  # the size (size_kept.py; a frame picker)
        if (latent := decoded_size.latent_input(node)) is not None:  # a decode: its latent's size (decoded_size.py)
            return decoded_size.latent_size(self, self.source(node, latent), depth + 1, node)
        by = resized.multiplier(lambda k: self.value(node, k, depth), node)  # (ResizeImageMaskNode's factor)
        if node.cls == "ImageScaleBy" or by:
            k = by or self.value(node, "scale_by", depth)
            size = self.image_size(self.source(node, "image" if node.cls == "ImageScaleBy" else "input"), depth + 1)
            self.sized |= {node.id} if size and by else set()
            return (int(round(size[0] * k)), int(round(size[1] * k))) if size and isinstance(k, (int, float)) else None
        return None

    def _file_size(self, node: CNode, depth: int) -> tuple[int, int] | None:
        """The size of the picture file loader ``node`` loads where the file lies beside the workflow, read from its
        header (kept in files_sized, to be said); None where there is no such file or no folder is known."""
        name = self.value(node, "image", depth)
        held = self.pictures.get(name) if isinstance(name, str) else None  # (a picture the file holds as text)
        size = picture_header.size_in(held[:picture_header.HEADER_BYTES]) if held else \
            picture_header.size_of(picture_header.beside(self.folder, name))
        if size is not None:
            self.files_sized[node.id] = (str(name), size, bool(held))
        return size


PICTURE_LOADERS = ("LoadImage", "VHS_LoadImagePath")  # (a pack's picture loader is read as these: LOADER_NODES)

# a node pack's file loader, told by its types (a UI file's) and its file's name: read as the core loader
MEDIA_LOADERS = (("IMAGE", (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"), "LoadImage", "image"),
                 ("IMAGE", (".mp4", ".mov", ".webm", ".mkv", ".avi", ".gif", ".m4v"), "VHS_LoadVideoPath", "video"),
                 ("VIDEO", (".mp4", ".mov", ".webm", ".mkv", ".avi", ".gif", ".m4v"), "LoadVideo", "file"),
                 ("AUDIO", (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus"), "LoadAudio", "audio"))
# ComfyUI's file loaders -> Studio's, and how a sentence names them (mapping.intent reads files through them)
LOADER_NODES = {"LoadImage": ("io.load_image", "image"), "LoadVideo": ("io.load_video", "video"),
                "VHS_LoadVideo": ("io.load_video", "video"), "LoadAudio": ("io.load_audio", "audio"),
                "VHS_LoadAudio": ("io.load_audio", "audio"),  # VideoHelperSuite's, by path or upload:
                "VHS_LoadVideoPath": ("io.load_video", "video"), "VHS_LoadAudioUpload": ("io.load_audio", "audio"),
                "VHS_LoadImagePath": ("io.load_image", "image"),
                "LoadImageMask": ("io.load_image", "mask"),  # (a picture's channel as a mask: reading.mask_loaders)
                folders.FOLDER: ("footage.load_sequence", "folder of pictures")}  # (reading.folders)


def _pack_loader(n: CNode) -> None:
    """A pack's loader (pysssss' LoadImageWithFilename...): nothing wired in, its first output a picture, a clip or
    a sound, a setting naming a file of that kind: read as ComfyUI's own loader of it (its type kept as origin)."""
    if n.cls in LOADER_NODES or n.links or not n.out_types:
        return
    values = list(n.widgets.values()) if n.widgets else (n.raw if isinstance(n.raw, list) else [])
    names = [v for v in values if isinstance(v, str) and 0 < len(v) < 1024]
    for kind, exts, core, setting in MEDIA_LOADERS:
        if n.out_types[0] != kind:
            continue
        name = next((v for v in names if v.lower().rsplit("?", 1)[0].endswith(exts)), None)
        if name is not None:  # (a setting it also gives out as it is, an 'enable', kept: own_values reads it)
            kept = {k: v for k, v in n.widgets.items() if any(k.lower() == o.lower() for o in n.out_names)}
            n.origin, n.cls, n.widgets = n.cls, core, {setting: name, **kept}
            return


def _read_api(doc: dict) -> dict[str, CNode]:
    if len(doc) > MAX_NODES:
        raise WorkflowError(f"it has {len(doc):,} nodes: Studio reads workflows of up to {MAX_NODES:,}")
    out = {}
    beside = _beside(doc)
    for nid, n in doc.items():
        if nid in beside:
            continue  # a note to the reader, an app's own entry (comments_said)
        inputs = n.get("inputs") if isinstance(n.get("inputs"), dict) else {}
        links = {k: (str(v[0]), int(v[1])) for k, v in inputs.items()
                 if isinstance(v, list) and len(v) == 2 and isinstance(v[1], int)}
        widgets = {k: v for k, v in inputs.items() if k not in links}
        meta = n.get("_meta") if isinstance(n.get("_meta"), dict) else {}
        out[str(nid)] = CNode(str(nid), str(n["class_type"]), str(meta.get("title") or ""), 0, widgets, links)
    return out


class _Level:
    """One graph of a UI file (the top one, or a subgraph's instance, its ids prefixed by the instance's): its links
    by id, the links its frontend-only nodes stand for, and a source in it named as the flat workflow names it."""

    def __init__(self, gnodes, glinks, prefix: str, inst: str | None, sub: dict | None, outer: dict | None,
                 groups: list | None, said: list[str]):
        self.prefix, self.inst, self.sub, self.outer = prefix, inst, sub, outer
        self.by_id, self.to_outputs = {}, []
        for l in glinks or []:
            try:
                lid, o, os_, t, ts = _link(l)
            except (IndexError, TypeError, ValueError):
                continue
            self.by_id[lid] = (o, os_)
            if t == -20 and inst is not None:  # into the subgraph's outputs (named below, through Set/Get)
                self.to_outputs.append((ts, (o, os_)))
        self.gnodes = [n for n in gnodes or [] if isinstance(n, dict) and "type" in n]
        self.raw = {str(n.get("id")): n for n in self.gnodes}
        # the links the frontend-only nodes stand for (values.wiring): broadcasts into unwired inputs, Set/Get
        self.ue = frontend.broadcasts(self.gnodes, self.by_id.get, groups, said)
        self.local = frontend.setters(self.gnodes, self.raw_source)

    def raw_source(self, n: dict, i: dict):
        lid = i.get("link")
        return self.by_id[lid] if lid is not None and lid in self.by_id else \
            self.ue.get((str(n.get("id")), str(i.get("name"))))

    def qualify(self, src):
        """A source in this graph, through Set/Get, as the flat workflow names it (None: nothing)."""
        for _ in range(MAX_DEPTH):
            w = self.raw.get(str(src[0]))
            name = frontend.getter_name(w) if w is not None else None
            if name is None:
                break
            if frontend.is_set(w):  # its own output passes its input on
                ins = [i for i in w.get("inputs") or [] if isinstance(i, dict)]
                src = self.raw_source(w, ins[0]) if ins else None
            elif name in self.local:
                src = self.local[name]
            else:  # a Set of the graph around this one (already named as the flat workflow does)
                return (self.outer or {}).get(name)
            if src is None:
                return None
        else:
            return None
        o, os_ = src
        if o == -10 and self.sub is not None:  # from the subgraph's inputs
            names = [str(x.get("name")) for x in self.sub.get("inputs") or [] if isinstance(x, dict)]
            return "@in", self.inst, names[os_] if 0 <= os_ < len(names) else ""
        return self.prefix + str(o), os_

    def links(self, n: dict) -> dict:
        """A node's inputs -> their sources, as the flat workflow names them."""
        links = {}
        for i in n.get("inputs") or []:
            src = self.raw_source(n, i) if isinstance(i, dict) else None
            q = self.qualify(src) if src is not None else None
            if q is not None:
                links[str(i.get("name"))] = q
        return links


def _ui_node(n: dict, nid: str, links: dict, mode: int) -> CNode:
    """A UI file's node as the flat workflow holds it."""
    pos = n.get("pos")
    pos = (float(pos[0]), float(pos[1])) if isinstance(pos, list) and len(pos) >= 2 else (
        (float(pos.get("0", 0)), float(pos.get("1", 0))) if isinstance(pos, dict) else (0.0, 0.0))
    ins = {str(i.get("name")): str(i.get("type")) for i in n.get("inputs") or [] if isinstance(i, dict)}
    outs = [str(o.get("type")) if isinstance(o, dict) else "" for o in n.get("outputs") or []]
    cls, origin = _saved_as(n)
    fork = (cls, *up) if not origin and (up := fork_types.upstream(n)) is not None else ()  # (heldout85 07)
    cls = fork[1] if fork else cls
    named = _own_named(cls, n) or _by_inputs(n) or named_map.named(n) \
        or by_types.widget_names(cls, n.get("widgets_values"), _marked(n)) \
        or older_values.loader_prefix(cls, n.get("widgets_values")) \
        or older_model_values.model_prefix(cls, n.get("widgets_values")) \
        or lora_slots.named(n.get("widgets_values"))  # (a loader's values of another version of its pack; LoRA slots)
    saved = [o.get("links") for o in n.get("outputs") or [] if isinstance(o, dict)]
    linked = sum(len(x) for x in saved if isinstance(x, list))
    props = n.get("properties") if isinstance(n.get("properties"), dict) else {}
    names = [str(o.get("name") or "") if isinstance(o, dict) else "" for o in n.get("outputs") or []]
    return CNode(nid, cls, str(n.get("title") or ""), mode, named, links,
                 pos, n.get("widgets_values"), ins, outs, origin, out_links=linked,
                 pack=str(props.get("cnr_id") or props.get("aux_id") or ""), out_names=names, fork=fork,
                 kept_text=state_text(props), kept_state=keeps_state(props))


class _UiReader:
    """A UI file read into flat nodes: its graph and, nested, each subgraph instance's (its ids prefixed by the
    instance's), the links between them resolved through the subgraphs' inputs and outputs."""

    def __init__(self, doc: dict):
        self.subs = {s.get("id"): s for s in (doc.get("definitions") or {}).get("subgraphs") or [] if isinstance(s, dict)}
        self.nodes: dict[str, CNode] = {}
        self.inst_out: dict[tuple[str, int], tuple[str, int]] = {}  # a subgraph node's output -> the inner output
        self.inst_in: dict[tuple[str, str], tuple[str, int] | None] = {}  # its input -> the outer source (None: unwired)
        self.budget = MAX_ITEMS  # nodes and links read, subgraphs' once per instance
        self.wiring: dict[str, int] = {}  # the frontend-only nodes read away as links, by type
        self.wiring_said: list[str] = []
        self.instances: dict[str, tuple[str, dict]] = {}  # a subgraph instance's id -> (its title, its definition)

    def spend(self, items) -> None:
        self.budget -= len(items) if isinstance(items, list) else 0
        if self.budget < 0:
            raise WorkflowError(f"its nodes and links, with each subgraph counted once per use, pass {MAX_ITEMS:,} "
                                "(subgraphs that hold copies of themselves?): Studio reads no workflow that large")

    def add(self, gnodes, glinks, prefix: str, inst: str | None, sub: dict | None, depth: int, outer_mode: int = 0,
            outer: dict | None = None, groups: list | None = None) -> None:
        """One graph's nodes (a subgraph's instance within it read in turn, up to 8 deep)."""
        self.spend(gnodes)
        self.spend(glinks)
        level = _Level(gnodes, glinks, prefix, inst, sub, outer, groups, self.wiring_said)
        scope = {**(outer or {}), **{k: q for k, v in level.local.items() if (q := level.qualify(v)) is not None}}
        for ts, src in level.to_outputs:
            if (q := level.qualify(src)) is not None:
                self.inst_out[(inst, ts)] = q
        for n in level.gnodes:
            if frontend.is_wiring(n):  # read away: its links are made above
                self.wiring[str(n["type"])] = self.wiring.get(str(n["type"]), 0) + 1
                continue
            nid = prefix + str(n.get("id"))
            links = level.links(n)
            if n["type"] in self.subs and depth < 8:
                s = self.subs[n["type"]]
                for name, src in links.items():
                    self.inst_in[(nid, name)] = src
                self.instances[nid] = (str(n.get("title") or s.get("name") or n["type"]), s)
                self.add(s.get("nodes"), s.get("links"), nid + ":", nid, s, depth + 1, _mode(n) or outer_mode, scope,
                         s.get("groups"))
                subgraphs.proxy_values(self.nodes, nid, n, s, self.wiring_said)
                continue
            self.nodes[nid] = _ui_node(n, nid, links, _mode(n) or outer_mode)

    def resolve(self, src, depth=0):
        """A link's source through subgraph boundaries: (node id, slot), or None when unwired."""
        while depth < MAX_DEPTH:
            depth += 1
            if isinstance(src, tuple) and len(src) == 3 and src[0] == "@in":
                src = self.inst_in.get((src[1], src[2]))
                if src is None:
                    return None
            elif (src[0], src[1]) in self.inst_out:
                src = self.inst_out[(src[0], src[1])]
            else:
                return src
        return None

    def read(self, doc: dict) -> tuple[dict[str, CNode], dict[str, int], list[str], set[str]]:
        self.add(doc.get("nodes"), doc.get("links"), "", None, None, 0, groups=doc.get("groups"))
        self.wiring_said += fork_types.said(self.nodes)  # a fork's renamed copies read as the types they copy
        blueprints.open_ends(doc, self.nodes, self.inst_in, self.inst_out, _end_node, self.wiring_said)
        for n in self.nodes.values():
            n.links = {k: r for k, v in n.links.items() if (r := self.resolve(v)) is not None}
        self.wiring_said += open_outputs.cut(self.nodes, self.instances)  # a subgraph's output given nothing inside
        _run_modes(self.nodes)
        chose: set[str] = set()
        for k, v in {**_first_given(self.nodes), **switches.read_away(self.nodes, chose)}.items():
            self.wiring[k] = self.wiring.get(k, 0) + v
        return self.nodes, self.wiring, self.wiring_said, chose


def _end_node(nid: str, cls: str, title: str, widgets: dict, outs: list, links: dict | None = None) -> CNode:
    """A loader or a save a blueprint's open end is read with (reading.blueprints)."""
    return CNode(nid, cls, title, 0, widgets, dict(links or {}), out_types=outs)


def _read_ui(doc: dict) -> tuple[dict[str, CNode], dict[str, int], list[str], set[str]]:
    return _UiReader(doc).read(doc)


def _mode(n: dict) -> int:
    m = n.get("mode")
    return m if isinstance(m, int) and not isinstance(m, bool) and m in MODES else 0


def _passed(nodes: dict[str, CNode], src: tuple[str, int], ends: list[str] | None = None) -> tuple[str, int] | None:
    """Where a link from ``src`` really reads, as ComfyUI runs the workflow: through a bypassed
    node, the input of the output's type (the same slot's input first), unwired when it has none;
    from a muted (or never-run) node, nothing (that node put in ``ends``)."""
    for _ in range(MAX_DEPTH):
        n = nodes.get(src[0])
        if n is None or n.mode in (0, 1):
            return src
        if ends is not None:
            ends[:] = [n.id]
        if n.mode != BYPASSED:
            return None
        kind = n.out_types[src[1]] if 0 <= src[1] < len(n.out_types) else None
        names = list(n.in_types)
        same = [k for k in names if _same_kind(n.in_types[k], kind) and k in n.links]
        first = names[src[1]] if 0 <= src[1] < len(names) and names[src[1]] in same else None
        name = first or (same[0] if same else None)
        if kind is None or name is None:
            return None
        src = n.links[name]
    return None


def _same_kind(given: Any, kind: Any) -> bool:
    """An input of type ``given`` carries what an output of type ``kind`` gives, as ComfyUI's frontend matches them
    when it passes a bypassed node through: the same type, or one of a list the file saves ('IMAGE,MASK', a match
    type's input: heldout33 01's bypassed ResizeImageMaskNode passed its picture on; read as giving nothing, the
    picture was said to reach no output)."""
    if given == kind:
        return True
    if not isinstance(given, str) or not isinstance(kind, str) or not given or not kind:
        return False
    return kind in {t.strip() for t in given.split(",")}


def _run_modes(nodes: dict[str, CNode]) -> None:
    """Links rewired as ComfyUI runs the nodes' modes: a bypassed node is passed through, a muted
    one gives nothing (the nodes themselves stay, to be listed with their mode)."""
    for n in nodes.values():
        if any(nodes[s[0]].mode not in (0, 1) for s in n.links.values() if s[0] in nodes):
            links = {}
            for k, v in n.links.items():
                ends: list[str] = []
                if (r := _passed(nodes, v, ends)) is not None:
                    links[k] = r
                elif ends:
                    n.cut[k] = tuple(ends)
            n.links = links


# nodes that give their first input given anything, read away as that link: reroutes (ComfyUI's own, rgthree's and
# pysssss' frontend-only ones, LayerStyle's AnyRerouter) and rgthree's Any Switch (an input whose source is muted gets
# nothing when ComfyUI runs the workflow: the first one still wired is what it gives)
FIRST_GIVEN = ("Any Switch (rgthree)", "Reroute", "Reroute (rgthree)", "ReroutePrimitive|pysssss",
               "LayerUtility: AnyRerouter")


def _first_given(nodes: dict[str, CNode]) -> dict[str, int]:
    """Links from a FIRST_GIVEN node read as its first wired input's (after the modes: _run_modes); those nodes
    removed; how many of each type."""
    return switches.passed_on(nodes, {k: None for k, n in nodes.items() if n.cls in FIRST_GIVEN and n.enabled})
