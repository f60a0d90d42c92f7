"""ComfyUI's web page on `main.py serve` (issue 105): the page from the installed frontend package,
the routes it boots on (its user, settings, userdata, jobs, model library, templates), its settings
keeping everything on the machine, its files confined to the userdata folder, and the token it asks
for once (a cookie for this server only). In this process, aiohttp's test client: no model runs."""
from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from studio.queue.job import DONE, FAILED, Job
from studio.queue.queue import JobQueue
from studio.serve.page import frontend
from studio.serve.checks import login
from studio.serve.app import Server
from studio.serve.checks.folders import Folders


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))


@contextlib.asynccontextmanager
async def served(tmp_path, token=None, host="127.0.0.1", jobs=(), run=False):
    """A server on the test's folders; its queue runs jobs only when ``run`` (as `main.py serve`)."""
    if run:
        from studio.core.confine import allow_for_session, allow_reading_for_session
        folders = Folders(str(tmp_path / "serve"))
        allow_for_session(folders.output)
        allow_reading_for_session(folders.input)
    queue = JobQueue(str(tmp_path / "serve" / "queue"), **({} if run else {"runner": lambda *a, **k: None}))
    queue.set_paused(not run)  # else the jobs stay as the test made them
    for j in jobs:
        state = j.state
        queue.add(j)  # queued...
        j.state = state  # ...then as the test made it (ended, failed)
    server = Server(queue, Folders(str(tmp_path / "serve")), token, host=host)
    async with TestClient(TestServer(server.app(), host="127.0.0.1")) as c:
        yield c, server


def run(coro):
    return asyncio.run(coro)


# -- the page -------------------------------------------------------------------------------------
@pytest.mark.skipif(frontend.static_folder() is None, reason="comfyui-frontend-package is not installed")
def test_the_page_and_its_files_come_from_the_installed_package(tmp_path):
    folder = frontend.static_folder()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import comfyui_frontend_package
    installed = os.path.dirname(os.path.realpath(comfyui_frontend_package.__file__))
    assert os.path.realpath(folder).startswith(installed + os.sep)  # where pip put it, no copy
    tracked = subprocess.run(["git", "ls-files", "--", "*.js", "*.css"], cwd=root, capture_output=True, text=True)
    assert not [f for f in tracked.stdout.split() if "index-" in f or f.startswith("studio/")]  # none in the project
    script = next(f for f in sorted(os.listdir(os.path.join(folder, "assets"))) if f.endswith(".js"))

    async def go():
        async with served(tmp_path) as (c, _):
            page = await c.get("/")
            assert page.status == 200 and "<div id=\"vue-app\">" in await page.text()
            assert "connect-src 'self' ws://" in page.headers["Content-Security-Policy"]  # the page reaches only here
            asset = await c.get(f"/assets/{script}")
            assert asset.status == 200 and len(await asset.read()) == os.path.getsize(os.path.join(folder, "assets",
                                                                                                  script))
            assert (await c.get("/assets/../../../__init__.py")).status in (403, 404)
            assert (await c.get("/user.css")).status == 200
    run(go())


def test_without_the_package_the_page_says_how_to_install_it_and_the_api_works(tmp_path, monkeypatch):
    monkeypatch.setattr(frontend, "static_folder", lambda: None)

    async def go():
        async with served(tmp_path) as (c, _):
            page = await c.get("/")
            assert page.status == 404 and frontend.INSTALL in await page.text()
            assert (await c.get("/api/users")).status == 200
    run(go())


def test_the_pin_in_pyproject_is_the_frontends_version():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "pyproject.toml"), encoding="utf-8") as f:
        assert f'"{frontend.PACKAGE}=={frontend.PIN}"' in f.read()


