"""Le relevé de décisions d'une séance close du comité des financeurs (PDF).

La séance et ses membres, puis les décisions appliquées : les dossiers retenus avec leurs montants par
cofinanceur (et l'écart à la demande), les ajournés et les refusés avec leur motif, enfin les totaux décidés
par cofinanceur, qui partent ensuite aux instances délibérantes des partenaires (contrat de ville l. 3830).
Signets par partie, pied de page « page x / y ».
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from instruction.domaine import argent, dates
from instruction.domaine import comite as regles
from instruction.rapports import dossier_seance, pdf
from instruction.rapports.dossier_seance import entete_de_seance
from instruction.services.comite import SeanceLue

ZERO = Decimal("0.00")


def nom_de_fichier(seance: SeanceLue) -> str:
    return dossier_seance.nom_de_fichier(seance, ".pdf", "Relevé de décisions")


def ecrire(seance: SeanceLue, fichier: Path) -> Path:
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    histoire: list = [pdf.Signet("Séance et membres", "seance")]
    histoire += entete_de_seance(seance, "Relevé de décisions", s)
    retenus = [ligne for ligne in seance.lignes if ligne.decision == regles.RETENU]
    ajournes = [ligne for ligne in seance.lignes if ligne.decision == regles.AJOURNE]
    refuses = [ligne for ligne in seance.lignes if ligne.decision == regles.REFUSE]
    histoire += [Spacer(1, 3 * mm), p(
        f"Séance close le {dates.formater_horodatage(seance.close_le)} par {seance.close_par} : "
        f"{len(seance.lignes)} dossier(s) examiné(s), {len(retenus)} retenu(s), {len(ajournes)} ajourné(s), "
        f"{len(refuses)} refusé(s).", s["normal"])]

    codes = [c for c in seance.financeurs if any(c in ligne.montants for ligne in retenus)]
    histoire += [CondPageBreak(50 * mm), pdf.Signet("Dossiers retenus", "retenus"),
                 p(f"Dossiers retenus ({len(retenus)})", s["section"])]
    if retenus:
        lignes = [[p(t, s["gras"]) for t in ("Dossier", "Porteur et action", "Décidé par cofinanceur")]
                  + [p("Total", s["gras-droite"]), p("Demandé", s["gras-droite"])]]
        for ligne in retenus:
            action = f"<b>{pdf.texte(ligne.porteur)}</b> — {pdf.texte(ligne.intitule)}"
            if ligne.motif:
                action += f"<br/><i>{pdf.texte(ligne.motif)}</i>"
            parts = "<br/>".join(f"{pdf.texte(seance.financeurs.get(c, c))} : "
                                 f"{pdf.texte(argent.formater(ligne.montants[c]))}"
                                 for c in codes if c in ligne.montants)
            reduit = ligne.total_decide < ligne.total_demande
            lignes.append([p(ligne.numero, s["petit"]), Paragraph(action, s["petit"]), Paragraph(parts, s["petit"]),
                           p(argent.formater(ligne.total_decide), s["petit-droite"]),
                           p(argent.formater(ligne.total_demande) + (" *" if reduit else ""), s["petit-droite"])])
        total = sum((seance.totaux(c)[2] for c in codes), ZERO)
        lignes.append([p("Total", s["gras"]), p(f"{len(retenus)} dossier(s)", s["petit"]),
                       p("détail par cofinanceur à la fin du relevé", s["petit"]),
                       p(argent.formater(total), s["petit-droite"]),
                       p(argent.formater(sum((ligne.total_demande for ligne in retenus), ZERO)), s["petit-droite"])])
        histoire.append(pdf.tableau(lignes, [24 * mm, L - 128 * mm, 52 * mm, 26 * mm, 26 * mm],
                                    style_en_plus=[("BACKGROUND", (0, -1), (-1, -1), pdf.GRIS)]))
        if any(ligne.total_decide < ligne.total_demande for ligne in retenus):
            histoire.append(p("* retenu pour moins que demandé : le porteur ajuste son budget.", s["petit"]))
    else:
        histoire.append(p("Aucun dossier retenu.", s["normal"]))

    for titre, cle, liste in (("Dossiers ajournés", "ajournes", ajournes), ("Dossiers refusés", "refuses", refuses)):
        histoire += [CondPageBreak(35 * mm), pdf.Signet(titre, cle), p(f"{titre} ({len(liste)})", s["section"])]
        if not liste:
            histoire.append(p("Aucun.", s["normal"]))
            continue
        lignes = [[p(t, s["gras"]) for t in ("Dossier", "Porteur et action", "Demandé", "Motif")]]
        for ligne in liste:
            lignes.append([p(ligne.numero, s["petit"]), p(f"{ligne.porteur} — {ligne.intitule}", s["petit"]),
                           p(argent.formater(ligne.total_demande), s["petit-droite"]), p(ligne.motif, s["petit"])])
        histoire.append(pdf.tableau(lignes, [24 * mm, L * 0.38, 24 * mm, L - 48 * mm - L * 0.38]))

    histoire += [CondPageBreak(40 * mm), pdf.Signet("Totaux par cofinanceur", "totaux"),
                 p("Totaux par cofinanceur", s["section"])]
    lignes = [[p(t, s["gras"]) for t in ("Cofinanceur", "Demandé (retenus)", "Décidé", "Écart")]]
    for code in codes:
        demande = sum((ligne.demandes.get(code, ZERO) for ligne in retenus), ZERO)
        decide = seance.totaux(code)[2]
        lignes.append([p(seance.libelles_financeurs.get(code, code), s["normal"]),
                       p(argent.formater(demande), s["droite"]), p(argent.formater(decide), s["droite"]),
                       p(argent.formater(decide - demande), s["droite"])])
    histoire.append(pdf.tableau(lignes, [L - 96 * mm, 32 * mm, 32 * mm, 32 * mm]))
    instance = regles.instances().get(seance.instance)
    if instance is not None and instance.delibere_ensuite:
        histoire += [Spacer(1, 2 * mm), p(
            "La programmation actée par le comité est ensuite soumise aux instances délibérantes des partenaires "
            "(contrat de ville, l. 3830) : leurs votes se saisissent dans Comité › Délibérations des partenaires.",
            s["petit"])]
    pied = f"Instruction — relevé de décisions « {seance.intitule} »"
    return pdf.ecrire(fichier, histoire, titre=f"Relevé de décisions — {seance.intitule}", pied=pied)
