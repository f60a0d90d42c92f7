"""A ComfyUI ``POST /prompt`` made a queue job, or refused as ComfyUI refuses one: a 400 whose
``error`` says why and whose ``node_errors`` name the workflow's nodes at fault. Refused before it
is queued: a body that is not a prompt, a node Studio does not read, a value a node cannot take, a
file read from outside the input folder, a file written anywhere but the output folder (each output
is given ComfyUI's name there: video/ComfyUI_00001_.mp4), a model not found. Nothing of a request is
ever run as code: the workflow is converted into a Studio graph (studio.convert) and only that runs."""
from __future__ import annotations

import os
import re
import threading
import uuid
from typing import Any, Callable

from studio.core.errors import StudioError
from studio.queue.job import Job

from ..checks.folders import Folders, safe_relative
from ..checks.refused import Refused, node_error

MAX_CLIENT_ID = 256
MAX_PREFIX = 200


def read_request(body: Any) -> tuple[dict, str, str]:
    """(prompt, prompt_id, client_id) of a /prompt body; Refused when it is not one."""
    if not isinstance(body, dict):
        raise Refused("the request body is not a JSON object", kind="invalid_prompt")
    prompt = body.get("prompt")
    if not isinstance(prompt, dict) or not prompt:
        raise Refused("no prompt: the body needs a 'prompt' object (the workflow in API format)", kind="no_prompt")
    raw = body.get("prompt_id")
    if raw is None:
        prompt_id = str(uuid.uuid4())
    else:
        try:
            prompt_id = str(uuid.UUID(str(raw)))
        except ValueError:
            raise Refused(f"prompt_id '{str(raw)[:80]}' is not a UUID", kind="invalid_prompt") from None
    client_id = body.get("client_id") or ""
    if not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID:
        raise Refused("client_id must be a string of at most 256 characters")
    for nid, node in prompt.items():
        if not isinstance(node, dict) or not isinstance(node.get("class_type"), str):
            raise Refused(f"Cannot execute because a node is missing the class_type property.: Node ID '#{nid}'",
                          kind="invalid_prompt")
        if not isinstance(node.get("inputs", {}), dict):
            raise Refused(f"node '#{nid}' ({node['class_type']}): its 'inputs' is not an object")
    return prompt, prompt_id, client_id


class Namer:
    """ComfyUI's output names: prefix 'video/ComfyUI' -> output/video/ComfyUI_00001_.mp4, the number
    one past the highest on disk or given to a job still queued."""

    def __init__(self, folders: Folders):
        self.folders = folders
        self._given: set[str] = set()
        self._lock = threading.Lock()

    def reserve(self, job: Job) -> None:
        """The output names of a job kept from before a restart, not given again."""
        for n in job.graph.get("nodes", []):
            for v in (n.get("params") or {}).values() if isinstance(n, dict) else ():
                if isinstance(v, str) and v.startswith(self.folders.output + os.sep):
                    with self._lock:
                        self._given.add(v)

    def name(self, prefix: str, ext: str, kind: str = "output") -> str:
        """The next free name of ``prefix`` in the folder ``kind`` (output, or temp for a preview), given
        to no other output: ValueError when the prefix would leave the folder."""
        sub, _, stem = prefix.replace("\\", "/").rpartition("/")
        folder = self.folders.folder(kind, sub)
        if folder is None or not stem or not safe_relative(prefix) or len(prefix) > MAX_PREFIX:
            raise ValueError(f"filename_prefix '{prefix[:80]}' would save outside the {kind} folder")
        with self._lock:
            path = os.path.join(folder, f"{stem}_{self._next(folder, stem):05d}_{ext}")
            self._given.add(path)
        return path

    def more(self, path: str, count: int) -> None:
        """``count`` more numbers after ``path``'s (a Save Image of several frames: ComfyUI_00001_.png,
        ComfyUI_00002_.png...) given to it, when the next ones are still free (else its node passes
        over the numbers taken when it writes)."""
        folder, name = os.path.split(path)
        m = re.match(r"(.*)_(\d+)_(\.\w+)$", name)
        if not m or count <= 0:
            return
        with self._lock:
            if self._next(folder, m[1]) != int(m[2]) + 1:
                return
            self._given.update(os.path.join(folder, f"{m[1]}_{int(m[2]) + k:05d}_{m[3]}")
                               for k in range(1, min(count, 100_000) + 1))

    def _next(self, folder: str, stem: str) -> int:
        """One past the highest number of ``stem`` on disk in ``folder`` or given (the lock held)."""
        rx = re.compile(re.escape(stem) + r"_(\d+)_")
        seen = [int(m.group(1)) for f in (os.listdir(folder) if os.path.isdir(folder) else ())
                if (m := rx.match(f))]
        seen += [int(m.group(1)) for p in self._given if os.path.dirname(p) == folder
                 and (m := rx.match(os.path.basename(p)))]
        return max(seen, default=0) + 1


