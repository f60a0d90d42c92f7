"""`main.py serve` as a plain HTTP and websocket client sees it: the order of a run's messages, each
routed to the client that submitted it; 100 jobs queued at once; a client leaving mid-run; refused
workflows answered 400 naming the node, the server still answering; the safety checks."""
from __future__ import annotations

import asyncio
import json
import os
import time
import uuid

import pytest

from .conftest import call, core_workflow, start_server, wait_history

aiohttp = pytest.importorskip("aiohttp")


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """A server with no models (the core nodes only): (url, its folder)."""
    root = tmp_path_factory.mktemp("serve-plain")
    proc, url = start_server(root, extra=("--max-upload-mb", "1"))
    yield url, root / "serve"
    proc.stop()


async def _listen(url: str, client: str, prompt: dict | None, until_prompt_end: bool = True, leave_after=None,
                  until: asyncio.Event | None = None):
    """Messages one websocket client receives (with ComfyUI's feature_flags handshake), submitting
    ``prompt`` as that client once connected; ends at the prompt's final 'executing' (node None), or
    without a prompt after 1.5 s of silence, or (``until``) 0.5 s after that event is set."""
    got: list = []
    async with aiohttp.ClientSession() as s:
        async with s.ws_connect(url.replace("http", "ws") + f"/ws?clientId={client}") as ws:
            await ws.send_json({"type": "feature_flags", "data": {"supports_preview_metadata": True}})
            pid, end = None, None
            if prompt is not None:
                pid = str(uuid.uuid4())
                async with s.post(url + "/prompt", json={"prompt": prompt, "prompt_id": pid, "client_id": client}) as r:
                    assert r.status == 200, await r.text()
            while True:
                if until is not None and end is None and until.is_set():
                    end = asyncio.get_running_loop().time() + 0.5
                try:
                    msg = await asyncio.wait_for(ws.receive(), 60 if until_prompt_end else 1.5 if until is None else 0.1)
                except asyncio.TimeoutError:
                    if until is None or (end is not None and asyncio.get_running_loop().time() >= end):
                        break
                    continue
                if msg.type == aiohttp.WSMsgType.BINARY:
                    got.append(("binary", msg.data))
                    continue
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                m = json.loads(msg.data)
                got.append((m["type"], m["data"]))
                if leave_after and m["type"] == leave_after:
                    break
                if until_prompt_end and m["type"] == "executing" and m["data"]["node"] is None \
                        and m["data"].get("prompt_id") == pid:
                    break
    return got, pid


def test_run_messages_come_in_comfyuis_order_to_the_submitting_client_only(plain):
    url, _ = plain

    async def both():
        alice_done = asyncio.Event()  # bob listens through alice's whole run and 0.5 s after it

        async def alice():
            try:
                return await _listen(url, "alice", core_workflow(frames=3))
            finally:
                alice_done.set()
        return await asyncio.gather(alice(), _listen(url, "bob", None, until_prompt_end=False, until=alice_done))
    (a, pid), (b, _) = asyncio.run(both())
    kinds = [k for k, _ in a if k != "status"]
    assert a[0][0] == "status" and a[0][1]["sid"] == "alice"
    assert kinds[0] == "feature_flags" and kinds[1:3] == ["execution_start", "execution_cached"]
    order = [k for k in kinds if k in ("executing", "executed", "execution_success")]
    assert order[-2:] == ["execution_success", "executing"] and "executed" in order
    executed = next(d for k, d in a if k == "executed")
    assert executed["node"] == "3" and executed["prompt_id"] == pid  # the workflow's own SaveVideo id
    assert executed["output"]["animated"] == [True] and executed["output"]["images"][0]["subfolder"] == "video"
    # once for every node that runs, in order: CreateVideo (folded into Solid Colour's clip) too
    assert [d["node"] for k, d in a if k == "executing"] == ["1", "2", "3", None]
    last = [d for k, d in a if k == "progress_state"][-1]
    assert last["prompt_id"] == pid and last["nodes"]["3"]["state"] == "finished"
    assert {k for k, _ in b} <= {"status", "feature_flags"}  # bob hears the queue, never alice's run


