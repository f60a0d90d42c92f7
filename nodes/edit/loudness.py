"""Audio Loudness: a sound brought to a loudness target in LUFS (ITU-R BS.1770 integrated loudness, measured by
pyloudnorm, MIT), one gain for the whole sound: the step lip-sync workflows take before their speech encoder
(kijai's WanVideoWrapper NormalizeAudioLoudness does the same with pyloudnorm, default -23 LUFS, the EBU R 128
target). A silent sound (its loudness below -100 LUFS, as that node leaves it) or one shorter than the meter's
0.4 s block is left as it is, said."""
from __future__ import annotations

import numpy as np

from studio.core.params import Bool, Float
from studio.core.spec import In, Node, Out
from studio.core.values import Audio

BLOCK = 0.4  # seconds: the meter's gating block (BS.1770)
SILENT = -100.0  # LUFS: below it the sound is taken as silence and left as it is (the wrapper's rule)


def loudness(audio: Audio) -> float | None:
    """The integrated loudness of ``audio`` in LUFS; None where it is shorter than one gating block."""
    import pyloudnorm
    if audio.duration <= BLOCK:
        return None
    return float(pyloudnorm.Meter(audio.rate, block_size=BLOCK).integrated_loudness(audio.samples.astype(np.float64)))


class AudioLoudness(Node):
    """Bring a sound to a loudness target (LUFS): one gain for the whole sound, as broadcast normalising does."""
    id = "edit.audio_loudness"
    title = "Audio Loudness"
    category = "Audio"
    inputs = (In("audio", "Audio"),)
    outputs = (Out("audio", "Audio"),)
    params = (Float("lufs", -23.0, min=-100.0, max=0.0, step=0.1, decimals=1, label="Target LUFS",
                    help="target integrated loudness: -23 broadcast (EBU R 128), -14 streaming; nearer 0 is louder"),
              Bool("limit", True, help="clip the result to [-1, 1] where the gain takes peaks past it"))

    def run(self, ctx, audio):
        if audio is None:  # (a Load Video's file without a sound track)
            ctx.info("no sound is given: nothing to bring to a loudness")
            return None
        p = ctx.params
        level = loudness(audio)
        if level is None:
            ctx.info(f"the sound lasts {audio.duration:.2f} s, under the meter's {BLOCK:g} s block: left as it is")
            return audio
        if not np.isfinite(level) or level < SILENT:
            ctx.info("the sound is silent (no loudness to measure): left as it is")
            return audio
        gain_db = p.lufs - level
        x = audio.samples * np.float32(10 ** (gain_db / 20))
        over = float(np.abs(x).max(initial=0.0))
        ctx.info(f"loudness {level:.1f} LUFS -> {p.lufs:g} LUFS ({gain_db:+.1f} dB)")
        if over > 1.0:
            if p.limit:
                ctx.warn(f"the gain takes the peaks to {over:.2f}: clipped to 1 (turn 'limit' off to keep them)")
                x = np.clip(x, -1.0, 1.0)
            else:
                ctx.info(f"the gain takes the peaks to {over:.2f} ('limit' off: kept past 1)")
        return Audio(x, audio.rate)
