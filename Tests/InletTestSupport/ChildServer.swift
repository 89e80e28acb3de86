import Foundation
import Testing

/// A server a test runs as a child process on 127.0.0.1 and kills when done (moto, stand-ins).
/// It runs in a process group of its own under `timeout`, so `stop` kills it with everything it
/// started, and a server whose test process died without stopping it is killed after `lifetime`.
public final class ChildServer: @unchecked Sendable {
    private let process = Process()
    public let port: Int
    /// The program's name, for reports.
    public let name: String
    private let logFile: URL
    /// The longest a server may live (a test stops it long before).
    public static let lifetime = 900

    /// Starts `executable` and waits (at most 30 s) until `port(from:)` finds the port in its
    /// output, or until the server itself listens on a fixed port. A fixed port that another process
    /// took first (ports are picked free, then bound by the server a moment later) throws
    /// `ChildServerError.portTaken`: start such servers through `withFreshPorts`, which picks new ports.
    public init(executable: String, arguments: [String], fixedPort: Int? = nil) throws {
        name = (executable as NSString).lastPathComponent == "env"
            ? arguments.first { !$0.contains("=") }.map { ($0 as NSString).lastPathComponent } ?? executable
            : (executable as NSString).lastPathComponent
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-child-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let output = Pipe()
        // Process starts the child as the leader of a group of its own; timeout keeps that group and
        // kills it whole when the lifetime is over.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", "-s", "KILL", String(Self.lifetime), executable] + arguments
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        do {
            port = try Self.waitForPort(of: process, output: output, fixedPort: fixedPort, executable: executable, log: logFile)
        } catch {
            Self.kill(process)
            try? FileManager.default.removeItem(at: logFile)
            throw error
        }
        ServerLogs.current?.started(self)
    }

