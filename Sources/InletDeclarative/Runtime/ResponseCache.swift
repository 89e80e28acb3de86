import InletHTTP
import Synchronization

/// The responses of parent streams (and of requesters with `use_cache: true`) kept for the rest of
/// a read, as the CDK's request cache keeps them: a parent that several streams partition by is
/// requested once, not once per stream. Only GET answers with status 200 are kept, keyed by method,
/// URL, body and headers.
final class ResponseCache: Sendable {
    private let responses = Mutex<[String: HTTPResponse]>([:])
    /// Requests being sent, each with the tasks waiting for its answer.
    private let claims = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// What a response is kept under: method, URL, headers and body; nil for what is not kept
    /// (anything but GET).
    static func key(for request: HTTPRequest) -> String? {
        guard request.method == "GET" else { return nil }
        let headers = request.headers.map { "\($0.name.lowercased()):\($0.value)" }.sorted().joined(separator: "\n")
        return "\(request.method) \(request.url)\n\(headers)\n\(request.body.map { String(decoding: $0, as: UTF8.self) } ?? "")"
    }

    /// Returns once this task is the only one sending the request of `key`: streams that ask for
    /// the same parent page at once send it once, and the others then find it cached.
    func claim(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let claimed = claims.withLock { claims -> Bool in
                guard claims[key] != nil else {
                    claims[key] = []
                    return true
                }
                claims[key]?.append(continuation)
                return false
            }
            if claimed { continuation.resume() }
        }
    }

    /// Hands the claim to the next waiting task, if any.
    func release(_ key: String) {
        let next = claims.withLock { claims -> CheckedContinuation<Void, Never>? in
            guard var waiting = claims[key], !waiting.isEmpty else {
                claims[key] = nil
                return nil
            }
            let first = waiting.removeFirst()
            claims[key] = waiting
            return first
        }
        next?.resume()
    }

    func response(forKey key: String) -> HTTPResponse? {
        responses.withLock { $0[key] }
    }

    func store(_ response: HTTPResponse, forKey key: String) {
        guard response.status == 200 else { return }
        responses.withLock { $0[key] = response }
    }

    /// The streams whose requests are cached: every stream another one partitions by, as the CDK
    /// turns `use_cache` on for them (a requester that says `use_cache: false` keeps it off).
    static func parentStreamNames(of streams: [any ManifestComponent]) -> Set<String> {
        var names: Set<String> = []
        func visit(routers: [any ManifestComponent]) {
            for router in routers {
                switch router {
                case let substream as SubstreamPartitionRouter:
                    for parent in substream.parentStreamConfigs {
                        switch parent.stream {
                        case let stream as DeclarativeStream:
                            names.insert(stream.name)
                            visit(stream: stream)
                        case let delegating as StateDelegatingStream:
                            names.insert(delegating.name)
                            visit(stream: delegating.fullRefreshStream)
                            visit(stream: delegating.incrementalStream)
                        default: break
                        }
                    }
                case let grouping as GroupingPartitionRouter:
                    visit(routers: [grouping.underlyingPartitionRouter])
                default: break
                }
            }
        }
        func visit(stream: DeclarativeStream) {
            switch stream.retriever {
            case let simple as SimpleRetriever: visit(routers: simple.partitionRouter ?? [])
            case let async as AsyncRetriever: visit(routers: async.partitionRouter ?? [])
            default: break
            }
        }
        for stream in streams {
            switch stream {
            case let declarative as DeclarativeStream: visit(stream: declarative)
            case let delegating as StateDelegatingStream:
                visit(stream: delegating.fullRefreshStream)
                visit(stream: delegating.incrementalStream)
            default: break
            }
        }
        return names
    }
}
