"""What a running node sees: its parameters, seed, device, progress reporting, cancellation."""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import sys
import threading
import time
from typing import Any, Callable

import numpy as np

from studio.core.errors import Cancelled
from studio.core.spec import Params

from .events import NodeMessage, NodeNote, NodeProgress


class CancelToken:
    """Cooperative cancellation: set from any thread, checked between nodes and inside loops."""

    def __init__(self):
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def reset(self) -> None:
        self._event.clear()


class Runtime:
    """The per-run state that contexts reach through. Lazy clips made in an earlier run may be
    pulled in a later one, so they look up the current event sink and cancel token here."""

    def __init__(self):
        self.emit: Callable[[Any], None] = lambda e: None
        self.cancel = CancelToken()
        # this run's preview marks: node id -> how its clip is a preview (studio/engine/previews.py); filled
        # at each run's start from ``preview_marks`` (by signature: a mark belongs to the clip that was made,
        # never to a node of another graph that happens to share its id)
        self.previews: dict[str, str] = {}
        self.preview_marks: dict[str, str] = {}  # step signature -> its mark, kept across runs


def derive_seed(graph_seed: int, node_id: str, node_seed: int = 0) -> int:
    h = hashlib.sha256(f"{graph_seed}:{node_id}:{node_seed}".encode()).digest()
    return int.from_bytes(h[:4], "little") & 0x7FFFFFFF


class Context:
    PROGRESS_INTERVAL = 0.05  # seconds between progress events of one node (the last always goes)

    def __init__(self, node_id: str, title: str, params: dict[str, Any], seed: int, device,
                 runtime: Runtime, frame_range: tuple[int, int] | None = None,
                 options: dict[str, Any] | None = None):
        self.node_id = node_id
        self.title = title
        self.params = Params(params)
        self.seed = seed
        self._device_name = None if device is None else str(device)
        self._device = None if isinstance(device, str) else device
        self._torch_seed: tuple[int, str] | None = None  # global torch seeding still to do
        self.runtime = runtime
        self.frame_range = frame_range
        # the titles of the outputs this node's clip may be streamed to while it is made (set by the
        # executor: studio.engine.streaming); None: its clip must be whole when run() returns
        self.stream_to: list[str] | None = None
        self.options = options or {}
        self._last_progress = 0.0
        self.signature = ""  # its step's signature (set by the executor): what its preview mark is kept by
        self.wrote: list[str] | None = None  # the files an output wrote, where not its path parameters
        self.started = time.perf_counter()  # the node's start: a node's own estimate of its whole time
        self.clocked_until = 0.0  # where the last part a node times on its own ended (a video model's calls)
        # its prompts as the prompt-embedding cache met them: {'prompts': a digest, 'cached': bool, 'text': seconds}
        # (a video model's: sampling/prompt_cache.text_kwargs; its run's record keeps them, estimates/times.py)
        self.prompt_encoding: dict | None = None

    # -- device -------------------------------------------------------------------------
    @property
    def device(self):
        """The torch device this node runs on, resolved and checked on first use (importing
        torch then: a node that never asks does not load it, nor start CUDA)."""
        if self._device is None and self._device_name is not None:
            from .device import resolve_device
            self._device = resolve_device(self._device_name)
        self.seed_torch()
        return self._device

    def seed_torch(self) -> None:
        """Seed torch's global generators with this node's seed, if the engine has not yet (torch
        was not loaded when the node started)."""
        if self._torch_seed is not None and "torch" in sys.modules:
            seed, name = self._torch_seed
            self._torch_seed = None
            seed_torch_for(seed, name)

    def defer_torch_seed(self, seed: int, device) -> None:
        """torch is not loaded yet: seed its global generators when this node first asks for its
        device or generator, or the moment it imports torch itself (a node that imports torch in
        ``run`` and draws from the global generator, ``nn.Linear``'s initialisation included, is
        then as repeatable as one that found torch loaded). Undone by ``end_torch_seed``."""
        self._torch_seed = (seed, device)
        _TorchImportSeeder.arm(self)

    def end_torch_seed(self) -> None:
        _TorchImportSeeder.disarm(self)

    # -- cancellation ---------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self.runtime.cancel.cancelled

    def check_cancelled(self) -> None:
        self.runtime.cancel.check()

    # -- reporting ------------------------------------------------------------------------
    def progress(self, step: int, total: int | None = None, *, frame: int | None = None,
                 preview: Any = None, message: str | None = None, force: bool = False, unit: str = "frame",
                 budget_end: int | None = None, **values: float) -> None:
        """``budget_end``: the step a time budget will stop the node near, when that comes before
        ``total`` (a training run: the canvas and the Training dock show both)."""
        self.check_cancelled()
        now = time.perf_counter()
        last = total is not None and step >= total
        if not (force or last or preview is not None or now - self._last_progress >= self.PROGRESS_INTERVAL):
            return
        self._last_progress = now
        self.runtime.emit(NodeProgress(self.node_id, step, total, frame, preview, message,
                                       {k: float(v) for k, v in values.items()}, unit, budget_end))

    def log(self, message: str) -> None:
        self.runtime.emit(NodeProgress(self.node_id, 0, None, None, None, message))

    def note(self, text: str, level: str = "info", logged: bool = True) -> None:
        """A short line under the running node and in the status bar (events.NodeNote): what a
        long phase is doing, or what it will cost; ``logged`` False for a passing progress line
        (shown, not written to the Log)."""
        self.runtime.emit(NodeNote(self.node_id, text, level, logged))

    def info(self, text: str) -> None:
        """A report for the user (printed by the CLI, shown in the window's log)."""
        self.runtime.emit(NodeMessage(self.node_id, self.title, text, "info"))

    def warn(self, text: str) -> None:
        """Something the user asked for was skipped, cut short or ignored: say so."""
        self.runtime.emit(NodeMessage(self.node_id, self.title, text, "warning"))

    # -- randomness -----------------------------------------------------------------------
    def rng(self, salt: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, salt])

    def torch_generator(self, device=None, salt: int = 0):
        """A torch generator for this node's draw number ``salt`` (a take's window): seeded with
        ``generator_seed``."""
        import torch
        self.seed_torch()
        dev = torch.device(device) if device is not None else self.device
        g = torch.Generator(device=dev if dev.type != "mps" else "cpu")
        g.manual_seed(self.generator_seed(salt))
        return g

    def generator_seed(self, salt: int = 0) -> int:
        """The seed of ``torch_generator``: this node's seed (the graph's seed, the node's id and its own
        'seed' setting, hashed: copies of a node differ) * 1,000,003 + ``salt``; with the node's
        'seed_as' set to 'diffusers', its 'seed' setting as a diffusers script gives it
        (``torch.Generator().manual_seed(seed)``), + ``salt`` for a second window on, so the same number
        gives the script's noise."""
        if self.params.get("seed_as") == "diffusers":
            return int(self.params.get("seed") or 0) + salt
        return self.seed * 1_000_003 + salt

    def frame_clip(self, node, inputs: dict[str, Any]):
        """The lazy output of a FRAME or WINDOW node (``Node.run``'s default): clips that pull
        ``node.frame`` / ``node.frames_window`` frame by frame."""
        from .frame_clip import frame_node_clip
        return frame_node_clip(node, self, inputs)

    def frames_to_render(self, n_frames: int) -> range:
        """The frames an output node should write: the in/out range, clamped to the clip."""
        if self.frame_range is None:
            return range(0, n_frames)
        a, b = self.frame_range
        return range(max(0, a), min(n_frames, b))


