import Foundation
import Synchronization
public import InletHTTP
public import InletJSON

/// A catalog behind the Iceberg REST API (`rest-catalog-open-api.yaml`): the server keeps the
/// tables' metadata and applies commits given as requirements and updates; a commit another writer
/// beat gets 409 and is rebuilt on the new table state by the table. Files are read and written
/// directly in object storage, with credentials the server vends for a table when it does.
public final class RESTCatalog: IcebergCatalog {
    public struct Configuration: Sendable {
        /// The server's base URI, e.g. `http://127.0.0.1:8181` (requests go to `<uri>/v1/…`).
        public var uri: String
        public var warehouse: String?
        /// OAuth2 client credentials, exchanged for a bearer token at `oauthServerURI`.
        public var clientID: String?
        public var clientSecret: String?
        /// A bearer token to use as is, instead of client credentials.
        public var token: String?
        /// The token endpoint; `<uri>/v1/oauth/tokens` when nil.
        public var oauthServerURI: String?
        public var scope: String
        /// How often a request the server could not answer (5xx, 429, a dropped connection) is tried.
        public var maximumAttempts: Int
        /// The first retry's wait, doubled for each later one.
        public var retryDelay: Duration
        /// Told about each retry (what failed, what comes next), so that a struggling catalog is
        /// seen as one, not as a hang.
        public var retryNotice: (@Sendable (String) -> Void)?

        public init(uri: String, warehouse: String? = nil, clientID: String? = nil, clientSecret: String? = nil, token: String? = nil,
                    oauthServerURI: String? = nil, scope: String = "catalog", maximumAttempts: Int = 5,
                    retryDelay: Duration = .milliseconds(200)) {
            self.uri = uri.hasSuffix("/") ? String(uri.dropLast()) : uri
            self.warehouse = warehouse
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.token = token
            self.oauthServerURI = oauthServerURI
            self.scope = scope
            self.maximumAttempts = maximumAttempts
            self.retryDelay = retryDelay
        }
    }

    public let configuration: Configuration
    /// Storage for the catalog-wide properties; tables get storage for their own.
    public let storage: any TableStorage
    private let http: HTTPSession
    private let credentials: OAuthClientCredentials?
    private let fileIO: FileIOProperties
    /// `/v1/<prefix>` or `/v1`, as the server's configuration says.
    private let root: String
    /// The catalog's properties: the server's defaults, then its overrides.
    private let properties: [String: String]
    private let isOpen = Mutex(true)

    /// Asks the server for its configuration (and a token first, with client credentials).
    public init(_ configuration: Configuration, fileIO: FileIOProperties, http: HTTPSession = HTTPSession()) throws(IcebergError) {
        self.configuration = configuration
        self.http = http
        self.fileIO = fileIO
        if let clientID = configuration.clientID, let secret = configuration.clientSecret {
            credentials = OAuthClientCredentials(tokenURL: configuration.oauthServerURI ?? configuration.uri + "/v1/oauth/tokens",
                                                 clientID: clientID, clientSecret: secret, scope: configuration.scope)
        } else {
            credentials = nil
        }
        let query = configuration.warehouse.map { "?warehouse=" + URLEncoding.quotePlus($0) } ?? ""
        let answer: Answer
        do {
            answer = try Self.exchange(http: http, configuration: configuration, credentials: credentials,
                                       method: "GET", url: configuration.uri + "/v1/config" + query, body: nil,
                                       what: "reading the catalog's configuration at \(configuration.uri)")
        } catch {
            http.shutdownWaiting()
            throw error
        }
        guard answer.status == 200 else {
            http.shutdownWaiting()
            throw .catalog("reading the catalog's configuration at \(configuration.uri): \(Self.describe(answer))")
        }
        var properties: [String: String] = [:]
        for (key, value) in answer.json?["defaults"]?.objectValue ?? [:] { properties[key] = value.stringValue }
        for (key, value) in answer.json?["overrides"]?.objectValue ?? [:] { properties[key] = value.stringValue }
        self.properties = properties
        root = configuration.uri + "/v1" + (properties["prefix"].map { "/" + URLEncoding.quote($0, safe: "") } ?? "")
        let warehouse = properties["warehouse"] ?? configuration.warehouse ?? ""
        do {
            storage = try fileIO.storage(for: warehouse.isEmpty ? "s3://" : warehouse, properties: properties)
        } catch {
            storage = UnavailableStorage(reason: "\(error)")
        }
    }

