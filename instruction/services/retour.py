"""Rapporter un fichier de travail : contrôles, fusion à trois versions, écriture en une transaction.

Dans l'ordre, et sans rien écrire tant qu'un contrôle échoue :

1. le fichier est recopié (chiffré) dans un dossier temporaire privé : l'original n'est pas touché ;
2. la phrase de passe ouvre la copie (``PhraseIncorrecte`` sinon) ; chaque page est authentifiée
   (``FichierAltere`` sinon) ;
3. un fichier écrit par une version plus ancienne de l'application est mis au schéma courant (migrations,
   une transaction, sur la copie) ; plus récente : refusé, avec quoi faire ;
4. l'emprunt est retrouvé dans la base (sa clé) ; déjà rendu : rien n'est fait, on le dit (rapporter deux fois
   le même fichier ne change rien la seconde fois) ;
5. analyse (``services.fusion.analyser``) ; en simulation, on s'arrête là ;
6. s'il reste des conflits non tranchés, rien n'est écrit : ils sont rendus pour être tranchés ;
7. sinon tout s'écrit (``services.ecriture_fusion.appliquer``) dans la transaction de l'action, l'emprunt est
   marqué rendu, l'historique signé par l'emprunteur ; l'action valide, puis marque le fichier de travail « rapporté ».
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select, update

from instruction.db import travail
from instruction.db.fichiers import rendre_prive
from instruction.db.migrations import TETE
from instruction.db.modeles.emprunts import Emprunt
from instruction.domaine import droits
from instruction.domaine import fusion as f
from instruction.domaine.erreurs import BaseTropRecente, ErreurInstruction
from instruction.domaine.horloge import maintenant
from instruction.services import ecriture_fusion
from instruction.services import emprunts as e
from instruction.services import fusion as service_fusion
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail


@dataclass(frozen=True)
class ConflitMontre:
    """Un conflit tel que le montre le dialogue côte à côte (et la ligne de commande)."""

    ident: str
    genre: str
    ligne: str  # « Dossier CDV-2027-004 — piece 12 »
    champ: str
    table: str
    colonne: str | None
    depart: str
    mien: str
    leur: str
    mien_par: str  # « m.lefebvre, 12/03/2027 14:02 »
    leur_par: str
    modifiable: bool  # une valeur peut se saisir (texte, nombre, montant, date)


@dataclass
class Retour:
    infos: travail.InfosTravail
    simulation: bool
    deja_rapporte: dt.datetime | None = None
    migre_de: str | None = None
    conflits: list[ConflitMontre] = field(default_factory=list)
    non_tranches: int = 0
    a_ajouter: int = 0
    a_modifier: int = 0
    a_supprimer: int = 0
    a_remplacer: int = 0  # listes possédées (budget, séances…) remplacées par celles du portable
    du_bureau: int = 0
    ecrit: ecriture_fusion.Ecrit | None = None
    non_rapportees: dict[str, int] = field(default_factory=dict)

    @property
    def applique(self) -> bool:
        return self.ecrit is not None

    def resume(self) -> list[str]:
        """Ce que le retour a fait (ou ferait), en lignes lisibles."""
        lignes = [f"Fichier de travail « {self.infos.fichier.name} » ({len(self.infos.dossiers)} dossier(s), "
                  f"emprunté par {self.infos.emprunteur.nom})."]
        if self.deja_rapporte is not None:
            from instruction.domaine.dates import formater_horodatage

            return lignes + [f"Déjà rapporté le {formater_horodatage(self.deja_rapporte)} : rien n'a été modifié."]
        if self.migre_de:
            lignes.append(f"Fichier mis au schéma de cette version (il était au schéma « {self.migre_de} »).")
        verbe = "ajoutées" if self.applique else "à ajouter"
        lignes.append(f"Lignes {verbe} : {self.a_ajouter} ; modifiées : {self.a_modifier} ; supprimées : "
                      f"{self.a_supprimer} ; changées au bureau seulement (gardées) : {self.du_bureau}.")
        if self.a_remplacer:
            verbe = "remplacées" if self.applique else "à remplacer"
            lignes.append(f"Listes {verbe} par celles du portable (budget, séances, indicateurs, quartiers…) : "
                          f"{self.a_remplacer}.")
        if self.conflits:
            lignes.append(f"Conflits : {len(self.conflits)} (dont {self.non_tranches} non tranché(s)).")
        if self.ecrit is not None:
            if self.ecrit.historique:
                lignes.append(f"Historique hors ligne ajouté : {self.ecrit.historique} ligne(s).")
            for avant, apres in self.ecrit.renumerotes:
                lignes.append(f"Dossier créé hors ligne {avant} : numéro {apres} au bureau.")
        elif not self.simulation and self.non_tranches:
            lignes.append("Rien n'a été écrit : tranchez chaque conflit (garder la version du portable, celle du "
                          "bureau, ou saisir une valeur), puis rapportez de nouveau.")
        for objet, nombre in self.non_rapportees.items():
            lignes.append(f"Non rapporté (référentiel ou réglage, modifiable au bureau seulement) : {objet}, "
                          f"{nombre} changement(s).")
        return lignes


@contextlib.contextmanager
def copie_de_travail(fichier: Path, phrase: str) -> Iterator[tuple[Engine, str | None]]:
    """Le fichier recopié (toujours chiffré) dans un dossier privé, ouvert, contrôlé, au schéma courant ;
    rend son moteur et la révision d'avant (``None`` si le fichier était déjà au schéma courant)."""
    from instruction.db.schema import examiner, preparer, revisions_connues

    fichier = Path(fichier).expanduser()
    travail.lire_sel(fichier)
    with tempfile.TemporaryDirectory(prefix="instruction-retour-") as dossier:
        rendre_prive(Path(dossier))
        copie = Path(dossier) / fichier.name
        shutil.copyfile(fichier, copie)
        if Path(f"{fichier}-wal").is_file():
            shutil.copyfile(f"{fichier}-wal", f"{copie}-wal")
        moteur = travail.ouvrir(copie, phrase)
        try:
            travail.controler(moteur)
            with moteur.connect() as connexion:
                revision = examiner(connexion).revision
                connexion.rollback()
            avant = None
            if revision != TETE:
                _tete, connues = revisions_connues()
                if revision not in connues:
                    raise BaseTropRecente(
                        f"Le fichier de travail « {fichier.name} » a été écrit par une version plus récente "
                        f"d'Instruction (schéma « {revision} ») : installez cette version au bureau avant de le "
                        "rapporter. Rien n'a été modifié.")
                preparer(moteur, sauvegarder=False)
                avant = revision
            yield moteur, avant
        finally:
            moteur.dispose()


