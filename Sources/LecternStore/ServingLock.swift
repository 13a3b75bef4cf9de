import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An advisory lock on a file beside the database: every running server holds it shared, and `lectern db restore`
/// holds it exclusively. So a restore never replaces the database under a server, and no server starts during one.
/// The kernel drops the lock when its process ends, however it ends: a crashed server leaves nothing stale.
public final class ServingLock: Sendable {
    /// The lock file for the database at `databasePath`.
    /// The lock file for the database at `databasePath`: beside the real file when the path is a symbolic link, so a
    /// server and a restore that name the database differently still meet.
    public static func path(for databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).resolvingSymlinksInPath().path + ".serving"
    }

    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock without waiting: shared for a server, exclusive for a restore.
    public static func acquire(databasePath: String, exclusive: Bool) throws(ServingLockError) -> ServingLock {
        let file = path(for: databasePath)
        // Read-only is enough for flock: a lock file first made by root (a restore run with sudo) still works for the
        // service's own user.
        let descriptor = open(file, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ServingLockError(path: file, reason: .cannotOpen(String(cString: strerror(errno)))) }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw ServingLockError(path: file, reason: exclusive ? .serverRunning : .restoreRunning) }
            throw ServingLockError(path: file, reason: .cannotOpen(String(cString: strerror(code))))
        }
        return ServingLock(descriptor: descriptor)
    }

    deinit { close(descriptor) }
}

/// Why the serving lock could not be taken.
public struct ServingLockError: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A server holds the lock: a restore must wait until it stops.
        case serverRunning
        /// A restore holds the lock: a server must wait until it ends.
        case restoreRunning
        case cannotOpen(String)
    }

    public var path: String
    public var reason: Reason
}
