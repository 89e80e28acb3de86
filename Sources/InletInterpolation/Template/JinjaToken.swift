/// A token of Jinja's expression language, or a piece of template text.
struct JinjaToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case text(String)
        /// `{{`
        case variableBegin
        /// `}}`
        case variableEnd
        /// `{%`
        case blockBegin
        /// `%}`
        case blockEnd
        case name(String)
        case string(String)
        case integer(Int64)
        case bigInteger(String)
        case float(Double)
        /// Punctuation and operators: `+`, `//`, `==`, `(`, `|`, ….
        case symbol(String)
        case end
    }

    var kind: Kind
    /// Character offset in the template, for error messages.
    var offset: Int

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let found) = kind { return found == symbol }
        return false
    }

    func isName(_ name: String) -> Bool {
        if case .name(let found) = kind { return found == name }
        return false
    }

    var describe: String {
        switch kind {
        case .text: return "template data"
        case .variableBegin: return "begin of print statement"
        case .variableEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .name(let name): return "'\(name)'"
        case .string: return "string"
        case .integer, .bigInteger: return "integer"
        case .float: return "float"
        case .symbol(let symbol): return "'\(symbol)'"
        case .end: return "end of template"
        }
    }
}
