"""Save Audio: a sound written to a WAV file (16-bit PCM), as ComfyUI's SaveAudio writes a sound alone."""
from __future__ import annotations

import os

from studio.core.errors import MediaError
from studio.core.params import Path
from studio.core.spec import CLIP, In, Node, Out


class SaveAudio(Node):
    """Write a sound to a 16-bit PCM WAV file (its rate and channels as given)."""
    id = "io.save_audio"
    keywords = ("write", "export", "wav", "sound", "audio")
    title = "Save Audio"
    category = "Output"
    timing = CLIP
    is_output = True
    inputs = (In("audio", "Audio"),)
    outputs = (Out("audio", "Audio"),)
    params = (Path("path", "out.wav", mode="save", filters="WAV audio (*.wav)", help="where to write"),)

    def run(self, ctx, audio):
        from studio.engine.previews import output_path

        from .encoders.record import write_wav
        if audio is None or audio.n_samples == 0:
            raise MediaError("the sound has no samples: nothing to write")
        path, marks = output_path(ctx, ctx.params.path)
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        write_wav(path, audio)
        ctx.info(f"wrote {os.path.basename(path)}: {audio.duration:.2f} s at {audio.rate} Hz, {audio.channels} "
                 "channel(s)" + (f" ({'; '.join(marks)})" if marks else ""))
        return audio
