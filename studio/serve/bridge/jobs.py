"""ComfyUI's jobs API (``GET /api/jobs``, ``/api/jobs/{id}``), which its web page reads for its queue
and history panels, answered from Studio's one queue: every job of it, the desktop's and the
command line's too, with its state in ComfyUI's words."""
from __future__ import annotations

from typing import Any

from studio.queue.job import CANCELLED, DONE, FAILED, QUEUED, RUNNING, Job

from . import records
from ..checks.folders import Folders

STATUS = {QUEUED: "pending", RUNNING: "in_progress", DONE: "completed", FAILED: "failed", CANCELLED: "cancelled"}
STATUSES = tuple(STATUS.values())
SORTS = ("created_at", "execution_duration")
MAX_LIMIT = 1000


class Asked(ValueError):
    """A query the jobs API does not take (a 400)."""


def query(q) -> dict:
    """The filters of a /jobs query: status (comma-separated), workflow_id, sort_by, sort_order,
    limit, offset; Asked for a value none of these take."""
    wanted = [s.strip() for s in (q.get("status") or "").split(",") if s.strip()]
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise Asked(f"status '{bad[0][:40]}' is none of {', '.join(STATUSES)}")
    sort_by, order = q.get("sort_by") or "created_at", (q.get("sort_order") or "desc").lower()
    if sort_by not in SORTS:
        raise Asked(f"sort_by must be one of {', '.join(SORTS)}")
    if order not in ("asc", "desc"):
        raise Asked("sort_order must be asc or desc")
    limit, offset = _count(q.get("limit"), "limit"), _count(q.get("offset"), "offset") or 0
    return {"status": set(wanted or STATUSES), "workflow_id": q.get("workflow_id") or None, "sort_by": sort_by,
            "desc": order == "desc", "limit": None if limit is None else min(limit, MAX_LIMIT), "offset": offset}


def _count(text: str | None, name: str) -> int | None:
    if text in (None, ""):
        return None
    try:
        n = int(text)
    except ValueError:
        raise Asked(f"{name} must be a whole number") from None
    if n < 0:
        raise Asked(f"{name} must not be negative")
    return n


def listing(jobs: list[Job], f: dict, folders: Folders, extras) -> dict:
    """{jobs, pagination} of the jobs that pass the filters ``f`` (from :func:`query`)."""
    picked = [j for j in jobs if STATUS.get(j.state) in f["status"]
              and (f["workflow_id"] is None or workflow_id(extras(j)) == f["workflow_id"])]
    if f["sort_by"] == "execution_duration":
        picked.sort(key=lambda j: (j.seconds or 0.0, j.number), reverse=f["desc"])
    else:
        picked.sort(key=lambda j: (j.created, j.number), reverse=f["desc"])
    total, start = len(picked), f["offset"]
    page = picked[start:] if f["limit"] is None else picked[start:start + f["limit"]]
    return {"jobs": [item(j, folders, extras(j)) for j in page],
            "pagination": {"offset": start, "limit": f["limit"] if f["limit"] is not None else total,
                           "total": total, "has_more": start + len(page) < total}}


def workflow_id(extra: dict | None) -> str | None:
    wf = ((extra or {}).get("extra_pnginfo") or {}).get("workflow") if isinstance(extra, dict) else None
    wid = wf.get("id") if isinstance(wf, dict) else None
    return wid if isinstance(wid, str) else None


def item(job: Job, folders: Folders, extra: dict | None) -> dict[str, Any]:
    """A job as the jobs API lists it."""
    outs = records.outputs(job, folders)
    files = [(nid, kind, f) for nid, o in outs.items() for kind in ("images", "audio") for f in o.get(kind, [])]
    preview = None
    if files:
        nid, kind, f = files[0]
        video = kind == "images" and outs[nid].get("animated")
        preview = {**f, "nodeId": nid, "mediaType": "video" if video else kind}
    out: dict[str, Any] = {
        "id": job.id, "status": STATUS.get(job.state, "failed"), "priority": job.number,
        "create_time": int(job.created * 1000),
        "execution_start_time": int(job.started * 1000) if job.started else None,
        "execution_end_time": int(job.ended * 1000) if job.ended else None,
        "outputs_count": len(files), "previewable_outputs_count": len(files), "preview_output": preview,
        "workflow_id": workflow_id(extra)}
    if job.state == FAILED:
        end = dict(records.end_messages(job, folders)[-1][1])
        end["node_id"], end["node_type"] = end.get("node_id") or "", end.get("node_type") or ""
        out["execution_error"] = end
    return out


def detail(job: Job, folders: Folders, extra: dict | None) -> dict[str, Any]:
    """One job with its workflow, its outputs and how its run ended."""
    out = item(job, folders, extra)
    out["workflow"] = {"prompt": job.workflow or {}, "extra_data": extra or {}}
    out["outputs"] = records.outputs(job, folders)
    if job.state in (DONE, FAILED, CANCELLED):
        h = records.history_item(job, folders, extra)
        out["execution_status"] = h["status"]
    return out
