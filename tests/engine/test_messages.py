"""Nodes tell the user what happened: warnings and reports reach the event sink and the run's result."""
from studio.core.graph import Graph
from studio.core.spec import SOURCE, In, Node, Out
from studio.engine.events import NodeMessage, NodeSkipped, RunFinished
from studio.engine.executor import Executor
from tests.helpers import registry


class Talker(Node):
    id = "test.talker"
    title = "Talker"
    timing = SOURCE
    outputs = (Out("value", "Number"),)

    def run(self, ctx):
        ctx.info("report: 3 things")
        ctx.warn("stopped early at step 2 of 10")
        return 1.0


class Sink(Node):
    id = "test.sink"
    title = "Sink"
    is_output = True
    inputs = (In("value", "Number"),)

    def run(self, ctx, value):
        return None


def _reg():
    reg = registry()
    reg.register(Talker)
    reg.register(Sink)
    return reg


def test_node_warnings_reach_events_and_run_finished():
    g = Graph(_reg())
    g.add_node("test.talker", title="Speaker")
    events = []
    Executor().run(g, on_event=events.append)
    msgs = [e for e in events if isinstance(e, NodeMessage)]
    assert [(m.level, m.title, m.text) for m in msgs] == [
        ("info", "Speaker", "report: 3 things"), ("warning", "Speaker", "stopped early at step 2 of 10")]
    fin = events[-1]
    assert isinstance(fin, RunFinished) and fin.ok
    assert fin.warnings == ["Speaker: stopped early at step 2 of 10"]


def test_skipped_output_is_a_warning_naming_it_by_title():
    g = Graph(_reg())
    src = g.add_node("test.const")
    out = g.add_node("test.sink", title="Final render")
    g.connect(src.id, "value", out.id, "value")
    g.set_mode(src.id, "mute")
    events = []
    Executor().run(g, on_event=events.append)
    sk = [e for e in events if isinstance(e, NodeSkipped) and e.node_id == out.id]
    assert sk and sk[0].is_output and sk[0].title == "Final render"
    assert events[-1].warnings and events[-1].warnings[0].startswith("Final render was skipped")


def test_skipped_output_names_the_old_file_it_did_not_update(tmp_path):
    from studio.core.params import Path as PathParam

    class FileSink(Node):
        id = "test.file_sink"
        title = "File Sink"
        is_output = True
        inputs = (In("value", "Number"),)
        params = (PathParam("path", "out.txt", mode="save"),)

        def run(self, ctx, value):
            return None

    reg = _reg()
    reg.register(FileSink)
    g = Graph(reg)
    g.base_dir = str(tmp_path)
    (tmp_path / "old.txt").write_text("from an earlier run")
    src = g.add_node("test.const")
    out = g.add_node("test.file_sink", {"path": "old.txt"}, title="Render")
    g.connect(src.id, "value", out.id, "value")
    g.set_mode(src.id, "mute")
    events = []
    Executor().run(g, on_event=events.append)
    assert events[-1].warnings == [f"Render was skipped: input 'value' comes from 'Const', which is muted; "
                                   f"the old file {tmp_path / 'old.txt'} is still there and was NOT updated"]


def test_training_progress_counts_steps_not_frames():
    from nodes.generators.train import step_progress
    from studio.engine.context import Context, Runtime
    from studio.engine.events import NodeProgress
    rt = Runtime()
    got = []
    rt.emit = got.append
    ctx = Context("n1", "Train", {}, 0, None, rt)
    step_progress(ctx)(10, 100, loss=0.5)
    assert isinstance(got[0], NodeProgress) and got[0].unit == "step" and got[0].values == {"loss": 0.5}
    ctx2 = Context("n2", "Save", {}, 0, None, rt)
    ctx2.progress(3, 10, frame=3)
    assert got[-1].unit == "frame"
