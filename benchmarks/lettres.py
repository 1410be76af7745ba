"""Banc d'essai : 150 lettres de notification (issue 11 : moins de 3 s).

    python benchmarks/lettres.py [--lettres 150] [--base sqlite:///demo.sqlite]

Sans ``--base``, la démonstration est créée dans un dossier temporaire (programmation 2023 décidée). Les lettres
sont celles que lit l'action du dialogue (``actions.lettres.lire``) : État (politique de la ville) pour les
AAP Contrat de ville et Cité éducative 2023, puis Ville de Calais pour le Contrat de ville 2023, jusqu'à en avoir
``--lettres``. On mesure la lecture, puis l'écriture du lot par ``actions.lettres.ecrire_lot`` (le chemin de
« Générer les lettres » après la lecture) : mise en mots des modèles, un PDF par porteur et le PDF de toutes
les lettres, dans un dossier provisoire renommé à la fin. Trois essais ; on garde le meilleur.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--lettres", type=int, default=150)
    parametres.add_argument("--base", default=None, help="une base qui a déjà la démonstration")
    arguments = parametres.parse_args()
    from pypdf import PdfReader

    from instruction import demo
    from instruction.services.actions import lettres as actions
    from instruction.services.contexte import ouvrir

    with tempfile.TemporaryDirectory() as dossier:
        dossier = Path(dossier)
        url = arguments.base
        if url is None:
            url = f"sqlite:///{dossier / 'demo.sqlite'}"
            contexte = ouvrir(url)
            debut = time.perf_counter()
            demo.remplir(contexte)
            print(f"démonstration créée en {time.perf_counter() - debut:.1f} s")
        else:
            contexte = ouvrir(url)
        choix = actions.choix(contexte)
        campagnes = {libelle.split(" (")[0]: ident for ident, libelle, _n in choix.campagnes}
        demandes = [("etat-pv", "AAP Contrat de ville 2023"), ("etat-pv", "AAP Cité éducative 2023"),
                    ("ville-calais", "AAP Contrat de ville 2023"), ("ca-gctm", "AAP Contrat de ville 2023")]
        notifications = []
        debut = time.perf_counter()
        for financeur, campagne in demandes:
            notifications += actions.lire(contexte, financeur, campagne_id=campagnes[campagne])
        lecture = time.perf_counter() - debut
        notifications = notifications[:arguments.lettres]
        if len(notifications) < arguments.lettres:
            print(f"seulement {len(notifications)} lettres dans cette base")
        genres = {g: sum(1 for n in notifications if n.genre == g) for g in ("accord", "refus", "ajourne")}
        print(f"{len(notifications)} lettres ({genres['accord']} accords, {genres['refus']} refus, "
              f"{genres['ajourne']} ajournements), {len({n.porteur_id for n in notifications})} porteurs ; "
              f"lecture de {len(demandes)} choix : {lecture:.2f} s")
        durees = []
        for essai in range(3):
            sortie = dossier / f"essai{essai}"
            sortie.mkdir()
            debut = time.perf_counter()
            lot = actions.ecrire_lot(notifications, sortie)
            durees.append(time.perf_counter() - debut)
        pages = len(PdfReader(lot.fusion).pages)
        taille = sum(f.stat().st_size for f in lot.dossier.iterdir()) // 1024
        print(f"écriture du lot : {min(durees):.2f} s (meilleur de 3 ; {', '.join(f'{d:.2f}' for d in durees)}) — "
              f"{len(lot.par_porteur)} PDF par porteur et « {lot.fusion.name} » ({pages} pages), {taille} Kio")
        print(f"total lecture + écriture : {lecture + min(durees):.2f} s (objectif : moins de 3 s)")
        contexte.fermer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