def test_history_queue_view_and_interrupt(plain):
    url, _ = plain
    pid = str(uuid.uuid4())
    assert call(url, f"/history/{pid}") == (200, {})  # unknown, then {} until the job ends
    status, body = call(url, "/prompt", {"prompt": core_workflow(frames=2), "prompt_id": pid, "client_id": "c"})
    assert status == 200 and body["prompt_id"] == pid and body["node_errors"] == {}
    h = wait_history(url, pid)
    assert h["status"]["status_str"] == "success" and h["status"]["completed"]
    item = h["outputs"]["3"]["images"][0]
    q = f"/view?filename={item['filename']}&subfolder={item['subfolder']}&type=output"
    whole = call(url, q)[1]
    status, part = call(url, q, headers={"Range": "bytes=4-11"})
    assert status == 206 and part == whole[4:12] and whole[4:8] == b"ftyp"
    assert call(url, "/view?filename=../queue/queue.json&type=output")[0] == 400
    assert call(url, "/view?filename=queue.json&subfolder=..&type=output")[0] == 400
    assert call(url, "/interrupt", {})[0] == 200  # nothing running: nothing happens
    assert call(url, "/queue") == (200, {"queue_running": [], "queue_pending": []})


def test_a_hundred_jobs_queue_and_a_client_leaving_mid_run_stops_nothing(plain):
    url, _ = plain
    ids = []
    for k in range(100):
        pid = str(uuid.uuid4())
        status, _ = call(url, "/prompt", {"prompt": core_workflow(size=16, frames=1, prefix=f"many/j{k}"),
                                          "prompt_id": pid, "client_id": "gone"})
        assert status == 200
        ids.append(pid)
    status, q = call(url, "/queue")
    listed = [i[1] for i in q["queue_running"] + q["queue_pending"]] + [i for i in ids if call(url, f"/history/{i}")[1]]
    assert set(ids) <= set(listed)
    # the submitting client connects and leaves after the first message of a run
    asyncio.run(_listen(url, "gone", core_workflow(size=16, frames=2), leave_after="execution_start"))
    for pid in ids:
        assert wait_history(url, pid)["status"]["status_str"] == "success"
    status, hist = call(url, "/history?max_items=3")
    assert status == 200 and len(hist) == 3


def test_extra_data_is_kept_with_the_job_and_history_pages_by_offset(plain):
    url, folder = plain
    extra = {"extra_pnginfo": {"workflow": {"nodes": [1, 2]}}, "api_key_comfy_org": "s3cret-key"}
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for pid in ids:
        body = {"prompt": core_workflow(size=16, frames=1), "prompt_id": pid, "client_id": "pager", "extra_data": extra}
        assert call(url, "/prompt", body)[0] == 200
    kept = wait_history(url, ids[0])["prompt"][3]
    assert kept == {"extra_pnginfo": {"workflow": {"nodes": [1, 2]}}, "client_id": "pager"}  # ComfyUI's secret left out
    assert not any("s3cret-key" in f.read_text() for f in (folder / "extra").iterdir())
    for pid in ids:
        wait_history(url, pid)
    every = list(call(url, "/history")[1])
    assert every[-3:] == ids
    assert list(call(url, "/history?max_items=2")[1]) == every[-2:]
    assert list(call(url, "/history?offset=1&max_items=2")[1]) == every[1:3]
    assert list(call(url, f"/history?offset={len(every) - 1}")[1]) == every[-1:]
    assert call(url, "/prompt", {"prompt": core_workflow(), "extra_data": [1]})[0] == 400
    assert call(url, "/history", {"delete": [ids[0]]})[0] == 200
    assert call(url, f"/history/{ids[0]}")[1] == {} and not (folder / "extra" / f"{ids[0]}.json").exists()


