import Foundation
import LecternStore
import Logging
import ServiceLifecycle

/// Notices changes made by other processes (the CLI importing content, closing a course, enrolling someone) by
/// reading the site's revision a few times a second, and marks cached pages stale when it moves, or when a scheduled
/// post's time has come (nothing was written then, yet every page that lists posts changed).
struct SiteRevisionWatcher: Service {
    let database: LecternDatabase
    let interval: Duration
    let logger: Logger
    /// Reloaded when the content changes, for the footer's links.
    var navigation: SiteNavigation?

    func run() async throws {
        let database = self.database
        let posts = PostStore(database: database)
        await cancelWhenGracefulShutdown {
            var known = try? await database.siteRevision()
            var nextPublication = try? await posts.nextPublication()
            while true {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    let revision = try await database.siteRevision()
                    let due = nextPublication.map { $0 <= Date() } ?? false
                    if revision != known || due {
                        known = revision
                        try await navigation?.reload(from: SitePageStore(database: database))
                        LecternDatabase.siteChangedElsewhere()
                        nextPublication = try await posts.nextPublication()
                    }
                } catch {
                    logger.debug("could not read the site revision: \(error)")
                }
            }
        }
    }
}
