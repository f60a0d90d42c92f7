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


def test_frames_the_viewers_thread_pulls_are_not_the_runs():
    """The viewer's frame fetcher pulls a node's clip while the run makes it: those pulls are shown, not counted
    (a render cut to 4 of 6 frames was labelled '6 frames' when the viewer had shown the node's whole clip)."""
    import threading

    from studio.engine.clip import CostMeter, pulls_not_a_runs_work
    meter = CostMeter()
    meter.measure("src", (0, 4), lambda: None)  # the run's own pulls: frames 0-3

    def viewer():
        pulls_not_a_runs_work()
        meter.measure("src", (0, 6), lambda: None)
        meter.measure("other", (0, 2), lambda: None)
    t = threading.Thread(target=viewer)
    t.start()
    t.join()
    assert meter.frames == {"src": 4} and set(meter.seconds) == {"src"}
    meter.measure("src", (4, 5), lambda: None)  # this thread still counts
    assert meter.frames == {"src": 5}
