"""A ComfyUI client's workflow is kept in the files its job wrote, as ComfyUI's SaveVideo and SaveImage
keep it (the prompt, and each extra_pnginfo entry such as the UI's 'workflow', as JSON: tags of a video's
container beside Studio's own graph, text chunks of each PNG of a sequence), written by the Save nodes
with the file (the run's FILE_TAGS option), never by a second pass over it."""
from __future__ import annotations

import json
import uuid

import pytest

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


def test_an_image_sequences_pngs_keep_the_workflow_and_are_listed_one_by_one(core_server):
    from PIL import Image
    url, folder = core_server
    wf = {"1": {"class_type": "procedural.solid", "inputs": {"width": 32, "height": 24, "frames": 3, "fps": 8.0,
                                                             "color": "#3366cc"}},
          "2": {"class_type": "io.save_images", "inputs": {"video": ["1", 0], "folder": "pics",
                                                           "pattern": "frame_#####.png"}}}
    ui, pid = {"id": "7b2e", "nodes": [], "links": []}, str(uuid.uuid4())
    status, body = call(url, "/prompt", {"prompt": wf, "prompt_id": pid, "extra_data": {"extra_pnginfo": {"workflow": ui}}})
    assert status == 200, body
    h = wait_history(url, pid)
    assert h["status"]["status_str"] == "success", h["status"]
    images = h["outputs"]["2"]["images"]  # each picture, as ComfyUI's SaveImage lists them (no 'animated')
    assert [i["filename"] for i in images] == ["frame_00000.png", "frame_00001.png", "frame_00002.png"]
    (sub,) = {i["subfolder"] for i in images}  # a folder of the job's own, named as ComfyUI names an output
    assert sub.startswith("pics_") and sub.endswith("_") and "animated" not in h["outputs"]["2"]  # its own name
    for i in images:
        with Image.open(folder / "output" / sub / i["filename"]) as im:
            assert im.size == (32, 24) and json.loads(im.text["workflow"]) == ui and json.loads(im.text["prompt"]) == wf


def test_save_video_writes_the_runs_tags_with_the_file_and_keeps_its_own(tmp_path):
    import numpy as np

    from studio.engine.clip import ArrayClip
    from studio.engine.media import write_video
    path = str(tmp_path / "t.mp4")
    clip = ArrayClip(np.zeros((2, 16, 16, 3), np.float32), 8.0)
    write_video(path, clip, graph_json='{"nodes": []}', tags={"prompt": '{"1": {}}', "studio_graph": "x",
                                                               "encoder_app": "y"})
    got = _tags(path)
    assert got["prompt"] == '{"1": {}}' and got["studio_graph"] == '{"nodes": []}' and got["encoder_app"] == "Studio"


def test_png_text_chunks_are_read_as_pil_reads_comfyuis():
    import io

    import cv2
    import numpy as np
    from PIL import Image

    from studio.engine.png_text import with_text
    ok, data = cv2.imencode(".png", np.zeros((2, 3, 3), np.uint8))
    png = with_text(data.tobytes(), {"prompt": '{"1": 2}', "note": "caf\u00e9 \u2603"})
    with Image.open(io.BytesIO(png)) as im:
        im.load()  # every chunk's CRC checked
        assert im.text == {"prompt": '{"1": 2}', "note": "caf\u00e9 \u2603"} and im.size == (3, 2)
    with pytest.raises(ValueError):
        with_text(b"not a png", {"a": "b"})


def test_tags_are_comfyuis_and_never_studios_own():
    from studio.serve.bridge.embed import tags
    got = tags({"1": {}}, {"extra_pnginfo": {"workflow": {"a": 1}, "encoder_app": "x", "Studio_Graph": "y",
                                             "x" * 65: 1, 3: 4}})
    assert got == {"workflow": '{"a": 1}', "prompt": '{"1": {}}'}
    assert tags(None, {"extra_pnginfo": "not an object"}) == {}
