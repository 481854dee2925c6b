// SPDX-License-Identifier: MIT
#include "FileTree.h"

#include "TaskError.h"

#include <QFile>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace Conduit {

namespace {
QString errorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}
} // namespace

std::optional<QByteArray> FileTree::canonical(const QByteArray &path)
{
    char *resolved = ::realpath(path.constData(), nullptr);
    if (!resolved)
        return std::nullopt;
    QByteArray result(resolved);
    std::free(resolved);
    return result;
}

bool FileTree::isInside(const QByteArray &canonicalPath, const QByteArray &canonicalRoot)
{
    const QByteArray prefix = canonicalRoot.endsWith('/') ? canonicalRoot : canonicalRoot + '/';
    return canonicalPath.size() > prefix.size() && canonicalPath.startsWith(prefix);
}

QString FileTree::describeType(mode_t mode)
{
    if (S_ISFIFO(mode))
        return QStringLiteral("FIFO");
    if (S_ISSOCK(mode))
        return QStringLiteral("socket");
    if (S_ISCHR(mode))
        return QStringLiteral("character device");
    if (S_ISBLK(mode))
        return QStringLiteral("block device");
    if (S_ISDIR(mode))
        return QStringLiteral("folder");
    if (S_ISLNK(mode))
        return QStringLiteral("symlink");
    return QStringLiteral("regular file");
}

QStringList FileTree::skipReasons()
{
    return {QStringLiteral("special"),           QStringLiteral("unreadable"),
            QStringLiteral("broken_link"),       QStringLiteral("link_to_folder"),
            QStringLiteral("link_outside_root"), QStringLiteral("manifest")};
}

bool FileTree::walk(const QByteArray &root, const QByteArray &exclude,
                    const std::function<bool()> &checkpoint, std::vector<File> *files,
                    std::vector<Skipped> *skipped)
{
    const QByteArray canonicalRoot = canonical(root).value_or(root);
    struct stat excluded;
    const bool haveExcluded = !exclude.isEmpty() && ::stat(exclude.constData(), &excluded) == 0;
    const auto isExcluded = [&](const struct stat &info) {
        return haveExcluded && info.st_dev == excluded.st_dev && info.st_ino == excluded.st_ino;
    };

    std::vector<QByteArray> folders{QByteArray()}; // relative; "" is root itself
    while (!folders.empty()) {
        const QByteArray folder = std::move(folders.back());
        folders.pop_back();
        const QByteArray absoluteFolder = folder.isEmpty() ? root : root + '/' + folder;
        DIR *dir = ::opendir(absoluteFolder.constData());
        if (!dir) {
            if (folder.isEmpty()) // nothing at all could be listed: a failure, not a skip
                throw TaskError(QStringLiteral("io_error"),
                                QStringLiteral("cannot read %1: %2")
                                    .arg(QFile::decodeName(root), errorText(errno)),
                                QJsonObject{{QStringLiteral("path"), QFile::decodeName(root)}});
            skipped->push_back({folder, QStringLiteral("unreadable"), errorText(errno)});
            continue;
        }
        while (const dirent *entry = ::readdir(dir)) {
            if (!checkpoint()) {
                ::closedir(dir);
                return false;
            }
            const QByteArray name(entry->d_name);
            if (name == "." || name == "..")
                continue;
            const QByteArray relative = folder.isEmpty() ? name : folder + '/' + name;
            struct stat info;
            if (::fstatat(::dirfd(dir), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
                skipped->push_back({relative, QStringLiteral("unreadable"), errorText(errno)});
                continue;
            }
            if (S_ISDIR(info.st_mode)) {
                folders.push_back(relative);
                continue;
            }
            if (S_ISLNK(info.st_mode)) {
                const QByteArray absolute = root + '/' + relative;
                struct stat target;
                if (::stat(absolute.constData(), &target) != 0) {
                    skipped->push_back({relative, QStringLiteral("broken_link"), errorText(errno)});
                    continue;
                }
                if (isExcluded(target)) {
                    skipped->push_back({relative, QStringLiteral("manifest"), {}});
                    continue;
                }
                if (S_ISDIR(target.st_mode)) {
                    skipped->push_back({relative, QStringLiteral("link_to_folder"), {}});
                    continue;
                }
                const auto resolved = canonical(absolute);
                if (!resolved || !isInside(*resolved, canonicalRoot)) {
                    skipped->push_back({relative, QStringLiteral("link_outside_root"),
                                        resolved ? QString::fromLocal8Bit(*resolved) : QString()});
                    continue;
                }
                if (!S_ISREG(target.st_mode)) {
                    skipped->push_back(
                        {relative, QStringLiteral("special"), describeType(target.st_mode)});
                    continue;
                }
                files->push_back({relative, qint64(target.st_size)});
                continue;
            }
            if (isExcluded(info)) {
                skipped->push_back({relative, QStringLiteral("manifest"), {}});
                continue;
            }
            if (!S_ISREG(info.st_mode)) {
                skipped->push_back(
                    {relative, QStringLiteral("special"), describeType(info.st_mode)});
                continue;
            }
            files->push_back({relative, qint64(info.st_size)});
        }
        ::closedir(dir);
    }
    return true;
}

} // namespace Conduit
