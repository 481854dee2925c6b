// SPDX-License-Identifier: MIT
// ArgumentSchema::validate with fuzzed JSON against a schema using every ArgumentType and every
// constraint. Besides the sanitizers: a refusal is invalid_args naming an argument; an
// acceptance holds only declared arguments, each of its type and within its constraints, with
// the page's values kept and defaults filled in, and validating it again changes nothing.
#include <bridge/ArgumentSchema.h>
#include <bridge/CommandError.h>

#include "FuzzApplication.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace Conduit;

namespace {

const ArgumentSchema &schema()
{
    static const ArgumentSchema rules
        = ArgumentSchema()
              .required(QStringLiteral("text"), ArgumentType::String)
              .maxLength(16)
              .required(QStringLiteral("mode"), ArgumentType::String)
              .oneOf({QStringLiteral("fast"), QStringLiteral("safe")})
              .optional(QStringLiteral("ratio"), ArgumentType::Number, 0.5)
              .range(0, 1)
              .optional(QStringLiteral("count"), ArgumentType::Integer)
              .range(-5, 1000)
              .optional(QStringLiteral("big"), ArgumentType::Integer)
              .optional(QStringLiteral("enabled"), ArgumentType::Boolean, true)
              .optional(QStringLiteral("options"), ArgumentType::Object)
              .optional(QStringLiteral("items"), ArgumentType::Array, QJsonArray{})
              .optional(QStringLiteral("label"), ArgumentType::String, QStringLiteral("none"))
              .maxLength(4) // "refused" is allowed by oneOf but too long
              .oneOf({QStringLiteral(""), QStringLiteral("none"), QStringLiteral("refused")});
    return rules;
}

bool hasType(const QJsonValue &value, ArgumentType type)
{
    const double number = value.toDouble();
    switch (type) {
    case ArgumentType::String:
        return value.isString();
    case ArgumentType::Number:
        return value.isDouble() && std::isfinite(number);
    case ArgumentType::Integer:
        return value.isDouble() && std::isfinite(number) && std::floor(number) == number
               && std::fabs(number) <= 9007199254740991.0;
    case ArgumentType::Boolean:
        return value.isBool();
    case ArgumentType::Object:
        return value.isObject();
    case ArgumentType::Array:
        return value.isArray();
    }
    return false;
}

const ArgumentRule *ruleFor(const QString &name)
{
    for (const ArgumentRule &rule : schema().rules()) {
        if (rule.name == name)
            return &rule;
    }
    return nullptr;
}

void checkAccepted(const QJsonObject &args, const QJsonObject &checked)
{
    for (auto it = checked.begin(); it != checked.end(); ++it)
        CONDUIT_FUZZ_CHECK(ruleFor(it.key()));
    for (const ArgumentRule &rule : schema().rules()) {
        const QJsonValue given = args.value(rule.name);
        const QJsonValue value = checked.value(rule.name);
        if (given.isUndefined() || given.isNull()) {
            CONDUIT_FUZZ_CHECK(!rule.required);
            CONDUIT_FUZZ_CHECK(value == rule.defaultValue);
            continue;
        }
        CONDUIT_FUZZ_CHECK(value == given);
        CONDUIT_FUZZ_CHECK(hasType(value, rule.type));
        if (value.isDouble())
            CONDUIT_FUZZ_CHECK(value.toDouble() >= rule.minimum
                               && value.toDouble() <= rule.maximum);
        if (value.isString() && rule.maxLength >= 0)
            CONDUIT_FUZZ_CHECK(value.toString().size() <= rule.maxLength);
        if (!rule.allowed.isEmpty())
            CONDUIT_FUZZ_CHECK(rule.allowed.contains(value.toString()));
    }
    CONDUIT_FUZZ_CHECK(schema().validate(checked) == checked);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!document.isObject())
        return 0; // the bridge refuses non-object args before any schema sees them
    const QJsonObject args = document.object();
    try {
        checkAccepted(args, schema().validate(args));
    } catch (const CommandError &error) {
        CONDUIT_FUZZ_CHECK(error.code() == ErrorCode::InvalidArgs);
        const QJsonValue argument = error.details().value(QStringLiteral("argument"));
        CONDUIT_FUZZ_CHECK(argument.isString());
        CONDUIT_FUZZ_CHECK(ruleFor(argument.toString()) || args.contains(argument.toString()));
        CONDUIT_FUZZ_CHECK(error.message().contains(argument.toString()));
        CONDUIT_FUZZ_CHECK(error.toJson().value(QStringLiteral("code")).toString()
                           == QLatin1String("invalid_args"));
    }
    return 0;
}
