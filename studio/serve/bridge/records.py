"""A queue job as ComfyUI's API shows one: its /queue item, its /history entry, the messages that
end its run (``execution_success`` / ``execution_error`` / ``execution_interrupted``) and its preview
frames, with node ids in the workflow's own ids where the job was converted from one (the messages
during a run: run_messages.py)."""
from __future__ import annotations

import os
import struct
import time
from typing import Any

from studio.queue.job import CANCELLED, DONE, Job

from ..checks.folders import Folders

VIDEO_EXTS = (".mp4", ".mov", ".webm", ".mkv", ".gif", ".webp", ".avi", ".m4v")
AUDIO_EXTS = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus")
PREVIEW_IMAGE, PREVIEW_IMAGE_WITH_METADATA = 1, 4  # binary frames: ComfyUI's event types
JPEG = 1


def comfy_id(job: Job, node_id: str) -> str | None:
    """The workflow's id of a Studio node; None for a node the converter added of its own (a client
    looks the ids it is told up in its workflow). A Studio graph's job: its own ids."""
    if job.source.startswith("comfy"):
        return job.origin.get(node_id)
    return node_id


def _ms(t: float | None) -> int:
    return int((t or time.time()) * 1000)


def outputs_to_execute(job: Job) -> list[str]:
    ids = [n.get("id") for n in job.graph.get("nodes", []) if isinstance(n, dict)
           and str(n.get("type", "")).startswith(("io.save", "footage.save"))]
    return [c for c in (comfy_id(job, i) for i in ids if i) if c]


def queue_item(job: Job, extra: dict | None = None) -> list:
    """[number, prompt_id, prompt, extra_data, outputs_to_execute], as ComfyUI's /queue lists a job."""
    return [job.number, job.id, job.workflow or {}, extra if extra is not None else {"client_id": job.client_id},
            outputs_to_execute(job)]


def _animated_png(path: str) -> bool:
    """Whether the PNG at ``path`` is an animation (Save Animation's, as ComfyUI's SaveAnimatedPNG answers
    ``animated``): its acTL chunk, read from the header by Pillow (no frame decoded)."""
    from PIL import Image
    try:
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1) or 1) > 1
    except Exception:  # noqa: BLE001 - not readable as a picture: a still, as before
        return False


def node_output(job: Job, files: list[str], folders: Folders) -> dict[str, Any]:
    """What ComfyUI's save node answers in 'executed' and /history: a video as ``images`` with
    ``animated: [true]`` (clients depend on it), audio as ``audio``."""
    images, audio, animated = [], [], False
    for f in _listed(files):
        where = folders.where(f)
        if where is None:
            continue
        item = {"filename": where[0], "subfolder": where[1], "type": where[2]}
        ext = os.path.splitext(f)[1].lower()
        if ext in AUDIO_EXTS:
            audio.append(item)
        else:
            images.append(item)
            animated = animated or ext in VIDEO_EXTS or (ext == ".png" and _animated_png(f))
    out: dict[str, Any] = {}
    if images:
        out["images"] = images
        if animated:
            out["animated"] = [True]
    if audio:
        out["audio"] = audio
    return out


def _listed(files: list[str]) -> list[str]:
    """``files`` with each folder a node wrote (an image sequence's) as the files in it, in order: ComfyUI
    lists each picture its SaveImage wrote."""
    out = []
    for f in files:
        if os.path.isdir(f):
            with os.scandir(f) as it:
                out += sorted(e.path for e in it if e.is_file(follow_symlinks=False))
        else:
            out.append(f)
    return out


def outputs(job: Job, folders: Folders) -> dict[str, dict]:
    res = {}
    for nid, files in job.node_outputs.items():
        out, cid = node_output(job, files, folders), comfy_id(job, nid)
        if out and cid:
            res[cid] = out
    return res


def end_messages(job: Job, folders: Folders) -> list[tuple[str, dict]]:
    """The messages that end a run, as ComfyUI keeps them in /history's status.messages (the error
    naming no folder of the machine)."""
    start = [("execution_start", {"prompt_id": job.id, "timestamp": _ms(job.started or job.ended)}),
             ("execution_cached", {"nodes": [], "prompt_id": job.id, "timestamp": _ms(job.started or job.ended)})]
    done = [c for c in (comfy_id(job, n) for n in job.node_outputs) if c]
    if job.state == DONE:
        return start + [("execution_success", {"prompt_id": job.id, "timestamp": _ms(job.ended)})]
    node = comfy_id(job, job.error_node) if job.error_node else None
    node_type = (job.workflow or {}).get(node, {}).get("class_type", "") if node else ""
    if job.state == CANCELLED:
        return start + [("execution_interrupted", {"prompt_id": job.id, "node_id": node, "node_type": node_type,
                                                   "executed": done, "timestamp": _ms(job.ended)})]
    return start + [("execution_error", {"prompt_id": job.id, "node_id": node, "node_type": node_type,
                                         "executed": done, "exception_message": folders.public.text(job.error or ""),
                                         "exception_type": "StudioError", "traceback": [],
                                         "current_inputs": {}, "current_outputs": {}, "timestamp": _ms(job.ended)})]


def history_item(job: Job, folders: Folders, extra: dict | None = None) -> dict:
    ok = job.state == DONE
    return {"prompt": queue_item(job, extra), "outputs": outputs(job, folders),
            "status": {"status_str": "success" if ok else "error", "completed": ok,
                       "messages": [list(m) for m in end_messages(job, folders)]},
            "meta": {cid: {"node_id": cid, "display_node": cid, "parent_node": None, "real_node_id": cid}
                     for cid in outputs(job, folders)}}


def status(remaining: int) -> dict:
    return {"status": {"exec_info": {"queue_remaining": remaining}}}


def preview_frame(image: Any, meta: dict) -> bytes | None:
    """A binary preview frame of a small HxWx3 float image in [0, 1] (None without one)."""
    if image is None:
        return None
    import json

    import cv2
    import numpy as np
    a = np.asarray(image)
    if a.ndim != 3 or a.shape[2] not in (1, 3) or a.size == 0:
        return None
    a = np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8) if a.dtype != np.uint8 else a
    ok, jpg = cv2.imencode(".jpg", a[..., ::-1] if a.shape[2] == 3 else a, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        return None
    m = json.dumps(meta).encode()
    return struct.pack(">II", PREVIEW_IMAGE_WITH_METADATA, len(m)) + m + jpg.tobytes()


def legacy_preview(frame: bytes) -> bytes:
    """The same preview as ComfyUI's older PREVIEW_IMAGE frame (for a client that did not ask for metadata)."""
    (n,) = struct.unpack(">I", frame[4:8])
    return struct.pack(">II", PREVIEW_IMAGE, JPEG) + frame[8 + n:]


