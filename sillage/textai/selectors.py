"""Reads other apps may use."""

from __future__ import annotations


def theme_options(organization) -> list[tuple[str, str]]:
    """The organisation's themes as (code, label in the active language), for pickers.

    Other apps (workshops) call this; it returns [] until the organisation has themes.
    """
    return []
