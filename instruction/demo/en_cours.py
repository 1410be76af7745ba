"""La campagne de démonstration en cours : l'AAP Contrat de ville 2027, en pleine instruction.

Quatorze porteurs de 2023 redéposent leur action : certaines à l'identique (le critère
« innovation d'une année sur l'autre » les met « à vérifier », côte à côte avec l'action de 2023, sauf
la première, couverte par une CPO jointe au dossier, l. 3961-3962), les autres renouvelées (nouvelle
description, budget revu). Les dossiers sont à chaque étape du circuit :
déposés (dont deux incomplets en pièces), compléments demandés (dont une échéance dépassée),
recevables, en instruction (dont un examen resté « à compléter »), instruits avant le comité.
Les dossiers en instruction et instruits ont demandé l'avis des cofinanceurs que sollicite leur
budget (l. 3954-3956) : avis donnés pour les instruits (reçus par courriel et saisis par le service,
dont un réservé), attendus pour les autres (dont des échéances dépassées, à relancer).

Tout passe par les services de l'application (enregistrement avec la date de dépôt, pièces, passages
d'état datés, avis, grilles, examens) ; seules les dates que les services ne prennent pas en paramètre
(ajout des pièces, demande et réponse des avis) sont écrites ensuite, chacune avec son commentaire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from instruction.domaine import dates
from instruction.demo import cotations as demo_cotations
from instruction.domaine import eligibilite as el
from instruction.demo.programmation_2023 import LigneBilan
from instruction.domaine.etats import Etat

ANNEE = 2027
LIBELLE = "AAP Contrat de ville 2027"
OUVERTURE, CLOTURE = dt.date(2026, 10, 5), dt.date(2026, 12, 11)
ACTEUR = "démonstration"


@dataclass(frozen=True)
class Reprise:
    """Comment un dossier 2023 revient en 2027 et où il en est."""

    identique: bool
    etat: str
    depot: dt.date
    manque: str | None = None  # type de pièce non jointe
    cpo: bool = False  # l'action relève d'une CPO (jointe au dossier)


# Dans l'ordre des numéros 2023 des dossiers repris (les quatorze premiers portés par une association).
REPRISES = (
    Reprise(True, Etat.INSTRUIT, dt.date(2026, 10, 8), cpo=True),
    Reprise(False, Etat.INSTRUIT, dt.date(2026, 10, 9)),
    Reprise(False, Etat.EN_INSTRUCTION, dt.date(2026, 10, 13)),
    Reprise(True, Etat.EN_INSTRUCTION, dt.date(2026, 10, 15)),
    Reprise(False, Etat.EN_INSTRUCTION, dt.date(2026, 10, 20)),
    Reprise(False, Etat.EN_INSTRUCTION, dt.date(2026, 10, 22)),
    Reprise(False, Etat.RECEVABLE, dt.date(2026, 10, 27)),
    Reprise(True, Etat.RECEVABLE, dt.date(2026, 10, 29)),
    Reprise(False, Etat.INCOMPLET, dt.date(2026, 11, 2)),
    Reprise(False, Etat.INCOMPLET, dt.date(2026, 11, 4)),
    Reprise(False, Etat.DEPOSE, dt.date(2026, 11, 12), manque="comptes-approuves"),
    Reprise(True, Etat.DEPOSE, dt.date(2026, 11, 16)),
    Reprise(False, Etat.DEPOSE, dt.date(2026, 11, 18), manque="budget-structure"),
    Reprise(False, Etat.DEPOSE, dt.date(2026, 11, 20)),
)
COMPLEMENTS = (
    ("Budget prévisionnel 2027 de l'association, approuvé en assemblée générale", dt.date(2026, 11, 16)),
    ("Compte rendu financier de l'action 2023, signé", dt.date(2026, 11, 19)),
)


def _a(jour: dt.date, heure: int, minute: int = 0) -> dt.datetime:
    return dates.utc_depuis_paris(dt.datetime.combine(jour, dt.time(heure, minute)))


def _arrondi(montant: Decimal) -> Decimal:
    return montant.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _budget_revu(lignes, rang: int):
    """Le budget de 2023 revu de 12 à 25 % à la hausse, toujours équilibré à l'euro."""
    facteur = Decimal(112 + (rang * 7) % 14) / 100
    charges = [replace(l, montant=_arrondi(l.montant * facteur)) for l in lignes if l.sens == "charge"]
    produits = [replace(l, montant=_arrondi(l.montant * facteur)) for l in lignes if l.sens == "produit"]
    ecart = sum(l.montant for l in charges) - sum(l.montant for l in produits)
    if ecart and produits:
        # L'arrondi va aux fonds propres ou aux autres produits, jamais à une subvention demandée.
        cible = next((i for i, l in enumerate(produits) if l.compte != "74"), len(produits) - 1)
        produits[cible] = replace(produits[cible], montant=produits[cible].montant + ecart)
    return tuple(charges + produits)


