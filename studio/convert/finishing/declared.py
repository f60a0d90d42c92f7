"""A video utility told by what its pack declares, not by its name (heldout15: kijai's GIMM-VFI, not named '... VFI',
was passed over): the catalogue's inputs and their types, widgets, outputs, category and display name; for a node the
catalogue lacks, the sockets its UI file declares. Pictures in (an IMAGE socket) and pictures out (an IMAGE output)
and then:
- a frame interpolation: a category or display name about interpolation / VFI, or a model socket of an interpolation
  loader's type (a catalogued loader of that type filed under interpolation, or a type named so), with a multiplier /
  factor / frames-between setting where it declares one;
- a learned upscale: an UPSCALE_MODEL socket, or a model socket a loader filed under upscaling feeds, or (no model
  socket) a setting declared as a file of upscale_models/ (the node loads its upscaler itself: own_upscaler.py);
- depth, pose, segmentation: a category or display name saying so (a depth estimator giving pictures alone; a pose
  estimator giving POSE_KEYPOINT; a segmenter giving a MASK from a phrase it is given as a setting).
``utility_by_types(n, wf)``: (what it does, Studio's preprocessor kind or None), or None. Plain data and stdlib."""
from __future__ import annotations

import functools
import re

from studio.core.shown import listed_whole, rounded

from .. import catalogue
from ..values.value_types import of_type
from ..reading.misnamed import BY_PLACE
from ..reading.workflow import CNode, Workflow

INTERPOLATES = re.compile(r"interpolat|\binterp\b|\bvfi\b|vfi[\s_-]|[\s_-]vfi|frame.?tween|in-?betweens?", re.I)
UPSCALES = re.compile(r"upscal|super.?resolution", re.I)
DEPTH = re.compile(r"depth", re.I)
ESTIMATES = re.compile(r"estimat|preprocess", re.I)  # a depth estimator (not a node converting a depth map)
POSE = re.compile(r"\bpose\b|openpose|dwpose", re.I)
SEGMENTS = re.compile(r"segment", re.I)
FACTORS = ("multiplier", "interpolation_factor", "factor", "multi", "times", "fps_multiplier")  # frames of each
BETWEEN = ("frames_between", "inter_frames", "interpolation_frames", "num_frames_between", "frames_to_add")
PHRASES = ("prompt", "text", "phrase", "text_prompt")
VALUES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})
GENERATES = frozenset({"MODEL", "CLIP", "VAE", "CONDITIONING", "CONTROL_NET", "CLIP_VISION", "SEGS",
                       "BASIC_PIPE", "DETAILER_PIPE", "UPSCALER"})
PLAIN = frozenset({"IMAGE", "MASK", "LATENT", "AUDIO", "VIDEO", "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*"})


class Sockets:
    """A node's declared sockets ({name: type}), widgets (names), outputs (types) and words (category and display
    name): the catalogue's, else its UI file's (no words)."""

    def __init__(self, n: CNode):
        t = catalogue.node_type(n.shown_cls)
        if t is not None and t.inputs is not None and t.outputs is not None:
            self.ins = {i.name: i.type for i in t.sockets}
            self.widgets = tuple(i.name for i in t.widgets)
            self.outs = t.output_types
            self.words, self.shown, self.declared = f"{t.category} {t.display}", t.display or t.name, t
        else:
            given = set(n.widgets)
            self.ins = {k: v for k, v in n.in_types.items() if k not in given and v not in VALUES}
            self.widgets = tuple(n.widgets)
            self.outs = tuple(n.out_types)
            self.words, self.shown, self.declared = "", n.shown_cls, None

    @property
    def pictures(self) -> bool:
        """Pictures in (one socket of them), pictures out first."""
        return list(self.ins.values()).count("IMAGE") == 1 and bool(self.outs) and self.outs[0] == "IMAGE"

    def picture_input(self, links: dict) -> str | None:
        """Its one picture socket that is wired, as declared; None for none or several."""
        found = [k for k, v in self.ins.items() if v == "IMAGE" and k in links]
        return found[0] if len(found) == 1 else None

    def models(self) -> dict[str, str]:
        """{input: type} of its model sockets (what is not a picture, a mask, a latent, sound or a value)."""
        return {k: v for k, v in self.ins.items() if v not in PLAIN}

    @property
    def one_model(self) -> bool:
        """At most one model socket, of a type of its own (not a diffusion model's parts: a sampler or a detailer)."""
        m = self.models()
        return len(m) <= 1 and not set(m.values()) & GENERATES and "LATENT" not in self.ins.values()


