"""Le calendrier d'une action : ses séances et leur place par rapport au temps scolaire.

L'AAP Contrat de ville ne finance que des actions hors temps scolaire (l. 3565, 3959) :
chaque séance dit donc quand elle a lieu.
"""

from __future__ import annotations

TEMPS_SCOLAIRE = "temps-scolaire"
PERIODES = {
    TEMPS_SCOLAIRE: "Temps scolaire",
    "periscolaire": "Périscolaire (avant / après la classe, pause méridienne)",
    "extrascolaire": "Extrascolaire (mercredi après-midi, soir, week-end)",
    "vacances": "Vacances scolaires",
}
PERIODES_COURTES = {
    TEMPS_SCOLAIRE: "Temps scolaire",
    "periscolaire": "Périscolaire",
    "extrascolaire": "Extrascolaire",
    "vacances": "Vacances scolaires",
}
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "variable")
UNITES_CIBLE = {"nombre": "nombre", "personnes": "personnes", "%": "%", "heures": "heures", "€": "€"}
