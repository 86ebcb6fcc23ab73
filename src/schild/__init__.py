"""schild: simulate and plan integrated air and missile defence from public figures."""

__version__ = "0.1.0"
