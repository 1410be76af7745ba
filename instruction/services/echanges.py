"""Importer un export de la plateforme : lire ce que la base sait, simuler, importer tout ou rien.

Les règles sont pures (``instruction.echanges``) ; ce module lit la base en quelques requêtes groupées
(référentiel, porteurs, dossiers déjà importés et leurs valeurs actuelles), puis écrit **par les services
de l'application** (``services.porteurs.creer``, ``services.dossier.creer_campagne``,
``services.dossier.enregistrer``) dans l'unité de travail de l'action : un import est une seule transaction,
qui ne laisse rien si elle n'est pas validée (erreur, annulation, processus tué).

La simulation et l'import calculent le même plan (``echanges.planifier``) ; l'import le recalcule dans sa
transaction plutôt que de croire une simulation faite plus tôt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from instruction.domaine import budget, echanges
from instruction.domaine import dossier as d
from instruction.db import modeles as m
from instruction.domaine.erreurs import DonneesInvalides
from instruction.domaine.horloge import aujourd_hui, maintenant
from instruction.import_fichier import Tableau
from instruction.services import historique
from instruction.services.acces import ecrit
from instruction.services.contexte import UniteDeTravail

_PAQUET = 500  # identifiants par requête « in (…) »


# --- Lectures ------------------------------------------------------------------------------------------


def alias(uow: UniteDeTravail) -> echanges.Alias:
    """Les alias du fichier de ressources, complétés par le référentiel de la base."""
    s = uow.session
    financeurs = {c: (l, sg or "") for c, l, sg in s.execute(
        select(m.Financeur.code, m.Financeur.libelle, m.Financeur.sigle).where(m.Financeur.actif))}
    quartiers = {c: (n,) for c, n in s.execute(select(m.Quartier.code, m.Quartier.nom).where(m.Quartier.actif))}
    dispositifs = {c: (l, sg or "") for c, l, sg in s.execute(
        select(m.Dispositif.code, m.Dispositif.libelle, m.Dispositif.sigle).where(m.Dispositif.instruit))}
    objectifs = frozenset(s.scalars(select(m.ObjectifOperationnel.code)))
    return echanges.charger_alias(echanges.Referentiel(financeurs, quartiers, dispositifs, objectifs))


@dataclass(frozen=True)
class Correspondance:
    nom: str
    colonnes: dict[str, str | None]
    exercice: int | None = None
    dispositif: str | None = None


def correspondances(uow: UniteDeTravail) -> list[Correspondance]:
    # La table garde aussi les jeux de colonnes d'export (``services.exports``, noms préfixés) : pas ici.
    return [_correspondance(c) for c in uow.session.scalars(
        select(m.CorrespondanceImport).where(~m.CorrespondanceImport.nom.startswith("export:"))
        .order_by(m.CorrespondanceImport.nom))]


def correspondance(uow: UniteDeTravail, nom: str) -> Correspondance:
    trouvee = uow.session.get(m.CorrespondanceImport, nom)
    if trouvee is None:
        noms = ", ".join(c.nom for c in correspondances(uow)) or "aucune"
        raise DonneesInvalides(f"Aucune correspondance enregistrée sous le nom « {nom} » (enregistrées : {noms}).")
    return _correspondance(trouvee)


def _correspondance(ligne: m.CorrespondanceImport) -> Correspondance:
    options = json.loads(ligne.options or "{}")
    return Correspondance(ligne.nom, json.loads(ligne.colonnes), options.get("exercice"), options.get("dispositif"))


def _existant(uow: UniteDeTravail, cles: set[tuple[str, int]]) -> echanges.Existant:
    s = uow.session
    porteurs = [echanges.PorteurConnu(*l) for l in s.execute(
        select(m.Porteur.id, m.Porteur.nom, m.Porteur.siret, m.Porteur.rna))]
    campagnes = {(dispo, annee): i for i, dispo, annee in s.execute(
        select(m.Campagne.id, m.Campagne.dispositif_code, m.Campagne.annee))}
    exercices = {e for _c, e in cles}
    lignes = [l for l in s.execute(
        select(m.DossierImporte.dossier_id, m.DossierImporte.code, m.DossierImporte.exercice,
               m.DossierImporte.valeurs, m.Dossier.numero)
        .join(m.Dossier, m.Dossier.id == m.DossierImporte.dossier_id)
        .where(m.DossierImporte.exercice.in_(exercices))) if (l.code, l.exercice) in cles]
    locales = valeurs_locales(uow, [l.dossier_id for l in lignes])
    importes = {(l.code, l.exercice): echanges.DejaImporte(l.dossier_id, l.numero, json.loads(l.valeurs),
                                                           locales[l.dossier_id]) for l in lignes}
    return echanges.Existant(porteurs, importes, campagnes)


def valeurs_locales(uow: UniteDeTravail, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Ce que la base contient pour ces dossiers, sous la forme des valeurs importées (quatre requêtes par
    paquet de 500 dossiers, pas une par dossier)."""
    s = uow.session
    resultat: dict[int, dict[str, Any]] = {}
    for debut in range(0, len(ids), _PAQUET):
        paquet = ids[debut:debut + _PAQUET]
        for l in s.execute(select(m.Dossier.id, m.Dossier.intitule, m.Dossier.resume, m.Dossier.description,
                                  m.Dossier.depose_le, m.Dossier.date_debut, m.Dossier.date_fin,
                                  m.Dossier.beneficiaires, m.Dossier.porteur_id).where(m.Dossier.id.in_(paquet))):
            resultat[l.id] = {
                "intitule": l.intitule, "resume": l.resume, "description": l.description,
                "depose_le": l.depose_le.isoformat() if l.depose_le else None,
                "date_debut": l.date_debut.isoformat() if l.date_debut else None,
                "date_fin": l.date_fin.isoformat() if l.date_fin else None,
                "beneficiaires": l.beneficiaires, "quartiers": [], "objectifs": [], "financement": {},
                "porteur": l.porteur_id,
            }
        for i, code in s.execute(select(m.DossierQuartier.dossier_id, m.DossierQuartier.quartier_code)
                                 .where(m.DossierQuartier.dossier_id.in_(paquet))):
            resultat[i]["quartiers"].append(code)
        for i, code in s.execute(select(m.DossierObjectif.dossier_id, m.DossierObjectif.objectif_operationnel_code)
                                 .where(m.DossierObjectif.dossier_id.in_(paquet))):
            resultat[i]["objectifs"].append(code)
        sommes: dict[int, dict[str, Decimal]] = {}
        for i, code, montant in s.execute(
                select(m.LigneBudget.dossier_id, m.LigneBudget.financeur_code, m.LigneBudget.montant)
                .where(m.LigneBudget.dossier_id.in_(paquet), m.LigneBudget.compte == budget.COMPTE_SUBVENTIONS,
                       m.LigneBudget.sens == "produit")):
            par = sommes.setdefault(i, {})
            par[code] = par.get(code, Decimal(0)) + montant
        for i, par in sommes.items():
            resultat[i]["financement"] = {c: format(v, "f") for c, v in sorted(par.items()) if c}
    for valeurs in resultat.values():
        valeurs["quartiers"].sort()
        valeurs["objectifs"].sort()
    return resultat


