import InletJSON

/// Picks one of several authenticators by a value in the config (`authenticator_selection_path`).
public struct SelectiveAuthenticator: ManifestComponent {
    public static let typeName = "SelectiveAuthenticator"

    public let authenticatorSelectionPath: [String]
    public let authenticators: [(name: String, authenticator: any ManifestComponent)]

    public init(from node: ManifestNode) throws(ManifestError) {
        authenticatorSelectionPath = try node.stringList("authenticator_selection_path") ?? []
        guard !authenticatorSelectionPath.isEmpty else { throw node.error("the required field 'authenticator_selection_path' is missing") }
        let choices = try node.required("authenticators")
        guard case .object(let object) = choices.value else { throw choices.error("'authenticators' must be a mapping of names to authenticators") }
        var authenticators: [(String, any ManifestComponent)] = []
        for key in object.keys {
            let choice = try choices.required(key)
            authenticators.append((key, try choice.decodeComponent(among: AuthenticatorTypes.all)))
        }
        self.authenticators = authenticators
    }
}
