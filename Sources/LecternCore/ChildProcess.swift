import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if os(Linux)
    // glibc declares pipe2 only under _GNU_SOURCE, which Swift's Glibc module does not define.
    @_silgen_name("pipe2") private func systemPipe2(_ ends: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
    /// A pipe whose ends close in every child started later, made atomically (no other thread's child can inherit it).
    private func closeOnExecPipe(_ ends: UnsafeMutablePointer<Int32>) -> Int32 { systemPipe2(ends, O_CLOEXEC) }
#else
    private func closeOnExecPipe(_ ends: UnsafeMutablePointer<Int32>) -> Int32 {
        guard pipe(ends) == 0 else { return -1 }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return 0
    }
#endif

/// A child process started with `posix_spawn`, with pipes to its standard streams.
///
/// Foundation's `Process.run()` on Linux lists `/proc/self/fd` with a 256-byte copy of each directory entry and crashes
/// now and then when an entry ends a page (swift-corelibs-foundation#5472, fixed upstream after Swift 6.3.1); a server
/// with many open connections makes that likelier. This is the small part of `Process` Lectern needs, without the listing:
/// the pipes are made close-on-exec, and the descriptors the server opens (sockets, SQLite files) are close-on-exec too.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// Write end of the child's standard input, when asked for.
    public let standardInput: FileHandle?
    /// Read ends of the child's standard output and error, when asked for.
    public let standardOutput: FileHandle?
    public let standardError: FileHandle?
    private let lock = NSLock()
    private var exitStatus: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` (an absolute path) with `arguments`. `environment` nil keeps this process's environment.
    /// Streams not piped are inherited.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, pipeInput: Bool = false, pipeOutput: Bool = false,
        pipeErrors: Bool = false
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        func makePipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard closeOnExecPipe(&ends) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
            return (ends[0], ends[1])
        }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        /// A pipe from or to the child's descriptor `target`; the parent keeps the other end.
        func attach(_ wanted: Bool, to target: Int32, childReads: Bool) throws -> FileHandle? {
            guard wanted else { return nil }
            let ends = try makePipe()
            let (childEnd, parentEnd) = childReads ? (ends.read, ends.write) : (ends.write, ends.read)
            posix_spawn_file_actions_adddup2(&actions, childEnd, target)
            parentEnds.append(parentEnd)
            childEnds.append(childEnd)
            return FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true)
        }
        let input = try attach(pipeInput, to: 0, childReads: true)
        let output = try attach(pipeOutput, to: 1, childReads: false)
        let errors = try attach(pipeErrors, to: 2, childReads: false)
        defer { for end in childEnds { close(end) } }

        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The child starts with every signal at its default and none blocked: the server ignores SIGPIPE and routes
        // SIGTERM/SIGINT through its own handlers, which a child would otherwise inherit (and never stop on SIGTERM).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            for end in parentEnds { close(end) }
            throw SpawnError(description: "could not start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = child
        self.standardInput = input
        self.standardOutput = output
        self.standardError = errors
    }

    /// Waits for the child to end; its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        if let status = lock.withLock({ exitStatus }) { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        let status = Self.decode(raw)
        lock.withLock { exitStatus = status }
        return status
    }

    /// Whether the child is still running (reaps it when it has ended).
    public var isRunning: Bool {
        if lock.withLock({ exitStatus }) != nil { return false }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
        lock.withLock { exitStatus = Self.decode(raw) }
        return false
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Runs to the end with `input` on standard input; the exit status, standard output and standard error.
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let child = try ChildProcess(executable, arguments, environment: environment, pipeInput: true, pipeOutput: true, pipeErrors: true)
        // Read both streams at once: a child filling one pipe while we wait on the other would never end.
        let errorsRead = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var errors = Data()
        DispatchQueue.global().async {
            errors = child.standardError?.readDataToEndOfFile() ?? Data()
            errorsRead.signal()
        }
        if let input { try? child.standardInput?.write(contentsOf: Data(input.utf8)) }
        try? child.standardInput?.close()
        let output = child.standardOutput?.readDataToEndOfFile() ?? Data()
        errorsRead.wait()
        let status = child.wait()
        return (status, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }
}
