"""Le compte rendu financier rempli, à la façon du CERFA n° 15059 (arrêté du 11 octobre 2006) : trois feuilles.

1. **Bilan qualitatif de l'action** (allégé : ce qui a été fait, public atteint par sexe, tranche d'âge et
   QPV / hors QPV, indicateurs d'évaluation du dossier avec cible et valeur atteinte, difficultés, perspectives) ;
2. **Tableau des données chiffrées** : charges puis produits, prévision (budget du CERFA 12156), réalisation,
   écart en euros et en %, totaux ; les écarts au-delà des seuils marqués ;
3. **Annexe explicative** : l'explication des écarts (ligne à ligne et d'ensemble), les règles de répartition
   des charges indirectes, les contributions volontaires en nature ; l'état du compte rendu (reçu, validé…).

Chaque feuille commence une page, comme le formulaire. Styles, pied de page « page x / y » et écriture
atomique : ``rapports/pdf.py``.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

from instruction.domaine import argent, bilans, dates, nombres, publics
from instruction.domaine.budget import CHARGE, PAR_NUMERO, PRODUIT
from instruction.domaine.horloge import maintenant
from instruction.rapports import pdf
from instruction.services.comptes_rendus import CompteRenduLu

CERFA = "Compte rendu financier de subvention — modèle du CERFA n° 15059 (arrêté du 11 octobre 2006)"


def nom_de_fichier(lu: CompteRenduLu) -> str:
    return f"Compte rendu financier {lu.numero} {lu.exercice}.pdf"


def ecrire(lu: CompteRenduLu, fichier: Path) -> Path:
    pied = (f"Compte rendu financier {lu.numero}, exercice {lu.exercice} — imprimé le "
            f"{dates.formater_horodatage(maintenant())}")
    return pdf.ecrire(fichier, histoire(lu), titre=f"Compte rendu financier {lu.numero} {lu.exercice}", pied=pied)


def _entete(lu: CompteRenduLu, feuille: str) -> list:
    s = pdf.styles()
    L = pdf.LARGEUR_UTILE
    t = Table([[Paragraph(pdf.texte(feuille), s["titre"]), Paragraph(pdf.texte(lu.numero), s["titre"])],
               [Paragraph(pdf.texte(CERFA), s["petit"]), Paragraph(f"Exercice {lu.exercice}", s["gras-droite"])]],
              colWidths=[L * 0.74, L * 0.26])
    t.setStyle([("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [t, Spacer(1, 2 * mm)]


def _cartouche(lu: CompteRenduLu) -> Table:
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    lignes = [
        ("Porteur", f"{lu.porteur}" + (f" — SIRET {lu.porteur_siret}" if lu.porteur_siret else "")),
        ("Adresse", lu.porteur_adresse or "—"),
        ("Action", f"{lu.intitule} ({lu.campagne})"),
        ("Bilan", f"{lu.libelle_nature}, exercice {lu.exercice} clos le {dates.formater(lu.fin_exercice)}"),
        ("Échéance", f"{dates.formater(lu.echeance)} — reçu le {dates.formater(lu.recu_le)}"
                     + (f" ({lu.recu_en_retard} jours après l'échéance)" if lu.recu_en_retard else "")),
        ("Subvention", " ; ".join(f"{lu.financeurs.get(f, f)} : {argent.formater(m)}"
                                  for f, m in sorted(lu.accordes.items())) or "—"),
    ]
    return pdf.tableau([[p(a, s["gras"]), p(b, s["normal"])] for a, b in lignes], [L * 0.2, L * 0.8], entete=False,
                       style_en_plus=[("BACKGROUND", (0, 0), (0, -1), pdf.GRIS)])


def _nombre(valeur: int | None) -> str:
    return "—" if valeur is None else nombres.formater(valeur)


def histoire(lu: CompteRenduLu) -> list:
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    h: list = []

    # --- Feuille 1 : bilan qualitatif ----------------------------------------------------------------
    h += [pdf.Signet("1. Bilan qualitatif", "qualitatif"), *_entete(lu, "1. Bilan qualitatif de l'action"),
          _cartouche(lu)]
    h.append(p("Ce qui a été réalisé", s["section"]))
    h.append(p(lu.realise or "Non renseigné.", s["normal"]))
    h.append(p("Public atteint", s["section"]))
    total = (lu.femmes or 0) + (lu.hommes or 0)
    public = [["Femmes", "Hommes", "Total", "Habitants des QPV", "Hors QPV"],
              [_nombre(lu.femmes), _nombre(lu.hommes), nombres.formater(total) if total else "—", _nombre(lu.qpv),
               _nombre(lu.hors_qpv)]]
    h.append(pdf.tableau([[p(c, s["gras"] if i == 0 else s["droite"]) for c in l] for i, l in enumerate(public)],
                         [L / 5] * 5))
    if lu.publics:
        h.append(Spacer(1, 2 * mm))
        tranches = [[p("Tranche d'âge", s["gras"]), p("Personnes", s["gras-droite"])]]
        tranches += [[p(publics.TRANCHES_AGE.get(t, t), s["normal"]), p(nombres.formater(n), s["droite"])]
                     for t, n in lu.publics.items()]
        h.append(pdf.tableau(tranches, [L * 0.4, L * 0.2]))
    h.append(p("Indicateurs d'évaluation de l'action", s["section"]))
    if lu.indicateurs:
        lignes = [[p(x, s["gras"]) for x in ("Indicateur", "Cible", "Atteint", "Commentaire")]]
        for i in lu.indicateurs:
            unite = f" {i.unite}" if i.unite else ""
            lignes.append([p(i.libelle, s["normal"]), p(f"{i.cible or '—'}{unite if i.cible else ''}", s["droite"]),
                           p(f"{i.atteint.replace('.', ',') if i.atteint else '—'}{unite if i.atteint else ''}",
                             s["droite"]),
                           p(i.commentaire, s["petit"])])
        h.append(pdf.tableau(lignes, [L * 0.38, L * 0.14, L * 0.14, L * 0.34]))
    else:
        h.append(p("Le dossier ne déclare pas d'indicateur.", s["normal"]))
    h.append(p("Difficultés rencontrées", s["section"]))
    h.append(p(lu.difficultes or "—", s["normal"]))
    h.append(p("Perspectives", s["section"]))
    h.append(p(lu.perspectives or "—", s["normal"]))

    # --- Feuille 2 : tableau des données chiffrées ----------------------------------------------------------
    h += [PageBreak(), pdf.Signet("2. Tableau des données chiffrées", "chiffres"),
          *_entete(lu, "2. Tableau des données chiffrées")]
    h.append(p(f"Écarts à expliquer en annexe au-delà de "
               f"{nombres.formater(lu.regles.seuil_ecart_pourcentage)} % et de "
               f"{argent.formater(lu.regles.seuil_ecart_montant)} (marqués *).", s["petit"]))
    h.append(Spacer(1, 2 * mm))
    for sens, titre in ((CHARGE, "Charges"), (PRODUIT, "Produits")):
        h.append(_tableau_chiffres(lu, sens, titre))
        h.append(Spacer(1, 3 * mm))
    charges, produits = lu.totaux(CHARGE), lu.totaux(PRODUIT)
    solde = produits.realise - charges.realise
    h.append(p(f"Résultat de l'action (produits − charges réalisés) : {argent.formater(solde)}", s["gras"]))

    # --- Feuille 3 : annexe explicative ---------------------------------------------------------------
    h += [PageBreak(), pdf.Signet("3. Annexe explicative", "annexe"), *_entete(lu, "3. Annexe explicative")]
    h.append(p("Explication des écarts significatifs", s["section"]))
    expliquees = [l for l in lu.lignes if l.explication]
    if expliquees:
        lignes = [[p(x, s["gras"]) for x in ("Ligne", "Écart", "Explication")]]
        for l in expliquees:
            e = l.ecart
            ecart = f"{argent.formater(e.montant)} ({e.libelle_pourcentage()})" if e else "—"
            lignes.append([p(f"{l.compte} {_libelle(l)}", s["normal"]), p(ecart, s["droite"]),
                           p(l.explication, s["normal"])])
        h.append(pdf.tableau(lignes, [L * 0.3, L * 0.22, L * 0.48]))
        h.append(Spacer(1, 2 * mm))
    h.append(p(lu.explication_generale or ("Aucune explication d'ensemble." if expliquees else "Aucun écart expliqué."),
               s["normal"]))
    h.append(p("Règles de répartition des charges indirectes", s["section"]))
    h.append(p(lu.charges_indirectes or "—", s["normal"]))
    h.append(p("Contributions volontaires en nature", s["section"]))
    h.append(p(lu.contributions_nature or "—", s["normal"]))
    h.append(p("Suite donnée par le service", s["section"]))
    suite = f"{lu.libelle_etat}"
    if lu.valide_le:
        suite += f" le {dates.formater(lu.valide_le)}"
    if lu.renvoye_le:
        suite += f" — renvoyé pour compléments le {dates.formater(lu.renvoye_le)} : {lu.motif_renvoi}"
    h.append(p(suite, s["gras"]))
    return h


def _libelle(l: bilans.LigneCompteRendu) -> str:
    if l.libelle:
        return l.libelle
    compte = PAR_NUMERO.get(l.compte)
    return (l.financeur or "") if l.financeur else (compte.libelle if compte else "")


def _tableau_chiffres(lu: CompteRenduLu, sens: str, titre: str) -> Table:
    s = pdf.styles()
    p = pdf.paragraphe
    L = pdf.LARGEUR_UTILE
    lignes = [[p(x, s["gras"] if i == 0 else s["gras-droite"])
               for i, x in enumerate((titre, "Prévision", "Réalisation", "Écart (€)", "Écart (%)"))]]
    marques = []
    for l in lu.lignes:
        if l.sens != sens:
            continue
        libelle = _libelle(l) if not l.financeur else f"Subvention — {lu.financeurs.get(l.financeur, l.financeur)}"
        e = l.ecart
        a_expliquer = bilans.explication_exigee(e, lu.regles)
        lignes.append([p(f"{l.compte} {libelle}", s["normal"]), p(argent.formater(l.prevu), s["droite"]),
                       p(argent.formater(l.realise, vide="—"), s["droite"]),
                       p(argent.formater(e.montant) if e else "—", s["droite"]),
                       p((e.libelle_pourcentage() if e else "—") + (" *" if a_expliquer else ""), s["droite"])])
        if a_expliquer:
            marques.append(("TEXTCOLOR", (3, len(lignes) - 1), (4, len(lignes) - 1), pdf.ROUGE))
    t = lu.totaux(sens)
    e = t.ecart
    lignes.append([p(f"Total des {titre.lower()}", s["gras"]), p(argent.formater(t.prevu), s["gras-droite"]),
                   p(argent.formater(t.realise), s["gras-droite"]), p(argent.formater(e.montant), s["gras-droite"]),
                   p(e.libelle_pourcentage(), s["gras-droite"])])
    return pdf.tableau(lignes, [L * 0.4, L * 0.15, L * 0.15, L * 0.15, L * 0.15],
                       style_en_plus=[("BACKGROUND", (0, len(lignes) - 1), (-1, len(lignes) - 1), pdf.GRIS), *marques])
