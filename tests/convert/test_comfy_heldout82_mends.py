"""Issue 112, heldout82's mends (fresh set judged on main d4499d26): each test builds its workflow from node types,
values and links and fails without its mend.

1. ComfyUI's S2V extend chunks (WanSoundImageToVideoExtend, each sampled by its own KSampler), read as windows of
   Studio's one S2V take, were each said "this pass is not made (Studio's generator makes the take without it)" beside
   the line saying the chunks are made: now each is said a later window of the one take, its own seed not used
   (82/08).
2. A join of takes counted one pipeline however many takes it generated ("16 made, each a pipeline of its own"
   beside "11 pipeline(s)"): each take it generates counts, one another output made counted there (82/05).
3. A pack's text box whose mode setting picks its STRING output (VRGDG_TextBox, output_mode 'string') was "written
   ... when the workflow runs", the generator given no prompt: its text is read as the prompt (82/02-04).
4. A save muxing another file than the one a sound-driven take is made from wrote the take's sound (the isolated
   vocals instead of the full mix), unsaid: it writes the file ComfyUI writes, said (82/06).
5. A save's sound walked back through a sampler to a picture's Load Image (a crash on main d4499d26, found by this
   set's regression run over the cached corpus; heldout81 mended the same crash (sound.sound_loader), taken in the
   merge of main): this test keeps a hand-made shape of it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan22_s2v
from tests.convert.said import api, nodes_of, said


def _s2v_extended() -> dict:
    nodes = wan22_s2v(["7", 0])
    nodes["12"] = ("WanSoundImageToVideoExtend", {"length": 77, "positive": ["3", 0], "negative": ["4", 0],
                                                  "vae": ["5", 0], "video_latent": ["11", 0],
                                                  "audio_encoder_output": ["8", 0], "ref_image": ["9", 0]})
    nodes["13"] = ("KSampler", {"seed": 250, "steps": 4, "cfg": 1.0, "sampler_name": "uni_pc", "scheduler": "simple",
                                "denoise": 1.0, "model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1],
                                "latent_image": ["12", 2]})
    nodes["14"] = ("LatentConcat", {"samples1": ["11", 0], "samples2": ["13", 0], "dim": "t"})
    nodes["15"] = ("VAEDecode", {"samples": ["14", 0], "vae": ["5", 0]})
    nodes["16"] = ("CreateVideo", {"images": ["15", 0], "audio": ["7", 0], "fps": 16})
    nodes["17"] = ("SaveVideo", {"video": ["16", 0], "filename_prefix": "s2v", "format": "auto", "codec": "auto"})
    return api(nodes)


def test_an_s2v_extend_chunk_made_as_a_window_of_the_take_is_not_said_a_pass_not_made():
    conv = convert(_s2v_extended(), "s2v_extend.json")
    assert nodes_of(conv, "video_models.wan_s2v")[0].params["frames"] == 154  # (77 + 77: the chunk is made)
    text = said(conv)
    assert "this pass is not made" not in text
    assert ("- a later window: 'KSampler' (#13) samples what 'WanSoundImageToVideoExtend' (#12) continues, part of "
            "the one take; its own seed 250 is not used: Studio's generator makes the whole take with one seed") in text


def _three_segments_one_saved_alone() -> dict:
    """Three Wan 2.1 I2V takes of one picture joined by ImageBatchMulti into one save; the first also saved alone
    (heldout82 05's shape: ten takes saved alone first, six more made for the join)."""
    from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
    more = {}
    for k in (1, 2, 3):
        more.update(wan21_i2v_segment(k, ["5", 0]))
    more["900"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["104", 0], "filename_prefix": "one", "fps": 16, "lossless": False, "quality": 90, "method": "default"}}
    more["901"] = {"class_type": "ImageBatchMulti", "inputs": {
        "inputcount": 3, "image_1": ["104", 0], "image_2": ["204", 0], "image_3": ["304", 0]}}
    more["902"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["901", 0], "filename_prefix": "all", "fps": 16, "lossless": False, "quality": 90, "method": "default"}}
    return wan21_i2v_base(more)


def test_a_join_counts_each_take_it_generates_as_a_pipeline():
    """"16 made, each a pipeline of its own" was followed by "11 pipeline(s)": the join counted one pipeline however
    many takes it generated. Now each take it generates is one, a take another output made counted there once."""
    conv = convert(_three_segments_one_saved_alone(), "three_takes.json")
    gens = [t for t in conv.tasks if t.get("generator")]
    text = said(conv)
    assert "joins 3 takes" in text and "3 made, each a pipeline of its own" in text
    assert "take 1 is the take of" in text  # (made once, for its own save and the join)
    assert conv.pipelines == 3 == len(gens)
    assert "three_takes.json: 3 pipeline(s)" in text


