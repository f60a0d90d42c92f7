"""Footage in and out as studios exchange it: image sequences (PNG, JPEG, TIFF, EXR), tracking
data (CSV/JSON keypoint tracks, KITTI flow PNGs) and video in production codecs."""
