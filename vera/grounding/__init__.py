"""vera.grounding."""
