"""Issue 104's aim "estimates within 2x after one run of any model on the machine": another model's measured run
scaled to this one by what differs between them (estimates/cross_scale.py), not by the pixels and weights alone (the
walk's LTX-2 said 14 s from Wan's run and took 5.1 s). No model is run: records are written as a run writes them,
the VAEs counted on meta copies of the tiny models' own."""
from __future__ import annotations

import pytest

from nodes.video_models.estimates import cross_scale, foresee_time, step_shape, times


def test_a_token_spans_the_family_grid():
    """Wan's token is 16x16 pixels of 4 frames (VAE 8 x patch 2), LTX's 32x32 of 8 (VAE 32, patch 1): at the same
    clip LTX's denoiser sees an eighth of Wan's tokens."""
    wan, ltx = cross_scale.grid(16, (4, 1)), cross_scale.grid(32, (8, 1))
    assert wan == (16, 4) and ltx == (32, 8) and cross_scale.grid(16, (1, 0)) == (16, 4)
    assert step_shape.tokens(wan, 832, 480, 81) == 21 * 30 * 52
    assert step_shape.tokens(ltx, 832, 480, 81) * 8 == pytest.approx(step_shape.tokens(wan, 832, 480, 81), rel=0.1)


def test_a_folders_grid_is_read_from_its_configs_not_its_familys():
    """The tiny LTX-Video's VAE halves twice (4x4 pixels a token, where the family's makes 32x32): its step saw
    5,376 tokens where the family's grid said 48, and scaled to others 16x-59x off. The grid is the VAE's
    compression, worked out as diffusers' pipelines do, times the denoiser's patch."""
    ratios = step_shape.vae_ratios
    assert ratios({"patch_size": 1, "patch_size_t": 1, "spatio_temporal_scaling": [True, True, False, False],
                   "spatial_compression_ratio": None}) == (4, 4)  # LTX-Video's: the patch, a halving a stage
    assert ratios({"patch_size": 4, "patch_size_t": 1, "spatio_temporal_scaling": [True, True, True]}) == (32, 8)
    assert ratios({"scale_factor_spatial": 8, "scale_factor_temporal": 4}) == (8, 4)  # Wan's
    assert ratios({"spatial_expansions": [2, 2, 2], "temporal_expansions": [1, 2, 3]}) == (8, 6)  # Mochi's
    assert ratios({"block_out_channels": [8, 8, 8, 8], "temporal_compression_ratio": 4}) == (8, 4)  # CogVideoX's
    assert ratios({"_class_name": "AutoencoderKLTemporalDecoder", "block_out_channels": [32, 64]}) == (2, 1)
    assert ratios({"temperal_downsample": [False, True, True]}) == (8, 4)
    assert ratios({"block_out_channels": [8, 8, 8], "_class_name": "SomeVideoVAE"})[1] is None  # the family's t
    assert step_shape.patch({"patch_size": [1, 2, 2]}) == (2, 1) and step_shape.patch({"patch_size": 2}) == (2, 1)
    assert step_shape.patch({"patch_size": 2, "patch_size_t": 2}) == (2, 2)
    vace = step_shape.shape_of({"scale_factor_spatial": 8, "scale_factor_temporal": 4},
                               {"patch_size": [1, 2, 2], "num_layers": 3, "vace_layers": [0, 2],
                                "num_attention_heads": 2, "attention_head_dim": 12}, False)
    assert vace.grid == (16, 4) and vace.layers == 5 and vace.width == 24 and vace.heads == 2


def test_the_tiny_models_folders_say_their_own_grids(tiny):
    ltx, wan, svd = (step_shape.folder_shape(str(tiny(k))) for k in ("ltx", "wan-t2v", "svd"))
    assert ltx.grid == (4, 4) and wan.grid == (16, 4)
    assert svd.unet and svd.grid[1] == 1 and svd.levels[0][1] > 0  # a UNet: every frame, attention at level 0
    assert step_shape.folder_shape(str(tiny("wan-t2v")) + "-gone") is None
    # Sana Video's family says its attention is linear in the tokens: no token-pair term (its Cost: attention=LINEAR)
    assert wan.attends and not step_shape.folder_shape(str(tiny("sana-video"))).attends


