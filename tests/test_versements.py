"""Versements : solde bloqué jusqu'au compte rendu financier validé, jamais plus versé que décidé (service et
base), reversements, restes à payer exportés ; propriété : sous toute suite d'opérations, versé − reversé ne
dépasse jamais le montant décidé (SQLite et PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from instruction.db.modeles.conventions import ConventionMontant, Reversement, Versement
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import conventions as sc
from instruction.services import versements as sv
from tests.conventions_outils import dossier_retenu

D = Decimal


def _convention_signee(contexte, montants=None) -> tuple[int, int, int]:
    dossier_id = dossier_retenu(contexte, montants or {"ville-calais": D("1500.00")})
    with contexte.unite() as uow:
        identifiant = sc.creer(uow, dossier_id, "ville-calais")
        sc.changer_etat(uow, identifiant, "a_signer")
        sc.signer(uow, identifiant, "attribuant", "L'adjoint délégué")
        sc.signer(uow, identifiant, "beneficiaire", "La présidente")
        annee = sc.lire(uow, identifiant).annee
        uow.valider()
    return dossier_id, identifiant, annee


def test_le_solde_attend_le_compte_rendu_valide_puis_le_dossier_est_solde(contexte):
    dossier_id, c, annee = _convention_signee(contexte)
    with contexte.unite() as uow:
        with pytest.raises(DonneesInvalides, match="référence du mandat"):
            sv.verser(uow, c, annee, "avance", D("1200"), aujourd_hui(), " ")
        sv.verser(uow, c, annee, "avance", D("1200.00"), aujourd_hui(), "M-0042", "EJ-2027-17")
        assert uow.session.get(sc.m.Dossier, dossier_id).etat == Etat.EN_COURS  # premier versement
        with pytest.raises(DonneesInvalides, match="attend le compte rendu financier, qui n'est pas reçu"):
            sv.verser(uow, c, annee, "solde", D("300.00"), aujourd_hui(), "M-0043")
        sv.noter_compte_rendu(uow, c, annee, aujourd_hui())
        assert "reçu, à valider" in next(e.bloquee for e in sv.situation(uow, c).echeances if e.nature == "solde")
        with pytest.raises(DonneesInvalides, match="reçu .* mais pas encore validé"):
            sv.verser(uow, c, annee, "solde", D("300.00"), aujourd_hui(), "M-0043")
        with pytest.raises(DonneesInvalides, match="après sa réception"):
            sv.noter_compte_rendu(uow, c, annee, None, aujourd_hui())
        sv.noter_compte_rendu(uow, c, annee, aujourd_hui(), aujourd_hui())
        with pytest.raises(DonneesInvalides, match="dépasserait le montant décidé"):
            sv.verser(uow, c, annee, "solde", D("300.01"), aujourd_hui(), "M-0043")
        sv.verser(uow, c, annee, "solde", D("300.00"), aujourd_hui(), "M-0043")
        situation = sv.situation(uow, c)
        assert (situation.etat, situation.decide, situation.verse) == ("soldee", D("1500.00"), D("1500.00"))
        assert [(m.reference, m.montant) for m in situation.mouvements] == [("M-0042", D("1200.00")),
                                                                            ("M-0043", D("300.00"))]
        assert uow.session.get(sc.m.Dossier, dossier_id).etat == Etat.SOLDE
        uow.valider()


def test_solde_reduit_apres_compte_rendu_et_reversement(contexte):
    dossier_id, c, annee = _convention_signee(contexte)
    with contexte.unite() as uow:
        sv.verser(uow, c, annee, "avance", D("1200.00"), aujourd_hui(), "M-1")
        with pytest.raises(DonneesInvalides, match="n'est pas validé pour : " + str(annee)):
            sv.solder(uow, c, "Action sous-réalisée")
        sv.noter_compte_rendu(uow, c, annee, aujourd_hui(), aujourd_hui())
        # Le compte rendu montre 1 000 € dépensés : 200 € à reverser, pas de solde.
        sv.reverser(uow, c, annee, D("200.00"), "TR-2027-77", aujourd_hui(), "Action sous-réalisée (CRF)")
        with pytest.raises(DonneesInvalides, match="Indiquez pourquoi"):
            sv.solder(uow, c, "")
        sv.solder(uow, c, "Sous-réalisation constatée au compte rendu financier")
        assert sv.situation(uow, c).verse == D("1000.00")
        assert uow.session.get(sc.m.Dossier, dossier_id).etat == Etat.SOLDE
        uow.valider()


def test_la_base_refuse_un_net_verse_au_dela_du_decide(contexte):
    _dossier_id, c, annee = _convention_signee(contexte)
    with contexte.unite() as uow:
        with pytest.raises(IntegrityError):
            uow.session.execute(update(ConventionMontant).where(ConventionMontant.convention_id == c).values(
                verse=D("1500.01")))
            uow.session.flush()
    with contexte.unite() as uow:
        with pytest.raises(IntegrityError):
            uow.session.execute(update(ConventionMontant).where(ConventionMontant.convention_id == c).values(
                verse=D("-0.01")))
            uow.session.flush()


def test_restes_a_payer_par_cofinanceur_et_exercice_exportes(contexte, tmp_path):
    from openpyxl import load_workbook

    _d, c, annee = _convention_signee(contexte)
    with contexte.unite() as uow:
        sv.verser(uow, c, annee, "avance", D("1200.00"), aujourd_hui(), "M-1")
        restes = sv.restes_a_payer(uow, annee)
        assert [(r.financeur_code, r.exercice, r.conventions, r.decide, r.verse, r.reste) for r in restes] == [
            ("ville-calais", annee, 1, D("1500.00"), D("1200.00"), D("300.00"))]
        fichier = sv.exporter_restes(uow, tmp_path / "restes", annee)
    feuille = load_workbook(fichier).active
    assert [c.value for c in feuille[1]] == ["Cofinanceur", "Exercice", "Conventions signées", "Décidé", "Versé net",
                                             "Reste à payer"]
    valeurs = [c.value for c in feuille[2]]
    assert valeurs[1:] == [annee, 1, 1500, 1200, 300] and isinstance(valeurs[5], (int, float))
    assert feuille.cell(2, 6).number_format.endswith('"€"')


# --- Propriété : jamais plus versé que décidé -----------------------------------------------------------

OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["avance", "solde", "reverser", "compte_rendu", "avenant"]),
    st.integers(min_value=1, max_value=200_000)), min_size=1, max_size=12)


class Conventions:
    """Une convention signée de 1 500 € toute neuve pour chaque exemple, dans UNE base par moteur : un dossier
    de plus dans la même campagne, pour le même porteur (quelques dizaines de millisecondes), au lieu d'une
    base par exemple (trop lent sur PostgreSQL). Les exemples ne se voient pas : chacun sa convention."""

    def __init__(self, contexte) -> None:
        self.contexte = contexte
        self.premier, self.c, self.annee = None, None, None

    def nouvelle(self) -> tuple[int, int]:
        from tests.conventions_outils import dossier_retenu_dans

        if self.premier is None:
            self.premier, c, self.annee = _convention_signee(self.contexte)
            return c, self.annee
        with self.contexte.unite() as uow:
            dossier_id = dossier_retenu_dans(uow, self.premier)
            c = sc.creer(uow, dossier_id, "ville-calais")
            sc.changer_etat(uow, c, "a_signer")
            sc.signer(uow, c, "attribuant", "L'adjoint délégué")
            sc.signer(uow, c, "beneficiaire", "La présidente")
            uow.valider()
        return c, self.annee


@pytest.fixture
def conventions_neuves(contexte):
    return Conventions(contexte)


@pytest.mark.lent
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_sous_toute_suite_d_operations_le_net_verse_reste_dans_le_decide(conventions_neuves, operations):
    from instruction.domaine import conventions as dc
    from instruction.services import avenants

    contexte = conventions_neuves.contexte
    c, annee = conventions_neuves.nouvelle()
    for rang, (operation, centimes) in enumerate(operations):
        montant = D(centimes) / 100
        with contexte.unite() as uow:
            try:
                if operation in ("avance", "solde"):
                    sv.verser(uow, c, annee, operation, montant, aujourd_hui(), f"M-{rang}")
                elif operation == "reverser":
                    sv.reverser(uow, c, annee, montant, f"T-{rang}", aujourd_hui(), "Sous-réalisation")
                elif operation == "compte_rendu":
                    sv.noter_compte_rendu(uow, c, annee, aujourd_hui(), aujourd_hui())
                else:  # un avenant qui change le montant (à la hausse ou à la baisse)
                    nouveaux = (dc.MontantAnnuel(annee, "ville-calais", montant),)
                    a = avenants.ouvrir_avenant(uow, c, "montant", "Montant revu", {
                        "montants": nouveaux, "echeancier": dc.echeancier_propose(dc.TypeActe.CONVENTION, nouveaux)})
                    avenants.changer_etat_avenant(uow, a, "a_signer")
                    avenants.signer_avenant(uow, a, "attribuant", "A")
                    avenants.signer_avenant(uow, a, "beneficiaire", "B")
                uow.valider()
            except DonneesInvalides:
                pass  # refusé, rien n'est écrit (l'unité de travail n'est pas validée)
        with contexte.unite(lecture=True) as uow:
            verse = uow.session.scalar(select(func.coalesce(func.sum(Versement.montant), 0))
                                       .where(Versement.convention_id == c))
            repris = uow.session.scalar(select(func.coalesce(func.sum(Reversement.montant), 0))
                                        .where(Reversement.convention_id == c))
            ligne = uow.session.scalar(select(ConventionMontant).where(ConventionMontant.convention_id == c))
            net = D(verse) / (100 if isinstance(verse, int) else 1) - D(repris) / (100 if isinstance(repris, int) else 1)
            assert ligne.verse == net
            assert D(0) <= net <= ligne.montant