class _TorchImportSeeder(importlib.abc.MetaPathFinder):
    """A one-shot import hook: when ``torch`` is imported while a node with a deferred seed runs,
    the node's seed is applied right after torch's own module has executed."""

    _ctx: "Context | None" = None
    _lock = threading.Lock()

    @classmethod
    def arm(cls, ctx: "Context") -> None:
        with cls._lock:
            cls._ctx = ctx
            if _SEEDER not in sys.meta_path:
                sys.meta_path.insert(0, _SEEDER)

    @classmethod
    def disarm(cls, ctx: "Context | None" = None) -> None:
        with cls._lock:
            if ctx is None or cls._ctx is ctx:
                cls._ctx = None
                if _SEEDER in sys.meta_path:
                    sys.meta_path.remove(_SEEDER)

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        ctx = type(self)._ctx
        type(self).disarm()  # one shot; also keeps find_spec below from finding this finder again
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or ctx is None:
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            ctx.seed_torch()  # torch is in sys.modules and initialised now
        spec.loader.exec_module = exec_module  # this spec's own loader object
        return spec


_SEEDER = _TorchImportSeeder()


def seed_torch_for(seed: int, device) -> None:
    """Seed torch's global generators for nodes that use them. torch.manual_seed() also
    queues lazy seeding of every accelerator backend and costs ~0.4 ms; this costs ~2 us."""
    from .device import torch_module
    torch = torch_module()
    torch.random.default_generator.manual_seed(seed)
    kind = str(device).split(":")[0] if device is not None else None
    if kind == "auto":  # a plan made before torch was loaded: the device it resolves to now
        from .device import resolve_device
        kind = resolve_device("auto").type
    if kind == "cuda":
        torch.cuda.manual_seed(seed)
    elif kind == "mps":
        torch.mps.manual_seed(seed)
