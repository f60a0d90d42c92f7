"""The queue bridge: Studio's one queue (studio.queue) seen as ComfyUI's server shows its jobs.

- ``records.py``: a job as its /queue item, its /history entry, the messages that end its run and
  its preview frames; ``jobs.py``: the jobs API (``/api/jobs``) of the web page's panels.
- ``run_messages.py``: the websocket messages of one run (``executing``, ``progress``...), in the
  workflow's own node ids.
- ``extras.py``: a prompt's ``extra_data`` kept with its job; ``embed.py`` and ``worker.py``: the
  client's workflow written into the files its job makes, as ComfyUI's Save nodes keep it.
- ``memory.py``: the models and results ``POST /free`` frees; ``logs.py``: the server's log
  (``/internal/logs``), each prompt queued, started and ended.

Imports the checks (checks/folders.py) and the queue and engine below studio.serve; no route."""
