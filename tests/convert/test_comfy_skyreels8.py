"""Issue 112 (skyreels8): SkyReels-V2 diffusion forcing through kijai's ComfyUI-WanVideoWrapper (its sampler with
'prefix_samples' and 'addnoise_condition', read by those declared inputs) read as Studio's SkyReels-V2 take: a first
segment from a picture is image to video, each later segment fed the last frames of the one before makes ONE continued
take of the summed length ('long take: continue', 'window', 'overlap'), the joins of the segments read away; what
differs said (addnoise_condition, a later segment's own prompt and settings, the blocks as Studio cuts them); a prefix
of a loaded clip is said and not converted. Minimal API workflows built from node types, values and links."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.planted import plant
from tests.convert.said import api, nodes_of, notes, said

MODEL = "WanVideo/SkyReels/Wan2_1-SkyReels-V2-DF-1_3B-540P_fp32.safetensors"
PROMPT, SHARK, NEG = "an old man walks into the sea", "a shark swims to the man", "blurry"
VALUES = {"addnoise_condition": 10, "fps": 24.0, "steps": 30, "cfg": 4.0, "shift": 5.0, "seed": 7,
          "force_offload": True, "scheduler": "unipc", "denoise_strength": 1.0, "rope_function": "comfy"}
TILES = {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}


def _common() -> dict:
    return {
        "1": ("WanVideoModelLoader", {"model": MODEL, "base_precision": "fp16", "quantization": "disabled",
                                      "load_device": "offload_device", "attention_mode": "sdpa"}),
        "2": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "3": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                            "load_device": "offload_device", "quantization": "disabled"}),
        "4": ("WanVideoTextEncode", {"positive_prompt": PROMPT, "negative_prompt": NEG, "force_offload": True,
                                     "t5": ["3", 0]}),
    }


def _segment(nodes: dict, at: int, frames: int, prefix, text="4", **values) -> str:
    """A diffusion-forcing segment (empty embeds of ``frames``, its sampler given ``prefix``) and its decode: the
    decode's id."""
    nodes[f"{at}"] = ("WanVideoEmptyEmbeds", {"width": 544, "height": 544, "num_frames": frames})
    nodes[f"{at + 1}"] = ("WanVideoDiffusionForcingSampler", {
        **VALUES, **values, "model": ["1", 0], "text_embeds": [text, 0], "image_embeds": [f"{at}", 0],
        **({"prefix_samples": prefix} if prefix else {})})
    nodes[f"{at + 2}"] = ("WanVideoDecode", {**TILES, "vae": ["2", 0], "samples": [f"{at + 1}", 0]})
    return f"{at + 2}"


def _last(nodes: dict, at: int, images: str, count: int) -> list:
    """The last ``count`` frames of ``images`` encoded (the next segment's prefix)."""
    nodes[f"{at}"] = ("GetImageRangeFromBatch", {"start_index": -1, "num_frames": count, "images": [images, 0]})
    nodes[f"{at + 1}"] = ("WanVideoEncode", {**TILES, "noise_aug_strength": 0.0, "latent_strength": 1.0,
                                             "vae": ["2", 0], "image": [f"{at}", 0]})
    return [f"{at + 1}", 0]


def _extended(second_prompt: bool = False, seed_2: int = 7) -> dict:
    """A picture, a 53-frame first segment, then a 97-frame one from its last 17 frames, joined without them."""
    nodes = _common()
    nodes["5"] = ("LoadImage", {"image": "oldman.png"})
    nodes["6"] = ("WanVideoEncode", {**TILES, "noise_aug_strength": 0.0, "latent_strength": 1.0, "vae": ["2", 0],
                                     "image": ["5", 0]})
    first = _segment(nodes, 10, 53, ["6", 0])
    text = "4"
    if second_prompt:
        nodes["40"] = ("WanVideoTextEncode", {"positive_prompt": SHARK, "negative_prompt": NEG,
                                              "force_offload": True, "t5": ["3", 0]})
        text = "40"
    second = _segment(nodes, 20, 97, _last(nodes, 15, first, 17), text=text, addnoise_condition=24, seed=seed_2)
    nodes["30"] = ("GetImageRangeFromBatch", {"start_index": -1, "num_frames": 80, "images": [second, 0]})
    nodes["31"] = ("ImageBatchMulti", {"inputcount": 2, "image_1": [first, 0], "image_2": ["30", 0]})
    nodes["32"] = ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "df",
                                        "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                        "images": ["31", 0]})
    return api(nodes)


