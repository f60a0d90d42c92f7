"""LTX-2's sound made alone (text to audio), as the workflows sharing it read: ComfyUI-LTXVideo's
LTXVAudioOnlyEmptyVideoLatent (a placeholder video latent beside LTXVEmptyLatentAudio's, with LTXVAudioOnlyModel
wrapping the transformer so only its audio branch is sampled: the pack's T2A example, read for meaning) and
ckinpdx's LTXAudioOnlyLatent (the audio and placeholder latents in one node, from the audio VAE). Studio's LTX-2 Video
+ Sound makes its sound with a picture, so such a workflow is held with one sentence (mapping.convert._held_tasks:
the task nodes a mapping declares with no generator). Plain data."""
from __future__ import annotations

from studio.convert.api import Task

SOUND_ALONE = Task("a sound alone (text to audio)", None, family="LTX-2",
                   cannot="make LTX-2's sound without a picture (its LTX-2 Video + Sound node makes the sound with a "
                          "video, and has no audio-only mode)")

# the latent makers of an audio-only take, each a task node held with that sentence
TASKS = {"LTXVAudioOnlyEmptyVideoLatent": SOUND_ALONE, "LTXAudioOnlyLatent": SOUND_ALONE}
