"""Finding, checking and loading a model from the artist's disk: families, file checks, the diffusers load."""
