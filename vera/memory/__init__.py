"""vera.memory."""
