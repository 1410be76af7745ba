"""Banc d'essai du travail hors ligne : emprunter et rapporter 200 dossiers, PostgreSQL derrière 5 ms.

    python benchmarks/emprunts.py [--dossiers 200] [--conflits 20] [--delai-ms 2.5]
                                  [--serveur postgresql://instruction:instruction@127.0.0.1:5432/instruction_test]

Une base jetable est remplie avec la démonstration (150 dossiers, tout le cycle par les services) et 60
dossiers complets de plus (7 pièces chacun, ``tests/fabrique.py``). Par le relais de ``benchmarks/latence.py``
(chaque paquet retardé de 2,5 ms par sens : 5 ms par aller-retour) :

1. **emprunter** ``--dossiers`` dossiers (ceux qui ont le plus de pièces d'abord) : l'action des écrans,
   fichier de travail chiffré écrit, dérivation Argon2id de la clé comprise (objectif : < 5 s) ;
2. hors ligne, dans le fichier : l'intitulé de ``--conflits`` dossiers et le résumé de 30 autres changés ; au
   bureau, l'intitulé des mêmes ``--conflits`` dossiers (autant de conflits) et l'évaluation de 10 autres ;
3. **rapporter** : comparaison et écriture en une transaction, les conflits tranchés (« garder le portable »)
   (objectif : < 3 s).

Puis on refait les mêmes mesures avec 50 dossiers empruntés (mêmes modifications) : le nombre d'allers-retours
du retour ne dépend pas du nombre de dossiers inchangés (une requête par table, pas par dossier).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, update  # noqa: E402

from benchmarks import latence  # noqa: E402

PHRASE = "le banc d'essai des emprunts hors ligne"


def _completer(url: str, nombre: int) -> int:
    """Ajoute ``nombre`` dossiers complets (7 pièces chacun) par les services ; rend le nombre de dossiers."""
    from instruction.db import modeles as m
    from instruction.services.contexte import ouvrir
    from tests import fabrique

    contexte = ouvrir(url)
    try:
        for _ in range(nombre):
            fabrique.dossier(contexte)
        with contexte.unite(lecture=True) as uow:
            return uow.session.scalar(select(func.count()).select_from(m.Dossier))
    finally:
        contexte.fermer()


def _choisir(url: str, nombre: int) -> list[int]:
    from instruction.db import modeles as m
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url)
    try:
        with contexte.unite(lecture=True) as uow:
            pieces = (select(func.count()).select_from(m.Piece).where(m.Piece.dossier_id == m.Dossier.id)
                      .scalar_subquery())
            return list(uow.session.scalars(select(m.Dossier.id).order_by(pieces.desc(), m.Dossier.id).limit(nombre)))
    finally:
        contexte.fermer()


def mesurer(url_base: str, url_relais: str, relais, ids: list[int], conflits: int, dossier: Path) -> dict:
    from instruction.db import modeles as m
    from instruction.db import travail
    from instruction.domaine import fusion
    from instruction.services.actions import emprunts
    from instruction.services.contexte import ouvrir

    resultat: dict = {"dossiers": len(ids)}
    bureau = ouvrir(url_relais)
    try:
        relais.allers_retours = 0
        debut = time.perf_counter()
        bilan = emprunts.emprunter(bureau, ids, dossier / f"banc-{len(ids)}", PHRASE,
                                   dt.date.today() + dt.timedelta(days=14)).valeur
        resultat["emprunter_s"] = time.perf_counter() - debut
        resultat["emprunter_ar"] = relais.allers_retours
        resultat["pieces"] = bilan.pieces
        resultat["taille_mo"] = bilan.fichier.stat().st_size / 1e6
        # Hors ligne (dans le fichier) puis au bureau (connexion directe, hors mesure).
        dossier_table = m.Dossier.__table__
        moteur = travail.ouvrir(bilan.fichier, PHRASE)
        with moteur.begin() as cx:
            for i in ids[:conflits]:
                cx.execute(update(dossier_table).where(dossier_table.c.id == i).values(intitule=f"Portable {len(ids)} {i}"))
            for i in ids[conflits:conflits + 30]:
                cx.execute(update(dossier_table).where(dossier_table.c.id == i).values(resume=f"Résumé hors ligne {len(ids)} {i}"))
        moteur.dispose()
        direct = ouvrir(url_base)
        with direct.unite() as uow:
            for i in ids[:conflits]:
                uow.session.execute(update(dossier_table).where(dossier_table.c.id == i).values(intitule=f"Bureau {len(ids)} {i}"))
            for i in ids[conflits + 30:conflits + 40]:
                uow.session.execute(update(dossier_table).where(dossier_table.c.id == i).values(evaluation=f"Bureau {len(ids)}"))
            uow.valider()
        direct.fermer()
        # Le retour : simulation (ce que montre le dialogue), puis l'écriture avec les conflits tranchés.
        relais.allers_retours = 0
        debut = time.perf_counter()
        apercu = emprunts.rapporter(bureau, bilan.fichier, PHRASE, simulation=True).valeur
        resultat["comparer_s"] = time.perf_counter() - debut
        resultat["comparer_ar"] = relais.allers_retours
        choix = {c.ident: fusion.Choix(fusion.MIEN) for c in apercu.conflits}
        relais.allers_retours = 0
        debut = time.perf_counter()
        retour = emprunts.rapporter(bureau, bilan.fichier, PHRASE, choix).valeur
        resultat["rapporter_s"] = time.perf_counter() - debut
        resultat["rapporter_ar"] = relais.allers_retours
        resultat["conflits"] = len(retour.conflits)
        resultat["modifiees"] = retour.a_modifier
        assert retour.applique, retour.resume()
        assert len(retour.conflits) == conflits, retour.resume()
    finally:
        bureau.fermer()
    return resultat


def main() -> int:
    analyseur = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    analyseur.add_argument("--serveur", default=latence.URL_PAR_DEFAUT)
    analyseur.add_argument("--dossiers", type=int, default=200)
    analyseur.add_argument("--conflits", type=int, default=20)
    analyseur.add_argument("--delai-ms", type=float, default=2.5)
    arguments = analyseur.parse_args()
    url_base = latence.creer_base(arguments.serveur)
    try:
        print("Remplissage : démonstration et 60 dossiers complets…", file=sys.stderr)
        latence.remplir(url_base)
        total = _completer(url_base, 60)
        from sqlalchemy.engine import make_url

        cible = make_url(url_base)
        relais = latence.Relais(cible.host or "127.0.0.1", cible.port or 5432, arguments.delai_ms / 1000)
        port = relais.demarrer()
        url_relais = latence.par_le_relais(url_base, port)
        lignes = []
        with tempfile.TemporaryDirectory(prefix="banc-emprunts-") as dossier:
            for nombre in (arguments.dossiers, 50):
                ids = _choisir(url_base, nombre)
                lignes.append(mesurer(url_base, url_relais, relais, ids, arguments.conflits, Path(dossier)))
        relais.arreter()
        print(f"Base : {total} dossiers ; PostgreSQL par un relais de {arguments.delai_ms * 2:g} ms par aller-retour.")
        print("| dossiers empruntés | pièces | fichier | emprunter | comparer | rapporter (20 conflits tranchés) |")
        print("| --- | --- | --- | --- | --- | --- |")
        for r in lignes:
            print(f"| {r['dossiers']} | {r['pieces']} | {r['taille_mo']:.1f} Mo | {r['emprunter_s']:.2f} s "
                  f"({r['emprunter_ar']} A-R) | {r['comparer_s']:.2f} s ({r['comparer_ar']} A-R) | "
                  f"{r['rapporter_s']:.2f} s ({r['rapporter_ar']} A-R, {r['modifiees']} lignes écrites) |")
        grand = lignes[0]
        ok = grand["emprunter_s"] < 5 and grand["rapporter_s"] < 3
        print("Objectifs (emprunter < 5 s, rapporter < 3 s) :", "tenus" if ok else "NON TENUS")
        return 0 if ok else 1
    finally:
        latence.supprimer_base(arguments.serveur, url_base)


if __name__ == "__main__":
    sys.exit(main())
