// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <limits>

namespace Conduit {

enum class ArgumentType { String, Number, Integer, Boolean, Object, Array };

struct ArgumentRule
{
    QString name;
    ArgumentType type = ArgumentType::String;
    bool required = true;
    QJsonValue defaultValue;
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    qsizetype maxLength = -1;
    QStringList allowed;
};

// The argument rules of one command, checked before its handler runs. Built fluently:
//   ArgumentSchema().required("text", ArgumentType::String).maxLength(4096)
// Range, length and allowed-value constraints apply to the rule declared last.
class ArgumentSchema
{
public:
    ArgumentSchema &required(const QString &name, ArgumentType type);
    ArgumentSchema &optional(const QString &name, ArgumentType type,
                             const QJsonValue &defaultValue = QJsonValue::Undefined);
    ArgumentSchema &range(double minimum, double maximum);
    ArgumentSchema &maxLength(qsizetype length);
    ArgumentSchema &oneOf(const QStringList &values);

    // The arguments with defaults filled in; throws CommandError(invalid_args) naming the first
    // offending argument. Unknown arguments are refused too: a typo should not pass silently.
    QJsonObject validate(const QJsonObject &args) const;

    const QList<ArgumentRule> &rules() const { return m_rules; }

private:
    ArgumentRule &last();

    QList<ArgumentRule> m_rules;
};

QString argumentTypeName(ArgumentType type);

} // namespace Conduit