def make_job(prompt: dict, prompt_id: str, client_id: str, folders: Folders, namer: Namer, known: set[str],
             check: Callable[[dict], None] | None = None) -> Job:
    """The queue job of a prompt read by :func:`read_request` (Refused when it cannot run): its node
    types known, then ``check`` (validate.check: ComfyUI's validation), its model files found (each
    missing one named on its loader: missing_models.py), then converted and checked as
    Studio runs it; a value the converter could not take as given is refused too, never fitted."""
    from studio.convert.reading.workflow import WorkflowError
    from studio.queue.make import job_from_workflow
    unknown = {nid: node_error(n["class_type"], f"Studio does not read the node type '{n['class_type']}'",
                               kind="node_not_supported")
               for nid, n in prompt.items() if n["class_type"] not in known}
    if unknown:
        first = next(iter(unknown.values()))["class_type"]
        raise Refused(f"Cannot execute because node {first} does not exist in Studio.", unknown,
                      kind="invalid_prompt")
    if check is not None:
        check(prompt)
    from .missing_models import MESSAGE, missing
    lacking = missing(prompt, known)  # every loader's missing file named on it (the run's check stops at one)
    if lacking:
        raise Refused(MESSAGE, lacking, kind="prompt_outputs_failed_validation",
                      details="\n".join(e["details"] for entry in lacking.values() for e in entry["errors"]))
    try:
        job, conv = job_from_workflow(prompt, "prompt", folders.input)
    except WorkflowError as e:
        raise Refused(str(e)) from None
    _refuse_fitted(conv.log, prompt)
    finish(job, conv.graph, conv.origin, prompt, namer, conv.log)
    job.id, job.client_id, job.title = prompt_id, client_id, f"prompt {prompt_id[:8]}"
    return job


def finish(job: Job, g, origin: dict, prompt: dict, namer: Namer, said: list[str] = ()) -> None:
    """The checks every prompt's graph passes before it is queued (its outputs named in the output
    folder, its files read only from the input and models folders, the engine's own checks, each
    node's memory foreseen against what the machine has free: checks/bounds.py), the
    graph then kept in ``job``. ``origin``: the graph's node id -> the prompt's; ``said``: the converter's
    Log (why an output was not made, told with a refusal)."""
    from studio.core.fileformat import graph_to_dict

    def refuse(nid: str, message: str) -> Refused:
        cid = origin.get(nid, "")
        cls = prompt.get(cid, {}).get("class_type", "") if cid else ""
        return Refused(f"{message}", {cid: node_error(cls, message)} if cid else {}, kind="prompt_outputs_failed_validation")

    _place_files(g, origin, prompt, namer, refuse)
    from studio.core.targets import file_outputs
    if not file_outputs(g):
        raise Refused("Prompt has no outputs that Studio can make (a SaveImage or SaveVideo fed by nodes Studio "
                      "converts)", no_outputs(prompt, origin, said), kind="prompt_no_outputs",
                      details=_why(said))
    for e in g.validate():
        raise refuse(getattr(e, "node_id", "") or "", str(e))
    plan = _preflight(g, refuse)
    _more_pictures(plan, g, namer)
    from studio.engine.model_cache import host_available

    from ..checks.bounds import refused
    over = refused(plan, origin, prompt, host_available(), g.base_dir)  # each node's clips against the free memory
    if over:
        raise Refused("Prompt outputs failed validation", over, kind="prompt_outputs_failed_validation",
                      details="\n".join(f"{e['message']}: {e['details']}" for v in over.values() for e in v["errors"]))
    job.graph = graph_to_dict(g, include_ui=False)


FITTED = re.compile(r"^[^:]*: (?P<what>.+) not taken \((?P<why>.+)\): .+ \(from '.*' #(?P<node>[^\s()]+)\)$")


def _refuse_fitted(log: list[str], prompt: dict) -> None:
    """The converter fits a value a Studio node cannot take (a width of 8 made 16) and says so in
    its Log, which a client never reads: here each is a 400 naming the node instead."""
    errors: dict[str, dict] = {}
    for line in log:
        m = FITTED.match(line)
        if m and m["node"] in prompt:
            what = f"Studio cannot take {m['what']}: {m['why']}"
            entry = errors.setdefault(m["node"], node_error(prompt[m["node"]]["class_type"], what))
            if entry["errors"][0]["message"] != what:
                entry["errors"].append(node_error("", what)["errors"][0])
    if errors:
        raise Refused("Prompt outputs failed validation", errors, kind="prompt_outputs_failed_validation",
                      details="\n".join(e["message"] for v in errors.values() for e in v["errors"]))


