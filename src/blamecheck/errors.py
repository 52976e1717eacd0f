"""User-facing failures: each carries one line that names what is wrong and with what.

Messages never include document text, so they are safe to print in CI logs.
"""

from __future__ import annotations


class BlamecheckError(Exception):
    """Anything the user can fix: bad input, a broken pattern pack, a missing model."""


class InputError(BlamecheckError):
    """A file or stream that cannot be linted."""


class PatternError(BlamecheckError):
    """A pattern pack that does not validate: names the file, the rule id and the field."""


class ModelMissingError(BlamecheckError):
    """No English pipeline is installed."""


class ConfigError(BlamecheckError):
    """A configuration file that does not validate: names the file, the key and what was
    expected."""
