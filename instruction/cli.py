"""La ligne de commande : ouvrir l'application, ou une commande d'administration.

    instruction [--database URL]                 ouvre l'application
    instruction demo [--comptes] [--database URL]  remplit la base avec les campagnes de démonstration
    instruction sauvegarder CHEMIN               sauvegarde cohérente, à chaud
    instruction restaurer CHEMIN                 restaure une sauvegarde
    instruction verifier                         contrôle le schéma et l'intégrité
    instruction importer FICHIER                 importe un export de la plateforme (--simulation : sans écrire)
    instruction exporter dossiers -o FICHIER     exporte les dossiers (--colonnes JEU, --campagne cdv-2027)
    instruction administrer ACTION               base PostgreSQL partagée : rôles et identifiants de base

Ce module n'importe ni Qt ni SQLAlchemy au chargement : chaque commande importe
ce dont elle a besoin, et l'ouverture de la fenêtre reste rapide.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from instruction import NOM_APPLICATION, __version__
from instruction.domaine.erreurs import ErreurInstruction

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
        description="Crée les campagnes de démonstration : la programmation 2023, instruite, décidée et soldée "
        "(AAP Contrat de ville : 60 dossiers retenus, Cité éducative : 41, projets d'initiative citoyenne : 27, "
        "et quelques dossiers refusés), et l'AAP Contrat de ville 2027 en cours d'instruction (14 dossiers). "
        "Refuse si l'une de ces campagnes existe déjà.",
    )
    demo.add_argument("--comptes", action="store_true",
                      help="crée aussi un compte de démonstration par rôle (mots de passe provisoires dans "
                      "docs/guide.md) ; la base exigera alors une connexion au démarrage")
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
    _option_base(importer, global_=False)

    exporter = commandes.add_parser(
        "exporter", help="exporte une liste ou des documents : dossiers, …",
        description="Exporte une liste ou des documents de la base ; « instruction exporter LISTE --help » "
        "détaille chacune.",
    )
    listes = exporter.add_subparsers(dest="liste", metavar="LISTE", required=True, parser_class=_Analyseur)
    _exporter_dossiers_analyseur(listes)
    _exporter_bilans_analyseur(listes)
    _exporter_conventions_analyseur(listes)
    _exporter_scdl_analyseur(listes)
    _exporter_seance_analyseur(listes)
    _exporter_programmation_analyseur(listes)
    _exporter_bilan_programmation_analyseur(listes)
    # Chaque famille d'écrans ajoute ici son export (programmation, séance, conventions, scdl, bilans…) :
    # une fonction ``_exporter_X_analyseur(listes)`` et son entrée dans ``_EXPORTS``.
    _administrer(commandes)
    _emprunts_analyseurs(commandes)  # travail hors ligne (issue 15)
    return principal


def _emprunts_analyseurs(commandes) -> None:
    """``instruction emprunter`` et ``instruction rapporter`` : le travail hors ligne."""
    emprunter = commandes.add_parser(
        "emprunter", help="écrit un fichier de travail chiffré avec des dossiers, pour travailler hors ligne",
        description="Écrit FICHIER (chiffré par la phrase de passe : invite, ou variable INSTRUCTION_PHRASE) avec "
        "les dossiers demandés, leurs porteurs, pièces, instruction, grilles, avis… et le référentiel ; la base "
        "note l'emprunt (qui, jusqu'à quand). Le fichier s'ouvre avec « instruction --database FICHIER ».",
    )
    emprunter.add_argument("--dossier", metavar="NUMERO", nargs="+", required=True, help="numéros des dossiers")
    emprunter.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier de travail à écrire")
    emprunter.add_argument("--jusqu-au", metavar="JJ/MM/AAAA", help="retour prévu (par défaut : dans 14 jours)")
    _option_base(emprunter, global_=False)
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
    _option_base(rapporter, global_=False)


def _exporter_dossiers_analyseur(listes) -> None:
    dossiers = listes.add_parser(
        "dossiers", help="la liste des dossiers (xlsx, ods, csv) avec un jeu de colonnes enregistré",
        description="Écrit la liste des dossiers (par numéro) dans FICHIER, au format de son extension : .xlsx "
        "(montants, dates et ligne de total), .ods, ou .csv (UTF-8 avec BOM, point-virgule, virgule décimale, "
        "pour Excel). Les colonnes sont celles du jeu JEU enregistré dans l'application (Exporter…), dans son "
        "ordre ; sans --colonnes, celles de l'export d'origine.",
        epilog="Exemple :\n  instruction exporter dossiers --colonnes \"Suivi comité\" --campagne cdv-2027 "
        "-o comite.xlsx",
    )
    dossiers.add_argument("--colonnes", metavar="JEU", help="jeu de colonnes enregistré sous ce nom")
    dossiers.add_argument("--campagne", metavar="CAMPAGNE", help="seulement cette campagne : dispositif-année "
                          "(ex. : cdv-2027)")
    dossiers.add_argument("-o", "--sortie", metavar="FICHIER", required=True,
                          help="fichier à écrire (.xlsx, .ods, .csv)")
    _option_base(dossiers, global_=False)


def _exporter_programmation_analyseur(listes) -> None:
    programmation = listes.add_parser(
        "programmation", help="la programmation d'une campagne par cofinanceur, contre les enveloppes (xlsx)",
        description="Écrit dans FICHIER (.xlsx) la programmation de la campagne CAMPAGNE (dispositif-année) : une "
        "feuille de synthèse (par cofinanceur : enveloppe, décidé, scénario, programmé, reste à programmer) puis une "
        "feuille par cofinanceur (dossier par dossier : demandé, proposé par l'instructeur, avis du cofinanceur, "
        "décidé, scénario). Les montants sont des nombres. Avec --scenario, le scénario de ce nom ; sans, le "
        "dernier créé pour la campagne (s'il y en a un).",
        epilog="Exemple :\n  instruction exporter programmation --campagne cdv-2023 -o programmation-2023.xlsx",
    )
    programmation.add_argument("--campagne", metavar="CAMPAGNE", required=True, help="dispositif-année (ex. : cdv-2023)")
    programmation.add_argument("--scenario", metavar="NOM", help="le scénario de ce nom (par défaut : le dernier)")
    programmation.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="classeur à écrire (.xlsx)")
    _option_base(programmation, global_=False)


def _exporter_seance_analyseur(listes) -> None:
    seance = listes.add_parser(
        "seance", help="le dossier de séance du comité (PDF ou xlsx), ou son relevé de décisions",
        description="Écrit le dossier de séance de la séance ID dans FICHIER : .pdf (tableaux par cofinanceur, "
        "fiche d'instruction de chaque dossier, signets, pages « x / y ») ou .xlsx (ordre du jour, une feuille "
        "par cofinanceur, membres). Avec --releve, le relevé de décisions d'une séance close (PDF). Le numéro de "
        "la séance est dans la liste Comité › Séances du comité.",
        epilog="Exemples :\n  instruction exporter seance --seance 3 -o dossier.pdf\n"
        "  instruction exporter seance --seance 3 -o dossier.xlsx\n"
        "  instruction exporter seance --seance 3 --releve -o releve.pdf",
    )
    seance.add_argument("--seance", metavar="ID", type=int, required=True, help="numéro de la séance")
    seance.add_argument("--releve", action="store_true", help="le relevé de décisions (séance close) plutôt que "
                        "le dossier de séance")
    seance.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier à écrire (.pdf, .xlsx)")
    _option_base(seance, global_=False)


def _exporter_bilan_programmation_analyseur(listes) -> None:
    bilan = listes.add_parser(
        "bilan-programmation", help="le bilan de la programmation d'une année (pdf avec graphiques, ou xlsx)",
        description="Écrit dans FICHIER le bilan de la programmation de l'année ANNEE (actions décidées) : actions, "
        "porteurs, montants accordés par cofinanceur, par axe et objectif stratégique, par quartier, par dispositif, "
        "crédits par cotation égalité femmes-hommes, publics prévus et atteints, bilans reçus et en retard. En PDF "
        "(.pdf, avec graphiques) ou en classeur (.xlsx, montants en nombres). --annee répété : les années côte à "
        "côte, puis le détail de la dernière.",
        epilog="Exemples :\n  instruction exporter bilan-programmation --annee 2023 -o bilan-2023.pdf\n"
        "  instruction exporter bilan-programmation --annee 2023 --annee 2024 -o bilans.xlsx",
    )
    bilan.add_argument("--annee", metavar="AAAA", type=int, required=True, action="append",
                       help="année de programmation (répétable)")
    bilan.add_argument("--dispositif", metavar="CODE", help="seulement ce dispositif (cdv, ce, pic…)")
    bilan.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier à écrire (.pdf ou .xlsx)")
    _option_base(bilan, global_=False)


def _exporter_bilans_analyseur(listes) -> None:
    bilans = listes.add_parser(
        "bilans", help="les bilans attendus d'un exercice : reçus, en retard, écarts (xlsx)",
        description="Écrit dans FICHIER (.xlsx) les bilans attendus de l'exercice ANNEE, calculés d'après les "
        "conventions (fin de l'exercice + 6 mois, CPO, bilan annuel de la Cité éducative) : échéance, statut "
        "(attendu, en retard, très en retard, reçu, validé), date de réception, jours de retard, relances, et "
        "pour chaque compte rendu reçu les totaux prévus et réalisés avec leurs écarts en euros et en %. Une "
        "seconde feuille détaille les écarts ligne à ligne. Montants, pourcentages et dates sont des nombres.",
        epilog="Exemple :\n  instruction exporter bilans --annee 2023 -o bilans-2023.xlsx",
    )
    bilans.add_argument("--annee", metavar="AAAA", type=int, required=True, help="exercice des bilans")
    bilans.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="classeur à écrire (.xlsx)")
    _option_base(bilans, global_=False)


def _exporter_conventions_analyseur(listes) -> None:
    conventions = listes.add_parser(
        "conventions", help="les actes d'une campagne : un PDF et un DOCX modifiable par convention",
        description="Écrit dans le dossier DOSSIER (créé au besoin) le PDF et le DOCX modifiable de chaque acte "
        "(convention, CPO ou notification) de la campagne, dans leurs termes en vigueur (avenants signés "
        "compris), composés depuis la bibliothèque de clauses (resources/conventions/clauses.yaml). "
        "L'avancement s'affiche acte par acte ; un arrêt (Ctrl+C) ne laisse aucun fichier à moitié écrit.",
        epilog="Exemple :\n  instruction exporter conventions --campagne cdv-2023 -o conventions-2023",
    )
    conventions.add_argument("--campagne", metavar="CAMPAGNE", required=True,
                             help="dispositif-année (ex. : cdv-2023)")
    conventions.add_argument("-o", "--sortie", metavar="DOSSIER", required=True, help="dossier où écrire les actes")
    _option_base(conventions, global_=False)


def _exporter_scdl_analyseur(listes) -> None:
    scdl = listes.add_parser(
        "scdl", help="les données essentielles des conventions de subvention (open data, SCDL Subventions 2.1.1)",
        description="Écrit dans FICHIER (.csv, UTF-8, virgule) les données essentielles des conventions de "
        "subvention signées dans l'année ANNEE (date d'effet), au format SCDL Subventions 2.1.1 (décret "
        "n° 2017-779, arrêté du 17 novembre 2017) : celles de plus de 23 000 € par an, ou toutes avec --toutes.",
        epilog="Exemple :\n  instruction exporter scdl --annee 2023 -o subventions-2023.csv",
    )
    scdl.add_argument("--annee", metavar="AAAA", type=int, required=True, help="année de signature des conventions")
    scdl.add_argument("--toutes", action="store_true", help="publier aussi les conventions de 23 000 € ou moins")
    scdl.add_argument("-o", "--sortie", metavar="FICHIER", required=True, help="fichier CSV à écrire")
    _option_base(scdl, global_=False)


def _administrer(commandes) -> None:
    """``instruction administrer …`` : les rôles PostgreSQL d'une base partagée (voir ``db/roles.py``)."""
    from instruction.domaine import droits  # léger : ni SQLAlchemy ni Qt avant la première peinture

    partageables = (droits.LECTEUR, droits.INSTRUCTEUR, droits.ADMINISTRATEUR)  # = roles.GROUPES_PARTAGEABLES
    administrer = commandes.add_parser(
        "administrer", help="base PostgreSQL partagée : rôles, droits et identifiants de base",
        description="Sur une base PostgreSQL partagée, les postes se connectent avec des identifiants de base "
        "qui n'ont que les droits de leur rôle dans l'application ; le rôle propriétaire des tables ne sert "
        "qu'aux mises à jour. Voir docs/administration.md, « Base partagée : rôles PostgreSQL ».",
    )
    actions = administrer.add_subparsers(dest="action", title="actions", metavar="ACTION", required=True,
                                         parser_class=_Analyseur)
    installer = actions.add_parser(
        "installer-roles", help="met la base à jour et installe (ou réinstalle) rôles, droits et règles par ligne",
        description="Avec le rôle PROPRIÉTAIRE des tables (et l'attribut CREATEROLE) : met la base au schéma de "
        "cette version, recopie le référentiel, crée les groupes <préfixe>_administrateur, _instructeur, "
        "_referent, _financeur et _lecteur, leur accorde ce dont l'application a besoin (l'historique en lecture "
        "et ajout seulement), pose la sécurité par ligne et les fonctions des identifiants de base. Relançable "
        "sans risque : à refaire après chaque mise à jour de l'application.",
        epilog="Exemple :\n  instruction administrer installer-roles --database "
        "postgresql://instruction_proprietaire@serveur/instruction",
    )
    installer.add_argument("--prefixe", metavar="PRÉFIXE", default=None,
                           help="début du nom des rôles (par défaut : le nom de la base)")
    _option_base(installer, global_=False)

    personnel = actions.add_parser(
        "creer-identifiant", help="crée l'identifiant de base personnel d'un compte (ou lui redonne un mot de passe)",
        description="Crée l'identifiant PostgreSQL personnel du compte COMPTE de l'application, membre du groupe "
        "de son rôle, et affiche son mot de passe une seule fois. S'il existe, lui donne un nouveau mot de passe. "
        "Il suit ensuite le compte : désactivé, il ne se connecte plus ; rôle changé, son groupe change. "
        "À lancer avec le rôle propriétaire ou un identifiant du groupe des administrateurs.",
    )
    personnel.add_argument("compte", metavar="COMPTE", help="identifiant du compte dans l'application")
    _option_base(personnel, global_=False)

    poste = actions.add_parser(
        "creer-identifiant-poste", help="crée un identifiant de base partagé par des postes (lecteur, instructeur, "
        "administrateur)",
        description="Crée (ou redonne un mot de passe à) l'identifiant PostgreSQL <préfixe>_poste_NOM, membre du "
        "groupe ROLE, partagé par plusieurs postes. La base ne sait pas qui s'en sert : les référents et les "
        "financeurs ont un identifiant personnel.",
    )
    poste.add_argument("nom", metavar="NOM", help="nom du poste ou du service (ex. : accueil)")
    poste.add_argument("--role", required=True, choices=partageables, help="rôle de l'application")
    _option_base(poste, global_=False)

    lister = actions.add_parser("identifiants", help="liste les identifiants de base",
                                description="Liste les identifiants de base, leur compte et leur groupe.")
    _option_base(lister, global_=False)

    retirer = actions.add_parser("retirer-identifiant", help="supprime un identifiant de base",
                                 description="Supprime l'identifiant PostgreSQL ROLE (créé par ces commandes).")
    retirer.add_argument("role", metavar="ROLE", help="nom de l'identifiant de base")
    _option_base(retirer, global_=False)


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

    _contexte, bilan = _sur_la_base(arguments, lambda c: demo.remplir(c, progression=_afficher,
                                                                     comptes=arguments.comptes))
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

    _contexte, reussi = _sur_la_base(arguments, faire)
    return SUCCES if reussi else PROBLEME


