"""Issue 112: kijai's ComfyUI-WanVideoWrapper's VACE encode and Wan-Move tracks are Studio generators (Wan VACE with
its control clip, mask and references; Image to Video steered by Wan-Move tracks), and what they carry that Studio's
nodes do not take is said naming the node and its input (comfy_wrapper_embeds.py). Hand-built UI workflows in the
wrapper's layout (widgets in INPUT_TYPES order)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import PROMPT, UI, _common, _nodes, _sampler, _save
from tests.convert.said import said as _said

COORDS = '[[{"x":100,"y":200},{"x":120,"y":210},{"x":140,"y":220}]]'


def _vace(w: UI, vae, widgets=(640, 352, 49, 0.7, 0.0, 1.0, False), **inputs):
    return w.add("WanVideoVACEEncode", list(widgets), vae=(vae, 0), **inputs)


def test_the_wrappers_vace_encode_is_studios_wan_vace_with_its_clip_mask_and_reference():
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoVACEModelSelect", ["Wan2_1-VACE_module_14B_bf16.safetensors"])
    w.nodes[model - 1]["inputs"].append({"name": "vace_model", "type": "VACEPATH", "link": len(w.links) + 1})
    w.links.append([len(w.links) + 1, sel, 0, model, len(w.nodes[model - 1]["inputs"]) - 1, "VACEPATH"])
    clip = w.add("VHS_LoadVideo", {"video": "pose.mp4"})
    mask = w.add("LoadImageMask", ["hole.png", "alpha", "image"])
    ref = w.add("LoadImage", ["face.png", "image"])
    emb = _vace(w, vae, (640, 352, 49, 0.7, 0.2, 1.0, False), input_frames=(clip, 0), input_masks=(mask, 0),
                ref_images=(ref, 0))
    _save(w, _sampler(w, model, text, emb), vae)
    conv = convert(w.doc(), "wrapper_vace")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_vace"]
    assert sorted(conv.tasks[0]["inputs"]) == ["mask", "reference", "video"]  # (LoadImageMask 'alpha': its file's
    # alpha inverted, math24's mapping/loaded_masks.py; before, not read: said)
    [vace] = _nodes(conv, "video_models.wan_vace")
    inv = conv.graph.nodes[conv.graph.input_link(vace.id, "mask").src]
    assert inv.type_id == "edit.mask_tools" and inv.params["invert"] is True
    assert conv.graph.nodes[conv.graph.input_link(inv.id, "mask").src].params["path"] == "hole.png"
    gen = _nodes(conv, "video_models.wan_vace")[0].params
    assert (gen["prompt"], gen["width"], gen["height"], gen["frames"]) == (PROMPT, 640, 352, 49)
    assert gen["conditioning_scale"] == 0.7
    said = _said(conv)
    assert "'input_masks' of 'WanVideoVACEEncode' is made by ComfyUI nodes Studio does not convert" not in said
    assert f"(WanVideoVACEEncode, #{emb}) steers only from 0.2 to 1.0 of the steps" in said
    assert f"(WanVideoVACEModelSelect, #{sel}) adds the VACE module 'Wan2_1-VACE_module_14B_bf16.safetensors' to " \
           "'WanVideoModelLoader' (#1)'s model" in said  # set on Load Video Model (test_comfy_vace_module)
    assert _nodes(conv, "video_models.load")[0].params["vace_module"] == "Wan2_1-VACE_module_14B_bf16.safetensors"
    assert "WanVideoVACEModelSelect" not in next(line for line in conv.log if "not converted" in line)


def test_a_second_vace_encoding_chained_in_is_said_not_taken():
    w = UI()
    model, text, vae = _common(w)
    first = _vace(w, vae, input_frames=(w.add("VHS_LoadVideo", {"video": "depth.mp4"}), 0))
    second = _vace(w, vae, input_frames=(w.add("VHS_LoadVideo", {"video": "pose.mp4"}), 0), prev_vace_embeds=(first, 0))
    _save(w, _sampler(w, model, text, second), vae)
    conv = convert(w.doc(), "wrapper_vace_two")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_vace"]
    loads = [n.params["path"] for n in conv.graph.nodes.values() if n.type_id.startswith("io.load_video")]
    assert loads == ["pose.mp4"]
    assert f"(WanVideoVACEEncode, #{second})'s prev_vace_embeds (another VACE encoding, 'WanVideoVACEEncode' " \
           f"(WanVideoVACEEncode, #{first})) adds a second control" in _said(conv)


def _wanmove(w: UI, coords_from, count=False, **more):
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["cat.png", "image"])
    coords = coords_from(w, image)
    if count:  # its length the drawn path's count
        more["num_frames"] = (coords, 3)
    enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                start_image=(image, 0), **more)
    move = w.add("WanVideoAddWanMoveTracks", [0.8], image_embeds=(enc, 0), track_coords=(coords, 1))
    _save(w, _sampler(w, model, text, move), vae)
    return enc, move


def test_wanmove_tracks_on_the_wrappers_image_encode_steer_image_to_video():
    w = UI()

    def spline(w, image):
        return w.add("SplineEditor", ['[{"points":[]}]', COORDS, 832, 480, 81, "path", "cardinal", 0.5, 1, "list", 0, 1],
                     bg_image=(image, 0))
    enc, move = _wanmove(w, spline, count=True, end_image=(w.add("LoadImage", ["end.png", "image"]), 0))
    conv = convert(w.doc(), "wrapper_wanmove")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    assert sorted(conv.tasks[0]["inputs"]) == ["image", "tracks"]
    gen = _nodes(conv, "video_models.image_to_video")[0].params
    assert (gen["prompt"], gen["width"], gen["height"], gen["frames"], gen["tracks_as"]) == (
        PROMPT, 832, 480, 3, "wan-move")  # (the frames the path's three points give, as the spline's count)
    tracks = _nodes(conv, "motion.tracks_from_coordinates")[0].params
    assert tracks["coordinates"] == COORDS
    said = _said(conv)
    assert "num_frames comes from" not in said
    assert f"WanMove's track strength 0.8 ('WanVideoAddWanMoveTracks' (#{move})'s 'strength') is not taken" in said
    assert f"(WanVideoImageToVideoEncode, #{enc})'s end_image is not taken" in said


def test_wanmove_tracks_studio_cannot_work_out_are_said_on_the_tracks_node():
    w = UI()
    enc, move = _wanmove(w, lambda w, image: w.add("SomePackTrajectory", [7], image=(image, 0)))
    conv = convert(w.doc(), "wrapper_wanmove_unknown")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    said = _said(conv)
    assert "the tracks come from 'SomePackTrajectory' (SomePackTrajectory), which Studio does not convert" in said
    assert f"#{enc})'s 'tracks'" not in said  # the input is the Wan-Move node's, never the encode's


def test_the_wrappers_multi_lora_select_is_each_of_its_loras_none_and_zero_skipped():
    w = UI()
    multi = w.add("WanVideoLoraSelectMulti", ["lightx2v.safetensors", 0.7, "none", 1.0, "style.safetensors", 0.0,
                                              "detail.safetensors", 0.5, "none", 1.0, False])
    model, text, vae = _common(w)
    w.nodes[model - 1]["inputs"].append({"name": "lora", "type": "WANVIDLORA", "link": len(w.links) + 1})
    w.links.append([len(w.links) + 1, multi, 0, model, len(w.nodes[model - 1]["inputs"]) - 1, "WANVIDLORA"])
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [640, 352, 49])), vae)
    conv = convert(w.doc(), "wrapper_multi_lora")
    assert conv.graph.validate() == []
    loras = sorted((n.params["lora"], n.params["strength"]) for n in conv.graph.nodes.values() if "lora" in n.type_id)
    assert loras == [("detail.safetensors", 0.5), ("lightx2v.safetensors", 0.7)]
    said = _said(conv)
    assert "WanVideoLoraSelectMulti as LoraLoaderModelOnly" in said and "WanVideoLoraSelect as" not in said
    assert "WanVideoLoraSelectMulti" not in next(line for line in conv.log if "not converted" in line or "pipeline(s)" in line)


def test_a_packs_sampler_on_the_hunyuan_wrappers_model_is_held_never_passed_as_a_step():
    """HunyuanLoom's FlowEdit sampler on HunyuanVideoWrapper's model and prompts (its types HYVIDEOMODEL, HYVIDEMBEDS
    as the UI file saves them): a take of a sampler Studio has no counterpart for, held in its sentence; never a
    'step' between the encoded clip and the decode."""
    from tests.convert.test_comfy_hunyuan_mochi_wrappers import _common as hy_common
    w = UI()
    loader, te, vae = hy_common(w)
    src = w.add("HyVideoTextEncode", ["a wolf", "", "video"], text_encoders=(te, 0))
    dst = w.add("HyVideoTextEncode", ["a fox", "", "video"], text_encoders=(te, 0))
    enc = w.add("HyVideoEncode", [True, 64, 256, True, 0.0, 1.0, "sample"], vae=(vae, 0),
                image=(w.add("VHS_LoadVideo", {"video": "wolf.mp4"}), 0))
    edit = w.add("HyVideoFlowEditSamplerWrapper", [30, 4, 0, 6, 12, 6, 6, 3, 0, "fixed", True], model=(loader, 0),
                 source_embeds=(src, 0), target_embeds=(dst, 0), samples=(enc, 0))
    types = {"model": "HYVIDEOMODEL", "source_embeds": "HYVIDEMBEDS", "target_embeds": "HYVIDEMBEDS",
             "samples": "LATENT"}
    for i in w.nodes[edit - 1]["inputs"]:
        i["type"] = types[i["name"]]
    w.nodes[edit - 1]["outputs"] = [{"name": "samples", "type": "LATENT", "links": []}]
    dec = w.add("HyVideoDecode", [True, 64, 256, True, 0, False], vae=(vae, 0), samples=(edit, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "hy"}, images=(dec, 0))
    conv = convert(w.doc(), "hy_flowedit")
    assert [(t["task"], t["generator"]) for t in conv.tasks] == [
        ("a take sampled by a node pack's sampler (HyVideoFlowEditSamplerWrapper)", None)]
    assert "a step between" not in _said(conv)


def test_a_t5_broadcast_by_anything_everywhere_and_a_prompt_from_a_text_node_are_read():
    """The T5 loader given to the wrapper's text node by an Anything Everywhere whose '*' input is named for the type
    it carries (WANTEXTENCODER), and the prompt from a text node: the text encoder file on Load Video Model, the
    prompt the text node's, neither node listed as not converted."""
    w = UI()
    model = w.add("WanVideoModelLoader", ["wan2.1_t2v_1.3B_bf16.safetensors", "bf16", "disabled", "offload_device",
                                          "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    ue = w.add("Anything Everywhere", [], WANTEXTENCODER=(t5, 0))
    w.nodes[ue - 1]["inputs"][0]["label"] = "WANTEXTENCODER"
    words = w.add("Text Multiline", ["a heron in the reeds"])
    w.nodes[words - 1]["outputs"] = [{"name": "STRING", "type": "STRING", "links": []}]
    text = w.add("WanVideoTextEncode", ["saved text", NEGATIVE_SAVED, True], positive_prompt=(words, 0))
    w.nodes[text - 1]["inputs"].insert(0, {"name": "t5", "type": "WANTEXTENCODER", "link": None})
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"])
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [640, 352, 49])), vae)
    conv = convert(w.doc(), "wrapper_broadcast")
    assert _nodes(conv, "video_models.load")[0].params["text_encoder"] == "umt5-xxl-enc-bf16.safetensors"
    assert _nodes(conv, "video_models.text_to_video")[0].params["prompt"] == "a heron in the reeds"
    dropped = [line for line in conv.log if "not converted" in line and "listed" in line]
    assert not any("LoadWanVideoT5TextEncoder" in line or "Text Multiline" in line for line in dropped)


