"""The ledger's walks after a workflow's pictures (takes/dropped_entry.py, takes/unread_entry.py) look at each reader
once per output's check, not once per picture: a chain of n LTXVAddGuide each given its own LoadImage
(benchmarks/convert_scale.py's 'guides' shape) walked the rest of the chain from every picture (73 s of CPU for
10,008 nodes). Counted in steps of the walk, not in seconds."""
from __future__ import annotations

import copy

from benchmarks.convert_scale import guide_chain
from studio.convert.mapping.convert import convert
from studio.convert.takes import dropped_entry as dropped


def _keys_looked_up(n: int, monkeypatch) -> int:
    calls = []
    real = dropped._keys

    def counted(m, keyed):
        calls.append(m.id)
        return real(m, keyed)
    monkeypatch.setattr(dropped, "_keys", counted)
    conv = convert(copy.deepcopy(guide_chain(n)), "walks")
    assert any(node.type_id.startswith("video_models.") for node in conv.graph.nodes.values())
    return len(calls)


def test_a_chain_of_guides_is_walked_once_per_check_not_once_per_picture(monkeypatch):
    small, large = _keys_looked_up(200, monkeypatch), _keys_looked_up(800, monkeypatch)
    assert small > 0
    assert large < 6 * small, (small, large)  # four times the nodes: about four times the steps (quadratic: 16)


def test_the_walk_still_names_an_input_no_type_declares_and_passes_a_declared_way():
    from studio.convert.reading.workflow import CNode
    a = CNode(id="1", cls="LoadImage", widgets={}, links={})
    guide = CNode(id="2", cls="LTXVAddGuide", widgets={}, links={"image": ("1", 0)})
    odd = CNode(id="3", cls="LTXVAddGuide", widgets={}, links={"picture": ("1", 0)})
    end = CNode(id="4", cls="KSampler", widgets={}, links={"positive": ("2", 0)})
    cons = {"1": [odd], "2": [end]}
    first = dropped.dropped_entry(None, a, {"2", "3", "4"}, cons, end)
    assert first is not None and first[0] is odd and first[1] == "picture"
    cons = {"1": [odd, guide], "2": [end]}
    assert dropped.dropped_entry(None, a, {"2", "3", "4"}, cons, end) is None  # a declared way reaches the end
