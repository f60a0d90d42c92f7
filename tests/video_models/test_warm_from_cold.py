"""Issue 116 item 5: a warm run told from a cold first run alone (every fresh prompt's encode had been said 2.0-2.25x
what it took): what runs before its first step scaled by the warm / cold ratio this machine's records show, else by
a guess, and said which; steps as the cold run measured them (estimates/warm_scale.py); the decode scaled likewise
(estimates/warm_decode.py: tests/video_models/test_warm_decode.py)."""
from __future__ import annotations

KEY = "/m/{0}|{0}|cpu x2|gpu|float32|cfg|compile=auto|attention=native|cache=off|node=1|64x64x9"
COLD = {"pixels": 64 * 64 * 9, "steps": 8, "seconds": 30.0, "before": 6.0, "encode": 0.0, "step": 2.0,
        "decode": 8.0, "other": 0.0, "cold": True}


def test_a_warm_run_from_a_cold_one_alone_is_scaled_and_says_how(monkeypatch):
    from nodes.video_models.estimates import foresee_time, warm_decode, warm_scale
    monkeypatch.setattr(foresee_time, "SAMPLED_HERE", {"/m/wan"})  # this process has run it: the next run is warm
    asked = foresee_time.Asked("/m/wan", "wan", 64 * 64, 9, 1, 8, True)
    got = foresee_time.foresee({KEY.format("wan"): [COLD]}, asked, "cpu x2")
    assert (got.encode, got.steps, got.decode) == (6.0 * warm_scale.GUESS, 16.0, 8.0 * warm_decode.GUESS)
    assert "encode 3 s (warm: the first run's x0.50, a guess until a warm run)" in got.words()
    # another model on this machine has both: its warm / cold measured (1.5 s of 6 s) is used, and said measured
    other = [dict(COLD), dict(COLD, before=1.5, cold=False)]
    got = foresee_time.foresee({KEY.format("wan"): [COLD], KEY.format("ltx"): other}, asked, "cpu x2")
    assert got.encode == 1.5 and "x0.25, as measured here" in got.words()
    assert got.run == got.encode + got.steps + got.decode  # the encode's and decode's cut out of the whole too
    # a model not run in this process yet: told from its cold run as it is
    monkeypatch.setattr(foresee_time, "SAMPLED_HERE", set())
    got = foresee_time.foresee({KEY.format("wan"): [COLD]}, asked, "cpu x2")
    assert got.encode == 6.0 and "warm:" not in got.words()
