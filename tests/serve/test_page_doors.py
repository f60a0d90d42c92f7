"""The server's doors for ComfyUI's page and its clients (issue 113): one set of security headers on
every path the page is reached by, /internal/files and /internal/logs, upload names measured as
written and the upload cap per file, links of any kind never served. In this process (aiohttp's
test client), no model runs."""
from __future__ import annotations

import asyncio
import os

import pytest
import yarl
from aiohttp import FormData

from studio.serve.page import frontend

from .test_web_page import served


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))


async def raw_get(c, path: str):
    """GET ``path`` exactly as written ('//index.html' is not made a host)."""
    return await c.session.get(yarl.URL(f"http://127.0.0.1:{c.port}{path}", encoded=True), allow_redirects=False)


def test_every_path_of_the_page_has_the_same_security_headers(tmp_path):
    folder = frontend.static_folder()
    paths = ["/", "/index.html", "/index.html?x=1", "//index.html", "/templates/index.json", "/api/prompt",
             "/no-such-file.js", "/user.css", "/internal/logs"]
    if folder is not None:
        script = next(f for f in sorted(os.listdir(os.path.join(folder, "assets"))) if f.endswith(".js"))
        paths += [f"/assets/{script}", "/scripts/api.js", "/index.html/assets/favicon.ico"]

    async def go():
        async with served(tmp_path) as (c, _):
            seen = {}
            for p in paths:
                r = await raw_get(c, p)
                assert r.status < 500, p
                seen[p] = r.headers.get("Content-Security-Policy")
                assert r.headers.get("X-Content-Type-Options") == "nosniff", p
                assert r.headers.get("X-Frame-Options") == "SAMEORIGIN", p
            csp = seen["/"]
            assert set(seen.values()) == {csp}  # one policy, whatever the path
            for part in ("default-src 'self'", "frame-ancestors 'self'", "img-src 'self' data: blob:",
                         f"connect-src 'self' ws://127.0.0.1:{c.port}"):
                assert part in csp
            assert "https:" not in csp and "*" not in csp  # nothing elsewhere
            if folder is not None:
                r = await raw_get(c, "/index.html/assets/favicon.ico")  # the page opened as /index.html
                assert r.status == 301 and r.headers["Location"] == "/assets/favicon.ico"
                assert (await raw_get(c, "/index.html/\\\\evil.example")).status == 404  # never another site
                page = await (await raw_get(c, "/index.html")).text()
                from studio.serve.checks.headers import inline_hashes
                assert inline_hashes(page) and all(h in csp for h in inline_hashes(page))  # its own script runs
    run(go())


def test_internal_files_and_logs_answer_as_comfyui_does(tmp_path):
    async def go():
        async with served(tmp_path) as (c, server):
            with open(os.path.join(server.folders.input, "a.png"), "wb") as f:
                f.write(b"x")
            os.makedirs(os.path.join(server.folders.input, "sub"))
            assert await (await c.get("/internal/files/input")).json() == ["a.png"]  # files, not folders
            assert await (await c.get("/internal/files/output")).json() == []
            assert (await c.get("/internal/files/models")).status == 400
            server.log.say(f"a line naming {server.folders.input}")
            text = await (await c.get("/internal/logs")).text()
            assert "a line naming input" in text and server.folders.root not in text  # no path of this machine
            raw = await (await c.get("/internal/logs/raw")).json()
            assert raw["entries"][-1]["m"].startswith("a line") and {"t", "m"} <= set(raw["entries"][0])
            assert (await c.patch("/internal/logs/subscribe", json={"enabled": True, "clientId": "x"})).status == 200
    run(go())


def _form(name: str, data: bytes = b"\x89PNG....") -> FormData:
    form = FormData()
    form.add_field("image", data, filename=name, content_type="image/png")
    return form


