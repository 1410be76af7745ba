"""L'écriture de la démonstration en base : la programmation 2023 (instruite et soldée) puis l'AAP
Contrat de ville 2027 en cours d'instruction, en une transaction.

Le plan (porteurs, dossiers, budgets) vient de ``programmation_2023`` ; le circuit de chaque dossier passe
par les services (``circuit``, ``cotations``, ``en_cours``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from instruction import dates
from instruction.demo import circuit as demo_circuit
from instruction.demo import cotations as demo_cotations
from instruction.demo import en_cours as demo_en_cours
from instruction.demo.programmation_2023 import (
    ANNEE,
    CIBLES,
    SESSIONS_PIC,
    Bilan,
    DossierDemo,
    PorteurDemo,
    piece_de_demonstration,
    planifier,
)
from instruction.erreurs import ErreurInstruction
from instruction.etats import Etat


def remplir(contexte, progression: Callable[[str], None] = lambda _m: None) -> Bilan:
    """Écrit la campagne de démonstration 2023 (instruite et soldée, ``demo_circuit``) puis l'AAP
    Contrat de ville 2027 en cours d'instruction (``demo_en_cours``), en une transaction.

    Refuse (sans rien écrire) si l'une de ces campagnes existe déjà, ou si l'utilisateur n'est pas
    administrateur.
    """
    from sqlalchemy import select

    from instruction import droits

    droits.exiger(contexte.utilisateur, "demo.remplir")

    from instruction.db import modeles as m
    from instruction.db import referentiel as ref_db

    with contexte.unite() as uow:
        session = uow.session
        existantes = session.scalars(
            select(m.Campagne.libelle).where(
                ((m.Campagne.annee == ANNEE) & m.Campagne.dispositif_code.in_([c.dispositif for c in CIBLES]))
                | ((m.Campagne.annee == demo_en_cours.ANNEE) & (m.Campagne.dispositif_code == "cdv"))
            )
        ).all()
        if existantes:
            raise ErreurInstruction(
                f"La base contient déjà une campagne de la démonstration ({', '.join(existantes)}) : la "
                "démonstration n'a pas été ajoutée, rien n'a été modifié."
            )
        progression("Préparation de la campagne de démonstration 2023…")
        plan = planifier(ref_db.lire(session))
        progression("Écriture des porteurs et des dossiers…")
        porteurs = {}
        for code, p in plan.porteurs.items():
            porteurs[code] = _ecrire_porteur(p)
            session.add(porteurs[code])
        bilan = []
        ecrits: list[tuple[DossierDemo, str]] = []
        for cible in CIBLES:
            campagne = m.Campagne(
                dispositif_code=cible.dispositif, annee=ANNEE, libelle=cible.libelle,
                date_ouverture=cible.ouverture, date_cloture=cible.cloture,
            )
            session.add(campagne)
            for d in plan.campagnes[cible.dispositif]:
                depot = dates.utc_depuis_paris(dt.datetime.combine(d.depose_le, dt.time(10, 0)))
                ecrits.append((d, cible.dispositif))
                session.add(
                    m.Dossier(
                        numero=d.numero, campagne=campagne, porteur=porteurs[d.porteur], intitule=d.intitule,
                        resume=d.resume, description=d.description, date_debut=d.date_debut, date_fin=d.date_fin,
                        depose_le=d.depose_le, etat=str(Etat.DEPOSE), etat_depuis=depot,
                        transitions=[m.Transition(de=None, vers=str(Etat.DEPOSE), acteur=demo_circuit.ACTEUR,
                                                  le=depot, motif="Dossier déposé sur la plateforme")],
                        cout_total=d.cout_total, subvention_demandee=d.subvention_demandee,
                        cree_le=depot, modifie_le=d.etat_depuis,
                        quartiers=[m.DossierQuartier(quartier_code=q) for q in d.quartiers],
                        objectifs=[m.DossierObjectif(objectif_operationnel_code=o) for o in d.objectifs],
                        lignes_budget=[
                            m.LigneBudget(sens=l.sens, compte=l.compte, financeur_code=l.financeur,
                                          libelle=l.libelle, montant=l.montant, ordre=rang)
                            for rang, l in enumerate(d.lignes)
                        ],
                        **_details(d, plan.porteurs[d.porteur]),
                    )
                )
            liste = plan.campagnes[cible.dispositif]
            montant = sum((d.cout_total for d in liste), Decimal("0.00"))
            bilan.append((cible.libelle, len(liste), len({d.porteur for d in liste}), montant))
        session.flush()
        progression("Instruction des dossiers de démonstration (grilles, comité, conventions, soldes)…")
        ids = dict(session.execute(select(m.Dossier.numero, m.Dossier.id).where(
            m.Dossier.numero.in_([d.numero for d, _ in ecrits]))).all())
        demo_cotations.coter(uow, [session.get(m.Dossier, ids[d.numero]) for d, _dispositif in ecrits])
        demo_circuit.instruire(uow, [
            demo_circuit.DossierAInstruire(
                ids[d.numero], dispositif, d.depose_le, d.date_debut, str(d.etat), d.etat_depuis,
                session_pic=_session_pic(d.depose_le) if dispositif == "pic" else None,
            )
            for d, dispositif in ecrits
        ])
        progression("Campagne 2027 en cours d'instruction…")
        cdv_2023 = sorted((session.get(m.Dossier, ids[d.numero]) for d, dispositif in ecrits if dispositif == "cdv"),
                          key=lambda dossier: dossier.numero)
        bilan.append(demo_en_cours.remplir(uow, cdv_2023, piece_de_demonstration))
        uow.valider()
    return Bilan(tuple(bilan))


def _session_pic(depot: dt.date) -> dt.date:
    """Le comité PIC qui examine un projet déposé ce jour-là (le premier après le dépôt)."""
    return next(s for s in SESSIONS_PIC if s > depot)


def _ecrire_porteur(p: PorteurDemo):
    from instruction.db import modeles as m

    cree = dt.datetime(ANNEE - 1, 10, 3, 9, 0)
    porteur = m.Porteur(
        nom=p.nom, sigle=p.sigle, type=p.type, siret=p.siret, rna=p.rna, adresse=p.adresse,
        code_postal=p.code_postal, ville=p.ville, commune_code=p.commune, quartier_code=p.quartier,
        cree_le=cree, modifie_le=cree,
    )
    if p.ancien_nom and p.changement_de_nom:
        porteur.noms.append(m.PorteurNom(nom=p.ancien_nom, jusqu_a=p.changement_de_nom - dt.timedelta(days=1)))
        porteur.noms.append(m.PorteurNom(nom=p.nom, sigle=p.sigle, depuis=p.changement_de_nom))
    else:
        porteur.noms.append(m.PorteurNom(nom=p.nom, sigle=p.sigle))
    if p.representant_nom:
        porteur.representants.append(
            m.Representant(civilite=p.representant_civilite, nom=p.representant_nom, qualite=p.representant_qualite)
        )
    if p.iban:
        porteur.comptes.append(
            m.CompteBancaire(titulaire=p.nom[:300], iban=p.iban, bic=p.bic, domiciliation=p.domiciliation)
        )
    if p.contact:
        nom, fonction, telephone, courriel = p.contact
        porteur.contacts.append(m.Contact(nom=nom, fonction=fonction, telephone=telephone, courriel=courriel))
    return porteur


def _details(d: DossierDemo, porteur: PorteurDemo) -> dict:
    from instruction import pieces as types_pieces
    from instruction.db import modeles as m

    libelles = {t.code: t.libelle for t in types_pieces.types()}
    jour = d.depose_le - dt.timedelta(days=3)
    financeurs = sorted({l.financeur for l in d.lignes if l.financeur})
    return dict(
        objectifs_action=d.objectifs_action, moyens=d.moyens, evaluation=d.evaluation, lieux=d.lieux or None,
        tranches_age=",".join(d.tranches_age) or None, beneficiaires=d.beneficiaires, femmes=d.femmes,
        hommes=d.hommes, financeurs=",".join(financeurs),
        beneficiaires_quartiers=[m.BeneficiairesQuartier(quartier_code=q, nombre=n) for q, n in d.beneficiaires_quartiers],
        seances=[
            m.Seance(libelle=l, periode=p, jour=j, heure_debut=hd, heure_fin=hf, frequence=f, nombre=n, ordre=i)
            for i, (l, p, j, hd, hf, f, n) in enumerate(d.seances)
        ],
        indicateurs=[
            m.IndicateurAction(libelle=l, indicateur_code=c, cible=format(v, "f"), unite=u, ordre=i)
            for i, (l, c, v, u) in enumerate(d.indicateurs)
        ],
        pieces=[
            _piece(m, code, libelles[code], porteur.nom, d.numero, jour) for code in d.pieces
        ],
    )


def _piece(m, code: str, libelle: str, porteur: str, numero: str, jour: dt.date):
    from instruction.pieces import empreinte

    contenu = piece_de_demonstration(libelle, porteur, numero, jour)
    return m.Piece(
        type=code, nom_fichier=f"{numero}-{code}.pdf", date_piece=jour, taille=len(contenu),
        empreinte=empreinte(contenu), contenu=contenu, ajoutee_le=dt.datetime.combine(jour, dt.time(10, 0)),
    )
