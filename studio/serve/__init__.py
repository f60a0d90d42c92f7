"""`main.py serve`: ComfyUI's native HTTP and websocket API in front of Studio's job queue
(studio.queue), so that ComfyUI's clients (comfy-sdk through comfy-api-proxy, ComfyScript, Krita AI
Diffusion...) can send Studio jobs, and ComfyUI's own web page runs on it. Plain Python and aiohttp;
the meanings of ComfyUI's routes and messages are read from its server (GPL: nothing copied).
docs/queue-and-server.md says what is answered.

Its rooms, top to bottom (each imports only the rooms below it; tests/import_contract.py's
SERVE_LAYERS):

- ``cli.py``: the command's arguments; ``app.py``: the aiohttp application, assembled from the
  routes of the rooms below, and ``serve()``, which runs it.
- ``page/``: the routes of ComfyUI's web page (the page itself, its template browser, its jobs
  panels). It reads the declarations and model lists of ``api/``.
- ``api/``: ComfyUI's API for its clients: ``/prompt`` (a workflow validated, converted and
  queued), ``/queue``, ``/history``, ``/object_info``, ``/models``, ``/system_stats``, ``/ws``.
  ``files/``: ``/view``, the uploads and the page's user data (settings, saved workflows).
- ``bridge/``: the queue bridge: a queue job as ComfyUI shows one (its /queue item, /history entry,
  jobs API record), the messages of a run, the client's ``extra_data`` kept with its job, the
  worker that runs a job with the client's workflow kept in its files, the memory /free frees.
- ``checks/``: validation and bounds, what every request passes: the guards (Host, Origin, token)
  and the login, a JSON body read safely, a prompt checked against its declarations, a job's
  memory foreseen before it is queued, every name confined to the server's folders, no path of the
  machine in an answer. It imports no other room."""
