import Foundation
import Testing

@testable import LecternCore

#if canImport(Glibc)
    import Glibc
#endif

/// Child processes without Foundation's `Process` (see `ChildProcess`): sendmail and the end-to-end tests use them.
@Suite struct ChildProcessTests {
    @Test func inputGoesInAndOutputAndErrorsComeBack() throws {
        let run = try ChildProcess.run("/bin/sh", ["-c", "tr a-z A-Z; echo oops >&2; exit 3"], input: "hello\n")
        #expect(run.status == 3)
        #expect(run.output == "HELLO\n")
        #expect(run.errors == "oops\n")
    }

    @Test func aSignalEndsTheChildAndShowsInItsStatus() throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        #expect(child.isRunning)
        child.signal(SIGTERM)
        #expect(child.wait() == 128 + SIGTERM)
        #expect(!child.isRunning)
    }

    @Test func aMissingProgramIsAClearError() {
        #expect(throws: ChildProcess.SpawnError.self) { try ChildProcess("/no/such/program", []) }
    }

    @Test func largeOutputOnBothStreamsDoesNotDeadlock() throws {
        let run = try ChildProcess.run("/bin/sh", ["-c", "head -c 200000 /dev/zero | tr '\\\\0' a; head -c 200000 /dev/zero | tr '\\\\0' b >&2"])
        #expect(run.status == 0 && run.output.count == 200_000 && run.errors.count == 200_000)
    }
}
