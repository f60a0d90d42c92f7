"""The video pipelines of the installed diffusers, found from its source text (nothing imported, no file parsed):
every ``*Pipeline`` class under ``pipelines/`` whose ``__call__`` returns an output with frames (an output class
with a ``frames`` / ``videos`` / ``video`` field) or takes a frame count or a video; and every ``*ModularPipeline``
class of a ``modular_pipelines/`` folder whose blocks give ``videos``. Diffusers 0.42.1 has 94."""
from __future__ import annotations

import functools
import importlib.util
import os
import re

OUTPUT = re.compile(r"^class (\w+Output)\((?:\w+\.)?BaseOutput\):(.*?)(?=^\S|\Z)", re.M | re.S)
FRAME_FIELD = re.compile(r"^    (?:frames|videos|video)\s*:", re.M)
CLASS = re.compile(r"^class (\w+)\b.*?(?=^class |\Z)", re.M | re.S)
CALL = re.compile(r"^    def __call__\((.*?)(?=^    (?:def |async def |@)|\Z)", re.M | re.S)  # to the next method
FRAME_ARG = re.compile(r"^\s+(?:num_frames|video_length|video)\s*[:=,]", re.M)


def _root() -> str:
    return os.path.dirname(importlib.util.find_spec("diffusers").origin)


def _texts(folder: str) -> list[str]:
    out = []
    for dp, _, fs in os.walk(folder):
        for f in sorted(fs):
            if f.endswith(".py"):
                with open(os.path.join(dp, f), encoding="utf-8") as fh:
                    out.append(fh.read())
    return out


def _classic(folder: str) -> set[str]:
    texts = _texts(folder)
    outputs = {m.group(1) for t in texts for m in OUTPUT.finditer(t) if FRAME_FIELD.search(m.group(2))}
    made = re.compile(r"\b(?:%s)\(" % "|".join(sorted(outputs)))  # a frames output made
    found = set()
    for t in texts:
        for c in CLASS.finditer(t):
            call = CALL.search(c.group(0)) if c.group(1).endswith("Pipeline") else None
            signature = call.group(1).split("\n    )", 1)[0] if call else ""
            if call and (FRAME_ARG.search(signature) or made.search(call.group(1))):
                found.add(c.group(1))
    return found


def _modular(folder: str) -> set[str]:
    found = set()
    for d in sorted(os.listdir(folder)):
        main = os.path.join(folder, d, "modular_pipeline.py")
        if not os.path.isfile(main) or not any('"videos"' in t or "'videos'" in t for t in _texts(os.path.join(folder, d))):
            continue
        with open(main, encoding="utf-8") as fh:
            found |= set(re.findall(r"^class (\w+ModularPipeline)\b", fh.read(), re.M))
    return found


@functools.lru_cache(maxsize=1)
def video_pipelines() -> frozenset[str]:
    root = _root()
    return frozenset(_classic(os.path.join(root, "pipelines")) | _modular(os.path.join(root, "modular_pipelines")))