# --- Simulation ----------------------------------------------------------------------------------------


@dataclass
class Apercu:
    """Tout ce que l'assistant montre avant d'importer : lignes validées, erreurs, plan."""

    tableau: Tableau
    colonnes: dict[str, str | None]
    lignes: list[echanges.LigneLue]
    dossiers: list[echanges.DossierLu]
    erreurs: list[echanges.ErreurCellule]
    plan: echanges.Plan

    @property
    def ignorees(self) -> list[echanges.LigneLue]:
        return [l for l in self.lignes if l.ignoree]

    @property
    def importable(self) -> bool:
        return not self.erreurs

    def resume(self) -> str:
        lignes = [self.tableau.description + "."]
        if self.ignorees:
            lignes.append(f"{len(self.ignorees)} ligne(s) ignorée(s) (dossiers non transmis sur la plateforme).")
        if self.erreurs:
            lignes.append(f"{len(self.erreurs)} erreur(s) : rien ne sera importé tant qu'elles restent.")
            lignes.extend(str(e) for e in self.erreurs[:50])
            if len(self.erreurs) > 50:
                lignes.append(f"… et {len(self.erreurs) - 50} autres.")
        lignes.append(self.plan.resume())
        return "\n".join(lignes)


def simuler(uow: UniteDeTravail, tableau: Tableau, colonnes: Mapping[str, str | None], *,
            exercice: int | None = None, dispositif: str | None = None,
            choix_porteurs: Mapping[str, int] | None = None,
            annule: Callable[[], bool] | None = None) -> Apercu:
    """Ce que l'import ferait ; n'écrit rien."""
    table = alias(uow)
    colonnes = {t: colonnes.get(t) for t in tableau.entetes}
    echanges.verifier_correspondance(colonnes, table, exercice=exercice, dispositif=dispositif)
    lignes = echanges.lire_lignes(tableau.entetes, tableau.lignes, colonnes, table, aujourd_hui=aujourd_hui(),
                                  premiere_ligne=tableau.premiere_ligne, exercice=exercice, dispositif=dispositif)
    dossiers, erreurs = echanges.grouper(lignes, colonnes)
    existant = _existant(uow, {dossier.cle for dossier in dossiers})
    plan = echanges.planifier(dossiers, existant, choix_porteurs=choix_porteurs, annule=annule)
    return Apercu(tableau, colonnes, lignes, dossiers, erreurs, plan)