def test_a_steps_multiply_adds_count_its_attention():
    """Two a weight a token, and four a token pair a width a layer: at four times the tokens the attention's
    sixteen times. A head narrower than a CPU's lane pays for the lane (the tiny SVD's heads are 4 wide: 43 ps a
    multiply-add against 7 at 16); linear attention (Sana Video's) has no token-pair term."""
    s = step_shape.StepShape((16, 4), layers=2, width=32, heads=2)  # heads 16 wide
    one = step_shape.step_flops(s, 1000, s.grid, 64, 64, 1)  # 16 tokens
    assert one == pytest.approx(2 * 1000 * 16 + 4 * 16 * 16 * 32 * 2)
    four = step_shape.step_flops(s, 1000, s.grid, 128, 128, 1)
    assert four == pytest.approx(2 * 1000 * 64 + 4 * 64 * 64 * 32 * 2)
    narrow = step_shape.StepShape((16, 4), layers=2, width=32, heads=8)  # 4 wide: four lanes' worth
    assert step_shape.step_flops(narrow, 1000, s.grid, 64, 64, 1) == pytest.approx(2 * 1000 * 16 +
                                                                                  4 * (4 * 16 * 16 * 32 * 2))
    linear = step_shape.StepShape((16, 4), layers=2, width=32, attends=False)
    assert step_shape.step_flops(linear, 1000, s.grid, 64, 64, 1) == pytest.approx(2 * 1000 * 16)
    # a single file (no folder): the attention guessed from the weights, a block twelve widths squared
    guessed = step_shape.step_flops(None, 12 * 64 * 64 * step_shape.DEPTH_GUESS, (16, 4), 64, 64, 1)
    assert guessed > 2 * 12 * 64 * 64 * step_shape.DEPTH_GUESS * 16


def test_another_models_step_is_weighed_by_its_multiply_adds_and_its_calls():
    """A pass costs its multiply-adds and its modules' calls (pass_seconds); A's measured step scales by B's over
    A's, so the machine's speed cancels. Guidance doubles the passes; modules not counted are taken as the same."""
    cpu = "cpu x2"
    same = cross_scale.step_scale(2, 1e9, 2, 1e9, cpu, (50, 50))
    assert same == pytest.approx(1.0)
    assert cross_scale.step_scale(2, 1e9, 1, 1e9, cpu, (50, 50)) == pytest.approx(0.5)
    more_calls = cross_scale.step_scale(2, 1e6, 2, 1e6, cpu, (50, 150))  # a small model: its calls are its step
    assert 2.5 < more_calls <= 3.0
    more_work = cross_scale.step_scale(2, 1e11, 2, 4e11, cpu, (50, 50))  # a large one: its multiply-adds
    assert 3.8 < more_work <= 4.0
    assert cross_scale.step_scale(2, 1e6, 2, 1e6, cpu, (50, None)) == pytest.approx(1.0)
    # a GPU's multiply-adds are far cheaper: the same work difference moves a small model's step less
    assert cross_scale.step_scale(2, 1e9, 2, 4e9, "NVIDIA H100", (50, 50)) < more_work


