"""La ligne de commande : ouvrir l'application, ou une commande d'administration.

    instruction [--database URL]                 ouvre l'application
    instruction demo [--database URL]            remplit la base avec la campagne 2023
    instruction sauvegarder CHEMIN               sauvegarde cohérente, à chaud
    instruction restaurer CHEMIN                 restaure une sauvegarde
    instruction verifier                         contrôle le schéma et l'intégrité

Ce module n'importe ni Qt ni SQLAlchemy au chargement : chaque commande importe
ce dont elle a besoin, et l'ouverture de la fenêtre reste rapide.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from instruction import NOM_APPLICATION, __version__
from instruction.erreurs import ErreurInstruction

SUCCES, PROBLEME, USAGE = 0, 1, 2

_TRADUCTIONS = (
    ("the following arguments are required:", "argument obligatoire manquant :"),
    ("unrecognized arguments:", "arguments non reconnus :"),
    ("invalid choice:", "choix invalide :"),
    ("(choose from", "(possibles :"),
    ("expected one argument", "une valeur est attendue"),
)


class _Formateur(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _Analyseur(argparse.ArgumentParser):
    """``argparse`` en français : titres, aide et messages d'erreur."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formateur)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str):
        for anglais, francais in _TRADUCTIONS:
            message = message.replace(anglais, francais)
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog} : erreur : {message}\n")


def _option_base(analyseur: argparse.ArgumentParser, *, global_: bool) -> None:
    analyseur.add_argument(
        "--database",
        metavar="URL",
        default=None if global_ else argparse.SUPPRESS,
        help="base à utiliser : sqlite:///chemin/fichier.sqlite ou postgresql://utilisateur@serveur/base "
        "(par défaut : variable INSTRUCTION_DATABASE_URL, sinon le fichier de l'utilisateur)",
    )


def analyseur() -> argparse.ArgumentParser:
    principal = _Analyseur(
        prog="instruction",
        description=f"{NOM_APPLICATION} : instruction des demandes de subvention de la politique de la ville "
        "(Calais). Sans commande, ouvre l'application.",
        epilog="Exemples :\n"
        "  instruction                                   ouvre l'application sur la base par défaut\n"
        "  instruction --database postgresql://moi@serveur/instruction\n"
        "  instruction sauvegarder ~/sauvegardes/instruction.sqlite\n"
        "  instruction verifier",
    )
    principal.add_argument("--version", action="version", version=f"{NOM_APPLICATION} {__version__}",
                           help="affiche la version et quitte")
    _option_base(principal, global_=True)
    commandes = principal.add_subparsers(dest="commande", title="commandes", metavar="COMMANDE",
                                         parser_class=_Analyseur)

    demo = commandes.add_parser(
        "demo", help="remplit la base avec les campagnes de démonstration",
        description="Crée les campagnes de démonstration : la programmation 2023, instruite et soldée "
        "(AAP Contrat de ville : 60 dossiers, Cité éducative : 41 dossiers, projets d'initiative citoyenne : "
        "27 dossiers), et l'AAP Contrat de ville 2027 en cours d'instruction (14 dossiers). "
        "Refuse si l'une de ces campagnes existe déjà.",
    )
    _option_base(demo, global_=False)

    sauvegarder = commandes.add_parser(
        "sauvegarder", help="écrit une sauvegarde cohérente de la base (même pendant son utilisation)",
        description="Écrit une copie cohérente de la base dans CHEMIN (fichier SQLite), même si d'autres "
        "postes sont en train d'écrire. Si CHEMIN est un dossier, le fichier y est nommé avec la date.",
    )
    sauvegarder.add_argument("chemin", metavar="CHEMIN", help="fichier (ou dossier) de la sauvegarde")
    _option_base(sauvegarder, global_=False)

    restaurer = commandes.add_parser(
        "restaurer", help="remplace le contenu de la base par une sauvegarde",
        description="Vérifie la sauvegarde CHEMIN, sauvegarde la base actuelle (copie de sécurité), puis "
        "remplace son contenu par celui de la sauvegarde, en une seule transaction.",
    )
    restaurer.add_argument("chemin", metavar="CHEMIN", help="fichier de sauvegarde à restaurer")
    _option_base(restaurer, global_=False)

    verifier = commandes.add_parser(
        "verifier", help="contrôle le schéma, l'intégrité et la cohérence de la base",
        description="Contrôle que la base est au schéma de cette version, que le fichier est intègre, que "
        "les références entre tables sont valides et que les totaux des dossiers égalent leurs budgets. "
        "Ne modifie rien. Code de sortie 1 en cas de problème.",
    )
    _option_base(verifier, global_=False)
    return principal


def main(argv: Sequence[str] | None = None) -> int:
    arguments = analyseur().parse_args(argv)
    if arguments.commande is None:
        from instruction.ui.application import lancer

        return lancer(arguments.database)
    from instruction import journal

    journal.configurer()
    try:
        return _COMMANDES[arguments.commande](arguments)
    except ErreurInstruction as erreur:
        print(f"Erreur : {erreur.message}", file=sys.stderr)
        if erreur.detail:
            print(f"Détail : {erreur.detail}", file=sys.stderr)
        return PROBLEME
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return PROBLEME


def _sur_la_base(arguments, action, *, referentiel: bool = True):
    """Ouvre la base (mise à jour du schéma comprise), exécute ``action(contexte)``, referme."""
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(arguments.database, progression=_afficher, synchroniser_referentiel=referentiel)
    try:
        return contexte, action(contexte)
    finally:
        contexte.fermer()


def _demo(arguments) -> int:
    from instruction import demo

    _contexte, bilan = _sur_la_base(arguments, lambda c: demo.remplir(c, progression=_afficher))
    print(bilan.resume())
    return SUCCES


def _sauvegarder(arguments) -> int:
    from pathlib import Path

    from instruction.db.sauvegarde import sauvegarder

    contexte, fichier = _sur_la_base(
        arguments, lambda c: sauvegarder(c.moteur, Path(arguments.chemin)), referentiel=False
    )
    print(f"Base {contexte.lieu} sauvegardée dans {fichier}.")
    return SUCCES


def _restaurer(arguments) -> int:
    from pathlib import Path

    from instruction.db.sauvegarde import restaurer

    contexte, resultat = _sur_la_base(
        arguments, lambda c: restaurer(c.moteur, Path(arguments.chemin)), referentiel=False
    )
    if resultat.copie_de_securite:
        print(f"Copie de sécurité de la base d'avant : {resultat.copie_de_securite}")
    print(f"Base {contexte.lieu} restaurée depuis {resultat.fichier}.")
    return SUCCES


def _verifier(arguments) -> int:
    from instruction.db.verification import verifier

    rapport = verifier(arguments.database)
    for controle in rapport.controles:
        print(f"{'✓' if controle.reussi else '✗'} {controle.libelle}" + (f" : {controle.detail}" if controle.detail else ""))
    if rapport.reussi:
        print(f"La base {rapport.lieu} est en bon état.")
        return SUCCES
    print(f"La base {rapport.lieu} présente des problèmes (voir ci-dessus).", file=sys.stderr)
    return PROBLEME


def _afficher(message: str) -> None:
    print(message, file=sys.stderr)


_COMMANDES = {"demo": _demo, "sauvegarder": _sauvegarder, "restaurer": _restaurer, "verifier": _verifier}


if __name__ == "__main__":
    sys.exit(main())
