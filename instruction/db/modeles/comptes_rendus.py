"""Comptes rendus financiers (CERFA 15059) et bilans attendus (issue 13)."""

from __future__ import annotations
