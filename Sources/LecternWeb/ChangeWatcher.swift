import Foundation
import LecternServices
import LecternStore
import Logging
import ServiceLifecycle

/// Notices what changed, a few times a second and at once after this process's own events, and passes it on: the
/// site's revision (moved by any process's writes: the CLI importing content, another server) marks cached pages
/// stale, and so does a scheduled post's time coming; the event log's new rows go to the live connections. One loop
/// for both, so another process's change reaches pages and live clients within one interval.
struct ChangeWatcher: Service {
    let database: any SiteDatabase
    let interval: Duration
    let logger: Logger
    /// Reloaded when the content changes, for the footer's links.
    var navigation: SiteNavigation?
    let hub: LiveHub
    let feed: LiveFeed

    func run() async throws {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // This process's own events go out at once, not at the next interval.
        let observation = database.events.observeAppends { wake.yield() }
        defer { observation.cancel() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil { wake.yield() }
                wake.finish()
            }
            await cancelWhenGracefulShutdown {
                let site = SiteState(database: database, navigation: navigation)
                await site.start()
                for await _ in wakes {
                    await site.check(logger: logger)
                    do {
                        try await hub.tick(feed) { await site.check(logger: logger) }
                    } catch {
                        // The next pass starts from the same position: nothing is skipped.
                        logger.warning("live updates could not read the event log: \(error)")
                    }
                }
            }
            group.cancelAll()
        }
        await hub.shutDown()
    }
}

/// What the watcher knows of the public site: its revision and the next scheduled post's time. An actor, as the live
/// hub checks it too, between reading events and delivering them.
private actor SiteState {
    let database: any SiteDatabase
    let navigation: SiteNavigation?
    var known: Int?
    var nextPublication: Date?

    init(database: any SiteDatabase, navigation: SiteNavigation?) {
        self.database = database
        self.navigation = navigation
    }

    func start() async {
        known = try? await database.siteRevision()
        nextPublication = try? await database.posts.nextPublication()
    }

    func check(logger: Logger) async {
        do {
            let revision = try await database.siteRevision()
            let due = nextPublication.map { $0 <= Date() } ?? false
            guard revision != known || due else { return }
            known = revision
            try await navigation?.reload(from: database.sitePages)
            LecternDatabase.siteChangedElsewhere()
            nextPublication = try await database.posts.nextPublication()
        } catch {
            logger.debug("could not read the site revision: \(error)")
        }
    }
}