def test_a_decode_scales_by_each_vaes_counted_work(tiny):
    """LTX-2's VAE (32x32 pixels a latent, 8 frames) decodes a pixel for a fraction of Wan's; the scale comes from
    each VAE counted on a meta copy built from its folder's config, and by the pixels where one cannot be."""
    pytest.importorskip("diffusers")
    from nodes.video_models.estimates.vae_work import folder_decode_cost
    wan, ltx2 = str(tiny("wan-t2v")), str(tiny("ltx2"))
    w = folder_decode_cost(wan, 256, 160, 121)
    l2 = folder_decode_cost(ltx2, 256, 160, 121)
    assert w and l2 and l2 < w / 2
    big = folder_decode_cost(wan, 512, 320, 121)  # four times the area: its convolutions four times, its calls not
    assert 1.5 * w < big < 4.05 * w
    assert cross_scale.decode_scale(wan, (256, 160, 121), ltx2, (256, 160, 121)) == pytest.approx(l2 / w)
    assert cross_scale.decode_scale(wan, (64, 64, 9), wan + "-gone", (128, 64, 9)) == 2.0  # no VAE: the pixels
    # on a CUDA GPU weighed as a GPU spends it (its calls cheaper, its multiply-adds far cheaper, no unfolding)
    on_gpu = cross_scale.decode_scale(wan, (256, 160, 121), ltx2, (256, 160, 121), where="NVIDIA H100")
    assert on_gpu == pytest.approx(folder_decode_cost(ltx2, 256, 160, 121, gpu=True) /
                                   folder_decode_cost(wan, 256, 160, 121, gpu=True))
    assert on_gpu != pytest.approx(l2 / w, rel=0.05)


def _key(path, title, size, guided=True):
    return "|".join((path, title, foresee_time.this_machine(), "gpu", "float32", "cfg" if guided else "no-cfg",
                     "compile=auto", "attention=native", "cache=off", "node=0000abcd", size))


def test_another_familys_run_times_this_one_by_its_tokens_and_its_vae(tmp_path, monkeypatch, tiny, run_records):
    """A Wan run recorded: LTX-2's node at the same clip is said at Wan's step scaled by LTX-2's tokens (an
    eighth) and Wan's decode by the two VAEs' work, not by the pixels; what ran before and the encoding as
    Wan's, what follows the call at most as the decode scaled."""
    pytest.importorskip("diffusers")
    from nodes.video_models.estimates.vae_work import folder_decode_cost
    wan, ltx2 = str(tiny("wan-t2v")), str(tiny("ltx2"))
    phases = {"before": 0.5, "encode": 0.25, "step": 0.2, "decode": 4.0, "other": 0.5, "cold": True}
    times.keep(_key(wan, "Wan", "256x160x121"), 256 * 160 * 121, 8, 6.35, {"weights": 30_000}, phases)
    asked = foresee_time.Asked(ltx2, "LTX-2", 256 * 160, 121, 1, 8, True, 38_000, 240_000,
                               grid=cross_scale.grid(32, (8, 1)), size=(256, 160))
    got = foresee_time.foresee(times.load(), asked, foresee_time.this_machine())
    assert got is not None and got.rough and got.source == "Wan's speed, another family"
    a, b = step_shape.folder_shape(wan), step_shape.folder_shape(ltx2)
    fa = step_shape.step_flops(a, 30_000, a.grid, 256, 160, 121)
    fb = step_shape.step_flops(b, 38_000, b.grid, 256, 160, 121)
    mods = (step_shape.module_count(wan), step_shape.module_count(ltx2))
    assert all(mods) and mods[1] > mods[0]  # LTX-2's audio and video modules
    assert got.steps == pytest.approx(8 * 0.2 * cross_scale.step_scale(2, fa, 2, fb, foresee_time.this_machine(),
                                                                       mods))
    assert fb < fa / 8  # an eighth of the tokens: under an eighth of the multiply-adds
    assert got.decode == pytest.approx(4.0 * folder_decode_cost(ltx2, 256, 160, 121) /
                                       folder_decode_cost(wan, 256, 160, 121))
    # what ran before and the encoding as Wan's; what follows the call by the pixels, at most as the decode scaled
    assert got.other == pytest.approx(0.75 + 0.5 * got.decode / 4.0) and got.decode < 4.0
    assert got.run < 0.5 * 6.35  # Wan's pixels would have said 6.35 s


