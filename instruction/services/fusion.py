"""Rapporter un fichier de travail : lire les trois versions et les fusionner (l'écriture des décisions est dans
``services.ecriture_fusion``).

* **Lire** (``analyser``) : l'instantané de l'emprunt (gardé dans le fichier), les lignes du portable (tout le
  fichier, pour les tables fusionnées) et celles du bureau maintenant (la même sélection que l'emprunt : une
  requête par table, quel que soit le nombre de dossiers inchangés), mises sous forme canonique ; les lignes
  créées hors ligne reçoivent une clé provisoire (``fusion.Nouveau``), leurs enfants aussi ; une ligne créée
  hors ligne qui répond à la même contrainte d'unicité qu'une ligne créée au bureau (la même grille commencée
  des deux côtés, par exemple) est reconnue comme la même ligne et fusionnée champ par champ.
* **Listes possédées** (``emprunts.listes_possedees`` : budget, séances, indicateurs, quartiers… remplacés en
  entier par le formulaire) : regroupées par parent, une valeur par (parent, liste), sans identifiants ;
  les colonnes qui en sont calculées (coût total, subvention demandée, financeurs) ne se comparent pas.
* **Fusionner** : ``domaine.fusion`` (pur).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Integer, func, select

from instruction.db import modeles as m
from instruction.db import travail
from instruction.db.types import Argent
from instruction.domaine import fusion as f
from instruction.domaine.erreurs import DonneesInvalides
from instruction.services import emprunts as e
from instruction.services.emprunts import (
    COMPTEURS,
    DERIVEES,
    HORODATAGES,
    canonique,
    canonique_ligne,
    cle_de,
    listes_possedees,
    plan,
    table,
)


def _canon1(valeur: Any) -> Any:
    return valeur if isinstance(valeur, f.Nouveau) else canonique(valeur)


def _canon_cle(cle: tuple) -> tuple:
    return tuple(_canon1(v) for v in cle)


def _canon(ligne: dict) -> dict:
    return {c: _canon1(v) for c, v in ligne.items()}


def colonne_auto(nom: str) -> str | None:
    """La colonne d'identifiant que la base attribue (entier seul en clé primaire), ou ``None`` (clé naturelle)."""
    t = table(nom)
    colonne = t.autoincrement_column
    return colonne.name if colonne is not None and isinstance(colonne.type, Integer) else None


@dataclass
class Analyse:
    infos: travail.InfosTravail
    resultat: f.Resultat
    mien: dict[str, dict[tuple, dict]]  # clé canonique → ligne typée du portable (clés provisoires comprises)
    leur: dict[str, dict[tuple, dict]]  # clé canonique → ligne typée du bureau
    racines: dict[tuple[str, tuple], tuple[str, Any]]  # (table, clé) → (« dossier »|« porteur », id)
    numeros: dict[int, str]  # dossier → numéro
    apparies: dict[tuple[str, Any], Any]  # (table, id local) → id au bureau (même ligne créée des deux côtés)
    qui_quand: dict[tuple[str, str, Any], tuple[str, dt.datetime]]  # (côté, racine, id) → dernier auteur, quand
    historique_hors_ligne: list[dict] = field(default_factory=list)
    non_rapportees: dict[str, int] = field(default_factory=dict)  # tables indépendantes changées hors ligne
    # Les listes possédées du portable : (table, clé canonique du parent) → lignes typées, dans l'ordre.
    listes_mien: dict[tuple[str, tuple], list[dict]] = field(default_factory=dict)

    def libelle_ligne(self, nom: str, cle: tuple) -> str:
        genre, ident = self.racines.get((nom, cle), (None, None))
        quoi = nom.replace("_", " ")
        texte_cle = ", ".join(str(v) for v in cle)
        if genre == "dossier":
            debut = f"Dossier {self.numeros.get(ident, ident)}"
            return debut if nom == "dossier" else f"{debut} — {quoi} {texte_cle}"
        if genre == "porteur":
            return f"Porteur {ident}" if nom == "porteur" else f"Porteur {ident} — {quoi} {texte_cle}"
        return f"{quoi} {texte_cle}"

    def auteur(self, cote: str, nom: str, cle: tuple) -> str:
        racine = self.racines.get((nom, cle))
        if racine is None:
            return ""
        trouve = self.qui_quand.get((cote, *racine))
        if trouve is None:
            return ""
        from instruction.domaine.dates import formater_horodatage

        return f"{trouve[0]}, {formater_horodatage(trouve[1])}"


