"""The routes ComfyUI's web page needs besides the API clients' (studio/serve/api/): the page itself
at ``/`` (frontend.py), the jobs API of its queue and history panels (the bridge's jobs.py), its
model library, its template browser (ComfyUI's library: library_templates.py; Studio's own:
studio_templates.py) and the lists it reads at boot (translations, global subgraphs, node
replacements), in the shapes ComfyUI answers them. Its user, settings and saved files are routes of
files (studio/serve/files/routes.py)."""
from __future__ import annotations

import asyncio
import os
import re

from aiohttp import web

from ..api.comfy_declared import templates_folder
from ..bridge import jobs
from ..checks.bodies import json_body
from ..checks.folders import TYPES
from . import extension, frontend

MAX_FILES = 10_000
TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,200}\.json$")


class PageRoutes:
    def __init__(self, server):
        self.server = server  # app.Server: its queue, folders and extras

    def api_routes(self) -> list[tuple[str, str, object]]:
        """(method, path, handler): each served as ComfyUI serves it, at the path and under /api."""
        return [
            ("GET", "/i18n", self.empty_object), ("GET", "/global_subgraphs", self.empty_object),
            ("GET", "/workflow_templates", self.template_modules), ("GET", "/node_replacements", self.empty_object),
            ("GET", "/workflow_templates/{module}/{file}", self.module_template),
            ("GET", "/experiment/models", self.model_folders), ("GET", "/experiment/models/{folder}", self.models_in),
            ("GET", "/jobs", self.list_jobs), ("GET", "/jobs/{id}", self.job),
            ("POST", "/jobs/cancel", self.cancel_jobs), ("POST", extension.MISSING, self.missing_models),
        ]

    def add_page(self, app: web.Application) -> None:
        """The page at / and its static files (added after every API route: those are matched first)."""
        app.router.add_get("/", self.index)
        app.router.add_get("/index.html/{tail:.*}", self.beside_index)
        app.router.add_get("/user.css", self.empty_css)
        app.router.add_get(extension.URL, self.extension_script)
        app.router.add_get("/templates/{name}", self.template)
        app.router.add_get("/internal/folder_paths", self.folder_paths)
        app.router.add_get("/internal/files/{type}", self.folder_files)
        app.router.add_get("/internal/logs", self.logs)
        app.router.add_get("/internal/logs/raw", self.logs_raw)
        app.router.add_patch("/internal/logs/subscribe", self.logs_subscribe)
        app.router.add_get("/{tail:.*}", self.static)  # last: the page's files, after every route above

    # -- the page ---------------------------------------------------------------------------------
    async def index(self, request):
        folder = frontend.static_folder()
        if folder is None:
            return web.Response(text=frontend.MISSING, content_type="text/html", status=404)
        return web.FileResponse(os.path.join(folder, "index.html"),
                                headers={"Cache-Control": "no-cache", "Content-Type": "text/html"})

    async def static(self, request):
        """The installed page's files (frontend.static_file: plain files of its folder, never through a link)."""
        path = frontend.static_file(request.match_info["tail"])
        if path is None:
            return web.Response(status=404, text="no such file of the page")
        return web.FileResponse(path)

    async def beside_index(self, request):
        """The page opened as /index.html asks its files beside it (/index.html/assets/...): they are at /."""
        tail = request.match_info["tail"]
        if "\\" in tail or ":" in tail:  # '/\\host' is another site to a browser: never redirected there
            raise web.HTTPNotFound()
        raise web.HTTPMovedPermanently("/" + tail.lstrip("/"))

    async def extension_script(self, request):
        return web.Response(text=extension.SCRIPT, content_type="text/javascript")

    async def missing_models(self, request):
        """Studio's sentences for the model files a workflow the page opened names and this machine lacks."""
        body = await json_body(request)
        lines = await asyncio.get_running_loop().run_in_executor(None, extension.missing_lines, body,
                                                                 self.server.api.known)
        return web.json_response({"summary": extension.SUMMARY, "lines": lines})

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
        if name == "index.json" and templates_folder() is not None:  # Studio's runnable first, paid ones last
            known = frozenset(self.server.api.known)
            return web.json_response(await asyncio.get_running_loop().run_in_executor(None, library_templates.index,
                                                                                      known))
        if TEMPLATE_NAME.match(name) and templates_folder() is not None:
            doc = await asyncio.get_running_loop().run_in_executor(None, library_templates.read, name)
            if doc is not None:
                return web.json_response(doc)
        if name in ("index.json", "index_logo.json"):
            return web.json_response([] if name == "index.json" else {})
        if name.lower().endswith((".webp", ".png", ".jpg", ".jpeg", ".mp4", ".mp3")):  # the page asks each thumbnail
            return web.Response(status=404, text="no thumbnail: Studio serves ComfyUI's templates without their pictures")
        return web.Response(status=404)

    async def folder_paths(self, request):
        """ComfyUI's /internal/folder_paths (where the page says a missing model belongs): each folder
        of models by its name under the models folder, never where it is on this machine."""
        from ..api.models import folder_names
        return web.json_response({f: [f"models/{f}"] for f in folder_names()})

    async def folder_files(self, request):
        """ComfyUI's /internal/files/{input,output,temp}: the names of the folder's files, newest first
        (the page's Imported assets tab); at most MAX_FILES."""
        kind = request.match_info["type"]
        if kind not in TYPES:
            return web.json_response({"error": "the folder is input, output or temp"}, status=400)
        names = await asyncio.get_running_loop().run_in_executor(None, _newest_first, self.server.folders.dirs[kind])
        return web.json_response(names)

    async def logs(self, request):
        return web.Response(text=self.server.folders.public.text(self.server.log.text()), content_type="text/plain")

    async def logs_raw(self, request):
        entries = self.server.folders.public.answer(self.server.log.entries())  # no path of this machine
        return web.json_response({"entries": entries, "size": {"cols": 120, "rows": 40}})

    async def logs_subscribe(self, request):
        """The page asks lines as they come; Studio's are read again with /internal/logs/raw (none pushed)."""
        return web.Response(status=200)

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

    # -- models ----------------------------------------------------------------------------------
    async def model_folders(self, request):
        """ComfyUI's model library: its folders of models (named, not where they are on this machine)."""
        from ..api.models import folder_names
        return web.json_response([{"name": f, "folders": ["models"]} for f in folder_names()])

    async def models_in(self, request):
        from ..api.models import files
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
        body = await json_body(request)
        ids = body.get("job_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return web.json_response({"error": "the body must be {\"job_ids\": [...]}"}, status=400)
        q = self.server.queue
        known = [i for i in ids if q.get(i) is not None]
        await asyncio.get_running_loop().run_in_executor(None, q.cancel_many, known)
        return web.json_response({"cancelled": known})


def _newest_first(folder: str) -> list[str]:
    """The plain files of ``folder`` (no links, no folders), newest first, at most MAX_FILES."""
    found = []
    try:
        with os.scandir(folder) as it:
            for e in it:
                if e.is_file(follow_symlinks=False) and not e.name.startswith("."):
                    found.append((e.stat(follow_symlinks=False).st_mtime, e.name))
    except OSError:
        return []
    return [n for _, n in sorted(found, reverse=True)[:MAX_FILES]]