def test_hostile_requests_are_400_naming_the_node_and_the_server_goes_on(plain):
    url, folder = plain
    cases = [
        ({"prompt": {"1": {"class_type": "os.system", "inputs": {}}}}, "1"),
        ({"prompt": {"1": {"inputs": {}}}}, None),
        ({"prompt": core_workflow(prefix="/abs/x")}, "3"),
        ({"prompt": core_workflow(), "prompt_id": "not-a-uuid"}, None),
        ({"prompt": "[" * 100000}, None),
        ({"no": "prompt"}, None),
    ]
    for body, node in cases:
        status, answer = call(url, "/prompt", body)
        assert status == 400 and answer["error"]["message"], body
        if node:
            assert node in answer["node_errors"], answer
    assert call(url, "/prompt", b"{not json")[0] == 400
    assert call(url, "/prompt", b'{"prompt": ' + b"[" * 200000 + b"]" * 200000 + b"}")[0] == 400  # no RecursionError
    assert call(url, "/prompt", b'{"prompt": {"1": NaN}}')[0] == 400
    assert call(url, "/prompt", {"prompt": core_workflow(frames=1)})[0] == 200  # still serving
    assert not (folder.parent / "abs").exists()


def test_a_value_out_of_range_is_400_in_comfyuis_shape_and_nothing_is_queued(plain):
    url, _ = plain
    body = json.dumps({"prompt": core_workflow(), "client_id": "v"}).replace('"fps": 8', '"fps": 1e999').encode()
    status, answer = call(url, "/prompt", body)  # JSON's 1e999 reads as inf: refused, never made 24
    assert status == 400 and answer["error"]["type"] == "prompt_outputs_failed_validation"
    (e,) = answer["node_errors"]["2"]["errors"]
    assert e["type"] == "value_bigger_than_max" and e["extra_info"]["input_name"] == "fps"
    wf = core_workflow()
    wf["1"]["inputs"]["width"] = "abc"
    status, answer = call(url, "/api/prompt", {"prompt": wf})
    assert status == 400 and answer["node_errors"]["1"]["errors"][0]["type"] == "invalid_input_type"
    assert answer["node_errors"]["1"]["dependent_outputs"] == ["3"] and answer["node_errors"]["1"]["class_type"] == \
        "EmptyImage"
    status, answer = call(url, "/prompt", {"prompt": core_workflow(size=4096, frames=2000)})  # 375 GB as ComfyUI has it
    assert status == 400 and answer["node_errors"]["1"]["errors"][0]["extra_info"]["studio_type"] == "job_too_large"
    assert call(url, "/queue")[1]["queue_pending"] == []


@pytest.mark.parametrize("path", ["/etc/passwd", "../serve/queue/queue.json", "~/.ssh/id_rsa"])
def test_a_file_read_from_outside_the_input_folder_is_refused_naming_the_node(path, tmp_path):
    from studio.core.graph import Graph
    from studio.serve.api.output_names import Refused, place_files
    g = Graph()
    n = g.add_node("io.load_image", {"path": path})

    def refuse(nid, message):
        return Refused(message, {"7": {"node": nid}})
    with pytest.raises(Refused, match="only files in the input folder") as e:
        place_files(g, {n.id: "7"}, {"7": {"class_type": "LoadImage", "inputs": {}}}, None, refuse)
    assert e.value.node_errors == {"7": {"node": n.id}}


def test_uploads_land_in_the_input_folder_capped_and_named(plain):
    url, folder = plain

    async def up(name: str, data: bytes, **fields):
        form = aiohttp.FormData()
        form.add_field("image", data, filename=name)
        for k, v in fields.items():
            form.add_field(k, v)
        async with aiohttp.ClientSession() as s:
            async with s.post(url + "/upload/image", data=form) as r:
                return r.status, (await r.json() if r.status == 200 else await r.text())
    assert asyncio.run(up("clip.mp4", b"x" * 10)) == (200, {"name": "clip.mp4", "subfolder": "", "type": "input"})
    assert asyncio.run(up("clip.mp4", b"y" * 10))[1]["name"] == "clip (1).mp4"  # other bytes: a new name
    assert asyncio.run(up("voice.wav", b"RIFF"))[0] == 200
    assert (folder / "input" / "clip.mp4").read_bytes() == b"x" * 10
    assert asyncio.run(up("run.py", b"import os"))[0] == 400
    assert asyncio.run(up("a.png", b"x", subfolder="../.."))[0] == 400
    assert asyncio.run(up("a.png", b"x", type="elsewhere"))[0] == 400
    assert asyncio.run(up("big.mp4", b"x" * (3 * 2**20)))[0] == 413  # over --max-upload-mb 1
    assert not (folder / "input" / "big.mp4").exists()