# --- Écriture ------------------------------------------------------------------------------------------


@ecrit("dossiers.importer")
def enregistrer_correspondance(uow: UniteDeTravail, nom: str, colonnes: Mapping[str, str | None], *,
                               exercice: int | None = None, dispositif: str | None = None) -> None:
    """Enregistre (ou remplace) la correspondance sous ce nom, pour les prochains imports."""
    nom = (nom or "").strip()
    if not nom:
        raise DonneesInvalides("Donnez un nom à la correspondance (par exemple « Dauphin 2027 »).")
    if len(nom) > 120:
        raise DonneesInvalides("Le nom de la correspondance dépasse 120 caractères.")
    contenu = json.dumps(dict(colonnes), ensure_ascii=False, sort_keys=True)
    options = json.dumps({"exercice": exercice, "dispositif": dispositif})
    ligne = uow.session.get(m.CorrespondanceImport, nom)
    ancien = ligne.colonnes if ligne else None
    if ligne is None:
        ligne = m.CorrespondanceImport(nom=nom)
        uow.session.add(ligne)
    ligne.colonnes, ligne.options, ligne.modifie_le, ligne.modifie_par = contenu, options, maintenant(), uow.acteur
    uow.session.flush()
    historique.noter(uow, "correspondance d'import", "création" if ancien is None else "modification",
                     changements=[(f"Correspondance « {nom} »", ancien, contenu)])


@dataclass(frozen=True)
class Bilan:
    crees: int
    mis_a_jour: int
    inchanges: int
    conflits: int
    porteurs_crees: int
    dossiers: tuple[int, ...]  # ids des dossiers créés ou mis à jour
    resume: str


