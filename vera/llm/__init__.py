"""vera.llm."""
