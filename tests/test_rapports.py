"""Les documents produits, relus comme un utilisateur les relirait."""

from __future__ import annotations

import datetime as dt

import pytest

from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports.liste_dossiers import exporter
from instruction.services.lignes import LigneDossier


def _ligne(numero: str, cout: int) -> LigneDossier:
    return LigneDossier(
        1, numero, "Ateliers parents-enfants", "Centre social Matisse", "CDV", 2023, "Beau Marais", "solde",
        dt.datetime(2024, 5, 2, 9, 30), cout, cout // 2, dt.date(2022, 11, 3),
    )


def test_export_xlsx_relu(tmp_path):
    from openpyxl import load_workbook

    fichier = exporter([_ligne("CDV-2023-001", 123456), _ligne("CDV-2023-002", 1)], tmp_path / "liste")
    assert fichier.suffix == ".xlsx"
    feuille = load_workbook(fichier).active
    assert feuille.cell(2, 7).value == "Soldé"
    assert feuille.cell(2, 9).value == pytest.approx(1234.56)
    assert feuille.cell(3, 10).value == 0  # 1 centime // 2
    assert feuille.cell(2, 11).value is None  # pas encore décidé : « accordé » vide, pas 0
    assert feuille.cell(2, 12).value.date() == dt.date(2022, 11, 3)
    assert feuille.cell(4, 9).value == "=SUM(I2:I3)"


def test_export_impossible_message_clair(tmp_path):
    with pytest.raises(ErreurInstruction, match="Impossible d'écrire"):
        exporter([_ligne("CDV-2023-001", 100)], tmp_path / "absent" / "liste.xlsx")
    assert not (tmp_path / "absent").exists()
