import InletDeclarative
import InletJSON
import InletProtocol
import Testing

/// Records that no component reads travel as the bytes the API sent; they must come out exactly as
/// the parsed records would.
@Suite("Raw records over loopback HTTP")
struct LoopbackRawRecordTests {
    /// Two pages, spaced out as Python's `json.dumps` writes them, with top-level and nested nulls,
    /// escapes, non-ASCII text, big numbers and a repeated key.
    private static let pages = [
        """
        {"data": [{"id": 1, "name": null, "tags": ["a", null], "note": "caf\\u00e9 \\"q\\" ✓"},
                  {"id": 2, "amount": 12345678901234567890, "nested": {"x": null}, "id": 3}],
         "next": "p2"}
        """,
        """
        {"next": null, "data": [ {"id": 4, "z": null} ]}
        """,
    ]

    private func read(cursorValue: String) async throws -> (records: [JSONObject], lines: [String], requests: [String], rawCount: Int) {
        let server = try await LoopbackServer { request in
            .json(request.query["cursor"] == "p2" ? Self.pages[1] : Self.pages[0])
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream("items", path: "/items", retrieverExtras: TestManifest.paginator(token: "cursor", strategy: """
        type: CursorPagination
        cursor_value: "\(cursorValue)"
        stop_condition: "{{ response.next is none }}"
        """))
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.error == nil)
        let lines = output.messages.compactMap { message -> String? in
            guard case .record = message.content else { return nil }
            var writer = JSONWriter()
            message.writeLine(to: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        let rawCount = output.messages.count { message in
            if case .record(let record) = message.content { return record.payload.raw != nil }
            return false
        }
        return (output.records, lines, server.requests.map(\.uri), rawCount)
    }

    @Test func rawRecordsEqualParsedRecords() async throws {
        // Reads only `response.next`: the records stay raw.
        let raw = try await read(cursorValue: "{{ response.next }}")
        // Reads `response.data` too, so every page is parsed whole.
        let parsed = try await read(cursorValue: "{{ response.next if response.data else none }}")
        let expected: [JSONObject] = [
            ["id": 1, "tags": ["a", .null], "note": "café \"q\" ✓"],
            ["id": 3, "amount": .bigNumber("12345678901234567890"), "nested": ["x": .null]],
            ["id": 4],
        ]
        #expect(raw.records == expected)
        #expect(parsed.records == expected)
        #expect(raw.requests == parsed.requests)
        #expect(raw.rawCount == 3)
        #expect(parsed.rawCount == 0)
        // Every line is one compact JSON message, whichever path the record took.
        for line in raw.lines + parsed.lines {
            #expect(!line.dropLast().contains("\n") && !line.contains(", \""))
            #expect(try JSONParser.parse(line)["record"]?["data"]?.objectValue != nil)
        }
    }
}
