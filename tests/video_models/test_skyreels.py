"""SkyReels-V2 as a Studio family (issue 47, 2): a diffusers SkyReels-V2 folder loads and is listed with its
family; a SkyReels-V2 DF take longer than its window is made by diffusion forcing in ONE pipeline call
(window -> base_num_frames, overlap -> overlap_history), frame for frame what the pipeline called directly
makes; what a plain SkyReels-V2 model or a setting it cannot use does instead is said."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor

from .graphs import model_graph, said, spy_call

pytest.importorskip("diffusers")

PARAMS = {"frames": 17, "window": 9, "overlap": 1, "width": 16, "height": 16, "steps": 2, "guidance": 1.0,
          "prompt": "a red fox", "previews": False, "preview_size": "off", "seed": 5}


@pytest.fixture(scope="module")
def df_dir(tmp_path_factory):
    from .tiny_skyreels import build_skyreels
    return build_skyreels(str(tmp_path_factory.mktemp("models") / "tiny-skyreels-df"))


@pytest.fixture(scope="module")
def plain_dir(tmp_path_factory):
    from .tiny_skyreels import build_skyreels
    return build_skyreels(str(tmp_path_factory.mktemp("models") / "tiny-skyreels"), forcing=False)


def _spy(monkeypatch, cls):
    """Every call of ``cls``'s pipeline: its arguments."""
    return spy_call(monkeypatch, cls, dict)


def _graph(model_dir, node="video_models.text_to_video", **p):
    return model_graph(model_dir, node, dict(PARAMS, **p))


def _run(g):
    ev = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    return clip, ev


def _said(ev, level=None):
    return said(ev, "gen", level)


def test_skyreels_folders_load_and_are_listed_with_their_family(df_dir, plain_dir):
    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.loading.checks import check_folder
    from nodes.video_models.loading.load import load_video_model
    for path, forcing, t2v, variant in ((df_dir, True, "SkyReelsV2DiffusionForcingPipeline", "SkyReels-V2 DF"),
                                        (plain_dir, False, "SkyReelsV2Pipeline", "SkyReels-V2 T2V")):
        assert check_folder(path)[0].key == "skyreels"
        e = describe_folder(path)
        assert (e.kind, e.family, e.family_title, e.variant) == ("pipeline", "skyreels", "SkyReels-V2", variant)
        ref = load_video_model(path, base=None, device="cpu")
        fam = ref.fam
        assert (fam.key, fam.forcing, fam.t2v, fam.frame_multiple, fam.fps) == ("skyreels", forcing, t2v, (4, 1), 24.0)
        assert type(ref.pipeline("t2v")).__name__ == t2v
    df = load_video_model(df_dir, base=None, device="cpu")
    assert type(df.pipeline("i2v")).__name__ == "SkyReelsV2DiffusionForcingImageToVideoPipeline"  # same parts
    plain = load_video_model(plain_dir, base=None, device="cpu")
    with pytest.raises(StudioError, match="SkyReels-V2 text-to-video model: image to video needs a SkyReels-V2 I2V "
                                          r"model \(with an image_encoder\) or a diffusion-forcing \(DF\) one"):
        plain.pipeline("i2v")


def test_a_df_take_longer_than_its_window_is_one_diffusion_forcing_call_equal_to_the_pipeline_called_directly(
        df_dir, monkeypatch):
    import torch
    from diffusers import SkyReelsV2DiffusionForcingPipeline as DF
    calls, orig = _spy(monkeypatch, DF)
    clip, ev = _run(_graph(df_dir))
    assert clip.n_frames == 17 and len(calls) == 1  # 17 frames past the window of 9: one call
    kw = calls[0]
    assert (kw["num_frames"], kw["base_num_frames"], kw["overlap_history"], kw["addnoise_condition"], kw["ar_step"]) \
        == (17, 9, 1, 20.0, 0)
    said = _said(ev, "info")
    assert any("long take: continue (auto): by diffusion forcing, in one call of SkyReelsV2DiffusionForcingPipeline: "
               "17 frames in 2 blocks" in t and "(base_num_frames 9)" in t and "(overlap_history 1: 1 latent frame)"
               in t for t in said), said
    assert any("a Stop loses this take's steps" in t and "cannot resume mid-way" in t for t in said)
    assert any(t.startswith("colour hold: not used with diffusion forcing") for t in said)
    seed = kw["generator"].initial_seed()
    pipe = DF.from_pretrained(df_dir)
    torch.manual_seed(seed)  # the noise addnoise_condition draws comes from torch's global generator
    out = orig(pipe, prompt="a red fox", height=16, width=16, num_frames=17, base_num_frames=9, overlap_history=1,
               addnoise_condition=20.0, num_inference_steps=2, guidance_scale=1.0,
               generator=torch.Generator().manual_seed(seed), output_type="np").frames[0]
    assert np.array_equal(clip.frames, out)  # exact: the pipeline's own take (decoded here in time tiles)
    again, _ = _run(_graph(df_dir))
    assert np.array_equal(again.frames, clip.frames)  # the same graph and seed: the same frames