    /// Closes the HTTP connections (the catalog's and its storage's); the catalog closes them itself
    /// when it goes, if this was not called.
    public func shutdown() {
        guard isOpen.withLock({ open in defer { open = false }; return open }) else { return }
        fileIO.shutdown()
        http.shutdownWaiting()
    }

    deinit {
        shutdown()
    }

    public func createNamespace(_ namespace: String) throws(IcebergError) {
        let body: JSONValue = ["namespace": .array(Self.levels(namespace).map { .string($0) }), "properties": [:]]
        // 409: it exists already.
        _ = try send("POST", root + "/namespaces", body: body, what: "creating namespace \(namespace)", accepting: [409])
    }

    public func createTable(namespace: String, name table: String, schema: IcebergSchema, partitionSpec: IcebergPartitionSpec,
                            sortOrder: IcebergSortOrder, properties tableProperties: JSONObject) throws(IcebergError) -> IcebergTable {
        _ = try ManifestLayout(schema: schema, spec: partitionSpec)
        try sortOrder.validate(against: schema)
        let body: JSONValue = [
            "name": .string(table), "schema": schema.json, "partition-spec": partitionSpec.json,
            "write-order": sortOrder.json, "properties": .object(tableProperties), "stage-create": false,
        ]
        let answer = try send("POST", tablesPath(namespace), body: body, what: "creating table \(namespace).\(table)", accepting: [409])
        if answer.status == 409 { throw .tableExists("\(namespace).\(table)") }
        return try loaded(answer, namespace: namespace, name: table)
    }

    public func loadTable(namespace: String, name table: String) throws(IcebergError) -> IcebergTable {
        let answer = try send("GET", tablePath(namespace, table), body: nil, what: "loading table \(namespace).\(table)", accepting: [404])
        if answer.status == 404 { throw .noSuchTable("\(namespace).\(table)") }
        return try loaded(answer, namespace: namespace, name: table)
    }

    /// Sends the changes from the table's metadata to `next` with their requirements. A 409 means
    /// another writer committed first. When the answer is lost (5xx, a dropped connection) the
    /// commit may or may not have applied: the table is read back, and the commit counts as done if
    /// its changes are there, so a retry never adds the same snapshot twice.
    public func commit(_ table: IcebergTable, next: TableMetadata) throws(IcebergError) -> CommittedMetadata? {
        let request = TableCommitRequest(from: table.metadata, to: next)
        let body: JSONValue = [
            "identifier": ["namespace": .array(Self.levels(table.namespace).map { .string($0) }), "name": .string(table.name)],
            "requirements": .array(request.requirements), "updates": .array(request.updates),
        ]
        let what = "committing to \(table.namespace).\(table.name)"
        var lastFailure = ""
        var appliedIsUnknown = false
        for attempt in 0..<max(configuration.maximumAttempts, 1) {
            if attempt > 0 { Thread.sleep(forTimeInterval: retryWait(attempt)) }
            var answer: Answer?
            do {
                answer = try exchange("POST", tablePath(table.namespace, table.name), body: body, what: what)
            } catch {
                // No answer at all (the connection dropped): the commit may have applied.
                if case .catalog(let message) = error {
                    lastFailure = message.hasPrefix(what + ": ") ? String(message.dropFirst(what.count + 2)) : message
                }
            }
            if let answer {
                switch answer.status {
                case 200: return try committed(answer, what: what)
                case 409: return nil
                case 500...599: lastFailure = Self.describe(answer)
                default: throw .catalog("\(what): \(Self.describe(answer))")
                }
            }
            switch settle(table, next: next) {
            case .landed(let committed): return committed
            case .beaten: return nil
            case .notApplied: appliedIsUnknown = false
            case .unknown: appliedIsUnknown = true
            }
            notice(what, lastFailure, attempt: attempt)
        }
        throw .catalog("\(what): \(lastFailure) after \(configuration.maximumAttempts) attempts; "
                       + (appliedIsUnknown ? "whether the last one applied is unknown (the table could not be read back)"
                                           : "the table stays at its last committed snapshot"))
    }

