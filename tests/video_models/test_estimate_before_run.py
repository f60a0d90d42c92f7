"""Issue 104 item 1: a video model generator's time said before F5, from this machine's measured runs, for
loading, the steps and decoding apart (estimates/foresee_time.py): this model's own run when there is one, else the
nearest measured family's, said as such ("estimated from Wan 2.1's speed"), else "not measured on this
machine yet", never a figure made up. Records written as a run writes them (times.keep); no model is run."""
from __future__ import annotations

import pytest

from nodes.video_models.estimates import foresee_time, times


def _graph(tmp_path, monkeypatch, tiny, key: str, node: str, **params):
    from studio.core.graph import Graph
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    (folder / key).symlink_to(tiny(key), target_is_directory=True)
    monkeypatch.setenv("STUDIO_MODELS", str(folder))
    g = Graph()
    load = g.add_node("video_models.load", {"model": key})
    gen = g.add_node(node, {"prompt": "a cat", "preview_size": "off", **params})
    g.connect(load.id, "model", gen.id, "model")
    return g, gen.id


def _facts(g, gen):
    from nodes.video_models.loading.node import LoadVideoModel
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    return LoadVideoModel.foresee(load.params, None, {})["model"]


def _record(facts, width, height, frames, steps, step, decode, weights, guided=True, title=None):
    """One finished run as RunClock.finished keeps it, on this machine (the machine the estimate looks at)."""
    key = "|".join((facts["path"], title or facts.get("variant") or facts["title"], foresee_time.this_machine(),
                    "gpu", "float32", "cfg" if guided else "no-cfg", "compile=auto", "attention=native", "cache=off",
                    "node=0000abcd", f"{width}x{height}x{frames}"))
    phases = {"before": 1.0, "encode": 0.5, "step": step, "decode": decode, "other": 0.5, "cold": False}
    times.keep(key, width * height * frames, steps, 2.0 + steps * step + decode, {"weights": weights}, phases)


def test_nothing_measured_is_said_so(tmp_path, monkeypatch, tiny, run_records):
    from studio.engine.edit_checks import node_estimate
    g, gen = _graph(tmp_path, monkeypatch, tiny, "wan-t2v", "video_models.text_to_video", width=64, height=64,
                    frames=9, steps=10)
    assert node_estimate(g, gen) == foresee_time.NOT_MEASURED


def test_this_models_run_times_it_in_parts_and_exactly_for_a_repeat(tmp_path, monkeypatch, tiny, run_records):
    from studio.engine.edit_checks import node_estimate
    g, gen = _graph(tmp_path, monkeypatch, tiny, "wan-t2v", "video_models.text_to_video", width=64, height=64,
                    frames=9, steps=10)
    facts = _facts(g, gen)
    _record(facts, 64, 64, 9, 10, step=3.0, decode=20.0, weights=facts["weights"])
    words = node_estimate(g, gen)
    # the same size and steps: before 1 + encode 0.5 + 10 x 3 + decode 20 + other 0.5 = 52 s
    assert words.startswith("time: about 52 s (") and "10 steps 30 s · decode 20 s;" in words, words
    assert "; measured on cpu x" in words and "+ load: not measured here yet;" in words
    assert "; encode 1.5 s · 10 steps" in words, words  # each phase named (issue 116): before 1 + encode 0.5
    g.set_param(gen, "steps", 20)  # twice the steps: the steps' part doubles, the decode stays
    assert "20 steps 60 s · decode 20 s;" in node_estimate(g, gen)
    g.set_param(gen, "width", 128)  # twice the pixels: the decode doubles
    assert "decode 40 s" in node_estimate(g, gen)


