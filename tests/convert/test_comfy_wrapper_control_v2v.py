"""Issue 112: more of kijai's ComfyUI-WanVideoWrapper read as Studio generators, with one true sentence for what is
not taken: control embeds on a Fun Control model as Wan Fun Control (held on another model), the empty embeds
beside a video-to-video sampler's clip as the pass's noise shape, and ComfyUI-MultiGPU's copies of wrapper nodes the
catalogue's older wrapper lacks read as the wrapper's own. Hand-built UI workflows in the wrapper's layout."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save
from tests.convert.said import said as _said

FUN = "Wan2_2-Fun-Control-A14B-LOW_fp8_e4m3fn_scaled_KJ.safetensors"


def _control(w: UI, model_file: str, percents=(0.0, 1.0), add=True, empty=False):
    model, text, vae = _common(w)
    w.nodes[model - 1]["widgets_values"][0] = model_file
    clip = w.add("VHS_LoadVideo", {"video": "pose.mp4"})
    lat = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    if empty:
        empty_embeds = w.add("WanVideoEmptyEmbeds", [640, 368, 49])
        emb = w.add("WanVideoAddControlEmbeds", list(percents), embeds=(empty_embeds, 0), latents=(lat, 0))
    elif add:
        image = w.add("LoadImage", ["rabbit.png", "image"])
        enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                    start_image=(image, 0))
        emb = w.add("WanVideoAddControlEmbeds", list(percents), embeds=(enc, 0), latents=(lat, 0))
    else:
        emb = w.add("WanVideoControlEmbeds", list(percents), latents=(lat, 0))
    _save(w, _sampler(w, model, text, emb), vae)
    return emb


def test_control_embeds_on_a_fun_control_model_are_wan_fun_control_with_the_clip_and_start_image():
    w = UI()
    emb = _control(w, FUN, (0.0, 0.6))
    conv = convert(w.doc(), "wrapper_fun_control")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_fun_control"]
    gen = _nodes(conv, "video_models.wan_fun_control")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (832, 480, 81)
    assert sorted(conv.tasks[0]["inputs"]) == ["control", "image"]
    assert conv.graph.input_link(gen.id, "image") is not None
    said = _said(conv)
    assert f"(WanVideoAddControlEmbeds, #{emb}) steers only from 0 to 0.6 of the steps" in said
    assert "WanVideoAddControlEmbeds as WanFunControlToVideo" in said
    assert "WanVideoAddControlEmbeds" not in next(line for line in conv.log if "not converted" in line or
                                                 "pipeline(s)" in line)


def test_control_embeds_alone_on_a_fun_control_model_are_a_control_clip_take():
    w = UI()
    _control(w, FUN, add=False)
    conv = convert(w.doc(), "wrapper_fun_control_alone")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_fun_control"]


def test_control_added_to_empty_embeds_is_a_control_clip_take_at_their_size():
    w = UI()
    _control(w, FUN, empty=True)
    conv = convert(w.doc(), "wrapper_fun_control_empty")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_fun_control"]
    gen = _nodes(conv, "video_models.wan_fun_control")[0].params
    assert (gen["width"], gen["height"], gen["frames"]) == (640, 368, 49)


def test_control_embeds_on_a_plain_model_with_a_control_lora_hold_the_task():
    w = UI()
    _control(w, "Wan2_1-T2V-1_3B_bf16.safetensors", add=False)
    conv = convert(w.doc(), "wrapper_control_lora")
    assert [t["generator"] for t in conv.tasks] == [None]  # held with its sentence, never a plain text to video
    assert "control clip's latents on 'Wan2_1-T2V-1_3B_bf16.safetensors', a file not named as Wan Fun Control " \
           "(Studio reads them for a Fun Control model, or through a control LoRA on the model's loader: none is on " \
           "it)" in _said(conv)
    assert "made by WanVideoControlEmbeds for the sampler's 'image_embeds'" in _said(conv)


def test_empty_embeds_beside_a_video_to_video_clip_are_its_noise_shape_said():
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("VHS_LoadVideo", {"video": "dance.mp4"})
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    s = _sampler(w, model, text, emb, widgets=(30, 6.0, 5.0, 7, "fixed", True, "unipc", 0, 0.6), samples=(enc, 0))
    _save(w, s, vae)
    conv = convert(w.doc(), "wrapper_v2v_empty")
    assert [t["generator"] for t in conv.tasks] == ["video_models.video_to_video"]
    assert str(emb) not in conv.dropped
    assert f"(WanVideoEmptyEmbeds, #{emb}) gives the video-to-video sampler 'WanVideoSampler' (#{s}) only its " \
           "noise's shape" in _said(conv)


def test_multigpus_copy_of_the_wrappers_image_encode_reads_as_it():
    w = UI()
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["cat.png", "image"])
    enc = w.add("WanVideoImageToVideoEncodeMultiGPU", [832, 480, 81, 0.0, 1.0, 1.0, True, False, False],
                vae=(vae, 0), start_image=(image, 0))
    _save(w, _sampler(w, model, text, enc), vae)
    conv = convert(w.doc(), "multigpu_i2v")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    assert str(enc) not in conv.dropped
    assert f"(WanVideoImageToVideoEncodeMultiGPU, #{enc}) is read as ComfyUI-WanVideoWrapper's "\
           "WanVideoImageToVideoEncode" \
           in _said(conv)


def test_the_wrappers_drawing_of_wanmove_tracks_is_said_not_made():
    w = UI()
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["cat.png", "image"])
    enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0), start_image=(image, 0))
    coords = w.add("StringConstantMultiline", ['[[{"x":1,"y":2},{"x":3,"y":4}]]', False])
    move = w.add("WanVideoAddWanMoveTracks", [1.0], image_embeds=(enc, 0), track_coords=(coords, 0))
    draw = w.add("WanVideoWanDrawWanMoveTracks", [], images=(image, 0), tracks=(move, 1))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "tracks", "format": "video/h264-mp4"},
          images=(draw, 0))
    _save(w, _sampler(w, model, text, move), vae)
    conv = convert(w.doc(), "wrapper_draw_tracks")
    assert f"(WanVideoWanDrawWanMoveTracks, #{draw}) draws the Wan-Move tracks over 'LoadImage' (#{image})'s " \
           "pictures ('images')" in _said(conv)


def test_embeds_beside_a_second_passs_samples_are_said_unread_unless_the_first_pass_reads_them():
    w = UI()
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["cat.png", "image"])
    shared = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                   start_image=(image, 0))
    own = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                start_image=(image, 0))
    settings = (8, 1.0, 5.0, 1, "fixed", True, "unipc", 0, 1.0, False, "comfy")
    high = _sampler(w, model, text, shared, widgets=settings + (0, 4))
    low = _sampler(w, model, text, own, widgets=settings + (4, -1), samples=(high, 0))
    _save(w, low, vae)
    said = _said(convert(w.doc(), "wrapper_two_embeds"))
    assert f"'WanVideoSampler' (#{low}) continues the latent it is given (samples) and is also given image_embeds " \
           f"from 'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #{own})" in said
    assert f"#{shared}): those embeds" not in said


def test_the_wrappers_scheduler_node_gives_the_sampler_its_steps_shift_and_scheduler():
    w = UI()
    model, text, vae = _common(w)
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    sigmas = w.add("BasicScheduler", ["simple", 20, 1.0])
    sched = w.add("WanVideoScheduler", ["euler", 12, 8.0, 0, -1], sigmas=(sigmas, 0))
    s = _sampler(w, model, text, emb, steps=(sched, 1), shift=(sched, 2), scheduler=(sched, 3))
    _save(w, s, vae)
    conv = convert(w.doc(), "wrapper_scheduler")
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["steps"], gen["shift"]) == (12, 8.0)
    assert str(sched) not in conv.dropped
    assert f"(WanVideoScheduler, #{sched})'s sigmas from 'BasicScheduler' (BasicScheduler, #{sigmas}) are not " \
           "taken" in _said(conv)


def test_a_low_noise_expert_on_a_plain_model_continues_the_fun_control_take():
    w = UI()
    emb = _control(w, FUN)  # the high-noise expert on the Fun Control model, its sampler saved
    high = len(w.nodes) - 2  # (_save adds the decode and the output after the sampler)
    plain = w.add("WanVideoModelLoader", ["Wan2_2-I2V-A14B-LOW_fp8.safetensors", "fp16", "fp8_e4m3fn",
                                          "offload_device", "sdpa"])
    text = next(n["id"] for n in w.nodes if n["type"] == "WanVideoTextEncode")
    low = _sampler(w, plain, text, emb, samples=(high, 0))
    w.nodes.insert(0, w.nodes.pop())  # the low-noise expert first in the file (it reads its samples, not the embeds)
    conv = convert(w.doc(), "wrapper_fun_control_two")
    assert "video_models.wan_fun_control" in [t["generator"] for t in conv.tasks]
    assert f"#{low}" not in "".join(line for line in conv.log if "not a Wan Fun Control" in line)
