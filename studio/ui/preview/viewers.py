"""Viewers, one per kind of value: image/video frames (with zoom, pan, fit, 1:1, pixel readout,
mask and keypoint overlays, flow arrows and an A/B wipe), audio (waveform and spectrogram),
features (heatmap and curves over time; for a fusion node's output, a stacked plot of which
input dominates), similarity matrices (a labelled heatmap with values; hover names the pair)
and text (a model's summary, numbers, strings).

The conversions from engine values to displayable pixels are plain numpy/cv2 functions in
``pixels.py``, so they are tested and benchmarked without widgets.
"""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit, QStackedWidget, QWidget

from studio.ui.preview.image_view import ImageView
from studio.ui.preview.plots import AudioView, FeaturesView, SimilarityView

# -- Qt images ------------------------------------------------------------------------------


# -- image viewer ---------------------------------------------------------------------------


# -- audio, features, text ------------------------------------------------------------------


class TextView(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        f = QFont("monospace")
        f.setStyleHint(QFont.Monospace)
        self.setFont(f)


class ViewerStack(QStackedWidget):
    """One page per kind of viewer."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image = ImageView()
        self.text = TextView()
        self._audio: AudioView | None = None
        self._features: FeaturesView | None = None
        self.similarity = SimilarityView()
        self.addWidget(self.image)
        self.addWidget(self.text)
        self.addWidget(self.similarity)

    @property
    def audio(self) -> AudioView:
        if self._audio is None:  # pyqtgraph is imported on first use
            self._audio = AudioView()
            self.addWidget(self._audio)
        return self._audio

    @property
    def features(self) -> FeaturesView:
        if self._features is None:
            self._features = FeaturesView()
            self.addWidget(self._features)
        return self._features

    def show_page(self, name: str) -> QWidget:
        w = getattr(self, name)
        self.setCurrentWidget(w)
        return w
