// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

// The views a window of the page shows by name: its location hash (#tasks), what the settings
// remember, and what `app.showView` asks for. The page's View type is generated from the
// event's declaration (DesktopIntegration::registerCommands).
namespace Conduit::AppViews {

inline const QString tasks = QStringLiteral("tasks");
inline const QString console = QStringLiteral("console");
inline const QStringList all{tasks, console};

} // namespace Conduit::AppViews
