"""Les modèles : le référentiel du contrat de ville, les porteurs, les dossiers."""

from instruction.db.modeles.attribution import RegleAttribution
from instruction.db.modeles.dossiers import (
    BeneficiairesQuartier,
    Campagne,
    Dossier,
    DossierObjectif,
    DossierQuartier,
    IndicateurAction,
    LigneBudget,
    Numerotation,
    Piece,
    Seance,
)
from instruction.db.modeles.echanges import CorrespondanceImport, DossierImporte
from instruction.db.modeles.instruction import (
    Cotation,
    CotationReponse,
    DemandeComplements,
    Examen,
    ExamenCritere,
    MontantAccorde,
    Transition,
)
from instruction.db.modeles.partage import Avis, AvisMontant, Compte, CompteTheme, DemandeAvis, Historique
from instruction.db.modeles.parametres import Brouillon, FiltreEnregistre, Parametre
from instruction.db.modeles.porteurs import CompteBancaire, Contact, Porteur, PorteurNom, Representant
from instruction.db.modeles.referentiel import (
    Axe,
    Commune,
    Dispositif,
    Financeur,
    Indicateur,
    ObjectifOperationnel,
    ObjectifStrategique,
    Priorite,
    PrioriteElement,
    PrioriteObjectif,
    PrioriteQuartier,
    Quartier,
    RegleDispositif,
    ServiceFinanceur,
    StatutQuartier,
    ThemeReferent,
    ThemeTransversal,
    Thematique,
)

__all__ = [
    "Avis",
    "CorrespondanceImport",
    "DossierImporte",
    "AvisMontant",
    "Compte",
    "CompteTheme",
    "DemandeAvis",
    "Historique",
    "Cotation",
    "CotationReponse",
    "MontantAccorde",
    "DemandeComplements",
    "Examen",
    "ExamenCritere",
    "Transition",
    "BeneficiairesQuartier",
    "Brouillon",
    "CompteBancaire",
    "Contact",
    "FiltreEnregistre",
    "IndicateurAction",
    "Piece",
    "PorteurNom",
    "Representant",
    "Seance",
    "Axe",
    "Campagne",
    "Commune",
    "Dispositif",
    "Dossier",
    "DossierObjectif",
    "DossierQuartier",
    "Financeur",
    "Indicateur",
    "LigneBudget",
    "Numerotation",
    "ObjectifOperationnel",
    "ObjectifStrategique",
    "Parametre",
    "Porteur",
    "Priorite",
    "PrioriteElement",
    "PrioriteObjectif",
    "PrioriteQuartier",
    "Quartier",
    "RegleAttribution",
    "RegleDispositif",
    "ServiceFinanceur",
    "StatutQuartier",
    "ThemeReferent",
    "ThemeTransversal",
    "Thematique",
]

# Les modèles du second temps du cycle : chacun dans son module (importés ici pour que la base les connaisse).
from instruction.db.modeles import programmation as _programmation  # noqa: E402,F401
from instruction.db.modeles import comite as _comite  # noqa: E402,F401
from instruction.db.modeles import conventions as _conventions  # noqa: E402,F401
from instruction.db.modeles import comptes_rendus as _comptes_rendus  # noqa: E402,F401
from instruction.db.modeles import suivi as _suivi  # noqa: E402,F401
from instruction.db.modeles import emprunts as _emprunts  # noqa: E402,F401

# Aucun caractère de contrôle n'entre en base (contrôle avant chaque écriture de toute session).
from instruction.db import saisies as _saisies  # noqa: E402,F401
