import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// Sends requests over one pooled HTTP client: connections are reused, gzip and deflate bodies are
/// decompressed, and every request has connect and read timeouts. A connection that cannot be
/// made (refused, host not found) fails the request at once, naming the cause: callers have retry
/// policies of their own, and the client's own retries would only hide the cause until the connect
/// timeout. Call `shutdown()` when done; a session dropped without it (its owner threw first)
/// shuts its client down as it goes.
public final class HTTPSession: Sendable {
    public struct Timeouts: Sendable {
        public var connect: Duration
        public var read: Duration

        public init(connect: Duration = .seconds(30), read: Duration = .seconds(300)) {
            self.connect = connect
            self.read = read
        }
    }

    private let client: HTTPClient
    public let timeouts: Timeouts
    /// Responses larger than this fail rather than exhaust memory.
    public let maximumBodyBytes: Int

    /// `concurrentRequests`: how many requests the caller keeps in flight at once; each host gets
    /// at least that many connections (the client's default is 8, which would queue the rest).
    public init(timeouts: Timeouts = Timeouts(), maximumBodyBytes: Int = 512 << 20, concurrentRequests: Int = 8) {
        self.timeouts = timeouts
        self.maximumBodyBytes = maximumBodyBytes
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .nanoseconds(timeouts.connect.nanoseconds), read: .nanoseconds(timeouts.read.nanoseconds)),
            decompression: .enabled(limit: .none)
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, concurrentRequests)
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        Self.addDefaultHeaders(to: &outgoing.headers)
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(outgoing, timeout: .nanoseconds(timeouts.read.nanoseconds + timeouts.connect.nanoseconds))
            var buffer = try await response.body.collect(upTo: maximumBodyBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return HTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: bytes,
                url: response.url?.absoluteString ?? request.url
            )
        } catch is NIOTooManyBytesError {
            throw HTTPTransportError(kind: .bodyTooLarge, url: request.url, detail: "the response body is larger than \(maximumBodyBytes) bytes")
        } catch {
            throw Self.describe(error, url: request.url)
        }
    }

    /// The same request, waited for on the calling thread, for synchronous callers such as table
    /// storage. The waiting thread must not be one of the client's event loops.
    public func sendWaiting(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        do {
            var headers = HTTPHeaders(request.headers.map { ($0.name, $0.value) })
            Self.addDefaultHeaders(to: &headers)
            let outgoing = try HTTPClient.Request(url: request.url, method: HTTPMethod(rawValue: request.method), headers: headers,
                                                  body: request.body.map { .bytes($0) })
            let deadline = NIODeadline.now() + .nanoseconds(timeouts.read.nanoseconds + timeouts.connect.nanoseconds)
            let response = try client.execute(request: outgoing, deadline: deadline).wait()
            var body = response.body ?? ByteBuffer()
            guard body.readableBytes <= maximumBodyBytes else {
                throw HTTPTransportError(kind: .bodyTooLarge, url: request.url, detail: "the response body is larger than \(maximumBodyBytes) bytes")
            }
            return HTTPResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                body: body.readBytes(length: body.readableBytes) ?? [], url: request.url)
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            throw Self.describe(error, url: request.url)
        }
    }

    /// Shuts the client down from synchronous code.
    public func shutdownWaiting() {
        try? client.syncShutdown()
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// The client's connections close in the background; a client already shut down only answers
    /// that it is. (A client left running leaks its connections, and debug builds of the client
    /// stop the process for it.)
    deinit {
        client.shutdown { _ in }
    }

    /// The headers Python's `requests` sends on every request unless told otherwise (APIs such as
    /// GitHub's turn away requests without a `User-Agent`).
    private static func addDefaultHeaders(to headers: inout HTTPHeaders) {
        if !headers.contains(name: "User-Agent") { headers.add(name: "User-Agent", value: userAgent) }
        if !headers.contains(name: "Accept-Encoding") { headers.add(name: "Accept-Encoding", value: "gzip, deflate") }
        if !headers.contains(name: "Accept") { headers.add(name: "Accept", value: "*/*") }
    }

    public static let userAgent = "inlet/0.1"

    static func describe(_ error: any Error, url: String) -> HTTPTransportError {
        if let error = error as? HTTPClientError {
            if error == .invalidURL || error == .emptyHost || error == .emptyScheme {
                return HTTPTransportError(kind: .invalidURL, url: url, detail: "invalid URL (\(error))")
            }
            if error == .connectTimeout {
                return HTTPTransportError(kind: .timedOut, url: url, detail: "timed out connecting to \(Self.endpoint(of: url)) (\(error))")
            }
            if error == .readTimeout || error == .deadlineExceeded {
                return HTTPTransportError(kind: .timedOut, url: url, detail: "timed out (\(error))")
            }
            return HTTPTransportError(kind: .connectionFailed, url: url, detail: String(describing: error))
        }
        if let error = error as? NIOConnectionError {
            return describe(error, url: url)
        }
        if let error = error as? SocketAddressError, case .unknown(let host, let port) = error {
            return HTTPTransportError(kind: .hostNotFound, url: url, detail: "host \(host) not found (DNS lookup for \(host):\(port) failed)")
        }
        if let error = error as? IOError {
            if error.errnoCode == ECONNREFUSED {
                return HTTPTransportError(kind: .connectionRefused, url: url,
                                          detail: "connection refused by \(Self.endpoint(of: url)) (\(Self.systemMessage(error)))")
            }
            return HTTPTransportError(kind: .connectionFailed, url: url, detail: "cannot connect to \(Self.endpoint(of: url)): \(Self.systemMessage(error))")
        }
        return HTTPTransportError(kind: .connectionFailed, url: url, detail: String(describing: error))
    }

    private static func describe(_ error: NIOConnectionError, url: String) -> HTTPTransportError {
        let endpoint = "\(error.host):\(error.port)"
        if error.connectionErrors.isEmpty, let lookup = error.dnsAError ?? error.dnsAAAAError {
            let reason = (lookup as? SocketAddressError).map { _ in "DNS lookup failed" } ?? String(describing: lookup)
            return HTTPTransportError(kind: .hostNotFound, url: url, detail: "host \(error.host) not found (\(reason))")
        }
        let failures = error.connectionErrors.map { failure -> String in
            let reason = (failure.error as? IOError).map(Self.systemMessage) ?? String(describing: failure.error)
            return "\(failure.target): \(reason)"
        }
        let refused = error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
        let summary = refused ? "connection refused by \(endpoint)" : "cannot connect to \(endpoint)"
        return HTTPTransportError(kind: refused ? .connectionRefused : .connectionFailed, url: url,
                                  detail: failures.isEmpty ? summary : "\(summary) (\(failures.joined(separator: "; ")))")
    }

    /// `Connection refused (errno 111)`: the system's words for a failed call.
    private static func systemMessage(_ error: IOError) -> String {
        "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"
    }

    /// `host:port` of a URL, for messages.
    static func endpoint(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
