"""Comité des financeurs : séances, ordre du jour, décisions, délibérations des partenaires (issue 11)."""

from __future__ import annotations
