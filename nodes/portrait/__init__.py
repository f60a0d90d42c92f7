"""Portrait animation: a still face moved by a driving clip (LivePortrait)."""
