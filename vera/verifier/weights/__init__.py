"""The shipped default verifier weights (package data): default.safetensors, trained by `vera train verifier`."""