def _racine(nom: str, ligne: dict, cotes: list[dict[str, dict[tuple, dict]]], profondeur: int = 0
            ) -> tuple[str, Any] | None:
    p = plan()
    if nom in e.RACINES:
        return nom, cle_de(table(nom), ligne)[0]
    if profondeur > 20:
        return None
    for lien in p.accrochees.get(nom, ()):
        valeur = ligne.get(lien.colonne)
        if valeur is None:
            continue
        if lien.parent in e.RACINES:
            return lien.parent, valeur
        t = table(lien.parent)
        if len(t.primary_key.columns) != 1:
            continue
        for lignes in cotes:  # clés canoniques
            parent = lignes.get(lien.parent, {}).get((_canon1(valeur),))
            if parent is not None:
                return _racine(lien.parent, parent, cotes, profondeur + 1)
    return None


def analyser(bureau: Connection, fichier: Connection, infos: travail.InfosTravail, utilisateur) -> Analyse:
    p = plan()
    # --- L'instantané
    base: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for nom_table, cle, valeurs in fichier.execute(select(travail.travail_ligne)):
        if nom_table in p.cote:
            base[nom_table][tuple(json.loads(cle))] = json.loads(valeurs)
    # --- Le portable (typé), puis le bureau (typé)
    mien: dict[str, dict[tuple, dict]] = {}
    for nom in p.fusionnees:
        t = table(nom)
        mien[nom] = {cle_de(t, ligne): ligne for ligne in (dict(r._mapping) for r in fichier.execute(select(t)))}
    porteurs = {k[0] for k in base.get("porteur", {})}
    leur = e.selectionner(bureau, infos.dossiers, porteurs, utilisateur,
                          cles_connues={nom: set(cles) for nom, cles in base.items()})
    # --- Clés provisoires des lignes créées hors ligne, renvois recalculés, appariement par unicité
    provisoires: dict[tuple[str, Any], Any] = {}  # (table, id local) → Nouveau ou id du bureau
    apparies: dict[tuple[str, Any], Any] = {}
    mien_c: dict[str, dict[tuple, dict]] = {}  # clé canonique → ligne typée (clés provisoires comprises)
    leur_c: dict[str, dict[tuple, dict]] = {}
    for nom in p.fusionnees:
        t = table(nom)
        auto = colonne_auto(nom)
        base_t = base.get(nom, {})
        leur_c[nom] = {_canon_cle(k): v for k, v in leur.get(nom, {}).items()}
        nouvelles_du_bureau = {k: v for k, v in leur_c[nom].items() if k not in base_t}
        mien_c[nom] = {}
        for cle, ligne in mien[nom].items():
            ligne = dict(ligne)
            for cle_etrangere in t.foreign_keys:
                colonne = cle_etrangere.parent.name
                remplace = provisoires.get((cle_etrangere.column.table.name, ligne.get(colonne)))
                if remplace is not None:
                    ligne[colonne] = remplace
            if auto is not None and _canon_cle(cle) not in base_t:
                local = cle[0]
                jumelle = _jumelle(t, ligne, nouvelles_du_bureau, auto)
                if jumelle is not None:
                    provisoires[(nom, local)] = apparies[(nom, local)] = ligne[auto] = jumelle
                else:
                    provisoires[(nom, local)] = ligne[auto] = f.Nouveau(nom, local)
            mien_c[nom][_canon_cle(cle_de(t, ligne))] = ligne
    # --- La fusion pure, table par table ; les listes possédées, une valeur par parent
    possedees = listes_possedees()
    tables = []
    for nom in p.fusionnees:
        if nom in possedees:
            continue
        t = table(nom)
        ignorees = frozenset(c.name for c in t.columns if c.name in COMPTEURS | HORODATAGES
                             or (nom, c.name) in DERIVEES)
        tables.append(f.TableAFusionner(
            nom, base.get(nom, {}), {k: _canon(v) for k, v in mien_c[nom].items()},
            {k: canonique_ligne(v) for k, v in leur_c[nom].items()}, ignorees))
    listes, listes_mien = _listes(possedees, base, mien_c, leur_c)
    resultat = f.fusionner(tables, listes)
    # --- Racines (dossier ou porteur) de chaque ligne, numéros, derniers auteurs
    cotes = [mien_c, leur_c, base]
    racines: dict[tuple[str, tuple], tuple[str, Any]] = {}
    for nom in p.fusionnees:
        for cle in set(base.get(nom, {})) | set(mien_c[nom]) | set(leur_c[nom]):
            ligne = mien_c[nom].get(cle) or leur_c[nom].get(cle) or base.get(nom, {}).get(cle)
            racine = _racine(nom, ligne, cotes) if ligne is not None else None
            if racine is not None:
                racines[(nom, cle)] = racine
    numeros = {}
    for lignes in (base.get("dossier", {}), leur_c["dossier"], mien_c["dossier"]):
        for ligne in lignes.values():
            if not isinstance(ligne.get("id"), f.Nouveau):
                numeros[ligne["id"]] = ligne["numero"]
    hist = m.Historique.__table__
    hors_ligne = [dict(r._mapping) for r in fichier.execute(
        select(hist).where(hist.c.id > infos.historique_dernier).order_by(hist.c.id))]
    qui_quand: dict[tuple[str, str, Any], tuple[str, dt.datetime]] = {}
    for ligne in hors_ligne:
        for genre in ("dossier", "porteur"):
            if ligne[f"{genre}_id"] is not None:
                qui_quand[("mien", genre, ligne[f"{genre}_id"])] = (ligne["acteur"], ligne["le"])
    dossiers = [k[0] for k in base.get("dossier", {})]
    if dossiers or porteurs:
        for ligne in bureau.execute(select(hist.c.acteur, hist.c.le, hist.c.dossier_id, hist.c.porteur_id).where(
                hist.c.le > infos.emprunte_le, hist.c.dossier_id.in_(dossiers) | hist.c.porteur_id.in_(
                    sorted(porteurs))).order_by(hist.c.id)):
            for genre in ("dossier", "porteur"):
                if getattr(ligne, f"{genre}_id") is not None:
                    qui_quand[("leur", genre, getattr(ligne, f"{genre}_id"))] = (ligne.acteur, ligne.le)
    return Analyse(infos, resultat, mien_c, leur_c, racines, numeros, apparies, qui_quand, hors_ligne,
                   _independantes_changees(fichier, infos), listes_mien)


