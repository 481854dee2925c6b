<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CommandLine</name>
    <message>
        <source>Conduit: a Vue page and an asynchronous C++ process, talking both ways.</source>
        <translation>Conduit: eine Vue-Seite und ein asynchroner C++-Prozess, die in beide Richtungen miteinander sprechen.</translation>
    </message>
    <message>
        <source>Load the page from a development server on this machine (e.g. the Vite dev server, http://localhost:5173) instead of the built-in one.</source>
        <translation>Die Seite von einem Entwicklungsserver auf diesem Rechner laden (z. B. dem Vite-Entwicklungsserver, http://localhost:5173) statt der eingebauten.</translation>
    </message>
    <message>
        <source>url</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Quit as soon as the page has loaded and connected (a start-up check).</source>
        <translation>Beenden, sobald die Seite geladen und verbunden ist (eine Startprüfung).</translation>
    </message>
    <message>
        <source>--dev-url must be an http(s) URL on this machine (localhost, 127.0.0.1 or [::1]): %1</source>
        <translation>--dev-url muss eine http(s)-URL auf diesem Rechner sein (localhost, 127.0.0.1 oder [::1]): %1</translation>
    </message>
    <message>
        <source>Hash a folder into a checksum manifest (SHA256SUMS).</source>
        <translation>Einen Ordner in eine Prüfsummenliste (SHA256SUMS) hashen.</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Verify the files listed in a checksum manifest.</source>
        <translation>Die in einer Prüfsummenliste aufgeführten Dateien prüfen.</translation>
    </message>
    <message>
        <source>manifest</source>
        <translation>Prüfsummenliste</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>http(s) URLs to download into the Downloads folder, and checksum manifests to verify.</source>
        <translation>http(s)-URLs, die in den Download-Ordner heruntergeladen werden, und Prüfsummenlisten, die geprüft werden.</translation>
    </message>
    <message>
        <source>[URL|manifest...]</source>
        <translation>[URL|Prüfsummenliste...]</translation>
    </message>
    <message>
        <source>Not a valid URL: %1</source>
        <translation>Keine gültige URL: %1</translation>
    </message>
    <message>
        <source>There is no Downloads folder to save %1 in.</source>
        <translation>Es gibt keinen Download-Ordner, in dem %1 gespeichert werden könnte.</translation>
    </message>
    <message>
        <source>Conduit opens http and https URLs and checksum manifests, not this: %1</source>
        <translation>Conduit öffnet http- und https-URLs und Prüfsummenlisten, aber nicht dies: %1</translation>
    </message>
    <message>
        <source>%1 is a folder: to hash it, use --hash %1</source>
        <translation>%1 ist ein Ordner: zum Hashen --hash %1 verwenden</translation>
    </message>
    <message>
        <source>A Conduit that runs already takes the command line over and shows
its window; --dev-url and --exit-after-load start one of their own.</source>
        <translation>Läuft Conduit bereits, übernimmt es die Befehlszeile und zeigt sein Fenster;
--dev-url und --exit-after-load starten ein eigenes.</translation>
    </message>
</context>
<context>
    <name>Conduit::AppTray</name>
    <message numerus="yes">
        <source>%n task(s) running</source>
        <translation>
            <numerusform>%n Aufgabe läuft</numerusform>
            <numerusform>%n Aufgaben laufen</numerusform>
        </translation>
    </message>
    <message>
        <source>No tasks running</source>
        <translation>Keine Aufgaben laufen</translation>
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
        <translation>%1 erledigt</translation>
    </message>
    <message>
        <source>%1 %2 — %3</source>
        <translation>%1 %2 — %3</translation>
    </message>
    <message>
        <source>&amp;Open Window</source>
        <translation>Fenster &amp;öffnen</translation>
    </message>
    <message>
        <source>Cancel Tasks and &amp;Quit</source>
        <translation>Aufgaben abbrechen und &amp;beenden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
</context>
<context>
    <name>Conduit::DesktopIntegration</name>
    <message>
        <source>There is no file or folder at %1.</source>
        <translation>Unter %1 gibt es keine Datei und keinen Ordner.</translation>
    </message>
    <message>
        <source>Task finished</source>
        <translation>Aufgabe abgeschlossen</translation>
    </message>
    <message>
        <source>The %1 task completed.</source>
        <translation>Die Aufgabe „%1“ ist abgeschlossen.</translation>
    </message>
    <message>
        <source>Task failed</source>
        <translation>Aufgabe fehlgeschlagen</translation>
    </message>
    <message>
        <source>The %1 task failed: %2</source>
        <translation>Die Aufgabe „%1“ ist fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>Conduit::FilePreview</name>
    <message>
        <source>The image is too large to preview.</source>
        <translation>Das Bild ist zu groß für eine Vorschau.</translation>
    </message>
    <message>
        <source>There is no preview for %1 files.</source>
        <translation>Für %1-Dateien gibt es keine Vorschau.</translation>
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
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>&amp;Developer Tools</source>
        <translation>&amp;Entwicklerwerkzeuge</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>Reset &amp;Zoom</source>
        <translation>&amp;Zoom zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Conduit</source>
        <translation>Ü&amp;ber Conduit</translation>
    </message>
    <message>
        <source>Conduit — Developer Tools</source>
        <translation>Conduit – Entwicklerwerkzeuge</translation>
    </message>
    <message>
        <source>About Conduit</source>
        <translation>Über Conduit</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Conduit %1&lt;/h3&gt;&lt;p&gt;Hash and verify folders, download files and follow logs, with a web page and an asynchronous C++ process talking both ways.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Conduit %1&lt;/h3&gt;&lt;p&gt;Ordner hashen und prüfen, Dateien herunterladen und Protokolle verfolgen – mit einer Webseite und einem asynchronen C++-Prozess, die in beide Richtungen miteinander sprechen.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Quit Conduit?</source>
        <translation>Conduit beenden?</translation>
    </message>
    <message numerus="yes">
        <source>%n task(s) still running. Cancel them and quit?</source>
        <translation>
            <numerusform>Noch %n Aufgabe läuft. Abbrechen und beenden?</numerusform>
            <numerusform>Noch %n Aufgaben laufen. Abbrechen und beenden?</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel Tasks and Quit</source>
        <translation>Aufgaben abbrechen und beenden</translation>
    </message>
    <message>
        <source>Keep Running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source>&amp;New Window</source>
        <translation>&amp;Neues Fenster</translation>
    </message>
    <message>
        <source>&amp;Close Window</source>
        <translation>Fenster &amp;schließen</translation>
    </message>
    <message>
        <source>Keep Running in &amp;Tray</source>
        <translation>Im &amp;Infobereich weiterlaufen</translation>
    </message>
    <message>
        <source>When the last window closes while tasks run, keep them running with an icon in the system tray</source>
        <translation>Wenn das letzte Fenster geschlossen wird, während Aufgaben laufen, laufen sie mit einem Symbol im Infobereich weiter</translation>
    </message>
</context>
<context>
    <name>Conduit::SingleInstance</name>
    <message>
        <source>%1 is not a folder of its own: %2</source>
        <translation>%1 ist kein eigener Ordner: %2</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 belongs to another user</source>
        <translation>%1 gehört einem anderen Benutzer</translation>
    </message>
    <message>
        <source>%1 has mode %2, not 0700</source>
        <translation>%1 hat die Rechte %2, nicht 0700</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>cannot lock %1: %2</source>
        <translation>%1 kann nicht gesperrt werden: %2</translation>
    </message>
    <message>
        <source>another Conduit was starting and did not finish within %1 s</source>
        <translation>ein anderes Conduit startete und wurde nicht innerhalb von %1 s fertig</translation>
    </message>
    <message>
        <source>cannot reach the running Conduit: %1</source>
        <translation>das laufende Conduit ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>auf %1 kann nicht gelauscht werden: %2</translation>
    </message>
    <message>
        <source>the command line is too long to hand over (%1 bytes, at most %2)</source>
        <translation>die Befehlszeile ist zu lang für die Übergabe (%1 Byte, höchstens %2)</translation>
    </message>
    <message>
        <source>the running Conduit did not answer within %1 s</source>
        <translation>das laufende Conduit hat nicht innerhalb von %1 s geantwortet</translation>
    </message>
    <message>
        <source>the running Conduit closed the connection: %1</source>
        <translation>das laufende Conduit hat die Verbindung geschlossen: %1</translation>
    </message>
    <message>
        <source>the running Conduit answered with %1 bytes</source>
        <translation>das laufende Conduit hat mit %1 Byte geantwortet</translation>
    </message>
    <message>
        <source>the running Conduit refused the command line: %1</source>
        <translation>das laufende Conduit hat die Befehlszeile abgelehnt: %1</translation>
    </message>
    <message>
        <source>Conduit starts on its own: %1</source>
        <translation>Conduit startet eigenständig: %1</translation>
    </message>
    <message>
        <source>a message of %1 bytes is too large (at most %2)</source>
        <translation>eine Nachricht mit %1 Byte ist zu groß (höchstens %2)</translation>
    </message>
    <message>
        <source>a malformed message: %1</source>
        <translation>eine fehlerhafte Nachricht: %1</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>kein JSON-Objekt</translation>
    </message>
    <message>
        <source>the command line came too late; its Conduit started on its own</source>
        <translation>die Befehlszeile kam zu spät; ihr Conduit ist selbst gestartet</translation>
    </message>
</context>
<context>
    <name>Conduit::TaskNames</name>
    <message>
        <source>Hash</source>
        <comment>task kind</comment>
        <translation>Prüfsummen</translation>
    </message>
    <message>
        <source>Verify</source>
        <comment>task kind</comment>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Download</source>
        <comment>task kind</comment>
        <translation>Download</translation>
    </message>
    <message>
        <source>Follow</source>
        <comment>task kind</comment>
        <translation>Verfolgen</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <comment>task kind</comment>
        <translation>Duplikate</translation>
    </message>
</context>
<context>
    <name>RootSandboxGuard</name>
    <message>
        <source>Warning: running as root, so the web page runs without the Chromium sandbox. Run Conduit as a normal user to keep it.</source>
        <translation>Warnung: Conduit läuft als root, daher läuft die Webseite ohne die Chromium-Sandbox. Starten Sie Conduit als normaler Benutzer, um sie zu behalten.</translation>
    </message>
</context>
</TS>
