"""Results: the preview area, its fetcher, the viewers, the timeline and playback.

Imports neither the canvas nor the document; pixel maths and value formatting are Qt-free modules."""