def test_a_mask_is_laid_over_its_image_as_alpha_and_output_takes_uploads(plain):
    import io

    import numpy as np
    from PIL import Image
    url, folder = plain

    def png(mode: str, size, data) -> bytes:
        buf = io.BytesIO()
        Image.fromarray(np.asarray(data, np.uint8).reshape(size[1], size[0], len(mode)), mode).save(buf, "PNG")
        return buf.getvalue()

    async def up(route: str, name: str, data: bytes, **fields):
        form = aiohttp.FormData()
        form.add_field("image", data, filename=name)
        for k, v in fields.items():
            form.add_field(k, v)
        async with aiohttp.ClientSession() as s:
            async with s.post(url + route, data=form) as r:
                return r.status, (await r.json() if r.status == 200 else await r.text())
    rgb = np.arange(4 * 3 * 3) * 7 % 256
    assert asyncio.run(up("/upload/image", "orig.png", png("RGB", (4, 3), rgb), type="output"))[0] == 200
    assert (folder / "output" / "orig.png").exists()  # type=output, as ComfyUI takes it
    alpha = np.array([0, 255, 128, 7] * 3)
    mask = png("RGBA", (4, 3), np.stack([np.zeros(12), np.zeros(12), np.zeros(12), alpha], 1))
    ref = json.dumps({"filename": "orig.png", "subfolder": "", "type": "output"})
    status, said = asyncio.run(up("/upload/mask", "clipspace-mask.png", mask, original_ref=ref))
    assert status == 200 and said == {"name": "clipspace-mask.png", "subfolder": "", "type": "input"}
    made = np.asarray(Image.open(folder / "input" / "clipspace-mask.png"))
    assert made.shape == (3, 4, 4) and (made[..., 3].ravel() == alpha).all()
    assert (made[..., :3].ravel() == rgb).all()  # the image's own colours kept
    small = png("RGBA", (2, 2), np.zeros(16))
    assert "same size" in asyncio.run(up("/upload/mask", "m.png", small, original_ref=ref))[1]
    assert "alpha" in asyncio.run(up("/upload/mask", "m.png", png("RGB", (4, 3), rgb), original_ref=ref))[1]
    for bad in (json.dumps({"filename": "../queue/queue.json", "type": "output"}), "{not json",
                json.dumps({"filename": "nosuch.png"})):
        assert asyncio.run(up("/upload/mask", "m.png", mask, original_ref=bad))[0] == 400, bad
    assert not (folder / "input" / "m.png").exists()


def test_models_folders_files_metadata_and_free_as_comfyui_answers_them(plain):
    import struct
    url, folder = plain
    models = folder.parent / "models"  # the server's STUDIO_MODELS

    def safetensors(path, meta):
        header = json.dumps({"__metadata__": meta} if meta is not None else {}).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(struct.pack("<Q", len(header)) + header)
    safetensors(models / "loras" / "style" / "red.safetensors", {"ss_tag_frequency": "red ball"})
    safetensors(models / "loras" / "plain.safetensors", None)
    safetensors(models / "diffusion_models" / "wan.safetensors", {"format": "pt"})
    status, names = call(url, "/models")
    assert status == 200 and {"loras", "diffusion_models", "vae", "text_encoders", "checkpoints"} <= set(names)
    assert call(url, "/models/loras") == (200, ["plain.safetensors", "style/red.safetensors"])
    assert call(url, "/api/models/diffusion_models")[1] == ["wan.safetensors"]
    assert call(url, "/models/nosuch")[0] == 404
    assert call(url, "/view_metadata/loras?filename=style/red.safetensors") == (200, {"ss_tag_frequency": "red ball"})
    for q in ("loras?filename=plain.safetensors", "loras?filename=../diffusion_models/wan.safetensors",
              "loras?filename=%2Fetc%2Fpasswd", "vae?filename=style/red.safetensors", "loras"):
        assert call(url, f"/view_metadata/{q}")[0] == 404, q
    assert call(url, "/free", {"unload_models": True, "free_memory": True})[0] == 200
    assert call(url, "/api/free", {})[0] == 200


