import LecternStore
import Logging
import ServiceLifecycle

/// Notices changes made by other processes (the CLI importing content, closing a course, enrolling someone) by
/// reading the site's revision a few times a second, and marks cached pages stale when it moves.
struct SiteRevisionWatcher: Service {
    let database: LecternDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let database = self.database
        await cancelWhenGracefulShutdown {
            var known = try? await database.siteRevision()
            while true {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    let revision = try await database.siteRevision()
                    if revision != known {
                        known = revision
                        LecternDatabase.siteChangedElsewhere()
                    }
                } catch {
                    logger.debug("could not read the site revision: \(error)")
                }
            }
        }
    }
}