def _description_renouvelee(description: str | None) -> str:
    debut = (description or "").split(". ")[0].rstrip(".")
    return (f"Nouvelle formule 2027, construite avec les habitants lors du bilan de l'action précédente. "
            f"{debut}. Les séances sont ouvertes aux familles, un temps de restitution publique clôt l'année "
            "et le suivi des participants est partagé avec le centre social du quartier.")


def remplir(uow, repris: list, piece_pdf) -> LigneBilan:
    """Crée la campagne 2027 et ses dossiers ; ``repris`` : (id, ``PorteurDemo``) des dossiers de l'AAP 2023
    retenus, dans l'ordre des numéros ; rend la ligne du bilan. ``piece_pdf(libelle, porteur, numero, jour)`` fait
    le contenu d'une pièce ajoutée (la CPO)."""
    from instruction.domaine import budget
    from instruction.db import modeles as m
    from instruction.services import dossier as service_dossier
    from instruction.services import instruction as circuit
    from instruction.services import pieces

    uow.acteur = ACTEUR
    campagne = service_dossier.creer_campagne(uow, "cdv", ANNEE, LIBELLE, OUVERTURE, CLOTURE)
    sources = [(i, p) for i, p in repris if p.type == "association"][: len(REPRISES)]
    demandes = iter(COMPLEMENTS)
    cout, porteurs = Decimal("0.00"), set()
    for rang, ((source_id, porteur), reprise) in enumerate(zip(sources, REPRISES, strict=True)):
        fiche = service_dossier.lire(uow, source_id)
        avant = fiche.donnees
        donnees = replace(
            avant, campagne_id=campagne.id, renouvellement=True, renouvelle_id=source_id,
            date_debut=dt.date(ANNEE, 1, 4), date_fin=dt.date(ANNEE, 12, 31), depose_le=reprise.depot,
        )
        if not reprise.identique:
            donnees = replace(donnees, description=_description_renouvelee(avant.description),
                              budget=_budget_revu(avant.budget, rang))
        identifiant = service_dossier.enregistrer(uow, None, donnees)
        numero = uow.session.get(m.Dossier, identifiant).numero
        depot = _a(reprise.depot, 10, 30)
        jour_piece = reprise.depot - dt.timedelta(days=2)
        fichiers = [(piece.type, piece.nom_fichier.replace("2023", "2027"), pieces.contenu(uow, piece.id)[1], jour_piece)
                    for piece in fiche.pieces if piece.type != reprise.manque]
        if reprise.cpo:
            libelle = "Convention pluriannuelle d'objectifs 2025-2027"
            fichiers.append(("cpo", f"{numero}-cpo.pdf", piece_pdf(libelle, porteur.nom, numero, dt.date(2025, 3, 3)),
                             dt.date(2025, 3, 3)))
        for ajoutee in pieces.ajouter_plusieurs(uow, identifiant, fichiers):
            # services.pieces.ajouter date l'ajout de l'heure de la saisie ; ces pièces sont arrivées avec le dépôt.
            uow.session.get(m.Piece, ajoutee.id).ajoutee_le = depot
        _avancer(uow, circuit, identifiant, numero, donnees, reprise, rang, demandes)
        cout += budget.synthese(donnees.lignes_budget()).total_charges
        porteurs.add(donnees.porteur_id)
    return LigneBilan(LIBELLE + " (en cours d'instruction)", len(sources), len(porteurs), cout, "coût total demandé")


