import GRDB

/// A write the database's storage refused (a full disk, a read-only file system, an I/O error). Nothing of the
/// write was kept, reads still work, and the same write can succeed once the storage recovers, without a restart.
public struct StorageUnavailableError: Error, Sendable, CustomStringConvertible {
    public enum Cause: String, Sendable {
        case diskFull = "the disk is full"
        case readOnly = "the database or its file system is read-only"
        case inputOutput = "the disk reported an I/O error"
        case unreachable = "the database server cannot be reached"
    }

    public var cause: Cause
    public var path: String

    public var description: String { "database '\(path)' cannot be written: \(cause.rawValue); nothing was saved" }

    public init(cause: Cause, path: String) {
        self.cause = cause
        self.path = path
    }

    /// The storage problem behind `error`, or nil when the error is about the write itself (a constraint, a bug).
    init?(_ error: DatabaseError, path: String) {
        switch error.resultCode {
        case .SQLITE_FULL: cause = .diskFull
        case .SQLITE_READONLY: cause = .readOnly
        case .SQLITE_IOERR: cause = .inputOutput
        default: return nil
        }
        self.path = path
    }
}
