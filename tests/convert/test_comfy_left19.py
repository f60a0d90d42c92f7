"""Issue 112, left19 (last stop's leftovers that are mechanisms): each test builds its workflow from node types,
values and links and fails without its mend.

1. A sound file split into numbered parts by count (heldout82 05: the vrgamedevgirl pack's VRGDG_LoadAudioSplit_HUMO,
   16 parts of a song, each driving one HuMo segment) was not converted: the 16 segments were made without their
   voices. Read by its declared types (a STRING path, no AUDIO input, AUDIO outputs 'audio_1' ... 'audio_N') as the
   file's Load Audio and an Audio Trim for each part, one after another from its offset, each as long as the take it
   drives (the voice its generator reads); said.
2. A pack's sound loader by a wired path (comfyui-various' JWLoadAudio, the song the joined video is written with)
   was not converted: the joined video was written without its song. Read by its declared types (one AUDIO output,
   a STRING path) as ComfyUI's LoadAudio of the file; its other inputs and values said not applied.
3. The wrapper's HuMo embeds sharing one Whisper loader: the second and later read the loader already made into
   ComfyUI's AudioEncoderLoader, so their Speech Features were said to have "no audio encoder file named"."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading import audio_split
from studio.convert.reading.workflow import CNode
from tests.convert.said import nodes_of, said, source_of


def _segments(frames=(101, 101), split_values=("song.mp3", 1.5), wired_path=False, joined_song=False) -> dict:
    """The wrapper's HuMo, one take per part of a song split by a pack node ('path', 'offset_seconds', 'scene_count';
    outputs 'meta', 'total_duration', 'audio_1' ...), each take saved with its part; with ``joined_song``, the
    takes joined and saved with the song loaded by a pack's loader whose 'path' is wired from a text box."""
    from tests.convert.test_comfy_wrappers import UI as WrapperUI
    w = WrapperUI()
    count = len(frames)
    model = w.add("WanVideoModelLoader", ["humo_17B_fp16.safetensors", "fp16", "disabled", "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"])
    whisper = w.add("WhisperModelLoader", ["whisper_large_v3_fp16.safetensors", "fp16", "main_device"])
    image = w.add("LoadImage", ["singer.png", "image"])
    text_box = w.add("PrimitiveStringMultiline", ["F:\\songs\\vocals.mp3"]) if wired_path else None
    split = w.add("SongSplitByCount", [split_values[0], split_values[1], count],
                  **({"path": (text_box, 0)} if wired_path else {}))
    decoded = []
    for k, n in enumerate(frames, 1):
        text = w.add("WanVideoTextEncode", [f"she sings line {k}", "", True], t5=(t5, 0))
        emb = w.add("HuMoEmbeds", [n, 832, 480, 1.0, 1.0, 0.0, 1.0, False], whisper_model=(whisper, 0),
                    vae=(vae, 0), audio=(split, 1 + k), reference_images=(image, 0))
        s = w.add("WanVideoSampler", [4, 1.0, 5.0, 7, "fixed", True, "lcm", 0, 1.0], model=(model, 0),
                  text_embeds=(text, 0), image_embeds=(emb, 0))
        dec = w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(s, 0))
        w.add("VHS_VideoCombine", {"frame_rate": 25, "filename_prefix": f"part{k}", "format": "video/h264-mp4"},
              images=(dec, 0), audio=(split, 1 + k))
        decoded.append(dec)
    if joined_song:
        full = w.add("PrimitiveStringMultiline", ["F:\\songs\\full mix.mp3"])
        song = w.add("SongLoaderByPath", ["./audio.mp3", 0, 0, 0, 0, True], path=(full, 0),
                     duration_seconds=(split, 1))
        batch = w.add("ImageBatchMulti", {"inputcount": count, **{f"image_{k}": None for k in range(1, count + 1)}},
                      **{f"image_{k}": (d, 0) for k, d in enumerate(decoded, 1)})
        w.add("VHS_VideoCombine", {"frame_rate": 25, "filename_prefix": "whole", "format": "video/h264-mp4"},
              images=(batch, 0), audio=(song, 0))
    doc = w.doc()
    types = {"whisper_model": "WHISPERMODEL", "vae": "WANVAE", "audio": "AUDIO", "path": "STRING",
             "duration_seconds": "FLOAT"}
    for node in doc["nodes"]:
        for i in node["inputs"]:
            i["type"] = types.get(i["name"], "IMAGE")
        if node["id"] == split:
            names = ["meta", "total_duration", *[f"audio_{k}" for k in range(1, count + 1)]]
            node["outputs"] = [{"name": m, "type": t, "links": []} for m, t in
                               zip(names, ["DICT", "FLOAT", *["AUDIO"] * count])]
        elif node["type"] == "SongLoaderByPath":
            node["outputs"] = [{"name": "AUDIO", "type": "AUDIO", "links": []}]
    return doc


