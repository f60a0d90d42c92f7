"""LTX-2's same-size middle pass (task ltxmid21; heldout92 07/08's shape, LTX-2.3 three-pass workflows): a later
sampler pass sampling the take again at the size it was made, from ManualSigmas, with no upsampler or size-changing
step between (read by declared types), before the x2 upscale and refine or with nothing after it -> LTX-2 Latent
Upscale at 'scale' x1 with that pass's sigmas, seed and LoRAs, the start picture wired where its latent way puts it in
place again (LTXVImgToVideoInplace), said in one line; a pass after a resize, or without a ManualSigmas list, is
left as it was (not made, said)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

UPSCALE = "video_models.ltx2_latent_upscale"


def _pass(nodes: dict, k: str, latent: list, sigmas: str | None, seed: int, guider: str = "g") -> None:
    """A sampler pass 'k' on ``latent`` (an AV latent) with its own noise and manual sigmas (None: a scheduler's)."""
    nodes[f"{k}n"] = ("RandomNoise", {"noise_seed": seed})
    nodes[f"{k}m"] = ("ManualSigmas", {"sigmas": sigmas}) if sigmas is not None else \
        ("BasicScheduler", {"model": ["ck", 0], "scheduler": "simple", "steps": 8, "denoise": 0.9})
    nodes[k] = ("SamplerCustomAdvanced", {"noise": [f"{k}n", 0], "guider": [guider, 0], "sampler": ["ks", 0],
                                          "sigmas": [f"{k}m", 0], "latent_image": latent})
    nodes[f"{k}s"] = ("LTXVSeparateAVLatent", {"av_latent": [k, 0]})


def _in_place(nodes: dict, k: str, latent: list, strength: float) -> list:
    nodes[k] = ("LTXVImgToVideoInplace", {"vae": ["ck", 2], "image": ["pre", 0], "latent": latent,
                                          "strength": strength, "bypass": False})
    return [k, 0]


def _workflow(upscale: bool = True, middle_strength: float = 1.0, middle_sigmas: str | None = "0.975, 0.725, 0.4219, 0.0",
              resize: bool = False, middle_lora: bool = False, guide: bool = False) -> dict:
    """heldout92 07's shape, small: a picture put in place on the take's latent (0.8), pass 1; the take's video latent
    separated, the picture put in place again (``middle_strength``), joined to its sound, pass 2 at the same size
    (``resize``: a LatentUpscaleBy between); then (``upscale``) LTXVLatentUpsampler x2, the picture in place at 1, pass
    3; the last pass decoded and saved."""
    nodes = {"ck": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"}),
             "te": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                               "ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors", "device": "default"}),
             "p": ("CLIPTextEncode", {"clip": ["te", 0], "text": "a model turns slowly in a studio"}),
             "q": ("CLIPTextEncode", {"clip": ["te", 0], "text": "blurry"}),
             "c": ("LTXVConditioning", {"positive": ["p", 0], "negative": ["q", 0], "frame_rate": 25}),
             "g": ("CFGGuider", {"model": ["ck", 0], "positive": ["c", 0], "negative": ["c", 1], "cfg": 1.2}),
             "ks": ("KSamplerSelect", {"sampler_name": "euler"}),
             "img": ("LoadImage", {"image": "look01.jpg"}),
             "pre": ("LTXVPreprocess", {"image": ["img", 0], "img_compression": 0}),
             "v": ("EmptyLTXVLatentVideo", {"width": 320, "height": 448, "length": 49, "batch_size": 1}),
             "a": ("LTXVEmptyLatentAudio", {"frames_number": 49, "frame_rate": 25, "batch_size": 1,
                                            "audio_vae": ["ck", 2]}),
             "ul": ("LatentUpscaleModelLoader", {"model_name": "ltx-2.3-spatial-upscaler-x2-1.0.safetensors"})}
    nodes["av"] = ("LTXVConcatAVLatent", {"video_latent": _in_place(nodes, "ip1", ["v", 0], 0.8),
                                          "audio_latent": ["a", 0]})
    _pass(nodes, "s1", ["av", 0], "1.0, 0.99375, 0.9875, 0.98125, 0.0", 11)
    video = ["s1s", 0]
    if resize:
        nodes["rs"] = ("LatentUpscaleBy", {"samples": video, "upscale_method": "bilinear", "scale_by": 1.5})
        video = ["rs", 0]
    guider = "g"
    if middle_lora:
        nodes["ml"] = ("LoraLoaderModelOnly", {"model": ["ck", 0], "lora_name": "ltx-2.3-detail-lora.safetensors",
                                               "strength_model": 0.7})
        nodes["g2"] = ("CFGGuider", {"model": ["ml", 0], "positive": ["c", 0], "negative": ["c", 1], "cfg": 1})
        guider = "g2"
    video = _in_place(nodes, "ip2", video, middle_strength)
    if guide:  # a last-frame guide added on the middle pass's way (its conditioning and latent)
        nodes["gd"] = ("LTXVAddGuide", {"positive": ["c", 0], "negative": ["c", 1], "vae": ["ck", 2], "latent": video,
                                        "image": ["pre", 0], "frame_idx": -1, "strength": 1.0})
        video = ["gd", 2]
    nodes["mc"] = ("LTXVConcatAVLatent", {"video_latent": video,
                                          "audio_latent": ["s1s", 1]})
    _pass(nodes, "s2", ["mc", 0], middle_sigmas, 22, guider)
    last = "s2s"
    if upscale:
        nodes["up"] = ("LTXVLatentUpsampler", {"samples": ["s2s", 0], "upscale_model": ["ul", 0], "vae": ["ck", 2]})
        nodes["uc"] = ("LTXVConcatAVLatent", {"video_latent": _in_place(nodes, "ip3", ["up", 0], 1.0),
                                              "audio_latent": ["s2s", 1]})
        _pass(nodes, "s3", ["uc", 0], "0.85, 0.725, 0.4219, 0.0", 33)
        last = "s3s"
    nodes.update({"d": ("VAEDecode", {"samples": [last, 0], "vae": ["ck", 2]}),
                  "cv": ("CreateVideo", {"images": ["d", 0], "fps": 25}),
                  "sv": ("SaveVideo", {"video": ["cv", 0], "filename_prefix": "video/look"})})
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def _made(d: dict, name: str):
    conv = convert(d, name)
    g = conv.graph
    ups = [n for n in g.nodes.values() if n.type_id == UPSCALE]
    text = "\n".join(n["text"] for n in g.ui.get("notes", []))
    return conv, g, ups, text


