"""blamecheck: lint child-protection documentation against the Safe & Together Model."""

__version__ = "0.1.0"
