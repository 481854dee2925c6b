<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
</context>
<context>
    <name>RootSandboxGuard</name>
    <message>
        <source>Warning: running as root, so the web page runs without the Chromium sandbox. Run Conduit as a normal user to keep it.</source>
        <translation>Warnung: Conduit läuft als root, daher läuft die Webseite ohne die Chromium-Sandbox. Starten Sie Conduit als normaler Benutzer, um sie zu behalten.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Conduit: a Vue page and an asynchronous C++ process, talking both ways.</source>
        <translation>Conduit: eine Vue-Seite und ein asynchroner C++-Prozess, die in beide Richtungen miteinander sprechen.</translation>
    </message>
</context>
</TS>
