"""Issue 75 (2): a preview is marked as a preview wherever it lands. A generator that ran at 'preview
size' (fewer pixels and steps than its settings ask, as 'on CPU' does quietly at quality 'final') makes
Save Video write `name.preview.mp4`, not `name.mp4`, report that file as written, warn naming the node
and what it shrank, and hand on a clip whose viewer title says PREVIEW. Set to full size, the same
graph writes the name as given."""
from __future__ import annotations

import os

from studio.core.fileformat import load_graph
from studio.engine.events import NodeFinished, NodeMessage
from studio.engine.executor import Executor
from studio.engine.media import probe
from studio.engine.previews import preview_path

from .test_video_templates import GRAPHS, WAN, models_dir, place  # noqa: F401 - the fixture


def test_preview_path_says_preview_once():
    assert preview_path("/o/take.mp4") == "/o/take.preview.mp4"
    assert preview_path("/o/take_preview.mp4") == "/o/take_preview.mp4"


def test_a_preview_is_named_and_said_and_a_full_size_run_is_not(models_dir, tmp_path, tiny_models,  # noqa: F811
                                                                 monkeypatch):
    from nodes.video_models.sampling import generators as nodes
    monkeypatch.setattr(nodes, "PREVIEW_SIDE", 32)
    monkeypatch.setattr(nodes, "PREVIEW_STEPS", 1)
    place(models_dir, tiny_models, WAN)
    g = load_graph(os.path.join(GRAPHS, "text_to_video_pretrained.json"))
    gen = next(n.id for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    save = next(n.id for n in g.nodes.values() if n.type_id == "io.save_video")
    for k, v in (("width", 64), ("height", 48), ("steps", 2), ("frames", 1), ("preview_size", "on CPU")):
        g.set_param(gen, k, v)
    g.set_param(save, "path", str(tmp_path / "take.mp4"))
    events = []
    ex = Executor(frame_caching=False)
    r = ex.run(g, device="cpu", on_event=events.append)
    made = tmp_path / "take.preview.mp4"
    assert made.is_file() and not (tmp_path / "take.mp4").exists()
    assert probe(str(made))["width"] == 32
    written = [w for e in events if isinstance(e, NodeFinished) and e.node_id == save for w in e.written]
    assert written == [str(made)]
    warned = [e.text for e in events if isinstance(e, NodeMessage) and e.node_id == save and e.level == "warning"]
    assert len(warned) == 1 and "32x16 instead of 64x48" in warned[0] and "1 steps instead of 2" in warned[0]
    assert "take.preview.mp4" in warned[0]
    assert "[PREVIEW: " in r.value(save, "video").describe()  # the viewer's title (ui/preview/values.summary)
    # the same graph at full size: the name as given, nothing said
    g.set_param(gen, "preview_size", "off")
    events.clear()
    ex.run(g, device="cpu", on_event=events.append)
    assert (tmp_path / "take.mp4").is_file()
    assert not [e for e in events if isinstance(e, NodeMessage) and e.node_id == save and e.level == "warning"]
