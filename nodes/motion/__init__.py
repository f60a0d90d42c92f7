"""Motion nodes: optical flow, flow tools, keypoint tracking, warping, motion transfer and frame
interpolation. The numpy/OpenCV building blocks live in :mod:`nodes.motion.flowlib` and
:mod:`nodes.motion.tracklib`, importable without the engine."""
