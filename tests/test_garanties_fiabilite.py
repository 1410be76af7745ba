"""Les petites garanties de fiabilité et de sécurité (ticket 18, point 7), chacune sur ses vraies pièces.

* ouvrir ou vérifier un fichier qui n'est pas une base Instruction ne le modifie pas d'un octet ;
* une lecture n'attend pas derrière la longue écriture d'un autre poste (SQLite), et ne peut pas écrire ;
* une page endommagée est signalée dès l'ouverture ;
* ``verifier`` recalcule les empreintes des pièces et contrôle les protections de l'historique ;
* un compte désactivé ne change plus son mot de passe ;
* bases, sauvegardes et copies de travail ne sont lisibles que par leur propriétaire ;
* une sauvegarde interrompue ne laisse aucun fichier derrière elle ;
* aucune boucle d'importation dans ``instruction/db``.
"""

from __future__ import annotations

import ast
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from instruction.domaine import droits
from instruction.db import modeles as m
from instruction.db.sauvegarde import restaurer, sauvegarder
from instruction.db.verification import verifier
from instruction.domaine.erreurs import BaseEtrangere, ErreurInstruction, PasUneBase
from instruction.services import comptes, pieces
from instruction.services.contexte import ouvrir
from tests import fabrique

RACINE = Path(__file__).resolve().parent.parent


def _octets(fichier: Path) -> bytes:
    return fichier.read_bytes()


def _a_cote(fichier: Path) -> list[str]:
    return sorted(p.name for p in fichier.parent.iterdir() if p != fichier)


def _controles(rapport) -> dict[str, object]:
    return {c.libelle: c for c in rapport.controles}


# --- Un fichier qui n'est pas une base Instruction n'est jamais modifié ---------------------------------


def test_ouvrir_ou_verifier_une_base_sqlite_etrangere_la_laisse_intacte(tmp_path):
    fichier = tmp_path / "comptabilite.sqlite"
    with sqlite3.connect(fichier) as connexion:
        connexion.execute("create table clients (id integer primary key, nom text)")
        connexion.executemany("insert into clients (nom) values (?)", [(f"client {i}",) for i in range(500)])
    connexion.close()
    avant = _octets(fichier)
    assert avant[18:20] == b"\x01\x01", "journal classique (pas WAL) au départ"

    with pytest.raises(BaseEtrangere, match="pas celles d'Instruction"):
        ouvrir(f"sqlite:///{fichier}")
    rapport = verifier(f"sqlite:///{fichier}")
    assert not rapport.reussi and "pas une base Instruction" in rapport.controles[0].detail

    assert _octets(fichier) == avant, "ni passée en WAL ni modifiée"
    assert _a_cote(fichier) == [], "ni -wal, ni -shm, ni sauvegarde laissés à côté"


def test_un_fichier_vide_est_refuse_et_reste_vide(tmp_path):
    fichier = tmp_path / "instruction.sqlite"
    fichier.touch()
    with pytest.raises(PasUneBase, match="est vide"):
        ouvrir(f"sqlite:///{fichier}")
    with pytest.raises(PasUneBase, match="est vide"):
        verifier(f"sqlite:///{fichier}")
    assert fichier.stat().st_size == 0
    assert _a_cote(fichier) == []


def test_verifier_un_fichier_qui_n_est_pas_une_base_le_laisse_intact(tmp_path):
    fichier = tmp_path / "notes.sqlite"
    fichier.write_bytes(b"Compte rendu du comite de pilotage.\n" * 300)
    avant = _octets(fichier)
    with pytest.raises(PasUneBase):
        verifier(f"sqlite:///{fichier}")
    assert _octets(fichier) == avant and _a_cote(fichier) == []


def test_un_chemin_neuf_donne_toujours_une_base_neuve(tmp_path):
    contexte = ouvrir(f"sqlite:///{tmp_path / 'neuve' / 'instruction.sqlite'}")
    try:
        with contexte.unite() as uow:
            assert uow.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        contexte.fermer()


# --- Les lectures n'attendent pas les écritures (SQLite) --------------------------------------------------


