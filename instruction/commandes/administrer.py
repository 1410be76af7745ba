"""``instruction administrer ACTION`` : les rôles PostgreSQL d'une base partagée (voir ``db/roles.py``)."""

from __future__ import annotations

from instruction.commandes.commun import SUCCES, Analyseur, option_base, sur_la_base
from instruction.domaine.erreurs import ErreurInstruction


def analyseurs(commandes) -> None:
    """Ajoute ``administrer`` et ses actions aux commandes."""
    from instruction.domaine import droits  # léger : ni SQLAlchemy ni Qt avant la première peinture

    partageables = (droits.LECTEUR, droits.INSTRUCTEUR, droits.ADMINISTRATEUR)  # = roles.GROUPES_PARTAGEABLES
    administrer = commandes.add_parser(
        "administrer", help="base PostgreSQL partagée : rôles, droits et identifiants de base",
        description="Sur une base PostgreSQL partagée, les postes se connectent avec des identifiants de base "
        "qui n'ont que les droits de leur rôle dans l'application ; le rôle propriétaire des tables ne sert "
        "qu'aux mises à jour. Voir docs/administration.md, « Base partagée : rôles PostgreSQL ».",
    )
    administrer.set_defaults(executer=_administrer)
    actions = administrer.add_subparsers(dest="action", title="actions", metavar="ACTION", required=True,
                                         parser_class=Analyseur)
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
    option_base(installer, global_=False)

    personnel = actions.add_parser(
        "creer-identifiant", help="crée l'identifiant de base personnel d'un compte (ou lui redonne un mot de passe)",
        description="Crée l'identifiant PostgreSQL personnel du compte COMPTE de l'application, membre du groupe "
        "de son rôle, et affiche son mot de passe une seule fois. S'il existe, lui donne un nouveau mot de passe. "
        "Il suit ensuite le compte : désactivé, il ne se connecte plus ; rôle changé, son groupe change. "
        "À lancer avec le rôle propriétaire ou un identifiant du groupe des administrateurs.",
    )
    personnel.add_argument("compte", metavar="COMPTE", help="identifiant du compte dans l'application")
    option_base(personnel, global_=False)

    poste = actions.add_parser(
        "creer-identifiant-poste", help="crée un identifiant de base partagé par des postes (lecteur, instructeur, "
        "administrateur)",
        description="Crée (ou redonne un mot de passe à) l'identifiant PostgreSQL <préfixe>_poste_NOM, membre du "
        "groupe ROLE, partagé par plusieurs postes. La base ne sait pas qui s'en sert : les référents et les "
        "financeurs ont un identifiant personnel.",
    )
    poste.add_argument("nom", metavar="NOM", help="nom du poste ou du service (ex. : accueil)")
    poste.add_argument("--role", required=True, choices=partageables, help="rôle de l'application")
    option_base(poste, global_=False)

    lister = actions.add_parser("identifiants", help="liste les identifiants de base",
                                description="Liste les identifiants de base, leur compte et leur groupe.")
    option_base(lister, global_=False)

    retirer = actions.add_parser("retirer-identifiant", help="supprime un identifiant de base",
                                 description="Supprime l'identifiant PostgreSQL ROLE (créé par ces commandes).")
    retirer.add_argument("role", metavar="ROLE", help="nom de l'identifiant de base")
    option_base(retirer, global_=False)


def _administrer(arguments) -> int:
    from instruction.db import roles

    if arguments.action == "installer-roles":
        def installer(contexte):
            if contexte.est_sqlite:
                raise ErreurInstruction("Les rôles ne concernent qu'une base PostgreSQL partagée : un fichier SQLite "
                                        "se protège par les droits du système de fichiers.")
            return roles.installer(contexte.moteur, arguments.prefixe)

        contexte, installation = sur_la_base(arguments, installer)
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
        return sur_la_base(arguments, faire, referentiel=False)

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
