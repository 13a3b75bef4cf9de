import Foundation
import LecternCLI

Lectern.runTasksOnEventLoops()
Lectern.bootstrapProcess()
// All commands live in LecternCLI so that tests run them in-process, through this very same entry point.
exit(await Lectern.execute(Array(CommandLine.arguments.dropFirst())))
