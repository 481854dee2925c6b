// SPDX-License-Identifier: MIT
// Schema::validate with fuzzed JSON against a schema that uses every type and constraint,
// nested: objects in arrays in objects, an open object, nullable fields, literals, paths.
// Besides the sanitizers, an oracle written apart from Schema judges each verdict:
//   - an accepted value conforms (declared fields only, each of its type, within its limits,
//     the page's values kept, defaults filled in) and validating it again changes nothing;
//   - a refusal names a place that exists in the input, or a declared field that is missing,
//     and its message names it too.
#include <schema/Schema.h>

#include "FuzzApplication.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace Conduit;

namespace {

const Schema &schema()
{
    static const Schema shape = [] {
        const Schema entry
            = Schema::object()
                  .required(QStringLiteral("name"), Schema::string().nonEmpty().maxLength(8))
                  .optional(QStringLiteral("size"), Schema::integer().range(0, 1000), 0)
                  .optional(
                      QStringLiteral("tags"),
                      Schema::arrayOf(Schema::oneOf({QStringLiteral("a"), QStringLiteral("b")}))
                          .maxItems(3));
        return Schema::object()
            .required(QStringLiteral("text"), Schema::string().maxLength(16))
            .required(QStringLiteral("mode"),
                      Schema::oneOf({QStringLiteral("fast"), QStringLiteral("safe")}))
            .optional(QStringLiteral("ratio"), Schema::number().range(0, 1), 0.5)
            .optional(QStringLiteral("count"), Schema::integer().range(-5, 1000))
            .optional(QStringLiteral("big"), Schema::integer())
            .optional(QStringLiteral("enabled"), Schema::boolean(), true)
            .optional(QStringLiteral("options"), Schema::object().allowOtherFields())
            .optional(QStringLiteral("entries"), Schema::arrayOf(entry).maxItems(4), QJsonArray{})
            .optional(
                QStringLiteral("point"),
                Schema::named(QStringLiteral("Point"),
                              Schema::object().required(QStringLiteral("x"), Schema::number())))
            .optional(QStringLiteral("note"), Schema::string().orNull())
            .optional(QStringLiteral("where"), Schema::path());
    }();
    return shape;
}

bool isSafeInteger(double number)
{
    return std::isfinite(number) && std::trunc(number) == number
           && std::abs(number) <= 9007199254740991.0;
}

// The oracle: does `value` (already validated) conform to `shape`, given what the page sent?
bool conforms(const Schema &shape, const QJsonValue &given, const QJsonValue &value)
{
    if (shape.isNullable() && given.isNull())
        return value.isNull();
    const double number = value.toDouble();
    switch (shape.type()) {
    case Schema::Type::Any:
        return value == given;
    case Schema::Type::Boolean:
        return value.isBool() && value == given;
    case Schema::Type::Integer:
        return value.isDouble() && isSafeInteger(number) && number >= shape.minimum()
               && number <= shape.maximum() && value == given;
    case Schema::Type::Number:
        return value.isDouble() && std::isfinite(number) && number >= shape.minimum()
               && number <= shape.maximum() && value == given;
    case Schema::Type::String:
        return value.isString() && value == given
               && (shape.maxLength() < 0 || value.toString().size() <= shape.maxLength());
    case Schema::Type::Literals:
        return value == given && shape.literals().contains(value.toString());
    case Schema::Type::Path:
        return value.isString() && value.toString().startsWith(QLatin1Char('/'))
               && value.toString() == QDir::cleanPath(given.toString());
    case Schema::Type::Array: {
        const QJsonArray items = value.toArray();
        if (!value.isArray() || items.size() != given.toArray().size()
            || (shape.maxLength() >= 0 && items.size() > shape.maxLength()))
            return false;
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!conforms(shape.item(), given.toArray().at(i), items.at(i)))
                return false;
        }
        return true;
    }
    case Schema::Type::Named:
        return conforms(shape.shape(), given, value);
    case Schema::Type::Bytes: {
        const QJsonObject reference = value.toObject();
        return value == given && reference.size() == 2
               && isSafeInteger(reference.value(QStringLiteral("upload")).toDouble())
               && reference.value(QStringLiteral("upload")).toDouble() >= 1
               && isSafeInteger(reference.value(QStringLiteral("size")).toDouble())
               && reference.value(QStringLiteral("size")).toDouble() >= 0
               && reference.value(QStringLiteral("upload")).isDouble()
               && reference.value(QStringLiteral("size")).isDouble();
    }
    case Schema::Type::Object: {
        const QJsonObject object = value.toObject();
        const QJsonObject sent = given.toObject();
        if (!value.isObject())
            return false;
        for (auto it = object.begin(); it != object.end(); ++it) {
            const bool declared
                = std::any_of(shape.fields().cbegin(), shape.fields().cend(),
                              [&](const SchemaField &field) { return field.name == it.key(); });
            if (!declared && (!shape.allowsOtherFields() || it.value() != sent.value(it.key())))
                return false;
        }
        for (const SchemaField &field : shape.fields()) {
            const QJsonValue in = sent.value(field.name);
            const bool missing = in.isUndefined() || (in.isNull() && !field.schema.isNullable());
            if (missing) {
                if (field.required || object.value(field.name) != field.fallback)
                    return false;
            } else if (!conforms(field.schema, in, object.value(field.name))) {
                return false;
            }
        }
        return true;
    }
    }
    return false;
}

// Every place a refusal may name: each value in the input, reached through the fields the
// schema declares, and each declared field. Enumerated, not parsed: a key may hold '.' or '['.
void collectPlaces(const Schema &shape, const QJsonValue &value, const QString &where,
                   QSet<QString> &places)
{
    places.insert(where);
    const Schema inner = shape.shape();
    const auto join = [&](const QString &key) {
        return where.isEmpty() ? key : where + QLatin1Char('.') + key;
    };
    if (inner.type() == Schema::Type::Array && value.isArray()) {
        const QJsonArray items = value.toArray();
        for (qsizetype i = 0; i < items.size(); ++i)
            collectPlaces(inner.item(), items.at(i), QStringLiteral("%1[%2]").arg(where).arg(i),
                          places);
    } else if (inner.type() == Schema::Type::Object) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            places.insert(join(it.key()));
        for (const SchemaField &field : inner.fields())
            collectPlaces(field.schema, object.value(field.name), join(field.name), places);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QJsonParseError parsed;
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)), &parsed);
    if (parsed.error != QJsonParseError::NoError)
        return 0;
    const QJsonValue input
        = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    try {
        const QJsonValue checked = schema().validate(input);
        CONDUIT_FUZZ_CHECK(conforms(schema(), input, checked));
        CONDUIT_FUZZ_CHECK(schema().validate(checked) == checked);
    } catch (const SchemaError &error) {
        CONDUIT_FUZZ_CHECK(!error.message().isEmpty());
        QSet<QString> places;
        collectPlaces(schema(), input, {}, places);
        CONDUIT_FUZZ_CHECK(places.contains(error.where()));
        if (!error.where().isEmpty() && !error.message().startsWith(QLatin1String("no such")))
            CONDUIT_FUZZ_CHECK(error.message().contains(error.where()));
    }
    return 0;
}
