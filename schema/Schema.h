// SPDX-License-Identifier: MIT
#pragma once

#include "SchemaError.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace Conduit {

struct SchemaField;

// What a JSON value must look like, said once: validate() checks a value against it at run
// time, typeScript() writes its type for the page at build time. Commands, events, requests and
// task kinds all declare their shapes with it. Built fluently; a Schema is a value (copies share
// their description until one of them is changed):
//
//   Schema::object()
//       .required("root", Schema::path(Schema::PathCheck::Folder))
//       .optional("algorithm", Schema::oneOf({"md5", "sha256"}), "sha256")
//
// Objects are closed: a field the schema does not name is refused, because a typo should not
// pass silently. A field that is absent or null is missing: required ones are refused, optional
// ones take their default (or stay absent).
class Schema
{
public:
    enum class Type {
        Any,
        Boolean,
        Integer,
        Number,
        String,
        Literals,
        Path,
        Array,
        Object,
        Named,
        Bytes,
    };
    // A path is absolute and comes back cleaned; the check is made when it is validated.
    enum class PathCheck {
        None,
        Folder,       // an existing folder
        File,         // an existing regular file (or a link to one)
        ParentFolder, // a file still to be written: its folder exists, and it is not a folder
    };

    // The largest integer a JavaScript number holds exactly (Number.MAX_SAFE_INTEGER).
    static constexpr double kMaxSafeInteger = 9007199254740991.0;

    Schema(); // any()
    static Schema any();
    static Schema boolean();
    static Schema integer(); // a safe integer (|n| ≤ kMaxSafeInteger)
    static Schema number();  // any finite number
    static Schema string();
    static Schema oneOf(const QStringList &values); // one of these strings
    static Schema nothing(); // no value at all (TypeScript's never): a kind with no output
    static Schema path(PathCheck check = PathCheck::None);
    static Schema arrayOf(const Schema &item);
    static Schema object(); // add its fields with required() and optional()
    // Bytes, which travel beside the JSON: a command's result (bridge/Bytes, the page's
    // ConduitBytes) or a top-level argument the page uploads (a Uint8Array, an ArrayBuffer or a
    // Blob on the page; CommandRegistry refuses bytes nested deeper). In the JSON an argument's
    // bytes are a reference, {upload, size}: validate() accepts that and nothing else.
    static Schema bytes();
    // A shape with a name of its own: the page's types declare it once, by that name.
    static Schema named(const QString &name, const Schema &shape);

    Schema &range(double minimum, double maximum); // Integer, Number
    Schema &maxLength(qsizetype length);           // String, Path: characters
    Schema &nonEmpty();                            // String
    Schema &maxItems(qsizetype count);             // Array
    Schema &orNull();                              // null is a value of its own (results)
    Schema &describe(const QString &text);         // the page's JSDoc for a field of this type

    // Object: fields it does not name pass unchecked (a task's params, checked by its kind).
    Schema &allowOtherFields();
    Schema &required(const QString &name, const Schema &field);
    Schema &optional(const QString &name, const Schema &field,
                     const QJsonValue &fallback = QJsonValue::Undefined);

    // The value with defaults filled in and paths cleaned, or SchemaError naming the first
    // offending place ("root", "filters[2]", "params.algorithm").
    QJsonValue validate(const QJsonValue &value) const;
    // validate() for an object's fields, the common case of arguments and params.
    QJsonObject validateObject(const QJsonObject &value) const;

    // The TypeScript type, with named shapes written by their name.
    QString typeScript() const;
    // Every named shape this one uses (itself included), innermost first, each once.
    QList<Schema> namedShapes() const;
    // The same for several shapes at once (a whole API), each name once.
    static QList<Schema> namedShapes(const QList<Schema> &roots);

    Type type() const;
    QString name() const;                     // Named
    Schema shape() const;                     // Named: what the name stands for
    const QList<SchemaField> &fields() const; // Object
    const Schema &item() const;               // Array
    QStringList literals() const;             // Literals
    PathCheck pathCheck() const;              // Path
    double minimum() const;
    double maximum() const;
    qsizetype maxLength() const;
    bool isNullable() const;
    bool allowsOtherFields() const;
    QString description() const;

private:
    struct Data;
    explicit Schema(Type type);
    Data &edit(); // this schema's own description, copied first if it is shared
    void collectNamedShapes(QList<Schema> &found) const;

    QJsonValue check(const QJsonValue &value, const QString &where) const;
    QJsonObject checkFields(const QJsonObject &value, const QString &where) const;

    std::shared_ptr<const Data> m_data;
};

struct SchemaField
{
    QString name;
    Schema schema;
    bool required = true;
    QJsonValue fallback; // Undefined: an absent optional field stays absent
};

} // namespace Conduit
