"""One contract between /object_info and /prompt (issue 105): every type /object_info lists is one
/prompt takes. Studio's own nodes, as ComfyUI's web page sends a graph built from them, run as a
Studio graph; a value or link that does not fit is refused in ComfyUI's shape naming the node and
input; ComfyUI's LoadImage may feed Studio's nodes; any other mix of Studio's nodes with ComfyUI's is
refused saying so."""
from __future__ import annotations

import asyncio
import os

import pytest

from .test_web_page import served


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))


def solid_to_video(frames: int = 4, size: int = 32) -> dict:
    return {"1": {"class_type": "procedural.solid", "inputs": {"frames": frames, "fps": 8.0, "width": size,
                                                               "height": size, "color": "#3366cc"}},
            "2": {"class_type": "io.save_video", "inputs": {"video": ["1", 0], "path": "out.mp4", "crf": 18,
                                                            "preset": "medium", "embed_graph": True}}}


async def _history(c, pid: str) -> dict:
    for _ in range(600):
        h = await (await c.get(f"/history/{pid}")).json()
        if h:
            return h[pid]
        await asyncio.sleep(0.05)
    raise AssertionError(f"{pid} did not end")


def test_a_prompt_of_studios_own_nodes_runs_as_a_studio_graph(tmp_path):
    async def go():
        async with served(tmp_path, run=True) as (c, server):
            r = await c.post("/prompt", json={"prompt": solid_to_video(), "client_id": "page"})
            body = await r.json()
            assert r.status == 200 and body["node_errors"] == {}, body
            h = await _history(c, body["prompt_id"])
            assert h["status"]["completed"], h["status"]
            (item,) = h["outputs"]["2"]["images"]  # the prompt's own node id
            assert item["type"] == "output" and item["filename"] == "out_00001_.mp4"  # named as its 'path' says
            assert os.path.getsize(os.path.join(server.folders.output, item["filename"])) > 0
            job = (await (await c.get(f"/api/jobs/{body['prompt_id']}")).json())
            assert job["status"] == "completed" and job["preview_output"]["mediaType"] == "video"
    asyncio.run(go())


@pytest.mark.parametrize("node, name, value, kind", [
    ("1", "width", "wide", "invalid_input_type"),
    ("1", "width", 100000, "value_bigger_than_max"),
    ("2", "preset", "warp", "value_not_in_list"),
    ("2", "video", ["9", 0], "bad_linked_input"),
    ("2", "video", ["1", 3], "bad_linked_input"),
])
def test_a_studio_node_value_or_link_that_does_not_fit_is_refused_naming_node_and_input(tmp_path, node, name,
                                                                                       value, kind):
    wf = solid_to_video()
    wf[node]["inputs"][name] = value

    async def go():
        async with served(tmp_path) as (c, server):
            r = await c.post("/prompt", json={"prompt": wf})
            body = await r.json()
            assert r.status == 400 and list(body["node_errors"]) == [node], body
            (e,) = body["node_errors"][node]["errors"]
            assert e["type"] == kind and e["extra_info"]["input_name"] == name
            assert server.queue.jobs() == []
    asyncio.run(go())


def test_a_prompt_mixing_studio_and_comfyui_nodes_is_refused_saying_so(tmp_path):
    wf = solid_to_video()
    wf["3"] = {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 32, "batch_size": 1, "color": 0}}

    async def go():
        async with served(tmp_path) as (c, _):
            body = await (await c.post("/prompt", json={"prompt": wf})).json()
            assert body["error"]["type"] == "invalid_prompt" and "mixes" in body["error"]["message"]
            assert sorted(body["node_errors"]) == ["3"]  # the ComfyUI node that cannot be there
    asyncio.run(go())


def _picture(path) -> None:
    import cv2
    import numpy as np
    img = np.zeros((32, 48, 3), np.uint8)
    img[:, :, 2] = 200  # red (BGR)
    assert cv2.imwrite(str(path), img)


