// SPDX-License-Identifier: MIT
#include "Schema.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Conduit {

struct Schema::Data
{
    Type type = Type::Any;
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    qsizetype maxLength = -1; // characters, or items of an array
    bool nonEmpty = false;
    bool nullable = false;
    bool open = false; // Object: other fields allowed
    PathCheck pathCheck = PathCheck::None;
    QStringList literals;
    QList<SchemaField> fields;
    std::shared_ptr<const Schema> item; // Array; Named: the shape
    QString name;                       // Named
    QString description;
};

namespace {

QString subject(const QString &where)
{
    return where.isEmpty() ? QStringLiteral("the value")
                           : QStringLiteral("argument '%1'").arg(where);
}

QString member(const QString &where, const QString &name)
{
    return where.isEmpty() ? name : where + QLatin1Char('.') + name;
}

// Integral bounds print as integers: 9007199254740991, not 9.0072e+15.
QString numberText(double value)
{
    if (std::isfinite(value) && std::trunc(value) == value && std::abs(value) < 1e18)
        return QString::number(qint64(value));
    return QString::number(value);
}

QString quoted(const QString &text)
{
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

// A field name as a TypeScript property: bare when it is an identifier, quoted otherwise.
QString propertyName(const QString &name)
{
    const bool identifier = !name.isEmpty() && !name.front().isDigit()
                            && std::all_of(name.cbegin(), name.cend(), [](QChar c) {
                                   return c.isLetterOrNumber() || c == u'_' || c == u'$';
                               });
    return identifier ? name : quoted(name);
}

} // namespace

Schema::Schema()
    : Schema(Type::Any)
{}

Schema::Schema(Type type)
    : m_data(std::make_shared<Data>())
{
    edit().type = type;
}

Schema::Data &Schema::edit()
{
    if (m_data.use_count() > 1)
        m_data = std::make_shared<Data>(*m_data);
    return const_cast<Data &>(*m_data); // owned alone now
}

Schema Schema::any()
{
    return Schema(Type::Any);
}

Schema Schema::bytes()
{
    return Schema(Type::Bytes);
}

Schema Schema::boolean()
{
    return Schema(Type::Boolean);
}

Schema Schema::integer()
{
    return Schema(Type::Integer).range(-kMaxSafeInteger, kMaxSafeInteger);
}

Schema Schema::number()
{
    return Schema(Type::Number);
}

Schema Schema::string()
{
    return Schema(Type::String);
}

Schema Schema::oneOf(const QStringList &values)
{
    Schema schema(Type::Literals);
    schema.edit().literals = values;
    return schema;
}

Schema Schema::nothing()
{
    return oneOf({});
}

Schema Schema::path(PathCheck check)
{
    Schema schema(Type::Path);
    schema.edit().pathCheck = check;
    return schema;
}

Schema Schema::arrayOf(const Schema &item)
{
    Schema schema(Type::Array);
    schema.edit().item = std::make_shared<const Schema>(item);
    return schema;
}

Schema Schema::object()
{
    return Schema(Type::Object);
}

Schema Schema::named(const QString &name, const Schema &shape)
{
    Schema schema(Type::Named);
    schema.edit().name = name;
    schema.edit().item = std::make_shared<const Schema>(shape);
    return schema;
}

Schema &Schema::range(double minimum, double maximum)
{
    Q_ASSERT_X(type() == Type::Integer || type() == Type::Number, "Schema::range", "not a number");
    edit().minimum = minimum;
    edit().maximum = maximum;
    return *this;
}

Schema &Schema::maxLength(qsizetype length)
{
    Q_ASSERT_X(type() == Type::String || type() == Type::Path, "Schema::maxLength", "not a string");
    edit().maxLength = length;
    return *this;
}

Schema &Schema::nonEmpty()
{
    Q_ASSERT_X(type() == Type::String, "Schema::nonEmpty", "not a string");
    edit().nonEmpty = true;
    return *this;
}

Schema &Schema::maxItems(qsizetype count)
{
    Q_ASSERT_X(type() == Type::Array, "Schema::maxItems", "not an array");
    edit().maxLength = count;
    return *this;
}

Schema &Schema::orNull()
{
    edit().nullable = true;
    return *this;
}

Schema &Schema::describe(const QString &text)
{
    edit().description = text;
    return *this;
}

Schema &Schema::allowOtherFields()
{
    Q_ASSERT_X(type() == Type::Object, "Schema::allowOtherFields", "not an object");
    edit().open = true;
    return *this;
}

Schema &Schema::required(const QString &name, const Schema &field)
{
    Q_ASSERT_X(type() == Type::Object, "Schema::required", "not an object");
    edit().fields.append(SchemaField{name, field, true, QJsonValue::Undefined});
    return *this;
}

Schema &Schema::optional(const QString &name, const Schema &field, const QJsonValue &fallback)
{
    Q_ASSERT_X(type() == Type::Object, "Schema::optional", "not an object");
    edit().fields.append(SchemaField{name, field, false, fallback});
    return *this;
}

QJsonValue Schema::validate(const QJsonValue &value) const
{
    return check(value, {});
}

QJsonObject Schema::validateObject(const QJsonObject &value) const
{
    Q_ASSERT_X(type() == Type::Object, "Schema::validateObject", "not an object");
    return checkFields(value, {});
}

QJsonValue Schema::check(const QJsonValue &value, const QString &where) const
{
    const Data &d = *m_data;
    if (d.nullable && value.isNull())
        return value;
    const auto mustBe = [&](const char *what) {
        return SchemaError(
            where, QStringLiteral("%1 must be %2").arg(subject(where), QLatin1String(what)));
    };
    switch (d.type) {
    case Type::Any:
        return value;
    case Type::Bytes: {
        // In the JSON, bytes are a reference to what travels beside it: {upload, size}.
        const QJsonObject reference = value.toObject();
        const auto isCount = [](const QJsonValue &n, double least) {
            return n.isDouble() && n.toDouble() >= least && n.toDouble() <= kMaxSafeInteger
                   && std::trunc(n.toDouble()) == n.toDouble();
        };
        if (!value.isObject() || reference.size() != 2
            || !isCount(reference.value(QLatin1String("upload")), 1)
            || !isCount(reference.value(QLatin1String("size")), 0))
            throw mustBe("bytes: {upload, size}");
        return value;
    }
    case Type::Boolean:
        if (!value.isBool())
            throw mustBe("a boolean");
        return value;
    case Type::Integer:
    case Type::Number: {
        const double number = value.toDouble();
        if (!value.isDouble() || !std::isfinite(number))
            throw mustBe(d.type == Type::Integer ? "an integer" : "a number");
        if (d.type == Type::Integer && std::trunc(number) != number)
            throw mustBe("an integer");
        if (number < d.minimum || number > d.maximum)
            throw SchemaError(
                where, QStringLiteral("%1 must be between %2 and %3")
                           .arg(subject(where), numberText(d.minimum), numberText(d.maximum)));
        return value;
    }
    case Type::String:
    case Type::Path: {
        if (!value.isString())
            throw mustBe("a string");
        const QString text = value.toString();
        if (d.maxLength >= 0 && text.size() > d.maxLength)
            throw SchemaError(where, QStringLiteral("%1 is longer than %2 characters")
                                         .arg(subject(where))
                                         .arg(d.maxLength));
        if ((d.nonEmpty || d.type == Type::Path) && text.isEmpty())
            throw SchemaError(where, QStringLiteral("%1 must not be empty").arg(subject(where)));
        if (d.type == Type::String)
            return value;
        // Starts with '/': QDir also takes ":x" (a Qt resource) for absolute, and cleaning
        // ":x/../y" leaves the relative "y".
        if (text.contains(QChar(0)) || !text.startsWith(QLatin1Char('/')))
            throw mustBe("an absolute path");
        const QString path = QDir::cleanPath(text);
        const QFileInfo info(path);
        switch (d.pathCheck) {
        case PathCheck::None:
            break;
        case PathCheck::Folder:
            if (!info.isDir())
                throw SchemaError(where, QStringLiteral("no such folder: %1").arg(path));
            break;
        case PathCheck::File:
            if (!info.isFile())
                throw SchemaError(where, QStringLiteral("no such file: %1").arg(path));
            break;
        case PathCheck::ParentFolder:
            if (!QFileInfo(info.absolutePath()).isDir())
                throw SchemaError(where,
                                  QStringLiteral("no such folder: %1").arg(info.absolutePath()));
            if (info.isDir())
                throw SchemaError(where, QStringLiteral("is a folder: %1").arg(path));
            break;
        }
        return path;
    }
    case Type::Literals:
        if (d.literals.isEmpty())
            throw SchemaError(where,
                              QStringLiteral("%1 must not have a value").arg(subject(where)));
        if (!value.isString() || !d.literals.contains(value.toString()))
            throw SchemaError(where,
                              QStringLiteral("%1 must be one of: %2")
                                  .arg(subject(where), d.literals.join(QStringLiteral(", "))));
        return value;
    case Type::Array: {
        if (!value.isArray())
            throw mustBe("an array");
        const QJsonArray items = value.toArray();
        if (d.maxLength >= 0 && items.size() > d.maxLength)
            throw SchemaError(
                where,
                QStringLiteral("%1 has more than %2 items").arg(subject(where)).arg(d.maxLength));
        QJsonArray checked;
        for (qsizetype i = 0; i < items.size(); ++i)
            checked.append(d.item->check(items.at(i), QStringLiteral("%1[%2]").arg(where).arg(i)));
        return checked;
    }
    case Type::Object:
        if (!value.isObject())
            throw mustBe("an object");
        return checkFields(value.toObject(), where);
    case Type::Named:
        return d.item->check(value, where);
    }
    return value;
}

QJsonObject Schema::checkFields(const QJsonObject &value, const QString &where) const
{
    const QList<SchemaField> &fields = m_data->fields;
    for (auto it = value.begin(); it != value.end() && !m_data->open; ++it) {
        const bool known = std::any_of(fields.cbegin(), fields.cend(),
                                       [&](const SchemaField &f) { return f.name == it.key(); });
        if (!known) {
            const QString place = member(where, it.key());
            throw SchemaError(place, QStringLiteral("unknown argument '%1'").arg(place));
        }
    }
    QJsonObject checked = value;
    for (const SchemaField &field : fields) {
        const QString place = member(where, field.name);
        const QJsonValue given = value.value(field.name);
        const bool missing = given.isUndefined() || (given.isNull() && !field.schema.isNullable());
        if (!missing) {
            // Most values come back as given: the object is copied only for one that changed.
            const QJsonValue valid = field.schema.check(given, place);
            if (valid != given)
                checked.insert(field.name, valid);
        } else if (field.required) {
            throw SchemaError(place, QStringLiteral("missing argument '%1'").arg(place));
        } else if (!field.fallback.isUndefined()) {
            checked.insert(field.name, field.fallback);
        } else {
            checked.remove(field.name);
        }
    }
    return checked;
}

QString Schema::typeScript() const
{
    const Data &d = *m_data;
    QString type;
    switch (d.type) {
    case Type::Any:
        return QStringLiteral("unknown");
    case Type::Bytes:
        type = QStringLiteral("ConduitBytes");
        break;
    case Type::Boolean:
        type = QStringLiteral("boolean");
        break;
    case Type::Integer:
    case Type::Number:
        type = QStringLiteral("number");
        break;
    case Type::String:
    case Type::Path:
        type = QStringLiteral("string");
        break;
    case Type::Literals: {
        QStringList literals;
        for (const QString &value : d.literals)
            literals.append(quoted(value));
        type = literals.isEmpty() ? QStringLiteral("never") : literals.join(QStringLiteral(" | "));
        break;
    }
    case Type::Array: {
        const QString item = d.item->typeScript();
        const bool compound = item.contains(QLatin1Char(' ')) && !item.startsWith(QLatin1Char('{'));
        type
            = (compound ? QLatin1Char('(') + item + QLatin1Char(')') : item) + QStringLiteral("[]");
        break;
    }
    case Type::Object: {
        if (d.fields.isEmpty()) {
            type = d.open ? QStringLiteral("object") : QStringLiteral("Record<string, never>");
            break;
        }
        QStringList fields;
        for (const SchemaField &field : d.fields) {
            const QString doc = field.schema.description();
            fields.append((doc.isEmpty() ? QString() : QStringLiteral("/** %1 */ ").arg(doc))
                          + propertyName(field.name)
                          + (field.required ? QStringLiteral(": ") : QStringLiteral("?: "))
                          + field.schema.typeScript());
        }
        if (d.open)
            fields.append(QStringLiteral("[field: string]: unknown"));
        type = QStringLiteral("{ ") + fields.join(QStringLiteral("; ")) + QStringLiteral(" }");
        break;
    }
    case Type::Named:
        type = d.name;
        break;
    }
    return d.nullable ? type + QStringLiteral(" | null") : type;
}

QList<Schema> Schema::namedShapes() const
{
    return namedShapes({*this});
}

QList<Schema> Schema::namedShapes(const QList<Schema> &roots)
{
    QList<Schema> found;
    for (const Schema &root : roots)
        root.collectNamedShapes(found);
    return found;
}

void Schema::collectNamedShapes(QList<Schema> &found) const
{
    const Data &d = *m_data;
    if (d.item)
        d.item->collectNamedShapes(found);
    for (const SchemaField &field : d.fields)
        field.schema.collectNamedShapes(found);
    const bool seen = std::any_of(found.cbegin(), found.cend(),
                                  [&](const Schema &s) { return s.name() == d.name; });
    if (d.type == Type::Named && !seen)
        found.append(*this);
}

Schema::Type Schema::type() const
{
    return m_data->type;
}

QString Schema::name() const
{
    return m_data->name;
}

Schema Schema::shape() const
{
    return m_data->type == Type::Named ? *m_data->item : *this;
}

const QList<SchemaField> &Schema::fields() const
{
    return m_data->fields;
}

const Schema &Schema::item() const
{
    Q_ASSERT_X(m_data->item, "Schema::item", "not an array");
    return *m_data->item;
}

QStringList Schema::literals() const
{
    return m_data->literals;
}

Schema::PathCheck Schema::pathCheck() const
{
    return m_data->pathCheck;
}

double Schema::minimum() const
{
    return m_data->minimum;
}

double Schema::maximum() const
{
    return m_data->maximum;
}

qsizetype Schema::maxLength() const
{
    return m_data->maxLength;
}

bool Schema::isNullable() const
{
    return m_data->nullable;
}

bool Schema::allowsOtherFields() const
{
    return m_data->open;
}

QString Schema::description() const
{
    return m_data->description;
}

} // namespace Conduit
