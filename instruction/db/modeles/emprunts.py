"""Travail hors ligne : emprunts de dossiers et retours (issue 15)."""

from __future__ import annotations
