"""``instruction importer FICHIER [--correspondance NOM] [--simulation]`` : le même résumé que l'assistant."""

from __future__ import annotations

import pytest

from instruction import cli
from instruction.services.actions import echanges as actions
from tests import fabrique
from tests.test_import import LIGNES, _csv, _xlsx


def test_simulation_puis_import(url_base, contexte, tmp_path, capsys):
    chemin = _xlsx(tmp_path / "dauphin.xlsx")
    photo = fabrique.photographie(contexte)
    assert cli.main(["importer", str(chemin), "--simulation", "--database", url_base]) == cli.SUCCES
    sortie = capsys.readouterr().out
    assert "Action de demande - Code dossier → Code du dossier sur la plateforme" in sortie
    assert "2 dossier(s) créé(s), 0 mis à jour, 0 inchangé(s), 0 conflit(s)" in sortie
    assert "1 ligne(s) ignorée(s)" in sortie
    assert fabrique.photographie(contexte) == photo
    assert cli.main(["importer", str(chemin), "--database", url_base]) == cli.SUCCES
    assert "Import terminé : 2 dossier(s) créé(s)" in capsys.readouterr().out
    assert cli.main(["importer", str(chemin), "--simulation", "--database", url_base]) == cli.SUCCES
    assert "0 dossier(s) créé(s), 0 mis à jour, 2 inchangé(s)" in capsys.readouterr().out


def test_erreurs_listees_rien_importe_code_1(url_base, contexte, tmp_path, capsys):
    lignes = [list(l) for l in LIGNES]
    lignes[0][4] = "123"
    chemin = _xlsx(tmp_path / "dauphin.xlsx", lignes=lignes)
    photo = fabrique.photographie(contexte)
    assert cli.main(["importer", str(chemin), "--database", url_base]) == cli.PROBLEME
    sortie = capsys.readouterr().out
    assert "1 erreur(s) : rien ne sera importé" in sortie and "Ligne 2, colonne « Code SIRET » : SIRET" in sortie
    assert fabrique.photographie(contexte) == photo


def test_correspondance_par_son_nom_et_fichier_hostile(url_base, contexte, tmp_path, capsys):
    chemin = _csv(tmp_path / "caf.csv", ["Réf", "Libellé", "Asso"], [["P-1", "Fête", "Comité des fêtes"]])
    actions.enregistrer_correspondance(contexte, "Tableau CAF", {"Réf": "code", "Libellé": "intitule",
                                                                 "Asso": "porteur"}, exercice=2027, dispositif="cdv")
    assert cli.main(["importer", str(chemin), "--correspondance", "Tableau CAF", "--database", url_base]) == cli.SUCCES
    assert "Correspondance « Tableau CAF »" in capsys.readouterr().out
    vide = tmp_path / "vide.csv"
    vide.write_bytes(b"")
    assert cli.main(["importer", str(vide), "--database", url_base]) == cli.PROBLEME
    assert "Erreur : Le fichier vide.csv est vide : rien à importer." in capsys.readouterr().err


@pytest.fixture(autouse=True)
def _journal_calme(monkeypatch):
    monkeypatch.setattr("instruction.journal.configurer", lambda *a, **k: None)
