"""Le référentiel du contrat de ville : effectifs, fidélité à la source, recopie en base."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest

from instruction.domaine import referentiel as r
from instruction.domaine import source
from instruction.domaine.erreurs import ReferentielInvalide


@pytest.fixture(scope="module")
def ref() -> r.Referentiel:
    return r.charger()


def test_effectifs_annonces_par_le_contrat(ref):
    assert len(ref.communes) == 14  # l. 602
    assert [q.nom for q in ref.qpv()] == ["Beau Marais", "Fort Nieulay - Cailloux - Saint Pierre"]
    assert len(ref.secteurs_vigilance()) == 3  # l. 2543-2610
    assert len(ref.themes_transversaux) == 3
    assert len(ref.axes) == 4
    assert sum(1 for _ in ref.objectifs_strategiques()) == 23
    assert sum(1 for _ in ref.objectifs_operationnels()) == 78
    assert len(ref.themes_referents) == 10  # l. 3869
    assert ref.sous_secteurs("beau-marais"), "le Beau Marais a des sous-secteurs (l. 1012)"


def test_chaque_objectif_strategique_a_des_indicateurs(ref):
    for strategique in ref.objectifs_strategiques():
        assert ref.indicateurs_de(strategique.code), strategique.code
    assert {i.niveau for i in ref.indicateurs} == {"territoire", "action"}


def _normaliser(texte: str) -> str:
    texte = texte.replace("\u2019", "'").replace("**", "").casefold()
    return re.sub(r"\s+", " ", texte).strip().rstrip(".;:,")


def _entrees(objet, chemin="referentiel"):
    """Toutes les entrées (dataclasses) avec un libellé et une ligne, où qu'elles soient."""
    if dataclasses.is_dataclass(objet):
        yield chemin, objet
        for champ in dataclasses.fields(objet):
            if not champ.name.startswith("_"):
                yield from _entrees(getattr(objet, champ.name), f"{chemin}.{champ.name}")
    elif isinstance(objet, tuple):
        for i, element in enumerate(objet):
            yield from _entrees(element, f"{chemin}[{i}]")


def test_chaque_libelle_figure_a_sa_ligne_dans_le_contrat(ref):
    verifiees = 0
    for chemin, entree in _entrees(ref):
        ligne = getattr(entree, "ligne", None)
        libelle = getattr(entree, "libelle_source", None) or getattr(entree, "libelle", None) or getattr(entree, "nom", None)
        if not ligne or not libelle:
            continue
        assert _normaliser(libelle) in _normaliser(source.ligne(ligne)), f"{chemin} : « {libelle} » absent l. {ligne}"
        verifiees += 1
    assert verifiees > 400


def test_les_coquilles_du_contrat_sont_corrigees_et_gardees_a_cote(ref):
    tous = [e for _c, e in _entrees(ref)]
    libelles = " ".join(getattr(e, "libelle", "") or getattr(e, "nom", "") for e in tous)
    for coquille in ("OUVRIRE", "Informier", "illettrisme, illettrisme", "appropriier", "Mollieu"):
        assert coquille.casefold() not in libelles.casefold()
    ouvrir = next(s for s in ref.objectifs_strategiques() if "rénovation urbaine" in s.libelle)
    assert ouvrir.libelle.startswith("Ouvrir les quartiers")
    assert ouvrir.libelle_source.startswith("OUVRIRE")
    for entree in tous:
        if getattr(entree, "libelle_source", None):
            propre = getattr(entree, "libelle", None) or getattr(entree, "nom", None)
            assert entree.libelle_source != propre, "libelle_source ne sert que s'il diffère"


def test_priorites_regroupent_des_objectifs_operationnels(ref):
    codes = {o.code for o in ref.objectifs_operationnels()}
    assert ref.priorites
    for priorite in ref.priorites:
        assert priorite.quartiers
        assert priorite.objectifs_operationnels
        assert set(priorite.objectifs_operationnels) <= codes


def test_secteurs_de_vigilance_dates(ref):
    for secteur in ref.secteurs_vigilance():
        assert secteur.statuts, secteur.code
        assert secteur.statuts[-1].statut == "secteur de vigilance"


def test_plafonds_des_dispositifs(ref):
    from decimal import Decimal

    assert ref.dispositif("pic").plafond == Decimal("1200.00")
    assert ref.dispositif("budget-participatif").plafond == Decimal("20000.00")
    assert {"etat-pv", "ville-calais", "ca-gctm", "caf", "region", "departement"} <= {f.code for f in ref.financeurs}


def test_un_fichier_mal_forme_donne_un_message_qui_dit_ou(tmp_path):
    copie = tmp_path / "referentiel"
    shutil.copytree(r.DOSSIER, copie)
    (copie / "communes.yaml").write_text("communes:\n  - code: calais\n    nom: [\n", encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="communes.yaml"):
        r.charger(copie)
    shutil.copyfile(r.DOSSIER / "communes.yaml", copie / "communes.yaml")
    texte = (copie / "indicateurs.yaml").read_text(encoding="utf-8")
    (copie / "indicateurs.yaml").write_text(texte.replace("objectif_strategique: OS01", "objectif_strategique: OS99", 1), encoding="utf-8")
    with pytest.raises(ReferentielInvalide, match="OS99"):
        r.charger(copie)


def test_recopie_en_base_puis_relecture_identique(contexte, ref):
    from instruction.db import referentiel as ref_db

    with contexte.unite() as uow:
        assert ref_db.lire(uow.session) == ref
        assert ref_db.synchroniser(uow.session, ref) is False, "rien à faire si les fichiers n'ont pas changé"


def test_une_entree_retiree_des_fichiers_devient_inactive(contexte, ref):
    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.db import referentiel as ref_db

    reduit = dataclasses.replace(ref, communes=ref.communes[:-1], empreinte="autre")
    with contexte.unite() as uow:
        assert ref_db.synchroniser(uow.session, reduit)
        uow.valider()
    with contexte.unite() as uow:
        retiree = uow.session.scalar(select(m.Commune).where(m.Commune.code == ref.communes[-1].code))
        assert retiree is not None and retiree.actif is False
        assert len(ref_db.lire(uow.session).communes) == 13


def test_le_verificateur_des_administrateurs_passe(tmp_path):
    """Le script que lancent les administrateurs après une modification du référentiel."""
    import subprocess
    import sys

    script = r.DOSSIER / "_verifier.py"
    resultat = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "OK" in resultat.stdout
    copie = tmp_path / "referentiel"
    shutil.copytree(r.DOSSIER, copie)
    (tmp_path / "source").symlink_to(r.DOSSIER.parent / "source")
    texte = (copie / "communes.yaml").read_text(encoding="utf-8")
    (copie / "communes.yaml").write_text(texte.replace("nom: Marck", "nom: Merck", 1), encoding="utf-8")
    resultat = subprocess.run([sys.executable, str(copie / "_verifier.py")], capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 1
    assert "Merck" in resultat.stdout + resultat.stderr
