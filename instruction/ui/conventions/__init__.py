"""Les écrans des conventions, CPO, avenants et versements (issue 12) : la liste (``page_conventions``), l'éditeur
d'un acte (``editeur``, avec ``versements``) et la section « Convention et versements » du dossier
(``section_dossier``)."""
