"""Issue 116 item 5: a model's reload told from its first load (said 2.2-2.5x over: a process's second load was said
from its first), and a phase too short to time honestly said as a bound (estimates/warm_load.py, short_phase.py)."""
from __future__ import annotations

from nodes.video_models.base import warm_files
from nodes.video_models.estimates import foresee_time, short_phase, warm_load
from nodes.video_models.estimates.times import load_key


def _load(seconds: float, reload: bool) -> dict:
    return {"pixels": 1000, "steps": 1, "seconds": seconds, "reload": reload}


def test_a_reload_is_told_from_reloads_else_from_a_first_load_by_what_this_machine_measured():
    first, again = _load(0.8, False), _load(0.2, True)
    loads = {load_key("cpu x1", "Wan"): [first]}
    # a first load only: a reload said as its GUESS share, in words, and the first load from it as measured
    assert warm_load.told([first], loads, warm=True) == (0.8 * warm_load.GUESS, warm_load.words(0.5, False, True))
    assert warm_load.told([first], loads, warm=False) == (0.8, "")
    assert warm_load.words(0.5, False, True) == " (a reload: the first load's x0.50, a guess until a reload)"
    # another model with both kinds: its reload's share (0.25) tells this model's reload, as measured here
    loads[load_key("cpu x1", "LTX")] = [_load(1.2, False), _load(0.3, True)]
    seconds, said = warm_load.told([first], loads, warm=True)
    assert abs(seconds - 0.2) < 1e-9 and "x0.25, as measured here" in said
    # this model's own reload: from it
    assert warm_load.told([first, again], loads, warm=True) == (0.2, "")
    assert warm_load.told([again, first], loads, warm=False) == (0.8, "")
    # a first load told from a reload alone
    assert warm_load.told([again], {load_key("cpu x1", "Wan"): [again]}, warm=False)[0] == 0.2 / warm_load.GUESS


def test_the_node_says_a_reload_of_a_model_loaded_here_and_a_first_load_of_one_not(monkeypatch):
    monkeypatch.setattr(warm_files, "LOADED_HERE", set())
    monkeypatch.setattr(foresee_time, "SAMPLED_HERE", set())
    key = "/m/wan|Wan|cpu x2|gpu|float32|cfg|compile=auto|attention=native|cache=off|node=1|64x64x9"
    run = {"pixels": 64 * 64 * 9, "steps": 8, "seconds": 30.0, "before": 6.0, "encode": 0.0, "step": 2.0,
           "decode": 8.0, "other": 0.0, "cold": True}
    data = {key: [run], load_key("cpu x2", "Wan"): [_load(4.0, False)]}
    asked = foresee_time.Asked("/m/wan", "Wan", 64 * 64, 9, 1, 8, True)
    got = foresee_time.foresee(data, asked, "cpu x2")
    assert got.load == 4.0 and "load 4 s if not in memory" in got.words(), got.words()
    warm_files.loaded("/m/wan")
    got = foresee_time.foresee(data, asked, "cpu x2")
    assert got.load == 2.0 and "load 2 s (a reload: the first load's x0.50, a guess until a reload)" in got.words()


def test_a_phase_under_a_tenth_of_a_second_is_said_as_a_bound():
    assert short_phase.said(0.007) == "under 0.1 s" and short_phase.said(0.099) == "under 0.1 s"
    assert short_phase.said(0.121) == "121 ms" and short_phase.said(2.0) == "2 s"
    f = foresee_time.Foreseen(0.05, 0.06, 0.3, 0.2, "measured on cpu x1", 4, encode=0.08, prompt_cached=True)
    assert f.words() == ("time: about 560 ms (+ load under 0.1 s if not in memory; encode under 0.1 s (prompt cached)"
                         " · 4 steps under 0.1 s · decode 300 ms; measured on cpu x1)"), f.words()


def test_a_load_finds_its_files_in_the_page_cache_or_says_it_cannot_tell(tmp_path, monkeypatch):
    monkeypatch.setattr(warm_files, "LOADED_HERE", set())
    f = tmp_path / "w.safetensors"
    f.write_bytes(b"\1" * 20000)
    f.read_bytes()
    share = warm_files.page_cached([str(f)])
    assert share is None or share == 1.0, share  # just written and read: every page held (where it can be asked)
    how = warm_files.how(str(tmp_path), [str(f)])
    assert how["reload"] is False and how.get("cached", True) is True, how
    warm_files.loaded(str(tmp_path))
    assert warm_files.how(str(tmp_path), [str(f)])["reload"] is True