# -- boot routes ----------------------------------------------------------------------------------
def test_the_routes_the_page_boots_on_answer_in_comfyuis_shapes(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            for path in ("/api/users", "/users"):
                assert await (await c.get(path)).json() == {"storage": "server", "migrated": True}
            for path, want in (("/api/i18n", {}), ("/api/global_subgraphs", {}), ("/api/node_replacements", {})):
                r = await c.get(path)
                assert r.status == 200 and await r.json() == want, path
            index = await c.get("/templates/index.json")
            assert index.status == 200 and isinstance(await index.json(), list)
            assert (await c.get("/templates/..%2Fsecret.json")).status == 404
            stats = await (await c.get("/api/system_stats")).json()
            assert "--disable-api-nodes" in stats["system"]["argv"]  # the page asks no paid API service
    run(go())


def test_settings_are_off_line_by_default_and_kept_across_a_restart(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            s = await (await c.get("/api/settings")).json()
            assert s["Comfy.Notification.ShowVersionUpdates"] is False  # no release notes from the internet
            assert (await c.post("/api/settings/Comfy.ColorPalette", json="light")).status == 200
            assert (await c.post("/api/settings", json={"Comfy.Locale": "fr", "A.B": [1, 2]})).status == 200
            assert (await c.post("/api/settings", data=b"[1]")).status == 400
            assert (await c.post("/api/settings/X", data=b"{nope")).status == 400
        async with served(tmp_path) as (c, _):  # a new server on the same folder
            s = await (await c.get("/api/settings")).json()
            assert s["Comfy.ColorPalette"] == "light" and s["Comfy.Locale"] == "fr" and s["A.B"] == [1, 2]
            assert await (await c.get("/api/settings/Comfy.Locale")).json() == "fr"
            assert await (await c.get("/api/settings/Unknown.Id")).json() is None
        assert os.path.isfile(tmp_path / "serve" / "user" / "default" / "comfy.settings.json")
    run(go())


# -- userdata -------------------------------------------------------------------------------------
def test_workflows_are_saved_listed_read_moved_and_deleted(tmp_path):
    wf = b'{"nodes": [], "links": []}'

    async def go():
        async with served(tmp_path) as (c, _):
            assert await (await c.get("/api/userdata?dir=workflows")).json() == []  # none saved yet
            assert (await c.get("/api/userdata?dir=nothing")).status == 404  # as ComfyUI
            r = await c.post("/api/userdata/workflows%2Fmine.json?overwrite=false&full_info=true", data=wf)
            info = await r.json()
            assert r.status == 200 and info["path"] == "workflows/mine.json" and info["size"] == len(wf)
            again = await c.post("/api/userdata/workflows%2Fmine.json?overwrite=false", data=b"{}")
            assert again.status == 409
            listed = await (await c.get("/api/userdata?dir=workflows&recurse=true&split=false&full_info=true")).json()
            assert [x["path"] for x in listed] == ["mine.json"]
            assert await (await c.get("/api/userdata?dir=workflows&recurse=true")).json() == ["mine.json"]
            assert await (await c.get("/api/userdata/workflows%2Fmine.json")).read() == wf
            moved = await c.post("/api/userdata/workflows%2Fmine.json/move/workflows%2Fsub%2Fyours.json?full_info=true")
            assert moved.status == 200 and (await moved.json())["path"] == "workflows/sub/yours.json"
            assert (await c.get("/api/userdata/workflows%2Fmine.json")).status == 404
            assert (await c.delete("/api/userdata/workflows%2Fsub%2Fyours.json")).status == 204
            assert (await c.delete("/api/userdata/workflows%2Fsub%2Fyours.json")).status == 404
    run(go())


@pytest.mark.parametrize("name", ["..%2Foutside.json", "workflows%2F..%2F..%2Fqueue%2Fx.json", "%2Fetc%2Fpasswd",
                                  "a%00b.json", "workflows%2F.%2Fa.json", "C:%5Cx.json", "link%2Fa.json",
                                  "linkfile.json"])
def test_a_userdata_name_that_leaves_its_folder_is_refused(tmp_path, name):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.json").write_text("secret")
    user = tmp_path / "serve" / "user" / "default"
    user.mkdir(parents=True)
    os.symlink(outside, user / "link")
    os.symlink(outside / "a.json", user / "linkfile.json")

    async def go():
        async with served(tmp_path) as (c, _):
            assert (await c.get(f"/api/userdata/{name}")).status == 400
            assert (await c.post(f"/api/userdata/{name}", data=b"x")).status == 400
            assert (await c.delete(f"/api/userdata/{name}")).status == 400
            assert (await c.post(f"/api/userdata/ok.json/move/{name}")).status in (400, 404)
    run(go())
    assert (outside / "a.json").read_text() == "secret" and sorted(os.listdir(outside)) == ["a.json"]
    assert not (tmp_path / "serve" / "outside.json").exists()


def test_a_listing_outside_the_folder_is_refused(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            assert (await c.get("/api/userdata?dir=..")).status == 400
            assert (await c.get("/api/userdata?dir=%2Fetc")).status == 400
    run(go())


# -- jobs -----------------------------------------------------------------------------------------
def _job(n: int, state: str, tmp_path, **kw) -> Job:
    j = Job(graph={"nodes": []}, state=state, number=n, created=1000.0 + n, source="comfy-api", **kw)
    return j


def test_the_jobs_api_lists_the_queue_with_status_filters_and_paging(tmp_path):
    out = tmp_path / "serve" / "output"
    out.mkdir(parents=True)
    (out / "v_00001_.mp4").write_bytes(b"x")
    done = _job(1, DONE, tmp_path, started=1001.0, ended=1003.0, node_outputs={"s": [str(out / "v_00001_.mp4")]},
                origin={"s": "9"})
    failed = _job(2, FAILED, tmp_path, started=1002.0, ended=1002.5, error="boom", error_node="s", origin={"s": "9"},
                  workflow={"9": {"class_type": "SaveVideo", "inputs": {}}})
    waiting = [_job(3 + i, "queued", tmp_path) for i in range(3)]

    async def go():
        async with served(tmp_path, jobs=[done, failed, *waiting]) as (c, server):
            r = await (await c.get("/api/jobs?status=pending&limit=2&offset=0")).json()
            assert [j["status"] for j in r["jobs"]] == ["pending", "pending"]
            assert r["pagination"] == {"offset": 0, "limit": 2, "total": 3, "has_more": True}
            assert [j["id"] for j in r["jobs"]] == [waiting[2].id, waiting[1].id]  # newest first, as ComfyUI
            r = await (await c.get("/api/jobs?status=completed,failed&sort_order=asc")).json()
            assert [j["id"] for j in r["jobs"]] == [done.id, failed.id] and not r["pagination"]["has_more"]
            ok, bad = r["jobs"]
            assert ok["outputs_count"] == 1 and ok["preview_output"]["mediaType"] == "video"
            assert ok["preview_output"]["filename"] == "v_00001_.mp4" and ok["preview_output"]["nodeId"] == "9"
            assert ok["create_time"] == 1001000 and ok["execution_end_time"] == 1003000
            assert bad["execution_error"]["exception_message"] == "boom" and bad["execution_error"]["node_id"] == "9"
            one = await (await c.get(f"/api/jobs/{done.id}")).json()
            assert one["outputs"]["9"]["images"][0]["filename"] == "v_00001_.mp4"
            assert one["execution_status"]["completed"] is True
            assert (await c.get("/api/jobs/nope")).status == 404
            for q in ("status=running", "limit=-1", "offset=x", "sort_by=name", "sort_order=up"):
                assert (await c.get(f"/api/jobs?{q}")).status == 400, q
            cancel = await c.post("/api/jobs/cancel", json={"job_ids": [waiting[0].id, "nope"]})
            assert (await cancel.json()) == {"cancelled": [waiting[0].id]}
            assert server.queue.get(waiting[0].id).state == "cancelled"
            assert (await c.post(f"/api/jobs/{waiting[1].id}/cancel")).status == 200
            assert server.queue.get(waiting[1].id).state == "cancelled"
            assert (await c.post("/api/jobs/cancel", json={"job_ids": "all"})).status == 400
    run(go())


def test_the_model_library_lists_the_models_folders_by_name(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            folders = await (await c.get("/api/experiment/models")).json()
            names = [f["name"] for f in folders]
            assert "diffusion_models" in names or "checkpoints" in names
            assert all(f["folders"] == ["models"] for f in folders)  # no path of this machine
            assert (await c.get("/api/experiment/models/no_such")).status == 404
            assert (await c.get(f"/api/experiment/models/{names[0]}")).status == 200
    run(go())


# -- the token ------------------------------------------------------------------------------------
def test_with_a_token_the_page_asks_for_it_once_and_keeps_a_cookie_for_this_server(tmp_path):
    async def go():
        async with served(tmp_path, token="s3cret", host="0.0.0.0") as (c, _):
            first = await c.get("/")
            assert first.status == 401 and login.LOGIN in await first.text()
            assert (await c.get("/api/settings")).status == 401
            wrong = await c.post(login.LOGIN, data={"token": "nope"}, allow_redirects=False)
            assert wrong.status == 401 and not wrong.cookies
            right = await c.post(login.LOGIN, data={"token": "s3cret"}, allow_redirects=False)
            assert right.status == 303 and right.headers["Location"] == "/"
            cookie = right.cookies[login.COOKIE]
            assert cookie.value != "s3cret" and cookie["httponly"] and cookie["samesite"] == "Strict"
            assert not cookie["domain"]  # this server only
            assert (await c.get("/api/settings")).status == 200  # the cookie jar sends it now
            ws = await c.ws_connect("/ws?clientId=page")  # the page's websocket too
            assert (await ws.receive_json())["type"] == "status"
            await ws.close()
            host = c.server.host + ":" + str(c.server.port)
            other = await c.post("/api/settings", json={"a": 1}, headers={"Origin": "http://evil.example"})
            assert other.status == 403  # another site's page cannot use the cookie
            same = await c.post("/api/settings", json={"a": 1}, headers={"Origin": f"http://{host}"})
            assert same.status == 200
            c.session.cookie_jar.clear()
            c.session.cookie_jar.update_cookies({login.COOKIE: "forged"}, c.make_url("/"))
            assert (await c.get("/api/settings")).status == 401
            with pytest.raises(WSServerHandshakeError):  # 401
                await c.ws_connect("/ws?clientId=page")
            assert (await c.get("/api/settings", headers={"Authorization": "Bearer s3cret"})).status == 200
    run(go())


def test_without_a_token_a_foreign_host_or_origin_is_refused_as_for_the_api(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            assert (await c.get("/", headers={"Host": "evil.example"})).status == 403
            assert (await c.post("/api/settings", json={}, headers={"Origin": "http://evil.example"})).status == 403
            assert (await c.post("/api/userdata/a.json", data=b"x",
                                 headers={"Origin": "http://evil.example"})).status == 403
    run(go())


def test_studios_templates_are_a_template_module_the_page_opens_as_they_are(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            modules = await (await c.get("/api/workflow_templates")).json()
            assert list(modules) == ["Studio"] and "camera_move" in modules["Studio"]
            info = await (await c.get("/object_info")).json()
            for name in modules["Studio"]:
                wf = await (await c.get(f"/api/workflow_templates/Studio/{name}.json")).json()
                ids = {n["id"] for n in wf["nodes"]}
                for n in wf["nodes"]:
                    d = info[n["type"]]  # a type the page knows
                    widgets = [v for v in d["input"]["required"].values() if isinstance(v[0], list) or len(v) > 1]
                    controls = [v for v in widgets if v[1].get("control_after_generate")]  # the page's own widget
                    assert len(n["widgets_values"]) == len(widgets) + len(controls), (name, n["type"])
                    assert not set(d["input"]["optional"]) & set(d["input"]["required"])  # no widget lost
                for _, src, so, dst, di, kind in wf["links"]:
                    assert src in ids and dst in ids
                    assert info[next(n["type"] for n in wf["nodes"] if n["id"] == src)]["output"][so] == kind
            thumb = await c.get("/api/workflow_templates/Studio/camera_move.jpg")
            assert thumb.status == 200 and (await thumb.read())[:4] == b"\x89PNG"
            for bad in ("/api/workflow_templates/Studio/..%2F..%2Fpyproject.json",
                        "/api/workflow_templates/Other/camera_move.json", "/api/workflow_templates/Studio/nope.json"):
                assert (await c.get(bad)).status == 404, bad
    run(go())
