/// An HTTP response, its body read in full.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// In the order the server sent them, names as the server spelt them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The URL that answered (after redirects).
    public var url: String

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], url: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    public var isSuccess: Bool { status < 400 }

    /// The first header with this name, compared case-insensitively (the CDK's responses are
    /// case-insensitive dictionaries).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The `Link` header parsed as Python's `requests` parses it into `response.links`: keyed by `rel`
    /// (or by URL when there is none), each with `url` and the link's parameters.
    public var links: [(key: String, parameters: [(String, String)])] {
        guard let header = header("link") else { return [] }
        var result: [(String, [(String, String)])] = []
        for link in LinkHeader.split(header) {
            var parameters: [(String, String)] = []
            let parts = link.split(separator: ";", omittingEmptySubsequences: false).map { String($0) }
            guard let first = parts.first else { continue }
            let url = first.trimmingCharacters(" <>'\"")
            parameters.append(("url", url))
            for part in parts.dropFirst() {
                guard let equals = part.firstIndex(of: "=") else { continue }
                let key = part[..<equals].trimmingCharacters(" '\"")
                let value = part[part.index(after: equals)...].trimmingCharacters(" '\"")
                parameters.append((key, value))
            }
            let key = parameters.first { $0.0 == "rel" }?.1 ?? url
            result.append((key, parameters))
        }
        return result
    }
}

/// Splitting a `Link` header into links, as `requests.utils.parse_header_links` does.
enum LinkHeader {
    static func split(_ value: String) -> [String] {
        let stripped = value.trimmingCharacters(" '\"")
        guard !stripped.isEmpty else { return [] }
        // Links are separated by ", <"; commas inside a link's parameters do not split it.
        var links: [String] = []
        var current = ""
        var index = stripped.startIndex
        while index < stripped.endIndex {
            let character = stripped[index]
            if character == ",", let next = stripped[stripped.index(after: index)...].first(where: { $0 != " " }), next == "<" {
                links.append(current)
                current = ""
            } else {
                current.append(character)
            }
            index = stripped.index(after: index)
        }
        links.append(current)
        return links.map { $0.trimmingCharacters(" ") }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    func trimmingCharacters(_ characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