def test_three_passes_make_the_middle_pass_at_x1_before_the_upscale():
    conv, g, ups, text = _made(_workflow(), "three_pass.json")
    assert len(ups) == 2
    mid, final = ups
    assert (mid.params["scale"], final.params["scale"]) == ("x1", "x2")
    assert mid.params["sigmas"] == "0.975, 0.725, 0.4219" and mid.params["seed"] == 22 and mid.params["refine"]
    assert final.params["seed"] == 33 and final.params["upsampler"] == "ltx-2.3-spatial-upscaler-x2-1.0.safetensors"
    gen = g.nodes[g.input_link(mid.id, "video").src]
    assert gen.type_id == "video_models.ltx2" and (gen.params["width"], gen.params["height"]) == (320, 448)
    assert g.input_link(final.id, "video").src == mid.id  # the upscale takes the middle pass's take
    pic = g.input_link(gen.id, "image")
    assert pic is not None and (g.input_link(mid.id, "image").src, g.input_link(mid.id, "image").src_port) == \
        (pic.src, pic.src_port)  # the start picture put in place again: the generator's own
    assert "3 stages: LTX-2 makes the take at 320x448, LTX-2 Latent Upscale at 'scale' x1 samples the take's" in text
    assert "with sigmas 0.975, 0.725, 0.4219 (seed 22), as ComfyUI's second sampler pass does, the start picture " \
           "put in place again first, as 'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #ip2) does" in text
    assert "(its cfg 1.2 not taken: the pass runs at cfg 1), then LTX-2 Latent Upscale upscales it x2 (640x896)" in text
    assert "as ComfyUI's LTXVLatentUpsampler and third sampler pass do" in text
    assert "this pass is not made" not in text and "Video to Video" not in text and "Resize" not in text
    assert not any("#ip2" in line and "not applied" in line for line in conv.log)


def test_a_same_size_pass_alone_is_made_at_x1():
    _conv, g, ups, text = _made(_workflow(upscale=False), "two_pass.json")
    assert len(ups) == 1 and ups[0].params["scale"] == "x1" and ups[0].params["seed"] == 22
    assert not ups[0].params["upsampler"]
    assert "2 stages: LTX-2 makes the take at 320x448, LTX-2 Latent Upscale at 'scale' x1" in text
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    way, node = [], save.id
    while (link := g.input_link(node, "video")) is not None:
        way.append(g.nodes[link.src].type_id)
        node = link.src
    assert UPSCALE in way and way.index(UPSCALE) < way.index("video_models.ltx2")  # saved after the x1 pass


def test_the_middle_pass_takes_its_own_lora_and_its_strength_is_said():
    _conv, g, ups, text = _made(_workflow(middle_lora=True, middle_strength=0.8), "lora.json")
    mid = ups[0]
    assert mid.params["scale"] == "x1"
    lora = g.nodes[g.input_link(mid.id, "model").src]
    assert lora.type_id == "video_models.lora" and lora.params["lora"] == "ltx-2.3-detail-lora.safetensors"
    assert lora.params["strength"] == 0.7
    assert "puts the start picture in place at strength 0.8: LTX-2 Latent Upscale's x1 pass holds the picture's " \
           "latent frame clean (strength 1)" in text


def test_a_pass_after_a_resize_a_guide_or_without_manual_sigmas_is_not_read_as_x1():
    for d, name in ((_workflow(upscale=False, resize=True), "resized.json"),
                    (_workflow(upscale=False, middle_sigmas=None), "scheduler.json"),
                    (_workflow(upscale=False, guide=True), "guided.json")):
        _conv, _g, ups, text = _made(d, name)
        assert not ups, name
        assert "'scale' x1" not in text, name
        assert "Video to Video" in text or "not made" in text, name  # (said as before)