def test_a_chain_of_extensions_is_one_forcing_take_of_the_summed_length():
    conv = convert(_extended(), "df_extended")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert len(gens) == 1
    p = gens[0].params
    assert (p["frames"], p["window"], p["overlap"], p["long_take"]) == (53 + 97 - 17, 97, 17, "continue")
    assert (p["steps"], p["seed"], p["guidance"], p["shift"], p["prompt"]) == (30, 7, 4.0, 5.0, PROMPT)
    text = said(conv)
    assert "one take of 133 frames by SkyReels-V2's diffusion forcing" in text
    assert "its blocks of 97, 53 frames (the first 'window' long), where the workflow's segments are 53, 97" in text
    assert "addnoise_condition 10 (#11), 24 (#21) not taken" in text
    assert "'ImageBatchMulti' (ImageBatchMulti, #31) joins the 2 segments' frames" in text
    assert not [n for n in notes(conv).split("\n") if "not converted" in n and "WanVideoDiffusionForcingSampler" in n]
    load = nodes_of(conv, "video_models.load")[0].params
    assert load["model"] == MODEL and "Studio reads the denoiser file over a SkyReels-V2 diffusers folder" in text


def test_a_later_segment_own_prompt_and_seed_are_said_not_taken():
    conv = convert(_extended(second_prompt=True, seed_2=9), "df_prompts")
    p = nodes_of(conv, "video_models.image_to_video")[0].params
    assert p["prompt"] == PROMPT and p["seed"] == 7
    text = said(conv)
    assert f"(WanVideoDiffusionForcingSampler, #21)'s own prompt {SHARK!r} is not taken" in text
    assert "#21)'s own seed 9 is not taken" in text


def test_a_later_segment_on_another_model_is_said_not_taken():
    w = _extended()
    w["50"] = {"class_type": "WanVideoModelLoader", "inputs": dict(w["1"]["inputs"], model="other_df.safetensors")}
    w["21"]["inputs"]["model"] = ["50", 0]
    conv = convert(w, "df_models")
    assert nodes_of(conv, "video_models.load")[0].params["model"] == MODEL
    assert "(WanVideoDiffusionForcingSampler, #21)'s own model 'other_df.safetensors' (#50) is not taken" in said(conv)


@pytest.fixture
def planted(monkeypatch):
    """An invented pack's diffusion-forcing sampler (another name, the same declared inputs and output) in the
    catalogue, for this test only."""
    ins = [{"name": n, "type": t, "widget": t in ("INT", "FLOAT", "BOOLEAN", "COMBO"), "optional": n == "prefix_samples"}
           for n, t in (("model", "WANVIDEOMODEL"), ("text_embeds", "WANVIDEOTEXTEMBEDS"),
                        ("image_embeds", "WANVIDIMAGE_EMBEDS"), ("addnoise_condition", "INT"), ("steps", "INT"),
                        ("cfg", "FLOAT"), ("shift", "FLOAT"), ("seed", "INT"), ("scheduler", "COMBO"),
                        ("prefix_samples", "LATENT"))]
    made = {"InventedForcingSampler": {"pack": "someone/invented-pack", "inputs": ins, "outputs": [{"type": "LATENT"}]}}
    yield from plant(monkeypatch, made)


def test_a_sampler_never_seen_declaring_prefix_samples_and_addnoise_is_read_the_same(planted):
    w = _extended()
    for sid in ("11", "21"):
        w[sid]["class_type"] = "InventedForcingSampler"
    conv = convert(w, "df_invented")
    p = nodes_of(conv, "video_models.image_to_video")[0].params
    assert (p["frames"], p["window"], p["overlap"], p["long_take"]) == (133, 97, 17, "continue")
    assert "addnoise_condition 10 (#11), 24 (#21) not taken" in said(conv)


