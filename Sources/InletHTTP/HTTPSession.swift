import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Sends requests over one pooled HTTP client: connections are reused, gzip and deflate bodies are
/// decompressed, and every request has connect and read timeouts. Call `shutdown()` when done.
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

    public init(timeouts: Timeouts = Timeouts(), maximumBodyBytes: Int = 512 << 20) {
        self.timeouts = timeouts
        self.maximumBodyBytes = maximumBodyBytes
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .nanoseconds(timeouts.connect.nanoseconds), read: .nanoseconds(timeouts.read.nanoseconds)),
            decompression: .enabled(limit: .none)
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if !outgoing.headers.contains(name: "Accept-Encoding") {
            outgoing.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        }
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
        } catch let error as HTTPClientError {
            throw Self.describe(error, url: request.url)
        } catch is NIOTooManyBytesError {
            throw HTTPTransportError(kind: .bodyTooLarge, url: request.url, detail: "the response body is larger than \(maximumBodyBytes) bytes")
        } catch {
            throw HTTPTransportError(kind: .connectionFailed, url: request.url, detail: String(describing: error))
        }
    }

    /// The same request, waited for on the calling thread, for synchronous callers such as table
    /// storage. The waiting thread must not be one of the client's event loops.
    public func sendWaiting(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        do {
            var headers = HTTPHeaders(request.headers.map { ($0.name, $0.value) })
            if !headers.contains(name: "Accept-Encoding") { headers.add(name: "Accept-Encoding", value: "gzip, deflate") }
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
        } catch let error as HTTPClientError {
            throw Self.describe(error, url: request.url)
        } catch {
            throw HTTPTransportError(kind: .connectionFailed, url: request.url, detail: String(describing: error))
        }
    }

    /// Shuts the client down from synchronous code.
    public func shutdownWaiting() {
        try? client.syncShutdown()
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    private static func describe(_ error: HTTPClientError, url: String) -> HTTPTransportError {
        if error == .invalidURL || error == .emptyHost || error == .emptyScheme {
            return HTTPTransportError(kind: .invalidURL, url: url, detail: "invalid URL (\(error))")
        }
        if error == .readTimeout || error == .connectTimeout || error == .deadlineExceeded {
            return HTTPTransportError(kind: .timedOut, url: url, detail: "timed out (\(error))")
        }
        return HTTPTransportError(kind: .connectionFailed, url: url, detail: String(describing: error))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