@functools.lru_cache(maxsize=256)
def _loaders_of(type_: str) -> tuple[str, ...]:
    """The words (category and display name) of the catalogued nodes giving ``type_`` that take no picture (its
    loaders)."""
    out = []
    for name in catalogue.names():
        t = catalogue.node_type(name)
        if t is not None and t.gives(type_) and not t.takes("IMAGE"):
            out.append(f"{t.category} {t.display} {name}")
    return tuple(out)


def _model_says(wf: Workflow | None, n: CNode, socket: str, type_: str, words: re.Pattern) -> bool:
    """The model on ``socket`` is of the kind ``words`` say: its type is named so, its loader in the workflow is
    filed so, or a catalogued loader of its type is."""
    if words.search(type_.replace("_", " ")):
        return True
    src = wf.source(n, socket) if wf is not None and socket in n.links else None
    t = catalogue.node_type(src.shown_cls) if src is not None else None
    if t is not None:
        return bool(words.search(f"{t.category} {t.display} {t.name}"))
    said = _loaders_of(type_)
    return bool(said) and all(words.search(w) for w in said)


def _loads_upscaler(s: Sockets) -> bool:
    """It loads a learned upscaler itself: a setting declared as a file of ComfyUI's upscale_models/ (heldout59 02)."""
    t = s.declared
    return t is not None and any(getattr(i, "files", None) == "upscale_models" for i in t.widgets)


SOURCE_RATE = re.compile(r"^(source|src|input|in|original|orig)_?(fps|frame_?rate|rate)$", re.I)
TARGET_RATE = re.compile(r"^(target|output|out|new|dest)_?(fps|frame_?rate|rate)$", re.I)


def rate_pair(s: Sockets) -> tuple[str, str] | None:
    """(its source rate setting, its target rate setting) where an interpolation declares how many frames it makes by
    the rate it is given and the rate it makes (GACLove's RIFEInterpolation: source_fps 24, target_fps 60 - x2.5,
    heldout81 05); None otherwise."""
    src = next((w for w in s.widgets if SOURCE_RATE.match(w)), None)
    dst = next((w for w in s.widgets if TARGET_RATE.match(w)), None)
    return (src, dst) if src and dst else None


def factor_setting(s: Sockets) -> str | None:
    """The setting saying how many frames of each (FACTORS) or how many between two (BETWEEN)."""
    return next((w for w in s.widgets if w in FACTORS or w in BETWEEN), None)


def utility_by_types(n: CNode, wf: Workflow | None = None) -> tuple[str, str | None] | None:
    """(what ``n`` does, Studio's preprocessor kind or None) told by its declared types; None for none of them."""
    s = Sockets(n)
    if list(s.ins.values()).count("IMAGE") != 1 or not s.one_model:
        return None
    models, name = s.models(), s.shown
    if s.outs == ("IMAGE",) and ("UPSCALE_MODEL" in models.values() or
                                 any(_model_says(wf, n, k, v, UPSCALES) for k, v in models.items()) or
                                 not models and _loads_upscaler(s)):
        return "upscale (learned upscaler)", None
    if s.pictures and (any(_model_says(wf, n, k, v, INTERPOLATES) for k, v in models.items()) or
                       INTERPOLATES.search(s.words) and (factor_setting(s) or rate_pair(s) or models)):
        return f"frame interpolation ({name})", None
    if not s.words:
        return None  # depth, pose, segmentation: told by the pack's own words only
    if s.outs == ("IMAGE",) and DEPTH.search(s.words) and (models or ESTIMATES.search(s.words)):
        return f"depth ({name})", "depth"
    if s.pictures and "POSE_KEYPOINT" in s.outs and POSE.search(s.words):
        return f"pose ({name})", "pose"
    if s.outs[:1] == ("MASK",) and SEGMENTS.search(s.words) and any(p in s.widgets for p in PHRASES):
        return f"segment by phrase ({name})", "segment"
    return None


