"""Issue 112 (layout23, after rejudge23): a held task's list of settings names values saved by place only where they fit
the layout Studio's catalogue declares for the node's type; where they do not (another version of the pack saved
them), they are said by place, unnamed, never by a wrong name. Fixtures from the facts: heldout109 07 saves
Lightricks/ComfyUI-LTXVideo 864ffa6's LTXVTiledSampler (horizontal_tiles, vertical_tiles, overlap,
first_frame_cond_strength, latents_cond_strength, boost_latent_similarity BOOLEAN, crop center/disabled) as
[1, 1, 3, 0.9, 0.15, True, 'center'], while the catalogue reads the later layout (no first_frame_cond_strength; an
optional optional_cond_indices STRING after crop). And the canvas's list of nodes not converted, its settings cut
short and in no Log line, no longer stands for the held list's sentence (heldout86 03's FSamplerAdvanced #25,
heldout104 07's SCAIL_2 Embeds #203: their settings were in no Log line)."""
from __future__ import annotations

from types import SimpleNamespace

from studio.convert import catalogue
from studio.convert.mapping import held_settings
from studio.convert.reading import layout_fit
from studio.convert.reading.subgraphs import CONTROL

MAY_2025 = [1, 1, 3, 0.9, 0.15, True, "center"]  # (the file's values, 864ffa6's order)


def _declared(cls: str) -> dict:
    return {i.name: i for i in catalogue.node_type(cls).widgets}


def test_values_fit_their_declared_types_ranges_and_choices():
    d = _declared("LTXVTiledSampler")
    assert layout_fit.value_fits(d["boost_latent_similarity"], True)
    assert not layout_fit.value_fits(d["boost_latent_similarity"], 0.15)  # (a number on a BOOLEAN)
    assert not layout_fit.value_fits(d["crop"], True)  # (a flag on a center/disabled combo)
    assert layout_fit.value_fits(d["crop"], "disabled")
    assert not layout_fit.value_fits(d["overlap"], 30)  # (out of its declared 1..8)
    assert not layout_fit.value_fits(d["horizontal_tiles"], 1.5)  # (not whole, on an INT)
    k = _declared("KSampler")
    assert layout_fit.order_fits(["seed", CONTROL, "steps"], [5, "randomize", 20], k)
    assert not layout_fit.order_fits(["seed", CONTROL, "steps"], [5, 20, "randomize"], k)
    assert not layout_fit.value_fits(k["steps"], "randomize")  # (a seed's control word off its place)


def test_values_saved_by_another_version_are_said_by_place_never_by_a_wrong_name():
    t = catalogue.node_type("LTXVTiledSampler")
    settings = {f"#{i}": v for i, v in enumerate(MAY_2025)}
    assert held_settings._named(t, settings, MAY_2025) is held_settings.MISFIT
    saved = ("LTXVTiledSampler", settings, {}, MAY_2025, "LTXVTiledSampler", True, "")
    said = held_settings._values(None, "1796", saved, [], {})
    assert said == ["its values saved by place (the file's version of the node differs from the one Studio's "
                    "catalogue read): #0 1, #1 1, #2 3, #3 0.9, #4 0.15, #5 True, #6 'center'"]
    assert not any(name in said[0] for name in ("latents_cond_strength", "boost_latent_similarity", "crop",
                                                 "optional_cond_indices"))
    # named by the catalogue's order from another reading (the same values, names given): the fit is checked too
    wrong = dict(zip(["horizontal_tiles", "vertical_tiles", "overlap", "latents_cond_strength",
                      "boost_latent_similarity", "crop", "optional_cond_indices"], MAY_2025))
    assert held_settings._named(t, wrong, MAY_2025) is held_settings.MISFIT


def test_values_in_the_catalogues_layout_are_named():
    t = catalogue.node_type("LTXVTiledSampler")
    now = [2, 1, 3, 0.15, True, "disabled"]  # (the later layout: no first_frame_cond_strength)
    named = held_settings._named(t, {f"#{i}": v for i, v in enumerate(now)}, now)
    assert named == {"horizontal_tiles": 2, "vertical_tiles": 1, "overlap": 3, "latents_cond_strength": 0.15,
                     "boost_latent_similarity": True, "crop": "disabled"}
    saved = ("LTXVTiledSampler", {f"#{i}": v for i, v in enumerate(now)}, {}, now, "LTXVTiledSampler", True, "")
    assert held_settings._values(None, "5", saved, [], {}) == [
        "horizontal_tiles 2", "vertical_tiles 1", "overlap 3", "latents_cond_strength 0.15",
        "boost_latent_similarity True", "crop 'disabled'"]


def _held(settings: dict, cls: str = "FSamplerAdvanced"):
    """A conversion's state with one held task whose way holds node #25 (no Studio node made from it)."""
    log: list[str] = []
    notes: list[str] = []
    wf = SimpleNamespace(as_saved={"25": (cls, settings, {}, list(settings.values()), cls, True, "")},
                         nodes={}, idle=frozenset(), wiring={})
    return SimpleNamespace(wf=wf, out=SimpleNamespace(origin={}, log=log), held_ways={"25"}, held_bands=[],
                           g=SimpleNamespace(nodes={}), first_notes=[], over={}, notes=[], name="f.json",
                           note=notes.append)


def test_the_canvas_list_of_nodes_not_converted_does_not_stand_for_the_log_sentence():
    settings = {"seed": 142476442013438, "steps": 30, "sampler": "lms", "protect_first_steps": 2,
                "adaptive_mode": "learning", "smoothing_beta": 0.999}
    b = _held(settings)
    b.out.log.append("f.json: ... 'FSamplerAdvanced' (#25) seed 142476442013438, steps 30")
    listed = ["- 'FSamplerAdvanced' (FSamplerAdvanced, #25): {\"seed\": 142476442013438, \"steps\": 30, "
              "\"sampler\": \"lms\", \"protect_first_steps\": 2, \"adaptive_mode\":… (40 more characters)"]
    held_settings.say(b, listed)
    line = b.out.log[-1]
    assert ("'FSamplerAdvanced' (FSamplerAdvanced, #25) sampler 'lms', protect_first_steps 2, adaptive_mode "
            "'learning', smoothing_beta 0.999.") in line
    assert "seed" not in line.split("#25)", 2)[-1]  # (said in the Log's sentence already: not repeated)


def test_a_choice_a_later_comfyui_added_keeps_its_name():
    t = catalogue.node_type("CLIPLoader")
    assert "minimax" not in t.input("type").options  # (the catalogue's ComfyUI predates MiniMax H3's encoder)
    raw = ["qwen3vl_32b_minimax_h3.safetensors", "minimax", "default"]
    named = held_settings._named(t, {f"#{i}": v for i, v in enumerate(raw)}, raw)
    assert named == {"clip_name": raw[0], "type": "minimax", "device": "default"}
    # a word another of the node's settings offers, on a combo that lacks it: a neighbour's value, one place off
    off = ["qwen3vl_32b_minimax_h3.safetensors", "default", "ltxv"]
    assert held_settings._named(t, {f"#{i}": v for i, v in enumerate(off)}, off) is held_settings.MISFIT
