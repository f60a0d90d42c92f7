"""One run's websocket messages (studio/serve/bridge/run_messages.py) from the queue's notices: executing
once for every node of the workflow that runs (a node folded into another's Studio node too), the
nodes kept from before in execution_cached, progress_state, the end. Plain objects: no server."""
from __future__ import annotations

from studio.engine.events import NodeFinished, NodeProgress, NodeStarted
from studio.queue.job import DONE, FAILED, Job
from studio.serve.checks.folders import Folders
from studio.serve.bridge.run_messages import RunMessages

from .conftest import core_workflow


def core_job(tmp_path) -> tuple[Job, Folders]:
    """The core workflow as the converter makes it: Solid Colour (n1) for EmptyImage #1, Save Video (n2)
    for SaveVideo #3; CreateVideo #2 has no Studio node of its own."""
    folders = Folders(str(tmp_path / "serve"))
    graph = {"nodes": [{"id": "n1", "type": "procedural.solid"}, {"id": "n2", "type": "io.save_video"}]}
    job = Job(graph=graph, source="comfy-api", workflow=core_workflow(), origin={"n1": "1", "n2": "3"})
    return job, folders


def kinds_and_nodes(msgs: list) -> list:
    return [(k, d.get("node", d.get("nodes"))) for k, d in msgs if k != "progress_state"]


def test_every_node_is_executing_once_in_order_and_kept_ones_are_execution_cached(tmp_path):
    job, folders = core_job(tmp_path)
    run = RunMessages(job, folders)
    out = folders.output + "/video/ComfyUI_00001_.mp4"
    said = run.messages("started")
    said += run.messages("event", NodeFinished("n1", 0.0, True))  # Solid Colour's clip kept from a run before
    said += run.messages("event", NodeStarted("n2", "Save Video"))
    said += run.messages("event", NodeProgress("n2", 3, 4))
    said += run.messages("event", NodeStarted("n2", "Save Video"))  # a second window of the same node
    said += run.messages("event", NodeFinished("n2", 0.1, False, written=[out]))
    job.state = DONE
    said += run.messages("ended")
    assert kinds_and_nodes(said) == [("execution_start", None), ("execution_cached", ["1"]), ("executing", "2"),
                                     ("executing", "3"), ("progress", "3"), ("executed", "3"),
                                     ("execution_success", None), ("executing", None)]
    states = [d["nodes"] for k, d in said if k == "progress_state"]
    assert states[-1]["3"]["state"] == "finished" and states[-1]["1"]["state"] == "finished"
    assert {"value": 3, "max": 4} == {k: v for k, v in states[2]["3"].items() if k in ("value", "max")}


def test_a_successful_run_announces_the_nodes_it_never_reached_and_a_failed_one_does_not(tmp_path):
    job, folders = core_job(tmp_path)
    run = RunMessages(job, folders)
    said = run.messages("started") + run.messages("event", NodeStarted("n1", "Solid Colour"))
    job.state = DONE
    said += run.messages("ended")  # Save Video's start never heard: 2 and 3 still told before the end
    assert [d["node"] for k, d in said if k == "executing"] == ["1", "2", "3", None]
    job2, _ = core_job(tmp_path)
    run = RunMessages(job2, folders)
    said = run.messages("started") + run.messages("event", NodeStarted("n1", "Solid Colour"))
    job2.state, job2.error = FAILED, "boom"
    said += run.messages("ended")
    assert [d["node"] for k, d in said if k == "executing"] == ["1", None]
    assert [k for k, _ in said].count("execution_cached") == 1


def test_preview_frames_are_sent_as_the_job_asks_else_as_the_server_says():
    from studio.serve.bridge.run_messages import wants_previews
    assert not wants_previews({}) and not wants_previews(None)  # ComfyUI's server default: none
    assert not wants_previews({"preview_method": "default"})  # ComfyUI's page left on 'default': the server's
    assert wants_previews({"preview_method": "default"}, "auto") and wants_previews({}, "latent2rgb")
    assert wants_previews({"preview_method": "taesd"}) and not wants_previews({"preview_method": "none"}, "auto")
    assert not wants_previews({"preview_method": ["auto"]})  # not a method: the server's
