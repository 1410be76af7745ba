"""Le répertoire des porteurs : création, fiche, histoires datées."""