def test_upload_names_are_measured_as_written_and_the_cap_is_per_file(tmp_path):
    async def go():
        async with served(tmp_path) as (c, server):
            server.files.max_upload = 1000  # the cap as main.py serve --max-upload-mb sets it, made small
            for n in (242, 250, 255):
                name = "a" * (n - 4) + ".png"
                r = await c.post("/upload/image", data=_form(name))
                assert r.status == 200 and (await r.json())["name"] == name, n
            r = await c.post("/upload/image", data=_form("a" * 251 + ".png", b"other"))  # ' (1)' would not fit in 255
            assert r.status == 400 and "shorter name" in await r.text()
            for name in ("b" * 496 + ".png", "é" * 200 + ".png"):  # 500 characters; 404 bytes
                r = await c.post("/upload/image", data=_form(name))
                assert r.status == 400 and "bytes as written" in await r.text()
            assert (await c.post("/upload/image", data=_form("full.png", b"x" * 1000))).status == 200
            r = await c.post("/upload/image", data=_form("over.png", b"x" * 1001))
            assert r.status == 413 and "1,001 bytes" in await r.text()
            assert not os.path.exists(os.path.join(server.folders.input, "over.png"))
            assert not [f for f in os.listdir(server.folders.input) if f.endswith(".part")]
    run(go())