def test_another_family_is_timed_from_the_nearest_measured_one_and_says_so(tmp_path, monkeypatch, tiny, run_records):
    from studio.engine.edit_checks import node_estimate
    g, gen = _graph(tmp_path, monkeypatch, tiny, "wan-t2v", "video_models.text_to_video", width=64, height=64,
                    frames=9, steps=10)
    wan = _facts(g, gen)
    _record(wan, 64, 64, 9, 10, step=3.0, decode=20.0, weights=wan["weights"], title="Wan 2.1")
    # Wan's load: 8 s for its weights (times.RunClock keeps it by its first run)
    times.keep(times.load_key(foresee_time.this_machine(), "Wan 2.1"), wan["all_weights"], 1, 8.0)
    g2, gen2 = _graph(tmp_path, monkeypatch, tiny, "cogvideox", "video_models.text_to_video", width=64, height=64,
                      frames=9, steps=10)
    cog = _facts(g2, gen2)
    words = node_estimate(g2, gen2)
    assert words.startswith("time: about ") and ", a rough guess (" in words, words  # said first, seen under the node
    assert "; from Wan 2.1's speed, another family on cpu" in words, words
    # the same tokens a step (both 16x16 pixels of 4 frames a token) and multiply-adds that explain none of a 3 s
    # step: Wan's step scaled by the two denoisers' modules (estimates/cross_scale.py: CogVideoX's tiny one has fewer);
    # the decode by the two VAEs' work counted on meta copies of them
    from nodes.video_models.base.guard import fmt_duration
    from nodes.video_models.estimates import cross_scale, step_shape
    a, b = step_shape.folder_shape(wan["path"]), step_shape.folder_shape(cog["path"])
    fa = step_shape.step_flops(a, wan["weights"], a.grid, 64, 64, 9)
    fb = step_shape.step_flops(b, cog["weights"], b.grid, 64, 64, 9)
    mods = (step_shape.module_count(wan["path"]), step_shape.module_count(cog["path"]))
    step = 3.0 * cross_scale.step_scale(2, fa, 2, fb, foresee_time.this_machine(), mods)
    assert f"10 steps {fmt_duration(10 * step)}" in words and step < 3.0, words
    from nodes.video_models.estimates.vae_work import folder_decode_cost
    dec = 20.0 * folder_decode_cost(cog["path"], 64, 64, 9) / folder_decode_cost(wan["path"], 64, 64, 9)
    assert f"decode {fmt_duration(dec)};" in words and abs(dec - 20.0) > 2.0, words  # not Wan's 20 s
    # one load of tiny weights: all of it the fixed part (building the pipeline), not scaled by the weights
    assert "load 8 s if not in memory" in words, words


def test_framepack_is_timed_by_its_sections_in_one_call():
    """Framepack makes a take in sections of 'window' latent frames, each 'steps' steps, in one call (the run's
    record is of that call): 301 frames in windows of 9 latent frames are 10 sections of 33 frames, not 34
    windows of 9 frames (the first estimate said 272 steps of 8 for 80)."""
    from nodes.video_models.families.framepack.node import FramepackVideo
    assert FramepackVideo.take_shape({"frames": 301, "window": 9}, None)[:3] == (330, 1, 10)


def test_a_kin_is_nearer_than_another_family_and_a_load_is_scaled_at_most_in_proportion():
    """Wan Fun Camera timed from Wan's run (a title of the same first word) though Framepack's is nearer in
    weights; a load of a model never loaded here from the nearest load in weights: two loads of the same seconds
    at different weights show its fixed part (the exponent 0), not a power past 1."""
    phases = {"before": 1.0, "encode": 0.0, "step": 1.0, "decode": 10.0, "other": 0.0}
    key = "/m/{}|{}|cpu x2|gpu|float32|cfg|compile=auto|attention=native|cache=off|node=1|64x64x9"
    data = {key.format("wan", "Wan"): [{"pixels": 64 * 64 * 9, "steps": 8, "seconds": 19.0, "weights": 1000, **phases}],
            key.format("fp", "HunyuanVideo Framepack"): [{"pixels": 64 * 64 * 9, "steps": 8, "seconds": 99.0,
                                                          "weights": 5000, **phases, "step": 11.0}],
            times.load_key("cpu x2", "Wan"): [{"pixels": 1000, "steps": 1, "seconds": 6.0}],
            times.load_key("cpu x2", "HunyuanVideo Framepack"): [{"pixels": 4000, "steps": 1, "seconds": 6.0}]}
    asked = foresee_time.Asked("/m/camera", "Wan 2.1 Fun Camera", 64 * 64, 9, 1, 8, True, 4000, 16000)
    got = foresee_time.foresee(data, asked, "cpu x2")
    assert got.basis == "estimated from Wan's speed on cpu x2" and got.steps == pytest.approx(8 * 4.0)
    assert got.load == pytest.approx(6.0)  # not 6 s x 16000 / 4000
    # a UNet (SVD) is not timed from transformers' runs: the tiny SVD took 410 s where Wan's speed said 7 s
    svd = foresee_time.Asked("/m/svd", "Stable Video Diffusion", 64 * 64, 9, 1, 8, True, 4000, 16000, unet=True)
    assert foresee_time.foresee(data, svd, "cpu x2") is None


