"""Issue 112, heldout108's mends (fresh set judged on main bb316e27): each test builds its workflow from node types,
values and links (written here from the facts, no file copied) and fails without its mend.

1. A run of a clip's frames picked once (ImageFromBatch) and read both by the re-render's way and by a before-and-after
   stitch beside the take was trimmed on the generator's way only: the stitch was given the whole clip, unsaid
   (108/05). Now the file's way to a comparison makes the pick as Studio's Trim, said in the comparison's sentence."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of, ui
from tests.convert.test_comfy_animate_extend import BASE


def _restyle_beside(pick: tuple[str, dict]) -> dict:
    """A Wan 2.1 1.3B re-render of frames of a clip at denoise 0.4, written beside the same frames (ImageStitch)."""
    cls, settings = pick
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "sharp, detailed", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "6": ("LoadVideo", {"file": "clip.mp4"}),
        "7": ("GetVideoComponents", {"video": ["6", 0]}),
        "8": (cls, {**settings, "image": ["7", 0]} if cls == "ImageFromBatch" else {**settings, "images": ["7", 0]}),
        "9": ("ImageScale", {"upscale_method": "lanczos", "width": 832, "height": 480, "crop": "center",
                             "image": ["8", 0]}),
        "10": ("VAEEncode", {"pixels": ["9", 0], "vae": ["3", 0]}),
        "11": ("KSampler", {"seed": 3, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 0.4, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                            "latent_image": ["10", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("ImageStitch", {"direction": "right", "match_image_size": True, "spacing_width": 0,
                               "spacing_color": "white", "image1": ["8", 0], "image2": ["12", 0]}),
        "14": ("CreateVideo", {"fps": 16, "images": ["13", 0]}),
        "15": ("SaveVideo", {"filename_prefix": "video/compare", "format": "mp4", "codec": "h264", "video": ["14", 0]}),
    })


def _stitch_left(conv):
    stitch = nodes_of(conv, "edit.stitch")
    assert len(stitch) == 1, [n.type_id for n in conv.graph.nodes.values()]
    return source_of(conv, stitch[0].id, "image1")


def test_a_picked_run_of_the_clip_beside_the_take_is_trimmed_and_said():
    conv = convert(_restyle_beside(("ImageFromBatch", {"batch_index": 4, "length": 33})), "beside_pick")
    left = _stitch_left(conv)
    assert left.type_id == "transform.trim" and (left.params["start"], left.params["end"]) == (4, 37)
    assert source_of(conv, left.id, "video").type_id == "io.load_video"
    assert ("the file's frames 4 to 36 (at most) as 'ImageFromBatch' (ImageFromBatch, #8) picks them: Studio's Trim"
            in said(conv))


def test_a_pick_with_a_count_not_fixed_leaves_the_clip_as_it_was():
    conv = convert(_restyle_beside(("ImageFromBatch", {"batch_index": 0, "length": 1})), "beside_one")
    assert _stitch_left(conv).type_id != "transform.trim"  # (one frame is a still: no run to trim)


def _segments_saved_each(joined: bool) -> dict:
    """ComfyUI's Wan 2.2 Animate extend (tests/convert/test_comfy_animate_extend.BASE: take 1 of 77 frames, an
    extension continuing it from its last 5) with the extension's frames written by a Save Video of their own before
    any joined output (108/06: each segment saved, then both joined); the joined output kept or left out."""
    wf = copy.deepcopy(BASE)
    order = {k: wf.pop(k) for k in ("23", "24", "25", "26")}
    wf["30"] = {"class_type": "CreateVideo", "inputs": {"images": ["22", 0], "fps": 16}}
    wf["31"] = {"class_type": "SaveVideo", "inputs": {"video": ["30", 0], "filename_prefix": "second"}}
    if joined:
        wf.update(order)
    return wf


def test_an_extension_saved_alone_is_the_whole_takes_last_frames_made_once():
    conv = convert(_segments_saved_each(joined=True), "segments")
    g = conv.graph
    gens = nodes_of(conv, "video_models.wan_animate")
    assert len(gens) == 1, [n.type_id for n in g.nodes.values()]
    gen = gens[0]
    assert (gen.params["frames"], gen.params["window"], gen.params["overlap"]) == (149, 77, "5")
    cut = {(t.params["start"], t.params["length"]) for t in nodes_of(conv, "edit.time")}
    assert cut == {(0, 77), (72, 77)}
    for t in nodes_of(conv, "edit.time"):
        assert g.input_link(t.id, "video").src == gen.id
    fed = sorted(g.input_link(s.id, "video").src for s in nodes_of(conv, "io.save_video"))
    assert fed.count(gen.id) == 1 and len(fed) == 3  # (the joined output: the whole take)
    text = said(conv)
    assert "writes the last 77 frames of that Wan Animate take (frames 72 to 148), cut by a Time node (trim)" in text
    assert "writes the first take alone" not in text and "a segment of its own" not in text


def test_an_extension_saved_alone_without_a_joined_output_is_still_not_a_copy_of_the_first_take():
    conv = convert(_segments_saved_each(joined=False), "segments_only")
    gens = nodes_of(conv, "video_models.wan_animate")
    assert len(gens) == 1 and gens[0].params["frames"] == 149
    assert {(t.params["start"], t.params["length"]) for t in nodes_of(conv, "edit.time")} == {(0, 77), (72, 77)}


def _own_method_sampler(sockets: list[tuple[str, str]]) -> dict:
    """Wan 2.1 1.3B text to video sampled by an uncatalogued pack's sampler with ``sockets`` (a UI file: its inputs'
    types listed), three settings saved by place."""
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox running through snow"]),
        (5, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
        (6, "RandomNoise", [], ["NOISE"], [7, "fixed"]),
        (7, "BasicGuider", [("model", "MODEL"), ("conditioning", "CONDITIONING")], ["GUIDER"], []),
        (8, "BasicScheduler", [("model", "MODEL")], ["SIGMAS"], ["simple", 20, 1.0]),
        (9, "ProgressiveResolutionSampler", sockets, ["LATENT", "LATENT"], [2, "coarse_first", 0.5]),
        (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (11, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (12, "SaveVideo", [("video", "VIDEO")], [], ["video/fox", "auto", "auto"]),
        (13, "KSamplerSelect", [], ["SAMPLER"], ["euler"]),
    ]
    links = [(1, 0, 7, "model"), (1, 0, 8, "model"), (2, 0, 4, "clip"), (4, 0, 7, "conditioning"),
             (6, 0, 9, "noise"), (7, 0, 9, "guider"), (8, 0, 9, "sigmas"), (5, 0, 9, "latent_image"),
             (9, 0, 10, "samples"), (3, 0, 10, "vae"), (10, 0, 11, "images"), (11, 0, 12, "video")]
    if any(t == "SAMPLER" for _k, t in sockets):
        links.append((13, 0, 9, "sampler"))
    return ui(nodes, links)


SPEED_LIKE = [("noise", "NOISE"), ("guider", "GUIDER"), ("sigmas", "SIGMAS"), ("latent_image", "LATENT")]


def test_a_pack_sampler_with_no_sampler_socket_is_read_as_sampler_custom_advanced_its_own_method_said():
    conv = convert(_own_method_sampler(SPEED_LIKE), "own_method")
    gens = nodes_of(conv, "video_models.text_to_video")
    assert len(gens) == 1, [n.type_id for n in conv.graph.nodes.values()]
    p = gens[0].params
    assert (p["steps"], p["frames"], p["width"], p["height"], p["seed"]) == (20, 33, 832, 480, 7)
    assert p["prompt"] == "a fox running through snow"
    text = said(conv)
    assert ("'ProgressiveResolutionSampler' (ProgressiveResolutionSampler, #9) is read as ComfyUI's "
            "SamplerCustomAdvanced by its declared types (a noise, a guider, sigmas and a latent in, a latent out: as "
            "its file lists them); it has no sampler input, sampling by a method of its own pack's, which is not made"
            in text)
    assert "its #0 2, #1 'coarse_first', #2 0.5 are not applied" in text


def test_an_uncatalogued_pack_sampler_with_a_sampler_socket_takes_its_sampler():
    conv = convert(_own_method_sampler(SPEED_LIKE + [("sampler", "SAMPLER")]), "own_sampler")
    gens = nodes_of(conv, "video_models.text_to_video")
    assert len(gens) == 1 and gens[0].params["sampler"] == "euler"
    assert "it has no sampler input" not in said(conv)