def _place_files(g, origin: dict, prompt: dict, namer: Namer, refuse) -> None:
    """Each output's file in the output folder under ComfyUI's name (a PreviewImage's in temp/); a file read
    must be a plain name (the input folder, or a model looked up in the models folders); any other write
    refused."""
    from studio.core.params import Path as PathParam
    from studio.core.targets import file_outputs, suffix_of
    outputs = {n.id: pname for n, pname in file_outputs(g)}
    for n in list(g.nodes.values()):
        if n.spec is None:
            continue
        for p in n.spec.params:
            if not isinstance(p, PathParam):
                continue
            v = n.params.get(p.name) or ""
            if p.mode in ("save", "dir"):
                if outputs.get(n.id) == p.name:
                    cid = origin.get(n.id, "")
                    node = prompt.get(cid, {})
                    prefix, kind = _prefix(node, p.name), "output"
                    if node.get("class_type") == "PreviewImage":
                        prefix, kind = "ComfyUI_temp", "temp"
                    ext = "" if p.mode == "dir" else suffix_of(v) or ".mp4"  # a sequence: a folder of its own
                    try:
                        g.set_param(n.id, p.name, namer.name(prefix, ext, kind))
                    except ValueError as e:
                        raise Refused(str(e), {cid: _input_error(node.get("class_type", ""), "filename_prefix" if
                                                                 "filename_prefix" in node.get("inputs", {})
                                                                 else p.name, str(e))} if cid else {},
                                      kind="prompt_outputs_failed_validation", details=str(e)) from None
                elif v:
                    raise refuse(n.id, f"'{n.label}' would write {v}: a ComfyUI client may only have outputs written")
            elif v and not safe_relative(v):
                raise refuse(n.id, f"'{n.label}' reads '{v}': only files in the input folder (upload them with "
                                   "/upload/image) and models in the models folders by name")


def _prefix(node: dict, pname: str) -> str:
    """The name an output is given as its node says it: ComfyUI's filename_prefix, else (a Studio node's
    prompt) its own file setting without its extension ('renders/shot.mp4': renders/shot_00001_.mp4)."""
    inputs = node.get("inputs", {}) if isinstance(node, dict) else {}
    given = inputs.get("filename_prefix")
    if not isinstance(given, str) and isinstance(inputs.get(pname), str):
        given = os.path.splitext(inputs[pname])[0]
    prefix = (given or "ComfyUI").replace("\\", "/").strip()
    return prefix if prefix.strip("/") else "ComfyUI"


def _input_error(cls: str, name: str, message: str) -> dict:
    e = node_error(cls, message, details=f"{name}: {message}")
    e["errors"][0]["extra_info"] = {"input_name": name}
    return e


def _why(said) -> str:
    """The converter's sentences of a conversion that made no output, without the workflow's name and the count."""
    lines = [line.split(": ", 1)[-1] for line in said]
    return "; ".join(x for x in lines if not re.match(r"\d+ pipeline", x))[:1000]


def no_outputs(prompt: dict, origin: dict, said=()) -> dict:
    """node_errors of a prompt Studio makes no file of: each output node the prompt has, naming the input
    whose chain Studio did not convert (and the nodes not converted); with no output node, every node."""
    from .object_info import OUTPUT_NODES
    made = set(origin.values())
    lost = [f"#{nid} {n['class_type']}" for nid, n in prompt.items() if nid not in made]
    shown = ", ".join(lost[:8]) + (" ..." if len(lost) > 8 else "")
    errors = {}
    for nid, n in prompt.items():
        if n["class_type"] not in OUTPUT_NODES:
            continue
        name = next((k for k, v in n.get("inputs", {}).items() if isinstance(v, list) and len(v) == 2), None)
        errors[nid] = _input_error(n["class_type"], name or "", f"Studio cannot make this output: what feeds it is "
                                   f"not converted ({shown or 'nothing'})")
        errors[nid]["errors"][0]["details"] = _why(said) or errors[nid]["errors"][0]["details"]
        if name is None:
            errors[nid]["errors"][0]["extra_info"] = {}
    if errors:
        return errors
    return {nid: node_error(n["class_type"], "the prompt has no output node (SaveImage, SaveVideo, PreviewImage): "
                            "nothing would be written", kind="prompt_no_outputs") for nid, n in prompt.items()}


def _more_pictures(plan, g, namer: Namer) -> None:
    """A Save Image's next numbers, one a frame it is foreseen to write (studio.engine.held)."""
    from studio.engine.held import foreseen
    from studio.engine.foresight import inputs_of
    saves = [st for st in plan.steps if st.node.spec is not None and st.node.spec.id == "io.save_image"]
    if not saves:
        return
    facts = foreseen(plan, g.base_dir)
    for st in saves:
        frames = inputs_of(st, facts).get("video", {}).get("frames")
        if isinstance(frames, int) and frames > 1:
            namer.more(st.params.get("path") or "", frames - 1)


def _preflight(g, refuse):
    """The engine's checks before a run (inputs readable, models found, outputs allowed); the plan."""
    from studio.engine.executor import Executor
    try:
        return Executor().compile(g, check_only=True)
    except StudioError as e:
        first = (getattr(e, "errors", None) or [e])[0]
        raise refuse(getattr(first, "node_id", "") or "", str(first)) from None