def test_one_segment_without_prefix_is_text_to_video_in_one_block():
    nodes = _common()
    dec = _segment(nodes, 10, 97, None)
    nodes["30"] = ("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "t2v", "format": "video/h264-mp4",
                                        "save_output": True, "images": [dec, 0]})
    conv = convert(api(nodes), "df_t2v")
    gens = nodes_of(conv, "video_models.text_to_video")
    assert len(gens) == 1 and gens[0].params["frames"] == 97 and gens[0].params["long_take"] == "auto"
    assert "addnoise_condition 10 (#11) not taken" in said(conv)


def test_a_prefix_of_a_loaded_clip_is_said_and_not_converted():
    nodes = _common()
    nodes["5"] = ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                    "frame_load_cap": 17, "skip_first_frames": 0, "select_every_nth": 1})
    nodes["6"] = ("WanVideoEncode", {**TILES, "noise_aug_strength": 0.0, "latent_strength": 1.0, "vae": ["2", 0],
                                     "image": ["5", 0]})
    dec = _segment(nodes, 10, 97, ["6", 0])
    nodes["30"] = ("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "v2v", "format": "video/h264-mp4",
                                        "save_output": True, "images": [dec, 0]})
    conv = convert(api(nodes), "df_clip")
    assert not nodes_of(conv, "video_models.image_to_video") and not nodes_of(conv, "video_models.text_to_video")
    assert ("(WanVideoDiffusionForcingSampler, #11) samples by SkyReels-V2's diffusion forcing, but its prefix_samples "
            "are encoded from frames that are neither one picture") in said(conv)


@pytest.mark.slow  # a render on a tiny model (seconds, not a conversion's fraction of one)
def test_the_converted_chain_renders_as_one_diffusion_forcing_call_on_a_tiny_df_model(tmp_path, monkeypatch):
    """The converted take, made small (its long take, window and overlap as converted, scaled down), runs through
    Studio's diffusion forcing: ONE call of the DF image-to-video pipeline, base_num_frames the window and
    overlap_history the overlap, the whole take's frames written."""
    pytest.importorskip("diffusers")
    from diffusers import SkyReelsV2DiffusionForcingImageToVideoPipeline as DFI2V
    from PIL import Image

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    from tests.video_models.graphs import spy_call
    from tests.video_models.tiny_skyreels import build_skyreels
    df = build_skyreels(str(tmp_path / "tiny-skyreels-df"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    Image.new("RGB", (16, 16), (200, 120, 40)).save(tmp_path / "oldman.png")
    g = convert(_extended(), "df_render").graph
    by_type = {}
    for n in g.nodes.values():
        by_type.setdefault(n.type_id, []).append(n.id)
    gen = by_type["video_models.image_to_video"][0]
    assert (g.nodes[gen].params["long_take"], g.nodes[gen].params["overlap"]) == ("continue", 17)
    g.set_param(by_type["video_models.load"][0], "model", df)
    g.set_param(by_type["io.load_image"][0], "path", str(tmp_path / "oldman.png"))
    for sid in by_type.get("transform.scale", []):
        g.set_param(sid, "width", 16)
        g.set_param(sid, "height", 16)
    for k, v in (("width", 16), ("height", 16), ("steps", 2), ("frames", 17), ("window", 9), ("overlap", 5),
                 ("preview_size", "off"), ("previews", False)):
        g.set_param(gen, k, v)
    outs = [str(tmp_path / f"out{i}.mp4") for i in range(len(by_type["io.save_video"]))]
    for sid, path in zip(by_type["io.save_video"], outs):
        g.set_param(sid, "path", path)
    calls, _ = spy_call(monkeypatch, DFI2V, dict)
    Executor(frame_caching=False).run(g, device="cpu")
    assert len(calls) == 1 and (calls[0]["base_num_frames"], calls[0]["overlap_history"]) == (9, 5)
    assert probe(outs[0])["frames"] == 17
