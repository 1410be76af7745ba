"""Génère une base de N dossiers (100 000 par défaut) pour les bancs d'essai.

    python benchmarks/generer_base.py CHEMIN.sqlite [--dossiers 100000]

Les dossiers reprennent les actions, porteurs et budgets de la campagne de
démonstration, répétés sur plusieurs années et dispositifs, avec des numéros
uniques. L'écriture passe par SQLAlchemy Core (insertions groupées) dans une base
migrée normalement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from sqlalchemy import insert

from instruction import demo
from instruction.db import modeles as m
from instruction.db import referentiel as ref_db
from instruction.services.contexte import ouvrir


def _decaler(jour: dt.date, annees: int) -> dt.date:
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 février
        return jour.replace(year=jour.year + annees, day=28)


def generer(fichier: Path, nombre: int) -> None:
    if fichier.exists():
        sys.exit(f"{fichier} existe déjà")
    contexte = ouvrir(f"sqlite:///{fichier}")
    with contexte.unite() as uow:
        plan = demo.planifier(ref_db.lire(uow.session))
    modeles = [d for liste in plan.campagnes.values() for d in liste]
    debut = time.perf_counter()
    with contexte.moteur.begin() as connexion:
        porteurs = list(plan.porteurs.values())
        connexion.execute(
            insert(m.Porteur),
            [
                dict(id=i + 1, nom=p.nom, sigle=p.sigle, type=p.type, siret=p.siret, rna=p.rna, adresse=p.adresse,
                     code_postal=p.code_postal, ville=p.ville, commune_code=p.commune, quartier_code=p.quartier,
                     cree_le=dt.datetime(2015, 1, 1))
                for i, p in enumerate(porteurs)
            ],
        )
        ids_porteurs = {p.code: i + 1 for i, p in enumerate(porteurs)}
        annees = list(range(2011, 2027))  # seize campagnes par dispositif
        campagnes: dict[tuple[str, int], int] = {}
        compteurs: dict[tuple[str, int], int] = {}
        dossiers, quartiers, objectifs, lignes = [], [], [], []
        id_ligne = 0
        for rang in range(nombre):
            modele = modeles[rang % len(modeles)]
            annee = annees[(rang // len(modeles)) % len(annees)]
            cle = (modele.dispositif, annee)
            campagnes.setdefault(cle, len(campagnes) + 1)
            compteurs[cle] = compteurs.get(cle, 0) + 1
            decalage = annee - 2023
            identifiant = rang + 1
            dossiers.append(dict(
                id=identifiant, numero=f"{modele.numero.split('-')[0]}-{annee}-{compteurs[cle]:05d}",
                campagne_id=campagnes[cle], porteur_id=ids_porteurs[modele.porteur], intitule=modele.intitule,
                resume=modele.resume, description=modele.description,
                date_debut=_decaler(modele.date_debut, decalage), date_fin=_decaler(modele.date_fin, decalage),
                depose_le=_decaler(modele.depose_le, decalage), etat=str(modele.etat),
                etat_depuis=modele.etat_depuis.replace(year=modele.etat_depuis.year + decalage),
                cout_total=modele.cout_total,
                subvention_demandee=modele.subvention_demandee,
                financeurs=",".join(sorted({l.financeur for l in modele.lignes if l.financeur})),
                cree_le=modele.etat_depuis, modifie_le=modele.etat_depuis,
            ))
            quartiers += [dict(dossier_id=identifiant, quartier_code=q) for q in modele.quartiers]
            objectifs += [dict(dossier_id=identifiant, objectif_operationnel_code=o) for o in modele.objectifs]
            for ordre, l in enumerate(modele.lignes):
                id_ligne += 1
                lignes.append(dict(id=id_ligne, dossier_id=identifiant, sens=l.sens, compte=l.compte,
                                   financeur_code=l.financeur, libelle=l.libelle,
                                   montant=l.montant, ordre=ordre))
        libelles = {c.dispositif: c.libelle.rsplit(" ", 1)[0] for c in demo.CIBLES}
        connexion.execute(insert(m.Campagne), [
            dict(id=i, dispositif_code=d, annee=a, libelle=f"{libelles[d]} {a}") for (d, a), i in campagnes.items()
        ])
        for table, valeurs in ((m.Dossier, dossiers), (m.DossierQuartier, quartiers),
                               (m.DossierObjectif, objectifs)):
            connexion.execute(insert(table.__table__), valeurs)
        connexion.execute(insert(m.LigneBudget.__table__), lignes)
    contexte.fermer()
    print(f"{nombre} dossiers, {len(lignes)} lignes de budget écrits en {time.perf_counter() - debut:.1f} s dans {fichier}")


if __name__ == "__main__":
    analyseur = argparse.ArgumentParser(description="Génère une grande base pour les bancs d'essai.")
    analyseur.add_argument("fichier", type=Path)
    analyseur.add_argument("--dossiers", type=int, default=100_000)
    arguments = analyseur.parse_args()
    generer(arguments.fichier, arguments.dossiers)
