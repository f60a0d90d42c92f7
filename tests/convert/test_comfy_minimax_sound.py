"""Issue 112: MiniMax H3's text and image to video make a soundtrack beside the video (ComfyUI decodes it with
VAEDecodeAudio from the sampler's latent and muxes it with CreateVideo); Studio's Text to Video / Image to Video keep
it on their clip, as the family declares (its mapping's 'keeps_sound' hook, its Modular's keeps_sound), so the
conversion says the Save Video writes it - not "the generator gives the video alone". Minimal workflows built here
from the node types and links of ComfyUI's MiniMax H3 t2va template (facts)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said

KEPT = "is the soundtrack Studio's '{}' makes with the video: its clip carries it, Save Video writes it"
ALONE = "Studio's generator gives the video alone"


def _workflow(image: bool = False, second: bool = False) -> dict:
    """UNET / CLIP / two VAE loaders -> MiniMaxH3ImageToVideo -> SamplerCustomAdvanced -> VAEDecode and VAEDecodeAudio
    -> CreateVideo -> SaveVideo; ``image``: a start image; ``second``: the saved video taken apart again
    (GetVideoComponents) and written by a second SaveVideo."""
    nodes = {
        "6": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_int8_convrot.safetensors", "weight_dtype": "default"}),
        "13": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                              "device": "default"}),
        "11": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "24": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "104": ("MiniMaxH3ImageToVideo", {"clip": ["13", 0], "vae": ["11", 0], "prompt": "a fox sings in the snow",
                                          "width": 864, "height": 480, "length": 124,
                                          **({"first_frame": ["50", 0]} if image else {})}),
        "15": ("RandomNoise", {"noise_seed": 42}),
        "17": ("KSamplerSelect", {"sampler_name": "res_multistep"}),
        "9": ("BasicScheduler", {"model": ["6", 0], "scheduler": "simple", "steps": 20, "denoise": 1.0}),
        "16": ("BasicGuider", {"model": ["6", 0], "conditioning": ["104", 0]}),
        "14": ("SamplerCustomAdvanced", {"noise": ["15", 0], "guider": ["16", 0], "sampler": ["17", 0],
                                         "sigmas": ["9", 0], "latent_image": ["104", 1]}),
        "10": ("VAEDecode", {"samples": ["14", 0], "vae": ["11", 0]}),
        "23": ("VAEDecodeAudio", {"samples": ["14", 0], "vae": ["24", 0]}),
        "91": ("CreateVideo", {"images": ["10", 0], "audio": ["23", 0], "fps": 24.0}),
        "92": ("SaveVideo", {"video": ["91", 0], "filename_prefix": "video/MiniMax_H3", "format": "auto",
                             "codec": "auto"}),
    }
    if image:
        nodes["50"] = ("LoadImage", {"image": "fox.png"})
    if second:
        nodes.update({"122": ("GetVideoComponents", {"video": ["91", 0]}),
                      "124": ("CreateVideo", {"images": ["122", 0], "audio": ["122", 1], "fps": 24.0}),
                      "125": ("SaveVideo", {"video": ["124", 0], "filename_prefix": "video/again", "format": "auto",
                                            "codec": "auto"})})
    return api(nodes)


def test_text_to_video_keeps_the_decoded_soundtrack_on_its_clip():
    conv = convert(_workflow(), "h3_t2va")
    assert len(nodes_of(conv, "video_models.text_to_video")) == 1
    text = said(conv)
    assert "the sound 'VAEDecodeAudio' (VAEDecodeAudio, #23) decodes from 'SamplerCustomAdvanced' (#14)'s latent for " \
           "'SaveVideo' (#92) " + KEPT.format("Text to Video") in text, text
    assert ALONE not in text
    save = nodes_of(conv, "io.save_video")[0]
    assert conv.graph.input_link(save.id, "audio") is None  # (the clip's own sound: Save Video's default)


def test_image_to_video_keeps_the_decoded_soundtrack_on_its_clip():
    conv = convert(_workflow(image=True), "h3_fl2va")
    assert len(nodes_of(conv, "video_models.image_to_video")) == 1
    text = said(conv)
    assert KEPT.format("Image to Video") in text and ALONE not in text, text


def test_a_second_save_of_the_sound_taken_apart_says_the_soundtrack_is_written_in_its_place():
    conv = convert(_workflow(second=True), "h3_again")
    text = said(conv)
    assert "which Studio does not convert: its Save Video writes the soundtrack Studio's 'Text to Video' makes with " \
           "the video in its place" in text, text
    assert "writes the video without it" not in text, text


def test_without_the_familys_declaration_the_sound_is_said_not_kept(monkeypatch):
    """Kept by the family's declared hook, not by its name: a family not declaring it keeps the old sentence."""
    from studio.convert.families import registry
    real = registry.family_hook
    assert real("MiniMax H3", "keeps_sound") == ("video_models.text_to_video", "video_models.image_to_video")
    monkeypatch.setattr(registry, "family_hook", lambda t, n: () if n == "keeps_sound" else real(t, n))
    text = said(convert(_workflow(), "h3_t2va"))
    assert ALONE in text and "its clip carries it" not in text, text
