"""Running one node class directly (no graph), with a runtime that records what it reports:
shared by the footage and editing tests."""
import numpy as np
import torch

from studio.engine.clip import ArrayClip
from studio.engine.context import Context, Runtime


class Recorder(Runtime):
    def __init__(self):
        super().__init__()
        self.events = []
        self.emit = self.events.append

    def messages(self, level=None):
        return [e.text for e in self.events if getattr(e, "level", None) and (level is None or e.level == level)]


def run_node(cls, params=None, runtime=None, **inputs):
    """Run a node class directly (no graph): coerced params, a fresh context."""
    spec = cls.spec()
    ctx = Context("n1", spec.title, spec.coerce_params(params or {}), 1234, torch.device("cpu"),
                  runtime or Recorder())
    return cls().run(ctx, **inputs)


def ramp_clip(n=3, w=641, h=361, c=3, fps=24.0, seed=0):
    """A clip with every pixel different and values spread over [0, 1]."""
    rng = np.random.default_rng(seed)
    return ArrayClip(rng.random((n, h, w, c), dtype=np.float32), fps)