def test_free_unloads_the_models_kept_and_with_free_memory_the_results_too():
    from studio.serve.bridge.memory import Memory
    memory = Memory()
    memory.models.put("wan", object(), "cpu", 1000)
    ex = memory.executor()
    ex.cache.put("a result", object(), 10)
    assert memory.free(False, False) == (0, 0) and len(memory.models) == 1
    assert memory.free(True, False) == (1, 1000) and len(memory.models) == 0 and len(ex.cache) == 1
    memory.free(False, True)
    assert len(ex.cache) == 0


def test_view_makes_comfyuis_previews_and_channels_of_an_image(plain):
    import io

    import numpy as np
    from PIL import Image
    url, folder = plain
    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = 200, np.arange(8, dtype=np.uint8) * 30
    Image.fromarray(rgba, "RGBA").save(folder / "input" / "see.png")
    q = "/view?filename=see.png&type=input"

    def image(path):
        status, raw = call(url, path)
        assert status == 200, path
        return Image.open(io.BytesIO(raw))
    assert image(q + "&preview=jpeg;50").format == "JPEG"
    assert image(q + "&preview=jpeg;50&channel=rgba").format == "WEBP"  # alpha asked for: webp keeps it
    assert image(q + "&preview=bmp").format == "WEBP"
    rgb = image(q + "&channel=rgb")
    assert rgb.mode == "RGB" and rgb.getpixel((0, 0)) == (200, 0, 0)
    a = np.asarray(image(q + "&channel=a"))
    assert (a[..., 3] == rgba[..., 3]).all() and not a[..., :3].any()
    assert call(url, q)[1] == (folder / "input" / "see.png").read_bytes()  # as it is
    assert call(url, q + "&channel=nonsense")[1] == (folder / "input" / "see.png").read_bytes()


def test_object_info_stats_and_the_origin_check(plain):
    url, _ = plain
    status, info = call(url, "/object_info")
    assert status == 200 and {"EmptyImage", "CreateVideo", "SaveVideo", "KSampler", "io.save_video"} <= set(info)
    assert info["SaveVideo"]["output_node"] and info["EmptyImage"]["input"]["required"]["width"][0] == "INT"
    assert info["procedural.solid"]["input"]["required"]["frames"][0] == "INT"
    assert call(url, "/system_stats")[1]["devices"]
    # /api/... as ComfyUI has it too; a job another test of the module queued on this server may still be running
    deadline = time.monotonic() + 60
    while (got := call(url, "/api/prompt")[1]) != {"exec_info": {"queue_remaining": 0}} and time.monotonic() < deadline:
        assert set(got) == {"exec_info"} and isinstance(got["exec_info"]["queue_remaining"], int), got
        time.sleep(0.1)
    assert got == {"exec_info": {"queue_remaining": 0}}
    port = url.rsplit(":", 1)[1]
    assert call(url, "/queue", headers={"Origin": "http://evil.example"})[0] == 403
    assert call(url, "/queue", headers={"Origin": f"http://127.0.0.1:{port}"})[0] == 200


def test_a_host_not_this_machine_is_refused_against_dns_rebinding(plain):
    url, _ = plain
    port = url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "localhost@evil.example", "[::2]",
                 "localhost:notaport"):
        assert call(url, "/queue", headers={"Host": host})[0] == 403, host
    for host in (f"localhost:{port}", "127.0.0.1", f"127.0.0.1:{port}", "[::1]", "LOCALHOST"):
        assert call(url, "/queue", headers={"Host": host})[0] == 200, host


