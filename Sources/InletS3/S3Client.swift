public import Foundation
public import InletHTTP

/// An object's place: `s3://bucket/key`.
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Nil unless `uri` is `s3://bucket/key` (or `s3a://`).
    public init?(uri: String) {
        guard let schemeEnd = uri.range(of: "://"), ["s3", "s3a"].contains(uri[..<schemeEnd.lowerBound]) else { return nil }
        let rest = uri[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { return nil }
        bucket = String(rest[..<slash])
        key = String(rest[rest.index(after: slash)...])
    }

    public var description: String { "s3://\(bucket)/\(key)" }
}

public struct S3Error: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var status: Int?

    public init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }

    public var description: String { message }
}

/// The S3 requests a table needs: put, get, head and delete objects, and multipart uploads for
/// large files. Requests are signed with SigV4; 5xx, throttling and broken connections are retried
/// with exponential backoff. Calls wait on the calling thread (table storage is synchronous); the
/// network work runs on the HTTP client's event loops.
public final class S3Client: Sendable {
    public struct Configuration: Sendable {
        /// `http://127.0.0.1:9000` for a local server; nil for AWS itself.
        public var endpoint: URL?
        public var region: String
        public var credentials: S3Credentials
        /// `endpoint/bucket/key` rather than `bucket.endpoint/key`.
        public var pathStyle: Bool
        public var maximumAttempts: Int
        /// The first retry's wait, doubled for each later one.
        public var retryDelay: Duration
        /// Files larger than this go up in parts of this size (S3 wants at least 5 MiB).
        public var partSize: Int
        /// Told about each retry (what failed, how long until the next attempt), so that a slow
        /// store is seen as one, not as a hang.
        public var retryNotice: (@Sendable (String) -> Void)?

        public init(endpoint: URL? = nil, region: String = "us-east-1", credentials: S3Credentials, pathStyle: Bool? = nil,
                    maximumAttempts: Int = 5, retryDelay: Duration = .milliseconds(200), partSize: Int = 8 << 20) {
            self.endpoint = endpoint
            self.region = region
            self.credentials = credentials
            self.pathStyle = pathStyle ?? (endpoint != nil)
            self.maximumAttempts = maximumAttempts
            self.retryDelay = retryDelay
            self.partSize = partSize
        }

        /// From `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, `AWS_REGION` / `AWS_DEFAULT_REGION` and the
        /// credential variables; nil without credentials.
        public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Configuration? {
            fromSettings([:], environment: environment)
        }

        /// Settings (`endpoint`, `region`, `access_key_id`, `secret_access_key`, `session_token`,
        /// `path_style`: "true" or "false"), each falling back to its `AWS_*` variable; nil without
        /// credentials from either.
        public static func fromSettings(_ settings: [String: String],
                                        environment: [String: String] = ProcessInfo.processInfo.environment) -> Configuration? {
            func value(_ key: String, _ variables: String...) -> String? {
                settings[key] ?? variables.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
            }
            guard let key = value("access_key_id", "AWS_ACCESS_KEY_ID"), let secret = value("secret_access_key", "AWS_SECRET_ACCESS_KEY") else {
                return nil
            }
            let credentials = S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: value("session_token", "AWS_SESSION_TOKEN"))
            return Configuration(endpoint: value("endpoint", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL").flatMap(URL.init(string:)),
                                 region: value("region", "AWS_REGION", "AWS_DEFAULT_REGION") ?? "us-east-1",
                                 credentials: credentials, pathStyle: settings["path_style"].map { $0 == "true" })
        }
    }

    public let configuration: Configuration
    private let http: HTTPSession
    private let signer: SigV4Signer

    public init(_ configuration: Configuration, http: HTTPSession = HTTPSession()) {
        self.configuration = configuration
        self.http = http
        signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
    }

    public func shutdown() {
        http.shutdownWaiting()
    }

    // MARK: - Objects

    public func put(_ bytes: [UInt8], at location: S3Location) throws(S3Error) {
        _ = try send("PUT", location, body: bytes)
    }

    public func get(_ location: S3Location) throws(S3Error) -> [UInt8] {
        try send("GET", location).body
    }

    /// The object's size, or nil when there is none.
    public func size(of location: S3Location) throws(S3Error) -> Int? {
        let response = try send("HEAD", location, acceptingNotFound: true)
        guard response.status != 404 else { return nil }
        return response.header("Content-Length").flatMap { Int($0) }
    }

    public func delete(_ location: S3Location) throws(S3Error) {
        _ = try send("DELETE", location, acceptingNotFound: true)
    }

    public func createBucket(_ bucket: String) throws(S3Error) {
        _ = try send("PUT", S3Location(bucket: bucket, key: ""))
    }

