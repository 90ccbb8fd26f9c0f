"""Seeds as AndroidWorld derives them, so a vera suite and AndroidWorld pick the same params."""

from __future__ import annotations

import hashlib

DEFAULT_SUITE_SEED = 30


def instance_seed(suite_seed: int, task_name: str, instance: int) -> int:
    """``int(sha256(f"{seed}_{name}_{i}")) % 2**32``, AndroidWorld's `create_suite` rule."""
    digest = hashlib.sha256(f"{suite_seed}_{task_name}_{instance}".encode()).hexdigest()
    return int(digest, 16) % 2**32
