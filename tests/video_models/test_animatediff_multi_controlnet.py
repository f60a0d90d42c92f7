"""AnimateDiff steered by several SD 1.5 ControlNets at once (families/animatediff/controlnet_node.py 'control_2' /
'controlnet_2' ..., as ComfyUI's chained ControlNetApplyAdvanced nodes): two tiny ControlNets of different weights,
each in lllyasviel's layout, read once each and given to diffusers' AnimateDiffControlNetPipeline as a list (its
MultiControlNetModel); the frames equal the pipeline built with the same two ControlNets and called directly with the
node's arguments (fp32, CPU, exactly), the second control clip changes them, two runs agree; a second ControlNet's
missing file, or its file set with no clip wired, is refused in one sentence before any call."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from . import tiny_animatediff_files as files
from .graphs import model_graph, spy_call
from .test_animatediff_controlnet_files import CONTROL, PARAMS, controlnet_original, tiny_controlnet

pytest.importorskip("diffusers")


def _bars(offset: int = 0) -> np.ndarray:
    """A second control clip: a horizontal bar moving down (``offset`` shifts it)."""
    f = np.zeros((8, 16, 16, 3), np.float32)
    for i in range(8):
        f[i, (3 + i + offset) % 16, 2:14] = 1.0
    return f


BARS = source("test.animatediff_bars", "video", "Video",
              lambda p: __import__("studio.engine.clip", fromlist=["x"]).ArrayClip(_bars(int(p["offset"])), 8.0),
              params=(__import__("studio.core.params", fromlist=["Int"]).Int("offset", 0),))


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    from safetensors.torch import save_file
    root = tmp_path_factory.mktemp("animatediff-two-controlnets")
    made = files.write(str(root))
    cns, paths = [], []
    for seed, name in ((7, "control_v11p_sd15_tiny_lines.safetensors"), (11, "control_v11p_sd15_tiny_pose.safetensors")):
        cns.append(tiny_controlnet(made["parts"]["unet"], seed))
        paths.append(str(root / name))
        save_file(controlnet_original(cns[-1].state_dict()), paths[-1])
    return dict(made, paths=paths, cns=cns)


def _graph(made: dict, offset: int = 0, wire_second: bool = True, **p):
    params = {**PARAMS, "controlnet": made["paths"][0], "controlnet_2": made["paths"][1], "strength_2": 0.9,
              "start_2": 0.2, "end_2": 1.0, **p}
    g = model_graph(made["motion"], "video_models.animatediff_controlnet", params, control=(CONTROL, "video"))
    g.nodes["load"].params.update(image_model=made["checkpoint"])
    if wire_second:
        g.add_node(BARS, {"offset": offset}, node_id="control_2")
        g.connect("control_2", "video", "gen", "control_2")
    return g


def _run(g, said=None):
    return Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                          on_event=(lambda e: said.append(str(getattr(e, "text", "") or ""))) if said is not None
                          else None).value("gen")


@pytest.mark.fresh_models  # (its load's messages are checked: never served from the module's models)
def test_two_controlnets_steer_the_take_as_the_pipeline_called_directly_with_both(two, monkeypatch):
    import diffusers
    import torch

    from nodes.video_models.families.animatediff.parts import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.AnimateDiffControlNetPipeline, dict)
    said: list[str] = []
    clip = _run(_graph(two), said)
    assert (clip.n_frames, clip.width, clip.height) == (8, 16, 16) and len(calls) == 1
    for name in ("control_v11p_sd15_tiny_lines.safetensors", "control_v11p_sd15_tiny_pose.safetensors"):
        assert any(f"ControlNet {name}" in s for s in said), said
    assert any("the control clip on 'control_2' (strength 0.9, from 0.2 to 1 of the steps)" in s for s in said), said
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert (kw["controlnet_conditioning_scale"], kw["control_guidance_start"], kw["control_guidance_end"]) == \
        ([0.8, 0.9], [0.0, 0.2], [0.6, 1.0])
    got = [np.stack([np.asarray(f, np.float32) / 255.0 for f in frames]) for frames in kw["conditioning_frames"]]
    assert len(got) == 2 and np.array_equal(got[0], files_control()) and np.array_equal(got[1], _bars())
    seed = kw.pop("generator").initial_seed()
    p = two["parts"]
    pipe = diffusers.AnimateDiffControlNetPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=two["tokenizer"], unet=p["unet"],
        motion_adapter=p["motion_adapter"], controlnet=list(two["cns"]), scheduler=diffusers.DDIMScheduler(**SCHEDULER))

    def direct(**changed):
        out = orig(pipe, **dict(kw, output_type="np", **changed), generator=torch.Generator().manual_seed(seed))
        return np.clip(np.asarray(out.frames[0], np.float32), 0, 1)
    want = direct()
    assert want.std() > 0 and np.array_equal(clip.frames, want)
    assert not np.array_equal(direct(controlnet_conditioning_scale=[0.8, 0.0]), want)  # the second one matters


def files_control() -> np.ndarray:
    from .test_animatediff_controlnet_files import _control
    return _control()


def test_the_second_control_clip_changes_the_frames_and_two_runs_agree(two):
    first = _run(_graph(two)).frames
    assert np.array_equal(_run(_graph(two)).frames, first)  # deterministic
    assert not np.array_equal(_run(_graph(two, offset=5)).frames, first)  # the second clip steers
    alone = _run(_graph(two, wire_second=False, controlnet_2="")).frames
    assert not np.array_equal(alone, first)  # one ControlNet is another take


def test_a_second_controlnet_missing_or_without_its_clip_is_refused_in_one_sentence(two, tmp_path, monkeypatch):
    import diffusers
    from studio.core.errors import GraphError
    calls, _ = spy_call(monkeypatch, diffusers.AnimateDiffControlNetPipeline, dict)
    gone = str(tmp_path / "control_v11p_sd15_gone.safetensors")
    with pytest.raises(GraphError, match="ControlNet '.*control_v11p_sd15_gone.safetensors' not found"):
        _run(_graph(two, controlnet_2=gone))
    with pytest.raises(StudioError, match="AnimateDiff ControlNet: 'controlnet_2' is set but nothing is connected to "
                                          "'control_2': connect the control clip that ControlNet follows, or clear "
                                          "'controlnet_2'"):
        _run(_graph(two, wire_second=False))
    with pytest.raises(StudioError, match="AnimateDiff ControlNet: start_2 0.7 is not before end_2 0.5"):
        _run(_graph(two, start_2=0.7, end_2=0.5))
    with pytest.raises(StudioError, match="no ControlNet chosen: set 'controlnet_2'"):
        _run(_graph(two, controlnet_2=""))  # (a clip on 'control_2' with no file for it)
    assert not calls
