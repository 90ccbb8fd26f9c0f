"""Gymnasium registration of vera's environments (run on `import vera`)."""

from __future__ import annotations

ENVS: dict[str, str] = {
    "vera/SimDroid-v0": "vera.env.android.sim.gym_env:SimDroidGymEnv",
    "vera/ALFWorld-v0": "vera.env.alfworld.gym_env:ALFWorldGymEnv",
}


def register_envs() -> None:
    """Register every vera env id with Gymnasium; entry points are imported only on `make`."""
    import gymnasium

    for env_id, entry_point in ENVS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry_point)
