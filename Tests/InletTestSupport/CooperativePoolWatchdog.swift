import Foundation
import Synchronization

/// Notices when Swift's cooperative pool (two threads on a two-core machine) has run nothing for
/// `stallSeconds`: some test then blocks its threads with a synchronous wait, and every other
/// test's awaits, timeouts and tokens stall with it. It prints the stacks of the pool's threads
/// (gdb's) to standard error once per stall, so that the blocking call shows in the CI log.
///
/// Started by the helpers most tests use first (`onOwnThread`, `FinishedProcess.run`);
/// `INLET_TEST_STALL_SECONDS` sets the threshold (90 s unless set).
public enum CooperativePoolWatchdog {
    private static let started: Void = {
        let seconds = ProcessInfo.processInfo.environment["INLET_TEST_STALL_SECONDS"].flatMap(Double.init) ?? 90
        Thread { watch(stallSeconds: seconds) }.start()
    }()

    public static func start() {
        _ = started
    }

    private final class LastRun: Sendable {
        let instant = Mutex(ContinuousClock.now)
    }

    private static func watch(stallSeconds: Double) {
        let lastRun = LastRun()
        var reported = false
        while true {
            Task.detached { lastRun.instant.withLock { $0 = .now } }
            Thread.sleep(forTimeInterval: min(5, stallSeconds / 3))
            let silence = ContinuousClock.now - lastRun.instant.withLock { $0 }
            guard silence > .seconds(stallSeconds) else {
                reported = false
                continue
            }
            if !reported {
                reported = true
                FileHandle.standardError.write(Data(report(silence: silence).utf8))
            }
        }
    }

    /// The stacks of the threads running Swift tasks, with the stall's length.
    private static func report(silence: Duration) -> String {
        let heading = "test process: Swift's cooperative pool has run no task for \(silence.components.seconds) s; "
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else {
            return heading + "no gdb to show which calls block its threads\n"
        }
        // gdb stops this process while it looks: its output goes to a file, as no thread here can read a pipe.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-stall-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let gdb = Process()
        gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
        gdb.arguments = ["-p", String(getpid()), "-batch", "-ex", "thread apply all bt 50"]
        do {
            let output = try FileHandle(forWritingTo: file)
            gdb.standardOutput = output
            gdb.standardError = output
            try gdb.run()
            gdb.waitUntilExit()
        } catch {
            return heading + "gdb could not be run: \(error)\n"
        }
        let dump = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        // gdb's "Thread N (...)" paragraphs; the pool's threads (and those of dispatch's global
        // queue) are named "…default-qos", overcommit ones aside.
        let threads = dump.components(separatedBy: "\nThread ").filter { paragraph in
            let name = paragraph.prefix { $0 != "\n" }
            return name.contains("default-qos") && !name.contains("overcommit") && !paragraph.contains("CooperativePoolWatchdog")
        }
        let shown = threads.isEmpty ? [String(dump.suffix(20_000))] : threads.map { "Thread " + $0 }
        return heading + "the threads running tasks:\n" + shown.joined(separator: "\n") + "\n"
    }
}
