"""A ``POST /prompt`` made of Studio's own node types (those ``/object_info`` lists under 'Studio/'),
as ComfyUI's web page sends a graph built from them: it is a Studio graph already, so it is built
as one (no converter): each node by its id, a value by its parameter's name, a link ``[node,
index]`` to that node's output of that index. Refused as ComfyUI refuses (checks/refused.py, the
node and input named) where a value or a link does not fit."""
from __future__ import annotations

from typing import Any

from studio.core.errors import StudioError

from ..checks.refused import Refused, node_error
from .prompt import finish


def studio_types(prompt: dict, registry) -> set[str]:
    """The node ids of ``prompt`` whose type is one of Studio's own."""
    return {nid for nid, n in prompt.items() if n["class_type"] in registry}


# ComfyUI's file loaders a prompt of Studio's nodes may hold (issue 105: the page's LoadImage, with its
# upload button, feeding a Studio node): each is the Studio loader the converter makes of it, its file
# setting, and its outputs by index as Studio's (None: no Studio output means the same; LoadImage's
# MASK is 1 - alpha, Studio's alpha is the alpha)
LOADERS = {"LoadImage": ("io.load_image", "image", (0, None)), "LoadVideo": ("io.load_video", "file", (0,))}


def refuse_mixed(prompt: dict, studio: set[str]) -> None:
    """A prompt is either Studio's nodes or ComfyUI's (the converter reads ComfyUI's into Studio's
    and has no place for a Studio node among them), but for ComfyUI's file loaders among Studio's
    nodes (LOADERS): any other mix is refused naming its ComfyUI nodes."""
    others = sorted(nid for nid in prompt if nid not in studio and prompt[nid]["class_type"] not in LOADERS)
    if studio and others:
        errors = {nid: node_error(prompt[nid]["class_type"], "a ComfyUI node among Studio's nodes: a prompt is made "
                                  "of Studio's nodes (ComfyUI's LoadImage and LoadVideo may feed them), or of "
                                  "ComfyUI's only", kind="invalid_prompt") for nid in others}
        raise Refused("Cannot execute a prompt that mixes Studio's own nodes with ComfyUI's (but for LoadImage and "
                      "LoadVideo): build it of one kind", errors, kind="invalid_prompt")


def as_studio(prompt: dict) -> dict:
    """``prompt`` with each ComfyUI loader made its Studio loader and each link to it renumbered
    (Refused where a link takes an output Studio has no like of)."""
    out = {}
    for nid, node in prompt.items():
        if node["class_type"] in LOADERS:
            cls, setting, _ = LOADERS[node["class_type"]]
            out[nid] = {"class_type": cls, "inputs": {"path": node.get("inputs", {}).get(setting, "")}}
            continue
        inputs = dict(node.get("inputs", {}))
        for name, v in inputs.items():
            if is_link(v) and v[0] in prompt and prompt[v[0]]["class_type"] in LOADERS:
                outs = LOADERS[prompt[v[0]]["class_type"]][2]
                index = outs[v[1]] if 0 <= v[1] < len(outs) else None
                if index is None:
                    e = node_error(node["class_type"], f"{name}: output {v[1]} of {prompt[v[0]]['class_type']} "
                                   f"'#{v[0]}' has no like in Studio (a ComfyUI mask is 1 - alpha): use Studio's "
                                   "own loader's alpha", kind="bad_linked_input")
                    e["errors"][0]["extra_info"] = {"input_name": name}
                    raise Refused("Prompt outputs failed validation", {nid: e},
                                  kind="prompt_outputs_failed_validation", details=e["errors"][0]["message"])
                inputs[name] = [v[0], index]
        out[nid] = {**node, "inputs": inputs}
    return out


def is_link(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], int) \
        and not isinstance(v[1], bool)


def build(prompt: dict, registry, base_dir: str):
    """The Studio graph of a prompt of Studio's nodes (Refused when a value or link does not fit)."""
    from studio.core.graph import Graph
    g = Graph(registry)
    g.base_dir = base_dir
    links = []

    def bad(nid: str, name: str | None, message: str, kind: str = "value_not_valid") -> Refused:
        e = node_error(prompt[nid]["class_type"], message, kind=kind)
        if name is not None:
            e["errors"][0]["extra_info"] = {"input_name": name}
        return Refused("Prompt outputs failed validation", {nid: e}, kind="prompt_outputs_failed_validation",
                       details=message)

    for nid, node in prompt.items():
        spec = registry.get(node["class_type"])
        try:
            g.add_node(spec.id, node_id=nid)
        except StudioError as e:
            raise bad(nid, None, str(e), kind="invalid_prompt") from None
        ports, params = {i.name for i in spec.inputs}, {p.name for p in spec.params}
        for name, v in node.get("inputs", {}).items():
            if name in ports and is_link(v):
                links.append((v[0], v[1], nid, name))
            elif name in params and not is_link(v):
                try:
                    g.set_param(nid, name, v)
                except StudioError as e:
                    raise bad(nid, name, f"{name}: {e}") from None
    for src, index, dst, port in links:
        if src not in g.nodes:
            raise bad(dst, port, f"{port}: node '{src}' is not in the prompt", kind="bad_linked_input")
        outs = g.nodes[src].spec.outputs
        if not 0 <= index < len(outs):
            raise bad(dst, port, f"{port}: node '{src}' has no output {index}", kind="bad_linked_input")
        try:
            g.connect(src, outs[index].name, dst, port)
        except StudioError as e:
            raise bad(dst, port, f"{port}: {e}", kind="return_type_mismatch") from None
    return g


def make_studio_job(prompt: dict, prompt_id: str, client_id: str, folders, namer, registry, check=None):
    """The queue job of a prompt of Studio's nodes: ``check`` (validate.check against the
    declarations /object_info serves), the graph built, then prompt.finish's checks; the job keeps
    the prompt and its ids, as a converted one does (/history, the websocket name its nodes)."""
    from studio.queue.job import Job
    if check is not None:
        check(prompt)
    g = build(as_studio(prompt), registry, folders.input)
    job = Job(graph={}, title=f"prompt {prompt_id[:8]}", base_dir=folders.input, source="comfy-api",
              workflow=prompt, origin={nid: nid for nid in prompt}, id=prompt_id, client_id=client_id)
    finish(job, g, job.origin, prompt, namer)
    return job
