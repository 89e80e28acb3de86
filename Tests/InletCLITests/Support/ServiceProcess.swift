import Crypto
import Foundation
import InletHTTP
import InletJSON
import InletTestSupport
import NIOConcurrencyHelpers

/// `inlet serve` as a child process on a port it picks itself (it prints the port), with an
/// HS256 auth config the test signs tokens for. Everything it writes to stderr is kept, so a test
/// can look for secrets in it. Stopped with SIGTERM (`stop`) or SIGKILL (`kill`).
final class ServiceProcess: @unchecked Sendable {
    static let secret = "a-test-signing-secret-of-at-least-32-bytes"
    static let issuer = "https://issuer.test"
    static let audience = "inlet-api"

    let directory: URL
    let home: URL
    private let process = Process()
    private let output = NIOLockedValueBox<[String]>([])
    let port: Int
    let http = HTTPSession()

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var processIdentifier: Int32 { process.processIdentifier }
    var dataDir: String { directory.appendingPathComponent("data").path }
    /// What the service wrote to stderr so far.
    var log: [String] { output.withLockedValue { $0 } }

    /// `directory`: reuse another run's data directory (a restart); `arguments` are added to `serve`'s.
    /// Starts the service and waits for it on a thread of its own (not one of the cooperative pool,
    /// which a test waiting there would take from every other test).
    static func start(directory: URL? = nil, arguments: [String] = [], auth: String? = nil) async throws -> ServiceProcess {
        try await onOwnThread { try ServiceProcess(directory: directory, arguments: arguments, auth: auth) }
    }

