"""The rules, one small family per file; ``policies.registry`` lists every one explicitly."""
