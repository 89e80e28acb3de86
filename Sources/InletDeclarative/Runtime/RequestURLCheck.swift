import InletProtocol

/// The checks Python's `requests` makes on a URL before it sends anything (`PreparedRequest.prepare_url`
/// and the adapter lookup). A URL that fails them fails the stream at once, as in the CDK: no
/// retries, since no retry can fix a URL (typically a `url_base` from a config value left empty).
enum RequestURLCheck {
    static func check(_ url: String) throws(DeclarativeError) {
        let text = url.drop { $0.isWhitespace }
        if text.contains(":") && text.prefix(4).lowercased() != "http" {
            throw DeclarativeError(.configError,
                                   "Invalid Protocol Schema: The endpoint that data is being requested from is using an invalid or insecure. Exception: requests.exceptions.InvalidSchema",
                                   internalMessage: "No connection adapters were found for '\(text)': the URL must start with http:// or https://")
        }
        guard let colon = text.firstIndex(of: ":"), isScheme(text[..<colon]) else {
            throw DeclarativeError(.configError, "Invalid URL '\(text)': No scheme supplied. Perhaps you meant https://\(text)?",
                                   internalMessage: "MissingSchema: the request URL '\(text)' has no scheme; check url_base, url and path (a config value they read may be empty)")
        }
        let rest = text[text.index(after: colon)...]
        var host = Substring("")
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
            host = hostAndPort.hasPrefix("[") ? hostAndPort : (hostAndPort.split(separator: ":", omittingEmptySubsequences: false).first ?? "")
        }
        guard !host.isEmpty else {
            throw DeclarativeError(.configError, "Invalid URL '\(text)': No host supplied",
                                   internalMessage: "InvalidURL: the request URL '\(text)' has no host; check url_base, url and path")
        }
    }

    private static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }
}
