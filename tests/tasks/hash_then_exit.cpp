// SPDX-License-Identifier: MIT
// Hashes a file on a pool thread, then exits, and checks that libcrypto was not cleaned up by
// then. The thread that first used libcrypto frees its libcrypto state from a thread-exit
// handler, and QThread::wait() returns before those handlers run: if libcrypto freed its
// global state at exit meanwhile, the two overlapped now and then and corrupted the heap
// (tst_coreutilsdiff aborted in CI after its last test, 1 run in about 100 of a standalone
// repro). Whether they overlap is timing; whether libcrypto cleans up at exit is not, so that
// is what this checks. Run by tst_hashtask::exitWhileHashingThreadsWindDown.
// Usage: hash_then_exit FILE. Exit code 0; 2 if the digest failed; 3 if libcrypto had been
// cleaned up when the last exit handler ran.
#include <worker/FileDigest.h>
#include <worker/TaskJob.h>

#include <QCoreApplication>
#include <QFile>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <openssl/crypto.h>

#include <cstdlib>
#include <unistd.h>

using namespace Conduit;

namespace {
// Registered before anything in libcrypto can register its own, so it runs after all of them.
// Once cleaned up, libcrypto refuses to initialise again.
void checkLibcryptoStillUp()
{
    if (OPENSSL_init_crypto(0, nullptr) != 1)
        ::_exit(3);
}
} // namespace

int main(int argc, char **argv)
{
    std::atexit(checkLibcryptoStillUp);
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 1;
    const QByteArray path = QFile::encodeName(QString::fromLocal8Bit(argv[1]));
    TaskProgress progress(QStringLiteral("bytes"));
    TaskJobFailure failure;
    PoolShare share;
    bool ok = false;
    QThreadPool pool;
    (void)QtConcurrent::run(&pool, [&](QPromise<void> &promise) {
        TaskJob job(promise, 0, progress, failure, share);
        FileDigest digest(QCryptographicHash::Sha256);
        ok = digest.digest(path, job).status == FileDigest::Outcome::Status::Ok;
    });
    pool.waitForDone();
    return ok ? 0 : 2;
}