def _trim_of(conv, gen) -> tuple[float, float]:
    speech = source_of(conv, gen.id, "features")
    trim = source_of(conv, speech.id, "audio")
    assert trim.type_id == "edit.audio_trim"
    assert source_of(conv, trim.id, "audio").type_id == "io.load_audio"
    return trim.params["start"], trim.params["end"]


def test_a_song_split_into_parts_gives_each_segment_its_part_as_long_as_the_take():
    conv = convert(_segments(), "split.json")
    gens = nodes_of(conv, "video_models.wan_humo")
    assert len(gens) == 2
    assert sorted(_trim_of(conv, g) for g in gens) == [(1.5, 5.54), (5.54, 9.58)]  # (101 frames at HuMo's 25 fps)
    loads = nodes_of(conv, "io.load_audio")
    assert [n.params["path"] for n in loads] == ["song.mp3"]  # (one Load Audio of the file)
    for sv in nodes_of(conv, "io.save_video"):  # each segment's save writes its part
        assert source_of(conv, sv.id, "audio").type_id == "edit.audio_trim"
    text = said(conv)
    assert ("splits 'song.mp3' into 2 parts one after another from 1.5 s; how long a part is is not a setting of its "
            "type, so each is read as long as the take it drives (4.04 s, the voice its generator reads): an Audio "
            "Trim of each part read (2 of 2: part 1 1.5-5.54 s, part 2 5.54-9.58 s)") in text
    unconverted = next(x for x in conv.log if "ComfyUI nodes not converted" in x)
    assert "SongSplitByCount" not in unconverted and "HuMoEmbeds" not in unconverted


def test_a_split_whose_takes_differ_in_length_leaves_its_parts_uncut_and_says_so():
    conv = convert(_segments(frames=(101, 49)), "split.json")
    for g in nodes_of(conv, "video_models.wan_humo"):
        assert _trim_of(conv, g) == (0.0, 0.0)
    assert ("the takes its parts drive differ in length (1.96 s, 4.04 s): each part's Audio Trim is left uncut (the "
            "whole file): set its 'start' and 'end'") in said(conv)


def test_a_split_path_wired_from_a_text_box_and_a_song_loader_by_a_wired_path_are_read():
    conv = convert(_segments(wired_path=True, joined_song=True), "split.json")
    paths = sorted(n.params["path"] for n in nodes_of(conv, "io.load_audio"))
    assert paths == ["F:/songs/full mix.mp3", "F:/songs/vocals.mp3"]
    whole = next(sv for sv in nodes_of(conv, "io.save_video") if "whole" in sv.params["path"])
    assert source_of(conv, whole.id, "audio").params["path"] == "F:/songs/full mix.mp3"
    text = said(conv)
    assert ("is read as ComfyUI's LoadAudio of the file its 'path' names: 'duration_seconds' (wired from the output "
            "'total_duration' of 'SongSplitByCount'") in text
    assert "its other saved values (0, 0, 0, 0, True) are not applied (Studio's Load Audio reads the whole file" in text


def test_one_whisper_loader_for_several_humo_embeds_is_named_for_each():
    conv = convert(_segments(), "split.json")
    encs = nodes_of(conv, "encode.speech")
    assert len(encs) == 2 and {e.params.get("encoder") for e in encs} == {"whisper_large_v3_fp16.safetensors"}
    assert "no audio encoder file is named" not in said(conv)


def _node(outs, names, links=None, widgets=None, raw=None, in_types=None) -> CNode:
    return CNode("9", "SomePackSplit", links=links or {}, widgets=widgets or {}, raw=raw, out_types=outs,
                 out_names=names, in_types=in_types or {})


