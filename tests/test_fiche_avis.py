"""Les avis sur la fiche d'instruction PDF, relue : côte à côte, montants proposés, confidentialité."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from instruction.rapports import fiche_instruction
from instruction.services.fiche_instruction import lire as lire_fiche
from instruction.services import avis
from instruction.services import instruction as circuit
from tests import fabrique


def _texte(fichier) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(fichier).pages)


def test_les_avis_sont_imprimes_sur_la_fiche(contexte, tmp_path):
    dossier_id = fabrique.dossier(contexte)
    equipe = fabrique.Equipe(contexte)
    with contexte.unite() as uow:
        circuit.changer_etat(uow, dossier_id, "recevable")
        circuit.changer_etat(uow, dossier_id, "en_instruction")
        choisis = [d for d in avis.destinataires(uow, dossier_id)
                   if d.compte_id == equipe.referent.id or d.financeur == "ville-calais"]
        avis.demander(uow, dossier_id, choisis, dt.date.today() + dt.timedelta(days=15))
        uow.valider()
    with contexte.unite() as uow:
        demandes = {ligne.destinataire: ligne.demande_id for ligne in avis.du_dossier(uow, dossier_id)}
    for qui, demande, saisie in (
        (equipe.referent, demandes["Rémi Urbain"],
         avis.SaisieAvis("reserve", "Lieu à confirmer avec le bailleur.", True, {"ville-calais": "1 200"})),
        (equipe.financeur, demandes["Ville de Calais"],
         avis.SaisieAvis("favorable", "Action attendue au Beau-Marais.", False, {"ville-calais": "1 500,50"})),
    ):
        with contexte.unite() as uow:
            uow.utilisateur = qui
            avis.donner(uow, demande, saisie)
            uow.valider()

    textes = {}
    for nom, qui in (("instructeur", equipe.instructeur), ("lecteur", equipe.lecteur)):
        with contexte.unite() as uow:
            uow.utilisateur = qui
            fiche = lire_fiche(uow, dossier_id)
        textes[nom] = _texte(fiche_instruction.ecrire(fiche, tmp_path / f"{nom}.pdf"))
    instructeur, lecteur = textes["instructeur"], textes["lecteur"]
    assert "Rémi Urbain" in instructeur and "Réservé (confidentiel)" in instructeur
    assert "Lieu à confirmer avec le bailleur." in instructeur and "1 200,00 €" in instructeur
    assert "Favorable" in lecteur and "1 500,50 €" in lecteur and "Action attendue au Beau-Marais." in lecteur
    # Imprimée par un lecteur, la fiche ne dit de l'avis confidentiel que son existence.
    assert "Confidentiel" in lecteur and "Lieu à confirmer" not in lecteur and "1 200,00 €" not in lecteur
