import Hummingbird
import LecternCore
import LecternServices
import NIOCore
import NIOPosix

/// Runs argon2id off the event loops, on a small dedicated thread pool, with a cap on hashes in flight and
/// waiting, so a login flood queues (then gets a 503) instead of stalling page serving or exhausting memory.
final class PasswordHasher: PasswordHashing {
    /// One pool per process, leaving a core for serving pages on small machines.
    static let threadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, NIOCore.System.coreCount - 1))
        pool.start()
        return pool
    }()

    let parameters: Argon2Parameters
    private let limiter: ConcurrencyLimiter
    /// Verified against when an email is unknown, so that path costs the same time as a wrong password.
    private let dummyHash: String

    init(parameters: Argon2Parameters, maxConcurrent: Int = max(1, NIOCore.System.coreCount - 1), maxWaiting: Int = 256) throws {
        self.parameters = parameters
        PasswordHash.keepHashMemoryReturnable()
        self.limiter = ConcurrencyLimiter(permits: maxConcurrent, maxWaiting: maxWaiting)
        self.dummyHash = try PasswordHash.make(SecretToken.make(), parameters: parameters)
    }

    func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        SiteMetrics.own.passwordHashesInFlight.increment()
        defer { SiteMetrics.own.passwordHashesInFlight.decrement() }
        return try await limiter.run {
            try await Self.threadPool.runIfActive { try PasswordHash.make(password, parameters: parameters) }
        }
    }

    /// Checks `password` against `encoded`, or against a dummy hash when there is no account, taking the same time.
    func verify(_ password: String, against encoded: String?) async throws -> Bool {
        let hash = encoded ?? dummyHash
        SiteMetrics.own.passwordHashesInFlight.increment()
        defer { SiteMetrics.own.passwordHashesInFlight.decrement() }
        let matches = try await limiter.run {
            try await Self.threadPool.runIfActive { PasswordHash.verify(password, against: hash) }
        }
        return matches && encoded != nil
    }

}

/// Lets at most `permits` operations run at once and `maxWaiting` wait; beyond that it refuses with a 503.
actor ConcurrencyLimiter {
    private let permits: Int
    private let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int, maxWaiting: Int) {
        self.permits = permits
        self.maxWaiting = maxWaiting
    }

    func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        if running >= permits {
            guard waiting.count < maxWaiting else {
                throw HTTPError(.serviceUnavailable, message: "Too many people are signing in right now. Please try again in a few seconds.")
            }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer { release() }
        return try await operation()
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()  // the permit passes straight to the next waiter
        }
    }
}