    private enum Settlement {
        case landed(CommittedMetadata)
        /// Another writer committed since: the commit must be rebuilt.
        case beaten
        /// The table is as the commit found it: sending it again is safe.
        case notApplied
        case unknown
    }

    /// What became of a commit whose answer was lost, from the table read back.
    private func settle(_ table: IcebergTable, next: TableMetadata) -> Settlement {
        guard let current = try? loadTable(namespace: table.namespace, name: table.name) else { return .unknown }
        if TableCommitRequest.landed(next, over: table.metadata, in: current.metadata) {
            return .landed(CommittedMetadata(metadata: current.metadata, location: current.metadataLocation))
        }
        return current.metadataLocation == table.metadataLocation ? .notApplied : .beaten
    }

    // MARK: Answers

    private func loaded(_ answer: Answer, namespace: String, name: String) throws(IcebergError) -> IcebergTable {
        let committed = try committed(answer, what: "loading \(namespace).\(name)")
        let location = committed.metadata.location
        let tableProperties = storageProperties(of: answer, location: location)
        let storage = try fileIO.storage(for: location, properties: tableProperties) { [self] () throws(IcebergError) -> [String: String] in
            storageProperties(of: try send("GET", tablePath(namespace, name), body: nil, what: "renewing the credentials of \(namespace).\(name)"),
                                  location: location)
        }
        return IcebergTable(catalog: self, namespace: namespace, name: name, metadata: committed.metadata,
                            metadataLocation: committed.location, storage: storage)
    }

    /// The catalog's properties, then the table's `config`, then the credentials vended for the
    /// longest prefix of its location (newer servers' `storage-credentials`).
    private func storageProperties(of answer: Answer, location: String) -> [String: String] {
        var merged = properties
        for (key, value) in answer.json?["config"]?.objectValue ?? [:] { merged[key] = value.stringValue }
        let vended = (answer.json?["storage-credentials"]?.arrayValue ?? [])
            .filter { location.hasPrefix($0["prefix"]?.stringValue ?? "\u{0}") }
            .max { ($0["prefix"]?.stringValue?.count ?? 0) < ($1["prefix"]?.stringValue?.count ?? 0) }
        for (key, value) in vended?["config"]?.objectValue ?? [:] { merged[key] = value.stringValue }
        return merged
    }

    private func committed(_ answer: Answer, what: String) throws(IcebergError) -> CommittedMetadata {
        guard let metadata = answer.json?["metadata"], let location = answer.json?["metadata-location"]?.stringValue else {
            throw .catalog("\(what): the answer has no metadata and metadata-location")
        }
        return CommittedMetadata(metadata: try TableMetadata(json: metadata), location: location)
    }

    // MARK: Requests

    struct Answer {
        var status: Int
        var json: JSONValue?
        var body: [UInt8]
    }

