import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// Hears, on one dedicated connection, the `NOTIFY` every write that changes the site or appends an event sends
/// (from any instance or CLI), and tells this process's observers. The connection is made again after it drops,
/// with a growing pause. Observers are told once each time the `LISTEN` is in place, the first time included: changes
/// made before it (since the observer started, or while the connection was down) were not announced to this process,
/// and they catch up by reading the revision and the event log, as at start. So the first call also says "listening".
///
/// Every announcement, a private write's too, is passed to `heard`; `listening` is told when the `LISTEN` is in place
/// and when the connection is lost (see `RecentReads`).
final class PostgresChangeListener: Sendable {
    let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let heard: @Sendable () -> Void
    private let listening: @Sendable (Bool) -> Void
    private let observers = NIOLockedValueBox<(next: Int, actions: [Int: @Sendable () -> Void], task: Task<Void, Never>?)>((0, [:], nil))

    init(
        configuration: PostgresConnection.Configuration, logger: Logger, heard: @escaping @Sendable () -> Void = {},
        listening: @escaping @Sendable (Bool) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.heard = heard
        self.listening = listening
    }

    /// Calls `action` after each change announced, for as long as the observation is kept. The connection is made
    /// with the first observer and ends with the last.
    func observe(_ action: @escaping @Sendable () -> Void) -> EventObservation {
        let id = observers.withLockedValue { state -> Int in
            let id = state.next
            state.next += 1
            state.actions[id] = action
            if state.task == nil { state.task = Task { [self] in await listen() } }
            return id
        }
        return EventObservation { [self] in
            let ended = observers.withLockedValue { state -> Task<Void, Never>? in
                state.actions[id] = nil
                guard state.actions.isEmpty, let task = state.task else { return nil }
                state.task = nil
                return task
            }
            ended?.cancel()
        }
    }

    private func tell() {
        for action in observers.withLockedValue({ Array($0.actions.values) }) { action() }
    }

    private func listen() async {
        var pause: Duration = .milliseconds(100)
        var lost = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                do {
                    try await connection.listen(on: PostgresChangeChannel.name) { notifications in
                        pause = .milliseconds(100)
                        if lost { logger.notice("the PostgreSQL change listener is listening again") }
                        lost = false
                        listening(true)
                        defer { listening(false) }
                        tell()
                        for try await notification in notifications {
                            heard()
                            if notification.payload != PostgresChangeChannel.privatePayload { tell() }
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                lost = true
                // String(reflecting:) gives the server's message and code; a PSQLError's description hides them.
                logger.warning("the PostgreSQL change listener lost its connection (\(String(reflecting: error))); connecting again in \(pause)")
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }
}
