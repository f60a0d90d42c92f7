"""Small nodes and graphs shared by the engine tests."""
from __future__ import annotations

import time

import numpy as np

from studio.core.graph import Graph
from studio.core.params import Float, Int
from studio.core.registry import Registry
from studio.core.spec import CLIP, FRAME, SOURCE, WINDOW, In, Node, Out
from tests.sources import registry_with

CALLS: dict[str, int] = {}


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1


class Const(Node):
    id = "test.const"
    title = "Const"
    timing = SOURCE
    outputs = (Out("value", "Number"),)
    params = (Float("value", 1.0, min=-1e9, max=1e9),)

    def run(self, ctx):
        _count(self.id)
        return ctx.params.value


class Add(Node):
    id = "test.add"
    title = "Add"
    legacy_ids = ("test.plus",)
    inputs = (In("a", "Number"), In("b", "Number", optional=True))
    outputs = (Out("sum", "Number"),)
    params = (Float("bias", 0.0, min=-1e9, max=1e9),)

    def run(self, ctx, a, b=None):
        _count(self.id)
        return a + (b or 0) + ctx.params.bias


class Gradient(Node):
    id = "test.gradient"
    title = "Gradient"
    timing = SOURCE
    outputs = (Out("video", "Video"),)
    params = (Int("frames", 10, min=1, max=100000), Int("size", 8, min=1, max=4096))

    def run(self, ctx):
        _count(self.id)
        from studio.engine.clip import Clip

        n, s = ctx.params.frames, ctx.params.size

        class G(Clip):
            def _frame(self, i):
                return np.full((s, s, 3), i / max(1, n - 1), np.float32)
        return G(n, 24, s, s, 3)


class Invert(Node):
    id = "test.invert"
    title = "Invert"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)

    def frame(self, ctx, i, video):
        _count(self.id + ".frame")
        return 1.0 - video


class Diff(Node):
    id = "test.diff"
    title = "Diff"
    timing = WINDOW
    window = (0, 1)
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)

    def frames_window(self, ctx, i, video):
        a, b = video
        return b - a


class Slow(Node):
    """A long loop that checks for cancellation each step."""
    id = "test.slow"
    title = "Slow"
    inputs = (In("a", "Number", optional=True),)
    outputs = (Out("value", "Number"),)
    params = (Int("steps", 1000, min=1, max=10**7),)

    def run(self, ctx, a=None):
        for k in range(ctx.params.steps):
            ctx.progress(k + 1, ctx.params.steps)
            time.sleep(0.01)
        return k


class Noise(Node):
    id = "test.noise"
    title = "Noise"
    timing = SOURCE
    outputs = (Out("value", "Number"),)

    def run(self, ctx):
        import torch
        return float(torch.rand(1).item()) + float(ctx.rng().random())


class Boom(Node):
    id = "test.boom"
    title = "Boom"
    inputs = (In("a", "Number", optional=True),)
    outputs = (Out("value", "Number"),)

    def run(self, ctx, a=None):
        raise ValueError("kaboom")


class NanFrames(Node):
    id = "test.nan"
    title = "Make NaN"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)

    def frame(self, ctx, i, video):
        return video * np.float32("nan")


TEST_NODES = (Const, Add, Gradient, Invert, Diff, Slow, Noise, Boom, NanFrames)


def registry() -> Registry:
    """The default nodes plus the test nodes (a fresh registry, so tests do not leak)."""
    return registry_with(*TEST_NODES)


def validate_errors(g: Graph, node_id: str = "n") -> list[str]:
    """What validate (the compile's checks, no run) says of ``node_id`` in ``g``: each error's words."""
    from studio.core.errors import StudioError
    from studio.engine.executor import Executor
    try:
        Executor().compile(g, targets=[node_id], check_only=True)
    except StudioError as e:
        return [str(x) for x in (getattr(e, "errors", None) or [e])]
    return []


def chain_graph(reg=None) -> tuple[Graph, list[str]]:
    """const -> add -> add -> add."""
    g = Graph(reg or registry())
    ids = [g.add_node("test.const", {"value": 2.0}).id]
    for k in range(3):
        n = g.add_node("test.add", {"bias": float(k)})
        g.connect(ids[-1], "value" if k == 0 else "sum", n.id, "a")
        ids.append(n.id)
    return g, ids
