"""The client's workflow kept in the files its job writes, as ComfyUI's SaveVideo and SaveImage keep
it: the prompt (the workflow in API format, tag ``prompt``) and each entry of
``extra_data.extra_pnginfo`` (a UI sends its graph as ``workflow``), each as JSON, so ComfyUI's web
page (or any tool that reads ComfyUI's files) opens the workflow again from the file. Studio's own
graph stays beside them (tag ``studio_graph``, written by Save Video).

The tags are handed to the job's run (worker.py: the run option studio.engine.media.FILE_TAGS) and
written by the Save nodes with the file, once: a video's container tags (the encoder's metadata), a
PNG's text chunks (studio.engine.png_text). The nodes know nothing of a ComfyUI client: they keep
whatever text the run gives them."""
from __future__ import annotations

import json
import re

OWN = ("studio_graph", "encoder_app", "encoder", "major_brand", "minor_version", "compatible_brands")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")  # a tag name every container (and a PNG keyword) keeps as it is


def tags(workflow: dict | None, extra: dict | None) -> dict[str, str]:
    """The tags ComfyUI writes for this job: ``prompt`` and each extra_pnginfo entry (a name of letters,
    digits and underscores; never one of the container's or Studio's own tags), each as JSON."""
    out: dict[str, str] = {}
    pnginfo = (extra or {}).get("extra_pnginfo") if isinstance(extra, dict) else None
    if isinstance(pnginfo, dict):
        for k, v in pnginfo.items():
            if isinstance(k, str) and _NAME.fullmatch(k) and k.lower() not in OWN:
                out[k] = json.dumps(v)
    if workflow:
        out["prompt"] = json.dumps(workflow)
    return out
