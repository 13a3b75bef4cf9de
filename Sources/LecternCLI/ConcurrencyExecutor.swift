import NIOCore
import NIOPosix

extension Lectern {
    /// Runs Swift concurrency's tasks on the event loops that do the server's I/O, instead of on a pool of its own,
    /// so a request no longer hops threads between the socket and its handler (issue 13: those hops were a fifth
    /// of a signed-in page's CPU). Call once, from the main thread, before any task runs: the binary's first line.
    public static func runTasksOnEventLoops() {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
