"""What ComfyUI's ``POST /free`` frees in Studio: the models the queue's executor keeps loaded from
job to job (``unload_models``), and with ``free_memory`` also the results it keeps for a re-run (its
output and frame caches), the memory given back to the system. A model the running job uses now is
kept (ModelCache.clear), as ComfyUI keeps the one it samples with."""
from __future__ import annotations

import threading


class Memory:
    def __init__(self):
        from studio.engine.model_cache import ModelCache
        self.models = ModelCache()
        self.executors: list = []
        self._lock = threading.Lock()

    def executor(self):
        """The queue's executor (JobQueue's executor_factory), sharing this model cache."""
        from studio.queue.queue import job_executor
        ex = job_executor(self.models)
        with self._lock:
            self.executors.append(ex)
        return ex

    def free(self, unload_models: bool, free_memory: bool) -> tuple[int, int]:
        """(models, bytes) unloaded; a worker's thread (a full collection takes a while)."""
        if not (unload_models or free_memory):
            return 0, 0
        n, nbytes = self.models.unload_all()
        if free_memory:
            with self._lock:
                executors = list(self.executors)
            for ex in executors:
                ex.cache.clear()
                ex.frame_cache.clear()
        return n, nbytes
