/// The peer's command line: a mode, then `--name value` pairs.
struct Options {
    /// A missing or unreadable option.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    let mode: String
    private let values: [String: String]

    init(_ arguments: ArraySlice<String>) {
        mode = arguments.first ?? ""
        var values: [String: String] = [:]
        var rest = arguments.dropFirst()
        while let name = rest.popFirst(), name.hasPrefix("--"), let value = rest.popFirst() {
            values[String(name.dropFirst(2))] = value
        }
        self.values = values
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw Invalid(description: "--\(name) is required") }
        return value
    }

    func integer(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            guard let fallback else { throw Invalid(description: "--\(name) is required") }
            return fallback
        }
        guard let value = Int(text) else { throw Invalid(description: "--\(name) must be an integer") }
        return value
    }
}
