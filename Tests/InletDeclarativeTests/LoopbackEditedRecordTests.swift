import InletDeclarative
import InletJSON
import InletProtocol
import Testing

/// Records that a filter and top-level AddFields/RemoveFields go through stay raw bytes with edits;
/// they must come out exactly as parsed records would, member order included.
@Suite("Raw records with edits over loopback HTTP")
struct LoopbackEditedRecordTests {
    /// Spaced as `json.dumps` writes; record 3 repeats a key and record 4 escapes one, so those two
    /// take the general path in the middle of the page.
    private static let pages = [
        """
        {"data": [
          {"id": 1, "name": "a", "parent": null, "qty": 5, "description": "x"},
          {"id": 2, "qty": -1, "description": "y"},
          {"id": 3, "qty": 2, "name": "c", "id": 3},
          {"id": 4, "qty": 1, "na\\u006de": "d", "total": 9},
          {"id": 5, "qty": 0, "total": 7}
        ], "next": "p2"}
        """,
        """
        {"next": null, "data": [{"id": 6, "qty": 3, "total": null, "parent": 2}]}
        """,
    ]

    private func read(cursorValue: String) async throws -> (records: [JSONObject], written: [String], requests: [String], editedCount: Int) {
        let server = try await LoopbackServer { request in
            .json(request.query["cursor"] == "p2" ? Self.pages[1] : Self.pages[0])
        }
        defer { Task { await server.shutdown() } }
        var manifest = TestManifest(baseURL: server.baseURL)
        manifest.stream(
            "items", path: "/items",
            selectorExtras: """
            record_filter:
              type: RecordFilter
              condition: "{{ record['qty'] >= 0 }}"
            """,
            retrieverExtras: TestManifest.paginator(token: "cursor", strategy: """
            type: CursorPagination
            cursor_value: "\(cursorValue)"
            stop_condition: "{{ response.next is none }}"
            """),
            streamExtras: """
            transformations:
              - type: AddFields
                fields:
                  - path: [total]
                    value: "{{ record['qty'] * 10 }}"
                  - path: [has_parent]
                    value: "{{ record['parent'] is defined }}"
              - type: RemoveFields
                field_pointers: [[description], [name], [missing]]
              - type: AddFields
                fields:
                  - path: [name]
                    value: "{{ record.get('qty') }}-renamed"
                    value_type: string
            """)
        let output = await (try ManifestRun(manifest.yaml)).read(streams: ["items"])
        #expect(output.error == nil)
        let editedCount = output.messages.count { message in
            if case .record(let record) = message.content { return record.payload.isEditedRaw }
            return false
        }
        let written = output.messages.compactMap { message -> String? in
            guard case .record(let record) = message.content else { return nil }
            var writer = JSONWriter()
            writer.write(record.payload)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        return (output.records, written, server.requests.map(\.uri), editedCount)
    }

    @Test func editedRecordsEqualParsedRecords() async throws {
        let edited = try await read(cursorValue: "{{ response.next }}")
        // Reading `response.data` makes every page parse whole.
        let parsed = try await read(cursorValue: "{{ response.next if response.data else none }}")
        let expected: [JSONObject] = [
            ["id": 1, "qty": 5, "total": 50, "has_parent": true, "name": "5-renamed"],
            ["id": 3, "qty": 2, "total": 20, "has_parent": false, "name": "2-renamed"],
            ["id": 4, "qty": 1, "total": 10, "has_parent": false, "name": "1-renamed"],
            ["id": 5, "qty": 0, "total": 0, "has_parent": false, "name": "0-renamed"],
            ["id": 6, "qty": 3, "total": 30, "parent": 2, "has_parent": true, "name": "3-renamed"],
        ]
        #expect(edited.records == expected)
        #expect(parsed.records == expected)
        // Equality of objects ignores order; the members' order must match too.
        #expect(edited.records.map(\.keys) == expected.map(\.keys))
        #expect(parsed.records.map(\.keys) == expected.map(\.keys))
        #expect(edited.written == parsed.written)
        #expect(edited.written.first == #"{"id":1,"qty":5,"total":50,"has_parent":true,"name":"5-renamed"}"#)
        #expect(edited.written.last == #"{"id":6,"qty":3,"total":30,"parent":2,"has_parent":true,"name":"3-renamed"}"#)
        #expect(edited.requests == parsed.requests)
        #expect(edited.editedCount == 3)
        #expect(parsed.editedCount == 0)
    }
}
