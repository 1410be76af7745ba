"""Rapporter un fichier de travail : écrire les décisions de la fusion (``services.fusion`` les a préparées).

``appliquer`` écrit, dans la transaction de l'action : lignes nouvelles (parents d'abord, identifiants donnés
par la base du bureau, renvois recalculés ; listes possédées remplacées en entier, et les totaux du dossier
recalculés par le calcul du service des dossiers), champs modifiés, suppressions (enfants d'abord), historique
écrit hors ligne ajouté (dates et auteur d'origine), une ligne « rapporté » par dossier touché, versions des
dossiers et porteurs touchés augmentées (un formulaire ouvert au bureau le saura). ``services.retour`` marque
ensuite l'emprunt rendu.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from instruction.db import modeles as m
from instruction.domaine import fusion as f
from instruction.domaine.horloge import maintenant
from instruction.services.emprunts import (
    COMPTEURS,
    DERIVEES,
    HORODATAGES,
    canonique,
    cle_de,
    listes_possedees,
    plan,
    table,
)
from instruction.services.fusion import Analyse, colonne_auto


@dataclass(frozen=True)
class Ecrit:
    ajoutees: dict[str, int]
    modifiees: dict[str, int]
    supprimees: dict[str, int]
    dossiers: tuple[int, ...]  # touchés
    porteurs: tuple[int, ...]
    historique: int  # lignes d'historique hors ligne ajoutées
    renumerotes: tuple[tuple[str, str], ...] = ()  # dossiers créés hors ligne : (numéro hors ligne, au bureau)
    listes: dict[str, int] = field(default_factory=dict)  # listes possédées remplacées, par table


def _typee(analyse: Analyse, nom: str, cle: tuple) -> dict:
    return analyse.mien[nom][cle]


def _cle_bureau(analyse: Analyse, nom: str, cle: tuple) -> tuple:
    """La clé typée au bureau d'une ligne (celle du bureau si elle y est, sinon celle de l'instantané)."""
    ligne = analyse.leur.get(nom, {}).get(cle)
    if ligne is not None:
        return cle_de(table(nom), ligne)
    ligne = analyse.mien.get(nom, {}).get(cle)
    return cle_de(table(nom), ligne) if ligne is not None else cle


def appliquer(bureau: Connection, analyse: Analyse, decisions: f.Decisions, acteur: str,
              renumeroter: Callable[[dict], str] | None = None) -> Ecrit:
    """Écrit les décisions dans la transaction de ``bureau``. ``renumeroter(ligne)`` : le numéro du bureau
    d'un dossier créé hors ligne (le sien a pu être attribué entre-temps à un autre dossier)."""
    p = plan()
    renumerotes: list[dict] = []
    ids: dict[tuple[str, Any], Any] = dict(analyse.apparies)
    ajoutees: dict[str, int] = defaultdict(int)
    modifiees: dict[str, int] = defaultdict(int)
    supprimees: dict[str, int] = defaultdict(int)
    touchees: set[tuple[str, Any]] = set()

    def resoudre(valeur: Any) -> Any:
        if isinstance(valeur, f.Nouveau):
            return ids[(valeur.table, valeur.local)]
        return valeur

    def touchees_ids(genre: str) -> set:
        return {i for g, i in touchees if g == genre}

    def toucher(nom: str, cle: tuple) -> None:
        racine = analyse.racines.get((nom, cle))
        if racine is not None:
            touchees.add((racine[0], resoudre(racine[1])))

    # 1. Lignes nouvelles hors ligne (et recréées), listes possédées remplacées, parents d'abord
    a_inserer: dict[str, list[tuple]] = defaultdict(list)
    for nom, cle in decisions.insertions + decisions.recreations:
        a_inserer[nom].append(cle)
    a_remplacer: dict[str, list[tuple]] = defaultdict(list)
    for nom, cle_parent in decisions.remplacements:
        a_remplacer[nom].append(cle_parent)
    recreations = set(decisions.recreations)
    recreees: dict[tuple[str, Any], Any] = {}  # (table, ancien id) → id de la ligne recréée au bureau
    remplacees: dict[str, int] = defaultdict(int)
    budgets: dict[Any, list[dict]] = {}  # dossier → son budget remplacé (totaux à recalculer)
    possedees = listes_possedees()
    for nom in p.fusionnees:
        if nom in a_remplacer:
            liste = possedees[nom]
            t = table(nom)
            auto = colonne_auto(nom)
            for cle_parent in a_remplacer[nom]:
                valeur = cle_parent[0]
                parent_id = resoudre(valeur) if isinstance(valeur, f.Nouveau) else recreees.get(
                    (liste.parent, valeur), valeur)
                bureau.execute(delete(t).where(t.c[liste.colonne] == parent_id))
                lignes = []
                for ligne in analyse.listes_mien.get((nom, cle_parent), []):
                    ecrire = {c: resoudre(v) for c, v in ligne.items() if c != auto}
                    ecrire[liste.colonne] = parent_id
                    if auto is not None and isinstance(ligne.get(auto), f.Nouveau):  # un renvoi possible vers elle
                        ids[(nom, ligne[auto].local)] = bureau.execute(
                            insert(t).returning(t.c[auto]), [ecrire]).scalar_one()
                    else:
                        lignes.append(ecrire)
                if lignes:
                    bureau.execute(insert(t), lignes)
                remplacees[nom] += 1
                touchees.add((liste.parent, parent_id))
                if nom == "ligne_budget":
                    budgets[parent_id] = analyse.listes_mien.get((nom, cle_parent), [])
            continue
        if nom not in a_inserer:
            continue
        t = table(nom)
        auto = colonne_auto(nom)
        for cle in a_inserer[nom]:
            local = cle[0] if auto else None
            ligne = {c: resoudre(v) for c, v in _typee(analyse, nom, cle).items() if c != auto}
            if nom == "dossier" and renumeroter is not None:
                numero = renumeroter(ligne)
                if numero != ligne["numero"]:
                    renumerotes.append({"avant": ligne["numero"], "apres": numero})
                    ligne["numero"] = numero
            nouvel = bureau.execute(insert(t).returning(*t.primary_key.columns), [ligne]).first()
            if auto is not None:
                ids[(nom, local.local if isinstance(local, f.Nouveau) else local)] = nouvel[0]
                if (nom, cle) in recreations:
                    recreees[(nom, local)] = nouvel[0]
            ajoutees[nom] += 1
            toucher(nom, cle)
    # 2. Champs modifiés, par groupes de mêmes colonnes
    groupes: dict[tuple[str, tuple[str, ...]], list[dict]] = defaultdict(list)
    for (nom, cle), valeurs in decisions.mises_a_jour.items():
        t = table(nom)
        typee = _typee(analyse, nom, cle)
        ecrire = {c: resoudre(typee[c]) if c in typee and canonique(typee[c]) == v else resoudre(v)
                  for c, v in valeurs.items()}
        for c in HORODATAGES:
            if c in t.c and c in typee and typee[c] is not None:
                actuel = analyse.leur.get(nom, {}).get(cle, {}).get(c)
                if actuel is None or typee[c] > actuel:
                    ecrire[c] = typee[c]
        cle_bureau = _cle_bureau(analyse, nom, cle)
        parametres = {f"cle_{c.name}": v for c, v in zip(t.primary_key.columns, cle_bureau, strict=True)}
        parametres.update({f"v_{c}": v for c, v in ecrire.items()})
        groupes[(nom, tuple(sorted(ecrire)))].append(parametres)
        modifiees[nom] += 1
        toucher(nom, cle)
    for (nom, colonnes), lots in groupes.items():
        t = table(nom)
        bureau.execute(update(t).where(*(c == bindparam(f"cle_{c.name}") for c in t.primary_key.columns))
                       .values({c: bindparam(f"v_{c}") for c in colonnes}), lots)
    # 3. Suppressions, enfants d'abord
    par_table: dict[str, list[tuple]] = defaultdict(list)
    for nom, cle in decisions.suppressions:
        par_table[nom].append(_cle_bureau(analyse, nom, cle))
        toucher(nom, cle)
    for nom in reversed(p.fusionnees):
        if nom not in par_table:
            continue
        t = table(nom)
        colonnes = list(t.primary_key.columns)
        for cle in par_table[nom]:
            bureau.execute(delete(t).where(*(c == v for c, v in zip(colonnes, cle, strict=True))))
            supprimees[nom] += 1
    # 4. Les totaux des dossiers dont le budget a été remplacé : le calcul du service des dossiers, sur le budget
    #    écrit (jamais la somme des deux budgets, ni les totaux d'un côté avec le budget de l'autre)
    if budgets:
        _recalculer_totaux(bureau, budgets)
    # 5. L'historique écrit hors ligne, avec ses dates et son auteur ; les renvois recalculés
    hist = m.Historique.__table__
    lignes_hist = []
    for ligne in analyse.historique_hors_ligne:
        copie = {c: v for c, v in ligne.items() if c != "id"}
        copie["version"] = None  # les versions du portable ne disent rien au bureau
        for genre in ("dossier", "porteur"):
            ident = copie[f"{genre}_id"]
            if ident is not None:
                copie[f"{genre}_id"] = ids.get((genre, ident), ident)
        lignes_hist.append(copie)
    if lignes_hist:
        bureau.execute(insert(hist), lignes_hist)
    # 6. Versions des dossiers et porteurs touchés augmentées ; une ligne « rapporté » pour chaque dossier
    #    emprunté (même inchangé) et chaque porteur touché
    le = maintenant()
    dossiers = sorted(i for g, i in touchees if g == "dossier")
    porteurs = sorted(i for g, i in touchees if g == "porteur")
    existants = {k[0] for k in analyse.leur.get("dossier", {})}
    a_noter = {"dossier": sorted(set(dossiers) | (set(analyse.infos.dossiers) & existants)), "porteur": porteurs}
    for genre, idents in (("dossier", dossiers), ("porteur", porteurs)):
        if not idents:
            continue
        t = table(genre)
        valeurs = {c: t.c[c] + 1 for c in COMPTEURS if c in t.c}
        if "modifie_le" in t.c:
            valeurs["modifie_le"] = le
        bureau.execute(update(t).where(t.c.id.in_(idents)).values(valeurs))
    for genre, idents in a_noter.items():
        if not idents:
            continue
        t = table(genre)
        versions = dict(bureau.execute(select(t.c.id, t.c.version).where(t.c.id.in_(idents))).all())
        bureau.execute(insert(hist), [{
            "le": le, "acteur": acteur, "objet": genre, "action": "rapporté du travail hors ligne",
            "dossier_id": i if genre == "dossier" else None, "porteur_id": i if genre == "porteur" else None,
            "version": versions.get(i), "champ": "Fichier de travail", "ancien": None,
            "nouveau": analyse.infos.fichier.name if i in touchees_ids(genre) else
            f"{analyse.infos.fichier.name} (sans changement)"} for i in idents])
    return Ecrit(dict(ajoutees), dict(modifiees), dict(supprimees), tuple(dossiers), tuple(porteurs),
                 len(lignes_hist), tuple((r["avant"], r["apres"]) for r in renumerotes), dict(remplacees))


def _recalculer_totaux(bureau: Connection, budgets: dict[Any, list[dict]]) -> None:
    """Les colonnes dérivées du budget (``emprunts.DERIVEES``) de chaque dossier, par ``totaux_du_budget``."""
    from instruction.domaine import budget
    from instruction.services.dossier import totaux_du_budget

    t = table("dossier")
    lots = []
    for dossier_id, lignes in budgets.items():
        totaux = totaux_du_budget(budget.Ligne(ligne["sens"], ligne["compte"], ligne["montant"],
                                               ligne["financeur_code"]) for ligne in lignes)
        lots.append({"cle": dossier_id, **{f"v_{c}": v for c, v in totaux.items()}})
    colonnes = sorted(c for (nom, c), liste in DERIVEES.items() if nom == "dossier" and liste == "ligne_budget")
    bureau.execute(update(t).where(t.c.id == bindparam("cle")).values({c: bindparam(f"v_{c}") for c in colonnes}),
                   lots)