def test_image_to_video_with_a_df_model_is_one_forcing_call_from_the_still(df_dir, monkeypatch):
    import os
    from diffusers import SkyReelsV2DiffusionForcingImageToVideoPipeline as DFI2V
    calls, _ = _spy(monkeypatch, DFI2V)
    g = _graph(df_dir, "video_models.image_to_video", overlap=5, hold_colour="off")
    still = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "media", "still.png")
    g.add_node("io.load_image", {"path": os.path.abspath(still)}, node_id="img")
    g.connect("img", "image", "gen", "image")
    clip, ev = _run(g)
    assert clip.n_frames == 17 and len(calls) == 1
    kw = calls[0]
    assert (kw["num_frames"], kw["base_num_frames"], kw["overlap_history"]) == (17, 9, 5)
    from PIL import Image
    assert kw["image"].size == Image.open(still).size  # the still, as it is: the pipeline fits it to the size
    assert any("in one call of SkyReelsV2DiffusionForcingImageToVideoPipeline: 17 frames in 3 blocks" in t
               and "(overlap_history 5: 2 latent frames)" in t for t in _said(ev, "info"))
    g.connect("img", "image", "gen", "last_image")  # after the last block: diffusers takes it with 1 latent frame
    with pytest.raises(StudioError, match=r"a last image in a SkyReels-V2 DF long take needs 'overlap' 4 or less "
                                          r"\(one latent frame; 'overlap' is 5\)"):
        _run(g)
    assert len(calls) == 1  # refused before the call
    g.nodes["gen"].params["overlap"] = 4
    clip, _ = _run(g)
    assert clip.n_frames == 17 and len(calls) == 2 and calls[1]["last_image"] is not None
    assert calls[1]["output_type"] == "pt"  # the pipeline decodes: it trims the last image's frames itself


def test_df_settings_it_cannot_use_say_what_it_does_instead(df_dir, monkeypatch):
    from diffusers import SkyReelsV2DiffusionForcingPipeline as DF
    calls, _ = _spy(monkeypatch, DF)
    clip, ev = _run(_graph(df_dir, long_take="context windows", hold_colour="off"))
    assert clip.n_frames == 17 and len(calls) == 1 and calls[0]["overlap_history"] == 1
    assert any("'context windows' is not how SkyReels-V2 DF makes a long take" in t and "making continue instead "
               "(by diffusion forcing in one call)" in t for t in _said(ev, "warning"))
    calls.clear()
    clip, ev = _run(_graph(df_dir, long_take="separate shots"))  # windows made apart: one block each
    assert clip.n_frames == 17 and len(calls) == 2
    assert all(c["base_num_frames"] == c["num_frames"] == 9 and "overlap_history" not in c for c in calls)
    calls.clear()
    with pytest.raises(StudioError, match=r"overlap \(9\) must be smaller than the window \(9 frames\): 0 to 8"):
        _run(_graph(df_dir, overlap=9))
    assert calls == []  # refused before any call


