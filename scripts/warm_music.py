"""The numba kernels librosa compiles at its first import and first calls, compiled now: what Studio's
music features use (the Wan Dancer's onset envelope, MFCCs, CENS chroma, onset peaks, tempo and beats:
nodes/video_models/families/wan/dancer/dancer.py ``music_features``), on four seconds of a tone.

numba caches what it compiles beside librosa's sources (in .venv), once per environment; without this the
compile (about 26 s of one core on a 2-core machine) fell on the first music-driven render, or on the
first test that reads music. scripts/setup.sh runs this once per install, beside the bytecode import."""
import warnings

import numpy as np

from nodes.video_models.families.wan.dancer.dancer import music_features

RATE = 22050

if __name__ == "__main__":
    warnings.simplefilter("ignore")
    t = np.arange(4 * RATE, dtype=np.float32) / RATE
    music_features(0.2 * np.sin(2 * np.pi * 220.0 * t), RATE)
