// SPDX-License-Identifier: MIT
#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace Conduit::Translations {

void install(QCoreApplication &app)
{
    const QLocale locale;
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    auto *own = new QTranslator(&app);
    // A language Conduit has no catalogue for (or the C locale) reads English, not the sources:
    // their "%n task(s)" wait for a catalogue's plural forms.
    if (own->load(locale, QStringLiteral("conduit"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        || own->load(QStringLiteral("conduit_en"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
}

} // namespace Conduit::Translations