def test_a_plain_skyreels_model_makes_context_windows_and_says_so_when_asked_to_continue(plain_dir, monkeypatch):
    """A SkyReels-V2 model without diffusion forcing takes no frames to start from: 'continue' makes one take
    in context windows instead (its transformer is Wan's: the hook cuts it along its frames)."""
    from diffusers import SkyReelsV2Pipeline
    calls, _ = _spy(monkeypatch, SkyReelsV2Pipeline)
    clip, ev = _run(_graph(plain_dir, long_take="continue", overlap=4))
    assert clip.n_frames == 17 and len(calls) == 1 and "overlap_history" not in calls[0]
    assert any("'continue' needs a model that takes frames to start from; SkyReels-V2 Text to Video takes none"
               in t and "making context windows instead" in t for t in _said(ev, "warning"))
    assert any(t.startswith("long take: context windows: 17 frames sampled as one take") for t in _said(ev, "info"))


@pytest.mark.fresh_models
def test_a_stopped_df_take_starts_again_whole_and_leaves_the_model_as_it_was(df_dir):
    """A diffusion-forcing take is one call whose blocks live inside it: a Stop keeps nothing (said on the
    node), the cached model has no hook left, and the re-run makes the take an uninterrupted run makes."""
    from .stopping import stop_inside_a_step
    ex = Executor()
    g = _graph(df_dir)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    stop_inside_a_step(ex, g, "gen", list(ref.module.transformer.blocks))
    assert not any(m._forward_pre_hooks or m._forward_hooks for m in ref.module.transformer.modules())
    again = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert ex.run_counts.get("video_models.load", 0) == 1  # the cached model
    whole = Executor().run(_graph(df_dir), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert np.array_equal(again.frames, whole.frames)


def test_seeded_noise_draws_from_the_seed_and_puts_torch_back_however_it_ends():
    import torch

    from nodes.video_models.sampling.global_noise import seeded_noise
    torch.manual_seed(123)
    before = torch.get_rng_state()
    with seeded_noise(7, "cpu"):
        a = torch.randn(3)
    assert torch.equal(torch.get_rng_state(), before)
    with pytest.raises(RuntimeError):
        with seeded_noise(7, "cpu"):
            b = torch.randn(3)
            raise RuntimeError("stopped")
    assert torch.equal(a, b) and torch.equal(torch.get_rng_state(), before)


def test_the_long_take_each_skyreels_model_makes_by_default_and_instead():
    from nodes.video_models.base.registry import FAMILIES, FORCING
    from nodes.video_models.takes.long_take import CONTEXT, CONTINUE, SHOTS, choose_take
    df, plain = FORCING["skyreels"], FAMILIES["skyreels"]
    assert choose_take(df, "t2v", "auto") == (CONTINUE, None) and choose_take(df, "i2v", "auto") == (CONTINUE, None)
    assert choose_take(plain, "t2v", "auto") == (CONTEXT, None) and choose_take(plain, "i2v", "auto") == (CONTEXT, None)
    assert choose_take(df, "t2v", "auto", scheduled=True) == (SHOTS, None)  # one call takes one prompt
    mode, why = choose_take(df, "t2v", CONTINUE, scheduled=True)
    assert mode == SHOTS and "makes the take in one call with one prompt; making separate shots instead" in why
    mode, why = choose_take(df, "t2v", CONTEXT, scheduled=True)
    assert mode == SHOTS and "making separate shots instead (one prompt a window)" in why
    assert choose_take(df, "t2v", SHOTS) == (SHOTS, None)


@pytest.mark.fresh_models
@pytest.mark.parametrize("kind", ["df", "plain"])
def test_a_cached_prompt_loads_no_text_encoder(kind, df_dir, plain_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) reads SkyReels-V2's prompts as Wan's; its diffusion-forcing
    call, which requires a prompt argument, is given None beside the embeddings. The second render with
    only the seed changed loads no T5 and makes the frames of a render with the cache off."""
    import numpy as np
    from transformers import T5EncoderModel

    from .prompt_cache_check import check_cached_prompt, frames_and_texts
    model = df_dir if kind == "df" else plain_dir
    check_cached_prompt(monkeypatch, tmp_path, lambda seed: frames_and_texts(
        _graph(model, seed=seed, guidance=3.0, negative_prompt="blurry")), (T5EncoderModel,), False, False)