def test_answers_quote_no_folder_of_the_machine_and_a_nul_name_is_400(plain):
    from .conftest import wan_workflow
    url, folder = plain
    root = str(folder.parent)
    status, answer = call(url, "/prompt", {"prompt": wan_workflow("sub/nosuch.safetensors")})
    text = json.dumps(answer)
    assert status == 400 and "not found" in text and "sub/nosuch.safetensors" in text
    assert root not in text and os.path.expanduser("~") + "/" not in text, text  # 'models/...' instead

    def up(disposition: bytes) -> int:  # written by hand: aiohttp's client refuses to send a NUL
        body = (b"--b\r\nContent-Disposition: form-data; name=\"image\"; " + disposition +
                b"\r\nContent-Type: image/png\r\n\r\nx\r\n--b--\r\n")
        return call(url, "/upload/image", body, headers={"Content-Type": "multipart/form-data; boundary=b"})[0]
    assert up(b'filename="a\x00.png"') == 400
    assert up(b"filename*=utf-8''a%00.png") == 400
    assert up(b"filename*=utf-8''a%00%2F..%2F..%2Fx.png") == 400
    assert up(b"filename*=utf-8''%FF%FE.png") in (200, 400)  # not UTF-8: never a 500
    assert call(url, "/view?filename=a%00.png&type=input")[0] == 400


def test_public_names_the_servers_and_the_models_folders_and_hides_any_other(tmp_path):
    from studio.serve.checks.public import Public
    p = Public([(str(tmp_path / "srv" / "input"), "input"), (str(tmp_path / "models"), "models")])
    said = p.text(f"model 'a/b.safetensors' not found: looked in {tmp_path}/models, /home/someone/models. "
                  f"'{tmp_path}/srv/input/clip one.mp4'? /etc/passwd; C:\\Users\\me\\x.png; route /prompt")
    assert said == ("model 'a/b.safetensors' not found: looked in models, …/models. 'input/clip one.mp4'? "
                    "…/passwd; …\\x.png; route /prompt")
    assert p.answer({"a": [f"{tmp_path}/models/wan/m.safetensors", 5]}) == {"a": ["models/wan/m.safetensors", 5]}


def test_a_server_off_this_machine_needs_a_token(tmp_path):
    from studio.core.errors import StudioError
    from studio.serve.app import serve
    with pytest.raises(StudioError, match="needs a token"):
        serve("0.0.0.0", 0, str(tmp_path / "s"), None, 1)
    assert not (tmp_path / "s").exists()


def test_preview_frames_carry_comfyuis_header_and_metadata():
    import struct

    import numpy as np

    from studio.serve.bridge.records import legacy_preview, preview_frame
    frame = preview_frame(np.full((8, 12, 3), 0.5, np.float32), {"node_id": "7", "prompt_id": "p"})
    kind, n = struct.unpack(">II", frame[:8])
    assert kind == 4 and json.loads(frame[8:8 + n]) == {"node_id": "7", "prompt_id": "p"}
    assert frame[8 + n:8 + n + 2] == b"\xff\xd8"  # a JPEG
    old = legacy_preview(frame)
    assert struct.unpack(">II", old[:8]) == (1, 1) and old[8:] == frame[8 + n:]  # PREVIEW_IMAGE, JPEG
    assert preview_frame(None, {}) is None


