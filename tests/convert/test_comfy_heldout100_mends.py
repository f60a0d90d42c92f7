"""Issue 112, heldout100's mends (fresh set judged on main a7742282): each test builds its workflow from node types,
values and links (written here from the facts: the packs' declared inputs), and fails without its mend.

1. KJNodes' ImageResizeKJ saved by a version with two more optional settings (eight values where the catalogue's type
   declares six) was read by place for Studio's Scale but not for its width and height outputs, which size
   WanVideoImageClipEncode, said "whose value Studio cannot work out ... (the 480 saved in the file is not what runs)":
   the size it gives is worked out from the same reading by place (reading/kj_places.py), and the encode's
   adjust_resolution size of a picture a resize fixes is two numbers (comfy_wrapper_clip_size.py) (100/01, 02).
2. A comparison save (ImageConcatMulti: the start picture beside the FILM-interpolated take, a colour match after the
   decoder taking its reference from the picture) was said to write "beside pictures that are no file" and given the
   generator's frames retimed to its 32 fps, the interpolation on its way lost unsaid: the take's input is told by its
   decoder, the interpolation made (one node for two saves reading it) (100/01, 02).
3. A model file of ComfyUI's MXFP8 layout was said read ("Studio reads the DiT file ..."), which Studio's weight reader
   refused: said, the family's sentence given as holding for a file Studio reads (100/06). Since mxfp821 the reader
   reads MXFP8 (files/comfy_mxfp8.py): the family's sentence is said as it is, and the mechanism stays for a layout a
   file name names that is not read.
4. A Seedance cloud call (ComfyUI's partner node, category 'partner/...') was said only "no video output with a sampler
   found": its node is named as one of ComfyUI's API nodes, a paid service's (100/05)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping import unread_formats
from studio.convert.mapping.unread_formats import layout
from studio.convert.reading.workflow import Workflow
from tests.convert.builders import DECODE, T5, TEXT, VAE, combine
from tests.convert.said import api, nodes_of, said, source_of, ui

RESIZE_8 = [480, 832, "nearest-exact", False, 2, 0, 0, "disabled"]  # width .. divisible_by, width_input, height_input,
# crop: ImageResizeKJ as its early-2025 version saved it


def _at_32(save: tuple) -> tuple:
    """A Video Combine row writing at 32 fps (the FILM x2 take's rate)."""
    return (*save[:4], {**save[4], "frame_rate": 32})


def _wrapper_i2v(finish: bool = False) -> dict:
    """WanVideoWrapper Wan 2.1 I2V: the picture (#6) resized by ImageResizeKJ (#9, saved with eight values) into
    WanVideoImageClipEncode (#10, adjust_resolution on), its width and height from the resize's outputs; ``finish``:
    a colour match (#12, reference: the resized picture), FILM x2 (#13) and two saves after it, one of the picture
    beside the interpolated take (ImageConcatMulti #14)."""
    nodes = [T5, TEXT, VAE, DECODE, combine(11, "take"),
             (3, "WanVideoModelLoader", [], ["WANVIDEOMODEL"], ["Wan2_1-I2V-14B-480P_fp8_e4m3fn.safetensors", "bf16",
                                                               "fp8_e4m3fn", "offload_device", "sdpa"]),
             (5, "LoadWanVideoClipTextEncoder", [], ["CLIP_VISION"],
              ["open-clip-xlm-roberta-large-vit-huge-14_visual_fp16.safetensors", "fp16", "offload_device"]),
             (6, "LoadImage", [], ["IMAGE", "MASK"], ["start.png", "image"]),
             (9, "ImageResizeKJ", [("image", "IMAGE")], ["IMAGE", "INT", "INT"], RESIZE_8),
             (10, "WanVideoImageClipEncode", [("clip_vision", "CLIP_VISION"), ("image", "IMAGE"), ("vae", "WANVAE"),
                                             ("generation_width", "INT"), ("generation_height", "INT")],
              ["WANVIDIMAGE_EMBEDS"], [480, 856, 81, True, 0, 1, 1, True]),
             (7, "WanVideoSampler", [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                     ("text_embeds", "WANVIDEOTEXTEMBEDS")], ["LATENT"],
              [13, 6, 5, 42, "fixed", True, "dpm++", 0, 1])]
    links = [(1, 0, 2, "t5"), (3, 0, 7, "model"), (10, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"),
             (4, 0, 8, "vae"), (7, 0, 8, "samples"), (5, 0, 10, "clip_vision"), (6, 0, 9, "image"),
             (9, 0, 10, "image"), (4, 0, 10, "vae"), (9, 1, 10, "generation_width"), (9, 2, 10, "generation_height")]
    if not finish:
        return ui(nodes, links + [(8, 0, 11, "images")])
    nodes += [(12, "ColorMatch", [("image_ref", "IMAGE"), ("image_target", "IMAGE")], ["IMAGE"], ["mkl", 1]),
              (13, "FILM VFI", [("frames", "IMAGE")], ["IMAGE"], ["film_net_fp32.pt", 10, 2]),
              (14, "ImageConcatMulti", [("image_1", "IMAGE"), ("image_2", "IMAGE")], ["IMAGE"], [2, "right", False, None]),
              _at_32(combine(15, "interpolated")), _at_32(combine(16, "compare"))]
    links += [(9, 0, 12, "image_ref"), (8, 0, 12, "image_target"), (12, 0, 11, "images"), (12, 0, 13, "frames"),
              (13, 0, 15, "images"), (9, 0, 14, "image_1"), (13, 0, 14, "image_2"), (14, 0, 16, "images")]
    return ui(nodes, links)


def test_resize_saved_with_more_optional_values_sizes_the_wrapper_encode():
    wf = Workflow.read(_wrapper_i2v())
    assert (wf.output(wf.nodes["9"], 1), wf.output(wf.nodes["9"], 2)) == (480, 832)
    conv = convert(_wrapper_i2v(), "wrapper_i2v.json")
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"]) == (480, 832)
    scale = nodes_of(conv, "transform.scale")[0]
    assert (scale.params["width"], scale.params["height"]) == (480, 832)
    text = said(conv)
    assert "cannot work out" not in text and "adjust_resolution" not in text


def test_comparison_of_the_picture_and_the_interpolated_take_is_made():
    conv = convert(_wrapper_i2v(finish=True), "wrapper_i2v_film.json")
    text = said(conv)
    assert "that are no file" not in text
    assert "writes the take beside 'start.png' (right)" in text
    flows = nodes_of(conv, "motion.interpolate")
    assert len(flows) == 1  # one interpolation for the save after FILM and the comparison
    side = nodes_of(conv, "edit.side_by_side")[0]
    assert source_of(conv, side.id, "b").id == flows[0].id
    assert not nodes_of(conv, "edit.frame_rate")  # the take is not retimed to 32 fps instead


def _h3(unet: str):
    return api({"1": ("UNETLoader", {"unet_name": unet, "weight_dtype": "default"}),
                "2": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                                     "device": "default"}),
                "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
                "4": ("LoadImage", {"image": "start.png"}),
                "5": ("MiniMaxH3ImageToVideo", {"clip": ["2", 0], "vae": ["3", 0], "first_frame": ["4", 0],
                                                "prompt": "a boat on a lake", "width": 768, "height": 448, "length": 124}),
                "6": ("BasicGuider", {"model": ["1", 0], "conditioning": ["5", 0]}),
                "7": ("RandomNoise", {"noise_seed": 42}),
                "8": ("KSamplerSelect", {"sampler_name": "res_multistep"}),
                "9": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 8, "denoise": 1.0}),
                "10": ("SamplerCustomAdvanced", {"noise": ["7", 0], "guider": ["6", 0], "sampler": ["8", 0],
                                                 "sigmas": ["9", 0], "latent_image": ["5", 1]}),
                "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["3", 0]}),
                "12": ("CreateVideo", {"images": ["11", 0], "fps": 24}),
                "13": ("SaveVideo", {"video": ["12", 0], "filename_prefix": "video/h3", "format": "auto",
                                     "codec": "auto"})})