NEGATIVE_SAVED = "blurry"


def _talk(w: UI, mode="infinitetalk", patch="Wan2_1-InfiniTetalk-Single_fp16.safetensors", **more):
    patch_node = w.add("MultiTalkModelLoader", [patch])
    model = w.add("WanVideoModelLoader", ["wan2.1_i2v_480p_14B_bf16.safetensors", "fp16", "disabled",
                                          "offload_device", "sdpa"], multitalk_model=(patch_node, 0))
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", [PROMPT, "", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"])
    wav = w.add("DownloadAndLoadWav2VecModel", ["TencentGameMate/chinese-wav2vec2-base", "fp16", "main_device"])
    voice = w.add("LoadAudio", ["speech.wav", None, None])
    emb = w.add("MultiTalkWav2VecEmbeds", [True, 1000, 25, 1.5, 1, "para"], wav2vec_model=(wav, 0),
                audio_1=(voice, 0), **more)
    image = w.add("LoadImage", ["face.png", "image"])
    i2v = w.add("WanVideoImageToVideoMultiTalk", [640, 640, 81, 9, True, "disabled", False, mode], vae=(vae, 0),
                start_image=(image, 0))
    s = w.add("WanVideoSampler", [6, 1.0, 5.0, 7, "fixed", True, "unipc", 0, 1.0], model=(model, 0),
              text_embeds=(text, 0), image_embeds=(i2v, 0), multitalk_embeds=(emb, 0))
    dec = w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 25, "filename_prefix": "talk", "format": "video/h264-mp4"},
          images=(dec, 0), audio=(emb, 1))
    return emb


