"""Issue 61: what validation can know is said before the run, naming the node: a task the loaded
model cannot do, keyframes it cannot take, a long take made otherwise than asked, source frames
dropped, a VAE typed as the model. Compiled with check_only: nothing is loaded or sampled."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import GraphError
from studio.core.graph import Graph
from studio.core.params import Int
from studio.core.registry import default_registry
from studio.core.spec import FRAME, SOURCE, In, Node, Out
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph

pytest.importorskip("diffusers")


class _Clip(Node):
    """A clip whose length validation knows (as Load Video's container declares it)."""
    id = "test.advice_clip"
    timing = SOURCE
    outputs = (Out("video", "Video"),)
    params = (Int("frames", 48, min=1, max=1000),)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        return {"video": {"frames": params["frames"]}}

    def run(self, ctx):
        return ArrayClip(np.zeros((ctx.params.frames, 16, 16, 3), np.float32), 8.0)


STILL = source("test.advice_still", "image", "Image", lambda p: np.zeros((16, 16, 3), np.float32))


class _Grade(Node):
    """A frame-by-frame node: it keeps its input's length."""
    id = "test.advice_grade"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)

    def frame(self, ctx, i, video):
        return video


for _c in (_Clip, _Grade):
    if _c.id not in default_registry():
        default_registry().register(_c)


def _graph(model, node="video_models.text_to_video", **params):
    return model_graph(model, node, {
        "frames": 9, "width": 16, "height": 16, "steps": 1, "prompt": "a red fox", "previews": False,
        "preview_size": "off", **params})


def _notes(plan, level="warning"):
    return [n[2] for n in plan.notes if n[0] == "gen" and n[3:] == (level,)]


def test_an_image_to_video_model_in_text_to_video_is_refused_in_words_at_validation(svd_dir):
    with pytest.raises(GraphError, match=r"'Text to Video' \(gen\): this model \(Stable Video Diffusion\) makes image "
                                         r"to video, not text to video: use Image to Video") as e:
        Executor().compile(_graph(svd_dir), check_only=True)
    assert e.value.node_id == "gen"


def test_the_same_model_in_image_to_video_validates(svd_dir):
    g = _graph(svd_dir, node="video_models.image_to_video")
    g.add_node("test.advice_still", node_id="img")
    g.connect("img", "image", "gen", "image")
    assert _notes(Executor().compile(g, check_only=True)) == []


def test_continue_on_wan_text_to_video_is_warned_before_the_run(wan_dir):
    plan = Executor().compile(_graph(wan_dir, frames=17, window=9, long_take="continue"), check_only=True)
    said = _notes(plan)
    assert len(said) == 1 and said[0].startswith("'continue' needs a model that takes frames to start from") \
        and "making context windows instead" in said[0]
    # one window: no long take, nothing to say
    assert _notes(Executor().compile(_graph(wan_dir, frames=9, long_take="continue"), check_only=True)) == []


def test_a_warning_before_the_run_is_told_at_its_start(wan_dir):
    from studio.engine.events import NodeMessage
    from studio.engine.executor import _announce
    plan = Executor().compile(_graph(wan_dir, frames=17, window=9, long_take="continue"), check_only=True)
    said = []
    _announce(plan, said.append)
    told = [e for e in said if isinstance(e, NodeMessage)]
    assert [(e.node_id, e.level) for e in told] == [("gen", "warning")] and "'continue' needs" in told[0].text


def test_keyframe_ports_on_a_model_that_cannot_take_them_are_refused_at_validation(wan_dir):
    g = _graph(wan_dir, keyframes="4", frames=5)
    g.add_node("test.advice_clip", {"frames": 1}, node_id="k")
    g.connect("k", "video", "gen", "keyframe_1")
    with pytest.raises(GraphError, match=r"'Text to Video' \(gen\): Wan Text to Video cannot take keyframes at any "
                                         r"frame"):
        Executor().compile(g, check_only=True)


def test_keyframes_on_ltx_in_several_windows_are_refused_at_validation(ltx_dir):
    g = _graph(ltx_dir, keyframes="4", frames=17, window=9)
    g.add_node("test.advice_clip", {"frames": 1}, node_id="k")
    g.connect("k", "video", "gen", "keyframe_1")
    with pytest.raises(GraphError, match=r"17 frames in windows of 9 are asked: set 'window' to 0 or at least 17"):
        Executor().compile(g, check_only=True)


