import torch
import pytest

from studio.engine.context import Context, Runtime


def run_node(cls, params=None, **inputs):
    """Run a node class directly (no graph): coerced params, a fresh context."""
    spec = cls.spec()
    ctx = Context("n1", spec.title, spec.coerce_params(params or {}), 1234, torch.device("cpu"), Runtime())
    out = cls().run(ctx, **inputs)
    return out


@pytest.fixture
def run():
    return run_node