def test_comfyuis_load_image_and_load_video_feed_studios_nodes(tmp_path):
    """The page's LoadImage (its upload button) wired into a Studio node: read as Studio's Load Image
    (the converter's own reading of it), the rest Studio's graph as it is; its MASK (1 - alpha in
    ComfyUI) wired in is refused naming the input, never read as Studio's alpha."""
    wf = {"1": {"class_type": "LoadImage", "inputs": {"image": "red.png", "upload": "image"}},
          "2": {"class_type": "edit.crop", "inputs": {"video": ["1", 0], "x": 0, "y": 0, "width": 32, "height": 32}},
          "3": {"class_type": "io.save_video", "inputs": {"video": ["2", 0], "path": "out.mp4", "crf": 18,
                                                          "preset": "medium", "embed_graph": True}}}

    async def go():
        async with served(tmp_path, run=True) as (c, server):
            os.makedirs(server.folders.input, exist_ok=True)
            _picture(os.path.join(server.folders.input, "red.png"))
            r = await c.post("/prompt", json={"prompt": wf})
            body = await r.json()
            assert r.status == 200, body
            h = await _history(c, body["prompt_id"])
            assert h["status"]["completed"], h["status"]
            (item,) = h["outputs"]["3"]["images"]
            assert os.path.getsize(os.path.join(server.folders.output, item["filename"])) > 0
            import shutil  # that video, into ComfyUI's LoadVideo feeding a Studio node
            shutil.copy(os.path.join(server.folders.output, item["filename"]),
                        os.path.join(server.folders.input, "c.mp4"))
            clip = {"1": {"class_type": "LoadVideo", "inputs": {"file": "c.mp4"}},
                    "2": {"class_type": "transform.trim",
                          "inputs": {"video": ["1", 0], "start": 0, "end": 2, "step": 1}},
                    "3": wf["3"]}
            body = await (await c.post("/prompt", json={"prompt": clip})).json()
            assert (await _history(c, body["prompt_id"]))["status"]["completed"], body
            mask = {**wf, "2": {**wf["2"], "inputs": {**wf["2"]["inputs"], "video": ["1", 1]}}}
            r = await c.post("/prompt", json={"prompt": mask})
            return r.status, await r.json()
    status, body = asyncio.run(go())
    assert status == 400 and list(body["node_errors"]) == ["2"], body
    (e,) = body["node_errors"]["2"]["errors"]
    assert e["extra_info"]["input_name"] == "video" and "1 - alpha" in e["message"]


def test_every_type_object_info_lists_is_one_prompt_takes(tmp_path):
    """Each type alone in a prompt: refused for what it lacks (inputs, an output), never as a type
    Studio does not have (as the 128 Studio types were before)."""
    async def go():
        async with served(tmp_path) as (c, _):
            info = await (await c.get("/object_info")).json()
            studio = [cls for cls, d in info.items() if d["python_module"] == "studio"]
            assert len(studio) > 100
            for cls in info:
                r = await c.post("/prompt", json={"prompt": {"1": {"class_type": cls, "inputs": {}}}})
                body = await r.json()
                assert "does not exist" not in body.get("error", {}).get("message", ""), (cls, body)
                assert all(e["type"] != "node_not_supported" for n in body.get("node_errors", {}).values()
                           for e in n["errors"]), (cls, body)
    asyncio.run(go())


def test_a_studio_generator_at_a_hostile_size_and_the_models_length_is_refused_before_it_queues(tmp_path, tiny,
                                                                                                monkeypatch):
    """'frames' 0 (the model's own length) was counted as one frame: 4096x4096 x 33 frames (6.2 GB) was taken
    with 4 GB free. Now a 400 naming the generator and its 'frames'; the same prompt at 512x512 is queued."""
    models = tmp_path / "models"
    models.mkdir()
    wan = tiny("wan-t2v")
    os.symlink(wan, models / os.path.basename(wan))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr("studio.engine.model_cache.host_available", lambda: 4 * 2**30)
    from studio.core.registry import default_registry

    from .test_bounds import studio_t2v
    reg = default_registry()

    def whole(size: int) -> dict:  # every input given, as ComfyUI's page sends them
        wf = studio_t2v(os.path.basename(wan), size)
        for n in wf.values():
            n["inputs"] = {**{p.name: p.default for p in reg.get(n["class_type"]).params}, **n["inputs"]}
        return wf

    async def go():
        async with served(tmp_path) as (c, server):
            r = await c.post("/prompt", json={"prompt": whole(4096)})
            body = await r.json()
            assert r.status == 400 and list(body["node_errors"]) == ["2"], body
            (e,) = body["node_errors"]["2"]["errors"]
            assert e["type"] == "job_too_large" and e["extra_info"]["input_name"] == "frames", e
            assert "4096x4096 x 33 frame(s)" in e["details"] and server.queue.jobs() == []
            r = await c.post("/prompt", json={"prompt": whole(512)})
            assert r.status == 200, await r.json()
            assert len(server.queue.jobs()) == 1
    asyncio.run(go())
