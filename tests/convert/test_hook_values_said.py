"""A family's ComfyUI hook reads its values through the converter's ledger (issue 115 item 4), so a value it cannot
take is said like every other: ImageFromBatch's batch_index "last" or -10^12 (had become the last frame), Kandinsky
6's empty latent fps [1, 2, 3] or wired from itself (had become 0), Helios's distilled "yes" (had been read as not
distilled), a pick of 10^9 frames (had been described as "(-999999967-32)")."""
from __future__ import annotations

import copy

import pytest

from studio.convert.mapping.convert import convert

from .test_comfy_extend import _chain
from .test_comfy_helios import HELIOS, _gen as helios_gen, _said
from .test_comfy_kandinsky6 import T2VA


@pytest.mark.parametrize("index", ["last", -10 ** 12])
def test_a_pick_of_no_frame_index_is_said(index):
    conv = convert(_chain(2, index), "extend")
    said = _said(conv)
    shown = repr(index) if isinstance(index, str) else f"{index:,}".replace(",", "")
    assert "ImageFromBatch" in said and "batch_index" in said and "is not a whole number from -1" in said, said
    assert "the last frames are taken" in said and (shown in said or f"{index:,}" in said or str(index)[:12] in said)
    assert conv.graph.validate() == []


def test_a_pick_of_more_frames_than_the_take_is_cut_to_it_and_said():
    d = _chain(2, 0)
    d["105"]["inputs"]["length"] = 10 ** 9
    said = _said(convert(d, "extend"))
    assert "1,000,000,000 frames picked are more than take 1's 33: its 33 are taken" in said
    assert "-999999967" not in said


@pytest.mark.parametrize("fps", [[1, 2, 3], ["6", 1]], ids=["a_list", "wired_from_itself"])
def test_kandinsky6_empty_latents_fps_that_is_no_rate_is_said(fps):
    wf = copy.deepcopy(T2VA)
    del wf["9"]["inputs"]["fps"]  # the empty latent's is the video's rate
    wf["6"]["inputs"]["fps"] = fps
    said = "\n".join(convert(wf, "k6").log)
    # (wired from itself: no value to call wrong, said as given by a node Studio cannot work out)
    why = "is not a frame rate" if fps[0] != "6" else "is given by a node Studio cannot work out when converting"
    assert "Kandinsky6EmptyLatent" in said and "'s fps" in said and why in said, said


def test_helios_distilled_that_is_no_switch_is_said():
    wf = copy.deepcopy(HELIOS)
    wf["7"]["inputs"]["distilled"] = "yes"
    conv = convert(wf, "helios")
    assert "distilled 'yes' is not true or false: read as not distilled" in _said(conv)
    assert helios_gen(conv, "video_models.text_to_video").params["guidance"] == 5.0  # the sampler's cfg, said