def _contenu(nom: str, colonne_parent: str, ligne: dict) -> dict:
    """Ce qui compte d'une ligne de liste possédée : ni son identifiant, ni son renvoi au parent."""
    auto = colonne_auto(nom)
    return {c: _canon1(v) for c, v in ligne.items()
            if c not in (auto, colonne_parent) and c not in COMPTEURS | HORODATAGES}


def _ordonner(lignes: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    """Dans l'ordre de la liste (``ordre``), puis par contenu (une liste sans ordre, comme des quartiers)."""
    return sorted(lignes, key=lambda paire: (paire[0].get("ordre") or 0, json.dumps(
        paire[0], sort_keys=True, default=str)))


def _listes(possedees: dict[str, e.ListePossedee], base: dict, mien_c: dict, leur_c: dict
            ) -> tuple[list[f.ListeAFusionner], dict[tuple[str, tuple], list[dict]]]:
    """Chaque liste possédée de chaque parent, des trois côtés (``None`` : parent absent de ce côté), et les
    lignes typées du portable (pour les écrire)."""
    listes: list[f.ListeAFusionner] = []
    listes_mien: dict[tuple[str, tuple], list[dict]] = {}
    for nom, liste in possedees.items():
        cotes = (base.get(nom, {}), mien_c.get(nom, {}), leur_c.get(nom, {}))
        parents = (base.get(liste.parent, {}), mien_c.get(liste.parent, {}), leur_c.get(liste.parent, {}))
        # Une colonne absente de l'instantané (ajoutée par une migration depuis l'emprunt) n'a pas pu changer
        # hors ligne : elle ne compte pas (sinon chaque liste paraîtrait changée des deux côtés).
        connues = set().union(*(set(ligne) for ligne in cotes[0].values())) if cotes[0] else None
        groupes: list[dict[tuple, list[tuple[dict, dict]]]] = [{}, {}, {}]
        for rang, lignes in enumerate(cotes):
            for ligne in lignes.values():
                cle_parent = (_canon1(ligne[liste.colonne]),)
                contenu = _contenu(nom, liste.colonne, ligne)
                if connues is not None:
                    contenu = {c: v for c, v in contenu.items() if c in connues}
                groupes[rang].setdefault(cle_parent, []).append((contenu, ligne))
        for cle_parent in sorted(set(parents[0]) | set(parents[1]) | set(parents[2]), key=repr):
            valeurs = []
            for rang in range(3):
                if cle_parent not in parents[rang]:
                    valeurs.append(None)
                    continue
                valeurs.append(tuple(contenu for contenu, _l in _ordonner(groupes[rang].get(cle_parent, []))))
            listes.append(f.ListeAFusionner(nom, liste.parent, cle_parent, *valeurs))
            if valeurs[1] is not None:
                listes_mien[(nom, cle_parent)] = [ligne for _c, ligne in _ordonner(groupes[1].get(cle_parent, []))]
    return listes, listes_mien


def _jumelle(t, ligne: dict, nouvelles_du_bureau: dict[tuple, dict], auto: str) -> Any:
    """L'identifiant d'une ligne créée au bureau depuis l'emprunt qui a la même valeur qu'une ligne créée hors
    ligne pour une contrainte d'unicité (hors clé primaire), ou ``None``."""
    for contrainte in t.constraints:
        if contrainte.__class__.__name__ != "UniqueConstraint":
            continue
        colonnes = [c.name for c in contrainte.columns]
        valeurs = [ligne.get(c) for c in colonnes]
        if any(v is None or isinstance(v, f.Nouveau) for v in valeurs):
            continue
        for autre in nouvelles_du_bureau.values():
            if [autre.get(c) for c in colonnes] == valeurs:
                return autre[auto]
    return None


def _independantes_changees(fichier: Connection, infos: travail.InfosTravail) -> dict[str, int]:
    """Les tables indépendantes (référentiel, campagnes…) ne sont pas rapportées : on compte seulement les
    lignes qu'on y a écrites hors ligne, pour le dire (l'historique hors ligne les nomme)."""
    hist = m.Historique.__table__
    objets = fichier.execute(select(hist.c.objet, func.count()).where(
        hist.c.id > infos.historique_dernier, hist.c.dossier_id.is_(None), hist.c.porteur_id.is_(None))
        .group_by(hist.c.objet)).all()
    return {objet: nombre for objet, nombre in objets}


# --- Convertir une valeur saisie dans le dialogue des conflits ------------------------------------------


def convertir(nom: str, colonne: str, texte: str) -> Any:
    """La valeur saisie (« modifier » dans le dialogue côte à côte) au type de la colonne ; message clair sinon."""
    from instruction.domaine import argent, dates

    c = table(nom).c[colonne]
    texte = texte.strip()
    if texte == "" and c.nullable:
        return None
    try:
        type_python = Decimal if isinstance(c.type, Argent) else c.type.python_type  # Argent : un TypeDecorator
    except NotImplementedError:
        type_python = str
    if type_python is bytes:
        raise DonneesInvalides("Un contenu de fichier ne se saisit pas : gardez la version du portable ou celle du "
                               "bureau.")
    if type_python is bool:
        if texte.lower() in ("oui", "vrai", "1"):
            return True
        if texte.lower() in ("non", "faux", "0"):
            return False
        raise DonneesInvalides(f"« {texte} » : répondez « oui » ou « non » pour {colonne.replace('_', ' ')}.")
    try:
        if type_python is int:
            return int(texte.replace(" ", "").replace("\u202f", ""))
        if type_python is Decimal:
            return argent.lire(texte)
        if type_python is dt.datetime:
            return dt.datetime.fromisoformat(texte)
        if type_python is dt.date:
            return dates.lire(texte)
    except (ValueError, InvalidOperation, ArithmeticError, DonneesInvalides):
        raise DonneesInvalides(f"« {texte} » n'est pas une valeur possible pour {colonne.replace('_', ' ')}.") \
            from None
    return texte
