"""Issue 112, heldout91's mends (fresh set judged on main a345639d): each test builds its workflow from node types,
values and links and fails without its mend.

1. A WanVideoScheduler saved with its 'scheduler' alone (the wrapper's earlier layout, its one output the choice it
   holds) wired into the samplers' 'scheduler': "whose value Studio cannot work out: it is left unset" of a value the
   file holds ('dpm++_sde'), and the note's "scheduler 'simple'" (91/06). Read now; and a scheduler wired from a node
   Studio really cannot work out is said as not known, never as 'simple'."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, notes, said


def _scheduled(scheduler_node: tuple) -> dict:
    return api({
        "1": ("WanVideoModelLoader", {"model": "wan2.1_t2v_1.3B_bf16.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "a heron by a lake", "negative_prompt": "", "t5": ["2", 0]}),
        "4": ("WanVideoEmptyEmbeds", {"width": 480, "height": 272, "num_frames": 33}),
        "9": scheduler_node,
        "5": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["4", 0], "steps": 8,
                                  "cfg": 1.0, "shift": 5.0, "seed": 9, "scheduler": ["9", 0]}),
        "6": ("WanVideoVAELoader", {"model_name": "wan_vae.safetensors"}),
        "7": ("WanVideoDecode", {"vae": ["6", 0], "samples": ["5", 0]}),
        "8": ("SaveVideo", {"video": ["7", 0], "filename_prefix": "x"}),
    })


def test_an_earlier_wan_video_scheduler_gives_its_one_choice_to_the_sampler():
    conv = convert(_scheduled(("WanVideoScheduler", {"scheduler": "dpm++_sde"})), "scheduler_91")
    text = said(conv)
    assert "whose value Studio cannot work out" not in text
    assert "WanVideoSampler's scheduler 'dpm++_sde'" in notes(conv)
    assert "scheduler 'simple'" not in text


def test_a_scheduler_wired_from_a_node_studio_cannot_work_out_is_said_not_known_never_simple():
    conv = convert(_scheduled(("SomePackSchedulerPicker", {"choice": "dpm++_sde"})), "scheduler_91b")
    text = said(conv)
    assert "scheduler 'simple'" not in text
    assert "WanVideoSampler's scheduler not known (wired from a node Studio cannot work out)" in notes(conv)
