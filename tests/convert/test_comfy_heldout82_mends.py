"""Issue 112, heldout82's mends (fresh set judged on main d4499d26): each test builds its workflow from node types,
values and links and fails without its mend.

1. ComfyUI's S2V extend chunks (WanSoundImageToVideoExtend, each sampled by its own KSampler), read as windows of
   Studio's one S2V take, were each said "this pass is not made (Studio's generator makes the take without it)" beside
   the line saying the chunks are made: now each is said a later window of the one take, its own seed not used
   (82/08)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan22_s2v
from tests.convert.said import api, nodes_of, said


def _s2v_extended() -> dict:
    nodes = wan22_s2v(["7", 0])
    nodes["12"] = ("WanSoundImageToVideoExtend", {"length": 77, "positive": ["3", 0], "negative": ["4", 0],
                                                  "vae": ["5", 0], "video_latent": ["11", 0],
                                                  "audio_encoder_output": ["8", 0], "ref_image": ["9", 0]})
    nodes["13"] = ("KSampler", {"seed": 250, "steps": 4, "cfg": 1.0, "sampler_name": "uni_pc", "scheduler": "simple",
                                "denoise": 1.0, "model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1],
                                "latent_image": ["12", 2]})
    nodes["14"] = ("LatentConcat", {"samples1": ["11", 0], "samples2": ["13", 0], "dim": "t"})
    nodes["15"] = ("VAEDecode", {"samples": ["14", 0], "vae": ["5", 0]})
    nodes["16"] = ("CreateVideo", {"images": ["15", 0], "audio": ["7", 0], "fps": 16})
    nodes["17"] = ("SaveVideo", {"video": ["16", 0], "filename_prefix": "s2v", "format": "auto", "codec": "auto"})
    return api(nodes)


def test_an_s2v_extend_chunk_made_as_a_window_of_the_take_is_not_said_a_pass_not_made():
    conv = convert(_s2v_extended(), "s2v_extend.json")
    assert nodes_of(conv, "video_models.wan_s2v")[0].params["frames"] == 154  # (77 + 77: the chunk is made)
    text = said(conv)
    assert "this pass is not made" not in text
    assert ("- a later window: 'KSampler' (#13) samples what 'WanSoundImageToVideoExtend' (#12) continues, part of "
            "the one take; its own seed 250 is not used: Studio's generator makes the whole take with one seed") in text


def _three_segments_one_saved_alone() -> dict:
    """Three Wan 2.1 I2V takes of one picture joined by ImageBatchMulti into one save; the first also saved alone
    (heldout82 05's shape: ten takes saved alone first, six more made for the join)."""
    from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
    more = {}
    for k in (1, 2, 3):
        more.update(wan21_i2v_segment(k, ["5", 0]))
    more["900"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["104", 0], "filename_prefix": "one", "fps": 16, "lossless": False, "quality": 90, "method": "default"}}
    more["901"] = {"class_type": "ImageBatchMulti", "inputs": {
        "inputcount": 3, "image_1": ["104", 0], "image_2": ["204", 0], "image_3": ["304", 0]}}
    more["902"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["901", 0], "filename_prefix": "all", "fps": 16, "lossless": False, "quality": 90, "method": "default"}}
    return wan21_i2v_base(more)


def test_a_join_counts_each_take_it_generates_as_a_pipeline():
    """"16 made, each a pipeline of its own" was followed by "11 pipeline(s)": the join counted one pipeline however
    many takes it generated. Now each take it generates is one, a take another output made counted there once."""
    conv = convert(_three_segments_one_saved_alone(), "three_takes.json")
    gens = [t for t in conv.tasks if t.get("generator")]
    text = said(conv)
    assert "joins 3 takes" in text and "3 made, each a pipeline of its own" in text
    assert "take 1 is the take of" in text  # (made once, for its own save and the join)
    assert conv.pipelines == 3 == len(gens)
    assert "three_takes.json: 3 pipeline(s)" in text
