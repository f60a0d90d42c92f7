"""Every video-model family through the one Sampler gives step previews and resumes after a Stop (issue 98).

For each family's node (its tiny model, three steps, a few frames of 32 px): a render with previews on reports a
preview image; a run stopped once two steps are made (a call of several loops: once into its second) keeps them
and a re-run says "resumed from step 3" and makes the frames (and sound) an uninterrupted run makes (<= 1/255
apart: in fact equal). A family whose call cannot resume says why
at the Stop (the Sampler's resume_problem; a modular pipeline's: sampling/chain_steps.py) and its record in
``main.py families`` says so under ``lacks`` ('Resume'). A family that silently samples again from its first step,
or shows no previews, fails here; so does a modular pipeline's call that a Stop does not end at the next step."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import Cancelled
from studio.engine.context import CancelToken, Context
from studio.engine.events import NodeProgress
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, said

pytest.importorskip("diffusers")

STILL = source("test.every_family_still", "image", "Image",
               lambda p: (np.random.RandomState(5).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32))


def _control(n: int):
    from studio.engine.clip import ArrayClip
    f = np.zeros((n, 32, 32, 3), np.float32)
    for i in range(n):
        f[i, 8:24, 4 + 3 * i] = 1.0
    return ArrayClip(f, 16.0)


CONTROL = source("test.every_family_control", "video", "Video", lambda p: _control(5))
CONTROL_9 = source("test.every_family_control_9", "video", "Video", lambda p: _control(9))
RUN = {"prompt": "a red fox running", "negative_prompt": "static", "steps": 3, "seed": 3, "previews": True,
       "preview_size": "off"}
SMALL = dict(RUN, width=32, height=32, frames=5)
T2V, I2V = "video_models.text_to_video", "video_models.image_to_video"
IMAGE = {"image": (STILL, "image")}
CASES = {  # case: ((tiny builder, its settings), node, the node's settings, what is wired in[, the steps kept])
    "wan": (("wan-t2v", {}), T2V, SMALL, {}),
    "ltx": (("ltx", {}), T2V, dict(SMALL, frames=9), {}),
    "cogvideox": (("cogvideox", {}), T2V, dict(SMALL, frames=9), {}),
    "svd": (("svd", {}), I2V, dict(SMALL, frames=4), IMAGE),
    "hunyuan": (("hunyuan", {}), T2V, SMALL, {}),
    "hunyuan_skyreels": (("hunyuan-skyreels", {}), I2V, dict(SMALL, guidance=1.0), IMAGE),
    "kandinsky5": (("kandinsky5", {}), T2V, SMALL, {}),
    "cosmos1": (("cosmos1", {}), I2V, dict(SMALL, frames=9), IMAGE),
    "cosmos2": (("cosmos2", {}), I2V, SMALL, IMAGE),
    "cosmos25": (("cosmos25", {}), T2V, SMALL, {}),
    "mochi": (("mochi", {}), T2V, dict(SMALL, frames=7), {}),
    "helios": (("helios", {}), T2V, dict(SMALL, frames=33, width=16, height=16, guidance=1.0), {}),
    "allegro": (("allegro", {}), T2V, dict(SMALL, frames=24, width=128, height=128), {}),
    "easyanimate": (("easyanimate", {}), T2V, dict(SMALL, width=16, height=16), {}),
    "motif_video": (("motif-video", {}), T2V, dict(SMALL, width=16, height=16), {}),
    "latte": (("latte", {}), T2V, dict(SMALL, frames=8, width=16, height=16), {}),
    "modelscope_t2v": (("modelscope-t2v", {}), T2V, dict(SMALL, frames=8, width=16, height=16), {}),
    "i2vgen_xl": (("i2vgen-xl", {}), I2V, dict(SMALL, frames=8, width=16, height=16), IMAGE),
    "animatediff": (("animatediff", {}), T2V, dict(SMALL, frames=8, width=16, height=16), {}),
    "sana_video": (("sana-video", {}), "video_models.sana_video", dict(SMALL, binning=False), {}),
    "chronoedit": (("chronoedit", {}), "video_models.chronoedit", RUN, IMAGE),
    "cogvideox_fun_control": (("cogvideox-fun-control", {}), "video_models.cogvideox_fun_control", RUN,
                              {"control": (CONTROL, "video")}),
    "easyanimate_control": (("easyanimate", {"kind": "control"}), "video_models.easyanimate_control", RUN,
                            {"control": (CONTROL, "video")}),
    "cosmos_transfer": (("cosmos25-transfer", {}), "video_models.cosmos_transfer", dict(RUN, chunk=5),
                        {"control": (CONTROL, "video")}),
    "helios_pyramid": (("helios-distilled", {}), T2V, dict(SMALL, frames=33, width=16, height=16, guidance=1.0), {}),
    "hunyuan15": (("hunyuan15", {}), T2V, SMALL, {}),
    "lucy": (("lucy", {}), "video_models.video_to_video", SMALL, {"video": (CONTROL, "video")}),
    "skyreels": (("skyreels", {}), T2V, dict(SMALL, frames=9, width=16, height=16, guidance=1.0), {}),
    "skyreels_df": (("skyreels-df", {}), T2V, dict(SMALL, frames=17, window=9, overlap=1, width=16, height=16,
                                                  guidance=1.0), {}),
    "minimax_h3": (("minimax-h3", {}), T2V, dict(SMALL, frames=124, steps=4), {}),  # its scheduler: 3 steps made
    "cosmos3_distilled": (("cosmos3-distilled", {}), I2V, dict(SMALL, steps=4, guidance=5.0), IMAGE),
    "wan22": (("wan22-a14b", {}), T2V, SMALL, {}),
    "wan_i2v": (("wan-i2v", {}), I2V, SMALL, IMAGE),
    "wan_vace": (("wan-vace", {}), "video_models.wan_vace", SMALL, {}),
    "wan_fun": (("wan-fun", {}), "video_models.wan_fun_control", SMALL, {"control": (CONTROL, "video")}),
    "wan_fun_camera": (("wan-fun-camera", {}), "video_models.wan_fun_camera",
                       dict(SMALL, width=16, height=16, guidance=1.0),
                       {"camera": ("motion.camera_path", "camera", {"preset": "Zoom In", "frames": 5}), **IMAGE}),
    "wan_animate": (("wan-animate", {}), "video_models.wan_animate", SMALL,
                    {"reference": (STILL, "image"), "pose": (CONTROL, "video"), "face": (CONTROL, "video")}),
    "wan_animate_segments": (("wan-animate", {}), "video_models.wan_animate", dict(SMALL, frames=9, window=5),
                             {"reference": (STILL, "image"), "pose": (CONTROL_9, "video"),
                              "face": (CONTROL_9, "video")}, 4),  # two segments, each a loop: stopped in the second
    "ltx2_hdr": (("ltx2", {"real_compression": False, "audio_encoder": False}), "video_models.ltx2_hdr",
                 {k: v for k, v in RUN.items() if k != "negative_prompt"},
                 {"video": (CONTROL_9, "video")}),
    # two chunks, each a denoising loop of its own: stopped in the second
    "cosmos_transfer_chunks": (("cosmos25-transfer", {}), "video_models.cosmos_transfer", dict(RUN, chunk=5),
                               {"control": (CONTROL_9, "video")}, 4),
    "framepack": (("framepack", {}), "video_models.framepack", dict(SMALL, frames=6, window=2), IMAGE),
    "kandinsky6": (("kandinsky6", {}), "video_models.kandinsky6", SMALL, {}),
    "cosmos3": (("cosmos3", {}), "video_models.cosmos3", SMALL, {}),
    "ltx2": (("ltx2", {"real_compression": False, "audio_encoder": False}), "video_models.ltx2",
             dict(SMALL, frames=9, guidance=1.0), {}),
}


def _stop_after(monkeypatch, tok: CancelToken, steps: int) -> None:
    """Stop pressed as the node reports its ``steps``-th step made: the next step is not finished."""
    plain = Context.progress

    def progress(self, step, total=None, **kw):
        plain(self, step, total, **kw)
        if self.node_id == "gen" and total and step == steps and kw.get("unit", "frame") == "frame":
            tok.cancel()
    monkeypatch.setattr(Context, "progress", progress)


@pytest.mark.parametrize("case", list(CASES))
def test_a_family_shows_previews_and_resumes_from_its_kept_steps(case, tiny, tmp_path, monkeypatch):
    from nodes.video_models.catalog.family_records import family_record
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    (key, built), node, params, feeds, *kept = CASES[case]
    kept = kept[0] if kept else 2
    g = model_graph(tiny(key, **built), node, params, **feeds)
    ex, ev = Executor(), []
    fam = ex.run(g, targets=["load"], device="cpu").value("load").fam
    lacks = family_record(fam)["lacks"]
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    shown = any(e.preview is not None for e in ev if isinstance(e, NodeProgress) and e.node_id == "gen")
    assert shown, f"{case}: no step preview"
    tok, ev = CancelToken(), []
    with monkeypatch.context() as m:
        _stop_after(m, tok, kept)
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
    stopped = said(ev, "gen")
    if not any(t.startswith(f"stopped: the take's first {kept} steps are kept") for t in stopped):
        why = [t for t in stopped if t.startswith("stopped: the steps made are not kept (")]
        assert why and "a re-run samples" in why[0], f"{case}: stopped without keeping its steps, silently: {stopped}"
        assert lacks.get("Resume"), f"{case}: `main.py families` does not say it cannot resume"
        return
    ev = []
    again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert any(t.startswith(f"resumed from step {kept + 1} of ") for t in said(ev, "gen")), said(ev, "gen")
    assert np.abs(np.asarray(again.frames) - np.asarray(whole.frames)).max() <= 1 / 255
    if getattr(whole, "audio", None) is not None:  # the sound made with the picture: the same too
        assert np.abs(np.asarray(again.audio.samples) - np.asarray(whole.audio.samples)).max() <= 1e-5


@pytest.mark.parametrize("case", ["minimax_h3", "cosmos3_distilled"])
def test_a_stop_inside_a_modular_call_ends_it_at_the_next_step(case, tiny, tmp_path, monkeypatch, caplog):
    """Its blocks take no step callback: Stop is checked after each scheduler step (sampling/chain_steps.py), so the
    call's remaining steps never run (before issue 98 a Stop waited for the whole call)."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    (key, built), node, params, feeds, *_ = CASES[case]
    g = model_graph(tiny(key, **built), node, dict(params, steps=4), **feeds)
    ex, tok, ev, whole = Executor(), CancelToken(), [], []
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    calls = []
    hook = ref.module.transformer.register_forward_pre_hook(lambda *_: calls.append(1))
    try:
        ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=whole.append)
        made, calls[:] = len(calls), []
        with monkeypatch.context() as m:
            _stop_after(m, tok, 1)
            with pytest.raises(Cancelled):
                ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
    finally:
        hook.remove()
    steps = [e.total for e in whole if isinstance(e, NodeProgress) and e.node_id == "gen" and e.total][-1]
    per_step = made // steps  # the denoiser's calls a step (a pass or two)
    assert steps >= 3 and made == steps * per_step > 0, (steps, made)
    # Stop pressed as step 1 was reported: step 2 ran, then the call ended, its later steps never run
    assert len(calls) == 2 * per_step, (len(calls), made)
    assert any(t.startswith("stopped: the steps made are not kept (its modular pipeline") for t in said(ev, "gen"))
    assert not [r for r in caplog.records if "Error in block" in r.getMessage()]  # a Stop is no error of diffusers'
