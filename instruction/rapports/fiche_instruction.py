"""La fiche d'instruction d'un dossier, pour le comité des financeurs (PDF, une ou deux pages).

Porteur, action, quartiers, objectifs, budget et demandes par financeur ; recevabilité ;
chaque critère d'éligibilité avec son résultat, la décision de l'instructeur, son commentaire
et sa source ; le verdict ; les cotations des grilles transversales, les avis ; la proposition de
l'instructeur (sens, montants proposés, commentaire) et, une fois décidée, la décision du comité avec
la date de sa séance — les cases à remplir à la main ne restent que tant que rien n'est proposé ni
décidé ; l'historique des passages d'état, à leur date.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from instruction.domaine import argent, budget, dates, etats, nombres
from instruction.domaine import eligibilite as el
from instruction.rapports import pdf
from instruction.services.fiche_instruction import FicheInstruction

COULEURS_STATUT = {el.RESPECTE: pdf.VERT, el.NON_RESPECTE: pdf.ROUGE, el.A_VERIFIER: pdf.ORANGE}
COULEURS_VERDICT = {el.ELIGIBLE: pdf.VERT, el.NON_ELIGIBLE: pdf.ROUGE, el.A_COMPLETER: pdf.ORANGE}


def nom_de_fichier(numero: str) -> str:
    return f"Fiche d'instruction {numero}.pdf"


def ecrire(fiche: FicheInstruction, fichier: Path) -> Path:
    pied = f"Instruction — fiche d'instruction {fiche.numero} imprimée le {dates.formater_horodatage(fiche.imprime_le)}"
    return pdf.ecrire(fichier, histoire(fiche), titre=f"Fiche d'instruction {fiche.numero}", pied=pied)


def histoire(fiche: FicheInstruction) -> list:
    """Les éléments de la fiche (reportlab), pour l'écrire seule ou l'insérer dans un autre document (le dossier
    de séance du comité)."""
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    histoire: list = []

    # --- En-tête --------------------------------------------------------------------------------
    entete = Table(
        [[p("Fiche d'instruction", s["titre"]), p(fiche.numero, s["titre"])],
         [p(f"{fiche.campagne} — {fiche.dispositif}", s["sous-titre"]), ""]],
        colWidths=[L * 0.72, L * 0.28],
    )
    entete.setStyle([("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                     ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("SPAN", (0, 1), (1, 1))])
    histoire.append(entete)
    depuis = dates.formater(fiche.date_depuis) if fiche.date_depuis else dates.formater_horodatage(fiche.etat_depuis)
    etat = (f"<b>État : {pdf.texte(fiche.etat)}</b> depuis le {depuis}"
            f" — déposé le {dates.formater(fiche.depose_le, vide='?')}")
    if fiche.complet_le:
        etat += f" — déclaré recevable le {_jour(fiche.complet_le)}"
    histoire += [Spacer(1, 2 * mm), Paragraph(etat, s["normal"]), Spacer(1, 1 * mm)]

    # --- Porteur et action ----------------------------------------------------------------------
    histoire.append(p("Porteur et action", s["section"]))
    publics = "non renseigné"
    if fiche.beneficiaires is not None:
        publics = f"{nombres.formater(fiche.beneficiaires)} dont {nombres.formater(fiche.beneficiaires_qpv)} " \
                  "habitant un quartier prioritaire"
        if fiche.femmes is not None or fiche.hommes is not None:
            publics += f" ; {fiche.femmes or 0} femmes, {fiche.hommes or 0} hommes"
    periode = (f"du {dates.formater(fiche.date_debut)} au {dates.formater(fiche.date_fin)}"
               if fiche.date_debut and fiche.date_fin else "non renseignée")
    identite = [
        ("Porteur", f"{fiche.porteur} — {fiche.type_porteur}" + (f", {fiche.ville}" if fiche.ville else "")),
        ("SIRET", fiche.siret or "—"),
        ("Représentant légal", fiche.representant or "non renseigné"),
        ("Action", fiche.intitule),
        ("Résumé", _abrege(fiche.resume, 700) or "—"),
        ("Période", periode),
        ("Quartiers", ", ".join(fiche.quartiers) or "aucun"),
        ("Lieux", fiche.lieux or "—"),
        ("Bénéficiaires prévus", publics),
    ]
    histoire.append(pdf.tableau([[p(k, s["gras"]), p(v, s["normal"])] for k, v in identite],
                                [32 * mm, L - 32 * mm], entete=False,
                                style_en_plus=[("BACKGROUND", (0, 0), (0, -1), pdf.GRIS)]))

    if fiche.objectifs:
        histoire.append(p("Objectifs du projet de territoire", s["section"]))
        histoire.append(pdf.tableau([[p(code, s["petit"]), p(libelle, s["petit"])] for code, libelle in fiche.objectifs],
                                    [22 * mm, L - 22 * mm], entete=False))

    # --- Budget et demandes ----------------------------------------------------------------------
    lignes = [[p(t, s["gras"]) for t in ("Financeur", "Demandé", "Part du coût", "Montant proposé", "Accordé")]]
    for demande in fiche.demandes:
        lignes.append([
            p(demande.financeur, s["normal"]),
            p(argent.formater(demande.montant), s["droite"]),
            p(nombres.pourcentage(demande.part) if demande.part is not None else "—", s["droite"]),
            p(argent.formater(demande.propose), s["droite"]),
            p(argent.formater(demande.accorde), s["droite"]),
        ])
    total = sum((d.montant for d in fiche.demandes), argent.euros(0))
    accordes = [d.accorde for d in fiche.demandes if d.accorde is not None]
    proposes = [d.propose for d in fiche.demandes if d.propose is not None]
    lignes.append([p("Total des subventions demandées", s["gras"]), p(argent.formater(total), s["droite"]),
                   p(_part(total, fiche.cout_total), s["droite"]),
                   p(argent.formater(sum(proposes, argent.euros(0))) if proposes else "", s["droite"]),
                   p(argent.formater(sum(accordes, argent.euros(0))) if accordes else "", s["droite"])])
    bloc_budget = [
        p("Budget et demandes par financeur", s["section"]),
        Paragraph(f"Coût total de l'action : <b>{pdf.texte(argent.formater(fiche.cout_total))}</b> ; total des "
                  f"produits : {pdf.texte(argent.formater(fiche.total_produits))}"
                  + ("" if fiche.cout_total == fiche.total_produits else
                     " <font color='#b00020'>(budget non équilibré)</font>"), s["normal"]),
        Spacer(1, 1.5 * mm),
        pdf.tableau(lignes, [L - 118 * mm, 28 * mm, 22 * mm, 30 * mm, 38 * mm],
                    style_en_plus=[("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS)]),
    ]
    histoire.append(KeepTogether(bloc_budget))

    # --- Recevabilité -----------------------------------------------------------------------------
    histoire.append(p("Recevabilité", s["section"]))
    manques = [pt for pt in fiche.recevabilite if not pt.respecte]
    if not manques:
        histoire.append(p(f"Les {len(fiche.recevabilite)} points de recevabilité sont respectés "
                          f"({', '.join(pt.libelle.lower() for pt in fiche.recevabilite[:4])}…).", s["normal"]))
    else:
        histoire.append(p(f"{len(manques)} point(s) sur {len(fiche.recevabilite)} non respecté(s) :", s["normal"]))
        histoire.append(pdf.tableau([[p("Point", s["gras"]), p("Ce qui manque", s["gras"])]]
                                    + [[p(pt.libelle, s["normal"]), p(pt.detail, s["normal"])] for pt in manques],
                                    [60 * mm, L - 60 * mm]))

    # --- Éligibilité ------------------------------------------------------------------------------
    histoire.append(p("Éligibilité", s["section"]))
    examen = fiche.examen
    if examen is None:
        histoire.append(p("L'examen d'éligibilité n'a pas encore été fait.", s["normal"]))
    else:
        couleur = _hex(COULEURS_VERDICT.get(examen.verdict, pdf.BLEU))
        histoire.append(Paragraph(
            f"Verdict : <font color='{couleur}'><b>{pdf.texte(el.VERDICTS.get(examen.verdict, examen.verdict))}"
            f"</b></font> — examen du {dates.formater_horodatage(examen.le)} par {pdf.texte(examen.acteur)}",
            s["normal"]))
        histoire.append(Spacer(1, 1.5 * mm))
        lignes = [[p(t, s["gras"]) for t in ("Critère", "Calculé", "Retenu", "Explication et commentaire",
                                              "Source")]]
        for c in examen.criteres:
            explication = pdf.texte(c.explication)
            if c.commentaire:
                explication += f"<br/><i>Instructeur : {pdf.texte(c.commentaire)}</i>"
            retenu = pdf.texte(el.STATUTS.get(c.statut, c.statut)) + (" (modifié)" if c.change else "")
            couleur = _hex(COULEURS_STATUT.get(c.statut, pdf.BLEU))
            lignes.append([p(c.libelle, s["petit"]), p(el.STATUTS.get(c.statut_auto, c.statut_auto), s["petit"]),
                           Paragraph(f"<font color='{couleur}'><b>{retenu}</b></font>", s["petit"]),
                           Paragraph(explication, s["petit"]), p(c.source, s["petit"])])
        histoire.append(pdf.tableau(lignes, [42 * mm, 19 * mm, 21 * mm, L - 122 * mm, 40 * mm]))
        if examen.commentaire:
            histoire.append(Spacer(1, 1.5 * mm))
            histoire.append(p(f"Commentaire d'ensemble : {examen.commentaire}", s["normal"]))

    # --- Place pour les cotations, les avis et la proposition ----------------------------------------
    cotations = [[p(t, s["gras"]) for t in ("Thème transversal", "Cotation", "Calcul", "Cotation retenue : motif")]]
    for c in fiche.cotations:
        cotations.append([
            p(c.theme, s["normal"]),
            Paragraph(f"<b>{c.cotation}</b>" if c.cotation is not None else "—", s["droite"]),
            p(c.explication + (f" (grille version {c.version})" if c.version else ""), s["petit"]),
            p(c.motif or "", s["petit"]),
        ])
    histoire.append(KeepTogether([
        p("Grilles transversales", s["section"]),
        pdf.tableau(cotations, [48 * mm, 16 * mm, L - 114 * mm, 50 * mm]),
    ]))
    avis = _avis(fiche, s, L)
    histoire.append(KeepTogether([p("Avis et proposition", s["section"]), avis, Spacer(1, 2 * mm),
                                  _proposition_et_decision(fiche, s, L)]))

    # --- Historique -----------------------------------------------------------------------------------
    if fiche.historique:
        lignes = [[p(t, s["gras"]) for t in ("Date", "Passage", "Par", "Motif")]]
        for h in fiche.historique:
            passage = etats.libelle(h.vers) if h.de is None else f"{etats.libelle(h.de)} → {etats.libelle(h.vers)}"
            quand = dates.formater(h.date) if h.date else dates.formater_horodatage(h.le)
            lignes.append([p(quand, s["petit"]), p(passage, s["petit"]),
                           p(h.acteur, s["petit"]), p(h.motif or "", s["petit"])])
        histoire.append(KeepTogether([p("Historique du dossier", s["section"]),
                                      pdf.tableau(lignes, [26 * mm, 50 * mm, 30 * mm, L - 106 * mm])]))

    return histoire


def _avis(fiche: FicheInstruction, s, largeur: float):
    """Les avis côte à côte : sens, montants proposés par cofinanceur, commentaire ; sinon une place vide."""
    p = pdf.paragraphe

    if not fiche.avis:
        avis = Table([[p("Avis des référents et des financeurs", s["gras"])], [p("Aucun avis demandé.", s["petit"])],
                      [""]], colWidths=[largeur], rowHeights=[None, None, 16 * mm])
        avis.setStyle([("BOX", (0, 0), (-1, -1), 0.4, pdf.BORD), ("LINEBELOW", (0, 0), (-1, 0), 0.4, pdf.BORD),
                       ("BACKGROUND", (0, 0), (-1, 0), pdf.GRIS)])
        return avis
    codes = sorted({c for a in fiche.avis for c in a.montants})
    lignes = [[p(t, s["gras"]) for t in ("Avis de", "Échéance", "Avis")]
              + [p(f"Proposé {fiche.financeurs.get(c, c)}", s["gras"]) for c in codes] + [p("Commentaire", s["gras"])]]
    for a in fiche.avis:
        sens = "Confidentiel" if a.masque else a.libelle_sens + (" (confidentiel)" if a.confidentiel else "")
        couleur = {"favorable": "#1b6e20", "reserve": "#8a5300", "defavorable": "#b00020"}.get(a.sens or "", "#555555")
        qui = a.destinataire + (f" — {a.theme}" if a.theme else "")
        lignes.append([p(qui, s["petit"]), p(dates.formater(a.echeance), s["petit"]),
                       Paragraph(f"<font color='{couleur}'><b>{pdf.texte(sens)}</b></font>", s["petit"])]
                      + [Paragraph(argent.formater(a.montants[c]) if c in a.montants else "", s["droite"])
                         for c in codes]
                      + [p(a.commentaire or "", s["petit"])])
    fixes = 44 * mm + 18 * mm + 24 * mm + len(codes) * 24 * mm
    return pdf.tableau(lignes, [44 * mm, 18 * mm, 24 * mm] + [24 * mm] * len(codes) + [max(largeur - fixes, 30 * mm)])


COULEURS_SENS = {"favorable": "#1b6e20", "reserve": "#8a5300", "defavorable": "#b00020"}
COULEURS_DECISION = {"retenu": "#1b6e20", "ajourne": "#8a5300", "refuse": "#b00020"}


def _proposition_et_decision(fiche: FicheInstruction, s, largeur: float):
    """La proposition et la décision, remplies dès qu'elles existent ; des cases à remplir à la main ne
    restent que pour ce qui n'est ni proposé ni décidé (une fiche imprimée pour la séance du comité)."""
    p = pdf.paragraphe
    hauteur_libre = None
    proposition = fiche.proposition
    if proposition is not None:
        couleur = COULEURS_SENS.get(proposition.sens, "#000000")
        texte = (f"<font color='{couleur}'><b>{pdf.texte(proposition.libelle)}</b></font> — le "
                 f"{dates.formater(proposition.date)}, {pdf.texte(proposition.acteur)}<br/>"
                 f"Montants proposés : <b>{pdf.texte(argent.formater(proposition.total))}</b>"
                 + (" (" + pdf.texte(", ".join(f"{fiche.financeurs.get(c, c)} {argent.formater(v)}"
                                               for c, v in sorted(proposition.montants.items()))) + ")"
                    if proposition.montants else ""))
        if proposition.commentaire:
            texte += f"<br/><i>{pdf.texte(proposition.commentaire)}</i>"
        gauche = Paragraph(texte, s["normal"])
    elif fiche.instruction_terminee:
        gauche = p("Aucune proposition enregistrée (instruction terminée avant que l'application les garde).",
                   s["normal"])
    else:
        gauche = p("Favorable  /  Réservée  /  Défavorable", s["normal"])
        hauteur_libre = 14 * mm
    decision = fiche.decision
    if decision is not None:
        couleur = COULEURS_DECISION.get(decision.etat, "#000000")
        texte = (f"<font color='{couleur}'><b>{pdf.texte(decision.libelle)}</b></font> — séance du "
                 f"{dates.formater(decision.date)}")
        accordes = [d.accorde for d in fiche.demandes if d.accorde is not None]
        if accordes:
            texte += f"<br/>Montants accordés : <b>{pdf.texte(argent.formater(sum(accordes, argent.euros(0))))}</b>"
        if decision.motif:
            texte += f"<br/><i>{pdf.texte(decision.motif)}</i>"
        if fiche.budget_ajuste_attendu:
            texte += ("<br/><font color='#8a5300'><b>Accordé moins que demandé : le porteur doit envoyer un budget "
                      "ajusté.</b></font>")
        droite = Paragraph(texte, s["normal"])
    elif proposition is not None or not fiche.instruction_terminee:
        droite = p("Comité du ____ / ____ / ______ : retenu / ajourné / refusé", s["normal"])
        hauteur_libre = 14 * mm
    else:
        droite = p("Pas de décision du comité enregistrée.", s["normal"])
    lignes = [[p("Proposition de l'instructeur", s["gras"]), p("Décision du comité des financeurs", s["gras"])],
              [gauche, droite]]
    hauteurs = [None, None]
    if hauteur_libre is not None and (decision is None or proposition is None):
        lignes.append(["", ""])
        hauteurs.append(hauteur_libre)
    tableau = Table(lignes, colWidths=[largeur / 2, largeur / 2], rowHeights=hauteurs)
    tableau.setStyle([("GRID", (0, 0), (-1, -1), 0.4, pdf.BORD), ("BACKGROUND", (0, 0), (-1, 0), pdf.GRIS),
                      ("VALIGN", (0, 0), (-1, -1), "TOP")])
    return tableau


def _jour(moment) -> str:
    """Le jour (à Paris) d'un moment gardé en UTC : un passage daté dans le passé n'a pas d'heure à montrer."""
    return dates.formater_horodatage(moment).split(" ")[0]


def _hex(couleur) -> str:
    return couleur.hexval().replace("0x", "#")


def _part(montant, total) -> str:
    part = budget.part_de(montant, total)
    return nombres.pourcentage(part) if part is not None else "—"


def _abrege(valeur: str | None, longueur: int) -> str | None:
    if not valeur or len(valeur) <= longueur:
        return valeur
    return valeur[:longueur].rsplit(" ", 1)[0] + "…"