def test_one_load_keeps_its_fixed_part():
    """One load measured: a tiny model's (all of it building the pipeline) says the same for another tiny one,
    four times its weights (it had said four times the time); a real one's reading grows with the weights."""
    def one(weights, seconds):
        return {times.load_key("cpu x2", "Wan"): [{"pixels": weights, "steps": 1, "seconds": seconds}]}
    asked = foresee_time.Asked("x", "LTX-2", 0, 9, 1, 4, False, 0, 240_000)
    assert foresee_time._load(one(60_000, 3.0), asked, "cpu x2") == pytest.approx(3.0, abs=0.01)
    big = foresee_time.Asked("x", "Wan 14B", 0, 9, 1, 4, False, 0, 20_000_000_000)
    # 7e9 weights in 40 s: 28 s of reading at LOAD_RATE, 12 s fixed
    assert foresee_time._load(one(7_000_000_000, 40.0), big, "cpu x2") == pytest.approx(
        12.0 + 20e9 / foresee_time.LOAD_RATE)
    # a faster disk than LOAD_RATE: all of it reading, at the rate it showed
    assert foresee_time._load(one(7_000_000_000, 14.0), big, "cpu x2") == pytest.approx(40.0)


def test_a_node_timed_in_two_calls_records_each_from_the_last(tmp_path, monkeypatch, run_records):
    """InfiniteTalk makes its clip in two timed calls: the second's record had kept the first's whole time as its
    'before' (11.5 s of a 23 s run), and its estimate counted it twice. Each call is timed from the end of the one
    before, and the record keeps the family's token grid and the call's loops (cross_scale.py)."""
    from types import SimpleNamespace

    from studio.engine.context import Context, Runtime
    clock = [100.0]
    monkeypatch.setattr(times.time, "perf_counter", lambda: clock[0])
    ctx = Context("n1", "InfiniteTalk", {"steps": 4, "guidance": 5.0}, 0, "cpu", Runtime())
    ctx.started = 90.0
    ctx.note = ctx.info = lambda *a, **k: None
    fam = SimpleNamespace(title="Wan", denoiser="transformer", size_multiple=16, frame_multiple=(4, 1))
    ref = SimpleNamespace(path=str(tmp_path / "wan"), variant="Wan", memory="gpu", dtype="fp32", fam=fam,
                          shared=SimpleNamespace(sampled=True))
    monkeypatch.setattr(times.RunClock, "_weights", lambda self: (30_000, 60_000))
    for k in range(2):
        c = times.RunClock(ctx, ref, "cpu", (64, 64), 9, 1, 4, loops=1)
        clock[0] += 10.0
        c.finished()
    recs = times.load()[c.key]
    assert [round(r["seconds"], 3) for r in recs] == [20.0, 10.0]  # the first from the node's start, then its own
    assert recs[-1]["grid_s"] == 16 and recs[-1]["grid_t"] == 4 and recs[-1]["loops"] == 1


def test_the_encoding_follows_the_frames_wired_in():
    """Wan's first-and-last-frame run encoded its frames (1.5 s against a 3 s decode): a text-to-video node is not
    said to encode them (LTX-2's talking clip was said 11x its time from such a run); a node of Wan's kind with an
    image wired in encodes its window at that share of its own decode; another family's encodes the frames wired
    in (Framepack's one image of 330 frames had been said 37 s of encoding)."""
    flf = {"encode": 1.5, "decode": 3.0}
    t2v = {"encode": 0.01, "decode": 1.2}
    assert cross_scale.encoding(flf, 0.4, 0, 81, True) == 0.0
    assert cross_scale.encoding(flf, 0.4, 1, 81, True) == pytest.approx(0.4 * 1.5 / 3.0)
    vace = {"encode": 4.0, "decode": 3.2}  # two encodes: a kin's at most one whole window's (Fun Camera had said 6 s)
    assert cross_scale.encoding(vace, 5.0, 1, 49, True) == pytest.approx(5.0 * cross_scale.FRAMES_ENCODED)
    assert cross_scale.encoding(flf, 60.0, 1, 330, False) == pytest.approx(60.0 * cross_scale.FRAMES_ENCODED / 330)
    assert cross_scale.encoding(t2v, 3.0, 10 ** 6, 33, True) == pytest.approx(3.0 * cross_scale.FRAMES_ENCODED)
    assert cross_scale.encoding(t2v, 3.0, 0, 33, True) == 0.01 and cross_scale.encoding(flf, 9.0, None, 9, True) == 1.5


