"""ComfyUI's API for its clients (comfy-sdk, ComfyScript, Krita AI Diffusion, ComfyUI's page too).

- ``routes.py``: the queue's routes: ``POST /prompt``, ``/queue``, ``/history``, ``/interrupt``,
  ``/jobs/{id}/cancel``. ``info.py``: what this server is and has (``/object_info``,
  ``/system_stats``, ``/features``, ``/models``, ``/view_metadata``, ``/free``). ``socket.py``:
  ``/ws``, the queue's notices made into ComfyUI's messages for the client that sent the job.
- ``prompt.py``: a workflow (API format) made a queue job: converted into a Studio graph, its files
  confined, its outputs named, its models and memory checked; ``studio_prompt.py``: a prompt of
  Studio's own node types, built as a Studio graph. ``missing_models.py``: every model file a
  workflow names that this machine lacks, named on its loader.
- ``object_info.py``: ``/object_info`` in ComfyUI's schema; ``comfy_declared.py`` reads what
  ComfyUI's templates declare of its node types (``comfy_nodes.json``, written again by
  ``python -m studio.serve.api.comfy_templates``) and ``comfy_ranges.py`` the min and max ComfyUI
  declares for the numbers of its video latent nodes (a family's own: its hook 'comfy_ranges', merged);
  ``models.py``: the models folders as ComfyUI names them.

Imports the bridge (bridge/) and the checks (checks/), never the page's or the files' routes (the
output names it gives are the files room's, handed over by the app)."""
