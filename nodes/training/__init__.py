"""The one training loop of the studio (issue 31) and what its trainables share.

* :mod:`.loop`: :func:`run_loop` owns resume, the time budget, cancel (save, then raise), the loss
  read-back policy and the preview/checkpoint cadence; a trainable (the in-app generators,
  ``nodes.generators.train``; the video LoRA, ``nodes.video_models.lora.train``) says how to load,
  prepare, step, preview and save.
* :mod:`.settings`: a trainer's settings built from its node's parameters by field name.
* :mod:`.shared`: the atomic file write, the preview filmstrip and the node's step progress.
"""
