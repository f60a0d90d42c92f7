"""A refine pass by another model (issue 112 item 4): a second sampler whose latent is encoded from every decoded frame
of the first's take and denoised part way (Wan 2.2's low-noise model at denoise 0.35 after LTX-2) is a pass reworking
the same frames: the first take made as its own pipeline, the pass as Video to Video on that take's video at the pass's
denoise, with its own model and prompt, said as a pass, never as 'another segment' nor held."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_ltx2_inplace_kj import _ltx2_head
from tests.convert.test_comfy_wiring import UI
from tests.convert.said import said as _said

WAN_LOW = "wan2.2_t2v_low_noise_14B_fp16.safetensors"


def first_take(w) -> int:
    """An LTX-2 take (KSampler, denoise 1) decoded into frames on UI ``w``: the decode's id."""
    ck, pos, neg, empty = _ltx2_head(w)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (empty, 0, "LATENT")})
    return w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})


def pass_on(w, frames: int, model: tuple, clip: tuple, vae: tuple, denoise: float) -> dict:
    """``frames`` encoded again and sampled at ``denoise`` on ``model`` / ``clip`` / ``vae`` (each (node, slot)),
    decoded and saved as 'refined': the UI workflow."""
    p2 = w.add("CLIPTextEncode", ["a lighthouse at dusk, fine detail"], ["CONDITIONING"], {"clip": (*clip, "CLIP")})
    n2 = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (*clip, "CLIP")})
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (frames, 0, "IMAGE"), "vae": (*vae, "VAE")})
    ks2 = w.add("KSampler", [9, "fixed", 6, 1.0, "euler", "simple", denoise], ["LATENT"],
                {"model": (*model, "MODEL"), "positive": (p2, 0, "CONDITIONING"), "negative": (n2, 0, "CONDITIONING"),
                 "latent_image": (enc, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks2, 0, "LATENT"), "vae": (*vae, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["refined", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _refined(denoise: float = 0.35, resize: bool = False):
    w = UI()
    frames = first_take(w)
    if resize:
        frames = w.add("ImageScale", ["lanczos", 1280, 720, "disabled"], ["IMAGE"], {"image": (frames, 0, "IMAGE")})
    unet = w.add("UNETLoader", [WAN_LOW, "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    return pass_on(w, frames, (unet, 0), (clip, 0), (vae, 0), denoise)


def test_a_refine_by_another_model_is_a_pass_on_the_first_take():
    conv = convert(_refined(), "refined")
    g = conv.graph
    assert g.validate() == []
    first = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    restyle = next(n for n in g.nodes.values() if n.type_id == "video_models.video_to_video")
    assert g.input_link(restyle.id, "video").src == first.id  # the pass reworks the first take's frames
    assert restyle.params["strength"] == 0.35 and restyle.params["prompt"] == "a lighthouse at dusk, fine detail"
    load = g.nodes[g.input_link(restyle.id, "model").src]
    assert load.params["model"] == WAN_LOW  # the pass's own model
    assert [n.type_id for n in g.nodes.values()].count("io.save_video") == 1
    said = _said(conv)
    assert "a pass, not another segment: 'KSampler' (KSampler, #14) reworks every frame of the take of 'KSampler' " \
           "(KSampler, #6)" in said
    assert "another segment, a loop" not in said and "This workflow makes" not in said  # not held, not a segment
    assert [t["generator"] for t in conv.tasks] == ["video_models.ltx2", "video_models.video_to_video"]


def test_a_resize_on_the_frames_way_is_studios_scale_before_the_pass():
    """The frames resized before the pass encodes them (ImageScale lanczos 1280x720): Studio's Scale to that size
    between the take and the pass (hires5), said; never 'not applied'."""
    conv = convert(_refined(resize=True), "refined_up")
    g = conv.graph
    first = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    scale = next(n for n in g.nodes.values() if n.type_id == "transform.scale")
    restyle = next(n for n in g.nodes.values() if n.type_id == "video_models.video_to_video")
    assert g.input_link(scale.id, "video").src == first.id and g.input_link(restyle.id, "video").src == scale.id
    assert (scale.params["width"], scale.params["height"], scale.params["interpolation"]) == (1280, 720, "lanczos")
    said = _said(conv)
    assert "its size that take's scaled by Studio's Scale before it as ComfyUI's 'ImageScale' (ImageScale, #8) scales " \
           "the frames on their way to the encode" in said
    assert "on the frames' way is not applied" not in said


def test_a_humo_pass_is_wan_humo_reworking_the_first_take_with_its_voice():
    """Wan HuMo reworking LTX-2's frames with a voice (WanHuMoImageToVideo on the pass's conditioning): Studio's Wan
    HuMo reworks the first take's video at the pass's denoise (takes.refine_family), its voice Speech Features of the
    workflow's audio, the sound written with the pass; never a segment, a plain restyle nor a silent loss."""
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (empty, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    unet = w.add("UNETLoader", ["humo_17B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    p2 = w.add("CLIPTextEncode", ["she sings"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    n2 = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    ae = w.add("AudioEncoderLoader", ["whisper_large_v3_fp16.safetensors"], ["AUDIO_ENCODER"])
    au = w.add("LoadAudio", ["song.wav"], ["AUDIO"])
    aenc = w.add("AudioEncoderEncode", [], ["AUDIO_ENCODER_OUTPUT"],
                 {"audio_encoder": (ae, 0, "AUDIO_ENCODER"), "audio": (au, 0, "AUDIO")})
    humo = w.add("WanHuMoImageToVideo", [832, 480, 97, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                 {"positive": (p2, 0, "CONDITIONING"), "negative": (n2, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                  "audio_encoder_output": (aenc, 0, "AUDIO_ENCODER_OUTPUT")})
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (dec, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    ks2 = w.add("KSampler", [9, "fixed", 6, 1.0, "euler", "simple", 0.5], ["LATENT"],
                {"model": (unet, 0, "MODEL"), "positive": (humo, 0, "CONDITIONING"),
                 "negative": (humo, 1, "CONDITIONING"), "latent_image": (enc, 0, "LATENT")})
    dec2 = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks2, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [25], ["VIDEO"], {"images": (dec2, 0, "IMAGE"), "audio": (au, 0, "AUDIO")})
    w.add("SaveVideo", ["humo", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "humo")
    g = conv.graph
    assert g.validate() == []
    ltx = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    humo = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_humo")
    sv = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    assert g.input_link(humo.id, "video").src == ltx.id and humo.params["strength"] == 0.5
    assert int(humo.params["steps"] * 0.5) == 6  # the pass's 6 steps, run at its denoise
    assert g.input_link(sv.id, "video").src == humo.id
    speech = g.nodes[g.input_link(humo.id, "features").src]
    audio = g.nodes[g.input_link(speech.id, "audio").src]
    assert audio.type_id == "io.load_audio" and audio.params["path"] == "song.wav"
    assert g.input_link(sv.id, "audio").src == audio.id  # the sound written with the pass
    said = _said(conv)
    assert "Studio's Wan HuMo reworks that take's video (its 'video': it encodes the frames itself) at strength 0.5" \
        in said and "another segment:" not in said.replace("not another segment", "")
    assert conv.dropped == []
