"""vera.verifier."""
