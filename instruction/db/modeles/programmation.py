"""Programmation : enveloppes des cofinanceurs, scénarios de décisions provisoires (issue 11)."""

from __future__ import annotations
