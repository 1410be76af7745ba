"""L'écriture de la démonstration en base : la programmation 2023 (instruite, décidée, soldée) puis l'AAP
Contrat de ville 2027 en cours d'instruction, en une transaction, et sur demande des comptes de démonstration.

Tout passe par les services de l'application, comme si un instructeur saisissait la campagne : porteurs
(``services.porteurs.creer``, puis ``changer`` pour un changement de nom daté), campagnes
(``services.dossier.creer_campagne``), dossiers (``services.dossier.enregistrer``, date de dépôt comprise),
pièces (``services.pieces.ajouter``), grilles, examens et circuit (``circuit``, ``cotations``, ``en_cours``),
comptes (``services.comptes.creer``). Les données passent donc les mêmes contrôles que celles d'un
utilisateur, et l'historique les note sous le nom « démonstration », à l'heure où la démonstration a été
créée (l'historique dit quand une chose a été saisie ; les dates métier — dépôt, passages, examens,
grilles — sont celles de la campagne).

Ce qui s'écrit encore directement (aucun service ne le permet) est marqué d'un commentaire à sa ligne.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from instruction.domaine import droits
from instruction.demo import circuit as demo_circuit
from instruction.demo import cotations as demo_cotations
from instruction.demo import en_cours as demo_en_cours
from instruction.demo.programmation_2023 import (
    ANNEE,
    CIBLES,
    LIBELLES_FINANCEURS,
    Bilan,
    DossierDemo,
    LigneBilan,
    PorteurDemo,
    comite,
    piece_de_demonstration,
    planifier,
    programmes,
)
from instruction.domaine.erreurs import ErreurInstruction

ACTEUR = demo_circuit.ACTEUR
HEURE_DES_PIECES = dt.time(10, 0)  # les pièces arrivent avec le dépôt, le matin

# Les comptes de démonstration (``instruction demo --comptes``) : un par rôle, mots de passe provisoires
# documentés dans docs/guide.md, à changer à la première connexion.
COMPTES = (
    # identifiant, nom, rôle, thèmes (référent), cofinanceur (financeur), mot de passe provisoire
    ("admin", "Alice Administratrice", droits.ADMINISTRATEUR, (), None, "demo-admin-2027"),
    ("instructrice", "Inès Instructrice", droits.INSTRUCTEUR, (), None, "demo-instruction-2027"),
    ("referent", "Romain Référent", droits.REFERENT, ("jeunesse", "education"), None, "demo-referent-2027"),
    ("financeur", "Fanny Financeuse (CAF)", droits.FINANCEUR, (), "caf", "demo-financeur-2027"),
    ("lecteur", "Léo Lecteur", droits.LECTEUR, (), None, "demo-lecteur-2027"),
)


def remplir(contexte, progression: Callable[[str], None] = lambda _m: None, *, comptes: bool = False) -> Bilan:
    """Écrit la programmation 2023 (``circuit``) puis l'AAP Contrat de ville 2027 en cours (``en_cours``), en une
    transaction ; ``comptes`` : crée aussi un compte de démonstration par rôle (la base exigera alors une
    connexion au démarrage).

    Refuse (sans rien écrire) si l'une de ces campagnes existe déjà, ou si l'utilisateur n'est pas
    administrateur.
    """
    from instruction.db import referentiel as ref_db
    from instruction.services import dossier as service_dossier

    droits.exiger(contexte.utilisateur, "demo.remplir")
    with contexte.unite() as uow:
        uow.acteur = ACTEUR
        demo = {(c.dispositif, ANNEE) for c in CIBLES} | {("cdv", demo_en_cours.ANNEE)}
        existantes = [c.libelle for c in service_dossier.campagnes(uow) if (c.dispositif, c.annee) in demo]
        if existantes:
            raise ErreurInstruction(
                f"La base contient déjà une campagne de la démonstration ({', '.join(existantes)}) : la "
                "démonstration n'a pas été ajoutée, rien n'a été modifié."
            )
        progression("Préparation de la campagne de démonstration 2023…")
        plan = planifier(ref_db.lire(uow.session))
        progression("Écriture des porteurs et des dossiers…")
        porteurs = {code: _ecrire_porteur(uow, p) for code, p in plan.porteurs.items()}
        bilan = []
        a_instruire = []
        repris: list[tuple[int, PorteurDemo]] = []  # les dossiers CDV 2023 retenus, que la campagne 2027 reprend
        for cible in CIBLES:
            campagne = service_dossier.creer_campagne(uow, cible.dispositif, ANNEE, cible.libelle, cible.ouverture,
                                                      cible.cloture)
            liste = plan.campagnes[cible.dispositif]
            for d in liste:  # dans l'ordre des dépôts : le service donne les numéros du plan
                identifiant = _ecrire_dossier(uow, d, campagne.id, porteurs[d.porteur], plan.porteurs[d.porteur])
                a_instruire.append(_a_instruire(identifiant, d, cible))
                if cible.dispositif == "cdv" and d.programme:
                    repris.append((identifiant, plan.porteurs[d.porteur]))
            retenus = programmes(liste)
            montant = sum((d.cout_total if cible.dispositif == "cdv" else sum(d.accordes.values())
                           for d in retenus), Decimal("0.00"))
            bilan.append(LigneBilan(cible.libelle, len(retenus), len({d.porteur for d in retenus}), montant,
                                    cible.nature_total, len(liste) - len(retenus), sum(d.reduit for d in retenus)))
        progression("Instruction des dossiers de démonstration (grilles, comité, conventions, soldes)…")
        demo_circuit.instruire(uow, a_instruire)
        from instruction.demo import programmation as demo_programmation  # H1 : enveloppes 2023 et 2027

        demo_programmation.enveloppes(uow)
        progression("Comptes rendus financiers 2023…")
        from instruction.demo import comptes_rendus as demo_comptes_rendus  # H6 : après les conventions (H4)

        demo_comptes_rendus.remplir(uow)
        progression("Suivi des actions 2023 (copils, visites évaluatives, suivi renforcé)…")
        from instruction.demo import suivi as demo_suivi  # H7 : dernière étape du second temps du cycle

        demo_suivi.remplir(uow)
        progression("Campagne 2027 en cours d'instruction…")
        bilan.append(demo_en_cours.remplir(uow, repris, piece_de_demonstration))
        demo_programmation.scenario_2027(uow)  # H1 : un scénario de programmation 2027
        from instruction.demo import comite as demo_comite  # H2 : le comité 2027 se prépare (ordre du jour)

        demo_comite.preparer_2027(uow)
        crees = _ecrire_comptes(uow) if comptes else ()
        uow.valider()
    return Bilan(tuple(bilan), crees)


def _a_instruire(identifiant: int, d: DossierDemo, cible) -> demo_circuit.DossierAInstruire:
    texte = " ".join(filter(None, (d.intitule, d.resume, d.description)))
    return demo_circuit.DossierAInstruire(
        identifiant, d.numero, cible.dispositif, d.depose_le, d.date_debut, str(d.etat), d.etat_depuis,
        comite(cible, d.depose_le), demo_cotations.ACoter(identifiant, d.numero, texte, d.femmes, d.hommes),
        accordes=d.accordes, demandes=d.demandes, motif_refus=d.motif_refus, libelles=LIBELLES_FINANCEURS,
    )


def _ecrire_porteur(uow, p: PorteurDemo) -> int:
    """Le porteur par le service du répertoire ; un ancien nom devient la première version, le nom actuel un
    changement daté."""
    from instruction.services import porteurs as service

    identite = {
        "nom": p.ancien_nom if p.ancien_nom and p.changement_de_nom else p.nom, "sigle": p.sigle or "",
        "type": p.type, "siret": p.siret or "", "rna": p.rna or "", "adresse": p.adresse or "",
        "code_postal": p.code_postal or "", "ville": p.ville or "", "commune_code": p.commune or "",
        "quartier_code": p.quartier or "",
    }
    if p.ancien_nom and p.changement_de_nom:
        identite["sigle"] = ""
    representant = ({"civilite": p.representant_civilite or "", "nom": p.representant_nom,
                     "qualite": p.representant_qualite or ""} if p.representant_nom else None)
    compte = ({"titulaire": p.nom[:300], "iban": p.iban, "bic": p.bic or "", "domiciliation": p.domiciliation or ""}
              if p.iban else None)
    contacts = []
    if p.contact:
        nom, fonction, telephone, courriel = p.contact
        contacts.append({"nom": nom, "fonction": fonction, "telephone": telephone, "courriel": courriel})
    identifiant = service.creer(uow, identite, representant, compte, contacts)
    if p.ancien_nom and p.changement_de_nom:
        service.changer(uow, identifiant, "noms", {"nom": p.nom, "sigle": p.sigle or ""},
                        f"{p.changement_de_nom:%d/%m/%Y}")
    return identifiant


def _ecrire_dossier(uow, d: DossierDemo, campagne_id: int, porteur_id: int, porteur: PorteurDemo) -> int:
    """Le dossier tel que l'instructeur l'enregistre à son dépôt, puis ses pièces."""
    from instruction.domaine import dossier as saisie
    from instruction.domaine import pieces as types_pieces
    from instruction.db import modeles as m
    from instruction.services import dossier as service_dossier
    from instruction.services import pieces as service_pieces

    donnees = saisie.DonneesDossier(
        campagne_id=campagne_id, porteur_id=porteur_id, intitule=d.intitule, resume=d.resume,
        description=d.description, objectifs_action=d.objectifs_action, moyens=d.moyens, evaluation=d.evaluation,
        lieux=d.lieux or None, objectifs=d.objectifs, quartiers=d.quartiers, tranches_age=d.tranches_age,
        beneficiaires=d.beneficiaires, femmes=d.femmes, hommes=d.hommes,
        beneficiaires_quartiers=d.beneficiaires_quartiers, date_debut=d.date_debut, date_fin=d.date_fin,
        seances=tuple(saisie.Seance(libelle=l, periode=p, jour=j, heure_debut=hd, heure_fin=hf, frequence=f, nombre=n)
                      for l, p, j, hd, hf, f, n in d.seances),
        indicateurs=tuple(saisie.IndicateurCible(l, c, v, u) for l, c, v, u in d.indicateurs),
        budget=tuple(saisie.LigneBudget(l.sens, l.compte, l.montant, l.financeur, l.libelle) for l in d.lignes),
        depose_le=d.depose_le,
    )
    identifiant = service_dossier.enregistrer(uow, None, donnees)
    numero = uow.session.get(m.Dossier, identifiant).numero
    if numero != d.numero:  # le plan et le service doivent numéroter de même (ordre des dépôts)
        raise RuntimeError(f"démonstration : le dossier {d.numero} a reçu le numéro {numero}")
    libelles = {t.code: t.libelle for t in types_pieces.types()}
    jour = d.depose_le - dt.timedelta(days=3)
    jointes = service_pieces.ajouter_plusieurs(uow, identifiant, [
        (code, f"{d.numero}-{code}.pdf", piece_de_demonstration(libelles[code], porteur.nom, d.numero, jour), jour)
        for code in d.pieces])
    for piece in jointes:
        # services.pieces date l'ajout de l'heure de la saisie ; ces pièces sont arrivées avec le dépôt.
        uow.session.get(m.Piece, piece.id).ajoutee_le = demo_circuit.a(d.depose_le, HEURE_DES_PIECES.hour)
    return identifiant


def _ecrire_comptes(uow) -> tuple[tuple[str, str, str], ...]:
    """Un compte par rôle, par ``services.comptes.creer`` ; le mot de passe provisoire est celui du guide."""
    from argon2 import PasswordHasher

    from instruction.db import modeles as m
    from instruction.services import comptes

    crees = []
    for identifiant, nom, role, themes, financeur, mot_de_passe in COMPTES:
        compte_id, _tire = comptes.creer(uow, comptes.SaisieCompte(identifiant, nom, role, "", themes, financeur))
        # services.comptes.creer tire un mot de passe provisoire au hasard ; celui de la démonstration est documenté.
        uow.session.get(m.Compte, compte_id).empreinte = PasswordHasher().hash(mot_de_passe)
        crees.append((identifiant, droits.ROLES[role], mot_de_passe))
    uow.session.flush()
    return tuple(crees)
