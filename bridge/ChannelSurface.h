// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

namespace Conduit {

// The meta-object root of the object the page sees (ChannelEndpoint). QWebChannel publishes
// every property, signal and public slot of an object's meta-object, inherited ones included,
// so a plain QObject would also show the page `objectName` (writable), `destroyed`,
// `objectNameChanged` and `deleteLater`. This class is a QObject to C++, but moc sees a gadget
// without a base: the meta-object chain the page sees starts here, with nothing of QObject's.
//
// Two rules of QWebChannel 6.4's publisher shape it:
// - it watches method index 0 of every object as `destroyed(QObject*)`, and ~QObject emits
//   `destroyed` as signal index 0. So method 0 is `reserved()`, private here (never listed,
//   never run), and ChannelEndpoint's first signal, signal index 0, is named `reserved` too:
//   the publisher lists a name once, from its lowest index, so it never shows the page that
//   signal, and `destroyed` reaches the publisher as it should.
// - it lists only public methods; a private one still claims its name.
class ChannelSurface
#ifndef Q_MOC_RUN
    : public QObject
#endif
{
    Q_GADGET

public:
    explicit ChannelSurface(QObject *parent = nullptr)
        : QObject(parent)
    {}

    // moc's qt_metacall chain: each class handles its own indices and passes the rest on. This
    // one owns method 0 (reserved, which does nothing) and no properties; QObject's are not
    // in the chain.
    int qt_metacall(QMetaObject::Call call, int id, void **arguments) override
    {
        Q_UNUSED(arguments)
        if (call == QMetaObject::InvokeMetaMethod
            || call == QMetaObject::RegisterMethodArgumentMetaType)
            return id - 1;
        return id;
    }

private:
    Q_INVOKABLE void reserved() {}
};

} // namespace Conduit
