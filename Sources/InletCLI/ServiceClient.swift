import Foundation
import InletHTTP
import InletJSON

/// The ingestion service over HTTP, as `inlet jobs` and `inlet run-job` call it: a bearer token,
/// JSON in and out, and the service's own message when it refuses.
struct ServiceClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The service's HTTP status, when it answered.
        var status: Int?
    }

    var baseURL: String
    var token: String
    var tenant: String?
    let session = HTTPSession(timeouts: .init(connect: .seconds(10), read: .seconds(120)))

    /// The token from `INLET_TOKEN`, the URL from `--service-url`, else `INLET_SERVICE_URL`, else the default port.
    static func fromEnvironment(serviceURL: String?, tenant: String?) throws(Failure) -> ServiceClient {
        let environment = ProcessInfo.processInfo.environment
        guard let token = environment["INLET_TOKEN"], !token.isEmpty else {
            throw Failure(description: "INLET_TOKEN is not set: it must hold a bearer token the service accepts")
        }
        var url = serviceURL ?? environment["INLET_SERVICE_URL"] ?? "http://127.0.0.1:8113"
        while url.hasSuffix("/") { url.removeLast() }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw Failure(description: "--service-url \(url): expected an http(s) URL")
        }
        return ServiceClient(baseURL: url, token: token, tenant: tenant ?? environment["INLET_TENANT"])
    }

    /// Sends a request; a 2xx answer's JSON (null when empty), else the service's message as a failure.
    @discardableResult
    func call(_ method: String, _ path: String, body: JSONValue? = nil) async throws(Failure) -> JSONValue {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
        if let tenant { headers.append(("X-Tenant-Id", tenant)) }
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = Array(JSONWriter.string(from: body).utf8)
        }
        let response: HTTPResponse
        do { response = try await session.send(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: bytes)) } catch {
            throw Failure(description: "the service at \(baseURL) cannot be reached: \(error)")
        }
        let json = response.body.isEmpty ? JSONValue.null : ((try? JSONParser.parse(response.body)) ?? .null)
        guard (200..<300).contains(response.status) else {
            let message = json["message"]?.stringValue ?? String(decoding: response.body.prefix(500), as: UTF8.self)
            throw Failure(description: "\(method) \(path): HTTP \(response.status): \(message)", status: response.status)
        }
        return json
    }

    func close() async {
        await session.shutdown()
    }
}
