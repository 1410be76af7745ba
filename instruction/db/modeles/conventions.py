"""Conventions, CPO, avenants, échéanciers et versements (issue 12)."""

from __future__ import annotations
