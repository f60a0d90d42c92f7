"""An output's passes and takes beyond its first sampler: every sampler pass in the ledger (passes.py), takes
joined into one output (segments.py) or extended from another's frames (extend.py), a take saved as pictures
(frames.py), the sound the save muxes (sound.py), and the ledger: what reaches an output is carried or said
(ledger.py). Called with the builder (mapping/), which they ask for what it made."""
