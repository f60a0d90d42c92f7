"""The set-up the video-model node tests share: a Load Video Model wired into the node under test, a
render that keeps what the node said, and a spy on a pipeline's call.

Each test module used to write these few lines again (the two nodes and their link, the event list
and its filter, the wrapped ``__call__``); what a test checks stays in the test."""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.events import NodeMessage


def model_graph(model: str, node: str, params: dict, node_id: str = "gen", model_inputs=("model",), **feeds) -> Graph:
    """Load Video Model (id ``load``, reading ``model``) wired into ``node`` (id ``node_id``, with
    ``params``) at each of ``model_inputs``. Each of ``feeds``, ``input=(source type, its output[, its
    params])``, adds that node with the input's name as its id, wired into the input."""
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node(node, params, node_id=node_id)
    for port in model_inputs:
        g.connect("load", "model", node_id, port)
    for port, (kind, out, *p) in feeds.items():
        g.add_node(kind, p[0] if p else {}, node_id=port)
        g.connect(port, out, node_id, port)
    return g


def said(events, node_id: str | None = None, level: str | None = None) -> list[str]:
    """The texts of the node messages among ``events`` (of ``node_id``, at ``level``, when given)."""
    return [e.text for e in events if isinstance(e, NodeMessage)
            and node_id in (None, e.node_id) and level in (None, e.level)]


def render(ex, g: Graph, node_id: str = "gen", every_node: bool = False, **run) -> tuple[Any, list[str]]:
    """Run ``node_id`` on the CPU without the output cache: (its first output, what it said; with
    ``every_node``, what every node said)."""
    ev = []
    out = ex.run(g, targets=[node_id], device="cpu", use_cache=False, on_event=ev.append, **run).value(node_id)
    return out, said(ev, None if every_node else node_id)


def pipeline_of(ex, g: Graph, task: str):
    """The pipeline for ``task`` of the model the graph's ``load`` node loads."""
    return ex.run(g, targets=["load"], device="cpu").value("load").pipeline(task)


def spied(monkeypatch, g: Graph, task: str, note: Callable[[dict], Any] | None = None):
    """An executor, the pipeline for ``task`` of the model ``g`` loads, and ``spy_call`` on its class:
    (executor, pipeline, what each call noted, the call unwrapped)."""
    from studio.engine.executor import Executor
    ex = Executor()
    pipe = pipeline_of(ex, g, task)
    seen, orig = spy_call(monkeypatch, type(pipe), note or seed_of)
    return ex, pipe, seen, orig


def counted_inits(monkeypatch, cls) -> list:
    """Each construction of ``cls``: a 1 appended (how many were made)."""
    made, init = [], cls.__init__

    def counted(self, *a, **kw):
        made.append(1)
        init(self, *a, **kw)
    monkeypatch.setattr(cls, "__init__", counted)
    return made


def ramp(h: int, w: int, blue: float) -> np.ndarray:
    """A still whose red runs across and green down, at one blue: [h, w, 3] float32."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.stack([x / w, y / h, 0 * x + blue], -1)


def noise_clip(n=5, h=32, w=32, seed=0) -> ArrayClip:
    """``n`` frames of uniform noise [n, h, w, 3] at 16 fps: a clip for a node's video input."""
    return ArrayClip(np.random.default_rng(seed).random((n, h, w, 3), dtype=np.float32), 16.0)


def seed_of(kwargs: dict) -> int:
    return kwargs["generator"].initial_seed()


def spy_call(monkeypatch, cls, note: Callable[[dict], Any] = seed_of) -> tuple[list, Callable]:
    """Wrap ``cls.__call__`` (a pipeline's) so that ``note(its keyword arguments)`` of each call is
    appended to a list, the seed by default; the wrapper keeps the call's signature, which Studio
    reads to know what a pipeline takes. Returns (that list, the call unwrapped)."""
    seen, orig = [], cls.__call__

    @functools.wraps(orig)
    def spy(this, *a, **k):
        seen.append(note(k))
        return orig(this, *a, **k)
    monkeypatch.setattr(cls, "__call__", spy)
    return seen, orig


def windowed(model: str, long_take: str, frames: int, window: int, overlap: int, size: int = 16, **p) -> Graph:
    """Text to Video (id ``gen``) making a long take of ``frames`` in windows, one step each, no previews."""
    return model_graph(model, "video_models.text_to_video", {
        "frames": frames, "window": window, "overlap": overlap, "width": size, "height": size, "steps": 1,
        "guidance": 1.0, "previews": False, "preview_size": "off", "long_take": long_take, **p})


def spy_frames(monkeypatch, cls) -> list:
    """Every call of ``cls`` (a pipeline class, wrapped as ``spy_call`` wraps it): (its keyword
    arguments, the frames it made [F, H, W, C])."""
    calls, orig = [], cls.__call__

    @functools.wraps(orig)
    def call(this, *a, **k):
        out = orig(this, *a, **k)
        calls.append((k, out.frames[0].permute(0, 2, 3, 1).float().numpy()))
        return out
    monkeypatch.setattr(cls, "__call__", call)
    return calls


def ltx2_take(prompt: str, **load) -> tuple:
    """LTX-2 Video + Sound (64x64, 9 frames at 24 fps, 2 steps, guidance 2, seed 3) on what Load Video
    Model makes of ``load``, without the output cache: (video, audio, the model's variant)."""
    from studio.engine.executor import Executor
    g = Graph()
    g.add_node("video_models.load", load, node_id="load")
    g.add_node("video_models.ltx2", {"prompt": prompt, "steps": 2, "width": 64, "height": 64, "frames": 9,
                                     "fps": 24.0, "guidance": 2.0, "seed": 3, "preview_size": "off"}, node_id="ltx2")
    g.connect("load", "model", "ltx2", "model")
    r = Executor().run(g, targets=["ltx2", "load"], device="cpu", use_cache=False)
    return r.value("ltx2", "video"), r.value("ltx2", "audio"), r.value("load").variant


@contextlib.contextmanager
def calls_spied(cls, note: Callable[[dict], Any] = seed_of):
    """``spy_call`` on ``cls`` for the length of a ``with`` block, outside a test too (a benchmark's
    warm run): yields (what each call noted, the call unwrapped)."""
    import pytest
    with pytest.MonkeyPatch.context() as mp:
        yield spy_call(mp, cls, note)


def files_and_folder(from_files: Graph, from_folder: Graph, node_id: str = "gen") -> tuple:
    """The same take rendered on the CPU without the output cache from a model's part files and from its
    diffusers folder: (the files' frames, the folder's frames, the events of the files' run)."""
    from studio.engine.executor import Executor
    ex, said = Executor(), []
    a = ex.run(from_files, targets=[node_id], device="cpu", use_cache=False, on_event=said.append).value(node_id)
    b = ex.run(from_folder, targets=[node_id], device="cpu", use_cache=False).value(node_id)
    return a.frames, b.frames, said
