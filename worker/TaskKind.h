// SPDX-License-Identifier: MIT
#pragma once

#include "PoolTask.h"
#include <schema/Schema.h>

#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>
#include <type_traits>

namespace Conduit {

class Task;

// A task kind, said once by its class (a static declaration()) and registered with one line,
// its name in CONDUIT_TASK_KINDS (worker/CMakeLists.txt): the manager checks params and results
// against it, and the page's types are generated from it. The manager itself has no code for any
// one kind.
struct TaskKind
{
    enum class Runs { Pool, EventLoop };

    QString name;
    QString summary;      // one line, the page's JSDoc for the kind
    Schema params;        // an object: checked (defaults filled, paths cleaned) before make()
    Schema result;        // a completed task's result, checked when it completes
    QString progressUnit; // what progress counts ("bytes", "lines"), TaskProgress::unit
    Schema output;        // one item of its output stream; Schema::nothing() if it has none
    Runs runs = Runs::Pool;
    // Makes the task from checked params. It may still refuse them (TaskError invalid_args)
    // for what a schema does not say: a URL's scheme, a default that depends on another field.
    std::function<std::unique_ptr<Task>(const QJsonObject &params)> make;

    // The usual declaration: T is made from its params, and its base class (PoolTask or Task)
    // says where it runs.
    template<typename T>
    static TaskKind of(QString name, QString summary, QString progressUnit, Schema params,
                       Schema result, Schema output = Schema::nothing())
    {
        TaskKind kind;
        kind.name = std::move(name);
        kind.summary = std::move(summary);
        kind.params = std::move(params);
        kind.result = std::move(result);
        kind.progressUnit = std::move(progressUnit);
        kind.output = std::move(output);
        kind.runs = std::is_base_of_v<PoolTask, T> ? Runs::Pool : Runs::EventLoop;
        kind.make = [](const QJsonObject &checked) {
            return std::make_unique<T>(checked);
        };
        return kind;
    }
};

} // namespace Conduit
