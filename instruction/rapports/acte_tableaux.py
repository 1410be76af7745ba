"""Les tableaux calculés d'un acte : montants, montants d'une CPO, échéancier, comptes rendus dus (articles) ;
fiche de l'action, charges, financements, objectifs par exercice (annexes).
"""

from __future__ import annotations

from decimal import Decimal

from instruction.domaine import argent, conventions
from instruction.domaine.erreurs import ErreurInstruction
from instruction.rapports.acte_champs import code_financeur, taux
from instruction.rapports.acte_donnees import DonneesActe, LigneBudget
from instruction.rapports.acte_modele import Colonne, Tableau


def _m(x: Decimal) -> str:
    return argent.formater(x)


def _libelle_financeur(d: DonneesActe, code: str) -> str:
    return d.libelles_financeurs.get(code) or (d.termes.attribuant.nom if d.termes.attribuant else code)


def tableau(nom: str, d: DonneesActe, regles: conventions.ReglesActes) -> Tableau | None:
    t = d.termes
    if nom == "montant":
        return Tableau(
            (Colonne("Exercice", 0.14), Colonne("Financeur", 0.36), Colonne("Montant", 0.18, droite=True),
             Colonne("En lettres", 0.32)),
            tuple((str(m.exercice), _libelle_financeur(d, m.financeur_code), _m(m.montant),
                   argent.en_lettres(m.montant)) for m in t.montants))
    if nom == "montants_cpo":
        return Tableau(
            (Colonne("Exercice", 0.14), Colonne("Statut", 0.50), Colonne("Montant", 0.18, droite=True),
             Colonne("Cumul", 0.18, droite=True)),
            tuple((str(m.exercice), "ferme" if m.ferme else "prévisionnel, " + regles.reserve_cpo,
                   _m(m.montant), _m(sum((x.montant for x in t.montants[:i + 1]), argent.ZERO)))
                  for i, m in enumerate(t.montants)),
            total=("Total", "", _m(t.montant_total), ""))
    if nom == "echeancier":
        lignes = tuple(
            (str(e.exercice), conventions.NATURES_ECHEANCE.get(e.nature, e.nature),
             e.condition + (" (après le compte rendu financier)" if e.apres_compte_rendu
                            and "compte rendu" not in e.condition else ""),
             e.date_prevue.strftime("%d/%m/%Y") if e.date_prevue else "—", _m(e.montant))
            for e in t.echeancier)
        return Tableau((Colonne("Exercice", 0.11), Colonne("Versement", 0.16), Colonne("Condition", 0.43),
                        Colonne("Date prévue", 0.13), Colonne("Montant", 0.17, droite=True)), lignes,
                       total=("Total", "", "", "", _m(sum((e.montant for e in t.echeancier), argent.ZERO))))
    if nom == "comptes_rendus":
        return Tableau((Colonne("Exercice", 0.2), Colonne("Fin de l'exercice", 0.35),
                        Colonne("Compte rendu financier dû au plus tard le", 0.45)),
                       tuple((str(x), t.fin_de_l_exercice(x).strftime("%d/%m/%Y"),
                              t.echeance_compte_rendu(x).strftime("%d/%m/%Y")) for x in t.exercices))
    if nom == "fiche":
        a = d.action
        benef = t.beneficiaire
        lignes = [("Porteur", benef.nom if benef else ""), ("Dossier", a.numero), ("Appel à projets", a.campagne),
                  ("Action", a.intitule),
                  ("Période", a.periode or f"du {t.date_debut:%d/%m/%Y} au {t.date_fin:%d/%m/%Y}")]
        if a.quartiers:
            lignes.append(("Quartiers", ", ".join(a.quartiers)))
        if a.lieux:
            lignes.append(("Lieux", a.lieux))
        if a.public:
            lignes.append(("Public", a.public))
        return Tableau((Colonne("Rubrique", 0.22), Colonne("Contenu", 0.78)), tuple(lignes), entete=False)
    if nom == "charges":
        if not d.action.charges:
            return None
        return Tableau((Colonne("Compte", 0.12), Colonne("Charges", 0.63), Colonne("Montant", 0.25, droite=True)),
                       tuple((c.compte, c.libelle, _m(c.montant)) for c in d.action.charges),
                       total=("", "Total des charges", _m(sum((c.montant for c in d.action.charges), argent.ZERO))))
    if nom == "financements":
        financements = d.action.financements or tuple(
            LigneBudget(_libelle_financeur(d, m.financeur_code), m.montant) for m in t.montants)
        total = sum((f.montant for f in financements), argent.ZERO)
        attribuant = t.attribuant.nom if t.attribuant else ""
        lignes = tuple(
            ((f"**{f.libelle}**" if f.libelle in (attribuant, _libelle_financeur(d, code_financeur(d))) else f.libelle),
             _m(f.montant), taux(f.montant, total) or "")
            for f in financements)
        return Tableau((Colonne("Financeur", 0.55), Colonne("Montant", 0.25, droite=True),
                        Colonne("Part", 0.20, droite=True)), lignes, total=("Total", _m(total), "100,0 %" if total else ""))
    if nom == "objectifs":
        objectifs = {o.exercice: o.objectifs for o in d.objectifs_exercices}
        return Tableau((Colonne("Exercice", 0.12), Colonne("Objectifs", 0.50), Colonne("Montant", 0.18, droite=True),
                        Colonne("Statut", 0.20)),
                       tuple((str(m.exercice), objectifs.get(m.exercice, "Objectifs de l'action décrits en annexe 1"),
                              _m(m.montant), "ferme" if m.ferme else "sous réserve du vote du budget")
                             for m in t.montants),
                       total=("Total", "", _m(t.montant_total), ""))
    raise ErreurInstruction(f"Tableau inconnu : {nom}.")
