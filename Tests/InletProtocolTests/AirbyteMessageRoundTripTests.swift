import InletJSON
import InletProtocol
import Testing

@Suite("Airbyte messages: round trips and the CDK's serialisation")
struct AirbyteMessageRoundTripTests {
    /// Lines as the Python CDK (airbyte-cdk 7.39.1 with orjson) writes them; Inlet must write them back
    /// byte for byte after parsing.
    static let cdkLines: [String] = [
        #"{"type":"RECORD","record":{"stream":"issues","data":{"id":1,"title":"größe"},"emitted_at":1717200000500}}"#,
        #"{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":12,"namespace":"public","meta":{"changes":[{"field":"body","change":"NULLED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}]}}}"#,
        #"{"type":"RECORD","record":{"stream":"files","data":{"a":1},"emitted_at":3,"file_reference":{"staging_file_url":"/tmp/x","source_file_relative_path":"x","file_size_bytes":10}}}"#,
        #"{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"issues"},"stream_state":{"updated_at":"2024-05-31T00:00:00Z"}},"sourceStats":{"recordCount":3.0}}}"#,
        #"{"type":"STATE","state":{"type":"GLOBAL","global":{"stream_states":[{"stream_descriptor":{"name":"x","namespace":"n"},"stream_state":{"a":1}}],"shared_state":{"b":2}},"sourceStats":{"recordCount":3.0}}}"#,
        #"{"type":"STATE","state":{"type":"LEGACY","data":{"issues":{"cursor":5}}}}"#,
        #"{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"x"},"stream_state":{"__ab_no_cursor_state_message":true}},"sourceStats":{"recordCount":0.0},"destinationStats":{"recordCount":0.0}}}"#,
        #"{"type":"LOG","log":{"level":"INFO","message":"Starting syncing"}}"#,
        #"{"type":"LOG","log":{"level":"ERROR","message":"boom","stack_trace":"Traceback..."}}"#,
        #"{"type":"SPEC","spec":{"connectionSpecification":{"type":"object","properties":{"api_key":{"type":"string","airbyte_secret":true}}},"documentationUrl":"https://docs","supportsNormalization":false,"supportsDBT":false,"advanced_auth":{"auth_flow_type":"oauth2.0","predicate_key":["credentials","auth_type"]}}}"#,
        #"{"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}}"#,
        #"{"type":"CONNECTION_STATUS","connectionStatus":{"status":"FAILED","message":"Config validation error: 'api_key' is a required property"}}"#,
        #"{"type":"CATALOG","catalog":{"streams":[{"name":"issues","json_schema":{"type":"object","properties":{"id":{"type":"integer"}}},"supported_sync_modes":["full_refresh","incremental"],"source_defined_cursor":true,"default_cursor_field":["updated_at"],"source_defined_primary_key":[["id"]],"is_resumable":true}]}}"#,
        #"{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1717200000500.0,"error":{"message":"m","internal_message":"i","stack_trace":"t","failure_type":"config_error","stream_descriptor":{"name":"issues"}}}}"#,
        #"{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1717200000500.0,"stream_status":{"stream_descriptor":{"name":"issues"},"status":"RUNNING"}}}"#,
        #"{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1717200000500.0,"stream_status":{"stream_descriptor":{"name":"issues"},"status":"RUNNING","reasons":[{"type":"RATE_LIMITED","rate_limited":{"quota_reset":1717200060000}}]}}}"#,
        #"{"type":"TRACE","trace":{"type":"ESTIMATE","emitted_at":1.5,"estimate":{"name":"issues","type":"STREAM","namespace":"n","row_estimate":100,"byte_estimate":2000}}}"#,
        #"{"type":"TRACE","trace":{"type":"ANALYTICS","emitted_at":1.5,"analytics":{"type":"nullified_fields","value":"3"}}}"#,
        #"{"type":"CONTROL","control":{"type":"CONNECTOR_CONFIG","emitted_at":1.5,"connectorConfig":{"config":{"refresh_token":"new"}}}}"#,
        #"{"type":"DESTINATION_CATALOG","destination_catalog":{"operations":[]}}"#,
    ]

    @Test(arguments: cdkLines)
    func cdkOutputRoundTripsByteForByte(_ line: String) throws {
        let message = try AirbyteMessage.parse(line: line)
        #expect(message.serialized == line)
        #expect(try AirbyteMessage(json: message.json) == message)
    }

