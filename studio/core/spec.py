"""Node declarations.

A node is declared once, as a class::

    class Resize(Node):
        id = "transform.resize"
        title = "Resize"
        category = "Transform"
        help = "Scale every frame."
        timing = FRAME
        inputs = (In("video", "Video"),)
        outputs = (Out("video", "Video"),)
        params = (Int("width", 640, min=8, max=8192, help="output width in pixels"),)

        def frame(self, ctx, i, video):
            return cv2.resize(video, (ctx.params.width, ...))

From that one declaration the engine derives validation, the graph file format, the CLI's
``--set`` and ``nodes`` listing, and the UI derives the canvas node and the properties panel.

Timing says how a node runs over time:

* ``FRAME``: output frame ``i`` depends only on input frame ``i``; implement ``frame()``; the
  engine returns a lazy clip that wraps the input.
* ``WINDOW``: output frame ``i`` needs input frames ``i+window[0] .. i+window[1]``; implement
  ``frames_window()``; neighbours are clamped at the clip's ends.
* ``CLIP``: the node needs its inputs whole (training, joint sampling, metrics); implement ``run()``.
* ``SOURCE``: the node makes data from parameters or files (loaders, synthetic sources).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .errors import ParamError, UnknownParamError
from .params import Param
from .types import get_type

FRAME = "frame"
WINDOW = "window"
CLIP = "clip"
SOURCE = "source"
TIMINGS = (FRAME, WINDOW, CLIP, SOURCE)


@dataclass(frozen=True)
class In:
    name: str
    type: str
    optional: bool = False
    help: str = ""
    label: str = ""

    def __post_init__(self):
        get_type(self.type)  # fail at declaration time on a typo


@dataclass(frozen=True)
class Out:
    name: str
    type: str
    help: str = ""
    label: str = ""

    def __post_init__(self):
        get_type(self.type)


PORT_KINDS = ("source", "length", "rate", "size", "like")  # a generator's declared clip ports (NodeSpec.clip_ports)


@dataclass(frozen=True)
class NodeSpec:
    """Everything the rest of Studio knows about a node type."""
    id: str
    title: str
    category: str
    help: str
    inputs: tuple[In, ...]
    outputs: tuple[Out, ...]
    params: tuple[Param, ...]
    timing: str = CLIP
    window: tuple[int, int] = (0, 0)
    version: int = 1
    legacy_ids: tuple[str, ...] = ()
    is_output: bool = False
    cacheable: bool = True
    disk_cache: bool = False  # its outputs are kept on the disk between runs (studio.engine.disk_cache)
    preflight: bool = False  # the class has checks to make before a run (Node.preflight)
    shows_first_frame: bool = False  # the class can show its file's first frame before a run (Node.first_frame)
    lists_models: bool = False  # the class declares the kinds of model it reads (Node.model_families)
    estimates: bool = False  # the class foresees its time before a run (Node.estimate), known without importing it
    keywords: tuple[str, ...] = ()  # other words the palette and the search find it by (Nuke's, Resolve's)
    # (kind, inputs): a generator's clip inputs whose frames it makes ('source'), whose length ('length'), rate
    # ('rate') or size ('size': where no other picture input sizes the take) its 'frames' / 'fps' / 'width' and
    # 'height' 0 take (GeneratorNode's source_ports, ...), known without importing the class
    clip_ports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # the clip on its first output carries the sound of its first clip input: a FRAME / WINDOW node's default run
    # (engine.frame_clip: audio_from its first clip), or a node declaring it (Node.carries_sound)
    carries_sound: bool = False
    cls: type | None = field(default=None, compare=False, repr=False)

    def ports(self, kind: str) -> tuple[str, ...]:
        """The inputs of ``kind`` ('source', 'length', 'rate', 'size') its class declares; () for none."""
        return next((p for k, p in self.clip_ports if k == kind), ())

    def input(self, name: str) -> In | None:
        return next((p for p in self.inputs if p.name == name), None)

    def output(self, name: str) -> Out | None:
        return next((p for p in self.outputs if p.name == name), None)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def model_records(self) -> list[dict]:
        """The kinds of model the node reads (its class's ``model_families``); none when it declares none."""
        return list(self.cls.model_families()) if self.lists_models else []

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def coerce_params(self, values: dict[str, Any], node_id: str | None = None,
                      strict: bool = True) -> dict[str, Any]:
        """Defaults overlaid with ``values``, each coerced and range-checked.

        Unknown names raise :class:`UnknownParamError` when ``strict``, else they are dropped.
        """
        out = self.defaults()
        for name, value in values.items():
            p = self.param(name)
            if p is None:
                if strict:
                    raise UnknownParamError(name, f"'{self.title}' has no such parameter "
                                                  f"(has: {', '.join(x.name for x in self.params) or 'none'})",
                                            node_id=node_id)
                continue
            try:
                out[name] = p.coerce(value)
            except ParamError as e:
                raise e.for_node(node_id) if node_id else e
        return out


class Params(dict):
    """Parameter values with attribute access: ``ctx.params.width``."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Node:
    """Base class of every node. Subclasses set the class attributes below and implement one of
    ``frame`` (FRAME), ``frames_window`` (WINDOW) or ``run`` (CLIP, SOURCE)."""

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    category: ClassVar[str] = "Misc"
    help: ClassVar[str] = ""
    # words an artist from another tool would search for it by ('roto', 'matte', 'retime', 'upres'):
    # the palette's filter and the Tab search find the node by them as by its title
    keywords: ClassVar[tuple[str, ...]] = ()
    version: ClassVar[int] = 1
    legacy_ids: ClassVar[tuple[str, ...]] = ()
    timing: ClassVar[str] = CLIP
    window: ClassVar[tuple[int, int]] = (0, 0)
    inputs: ClassVar[tuple[In, ...]] = ()
    outputs: ClassVar[tuple[Out, ...]] = ()
    params: ClassVar[tuple[Param, ...]] = ()
    is_output: ClassVar[bool] = False
    cacheable: ClassVar[bool] = True
    # expensive to make (a pretrained generator, a sampler, a preprocessor): its outputs are kept in
    # the disk cache and read back in a later run or process (studio.engine.disk_cache)
    disk_cache: ClassVar[bool] = False
    # a node whose clip may be made while it is pulled, when it goes only to outputs that write
    # frames in order; such an output names the port it pulls them from (studio.engine.streaming)
    streams_output: ClassVar[bool] = False
    streams_input: ClassVar[str] = ""
    # -- optional hooks: a node overrides what it needs; each default means "nothing special" --
    # a loader: what it makes (a model) is kept in the engine's model cache, keyed by its parameters
    # and weight files, whatever the run's use_cache says (studio.engine.executor; its
    # model_footprint says how much room to make for it)
    keeps_model: ClassVar[bool] = False
    # bumped when the node's code changes what it makes for the same parameters: part of its
    # output-cache and model-cache keys, so older cached results are not reused (studio.engine.signatures)
    code_version: ClassVar[int] = 0
    # a CLIP node whose run only wraps its input in a lazy clip indexed by frame: a chunked render
    # may run it per chunk (studio.distributed.planner.is_chunk_safe)
    chunk_safe: ClassVar[bool] = False
    # the clip it gives carries its first clip input's sound (a CLIP node wrapping its input: Scale, Upscale, an
    # interpolation keeping the time); a FRAME / WINDOW node's default run does without saying (NodeSpec.carries_sound)
    carries_sound: ClassVar[bool] = False

    _spec: ClassVar[NodeSpec | None] = None

    @classmethod
    def spec(cls) -> NodeSpec:
        s = cls.__dict__.get("_spec")
        if s is None:
            if not cls.id:
                raise TypeError(f"{cls.__name__} has no id")
            if cls.timing not in TIMINGS:
                raise TypeError(f"{cls.__name__}: timing must be one of {TIMINGS}")
            if cls.disk_cache and cls.timing in (FRAME, WINDOW):
                raise TypeError(f"{cls.__name__}: disk_cache is for nodes that make their outputs whole "
                                "(CLIP, SOURCE); a FRAME or WINDOW node's clip is made as it is pulled")
            names = [p.name for p in cls.params]
            if len(set(names)) != len(names):
                raise TypeError(f"{cls.__name__}: duplicate parameter names")
            s = NodeSpec(id=cls.id, title=cls.title or cls.__name__, category=cls.category,
                         help=(cls.help or cls.__doc__ or "").strip(), inputs=tuple(cls.inputs),
                         outputs=tuple(cls.outputs), params=tuple(cls.params), timing=cls.timing,
                         window=tuple(cls.window), version=cls.version,
                         legacy_ids=tuple(cls.legacy_ids), is_output=cls.is_output,
                         cacheable=cls.cacheable, disk_cache=bool(cls.disk_cache and cls.cacheable),
                         preflight=(cls.preflight.__func__ is not Node.preflight.__func__
                                    or cls.advise.__func__ is not Node.advise.__func__),
                         shows_first_frame=cls.first_frame.__func__ is not Node.first_frame.__func__,
                         lists_models=cls.model_families.__func__ is not Node.model_families.__func__,
                         estimates=cls.estimate.__func__ is not Node.estimate.__func__,
                         keywords=tuple(str(k).lower() for k in cls.keywords),
                         clip_ports=tuple((k, tuple(getattr(cls, f"{k}_ports", ()))) for k in PORT_KINDS
                                          if getattr(cls, f"{k}_ports", ())),
                         carries_sound=bool(cls.carries_sound) or (cls.timing in (FRAME, WINDOW)
                                                                   and cls.run is Node.run), cls=cls)
            cls._spec = s
        return s

    # -- to implement ---------------------------------------------------------------------
    @classmethod
    def upgrade(cls, version: int, params: dict[str, Any], links: dict[str, dict]) -> str | None:
        """A node saved by this node's older ``version`` (the file's ``node_version``; 1 when absent)
        made this version's, in place: ``params`` as the file holds them and ``links`` the file's links
        into the node by input name (re-key one to move it to another input, pop it to drop it). Returns
        the sentence the Log says once (None: nothing changed). Called when the file's version is older
        than ``version`` (studio.core.node_upgrades)."""
        return None

    @classmethod
    def preflight(cls, params: dict[str, Any], base_dir: str | None) -> list[str]:
        """Problems a run would meet, found before it starts without running anything (a model that
        is not there, a container that cannot hold the codec, a sequence too long to hold), in
        words; the engine names the node. ``params`` have their paths resolved. Validate and every
        run call it, so what validates renders. Cheap: headers and folder listings, no decoding."""
        return []

    @classmethod
    def model_families(cls) -> list[dict[str, Any]]:
        """The kinds of model this node reads, one record each: ``kind`` ('video model',
        'preprocessor'...), ``family``, ``name``, ``variants``, ``tasks``, ``inputs`` (per task) and
        ``formats`` (file formats and layouts read). ``main.py families`` and Help > Model families
        list what every node declares (Registry.model_families). Cheap: no weights, no torch."""
        return []

    @classmethod
    def foresee(cls, params: dict[str, Any], base_dir: str | None, inputs: dict[str, dict]) -> dict[str, dict]:
        """What this node's outputs will be, known before a run without running anything, as
        {output name: facts} (a clip's ``frames``, ``width`` and ``height``, a model's ``family``, the
        ``bytes`` of its own work besides the clip); ``inputs``: the facts foreseen for its wired
        inputs, by port. Asked of the nodes upstream of one that advises (:meth:`advise`), and of
        every node when a job's memory is foreseen (studio.engine.held); cheap (headers), and what
        cannot be known is left out (a problem here is the run's, or preflight's, to say). A FRAME
        node without its own keeps its first clip input's length (studio.engine.foresight)."""
        return {}

    @classmethod
    def advise(cls, params: dict[str, Any], base_dir: str | None, inputs: dict[str, dict]) -> list[tuple[str, str]]:
        """What validation can say of this node from what is wired into it, before a run:
        (level, words), level "error" (it cannot run: the run is refused), "warning" (it will run
        otherwise than asked: a mode a model cannot do, frames dropped) or "info". ``inputs``: the
        facts foreseen for its wired ports (:meth:`foresee`; an empty dict where nothing is
        known, an unwired port absent). The engine names the node."""
        return []

    @classmethod
    def estimate(cls, params: dict[str, Any], base_dir: str | None, inputs: dict[str, dict]) -> str | None:
        """How long this node will take, in words, before a run (from this machine's measured runs), or
        None where it has nothing to say; ``inputs`` as for :meth:`advise`. Shown on the node and in
        Properties while the graph is edited."""
        return None

    @classmethod
    def first_frame(cls, params: dict[str, Any], base_dir: str | None) -> Any:
        """The first frame of the file a loader would read (HxWx3 float32), for the viewer before
        any run (Nuke's Read shows it as soon as its path is set), or None when there is nothing to
        show yet (no path). ``params`` have their paths resolved. One frame is decoded, off the GUI
        thread; bad input raises the same StudioError a run would."""
        return None

    @classmethod
    def open_clip(cls, params: dict[str, Any], base_dir: str | None) -> Any:
        """The clip a loader would make, opened lazily (frames decoded as they are pulled), for the
        viewer before any run: a plate scrubbed under a mask or tracks being drawn. None (the
        default): it cannot be had without a run, and the viewer shows :meth:`first_frame`. Called
        off the GUI thread with ``params``' paths resolved; bad input raises a run's StudioError."""
        return None

    @classmethod
    def model_footprint(cls, params: dict[str, Any], device: Any, base_dir: str | None = None) -> tuple[str, int]:
        """A loader (``keeps_model``): (the device its model will live on, the bytes it will take there),
        from headers, nothing loaded; the engine's model cache makes that much room before the load
        (studio.engine.executor). By default: ``device``, no room to make."""
        return str(device), 0

    @classmethod
    def signature_files(cls, params: dict[str, Any], base_dir: str | None = None) -> list[str]:
        """Files the node reads that are not its path parameters (a model's weights and configs): their
        fingerprints join its cache keys, so replacing them re-runs it (studio.engine.signatures)."""
        return []

    @staticmethod
    def models_report(refresh: bool = False) -> dict | None:
        """Every model the models folders hold, for ``main.py models`` (its door to the loaders' catalog, so the
        command line imports no node code): ``{"machine": {...}, "models": [entry dicts], "notes": [...],
        "table": the listing in words}``; None: this node lists none (the video model loader does)."""
        return None

    @staticmethod
    def model_choices(kinds: Any, refresh: bool = False) -> dict:
        """What the window's model picker lists for a Path parameter that declares ``models`` (the
        kinds it takes): ``{"machine": words, "notes": [...], "models": [entry dicts]}``
        (studio.ui.panels.model_picker; the video model loaders answer from their catalog)."""
        return {"models": [], "notes": ["this node lists no models"]}

    def run(self, ctx, **inputs) -> Any:
        """Whole-value execution. Returns a dict {output name: value}, or the value itself when
        the node has one output. FRAME and WINDOW nodes inherit a lazy implementation: the run's
        context makes their output clips (``ctx.frame_clip``; core does not call up into the engine)."""
        return ctx.frame_clip(self, inputs)

    def frame(self, ctx, i: int, **inputs) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement frame() or run()")

    def frames_window(self, ctx, i: int, **inputs) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement frames_window() or run()")

    def output_shape(self, ctx, **clips) -> dict[str, Any]:
        """For FRAME/WINDOW nodes: the output clip's properties when they differ from the
        first input clip's (keys: width, height, channels, n_frames, fps)."""
        return {}
