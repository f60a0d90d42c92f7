"""A node's label counts the frames it made in this run, not its pulls: a clip pulled by two
consumers made each frame once (issue 25, point 12: Image to Video said '8 frames' for 4)."""
from studio.core.graph import Graph
from studio.engine.events import NodeCost
from studio.engine.executor import Executor


def test_frames_pulled_by_two_consumers_count_once(tmp_path):
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 6, "width": 32, "height": 24, "sound": False})
    c = g.add_node("transform.color", {"saturation": 1.2})
    a = g.add_node("io.save_video", {"path": str(tmp_path / "a.mp4"), "embed_graph": False})
    b = g.add_node("io.save_video", {"path": str(tmp_path / "b.mp4"), "embed_graph": False})
    g.connect(s.id, "video", c.id, "video")
    g.connect(c.id, "video", a.id, "video")
    g.connect(c.id, "video", b.id, "video")
    events = []
    ex = Executor(frame_caching=False)
    ex.run(g, on_event=events.append, frame_range=(0, 4))
    costs = {e.node_id: e for e in events if isinstance(e, NodeCost)}
    assert costs[c.id].frames == 4, costs[c.id]  # pulled twice (8 pulls), made 4
    # the next run counts its own frames, not the last run's
    events.clear()
    ex.run(g, on_event=events.append, frame_range=(2, 3))
    costs = {e.node_id: e for e in events if isinstance(e, NodeCost)}
    assert c.id not in costs or costs[c.id].frames <= 1
