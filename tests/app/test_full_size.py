"""Issue 48 (1): a render without a window is full size: every generator's 'preview size' is
turned off (unless --preview), said by name; a muted node and one already off are left alone."""
from __future__ import annotations

from studio.core.graph import Graph
from studio.core.targets import full_size


def test_full_size_turns_preview_size_off_and_names_the_nodes():
    g = Graph()
    t2v = g.add_node("video_models.text_to_video", {}, title="Shot A")
    vace = g.add_node("video_models.wan_vace", {"preview_size": "always"})
    off = g.add_node("video_models.ltx2", {"preview_size": "off"})
    muted = g.add_node("video_models.image_to_video", {})
    g.set_mode(muted.id, "mute")
    other = g.add_node("io.load_video", {})
    assert full_size(g) == ["Shot A", vace.label]
    assert g.nodes[t2v.id].params["preview_size"] == "off" and g.nodes[vace.id].params["preview_size"] == "off"
    assert g.nodes[off.id].params["preview_size"] == "off" and g.nodes[muted.id].params["preview_size"] == "on CPU"
    assert "preview_size" not in g.nodes[other.id].params
    assert full_size(g) == []  # said once: nothing left to turn off
