"""Cache keys of a compiled step: its signature (what it computes: type, version, parameters,
seed, device, the files it reads, its inputs' signatures) and a loader's model key (what it
loads and how, not its seed or its place in the graph). Files count by fingerprint (path, size,
modification time), so a changed file re-runs what reads it."""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import numpy as np

from studio.core.params import Path as PathParam


def file_fingerprint(path: str) -> str:
    try:
        st = os.stat(path)
        return f"{os.path.abspath(path)}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        from .sequence import pattern_fingerprint  # a frame pattern (plate.####.exr): its files
        return pattern_fingerprint(path) or f"{path}:missing"


def _json_default(v: Any) -> Any:
    if isinstance(v, (np.integer, np.floating)):
        return v.item()
    return repr(v)


def _digest(payload: list) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=_json_default).encode()).hexdigest()[:32]


def read_files(st, base_dir: str | None) -> list[str]:
    """The fingerprints of the files step ``st`` (a studio.engine.plan.Step) reads or writes:
    its path parameters (read each time: an output's key is made again once it has written its file), and
    the files its node's ``signature_files`` names (a model's weights), read once per compiled step (its
    signature and a loader's model key both need them: a walk of the model's folder)."""
    spec = st.node.spec
    files = []
    for p in spec.params:
        v = st.params.get(p.name)
        if not isinstance(p, PathParam) or not v:
            continue
        if p.mode != "save":
            files.append(file_fingerprint(v))  # a file it reads: content changes re-run it
        elif spec.is_output:
            files.append(f"{os.path.abspath(v)}:{os.path.exists(v)}")  # a deleted render is redone
        else:
            files.append(os.path.abspath(v))  # a file it writes for itself (a checkpoint)
    named = getattr(st, "files", None)
    if named is None:
        extra = spec.cls.signature_files  # files a node reads that are not path parameters (a model's weights)
        try:
            named = [file_fingerprint(f) for f in extra(st.params, base_dir)]
        except Exception:  # noqa: BLE001 - a bad path fails when the node runs, with its message
            named = ["signature_files:failed"]
        if hasattr(st, "files"):
            st.files = named
    return files + named


def signature(st, by_id: dict[str, Any], base_dir: str | None) -> str:
    """Step ``st``'s output-cache key; ``by_id`` holds the steps before it (their signatures)."""
    return signed(st, by_id, base_dir)[0]


def signed(st, by_id: dict[str, Any], base_dir: str | None) -> tuple[str, bool]:
    """(signature, stable): stable when the key means the same in another process (the disk
    cache's condition): nothing in it is an object's address (a parameter value that is no plain
    value, written by its repr), and the signatures of its inputs are stable too. Nothing else
    in it depends on the process or on where the node sits in groups (its seed comes from its own
    id: studio.engine.plan)."""
    spec = st.node.spec
    ins = [[port, (by_id[src[0]].signature + ":" + src[1]) if src else None] for port, src in st.inputs.items()]
    text = json.dumps([spec.id, spec.version, spec.cls.code_version, st.params, st.seed,
                       str(st.device), read_files(st, base_dir), ins], sort_keys=True, default=_json_default)
    stable = " at 0x" not in text and all(getattr(by_id[src[0]], "stable", False) for src in st.inputs.values() if src)
    return hashlib.sha256(text.encode()).hexdigest()[:32], stable


def model_key(st, base_dir: str | None) -> str:
    """A loader's key in the model cache: what it loads and how (type, parameters, device,
    the weight files' fingerprints), not its seed or its place in the graph."""
    spec = st.node.spec
    return "model:" + _digest([spec.id, spec.version, spec.cls.code_version, st.params,
                               str(st.device), read_files(st, base_dir)])
