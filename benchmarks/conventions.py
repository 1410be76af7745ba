"""Banc d'essai : générer en lot 150 conventions réalistes (PDF + DOCX), face à LibreOffice qui convertit les mêmes
DOCX en PDF, dans la même exécution.

    python benchmarks/conventions.py [--conventions 150] [--processus 2] [--repetitions 3] [--sans-libreoffice]

Les conventions sont tirées des dossiers retenus de la démonstration 2023 (plan pur, ``demo/programmation_2023``) :
une convention par dossier et par cofinanceur dont le service prépare les actes (Ville, État, Agglomération), au
montant accordé par le comité, avec le budget et la fiche de l'action ; une sur six est une CPO de trois exercices
(objectifs et montants par exercice), la moitié sont signées. Chaque acte fait 5 à 6 pages (articles, tableaux des
montants et de l'échéancier, grille des signatures, annexes).

Mesures, dans la même exécution et sur les mêmes actes :

1. **le lot de l'application** (``rapports/lot_actes.generer``, celui de « exporter conventions » et de la boîte
   du menu Conventions) : composition depuis la bibliothèque de clauses, PDF **et** DOCX de chaque acte, écrits
   sur disque, sur ``--processus`` processus (démarrage des processus compris) ;
2. **le PDF seul** de l'application (même lot, sans le DOCX), ce que LibreOffice produit de son côté ;
3. **LibreOffice** sans interface convertissant les DOCX du lot en PDF (``soffice --headless --convert-to pdf``,
   un seul lancement pour tous les fichiers, le plus rapide pour lui ; profil neuf, démarrage compris).

Les lots de l'application sont mesurés ``--repetitions`` fois (meilleure durée et médiane, avec la charge de la
machine) ; LibreOffice une fois (il convertit les DOCX de la première mesure). Le temps de calcul de chaque étape
(composition, PDF, DOCX, échanges entre processus) est mesuré à part, dans un seul processus : il ne dépend pas
de la charge que d'autres font peser sur la machine.

L'objectif de l'issue 12 : au moins deux fois plus vite que LibreOffice, et au moins 50 conventions par seconde
sur les deux cœurs de la machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GERES = ("ville-calais", "etat-pv", "ca-gctm")


def conventions_realistes(nombre: int):
    """``nombre`` actes tirés des dossiers retenus de la démonstration 2023 (CDV puis Cité éducative)."""
    from instruction.demo import programmation_2023 as plan_demo
    from instruction.domaine import budget, referentiel
    from instruction.domaine import conventions as dc
    from instruction.rapports import acte_donnees as ad

    ref = referentiel.charger()
    plan = plan_demo.planifier(ref)
    regles = dc.charger_regles()
    libelles = {f.code: f.libelle for f in ref.financeurs}
    quartiers = {q.code: q.nom for q in ref.quartiers}
    objectifs = {o.code: o.libelle for o in ref.objectifs_operationnels()}
    campagnes = {"cdv": "Appel à projets Contrat de ville 2023", "ce": "Appel à projets Cité éducative 2023"}
    actes = []
    for dispositif in ("cdv", "ce"):
        for rang, d in enumerate(plan_demo.programmes(plan.campagnes[dispositif])):
            porteur = plan.porteurs[d.porteur]
            beneficiaire = dc.Partie(
                dc.BENEFICIAIRE, porteur.nom, (porteur.siret or "")[:9] or None,
                ", ".join(filter(None, (porteur.adresse, " ".join(filter(None, (porteur.code_postal, porteur.ville)))))),
                " ".join(filter(None, (porteur.representant_civilite, porteur.representant_nom))),
                porteur.representant_qualite or "")
            lignes = [budget.Ligne(l.sens, l.compte, l.montant, l.financeur) for l in d.lignes]
            charges: dict[str, Decimal] = {}
            for l in lignes:
                if l.sens == budget.CHARGE:
                    charges[l.compte] = charges.get(l.compte, Decimal("0.00")) + l.montant
            fiche = ad.FicheAction(
                d.numero, d.intitule, campagnes[dispositif], resume=d.description or d.resume,
                quartiers=tuple(quartiers.get(q, q) for q in d.quartiers), lieux=d.lieux,
                public=f"{d.beneficiaires} bénéficiaires prévus" if d.beneficiaires else "",
                objectifs=tuple(f"{o} — {objectifs.get(o, '')}" for o in d.objectifs), cout_total=d.cout_total,
                charges=tuple(ad.LigneBudget(budget.PAR_NUMERO[c].libelle, v, c) for c, v in sorted(charges.items())),
                financements=tuple(ad.LigneBudget(libelles.get(f, f), m)
                                   for f, m in budget.subventions_par_financeur(lignes).items()))
            for financeur in GERES:
                accorde = d.accordes.get(financeur)
                if not accorde:
                    continue
                cpo = len(actes) % 6 == 5
                exercices = (2023, 2024, 2025) if cpo else (2023,)
                montants = tuple(dc.MontantAnnuel(e, financeur, (accorde * (1 + Decimal("0.05") * i)).quantize(
                    Decimal("1")), ferme=i == 0) for i, e in enumerate(exercices))
                acte = dc.TypeActe.CPO if cpo else dc.TypeActe.CONVENTION
                termes = dc.Termes(acte, f"Réalisation de l'action « {d.intitule} » ({d.numero})",
                                   (regles.attribuants[financeur], beneficiaire), d.date_debut,
                                   dt.date(exercices[-1], 12, 31) if cpo else d.date_fin, exercices, montants,
                                   dc.echeancier_propose(acte, montants, regles), regles.conditions,
                                   dt.date(2023, 12, 31))
                signe = rang % 2 == 0
                actes.append(ad.DonneesActe(
                    f"2023-{financeur[:2].upper()}-{len(actes) + 1:03d}", termes, fiche, financeur, libelles,
                    objectifs_exercices=tuple(ad.ObjectifsExercice(e, f"{d.objectifs_action or d.intitule} "
                                                                      f"(étape {i + 1})")
                                              for i, e in enumerate(exercices)) if cpo else (),
                    signatures={dc.BENEFICIAIRE: dt.date(2023, 3, 2), dc.ATTRIBUANT: dt.date(2023, 3, 9)} if signe else {},
                    signee_le=dt.date(2023, 3, 9) if signe else None))
                if len(actes) == nombre:
                    return actes
    return actes


def _cpu() -> float:
    """Temps de calcul (utilisateur + système) de ce processus et de ses enfants terminés."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _charge() -> float:
    return os.getloadavg()[0]