    @Test func unknownFieldsSurviveAtEveryLevel() throws {
        let line = #"{"type":"RECORD","record":{"stream":"s","data":{"x":null},"emitted_at":1,"meta":{"changes":[],"future_meta":1},"future":{"k":[1]}},"envelope_extra":"kept"}"#
        let message = try AirbyteMessage.parse(line: line)
        guard case .record(let record) = message.content else {
            Issue.record("expected a record")
            return
        }
        #expect(record.additionalProperties["future"] == ["k": [1]])
        #expect(record.meta?.additionalProperties["future_meta"] == 1)
        #expect(message.additionalProperties["envelope_extra"] == "kept")
        // Known fields come first in the CDK's order, unknown ones after them.
        #expect(message.serialized == line)
    }

    @Test func unknownEnumValuesSurvive() throws {
        let line = #"{"type":"TRACE","trace":{"type":"FUTURE_TRACE","emitted_at":2.0,"future_trace":{"a":1}}}"#
        let message = try AirbyteMessage.parse(line: line)
        #expect(message.serialized == line)
    }

    @Test func recordsFromCodeMatchTheCDK() {
        let message = AirbyteMessage.record(stream: "s", data: ["b": 1, "a": .null], emittedAt: 12)
        #expect(message.serialized == #"{"type":"RECORD","record":{"stream":"s","data":{"b":1,"a":null},"emitted_at":12}}"#)
        let spec = AirbyteMessage(.spec(ConnectorSpecification(connectionSpecification: ["a": 1])))
        #expect(spec.serialized == #"{"type":"SPEC","spec":{"connectionSpecification":{"a":1},"supportsNormalization":false,"supportsDBT":false}}"#)
        let trace = ConnectorError.configError("m").traceMessage(emittedAt: 1717200000500)
        #expect(trace.serialized == #"{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1717200000500.0,"error":{"message":"m","failure_type":"config_error"}}}"#)
    }

    @Test func configuredCatalogRoundTrips() throws {
        let text = #"{"streams":[{"stream":{"name":"issues","json_schema":{},"supported_sync_modes":["incremental"],"namespace":"gh"},"sync_mode":"incremental","destination_sync_mode":"append_dedup","cursor_field":["updated_at"],"primary_key":[["id"],["repo","name"]],"generation_id":3,"minimum_generation_id":2,"sync_id":99,"future":true}]}"#
        let catalog = try ConfiguredAirbyteCatalog(json: JSONParser.parse(text))
        let stream = try #require(catalog.streams.first)
        #expect(stream.syncMode == .incremental)
        #expect(stream.destinationSyncMode == .appendDedup)
        #expect(stream.primaryKey == [["id"], ["repo", "name"]])
        #expect(stream.generationID == 3)
        #expect(stream.minimumGenerationID == 2)
        #expect(stream.syncID == 99)
        #expect(catalog.stream(for: StreamDescriptor(name: "issues", namespace: "gh"))?.cursorField == ["updated_at"])
        #expect(catalog.stream(for: StreamDescriptor(name: "issues")) == nil)
        #expect(JSONWriter.string(from: catalog.json) == text)
    }
}

@Suite("Airbyte messages: errors name the place")
struct AirbyteMessageErrorTests {
    @Test(arguments: [
        (#"{"type":"RECORD","record":{"data":{},"emitted_at":1}}"#, "not an Airbyte message: $.record.stream: is required but missing"),
        (#"{"type":"RECORD","record":{"stream":1,"data":{},"emitted_at":1}}"#, "not an Airbyte message: $.record.stream: expected a string, found integer"),
        (#"{"type":"RECORD","record":{"stream":"s","data":[],"emitted_at":1}}"#, "not an Airbyte message: $.record.data: expected an object, found array"),
        (#"{"type":"RECORD"}"#, "not an Airbyte message: $.record: is required but missing"),
        (#"{"record":{}}"#, "not an Airbyte message: $.type: is required but missing"),
        (#"[1]"#, "not an Airbyte message: expected an object, found array"),
        (#"{"type":"STATE","state":{"type":"STREAM"}}"#, "not an Airbyte message: $.state.stream: is required but missing"),
        (#"{"type":"CATALOG","catalog":{"streams":[{"name":"a","json_schema":{},"supported_sync_modes":[1]}]}}"#,
         "not an Airbyte message: $.catalog.streams[0].supported_sync_modes[0]: expected a string, found integer"),
        (#"{"type":"LOG","log":{"level":"INFO","message":"x"}"#, "not JSON: line 1, column 51 (byte 50): unexpected end of input, expected ',' or '}'"),
        ("Starting connector...", "not JSON: line 1, column 1 (byte 0): unexpected character 'S', expected a JSON value"),
    ])
    func reportsWhereAndWhy(_ line: String, _ expected: String) {
        #expect {
            try AirbyteMessage.parse(line: line)
        } throws: { error in
            (error as? AirbyteMessageParsingError)?.description == expected
        }
    }
}
