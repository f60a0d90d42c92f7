"""ComfyUI's websocket (``/ws``) and what it carries: the queue's worker runs jobs on its own thread;
what it tells (studio.queue.queue listeners) is made into ComfyUI's messages there (the bridge's
RunMessages) and handed to the event loop, which sends each to the client that submitted the job
(``client_id``), as ComfyUI does; ``status`` goes to every client. A client that reconnects mid-run
is told the node running now."""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from ..bridge import records
from ..bridge.run_messages import RunMessages, wants_previews


def features(max_upload: int) -> dict:
    """The feature flags this server answers (``/features``, and a client's ``feature_flags`` message)."""
    return {"supports_preview_metadata": True, "max_upload_size": max_upload}


class Sockets:
    def __init__(self, server):
        self.server = server  # app.Server: its queue, folders, extras, preview method and upload limit
        self.sockets: dict[str, tuple[web.WebSocketResponse, dict]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.last_node: dict[str, Any] = {}  # the running job's node (sent again to a client that reconnects)
        self.runs: dict[str, RunMessages] = {}  # the running job's messages (the worker's thread only)

    def remaining(self) -> int:
        """The jobs waiting and running, as ComfyUI's ``status`` counts them."""
        queue = self.server.queue
        return len(queue.pending()) + len(queue.runs())

    async def close_all(self) -> None:
        for ws, _ in list(self.sockets.values()):
            await ws.close()

    # -- queue notices (the worker's thread) -> the loop ---------------------------------------
    def heard(self, kind: str, job, event) -> None:
        """A queue notice made into ComfyUI's messages (the worker's thread), handed to the loop."""
        msgs = self._messages(kind, job, event)
        status = kind in ("added", "started", "ended", "changed")
        if (msgs or status) and self.loop is not None and not self.loop.is_closed():
            remaining = self.remaining()
            try:
                self.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(
                    self._deliver(job.client_id, msgs, remaining if status else None)))
            except RuntimeError:  # the loop closed while the worker ran
                pass

    def _messages(self, kind: str, job, event) -> list:
        """The run's messages for one notice; the node running now kept for a client that reconnects."""
        if kind == "started":
            server = self.server
            asked = wants_previews(server.extras.get(job.id, job.client_id), server.preview_method)  # binary frames
            self.runs[job.id] = RunMessages(job, server.folders, asked)
        run = self.runs.pop(job.id, None) if kind == "ended" else self.runs.get(job.id)
        msgs = run.messages(kind, event) if run is not None else []
        now = [m[1]["node"] for m in msgs if isinstance(m, tuple) and m[0] == "executing"]
        if kind == "event" and now:
            self.last_node = {"client": job.client_id, "node": now[-1], "prompt_id": job.id}
        elif kind == "ended":
            self.last_node = {}
        return msgs

    async def _deliver(self, client_id: str, msgs: list, remaining: int | None) -> None:
        entry = self.sockets.get(client_id) if client_id else None
        for m in msgs:
            if entry is not None:
                await self._send(entry, m)
        if remaining is not None:
            for e in list(self.sockets.values()):
                await self._send(e, ("status", records.status(remaining)))

    async def _send(self, entry, m) -> None:
        ws, flags = entry
        if ws.closed:
            return
        try:
            if isinstance(m, bytes):
                await ws.send_bytes(m if flags.get("supports_preview_metadata") else records.legacy_preview(m))
            else:
                await ws.send_str(json.dumps({"type": m[0], "data": m[1]}))
        except (ConnectionError, RuntimeError):  # the client went away mid-send: its loss only
            pass

    # -- the websocket ------------------------------------------------------------------------------
    async def ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=2**20)
        await ws.prepare(request)
        sid = request.rel_url.query.get("clientId", "")[:256] or uuid.uuid4().hex
        old = self.sockets.pop(sid, None)
        if old is not None:
            await old[0].close()
        entry = (ws, {})
        self.sockets[sid] = entry
        try:
            await self._greet(entry, sid)
            async for msg in ws:
                await self._heard_from(entry, msg)
        finally:
            if self.sockets.get(sid) is entry:
                del self.sockets[sid]
        return ws

    async def _greet(self, entry, sid: str) -> None:
        """The status, and the node running now when it is this client's job's."""
        await self._send(entry, ("status", {**records.status(self.remaining()), "sid": sid}))
        last = self.last_node
        if last.get("client") == sid:
            await self._send(entry, ("executing", {"node": last["node"], "display_node": last["node"],
                                                   "prompt_id": last["prompt_id"]}))

    async def _heard_from(self, entry, msg) -> None:
        """A client's message: only its ``feature_flags`` are read (answered with this server's)."""
        if msg.type != WSMsgType.TEXT:
            return
        try:
            data = json.loads(msg.data)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("type") == "feature_flags" and isinstance(data.get("data"), dict):
            entry[1].update({k: v for k, v in data["data"].items() if isinstance(k, str)})
            await self._send(entry, ("feature_flags", features(self.server.max_upload)))
