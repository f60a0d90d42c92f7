"""The client's workflow kept in the videos its job wrote, as ComfyUI's SaveVideo keeps it: the prompt
(the workflow in API format, tag ``prompt``) and each entry of ``extra_data.extra_pnginfo`` (a UI sends
its graph as ``workflow``), each as JSON in a tag of the container, so ComfyUI's web page (or any tool
that reads ComfyUI's videos) opens the workflow again from the file. Studio's own graph stays beside
them (tag ``studio_graph``, written by Save Video).

Save Video writes the file; this adds the tags afterwards by copying its streams into a new file
(no frame encoded again) renamed over it, on the queue's worker before the job is said to have ended.
The nodes are not asked to do it: they know nothing of a ComfyUI client, and the engine's write_video
takes Studio's graph only."""
from __future__ import annotations

import json
import os
import re

from studio.core.paths import atomic_path

VIDEOS = (".mp4", ".mov", ".m4v", ".mkv")
OWN = ("studio_graph", "encoder_app", "encoder", "major_brand", "minor_version", "compatible_brands")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")  # a tag name every container keeps as it is


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


def embed(path: str, more: dict[str, str]) -> None:
    """Add the tags ``more`` to the video ``path`` (its streams copied as they are, the file replaced
    atomically: a failure leaves it as Save Video wrote it)."""
    import av
    if not more or os.path.splitext(path)[1].lower() not in VIDEOS:
        return
    with av.open(path) as src:
        fmt = "matroska" if path.lower().endswith(".mkv") else None
        with atomic_path(path, prefix=".tags-", durable=False) as tmp:
            opts = {} if fmt else {"movflags": "use_metadata_tags+faststart"}
            with av.open(tmp, "w", format=fmt or ("mov" if path.lower().endswith(".mov") else "mp4"),
                         options=opts) as dst:
                dst.metadata.update(dict(src.metadata))
                dst.metadata.update(more)
                streams = {s.index: dst.add_stream_from_template(s) for s in src.streams
                           if s.type in ("video", "audio")}
                for packet in src.demux(*[s for s in src.streams if s.index in streams]):
                    if packet.dts is None:  # the demuxer's flush packet
                        continue
                    packet.stream = streams[packet.stream.index]
                    dst.mux(packet)


def embed_outputs(files: list[str], workflow: dict | None, extra: dict | None) -> list[str]:
    """Add the job's tags to each video among ``files``; the problems met, one line each (the file is
    kept as written: the job's video matters more than its tags)."""
    more, said = tags(workflow, extra), []
    for path in files:
        try:
            embed(path, more)
        except Exception as e:  # noqa: BLE001 - any fault of the copy leaves the video as it was
            said.append(f"the workflow could not be kept in {os.path.basename(path)}: {type(e).__name__}: {e}")
    return said
