import Synchronization

/// Waits for a task to end, for at most a given time. Awaiting a task's value cannot be cancelled, so a task that
/// never ends (postgres-nio's pool, once seen not to finish its shutdown) would hold whoever awaits it for ever: here
/// the wait is given up after `limit` and the task left to the process's exit.
enum BoundedWait {
    /// True when `task` ended within `limit`.
    static func until<T: Sendable>(_ task: Task<T, Never>, atMost limit: Duration) async -> Bool {
        let answer = Answer()
        return await withCheckedContinuation { continuation in
            answer.wait(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                answer.tell(false)
            }
            Task {
                _ = await task.value
                answer.tell(true)
                timer.cancel()  // no sleeper left behind (its `tell` after this one changes nothing)
            }
        }
    }

    /// The continuation, resumed by whichever comes first: the task's end or the limit.
    private final class Answer: Sendable {
        private let waiting = Mutex<CheckedContinuation<Bool, Never>?>(nil)

        func wait(_ continuation: CheckedContinuation<Bool, Never>) { waiting.withLock { $0 = continuation } }

        func tell(_ ended: Bool) {
            waiting.withLock { waiting in
                waiting?.resume(returning: ended)
                waiting = nil
            }
        }
    }
}
