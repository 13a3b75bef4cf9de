import LecternStore
import Logging
import ServiceLifecycle

/// Deletes expired sessions at start and then hourly, so anonymous form sessions do not pile up.
struct SessionPruner: Service {
    let sessions: SessionStore
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try await sessions.prune()
                    if removed > 0 { logger.debug("removed \(removed) expired sessions") }
                } catch {
                    logger.warning("could not remove expired sessions: \(error)")
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
