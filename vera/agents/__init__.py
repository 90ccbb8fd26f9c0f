"""vera.agents."""
