"""The ground floor of the video models: errors, the Family interface and its registry, task kinds
and the inputs each takes. Imports nothing above it (stdlib only): every other folder may import it."""