def libelle_colonne(table: str, colonne: str) -> str:
    """Le libellé d'un champ : celui du formulaire pour un dossier, sinon le nom de la colonne, lisible."""
    from instruction.domaine.dossier import LIBELLES_CHAMPS

    if table == "dossier" and colonne in LIBELLES_CHAMPS:
        return LIBELLES_CHAMPS[colonne]
    return colonne.replace("_", " ").capitalize()


# Le libellé de chaque liste possédée (celui du formulaire).
LIBELLES_LISTES = {"ligne_budget": "Budget prévisionnel", "seance": "Séances", "indicateur_action": "Indicateurs",
                   "dossier_quartier": "Quartiers", "dossier_objectif": "Objectifs du projet de territoire",
                   "beneficiaires_quartier": "Bénéficiaires par quartier", "contact": "Contacts"}


def texte_liste(table: str, lignes: tuple | None, noms: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Une liste possédée, lisible : une ligne par élément (« 64 — Animatrice — 3 000,00 € » pour un budget,
    « 74 — Ville de Calais — 1 500,00 € » pour une subvention, suivies des totaux), « (vide) » sans élément.
    ``noms`` : colonne → code → nom (financeurs, quartiers), pour ne pas montrer des codes."""
    from instruction.domaine import argent, budget

    noms = noms or {}
    if lignes is None:
        return "(absente)"
    if not lignes:
        return "(vide)"

    def nom(colonne: str, valeur) -> str:
        return noms.get(colonne, {}).get(valeur, str(valeur))

    if table == "ligne_budget":
        textes, calcul = [], []
        for ligne in lignes:
            montant = Decimal(str(ligne.get("montant") or "0"))
            financeur = ligne.get("financeur_code")
            libelle = nom("financeur_code", financeur) if financeur else (ligne.get("libelle") or "")
            textes.append(f"{ligne.get('compte')} — {libelle} — {argent.formater(montant)}")
            calcul.append(budget.Ligne(ligne.get("sens"), ligne.get("compte"), montant, financeur))
        synthese = budget.synthese(calcul)
        textes.append(f"Charges : {argent.formater(synthese.total_charges)} ; produits : "
                      f"{argent.formater(synthese.total_produits)}")
        textes.append(f"Subventions demandées : {argent.formater(synthese.subventions)}")
        return "\n".join(textes)
    return "\n".join(" — ".join(nom(c, v) for c, v in ligne.items() if v not in (None, "") and c != "ordre")
                     for ligne in lignes)


def _noms_references(uow: UniteDeTravail) -> dict[str, dict[str, str]]:
    """Les noms des financeurs et des quartiers (pour montrer une liste en conflit sans codes)."""
    from instruction.db import modeles as m

    return {"financeur_code": dict(uow.session.execute(select(m.Financeur.code, m.Financeur.libelle)).all()),
            "quartier_code": dict(uow.session.execute(select(m.Quartier.code, m.Quartier.nom)).all())}


def _montrer(analyse: service_fusion.Analyse, conflit: f.Conflit,
             noms: Mapping[str, Mapping[str, str]] | None = None) -> ConflitMontre:
    if conflit.genre == f.LISTE:
        parent = e.listes_possedees()[conflit.table].parent
        champ = LIBELLES_LISTES.get(conflit.table, conflit.table.replace("_", " ").capitalize())
        return ConflitMontre(conflit.ident, conflit.genre, analyse.libelle_ligne(parent, conflit.cle), champ,
                             conflit.table, None, texte_liste(conflit.table, conflit.base, noms),
                             texte_liste(conflit.table, conflit.mien, noms),
                             texte_liste(conflit.table, conflit.leur, noms),
                             analyse.auteur("mien", parent, conflit.cle), analyse.auteur("leur", parent, conflit.cle),
                             False)

    def texte(valeur) -> str:
        if valeur is f.ABSENT or valeur is None:
            return "(vide)" if valeur is None else "(absente)"
        if isinstance(valeur, dict):
            return "; ".join(f"{c.replace('_', ' ')} : {v}" for c, v in valeur.items()
                             if v is not None and c not in e.COMPTEURS | e.HORODATAGES)[:400]
        return str(valeur)

    modifiable = False
    if conflit.colonne is not None:
        try:
            modifiable = e.table(conflit.table).c[conflit.colonne].type.python_type is not bytes
        except NotImplementedError:
            modifiable = True
    champ = libelle_colonne(conflit.table, conflit.colonne) if conflit.colonne else f.LIBELLES_GENRES[conflit.genre]
    return ConflitMontre(conflit.ident, conflit.genre, analyse.libelle_ligne(conflit.table, conflit.cle), champ,
                         conflit.table, conflit.colonne, texte(conflit.base), texte(conflit.mien),
                         texte(conflit.leur), analyse.auteur("mien", conflit.table, conflit.cle),
                         analyse.auteur("leur", conflit.table, conflit.cle), modifiable)


def _choix_types(analyse: service_fusion.Analyse, choix: Mapping[str, f.Choix]) -> dict[str, f.Choix]:
    """Les valeurs saisies converties au type de leur colonne (message clair sinon)."""
    conflits = {c.ident: c for c in analyse.resultat.conflits}
    resultat = {}
    for ident, decision in choix.items():
        conflit = conflits.get(ident)
        if conflit is None:
            continue
        if decision.decision == f.SAISIE and isinstance(decision.valeur, str) and conflit.colonne:
            decision = f.Choix(f.SAISIE, service_fusion.convertir(conflit.table, conflit.colonne, decision.valeur))
        resultat[ident] = decision
    return resultat


def _emprunt(uow: UniteDeTravail, infos: travail.InfosTravail, verrouiller: bool) -> Emprunt:
    requete = select(Emprunt).where(Emprunt.cle == infos.cle)
    if verrouiller:
        requete = requete.with_for_update()
    emprunt = uow.session.scalar(requete)
    if emprunt is None:
        raise ErreurInstruction(
            f"Ce fichier de travail n'a pas été emprunté à cette base (il vient de « {infos.base_nom} ») : "
            "ouvrez la base d'où il vient pour le rapporter. Rien n'a été modifié.")
    return emprunt


@ecrit("dossiers.rapporter")
def rapporter(uow: UniteDeTravail, fichier: Path, phrase: str, choix: Mapping[str, f.Choix] | None = None, *,
              simulation: bool = False, progression: Callable[[str], None] = lambda _m: None) -> Retour:
    """Voir le module. Le fichier de travail n'est pas modifié ici (``marquer_rapporte`` le fait après la
    validation de la transaction)."""
    fichier = Path(fichier).expanduser()
    progression("Déchiffrement et contrôle du fichier de travail…")
    with copie_de_travail(fichier, phrase) as (moteur, migre_de):
        with moteur.connect() as source:
            infos = travail.lire_infos(source, fichier)
            emprunt = _emprunt(uow, infos, verrouiller=not simulation)
            if uow.utilisateur.identifiant != emprunt.emprunteur and uow.utilisateur.role != droits.ADMINISTRATEUR:
                raise droits.Interdit(f"Ce fichier a été emprunté par {emprunt.emprunteur_nom} : seul l'emprunteur "
                                      "ou un administrateur le rapporte. Rien n'a été modifié.")
            retour = Retour(infos, simulation, migre_de=migre_de)
            if emprunt.rendu_le is not None:
                retour.deja_rapporte = emprunt.rendu_le
                return retour
            progression("Comparaison des trois versions…")
            bureau = uow.session.connection()
            analyse = service_fusion.analyser(bureau, source, infos, infos.emprunteur)
            source.rollback()
        resultat = analyse.resultat
        decisions = f.decider(resultat, _choix_types(analyse, choix or {}))
        noms = _noms_references(uow) if any(c.genre == f.LISTE for c in resultat.conflits) else None
        retour.conflits = [_montrer(analyse, c, noms) for c in resultat.conflits]
        retour.non_tranches = len(decisions.non_tranches)
        retour.a_ajouter = len(decisions.insertions) + len(decisions.recreations)
        retour.a_modifier = len(decisions.mises_a_jour)
        retour.a_supprimer = len(decisions.suppressions)
        retour.a_remplacer = len(decisions.remplacements)
        retour.du_bureau = resultat.du_bureau
        retour.non_rapportees = analyse.non_rapportees
        if simulation or decisions.non_tranches:
            return retour
        progression("Écriture dans la base…")
        acteur = infos.emprunteur.identifiant
        retour.ecrit = ecriture_fusion.appliquer(bureau, analyse, decisions, acteur, _renumeroteur(uow))
        _noter_conflits(uow, analyse, decisions, acteur, noms)
        le = maintenant()
        uow.session.execute(update(Emprunt).where(Emprunt.id == emprunt.id).values(
            rendu_le=le, rendu_par=uow.acteur, bilan="\n".join(retour.resume())))
        uow.session.expire_all()
        return retour


def _renumeroteur(uow: UniteDeTravail) -> Callable[[dict], str]:
    """Un dossier créé hors ligne reçoit un numéro du bureau (le compteur du portable a pu être dépassé)."""
    from instruction.db import modeles as m
    from instruction.services.dossier import _nouveau_numero

    def renumeroter(ligne: dict) -> str:
        return _nouveau_numero(uow, uow.session.get(m.Campagne, ligne["campagne_id"]))

    return renumeroter


def _noter_conflits(uow: UniteDeTravail, analyse: service_fusion.Analyse, decisions: f.Decisions, acteur: str,
                    noms: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Chaque conflit tranché laisse sa ligne d'historique : ce qui était au bureau, ce qui a été gardé."""
    for conflit, choix in decisions.tranches:
        if conflit.genre == f.LISTE:  # la clé est celle du parent (un dossier, un porteur)
            genre, ident = e.listes_possedees()[conflit.table].parent, conflit.cle[0]
            champ = LIBELLES_LISTES.get(conflit.table, conflit.table.replace("_", " "))
            garde = "liste du portable gardée" if choix.decision == f.MIEN else "liste du bureau gardée"
            historique.noter(
                uow, conflit.table, f"conflit tranché au retour : {garde}", acteur=acteur,
                dossier_id=ident if genre == "dossier" and isinstance(ident, int) else None,
                porteur_id=ident if genre == "porteur" and isinstance(ident, int) else None,
                changements=[(champ, texte_liste(conflit.table, conflit.leur, noms),
                              texte_liste(conflit.table, conflit.mien if choix.decision == f.MIEN else conflit.leur,
                                          noms))])
            continue
        genre, ident = analyse.racines.get((conflit.table, conflit.cle), (None, None))
        if choix.decision == f.LEUR:
            garde = "version du bureau gardée"
        elif choix.decision == f.MIEN:
            garde = "version du portable gardée"
        else:
            garde = "valeur saisie au retour"
        champ = f"{conflit.table.replace('_', ' ')} : {conflit.colonne.replace('_', ' ')}" if conflit.colonne \
            else f"{conflit.table.replace('_', ' ')} ({f.LIBELLES_GENRES[conflit.genre]})"
        nouveau = choix.valeur if choix.decision == f.SAISIE else (
            conflit.mien if choix.decision == f.MIEN else conflit.leur)
        dossier_id = ident if genre == "dossier" and isinstance(ident, int) else None
        porteur_id = ident if genre == "porteur" and isinstance(ident, int) else None
        ancien = conflit.leur
        historique.noter(
            uow, conflit.table, f"conflit tranché au retour : {garde}", acteur=acteur, dossier_id=dossier_id,
            porteur_id=porteur_id, changements=[(champ, None if isinstance(ancien, dict) or ancien is f.ABSENT else ancien,
                                                 None if isinstance(nouveau, dict) or nouveau is f.ABSENT else nouveau)])


def marquer_rapporte(fichier: Path, phrase: str, le: dt.datetime, bilan: str) -> bool:
    """Inscrit dans le fichier de travail qu'il a été rapporté (le bandeau le dira s'il est rouvert) ; rend faux
    si le fichier ne peut pas être écrit (support en lecture seule) : la base partagée le sait de toute façon."""
    try:
        moteur = travail.ouvrir(Path(fichier), phrase)
    except ErreurInstruction:
        return False
    try:
        with moteur.begin() as connexion:
            connexion.execute(update(travail.travail_emprunt).values(rendu_le=le, bilan=bilan))
        return True
    except Exception:  # noqa: BLE001 — le retour est fait ; seul le marquage du fichier a échoué
        return False
    finally:
        moteur.dispose()


def lire_fichier(fichier: Path, phrase: str) -> travail.InfosTravail:
    """Ce que dit un fichier de travail (sans l'ouvrir comme base) : phrase vérifiée, pages contrôlées."""
    moteur = travail.ouvrir(Path(fichier), phrase)
    try:
        travail.controler(moteur)
        with moteur.connect() as connexion:
            infos = travail.lire_infos(connexion, Path(fichier))
            connexion.rollback()
        return infos
    finally:
        moteur.dispose()


