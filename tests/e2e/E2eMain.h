// SPDX-License-Identifier: MIT
#pragma once

#include <app/AppScheme.h>

#include <QApplication>
#include <QTest>

// QTEST_MAIN, plus what QtWebEngine needs before the QApplication exists.
#define CONDUIT_E2E_MAIN(TestClass)                                                                \
    int main(int argc, char *argv[])                                                               \
    {                                                                                              \
        Conduit::AppScheme::registerScheme();                                                      \
        QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);                                \
        QApplication app(argc, argv);                                                              \
        TestClass test;                                                                            \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