def test_a_fixed_length_model_is_timed_at_its_own_length(tmp_path, monkeypatch, tiny):
    """SVD with 'frames' 0 makes the frames its UNet's config says (the tiny one's 4, SVD-XT's 25), as the run
    does (sampler.frames_and_window): the estimate had timed the family's 14 and said 10 min for a 3 min run."""
    import json
    import os

    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.loading.node import LoadVideoModel
    from nodes.video_models.sampling.advice import clip_and_window
    folder = str(tiny("svd"))
    monkeypatch.setenv("STUDIO_MODELS", os.path.dirname(folder))
    facts = LoadVideoModel.foresee({"model": folder}, None, {})["model"]
    with open(os.path.join(folder, "unet", "config.json")) as f:
        own = json.load(f)["num_frames"]
    assert own != FAMILIES["svd"].frames and facts["native_frames"] == own
    assert clip_and_window(FAMILIES["svd"], {"frames": 0}, facts["native_frames"]) == (own, own)
    assert clip_and_window(FAMILIES["svd"], {"frames": 0}) == (14, 14)


def test_a_load_says_the_libraries_start_only_where_the_process_has_not_had_it(monkeypatch):
    """A window's first load starts diffusers (2.8 s here), the next model's does not (the tiny LTX-2 loaded in
    0.15 s after a Wan run in the same window, and was said 4 s): the record keeps the start apart and the
    estimate adds it only where this process has not had it yet."""
    import sys

    from nodes.video_models.loading.node import _start_libraries
    data = {times.load_key("cpu x2", "Wan"): [{"pixels": 60_000, "steps": 1, "seconds": 1.0, "imports": 2.8}]}
    asked = foresee_time.Asked("x", "Wan", 0, 9, 1, 4, False, 0, 60_000)
    pytest.importorskip("diffusers")
    import diffusers
    diffusers.DiffusionPipeline  # noqa: B018 - the pipeline machinery in, as after a run
    assert _start_libraries() == 0.0
    assert foresee_time._load(data, asked, "cpu x2") == pytest.approx(1.0)
    monkeypatch.delitem(sys.modules, "diffusers.pipelines.pipeline_utils")  # as in a window before its first run
    assert foresee_time._load(data, asked, "cpu x2") == pytest.approx(3.8)