def test_mxfp8_model_file_is_read_now():
    assert layout("minimax_h3_fl2va_mxfp8.safetensors") is None  # (mxfp821: the weight reader reads MXFP8)
    text = said(convert(_h3("minimax_h3_fl2va_mxfp8.safetensors"), "h3_mxfp8.json"))
    assert "holds ComfyUI's MXFP8 layers" not in text and "with such a file" not in text
    assert "of MiniMax H3's ComfyUI files (minimax_h3_fl2va_mxfp8.safetensors" in text


def test_a_model_file_of_a_layout_not_read_is_said_unread(monkeypatch):
    monkeypatch.setitem(unread_formats.UNREAD, "qfmt", "QFMT")  # a layout the reader would not read
    assert layout("minimax_h3_fl2va_qfmt.safetensors") == "QFMT"
    assert layout("wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors") is None
    text = said(convert(_h3("minimax_h3_fl2va_qfmt.safetensors"), "h3_qfmt.json"))
    assert "'minimax_h3_fl2va_qfmt.safetensors' holds ComfyUI's QFMT layers" in text
    assert "; with such a file, of MiniMax H3's ComfyUI files" in text


def test_partner_node_named_as_a_paid_service():
    seedance = api({"1": ("LoadImage", {"image": "frame.png"}),
                    "2": ("ByteDance2ReferenceNodeV2", {"model": "Seedance 2.5", "model.prompt": "a dance",
                                                        "model.reference_images.image_1": ["1", 0], "seed": 42}),
                    "3": ("SaveVideo", {"video": ["2", 0], "filename_prefix": "shot", "format": "auto",
                                        "codec": "auto"})})
    text = said(convert(seedance, "seedance.json"))
    assert "no video output with a sampler found" in text
    assert ("'ByteDance2ReferenceNodeV2' (ByteDance2ReferenceNodeV2, #2, category 'partner/video/ByteDance') is one "
            "of ComfyUI's API nodes: a paid cloud service makes what it gives, and Studio calls no cloud service") in text
