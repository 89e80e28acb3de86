import Foundation
import Synchronization

/// Notices when the test process stops making progress that every test needs, and prints where its
/// threads are (gdb's stacks) to standard error once per stall, so that the cause shows in the CI log:
/// - Swift's cooperative pool (two threads on a two-core machine) has run no task for
///   `stallSeconds`: a test blocks its threads with a synchronous wait, and every other test's
///   awaits, timeouts and tokens stall with it;
/// - a child process (`/bin/true`) is not seen to end within `stallSeconds`: Foundation's watch
///   over child processes is held up, and every test waiting for a program waits with it.
///
/// Started by the helpers most tests use first (`onOwnThread`, `FinishedProcess.run`);
/// `INLET_TEST_STALL_SECONDS` sets the threshold (90 s unless set).
public enum StallWatchdog {
    private static let started: Void = {
        let seconds = ProcessInfo.processInfo.environment["INLET_TEST_STALL_SECONDS"].flatMap(Double.init) ?? 90
        let taskRan = Heartbeat()
        let childEnded = Heartbeat()
        Thread {
            while true {
                Task.detached { taskRan.beat() }
                Thread.sleep(forTimeInterval: min(5, seconds / 3))
            }
        }.start()
        Thread {
            while true {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: "/bin/true")
                if (try? child.run()) != nil { child.waitUntilExit() }
                childEnded.beat()
                Thread.sleep(forTimeInterval: min(5, seconds / 3))
            }
        }.start()
        Thread { watch(["Swift's cooperative pool has run no task": taskRan, "no child process has been seen to end": childEnded], stallSeconds: seconds) }.start()
    }()

    public static func start() {
        _ = started
    }

    private final class Heartbeat: Sendable {
        private let last = Mutex(ContinuousClock.now)
        func beat() { last.withLock { $0 = .now } }
        var silence: Duration { ContinuousClock.now - last.withLock { $0 } }
    }

    private static func watch(_ heartbeats: [String: Heartbeat], stallSeconds: Double) {
        var reported: Set<String> = []
        while true {
            Thread.sleep(forTimeInterval: min(5, stallSeconds / 3))
            for (what, heartbeat) in heartbeats {
                let silence = heartbeat.silence
                guard silence > .seconds(stallSeconds) else {
                    reported.remove(what)
                    continue
                }
                if reported.insert(what).inserted {
                    FileHandle.standardError.write(Data(report("test process: \(what) for \(silence.components.seconds) s", poolOnly: what.contains("pool")).utf8))
                }
            }
        }
    }

    /// The stacks of the threads running Swift tasks (`poolOnly`), or of every thread not idle in
    /// an event loop, under `heading`.
    private static func report(_ heading: String, poolOnly: Bool) -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else {
            return heading + "; no gdb to show where the threads are\n"
        }
        // gdb stops this process while it looks: its output goes to a file, as no thread here can read a pipe.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-stall-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let gdb = Process()
        gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
        gdb.arguments = ["-p", String(getpid()), "-batch", "-ex", "thread apply all bt 400"]
        do {
            let output = try FileHandle(forWritingTo: file)
            gdb.standardOutput = output
            gdb.standardError = output
            try gdb.run()
            gdb.waitUntilExit()
        } catch {
            return heading + "; gdb could not be run: \(error)\n"
        }
        let dump = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        // gdb's "Thread N (...)" paragraphs. The pool's threads run jobs (`swift_job_run`); thread
        // names say little, as a thread takes its creator's.
        let threads = dump.components(separatedBy: "\nThread ").dropFirst().filter { paragraph in
            guard !paragraph.contains("StallWatchdog") else { return false }
            if poolOnly { return paragraph.contains("swift_job_run") }
            return !paragraph.contains("SelectableEventLoop.run") && !paragraph.contains("_dispatch_worker_thread")
        }
        // A deep stack keeps its innermost frames and the outermost few.
        let shown = threads.map { paragraph in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
            let kept = lines.count > 48 ? lines.prefix(40) + ["    …"] + lines.suffix(6) : lines[...]
            return "Thread " + kept.joined(separator: "\n")
        }.joined(separator: "\n")
        return heading + "; where its threads are:\n" + String(shown.prefix(80_000)) + "\n"
    }
}
