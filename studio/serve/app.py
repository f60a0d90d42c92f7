"""The aiohttp application of `main.py serve`, assembled from its rooms' routes: ComfyUI's API for
its clients (api/: the queue's routes, what this server is and has, the websocket), the files
(files/: /view, uploads, the page's user data) and ComfyUI's web page (page/), each route also under
/api/ as ComfyUI has them; behind the checks that keep it safe by default (checks/guards.py: the
Host and a page's Origin must be this server, a token when one is set). The queue's worker runs
jobs on its own thread; its notices reach the clients through api/socket.py."""
from __future__ import annotations

import asyncio
import os

from aiohttp import web

from studio.queue.queue import JobQueue

from .api.routes import ComfyApi
from .api.socket import Sockets
from .bridge.extras import Extras
from .bridge.logs import ServerLog
from .bridge.memory import Memory
from .bridge.worker import job_options, run_job
from .checks.folders import Folders
from .checks.guards import host_check, is_loopback, origin_check, token_check
from .checks.headers import security_headers
from .checks.login import LOGIN, login
from .files.routes import FileRoutes
from .page import frontend
from .page.routes import PageRoutes


class Server:
    """What every room's routes share: the queue, the server's folders, each job's ``extra_data``,
    the token and the limits; and the routes of each room."""

    def __init__(self, queue: JobQueue, folders: Folders, token: str | None = None,
                 max_upload: int = 100 * 2**20, host: str = "127.0.0.1", memory: Memory | None = None,
                 preview_method: str = "none", cluster=None):
        self.cluster = cluster  # studio.cluster's Pool when jobs run on a cluster's workers (/system_stats lists them)
        self.queue, self.folders, self.token, self.max_upload = queue, folders, token, max_upload
        self.preview_method = preview_method  # previews when extra_data asks none (bridge/run_messages.py)
        self.host, self.memory = host, memory
        self.extras = Extras(os.path.join(folders.root, "extra"))
        self.extras.keep_only({j.id for j in queue.jobs()})
        self.log = ServerLog()
        self.sockets = Sockets(self)
        self.files = FileRoutes(self)  # first: the API's prompts name their outputs with its names
        self.api, self.page = ComfyApi(self), PageRoutes(self)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_upload + 2**20,
                              middlewares=[security_headers(frontend.inline_hashes), host_check(self.host, self.token),
                                           origin_check, token_check(self.token, self.host)])
        for method, path, handler in self.api.routes() + self.files.routes() + self.page.api_routes():
            if not path.startswith("/jobs"):  # ComfyUI has its jobs API under /api only
                app.router.add_route(method, path, handler)
            app.router.add_route(method, "/api" + path, handler)
        app.router.add_post(LOGIN, login(self.token))
        self.page.add_page(app)  # last: its static files are matched after every route above
        app.on_startup.append(self._startup)
        app.on_cleanup.append(self._cleanup)
        return app

    async def _startup(self, app) -> None:
        self.sockets.loop = asyncio.get_running_loop()
        self.queue.listen(self.sockets.heard)
        self.queue.listen(self.log.heard)
        self.queue.start()

    async def _cleanup(self, app) -> None:
        self.queue.unlisten(self.sockets.heard)
        self.queue.unlisten(self.log.heard)
        await asyncio.get_running_loop().run_in_executor(None, self.queue.close)
        await self.sockets.close_all()


def _page_line() -> str:
    if frontend.static_folder() is None:
        return f"ComfyUI's web page is not installed ({frontend.INSTALL})"
    return f"ComfyUI's web page {frontend.version()} at the same address"


def _warm() -> None:
    """The engine and torch imported once, on one thread, before the queue's worker starts and the port opens:
    after a restart with jobs waiting, the worker's first job and a client's first request had imported torch
    on two threads at once ("partially initialized module 'torch'", 2 of 4 restarts after kill -9)."""
    import studio.engine.executor  # noqa: F401
    try:
        import torch  # noqa: F401
    except ImportError:  # a machine without torch: the jobs that need it say so
        pass


def serve(host: str, port: int, folder: str, token: str | None, max_upload_mb: int, announce=print,
          stop=None, preview_method: str = "none", cluster=None) -> None:
    """Run the server until interrupted, or until ``stop`` (a threading.Event) is set (``port`` 0: a
    free port, announced). ``cluster``: a Ray cluster's address ('local': a Ray started here), or the workers
    (studio.cluster.pool.Pool) its jobs are dispatched to; None: they run here, one at a time."""
    from studio.core.confine import allow_for_session, allow_reading_for_session
    if not is_loopback(host) and not token:
        from studio.core.errors import StudioError
        raise StudioError(f"serving on {host} (not this machine only) needs a token: give --token TOKEN or set "
                          "STUDIO_SERVE_TOKEN; clients then send 'Authorization: Bearer TOKEN'")
    folders = Folders(folder)
    allow_for_session(folders.output)  # jobs write there (and only there: api/prompt.py names every output)
    allow_reading_for_session(folders.input)  # and read the clients' uploads
    memory = Memory()
    pool, own_pool = cluster, isinstance(cluster, str)
    if cluster is None:
        queue = JobQueue(os.path.join(folders.root, "queue"), executor_factory=memory.executor,
                         runner=lambda *a: run_job(server.extras, *a))  # bridge/worker.py: the workflow kept in its videos
    else:  # the workers write into the output folder and read the inputs: on storage every node sees
        from studio.cluster.pool import Pool, shared_setup
        from studio.cluster.queue import ClusterQueue
        if own_pool:
            pool = Pool(cluster, shared_setup(folders.root, write=[folders.output], read=[folders.input]))
        queue = ClusterQueue(os.path.join(folders.root, "queue"), pool, lambda job: job_options(server.extras, job))
    server = Server(queue, folders, token, max_upload_mb * 2**20, host, memory, preview_method, pool)

    async def main() -> None:
        # the engine imported before the port is announced: the first prompt does not wait for torch
        await asyncio.get_running_loop().run_in_executor(None, _warm)
        runner = web.AppRunner(server.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        real_port = runner.addresses[0][1] if runner.addresses else port
        on = f"; {len(pool.workers)} worker(s) on the cluster" if pool is not None else ""
        said = (f"Studio serves ComfyUI's API on http://{host}:{real_port} (folders: {folders.root}; "
                f"{len(queue.pending())} job(s) queued{on}); " + _page_line())
        server.log.say(f"Studio serves ComfyUI's API ({len(queue.pending())} job(s) queued{on})")
        announce(said)
        try:
            while stop is None or not stop.is_set():
                await asyncio.sleep(3600 if stop is None else 0.2)
        finally:
            await runner.cleanup()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        if own_pool:
            pool.close()

