"""La ligne de commande : ouvrir l'application, ou une commande d'administration.

    instruction [--database URL]                 ouvre l'application
    instruction demo [--comptes] [--database URL]  remplit la base avec les campagnes de démonstration
    instruction sauvegarder CHEMIN               sauvegarde cohérente, à chaud
    instruction restaurer CHEMIN                 restaure une sauvegarde
    instruction verifier                         contrôle le schéma et l'intégrité
    instruction importer FICHIER                 importe un export de la plateforme (--simulation : sans écrire)
    instruction exporter LISTE -o FICHIER        exporte une liste ou des documents (dossiers, séance, conventions…)
    instruction administrer ACTION               base PostgreSQL partagée : rôles et identifiants de base
    instruction emprunter / rapporter            le travail hors ligne (fichier de travail chiffré)

Ici : l'analyseur principal, ``main`` et les commandes d'entretien de la base (demo, sauvegarder,
restaurer, verifier, importer). Les exports, l'administration des rôles et le travail hors ligne sont
dans ``instruction/commandes/`` ; chaque commande désigne sa fonction par ``executer``.

Ce module n'importe ni Qt ni SQLAlchemy au chargement : chaque commande importe
ce dont elle a besoin, et l'ouverture de la fenêtre reste rapide.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from instruction import NOM_APPLICATION, __version__
from instruction.commandes import administrer, exporter, hors_ligne
from instruction.commandes.commun import PROBLEME, SUCCES, Analyseur, afficher, option_base, sur_la_base
from instruction.domaine.erreurs import ErreurInstruction


def analyseur() -> argparse.ArgumentParser:
    principal = Analyseur(
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
    option_base(principal, global_=True)
    commandes = principal.add_subparsers(dest="commande", title="commandes", metavar="COMMANDE",
                                         parser_class=Analyseur)

    demo = commandes.add_parser(
        "demo", help="remplit la base avec les campagnes de démonstration",
        description="Crée les campagnes de démonstration : la programmation 2023, instruite, décidée et soldée "
        "(AAP Contrat de ville : 60 dossiers retenus, Cité éducative : 41, projets d'initiative citoyenne : 27, "
        "et quelques dossiers refusés), et l'AAP Contrat de ville 2027 en cours d'instruction (14 dossiers). "
        "Refuse si l'une de ces campagnes existe déjà.",
    )
    demo.add_argument("--comptes", action="store_true",
                      help="crée aussi un compte de démonstration par rôle (mots de passe provisoires dans "
                      "docs/guide.md) ; la base exigera alors une connexion au démarrage")
    demo.set_defaults(executer=_demo)
    option_base(demo, global_=False)

    sauvegarder = commandes.add_parser(
        "sauvegarder", help="écrit une sauvegarde cohérente de la base (même pendant son utilisation)",
        description="Écrit une copie cohérente de la base dans CHEMIN (fichier SQLite), même si d'autres "
        "postes sont en train d'écrire. Si CHEMIN est un dossier, le fichier y est nommé avec la date.",
    )
    sauvegarder.add_argument("chemin", metavar="CHEMIN", help="fichier (ou dossier) de la sauvegarde")
    sauvegarder.set_defaults(executer=_sauvegarder)
    option_base(sauvegarder, global_=False)

    restaurer = commandes.add_parser(
        "restaurer", help="remplace le contenu de la base par une sauvegarde",
        description="Vérifie la sauvegarde CHEMIN, sauvegarde la base actuelle (copie de sécurité), puis "
        "remplace son contenu par celui de la sauvegarde, en une seule transaction.",
    )
    restaurer.add_argument("chemin", metavar="CHEMIN", help="fichier de sauvegarde à restaurer")
    restaurer.set_defaults(executer=_restaurer)
    option_base(restaurer, global_=False)

    verifier = commandes.add_parser(
        "verifier", help="contrôle le schéma, l'intégrité et la cohérence de la base",
        description="Contrôle que la base est au schéma de cette version, que le fichier est intègre, que "
        "les références entre tables sont valides et que les totaux des dossiers égalent leurs budgets. "
        "Ne modifie rien. Code de sortie 1 en cas de problème.",
    )
    verifier.set_defaults(executer=_verifier)
    option_base(verifier, global_=False)

    importer = commandes.add_parser(
        "importer", help="importe un export de la plateforme (xlsx, xls, ods, csv)",
        description="Lit FICHIER, reconnaît ses colonnes (ou applique la correspondance enregistrée NOM), valide "
        "chaque ligne et dit ce que l'import fera : dossiers créés, mis à jour, inchangés, conflits avec des "
        "modifications faites dans l'application. Sans --simulation, importe tout ou rien, en une transaction. "
        "Code de sortie 1 si le fichier a des erreurs (rien n'est importé).",
    )
    importer.add_argument("fichier", metavar="FICHIER", help="export de la plateforme ou tableau d'un partenaire")
    importer.add_argument("--correspondance", metavar="NOM", help="correspondance des colonnes enregistrée sous ce nom")
    importer.add_argument("--simulation", action="store_true", help="dit ce que l'import ferait, sans rien écrire")
    importer.add_argument("--exercice", metavar="ANNEE", type=int, help="exercice de tout le fichier (sans colonne)")
    importer.add_argument("--dispositif", metavar="CODE", help="dispositif de tout le fichier (cdv, ce…), sans colonne")
    importer.set_defaults(executer=_importer)
    option_base(importer, global_=False)

    exporter.analyseurs(commandes)
    administrer.analyseurs(commandes)
    hors_ligne.analyseurs(commandes)
    return principal


def main(argv: Sequence[str] | None = None) -> int:
    arguments = analyseur().parse_args(argv)
    if arguments.commande is None:
        from instruction.ui.application import lancer

        return lancer(arguments.database)
    from instruction import journal

    journal.configurer()
    try:
        return arguments.executer(arguments)
    except ErreurInstruction as erreur:
        print(f"Erreur : {erreur.message}", file=sys.stderr)
        if erreur.detail:
            print(f"Détail : {erreur.detail}", file=sys.stderr)
        return PROBLEME
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return PROBLEME


def _demo(arguments) -> int:
    from instruction import demo

    _contexte, bilan = sur_la_base(arguments, lambda c: demo.remplir(c, progression=afficher,
                                                                     comptes=arguments.comptes))
    print(bilan.resume())
    return SUCCES


def _sauvegarder(arguments) -> int:
    from pathlib import Path

    from instruction.db.sauvegarde import sauvegarder

    contexte, fichier = sur_la_base(
        arguments, lambda c: sauvegarder(c.moteur, Path(arguments.chemin)), referentiel=False
    )
    print(f"Base {contexte.lieu} sauvegardée dans {fichier}.")
    return SUCCES


def _restaurer(arguments) -> int:
    from pathlib import Path

    from instruction.db.sauvegarde import restaurer

    contexte, resultat = sur_la_base(
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


def _importer(arguments) -> int:
    from instruction.services.actions import echanges

    def faire(contexte):
        ouvert = echanges.ouvrir(contexte, arguments.fichier, arguments.correspondance)
        exercice = arguments.exercice or (ouvert.correspondance.exercice if ouvert.correspondance else None)
        dispositif = arguments.dispositif or (ouvert.correspondance.dispositif if ouvert.correspondance else None)
        if ouvert.correspondance is not None:
            print(f"Correspondance « {ouvert.correspondance.nom} ».")
        for titre, champ in ouvert.colonnes.items():
            print(f"  {titre} → {ouvert.alias.libelle(champ)}")
        apercu = echanges.simuler(contexte, ouvert.tableau, ouvert.colonnes, exercice=exercice, dispositif=dispositif)
        print(apercu.resume())
        if arguments.simulation or not apercu.importable:
            return apercu.importable
        bilan = echanges.importer(contexte, ouvert.tableau, ouvert.colonnes, exercice=exercice,
                                  dispositif=dispositif).valeur
        print(f"Import terminé : {bilan.crees} dossier(s) créé(s), {bilan.mis_a_jour} mis à jour, "
              f"{bilan.inchanges} inchangé(s), {bilan.conflits} conflit(s) (valeurs de l'application gardées).")
        return True

    _contexte, reussi = sur_la_base(arguments, faire)
    return SUCCES if reussi else PROBLEME


if __name__ == "__main__":
    sys.exit(main())
