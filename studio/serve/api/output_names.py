"""Where a prompt's outputs are written, as ComfyUI names them: each output node's file in the server's output
folder (a PreviewImage's in temp/) under its prefix and the next free number (video/ComfyUI_00001_.mp4, a Save
Image's frames one number each), never outside the folder, never a name given to another output; and what a
prompt that makes no file is told (each output node named, with the converter's reasons). The names themselves
are the files room's (files/names.py OutputNames: one counter a name), handed over by the app as ``namer``."""
from __future__ import annotations

import os
import re

from ..checks.folders import safe_relative
from ..checks.refused import Refused, node_error



def place_files(g, origin: dict, prompt: dict, namer, refuse) -> None:
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
    prompt) its own file setting without its extension or number ('renders/shot.mp4': renders/shot_00001_.mp4)."""
    inputs = node.get("inputs", {}) if isinstance(node, dict) else {}
    given = inputs.get("filename_prefix")
    if not isinstance(given, str) and isinstance(inputs.get(pname), str):
        given = re.sub(r"_\d+_$", "", os.path.splitext(inputs[pname])[0])  # Save Image's 'ComfyUI_00001_.png'
    prefix = (given or "ComfyUI").replace("\\", "/").strip()
    return prefix if prefix.strip("/") else "ComfyUI"


def _input_error(cls: str, name: str, message: str) -> dict:
    e = node_error(cls, message, details=f"{name}: {message}")
    e["errors"][0]["extra_info"] = {"input_name": name}
    return e


def refused_nodes(prompt: dict, cid: str, message: str) -> dict:
    """node_errors of a refusal Studio's checks gave on the prompt's node ``cid``, naming the input whose value the
    message quotes (a file's name: 'image'); '' (a node the converter added of its own): the prompt's outputs."""
    if cid not in prompt:
        from .object_info import OUTPUT_NODES
        outs = [nid for nid, n in prompt.items() if n["class_type"] in OUTPUT_NODES] or list(prompt)[:1]
        return {nid: node_error(prompt[nid]["class_type"], message) for nid in outs}
    node = prompt[cid]
    quoted = [k for k, v in node.get("inputs", {}).items() if isinstance(v, str) and len(v) > 1 and v in message]
    if not quoted:
        return {cid: node_error(node["class_type"], message)}
    return {cid: _input_error(node["class_type"], max(quoted, key=lambda k: len(node["inputs"][k])), message)}


def why_not_made(said) -> str:
    """The converter's sentences of a conversion that made no output, without the workflow's name and the count."""
    lines = [line.split(": ", 1)[-1].replace(" (listed in a note on the canvas)", "") for line in said]
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
        errors[nid]["errors"][0]["details"] = why_not_made(said) or errors[nid]["errors"][0]["details"]
        if name is None:
            errors[nid]["errors"][0]["extra_info"] = {}
    if errors:
        return errors
    return {nid: node_error(n["class_type"], "the prompt has no output node (SaveImage, SaveVideo, PreviewImage): "
                            "nothing would be written", kind="prompt_no_outputs") for nid, n in prompt.items()}


def more_pictures(plan, g, namer) -> None:
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
