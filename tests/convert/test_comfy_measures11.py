"""A clip's or picture's measures (a count of frames, a width, a height) feeding a generator, read (task measures11,
issue 112): each test builds a minimal workflow from node types, values and links (no fetched file) and fails without
its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout4_mends import _animate
from tests.convert.test_comfy_steady_dancer import _workflow as _steady

LOADED = {"video": "dance.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
          "skip_first_frames": 0, "select_every_nth": 1, "format": "AnimateDiff"}


def _animate_counted(pick: bool = False) -> dict:
    """The wrapper's Wan Animate example's shape (API): WanVideoAnimateEmbeds' num_frames wired from VHS_LoadVideo's
    frame_count, the pose drawn (PoseAndFaceDetection, DrawViTPose) of that loader's frames, or of a range of them
    (``pick``: ImageFromBatch 0 of 33, which gives another count)."""
    wf = _animate({"class_type": "VHS_LoadVideo", "inputs": dict(LOADED)})
    wf["24"]["inputs"]["num_frames"] = ["20", 1]
    if pick:
        wf["25"] = {"class_type": "ImageFromBatch", "inputs": {"image": ["20", 0], "batch_index": 0, "length": 33}}
        wf["22"]["inputs"]["images"] = ["25", 0]
    return wf


def test_wan_animates_length_from_its_driving_videos_frame_count_is_the_pose_clips_length():
    """The wrapper's wanvideo_WanAnimate_example_01: num_frames from VHS_LoadVideo's frame_count was said "left unset
    (the 501 saved in the file is not what runs)" only. The count is that of the frames the pose is drawn of, one
    pose a frame, so Studio's Wan Animate, 'frames' 0, takes the pose clip's length: said so, naming the node and its
    own input."""
    conv = convert(_animate_counted(), "animate.json")
    gen = nodes_of(conv, "video_models.wan_animate")
    assert len(gen) == 1 and gen[0].params["frames"] == 0
    text = said(conv)
    assert ("'WanVideoAnimateEmbeds' (WanVideoAnimateEmbeds, #24)'s num_frames comes from 'VHS_LoadVideo' "
            "(VHS_LoadVideo, #20), its count of the frames it loads, as Studio makes them for the generator's 'pose': "
            "the generator takes that clip's length when it runs (its 'frames' 0: its 'pose''s length)") in text
    assert "left unset" not in text and "the generator's own is used" not in text


def test_a_count_of_frames_picked_before_the_pose_is_drawn_is_not_said_to_be_the_pose_clips_length():
    """The same with a range of the frames picked (ImageFromBatch, Studio's Trim) before the pose is drawn: the
    loader's count is not the pose clip's, so no claim of it is made; the length is said not read."""
    text = said(convert(_animate_counted(pick=True), "animate.json"))
    assert "its count of the frames it loads" not in text
    assert "(WanVideoAnimateEmbeds, #24)'s num_frames comes from 'VHS_LoadVideo' (VHS_LoadVideo, #20)" in text
    assert "Studio cannot work out when converting: not read" in text


def _steady_measured(drawn: bool) -> dict:
    """SteadyDancer (the wrapper's, API) whose image-to-video encode's num_frames is GetImageSizeAndCount's count of
    the loaded pose video, encoded as it is, or (``drawn``) of the video the pose is drawn from (kijai's
    WanAnimatePreprocess: PoseAndFaceDetection, DrawViTPose, as the wrapper's SteadyDancer examples draw it)."""
    wf = _steady()
    wf["30"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["6", 0]}}
    wf["7"]["inputs"]["num_frames"] = ["30", 3]
    if drawn:
        wf["31"] = {"class_type": "OnnxDetectionModelLoader", "inputs": {"vitpose_model": "vitpose.onnx",
                                                                        "yolo_model": "yolo.onnx"}}
        wf["32"] = {"class_type": "PoseAndFaceDetection", "inputs": {"model": ["31", 0], "images": ["6", 0],
                                                                    "width": 480, "height": 832}}
        wf["33"] = {"class_type": "DrawViTPose", "inputs": {"pose_data": ["32", 0], "width": 480, "height": 832,
                                                           "retarget_padding": 16, "body_stick_width": -1,
                                                           "hand_stick_width": -1, "draw_head": True}}
        wf["8"]["inputs"]["image"] = ["33", 0]
    return wf


def test_steadydancers_length_measured_of_its_pose_clip_is_said_taken_by_its_frames_0():
    """wanvideo_SteadyDancer_example_01: WanVideoImageToVideoEncode's num_frames from GetImageSizeAndCount of the
    pose video was said "left unset" only; Studio's SteadyDancer ('frames' 0: the pose video's length) takes it."""
    for drawn, of in ((False, "a measure of the pose clip"),
                      (True, "a count of the frames the pose clip is made from, one for each")):
        conv = convert(_steady_measured(drawn), "dance.json")
        gen = nodes_of(conv, "video_models.wan_steady_dancer") or [n for n in conv.graph.nodes.values()
                                                                   if "steady" in n.type_id]
        assert gen and gen[0].params["frames"] == 0
        text = said(conv)
        assert (f"'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #7)'s num_frames comes from "
                f"'GetImageSizeAndCount' (GetImageSizeAndCount, #30), {of}: Studio's SteadyDancer takes the pose "
                "clip's length when it runs (its frames 0), as the wrapper does") in text, drawn
        assert "left unset" not in text


def _fun_control_i2v(size_measured: bool) -> dict:
    """The wrapper's wanvideo_Fun_2_2_control_example_01 shape (UI): control embeds given to a
    WanVideoImageToVideoEncode's 'control_embeds', its num_frames (and width, height where ``size_measured``) from
    GetImageSizeAndCount of the depth clip encoded as the control."""
    from tests.convert.builders import (CONTROL_EMBEDS, DECODE, ENCODE, FUN_CONTROL_MODEL, FUN_SAMPLING, T5, TEXT, VAE,
                                        combine, depth, load_video, sampler)
    from tests.convert.said import ui
    sized = [(20, 1, 6, "width"), (20, 2, 6, "height")] if size_measured else []
    return ui([T5, TEXT, FUN_CONTROL_MODEL, VAE, load_video(10, "wolf.mp4"), *depth(11, 12),
               (20, "GetImageSizeAndCount", [("image", "IMAGE")], ["IMAGE", "INT", "INT", "INT"], []),
               (30, "LoadImage", [], ["IMAGE", "MASK"], ["wolf.png", "image"]),
               ENCODE, CONTROL_EMBEDS,
               (6, "WanVideoImageToVideoEncode", [("vae", "WANVAE"), ("start_image", "IMAGE"),
                                                  ("control_embeds", "WANVIDIMAGE_EMBEDS"), ("width", "INT"),
                                                  ("height", "INT"), ("num_frames", "INT")], ["WANVIDIMAGE_EMBEDS"],
                [832, 480, 81, 0.0, 1.0, 1.0, True]),
               sampler(FUN_SAMPLING), DECODE, combine(9, "wolf")],
              [(1, 0, 2, "t5"), (11, 0, 12, "da_model"), (10, 0, 12, "images"), (12, 0, 20, "image"),
               (4, 0, 13, "vae"), (20, 0, 13, "image"), *sized, (20, 3, 6, "num_frames"), (4, 0, 6, "vae"),
               (30, 0, 6, "start_image"), (13, 0, 14, "latents"), (14, 0, 6, "control_embeds"), (3, 0, 7, "model"),
               (6, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"), (4, 0, 8, "vae"), (7, 0, 8, "samples"),
               (8, 0, 9, "images")])


def test_a_fun_control_image_to_video_encodes_measured_length_is_said_taken_from_the_control_clip():
    """wanvideo_Fun_2_2_control_example_01, wan22_control_base: the image-to-video encode's num_frames (and size) from
    GetImageSizeAndCount of the control clip was said "left unset" only; Studio's Wan Fun Control takes the control
    clip's length (and size: its width and height 0, the start image fitted to it)."""
    conv = convert(_fun_control_i2v(False), "wolf.json")
    gen = nodes_of(conv, "video_models.wan_fun_control")
    assert len(gen) == 1 and (gen[0].params["width"], gen[0].params["height"], gen[0].params["frames"]) == (832, 480, 0)
    text = said(conv)
    assert ("'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #6)'s num_frames comes from "
            "'GetImageSizeAndCount' (GetImageSizeAndCount, #20), a measure of the control clip: Studio's Wan Fun "
            "Control takes the control clip's length when it runs (its frames 0), as the wrapper does") in text
    assert "left unset" not in text
    conv = convert(_fun_control_i2v(True), "wolf.json")
    gen = nodes_of(conv, "video_models.wan_fun_control")
    assert (gen[0].params["width"], gen[0].params["height"], gen[0].params["frames"]) == (0, 0, 0)
    assert ("#6)'s width, height and num_frames come from 'GetImageSizeAndCount' (GetImageSizeAndCount, #20), a "
            "measure of the control clip: Studio's Wan Fun Control takes the control clip's size and length when it "
            "runs (its width, height and frames 0)") in said(conv)


def test_a_core_wan_animates_length_from_the_loaders_frame_count_is_the_pose_clips():
    """The core WanAnimateToVideo (kijai's WanAnimate_native_example_01 shape), its length from VHS_LoadVideo's
    frame_count, the pose drawn of that loader's frames: it was "not read, the generator's own is used"; the
    generator's 'frames' 0 takes the pose clip's length, said."""
    import copy
    from tests.convert.test_comfy_mask_and_aux_steps import ANIMATE
    wf = copy.deepcopy(ANIMATE)
    wf["7"]["inputs"]["length"] = ["5", 1]
    conv = convert(wf, "animate.json")
    gen = nodes_of(conv, "video_models.wan_animate")
    assert len(gen) == 1 and gen[0].params["frames"] == 0
    text = said(conv)
    assert ("'WanAnimateToVideo' (WanAnimateToVideo, #7)'s length comes from 'VHS_LoadVideo' (VHS_LoadVideo, #5), its "
            "count of the frames it loads, as Studio makes them for the generator's 'pose': the generator takes that "
            "clip's length when it runs (its 'frames' 0: its 'pose''s length)") in text
    assert "the generator's own is used" not in text


def test_a_hunyuan_samplers_size_measured_of_its_start_picture_is_said_of_the_sampler_and_taken_by_its_0():
    """The HunyuanVideoWrapper's hyvideo_i2v_example_01: HyVideoSampler's width and height from GetImageSizeAndCount
    of the start picture were said "left unset" only. The task node is made beside its encode with the sampler's
    size: the measure is carried there and said as the sampler's own width and height (never the encode's), the
    generator taking the picture's size at its 'width' and 'height' 0."""
    from tests.convert.test_comfy_hunyuan_mochi_wrappers import SAMPLER, _common
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    loader, te, vae = _common(w, model="hyvideo\\hunyuan_video_I2V_720_fixed_fp8_e4m3fn.safetensors")
    img = w.add("LoadImage", ["anya.jpg", "image"])
    size = w.add("GetImageSizeAndCount", [], image=(img, 0))
    text = w.add("HyVideoI2VEncode", ["a red panda"], text_encoders=(te, 0), image=(img, 0))
    enc = w.add("HyVideoEncode", [False, 64, 256, True, 0.02, 1, "mode"], vae=(vae, 0), image=(img, 0))
    s = w.add("HyVideoSampler", list(SAMPLER), model=(loader, 0), hyvid_embeds=(text, 0), image_cond_latents=(enc, 0),
              width=(size, 1), height=(size, 2))
    dec = w.add("HyVideoDecode", [True, 64, 256, True, 0, False], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "hy"}, images=(dec, 0))
    conv = convert(w.doc(), "hy_i2v")
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (0, 0, 85)
    text = said(conv)
    assert (f"'HyVideoSampler' (HyVideoSampler, #{s})'s width and height come from 'GetImageSizeAndCount' "
            f"(GetImageSizeAndCount, #{size}), the size of the picture 'LoadImage' (LoadImage, #{img}) loads, which "
            "Studio gives the generator's 'image' as it is: the generator takes that size when it runs (its 'width' "
            "and 'height' 0)") in text
    assert "left unset" not in text and f"(HyVideoEncode, #{enc})'s width" not in text


def test_a_window_size_wired_to_the_loaders_count_is_never_read_as_the_takes_length():
    """WanAnimateKeepBackground's shape: the embeds' frame_window_size (not its num_frames) wired to the loader's
    frame_count, num_frames to a value Studio cannot work out: the count is not carried as the take's length (it was
    free to be, the core node's length left without a value); the window's words stay as they were."""
    wf = _animate_counted()
    wf["26"] = {"class_type": "InventedFrameBudget", "inputs": {"budget": 81}}
    wf["24"]["inputs"].update(num_frames=["26", 0], frame_window_size=["20", 1])
    text = said(convert(wf, "animate.json"))
    assert "its count of the frames it loads" not in text
    assert "(#24)'s frame_window_size comes from 'VHS_LoadVideo' (VHS_LoadVideo, #20)" in text
