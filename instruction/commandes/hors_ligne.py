"""``instruction emprunter`` et ``instruction rapporter`` : le travail hors ligne (issue 15)."""

from __future__ import annotations

from instruction.commandes.commun import SUCCES, USAGE, afficher, option_base, sur_la_base
from instruction.domaine.erreurs import ErreurInstruction


def analyseurs(commandes) -> None:
    """Ajoute ``emprunter`` et ``rapporter`` aux commandes."""
    emprunter = commandes.add_parser(
        "emprunter", help="écrit un fichier de travail chiffré avec des dossiers, pour travailler hors ligne",
        description="Écrit FICHIER (chiffré par la phrase de passe : invite, ou variable INSTRUCTION_PHRASE) avec "
        "les dossiers demandés, leurs porteurs, pièces, instruction, grilles, avis… et le référentiel ; la base "
        "note l'emprunt (qui, jusqu'à quand). Le fichier s'ouvre avec « instruction --database FICHIER ».",
    )
    emprunter.add_argument("--dossier", metavar="NUMERO", nargs="+", required=True, help="numéros des dossiers")
    emprunter.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier de travail à écrire")
    emprunter.add_argument("--jusqu-au", metavar="JJ/MM/AAAA", help="retour prévu (par défaut : dans 14 jours)")
    emprunter.set_defaults(executer=_emprunter)
    option_base(emprunter, global_=False)
    rapporter = commandes.add_parser(
        "rapporter", help="rapporte un fichier de travail : fusion champ par champ, en une transaction",
        description="Compare l'emprunt, le fichier et la base : ce qui n'a changé que d'un côté s'applique ; le "
        "même champ changé des deux côtés est un conflit. Sans --conflits, rien n'est écrit s'il reste un "
        "conflit (code de sortie 2) : tranchez-les dans l'application (Fichier › Rapporter un fichier de "
        "travail…) ou avec --conflits. Rapporter deux fois le même fichier ne change rien la seconde fois.",
    )
    rapporter.add_argument("fichier", metavar="FICHIER", help="fichier de travail")
    rapporter.add_argument("--simulation", action="store_true", help="dit ce que le retour ferait, sans rien écrire")
    rapporter.add_argument("--conflits", choices=("portable", "bureau"),
                           help="tranche tous les conflits : garder la version du portable, ou celle du bureau")
    rapporter.add_argument("--effacer", action="store_true",
                           help="efface le fichier de travail une fois rapporté (recouvert puis supprimé)")
    rapporter.set_defaults(executer=_rapporter)
    option_base(rapporter, global_=False)


def _phrase(confirmer: bool) -> str:
    import getpass
    import os

    phrase = os.environ.get("INSTRUCTION_PHRASE")
    if phrase:
        return phrase
    phrase = getpass.getpass("Phrase de passe du fichier de travail : ")
    if confirmer and getpass.getpass("La même, une seconde fois : ") != phrase:
        raise ErreurInstruction("Les deux phrases de passe diffèrent : rien n'a été écrit.")
    return phrase


def _emprunter(arguments) -> int:
    import datetime as dt
    from pathlib import Path

    from sqlalchemy import select

    from instruction.db import modeles as m
    from instruction.domaine import dates
    from instruction.services.actions import emprunts

    jusqu_au = dt.date.today() + dt.timedelta(days=14)
    if arguments.jusqu_au:
        jusqu_au = dates.lire(arguments.jusqu_au)
    phrase = _phrase(confirmer=True)

    def emprunter(contexte):
        with contexte.unite(lecture=True) as uow:
            trouves = dict(uow.session.execute(select(m.Dossier.numero, m.Dossier.id).where(
                m.Dossier.numero.in_(arguments.dossier))).all())
        inconnus = [n for n in arguments.dossier if n not in trouves]
        if inconnus:
            raise ErreurInstruction(f"Dossier(s) inconnu(s) : {', '.join(inconnus)}. Rien n'a été emprunté.")
        return emprunts.emprunter(contexte, list(trouves.values()), Path(arguments.sortie), phrase, jusqu_au,
                                  progression=afficher).valeur

    _contexte, bilan = sur_la_base(arguments, emprunter, referentiel=False)
    print(f"Fichier de travail écrit : {bilan.fichier}")
    print(f"Dossiers empruntés ({len(bilan.dossiers)}) jusqu'au {bilan.jusqu_au:%d/%m/%Y} : {', '.join(bilan.dossiers)}")
    print("Lignes emportées : " + ", ".join(f"{nom} {n}" for nom, n in sorted(bilan.lignes.items())))
    for deja in bilan.deja_empruntes:
        print(f"Attention : déjà emprunté : {deja}")
    return SUCCES


def _rapporter(arguments) -> int:
    from pathlib import Path

    from instruction.domaine import fusion
    from instruction.services.actions import emprunts

    phrase = _phrase(confirmer=False)
    fichier = Path(arguments.fichier)

    def rapporter(contexte):
        retour = emprunts.rapporter(contexte, fichier, phrase, simulation=True, progression=afficher).valeur
        if arguments.simulation or retour.deja_rapporte is not None:
            return retour
        choix = {}
        if arguments.conflits:
            decision = fusion.MIEN if arguments.conflits == "portable" else fusion.LEUR
            choix = {c.ident: fusion.Choix(decision) for c in retour.conflits}
        return emprunts.rapporter(contexte, fichier, phrase, choix, progression=afficher).valeur

    _contexte, retour = sur_la_base(arguments, rapporter, referentiel=False)
    for ligne in retour.resume():
        print(ligne)
    for conflit in retour.conflits:
        print(f"  Conflit — {conflit.ligne} — {conflit.champ} : au départ « {conflit.depart} », portable "
              f"« {conflit.mien} » ({conflit.mien_par or '?'}), bureau « {conflit.leur} » ({conflit.leur_par or '?'})")
    if retour.applique and arguments.effacer:
        emprunts.effacer_fichier(fichier)
        print(f"Fichier de travail effacé : {fichier}")
    if not arguments.simulation and not retour.applique and retour.deja_rapporte is None:
        return USAGE
    return SUCCES
