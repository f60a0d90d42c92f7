"""Test source nodes: a node with one output whose value the test makes, registered once.

Tests feed a node under test a fixed image, clip, sound, track or features through a small SOURCE
node. Each test module used to write its own Node class for it and its own "register it if the
registry lacks it"; ``source`` is that class and that check, written once."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio.core.registry import Registry, default_registry
from studio.core.spec import SOURCE, Node, Out


def source(node_id: str, port: str, kind: str, make: Callable[[Any], Any], params: tuple = (),
           registry: Registry | None = None) -> str:
    """Register (once) a SOURCE node ``node_id`` with one output ``port`` of type ``kind`` whose value
    is ``make(ctx.params)``, in ``registry`` (the default registry when none); return its id, for
    ``Graph.add_node``. A second call with an id already registered changes nothing."""
    reg = default_registry() if registry is None else registry
    if node_id in reg:
        return node_id

    class Source(Node):
        timing = SOURCE

        def run(self, ctx):
            return make(ctx.params)
    Source.id, Source.title = node_id, node_id
    Source.outputs, Source.params = (Out(port, kind),), tuple(params)
    reg.register(Source)
    return node_id


def registry_with(*nodes: type[Node]) -> Registry:
    """A fresh registry: the default nodes plus ``nodes`` (so a test's nodes do not leak)."""
    reg = Registry()
    for s in default_registry().specs():
        reg.register(s)
    for n in nodes:
        reg.register(n)
    return reg