def test_une_lecture_n_attend_pas_une_longue_ecriture(tmp_path):
    """Un autre poste écrit longuement (sa transaction tient le verrou d'écriture) : une unité de lecture lit
    l'état validé tout de suite. Avant, toute unité commençait par BEGIN IMMEDIATE et attendait 15 s puis
    échouait (« base occupée »)."""
    fichier = tmp_path / "instruction.sqlite"
    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        fabrique.porteur(contexte)
        ecrivain = sqlite3.connect(fichier, isolation_level=None)
        try:
            ecrivain.execute("BEGIN IMMEDIATE")
            ecrivain.execute("insert into porteur (nom, type, cree_le, modifie_le, version) "
                             "values ('Écrit par l''autre poste', 'association', '2027-01-01', '2027-01-01', 1)")
            with contexte.unite(lecture=True) as uow:  # pendant que l'autre poste tient le verrou
                noms = uow.session.scalars(select(m.Porteur.nom)).all()
            assert noms == [fabrique.IDENTITE["nom"]]
            ecrivain.execute("COMMIT")
        finally:
            ecrivain.close()
        with contexte.unite(lecture=True) as uow:
            assert uow.session.scalar(select(func.count()).select_from(m.Porteur)) == 2
    finally:
        contexte.fermer()


def test_ouvrir_une_base_n_attend_pas_une_longue_ecriture(tmp_path):
    """Un poste démarre pendant qu'un autre tient le verrou d'écriture : l'ouverture (schéma, contrôle
    rapide, empreinte du référentiel) ne fait que lire et aboutit tout de suite."""
    fichier = tmp_path / "instruction.sqlite"
    ouvrir(f"sqlite:///{fichier}").fermer()
    ecrivain = sqlite3.connect(fichier, isolation_level=None)
    try:
        ecrivain.execute("BEGIN IMMEDIATE")
        ecrivain.execute("insert into parametre (cle, valeur) values ('long', 'travail')")
        contexte = ouvrir(f"sqlite:///{fichier}")
        contexte.fermer()
        ecrivain.execute("ROLLBACK")
    finally:
        ecrivain.close()
    assert contexte.preparation.avertissement is None and not contexte.referentiel_recopie


def test_une_unite_de_lecture_ne_peut_rien_ecrire(contexte):
    with pytest.raises(ErreurInstruction, match="lecture seule"):
        with contexte.unite(lecture=True) as uow:
            uow.session.add(m.Parametre(cle="essai", valeur="1"))
            uow.session.flush()
    with contexte.unite() as uow:  # la même connexion, reprise pour écrire, écrit
        uow.session.add(m.Parametre(cle="essai", valeur="2"))
        uow.valider()
    with contexte.unite(lecture=True) as uow:
        assert uow.session.get(m.Parametre, "essai").valeur == "2"


# --- Une page endommagée se voit à l'ouverture -----------------------------------------------------------


def test_une_page_endommagee_est_signalee_a_l_ouverture(tmp_path, modele_sqlite):
    import shutil

    fichier = tmp_path / "instruction.sqlite"
    shutil.copyfile(modele_sqlite, fichier)
    contexte = ouvrir(f"sqlite:///{fichier}")
    assert contexte.preparation.avertissement is None, "une base saine n'avertit de rien"
    for _ in range(3):
        fabrique.dossier(contexte)
    contexte.fermer()
    fabrique.abimer_une_page(fichier)

    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        assert contexte.preparation.avertissement is not None
        assert "endommagée" in contexte.preparation.avertissement
        assert "instruction verifier" in contexte.preparation.avertissement
    finally:
        contexte.fermer()
    assert not _controles(verifier(f"sqlite:///{fichier}"))["Intégrité du fichier"].reussi


# --- verifier : pièces et historique ---------------------------------------------------------------------


def test_verifier_recalcule_l_empreinte_de_chaque_piece(contexte):
    dossier_id = fabrique.dossier(contexte, complet=False)
    with contexte.unite() as uow:
        pieces.ajouter(uow, dossier_id, "statuts", "statuts.pdf", b"%PDF-1.4 statuts signes")
        pieces.ajouter(uow, dossier_id, "rib", "rib.pdf", b"%PDF-1.4 releve d'identite bancaire")
        uow.valider()
    sain = _controles(verifier(contexte.url))["Empreintes des pièces jointes"]
    assert sain.reussi and sain.detail == "2 pièce(s) relue(s)"

    with contexte.unite() as uow:  # le contenu change sous l'application (disque, outil, main malveillante)
        uow.session.execute(text("update piece set contenu = :c where nom_fichier = 'rib.pdf'"),
                            {"c": b"%PDF-1.4 un autre IBAN"})
        uow.valider()
    rapport = verifier(contexte.url)
    controle = _controles(rapport)["Empreintes des pièces jointes"]
    assert not rapport.reussi and not controle.reussi
    assert "1 pièce(s) altérée(s) sur 2" in controle.detail and "« rib.pdf »" in controle.detail


