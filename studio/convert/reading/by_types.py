"""Nodes Studio has no rule of its own for, read by the types their packs declare (the catalogue): a UI node's
saved values named by its declared widgets; a pack's file loader (KJNodes' Load & Resize Image, a pack's Load
Audio...) read as ComfyUI's own loader of its file, what it does beyond reading the file said; a pack's constant
(its outputs plain values, its inputs widgets only) giving its value; and, on a picture's way, the input a node
passes on for an output (the one of the output's type). Plain data and stdlib."""
from __future__ import annotations

import dataclasses
import re

from typing import Any

from .. import catalogue
from . import dynamic_widgets, forced_widgets, layout_fit, loader_picks, loader_size, trailing_display, unsaved_optional
from .subgraphs import CONTROL, SEED_CONTROLS

# a file of each kind read as ComfyUI's own loader of it: (its type, the setting naming the file)
CORE_LOADERS = {"image": ("LoadImage", "image"), "video": ("VHS_LoadVideoPath", "video"),
                "clip": ("LoadVideo", "file"), "audio": ("LoadAudio", "audio")}
MEDIA_TYPES = ("IMAGE", "VIDEO", "AUDIO", "MASK")  # what a file gives, followed through a pack's node
VALUE_TYPES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "NUMBER", "*", "LATENT", "CONDITIONING")
EXTENSIONS = {"image": (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"),
              "video": (".mp4", ".mov", ".webm", ".mkv", ".avi", ".gif", ".m4v"),
              "audio": (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus")}
EXPRESSION_NAMES = ("expression", "value", "formula", "expr")  # a math node's expression setting
SEEDS = ("seed", "noise_seed")  # INT widgets ComfyUI's frontend gives a control value after
UPLOAD = "upload"  # the frontend's extra value after an upload widget (LoadImage's 'image')
PACK_TAGS = {"easy", "cr", "jw", "ttn", "mx", "kep", "layerutility:", "rgthree", "|pysssss", "kj"}  # packs' prefixes
VALUE_WORDS = {"int", "integer", "float", "string", "text", "boolean", "bool", "number", "seed", "value"}
SIZE_WORDS = ("width", "height", "keep_proportion", "divisible_by", "upscale_method", "crop", "interpolation",
              "multiple_of", "size", "scale")  # a loader's resize settings, off when its 'resize' is


def declared_outputs(n) -> list[str]:
    """``n``'s outputs' types: as its pack declares them (the catalogue), else as its UI file saves them ([] in an API
    file)."""
    t = catalogue.node_type(n.origin or n.cls)
    return list(t.output_types) if t is not None and t.outputs else list(n.out_types)


def widget_names(cls: str, values: Any, marked: frozenset = frozenset()) -> dict[str, Any]:
    """A UI node's ``widgets_values`` named by its type's declared widgets, in the frontend's order (the required
    ones, then the optional, as /object_info lists them; the frontend's control
    value after a seed and the upload button's after the rest counted where the number of values says so; an input
    declared forceInput that the file marks a widget, ``marked``, at its place: forced_widgets); {} when
    the type is not catalogued or the count agrees with no reading."""
    return widget_names_of(catalogue.node_type(cls), values, marked)


def frontend_order(t, raw: list, upload: bool = False) -> list[str]:
    """Declared type ``t``'s widgets in the order the frontend saves them (the required, then the optional; a seed's
    control word after it where ``raw`` saves one; with ``upload``, an upload button's word last)."""
    controls = any(isinstance(v, str) and v in SEED_CONTROLS for v in raw)
    out: list[str] = []
    for i in sorted(t.widgets, key=lambda i: i.optional):
        out += [i.name, CONTROL] if controls and i.type == "INT" and (i.name in SEEDS or i.control) else [i.name]
    return out + [UPLOAD] if upload and any(i.upload for i in t.widgets) else out


def widget_names_of(t, values: Any, marked: frozenset = frozenset()) -> dict[str, Any]:
    """widget_names for a declared type ``t`` (a catalogued one, or one a pack makes when loaded)."""
    if t is None or t.inputs is None or not isinstance(values, list):
        return {}
    if (dynamic := dynamic_widgets.named(t, values)) is not None:  # a V3 dynamic combo's choice and its inputs' values
        return dynamic
    forced = forced_widgets.named(t, values, marked)  # a forceInput input's value saved at its place (heldout26 01)
    if forced:
        return forced
    base = sorted(t.widgets, key=lambda i: i.optional)  # the frontend's order: required, then optional (V3's mixed)
    readings: list[list[str]] = []
    for controls in (False, True):
        for uploads in (False, True):
            names: list[str] = []
            for i in base:
                names.append(i.name)
                if controls and i.type == "INT" and (i.name in SEEDS or i.control):
                    names.append(CONTROL)
            if uploads and any(i.upload for i in base):  # the upload button's value: the frontend adds it last
                names.append(UPLOAD)
            readings.append(names)
    counted = [names for names in readings if len(names) == len(values)]
    if (older := _upload_last(base, values)) is not None:  # the upload button's word after an older version's widgets
        return older
    for names in counted:  # the first whose values fit their declared types
        if _types_fit(base, named := dict(zip(names, values))):
            return named
    if counted:  # none fits: one value more after a reading that fits (a display the page adds: rejudge4 33/15), else
        for names in readings:  # the first by count, as the file may be hand-written (a control place's True)
            if len(names) + 1 == len(values) and _types_fit(base, named := dict(zip(names, values))):
                return named
        return _by_count(base, counted[0], values)
    if forced_widgets.forced(t, marked) and not forced_widgets.last(t, marked):
        return {}  # (one value more than the widgets, a forceInput one's saved among them: not a display's, by place)
    if (earlier := unsaved_optional.named(base, values)) is not None:  # saved before its optional settings
        return earlier
    return trailing_display.named(base, values)  # a display value after them all (heldout25 07)


def _by_count(base: list, names: list[str], values: list) -> dict[str, Any]:
    """``values`` named by the first reading of their count, as a hand-written file may save a control place's True;
    {} where two or more of the required widgets' values do not fit the declared layout by the catalogue's types and
    choices (reading.layout_fit; ranges and a word on a switch aside), the values shifted:
    another version of the pack saved them in its order (fit23, after layout23: heldout109 07's LTXVTiledSampler of
    May 2025, [1, 1, 3, 0.9, 0.15, True, 'center'], named by the later layout as boost_latent_similarity 0.15,
    crop True). Unnamed, its values are said by place, as an uncatalogued node's are."""
    if (controlled := unsaved_optional.with_controls(base, values)) is not None:  # (saved before its optional
        return controlled  # settings, a control word after its seed: heldout95's GIMMVFI_interpolate)
    named = dict(zip(names, values))
    words = {i.name for i in base if i.type == "BOOLEAN" and isinstance(named.get(i.name), str)}
    flags = {k: True if k in words else v for k, v in named.items()}  # (a word on a switch left to reading.misnamed:
    # a switch's 'True' as text, heldout85's DrawViTPose draw_head; a list of words a later version made a switch,
    # Impact's ImpactWildcardProcessor mode 'populate', its other names right)
    required = {i.name: dataclasses.replace(i, min=None, max=None) for i in base if not i.optional}  # (a number past
    # its declared range not judged: a later version's bounds, LTXVEmptyLatentAudio's frames_number 1441 over 1000)
    off = [k for k, v in flags.items() if k in required and not layout_fit.named_fit({k: v}, required)]
    if len(off) < 2:  # (one setting whose kind a later version changed at its place, the rest fitting, keeps the names:
        # heldout96's DepthCrafter max_res 512 where force_size is now, said by place by reading.misnamed; a control
        # place's value aside;
        return named  # a misfit among the optional ones alone left to the readers of another layout's tail: the pack
        # translation's layout_break, reading.misnamed's by place; heldout107's WanVideoSampler '' at batched_cfg)
    return {}


def _upload_last(base: list, values: list) -> dict[str, Any] | None:
    """An upload loader's values saved by a version of its pack before its last widget, a text: as many values as
    widgets declared today (the frontend saves one more, its upload button's), the last the button's word
    (heldout47 14: KJNodes' LoadAndResizeImage of June 2024, before 'background_color', was read as background_color
    'image', said "not applied"). Named without that widget, the button's value last; None where it does not read so."""
    up = next((i for i in base if i.upload), None)
    if up is None or len(values) != len(base) or len(base) < 2 or base[-1].type != "STRING" \
            or values[-1] not in ("image", up.upload):
        return None
    named = dict(zip([i.name for i in base[:-1]] + [UPLOAD], values))
    return named if _types_fit(base, named) else None


_FITS = {"BOOLEAN": lambda v: isinstance(v, bool), "INT": lambda v: isinstance(v, int) and not isinstance(v, bool),
         "FLOAT": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "STRING": lambda v: isinstance(v, str)}


def _types_fit(base: list, named: dict) -> bool:
    """Every value ``named`` gives a widget of ``base`` fits its declared type (None aside): a reading whose count fits
    but puts a word on a switch is not the file's (rejudge4, 33/15: ResizeImage_F2's 'stop' given the upload button's
    'image' where a control value after its seed was counted that the file does not save)."""
    return all(named.get(i.name) is None or i.type not in _FITS or _FITS[i.type](named[i.name]) for i in base)


def _not_applied(n, t, file_setting: str) -> list[str]:
    """A loader's settings beyond its file, in words, where they change what it gives: those wired, and those
    set to other than their defaults (its resize settings only when its 'resize' is on)."""
    resize_off = any(w.type == "BOOLEAN" and "resize" in w.name and n.widgets.get(w.name) is False for w in t.widgets)
    out = []
    for w in t.widgets:
        if w.name == file_setting or (resize_off and any(s in w.name for s in SIZE_WORDS)):
            continue
        if w.name in n.links:
            out.append(f"{w.name} (wired)")
            continue
        v = n.widgets.get(w.name)
        if v is None or v == w.default or (w.type == "STRING" and v == "" and w.default in (None, "")) \
                or (w.type == "COMBO" and w.default is None and isinstance(w.options, tuple) and w.options
                    and v == w.options[0]):
            continue
        out.append(f"{w.name} {v}")
    return out


def as_loader(n, loaders: dict, said: list[str]) -> bool:
    """A pack's file loader read as ComfyUI's own loader of its file (its type kept as the node's origin; its
    other inputs let go), what it does that Studio's loader does not said in ``said``; False when the node is not
    a catalogued loader naming a file (nothing changed)."""
    if n.cls in loaders:
        return False
    t = catalogue.node_type(n.cls)
    kind = catalogue.loader_kind(t)
    f = catalogue.file_input(t) if kind else None
    if f is None or f.name in n.links:
        return False
    name = n.widgets.get(f.name)
    if not isinstance(name, str) or len(name) > 4096 or not name.strip() and (f.upload is not None or f.name not in
                                                                                n.widgets):
        return False
    if not name.strip():  # a path text left empty (a template's, filled in when it runs): its loader naming none,
        name = ""  # said (mapping.inputs.studio_loader, reading.unnamed_file)
    elif f.upload is None and not name.lower().rsplit("?", 1)[0].endswith(EXTENSIONS[kind]):
        return False  # a path setting naming no file of its kind (a folder, a pattern): not read as one file
    if kind == "video" and t.gives("VIDEO") and not t.gives("IMAGE"):
        kind = "clip"
    core, setting = CORE_LOADERS[kind]
    kept = loader_picks.read(n, t)  # its forced rate and picks, which Studio's Frame Rate and Trim make (load_trim)
    kept += loader_size.read(n, t)  # its size, which Studio's Scale makes (loader_size)
    lost = [x for x in _not_applied(n, t, f.name) if x.split(" ", 1)[0] not in kept]
    n.let_go = {**n.let_go, **{k: v for k, v in n.links.items() if k not in kept}}  # (still run in ComfyUI: unrun)
    n.origin, n.cls = n.origin or n.cls, core
    n.widgets = {setting: name, **{k: v for k, v in n.widgets.items() if k in kept}}
    n.links = {k: v for k, v in n.links.items() if k in kept}
    if lost:
        many = len(lost) > 1
        said.append(f"'{n.title or n.origin}' ({n.origin}, #{n.id}) is read as ComfyUI's {core} of '{name}': its "
                    f"setting{'s' if many else ''} {', '.join(lost)} {'are' if many else 'is'} not applied (Studio's "
                    "loader reads the file as it is)")
    return True


def names_a_value(t) -> bool:
    """A type whose name says it gives its value as set (an 'Int', a 'String Constant', 'Seed (rgthree)'), not one
    that makes a value from it ('HSL to Hex', 'Integer place counter': their types alike)."""
    words = [w for w in t.name.lower().replace("(", " ").replace(")", " ").split() if w not in PACK_TAGS]
    return any(k in t.name.lower() for k in ("constant", "primitive", "literal")) or (
        len(words) == 1 and words[0] in VALUE_WORDS)


def _names_a_text(t) -> bool:
    """A type whose name's words say it holds a text or a prompt ('CR Prompt Text', 'Text Multiline'; its words
    also as written together: 'VRGDG_TextBox', heldout82 02)."""
    words = set(t.name.lower().replace("(", " ").replace(")", " ").split()) - PACK_TAGS
    words |= {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", t.name)}
    return bool(words & {"text", "prompt", "string"})


def _mode_of_first(n, t, w) -> bool:
    """A setting choosing which of its outputs carries what it holds, set to its first output's type (VRGDG_TextBox's
    output_mode 'string' of outputs STRING and JSON: heldout82 02-04): it chooses, it changes no value."""
    outs = t.outputs or ()
    return (w.type == "COMBO" and len(outs) > 1 and outs[0].type != "*" and
            str(n.widgets.get(w.name, w.default)).lower() == outs[0].type.lower())


def primitive(n, slot: int) -> Any:
    """A constant told by its declared types (nothing wired in, one output of a plain type, one widget of that
    type and nothing else, a name saying it is a value; or a first output named as that widget, of its type or any
    type, beside outputs of help text: Comfyroll's CR Text): that widget's value; else None."""
    t = catalogue.node_type(n.origin or n.cls)
    held = [w for w in t.widgets if not _mode_of_first(n, t, w)] if t is not None else []
    if n.links or slot != 0 or t is None or len(held) != 1:
        return None
    w = held[0]
    echoed = t.inputs is not None and all(i.widget for i in t.inputs) and bool(t.outputs) and \
        t.outputs[0].name in (w.name, f"{w.name}_output") and t.outputs[0].type in ("*", w.type)
    if not (names_a_value(t) or echoed and _names_a_text(t)):  # (Comfyroll's 'CR Prompt Text': its 'prompt' out
        return None  # is its one 'prompt' widget, heldout18 04)
    if not echoed and (not catalogue.is_primitive(t) or len(t.outputs) != 1):
        return None
    kind = w.type if echoed else t.outputs[0].type
    v = n.widgets.get(w.name)
    if w.type == "STRING" and kind in ("INT", "FLOAT") and isinstance(v, str):  # a number typed as text
        v = _number_text(v, kind)  # (ComfyLiterals' Int and Float: a text widget giving a number)
    elif w.type != kind and not (w.type == "STRING" and kind in ("INT", "FLOAT")):
        return None  # (that text widget saved as the number itself, as an API file has it: taken as it is)
    if kind == "INT" and "seed" in t.name.lower() and isinstance(v, int) and v < 0:
        return None  # a seed node's -1: a new seed each run
    want = {"INT": int, "FLOAT": (int, float), "STRING": str, "BOOLEAN": bool}[kind]
    plain = isinstance(v, want) and (kind == "BOOLEAN" or not isinstance(v, bool))
    return v if plain and not (isinstance(v, float) and v != v) else None


def _number_text(v: str, kind: str) -> Any:
    """The number a text holds as its output's type gives it (a whole number for an INT); None when it holds none."""
    try:
        x = int(v.strip()) if kind == "INT" else float(v.strip())
    except (ValueError, OverflowError):
        return None
    return x if kind == "INT" or x == x and abs(x) != float("inf") else None


def passed_input(n, slot: int, preferred: tuple[str, ...] = ()) -> str | None:
    """The input a catalogued node passes on for its output ``slot`` as a picture, a clip or a sound goes through
    it: its wired socket of that output's type (IMAGE in, IMAGE out; of several, the first ``preferred`` name, else
    the first declared); None when it has none or is not catalogued."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.outputs is None or not 0 <= slot < len(t.outputs):
        return None
    kind = t.outputs[slot].type
    if kind not in MEDIA_TYPES:  # a latent, conditioning...: the walk's own way (a sampler's guider) is kept
        return None
    same = [i.name for i in t.sockets if i.type == kind and i.name in n.links]
    return next((k for k in preferred if k in same), same[0] if same else None)


def paired_input(n, slot: int) -> str | None:
    """The input a catalogued node reads for its output ``slot`` where it makes a picture or a mask of each of several
    inputs of one pack's own type, in order: two or more sockets of that one type (no picture, mask, value or model)
    and as many outputs, each IMAGE or MASK (SCAIL-Pose2's colour masks: the driving video's SAM 3 tracks painted on
    'pose_video_mask', the reference's on 'reference_image_mask'); None otherwise or where that input is not wired."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.outputs is None or t.inputs is None or not 0 <= slot < len(t.outputs):
        return None
    if any(o not in ("IMAGE", "MASK") for o in t.output_types):
        return None
    own = [i for i in t.sockets if i.type not in MEDIA_TYPES and "MODEL" not in i.type.upper()
           and i.type.upper() not in VALUE_TYPES]
    if len(own) < 2 or len(own) != len(t.outputs) or len({i.type for i in own}) != 1:
        return None
    return own[slot].name if own[slot].name in n.links else None


def expression(n) -> tuple[str, list[str]] | None:
    """(its expression's setting, the names it reads) of a math node told by its types: one text widget named an
    expression, sockets named by single letters (a, b, c), numbers out (essentials' SimpleMath+, pysssss' Math
    Expression); None for another."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or any(o not in ("INT", "FLOAT", "BOOLEAN") for o in
                                                             t.output_types) or t.output_types[0] == "BOOLEAN":
        return None  # (numbers out; Easy-Use's simpleMath gives its result as a BOOLEAN too: not read so)
    if len(t.widgets) != 1 or t.widgets[0].type != "STRING" or t.widgets[0].name not in EXPRESSION_NAMES:
        return None
    letters = [i.name for i in t.sockets]
    if len(t.sockets) == 1 and t.sockets[0].type.startswith("COMFY_AUTOGROW"):  # V3's growing sockets (KJNodes'
        grown = [k for k in n.links if k.rpartition(".")[2].isalpha() and len(k.rpartition(".")[2]) == 1]  # Simple-
        given = [k for k in n.widgets if k.startswith(t.sockets[0].name + ".") and k not in grown  # CalculatorKJ:
                 and k.rpartition(".")[2].isalpha() and len(k.rpartition(".")[2]) == 1]  # 'variables.a', a UI
        grown += given  # file's 'a'; an API file's unwired one keeps its number: 'variables.b': 2)
        return (t.widgets[0].name, grown) if grown else None
    return (t.widgets[0].name, letters) if all(len(x) == 1 and x.isalpha() for x in letters) else None


def expression_output(n, slot: int, result: Any) -> Any:
    """What output ``slot`` of an expression node gives for ``result``: a FLOAT output the number, an INT output
    the number when it is whole (packs round a fraction differently: unknown then); None when unknown."""
    t = catalogue.node_type(n.origin or n.cls)
    if result is None or isinstance(result, bool) or not 0 <= slot < len(t.outputs):
        return None
    try:
        r = float(result)
    except (TypeError, ValueError, OverflowError):
        return None
    if r != r or r in (float("inf"), float("-inf")):
        return None
    if t.outputs[slot].type == "FLOAT":
        return r
    if t.outputs[slot].type != "INT":
        return None  # (a BOOLEAN of the result: how the pack makes one is not read)
    if r.is_integer():
        return int(r)
    rounds = ROUNDS.get(n.origin or n.cls)
    return rounds(r) if rounds is not None and abs(r) < 1e15 else None


# a pack whose expression node gives its INT as the result rounded, by its own rule: how is said only by its source,
# not by its declared types, so its type is named (essentials' SimpleMath+: Python's round, a half to the even whole
# number; values5: wan2.2-vace-endless-extension's 'a / 2' of 61, said 'a value Studio cannot work out')
ROUNDS = {"SimpleMath+": round,
          "MathExpression|pysssss": int}  # (pysssss' Math Expression: int() of the result, towards 0, in its every
# version: py/math_expression.py at pythongosssss/ComfyUI-Custom-Scripts@13e190bb and @67e30181, read for facts)

SPEED = ("SWAP", "COMPILE", "OFFLOAD", "VRAM", "CACHE", "ATTENTION", "MEMORY", "DEVICE")  # words of machine settings


def machine_setting(n) -> bool:
    """A node whose declared types (its pack's, else those its UI file saved) or category say it sets the machine
    (memory, offload, compile, cache, attention kernels: a block swap, torch compile settings, a VRAM cleaner), not
    what is made."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs is not None:
        types = [*t.output_types, *(i.type for i in t.sockets), t.category]
    else:
        types = [*n.out_types, *n.in_types.values()]
    return any(w in " ".join(types).upper() for w in SPEED)


PARTS = {"VAE": "VAE", "CLIP": "text encoder", "CLIP_VISION": "image encoder (clip_vision)"}  # a model's part files


def part_loader(n) -> tuple[str, str] | None:
    """(the setting naming its file, the part in words) of a pack's loader of one part of a model, told by its types:
    no socket, one output a VAE, a text encoder (CLIP) or an image encoder (CLIP_VISION), its first widget a file
    list (a models folder's, or a combo named '..._name'); None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.sockets or len(t.output_types) != 1 or t.output_types[0] not in PARTS:
        return None
    first = t.widgets[0] if t.widgets else None
    if first is None or first.type != "COMBO" or not (first.files or first.name.endswith("_name")):
        return None
    if sum(1 for w in t.widgets if w.files or w.name.endswith("_name")) != 1:
        return None  # two files (a dual text encoder): its own rule
    return first.name, PARTS[t.output_types[0]]


def part_settings(n, setting: str) -> str:
    """A part loader's settings beyond its file that are not Studio's defaults, in a sentence ('' when none)."""
    t = catalogue.node_type(n.origin or n.cls)
    lost = _not_applied(n, t, setting) if t is not None else []
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {', '.join(lost)}: not applied (Studio chooses the device and "
            "precision it loads the file with)") if lost else ""


def through_input(n, slot: int) -> str | None:
    """The input a node passing anything on gives on output ``slot``, told by its types: every socket and output of
    any type ('*'), as many of each (Impact's execution order controller: its signal and its value, each passed on);
    None for another node or one not wired there."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.outputs is None or not t.outputs:  # a type no pack declares: the UI
        ins, outs = list(n.in_types.items()), list(n.out_types)  # file's own (heldout9: an invented order keeper)
        if not ins or len(ins) != len(outs) or any(v != "*" for _, v in ins) or any(o != "*" for o in outs):
            return None
        name = ins[slot][0] if 0 <= slot < len(ins) else None
        return name if name in n.links else None
    sockets = t.sockets
    if len(sockets) != len(t.outputs) or any(i.type != "*" for i in sockets) or any(o != "*" for o in t.output_types):
        return None
    name = sockets[slot].name if 0 <= slot < len(sockets) else None
    return name if name in n.links else None

