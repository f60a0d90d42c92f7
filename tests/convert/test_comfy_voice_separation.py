"""A voice separated from its music before a lip-sync encoder (tracing/voice_steps.py): kijai's ComfyUI-MelBandRoFormer
(MelBandRoFormerModelLoader -> MelBandRoFormerSampler, read by its declared types: one AUDIO in, 'vocals' and
'instruments' out, a model file of a models folder) made as Studio's Isolate Voice with the loader's file, its output
for what the workflow reads wired on; a separator whose file is no Mel-Band RoFormer stays said not applied. 62
cached workflows (InfiniteTalk, S2V, HuMo) said "not applied" before (heldout49 03)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan22_s2v
from tests.convert.said import api, nodes_of, said


def _s2v(model: str = "MelBandRoformer_fp16.safetensors", slot: int = 0) -> dict:
    """Wan 2.2 S2V whose song is separated (Mel-Band RoFormer) before its audio encoder, the separator's output
    ``slot`` encoded; the saved video carries the whole song."""
    return api({
        **wan22_s2v(["21", slot], more={"20": ("MelBandRoFormerModelLoader", {"model_name": model}),
                                        "21": ("MelBandRoFormerSampler", {"model": ["20", 0], "audio": ["7", 0]})}),
        "14": ("VAEDecode", {"samples": ["11", 0], "vae": ["5", 0]}),
        "16": ("CreateVideo", {"images": ["14", 0], "fps": 16, "audio": ["7", 0]}),
        "17": ("SaveVideo", {"video": ["16", 0], "filename_prefix": "v", "format": "auto", "codec": "auto"}),
    })


def _from(g, node_id: str, port: str):
    link = g.input_link(node_id, port)
    return (g.nodes[link.src], link.src_port) if link is not None else (None, None)


def test_mel_band_roformer_is_made_as_isolate_voice_with_the_loaders_file():
    conv = convert(_s2v("MelBandRoFormer\\MelBandRoformer_fp16.safetensors"), "s2v.json")
    g, s = conv.graph, said(conv)
    (iso,) = nodes_of(conv, "edit.isolate_voice")
    assert iso.params["model"] == "MelBandRoFormer/MelBandRoformer_fp16.safetensors"
    src, port = _from(g, iso.id, "audio")
    assert src.type_id == "io.load_audio" and src.params["path"] == "song.mp3"
    readers = [l for l in g.links if l.src == iso.id]
    assert [l.src_port for l in readers] == ["voice"]
    assert g.nodes[readers[0].dst].type_id != "io.save_video"  # the voice is encoded; the save keeps the song
    assert ("'MelBandRoFormerSampler' (MelBandRoFormerSampler, #21) separates the voice from the rest of the sound on "
            "its way to the generator's") in s
    assert "Isolate Voice does it with the Mel-Band RoFormer file 'MelBandRoFormer/MelBandRoformer_fp16.safetensors' " \
           "(the one 'MelBandRoFormerModelLoader' (MelBandRoFormerModelLoader, #20) loads)" in s
    assert "not applied" not in " ".join(x for x in s.splitlines() if "MelBand" in x)
    assert "wired without that step" not in s
    assert not {"20", "21"} & set(conv.dropped)
    assert g.validate() == []


def test_the_instruments_read_are_isolate_voices_rest():
    conv = convert(_s2v(slot=1), "s2v.json")
    (iso,) = nodes_of(conv, "edit.isolate_voice")
    assert [l.src_port for l in conv.graph.links if l.src == iso.id] == ["rest"]
    assert "is made from its 'rest' output (the rest of the sound)" in said(conv)


def test_a_separator_whose_file_is_no_mel_band_roformer_stays_said():
    """A Demucs file on the same loader: what it holds is not a Mel-Band RoFormer, so nothing is made and the step
    is said not applied, as before."""
    conv = convert(_s2v("htdemucs_ft.safetensors"), "s2v.json")
    assert nodes_of(conv, "edit.isolate_voice") == []
    s = said(conv)
    assert "Isolate Voice" not in s
    assert any("MelBandRoFormerSampler, #21" in x and ("not applied" in x or "without that step" in x)
               for x in s.splitlines())


def _acme(model: str, outs=(("instrumental", "AUDIO"), ("vocals", "AUDIO"))):
    """A UI file of a pack the catalogue does not hold: its separator's types and names as the file saves them, its
    model loader's one setting a file; the separator's second output (vocals) played."""
    from studio.convert.reading.workflow import Workflow
    from tests.convert.ui_files import ui
    return Workflow.read(ui([(1, "LoadAudio", [], ["AUDIO"], ["song.mp3"]),
                             (2, "AcmeSeparatorLoader", [], [("model", "ACME_SEP")], [model]),
                             (3, "AcmeVoiceSplit", [("sep_model", "ACME_SEP"), ("audio", "AUDIO")], list(outs), []),
                             (4, "PreviewAudio", [("audio", "AUDIO")], [], [])],
                            [(1, 0, 3, "audio"), (2, 0, 3, "sep_model"), (3, 1, 4, "audio")]))


def test_a_pack_not_in_the_catalogue_is_read_by_the_types_its_file_saves():
    from studio.convert.tracing import voice_steps
    wf = _acme("MelBand_RoFormer_vocals.safetensors")
    n = wf.nodes["3"]
    assert voice_steps.is_step(wf, n) and voice_steps.out(wf, n) == "voice"  # slot 1 is its 'vocals'
    assert voice_steps.model_of(wf, n) == ("MelBand_RoFormer_vocals.safetensors", wf.nodes["2"])
    assert not voice_steps.is_step(*(lambda w: (w, w.nodes["3"]))(_acme("htdemucs.safetensors")))
    four = _acme("MelBand_RoFormer_vocals.safetensors",
                 (("vocals", "AUDIO"), ("drums", "AUDIO"), ("bass", "AUDIO"), ("other", "AUDIO")))
    assert not voice_steps.is_step(four, four.nodes["3"])  # Demucs' four stems: not a voice and its rest
