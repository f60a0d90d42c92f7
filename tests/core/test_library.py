import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.core.library import (apply_preset, group_nodes, list_presets, list_subgraphs, place_subgraph,
                                 save_preset, save_subgraph)
from studio.engine.executor import Executor


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))


def _graph():
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 6, "width": 48, "height": 32, "sound": False})
    c = g.add_node("transform.color", {"saturation": 0.2})
    r = g.add_node("transform.resize", {"width": 24, "height": 16})
    p = g.add_node("io.preview")
    g.connect(s.id, "video", c.id, "video")
    g.connect(c.id, "video", r.id, "video")
    g.connect(r.id, "video", p.id, "value")
    return g, s, c, r, p


def test_group_selection_gives_the_same_frames_and_goes_through_the_library():
    g, s, c, r, p = _graph()
    before = Executor().run(g).value(p.id).chunk(0, 6)
    grp = group_nodes(g, [c.id, r.id], title="Look", expose_params=[(c.id, "saturation")])
    assert set(g.nodes) == {s.id, p.id, grp.id}
    assert [i.name for i in grp.spec.inputs] == ["video"] and [o.name for o in grp.spec.outputs] == ["video"]
    assert grp.params["saturation"] == 0.2
    after = Executor().run(g).value(p.id).chunk(0, 6)
    assert np.array_equal(before, after)

    path = save_subgraph(grp, "My look")
    assert ("My look", path) in list_subgraphs()
    h = Graph()
    s2 = h.add_node("source.shapes", {"frames": 6, "width": 48, "height": 32, "sound": False})
    placed = place_subgraph(h, path)
    p2 = h.add_node("io.preview")
    h.connect(s2.id, "video", placed.id, "video")
    h.connect(placed.id, "video", p2.id, "value")
    assert np.array_equal(Executor().run(h).value(p2.id).chunk(0, 6), before)
    # the exposed parameter drives the inside
    h.set_param(placed.id, "saturation", 1.0)
    assert not np.array_equal(Executor().run(h).value(p2.id).chunk(0, 6), before)
    # muting the group mutes all it contains: the preview is skipped
    h.set_mode(placed.id, "mute")
    assert p2.id not in Executor().run(h).outputs


def test_presets_save_apply_and_ignore_stale_params():
    g, s, c, r, p = _graph()
    g.set_param(c.id, "gamma", 2.0)
    save_preset(g.nodes[c.id], "warm")
    assert "warm" in list_presets("transform.color")
    g.set_param(c.id, "gamma", 1.0)
    applied = apply_preset(g, c.id, "warm")
    assert applied["gamma"] == 2.0 and g.nodes[c.id].params["gamma"] == 2.0
    with pytest.raises(StudioError, match="no preset"):
        apply_preset(g, c.id, "cold")