def test_the_running_figure_starts_from_the_estimate_shown_before_f5(tmp_path, monkeypatch, run_records):
    """Seen under Xvfb: Framepack was shown 'about 38 s' before F5 (from Kandinsky 6's speed), its run then said
    27 s from its first step, then 49 and 68 (down, then up), and took 58 s. The estimate shown starts the run's
    figure, weighed as a guess (a quarter of an earlier run of the model): the first step moves it little, the
    run soon outweighs it, and it moves one way."""
    from types import SimpleNamespace

    from nodes.video_models.base.estimate_figure import GUESS_SHARE, Figure
    from nodes.video_models.estimates.foresee_time import Foreseen
    shown = Foreseen(None, 20.0, 15.0, 3.0, "from Kandinsky 6 TI2V's speed, another family on cpu x2", 80, True,
                     "Kandinsky 6 TI2V's speed, another family")
    ctx = SimpleNamespace(params={"steps": 8}, notes=[], infos=[])
    ctx.note = lambda text, level="info", logged=True: ctx.notes.append(text)
    ctx.info = ctx.infos.append
    fam = SimpleNamespace(title="HunyuanVideo Framepack", denoiser="transformer", size_multiple=16,
                          frame_multiple=(1, 0))
    ref = SimpleNamespace(path=str(tmp_path / "fp"), variant="", memory="gpu", dtype="fp32", fam=fam,
                          shared=SimpleNamespace(sampled=False))
    monkeypatch.setattr(times.RunClock, "_weights", lambda self: (78_000, 160_000))
    asked = {}
    clock = times.RunClock(ctx, ref, "cpu", (256, 256), 330, 1, 80, loops=10,
                           foreseen_by=lambda where, **a: asked.update(a) or shown)
    clock.say_prediction()
    assert clock.predicted is None and not ctx.notes  # not said as the run's prediction
    assert "came from Kandinsky 6 TI2V's speed, another family (a rough guess)" in ctx.infos[-1]
    assert asked["loops"] == 10 and asked["grid"] == (16, 4) and asked["size"] == (256, 256)
    f = clock.figure
    assert f.said == pytest.approx(38.0) and f.prior_share == GUESS_SHARE
    said = [f.offer(27.0, 3.0, 1 / 80), f.offer(49.0, 5.0, 9 / 80), f.offer(68.0, 17.0, 25 / 80)]
    assert said[0] is None  # one step's 27 s: within 30 % of the 38 s blended, not said
    moved = [x for x in said if x is not None]
    assert moved and all(b >= a for a, b in zip([38.0] + moved, moved))  # one way: up, as the run shows
    assert abs(moved[-1] - 68.0) < 0.1 * 68.0  # a third of the run measured outweighs the guess
    plain = Figure()  # without it: the first step's figure, then up
    assert plain.offer(27.0, 3.0, 1 / 80) == 27.0


def test_the_first_step_is_blended_with_a_guess_not_put_in_its_place(monkeypatch):
    """Seen under Xvfb: Framepack shown 'about 66 s' (from Wan's speed) said 'about 25 s' after its first step (its
    sections' decodes fall between later steps), then 55 s, and took 51 s. With the guess as the figure's prior the
    first step's figure is blended with it: a first step that says less than a third of the guess moves it little."""
    from nodes.video_models.base import guard as run_guard
    from nodes.video_models.base.estimate_figure import GUESS_SHARE, Figure

    class Ctx:
        def __init__(self):
            self.notes, self.params = [], {}

        def note(self, text, level="info", logged=True):
            self.notes.append(text)

        def info(self, text):
            pass

        warn = info
    t = [0.0]
    monkeypatch.setattr(run_guard.time, "perf_counter", lambda: t[0])
    fig = Figure(66.0)
    fig.prior_share = GUESS_SHARE
    ctx = Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 80, estimate=True, started=0.0, figure=fig,
                           whole=lambda per, start, early: (25.0, ""))
    t[0] = 3.0
    g._say(0.3, early=False)
    assert g.said > 50.0 and not any("about 25 s" in n for n in ctx.notes)  # not 25 s: the guess holds most
    unguessed = run_guard.RunGuard(Ctx(), None, "transformer", 80, estimate=True, started=0.0,
                                   whole=lambda per, start, early: (25.0, ""))
    unguessed._say(0.3, early=False)
    assert unguessed.said == pytest.approx(25.0)  # no guess: the first step's figure


