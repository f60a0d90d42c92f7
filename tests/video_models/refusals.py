"""The refusal tests' set-up: weight loads that fail if reached, so that a message raised with them in
place is known to come before anything was allocated, and a load that must be refused."""
from __future__ import annotations

import pytest


def refuse_loads(monkeypatch, why: str, *places) -> None:
    """Each ``(module, name)`` of ``places`` replaced by a function that fails with ``why``."""
    def refuse(*a, **k):
        raise AssertionError(why)
    for mod, name in places:
        monkeypatch.setattr(mod, name, refuse)


def single_file_loads() -> tuple:
    """The single-file reader's two loads, the denoiser's and every other part's."""
    from nodes.video_models.files import single_file
    return (single_file, "lean_load"), (single_file, "load_denoiser")


def refused(den: str, match: str, **parts) -> None:
    """Loading ``den`` alone (no base folder) with ``parts`` on the CPU is refused matching ``match``."""
    import torch

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model
    with pytest.raises(ModelError, match=match):
        load_video_model(den, base=None, device=torch.device("cpu"), dtype_name="fp32", parts=parts)


def configs_read(monkeypatch, parts_module, ckpt: str, te: str) -> dict:
    """The configs Studio reads from a checkpoint and its text-encoder file without loading a weight:
    each part's as ``parts_module.check_shapes`` is given it, the transformer's as the config.json
    written for ``load_denoiser``, which is stopped there (the load must reach it). {part: config}."""
    import json
    import os

    import torch

    from nodes.video_models.files import single_file
    from nodes.video_models.loading.load import load_video_model
    seen, checked = {}, parts_module.check_shapes

    def recording(part, diffusers):
        seen[part.component] = part.cfg
        return checked(part, diffusers)

    class Checked(Exception):
        pass

    def stop(diffusers, index, tmp, fam, wf, dtype):
        with open(os.path.join(tmp, "transformer", "config.json")) as f:
            seen["transformer"] = json.load(f)
        raise Checked
    monkeypatch.setattr(parts_module, "check_shapes", recording)
    monkeypatch.setattr(single_file, "load_denoiser", stop)  # the config written where it reads one
    with pytest.raises(Checked):
        load_video_model(ckpt, base=None, device=torch.device("cpu"), dtype_name="bf16", parts={"text_encoder": te})
    return seen
