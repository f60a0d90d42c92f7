"""ComfyUI's own clients against `main.py serve`: comfy-sdk (Comfy-Org's client of the v2 API) through
comfy-api-proxy (Comfy-Org's v2 API in front of a ComfyUI server), as a pipeline tool would send Studio
a job. A core-node workflow and a tiny Wan text-to-video end completed and their videos download."""
from __future__ import annotations

import os
import sys
import time
import urllib.request

import pytest

from .conftest import Proc, call, core_workflow, free_port, wan_workflow

pytest.importorskip("comfy_sdk")
pytest.importorskip("comfy_api_proxy")


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory):
    url, _ = server
    port = free_port()
    proc = Proc([sys.executable, "-c", "import sys; from comfy_api_proxy.cli import main; sys.exit(main())",
                 "--comfyui", url, "--port", str(port)], dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(base + "/api/v2/health", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.stop()
        raise RuntimeError(f"comfy-api-proxy did not start: {proc.p.stdout.read()[-2000:]}")
    yield base
    proc.stop()


@pytest.fixture
def sdk(proxy, monkeypatch):
    from comfy_sdk import Comfy
    monkeypatch.setenv("COMFY_BASE_URL", proxy)
    monkeypatch.delenv("COMFY_API_KEY", raising=False)
    with Comfy(timeout=60) as client:
        yield client


def _frames(path) -> tuple[int, int]:
    from studio.engine.media import probe
    info = probe(str(path))
    return info["frames"], info["width"]


def test_sdk_runs_a_core_node_workflow_through_the_proxy(sdk, tmp_path):
    wf = sdk.workflows.from_json(core_workflow(size=32, frames=6))
    job = sdk.run(wf, timeout=120)
    assert job.status == "succeeded", job.error  # the v2 API's word for completed
    (out,) = job.get_outputs("3")
    # SaveVideo's file as ComfyUI answers it ('images' with animated: [true]): the proxy calls it an image
    assert out.type == "image" and out.content_type == "video/mp4"
    assert out.name.startswith("ComfyUI_") and out.name.endswith("_.mp4")
    assert _frames(out.to_file(tmp_path / "core.mp4")) == (6, 32)


def test_sdk_runs_a_tiny_wan_text_to_video_through_the_proxy(sdk, tiny_wan, tmp_path):
    wf = sdk.workflows.from_json(wan_workflow(tiny_wan[1]))
    job = sdk.run(wf, timeout=240)
    assert job.status == "succeeded", job.error  # the v2 API's word for completed
    (out,) = job.get_outputs("10")
    assert _frames(out.to_file(tmp_path / "wan.mp4")) == (5, 32)


def test_a_refused_workflow_is_the_proxys_invalid_workflow_naming_the_node(sdk, proxy):
    wf = core_workflow()
    wf["3"]["inputs"]["filename_prefix"] = "../../outside"
    status, body = call(proxy, "/api/v2/jobs", {"workflow": wf})
    assert status == 422 and body["error"]["code"] == "invalid_workflow"
    assert "3" in body["error"]["details"]["node_errors"]


def test_a_wan_job_sends_its_steps_and_preview_frames_to_its_client_that_asked_for_them(server, tiny_wan):
    import asyncio
    import json
    import struct
    import uuid

    import aiohttp
    url, _ = server
    wf = wan_workflow(tiny_wan[1])

    async def run(seed: int, extra: dict):
        wf["7"]["inputs"]["seed"] = seed  # not a run before: sampled again, not read from a cache
        got = []
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(url.replace("http", "ws") + "/ws?clientId=painter") as ws:
                await ws.send_json({"type": "feature_flags", "data": {"supports_preview_metadata": True}})
                pid = str(uuid.uuid4())
                async with s.post(url + "/prompt", json={"prompt": wf, "prompt_id": pid, "client_id": "painter",
                                                         "extra_data": extra}) as r:
                    assert r.status == 200
                while True:
                    m = await asyncio.wait_for(ws.receive(), 120)
                    if m.type == aiohttp.WSMsgType.BINARY:
                        got.append(m.data)
                        continue
                    d = json.loads(m.data)
                    got.append((d["type"], d["data"]))
                    if d["type"] == "executing" and d["data"]["node"] is None:
                        return pid, got
    pid, got = asyncio.run(run(11, {"preview_method": "auto"}))  # as ComfyUI's web page asks for them
    steps = [d for m in got if isinstance(m, tuple) and m[0] == "progress" for d in [m[1]] if d["node"] == "7"]
    assert [d["value"] for d in steps][-1] == 2 and steps[-1]["max"] == 2  # KSampler's steps, in its id
    frames = [m for m in got if isinstance(m, bytes)]
    assert frames and struct.unpack(">I", frames[0][:4])[0] == 4  # PREVIEW_IMAGE_WITH_METADATA
    n = struct.unpack(">I", frames[0][4:8])[0]
    assert json.loads(frames[0][8:8 + n])["prompt_id"] == pid
    pid, got = asyncio.run(run(12, {}))  # none asked for: ComfyUI's server default sends none (text messages only)
    assert [m for m in got if isinstance(m, tuple) and m[0] == "progress"] and not any(isinstance(m, bytes) for m in got)