@pytest.mark.parametrize("through_grade", [False, True])
def test_a_source_clip_longer_than_frames_says_what_is_dropped(wan_dir, through_grade):
    g = _graph(wan_dir, node="video_models.video_to_video", frames=33)
    g.add_node("test.advice_clip", {"frames": 48}, node_id="clip")
    if through_grade:  # a frame-by-frame node between keeps the length
        g.add_node("test.advice_grade", node_id="grade")
        g.connect("clip", "video", "grade", "video")
        g.connect("grade", "video", "gen", "video")
    else:
        g.connect("clip", "video", "gen", "video")
    assert _notes(Executor().compile(g, check_only=True)) == [
        "'frames' is 33 but the 'video' clip has 48: the first 33 are used, the last 15 dropped (set 'frames' to 0 "
        "to use them all)"]


def test_a_source_clip_shorter_than_frames_and_one_as_long_say_so_or_nothing(wan_dir):
    g = _graph(wan_dir, node="video_models.video_to_video", frames=60)
    g.add_node("test.advice_clip", {"frames": 48}, node_id="clip")
    g.connect("clip", "video", "gen", "video")
    assert _notes(Executor().compile(g, check_only=True)) == ["'frames' is 60 but the 'video' clip has 48: making 48"]
    g.nodes["gen"].params["frames"] = 0
    assert _notes(Executor().compile(g, check_only=True)) == []


def test_vace_control_clip_longer_than_frames_is_said(vace_dir):
    g = _graph(vace_dir, node="video_models.wan_vace", frames=33)
    g.add_node("test.advice_clip", {"frames": 48}, node_id="clip")
    g.connect("clip", "video", "gen", "video")
    said = _notes(Executor().compile(g, check_only=True))
    assert said and said[0].startswith("'frames' is 33 but the 'video' clip has 48: the first 33 are used, the last "
                                       "15 dropped")


def _wan_vae_file(path: str) -> str:
    import torch
    from safetensors.torch import save_file
    save_file({"decoder.middle.0.residual.0.gamma": torch.zeros(4, 1, 1, 1),
               "decoder.conv1.weight": torch.zeros(4, 16, 3, 3, 3),
               "encoder.conv1.weight": torch.zeros(4, 3, 3, 3, 3)}, path)
    return path


def test_a_vae_file_typed_as_the_model_is_named_as_a_vae_at_validation_and_at_load(tmp_path, wan_dir):
    f = _wan_vae_file(str(tmp_path / "wan_2.1_vae.safetensors"))
    want = ("'wan_2.1_vae.safetensors' is a Wan 2.1 VAE, not a denoiser: set it as Load Video Model's 'vae' and "
            "choose the denoiser as 'model'")
    g = Graph()
    g.add_node("video_models.load", {"model": f, "base": wan_dir}, node_id="load")
    with pytest.raises(GraphError, match="'Load Video Model' \\(load\\): " + want.replace("(", "\\(").replace(")", "\\)")
                       .replace(".", "\\.")):
        Executor().compile(g, check_only=True)
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.checks import check_file
    with pytest.raises(ModelError) as e:
        check_file(f)
    assert str(e.value) == want


def test_frames_width_and_height_say_zero_is_the_default():
    from nodes.video_models.sampling.generators import TextToVideo
    spec = TextToVideo.spec()
    for name in ("frames", "width", "height"):
        p = spec.param(name)
        assert p.special == "default" and p.help.startswith("0 (default)") and p.coerce("default") == 0


def test_context_windows_say_the_overlap_in_latent_frames_and_in_the_frames_set():
    from types import SimpleNamespace
    from nodes.video_models.base.registry import family
    from nodes.video_models.takes.long_take import plan_take
    said = []
    ctx = SimpleNamespace(params=SimpleNamespace(long_take="context windows", overlap=16, hold_colour="auto",
                                                 context_schedule="uniform", step_cache="off"),
                          info=said.append, warn=said.append, note=lambda t: None)
    pipe = SimpleNamespace(vae_scale_factor_temporal=4)
    s = SimpleNamespace(fam=family("wan"), pipe=pipe, context=None)
    plan_take(ctx, s, "t2v", 81, 33, False)
    assert len(said) == 1 and "overlap 4 latent frames ('overlap' 16 frames)" in said[0], said