def phrase_setting(n: CNode) -> str:
    """A segmenter's phrase, set on it (its 'prompt' / 'text')."""
    v = next((n.widgets[p] for p in PHRASES if isinstance(n.widgets.get(p), str)), "")
    return str(v or "")


def _fits(type_: str, v) -> bool:
    """``v`` is a value of the declared ``type_`` (a seed's control word read into the next setting is not), and a
    setting's value, not a list or a dict."""
    return of_type(v, type_) and not isinstance(v, (dict, list))


def _other_version(n: CNode, kinds: dict, taken: tuple[str, ...]) -> str:
    """The numbers ``n`` saved where the catalogue's version of its type declares a setting of another type (not a
    number), in words ('; and 512, saved where ... has 'force_size' (BOOLEAN): another version's setting'); '' where
    none. A number there is a setting of the version the file was saved with (heldout96 01: DepthCrafter's max_res
    512, the depth video's size, saved where the pack's later layout has its BOOLEAN force_size, went unsaid); a
    control word read into the next place is a word, not a number, and is left out."""
    odd = [f"{rounded(v)} (saved where the catalogue's version of the node has '{k}', a {kinds[k]})"
           for k, v in n.settings().items() if k not in taken and k in kinds and k not in n.links
           and isinstance(v, (int, float)) and not isinstance(v, bool) and kinds[k] not in ("INT", "FLOAT")
           and not _fits(kinds[k], v)]
    return f"; and {', '.join(odd)}: another version's setting{'s' if len(odd) > 1 else ''}" if odd else ""


def not_taken(n: CNode, what: str, taken: tuple[str, ...], studio: str = "Frame Interpolation") -> str | None:
    """The sentence of ``n``'s settings Studio's node ``studio`` (the flow-based interpolation; Depth) does not take
    (all but ``taken``), each as saved; None where it has none named."""
    if n.misnamed:  # (values of another version's order, their names not known: said by place, widgetorder21)
        names = list(n.widgets)  # (named by place: the i-th name read at place i; what Studio took from them left out)
        got = listed_whole([f"{k} {rounded(v)}" for i, (k, v) in enumerate(n.settings().items())
                     if not (i < len(names) and (names[i] in taken or names[i] in n.links))])
        return (f"{what}: '{n.title or n.shown_cls}' (#{n.id})'s settings {got}{BY_PLACE}: not taken, "
                f"Studio's {studio} has no such settings") if got else None
    t = catalogue.node_type(n.shown_cls)
    kinds = {i.name: i.type for i in t.widgets} if t is not None and t.inputs is not None else {}
    said = [f"{k} {'(wired)' if k in n.links else rounded(v)}" for k, v in n.settings().items()
            if k not in taken and not k.startswith("#") and _fits(kinds.get(k, ""), v)]
    other = _other_version(n, kinds, taken)
    if not said:
        return f"{what}: '{n.title or n.shown_cls}' (#{n.id})'s {other[2:]}" if other else None
    return (f"{what}: '{n.title or n.shown_cls}' (#{n.id})'s {listed_whole(said)}{other}: not taken, Studio's "
            f"{studio} has no such settings")