@ecrit("dossiers.importer")
def importer(uow: UniteDeTravail, tableau: Tableau, colonnes: Mapping[str, str | None], *,
             exercice: int | None = None, dispositif: str | None = None,
             choix_porteurs: Mapping[str, int] | None = None,
             avancement: Callable[[int, int], None] | None = None,
             annule: Callable[[], bool] | None = None) -> Bilan:
    """Importe tout le fichier dans la transaction de ``uow`` (l'appelant valide) ; refuse s'il reste une
    erreur ou un porteur à confirmer. ``annule()`` vrai : ``ImportAnnule``, rien n'est gardé."""
    apercu = simuler(uow, tableau, colonnes, exercice=exercice, dispositif=dispositif,
                     choix_porteurs=choix_porteurs, annule=annule)
    if apercu.erreurs:
        premieres = "\n".join(str(e) for e in apercu.erreurs[:10])
        raise DonneesInvalides(f"Le fichier a {len(apercu.erreurs)} erreur(s) : rien n'a été importé.\n{premieres}")
    plan = apercu.plan
    if plan.propositions:
        noms = ", ".join(f"« {p.nom} »" for p in plan.propositions)
        raise DonneesInvalides(f"Porteurs à confirmer avant d'importer : {noms} ressemblent à des porteurs déjà "
                               "connus. Dites dans l'assistant d'import s'il s'agit du même porteur ou d'un nouveau.")
    total = len(plan.mouvements)
    porteurs_ids = _creer_porteurs(uow, plan, choix_porteurs or {})
    campagnes = _campagnes(uow, plan)
    touches: list[int] = []
    for rang, mouvement in enumerate(plan.mouvements):
        if annule is not None and annule():
            raise echanges.ImportAnnule()
        if mouvement.genre != "inchange":
            touches.append(_ecrire(uow, mouvement, porteurs_ids, campagnes, tableau.nom))
        elif mouvement.dossier_id is not None:
            _retenir(uow, mouvement, mouvement.dossier_id, mouvement.porteur_id, tableau.nom, nouveau=False)
        if avancement is not None:
            avancement(rang + 1, total)
    return Bilan(plan.compter("creation"), plan.compter("mise_a_jour"), plan.compter("inchange"),
                 len(plan.conflits), len(plan.nouveaux_porteurs), tuple(touches), apercu.resume())


def _creer_porteurs(uow: UniteDeTravail, plan: echanges.Plan, choix: Mapping[str, int]) -> dict[str, int]:
    from instruction.services import porteurs

    ids = {cle: int(i) for cle, i in choix.items() if i}
    for nouveau in plan.nouveaux_porteurs:
        ids[nouveau.cle] = porteurs.creer(uow, {
            "nom": nouveau.nom or nouveau.siret or nouveau.rna, "type": nouveau.type, "siret": nouveau.siret or "",
            "rna": nouveau.rna if nouveau.type == "association" else "",
        })
    return ids


def _campagnes(uow: UniteDeTravail, plan: echanges.Plan) -> dict[tuple[str, int], int]:
    from instruction.services import dossier as service_dossier

    campagnes = {(dispo, annee): i for i, dispo, annee in uow.session.execute(
        select(m.Campagne.id, m.Campagne.dispositif_code, m.Campagne.annee))}
    for dispositif, annee in plan.campagnes_a_creer:
        campagnes[(dispositif, annee)] = service_dossier.creer_campagne(uow, dispositif, annee).id
    return campagnes


