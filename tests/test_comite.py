"""Issue 11, points 4 et 5 : la séance du comité, sa clôture tout ou rien, les délibérations des partenaires.

Sur SQLite et PostgreSQL (fixture ``contexte``), par les actions des écrans : ordre du jour réservé aux dossiers
instruits et cotés, décisions vérifiées, clôture en une transaction (états à la date de la séance, montants
accordés, historique), deux clôtures simultanées (une seule gagne), un arrêt brutal pendant la clôture (rien
n'est appliqué, base intègre), allers-retours indépendants du nombre de dossiers, documents relus (pypdf,
openpyxl, qpdf).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from instruction.db import modeles as m
from instruction.domaine import droits
from instruction.domaine.erreurs import Conflit, DonneesInvalides
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import historique
from instruction.services import instruction as circuit
from instruction.services.actions import comite as actions
from tests import fabrique, fabrique_comite

HIER = aujourd_hui() - dt.timedelta(days=1)
RACINE = Path(__file__).resolve().parent.parent


def _seance(contexte, ids, jour=HIER):
    seance = actions.creer_seance(contexte, "comite-financeurs", jour, lieu="Hôtel de ville de Calais").valeur
    return actions.inscrire(contexte, seance.id, ids).valeur


def _etats(contexte, ids):
    with contexte.unite(lecture=True) as uow:
        return dict(uow.session.execute(select(m.Dossier.id, m.Dossier.etat).where(m.Dossier.id.in_(ids))).all())


def _compter(contexte, modele, *conditions):
    with contexte.unite(lecture=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(modele).where(*conditions))


# --- La séance et son ordre du jour ------------------------------------------------------------------------


def test_une_seance_propose_les_membres_du_contrat(contexte):
    seance = actions.creer_seance(contexte, "comite-financeurs", HIER).valeur
    assert seance.intitule == f"Comité des financeurs du {HIER:%d/%m/%Y}"
    assert seance.membres[0].qualite.startswith("Sous-préfet en charge de la politique de la ville")
    assert "Cosignataires du contrat de ville" in [mb.qualite for mb in seance.membres]
    assert "l. 3826-3830" in seance.source_membres
    membres = [*seance.membres[:2], seance.membres[2].__class__("Maire de Calais", "Mme Natacha Bouchart", False)]
    relue = actions.modifier_seance(contexte, seance.id, "Comité des financeurs AAP 2027", HIER, "Salle du conseil",
                                    membres, seance.version).valeur
    assert [mb.qualite for mb in relue.membres][-1] == "Maire de Calais" and not relue.membres[-1].present
    assert relue.lieu == "Salle du conseil" and relue.version > seance.version
    with pytest.raises(Conflit, match="modifiée sur un autre poste"):  # partie de la version d'avant
        actions.modifier_seance(contexte, seance.id, "Autre", HIER, "", membres, seance.version)
    with pytest.raises(DonneesInvalides, match="Instance inconnue"):
        actions.creer_seance(contexte, "conseil-des-sages", HIER)


def test_un_membre_absent_est_excuse_ou_non(contexte):
    from instruction.domaine.comite import Membre

    seance = actions.creer_seance(contexte, "jury-pic", HIER).valeur
    assert {mb.presence for mb in seance.membres} == {"present"}
    membres = [Membre("Centre social Matisse", "M. Durand", present=False, excuse=True),
               Membre("MJC", "", present=False),
               Membre("CLAEPP", "Mme Leroy", present=True, excuse=True)]  # présent : « excusé » n'a pas de sens
    relue = actions.modifier_seance(contexte, seance.id, seance.intitule, HIER, "", membres, seance.version).valeur
    assert [(mb.qualite, mb.presence) for mb in relue.membres] == [
        ("Centre social Matisse", "excuse"), ("MJC", "absent"), ("CLAEPP", "present")]
    assert [mb.libelle_presence for mb in relue.membres] == ["excusé", "absent", "présent"]
    # Passer d'excusé à absent est un changement (noté), pas un doublon ignoré.
    membres[0] = Membre("Centre social Matisse", "M. Durand", present=False)
    relue = actions.modifier_seance(contexte, seance.id, seance.intitule, HIER, "", membres, relue.version).valeur
    assert relue.membres[0].presence == "absent"


def test_seul_un_dossier_instruit_et_cote_va_a_l_ordre_du_jour(contexte):
    (instruit,) = fabrique_comite.instruits(contexte, 1)
    depose = fabrique.dossier(contexte)
    seance = actions.creer_seance(contexte, "comite-financeurs", HIER).valeur
    with pytest.raises(DonneesInvalides, match="rien n'a été inscrit") as refus:
        actions.inscrire(contexte, seance.id, [instruit, depose])
    assert "son instruction n'est pas terminée (il est « Déposé »)" in str(refus.value)
    assert "sa grille égalité femmes-hommes n'est pas cotée" in str(refus.value)
    assert actions.lire_seance(contexte, seance.id).lignes == ()  # tout ou rien
    assert [c.dossier_id for c in actions.candidats(contexte)] == [instruit]
    relue = actions.inscrire(contexte, seance.id, [instruit]).valeur
    (ligne,) = relue.lignes
    assert ligne.montants == ligne.proposes == {"etat-pv": Decimal("2000.00"), "ville-calais": Decimal("1500.00")}
    assert ligne.decision is None and ligne.cotation_egalite is not None
    autre = actions.creer_seance(contexte, "comite-financeurs", HIER).valeur
    with pytest.raises(DonneesInvalides, match="déjà à l'ordre du jour de « Comité des financeurs"):
        actions.inscrire(contexte, autre.id, [instruit])
    assert actions.candidats(contexte) == []


def test_une_decision_suit_les_regles_des_montants(contexte):
    ids = fabrique_comite.instruits(contexte, 2)
    seance = _seance(contexte, ids)
    with pytest.raises(DonneesInvalides, match="dit pourquoi : écrivez le motif"):
        actions.decider(contexte, seance.id, ids[0], "refuse", {})
    with pytest.raises(DonneesInvalides, match="État – politique de la ville : 2.500,00.€ décidés pour 2.000,00.€ demandés"):
        actions.decider(contexte, seance.id, ids[0], "retenu", {"etat-pv": Decimal("2500")})
    relue = actions.decider(contexte, seance.id, ids[0], "retenu", {"etat-pv": Decimal("2500")},
                            "Action étendue à un second quartier").valeur  # le motif justifie le dépassement
    assert relue.lignes[0].montants == {"etat-pv": Decimal("2500.00")}
    with pytest.raises(DonneesInvalides, match="au moins un montant"):
        actions.decider(contexte, seance.id, ids[1], "retenu", {"etat-pv": Decimal("0")})
    relue = actions.decider(contexte, seance.id, ids[1], "refuse", {"etat-pv": Decimal("0")}, "Hors critères").valeur
    assert relue.lignes[1].decision == "refuse" and relue.lignes[1].montants == {}
    with contexte.unite(lecture=True) as uow:  # la saisie n'est pas l'application : rien n'a changé au dossier
        assert circuit.lire(uow, ids[0]).etat == Etat.INSTRUIT
        assert [e.objet for e in historique.du_dossier(uow, ids[1])][0] == "séance du comité"


# --- La clôture --------------------------------------------------------------------------------------------


def test_la_cloture_applique_tout_a_la_date_de_la_seance(contexte, tmp_path):
    ids = fabrique_comite.instruits(contexte, 4)
    jour = aujourd_hui() - dt.timedelta(days=2)
    seance = _seance(contexte, ids, jour)
    actions.decider(contexte, seance.id, ids[1], "retenu", {"etat-pv": Decimal("1200"),
                                                           "ville-calais": Decimal("1500")}, "Montant réduit")
    actions.decider(contexte, seance.id, ids[2], "ajourne", {}, "Budget à revoir avec le porteur")
    actions.decider(contexte, seance.id, ids[3], "refuse", {}, "Action déjà financée par ailleurs")
    with pytest.raises(DonneesInvalides, match="1 dossier\\(s\\) de l'ordre du jour n'ont pas de décision"):
        actions.cloturer(contexte, seance.id)
    assert actions.reprendre_propositions(contexte, seance.id).valeur.a_decider == []
    seance = actions.lire_seance(contexte, seance.id)
    with contexte.unite(lecture=True) as uow:
        version = uow.session.get(m.Dossier, ids[1]).version
    cloture = actions.cloturer(contexte, seance.id, seance.version, releve=tmp_path / "releve.pdf")
    assert cloture.changements.touche("dossiers", "instruction", "comite")
    assert set(cloture.changements.dossiers) == set(ids)
    assert _etats(contexte, ids) == {ids[0]: "retenu", ids[1]: "retenu", ids[2]: "ajourne", ids[3]: "refuse"}
    with contexte.unite(lecture=True) as uow:
        lu = circuit.lire(uow, ids[1])
        assert lu.decision.etat == Etat.RETENU and lu.decision.date == jour and lu.decision.motif == "Montant réduit"
        assert {f.financeur: f.accorde for f in lu.financements} == {"etat-pv": Decimal("1200.00"),
                                                                       "ville-calais": Decimal("1500.00")}
        assert lu.version_montants == 1 and lu.budget_ajuste_attendu
        assert circuit.lire(uow, ids[3]).decision.motif == "Action déjà financée par ailleurs"
        assert circuit.lire(uow, ids[2]).financements[0].accorde is None
        entrees = historique.du_dossier(uow, ids[1])
        assert {(e.objet, e.champ) for e in entrees} >= {("dossier", "État"), ("montants accordés", "Accordé : État – "
                                                         "politique de la ville")}
        assert uow.session.get(m.Dossier, ids[1]).version == version + 1  # un formulaire ouvert ailleurs le saura
    relue = actions.lire_seance(contexte, seance.id)
    assert relue.close and relue.close_par == contexte.acteur
    with pytest.raises(DonneesInvalides, match="a déjà été clôturée par"):
        actions.cloturer(contexte, seance.id)
    with pytest.raises(DonneesInvalides, match="est close depuis"):
        actions.decider(contexte, seance.id, ids[2], "retenu", {"etat-pv": Decimal("10")})
    import pypdf

    lecteur = pypdf.PdfReader(tmp_path / "releve.pdf")
    texte = "\n".join(page.extract_text() for page in lecteur.pages)
    assert "Relevé de décisions" in texte and "Dossiers retenus (2)" in texte and "Budget à revoir" in texte
    assert "page 1 / " in texte
    assert [o.title for o in lecteur.outline] == ["Séance et membres", "Dossiers retenus", "Dossiers ajournés",
                                                   "Dossiers refusés", "Totaux par cofinanceur"]
    _qpdf(tmp_path / "releve.pdf")


def test_une_decision_fautive_fait_refuser_toute_la_cloture(contexte):
    ids = fabrique_comite.instruits(contexte, 3)
    seance = _seance(contexte, ids)
    actions.reprendre_propositions(contexte, seance.id)
    with contexte.unite() as uow:  # entre la saisie et la clôture, l'instruction d'un dossier est reprise
        circuit.changer_etat(uow, ids[1], Etat.EN_INSTRUCTION, "Pièce manquante découverte")
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        numero = uow.session.get(m.Dossier, ids[1]).numero
        avant = historique.dernier_numero(uow)
    transitions = _compter(contexte, m.Transition)
    with pytest.raises(DonneesInvalides, match="aucune décision n'a été appliquée") as refus:
        actions.cloturer(contexte, seance.id)
    assert f"{numero} : Un dossier « En instruction » ne peut pas passer à l'état « Retenu »" in str(refus.value)
    assert _etats(contexte, ids) == {ids[0]: "instruit", ids[1]: "en_instruction", ids[2]: "instruit"}
    assert _compter(contexte, m.Transition) == transitions
    assert _compter(contexte, m.MontantAccorde) == 0
    with contexte.unite(lecture=True) as uow:
        assert historique.dernier_numero(uow) == avant
    assert not actions.lire_seance(contexte, seance.id).close


def test_une_seance_future_ne_se_clot_pas(contexte):
    ids = fabrique_comite.instruits(contexte, 1)
    seance = _seance(contexte, ids, aujourd_hui() + dt.timedelta(days=10))
    actions.reprendre_propositions(contexte, seance.id)
    with pytest.raises(DonneesInvalides, match="La date de la séance du comité .* est dans le futur"):
        actions.cloturer(contexte, seance.id)


def test_l_enveloppe_est_verifiee_sur_toutes_les_decisions_ensemble(contexte):
    from instruction.db.modeles.programmation import Enveloppe

    ids = fabrique_comite.instruits(contexte, 3)
    with contexte.unite() as uow:  # 3 × 2 000 € demandés à l'État pour 5 000 € d'enveloppe
        uow.session.add(Enveloppe(financeur_code="etat-pv", annee=2027, dispositif_code="cdv",
                                  montant=Decimal("5000.00"), acteur="test"))
        uow.valider()
    seance = _seance(contexte, ids)
    actions.reprendre_propositions(contexte, seance.id)
    with pytest.raises(DonneesInvalides, match="enveloppe de 5.000,00.€, déjà 0,00.€ décidés ; 6.000,00.€ de "
                                               "plus la dépasseraient de 1.000,00.€"):
        actions.cloturer(contexte, seance.id)
    actions.decider(contexte, seance.id, ids[2], "retenu", {"etat-pv": Decimal("1000"),
                                                           "ville-calais": Decimal("1500")}, "Enveloppe contrainte")
    actions.cloturer(contexte, seance.id)
    assert set(_etats(contexte, ids).values()) == {"retenu"}


# --- Concurrence et arrêt brutal ------------------------------------------------------------------------------


def test_deux_clotures_en_meme_temps_une_seule_passe(url_base):
    from instruction.services.contexte import ouvrir

    premier, second = ouvrir(url_base), ouvrir(url_base)
    try:
        premier.acteur, second.acteur = "m.lefebvre", "a.durand"
        ids = fabrique_comite.instruits(premier, 5)
        seance = _seance(premier, ids)
        seance = actions.reprendre_propositions(premier, seance.id).valeur
        from instruction.services import cloture_seance

        resultat: dict = {}
        commence = threading.Event()

        def en_parallele():
            commence.set()
            try:
                resultat["valeur"] = actions.cloturer(second, seance.id, seance.version)
            except Exception as erreur:  # noqa: BLE001 — le message est vérifié plus bas
                resultat["erreur"] = erreur

        with premier.unite() as uow:  # la première clôture tient la séance pendant que la seconde démarre
            cloture_seance.cloturer(uow, seance.id, version=seance.version)
            fil = threading.Thread(target=en_parallele)
            fil.start()
            commence.wait(10)
            uow.valider()
        fil.join(30)
        assert not fil.is_alive()
        erreur = resultat.get("erreur")
        assert isinstance(erreur, (DonneesInvalides, Conflit)), resultat
        assert "a déjà été clôturée par m.lefebvre" in str(erreur) or "modifiée sur un autre poste" in str(erreur)
        assert _compter(premier, m.Transition, m.Transition.vers == "retenu") == 5  # une fois, pas deux
        assert _compter(premier, m.MontantAccorde) == 10
        assert actions.lire_seance(premier, seance.id).close_par == "m.lefebvre"
    finally:
        premier.fermer()
        second.fermer()


ARRET_BRUTAL = r"""
import sys
from sqlalchemy import event
from instruction.services.contexte import ouvrir
from instruction.services.actions import comite as actions

