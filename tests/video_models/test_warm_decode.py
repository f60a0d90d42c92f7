"""Issue 116 item 5: a warm run's decode told from a cold first run alone (Wan 2.1's run-2 decode said 208 ms, run 1's
cold decode, took 50 ms): scaled by the warm / cold decode ratio this machine's records show, by the pixels, else by
a guess, and said which (estimates/warm_decode.py)."""
from __future__ import annotations

KEY = "/m/{0}|{0}|{1}|gpu|float32|cfg|compile=auto|attention=native|cache=off|node=1|64x64x9"
COLD = {"pixels": 64 * 64 * 9, "steps": 8, "seconds": 30.0, "before": 6.0, "encode": 0.0, "step": 2.0,
        "decode": 8.0, "other": 0.0, "cold": True}


def test_a_warm_decode_from_a_cold_one_is_scaled_by_the_machines_ratio_and_says_how(monkeypatch):
    from nodes.video_models.estimates import foresee_time, warm_decode
    monkeypatch.setattr(foresee_time, "SAMPLED_HERE", {"/m/wan"})  # this process has run it: the next run is warm
    asked = foresee_time.Asked("/m/wan", "wan", 64 * 64, 9, 1, 8, True)
    mine = {KEY.format("wan", "cpu x2"): [COLD]}
    got = foresee_time.foresee(mine, asked, "cpu x2")
    assert got.decode == 8.0 * warm_decode.GUESS and got.decode_warmed
    assert f"decode {got.decode:g} s (warm: the first run's x{warm_decode.GUESS:.2f}, a guess until a warm run)" \
        in got.words(), got.words()
    # another model on this machine has both, its warm run at half the pixels: 1 s a half-size decode of 8 s -> x0.25
    other = [dict(COLD), dict(COLD, decode=1.0, pixels=COLD["pixels"] // 2, cold=False)]
    # and one on another machine, which says nothing of this one's
    elsewhere = [dict(COLD), dict(COLD, decode=8.0, cold=False)]
    data = {**mine, KEY.format("ltx", "cpu x2"): other, KEY.format("svd", "cuda A"): elsewhere}
    assert warm_decode.factor(data, "cpu x2") == (0.25, True)
    got = foresee_time.foresee(data, asked, "cpu x2")
    assert got.decode == 2.0 and "decode 2 s (warm: the first run's x0.25, as measured here)" in got.words()
    assert got.run == got.encode + got.steps + got.decode
    # a warm record of this model: told from it as it is, nothing scaled
    got = foresee_time.foresee({KEY.format("wan", "cpu x2"): [COLD, dict(COLD, decode=5.0, cold=False)]}, asked,
                               "cpu x2")
    assert got.decode == 5.0 and not got.decode_warmed
    # a model not run in this process yet: its cold decode as it is
    monkeypatch.setattr(foresee_time, "SAMPLED_HERE", set())
    got = foresee_time.foresee(mine, asked, "cpu x2")
    assert got.decode == 8.0 and "warm:" not in got.words()


def test_the_running_estimate_of_a_warm_run_scales_the_cold_decode(monkeypatch, tmp_path):
    """After the first step of a warm run with only the cold record: the decode to come is the cold one's x the
    factor (the time left had kept the cold decode whole)."""
    from types import SimpleNamespace

    import pytest

    from nodes.video_models.estimates import times, warm_decode
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))  # no records: the guess

    class Ctx:
        params = {"steps": 4}

        def note(self, *a, **k):
            pass

        info = note

    def clock(sampled):
        ref = SimpleNamespace(path=str(tmp_path / "wan"), variant="Wan", memory="gpu", dtype="fp32",
                              fam=SimpleNamespace(title="Wan", denoiser="transformer"),
                              shared=SimpleNamespace(sampled=sampled))
        c = times.RunClock(Ctx(), ref, "cpu", (16, 16), 5, 1, 4, pipe=object())
        c.records = [dict(COLD, pixels=c.pixels, before=0.0)]
        return c.whole_after_step(2.0, c.node_t0 + 1.0, early=False)[0]

    assert clock(True) == pytest.approx(1.0 + 2.0 * 4 + 8.0 * warm_decode.GUESS)  # warm: told from the cold one
    assert clock(False) == pytest.approx(1.0 + 2.0 * 4 + 8.0)  # cold, as the cold one
