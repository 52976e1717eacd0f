"""Analysis: the spaCy pipeline, roles, grammar, the gate and the engine that runs the packs."""