def test_the_wrappers_infinitetalk_is_studios_infinitetalk_for_the_voices_length():
    w = UI()
    emb = _talk(w)
    conv = convert(w.doc(), "wrapper_talk")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    assert sorted(conv.tasks[0]["inputs"]) == ["image", "speech"]
    gen = _nodes(conv, "video_models.infinitetalk")[0].params
    assert (gen["patch"], gen["frames"], gen["motion_frames"], gen["audio_scale"]) == (
        "Wan2_1-InfiniTetalk-Single_fp16.safetensors", 0, 9, 1.5)
    assert (gen["width"], gen["height"], gen["prompt"]) == (640, 640, PROMPT)
    assert _nodes(conv, "preprocess.load")[0].params["model"] == "TencentGameMate/chinese-wav2vec2-base"
    assert _nodes(conv, "io.save_video")[0].params  # the voice muxed: the Load Audio wired to Save Video's audio
    save = _nodes(conv, "io.save_video")[0]
    assert any(l.dst == save.id and l.dst_port == "audio" for l in conv.graph.links)
    said = _said(conv)
    assert gen["most_frames"] == 1000 and "makes at most" not in said  # the cap made (heldout69), not said
    assert "normalize_loudness" in said


def test_three_voices_through_the_wrapper_stay_held():
    # (two voices are two speakers: test_comfy_talk8; three are held; MultiTalk is InfiniteTalk's method 'multitalk'
    # since wrapvar11: test_comfy_wrapvar11)
    for mode, more in (("infinitetalk", {"audio_2": (1, 0), "audio_3": (1, 0)}),
                       ("multitalk", {"audio_2": (1, 0), "audio_3": (1, 0)})):
        w = UI()
        _talk(w, mode=mode, patch="multitalk.safetensors", **more)
        conv = convert(w.doc(), "wrapper_multitalk")
        assert [t["generator"] for t in conv.tasks] == [None]
        assert "WanVideoImageToVideoMultiTalk" in conv.log[0]
        assert "MultiTalkModelLoader" in _said(conv)  # its patch said, never dropped silently