    /// `auth`: the auth config's JSON, instead of the HS256 one the test signs tokens for.
    private init(directory: URL? = nil, arguments: [String] = [], auth authConfig: String? = nil) throws {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("inlet-serve-\(UUID().uuidString)")
        self.directory = directory
        home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("manifests/demo-secret"), withIntermediateDirectories: true)
        try Self.secretManifest().write(to: home.appendingPathComponent("manifests/demo-secret/manifest.yaml"), atomically: true, encoding: .utf8)
        let auth = directory.appendingPathComponent("auth.json")
        try (authConfig ?? #"{"issuer": "\#(Self.issuer)", "audience": "\#(Self.audience)", "hs256_secret": "\#(Self.secret)"}"#)
            .write(to: auth, atomically: true, encoding: .utf8)
        process.executableURL = ExecutableTests.executable
        process.arguments = ["serve", "--port", "0", "--auth-config", auth.path, "--data-dir", directory.appendingPathComponent("data").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["INLET_HOME"] = home.path
        // Connector types are the test's own, not the PyPI packages a user's cache holds.
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let announced = DispatchSemaphore(value: 0)
        let output = self.output
        Thread {
            var pending = Data()
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    output.withLockedValue { $0.append(line) }
                    if line.contains("serving on http://") { announced.signal() }
                }
            }
            announced.signal()
        }.start()
        _ = announced.wait(timeout: .now() + 30)
        guard let line = output.withLockedValue({ $0.first { $0.contains("serving on http://") } }),
              let port = Int(line.split(separator: ":").last ?? "") else {
            process.terminate()
            throw ServiceTestError(description: "inlet serve did not start:\n" + output.withLockedValue { $0.joined(separator: "\n") })
        }
        self.port = port
    }

    /// The demo connector with an `api_key` secret, sent as a header the demo API ignores.
    static func secretManifest() throws -> String {
        let demo = try String(contentsOfFile: SyncExecutableTests.manifest, encoding: .utf8)
        return demo
            .replacingOccurrences(of: "        http_method: GET\n", with: "        http_method: GET\n        request_headers:\n          X-Api-Key: \"{{ config['api_key'] }}\"\n")
            .replacingOccurrences(of: "      api_url: {type: string}\n",
                                  with: "      api_url: {type: string}\n      api_key: {type: string, airbyte_secret: true}\n")
    }

    /// Graceful stop (SIGTERM), then the data directory stays for a restart unless `removing`.
    func stop(removing: Bool = true) async {
        await http.shutdown()
        if process.isRunning {
            process.terminate()
            await waitForExit()
            if process.isRunning { stackDump = await Self.threads(of: process.processIdentifier) }
        }
        if removing { try? FileManager.default.removeItem(at: directory) }
    }

    /// The threads' stacks of a service that did not exit when told to (gdb's), for the failure message.
    private(set) var stackDump = ""

    private static func threads(of pid: Int32) async -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb"),
              let dump = try? await FinishedProcess.run("/usr/bin/gdb", ["-p", String(pid), "-batch", "-ex", "thread apply all bt 30"]) else {
            return "(no gdb to show the service's threads)"
        }
        return String(dump.output.suffix(20_000))
    }

    /// How the process ended (nil while it runs).
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// SIGKILL: the service stops wherever it is.
    func kill() async {
        await http.shutdown()
        Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
    }

    /// Up to 60 s: a loaded machine (the whole suite at once, Airflow among it) can take more than
    /// 15 s to wind a cancelled sync down; the tests check that it exits and how, not how fast.
    private func waitForExit() async {
        for _ in 0..<1200 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
    }

    // MARK: - Requests

    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var text: String
        var json: JSONValue { (try? JSONParser.parse(Array(text.utf8))) ?? .null }

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    /// Sends a request as `tenant` with `token` (nil: no Authorization header).
    func call(_ method: String, _ path: String, token: String?, tenant: String? = "acme", body: JSONValue? = nil,
              idempotencyKey: String? = nil) async throws -> Answer {
        var headers: [(name: String, value: String)] = []
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let tenant { headers.append(("X-Tenant-Id", tenant)) }
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = Array(JSONWriter.string(from: body).utf8)
        }
        let response = try await http.send(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: bytes))
        return Answer(status: response.status, headers: response.headers, text: String(decoding: response.body, as: UTF8.self))
    }

    // MARK: - Tokens

    /// A token signed with the service's secret: `claims` over valid defaults for `tenants` with `permissions`.
    static func token(tenants: [String] = ["acme"], permissions: [String] = ["data:ingestion:manage"],
                      claims: [String: JSONValue] = [:], algorithm: String = "HS256", secret: String = ServiceProcess.secret) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        var payload: JSONObject = [
            "iss": .string(issuer), "aud": .string(audience), "sub": "tester", "iat": .int(now), "exp": .int(now + 600),
            "tenant_id": .array(tenants.map(JSONValue.string)), "permissions": .array(permissions.map(JSONValue.string)),
        ]
        for (key, value) in claims { payload[key] = value }
        let header = base64URL(Array(#"{"alg":"\#(algorithm)","typ":"JWT"}"#.utf8))
        let body = base64URL(Array(JSONWriter.string(from: .object(payload)).utf8))
        guard algorithm == "HS256" else { return "\(header).\(body)." }
        let signature = HMAC<SHA256>.authenticationCode(for: Array("\(header).\(body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return "\(header).\(body).\(base64URL(Array(signature)))"
    }

    /// A token signed ES256 with `key`, naming `kid`.
    static func es256Token(key: P256.Signing.PrivateKey, kid: String, tenants: [String] = ["acme"]) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let payload: JSONValue = ["iss": .string(issuer), "aud": .string(audience), "exp": .int(now + 600),
                                  "tenant_id": .array(tenants.map(JSONValue.string)), "permissions": ["data:ingestion:manage"]]
        let header = base64URL(Array(#"{"alg":"ES256","typ":"JWT","kid":"\#(kid)"}"#.utf8))
        let body = base64URL(Array(JSONWriter.string(from: payload).utf8))
        let signature = try key.signature(for: Array("\(header).\(body)".utf8))
        return "\(header).\(body).\(base64URL(Array(signature.rawRepresentation)))"
    }

    /// The public half of `key` as a JWKS entry.
    static func jwk(_ key: P256.Signing.PrivateKey, kid: String) -> JSONValue {
        let point = Array(key.publicKey.x963Representation.dropFirst())
        return ["kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": .string(kid),
                "x": .string(base64URL(Array(point[0..<32]))), "y": .string(base64URL(Array(point[32..<64])))]
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

struct ServiceTestError: Error, CustomStringConvertible {
    var description: String
}