def _exporter(arguments) -> int:
    return _EXPORTS[arguments.liste](arguments)


def _exporter_dossiers(arguments) -> int:
    from instruction.services.actions import exports

    _contexte, export = _sur_la_base(arguments, lambda c: exports.exporter_dossiers(
        c, arguments.colonnes, arguments.sortie, campagne=arguments.campagne))
    print(f"{export.nombre} dossier{'s' if export.nombre > 1 else ''} exporté{'s' if export.nombre > 1 else ''} "
          f"dans {export.fichier} ; colonnes : {' · '.join(export.colonnes)}.")
    return SUCCES


def _exporter_bilans(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import bilans

    _contexte, fichier = _sur_la_base(arguments, lambda c: bilans.exporter(c, arguments.annee, Path(arguments.sortie)))
    print(f"Bilans de l'exercice {arguments.annee} exportés dans {fichier}.")
    return SUCCES


def _exporter_bilan_programmation(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import bilan_programmation

    _contexte, fichier = _sur_la_base(arguments, lambda c: bilan_programmation.exporter(
        c, arguments.annee, arguments.dispositif, Path(arguments.sortie)))
    print(f"Bilan de la programmation {', '.join(map(str, sorted(set(arguments.annee))))} écrit dans {fichier}.")
    return SUCCES


def _exporter_conventions(arguments) -> int:
    from instruction.services.actions import documents_conventions

    _contexte, lot = _sur_la_base(arguments, lambda c: documents_conventions.generer_campagne(
        c, arguments.campagne, arguments.sortie, progression=_afficher))
    for erreur in lot.erreurs:
        print(f"Erreur : {erreur}", file=sys.stderr)
    print(lot.resume())
    return SUCCES if not lot.erreurs else PROBLEME


def _exporter_scdl(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import conventions

    _contexte, nombre = _sur_la_base(arguments, lambda c: conventions.exporter_scdl(
        c, arguments.annee, Path(arguments.sortie), tout=arguments.toutes))
    print(f"{nombre} convention{'s' if nombre > 1 else ''} de {arguments.annee} publiée{'s' if nombre > 1 else ''} "
          f"dans {arguments.sortie} (SCDL Subventions 2.1.1).")
    return SUCCES


def _exporter_seance(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import comite

    sortie = Path(arguments.sortie)
    if arguments.releve and sortie.suffix.lower() != ".pdf":
        raise ErreurInstruction("Le relevé de décisions s'écrit en PDF : donnez un fichier .pdf.")
    if sortie.suffix.lower() not in (".pdf", ".xlsx"):
        raise ErreurInstruction(f"« {sortie.name} » : le dossier de séance s'écrit en .pdf ou en .xlsx.")
    if arguments.releve:
        _contexte, fichier = _sur_la_base(arguments, lambda c: comite.ecrire_releve(c, arguments.seance, sortie))
        print(f"Relevé de décisions de la séance {arguments.seance} écrit dans {fichier}.")
        return SUCCES
    _contexte, fichier = _sur_la_base(arguments, lambda c: comite.ecrire_dossier_de_seance(
        c, arguments.seance, sortie))
    print(f"Dossier de séance de la séance {arguments.seance} écrit dans {fichier}.")
    return SUCCES


def _exporter_programmation(arguments) -> int:
    from pathlib import Path

    from instruction.services.actions import programmation

    _contexte, (fichier, campagne, scenario) = _sur_la_base(arguments, lambda c: programmation.exporter_campagne(
        c, arguments.campagne, Path(arguments.sortie), arguments.scenario))
    print(f"Programmation {campagne} exportée dans {fichier}" + (f" (scénario « {scenario} »)." if scenario else "."))
    return SUCCES


def _administrer_base(arguments) -> int:
    from instruction.db import roles

    if arguments.action == "installer-roles":
        def installer(contexte):
            if contexte.est_sqlite:
                raise ErreurInstruction("Les rôles ne concernent qu'une base PostgreSQL partagée : un fichier SQLite "
                                        "se protège par les droits du système de fichiers.")
            return roles.installer(contexte.moteur, arguments.prefixe)

        contexte, installation = _sur_la_base(arguments, installer)
        if contexte.preparation.migree:
            print(f"Base {contexte.lieu} mise à jour du schéma « {contexte.preparation.revision_avant} » à "
                  f"« {contexte.preparation.revision_apres} ».")
        print(installation.resume())
        print("Les postes se connectent désormais avec un identifiant de base (instruction administrer "
              "creer-identifiant COMPTE), jamais avec le rôle propriétaire.")
        return SUCCES

    def sur_connexion(action):
        def faire(contexte):
            with contexte.moteur.connect() as connexion, connexion.begin():
                return action(connexion)
        return _sur_la_base(arguments, faire, referentiel=False)

    if arguments.action == "identifiants":
        _contexte, liste = sur_connexion(roles.identifiants)
        if not liste:
            print("Aucun identifiant de base.")
        for i in liste:
            qui = f"compte {i.compte}" if i.compte else "poste partagé"
            etat = "" if i.peut_se_connecter else " (ne peut pas se connecter)"
            print(f"{i.role_base} : {qui}, groupe {i.groupe or '—'}{etat}")
        return SUCCES
    if arguments.action == "retirer-identifiant":
        sur_connexion(lambda c: roles.retirer_identifiant(c, arguments.role))
        print(f"Identifiant de base {arguments.role} supprimé.")
        return SUCCES
    if arguments.action == "creer-identifiant":
        contexte, nouveau = sur_connexion(lambda c: roles.creer_identifiant(c, arguments.compte))
    else:
        contexte, nouveau = sur_connexion(lambda c: roles.creer_identifiant_poste(c, arguments.nom, arguments.role))
    url = contexte.moteur.url.set(username=nouveau.role_base, password=None)
    print(f"Identifiant de base : {nouveau.role_base}")
    print(f"Mot de passe (affiché une seule fois, à transmettre à la personne) : {nouveau.mot_de_passe}")
    print(f"Sur son poste : --database {url.set(drivername='postgresql').render_as_string(hide_password=True)} "
          "et le mot de passe dans le fichier pgpass de PostgreSQL.")
    return SUCCES


def _afficher(message: str) -> None:
    print(message, file=sys.stderr)


_EXPORTS = {"dossiers": _exporter_dossiers}
_EXPORTS["bilans"] = _exporter_bilans
_EXPORTS["conventions"] = _exporter_conventions
_EXPORTS["scdl"] = _exporter_scdl
_EXPORTS["seance"] = _exporter_seance
_EXPORTS["programmation"] = _exporter_programmation
_EXPORTS["bilan-programmation"] = _exporter_bilan_programmation
_COMMANDES = {"demo": _demo, "sauvegarder": _sauvegarder, "restaurer": _restaurer, "verifier": _verifier,
              "administrer": _administrer_base, "importer": _importer, "exporter": _exporter}


# --- Travail hors ligne (issue 15) ----------------------------------------------------------------------


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
                                  progression=_afficher).valeur

    _contexte, bilan = _sur_la_base(arguments, emprunter, referentiel=False)
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
        retour = emprunts.rapporter(contexte, fichier, phrase, simulation=True, progression=_afficher).valeur
        if arguments.simulation or retour.deja_rapporte is not None:
            return retour
        choix = {}
        if arguments.conflits:
            decision = fusion.MIEN if arguments.conflits == "portable" else fusion.LEUR
            choix = {c.ident: fusion.Choix(decision) for c in retour.conflits}
        return emprunts.rapporter(contexte, fichier, phrase, choix, progression=_afficher).valeur

    _contexte, retour = _sur_la_base(arguments, rapporter, referentiel=False)
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


_COMMANDES["emprunter"] = _emprunter
_COMMANDES["rapporter"] = _rapporter


if __name__ == "__main__":
    sys.exit(main())