    private static func waitForPort(of process: Process, output: Pipe, fixedPort: Int?, executable: String, log: URL) throws -> Int {
        guard let fixedPort else {
            let line = String(decoding: output.fileHandleForReading.availableLine(), as: UTF8.self)
            guard line.hasPrefix("port "), let number = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ChildServerError.didNotStart("\(executable) said '\(line)'")
            }
            return number
        }
        let deadline = Date().addingTimeInterval(30)
        while !ListeningSockets.isListening(port: fixedPort, processGroup: process.processIdentifier) {
            let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if ListeningSockets.isListening(port: fixedPort, processGroup: nil) && !ListeningSockets.isListening(port: fixedPort, processGroup: process.processIdentifier) {
                throw ChildServerError.portTaken(fixedPort, "another process listens on \(fixedPort)")
            }
            guard process.isRunning else {
                if ChildServerError.saysPortInUse(logText) { throw ChildServerError.portTaken(fixedPort, logText) }
                throw ChildServerError.didNotStart("\(executable) exited before it listened on \(fixedPort): \(logText)")
            }
            guard Date() < deadline else {
                throw ChildServerError.didNotStart("\(executable) did not listen on \(fixedPort): \(logText)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return fixedPort
    }

    /// Starts a server on ports picked free, again with new ports (up to `attempts` times) when
    /// another process takes one of them first.
    public static func withFreshPorts<Server>(attempts: Int = 5, _ start: () throws -> Server) throws -> Server {
        var attempt = 1
        while true {
            do {
                return try start()
            } catch ChildServerError.portTaken(let port, let detail) where attempt < attempts {
                FileHandle.standardError.write(Data("test server: port \(port) was taken (\(detail.suffix(200))); starting again on another\n".utf8))
                attempt += 1
            }
        }
    }

    /// Whether a process of this server's group listens on the loopback `port` (servers with
    /// several ports check the others with it).
    public func listens(on port: Int) -> Bool {
        ListeningSockets.isListening(port: port, processGroup: process.processIdentifier)
    }

    /// SIGKILL to the server's whole group (its own children too), then reaps it.
    private static func kill(_ process: Process) {
        if process.isRunning {
            _ = Foundation.kill(-process.processIdentifier, SIGKILL)
            _ = Foundation.kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The server's base URL, for HTTP servers.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Stops the server. One that had already exited on its own (its test then saw it vanish) has
    /// its log printed; the logs of the servers a failing `onOwnThread` body used are printed too.
    public func stop() {
        let diedEarly = !process.isRunning
        Self.kill(process)
        let text = log
        if diedEarly {
            FileHandle.standardError.write(Data("test server \(name) (port \(port)) exited on its own (status \(process.terminationStatus)) before its test stopped it; its log:\n\(text.suffix(4000))\n".utf8))
        }
        ServerLogs.current?.stopped(name: name, port: port, log: text)
        try? FileManager.default.removeItem(at: logFile)
    }

    /// A port no one listens on now: another process may take it before the caller binds it, so
    /// servers started on it go through `withFreshPorts`; for a port that must stay closed, use `ClosedPort`.
    public static func freePort() -> Int {
        let (descriptor, port) = LoopbackSocket.bound()
        close(descriptor)
        return port
    }

    static func answers(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = LoopbackSocket.address(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

public enum ChildServerError: Error {
    case didNotStart(String)
    /// Another process listens on the port the server was to bind.
    case portTaken(Int, String)

    static func saysPortInUse(_ log: String) -> Bool {
        let lowered = log.lowercased()
        // SeaweedFS says "Port allocation failed: port N for Filer … is not available".
        return lowered.contains("address already in use") || lowered.contains("could not bind") || lowered.contains("errno 98")
            || lowered.contains("port allocation failed")
    }
}

private extension FileHandle {
    /// Bytes up to the first newline (or the end).
    func availableLine() -> [UInt8] {
        var line: [UInt8] = []
        while let byte = try? read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        return line
    }
}

extension ChildServer {
    /// moto's S3 server on a free port, from the venv `.ci/run` makes (`INLET_S3_VENV`).
    public static func moto() throws -> ChildServer {
        let venv = ProcessInfo.processInfo.environment["INLET_S3_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-s3/venv"
        return try withFreshPorts {
            let port = freePort()
            return try ChildServer(executable: venv + "/bin/moto_server", arguments: ["-H", "127.0.0.1", "-p", String(port)], fixedPort: port)
        }
    }
}

/// Runs blocking work (network waits, child processes, semaphores) on a thread of its own, so the
/// few cooperative threads the tests share keep running other tests meanwhile. Expectations belong
/// outside: a plain thread is not inside any test.
/// When `body` throws, the logs of the test servers it started are printed with the error.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    StallWatchdog.start()
    return try await withCheckedThrowingContinuation { continuation in
        Thread {
            let logs = ServerLogs()
            Thread.current.threadDictionary[ServerLogs.key] = logs
            let result = Result { try body() }
            if case .failure(let error) = result { logs.print(because: error) }
            Thread.current.threadDictionary.removeObject(forKey: ServerLogs.key)
            continuation.resume(with: result)
        }.start()
    }
}

/// The logs of the test servers started on one thread, printed when the work there fails.
final class ServerLogs: @unchecked Sendable {
    static let key = "inlet.test-server-logs"
    private var running: [ChildServer] = []
    private var stopped: [(name: String, port: Int, log: String)] = []

    static var current: ServerLogs? { Thread.current.threadDictionary[key] as? ServerLogs }

    func started(_ server: ChildServer) { running.append(server) }

    func stopped(name: String, port: Int, log: String) {
        running.removeAll { $0.name == name && $0.port == port }
        stopped.append((name, port, log))
    }

    func print(because error: any Error) {
        let logs = stopped + running.map { ($0.name, $0.port, $0.log) }
        for (name, port, log) in logs {
            FileHandle.standardError.write(Data("test failed (\(error)); log of test server \(name) on port \(port):\n\(log.suffix(4000))\n".utf8))
        }
    }
}

/// Who listens on which loopback TCP port, from `/proc/net/tcp{,6}` and `/proc/<pid>/fd`.
enum ListeningSockets {
    /// Whether `port` has a listening socket, held by a process of `processGroup` when one is given.
    static func isListening(port: Int, processGroup: Int32?) -> Bool {
        let inodes = listeningInodes(port: port)
        guard !inodes.isEmpty else { return false }
        guard let processGroup else { return true }
        return !inodes.isDisjoint(with: socketInodes(ofGroup: processGroup))
    }

    private static func listeningInodes(port: Int) -> Set<String> {
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = procText(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                      Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return inodes
    }

    /// A /proc file's text, read to its end (they report a size of 0, so readers that trust the
    /// size read nothing).
    private static func procText(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func socketInodes(ofGroup group: Int32) -> Set<String> {
        var inodes = Set<String>()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where pid.allSatisfy(\.isNumber) {
            guard let stat = procText("/proc/\(pid)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[2]) == group else { continue }
            for descriptor in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                      target.hasPrefix("socket:[") else { continue }
                inodes.insert(String(target.dropFirst(8).dropLast()))
            }
        }
        return inodes
    }
}

/// SeaweedFS's `weed mini` on loopback: S3 and an Iceberg REST catalog (OAuth2 client credentials
/// admin:adminsecret, table bucket `lake`), on free ports, its data in a directory removed at `stop`.
public final class SeaweedServer: Sendable {
    public static let clientID = "admin"
    public static let clientSecret = "adminsecret"
    private let child: ChildServer
    private let directory: URL
    public let s3Port: Int
    public let catalogPort: Int

    public var s3Endpoint: String { "http://127.0.0.1:\(s3Port)" }
    public var catalogURI: String { "http://127.0.0.1:\(catalogPort)" }
    public var log: String { child.log }

    public convenience init() throws {
        let venv = ProcessInfo.processInfo.environment["INLET_CATALOGS_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-catalogs/venv"
        let (child, directory, s3Port, catalogPort) = try ChildServer.withFreshPorts { () throws -> (ChildServer, URL, Int, Int) in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-seaweed-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Each server's gRPC listens 10000 above its HTTP port: both must be free.
            var ports: [Int] = []
            while ports.count < 6 {
                let port = ChildServer.freePort()
                if port < 55_000, !ports.contains(port), !ports.contains(port + 10_000), ChildServer.isFree(port + 10_000) { ports.append(port) }
            }
            let (s3Port, catalogPort) = (ports[3], ports[4])
            let child: ChildServer
            do {
                child = try ChildServer(
                    executable: "/usr/bin/env",
                    arguments: ["AWS_ACCESS_KEY_ID=\(Self.clientID)", "AWS_SECRET_ACCESS_KEY=\(Self.clientSecret)", venv + "/bin/weed", "mini",
                                "-dir=\(directory.path)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-admin.ui=false", "-webdav=false",
                                "-tableBucket=lake", "-master.telemetry=false", "-s3.port.lance=0",
                                "-master.port=\(ports[0])", "-volume.port=\(ports[1])", "-filer.port=\(ports[2])", "-s3.port=\(ports[3])",
                                "-s3.port.iceberg=\(ports[4])", "-admin.port=\(ports[5])"],
                    fixedPort: catalogPort)
            } catch {
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
            // The catalog listens before S3 answers and before the table bucket exists: wait for both,
            // and make sure S3's port is this server's.
            let deadline = Date().addingTimeInterval(30)
            while !child.listens(on: s3Port) || !ChildServer.answersHTTP(port: s3Port, path: "/") || !Self.listsNamespaces(catalogPort: catalogPort) {
                let taken = !child.listens(on: s3Port) && ListeningSockets.isListening(port: s3Port, processGroup: nil)
                let log = child.log
                if taken || Date() >= deadline || ChildServerError.saysPortInUse(log) {
                    child.stop()
                    try? FileManager.default.removeItem(at: directory)
                    if taken || ChildServerError.saysPortInUse(log) { throw ChildServerError.portTaken(s3Port, log) }
                    throw ChildServerError.didNotStart("weed mini did not answer: \(log)")
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return (child, directory, s3Port, catalogPort)
        }
        self.init(child: child, directory: directory, s3Port: s3Port, catalogPort: catalogPort)
    }

    private init(child: ChildServer, directory: URL, s3Port: Int, catalogPort: Int) {
        self.child = child
        self.directory = directory
        self.s3Port = s3Port
        self.catalogPort = catalogPort
    }

    /// Whether the catalog lists the table bucket's namespaces (with a token it handed out).
    private static func listsNamespaces(catalogPort: Int) -> Bool {
        let form = "grant_type=client_credentials&client_id=\(Self.clientID)&client_secret=\(Self.clientSecret)&scope=catalog"
        guard let answer = ChildServer.exchange(port: catalogPort, request: "POST /v1/oauth/tokens HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n\(form)"),
              let body = answer.range(of: "\r\n\r\n").map({ answer[$0.upperBound...] }),
              let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let token = json["access_token"] as? String else { return false }
        let listing = ChildServer.exchange(port: catalogPort, request: "GET /v1/lake/namespaces HTTP/1.0\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer \(token)\r\n\r\n")
        return listing?.hasPrefix("HTTP/1.1 200") == true || listing?.hasPrefix("HTTP/1.0 200") == true
    }

    public func stop() {
        child.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension ChildServer {
    static func isFree(_ port: Int) -> Bool { !answers(port: port) }

    /// Whether a GET of `path` on the loopback `port` gets any HTTP answer within 2 s.
    static func answersHTTP(port: Int, path: String) -> Bool {
        exchange(port: port, request: "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?.hasPrefix("HTTP/") == true
    }

    /// The whole answer to an HTTP/1.0 request (the server closes the connection after it), or nil
    /// without one within 2 s.
    static func exchange(port: Int, request: String) -> String? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = LoopbackSocket.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, 0) == bytes.count else { return nil }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self)
    }
}

/// A PostgreSQL server of its own on a free loopback port (Debian's binaries), with a database and
/// user `inlet` (password `inlet-secret`); its data directory is removed at `stop`. As root, the
/// server runs as the `postgres` user (PostgreSQL refuses to run as root).
public final class PostgresServer: Sendable {
    public static let user = "inlet"
    public static let password = "inlet-secret"
    private let child: ChildServer
    private let directory: URL
    public let port: Int

    public var url: String { "postgres://\(Self.user):\(Self.password)@127.0.0.1:\(port)/inlet" }
    /// The same database for SQLAlchemy (pyiceberg's SqlCatalog).
    public var sqlAlchemyURL: String { "postgresql+psycopg2://\(Self.user):\(Self.password)@127.0.0.1:\(port)/inlet" }

    public init() throws {
        let binaries = ProcessInfo.processInfo.environment["INLET_POSTGRES_BIN"] ?? "/usr/lib/postgresql/15/bin"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let passwordFile = directory.appendingPathComponent("password").path
        try Self.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let asRoot = getuid() == 0
        let prefix = asRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
        if asRoot { try Self.runToEnd("/usr/bin/env", ["chown", "-R", "postgres:postgres", directory.path]) }
        let data = directory.appendingPathComponent("data").path
        try Self.runToEnd("/usr/bin/env", prefix + [binaries + "/initdb", "-D", data, "-U", Self.user, "--pwfile=\(passwordFile)",
                                                      "--auth=scram-sha-256", "--no-sync", "-E", "UTF8"])
        let directoryPath = directory.path
        child = try ChildServer.withFreshPorts {
            let port = ChildServer.freePort()
            return try ChildServer(executable: "/usr/bin/env",
                                   arguments: prefix + [binaries + "/postgres", "-D", data, "-h", "127.0.0.1", "-p", String(port),
                                                        "-k", directoryPath, "-c", "fsync=off"],
                                   fixedPort: port)
        }
        port = child.port
        do {
            try waitUntilReady(binaries: binaries)
            try psql("CREATE DATABASE inlet", database: "postgres")
        } catch {
            stop()
            throw error
        }
    }

    private func waitUntilReady(binaries: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while true {
            let ready = Process()
            ready.executableURL = URL(fileURLWithPath: binaries + "/pg_isready")
            ready.arguments = ["-h", "127.0.0.1", "-p", String(port), "-q"]
            try ready.run()
            ready.waitUntilExit()
            if ready.terminationStatus == 0 { break }
            guard Date() < deadline else { throw ChildServerError.didNotStart("postgres did not get ready: \(child.log)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Runs SQL with psql as the server's user.
    public func psql(_ sql: String, database: String = "inlet") throws {
        let binaries = ProcessInfo.processInfo.environment["INLET_POSTGRES_BIN"] ?? "/usr/lib/postgresql/15/bin"
        try Self.runToEnd("/usr/bin/env", ["PGPASSWORD=\(Self.password)", binaries + "/psql", "-h", "127.0.0.1", "-p", String(port),
                                           "-U", Self.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    public func stop() {
        child.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func runToEnd(_ executable: String, _ arguments: [String]) throws {
        let finished = try FinishedProcess.runBlocking(executable, arguments)
        guard finished.status == 0 else {
            throw ChildServerError.didNotStart("\(arguments.joined(separator: " ")) failed: \(finished.output)")
        }
    }
}