def _typed_prompt(mode: str) -> dict:
    """Core Wan 2.1 I2V whose prompt is typed into a pack's text box (VRGDG_TextBox: a multiline 'text' and an
    'output_mode' choosing its STRING or its JSON output), wired to the encode's 'text'."""
    from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
    more = wan21_i2v_segment(1, ["5", 0])
    more["100"]["inputs"]["text"] = ["90", 0]
    more["90"] = {"class_type": "VRGDG_TextBox", "inputs": {"text": "a lighthouse in a storm, waves breaking",
                                                            "output_mode": mode}}
    more["105"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["104", 0], "filename_prefix": "take", "fps": 16, "lossless": False, "quality": 90,
        "method": "default"}}
    return wan21_i2v_base(more)


def test_a_text_box_whose_mode_names_its_string_output_gives_its_text_as_the_prompt():
    """heldout82 02-04: the prompt typed into the pack's 'VRGDG_TextBox' (its output_mode 'string', its outputs STRING
    and JSON) was "written by ComfyUI's 'prompt' (VRGDG_TextBox, #933) when the workflow runs; Studio does not run
    it": the generator had no prompt. A setting that picks, by its first output's type, which output carries the
    text changes no value: the box's text is the prompt."""
    conv = convert(_typed_prompt("string"), "text_box.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)
    assert gen.params["prompt"] == "a lighthouse in a storm, waves breaking"
    assert "Studio does not run it" not in said(conv)


def test_a_text_box_set_to_another_output_is_still_not_read_as_the_text():
    conv = convert(_typed_prompt("json"), "text_box_json.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)
    assert gen.params["prompt"] != "a lighthouse in a storm, waves breaking"
    assert "(VRGDG_TextBox, #90)" in said(conv)


def test_a_save_muxing_another_file_than_the_one_driving_the_take_writes_that_file():
    """heldout82 06: LTX-2 driven by a song's isolated vocals (one file) while the save muxes the full mix (another
    file): Studio's Save Video wrote the generator's sound (the vocals), unsaid. Now it writes the file ComfyUI writes,
    said; the same file driving and written keeps the generator's sound (02-04)."""
    from tests.convert.test_comfy_heldout62_mends import _sound_driven
    doc = _sound_driven()
    doc["50"] = {"class_type": "LoadAudio", "inputs": {"audio": "full_mix.mp3"}}
    doc["9"]["inputs"]["audio"] = ["50", 0]
    conv = convert(doc, "mix.json")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    (sv,) = nodes_of(conv, "io.save_video")
    src = conv.graph.nodes[conv.graph.input_link(sv.id, "audio").src]
    assert gen.params["sound"] == "drive" and src.type_id == "io.load_audio" and src.params["path"] == "full_mix.mp3"
    assert ("'SaveVideo' (#10) writes the sound 'full_mix.mp3' (LoadAudio, #50) beside the frames, not the file the "
            "generator's 'audio' is made from ('song.mp3'): Save Video writes that file's sound") in said(conv)
    same = convert(_sound_driven(), "same.json")
    (sv,) = nodes_of(same, "io.save_video")
    assert same.graph.nodes[same.graph.input_link(sv.id, "audio").src].type_id == "video_models.ltx2"


def test_a_picture_loader_behind_the_sampler_is_not_read_as_the_sound_a_save_writes():
    """Found by heldout82's regression run over the cached corpus (a crash on main d4499d26; mended by heldout81's
    sound_loader, merged): LTX-2's decoded sound
    through a volume step to the save; the walk back from the save's 'audio' crossed the sampler to the start picture's
    Load Image, which was wired to Save Video's 'audio' (TypeMismatchError). A picture's loader gives no sound: the
    take's own sound is written, the step said."""
    from tests.convert.test_comfy_heldout62_mends import _sound_driven
    doc = _sound_driven()
    for k in ("22", "24", "25", "26"):
        del doc[k]
    doc["6"]["inputs"]["length"] = 97
    doc["42"] = {"class_type": "LTXVEmptyLatentAudio", "inputs": {"frames_number": 97, "frame_rate": 25,
                                                                  "batch_size": 1, "audio_vae": ["41", 0]}}
    doc["27"]["inputs"]["audio_latent"] = ["42", 0]
    rest = doc["32"]["inputs"]
    doc["32"]["inputs"] = {"latent_image": rest.pop("latent_image"), **rest}  # (the walk's first way: to the picture)
    doc["34"] = {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["33", 1], "audio_vae": ["41", 0]}}
    doc["35"] = {"class_type": "AudioAdjustVolume", "inputs": {"audio": ["34", 0], "volume": 0}}
    doc["9"]["inputs"]["audio"] = ["35", 0]
    conv = convert(doc, "vol.json")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    (sv,) = nodes_of(conv, "io.save_video")
    assert conv.graph.input_link(sv.id, "audio").src == gen.id
    assert "'AudioAdjustVolume' (AudioAdjustVolume, #35), a step between its 'audio' and 'CreateVideo' (#9)'s " \
           "'audio': not applied (its settings: volume 0)" in said(conv)
    assert "writes the sound 'singer.png'" not in said(conv)