def test_only_a_file_split_into_numbered_parts_is_read_as_one():
    stems = _node(["AUDIO", "AUDIO"], ["vocals", "instruments"], widgets={"path": "a.mp3"})
    assert not audio_split.as_split(stems)  # (a separator: the same time, other sounds)
    given = _node(["AUDIO", "AUDIO"], ["audio_1", "audio_2"], links={"audio": ("1", 0), "path": ("2", 0)},
                  in_types={"audio": "AUDIO", "path": "STRING"})
    assert not audio_split.as_split(given)  # (a sound given, not a file)
    own = _node(["AUDIO", "AUDIO"], ["audio_1", "audio_2"], widgets={"path": "a.mp3", "duration_1": 3.0})
    assert not audio_split.as_split(own)  # (its own part lengths: not the takes')
    wired_offset = _node(["AUDIO", "AUDIO"], ["audio_1", "audio_2"], widgets={"path": "a.mp3"},
                         links={"offset_seconds": ("3", 0)})
    assert not audio_split.as_split(wired_offset)
    split = _node(["DICT", "AUDIO", "AUDIO", "AUDIO"], ["meta", "audio_1", "audio_2", "audio_3"],
                  widgets={"path": "a.mp3", "offset_seconds": 2.0})
    assert audio_split.as_split(split) and split.cls == "LoadAudio" and split.parts == (2.0, 3, 1)
    assert split.widgets == {"audio": "a.mp3"} and audio_split.part_words(split, 2) == "'s part 2"


def test_framepack_hy_s_own_count_of_sections_is_the_framepack_node_s_sections():
    """fphy18's leftover: the pack samples 4 sections of 9 latent frames for 5 s at 24 fps (141 frames), where the
    Framepack node's own count from 141 frames made 5 sections of 33 and cut: now its 'sections' 4, said."""
    from tests.convert.test_comfy_fphy18 import _workflow
    conv = convert(_workflow(), "framepack_hy")
    p = nodes_of(conv, "video_models.framepack")[0].params
    assert (p["frames"], p["window"], p["sections"]) == (141, 9, 4)
    assert ("the Framepack node's sections 4 and frames 141 at fps 24, its sampling 'vanilla' (forward); Studio's "
            "pipeline decodes the start image's latent before the sections (145 frames, its first frame the start "
            "image) and keeps the first 141, where the pack decodes the sections alone") in said(conv)


def test_framepack_wrapper_s_count_of_sections_is_the_framepack_node_s_sections():
    """The wrapper's 5 s at window 9 make round(150 / 36) = 4 sections, 145 frames: the node's sections 4 (its own
    count from 145 frames was 5 sections, 165 frames, cut)."""
    from tests.convert.test_comfy_framepack_wrapper import _workflow
    p = nodes_of(convert(_workflow(), "framepack"), "video_models.framepack")[0].params
    assert (p["frames"], p["window"], p["sections"]) == (145, 9, 4)


def _fmlf_qq(**over) -> dict:
    """siraxe's WanFMLF (#52: start 'start.png', middle 'middle.png', end 'end.png', 81 frames, ratio 0.3,
    strengths 0.6 / 0.1) into one KSampler, decoded and saved."""
    from tests.convert.test_comfy_wanmid18 import _take
    d = _take()
    d["52"] = {"class_type": "WanFMLF", "inputs": {
        "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "start_image": ["5", 0], "middle_image": ["56", 0],
        "end_image": ["55", 0], "width": 832, "height": 480, "length": 81, "batch_size": 1, "middle_frame_ratio": 0.3,
        "high_noise_strength": 0.6, "low_noise_strength": 0.1, "motion_amplitude": 1.0, **over}}
    return d


def test_the_qq_wrapper_s_wanfmlf_middle_picture_is_image_to_video_s_with_what_differs_said():
    """The Wan22FMLF pack's middle rule, in siraxe's WanFMLF under other names: Image to Video's middle picture at
    the pack's frame, its strengths per expert; its negative passed on without pictures, said."""
    conv = convert(_fmlf_qq(), "qq")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["middle_frame"], gen.params["middle_strength"], gen.params["middle_strength_2"]) == (24, 0.6,
                                                                                                            0.1)
    assert conv.graph.input_link(gen.id, "middle_image") is not None
    text = said(conv)
    assert ("'WanFMLF' (WanFMLF, #52)'s middle_image 'LoadImage' (LoadImage, #56: 'middle.png') is read as Image to "
            "Video's middle picture at frame 24 (middle_frame_ratio 0.3 of 81 frames, as the pack aligns it), held "
            "with strength 0.6 by the high-noise expert and 0.1 by the low-noise one; its negative is passed on as "
            "given in ComfyUI (no picture in it), where Studio's negative pass sees the same pictures as the positive "
            "one (alike where cfg is 1)") in text
    assert "other settings" not in text


def test_the_qq_wrapper_s_wanfmlf_with_motion_amplitude_keeps_its_middle_said_not_taken():
    conv = convert(_fmlf_qq(motion_amplitude=1.15), "qq")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert conv.graph.input_link(gen.id, "middle_image") is None
    assert ("#56: 'middle.png') is not taken: its motion_amplitude 1.15 pushes the condition's later latent frames "
            "away from the first (not made with a middle picture)") in said(conv)


