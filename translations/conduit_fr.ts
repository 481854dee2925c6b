<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>CommandLine</name>
    <message>
        <source>Conduit: a Vue page and an asynchronous C++ process, talking both ways.</source>
        <translation>Conduit : une page Vue et un processus C++ asynchrone qui se parlent dans les deux sens.</translation>
    </message>
    <message>
        <source>Load the page from a development server on this machine (e.g. the Vite dev server, http://localhost:5173) instead of the built-in one.</source>
        <translation>Charger la page depuis un serveur de développement sur cette machine (par exemple le serveur Vite, http://localhost:5173) au lieu de la page intégrée.</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Quit as soon as the page has loaded and connected (a start-up check).</source>
        <translation>Quitter dès que la page est chargée et connectée (vérification au démarrage).</translation>
    </message>
    <message>
        <source>--dev-url must be an http(s) URL on this machine (localhost, 127.0.0.1 or [::1]): %1</source>
        <translation>--dev-url doit être une URL http(s) sur cette machine (localhost, 127.0.0.1 ou [::1]) : %1</translation>
    </message>
    <message>
        <source>Hash a folder into a checksum manifest (SHA256SUMS).</source>
        <translation>Calculer les sommes de contrôle d’un dossier dans un manifeste (SHA256SUMS).</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>dossier</translation>
    </message>
    <message>
        <source>Verify the files listed in a checksum manifest.</source>
        <translation>Vérifier les fichiers listés dans un manifeste de sommes de contrôle.</translation>
    </message>
    <message>
        <source>manifest</source>
        <translation>manifeste</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>Impossible de démarrer %1 : %2</translation>
    </message>
    <message>
        <source>http(s) URLs to download into the Downloads folder, and checksum manifests to verify.</source>
        <translation>URL http(s) à télécharger dans le dossier Téléchargements, et manifestes de sommes de contrôle à vérifier.</translation>
    </message>
    <message>
        <source>[URL|manifest...]</source>
        <translation>[URL|manifeste...]</translation>
    </message>
    <message>
        <source>Not a valid URL: %1</source>
        <translation>URL non valide : %1</translation>
    </message>
    <message>
        <source>There is no Downloads folder to save %1 in.</source>
        <translation>Il n’y a pas de dossier Téléchargements où enregistrer %1.</translation>
    </message>
    <message>
        <source>Conduit opens http and https URLs and checksum manifests, not this: %1</source>
        <translation>Conduit ouvre les URL http et https et les manifestes de sommes de contrôle, pas ceci : %1</translation>
    </message>
    <message>
        <source>%1 is a folder: to hash it, use --hash %1</source>
        <translation>%1 est un dossier : pour le hacher, utilisez --hash %1</translation>
    </message>
    <message>
        <source>A Conduit that runs already takes the command line over and shows
its window; --dev-url and --exit-after-load start one of their own.</source>
        <translation>Un Conduit déjà lancé reprend la ligne de commande et affiche sa fenêtre ;
--dev-url et --exit-after-load en lancent un à part.</translation>
    </message>
</context>
<context>
    <name>Conduit::AppTray</name>
    <message numerus="yes">
        <source>%n task(s) running</source>
        <translation>
            <numerusform>%n tâche en cours</numerusform>
            <numerusform>%n tâches en cours</numerusform>
        </translation>
    </message>
    <message>
        <source>No tasks running</source>
        <translation>Aucune tâche en cours</translation>
    </message>
    <message>
        <source>Conduit — %1</source>
        <translation>Conduit — %1</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 done</source>
        <translation>%1 effectués</translation>
    </message>
    <message>
        <source>%1 %2 — %3</source>
        <translation>%1 %2 — %3</translation>
    </message>
    <message>
        <source>&amp;Open Window</source>
        <translation>&amp;Ouvrir une fenêtre</translation>
    </message>
    <message>
        <source>Cancel Tasks and &amp;Quit</source>
        <translation>Annuler les tâches et &amp;quitter</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
</context>
<context>
    <name>Conduit::DesktopIntegration</name>
    <message>
        <source>There is no file or folder at %1.</source>
        <translation>Il n’y a ni fichier ni dossier à l’emplacement %1.</translation>
    </message>
    <message>
        <source>Task finished</source>
        <translation>Tâche terminée</translation>
    </message>
    <message>
        <source>The %1 task completed.</source>
        <translation>La tâche « %1 » est terminée.</translation>
    </message>
    <message>
        <source>Task failed</source>
        <translation>Échec de la tâche</translation>
    </message>
    <message>
        <source>The %1 task failed: %2</source>
        <translation>La tâche « %1 » a échoué : %2</translation>
    </message>
</context>
<context>
    <name>Conduit::FilePreview</name>
    <message>
        <source>The image is too large to preview.</source>
        <translation>L’image est trop grande pour un aperçu.</translation>
    </message>
    <message>
        <source>There is no preview for %1 files.</source>
        <translation>Il n’y a pas d’aperçu pour les fichiers %1.</translation>
    </message>
</context>
<context>
    <name>Conduit::MainWindow</name>
    <message>
        <source>Conduit</source>
        <translation>Conduit</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Recharger</translation>
    </message>
    <message>
        <source>&amp;Developer Tools</source>
        <translation>Outils de &amp;développement</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Zoom &amp;avant</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Zoom a&amp;rrière</translation>
    </message>
    <message>
        <source>Reset &amp;Zoom</source>
        <translation>Réinitialiser le &amp;zoom</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ai&amp;de</translation>
    </message>
    <message>
        <source>&amp;About Conduit</source>
        <translation>À &amp;propos de Conduit</translation>
    </message>
    <message>
        <source>Conduit — Developer Tools</source>
        <translation>Conduit — Outils de développement</translation>
    </message>
    <message>
        <source>About Conduit</source>
        <translation>À propos de Conduit</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Conduit %1&lt;/h3&gt;&lt;p&gt;Hash and verify folders, download files and follow logs, with a web page and an asynchronous C++ process talking both ways.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Conduit %1&lt;/h3&gt;&lt;p&gt;Calculez et vérifiez les empreintes de dossiers, téléchargez des fichiers et suivez des journaux, avec une page web et un processus C++ asynchrone qui se parlent dans les deux sens.&lt;/p&gt;&lt;p&gt;Compilé avec Qt %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Quit Conduit?</source>
        <translation>Quitter Conduit ?</translation>
    </message>
    <message numerus="yes">
        <source>%n task(s) still running. Cancel them and quit?</source>
        <translation>
            <numerusform>%n tâche encore en cours. L’annuler et quitter ?</numerusform>
            <numerusform>%n tâches encore en cours. Les annuler et quitter ?</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel Tasks and Quit</source>
        <translation>Annuler les tâches et quitter</translation>
    </message>
    <message>
        <source>Keep Running</source>
        <translation>Continuer</translation>
    </message>
    <message>
        <source>&amp;New Window</source>
        <translation>&amp;Nouvelle fenêtre</translation>
    </message>
    <message>
        <source>&amp;Close Window</source>
        <translation>&amp;Fermer la fenêtre</translation>
    </message>
    <message>
        <source>Keep Running in &amp;Tray</source>
        <translation>Continuer dans la &amp;zone de notification</translation>
    </message>
    <message>
        <source>When the last window closes while tasks run, keep them running with an icon in the system tray</source>
        <translation>Quand la dernière fenêtre se ferme alors que des tâches tournent, les laisser tourner avec une icône dans la zone de notification</translation>
    </message>
</context>
<context>
    <name>Conduit::SingleInstance</name>
    <message>
        <source>%1 is not a folder of its own: %2</source>
        <translation>%1 n’est pas un dossier à soi : %2</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>%1 belongs to another user</source>
        <translation>%1 appartient à un autre utilisateur</translation>
    </message>
    <message>
        <source>%1 has mode %2, not 0700</source>
        <translation>%1 a le mode %2, et non 0700</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>impossible d’ouvrir %1 : %2</translation>
    </message>
    <message>
        <source>cannot lock %1: %2</source>
        <translation>impossible de verrouiller %1 : %2</translation>
    </message>
    <message>
        <source>another Conduit was starting and did not finish within %1 s</source>
        <translation>un autre Conduit démarrait et n’a pas terminé en %1 s</translation>
    </message>
    <message>
        <source>cannot reach the running Conduit: %1</source>
        <translation>impossible de joindre le Conduit en cours : %1</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>impossible d’écouter sur %1 : %2</translation>
    </message>
    <message>
        <source>the command line is too long to hand over (%1 bytes, at most %2)</source>
        <translation>la ligne de commande est trop longue pour être transmise (%1 octets, au plus %2)</translation>
    </message>
    <message>
        <source>the running Conduit did not answer within %1 s</source>
        <translation>le Conduit en cours n’a pas répondu en %1 s</translation>
    </message>
    <message>
        <source>the running Conduit closed the connection: %1</source>
        <translation>le Conduit en cours a fermé la connexion : %1</translation>
    </message>
    <message>
        <source>the running Conduit answered with %1 bytes</source>
        <translation>le Conduit en cours a répondu avec %1 octets</translation>
    </message>
    <message>
        <source>the running Conduit refused the command line: %1</source>
        <translation>le Conduit en cours a refusé la ligne de commande : %1</translation>
    </message>
    <message>
        <source>Conduit starts on its own: %1</source>
        <translation>Conduit démarre seul : %1</translation>
    </message>
    <message>
        <source>a message of %1 bytes is too large (at most %2)</source>
        <translation>un message de %1 octets est trop grand (au plus %2)</translation>
    </message>
    <message>
        <source>a malformed message: %1</source>
        <translation>un message mal formé : %1</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>pas un objet JSON</translation>
    </message>
    <message>
        <source>the command line came too late; its Conduit started on its own</source>
        <translation>la ligne de commande est arrivée trop tard ; son Conduit a démarré seul</translation>
    </message>
</context>
<context>
    <name>Conduit::TaskNames</name>
    <message>
        <source>Hash</source>
        <comment>task kind</comment>
        <translation>Sommes</translation>
    </message>
    <message>
        <source>Verify</source>
        <comment>task kind</comment>
        <translation>Vérification</translation>
    </message>
    <message>
        <source>Download</source>
        <comment>task kind</comment>
        <translation>Téléchargement</translation>
    </message>
    <message>
        <source>Follow</source>
        <comment>task kind</comment>
        <translation>Suivi</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <comment>task kind</comment>
        <translation>Doublons</translation>
    </message>
</context>
<context>
    <name>RootSandboxGuard</name>
    <message>
        <source>Warning: running as root, so the web page runs without the Chromium sandbox. Run Conduit as a normal user to keep it.</source>
        <translation>Attention : Conduit s’exécute en tant que root, la page web tourne donc sans le bac à sable de Chromium. Lancez Conduit en tant qu’utilisateur normal pour le conserver.</translation>
    </message>
</context>
</TS>