def test_a_generator_sized_by_its_image_is_timed_at_it(tmp_path):
    """Framepack's template leaves width and height 0 (the image's size): Load Image now foresees its size from the
    file's header, and the estimate before F5 is of that size (it had been of the measured run's own size: the node
    showed 67 s while its run started from 2 min for 256x256)."""
    from PIL import Image

    from nodes.io import LoadImage
    from nodes.video_models.sampling import time_before
    p = tmp_path / "still.png"
    Image.new("RGB", (320, 192)).save(p)
    facts = LoadImage.foresee({"path": str(p)}, None, {})
    assert facts["image"] == {"width": 320, "height": 192, "frames": 1}
    asked = []
    import nodes.video_models.estimates.foresee_time as ft
    orig = ft.words_for
    try:
        ft.words_for = lambda a: asked.append(a) or "x"
        time_before.estimate({"width": 0, "height": 0, "frames": 9, "steps": 4},
                             {"model": {"family": "wan", "title": "Wan", "path": "m"}, "image": facts["image"]})
    finally:
        ft.words_for = orig
    assert asked[0].size == (320, 192) and asked[0].frame_pixels == 320 * 192


def test_a_cpu_unfolds_only_its_small_convolutions():
    """PyTorch's CPU convolution unfolds a sample's input (slow_conv3d) only where its first four sizes hold at
    most 20,480 elements and its kernel is 3x3 or less (ConvUtils' use_mkldnn): a tiny VAE's, not a real one's.
    Counting every convolution's unfolded input had put the tiny LTX-2, Mochi and SVD VAEs 3x-7x off."""
    torch = pytest.importorskip("torch")
    from nodes.video_models.base.work import counter, unfolds
    small = torch.empty(1, 8, 9, 48, 64, device="meta")
    wide = torch.empty(1, 96, 9, 24, 32, device="meta")
    k = torch.empty(8, 8, 3, 3, 3, device="meta")
    assert unfolds((small, k), {}) and not unfolds((wide, torch.empty(96, 96, 3, 3, 3, device="meta")), {})
    assert not unfolds((small, k), {}, rows=100)  # counted on fewer rows than the real decode's
    assert not unfolds((torch.empty(4, 8, 9, 48, 64, device="meta"), k), {})  # a batch: oneDNN's
    assert not unfolds((small, torch.empty(8, 8, 3, 5, 5, device="meta")), {})
    with counter() as c:
        torch.nn.functional.conv3d(small, k, padding=1)
    with counter(rows=100) as big:
        torch.nn.functional.conv3d(small, k, padding=1)
    assert c.work.unfolded > 0 and big.work.unfolded == 0 and big.work.flops == c.work.flops
    assert c.work.conv3d == 0 and big.work.conv3d == big.work.flops  # oneDNN's 3D path: weighed apart (vae_work)


def test_vace_and_wan_image_to_video_are_timed_with_the_windows_they_encode(tmp_path, monkeypatch):
    """VACE encodes its video twice a window (its inactive and reactive halves, a blank video where none is wired:
    4.1 s against a 3.2 s decode), Wan's image to video a whole window from one still; the estimate before F5
    from another family's run had counted one still's encoding (VACE said 0.43x its time)."""
    from nodes.video_models.families.wan.vace import WanVACE
    from nodes.video_models.sampling import time_before
    from nodes.video_models.sampling.generators import GeneratorNode
    asked = []
    monkeypatch.setattr(foresee_time, "words_for", lambda a: asked.append(a) or "x")
    model = {"model": {"family": "wan", "title": "Wan", "path": "m"}}
    WanVACE.estimate({"width": 256, "height": 256, "frames": 33, "steps": 4}, None, dict(model))
    assert asked[-1].encodes == 2.0
    time_before.estimate({"width": 256, "height": 256, "frames": 33, "steps": 4}, dict(model), None, 1, 0.0, "i2v")
    assert asked[-1].encodes == 1.0 and asked[-1].frames_in == 1
    time_before.estimate({"width": 256, "height": 256, "frames": 33, "steps": 4}, dict(model), None, 1, 0.0, "t2v")
    assert asked[-1].encodes == 0.0 and GeneratorNode.encoded_windows == 0.0
    t2v = {"encode": 0.01, "decode": 1.2}
    assert cross_scale.encoding(t2v, 3.0, 1, 33, False, 2.0) == pytest.approx(2 * 3.0 * cross_scale.FRAMES_ENCODED)


