import Foundation
import InletHTTP
import InletJSON
import Synchronization

/// Where a job's governance goes: DataHub's GMS over REST, or a file in DataHub's file-sink format.
public struct DataHubSettings: Sendable {
    /// GMS, e.g. `http://datahub-gms:8080`; nil: the file sink.
    public var url: String?
    public var token: String?
    /// The file sink's path (used without a URL).
    public var filePath: String

    public init(url: String?, token: String?, filePath: String) {
        self.url = url
        self.token = token
        self.filePath = filePath
    }
}

/// One metadata change proposal: an aspect of an entity, upserted.
struct MetadataChange: Sendable, Equatable {
    var entityType: String
    var urn: String
    var aspectName: String
    var aspect: JSONObject

    /// DataHub's file-sink form (`aspect.json`).
    var fileJSON: JSONValue {
        ["entityType": .string(entityType), "entityUrn": .string(urn), "changeType": "UPSERT", "aspectName": .string(aspectName),
         "aspect": ["json": .object(aspect)]]
    }

    /// GMS' `ingestProposal` form (`aspect.value` as serialized JSON).
    var proposalJSON: JSONValue {
        ["entityType": .string(entityType), "entityUrn": .string(urn), "changeType": "UPSERT", "aspectName": .string(aspectName),
         "aspect": ["value": .string(JSONWriter.string(from: .object(aspect))), "contentType": "application/json"]]
    }
}

/// Attaches an ingest job's governance to the tables it landed, in DataHub's metadata model:
/// dataset `urn:li:dataset:(urn:li:dataPlatform:iceberg,<namespace>.<table>,PROD)` with `globalTags`
/// (merged with the tags already there), `domains`, `ownership` and `datasetProperties`
/// (custom properties merged over those there). A domain or tag named by name gets its entity
/// (`urn:li:domain:<slug>`, `urn:li:tag:<name>`), made once. Failures are thrown for the caller to
/// log; nothing here fails a sync.
public final class DataHubEmitter: Sendable {
    let settings: DataHubSettings
    private let session: HTTPSession?
    /// Domains known to exist in GMS (looked up or made once per process).
    private let knownDomains = Mutex<Set<String>>([])
    /// The file sink is rewritten by one writer at a time.
    private let fileLock = Mutex(())

