"""Suivi des actions : copils, visites évaluatives, suivi renforcé, valeurs des indicateurs (issue 13)."""

from __future__ import annotations
