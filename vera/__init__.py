"""vera: agents that judge before they act.

One framework for verifier-driven GUI agents (Android) and embodied agents (ALFWorld). See README.md
for the commands and shared/DESIGN.md for the map of the package. Importing vera registers its
Gymnasium environments (``vera/SimDroid-v0``, ``vera/ALFWorld-v0``).
"""

from vera.env.registration import register_envs
from vera.errors import VeraError

__version__ = "0.1.0"

register_envs()

__all__ = ["VeraError", "__version__"]
