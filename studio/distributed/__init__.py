"""Chunked, resumable renders on a local process pool, on Ray and on render farms (OpenJD).

The pieces, each in its own module:

* :mod:`.planner` reads the compiled plan: which node writes the video, which nodes can run per
  chunk (SOURCE, FRAME, WINDOW and lazy CLIP nodes) and which whole-clip nodes must run once first;
  it splits the frame range into chunks.
* :mod:`.job` is the job folder (named by the frames' signature): the job description, the results
  of the whole-clip nodes, and one lossless file per finished chunk, published by atomic rename.
* :mod:`.chunk` renders one chunk through the same :class:`~studio.engine.executor.Executor`.
* :mod:`.collect` encodes the chunks into one MP4 with the single-process encoder settings,
  muxes the sound once and embeds the graph.
* :mod:`.local` (process pool, spawn) and :mod:`.ray_engine` run chunk tasks; :mod:`.render`
  ties it together for the CLI and the Render dialog; :mod:`.sweep` expands parameter sweeps and
  makes the contact sheet; :mod:`.openjd` writes a farm job template.

Nothing here imports Qt, Ray or OpenJD at module import.
"""