def _ecrire(uow: UniteDeTravail, mouvement: echanges.Mouvement, porteurs_ids: Mapping[str, int],
            campagnes: Mapping[tuple[str, int], int], fichier: str) -> int:
    from instruction.services import dossier as service_dossier

    changes = mouvement.changes
    porteur_id = mouvement.porteur_id or porteurs_ids[mouvement.porteur_cle]
    if mouvement.genre == "creation":
        v = mouvement.dossier.valeurs
        donnees = d.DonneesDossier(
            campagne_id=campagnes[(v["dispositif"], mouvement.dossier.exercice)], porteur_id=porteur_id,
            intitule=v["intitule"], budget=_lignes_74(mouvement.dossier.demandes, ()),
        )
    else:
        donnees = service_dossier.lire(uow, mouvement.dossier_id).donnees
        if "financement" in changes:
            demandes = {c: Decimal(x) for c, x in changes["financement"].items()}
            donnees = dataclasses.replace(donnees, budget=_lignes_74(demandes, donnees.budget))
        if "porteur" in changes:
            donnees = dataclasses.replace(donnees, porteur_id=porteur_id)
    remplacements: dict[str, Any] = {}
    for champ in ("intitule", "resume", "description", "beneficiaires"):
        if champ in changes:
            remplacements[champ] = changes[champ]
    for champ in ("depose_le", "date_debut", "date_fin"):
        if champ in changes and changes[champ]:
            remplacements[champ] = dt.date.fromisoformat(changes[champ])
    for champ in ("quartiers", "objectifs"):
        if champ in changes:
            remplacements[champ] = tuple(changes[champ])
    donnees = dataclasses.replace(donnees, **remplacements)
    dossier_id = service_dossier.enregistrer(uow, mouvement.dossier_id, donnees)
    _retenir(uow, mouvement, dossier_id, porteur_id, fichier, nouveau=mouvement.genre == "creation")
    return dossier_id


def _lignes_74(demandes: Mapping[str, Decimal], budget_actuel: tuple[d.LigneBudget, ...]) -> tuple[d.LigneBudget, ...]:
    """Le budget avec les lignes du compte 74 de l'export (une par cofinanceur) ; les autres lignes restent."""
    autres = tuple(l for l in budget_actuel if not (l.sens == "produit" and l.compte == budget.COMPTE_SUBVENTIONS))
    return autres + tuple(d.LigneBudget("produit", budget.COMPTE_SUBVENTIONS, montant, code, "")
                          for code, montant in sorted(demandes.items()))


def _retenir(uow: UniteDeTravail, mouvement: echanges.Mouvement, dossier_id: int, porteur_id: int | None,
             fichier: str, *, nouveau: bool) -> None:
    """Garde ce que ce fichier dit du dossier (le « dernier import ») et ses lignes sources ; les lignes
    sources vont aussi à l'historique du dossier, colonne par colonne."""
    valeurs = dict(mouvement.valeurs, porteur=porteur_id)
    ligne = None if nouveau else uow.session.get(m.DossierImporte, dossier_id)
    sources = json.dumps(mouvement.dossier.source, ensure_ascii=False)
    if ligne is None:
        ligne = m.DossierImporte(dossier_id=dossier_id, code=mouvement.dossier.code,
                                 exercice=mouvement.dossier.exercice)
        uow.session.add(ligne)
    elif ligne.sources == sources and mouvement.genre == "inchange":
        return  # même fichier, rien à garder de plus
    ligne.valeurs = json.dumps(valeurs, ensure_ascii=False, sort_keys=True)
    ligne.sources, ligne.fichier = sources, fichier[:255]
    ligne.importe_le, ligne.importe_par = maintenant(), uow.acteur
    uow.session.flush()
    changements: list[tuple[str, object, object]] = [("Fichier importé", None, fichier)]
    if mouvement.dossier.statut:
        changements.append(("Statut sur la plateforme", None, mouvement.dossier.statut[0]))
    if mouvement.dossier.votes:
        changements.append(("Montants votés (export)", None, echanges.montrer(
            {c: format(x, "f") for c, x in sorted(mouvement.dossier.votes.items())})))
    for conflit in mouvement.conflits:
        changements.append((f"Conflit : {conflit.libelle} (valeur de l'application gardée)",
                            echanges.montrer(conflit.local), echanges.montrer(conflit.fichier)))
    for rang, source in enumerate(mouvement.dossier.source):
        prefixe = f"Ligne {mouvement.dossier.lignes[rang]} — " if len(mouvement.dossier.source) > 1 else ""
        changements.extend((f"{prefixe}{titre}", None, valeur) for titre, valeur in source.items())
    historique.noter(uow, "import", "import de la plateforme", dossier_id=dossier_id, changements=changements)
