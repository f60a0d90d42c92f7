"""ComfyUI's API of what this server is and has: ``/object_info`` (object_info.py, made for each
request: a loader's options are the files there now), ``/system_stats``, ``/features``, ``/models``
and ``/view_metadata`` (models.py), ``/free`` (the bridge's Memory), and the lists Studio has none
of (``/embeddings``, ``/extensions``)."""
from __future__ import annotations

import asyncio
import json
import os
import platform
import sys

from aiohttp import web

from ..checks.bodies import json_or_empty
from .socket import features

VERSION = "0.1.0-studio"


EXTENSIONS = ("/studio/offline.js",)  # served by the page's routes (page/extension.py)


class Info:
    def __init__(self, server):
        self.server = server  # app.Server: its folders, memory and upload limit

    def routes(self) -> list[tuple[str, str, object]]:
        return [
            ("GET", "/object_info", self.get_object_info), ("GET", "/object_info/{cls}", self.get_object_info_one),
            ("GET", "/system_stats", self.system_stats),
            ("GET", "/features", self.features), ("GET", "/embeddings", self.empty_list),
            ("GET", "/extensions", self.extensions), ("POST", "/free", self.free),
            ("GET", "/models", self.get_models), ("GET", "/models/{folder}", self.get_models_in),
            ("GET", "/view_metadata/{folder}", self.view_metadata),
        ]

    async def features(self, request):
        return web.json_response(features(self.server.max_upload))

    async def empty_list(self, request):
        return web.json_response([])

    async def extensions(self, request):
        """The page's extension scripts: Studio's one (page/extension.py), where the page is served."""
        return web.json_response(list(EXTENSIONS))

    # -- models ---------------------------------------------------------------------------------
    async def free(self, request):
        """ComfyUI's /free: {"unload_models": true} unloads the models kept between jobs;
        {"free_memory": true} also drops the results kept for a re-run."""
        body = await json_or_empty(request)
        memory = self.server.memory
        if memory is not None:
            await asyncio.get_running_loop().run_in_executor(None, memory.free, body.get("unload_models") is True,
                                                             body.get("free_memory") is True)
        return web.Response(status=200)

    async def get_models(self, request):
        from .models import folder_names
        return web.json_response(folder_names())

    async def get_models_in(self, request):
        from .models import files
        found = await asyncio.get_running_loop().run_in_executor(None, files, request.match_info["folder"])
        if found is None:
            return web.Response(status=404, text="no such folder of models")
        return web.json_response(list(found))

    async def view_metadata(self, request):
        from .models import metadata
        meta = await asyncio.get_running_loop().run_in_executor(None, metadata, request.match_info["folder"],
                                                                request.rel_url.query.get("filename", ""))
        if meta is None:
            return web.Response(status=404)
        return web.json_response(meta)

    # -- what this server is --------------------------------------------------------------------
    async def get_object_info(self, request):
        """Made for each request, as ComfyUI does: a loader's options are the files there now."""
        return web.json_response(await asyncio.get_running_loop().run_in_executor(None, self._object_info))

    def _object_info(self) -> dict:
        from studio.core.models import scan

        from .models import files, named_files
        from .object_info import object_info
        found = scan()
        return object_info(model_files=lambda folder: list(files(folder, found) or named_files(folder) or {}),
                           input_files=self.server.folders.input_files)

    async def get_object_info_one(self, request):
        info = (await self.get_object_info(request)).text
        cls = request.match_info["cls"]
        item = json.loads(info).get(cls)
        return web.json_response({cls: item} if item is not None else {})

    async def system_stats(self, request):
        import torch
        ram = _ram()
        devices = []
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                free, total = torch.cuda.mem_get_info(i)
                devices.append({"name": torch.cuda.get_device_name(i), "type": "cuda", "index": i,
                                "vram_total": total, "vram_free": free, "torch_vram_total": total,
                                "torch_vram_free": free})
        else:
            devices.append({"name": "cpu", "type": "cpu", "index": None, "vram_total": ram[0], "vram_free": ram[1],
                            "torch_vram_total": 0, "torch_vram_free": 0})
        cluster = getattr(self.server, "cluster", None)
        workers = cluster.stats() if cluster is not None else []
        for w in workers:  # each worker's device, as ComfyUI lists one (its memory: what it has, not what is free)
            devices.append({"name": f"{w['name']} on {w['host']}: {w['device']}", "type": w["device"],
                            "index": len(devices), "vram_total": w["memory"], "vram_free": w["memory"],
                            "torch_vram_total": w["memory"], "torch_vram_free": w["memory"]})
        return web.json_response({"workers": workers, "system": {"os": os.name, "ram_total": ram[0], "ram_free": ram[1],
                                             "comfyui_version": VERSION, "python_version": sys.version,
                                             "pytorch_version": torch.__version__, "embedded_python": False,
                                             # Studio has no paid API nodes: ComfyUI's page, told so,
                                             # asks no release-notes service (files/userdata.py)
                                             "argv": ["main.py", "serve", "--disable-api-nodes"],
                                             "platform": platform.platform()},
                                  "devices": devices})


def _ram() -> tuple[int, int]:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        free = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
        return int(total), int(free)
    except (ValueError, OSError, AttributeError):
        return 0, 0
