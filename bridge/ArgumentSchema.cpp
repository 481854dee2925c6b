// SPDX-License-Identifier: MIT
#include "ArgumentSchema.h"

#include "CommandError.h"

#include <algorithm>
#include <cmath>

namespace Conduit {

namespace {

bool hasType(const QJsonValue &value, ArgumentType type)
{
    switch (type) {
    case ArgumentType::String:
        return value.isString();
    case ArgumentType::Number:
        return value.isDouble() && std::isfinite(value.toDouble());
    case ArgumentType::Integer: {
        const double number = value.toDouble();
        return value.isDouble() && std::isfinite(number) && std::trunc(number) == number
               && std::abs(number) <= 9007199254740991.0; // exactly representable in JS
    }
    case ArgumentType::Boolean:
        return value.isBool();
    case ArgumentType::Object:
        return value.isObject();
    case ArgumentType::Array:
        return value.isArray();
    }
    return false;
}

CommandError invalid(const QString &name, const QString &message)
{
    return CommandError(ErrorCode::InvalidArgs, message, {{QStringLiteral("argument"), name}});
}

} // namespace

QString argumentTypeName(ArgumentType type)
{
    switch (type) {
    case ArgumentType::String:
        return QStringLiteral("string");
    case ArgumentType::Number:
        return QStringLiteral("number");
    case ArgumentType::Integer:
        return QStringLiteral("integer");
    case ArgumentType::Boolean:
        return QStringLiteral("boolean");
    case ArgumentType::Object:
        return QStringLiteral("object");
    case ArgumentType::Array:
        return QStringLiteral("array");
    }
    return QStringLiteral("unknown");
}

ArgumentSchema &ArgumentSchema::required(const QString &name, ArgumentType type)
{
    ArgumentRule rule;
    rule.name = name;
    rule.type = type;
    m_rules.append(rule);
    return *this;
}

ArgumentSchema &ArgumentSchema::optional(const QString &name, ArgumentType type,
                                         const QJsonValue &defaultValue)
{
    ArgumentRule rule;
    rule.name = name;
    rule.type = type;
    rule.required = false;
    rule.defaultValue = defaultValue;
    m_rules.append(rule);
    return *this;
}

ArgumentSchema &ArgumentSchema::range(double minimum, double maximum)
{
    last().minimum = minimum;
    last().maximum = maximum;
    return *this;
}

ArgumentSchema &ArgumentSchema::maxLength(qsizetype length)
{
    last().maxLength = length;
    return *this;
}

ArgumentSchema &ArgumentSchema::oneOf(const QStringList &values)
{
    last().allowed = values;
    return *this;
}

ArgumentRule &ArgumentSchema::last()
{
    Q_ASSERT_X(!m_rules.isEmpty(), "ArgumentSchema", "declare an argument before constraining it");
    return m_rules.last();
}

QJsonObject ArgumentSchema::validate(const QJsonObject &args) const
{
    for (auto it = args.begin(); it != args.end(); ++it) {
        const bool known
            = std::any_of(m_rules.cbegin(), m_rules.cend(),
                          [&](const ArgumentRule &rule) { return rule.name == it.key(); });
        if (!known)
            throw invalid(it.key(), QStringLiteral("unknown argument '%1'").arg(it.key()));
    }

    QJsonObject checked = args;
    for (const ArgumentRule &rule : m_rules) {
        const QJsonValue value = args.value(rule.name);
        if (value.isUndefined() || value.isNull()) {
            if (rule.required)
                throw invalid(rule.name, QStringLiteral("missing argument '%1'").arg(rule.name));
            if (!rule.defaultValue.isUndefined())
                checked.insert(rule.name, rule.defaultValue);
            else
                checked.remove(rule.name);
            continue;
        }
        if (!hasType(value, rule.type)) {
            throw invalid(rule.name, QStringLiteral("argument '%1' must be a %2")
                                         .arg(rule.name, argumentTypeName(rule.type)));
        }
        if (value.isDouble()
            && (value.toDouble() < rule.minimum || value.toDouble() > rule.maximum)) {
            throw invalid(rule.name, QStringLiteral("argument '%1' must be between %2 and %3")
                                         .arg(rule.name)
                                         .arg(rule.minimum)
                                         .arg(rule.maximum));
        }
        if (rule.maxLength >= 0 && value.isString() && value.toString().size() > rule.maxLength) {
            throw invalid(rule.name, QStringLiteral("argument '%1' is longer than %2 characters")
                                         .arg(rule.name)
                                         .arg(rule.maxLength));
        }
        if (!rule.allowed.isEmpty() && !rule.allowed.contains(value.toString())) {
            throw invalid(rule.name, QStringLiteral("argument '%1' must be one of: %2")
                                         .arg(rule.name, rule.allowed.join(QStringLiteral(", "))));
        }
    }
    return checked;
}

} // namespace Conduit