contexte = ouvrir(sys.argv[1])

@event.listens_for(contexte.moteur, "after_cursor_execute")
def au_milieu(connexion, curseur, instruction, parametres, contexte_sql, executemany):
    if "INSERT INTO montant_accorde" in instruction:  # passages et états déjà écrits, pas validés
        print("MILIEU", flush=True)
        sys.stdin.readline()  # attend d'être tué

actions.cloturer(contexte, int(sys.argv[2]))
print("FINI", flush=True)
"""


def test_un_arret_brutal_pendant_la_cloture_n_applique_rien(contexte, url_base, tmp_path):
    ids = fabrique_comite.instruits(contexte, 6)
    seance = _seance(contexte, ids)
    actions.reprendre_propositions(contexte, seance.id)
    transitions = _compter(contexte, m.Transition)
    with contexte.unite(lecture=True) as uow:
        avant = historique.dernier_numero(uow)
    contexte.fermer()
    script = tmp_path / "arret.py"
    script.write_text(ARRET_BRUTAL, encoding="utf-8")
    processus = subprocess.Popen([sys.executable, str(script), url_base, str(seance.id)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, cwd=RACINE,
                                 env={**os.environ, "PYTHONPATH": str(RACINE)})
    try:
        assert processus.stdout.readline().strip() == "MILIEU"
    finally:
        processus.kill()  # SIGKILL : ni validation ni annulation propre
        processus.wait(30)
    from instruction.db.verification import verifier
    from instruction.services.contexte import ouvrir

    rouvert = ouvrir(url_base)
    try:
        assert _etats(rouvert, ids) == {i: "instruit" for i in ids}
        assert _compter(rouvert, m.Transition) == transitions and _compter(rouvert, m.MontantAccorde) == 0
        with rouvert.unite(lecture=True) as uow:
            assert historique.dernier_numero(uow) == avant
        assert not actions.lire_seance(rouvert, seance.id).close
        constats = verifier(url_base)
        assert constats.reussi, [c for c in constats.controles if not c.reussi]
        actions.cloturer(rouvert, seance.id)  # la séance se clôt ensuite normalement
        assert set(_etats(rouvert, ids).values()) == {"retenu"}
    finally:
        rouvert.fermer()


# --- Lots : allers-retours indépendants du nombre de dossiers ----------------------------------------------------


def _requetes_de_cloture(contexte, nombre: int) -> int:
    ids = fabrique_comite.instruits(contexte, nombre)
    seance = _seance(contexte, ids)
    actions.reprendre_propositions(contexte, seance.id)
    requetes = []

    def compter(*_a):
        requetes.append(1)

    event.listen(contexte.moteur, "before_cursor_execute", compter)
    try:
        actions.cloturer(contexte, seance.id)
    finally:
        event.remove(contexte.moteur, "before_cursor_execute", compter)
    return len(requetes)


def test_la_cloture_ne_fait_pas_plus_de_requetes_pour_plus_de_dossiers(contexte):
    trois = _requetes_de_cloture(contexte, 3)
    douze = _requetes_de_cloture(contexte, 12)
    assert trois == douze, (trois, douze)
    assert douze < 30


# --- Délibérations et vue consolidée --------------------------------------------------------------------------


def test_les_deliberations_des_partenaires(contexte):
    ids = fabrique_comite.instruits(contexte, 2)
    seance = _seance(contexte, ids)
    actions.reprendre_propositions(contexte, seance.id)
    actions.decider(contexte, seance.id, ids[1], "refuse", {}, "Hors critères")
    with pytest.raises(DonneesInvalides, match="n'est pas close"):
        actions.saisir_deliberation(contexte, seance.id, ids[0], "ville-calais", "Conseil municipal", HIER,
                                    "DEL-2027-042", Decimal("1500"))
    actions.cloturer(contexte, seance.id)
    attente = actions.lignes_a_voter(contexte, en_attente=True)
    assert [(l.dossier_id, l.financeur, l.decide) for l in attente] == [
        (ids[0], "etat-pv", Decimal("2000.00")), (ids[0], "ville-calais", Decimal("1500.00"))]
    with pytest.raises(DonneesInvalides, match="précède la séance du comité"):
        actions.saisir_deliberation(contexte, seance.id, ids[0], "ville-calais", "Conseil municipal",
                                    HIER - dt.timedelta(days=3), "DEL-2027-042", Decimal("1500"))
    with pytest.raises(DonneesInvalides, match="n'a rien décidé pour ce dossier"):
        actions.saisir_deliberation(contexte, seance.id, ids[1], "ville-calais", "Conseil municipal", HIER,
                                    "DEL-2027-042", Decimal("1500"))
    actions.saisir_deliberation(contexte, seance.id, ids[0], "ville-calais", "Conseil municipal", aujourd_hui(),
                                "DEL-2027-042", Decimal("1400"))
    (restante,) = actions.lignes_a_voter(contexte, en_attente=True)
    assert restante.financeur == "etat-pv"
    votee = next(l for l in actions.lignes_a_voter(contexte) if l.financeur == "ville-calais")
    assert votee.reference == "DEL-2027-042" and votee.ecart == Decimal("-100.00")
    actions.saisir_deliberations(contexte, [(seance.id, ids[0], "etat-pv")], "Arrêté préfectoral", aujourd_hui(),
                                 "ARR-62-2027-17")
    assert actions.lignes_a_voter(contexte, en_attente=True) == []
    vue = actions.financements_du_dossier(contexte, ids[0]).lignes
    assert [(l.financeur, l.demande, l.propose, l.decide, l.vote) for l in vue] == [
        ("etat-pv", Decimal("2000.00"), Decimal("2000.00"), Decimal("2000.00"), Decimal("2000.00")),
        ("ville-calais", Decimal("1500.00"), Decimal("1500.00"), Decimal("1500.00"), Decimal("1400.00"))]


def test_les_moyens_de_droit_commun_et_la_vue_de_campagne(contexte):
    (dossier,) = fabrique_comite.instruits(contexte, 1)
    with pytest.raises(DonneesInvalides, match="Décrivez le moyen mobilisé"):
        actions.declarer_moyen(contexte, dossier, "caf", "fonctionnement", " ", None)
    vue = actions.declarer_moyen(contexte, dossier, "caf", "fonctionnement", "Prestation de service animation "
                                 "de la vie sociale", Decimal("8000")).valeur
    (moyen,) = vue.moyens
    assert moyen.libelle_financeur == "CAF" and moyen.montant == Decimal("8000.00")
    caf = next(l for l in vue.lignes if l.financeur == "caf")
    assert caf.demande == 0 and caf.droit_commun == Decimal("8000.00") and caf.moyens == 1
    with contexte.unite(lecture=True) as uow:
        campagne_id = uow.session.get(m.Dossier, dossier).campagne_id
    campagne = actions.financements_de_campagne(contexte, campagne_id)
    assert list(campagne.financeurs) == ["etat-pv", "ville-calais", "caf"]
    assert campagne.total("etat-pv", "demande") == Decimal("2000.00")
    assert campagne.total("caf", "droit_commun") == Decimal("8000.00")
    vue = actions.retirer_moyen(contexte, dossier, moyen.id).valeur
    assert vue.moyens == ()


def test_un_lecteur_ne_prepare_ni_ne_clot(contexte):
    ids = fabrique_comite.instruits(contexte, 1)
    seance = _seance(contexte, ids)
    fabrique.compte(contexte, "a.durand", droits.ADMINISTRATEUR)
    contexte.utilisateur = fabrique.compte(contexte, "l.lecteur", droits.LECTEUR)
    with pytest.raises(droits.Interdit, match="préparer une séance du comité"):
        actions.decider(contexte, seance.id, ids[0], "refuse", {}, "Non")
    with pytest.raises(droits.Interdit, match="clôturer une séance du comité"):
        actions.cloturer(contexte, seance.id)


# --- Documents ------------------------------------------------------------------------------------------------


def _qpdf(fichier: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.fail("qpdf est exigé (apt-get install qpdf, ligne apt de .ci/run)")
    sortie = subprocess.run(["qpdf", "--check", str(fichier)], capture_output=True, text=True)
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr


def test_le_dossier_de_seance_en_pdf_et_en_classeur(contexte, tmp_path):
    import openpyxl
    import pypdf

    ids = fabrique_comite.instruits(contexte, 3)
    seance = _seance(contexte, ids, aujourd_hui() + dt.timedelta(days=7))
    actions.decider(contexte, seance.id, ids[2], "refuse", {}, "Hors critères")
    fichier = actions.ecrire_dossier_de_seance(contexte, seance.id, tmp_path / "dossier.pdf")
    lecteur = pypdf.PdfReader(fichier)
    pages = len(lecteur.pages)
    textes = [page.extract_text().replace("\u202f", " ").replace("\xa0", " ") for page in lecteur.pages]
    assert all(f"page {rang} / \n{pages}" in texte or f"page {rang} / {pages}" in texte
               for rang, texte in enumerate(textes, start=1))
    titres = [(o.title, lecteur.get_destination_page_number(o)) for o in lecteur.outline if not isinstance(o, list)]
    assert [t for t, _p in titres] == ["Séance et membres", "Ordre du jour", "Tableaux par cofinanceur",
                                       "Fiches d'instruction"]
    fiches = lecteur.outline[-1]
    with contexte.unite(lecture=True) as uow:
        numeros = [uow.session.get(m.Dossier, i).numero for i in ids]
    assert [o.title.split(" — ")[0] for o in fiches] == numeros
    for signet, numero in zip(fiches, numeros, strict=True):  # chaque signet ouvre la fiche de son dossier
        assert "Fiche d'instruction" in textes[lecteur.get_destination_page_number(signet)]
        assert numero in textes[lecteur.get_destination_page_number(signet)]
    financeurs = [o.title for o in lecteur.outline[3]]
    assert financeurs == ["État – politique de la ville", "Ville de Calais"]
    assert "Tableaux récapitulatifs par cofinanceur" in textes[1] and "6 000,00 €" in textes[1]
    _qpdf(fichier)

    classeur = openpyxl.load_workbook(actions.ecrire_dossier_de_seance(contexte, seance.id,
                                                                       tmp_path / "dossier.xlsx"))
    assert classeur.sheetnames == ["Ordre du jour", "État PV", "Ville", "Membres"]
    etat = classeur["État PV"]
    lignes = list(etat.iter_rows(min_row=4, values_only=True))
    assert [l[3] for l in lignes[:3]] == [2000, 2000, 2000] and lignes[2][5] == "Refusé" and lignes[2][6] == 0
    assert lignes[3][0] == "Total" and lignes[3][3] == "=SUM(D4:D6)"


def test_les_decisions_se_pre_remplissent_d_un_scenario(contexte):
    from instruction.services import programmation

    ids = fabrique_comite.instruits(contexte, 2)
    seance = _seance(contexte, ids)
    with contexte.unite() as uow:
        campagne_id = uow.session.get(m.Dossier, ids[0]).campagne_id
        scenario = programmation.creer_scenario(uow, campagne_id, "Enveloppe serrée", pre_remplir="propositions")
        programmation.saisir_montant(uow, scenario.id, ids[0], "etat-pv", Decimal("1600"))
        programmation.choisir_decision(uow, scenario.id, ids[1], "ajourne", "Attendre le bilan 2026")
        uow.valider()
    assert [libelle for _i, libelle in actions.scenarios_de_la_seance(contexte, seance.id)] == [
        "Appel à projets Contrat de ville 2027 — Enveloppe serrée"]
    lue = actions.reprendre_scenario(contexte, seance.id, scenario.id).valeur
    assert [(l.decision, l.montants, l.motif) for l in lue.lignes] == [
        ("retenu", {"etat-pv": Decimal("1600.00"), "ville-calais": Decimal("1500.00")}, None),
        ("ajourne", {}, "Attendre le bilan 2026")]
    actions.cloturer(contexte, seance.id)
    assert _etats(contexte, ids) == {ids[0]: "retenu", ids[1]: "ajourne"}
