// SPDX-License-Identifier: MIT
#pragma once

// Writes a file by its raw name (bytes that need not be UTF-8) with the given mode, as the
// differential suites build their trees: true if every byte was written and the file closed.
#include <QByteArray>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ConduitTest {

inline bool writeRaw(const QByteArray &path, const QByteArray &content, mode_t mode = 0644)
{
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.constData(), size_t(content.size())) == content.size();
    return ::close(fd) == 0 && ok;
}

} // namespace ConduitTest