def test_a_kill_9_of_the_server_loses_no_queued_job(tmp_path):
    import signal
    proc, url = start_server(tmp_path)
    try:
        long_one = str(uuid.uuid4())
        assert call(url, "/prompt", {"prompt": core_workflow(size=256, frames=3000), "prompt_id": long_one})[0] == 200
        waiting = [str(uuid.uuid4()) for _ in range(3)]
        for pid in waiting:
            assert call(url, "/prompt", {"prompt": core_workflow(size=16, frames=1), "prompt_id": pid})[0] == 200
        status, q = call(url, "/queue")
        assert [i[1] for i in q["queue_pending"]] == waiting  # the long one runs; three wait
        video = tmp_path / "serve" / "output" / "video"
        end = time.monotonic() + 60
        while not (video.is_dir() and any(n.startswith(".render-") for n in os.listdir(video))):
            assert time.monotonic() < end, "the long job's video was never being encoded"
            time.sleep(0.05)
    finally:
        proc.p.send_signal(signal.SIGKILL)
        proc.p.wait()
    proc, url = start_server(tmp_path)  # the same folders
    try:
        assert not [n for n in os.listdir(video) if n.startswith(".render-")]  # the half-encoded video removed
        for pid in waiting:
            assert wait_history(url, pid)["status"]["status_str"] == "success"
        h = wait_history(url, long_one)
        assert h["status"]["status_str"] == "error" and h["outputs"] == {}
        end = h["status"]["messages"][-1][1]
        assert "interrupted" in end["exception_message"] and "wrote its files" in end["exception_message"]
        assert (end["node_id"], end["node_type"]) == ("3", "SaveVideo")  # the workflow's node that was writing
    finally:
        proc.stop()


def test_interrupt_and_cancel_end_jobs_as_comfyui_says_so(plain):
    url, _ = plain
    waiting = str(uuid.uuid4())

    async def run():
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(url.replace("http", "ws") + "/ws?clientId=stopper") as ws:
                long_one = str(uuid.uuid4())
                for pid, wf in ((long_one, core_workflow(size=256, frames=3000)), (waiting, core_workflow(frames=1))):
                    async with s.post(url + "/prompt", json={"prompt": wf, "prompt_id": pid, "client_id": "stopper"}) as r:
                        assert r.status == 200
                async with s.post(url + f"/api/jobs/{waiting}/cancel") as r:  # queued: cancelled at once
                    assert r.status == 200 and (await r.json())["cancelled"]
                kinds = []
                while True:
                    m = await asyncio.wait_for(ws.receive_json(), 60)
                    kinds.append(m["type"])
                    if m["type"] == "execution_start":
                        async with s.post(url + "/interrupt", json={"prompt_id": long_one}) as r:
                            assert r.status == 200
                    if m["type"] == "executing" and m["data"]["node"] is None:
                        return long_one, kinds
    long_one, kinds = asyncio.run(run())
    assert kinds.index("execution_interrupted") == len(kinds) - 2 and "execution_success" not in kinds
    for pid in (long_one, waiting):
        h = wait_history(url, pid)
        assert h["status"]["status_str"] == "error" and h["status"]["messages"][-1][0] == "execution_interrupted"
    assert call(url, f"/api/jobs/{uuid.uuid4()}/cancel", {})[0] == 404


def test_with_a_token_every_request_must_bring_it(tmp_path):
    proc, url = start_server(tmp_path, extra=("--token", "s3cret"))
    try:
        assert call(url, "/queue")[0] == 401
        assert call(url, "/queue", headers={"Authorization": "Bearer wrong"})[0] == 401
        assert call(url, "/queue", headers={"Authorization": "Bearer s3cret"})[0] == 200
        assert call(url, "/api/prompt?token=s3cret")[0] == 200  # a websocket client may only have the query

        async def ws(q: str):
            async with aiohttp.ClientSession() as s:
                try:
                    async with s.ws_connect(url.replace("http", "ws") + "/ws" + q) as w:
                        return (await w.receive_json())["type"]
                except aiohttp.WSServerHandshakeError as e:
                    return e.status
        assert asyncio.run(ws("?clientId=a")) == 401 and asyncio.run(ws("?clientId=a&token=s3cret")) == "status"
    finally:
        proc.stop()


def test_the_server_imports_torch_once_before_its_worker_starts():
    """kill -9 with jobs waiting, then a restart: the worker's first job and a client's request imported torch on two
    threads at once ("partially initialized module 'torch'"); the server imports it on one thread first (_warm)."""
    import subprocess
    import sys
    code = ("import sys; from studio.serve.app import _warm; assert 'torch' not in sys.modules; _warm(); "
            "print('torch' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "True", r.stderr[-800:]