def _svi_advanced_chain(passes: int = 2):
    """The Wan22FMLF pack's WanSVIProAdvancedI2V per pass (its start image the picture, each later pass's prev_latent
    the low-noise sampler's latent before), two experts, frames joined over 5 (the svi18 KJ chain's shape)."""
    from tests.convert.test_comfy_svi18 import COND, IMG, LAT
    from tests.convert.test_comfy_wan_frames import _head, _prompt
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    hi, lo, clip, vae = _head(w)
    neg = _prompt(w, clip, "blurry")
    image = w.add("LoadImage", ["swimmer.png", "image"], [IMG, "MASK"])
    prev, frames = None, None
    for k in range(passes):
        ins = {"positive": (_prompt(w, clip, f"pass {k}"), 0, COND), "negative": (neg, 0, COND),
               "vae": (vae, 0, "VAE"), "start_image": (image, 0, IMG)}
        if prev is not None:
            ins["prev_latent"] = (prev, 0, LAT)
        node = w.add("WanSVIProAdvancedI2V", [832, 480, 81, 1, 1.0, 4, 1.5, 1.4, True, 0.5, 0.5, True, 0.5, 0.8, 0.2,
                                              True, 1.0, 0], [COND, COND, COND, LAT, "INT", "INT", "INT"], ins)
        a = w.add("KSamplerAdvanced", ["enable", 67, "fixed", 6, 1, "euler", "simple", 0, 3, "enable"], [LAT],
                  {"model": (hi, 0, "MODEL"), "positive": (node, 0, COND), "negative": (node, 2, COND),
                   "latent_image": (node, 3, LAT)})
        prev = w.add("KSamplerAdvanced", ["disable", 67, "fixed", 6, 1, "euler", "simple", 3, 10000, "disable"],
                     [LAT], {"model": (lo, 0, "MODEL"), "positive": (node, 1, COND), "negative": (node, 2, COND),
                             "latent_image": (a, 0, LAT)})
        dec = w.add("VAEDecode", [], [IMG], {"samples": (prev, 0, LAT), "vae": (vae, 0, "VAE")})
        frames = dec if frames is None else w.add(
            "ImageBatchExtendWithOverlap", [5, "source", "linear_blend"], [IMG, IMG, IMG],
            {"source_images": (frames, 2 if k > 1 else 0, IMG), "new_images": (dec, 0, IMG)})
    w.add("VHS_VideoCombine", [16, 0, "svi", "video/h264-mp4"], [], {"images": (frames, 2, IMG)})
    return w.doc()


def test_svi_pro_advanced_s_condition_is_said_for_what_differs_from_svi_2_pro_s():
    conv = convert(_svi_advanced_chain(), "svi_adv")
    text = said(conv)
    assert ("not made here (WanSVIProAdvancedI2V's condition is not the one Studio makes: it marks its motion latent "
            "frames as given, at strengths falling from its start strengths frame by frame (detail_boost sets the "
            "fall and, with overlap_frames, how many frames), scaled by motion_influence and their differences spread "
            "by motion_boost, where SVI 2.0 Pro's condition Studio makes marks the anchor's frame alone as given)") \
        in text
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert gen.params.get("svi_motion_latents", 0) == 0


def test_four_frame_reference_s_two_middle_pictures_are_said_not_taken_for_why():
    """WanFourFrameReferenceUltimate's frame 2 and frame 3 pictures were 'not taken: Wan's first-and-last-frame video
    takes its first and last frames only', though Image to Video takes a middle picture: now the reason."""
    from tests.convert.test_comfy_wanmid18 import _take
    d = _take()
    d["57"] = {"class_type": "LoadImage", "inputs": {"image": "third.png"}}
    d["52"] = {"class_type": "WanFourFrameReferenceUltimate", "inputs": {
        "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "frame_1_image": ["5", 0],
        "frame_2_image": ["56", 0], "frame_3_image": ["57", 0], "frame_4_image": ["55", 0], "width": 832,
        "height": 480, "length": 81, "batch_size": 1, "mode": "NORMAL"}}
    text = said(convert(d, "four"))
    assert ("'WanFourFrameReferenceUltimate' (WanFourFrameReferenceUltimate, #52)'s frame_2_image 'LoadImage' "
            "(LoadImage, #56: 'middle.png') is not taken: Image to Video holds one middle picture, and this node is "
            "given 2 (frame_2_image and frame_3_image)") in text
    del d["52"]["inputs"]["frame_3_image"]
    assert ("#56: 'middle.png') is not taken: its rule is not Image to Video's middle picture's (its frame only kept "
            "at least 4 frames after the one before it, where Image to Video's is kept within 4 .. length - 5") \
        in said(convert(d, "four"))
