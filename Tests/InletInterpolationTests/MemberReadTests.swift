import InletInterpolation
import Testing

/// What a template may read of a context variable decides whether records can stay raw bytes.
@Suite("Members a template reads")
struct MemberReadTests {
    private func members(_ source: String, of variable: String = "response") throws -> Set<String>? {
        try JinjaTemplate(source).membersRead(of: variable)
    }

    @Test func constantMemberAccessIsNamed() throws {
        #expect(try members("{{ response.next }}") == ["next"])
        #expect(try members("{{ response['meta']['cursor'] }}") == ["meta"])
        #expect(try members("{{ response.get('links', {}).get('next') }}") == ["links"])
        #expect(try members("{{ not response.has_more }}{{ headers['link'] }}") == ["has_more"])
        #expect(try members("{{ config['x'] }}") == [])
    }

    @Test(arguments: [
        "{{ response }}", "{{ response | tojson }}", "{{ 'next' in response }}", "{{ response[config['key']] }}",
        "{% for key in response %}{{ key }}{% endfor %}", "{% set r = response %}{{ r.data }}", "{{ response.keys() }}",
        "{{ response.get(config['key']) }}",
    ])
    func anyOtherUseMayReadEveryMember(source: String) throws {
        #expect(try members(source) == nil)
    }

    @Test func aLocalVariableOfTheSameNameIsNotTheContextVariable() throws {
        #expect(try members("{% for response in config['list'] %}{{ response }}{% endfor %}") == [])
        #expect(try members("{% set response = config %}{{ response }}") == [])
    }
}
