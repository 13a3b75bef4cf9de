import CArgon2
import Foundation

/// The server's allocator settings. glibc gives threads that contend for memory arenas of their own, up to eight per
/// core, and memory freed in an arena stays with it: after bursts on many threads (NIO's loops, the task pool, the
/// hashing pool) the resident set stays near the sum of every arena's peak. Fewer, shared arenas keep it near what is
/// in use, at a small cost in contention on a machine with few cores.
public enum ProcessMemory {
    /// Call once at start, before the server's threads allocate.
    public static func shareArenas() {
        #if canImport(Glibc)
            _ = mallopt(M_ARENA_MAX, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
    }
}
