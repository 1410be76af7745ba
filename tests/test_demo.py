"""La démonstration dit vrai : les montants accordés en 2023 reproduisent à l'euro la programmation publiée
par le contrat de ville, les demandes étaient plus hautes (réductions, refus), chaque dossier a suivi son
circuit aux dates de la campagne, et les comptes de démonstration se connectent avec les mots de passe du
guide."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, func, select, type_coerce

from instruction import demo

from instruction.domaine import budget
from instruction.domaine import referentiel as r
from instruction.db import modeles as m
from instruction.demo import seances_decrites
from instruction.demo.programmation_2023 import programmes
from instruction.domaine.erreurs import ErreurInstruction
from instruction.domaine.etats import Etat

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
DOSSIERS_DE_DEMONSTRATION = 60 + 4 + 41 + 2 + 27 + 2 + 14  # 2023 : retenus + refusés ; 2027 : en cours


@pytest.fixture(scope="module")
def plan():
    return demo.planifier(r.charger())


def test_le_plan_est_deterministe(plan):
    autre = demo.planifier(r.charger())
    assert [d.numero for d in autre.campagnes["cdv"]] == [d.numero for d in plan.campagnes["cdv"]]
    assert [d.lignes for d in autre.campagnes["ce"]] == [d.lignes for d in plan.campagnes["ce"]]
    assert [d.accordes for d in autre.campagnes["pic"]] == [d.accordes for d in plan.campagnes["pic"]]


@pytest.mark.parametrize("cible", demo.CIBLES, ids=lambda c: c.dispositif)
def test_les_montants_accordes_reproduisent_la_programmation_publiee(plan, cible):
    retenus = programmes(plan.campagnes[cible.dispositif])
    assert len(retenus) == cible.dossiers
    if cible.porteurs:
        assert len({d.porteur for d in retenus}) == cible.porteurs
    accordes = Counter()
    for d in retenus:
        for financeur, montant in d.accordes.items():
            accordes[financeur] += montant
    for financeur, montant in cible.financeurs.items():
        assert accordes[financeur] == Decimal(montant), financeur
    if cible.dispositif == "cdv":  # 2 320 007 € : le coût des 60 projets (le reste : fonds propres, autres)
        assert sum(d.cout_total for d in retenus) == Decimal(cible.total)
    else:  # Cité éducative et PIC : le financement accordé
        assert sum(sum(d.accordes.values()) for d in retenus) == Decimal(cible.total)


@pytest.mark.parametrize("cible", demo.CIBLES, ids=lambda c: c.dispositif)
def test_les_comites_reduisent_et_refusent_comme_en_vrai(plan, cible):
    dossiers = plan.campagnes[cible.dispositif]
    refuses = [d for d in dossiers if not d.programme]
    assert len(refuses) == cible.refuses and all(d.motif_refus and not d.accordes for d in refuses)
    assert all(d.etat == Etat.REFUSE and d.subvention_demandee > 0 for d in refuses)
    reduits = [d for d in dossiers if d.reduit]
    assert reduits, "aucun dossier retenu pour moins que sa demande"
    for d in programmes(dossiers):  # jamais plus que demandé ; la demande totale dépasse l'accordé des réduits
        demandes = d.demandes
        assert all(montant <= demandes[f] for f, montant in d.accordes.items()), d.numero
        assert set(d.accordes) == set(demandes), d.numero
    assert all(sum(d.demandes.values()) > sum(d.accordes.values()) for d in reduits)
    assert sum(sum(d.demandes.values()) for d in dossiers) > sum(cible.financeurs.values())
    assert [d.numero for d in dossiers] == [f"{cible.prefixe}-2023-{i:03d}" for i in range(1, len(dossiers) + 1)]


def test_chaque_budget_est_equilibre_et_plausible(plan):
    for dossiers in plan.campagnes.values():
        for d in dossiers:
            lignes = [budget.Ligne(l.sens, l.compte, l.montant, l.financeur) for l in d.lignes]
            assert budget.ecart(lignes) == 0, d.numero
            assert all(l.montant > 0 for l in d.lignes), d.numero
            assert all(l.compte in budget.PAR_NUMERO for l in d.lignes)
            assert d.date_debut <= d.date_fin
            assert d.quartiers and d.objectifs
            assert not d.intitule.lower().startswith("dossier")


def test_regles_des_dispositifs_respectees(plan):
    for d in plan.campagnes["pic"]:
        assert d.cout_total <= Decimal("1200"), "PIC : au plus 1 200 € demandés (l. 3668)"
    quartiers = Counter(d.quartiers for d in programmes(plan.campagnes["pic"]))
    assert quartiers == Counter({("beau-marais",): 13, ("fort-nieulay",): 9, ("saint-pierre",): 4, ("schweitzer",): 1})
    types = {code: p.type for code, p in plan.porteurs.items()}
    assert {types[d.porteur] for d in plan.campagnes["cdv"]} <= demo.TYPES_ELIGIBLES["cdv"]
    for d in plan.campagnes["cdv"]:  # l'AAP Contrat de ville ne finance rien sur le temps scolaire (l. 3959)
        assert all(s[1] != "temps-scolaire" for s in d.seances), d.numero


def test_les_seances_disent_ce_que_dit_la_description():
    debut, fin = dt.date(2023, 1, 2), dt.date(2023, 12, 31)
    (cafe, vacances) = seances_decrites.lire(
        "Un samedi matin par mois, le centre social accueille les pères du quartier. Une psychologue co-anime deux "
        "séances par trimestre. Des temps pères-enfants sont proposés pendant les vacances.",
        "hors-temps-scolaire", debut, fin, [20])
    assert (cafe.jour, cafe.debut, cafe.frequence, cafe.nombre) == ("samedi", dt.time(9, 30), "une fois par mois", 12)
    assert vacances.periode == "vacances"
    (bulles,) = seances_decrites.lire("Trois cycles de huit séances sont organisés le mercredi après-midi.",
                                      "hors-temps-scolaire", debut, fin, [20])
    assert (bulles.jour, bulles.debut, bulles.nombre) == ("mercredi", dt.time(14, 0), 24)
    (futsal,) = seances_decrites.lire("Deux soirs par semaine, la salle accueille un tournoi libre de 20 h à 23 h.",
                                      "hors-temps-scolaire", debut, fin, [20])
    assert (futsal.debut, futsal.fin, futsal.frequence) == (dt.time(20), dt.time(23), "deux fois par semaine")
    assert futsal.nombre == 2 * 51
    (fete,) = seances_decrites.lire("Un collectif d'habitants organise un après-midi festif avec repas partagé.",
                                    "hors-temps-scolaire", dt.date(2023, 6, 3), dt.date(2023, 6, 3), [9])
    assert (fete.nombre, fete.frequence) == (1, "une fois")


def test_identifiants_fictifs_valides(plan):
    from stdnum.fr import siret

    for porteur in plan.porteurs.values():
        if porteur.siret:
            assert siret.is_valid(porteur.siret), porteur.nom
        if porteur.type == "association":
            assert porteur.rna and porteur.rna.startswith("W") and len(porteur.rna) == 10


def test_ventiler_tombe_juste():
    matrice = demo.ventiler([100, 50, 30], {"a": 120, "b": 60}, [{"a", "b"}, {"a"}, {"a", "b"}])
    assert [sum(l.values()) for l in matrice] == [100, 50, 30]
    assert sum(l.get("a", 0) for l in matrice) == 120 and sum(l.get("b", 0) for l in matrice) == 60
    assert "b" not in matrice[1]


def comptes_du_guide() -> dict[str, str]:
    """Les comptes de démonstration tels que le guide les documente : identifiant → mot de passe."""
    section = GUIDE.read_text(encoding="utf-8").split("la démonstration et ses comptes", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([^`]+)` \|", section, re.MULTILINE))


def _remplir(genre_base: str, url: str, contexte, capsys):
    """En SQLite par la ligne de commande (``instruction demo --comptes``), en PostgreSQL par le service."""
    if genre_base == "sqlite":
        from instruction.cli import main

        assert main(["demo", "--comptes", "--database", url]) == 0
        return capsys.readouterr().out
    return demo.remplir(contexte, comptes=True).resume()


def test_remplir_la_base_par_les_services_puis_refuser_un_second_remplissage(genre_base, url_base, contexte,
                                                                               capsys):
    resume = _remplir(genre_base, url_base, contexte, capsys).replace("\u202f", " ").replace("\xa0", " ")
    assert "60 dossiers, 40 porteurs, 2 320 007,00 € (coût total)" in resume
    assert "41 dossiers, 19 porteurs, 504 992,00 € (accordés)" in resume
    assert "27 dossiers, 27 porteurs, 27 021,00 € (accordés)" in resume
    assert "4 refusés" in resume
    with contexte.unite() as uow:
        session = uow.session

        def somme_2023(colonne, *conditions, par):
            """Somme par ``par`` (financeur) de ``colonne`` sur les dossiers de l'AAP Contrat de ville 2023."""
            return (select(par, func.sum(type_coerce(colonne, BigInteger)))
                    .join(m.Dossier, m.Dossier.id == colonne.class_.dossier_id).join(m.Campagne)
                    .where(m.Campagne.dispositif_code == "cdv", m.Campagne.annee == 2023, *conditions).group_by(par))

        # Le décidé : les montants accordés (saisis au passage « retenu ») reproduisent la programmation publiée.
        accordes = dict(session.execute(somme_2023(m.MontantAccorde.montant, par=m.MontantAccorde.financeur_code)).all())
        cible = demo.CIBLES[0]
        assert {f: accordes[f] for f in cible.financeurs} == {f: v * 100 for f, v in cible.financeurs.items()}
        cout_retenus = session.scalar(select(func.sum(type_coerce(m.Dossier.cout_total, BigInteger)))
                                      .join(m.Campagne).where(m.Campagne.dispositif_code == "cdv",
                                                              m.Campagne.annee == 2023, m.Dossier.etat != Etat.REFUSE))
        assert cout_retenus == 2_320_007_00
        # Le demandé (compte 74 du budget déposé) était plus haut.
        demandes = dict(session.execute(
            somme_2023(m.LigneBudget.montant, m.LigneBudget.compte == "74", par=m.LigneBudget.financeur_code)).all())
        assert all(demandes[f] >= v for f, v in accordes.items()) and demandes["etat-pv"] > accordes["etat-pv"]
        etats = Counter(session.scalars(select(m.Dossier.etat).join(m.Campagne).where(m.Campagne.annee == 2023)))
        assert etats[Etat.REFUSE] == 8
        assert session.scalar(select(func.count()).select_from(m.Dossier)) == DOSSIERS_DE_DEMONSTRATION
        # Tout est passé par les services : chaque dossier a sa création à l'historique, chaque pièce son ajout.
        creations = session.scalar(select(func.count(func.distinct(m.Historique.dossier_id))).where(
            m.Historique.objet == "dossier", m.Historique.action == "création"))
        assert creations == DOSSIERS_DE_DEMONSTRATION
        pieces = session.scalar(select(func.count()).select_from(m.Piece))
        assert session.scalar(select(func.count()).select_from(m.Historique).where(
            m.Historique.objet == "pièce", m.Historique.action == "ajout")) == pieces
    with pytest.raises(ErreurInstruction, match="déjà une campagne de la démonstration"):
        demo.remplir(contexte)
    with contexte.unite() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.Dossier)) == DOSSIERS_DE_DEMONSTRATION

    # Les comptes de démonstration se connectent avec les mots de passe du guide, provisoires.
    from instruction.domaine import droits
    from instruction.services import comptes

    documentes = comptes_du_guide()
    assert set(documentes) == {c[0] for c in demo.ecriture.COMPTES}
    roles = set()
    for identifiant, mot_de_passe in documentes.items():
        with contexte.unite() as uow:
            utilisateur = comptes.connecter(uow, identifiant, mot_de_passe)
            roles.add(utilisateur.role)
            assert comptes.doit_changer(uow)
        with contexte.unite() as uow:
            with pytest.raises(comptes.ConnexionRefusee):
                comptes.connecter(uow, identifiant, mot_de_passe + "x")
    assert roles == set(droits.ROLES)
    with contexte.unite() as uow:
        assert comptes.connexion_requise(uow)