class CalculDesProcessus:
    """Le temps de calcul des processus descendants de celui-ci (serveur des processus et processus de travail
    du lot) et de celui-ci, relevé dans ``/proc`` toutes les 20 ms pendant une mesure (Linux) : ce que le lot a
    vraiment coûté, quelle que soit la charge que d'autres font peser sur la machine. Les processus de travail sont
    les enfants du serveur, que ``os.times`` ne compte pas."""

    def __init__(self) -> None:
        import threading

        self._vus: dict[int, int] = {}
        self._fin = threading.Event()
        self._fil = threading.Thread(target=self._relever, daemon=True)

    @staticmethod
    def _descendants() -> dict[int, int]:
        enfants: dict[int, list[tuple[int, int]]] = {}
        for nom in os.listdir("/proc"):
            if nom.isdigit():
                try:
                    champs = Path(f"/proc/{nom}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                enfants.setdefault(int(champs[1]), []).append((int(nom), int(champs[11]) + int(champs[12])))
        temps, pile = {}, [os.getpid()]
        while pile:
            for pid, t in enfants.get(pile.pop(), []):
                temps[pid] = t
                pile.append(pid)
        return temps

    def _relever(self) -> None:
        while not self._fin.wait(0.02):
            for pid, t in self._descendants().items():
                self._vus[pid] = max(self._vus.get(pid, 0), t)
        self._releve = time.thread_time()  # le calcul du relevé lui-même, retiré du total

    def __enter__(self) -> CalculDesProcessus:
        self._avant = self._descendants()
        self._moi, self._releve = os.times(), 0.0
        self._fil.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._fin.set()
        self._fil.join()
        moi = os.times()
        tic = os.sysconf("SC_CLK_TCK")
        enfants = sum(t - self._avant.get(pid, 0) for pid, t in self._vus.items()) / tic
        self.secondes = enfants + moi.user + moi.system - self._moi.user - self._moi.system - self._releve


def _temps_de_calcul(donnees) -> dict[str, float]:
    """Secondes de calcul de chaque étape pour tous les actes, dans ce processus, comme un processus de travail
    les enchaîne (mémoires froides au premier acte) : composition, PDF, DOCX, échanges entre processus (les
    données envoyées au processus de travail et les deux fichiers rendus, sérialisés puis relus)."""
    import pickle

    from instruction.rapports import convention_docx, convention_pdf
    from instruction.rapports.acte import composer
    from instruction.rapports.acte_clauses import bibliotheque

    bibliotheque()
    convention_docx.modele()
    temps: dict[str, float] = {}
    debut = time.process_time()
    actes = [composer(d) for d in donnees]
    temps["composition"] = time.process_time() - debut
    debut = time.process_time()
    pdfs = [convention_pdf.octets(a) for a in actes]
    temps["PDF"] = time.process_time() - debut
    debut = time.process_time()
    docxs = [convention_docx.octets(a) for a in actes]
    temps["DOCX"] = time.process_time() - debut
    debut = time.process_time()
    for d, a, p, x in zip(donnees, actes, pdfs, docxs, strict=True):
        pickle.loads(pickle.dumps(d))
        pickle.loads(pickle.dumps((d.numero, a.titre, a.nom_fichier, p, x)))
    temps["échanges"] = time.process_time() - debut
    return temps


def _pdf_seul(donnees):
    """Le PDF seul d'un acte (mesure 2) : même composition, sans le DOCX."""
    from instruction.rapports import convention_pdf
    from instruction.rapports.acte import composer

    acte = composer(donnees)
    return donnees.numero, acte.titre, acte.nom_fichier, convention_pdf.octets(acte), b""


def _lot_pdf_seul(donnees, dossier: Path, processus: int) -> int:
    from concurrent.futures import ProcessPoolExecutor

    from instruction.rapports.pdf import ecrire_atomiquement
    from instruction.rapports.lot_actes import _contexte_processus

    with ProcessPoolExecutor(max_workers=processus, mp_context=_contexte_processus()) as pool:
        for _numero, _titre, nom, pdf, _rien in pool.map(_pdf_seul, donnees, chunksize=4):
            ecrire_atomiquement({dossier / f"{nom}.pdf": pdf})
    return len(donnees)


def _mediane(valeurs: list[float]) -> float:
    return sorted(valeurs)[len(valeurs) // 2]


def main() -> int:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--conventions", type=int, default=150)
    parametres.add_argument("--processus", type=int, default=2)
    parametres.add_argument("--repetitions", type=int, default=3,
                            help="mesures de chaque lot de l'application (meilleure et médiane)")
    parametres.add_argument("--sans-libreoffice", action="store_true")
    arguments = parametres.parse_args()
    from pypdf import PdfReader

    from instruction.rapports import lot_actes

    debut = time.perf_counter()
    donnees = conventions_realistes(arguments.conventions)
    n, processus = len(donnees), arguments.processus
    print(f"{n} conventions tirées de la démonstration 2023 "
          f"({sum(d.termes.type_acte.value == 'cpo' for d in donnees)} CPO) en {time.perf_counter() - debut:.2f} s")
    print(f"Charge de la machine au départ (moyenne sur 1 min) : {_charge():.2f} pour {os.cpu_count()} cœurs")
    with tempfile.TemporaryDirectory() as racine:
        racine = Path(racine)
        lots, pdfs, charges, calculs = [], [], [], []
        for rang in range(arguments.repetitions):
            # Chaque mesure lance ses processus de travail ; le serveur de processus (forkserver, qui charge
            # reportlab, les clauses et le modèle du DOCX) n'est démarré qu'une fois, à la première.
            dossier = racine / f"lot-{rang}"
            debut = time.perf_counter()
            with CalculDesProcessus() as calcul:
                lot = lot_actes.generer(donnees, dossier, processus=processus)
            lots.append(time.perf_counter() - debut)
            calculs.append(calcul.secondes)
            assert len(lot.ecrits) == n and not lot.erreurs
            (racine / f"pdf-{rang}").mkdir()
            debut = time.perf_counter()
            _lot_pdf_seul(donnees, racine / f"pdf-{rang}", processus)
            pdfs.append(time.perf_counter() - debut)
            charges.append(_charge())
            print(f"  mesure {rang + 1} : lot PDF + DOCX {lots[-1]:.2f} s ({n / lots[-1]:.0f} actes/s ; calcul de "
                  f"tous ses processus {calculs[-1]:.2f} s, {calculs[-1] / n * 1000:.1f} ms par acte), PDF seuls "
                  f"{pdfs[-1]:.2f} s ({n / pdfs[-1]:.0f} actes/s) ; charge {charges[-1]:.2f}")
            if rang:
                shutil.rmtree(dossier)
        premiers = sorted((racine / "lot-0").glob("*.pdf"))
        pages = [len(PdfReader(f).pages) for f in premiers]
        temps = _temps_de_calcul(donnees)
        calcul_lot = temps["composition"] + temps["PDF"] + temps["DOCX"] + temps["échanges"]
        calcul_pdf = temps["composition"] + temps["PDF"]
        print(f"Pages par acte : {min(pages)} à {max(pages)} (moyenne {sum(pages) / len(pages):.1f})")
        print("Calcul par acte, dans un processus : " + ", ".join(f"{k} {v / n * 1000:.1f} ms" for k, v in temps.items())
              + f" ; total {calcul_lot / n * 1000:.1f} ms")
        print(f"{'mesure':<58}{'meilleure':>10}{'médiane':>9}{'actes/s':>9}")
        for nom, durees in ((f"application : lot PDF + DOCX ({processus} processus)", lots),
                            (f"application : PDF seuls ({processus} processus)", pdfs)):
            print(f"{nom:<58}{min(durees):>9.2f}s{_mediane(durees):>8.2f}s{n / min(durees):>5.0f}-{n / _mediane(durees):.0f}")
        print(f"Calcul de tous les processus du lot PDF + DOCX (principal, serveur, processus de travail ; "
              f"démarrage compris) : meilleur {min(calculs) / n * 1000:.1f} ms par acte, médian "
              f"{_mediane(calculs) / n * 1000:.1f} ms → sur {processus} cœurs libres, "
              f"{processus * n / _mediane(calculs):.0f} actes/s.")
        print(f"Sur {processus} cœurs libres, au temps de calcul mesuré : lot PDF + DOCX "
              f"{processus * n / calcul_lot:.0f} actes/s, PDF seuls {processus * n / calcul_pdf:.0f} actes/s.")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if arguments.sans_libreoffice:
            return 0
        if soffice is None:
            print("LibreOffice n'est pas installé : pas de comparaison (paquet libreoffice-writer-nogui).")
            return 0
        (racine / "lo").mkdir()
        fichiers = [str(f.with_suffix(".docx")) for f in premiers]
        debut, cpu = time.perf_counter(), _cpu()
        subprocess.run([soffice, f"-env:UserInstallation=file://{racine / 'profil'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(racine / "lo"), *fichiers],
                       check=True, capture_output=True, timeout=3600)
        duree_lo, cpu_lo = time.perf_counter() - debut, _cpu() - cpu
        convertis = len(list((racine / "lo").glob("*.pdf")))
        assert convertis == n, f"LibreOffice n'a converti que {convertis} fichiers sur {n}"
        print(f"{'LibreOffice : DOCX → PDF (un lancement, démarrage compris)':<58}{duree_lo:>9.2f}s"
              f"{'':>9}{n / duree_lo:>9.1f}   (calcul {cpu_lo / n * 1000:.0f} ms/acte ; charge {_charge():.2f})")
        print(f"Rapport à LibreOffice (durées) : lot PDF + DOCX {duree_lo / min(lots):.1f}× (médiane "
              f"{duree_lo / _mediane(lots):.1f}×), PDF seuls {duree_lo / min(pdfs):.1f}× ; en temps de calcul par "
              f"acte : {cpu_lo / calcul_lot:.1f}× et {cpu_lo / calcul_pdf:.1f}×.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
