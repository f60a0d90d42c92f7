"""Two speakers' turns made in passes (102/02): ComfyUI's WanInfiniteTalkToVideo in mode two_speakers lays the voices one
after the other (audio_encoder_output_1's, then audio_encoder_output_2's: comfy_turns), and a later pass of the same
node, fed the earlier pass's frames as previous_frames, samples the voices from where those frames end (less its
motion_frame_count) for its own length. Where the first pass's length is worked out from the first voice's sound and
each later pass's from the next voice's, in order, with the same voices, the passes together make both turns: read as
the one continued take Studio's InfiniteTalk makes of both voices (its 'frames' 0: their length, each window continued
from the last motion frames made, as the later pass continues the earlier's). ComfyUI read for meaning only
(comfy_extras/nodes_wan.py WanInfiniteTalkToVideo: previous_frames, trim_image, multi_audio_type 'add')."""
from __future__ import annotations

from studio.convert.api import CNode

from .comfy_windows import joined_windows
from .talk_rate import FPS as SPEECH_FPS

VOICES = ("audio_encoder_output_1", "mode.audio_encoder_output_2")  # the turns, in the order ComfyUI lays them
KEEP_ALL = 4096  # ImageFromBatch's most 'length' (declared): a cut of the later pass keeping every frame after its own


def _sound(wf, node: CNode, port: str, find_loader) -> CNode | None:
    found = find_loader(wf, node, port, set())
    return found[0] if found is not None and found[0].cls in ("LoadAudio", "VHS_LoadAudio", "VHS_LoadAudioUpload") \
        else None


def read(b, node: CNode, later: list[CNode], up: list[CNode], said: list[str], find_loader) -> bool:
    """``node``'s passes ``later`` read as the continued take of both turns where their lengths are worked out from
    the voices' sounds in turn (said, the passes taken into the take); False (nothing done) otherwise."""
    wf = b.wf
    voices = [_sound(wf, node, p, find_loader) for p in VOICES]
    passes = [node, *later]  # (one later pass a turn: two voices, two passes)
    timed = [_sound(wf, n, "length", find_loader) for n in passes]
    same = all(n.links.get(p) == node.links.get(p) for n in later for p in VOICES)
    if None in voices or len(passes) != len(voices) or not same or \
            [v.id for v in voices] != [t.id if t is not None else None for t in timed]:
        return False
    motion = wf.value(later[0], "motion_frame_count")
    motion = motion if isinstance(motion, int) and motion > 0 else 9
    b.extra.update(frames=0, motion_frames=motion)
    b.continued.update(n.id for n in later)  # their passes sample windows of this take (mapping.settings)
    b.used.update(wf.source(n, "length").id for n in passes)
    files = " then ".join(f"'{b.file_of(v)}'" for v in voices)
    counts = ", ".join(wf.source(n, "length").named() for n in passes)
    said.append(f"{', '.join(n.named() for n in later)} {'continue' if len(later) > 1 else 'continues'} "
                f"{node.named()}'s take from its last {motion} frames (previous_frames) for the next speaker's turn, "
                f"each pass as long as its voice's sound ({counts}): read as one continued take of both turns, "
                f"as long as {files} (frames 0, at {SPEECH_FPS:g} fps), each window continued from the last "
                f"{motion} frames made (ComfyUI's clip, the later pass's first {motion} frames cut, ends about "
                f"{motion} frames before the sounds do)")
    joined_windows(b, later, up, KEEP_ALL, said)  # their frames joined on the way as the take does
    return True