def test_verifier_controle_les_protections_de_l_historique(contexte):
    assert _controles(verifier(contexte.url))["Historique en ajout seul"].reussi
    with contexte.unite() as uow:
        if contexte.est_sqlite:
            uow.session.execute(text("drop trigger historique_sans_delete"))
        else:
            uow.session.execute(text("alter table historique disable trigger historique_sans_modification"))
        uow.valider()
    controle = _controles(verifier(contexte.url))["Historique en ajout seul"]
    assert not controle.reussi and "rien n'empêche d'effacer des lignes de l'historique" in controle.detail


# --- Comptes -------------------------------------------------------------------------------------------


def test_un_compte_desactive_ne_peut_pas_changer_son_mot_de_passe(contexte):
    with contexte.unite() as uow:
        comptes.creer(uow, comptes.SaisieCompte("a.durand", "Anne Durand", droits.ADMINISTRATEUR))
        compte_id, provisoire = comptes.creer(uow, comptes.SaisieCompte("m.lefebvre", "Marie", droits.INSTRUCTEUR))
        uow.valider()
    with contexte.unite() as uow:
        marie = comptes.connecter(uow, "m.lefebvre", provisoire)
    with contexte.unite() as uow:  # l'administrateur la désactive pendant qu'elle est connectée
        comptes.desactiver(uow, compte_id)
        uow.valider()
    with contexte.unite() as uow:
        empreinte = uow.session.get(m.Compte, compte_id).empreinte
    with pytest.raises(droits.Interdit, match="désactivé"):
        with contexte.unite() as uow:
            uow.utilisateur = marie
            comptes.changer_mot_de_passe(uow, provisoire, "Nouveau-mot-2027!", "Nouveau-mot-2027!")
            uow.valider()
    with contexte.unite() as uow:
        compte = uow.session.get(m.Compte, compte_id)
        assert compte.empreinte == empreinte and compte.a_changer


# --- Fichiers réservés à leur propriétaire ------------------------------------------------------------


@pytest.fixture
def umask_ouvert():
    """Le masque le plus courant (022) : sans précaution, les fichiers seraient lisibles par tous."""
    ancien = os.umask(0o022)
    yield
    os.umask(ancien)


def _mode(chemin: Path) -> int:
    return stat.S_IMODE(chemin.stat().st_mode)


@pytest.mark.skipif(os.name == "nt", reason="droits POSIX")
def test_bases_sauvegardes_et_copies_ne_sont_lisibles_que_par_leur_proprietaire(tmp_path, umask_ouvert):
    dossier = tmp_path / "donnees" / "instruction"
    fichier = dossier / "instruction.sqlite"
    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        fabrique.dossier(contexte, complet=False)
        assert _mode(fichier) == 0o600
        for suffixe in ("-wal", "-shm"):
            assert _mode(Path(f"{fichier}{suffixe}")) == 0o600
        assert _mode(dossier) == 0o700 and _mode(dossier.parent) == 0o700, "dossiers créés pour la base"
        copies = tmp_path / "copies"
        copies.mkdir()
        copie = sauvegarder(contexte.moteur, copies / "copie.sqlite")
        assert _mode(copie) == 0o600
        resultat = restaurer(contexte.moteur, copie)
        assert _mode(resultat.copie_de_securite) == 0o600
        assert _mode(resultat.copie_de_securite.parent) == 0o700
        assert _mode(fichier) == 0o600
    finally:
        contexte.fermer()


@pytest.mark.skipif(os.name == "nt", reason="droits POSIX")
def test_la_copie_d_avant_migration_n_est_lisible_que_par_son_proprietaire(tmp_path, umask_ouvert):
    from tests.test_base import _remplir_a_la_premiere_revision

    fichier = tmp_path / "ancienne.sqlite"
    _remplir_a_la_premiere_revision(f"sqlite:///{fichier}")
    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        copie = contexte.preparation.sauvegarde
        assert copie is not None and _mode(copie) == 0o600 and _mode(copie.parent) == 0o700
    finally:
        contexte.fermer()


@pytest.mark.postgresql
def test_la_sauvegarde_d_une_base_postgresql_n_est_lisible_que_par_son_proprietaire(url_base, genre_base,
                                                                                    tmp_path, umask_ouvert):
    contexte = ouvrir(url_base)
    try:
        assert _mode(sauvegarder(contexte.moteur, tmp_path / "copie.sqlite")) == 0o600
    finally:
        contexte.fermer()


# --- Une sauvegarde interrompue ne laisse rien --------------------------------------------------------


