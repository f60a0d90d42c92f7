"""A node pack's save of a video Studio has never seen, read by the shape its UI file declares (packs/save_shapes.py;
heldout18 09: a WebM-with-alpha save after a background removal was 'no video output with a sampler found'): made as
Studio's Save Video with its rate and file name, or its Save Image Sequence where its format names pictures; what
Studio does not write said once, naming the node. A preview, a sender and a save with another input wired stay what
they were. The pack names are invented; the files are shaped as ComfyUI's frontend saves them."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.ui_files import ui


def _ui(nodes: list[tuple], links: list[tuple]) -> dict:
    """A setting listed among the inputs as the frontend lists it (a widget)."""
    return ui(nodes, links, widget_inputs=True)


def _t2v(save: tuple, extra: list[tuple] = (), extra_links: list[tuple] = ()) -> dict:
    """Wan 2.1 text to video (832x480, 33 frames) whose decoded frames go to ``save`` (node 20's 'frames' input)."""
    return _ui([(1, "UNETLoader", [], [("MODEL", "MODEL")], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
                (2, "CLIPLoader", [], [("CLIP", "CLIP")], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
                (3, "CLIPTextEncode", [("clip", "CLIP")], [("CONDITIONING", "CONDITIONING")], ["a fox in the snow"]),
                (4, "CLIPTextEncode", [("clip", "CLIP")], [("CONDITIONING", "CONDITIONING")], ["blurry"]),
                (5, "EmptyHunyuanLatentVideo", [], [("LATENT", "LATENT")], [832, 480, 33, 1]),
                (6, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                 ("latent_image", "LATENT")], [("LATENT", "LATENT")],
                 [7, "fixed", 30, 6, "uni_pc", "simple", 1]),
                (7, "VAELoader", [], [("VAE", "VAE")], ["wan_2.1_vae.safetensors"]),
                (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], [("IMAGE", "IMAGE")], []),
                save, *extra],
               [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (1, 0, 6, "model"), (3, 0, 6, "positive"), (4, 0, 6, "negative"),
                (5, 0, 6, "latent_image"), (6, 0, 8, "samples"), (7, 0, 8, "vae"), (8, 0, 20, "frames"),
                *extra_links])


def _alpha_save(cls: str = "InventedAlphaWebmSave", codec: str = "VP9") -> tuple:
    return (20, cls, [("frames", "IMAGE"), ("filename", "STRING"), ("frame_rate", "INT"), ("codec", "COMBO"),
                      ("quality", "INT")], [("filepath", "STRING")], ["fox_clip", 24, codec, 20])


def test_an_uncatalogued_webm_save_is_the_video_output_its_format_said_once():
    """Saved as a WebM with alpha by a pack Studio has never seen: the take is made, Studio's Save Video writes
    'out/fox_clip.mp4' at the node's 24 fps, and one sentence names the node, the codec Studio does not write (an
    MP4 keeps no transparency) and its quality, not applied."""
    conv = convert(_t2v(_alpha_save()), "alpha.json")
    said = _said(conv)
    assert "no video output" not in said
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["fps"] == 24 and gen.params["frames"] == 33
    save = next(n for n in conv.graph.nodes.values() if n.type_id == "io.save_video")
    assert save.params["path"] == "out/fox_clip.mp4"
    assert any(link.src == gen.id and link.dst == save.id for link in conv.graph.links)
    lines = [x for x in conv.log if "'VP9'" in x]
    assert len(lines) == 1 and "(InventedAlphaWebmSave, #20)" in lines[0] and "keeps no transparency" in lines[0]
    assert "quality 20 is not applied" in lines[0]
    assert "ComfyUI 'InventedAlphaWebmSave' -> video_models.text_to_video" in said and "VHS_VideoCombine" not in said


def test_an_h264_save_says_no_format():
    """The same shape writing H.264: read as the output, nothing said of its format."""
    conv = convert(_t2v(_alpha_save("InventedMp4Writer", "h264")), "mp4.json")
    assert any(n.type_id == "io.save_video" for n in conv.graph.nodes.values())
    assert not any("'h264'" in x for x in conv.log)


def test_a_save_whose_format_names_pictures_is_a_picture_sequence():
    """Its format 'png' (frames as pictures) with a rate: Studio's Save Image Sequence into the prefix's folder, the
    rate said not written."""
    save = (20, "InventedFrameDumper", [("frames", "IMAGE"), ("filename_prefix", "STRING"), ("fps", "FLOAT"),
                                        ("format", "COMBO")], [], ["dump/fox", 16.0, "png"])
    conv = convert(_t2v(save), "frames.json")
    seq = next(n for n in conv.graph.nodes.values() if n.type_id == "io.save_images")
    assert seq.params["folder"] == "out/dump/fox"
    line = next(x for x in conv.log if "(InventedFrameDumper, #20)" in x and "saves the frames as pictures" in x)
    assert "rate 16.0 is not written" in line


def test_a_preview_a_sender_and_a_save_with_a_mask_are_not_read_as_saves():
    """A preview with a rate and no file name, a node posting the frames to a URL, a save given a mask beside its
    frames (the mask would be lost): none becomes a video output (today's 'no video output' stays)."""
    preview = (20, "InventedAnimPreview", [("frames", "IMAGE"), ("fps", "FLOAT")], [], [16.0])
    sender = (20, "InventedFramePoster", [("frames", "IMAGE"), ("url", "STRING"), ("filename_prefix", "STRING"),
                                          ("fps", "INT")], [("status", "STRING")], ["http://x", "fox", 16])
    masked = (20, "InventedMaskedSave", [("frames", "IMAGE"), ("mask", "MASK"), ("filename_prefix", "STRING"),
                                         ("fps", "INT")], [], ["fox", 16])
    mask = (21, "SolidMask", [], [("MASK", "MASK")], [1.0, 832, 480])
    for doc in (_t2v(preview), _t2v(sender), _t2v(masked, [mask], [(21, 0, 20, "mask")])):
        conv = convert(doc, "not_saves.json")
        assert not any(n.type_id == "io.save_video" for n in conv.graph.nodes.values())
        assert "no video output Studio reads after the sampler" in _said(conv)  # (the undeclared node named)


def test_a_sound_wired_into_the_save_is_written_with_the_video():
    """An AUDIO socket beside the frames (a MOV writer given a loaded song): Studio's Load Audio feeds its Save Video's
    sound; the container it does not write said."""
    save = (20, "InventedSoundWriter", [("frames", "IMAGE"), ("soundtrack", "AUDIO"), ("filename_prefix", "STRING"),
                                        ("fps", "FLOAT"), ("container", "COMBO")], [("files", "VHS_FILENAMES")],
            ["fox", 16.0, "mov"])
    song = (21, "LoadAudio", [], [("AUDIO", "AUDIO")], ["song.wav", None, None])
    conv = convert(_t2v(save, [song], [(21, 0, 20, "soundtrack")]), "sound.json")
    nodes = conv.graph.nodes
    save_id = next(k for k, n in nodes.items() if n.type_id == "io.save_video")
    audio = next(k for k, n in nodes.items() if n.type_id == "io.load_audio" and n.params["path"] == "song.wav")
    assert any(link.src == audio and link.dst == save_id and link.dst_port == "audio" for link in conv.graph.links)
    assert sum("container 'mov'" in x for x in conv.log) == 1


def test_a_save_nothing_converted_feeds_is_named_by_its_own_input():
    """A clip through an unknown step into the save (no sampler, nothing made): the step's sentence names the save's
    input as its file does ('frames'), not as Video Combine's ('images')."""
    clip = (1, "VHS_LoadVideo", [], [("IMAGE", "IMAGE"), ("frame_count", "INT"), ("audio", "AUDIO"),
                                     ("video_info", "VHS_VIDEOINFO")],
            {"video": "in.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
             "skip_first_frames": 0, "select_every_nth": 1, "format": "None"})
    glow = (2, "InventedEdgeGlow", [("images", "IMAGE")], [("IMAGE", "IMAGE")], [0.5])
    conv = convert(_ui([clip, glow, _alpha_save()], [(1, 0, 2, "images"), (2, 0, 20, "frames")]), "clip.json")
    line = next(x for x in conv.log if "(InventedEdgeGlow, #2)" in x)
    assert "(InventedAlphaWebmSave, node 20)'s 'frames'" in line and "'images' from" not in line.split("from its")[0]


def test_an_api_files_uncatalogued_gif_writer_is_read_by_what_its_input_is_given():
    """An API file types no socket of its own: the save's picture input is told by its source's declared output
    (VAEDecode's IMAGE); its GIF format said once, its rate and prefix taken."""
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "6": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 30, "cfg": 6, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1, "model": ["1", 0],
                                                   "positive": ["3", 0], "negative": ["4", 0],
                                                   "latent_image": ["5", 0]}},
        "7": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["7", 0]}},
        "9": {"class_type": "InventedGifWriter", "inputs": {"frames": ["8", 0], "fps": 12, "filename_prefix": "fox",
                                                            "format": "gif"}},
    }
    conv = convert(doc, "api.json")
    assert next(n for n in conv.graph.nodes.values() if n.type_id == "io.save_video").params["path"] == "out/fox.mp4"
    assert next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video").params["fps"] == 12
    lines = [x for x in conv.log if "'gif'" in x]
    assert len(lines) == 1 and "(InventedGifWriter, #9)" in lines[0] and "nothing read from it" in lines[0]
