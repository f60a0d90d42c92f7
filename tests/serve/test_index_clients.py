"""Two more of ComfyUI's clients from the package index against `main.py serve`, used as their READMEs
say: comfy-api-simplified (queues over HTTP, waits on the websocket, then downloads from /history and
/view by the output node's title) and comfy-toolkit (polls /history until the outputs are there, downloads
through /view). Each runs ComfyUI's smallest video workflow and gets its MP4 back."""
from __future__ import annotations

import pytest

from .conftest import core_workflow

FRAMES, SIZE = 5, 48


def _probe(data: bytes, tmp_path) -> tuple[int, int]:
    from studio.engine.media import probe
    path = tmp_path / "got.mp4"
    path.write_bytes(data)
    info = probe(str(path))
    return info["frames"], info["width"]


def test_comfy_api_simplified_queues_waits_and_downloads_by_title(core_server, tmp_path):
    pytest.importorskip("comfy_api_simplified")
    from comfy_api_simplified import ComfyApiWrapper, ComfyWorkflowWrapper
    url, _ = core_server
    wf = core_workflow(size=SIZE, frames=FRAMES)
    for nid, title in (("1", "Empty Image"), ("2", "Create Video"), ("3", "Save Video")):
        wf[nid]["_meta"] = {"title": title}  # as ComfyUI's 'Save (API)' writes each node
    wf = ComfyWorkflowWrapper(wf)
    wf.set_node_param("Empty Image", "batch_size", FRAMES)
    files = ComfyApiWrapper(url).queue_and_wait_images(wf, "Save Video")
    ((name, data),) = files.items()
    assert name.startswith("ComfyUI_") and name.endswith("_.mp4")
    assert _probe(data, tmp_path) == (FRAMES, SIZE)


def test_comfy_toolkit_submits_waits_and_saves_the_video(core_server, tmp_path):
    pytest.importorskip("comfy_toolkit")
    from comfy_toolkit import ComfyClient, set_filename_prefix
    url, _ = core_server
    client = ComfyClient(url)
    assert client.is_online() and client.queue_status() == {"running": 0, "pending": 0}
    wf = core_workflow(size=SIZE, frames=FRAMES)
    assert set_filename_prefix(wf, "video/toolkit", class_types=("SaveVideo",)) == ["3"]
    pid = client.submit(wf)
    result = client.wait(pid, expect="images", max_wait=60, poll_interval=0.1)
    assert result["status"] == "completed"
    (desc,) = result["images"]  # SaveVideo answers as ComfyUI's does: 'images' with animated: [true]
    assert desc["filename"].startswith("toolkit_") and desc["subfolder"] == "video"
    saved = client.save(desc, tmp_path)
    assert _probe(saved.read_bytes(), tmp_path) == (FRAMES, SIZE)
