"""The routes ComfyUI's web page needs besides the API clients' (app.py): the page itself at ``/``
(frontend.py), its one user, its settings and saved files (userdata.py), the jobs API of its queue
and history panels (jobs.py), its model library, its template browser and the lists it reads at
boot (translations, global subgraphs, node replacements), in the shapes ComfyUI answers them."""
from __future__ import annotations

import asyncio
import os
import re
from aiohttp import web

from . import frontend, jobs
from .bodies import read_json
from .comfy_declared import templates_folder
from .userdata import UserData

TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,200}\.json$")


class PageRoutes:
    def __init__(self, server):
        self.server = server  # app.Server: its queue, folders, extras and upload limit
        self.user = UserData(server.folders.root, server.max_upload)

    def api_routes(self) -> list[tuple[str, str, object]]:
        """(method, path, handler): each served as ComfyUI serves it, at the path and under /api."""
        return [
            ("GET", "/users", self.users), ("GET", "/settings", self.get_settings),
            ("POST", "/settings", self.post_settings), ("GET", "/settings/{id}", self.get_setting),
            ("POST", "/settings/{id}", self.post_setting),
            ("GET", "/userdata", self.list_userdata), ("GET", "/userdata/{file}", self.read_userdata),
            ("POST", "/userdata/{file}", self.write_userdata), ("DELETE", "/userdata/{file}", self.delete_userdata),
            ("POST", "/userdata/{file}/move/{dest}", self.move_userdata),
            ("GET", "/i18n", self.empty_object), ("GET", "/global_subgraphs", self.empty_object),
            ("GET", "/workflow_templates", self.template_modules), ("GET", "/node_replacements", self.empty_object),
            ("GET", "/workflow_templates/{module}/{file}", self.module_template),
            ("GET", "/experiment/models", self.model_folders), ("GET", "/experiment/models/{folder}", self.models_in),
            ("GET", "/jobs", self.list_jobs), ("GET", "/jobs/{id}", self.job),
            ("POST", "/jobs/cancel", self.cancel_jobs),
        ]

    def add_page(self, app: web.Application) -> None:
        """The page at / and its static files (added after every API route: those are matched first)."""
        app.router.add_get("/", self.index)
        app.router.add_get("/user.css", self.empty_css)
        app.router.add_get("/templates/{name}", self.template)
        app.router.add_get("/internal/folder_paths", self.folder_paths)
        folder = frontend.static_folder()
        if folder is not None:
            app.router.add_static("/", folder, follow_symlinks=False, append_version=False)

    # -- the page ---------------------------------------------------------------------------------
    async def index(self, request):
        folder = frontend.static_folder()
        if folder is None:
            return web.Response(text=frontend.MISSING, content_type="text/html", status=404)
        return web.FileResponse(os.path.join(folder, "index.html"),
                                headers={"Cache-Control": "no-cache", "Content-Type": "text/html",
                                         "Content-Security-Policy": frontend.CONNECT_ONLY_HERE})

    async def empty_css(self, request):
        return web.Response(text="", content_type="text/css")

    async def empty_object(self, request):
        return web.json_response({})

    async def template(self, request):
        """ComfyUI's template library (its index and workflows, JSON only, without the model files'
        download addresses: library_templates.py) where the package comfyui-workflow-templates-json is
        installed; else an empty index."""
        from . import library_templates
        name = request.match_info["name"]
        if TEMPLATE_NAME.match(name) and templates_folder() is not None:
            doc = await asyncio.get_running_loop().run_in_executor(None, library_templates.read, name)
            if doc is not None:
                return web.json_response(doc)
        if name in ("index.json", "index_logo.json"):
            return web.json_response([] if name == "index.json" else {})
        return web.Response(status=404)

    async def folder_paths(self, request):
        """ComfyUI's /internal/folder_paths (where the page says a missing model belongs): each folder
        of models by its name under the models folder, never where it is on this machine."""
        from .models import folder_names
        return web.json_response({f: [f"models/{f}"] for f in folder_names()})

    async def template_modules(self, request):
        """Studio's own templates, offered as a module of the page's template browser."""
        from . import studio_templates
        return web.json_response({studio_templates.MODULE: studio_templates.names()})

    async def module_template(self, request):
        from . import studio_templates
        module, name = request.match_info["module"], request.match_info["file"]
        stem, ext = os.path.splitext(name)
        if module != studio_templates.MODULE:
            return web.Response(status=404)
        if ext == ".json":
            wf = await asyncio.get_running_loop().run_in_executor(None, studio_templates.workflow, stem)
            return web.json_response(wf) if wf is not None else web.Response(status=404)
        picture = studio_templates.thumbnail(stem) if ext in (".jpg", ".png", ".webp") else None
        if picture is None:
            return web.Response(status=404)
        return web.FileResponse(picture, headers={"Content-Type": "image/png"})

    # -- the one user and its settings ------------------------------------------------------------
    async def users(self, request):
        return web.json_response({"storage": "server", "migrated": True})

    async def get_settings(self, request):
        return web.json_response(self.user.settings())

    async def get_setting(self, request):
        return web.json_response(self.user.settings().get(request.match_info["id"]))

    async def post_settings(self, request):
        body = await _json_body(request)
        if not isinstance(body, dict):
            return web.Response(status=400, text="the settings must be a JSON object")
        return await self._store_settings(body)

    async def post_setting(self, request):
        body = await _json_body(request)
        if body is _BAD:
            return web.Response(status=400, text="the setting's value must be JSON")
        return await self._store_settings({request.match_info["id"]: body})

    async def _store_settings(self, values: dict):
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.user.set_settings, values)
        except (ValueError, OSError) as e:
            return web.Response(status=400, text=f"the settings were not saved: {e}")
        return web.Response(status=200)

    # -- userdata ---------------------------------------------------------------------------------
    async def list_userdata(self, request):
        q = request.rel_url.query
        try:
            found = self.user.listing(q.get("dir", ""), _on(q.get("recurse")), _on(q.get("full_info")),
                                      _on(q.get("split")))
        except ValueError as e:
            return web.Response(status=400, text=str(e))
        return web.Response(status=404) if found is None else web.json_response(found)

    async def read_userdata(self, request):
        try:
            path = self.user.path(request.match_info["file"])
        except ValueError as e:
            return web.Response(status=400, text=str(e))
        if not os.path.isfile(path):
            return web.Response(status=404)
        return web.FileResponse(path)

    async def write_userdata(self, request):
        q = request.rel_url.query
        data = await request.read()
        try:
            path = await asyncio.get_running_loop().run_in_executor(
                None, self.user.write, request.match_info["file"], data, q.get("overwrite", "true") != "false")
        except (ValueError, OSError) as e:
            return web.Response(status=400, text=str(e))
        if path is None:
            return web.Response(status=409, text="the file exists (overwrite=false)")
        return self._saved(path, _on(q.get("full_info")))

    def _saved(self, path: str, full_info: bool):
        info = self.user.info(path)
        return web.json_response(info if full_info else info["path"])

    async def delete_userdata(self, request):
        try:
            gone = await asyncio.get_running_loop().run_in_executor(None, self.user.delete, request.match_info["file"])
        except ValueError as e:
            return web.Response(status=400, text=str(e))
        return web.Response(status=204 if gone else 404)

    async def move_userdata(self, request):
        q = request.rel_url.query
        try:
            path = await asyncio.get_running_loop().run_in_executor(
                None, self.user.move, request.match_info["file"], request.match_info["dest"], _on(q.get("overwrite")))
        except FileNotFoundError:
            return web.Response(status=404)
        except (ValueError, OSError) as e:
            return web.Response(status=400, text=str(e))
        if path is None:
            return web.Response(status=409, text="the destination exists (overwrite=false)")
        return self._saved(path, _on(q.get("full_info")))

    # -- models ----------------------------------------------------------------------------------
    async def model_folders(self, request):
        """ComfyUI's model library: its folders of models (named, not where they are on this machine)."""
        from .models import folder_names
        return web.json_response([{"name": f, "folders": ["models"]} for f in folder_names()])

    async def models_in(self, request):
        from .models import files
        found = await asyncio.get_running_loop().run_in_executor(None, files, request.match_info["folder"])
        if found is None:
            return web.Response(status=404, text="no such folder of models")
        return web.json_response([{"name": name, "pathIndex": 0} for name in found])

    # -- jobs -------------------------------------------------------------------------------------
    def _extra(self, job):
        return self.server.extras.get(job.id, job.client_id)

    async def list_jobs(self, request):
        try:
            f = jobs.query(request.rel_url.query)
        except jobs.Asked as e:
            return web.json_response({"error": str(e)}, status=400)
        return web.json_response(jobs.listing(self.server.queue.jobs(), f, self.server.folders, self._extra))

    async def job(self, request):
        job = self.server.queue.get(request.match_info["id"])
        if job is None:
            return web.json_response({"error": "no such job"}, status=404)
        return web.json_response(jobs.detail(job, self.server.folders, self._extra(job)))

    async def cancel_jobs(self, request):
        body = await _json_body(request)
        ids = body.get("job_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return web.json_response({"error": "the body must be {\"job_ids\": [...]}"}, status=400)
        q = self.server.queue
        known = [i for i in ids if q.get(i) is not None]
        await asyncio.get_running_loop().run_in_executor(None, q.cancel_many, known)
        return web.json_response({"cancelled": known})


_BAD = object()


async def _json_body(request):
    try:
        return await read_json(request)
    except ValueError:
        return _BAD


def _on(text: str | None) -> bool:
    return (text or "").lower() == "true"