def _solliciter(uow, identifiant: int, reprise: Reprise, rang: int) -> None:
    """Demande l'avis des cofinanceurs sollicités par le budget (hors État-politique de la ville, qui instruit
    avec le service, et « autres financeurs », sans technicien) ;
    pour un dossier instruit, saisit les avis reçus : favorables au montant demandé, sauf un réservé."""
    from instruction.domaine import budget
    from instruction.db import modeles as m
    from instruction.domaine.horloge import aujourd_hui
    from instruction.services import avis
    from instruction.services import dossier as service_dossier

    demande_le = _a(reprise.depot + dt.timedelta(days=8), 10, 0)
    echeance = reprise.depot + dt.timedelta(days=23)
    choisis = [d for d in avis.destinataires(uow, identifiant)
               if d.financeur and d.propose and d.financeur not in ("etat-pv", "autres")]
    if not choisis:
        return
    # Le service n'accepte qu'une échéance à venir : demandée avec celle du jour au plus tôt, puis datée comme
    # dans la campagne (l'échéance d'un avis attendu est alors passée : il est à relancer).
    ids = avis.demander(uow, identifiant, choisis, max(echeance, aujourd_hui()))
    demandes = {i: uow.session.get(m.DemandeAvis, i) for i in ids}
    for demande in demandes.values():
        # services.avis.demander date la demande du jour de la saisie ; aucun paramètre ne la date dans la campagne.
        demande.demandee_le, demande.echeance = demande_le, echeance
    if reprise.etat != Etat.INSTRUIT:
        return
    montants = budget.subventions_par_financeur(service_dossier.lire(uow, identifiant).donnees.lignes_budget())
    for numero, demande_id in enumerate(ids):
        code = demandes[demande_id].financeur_code
        reserve = rang == 1 and numero == 0
        saisie = avis.SaisieAvis(
            "reserve" if reserve else "favorable",
            "Réservé : le public des QPV doit être mieux identifié dans le bilan." if reserve
            else "Action connue, bilan 2023 satisfaisant.",
            montants={code: format(montants.get(code, Decimal("0")), "f").replace(".", ",")},
        )
        avis.donner(uow, demande_id, saisie)
        # services.avis.donner date l'avis de la saisie ; reçu par courriel avant la fin de l'instruction.
        demandes[demande_id].avis.donne_le = _a(reprise.depot + dt.timedelta(days=9 + numero % 4), 16, 0)


def _avancer(uow, circuit, identifiant: int, numero: str, donnees, reprise: Reprise, rang: int, demandes) -> None:
    """Fait avancer le dossier jusqu'à son état, aux dates de la campagne, dans l'ordre : recevabilité, début de
    l'instruction, avis demandés (et reçus), grilles, examen, proposition."""
    from instruction.services import examen

    jour = reprise.depot
    if reprise.etat == Etat.DEPOSE:
        return
    if reprise.etat == Etat.INCOMPLET:
        objet, echeance = next(demandes)
        circuit.changer_etat(uow, identifiant, Etat.INCOMPLET, objet, echeance=echeance,
                             le=_a(jour + dt.timedelta(days=3), 14, 20))
        return
    circuit.changer_etat(uow, identifiant, Etat.RECEVABLE, le=_a(jour + dt.timedelta(days=5), 11, 10))
    if reprise.etat == Etat.RECEVABLE:
        return
    circuit.changer_etat(uow, identifiant, Etat.EN_INSTRUCTION, le=_a(jour + dt.timedelta(days=7), 9, 40))
    _solliciter(uow, identifiant, reprise, rang)
    # Les grilles : remplies pour les dossiers qui seront instruits, commencée pour le premier en instruction.
    partielle = reprise is next(r for r in REPRISES if r.etat == Etat.EN_INSTRUCTION)
    if reprise.etat == Etat.INSTRUIT or partielle:
        texte = " ".join(filter(None, (donnees.intitule, donnees.resume, donnees.description)))
        demo_cotations.coter(uow, demo_cotations.ACoter(identifiant, numero, texte, donnees.femmes, donnees.hommes,
                                                        _a(jour + dt.timedelta(days=10), 14, 30)), partielle=partielle)
    if reprise.etat == Etat.EN_INSTRUCTION and jour >= dt.date(2026, 10, 20):
        return  # pas encore examiné
    evaluation = examen.evaluer(uow, identifiant)
    decisions = []
    for critere in evaluation.criteres:
        statut, commentaire = critere.resultat.statut, ""
        if statut == el.A_VERIFIER and reprise.etat == Etat.INSTRUIT:
            statut, commentaire = el.RESPECTE, "Vérifié avec le porteur lors de la visite du 11/11/2026."
        decisions.append(el.Decision(critere.code, statut, commentaire))
    examen.enregistrer_examen(uow, identifiant, decisions, le=_a(jour + dt.timedelta(days=14), 15, 0))
    if reprise.etat == Etat.INSTRUIT:
        circuit.changer_etat(uow, identifiant, Etat.INSTRUIT, "Proposition favorable au comité des financeurs.",
                             le=_a(jour + dt.timedelta(days=14), 15, 30))
