"""A prompt's ``extra_data`` (its ``client_id``, the ``extra_pnginfo`` a UI sends with its workflow),
kept with its job as ComfyUI keeps it: /queue and /history show it as the fourth item of the
prompt. One small JSON file a job in the server's ``extra`` folder (the queue's jobs know nothing of
ComfyUI's fields), read back after a restart; the keys ComfyUI treats as secrets (an API key of
Comfy-Org's) are never kept. Plain stdlib."""
from __future__ import annotations

import json
import os
import re
import threading
from typing import Iterable

from studio.core.paths import write_atomic

MAX_BYTES = 8 * 2**20  # of one prompt's extra_data as JSON (a UI's workflow in extra_pnginfo: about 1 MB)
SECRET = ("api_key_comfy_org", "auth_token_comfy_org")  # ComfyUI keeps these out of its history too
_ID = re.compile(r"[0-9a-f-]{36}")


class Extras:
    def __init__(self, folder: str):
        self.folder = folder
        self._kept: dict[str, dict] = {}
        self._lock = threading.Lock()

    @staticmethod
    def of(body: dict, client_id: str) -> dict:
        """The extra_data of a /prompt body, with its client_id, secrets left out; ValueError when it
        is not an object or too large."""
        extra = body.get("extra_data", {})
        if extra is None:
            extra = {}
        if not isinstance(extra, dict):
            raise ValueError("extra_data must be an object")
        extra = {k: v for k, v in extra.items() if k not in SECRET}
        if client_id:
            extra["client_id"] = client_id
        if len(json.dumps(extra)) > MAX_BYTES:
            raise ValueError(f"extra_data is over {MAX_BYTES // 2**20} MB")
        return extra

    def put(self, prompt_id: str, extra: dict) -> None:
        """Keep ``extra`` for the job (on disk: a worker's thread, never the event loop)."""
        with self._lock:
            self._kept[prompt_id] = extra
        if _ID.fullmatch(prompt_id) and set(extra) - {"client_id"}:  # only a client id: the job has it
            os.makedirs(self.folder, exist_ok=True)
            write_atomic(self._path(prompt_id), json.dumps(extra), durable=False)

    def get(self, prompt_id: str, client_id: str = "") -> dict:
        with self._lock:
            got = self._kept.get(prompt_id)
        if got is None:
            got = {}
            if _ID.fullmatch(prompt_id):
                try:
                    with open(self._path(prompt_id), encoding="utf-8") as f:
                        got = json.load(f)
                except (OSError, ValueError):
                    pass
            if client_id and not isinstance(got.get("client_id"), str):
                got = {**got, "client_id": client_id}
            with self._lock:
                self._kept[prompt_id] = got
        return got

    def drop(self, prompt_ids: Iterable[str]) -> None:
        """Forget the extra data of jobs gone from the queue (their files removed)."""
        for pid in prompt_ids:
            with self._lock:
                self._kept.pop(pid, None)
            if _ID.fullmatch(pid):
                try:
                    os.remove(self._path(pid))
                except OSError:
                    pass

    def keep_only(self, prompt_ids: set[str]) -> None:
        """Remove the files of jobs the queue no longer has (trimmed from its history while stopped)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        self.drop(n[:-5] for n in names if n.endswith(".json") and n[:-5] not in prompt_ids)

    def _path(self, prompt_id: str) -> str:
        return os.path.join(self.folder, prompt_id + ".json")