def test_links_of_any_kind_are_never_served(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")

    async def go():
        async with served(tmp_path) as (c, server):
            inp = server.folders.input
            os.link(secret, os.path.join(inp, "hard.png"))
            os.symlink(secret, os.path.join(inp, "soft.png"))
            with open(os.path.join(inp, "plain.png"), "wb") as f:
                f.write(b"plain")
            os.symlink(inp, os.path.join(server.folders.output, "linked"))
            assert (await c.get("/view", params={"filename": "plain.png", "type": "input"})).status == 200
            for q in ({"filename": "hard.png", "type": "input"}, {"filename": "soft.png", "type": "input"},
                      {"filename": "plain.png", "type": "output", "subfolder": "linked"}):
                r = await c.get("/view", params=q)
                assert r.status == 400 and b"secret" not in await r.read(), q
            os.link(secret, os.path.join(server.files.user.folder, "w.json"))
            assert (await c.get("/api/userdata/w.json")).status == 400
    run(go())


@pytest.mark.parametrize("cls", ["EmptyLTXVLatentVideo", "Wan22ImageToVideoLatent"])
def test_the_video_latents_declared_ranges_are_served_and_enforced(tmp_path, cls):
    async def go():
        async with served(tmp_path) as (c, _):
            info = (await (await c.get(f"/object_info/{cls}")).json())[cls]
            width = info["input"]["required"]["width"]
            assert width[0] == "INT" and width[1]["min"] >= 32 and width[1]["max"] == 16384  # as ComfyUI declares
            answers = {}
            for v in (-5, 0, "abc", 10**9):
                inputs = {"width": v, "height": 512, "length": 9, "batch_size": 1}
                r = await c.post("/prompt", json={"prompt": {"1": {"class_type": cls, "inputs": inputs}}})
                body = await r.json()
                (e,) = [e for e in body["node_errors"]["1"]["errors"] if e["extra_info"].get("input_name") == "width"]
                assert r.status == 400
                answers[v] = e["type"]
            assert answers == {-5: "value_smaller_than_min", 0: "value_smaller_than_min", "abc": "invalid_input_type",
                               10**9: "value_bigger_than_max"}
    run(go())


def test_output_names_follow_the_node_and_never_repeat(tmp_path):
    from studio.serve.checks.folders import Folders
    from studio.serve.files.names import OutputNames
    folders = Folders(str(tmp_path / "serve"))
    os.makedirs(os.path.join(folders.output, "video"))
    open(os.path.join(folders.output, "video", "ComfyUI_00007_.mp4"), "wb").close()
    names = OutputNames(folders)
    got = [names.name("video/ComfyUI", ".mp4"),
           names.name("ComfyUI", ".mp4"),  # another folder: the name's counter goes on
           names.name("clips/out", ".webm"), names.name("clips/out", ".webm"),
           names.name("ComfyUI_temp", ".png", "temp")]  # a preview, in temp/
    rel = [os.path.relpath(p, folders.output) for p in got[:4]]
    assert rel == [os.path.join("video", "ComfyUI_00008_.mp4"), "ComfyUI_00009_.mp4",
                   os.path.join("clips", "out_00001_.webm"), os.path.join("clips", "out_00002_.webm")]
    assert got[4] == os.path.join(folders.dirs["temp"], "ComfyUI_temp_00001_.png")
    with pytest.raises(ValueError):
        names.name("../outside", ".mp4")
    import threading
    many: list[str] = []
    threads = [threading.Thread(target=lambda: many.extend(names.name("race", ".png") for _ in range(50)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(many)) == 200  # taken under one lock: never one name twice


def test_the_page_is_given_studios_one_extension(tmp_path):
    from studio.serve.page import extension

    async def go():
        async with served(tmp_path) as (c, _):
            assert await (await c.get("/api/extensions")).json() == [extension.URL]
            r = await c.get(extension.URL)
            text = await r.text()
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/javascript")
            assert "beforeConfigureGraph" in text and '"models"' in text and "http" not in text
    run(go())


def test_the_users_style_sheet_is_an_empty_one_until_there_is_one(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            r = await c.get("/api/userdata/user.css")  # nosniff: a style sheet must say it is one, even empty
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/css") and await r.text() == ""
            assert (await c.get("/api/userdata/other.css")).status == 404
    run(go())


def test_the_page_is_told_studios_sentence_for_each_missing_model(tmp_path):
    from studio.serve.page import extension

    from .conftest import wan_workflow
    wf = wan_workflow("wan2.1_t2v_1.3B_fp16.safetensors")
    wf["9b"] = {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}}
    wf["4"]["inputs"]["clip_vision"] = ["9b", 0]  # used, so it is checked

    async def go():
        async with served(tmp_path) as (c, _):
            said = await (await c.post(extension.MISSING, json={"prompt": wf})).json()
            assert (await (await c.post(extension.MISSING, data=b"{")).json())["lines"] == []
            return said
    said = run(go())
    assert "never downloads" in said["summary"]
    text = "\n".join(said["lines"])
    assert "'wan2.1_t2v_1.3B_fp16.safetensors' is not in the models folders' diffusion_models/" in text
    assert "clip_vision/" in text and "this machine has none" in text and "Studio never downloads" in text


def test_every_number_object_info_lists_has_a_declared_range_that_prompt_holds(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            info = await (await c.get("/object_info")).json()
            numbers = [(cls, name, spec[1]) for cls, e in info.items() for sect in ("required", "optional")
                       for name, spec in (e["input"].get(sect) or {}).items()
                       if isinstance(spec, list) and spec and spec[0] in ("INT", "FLOAT")
                       and not cls.startswith("test.")]  # other tests' stand-in nodes, in the shared registry
            assert len(numbers) > 100
            assert [f"{cls}.{name}" for cls, name, o in numbers if "min" not in o or "max" not in o] == []
            # one of the newer types (nodes_scail.py's declaration): past its max is refused, naming the input
            scail = info["WanSCAILToVideo"]["input"]["required"]["pose_strength"][1]
            assert (scail["min"], scail["max"]) == (0.0, 10.0)
            r = await c.post("/prompt", json={"prompt": {"1": {"class_type": "WanSCAILToVideo",
                                                                "inputs": {"pose_strength": 10.5}}}})
            body = await r.json()
            got = {e["extra_info"].get("input_name"): e["type"] for e in body["node_errors"]["1"]["errors"]}
            assert r.status == 400 and got["pose_strength"] == "value_bigger_than_max"
            r = await c.post("/prompt", json={"prompt": {"1": {"class_type": "PrimitiveInt",
                                                                "inputs": {"value": 2 ** 63}}}})
            (e,) = (await r.json())["node_errors"]["1"]["errors"]
            assert (e["type"], e["extra_info"]["input_name"]) == ("value_bigger_than_max", "value")
    run(go())
