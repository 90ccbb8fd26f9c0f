"""User-facing errors. Every message says what went wrong and what to do next."""

from __future__ import annotations


class VeraError(Exception):
    """Base class of every error vera reports to a user."""


class ConfigError(VeraError):
    """A setting, path or argument is wrong."""


class ParseError(VeraError):
    """Input (XML, JSON, a game file) could not be parsed."""


class ActionError(VeraError):
    """An action is malformed or cannot be executed in the current state."""


class DeviceError(VeraError):
    """A device (SimDroid, adb, Appium) failed to carry out a command."""


class DataError(VeraError):
    """Required data (a data set, a model, a game file) is missing or corrupt."""