def test_la_demo_par_defaut_s_ouvre_sans_connexion(url_demo):
    from instruction.services import comptes
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite(lecture=True) as uow:
            assert not comptes.connexion_requise(uow) and not comptes.lister(uow)
    finally:
        contexte.fermer()


def _jour_a_paris(instant: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    return instant.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/Paris")).date()


def test_chaque_dossier_suit_son_circuit_aux_dates_de_la_campagne(url_demo):
    """Chaque passage est daté entre le dépôt et aujourd'hui, dans l'ordre du circuit ; les grilles et l'examen
    précèdent « instruit » ; le comité décide à la date de sa séance ; rien n'est daté du jour de la démonstration
    sauf ce que l'historique garde de la saisie."""
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite(lecture=True) as uow:
            session = uow.session
            dossiers = {d.id: d for d in session.scalars(select(m.Dossier))}
            passages = defaultdict(list)
            for t in session.scalars(select(m.Transition).order_by(m.Transition.id)):
                passages[t.dossier_id].append(t)
            examens = defaultdict(list)
            for e in session.scalars(select(m.Examen)):
                examens[e.dossier_id].append(e.le)
            grilles = defaultdict(list)
            for c in session.scalars(select(m.Cotation)):
                grilles[c.dossier_id].append(c.modifiee_le)
            annees = dict(session.execute(select(m.Campagne.id, m.Campagne.annee)).all())
            _verifier_les_circuits(dossiers, passages, examens, grilles, annees)
    finally:
        contexte.fermer()


def _verifier_les_circuits(dossiers, passages, examens, grilles, annees) -> None:
    aujourd_hui = dt.date.today()
    decisions = Counter()
    for identifiant, dossier in dossiers.items():
        liste = passages[identifiant]
        assert liste[0].de is None and liste[0].date_effet == dossier.depose_le, dossier.numero
        assert [t.de for t in liste[1:]] == [t.vers for t in liste[:-1]], dossier.numero
        jours = [t.date_effet for t in liste]
        assert jours == sorted(jours) and dossier.depose_le <= jours[0] and jours[-1] <= aujourd_hui, dossier.numero
        moments = [t.le for t in liste[1:]]  # le dépôt est saisi par le service à l'instant de la démonstration
        assert moments == sorted(moments), dossier.numero
        assert all(_jour_a_paris(t.le) == t.date_effet for t in liste[1:]), dossier.numero
        assert dossier.etat == liste[-1].vers
        if annees[dossier.campagne_id] == 2023:
            assert dossier.depose_le.year in (2022, 2023) and all(t.le.year <= 2025 for t in liste[1:])
        instruit = next((t for t in liste if t.vers == Etat.INSTRUIT), None)
        debut = next((t for t in liste if t.vers == Etat.EN_INSTRUCTION), None)
        if instruit is not None:
            assert examens[identifiant] and max(examens[identifiant]) < instruit.le, dossier.numero
            assert grilles[identifiant] and max(grilles[identifiant]) < instruit.le, dossier.numero
            assert min(grilles[identifiant]) > debut.le, dossier.numero
        for t in liste:
            if t.vers in (Etat.RETENU, Etat.REFUSE):
                seance = re.search(r"du (\d\d/\d\d/\d{4})", t.motif or "")
                assert seance and dt.datetime.strptime(seance[1], "%d/%m/%Y").date() == t.date_effet, t.motif
                decisions[t.vers] += 1
    assert decisions == {Etat.RETENU: 128, Etat.REFUSE: 8}


def test_la_base_de_demo_passe_la_verification(url_demo):
    from instruction.db.verification import verifier

    rapport = verifier(url_demo)
    assert rapport.reussi, [c for c in rapport.controles if not c.reussi]


def test_la_demo_2027_a_des_avis_donnes_et_attendus(url_demo):
    """Les dossiers instruits ont les avis de leurs cofinanceurs (un réservé) ; ceux en instruction les
    attendent, échéance dépassée : ils sont dans les tâches de l'instructeur, à relancer."""
    from instruction.domaine import droits
    from instruction.services import avis, taches
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        contexte.utilisateur = droits.Utilisateur("marie", "Marie", droits.INSTRUCTEUR)
        with contexte.unite() as uow:
            ids = uow.session.scalars(select(m.Dossier.id).where(m.Dossier.numero.startswith("CDV-2027"))).all()
            lignes = [ligne for i in ids for ligne in avis.du_dossier(uow, i)]
            a_faire = taches.mes_taches(uow)
        donnes = [ligne for ligne in lignes if ligne.sens]
        attendus = [ligne for ligne in lignes if not ligne.sens]
        assert {ligne.dossier_numero for ligne in donnes} == {"CDV-2027-001", "CDV-2027-002"}
        assert [ligne.sens for ligne in donnes].count("reserve") == 1
        assert all(ligne.montants for ligne in donnes) and all(ligne.en_retard for ligne in attendus)
        assert len(attendus) >= 8
        a_relancer = [t for t in a_faire if t.categorie == taches.DEPASSEES and t.demande_avis_id]
        assert len(a_relancer) == len(attendus)
    finally:
        contexte.fermer()


def test_les_bilans_2023_de_la_demo_suivent_la_regle_declaree(url_demo):
    """Conventions et comptes rendus de la démonstration datent les bilans par la même règle déclarée
    (``resources/bilans.yaml`` : fin d'exercice + 6 mois, le bilan annuel de la Cité éducative à 3 mois) : les
    réceptions notées par les conventions et celles des comptes rendus sont les mêmes, et seuls les quelques
    comptes rendus voulus en retard le sont."""
    from instruction.db.modeles import comptes_rendus as mcr
    from instruction.db.modeles import conventions as mc
    from instruction.demo import conventions as demo_conventions
    from instruction.domaine import bilans
    from instruction.services import bilans_attendus
    from instruction.services.contexte import ouvrir

    contexte = ouvrir(url_demo)
    try:
        with contexte.unite(lecture=True) as uow:
            regles = bilans_attendus.regles(uow)
            attendus = {(b.dossier_id, b.exercice): b for b in bilans_attendus.liste(uow)}
            cr_ = mcr.CompteRendu
            recus = uow.session.execute(select(cr_.dossier_id, cr_.nature, cr_.echeance, cr_.fin_exercice, cr_.recu_le)
                                        .where(cr_.exercice == 2023)).all()
            notes = defaultdict(set)
            for dossier_id, recu_le in uow.session.execute(
                    select(mc.Convention.dossier_id, mc.CompteRenduExercice.recu_le)
                    .join(mc.CompteRenduExercice, mc.CompteRenduExercice.convention_id == mc.Convention.id)
                    .where(mc.CompteRenduExercice.exercice == 2023)):
                notes[dossier_id].add(recu_le)
            # Une réception notée n'est jamais redatée après coup (l'historique garde chaque changement).
            redatees = uow.session.scalars(select(m.Historique.champ).where(
                m.Historique.champ.like("% : compte rendu 2023 reçu le"), m.Historique.ancien.is_not(None),
                m.Historique.ancien != m.Historique.nouveau)).all()
    finally:
        contexte.fermer()
    assert regles.delai_ce_mois == 3 and regles.delai_mois == 6
    annuels_ce = [cr for cr in recus if cr.nature == bilans.ANNUEL_CE]
    assert annuels_ce and len(recus) > len(annuels_ce), "la démonstration a des bilans CE et CDV reçus"
    for cr in recus:
        attendu = attendus[(cr.dossier_id, 2023)]
        delai = regles.delai_ce_mois if cr.nature == bilans.ANNUEL_CE else regles.delai_mois
        assert cr.echeance == attendu.due_le == bilans.mois_plus(cr.fin_exercice, delai)
        assert notes[cr.dossier_id] == {cr.recu_le}, "conventions et comptes rendus disent la même réception"
    assert redatees == []
    en_retard = [cr for cr in recus if cr.recu_le > cr.echeance]
    assert len(en_retard) == demo_conventions.RETARDS_BILANS
