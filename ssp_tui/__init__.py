"""ssp-tui: a keyboard-first terminal client for the ProAssurance Secure Services Portal."""

__version__ = "0.1.0"
