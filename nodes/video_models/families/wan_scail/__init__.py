"""SCAIL-2 (Zhipu, zai-org/SCAIL-2): a reference character animated by, or put in the place of the person of, a driving video, with identity masks."""
