"""Two speakers taking turns (InfiniteTalk's Generator 'wired' hook): ComfyUI's WanInfiniteTalkToVideo in mode
two_speakers lays the two voices one after the other (audio_encoder_output_1's speaks first, then
audio_encoder_output_2's; it pads each voice's features with zeros while the other speaks), where Studio's InfiniteTalk
hears 'speech' and 'speech_2' together from the take's start. So each voice reaches its Speech Features with
silence while the other speaks (Audio Silence and Audio Concat), as InfiniteTalk's reference lays voices that take
turns (MeiGen-AI/InfiniteTalk generate_infinitetalk.py audio_prepare_multi, audio_type 'add': each waveform followed
or preceded by zeros as long as the other's). Read for meaning; nothing of either is copied."""
from __future__ import annotations

TASK = "WanInfiniteTalkToVideo"
SECOND = "mode.audio_encoder_output_2"


def _features_audio(b, gen: str, port: str) -> tuple[str, tuple[str, str]] | None:
    """(the Speech Features on ``gen``'s ``port``, the sound it encodes), else None."""
    link = b.g.input_link(gen, port)
    if link is None or b.g.nodes[link.src].type_id != "encode.speech":
        return None
    sound = b.g.input_link(link.src, "audio")
    return (link.src, (sound.src, sound.src_port)) if sound is not None else None


def take_turns(b, gen: str, load: str, params: dict) -> None:
    """The two voices given to InfiniteTalk ``gen`` one after the other, as ComfyUI's node lays them; said."""
    task = next((n for n in b.wf.nodes.values() if n.cls == TASK and n.enabled and SECOND in n.links), None)
    first, second = _features_audio(b, gen, "speech"), _features_audio(b, gen, "speech_2")
    laid = getattr(b.wf, "talk_layouts", {}).get(task.id) if task is not None else None  # the wrapper's (its embeds)
    if task is None or first is None or second is None or (laid and laid[0] != "add"):
        return  # (the wrapper's two voices spoken together, 'para': no turns)
    if first[0] == second[0]:  # one Speech Features for both: no turns to give it
        b.say(f"'{task.title or task.shown_cls}' ({task.shown_cls}, #{task.id}) gives both speakers the same voice, "
              "which ComfyUI lays twice, one after the other: Studio's InfiniteTalk hears it once on 'speech' and "
              "'speech_2' together")
        return
    if not _given(b, first[1][0]):  # (given already for another output of the same voices)
        _turned(b, task, first, second)
    who = f"{laid[1]} lays the voices one after the other (multi_audio_type 'add': audio_1's first, then " \
          "audio_2's)" if laid else f"'{task.title or task.shown_cls}' ({task.shown_cls}, #{task.id}) gives two " \
          "speakers their turns: ComfyUI lays the voices one after the other (audio_encoder_output_1's first, then " \
          "audio_encoder_output_2's)"
    b.say(f"{who}, where "
          "Studio's InfiniteTalk hears 'speech' and 'speech_2' together; so each voice's Speech Features is given "
          "it with silence while the other speaks (Audio Silence, Audio Concat), as InfiniteTalk's reference lays "
          f"voices that take turns ({'the wrapper' if laid else 'ComfyUI'} pads the voice features with zeros there)")


def _given(b, sound: str) -> bool:
    """The sound ``sound`` is a voice already given its turn: Audio Concat of it and Audio Silence."""
    quiet = b.g.input_link(sound, "b") if b.g.nodes[sound].type_id == "edit.audio_concat" else None
    return quiet is not None and b.g.nodes[quiet.src].type_id == "edit.audio_silence"


def _turned(b, task, first: tuple, second: tuple) -> None:
    """Each voice's Speech Features given it with silence while the other speaks: the first, then the second."""
    quiet = [b.add("edit.audio_silence", {}, task) for _ in range(2)]
    b.g.connect(*first[1], quiet[0], "audio")
    b.g.connect(*second[1], quiet[1], "audio")
    one = b.add("edit.audio_concat", {"direction": "after"}, task)  # the first voice, then silence
    b.g.connect(*first[1], one, "a")
    b.g.connect(quiet[1], "audio", one, "b")
    two = b.add("edit.audio_concat", {"direction": "after"}, task)  # silence, then the second voice
    b.g.connect(quiet[0], "audio", two, "a")
    b.g.connect(*second[1], two, "b")
    b.g.connect(one, "audio", first[0], "audio")
    b.g.connect(two, "audio", second[0], "audio")