    /// Uploads a local file: in one request up to `partSize`, else as a multipart upload that is
    /// aborted if any part fails, so no partial object ever appears under the key.
    public func upload(file path: String, to location: S3Location) throws(S3Error) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw S3Error("cannot read \(path)") }
        defer { try? handle.close() }
        let size: Int
        do {
            size = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
        } catch {
            throw S3Error("cannot read \(path): \(error)")
        }
        func readPart() throws(S3Error) -> [UInt8] {
            do {
                return [UInt8](try handle.read(upToCount: configuration.partSize) ?? Data())
            } catch {
                throw S3Error("cannot read \(path): \(error)")
            }
        }
        guard size > configuration.partSize else {
            try put(try readPart(), at: location)
            return
        }
        let created = try send("POST", location, query: [("uploads", "")])
        guard let uploadID = Self.xmlValue("UploadId", in: created.body) else {
            throw S3Error("\(location): the multipart upload was not created (no UploadId in the answer)")
        }
        do throws(S3Error) {
            var parts: [(number: Int, etag: String)] = []
            var number = 1
            while true {
                let part = try readPart()
                if part.isEmpty { break }
                let response = try send("PUT", location, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: part)
                guard let etag = response.header("ETag") else { throw S3Error("\(location): part \(number) came back without an ETag") }
                parts.append((number, etag))
                number += 1
            }
            var body = "<CompleteMultipartUpload>"
            for part in parts { body += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(part.etag)</ETag></Part>" }
            body += "</CompleteMultipartUpload>"
            let completed = try send("POST", location, query: [("uploadId", uploadID)], body: Array(body.utf8))
            // S3 can answer 200 with an error document when completing fails late.
            if let code = Self.xmlValue("Code", in: completed.body) {
                throw S3Error("\(location): completing the multipart upload failed: \(code)")
            }
        } catch {
            _ = try? send("DELETE", location, query: [("uploadId", uploadID)], acceptingNotFound: true)
            throw error
        }
    }

    // MARK: - Requests

    func url(for location: S3Location, query: [(String, String)] = []) -> URL {
        let key = SigV4Signer.uriEncode(location.key, keepingSlash: true)
        var text: String
        if let endpoint = configuration.endpoint {
            var base = endpoint.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            if configuration.pathStyle {
                text = "\(base)/\(location.bucket)" + (key.isEmpty ? "" : "/\(key)")
            } else {
                let scheme = endpoint.scheme ?? "https"
                let host = endpoint.host.map { host in endpoint.port.map { "\(host):\($0)" } ?? host } ?? ""
                text = "\(scheme)://\(location.bucket).\(host)/\(key)"
            }
        } else if configuration.pathStyle {
            text = "https://s3.\(configuration.region).amazonaws.com/\(location.bucket)/\(key)"
        } else {
            text = "https://\(location.bucket).s3.\(configuration.region).amazonaws.com/\(key)"
        }
        if !query.isEmpty {
            text += "?" + query.map { $0.1.isEmpty ? SigV4Signer.uriEncode($0.0) : "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }
                .joined(separator: "&")
        }
        return URL(string: text)!
    }

    /// Sends a signed request, retrying 5xx answers, throttling and broken connections.
    private func send(_ method: String, _ location: S3Location, query: [(String, String)] = [], body: [UInt8]? = nil,
                      acceptingNotFound: Bool = false) throws(S3Error) -> HTTPResponse {
        let url = url(for: location, query: query)
        let payloadHash = SigV4Signer.payloadHash(body)
        var attempt = 0
        while true {
            attempt += 1
            let headers = signer.signedHeaders(method: method, url: url, headers: [], payloadHash: payloadHash)
            let request = HTTPRequest(method: method, url: url.absoluteString, headers: headers.map { (name: $0.0, value: $0.1) }, body: body)
            let outcome: Result<HTTPResponse, HTTPTransportError>
            do {
                outcome = .success(try http.sendWaiting(request))
            } catch {
                outcome = .failure(error)
            }
            let retryable: Bool
            let failure: String
            switch outcome {
            case .success(let response):
                if response.status < 300 || (acceptingNotFound && response.status == 404) { return response }
                retryable = response.status >= 500 || response.status == 429 || Self.xmlValue("Code", in: response.body) == "SlowDown"
                failure = Self.xmlValue("Code", in: response.body) ?? "HTTP \(response.status)"
                if !retryable || attempt >= configuration.maximumAttempts {
                    let code = Self.xmlValue("Code", in: response.body) ?? "HTTP \(response.status)"
                    let message = Self.xmlValue("Message", in: response.body).map { ": \($0)" } ?? ""
                    throw S3Error("\(method) \(location) failed with \(code)\(message)" + (attempt > 1 ? " after \(attempt) attempts" : ""),
                                  status: response.status)
                }
            case .failure(let error):
                retryable = true
                failure = error.detail
                if attempt >= configuration.maximumAttempts {
                    throw S3Error("\(method) \(location) failed after \(attempt) attempts: \(error)")
                }
            }
            let wait = configuration.retryDelay * (1 << min(attempt - 1, 6))
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            configuration.retryNotice?("S3 \(method) \(location): \(failure); attempt \(attempt + 1) of \(configuration.maximumAttempts) in "
                                       + String(format: "%.1f s", seconds))
            Thread.sleep(forTimeInterval: seconds)
        }
    }

    /// The text of the first `<name>` element of an XML answer.
    static func xmlValue(_ name: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