def test_the_old_image_clip_encode_reads_its_image_encoder_by_the_later_inputs_name():
    """WanVideoImageClipEncode's image encoder wired into its 'clip_vision' input (its later name; 'clip' before): the
    image encoder file on Load Video Model, its loader read."""
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("LoadWanVideoClipTextEncoder", ["open-clip-xlm-roberta-large-vit-huge-14_visual_fp16.safetensors",
                                                  "fp16", "offload_device"])
    image = w.add("LoadImage", ["cat.png", "image"])
    emb = w.add("WanVideoImageClipEncode", [480, 832, 81, True, 0, 1, 1, True], clip_vision=(clip, 0),
                image=(image, 0), vae=(vae, 0))
    _save(w, _sampler(w, model, text, emb), vae)
    conv = convert(w.doc(), "wrapper_clip_vision")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    load = _nodes(conv, "video_models.load")[0].params
    assert load["clip_vision"] == "open-clip-xlm-roberta-large-vit-huge-14_visual_fp16.safetensors"


def test_vace_segments_of_two_experts_joined_are_said_as_segments_never_as_experts():
    """Two Wan 2.2 VACE segments, each a high- and a low-noise sampler, the second's control clip the first's frames,
    joined into one video: the second segment's samplers are a take of its own and its second pass, never 'the
    low-noise expert' of the first."""
    w = UI()
    high, text, vae = _common(w)
    low = w.add("WanVideoModelLoader", ["Wan2.2-T2V-A14B-LowNoise.safetensors", "fp16", "disabled", "offload_device",
                                        "sdpa"])
    w.nodes[high - 1]["widgets_values"][0] = "Wan2.2-T2V-A14B-HighNoise.safetensors"

    def segment(frames):
        emb = _vace(w, vae, input_frames=frames)
        first = _sampler(w, high, text, emb, widgets=(6, 1.0, 5.0, 0, "fixed", True, "unipc", 0, 1.0, "", "comfy", 0, 3))
        second = _sampler(w, low, text, emb, widgets=(6, 1.0, 5.0, 0, "fixed", True, "unipc", 0, 1.0, "", "comfy", 3,
                                                      -1), samples=(first, 0))
        return first, second, w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(second, 0))
    a1, a2, d1 = segment((w.add("VHS_LoadVideo", {"video": "pose.mp4"}), 0))
    b1, b2, d2 = segment((d1, 0))
    joined = w.add("ImageBatch", [], image1=(d1, 0), image2=(d2, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "wan", "format": "video/h264-mp4"},
          images=(joined, 0))
    conv = convert(w.doc(), "wrapper_vace_segments")
    said = _said(conv)
    assert "video_models.wan_vace" in [t["generator"] for t in conv.tasks]
    assert f"the low-noise expert: 'WanVideoSampler' (#{a2})" in said
    assert f"'WanVideoSampler' (WanVideoSampler, #{b1}) samples a segment of its own" in said
    assert f"'WanVideoSampler' (#{b2}) samples on from the take of 'WanVideoSampler' (#{b1})" in said
    assert f"the low-noise expert: 'WanVideoSampler' (#{b2})" not in said
