import InletDeclarative
import InletJSON
import Testing

/// A manifest that cannot load says where: YAML line and column, and the manifest path.
@Suite("Manifest errors name the place")
struct ManifestErrorTests {
    static let base = """
    version: 6.0.0
    type: DeclarativeSource
    check:
      type: CheckStream
      stream_names: [users]
    definitions:
      requester:
        type: HttpRequester
        url_base: https://api.example.com
    streams:
      - type: DeclarativeStream
        name: users
        retriever:
          type: SimpleRetriever
          requester:
            $ref: "#/definitions/requester"
          record_selector:
            type: RecordSelector
            extractor:
              type: DpathExtractor
              field_path: []
          paginator:
            type: DefaultPaginator
            pagination_strategy:
              type: CursorPagination
              page_size: 10

    """

    func loadError(_ yaml: String) -> ManifestError? {
        do {
            _ = try Manifest.load(yaml: yaml, file: "manifest.yaml", baseDirectory: "/tmp")
            return nil
        } catch {
            return error
        }
    }

    @Test func aMissingRequiredFieldNamesPathAndLine() throws {
        let error = try #require(loadError(Self.base))
        #expect(error.description == "manifest.yaml:25:11: streams[0].retriever.paginator.pagination_strategy: the required field 'cursor_value' is missing")
    }

    @Test func aWrongTypeNamesTheField() throws {
        let yaml = Self.base.replacingOccurrences(of: "page_size: 10", with: "cursor_value: \"{{ response.next }}\"\n          stop_condition: [1, 2]")
        let error = try #require(loadError(yaml))
        #expect(error.description == "manifest.yaml:27:27: streams[0].retriever.paginator.pagination_strategy.stop_condition: 'stop_condition' must be a boolean or a template, found a list")
    }

    @Test func anUnknownComponentTypeIsAnError() throws {
        let yaml = Self.base.replacingOccurrences(of: "type: CursorPagination", with: "type: CursorPaginaton")
        let error = try #require(loadError(yaml))
        #expect(error.message.hasPrefix("unknown component type 'CursorPaginaton' (expected one of: CursorPagination, OffsetIncrement, PageIncrement)"))
        #expect(error.location == SourceLocation(line: 25, column: 11))
    }

    @Test func malformedYAMLGivesLineAndColumn() throws {
        let error = try #require(loadError("streams:\n  - name: [unclosed\n"))
        #expect(error.message.hasPrefix("not valid YAML"))
        #expect(error.location?.line == 3)
    }

    @Test func aBrokenTemplateNamesTheField() throws {
        let yaml = Self.base.replacingOccurrences(of: "page_size: 10", with: "cursor_value: \"{{ response.next \"")
        let error = try #require(loadError(yaml))
        #expect(error.path?.description == "streams[0].retriever.paginator.pagination_strategy.cursor_value")
        #expect(error.message.contains("invalid template"))
    }

    @Test func aCircularReferenceNamesTheChain() throws {
        let error = try #require(loadError("definitions:\n  a: \"#/definitions/b\"\n  b: \"#/definitions/a\"\nstreams:\n  - \"#/definitions/a\"\n"))
        #expect(error.message == "circular reference: #/definitions/b -> #/definitions/a -> #/definitions/b")
    }

    @Test func customComponentsLoadAndAreListed() throws {
        let yaml = Self.base.replacingOccurrences(of: "type: CursorPagination", with: "type: CustomPaginationStrategy")
            .replacingOccurrences(of: "page_size: 10", with: "class_name: source_x.components.MyPaginator")
        let manifest = try Manifest.load(yaml: yaml, file: "manifest.yaml", baseDirectory: "/tmp")
        #expect(manifest.customComponents.map(\.description) == [
            "streams[0].retriever.paginator.pagination_strategy: CustomPaginationStrategy (source_x.components.MyPaginator)",
        ])
    }

    @Test func schemaTypesNotRunYetLoadAndAreListed() throws {
        let yaml = Self.base.replacingOccurrences(of: "page_size: 10", with: "cursor_value: x\n      pagination_reset:\n        type: PaginationReset")
        let manifest = try Manifest.load(yaml: yaml, file: "manifest.yaml", baseDirectory: "/tmp")
        #expect(manifest.unsupportedComponents.map(\.type) == ["PaginationReset"])
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