    public init(settings: DataHubSettings) {
        self.settings = settings
        session = settings.url == nil ? nil : HTTPSession(timeouts: .init(connect: .seconds(10), read: .seconds(30)))
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What the job's tables carry.
    public struct Landing: Sendable {
        public var namespace: String
        public var tables: [String]
        public var governance: Governance
        public var customProperties: [String: String]
    }

    static func datasetURN(namespace: String, table: String) -> String {
        "urn:li:dataset:(urn:li:dataPlatform:iceberg,\(namespace).\(table),PROD)"
    }

    static func domainURN(_ domain: String) -> String {
        if domain.hasPrefix("urn:li:domain:") { return domain }
        let slug = domain.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return "urn:li:domain:" + slug
    }

    static func tagURN(_ tag: String) -> String { tag.hasPrefix("urn:li:tag:") ? tag : "urn:li:tag:" + tag }

    static func ownerURN(_ owner: String) -> String { owner.hasPrefix("urn:li:") ? owner : "urn:li:corpuser:" + owner }

    /// The changes for `landing`, given what each dataset already has (`existing`: aspects by URN and name).
    static func changes(for landing: Landing, existing: (String, String) -> JSONObject?) -> [MetadataChange] {
        var changes: [MetadataChange] = []
        let governance = landing.governance
        for table in landing.tables {
            let urn = datasetURN(namespace: landing.namespace, table: table)
            if !governance.tags.isEmpty {
                var tags = existing(urn, "globalTags")?["tags"]?.arrayValue ?? []
                let present = Set(tags.compactMap { $0["tag"]?.stringValue })
                for tag in governance.tags.map(tagURN) where !present.contains(tag) { tags.append(["tag": .string(tag)]) }
                changes.append(MetadataChange(entityType: "dataset", urn: urn, aspectName: "globalTags", aspect: ["tags": .array(tags)]))
            }
            if let domain = governance.domain {
                changes.append(MetadataChange(entityType: "dataset", urn: urn, aspectName: "domains",
                                              aspect: ["domains": [.string(domainURN(domain))]]))
            }
            if let owner = governance.ownerID {
                var owners = existing(urn, "ownership")?["owners"]?.arrayValue ?? []
                if !owners.contains(where: { $0["owner"]?.stringValue == ownerURN(owner) }) {
                    owners.append(["owner": .string(ownerURN(owner)), "type": "DATAOWNER"])
                }
                changes.append(MetadataChange(entityType: "dataset", urn: urn, aspectName: "ownership", aspect: [
                    "owners": .array(owners), "ownerTypes": [:],
                    "lastModified": ["time": .int(Int64(Date().timeIntervalSince1970 * 1000)), "actor": "urn:li:corpuser:inlet"],
                ]))
            }
            var properties = existing(urn, "datasetProperties") ?? ["name": .string(table), "tags": []]
            var custom = properties["customProperties"]?.objectValue ?? [:]
            for (key, value) in landing.customProperties.sorted(by: { $0.key < $1.key }) { custom[key] = .string(value) }
            properties["customProperties"] = .object(custom)
            if properties["name"] == nil { properties["name"] = .string(table) }
            if properties["tags"] == nil { properties["tags"] = [] }
            changes.append(MetadataChange(entityType: "dataset", urn: urn, aspectName: "datasetProperties", aspect: properties))
        }
        return changes
    }

    /// The entities the changes refer to by name: the domain and the tags.
    static func namedEntities(_ governance: Governance) -> [MetadataChange] {
        var changes: [MetadataChange] = []
        if let domain = governance.domain, !domain.hasPrefix("urn:li:domain:") {
            changes.append(MetadataChange(entityType: "domain", urn: domainURN(domain), aspectName: "domainProperties",
                                          aspect: ["name": .string(domain), "customProperties": [:]]))
        }
        for tag in governance.tags where !tag.hasPrefix("urn:li:tag:") {
            changes.append(MetadataChange(entityType: "tag", urn: tagURN(tag), aspectName: "tagProperties", aspect: ["name": .string(tag)]))
        }
        return changes
    }

    /// Emits `landing`'s metadata to GMS or the file.
    public func emit(_ landing: Landing) async throws(Failure) {
        guard !landing.tables.isEmpty else { return }
        if let url = settings.url, let session {
            try await emitREST(landing, url: url, session: session)
        } else {
            try emitFile(landing)
        }
    }

    // MARK: - File sink

    /// Keeps the file as the latest aspect per entity: a JSON array DataHub's `file` source ingests.
    private func emitFile(_ landing: Landing) throws(Failure) {
        let path = settings.filePath
        try fileLock.withLock { _ throws(Failure) in
            var current: [MetadataChange] = []
            if FileManager.default.fileExists(atPath: path) {
                let items: [JSONValue]
                do { items = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).arrayValue ?? [] } catch {
                    throw Failure(description: "the DataHub file \(path) cannot be read as JSON: \(error)")
                }
                current = items.compactMap { item in
                    guard let type = item["entityType"]?.stringValue, let urn = item["entityUrn"]?.stringValue,
                          let name = item["aspectName"]?.stringValue, let aspect = item["aspect"]?["json"]?.objectValue else { return nil }
                    return MetadataChange(entityType: type, urn: urn, aspectName: name, aspect: aspect)
                }
            }
            let snapshot = current
            let changes = Self.namedEntities(landing.governance) + Self.changes(for: landing) { urn, aspect in
                snapshot.last { $0.urn == urn && $0.aspectName == aspect }?.aspect
            }
            for change in changes {
                if let index = current.firstIndex(where: { $0.urn == change.urn && $0.aspectName == change.aspectName }) {
                    current[index] = change
                } else {
                    current.append(change)
                }
            }
            let text = JSONWriter.string(from: .array(current.map(\.fileJSON)))
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw Failure(description: "the DataHub file \(path) cannot be written: \(error)")
            }
        }
    }

    // MARK: - GMS

    private func headers() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("X-RestLi-Protocol-Version", "2.0.0"), ("Content-Type", "application/json")]
        if let token = settings.token, !token.isEmpty { headers.append(("Authorization", "Bearer \(token)")) }
        return headers
    }

    private func emitREST(_ landing: Landing, url: String, session: HTTPSession) async throws(Failure) {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        var existing: [String: JSONObject] = [:]
        for table in landing.tables {
            let urn = Self.datasetURN(namespace: landing.namespace, table: table)
            for (name, model) in [("globalTags", "com.linkedin.common.GlobalTags"), ("ownership", "com.linkedin.common.Ownership"),
                                  ("datasetProperties", "com.linkedin.dataset.DatasetProperties")] {
                existing[urn + " " + name] = try await aspect(base, urn: urn, name: name, model: model, session: session)
            }
        }
        var changes: [MetadataChange] = []
        for entity in Self.namedEntities(landing.governance) {
            if entity.entityType == "domain" {
                // A domain is looked up once; made when GMS does not have it.
                if knownDomains.withLock({ $0.contains(entity.urn) }) { continue }
                if try await aspect(base, urn: entity.urn, name: "domainProperties", model: "com.linkedin.domain.DomainProperties",
                                    session: session) != nil {
                    knownDomains.withLock { _ = $0.insert(entity.urn) }
                    continue
                }
            }
            changes.append(entity)
        }
        changes += Self.changes(for: landing) { urn, aspect in existing[urn + " " + aspect] }
        for change in changes {
            let body = JSONWriter.string(from: ["proposal": change.proposalJSON, "async": "false"])
            let response: HTTPResponse
            do {
                response = try await session.send(HTTPRequest(method: "POST", url: base + "/aspects?action=ingestProposal", headers: headers(),
                                                              body: Array(body.utf8)))
            } catch {
                throw Failure(description: "DataHub at \(base) cannot be reached: \(error)")
            }
            guard (200..<300).contains(response.status) else {
                throw Failure(description: "DataHub refused \(change.aspectName) of \(change.urn): HTTP \(response.status): \(response.bodyText.prefix(300))")
            }
            if change.entityType == "domain" { knownDomains.withLock { _ = $0.insert(change.urn) } }
        }
    }

    /// An entity's aspect from GMS (nil when it has none).
    private func aspect(_ base: String, urn: String, name: String, model: String, session: HTTPSession) async throws(Failure) -> JSONObject? {
        let url = base + "/aspects/" + URLEncoding.quote(urn, safe: "") + "?aspect=\(name)&version=0"
        let response: HTTPResponse
        do { response = try await session.send(HTTPRequest(url: url, headers: headers())) } catch {
            throw Failure(description: "DataHub at \(base) cannot be reached: \(error)")
        }
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "DataHub refused reading \(name) of \(urn): HTTP \(response.status)")
        }
        return (try? JSONParser.parse(response.body))?["aspect"]?[model]?.objectValue
    }

    public func shutdown() async {
        await session?.shutdown()
    }
}