def _voice(path, seconds: float):
    """A silent WAV file of ``seconds`` (its header is all the estimate reads)."""
    import wave

    import numpy as np
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(np.zeros(int(seconds * 16000), "<i2").tobytes())
    return str(path)


def talk_graph(tmp_path, monkeypatch, tiny):
    """An InfiniteTalk node (8 steps, 64x64) given a 3 s voice through Speech Features and a black start picture, its
    patch file found (never read), and its run's record as it was kept: 73 frames (3 s at 25 fps, 4k+1), 8 steps of
    3 s, decode 10 s. (g, the node's id)."""
    import cv2
    import numpy as np
    (tmp_path / "patch.safetensors").write_bytes(b"")  # found is all the estimate needs: it is never read
    g, gen = _graph(tmp_path, monkeypatch, tiny, "wan-i2v", "video_models.infinitetalk", width=64, height=64,
                    steps=8, guidance=5.0, patch=str(tmp_path / "patch.safetensors"))
    audio = g.add_node("io.load_audio", {"path": _voice(tmp_path / "voice.wav", 3.0)})
    feats = g.add_node("encode.speech", {"layers": "all", "align": "encoder input"})
    g.connect(audio.id, "audio", feats.id, "audio")
    g.connect(feats.id, "features", gen, "speech")
    cv2.imwrite(str(tmp_path / "face.png"), np.zeros((64, 64, 3), np.uint8))
    still = g.add_node("io.load_image", {"path": str(tmp_path / "face.png")})
    g.connect(still.id, "image", gen, "image")
    facts = _facts(g, gen)
    _record(facts, 64, 64, 73, 8, step=3.0, decode=10.0, weights=facts["weights"], title="InfiniteTalk")
    return g, gen


def test_infinitetalk_is_timed_for_the_frames_its_voice_gives(tmp_path, monkeypatch, tiny, run_records):
    """Seen under Xvfb: InfiniteTalk to a 3 s voice said 'about 7 s' before F5 and took 54 s, and after that run
    said 32 s for the same graph: it was timed at the model's default length (33 frames), not the 73 the voice
    gives (Speech Features foresaw nothing). The voice's length, from its file's header, now makes its frames."""
    from studio.engine.edit_checks import node_estimate
    g, gen = talk_graph(tmp_path, monkeypatch, tiny)
    words = node_estimate(g, gen)
    assert "8 steps 24 s · decode 10 s;" in words, words  # exact for a repeat (was 8 steps 11 s, decode 4 s)
    g.set_param(gen, "frames", 37)  # frames asked: they, not the voice's, make the take
    assert "decode 5.1 s" in node_estimate(g, gen)  # 37 of 73 frames


def test_ltx2_made_to_a_voice_is_timed_for_the_voices_length(tmp_path, monkeypatch, tiny, run_records):
    """Seen under Xvfb: the LTX-2 talking portrait ('sound: drive', frames 0: the take lasts as long as the voice)
    said 19 s before F5 for the template's 6 s voice and for a 3 s one alike (timed at LTX-2's default 121 frames)."""
    from studio.engine.edit_checks import node_estimate
    g, gen = _graph(tmp_path, monkeypatch, tiny, "ltx2", "video_models.ltx2", width=64, height=64, steps=8,
                    sound="drive", frames=0, fps=24.0)
    audio = g.add_node("io.load_audio", {"path": _voice(tmp_path / "voice.wav", 3.0)})
    g.connect(audio.id, "audio", gen, "audio")
    facts = _facts(g, gen)
    _record(facts, 64, 64, 73, 8, step=1.0, decode=10.0, weights=facts["weights"])  # 3 s at 24 fps: 73 (8k+1)
    assert "8 steps 8 s · decode 10 s;" in node_estimate(g, gen)  # the run's own size: exact
    g.set_param(audio.id, "path", _voice(tmp_path / "long.wav", 6.0))  # twice the voice: about twice the frames
    assert "decode 20 s" in node_estimate(g, gen)