    /// A namespace's levels: `a.b` is `["a", "b"]`, as pyiceberg reads it.
    static func levels(_ namespace: String) -> [String] {
        namespace.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    private func tablesPath(_ namespace: String) -> String {
        // Levels are joined by the unit separator (0x1F), as the API says.
        root + "/namespaces/" + URLEncoding.quote(Self.levels(namespace).joined(separator: "\u{1F}"), safe: "") + "/tables"
    }

    private func tablePath(_ namespace: String, _ table: String) -> String {
        tablesPath(namespace) + "/" + URLEncoding.quote(table, safe: "")
    }

    /// Tells `retryNotice` that attempt `attempt` (from 0) failed and whether another follows.
    private func notice(_ what: String, _ failure: String, attempt: Int) {
        guard attempt + 1 < configuration.maximumAttempts, let retryNotice = configuration.retryNotice else { return }
        retryNotice("\(what): \(failure); attempt \(attempt + 2) of \(configuration.maximumAttempts) in " + String(format: "%.1f s", retryWait(attempt + 1)))
    }

    private func retryWait(_ attempt: Int) -> Double {
        let first = Double(configuration.retryDelay.components.seconds) + Double(configuration.retryDelay.components.attoseconds) / 1e18
        return first * Double(1 << min(attempt - 1, 6))
    }

    /// A request retried while the server is unavailable; statuses in `accepting` are answers, any
    /// other failure is an error that says what was being done.
    private func send(_ method: String, _ url: String, body: JSONValue?, what: String, accepting: Set<Int> = []) throws(IcebergError) -> Answer {
        var lastFailure = ""
        for attempt in 0..<max(configuration.maximumAttempts, 1) {
            if attempt > 0 { Thread.sleep(forTimeInterval: retryWait(attempt)) }
            let answer: Answer
            do {
                answer = try exchange(method, url, body: body, what: what)
            } catch {
                lastFailure = "\(error)"
                notice(what, lastFailure, attempt: attempt)
                continue
            }
            if (200..<300).contains(answer.status) || accepting.contains(answer.status) { return answer }
            guard answer.status == 429 || answer.status >= 500 else { throw .catalog("\(what): \(Self.describe(answer))") }
            lastFailure = Self.describe(answer)
            notice(what, lastFailure, attempt: attempt)
        }
        throw .catalog("\(what): \(lastFailure) after \(configuration.maximumAttempts) attempts")
    }

    private func exchange(_ method: String, _ url: String, body: JSONValue?, what: String) throws(IcebergError) -> Answer {
        try Self.exchange(http: http, configuration: configuration, credentials: credentials, method: method, url: url, body: body, what: what)
    }

    /// One request with the bearer token (fetched again once if the server turns it down).
    private static func exchange(http: HTTPSession, configuration: Configuration, credentials: OAuthClientCredentials?,
                                 method: String, url: String, body: JSONValue?, what: String) throws(IcebergError) -> Answer {
        for _ in 0..<2 {
            var headers: [(name: String, value: String)] = [("Accept", "application/json"),
                                                           ("X-Iceberg-Access-Delegation", "vended-credentials")]
            let token = try credentials?.token(using: http) ?? configuration.token
            if let token { headers.append(("Authorization", "Bearer " + token)) }
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let request = HTTPRequest(method: method, url: url, headers: headers, body: body.map { Array(JSONWriter.string(from: $0).utf8) })
            let response: HTTPResponse
            do {
                response = try http.sendWaiting(request)
            } catch {
                throw .catalog("\(what): \(error.detail)")
            }
            if response.status == 401, let credentials, let token {
                credentials.discard(token)
                continue
            }
            return Answer(status: response.status, json: try? JSONParser.parse(response.body), body: response.body)
        }
        throw .catalog("\(what): the server turned down a fresh OAuth2 token (HTTP 401)")
    }

    /// `HTTP 409 CommitFailedException: …` from the API's error model, or the start of the body.
    private static func describe(_ answer: Answer) -> String {
        if let error = answer.json?["error"] {
            let type = error["type"]?.stringValue.map { $0 + ": " } ?? ""
            return "HTTP \(answer.status) \(type)\(error["message"]?.stringValue ?? "")"
        }
        let text = String(decoding: answer.body.prefix(200), as: UTF8.self)
        return "HTTP \(answer.status)" + (text.isEmpty ? "" : ": " + text)
    }
}
