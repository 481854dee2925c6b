<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Conduit::MainWindow</name>
    <message>
        <source>Conduit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RootSandboxGuard</name>
    <message>
        <source>Warning: running as root, so the web page runs without the Chromium sandbox. Run Conduit as a normal user to keep it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Conduit: a Vue page and an asynchronous C++ process, talking both ways.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
