"""A ComfyUI ``POST /prompt`` made a queue job, or refused as ComfyUI refuses one: a 400 whose
``error`` says why and whose ``node_errors`` name the workflow's nodes at fault. Refused before it
is queued: a body that is not a prompt, a node Studio does not read, a value a node cannot take, a
file read from outside the input folder, a file written anywhere but the output folder (each output
is given ComfyUI's name there: video/ComfyUI_00001_.mp4), a model not found. Nothing of a request is
ever run as code: the workflow is converted into a Studio graph (studio.convert) and only that runs."""
from __future__ import annotations

import re
import uuid
from typing import Any, Callable

from studio.core.errors import StudioError
from studio.queue.job import Job

from ..checks.folders import Folders
from ..checks.refused import Refused, node_error
from .output_names import more_pictures, no_outputs, place_files, refused_nodes, why_not_made

MAX_CLIENT_ID = 256


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


def make_job(prompt: dict, prompt_id: str, client_id: str, folders: Folders, namer, known: set[str],
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
        raise Refused(str(e), refused_nodes(prompt, "", str(e))) from None
    _refuse_fitted(conv.log, prompt)
    finish(job, conv.graph, conv.origin, prompt, namer, conv.log)
    job.id, job.client_id, job.title = prompt_id, client_id, f"prompt {prompt_id[:8]}"
    return job


def finish(job: Job, g, origin: dict, prompt: dict, namer, said: list[str] = ()) -> None:
    """The checks every prompt's graph passes before it is queued (its outputs named in the output
    folder, its files read only from the input and models folders, the engine's own checks, each
    node's memory foreseen against what the machine has free: checks/bounds.py), the
    graph then kept in ``job``. ``origin``: the graph's node id -> the prompt's; ``said``: the converter's
    Log (why an output was not made, told with a refusal)."""
    from studio.core.fileformat import graph_to_dict

    def refuse(nid: str, message: str) -> Refused:
        return Refused(message, refused_nodes(prompt, origin.get(nid, ""), message),
                       kind="prompt_outputs_failed_validation", details=message)

    place_files(g, origin, prompt, namer, refuse)
    from studio.core.targets import file_outputs
    if not file_outputs(g):
        raise Refused("Prompt has no outputs that Studio can make (a SaveImage or SaveVideo fed by nodes Studio "
                      "converts)", no_outputs(prompt, origin, said), kind="prompt_no_outputs",
                      details=why_not_made(said))
    for e in g.validate():
        raise refuse(getattr(e, "node_id", "") or "", str(e))
    plan = _preflight(g, refuse)
    more_pictures(plan, g, namer)
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
            entry = errors.setdefault(m["node"], refused_nodes(prompt, m["node"], what)[m["node"]])
            if entry["errors"][0]["message"] != what:
                entry["errors"].append(node_error("", what)["errors"][0])
    if errors:
        raise Refused("Prompt outputs failed validation", errors, kind="prompt_outputs_failed_validation",
                      details="\n".join(e["message"] for v in errors.values() for e in v["errors"]))

def _preflight(g, refuse):
    """The engine's checks before a run (inputs readable, models found, outputs allowed); the plan."""
    from studio.engine.executor import Executor
    try:
        return Executor().compile(g, check_only=True)
    except StudioError as e:
        first = (getattr(e, "errors", None) or [e])[0]
        raise refuse(getattr(first, "node_id", "") or "", str(first)) from None
