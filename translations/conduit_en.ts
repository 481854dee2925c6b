<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Conduit::AppTray</name>
    <message numerus="yes">
        <source>%n task(s) running</source>
        <translation>
            <numerusform>%n task running</numerusform>
            <numerusform>%n tasks running</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Conduit::MainWindow</name>
    <message numerus="yes">
        <source>%n task(s) still running. Cancel them and quit?</source>
        <translation>
            <numerusform>%n task is still running. Cancel it and quit?</numerusform>
            <numerusform>%n tasks are still running. Cancel them and quit?</numerusform>
        </translation>
    </message>
</context>
</TS>
