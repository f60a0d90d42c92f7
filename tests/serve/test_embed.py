"""A ComfyUI client's workflow is kept in the videos its job wrote, as ComfyUI's SaveVideo keeps it
(the prompt, and each extra_pnginfo entry such as the UI's 'workflow', as JSON tags of the container),
beside Studio's own graph."""
from __future__ import annotations

import json
import uuid

from .conftest import call, core_workflow, wait_history


def _tags(path) -> dict:
    import av
    with av.open(str(path)) as c:
        return dict(c.metadata)


def test_the_clients_workflow_and_prompt_are_tags_of_its_video(core_server):
    from studio.engine.media import probe
    url, folder = core_server
    wf, pid = core_workflow(size=32, frames=4), str(uuid.uuid4())
    ui = {"id": "6a1f", "nodes": [{"id": 1, "type": "EmptyImage"}], "links": [], "version": 0.4}
    status, body = call(url, "/prompt", {"prompt": wf, "prompt_id": pid, "client_id": "painter",
                                         "extra_data": {"extra_pnginfo": {"workflow": ui, "studio_graph": "{}",
                                                                          "bad name": 1}}})
    assert status == 200, body
    h = wait_history(url, pid)
    assert h["status"]["status_str"] == "success", h["status"]
    (out,) = h["outputs"]["3"]["images"]
    path = folder / "output" / out["subfolder"] / out["filename"]
    tags = _tags(path)
    assert json.loads(tags["workflow"]) == ui and json.loads(tags["prompt"]) == wf
    graph = json.loads(tags["studio_graph"])  # Save Video's own graph, never the client's entry of that name
    assert graph != {} and graph.get("nodes")
    assert "bad name" not in tags
    assert probe(str(path))["frames"] == 4  # the streams copied whole


def test_tags_are_comfyuis_and_never_studios_own():
    from studio.serve.embed import tags
    got = tags({"1": {}}, {"extra_pnginfo": {"workflow": {"a": 1}, "encoder_app": "x", "Studio_Graph": "y",
                                             "x" * 65: 1, 3: 4}})
    assert got == {"workflow": '{"a": 1}', "prompt": '{"1": {}}'}
    assert tags(None, {"extra_pnginfo": "not an object"}) == {}