def test_framepack_is_timed_with_the_frames_its_sections_decode():
    """Framepack decodes each section with the one before it (diffusers' section_latent_frames: two windows), so
    its VAE decodes about twice the frames it makes: its take shape says so, and the estimate scales another
    model's decode by those frames (it had said 0.45x of a 48 s decode)."""
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.families.framepack.node import FramepackVideo, decoded
    frames, calls, loops, dec = FramepackVideo.take_shape({"frames": 330, "window": 9}, FAMILIES["framepack"])
    assert (frames, calls, loops) == (330, 1, 10) and dec == decoded(10, 9) == 33 + 9 * 69
    assert decoded(1, 9) == 33


def test_a_unet_is_timed_from_a_transformers_run_where_both_folders_say_their_shape(tiny, run_records):
    """SVD's tiny UNet attends over every latent pixel of a frame (128x72 at 256x144: its step took 22 s where
    the tiny Wan's took 18 ms); with both folders' shapes read it is timed from Wan's run by their multiply-adds,
    and refused where its folder cannot say (a UNet's convolutions against a transformer's tokens)."""
    pytest.importorskip("diffusers")
    wan, svd = str(tiny("wan-t2v")), str(tiny("svd"))
    phases = {"before": 0.2, "encode": 0.01, "step": 0.018, "decode": 1.2, "other": 0.03, "cold": True}
    times.keep(_key(wan, "Wan", "256x144x33"), 256 * 144 * 33, 8, 1.6, {"weights": 28_328, "unet": 0}, phases)

    def asked(path):
        return foresee_time.Asked(path, "Stable Video Diffusion", 256 * 144, 4, 1, 8, True, 1_793_078, 2_000_000,
                                  unet=True, grid=(8, 1), size=(256, 144), frames_in=1)
    got = foresee_time.foresee(times.load(), asked(svd), foresee_time.this_machine())
    assert got is not None and got.rough and "another family" in got.source
    assert got.steps > 100 * 8 * 0.018  # its attention: hundreds of times Wan's step
    assert foresee_time.foresee(times.load(), asked(svd + "-gone"), foresee_time.this_machine()) is None


def test_runs_of_several_other_families_are_all_weighed(tmp_path, tiny, run_records):
    """With runs of several other families measured, the estimate is their estimates' geometric mean phase by
    phase, said as whose (one family's run holds what its counts do not: LTX-2's sound decoded beside its video
    had put Kandinsky 6 at 2.3x its time from its run alone)."""
    pytest.importorskip("diffusers")
    wan, ltx, cog = str(tiny("wan-t2v")), str(tiny("ltx")), str(tiny("cogvideox"))
    phases = {"before": 0.2, "encode": 0.01, "step": 0.02, "decode": 1.0, "other": 0.03, "cold": True}
    times.keep(_key(wan, "Wan", "128x128x25"), 128 * 128 * 25, 8, 1.4, {"weights": 28_328}, phases)
    asked = foresee_time.Asked(cog, "CogVideoX", 128 * 128, 25, 1, 8, True, 16_440, 100_000, size=(128, 128))
    where = foresee_time.this_machine()
    one = foresee_time.foresee(times.load(), asked, where)
    times.keep(_key(ltx, "LTX-Video", "128x96x25"), 128 * 96 * 25, 8, 2.0, {"weights": 35_464},
               dict(phases, step=0.16, decode=0.12))
    times._READ.clear()
    only_ltx = foresee_time.foresee({k: v for k, v in times.load().items() if k.startswith(ltx)}, asked, where)
    both = foresee_time.foresee(times.load(), asked, where)
    assert both.steps == pytest.approx((one.steps * only_ltx.steps) ** 0.5)
    assert both.decode == pytest.approx((one.decode * only_ltx.decode) ** 0.5)
    assert both.rough and "from the speeds of LTX-Video and Wan, other families on" in both.basis
    assert both.source == "the speeds of LTX-Video and Wan, other families"
