"""The routes of files, the API clients' and the web page's alike: ``/view`` of a file in the
server's folders (view.py: an image re-encoded smaller or by channel when asked), ``/upload/image``
and ``/upload/mask`` into them (uploads.py), and the page's one user with its settings and saved
files (``/users``, ``/settings``, ``/userdata``: userdata.py), in the shapes ComfyUI answers them."""
from __future__ import annotations

import asyncio
import mimetypes
import os

from aiohttp import web

from ..checks.bodies import BAD, json_body
from . import uploads, view
from .names import OutputNames
from .userdata import UserData


class FileRoutes:
    def __init__(self, server):
        self.server = server  # app.Server: its folders and upload limit
        self.folders, self.max_upload = server.folders, server.max_upload
        self.user = UserData(server.folders.root, server.max_upload)
        self.names = OutputNames(server.folders)  # what jobs write is named here (the API's prompts)

    def routes(self) -> list[tuple[str, str, object]]:
        """(method, path, handler): each served as ComfyUI serves it, at the path and under /api."""
        return [
            ("GET", "/view", self.view), ("POST", "/upload/image", self.upload),
            ("POST", "/upload/mask", self.upload_mask),
            ("GET", "/users", self.users), ("GET", "/settings", self.get_settings),
            ("POST", "/settings", self.post_settings), ("GET", "/settings/{id}", self.get_setting),
            ("POST", "/settings/{id}", self.post_setting),
            ("GET", "/userdata", self.list_userdata), ("GET", "/userdata/{file}", self.read_userdata),
            ("POST", "/userdata/{file}", self.write_userdata), ("DELETE", "/userdata/{file}", self.delete_userdata),
            ("POST", "/userdata/{file}/move/{dest}", self.move_userdata),
        ]

    # -- the server's folders ---------------------------------------------------------------------
    async def view(self, request):
        q = request.rel_url.query
        path = self.folders.file(q.get("type", "output"), q.get("subfolder", ""), q.get("filename", ""))
        if path is None:
            return web.Response(status=400, text="not a plain file inside the server's folders (a file reached through a "
                                                 "link of any kind, symbolic or hard, is never served)")
        if not os.path.isfile(path):
            return web.Response(status=404)
        name = os.path.basename(path)
        if view.wanted(q):  # ComfyUI's preview=webp;90 / channel=rgb|a of an image
            made = await asyncio.get_running_loop().run_in_executor(None, view.converted, path, q.get("preview"),
                                                                    q.get("channel", ""))
            if made is not None:
                return web.Response(body=made[0], content_type=made[1],
                                    headers={"Content-Disposition": f'filename="{name}"'})
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.FileResponse(path, headers={"Content-Type": ctype,
                                               "Content-Disposition": f'filename="{name}"'})

    async def upload(self, request):
        return await uploads.receive(request, self.folders, self.max_upload, mask=False)

    async def upload_mask(self, request):
        return await uploads.receive(request, self.folders, self.max_upload, mask=True)

    # -- the one user and its settings ------------------------------------------------------------
    async def users(self, request):
        return web.json_response({"storage": "server", "migrated": True})

    async def get_settings(self, request):
        return web.json_response(self.user.settings())

    async def get_setting(self, request):
        return web.json_response(self.user.settings().get(request.match_info["id"]))

    async def post_settings(self, request):
        body = await json_body(request)
        if not isinstance(body, dict):
            return web.Response(status=400, text="the settings must be a JSON object")
        return await self._store_settings(body)

    async def post_setting(self, request):
        body = await json_body(request)
        if body is BAD:
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
            if request.match_info["file"] == "user.css":  # the page's own style sheet, none yet: an empty one (a
                return web.Response(text="", content_type="text/css")  # 404 with nosniff is an error in its console
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


def _on(text: str | None) -> bool:
    return (text or "").lower() == "true"
