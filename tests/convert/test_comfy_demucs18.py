"""ComfyUI's 'AudioSeparation' (christian-byrne's audio-separation-nodes-comfyui: torchaudio's Hybrid Demucs
bundle, four stems) on a voice's way to MultiTalk's speech encoder: made by Studio's Separate Sound, its stem read by
the workflow wired on (heldout80 01: the mix, not the vocals, drove the lips)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from studio.convert.tracing import voice_steps
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout6_mends import _talk

ENC = {"strength_1": 1.0, "strength_2": 1.0, "combine_embeds": "average", "tiles": 0, "ratio": 0.5}


def _from(conv, node_id: str, port: str) -> tuple[str, str]:
    link = conv.graph.input_link(node_id, port)
    return link.src, link.src_port


def _separated(slot: int = 3, **settings) -> dict:
    doc = _talk(ENC)
    doc["30"] = {"class_type": "AudioSeparation", "inputs": {
        "audio": ["6", 0], "chunk_fade_shape": "linear", "chunk_length": 10.0, "chunk_overlap": 0.1, **settings}}
    doc["8"]["inputs"]["audio_1"] = ["30", slot]  # its 'Vocals' (Bass, Drums, Other, Vocals)
    return doc


def test_audio_separations_vocals_feed_the_speech_features_through_separate_sound():
    conv = convert(_separated(chunk_length=8.0, chunk_fade_shape="half_sine"), "talk")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    sep = nodes_of(conv, "edit.separate_sound")
    assert len(sep) == 1
    assert sep[0].params["model"] == "hdemucs_high_trained.pt"
    assert (sep[0].params["chunk_seconds"], sep[0].params["overlap"], sep[0].params["fade"]) == (8.0, 0.1,
                                                                                                 "half_sine")
    speech = nodes_of(conv, "encode.speech")[0]
    assert _from(conv, speech.id, "audio") == (sep[0].id, "vocals")
    assert conv.graph.nodes[_from(conv, sep[0].id, "audio")[0]].type_id == "io.load_audio"
    text = said(conv)
    assert ("'AudioSeparation' (AudioSeparation, #30) separates the sound's vocals, drums, bass and the rest on its "
            "way to the generator's 'speech': Studio's Separate Sound does it with Hybrid Demucs (torchaudio's "
            "HDEMUCS_HIGH_MUSDB_PLUS weights, 'hdemucs_high_trained.pt', in a models folder's audio_separation/: "
            "torchaudio downloads it into ~/.cache/torch/hub/, Studio never does), and 'speech' is made from its "
            "'vocals' output") in text
    assert "not applied" not in " ".join(x for x in text.splitlines() if "AudioSeparation" in x)


def test_another_stem_read_is_wired_and_two_stems_read_are_not_made():
    conv = convert(_separated(slot=2), "talk")  # its 'Other'
    sep = nodes_of(conv, "edit.separate_sound")
    assert _from(conv, nodes_of(conv, "encode.speech")[0].id, "audio") == (sep[0].id, "other")
    both = _separated()
    both["31"] = {"class_type": "PreviewAudio", "inputs": {"audio": ["30", 1]}}
    wf = Workflow.read(both)
    assert not voice_steps.is_step(wf, wf.nodes["30"])  # one Separate Sound's stem per way only


def test_a_four_stem_separator_with_a_model_file_is_not_taken_for_hybrid_demucs():
    from tests.convert.ui_files import ui
    wf = Workflow.read(ui([(1, "LoadAudio", [], ["AUDIO"], ["song.mp3"]),
                           (2, "AcmeSeparatorLoader", [], [("model", "ACME_SEP")], ["htdemucs_ft.safetensors"]),
                           (3, "AcmeFourStems", [("sep_model", "ACME_SEP"), ("audio", "AUDIO")],
                            [("bass", "AUDIO"), ("drums", "AUDIO"), ("other", "AUDIO"), ("vocals", "AUDIO")], []),
                           (4, "PreviewAudio", [("audio", "AUDIO")], [], [])],
                          [(1, 0, 3, "audio"), (2, 0, 3, "sep_model"), (3, 3, 4, "audio")]))
    assert not voice_steps.is_step(wf, wf.nodes["3"])  # its own file: what it holds is not the torchaudio bundle