def test_une_sauvegarde_refusee_ne_laisse_rien_et_garde_l_ancienne(tmp_path):
    """La copie d'une base aux références cassées est refusée : ni fichier partiel, ni temporaire, et la
    sauvegarde de la veille, au même nom, reste intacte."""
    fichier = tmp_path / "base" / "instruction.sqlite"
    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        dossier_id = fabrique.dossier(contexte, complet=False)
        copies = tmp_path / "copies"
        copies.mkdir()
        veille = sauvegarder(contexte.moteur, copies / "instruction.sqlite")
        contenu_veille = _octets(veille)
    finally:
        contexte.fermer()
    casse = sqlite3.connect(fichier)  # une référence cassée, écrite sans les clés étrangères
    casse.execute("PRAGMA foreign_keys = OFF")
    casse.execute("update dossier set renouvelle_id = 424242 where id = ?", (dossier_id,))
    casse.commit()
    casse.close()
    contexte = ouvrir(f"sqlite:///{fichier}")
    try:
        with pytest.raises(ErreurInstruction, match="références cassées"):
            sauvegarder(contexte.moteur, copies / "instruction.sqlite")
    finally:
        contexte.fermer()
    assert [p.name for p in copies.iterdir()] == ["instruction.sqlite"]
    assert _octets(veille) == contenu_veille


SAUVEGARDE_LONGUE = """
import sys
from pathlib import Path
from instruction.db.sauvegarde import sauvegarder
from instruction.services.contexte import ouvrir
contexte = ouvrir(sys.argv[1], synchroniser_referentiel=False)
print("prêt", flush=True)
sauvegarder(contexte.moteur, Path(sys.argv[2]))
print("fini", flush=True)
"""


@pytest.mark.postgresql
def test_une_sauvegarde_interrompue_par_ctrl_c_ne_laisse_rien(url_base, genre_base, tmp_path):
    """Ctrl+C (SIGINT) pendant qu'une sauvegarde s'écrit : le fichier attendu n'existe pas, et le fichier
    temporaire a été effacé. Le signal part dès que le fichier temporaire apparaît (condition attendue,
    pas un délai)."""
    if genre_base != "postgresql":
        pytest.skip("la copie d'une base SQLite est un seul appel à SQLite : Ctrl+C n'y entre qu'après")
    copies = tmp_path / "copies"
    copies.mkdir()
    cible = copies / "instruction.sqlite"
    processus = subprocess.Popen([sys.executable, "-c", SAUVEGARDE_LONGUE, url_base, str(cible)], cwd=RACINE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert processus.stdout.readline().strip() == "prêt"
        apparu = threading.Event()

        def guetter():
            while processus.poll() is None and not apparu.is_set():
                if any(p.name.endswith(".partiel") for p in copies.iterdir()):
                    apparu.set()
                    return
                apparu.wait(0.005)

        guetteur = threading.Thread(target=guetter)
        guetteur.start()
        guetteur.join(timeout=60)
        assert apparu.is_set(), "le fichier temporaire devait apparaître"
        processus.send_signal(signal.SIGINT)
        _sortie, erreurs = processus.communicate(timeout=60)
    finally:
        if processus.poll() is None:
            processus.kill()
    assert processus.returncode != 0 and "KeyboardInterrupt" in erreurs
    assert list(copies.iterdir()) == [], "ni sauvegarde à moitié écrite, ni fichier temporaire"


# --- Pas de boucle d'importation dans instruction/db --------------------------------------------------------


def _importations(module: Path, paquet: str) -> set[str]:
    """Les modules ``instruction.db…`` qu'un module importe, y compris dans ses fonctions."""
    trouves = set()
    for noeud in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0:
            trouves.add(noeud.module)
            trouves.update(f"{noeud.module}.{alias.name}" for alias in noeud.names)
        elif isinstance(noeud, ast.Import):
            trouves.update(alias.name for alias in noeud.names)
    return {t for t in trouves if t.startswith(paquet)}


def test_aucune_boucle_d_importation_dans_instruction_db():
    dossier = RACINE / "instruction" / "db"
    modules = {}
    for fichier in dossier.rglob("*.py"):
        if "migrations" in fichier.parts:
            continue
        nom = ".".join(fichier.relative_to(RACINE).with_suffix("").parts).removesuffix(".__init__")
        modules[nom] = fichier
    graphe = {nom: {cible for cible in _importations(fichier, "instruction.db") if cible in modules and cible != nom}
              for nom, fichier in modules.items()}

    boucles = []

    def parcourir(nom, chemin):
        for suivant in sorted(graphe[nom]):
            if suivant in chemin:
                boucles.append(chemin[chemin.index(suivant):] + [suivant])
            elif len(chemin) < len(graphe):
                parcourir(suivant, chemin + [suivant])

    for nom in sorted(graphe):
        parcourir(nom, [nom])
    # instruction.db.modeles est un paquet : ses sous-modules importent instruction.db.modeles.<x>, pas lui.
    boucles = [b for b in boucles if not all(n.startswith("instruction.db.modeles") for n in b)]
    assert boucles == []
