import Foundation
import LecternCore

/// Imports the content folder into the database: the one path by which posts and courses change.
public protocol ContentStore: Sendable {
    /// Reads `loader`'s folder, re-renders only changed files and applies everything in one transaction.
    /// A refused file leaves what was stored from it untouched; a vanished file's post is unpublished, keeping its views.
    func sync(from loader: ContentLoader, now: Date) async throws -> SyncReport
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension ContentStore {
    public func sync(from loader: ContentLoader, now: Date = Date()) async throws -> SyncReport {
        try await self.sync(from: loader, now: now)
    }
}
