"""The sound a save writes where the workflow's save takes it from the node that reads the voices into the take's
features (a speech encoder giving back, on an AUDIO output, the sounds it is given: kijai's
MultiTalkWav2VecEmbeds gives the voices it encodes, each as its Mel-Band RoFormer left it): Studio writes the voices
as its generator hears them (the sound its Speech Features are made of: Isolate Voice's voice, not the Load Audio's
whole file), said. Told by the converted graph's links and the workflow node each Studio node was read from, no
node name. Plain data."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..takes.sound import sound_port

_name = CNode.named  # the node in a sentence


def given_back(b: Any, save: CNode, gen: str | None, heard: tuple[str, ...],
               loaders: tuple[tuple[str, str], ...]) -> tuple[list[tuple[str, str]], str | None] | None:
    """([Studio's sound of each voice ``heard`` by generator ``gen``], the sentence) where ``save``'s sound comes from
    the node the voices' features were read from (a voice's read from it, another's from a node made beside it of a
    sound it is given) and a voice reaches those features through a step of its own (its sound not the Load Audio's
    ``loaders``); where the save takes the one voice's very sound its features are made of (a Mel-Band RoFormer's
    voice), that sound and no sentence; else None (the save's sound read as before)."""
    if gen is None or not heard:
        return None
    port = sound_port(b.wf, save)
    src = b.wf.source(*port) if port is not None else None
    if src is None:
        return None
    given = {tuple(v) for v in {**getattr(src, "let_go", {}), **src.links}.values()}  # the sounds it is given
    sounds, own, same = [], False, True
    for k in heard:
        feats = b.g.input_link(gen, k)
        read = b.wf.nodes.get(b.out.origin.get(feats.src, "")) if feats is not None else None
        sound = b.g.input_link(feats.src, "audio") if feats is not None else None
        if read is None or sound is None:
            return None
        heard_of = read.links.get("audio")  # the sound its features are read of
        itself = b.out.origin.get(sound.src) == src.id  # the save takes the very sound the features are made of
        if not itself and read.id != src.id and (heard_of is None or tuple(heard_of) not in given):
            return None  # a voice's features made of a sound the node giving the save its sound is not given
        own, same = own or read.id == src.id, same and itself
        sounds.append((sound.src, sound.src_port))
    if same and len(sounds) == 1:  # (the one voice's sound as its features hear it: an isolated voice the save takes,
        return sounds, None  # as ComfyUI writes it: nothing to say)
    if not own or all(s == loaded for s, loaded in zip(sounds, loaders)):  # (a node of the workflow's own joining
        # the voices' files, not their encoder: its sentence is the two-voice reading's, mixed_voices)
        return None  # the voices' own files: the two-voice reading says it (mixed_voices)
    steps = [b.wf.nodes.get(b.out.origin.get(s[0], "")) for s in sounds]
    via = ", ".join(_name(n) for n in steps if n is not None and n.id != src.id)
    turns = any(b.g.nodes[s[0]].type_id == "edit.audio_concat" for s in sounds)
    how = ("" if len(sounds) == 1 else ", one after the other as it takes them (Audio Mix of each with silence while "
           "the other speaks)" if turns else ", mixed, both from the start (Audio Mix)")
    shown = ", ".join(f"{k} {v}" for k, v in src.widgets.items() if isinstance(v, (str, int, float, bool)))
    voices = "the voice" if len(sounds) == 1 else "the voices"
    own = f" ({shown})" if shown else ""
    unset = (f"; what that node itself does to the sound it gives back{own} (such as a loudness evened, a length "
             "cut, another rate) is not done to it")
    return sounds, (f"{_name(save)} writes the sound {_name(src)} gives back of {voices} it is given"
                    f"{f' (through {via})' if via else ''}: Studio's Save Video writes {voices} as its generator hears "
                    f"{'it' if len(sounds) == 1 else 'them'}{how}, not the whole file{'s' if len(sounds) > 1 else ''}"
                    f" loaded{unset}")
